//! The fields of an item an administrator changes on `/admin/items/{code}` (name, legal and
//! promised limits, fee and its basis, conditions, materials), as a form, and the next
//! version they describe: the current version with those fields replaced. Everything else
//! of the item (stages, rules, statutory limits …) is carried over unchanged.

use maud::{html, Markup};
use tongban_app::validate::Fields;
use tongban_core::item::{DayUnit, Item, Material, MaterialForm, TimeLimit, Yuan};

use crate::lang::Lang;
use crate::pages::ctx::Ctx;
use crate::pages::form::Form;
use crate::pages::names;
use crate::problem::Problem;

/// The names of the form's fields, in the order they are shown (and carried by the
/// publish form after a preview).
pub const FIELDS: [&str; 9] = [
    "name",
    "legal_days",
    "legal_unit",
    "promised_days",
    "promised_unit",
    "fee_amount",
    "fee_basis",
    "conditions",
    "materials",
];

const UNITS: [DayUnit; 3] = [DayUnit::WorkingDays, DayUnit::NaturalDays, DayUnit::Months];
const FORMS: [MaterialForm; 4] = [
    MaterialForm::Original,
    MaterialForm::Copy,
    MaterialForm::OriginalAndCopy,
    MaterialForm::Electronic,
];

/// The values the form shows: an item's, or what was typed.
#[derive(Debug, Clone, Default)]
pub struct Entered(pub Vec<(String, String)>);

impl Entered {
    pub fn of_item(item: &Item, l: Lang) -> Entered {
        let values = [
            item.name.clone(),
            item.legal_limit.days.to_string(),
            unit_key(item.legal_limit.unit).to_owned(),
            item.promised_limit.days.to_string(),
            unit_key(item.promised_limit.unit).to_owned(),
            item.fee.amount.to_string(),
            item.fee.basis.clone(),
            item.conditions.join("\n"),
            item.materials
                .iter()
                .map(|m| material_line(m, l))
                .collect::<Vec<_>>()
                .join("\n"),
        ];
        Entered(
            FIELDS
                .iter()
                .zip(values)
                .map(|(k, v)| ((*k).to_owned(), v))
                .collect(),
        )
    }

