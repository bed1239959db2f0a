//! The case actions of a window clerk and of the back office (approvers, heads), as forms with
//! a confirmation step: form → `POST` (checked, shown back for confirmation) →
//! `POST confirm=yes` → the same use case as `POST /api/v1/cases/{no}/{action}`. The actions
//! and their path segments come from the one action table; only those the case's state, the
//! caller's roles and the window's grants allow are offered (`tongban_app::cases::act::offered`);
//! the core decides again on confirmation.

use actix_web::{post, web, HttpResponse};
use maud::{html, Markup};
use tongban_app::cases::act::{item_of, Offer};
use tongban_app::cases::actions::{check_command, ActionSpec};
use tongban_app::{Code, Error};
use tongban_core::case::{
    missing_required, Action, Case, Command, DeliveryMethod, MissingMaterial, PostalDelivery,
    Procedure, SubmittedMaterial,
};
use tongban_core::item::{Item, Yuan};

use super::case::{case_page, ActionError};
use crate::auth::caller::Caller;
use crate::pages::case_parts::material_name;
use crate::pages::ctx::{Ctx, Out, PageErr, PageResult, CASE_WORKERS};
use crate::pages::form::{invalid, Form, Posted};
use crate::pages::names;
use crate::problem::{Problem, Text};
use crate::state::AppState;
use tongban_app::validate::{Fields, MAX_TEXT};

/// Whether the action ends or refuses the application: shown as a danger (红色) action, with
/// its words saying so too, so that it never looks like 受理.
pub fn destructive(a: Action) -> bool {
    matches!(a, Action::Terminate | Action::Refuse | Action::Deny)
}

/// The class of the action's box and buttons.
fn tone(a: Action) -> Option<&'static str> {
    destructive(a).then_some("danger")
}

/// The action's path segment: `request-supplement`, as in api.md.
pub fn slug(a: Action) -> &'static str {
    ActionSpec::of(a).slug
}

/// The command the form asks for, checked as the JSON route checks its body.
fn command(a: Action, form: &Form) -> Result<Command, Problem> {
    let cmd = form_command(a, form)?;
    check_command(&cmd)?;
    Ok(cmd)
}

