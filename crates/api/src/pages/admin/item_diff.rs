//! What a new version of an item changes against the current one, field by field (old →
//! new), shown before the administrator publishes it.

use maud::{html, Markup};
use tongban_core::item::Item;

use super::item_form::material_line;
use crate::lang::Lang;
use crate::pages::ctx::Ctx;
use crate::pages::names;

/// One changed field; `None` on a side where a material is absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// A stable key (`name`, `legal_limit`, `material:hkb` …).
    pub field: String,
    pub label: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The fields of `new` that differ from `old`, in the order of the form.
pub fn changes(old: &Item, new: &Item, l: Lang) -> Vec<Change> {
    let mut out = Vec::new();
    let mut field = |key: &str, label: &str, a: String, b: String| {
        if a != b {
            out.push(Change {
                field: key.to_owned(),
                label: label.to_owned(),
                old: Some(a),
                new: Some(b),
            });
        }
    };
    field(
        "name",
        l.pick("事项名称", "Name"),
        old.name.clone(),
        new.name.clone(),
    );
    field(
        "legal_limit",
        l.pick("法定时限", "Legal limit"),
        names::limit(old.legal_limit, l),
        names::limit(new.legal_limit, l),
    );
    field(
        "promised_limit",
        l.pick("承诺时限", "Promised limit"),
        names::limit(old.promised_limit, l),
        names::limit(new.promised_limit, l),
    );
    field(
        "fee_amount",
        l.pick("收费标准", "Fee"),
        format!("{} {}", old.fee.amount, l.pick("元", "yuan")),
        format!("{} {}", new.fee.amount, l.pick("元", "yuan")),
    );
    field(
        "fee_basis",
        l.pick("收费依据", "Legal basis of the fee"),
        old.fee.basis.clone(),
        new.fee.basis.clone(),
    );
    field(
        "conditions",
        l.pick("办事条件", "Conditions"),
        old.conditions.join("\n"),
        new.conditions.join("\n"),
    );
    // Materials by code: changed, removed, then added.
    let label = l.pick("申请材料", "Material");
    for m in &old.materials {
        let now = new.materials.iter().find(|n| n.code == m.code);
        let (a, b) = (Some(material_line(m, l)), now.map(|n| material_line(n, l)));
        if a != b {
            out.push(Change {
                field: format!("material:{}", m.code),
                label: format!("{label} {}", m.code),
                old: a,
                new: b,
            });
        }
    }
    for n in &new.materials {
        if !old.materials.iter().any(|m| m.code == n.code) {
            out.push(Change {
                field: format!("material:{}", n.code),
                label: format!("{label} {}", n.code),
                old: None,
                new: Some(material_line(n, l)),
            });
        }
    }
    out
}

/// The changes as a table (old → new), or the words saying there are none.
pub fn table(ctx: &Ctx, changes: &[Change]) -> Markup {
    let absent = ctx.t("（无）", "(none)");
    html! {
        @if changes.is_empty() {
            p #no-change { (ctx.t("与现行版本相比没有变化。", "Nothing differs from the current version.")) }
        } @else {
            table.stack #item-diff {
                thead { tr {
                    th scope="col" { (ctx.t("字段", "Field")) }
                    th scope="col" { (ctx.t("现行版本", "Current")) }
                    th scope="col" { "→" }
                    th scope="col" { (ctx.t("新版本", "New")) }
                } }
                tbody {
                    @for c in changes {
                        tr data-field=(c.field) {
                            td data-label=(ctx.t("字段", "Field")) { (c.label) }
                            td.old data-label=(ctx.t("现行版本", "Current")) { del { (c.old.as_deref().unwrap_or(absent)) } }
                            td aria-hidden="true" { "→" }
                            td.new data-label=(ctx.t("新版本", "New")) { ins { (c.new.as_deref().unwrap_or(absent)) } }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongban_core::item::{
        Fee, ItemCategory, ItemKind, Material, MaterialForm, StatutoryLimits, TimeLimit,
        WarningThreshold, Yuan,
    };

    fn item() -> Item {
        let material = |code: &str| Material {
            code: code.into(),
            name: format!("材料 {code}"),
            required: true,
            tolerable: false,
            copies: 1,
            form: MaterialForm::Copy,
            note: None,
        };
        Item {
            code: "LIC-001".into(),
            name: "食品经营许可".into(),
            version: 1,
            kind: ItemKind::Promised,
            category: ItemCategory::License,
            department: "market".into(),
            legal_basis: "《食品安全法》第三十五条".into(),
            conditions: vec!["具有营业执照".into()],
            materials: vec![material("id"), material("lease")],
            procedure: "受理、审查、决定".into(),
            quantity_limit: None,
            legal_limit: TimeLimit::working_days(20),
            promised_limit: TimeLimit::working_days(10),
            statutory: StatutoryLimits::default(),
            warning: WarningThreshold::default(),
            fee: Fee {
                amount: Yuan(0),
                basis: "不收费".into(),
            },
            result_document: "食品经营许可证".into(),
            consultation: "12345".into(),
            complaint: "12345".into(),
            rules: Default::default(),
            stages: vec![],
        }
    }

    #[test]
    fn an_unchanged_item_has_no_changes() {
        let a = item();
        assert!(changes(&a, &a.clone(), Lang::Zh).is_empty());
    }

    #[test]
    fn each_changed_field_is_named_with_old_and_new() {
        let a = item();
        let mut b = a.clone();
        b.promised_limit = TimeLimit::working_days(a.promised_limit.days + 1);
        b.conditions.push("新增条件".into());
        let removed = b.materials.remove(0);
        let got = changes(&a, &b, Lang::Zh);
        let keys: Vec<&str> = got.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            keys,
            [
                "promised_limit",
                "conditions",
                &format!("material:{}", removed.code)
            ]
        );
        assert_eq!(
            got[0].old.as_deref(),
            Some(names::limit(a.promised_limit, Lang::Zh).as_str())
        );
        assert_eq!(got[2].new, None);
    }
}