    pub fn of_form(form: &Form) -> Entered {
        Entered(
            FIELDS
                .iter()
                .map(|k| ((*k).to_owned(), form.get(k).to_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

fn unit_key(u: DayUnit) -> &'static str {
    match u {
        DayUnit::WorkingDays => "working_days",
        DayUnit::NaturalDays => "natural_days",
        DayUnit::Months => "months",
    }
}

fn unit_name(u: DayUnit, l: Lang) -> &'static str {
    match u {
        DayUnit::WorkingDays => l.pick("工作日", "working days"),
        DayUnit::NaturalDays => l.pick("自然日", "calendar days"),
        DayUnit::Months => l.pick("月", "months"),
    }
}

/// Whether a material must be present, may be promised later, or is optional.
fn requirement(m: &Material, l: Lang) -> &'static str {
    match (m.required, m.tolerable) {
        (true, false) => l.pick("必交", "required"),
        (true, true) => l.pick("可容缺", "tolerable"),
        (false, _) => l.pick("非必交", "optional"),
    }
}

/// A material as one line of the materials field: `编码 | 名称 | 份数 | 形式 | 要求`.
pub fn material_line(m: &Material, l: Lang) -> String {
    format!(
        "{} | {} | {} | {} | {}",
        m.code,
        m.name,
        m.copies,
        names::material_form(m.form, l),
        requirement(m, l)
    )
}

fn parse_material(line: &str, current: &[Material]) -> Option<Material> {
    let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
    let [code, name, copies, form, req] = parts.as_slice() else {
        return None;
    };
    let copies = copies.parse::<u32>().ok()?;
    let form = FORMS.into_iter().find(|f| {
        [Lang::Zh, Lang::En]
            .iter()
            .any(|l| names::material_form(*f, *l).eq_ignore_ascii_case(form))
    })?;
    let (required, tolerable) = match *req {
        "必交" | "required" => (true, false),
        "可容缺" | "tolerable" => (true, true),
        "非必交" | "optional" => (false, false),
        _ => return None,
    };
    // A material kept by its code keeps its note, which the form does not edit.
    let note = current
        .iter()
        .find(|m| m.code == *code)
        .and_then(|m| m.note.clone());
    Some(Material {
        code: (*code).to_owned(),
        name: (*name).to_owned(),
        required,
        tolerable,
        copies,
        form,
        note,
    })
}

fn limit(fields: &mut Fields, e: &Entered, prefix: &str, api_field: &str) -> TimeLimit {
    let days = e.get(&format!("{prefix}_days"));
    let unit = e.get(&format!("{prefix}_unit"));
    let days = days.parse::<u32>().unwrap_or_else(|_| {
        fields.error(
            api_field,
            format!("“{days}”不是天数（应为非负整数）"),
            format!("“{days}” is not a number of days"),
        );
        0
    });
    let unit = UNITS
        .into_iter()
        .find(|u| unit_key(*u) == unit)
        .unwrap_or_else(|| {
            fields.error(api_field, "计算单位无效", "not a known unit");
            DayUnit::WorkingDays
        });
    TimeLimit { days, unit }
}

/// The next version of `current` with the entered fields, or the 422 naming each field
/// that cannot be read (the catalogue's checks come after, in `publish`).
pub fn next_version(current: &Item, e: &Entered) -> Result<Item, Problem> {
    let mut fields = Fields::default();
    let mut item = current.clone();
    item.name = e.get("name").to_owned();
    item.legal_limit = limit(&mut fields, e, "legal", "legal_limit");
    item.promised_limit = limit(&mut fields, e, "promised", "promised_limit");
    let amount = e.get("fee_amount");
    match amount.parse::<Yuan>() {
        Ok(a) => item.fee.amount = a,
        Err(_) => fields.error(
            "fee",
            format!("“{amount}”不是金额（元，如 0 或 12.50）"),
            format!("“{amount}” is not an amount in yuan (e.g. 0 or 12.50)"),
        ),
    }
    item.fee.basis = e.get("fee_basis").to_owned();
    item.conditions = lines(e.get("conditions")).map(str::to_owned).collect();
    item.materials = Vec::new();
    for (n, line) in lines(e.get("materials")).enumerate() {
        match parse_material(line, &current.materials) {
            Some(m) => item.materials.push(m),
            None => fields.error(
                "materials",
                format!("第 {} 行“{line}”应为：编码 | 名称 | 份数 | 原件/复印件/原件和复印件/电子材料 | 必交/可容缺/非必交", n + 1),
                format!("line {} “{line}” should read: code | name | copies | Original/Copy/Original and copy/Electronic | required/tolerable/optional", n + 1),
            ),
        }
    }
    fields.finish().map_err(Problem::from)?;
    Ok(item)
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// The form id and name in words of a field the checks name.
pub fn field(ctx: &Ctx, field: &str) -> Option<(String, String)> {
    let (id, zh, en) = match field.split(['[', '.']).next().unwrap_or(field) {
        "name" => ("item-name", "事项名称", "Name"),
        "legal_limit" => ("item-legal_days", "法定时限", "Legal limit"),
        "promised_limit" => ("item-promised_days", "承诺时限", "Promised limit"),
        "fee" => ("item-fee_amount", "收费标准", "Fee"),
        "conditions" => ("item-conditions", "办事条件", "Conditions"),
        "materials" => ("item-materials", "申请材料", "Materials"),
        _ => return None,
    };
    Some((id.to_owned(), ctx.t(zh, en).to_owned()))
}

fn unit_select(ctx: &Ctx, name: &str, chosen: &str) -> Markup {
    html! {
        select id={ "item-" (name) } name=(name) aria-label=(ctx.t("计算单位", "Unit")) {
            @for u in UNITS {
                option value=(unit_key(u)) selected[unit_key(u) == chosen] { (unit_name(u, ctx.lang)) }
            }
        }
    }
}

/// The form's fields with the entered values.
pub fn fields(ctx: &Ctx, e: &Entered) -> Markup {
    html! {
        label for="item-name" { (ctx.t("事项名称", "Name")) }
        input #item-name name="name" value=(e.get("name")) maxlength="200" required;
        label for="item-legal_days" { (ctx.t("法定时限", "Legal limit")) }
        div.inline-fields {
            input #item-legal_days name="legal_days" value=(e.get("legal_days")) inputmode="numeric" maxlength="4";
            (unit_select(ctx, "legal_unit", e.get("legal_unit")))
        }
        label for="item-promised_days" { (ctx.t("承诺时限", "Promised limit")) }
        div.inline-fields {
            input #item-promised_days name="promised_days" value=(e.get("promised_days")) inputmode="numeric" maxlength="4";
            (unit_select(ctx, "promised_unit", e.get("promised_unit")))
        }
        label for="item-fee_amount" { (ctx.t("收费标准（元）", "Fee (yuan)")) }
        input #item-fee_amount name="fee_amount" value=(e.get("fee_amount")) inputmode="decimal" maxlength="12";
        label for="item-fee_basis" { (ctx.t("收费依据", "Legal basis of the fee")) }
        input #item-fee_basis name="fee_basis" value=(e.get("fee_basis")) maxlength="500";
        label for="item-conditions" { (ctx.t("办事条件（每行一条）", "Conditions (one a line)")) }
        textarea #item-conditions name="conditions" rows="4" { (e.get("conditions")) }
        label for="item-materials" {
            (ctx.t("申请材料（每行一项：编码 | 名称 | 份数 | 形式 | 必交/可容缺/非必交）",
                   "Materials (one a line: code | name | copies | form | required/tolerable/optional)"))
        }
        textarea #item-materials name="materials" rows="6" { (e.get("materials")) }
    }
}

/// The entered values as hidden fields, so that what is published is what was previewed.
pub fn hidden(e: &Entered) -> Markup {
    html! {
        @for (k, v) in &e.0 { input type="hidden" name=(k) value=(v); }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn material() -> Material {
        Material {
            code: "hkb".into(),
            name: "户口簿".into(),
            required: true,
            tolerable: false,
            copies: 1,
            form: MaterialForm::Original,
            note: Some("户主页".into()),
        }
    }

    #[test]
    fn a_material_line_reads_back_as_the_material_in_either_language() {
        let m = material();
        for l in [Lang::Zh, Lang::En] {
            let line = material_line(&m, l);
            assert_eq!(
                parse_material(&line, std::slice::from_ref(&m)),
                Some(m.clone()),
                "{line}"
            );
        }
    }

    #[test]
    fn a_bad_material_line_is_refused() {
        for line in [
            "hkb | 户口簿 | 1 | 原件",
            "hkb | 户口簿 | x | 原件 | 必交",
            "hkb | 户口簿 | 1 | 原件 | maybe",
        ] {
            assert_eq!(parse_material(line, &[]), None, "{line}");
        }
    }
}
