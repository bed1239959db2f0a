//! From file entries to domain values, with the checks that need only one entry: names,
//! amounts, dates, limits, materials, stages, rota, grant scope.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use chrono::NaiveDate;
use serde_spanned::Spanned;

use crate::clock::OfficeHours;
use crate::grant::{weekday_key, Grant, GrantScope, Rota, Window, WindowKind, WEEK};
use crate::item::{
    DayUnit, Fee, Item, ItemKind, ItemRules, Material, RuleSet, Stage, StatutoryLimits, TimeLimit,
    WarningThreshold, Yuan,
};

use super::error::Problem;
use super::file::{
    DepartmentEntry, GrantEntry, ItemEntry, LimitEntry, MaterialEntry, RotaEntry, RulesEntry, Text,
    WindowEntry, WorkflowFile,
};
use super::{Catalogue, Department, Sink};

pub(super) fn catalogue(sink: &mut Sink<'_>, files: &[(usize, WorkflowFile)]) -> Catalogue {
    let mut catalogue = Catalogue::default();
    let mut hours_at: Option<String> = None;
    for (file, content) in files {
        let file = *file;
        if let Some(hours) = &content.office_hours {
            let here = sink.position(file, &hours.span());
            match (&hours_at, OfficeHours::try_from(hours.get_ref().clone())) {
                (Some(first), _) => sink.push(
                    file,
                    hours.span(),
                    Problem::Duplicate {
                        what: "office hours (办公时间)",
                        code: "office_hours".into(),
                        first: first.clone(),
                    },
                ),
                (None, Ok(h)) => catalogue.office_hours = h,
                (None, Err(e)) => sink.push(file, hours.span(), Problem::OfficeHours(e)),
            }
            hours_at.get_or_insert(here);
        }
        for entry in &content.departments {
            catalogue.departments.push(department(sink, file, entry));
        }
        for entry in &content.windows {
            catalogue.windows.push(window(sink, file, entry));
        }
        for entry in &content.grants {
            let id = catalogue.grants.len() as i64 + 1;
            if let Some(grant) = grant(sink, file, entry, id) {
                catalogue.grants.push(grant);
            }
        }
        for entry in &content.items {
            catalogue.items.push(item(sink, file, entry));
        }
    }
    catalogue
}

/// The text, trimmed; an empty one is reported against `field`.
fn text(sink: &mut Sink<'_>, file: usize, value: &Text, field: &'static str) -> String {
    let trimmed = value.get_ref().trim();
    if trimmed.is_empty() {
        sink.push(file, value.span(), Problem::Empty { field });
    }
    trimmed.to_owned()
}

fn department(sink: &mut Sink<'_>, file: usize, entry: &DepartmentEntry) -> Department {
    Department {
        code: text(sink, file, &entry.code, "department code (部门编码)"),
        name: text(sink, file, &entry.name, "department name (部门名称)"),
    }
}

fn window(sink: &mut Sink<'_>, file: usize, entry: &WindowEntry) -> Window {
    let code = text(sink, file, &entry.code, "window code (窗口编号)");
    let name = text(sink, file, &entry.name, "window name (窗口名称)");
    let kind = *entry.kind.get_ref();
    let departments: Vec<String> = entry
        .departments
        .iter()
        .map(|d| d.get_ref().trim().to_owned())
        .collect();
    let needs_departments = matches!(kind, WindowKind::Department | WindowKind::Floating);
    if needs_departments && departments.is_empty() {
        sink.push(
            file,
            entry.kind.span(),
            Problem::Window("a department or floating window needs its departments (进驻部门)"),
        );
    }
    let rota = match (&entry.rota, kind) {
        (Some(rota), WindowKind::Floating) => Some(build_rota(sink, file, rota, &departments)),
        (Some(rota), _) => {
            sink.push(
                file,
                rota.span(),
                Problem::Window("only a floating window (流动窗口) has a rota (轮值表)"),
            );
            None
        }
        (None, WindowKind::Floating) => {
            sink.push(
                file,
                entry.kind.span(),
                Problem::Window("a floating window (流动窗口) needs a rota (轮值表)"),
            );
            None
        }
        (None, _) => None,
    };
    Window {
        code,
        name,
        kind,
        departments,
        rota,
    }
}