/// The command of the form's fields.
fn form_command(a: Action, form: &Form) -> Result<Command, Problem> {
    let reason = || form.get("reason").to_owned();
    let basis = || form.get("legal_basis").to_owned();
    Ok(match a {
        Action::Accept => Command::Accept,
        Action::Refuse => Command::Refuse {
            reason: reason(),
            legal_basis: basis(),
        },
        Action::Deny => Command::Deny {
            reason: reason(),
            legal_basis: basis(),
        },
        Action::Approve => Command::Approve {
            opinion: form.get("opinion").to_owned(),
        },
        Action::Withdraw | Action::Terminate => {
            if a == Action::Withdraw {
                Command::Withdraw { reason: reason() }
            } else {
                Command::Terminate { reason: reason() }
            }
        }
        Action::CompleteStage => Command::CompleteStage {
            stage: form.get("stage").to_owned(),
            opinion: form.get("opinion").to_owned(),
        },
        Action::Suspend => {
            // Any known procedure is read; whether this item allows it is the case's rule.
            let Some(procedure) = Procedure::ALL
                .into_iter()
                .find(|p| p.as_str() == form.get("procedure"))
            else {
                return Err(invalid(
                    "procedure",
                    "请选择特别程序",
                    "choose the special procedure",
                ));
            };
            Command::Suspend {
                procedure,
                note: form.get("note").to_owned(),
            }
        }
        Action::Resume => Command::Resume,
        Action::Extend => {
            let Some(working_days) = form
                .get("working_days")
                .parse::<u32>()
                .ok()
                .filter(|d| *d > 0)
            else {
                return Err(invalid(
                    "working_days",
                    "延长的工作日数应为正整数",
                    "the extension is a whole number of working days",
                ));
            };
            Command::Extend {
                working_days,
                reason: reason(),
            }
        }
        Action::RequestSupplement => {
            let mut f = Fields::default();
            let codes = form.all("missing");
            if codes.is_empty() {
                f.error(
                    "missing",
                    "请勾选所有需要补正的材料",
                    "tick every material that is missing",
                );
            }
            for code in &codes {
                f.text(
                    &format!("note-{code}"),
                    form.get(&format!("note-{code}")),
                    0,
                    MAX_TEXT,
                );
            }
            f.finish()?;
            Command::RequestSupplement {
                missing: codes
                    .iter()
                    .map(|c| MissingMaterial {
                        code: (*c).to_owned(),
                        note: form.get(&format!("note-{c}")).to_owned(),
                    })
                    .collect(),
            }
        }
        Action::Supplement => {
            let codes = form.all("material");
            if codes.is_empty() {
                return Err(invalid(
                    "material",
                    "请勾选补交的材料",
                    "tick the materials handed in",
                ));
            }
            let mut bodies = Vec::new();
            for code in codes {
                let copies = form.get(&format!("copies-{code}"));
                let copies = if copies.is_empty() {
                    None
                } else {
                    Some(copies.parse::<u32>().map_err(|_| {
                        invalid(
                            &format!("copies-{code}"),
                            "份数应为正整数",
                            "copies must be a whole number",
                        )
                    })?)
                };
                bodies.push(SubmittedMaterial {
                    code: code.to_owned(),
                    copies: copies.unwrap_or(1),
                });
            }
            Command::Supplement { materials: bodies }
        }
        Action::Deliver => {
            let method = match form.get("method") {
                "window" => DeliveryMethod::Window,
                "post" => DeliveryMethod::Post,
                "electronic" => DeliveryMethod::Electronic,
                _ => {
                    return Err(invalid(
                        "method",
                        "请选择送达方式",
                        "choose how the result is delivered",
                    ))
                }
            };
            let fee = match form.get("fee") {
                "" => None,
                s => Some(s.parse::<Yuan>().map_err(|_| {
                    invalid(
                        "fee",
                        "金额格式应为 12 或 12.50",
                        "write the amount as 12 or 12.50",
                    )
                })?),
            };
            // The core refuses a postal delivery without both, named as one rule.
            let post = (method == DeliveryMethod::Post).then(|| PostalDelivery {
                address: form.get("address").to_owned(),
                tracking_no: form.get("tracking_no").to_owned(),
            });
            Command::Deliver { method, fee, post }
        }
    })
}