fn build_rota(
    sink: &mut Sink<'_>,
    file: usize,
    entry: &Spanned<RotaEntry>,
    window_departments: &[String],
) -> Rota {
    let days = entry.get_ref();
    let by_day = [
        &days.mon, &days.tue, &days.wed, &days.thu, &days.fri, &days.sat, &days.sun,
    ];
    let mut rota = Rota::default();
    for (day, listed) in WEEK.iter().zip(by_day) {
        let mut seen = HashSet::new();
        for department in listed {
            let code = department.get_ref().trim();
            let weekday = weekday_key(*day);
            if !seen.insert(code) {
                sink.push(
                    file,
                    department.span(),
                    Problem::RotaDuplicate {
                        department: code.to_owned(),
                        weekday,
                    },
                );
            } else if !window_departments.iter().any(|d| d == code) {
                sink.push(
                    file,
                    department.span(),
                    Problem::RotaNotAmongWindow {
                        department: code.to_owned(),
                        weekday,
                    },
                );
            }
            rota.on_mut(*day).push(code.to_owned());
        }
    }
    if rota.is_empty() {
        sink.push(
            file,
            entry.span(),
            Problem::Window("the rota (轮值表) has no department on any day"),
        );
    }
    rota
}

fn date(sink: &mut Sink<'_>, file: usize, value: &Spanned<toml::Value>) -> Option<NaiveDate> {
    let parsed = match value.get_ref() {
        toml::Value::String(s) => s.trim().parse().ok(),
        toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            _ => None,
        },
        _ => None,
    };
    if parsed.is_none() {
        let shown = match value.get_ref() {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        sink.push(file, value.span(), Problem::BadDate { value: shown });
    }
    parsed
}

fn grant(sink: &mut Sink<'_>, file: usize, entry: &GrantEntry, id: i64) -> Option<Grant> {
    let window = text(sink, file, &entry.window, "window (被授权窗口)");
    let clerk = entry
        .clerk
        .as_ref()
        .map(|c| text(sink, file, c, "clerk (被授权人员)"));
    let scope = match (&entry.items, &entry.department) {
        (Some(items), None) => {
            if items.get_ref().is_empty() {
                sink.push(
                    file,
                    items.span(),
                    Problem::Empty {
                        field: "items (授权事项)",
                    },
                );
            }
            Some(GrantScope::Items(
                items
                    .get_ref()
                    .iter()
                    .map(|i| i.get_ref().trim().to_owned())
                    .collect(),
            ))
        }
        (None, Some(department)) => Some(GrantScope::Department(
            department.get_ref().trim().to_owned(),
        )),
        _ => {
            sink.push(file, entry.window.span(), Problem::GrantScope);
            None
        }
    };
    let actions = entry.actions.get_ref().clone();
    if actions.is_empty() {
        sink.push(file, entry.actions.span(), Problem::NoActions);
    }
    let mut seen = HashSet::new();
    for action in &actions {
        if !seen.insert(*action) {
            sink.push(
                file,
                entry.actions.span(),
                Problem::DuplicateAction(action.to_string()),
            );
        }
    }
    let valid_from = date(sink, file, &entry.valid_from);
    let valid_to = entry.valid_to.as_ref().map(|v| (v, date(sink, file, v)));
    if let (Some(from), Some((to_entry, Some(to)))) = (valid_from, &valid_to) {
        if *to < from {
            sink.push(
                file,
                to_entry.span(),
                Problem::ValidToBeforeFrom {
                    valid_from: from.to_string(),
                    valid_to: to.to_string(),
                },
            );
        }
    }
    let granted_by = text(sink, file, &entry.granted_by, "granted_by (授权单位)");
    let document_no = text(sink, file, &entry.document_no, "document_no (授权书文号)");
    Some(Grant {
        id,
        window,
        clerk,
        scope: scope?,
        actions,
        valid_from: valid_from?,
        valid_to: match valid_to {
            Some((_, to)) => Some(to?),
            None => None,
        },
        granted_by,
        document_no,
        revoked_at: None,
    })
}

fn limit(entry: LimitEntry) -> TimeLimit {
    TimeLimit {
        days: entry.days,
        unit: entry.unit,
    }
}

pub(super) fn show(limit: TimeLimit) -> String {
    let unit = match limit.unit {
        DayUnit::WorkingDays => "working days (工作日)",
        DayUnit::NaturalDays => "natural days (自然日)",
        DayUnit::Months => "months (月)",
    };
    format!("{} {unit}", limit.days)
}

fn item(sink: &mut Sink<'_>, file: usize, entry: &ItemEntry) -> Item {
    let code = text(sink, file, &entry.code, "item code (事项编码)");
    let code_span = entry.code.span();
    let kind = *entry.kind.get_ref();
    if entry.version == 0 {
        sink.push(file, code_span.clone(), Problem::Version);
    }
    let legal = limit(*entry.legal_limit.get_ref());
    let promised = limit(*entry.promised_limit.get_ref());
    check_limits(sink, file, entry, kind, legal, promised);
    let rules = rules(sink, file, &entry.rules);
    let defaults = StatutoryLimits::default();
    let given = |e: &Option<Spanned<LimitEntry>>, default| {
        e.as_ref().map_or(default, |e| limit(*e.get_ref()))
    };
    let statutory = StatutoryLimits {
        acceptance: given(&entry.statutory.acceptance, defaults.acceptance),
        // Joint handling extends by 15 working days unless the item says less (art. 42).
        extension: given(
            &entry.statutory.extension,
            TimeLimit::working_days(rules.rule_set.max_extension()),
        ),
        delivery: given(&entry.statutory.delivery, defaults.delivery),
    };
    let warning = match &entry.warning {
        Some(w) => {
            if w.get_ref().percent > 100 {
                sink.push(file, w.span(), Problem::WarningPercent(w.get_ref().percent));
            }
            WarningThreshold {
                working_days: w.get_ref().working_days,
                percent: w.get_ref().percent,
            }
        }
        None => WarningThreshold::default(),
    };
    let fee = match &entry.fee {
        Some(fee) => {
            let amount = match fee.amount.get_ref().trim().parse::<Yuan>() {
                Ok(amount) => Some(amount),
                Err(err) => {
                    sink.push(file, fee.amount.span(), Problem::BadAmount(err.to_string()));
                    None
                }
            };
            Fee {
                amount: amount.unwrap_or_default(),
                basis: text(sink, file, &fee.basis, "fee basis (收费依据)"),
            }
        }
        None => Fee {
            amount: Yuan(0),
            basis: "不收费".to_owned(),
        },
    };
    let materials = materials(sink, file, &entry.materials);
    let stages = stages(sink, file, entry, kind, promised);
    let item = Item {
        rules,
        code,
        name: text(sink, file, &entry.name, "item name (事项名称)"),
        version: entry.version,
        kind,
        category: entry.category,
        department: entry.department.get_ref().trim().to_owned(),
        legal_basis: text(sink, file, &entry.legal_basis, "legal_basis (设定依据)"),
        conditions: entry.conditions.clone(),
        materials,
        procedure: text(sink, file, &entry.procedure, "procedure (办理流程)"),
        quantity_limit: entry.quantity_limit.clone(),
        legal_limit: legal,
        promised_limit: promised,
        statutory,
        warning,
        fee,
        result_document: text(
            sink,
            file,
            &entry.result_document,
            "result_document (审批结果)",
        ),
        consultation: text(sink, file, &entry.consultation, "consultation (咨询方式)"),
        complaint: text(sink, file, &entry.complaint, "complaint (监督投诉方式)"),
        stages,
    };
    super::law::check(sink, file, entry, &item);
    item
}

fn check_limits(
    sink: &mut Sink<'_>,
    file: usize,
    entry: &ItemEntry,
    kind: ItemKind,
    legal: TimeLimit,
    promised: TimeLimit,
) {
    let promised_span = entry.promised_limit.span();
    if legal.days == 0 {
        sink.push(
            file,
            entry.legal_limit.span(),
            Problem::Limit("the legal limit (法定时限) must be at least 1 day"),
        );
    }
    match kind {
        ItemKind::Immediate if promised.days != 0 => sink.push(
            file,
            promised_span.clone(),
            Problem::Immediate(
                "an immediate item (即办件) is decided on the spot: its promised limit (承诺时限) is 0 days",
            ),
        ),
        ItemKind::Promised if promised.days == 0 => sink.push(
            file,
            promised_span.clone(),
            Problem::Limit(
                "a promised item (承诺件) needs a promised limit (承诺时限) of at least 1 day; 0 days is an immediate item (即办件)",
            ),
        ),
        _ => {}
    }
    // N natural days never outlast N working days, so that mix compares by days; the other
    // way round depends on the calendar and is refused.
    match outlasts(promised, legal) {
        None => sink.push(file, promised_span, Problem::IncomparableLimits),
        Some(true) => sink.push(
            file,
            promised_span,
            Problem::PromisedOverLegal {
                promised: show(promised),
                legal: show(legal),
            },
        ),
        Some(false) => {}
    }
}