/// The postal address the applicant gave with the application (`postal_address` in the
/// application form), offered for a result sent by post.
fn postal_address(case: &Case) -> String {
    case.form
        .as_ref()
        .and_then(|f| f["postal_address"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// The message of a field, next to it.
fn field_error(ctx: &Ctx, error: Option<&Problem>, field: &str) -> Markup {
    let message = error.and_then(|p| p.errors.iter().find(|e| e.field == field));
    html! {
        @if let Some(e) = message {
            span.field-error id={ "err-" (field) } { (ctx.text(&e.message)) }
        }
    }
}

pub(super) fn text_input(
    ctx: &Ctx,
    id: &str,
    name: &str,
    label: &str,
    values: Option<&Form>,
    error: Option<&Problem>,
    area: bool,
) -> Markup {
    let value = values.map(|f| f.get(name)).unwrap_or("");
    let bad = error.is_some_and(|p| p.errors.iter().any(|e| e.field == name));
    html! {
        label for=(id) { (label) }
        (field_error(ctx, error, name))
        @if area {
            textarea id=(id) name=(name) maxlength="2000" required
                aria-invalid=[bad.then_some("true")]
                aria-describedby=[bad.then(|| format!("err-{name}"))] { (value) }
        } @else {
            input id=(id) type="text" name=(name) value=(value) maxlength="2000" required
                aria-invalid=[bad.then_some("true")]
                aria-describedby=[bad.then(|| format!("err-{name}"))];
        }
    }
}

/// The form of one offered action; `values` and `error` are what a failed attempt sent and
/// got.
pub fn action_form(
    ctx: &Ctx,
    case: &Case,
    item: &Item,
    offer: &Offer,
    values: Option<&Form>,
    error: Option<&Problem>,
) -> Markup {
    let a = offer.spec.action;
    let s = slug(a);
    let id = |f: &str| format!("{s}-{f}");
    let l = ctx.lang;
    let checked = |name: &str, code: &str| values.is_some_and(|v| v.has(name, code));
    let lacking = if a == Action::RequestSupplement {
        missing_required(case, item)
    } else {
        Vec::new()
    };
    html! {
        section.action-box.action-danger[destructive(a)] aria-labelledby={ "h-" (s) } {
            h3 id={ "h-" (s) } { (names::action_of(a, item, l)) }
            @if destructive(a) {
                p.danger-note { (ctx.t("此操作将结束或拒绝本申请，不可撤销。", "This ends or refuses the application and cannot be undone.")) }
            }
            @if let Some(p) = error {
                div.error-summary role="alert" id={ "err-" (s) } {
                    p { strong { (ctx.text(&p.title)) } "：" (ctx.text(&p.detail)) }
                }
            }
            form method="post" action={ "/staff/cases/" (case.case_no) "/actions/" (s) } {
                (ctx.csrf_field())
                input type="hidden" name="version" value=(case.version);
                @match a {
                    Action::Refuse | Action::Deny => {
                        (text_input(ctx, &id("reason"), "reason", ctx.t("理由", "Reason"), values, error, true))
                        (text_input(ctx, &id("basis"), "legal_basis", ctx.t("法律依据", "Legal basis"), values, error, false))
                    }
                    Action::Approve => {
                        (text_input(ctx, &id("opinion"), "opinion", ctx.t("审批意见", "Opinion"), values, error, true))
                    }
                    Action::Withdraw | Action::Terminate => {
                        (text_input(ctx, &id("reason"), "reason", ctx.t("理由", "Reason"), values, error, true))
                    }
                    Action::CompleteStage => {
                        label for=(id("stage")) { (ctx.t("办理环节", "Stage")) }
                        (field_error(ctx, error, "stage"))
                        select id=(id("stage")) name="stage" {
                            @for code in &offer.stages {
                                option value=(code) selected[values.is_some_and(|v| v.get("stage") == code)] {
                                    (stage_name(item, code))
                                }
                            }
                        }
                        (text_input(ctx, &id("opinion"), "opinion", ctx.t("环节意见", "Opinion"), values, error, true))
                    }
                    Action::Suspend => {
                        label for=(id("procedure")) { (ctx.t("特别程序", "Special procedure")) }
                        (field_error(ctx, error, "procedure"))
                        select id=(id("procedure")) name="procedure" {
                            @for p in item.rules.special_procedures.iter().copied() {
                                option value=(p.as_str()) selected[values.is_some_and(|v| v.get("procedure") == p.as_str())] {
                                    (names::procedure(p, l))
                                }
                            }
                        }
                        (text_input(ctx, &id("note"), "note", ctx.t("书面告知申请人的内容", "Written notice to the applicant"), values, error, true))
                    }
                    Action::Resume => {
                        p.hint { (ctx.t("确认后特别程序结束，恢复计算办理时限。", "On confirmation the special procedure ends and the decision clock runs again.")) }
                    }
                    Action::Extend => {
                        label for=(id("days")) {
                            (ctx.t("延长工作日数", "Working days added"))
                            span.hint {
                                (ctx.t("法定可延长：", "The law allows up to: ")) (names::limit(item.statutory.extension, l))
                            }
                        }
                        (field_error(ctx, error, "working_days"))
                        input id=(id("days")) type="number" min="1" max=(item.statutory.extension.days) name="working_days" required
                            value=(values.map(|v| v.get("working_days")).unwrap_or(""));
                        (text_input(ctx, &id("reason"), "reason", ctx.t("延期理由", "Reason for the extension"), values, error, true))
                    }
                    Action::RequestSupplement => {
                        fieldset {
                            legend { (ctx.t("一次性列明所有需补正的材料", "List everything missing, at once")) }
                            (field_error(ctx, error, "missing"))
                            @for m in &item.materials {
                                label.choice for=(id(&format!("m-{}", m.code))) {
                                    // Pre-ticked: what the case lacks, until the clerk changes it.
                                    input id=(id(&format!("m-{}", m.code))) type="checkbox" name="missing"
                                        value=(m.code) checked[values.map_or(lacking.contains(&m.code), |v| v.has("missing", &m.code))];
                                    span { (m.name) }
                                }
                                label for=(id(&format!("n-{}", m.code))) {
                                    span.hint { (ctx.t("说明（可选）：", "Note (optional): ")) (m.name) }
                                }
                                (field_error(ctx, error, &format!("note-{}", m.code)))
                                input id=(id(&format!("n-{}", m.code))) type="text" name={ "note-" (m.code) }
                                    value=(values.map(|v| v.get(&format!("note-{}", m.code))).unwrap_or("")) maxlength="2000";
                            }
                        }
                    }
                    Action::Supplement => {
                        fieldset {
                            legend { (ctx.t("补交的材料", "Materials handed in")) }
                            (field_error(ctx, error, "material"))
                            @for m in &item.materials {
                                label.choice for=(id(&format!("m-{}", m.code))) {
                                    input id=(id(&format!("m-{}", m.code))) type="checkbox" name="material"
                                        value=(m.code) checked[checked("material", &m.code)];
                                    span { (m.name) }
                                }
                                label for=(id(&format!("c-{}", m.code))) { span.hint { (ctx.t("份数", "Copies")) } }
                                (field_error(ctx, error, &format!("copies-{}", m.code)))
                                input id=(id(&format!("c-{}", m.code))) type="number" min="1" max="1000"
                                    name={ "copies-" (m.code) } value=(m.copies);
                            }
                        }
                    }
                    Action::Deliver => {
                        label for=(id("method")) { (ctx.t("送达方式", "Delivery method")) }
                        (field_error(ctx, error, "method"))
                        select id=(id("method")) name="method" {
                            @for m in [DeliveryMethod::Window, DeliveryMethod::Post, DeliveryMethod::Electronic] {
                                option value=(m.as_str()) selected[values.is_some_and(|v| v.get("method") == m.as_str())] {
                                    (names::delivery(m, l))
                                }
                            }
                        }
                        label for=(id("fee")) {
                            (ctx.t("实收费用（元）", "Fee charged (yuan)"))
                            span.hint {
                                (ctx.t("留空即按收费标准：", "Leave empty for the standard fee: ")) (item.fee.amount)
                            }
                        }
                        (field_error(ctx, error, "fee"))
                        input id=(id("fee")) type="text" inputmode="decimal" name="fee"
                            value=(values.map(|v| v.get("fee")).unwrap_or("")) maxlength="20";
                        fieldset.postal {
                            legend { (ctx.t("邮寄送达（选择“邮寄”时必填）", "Sent by post (required for “By post”)")) }
                            label for=(id("address")) { (ctx.t("邮寄地址", "Postal address")) }
                            input id=(id("address")) type="text" name="address" maxlength="300" autocomplete="street-address"
                                value=(values.map_or_else(|| postal_address(case), |v| v.get("address").to_owned()));
                            label for=(id("tracking_no")) { (ctx.t("快递单号", "Tracking number")) }
                            input id=(id("tracking_no")) type="text" name="tracking_no" maxlength="60"
                                value=(values.map(|v| v.get("tracking_no")).unwrap_or(""));
                        }
                    }
                    _ => {
                        p.hint { (ctx.t("确认后受理，开始计算办理时限。", "On confirmation the case is accepted and the decision clock starts.")) }
                    }
                }
                div.actions-row { button id={ (s) "-submit" } type="submit" class=[tone(a)] { (names::action_of(a, item, l)) "…" } }
            }
        }
    }
}

/// An action that cannot succeed now, with the reason.
pub fn blocked_box(ctx: &Ctx, a: Action, item: &Item, why: &Error) -> Markup {
    let s = slug(a);
    html! {
        section.action-box aria-labelledby={ "h-" (s) } {
            h3 id={ "h-" (s) } { (names::action_of(a, item, ctx.lang)) }
            p.notice { (ctx.t("暂不能办理：", "Not possible now: ")) (ctx.text(&why.detail)) }
        }
    }
}

/// A stage's name in the item the case was taken under (its code when unknown).
fn stage_name(item: &Item, code: &str) -> String {
    item.stage(code)
        .map(|d| d.name.clone())
        .unwrap_or_else(|| code.to_owned())
}

/// What the staff member is about to do, in words, for the confirmation page.
fn summary(ctx: &Ctx, a: Action, cmd: &Command, item: &Item) -> Markup {
    let l = ctx.lang;
    html! {
        dl.facts {
            dt { (ctx.t("操作", "Action")) } dd { strong { (names::action_of(a, item, l)) } }
            @match cmd {
                Command::Refuse { reason, legal_basis } | Command::Deny { reason, legal_basis } => {
                    dt { (ctx.t("理由", "Reason")) } dd { (reason) }
                    dt { (ctx.t("法律依据", "Legal basis")) } dd { (legal_basis) }
                }
                Command::Approve { opinion } => {
                    dt { (ctx.t("审批意见", "Opinion")) } dd { (opinion) }
                }
                Command::Withdraw { reason } | Command::Terminate { reason } => {
                    dt { (ctx.t("理由", "Reason")) } dd { (reason) }
                }
                Command::CompleteStage { stage, opinion } => {
                    dt { (ctx.t("办理环节", "Stage")) } dd { (stage_name(item, stage)) }
                    dt { (ctx.t("环节意见", "Opinion")) } dd { (opinion) }
                }
                Command::Suspend { procedure, note } => {
                    dt { (ctx.t("特别程序", "Special procedure")) } dd { (names::procedure(*procedure, l)) }
                    dt { (ctx.t("书面告知申请人的内容", "Written notice to the applicant")) } dd { (note) }
                }
                Command::Extend { working_days, reason } => {
                    dt { (ctx.t("延长工作日数", "Working days added")) } dd { (working_days) }
                    dt { (ctx.t("延期理由", "Reason for the extension")) } dd { (reason) }
                }
                Command::RequestSupplement { missing } => {
                    dt { (ctx.t("需补正的材料", "Missing materials")) }
                    dd { ol { @for m in missing {
                        li { (material_name(Some(item), &m.code)) @if !m.note.is_empty() { "（" (m.note) "）" } }
                    } } }
                }
                Command::Supplement { materials } => {
                    dt { (ctx.t("补交的材料", "Materials handed in")) }
                    dd { ul { @for m in materials {
                        li { (material_name(Some(item), &m.code)) " × " (m.copies) }
                    } } }
                }
                Command::Deliver { method, fee, post } => {
                    dt { (ctx.t("送达方式", "Delivery method")) } dd { (names::delivery(*method, l)) }
                    dt { (ctx.t("实收费用", "Fee charged")) } dd { (fee.unwrap_or(item.fee.amount)) " " (ctx.t("元", "yuan")) }
                    @if let Some(p) = post {
                        dt { (ctx.t("邮寄地址", "Postal address")) } dd { (p.address) }
                        dt { (ctx.t("快递单号", "Tracking number")) } dd { (p.tracking_no) }
                    }
                }
                _ => {}
            }
        }
    }
}

fn confirm_page(
    ctx: &Ctx,
    case_no: &str,
    a: Action,
    form: &Form,
    cmd: &Command,
    item: &Item,
) -> Out {
    let l = ctx.lang;
    let title = match l {
        crate::lang::Lang::Zh => format!("确认{}：办件 {case_no}", names::action_of(a, item, l)),
        crate::lang::Lang::En => {
            format!("Confirm: {} case {case_no}", names::action_of(a, item, l))
        }
    };
    let body = html! {
        h1 { (title) }
        p.notice role="status" { (ctx.t("请核对以下内容。确认后即生效，并记入办件过程。", "Check the following. Once confirmed it takes effect and is recorded on the case.")) }
        (summary(ctx, a, cmd, item))
        form method="post" action={ "/staff/cases/" (case_no) "/actions/" (slug(a)) } {
            (ctx.csrf_field())
            @for (k, v) in &form.0 {
                @if k != "csrf" && k != "confirm" {
                    input type="hidden" name=(k) value=(v);
                }
            }
            input type="hidden" name="confirm" value="yes";
            div.actions-row {
                button #confirm type="submit" class=[tone(a)] { (names::confirm(names::action_of(a, item, l), l)) }
                a.button.secondary href={ "/staff/cases/" (case_no) } { (ctx.t("返回修改", "Go back")) }
            }
        }
    };
    Out::ok(title, body)
}

async fn act_page(
    ctx: &Ctx,
    state: &AppState,
    case_no: &str,
    action: &str,
    posted: Posted,
) -> PageResult {
    let caller = ctx.staff_in(CASE_WORKERS)?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let Some(a) = ActionSpec::by_slug(action).map(|s| s.action) else {
        return Err(PageErr::Problem(
            Error::not_found(
                Code::NoSuchAction,
                Text::new("没有此操作", "There is no such action"),
            )
            .into(),
        ));
    };
    let case = crate::routes::cases::visible_case(state, caller, case_no).await?;
    let config = state.cached();
    let item = item_of(&config, &case)?;
    let failed = |problem: Problem| ActionError {
        action: a,
        problem,
        values: form.clone(),
    };
    let cmd = match command(a, &form) {
        Ok(c) => c,
        Err(p) => return case_page(ctx, state, caller, case, None, Some(failed(p))).await,
    };
    if form.get("confirm") != "yes" {
        return Ok(confirm_page(ctx, &case.case_no, a, &form, &cmd, item));
    }
    let version = match version_of(&form) {
        Ok(v) => v,
        Err(p) => return case_page(ctx, state, caller, case, None, Some(failed(p))).await,
    };
    let done = tongban_app::cases::act(state, &caller.0, &case.case_no, version, cmd).await;
    outcome(ctx, state, caller, case_no, slug(a), done, failed).await
}

/// The case version a form was filled in on.
pub(super) fn version_of(form: &Form) -> Result<i64, Problem> {
    form.get("version")
        .parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| {
            invalid(
                "version",
                "缺少办件版本号，请刷新后重试",
                "the case version is missing; reload and retry",
            )
        })
}

/// After a confirmed action: the case page saying `done`, or the case with the problem.
pub(super) async fn outcome(
    ctx: &Ctx,
    state: &AppState,
    caller: &Caller,
    case_no: &str,
    done: &str,
    result: Result<Case, Error>,
    failed: impl FnOnce(Problem) -> ActionError,
) -> PageResult {
    match result {
        Ok(c) => Ok(Out::Redirect(format!(
            "/staff/cases/{}?done={done}",
            c.case_no
        ))),
        Err(e) => {
            let p = Problem::from(e);
            // Shown with the case as it is now, so that a stale form comes back fresh.
            let now = crate::routes::cases::visible_case(state, caller, case_no).await?;
            case_page(ctx, state, caller, now, None, Some(failed(p))).await
        }
    }
}

/// `POST /staff/cases/{no}/actions/{action}`: first the confirmation page, then (with
/// `confirm=yes`) the action.
#[post("/staff/cases/{case_no}/actions/{action}")]
pub async fn act(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    posted: Posted,
) -> HttpResponse {
    let (case_no, action) = path.into_inner();
    let result = act_page(&ctx, &state, &case_no, &action, posted).await;
    ctx.respond(result)
}