/// Whether `a` lasts longer than `b`, to refuse a promise beyond the legal limit; `None`
/// when that depends on the calendar or the start day. A month has 28 to 31 days.
fn outlasts(a: TimeLimit, b: TimeLimit) -> Option<bool> {
    use DayUnit::{Months, NaturalDays, WorkingDays};
    let (x, y) = (a.days, b.days);
    match (a.unit, b.unit) {
        _ if x == 0 => Some(false),
        // Natural days against working days compare by number: never longer when not more,
        // and more is refused rather than left to the calendar.
        (WorkingDays, WorkingDays)
        | (NaturalDays, NaturalDays)
        | (Months, Months)
        | (NaturalDays, WorkingDays) => Some(x > y),
        (NaturalDays, Months) if x <= 28 * y => Some(false),
        (NaturalDays, Months) if x > 31 * y => Some(true),
        (Months, NaturalDays | WorkingDays) if 31 * x <= y => Some(false),
        (Months, NaturalDays) if 28 * x > y => Some(true),
        _ => None,
    }
}

fn materials(sink: &mut Sink<'_>, file: usize, entries: &[MaterialEntry]) -> Vec<Material> {
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();
    let mut materials = Vec::new();
    for entry in entries {
        let code = text(sink, file, &entry.code, "material code (材料编码)");
        if let Some(first) = seen.get(&code) {
            let first = sink.position(file, first);
            sink.push(
                file,
                entry.code.span(),
                Problem::Duplicate {
                    what: "material",
                    code: code.clone(),
                    first,
                },
            );
        } else {
            seen.insert(code.clone(), entry.code.span());
        }
        if entry.tolerable && !entry.required {
            sink.push(
                file,
                entry.code.span(),
                Problem::Material(
                    "a tolerable material (容缺材料) must be required (必需): tolerated-missing acceptance is for required materials handed in later",
                ),
            );
        }
        if entry.copies == 0 {
            sink.push(
                file,
                entry.code.span(),
                Problem::Material("copies (份数) must be at least 1"),
            );
        }
        materials.push(Material {
            code,
            name: text(sink, file, &entry.name, "material name (材料名称)"),
            required: entry.required,
            tolerable: entry.tolerable,
            copies: entry.copies,
            form: entry.form,
            note: entry.note.clone(),
        });
    }
    materials
}

fn stages(
    sink: &mut Sink<'_>,
    file: usize,
    item: &ItemEntry,
    kind: ItemKind,
    promised: TimeLimit,
) -> Vec<Stage> {
    let entries = &item.stages;
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();
    let mut groups_done: HashSet<String> = HashSet::new();
    let mut previous_group: Option<String> = None;
    let mut stages = Vec::new();
    for entry in entries {
        let code = text(sink, file, &entry.code, "stage code (环节编码)");
        if let Some(first) = seen.get(&code) {
            let first = sink.position(file, first);
            sink.push(
                file,
                entry.code.span(),
                Problem::Duplicate {
                    what: "stage",
                    code: code.clone(),
                    first,
                },
            );
        } else {
            seen.insert(code.clone(), entry.code.span());
        }
        let group = entry
            .parallel_group
            .as_ref()
            .map(|g| text(sink, file, g, "parallel_group (并联组)"));
        if group != previous_group {
            if let Some(previous) = previous_group.take() {
                groups_done.insert(previous);
            }
            if let (Some(g), Some(span)) = (&group, &entry.parallel_group) {
                if groups_done.contains(g) {
                    sink.push(
                        file,
                        span.span(),
                        Problem::SplitParallelGroup { group: g.clone() },
                    );
                }
            }
        }
        previous_group.clone_from(&group);
        if kind == ItemKind::Promised && entry.limit.get_ref().days == 0 {
            sink.push(
                file,
                entry.limit.span(),
                Problem::Limit("a stage limit (环节时限) must be at least 1 day"),
            );
        }
        stages.push(Stage {
            code,
            name: text(sink, file, &entry.name, "stage name (环节名称)"),
            department: entry.department.get_ref().trim().to_owned(),
            role: entry.role.into(),
            limit: limit(*entry.limit.get_ref()),
            parallel_group: group,
        });
    }
    match kind {
        ItemKind::Immediate => check_immediate_stages(sink, file, item),
        ItemKind::Promised => {
            if entries.is_empty() {
                sink.push(file, item.code.span(), Problem::NoStages);
            }
            check_stage_budget(sink, file, item, &stages, promised);
        }
    }
    stages
}

/// An on-the-spot decision completes the whole workflow at the window (the case machine does
/// exactly that), so an immediate item may have one stage at most: its own department's
/// handling, used when the clerk sends the case to the back office instead.
fn check_immediate_stages(sink: &mut Sink<'_>, file: usize, item: &ItemEntry) {
    if let Some(second) = item.stages.get(1) {
        sink.push(
            file,
            second.code.span(),
            Problem::Immediate(
                "an immediate item (即办件) has at most one stage (办理环节): it is decided on the spot",
            ),
        );
    }
    if let Some(first) = item.stages.first() {
        if let Some(group) = &first.parallel_group {
            sink.push(
                file,
                group.span(),
                Problem::Immediate("an immediate item (即办件) has no parallel stages (并联环节)"),
            );
        }
        if first.department.get_ref().trim() != item.department.get_ref().trim() {
            sink.push(
                file,
                first.department.span(),
                Problem::Immediate(
                    "the stage of an immediate item (即办件) belongs to the item's own department (实施主体)",
                ),
            );
        }
    }
}

/// The stages run step by step (a parallel group is one step, as long as its longest stage);
/// their budgets together must fit in the promised limit when all count in the same unit.
fn check_stage_budget(
    sink: &mut Sink<'_>,
    file: usize,
    item: &ItemEntry,
    stages: &[Stage],
    promised: TimeLimit,
) {
    if stages.iter().any(|s| s.limit.unit != promised.unit) {
        return;
    }
    let mut total: u32 = 0;
    let mut step_max: u32 = 0;
    for (i, stage) in stages.iter().enumerate() {
        step_max = step_max.max(stage.limit.days);
        let continues = stages.get(i + 1).is_some_and(|next| {
            next.parallel_group.is_some() && next.parallel_group == stage.parallel_group
        });
        if !continues {
            total = total.saturating_add(step_max);
            step_max = 0;
        }
    }
    if total > promised.days {
        sink.push(
            file,
            item.promised_limit.span(),
            Problem::StagesOverPromised {
                stages: show(TimeLimit {
                    days: total,
                    unit: promised.unit,
                }),
                promised: show(promised),
            },
        );
    }
}

/// The item's rules; a suspension ground outside art. 45 needs the special law that adds it.
fn rules(sink: &mut Sink<'_>, file: usize, entry: &RulesEntry) -> ItemRules {
    let special_law = entry
        .special_law
        .as_ref()
        .map(|law| text(sink, file, law, "special law (特别规定)"));
    let mut rules = ItemRules {
        extension_moves_promise: entry.extension_moves_promise.unwrap_or(true),
        special_law,
        rule_set: entry
            .rule_set
            .as_ref()
            .map(|r| *r.get_ref())
            .unwrap_or_default(),
        extension_by: entry
            .extension_by
            .as_ref()
            .map(|d| text(sink, file, d, "extension_by (延期审批部门)")),
        ..ItemRules::default()
    };
    if rules.rule_set == RuleSet::Joint && rules.extension_by.is_none() {
        let span = entry.rule_set.as_ref().map_or(0..0, |r| r.span());
        sink.push(
            file,
            span,
            Problem::Limit(
                "joint handling (联合办理, art. 42 para. 2) is extended with the approval of the head of the government: name its department in `rules.extension_by`",
            ),
        );
    }
    if let Some(grounds) = &entry.special_procedures {
        for p in grounds.get_ref() {
            if !p.is_statutory() && rules.special_law.is_none() {
                sink.push(
                    file,
                    grounds.span(),
                    Problem::NotAStatutoryGround(p.name_zh()),
                );
            }
        }
        rules.special_procedures = grounds.get_ref().clone();
    }
    rules
}
