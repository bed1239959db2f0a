//! The form of a new grant on a window's page: items or a whole department, the actions,
//! the dates, the granting office and the authorisation document number (授权书文号), read
//! into the `create_grant` use case's command and shown again, as typed, when refused.

use maud::{html, Markup};
use tongban_app::catalogue_view::CatalogueView;
use tongban_app::hall::grants::CreateGrant;
use tongban_core::grant::WindowAction;

use super::windows::ACTIONS;
use crate::pages::ctx::Ctx;
use crate::pages::form::Form;
use crate::pages::names;

/// The command the posted form describes; what the use case checks is left to it.
pub fn command(form: &Form) -> CreateGrant {
    let department = form.get("scope") == "department";
    CreateGrant {
        items: (!department).then(|| form.all("items").into_iter().map(str::to_owned).collect()),
        department: department.then(|| form.get("department").to_owned()),
        actions: ACTIONS
            .into_iter()
            .filter(|a| form.has("actions", a.as_str()))
            .collect(),
        valid_from: form.get("valid_from").to_owned(),
        valid_to: Some(form.get("valid_to").to_owned()).filter(|v| !v.is_empty()),
        granted_by: form.get("granted_by").to_owned(),
        document_no: form.get("document_no").to_owned(),
    }
}

/// The form id and the name in words of a field the use case names.
pub fn field(ctx: &Ctx, field: &str) -> Option<(String, String)> {
    let (id, zh, en) = match field.split('[').next().unwrap_or(field) {
        "items" => ("grant-items", "授权事项", "Items"),
        "department" => ("grant-department", "授权部门", "Department"),
        "actions" => ("grant-actions", "授权办理的操作", "Actions"),
        "valid_from" => ("grant-valid_from", "生效日期", "Valid from"),
        "valid_to" => ("grant-valid_to", "失效日期", "Valid to"),
        "granted_by" => ("grant-granted_by", "授权单位", "Granted by"),
        "document_no" => ("grant-document_no", "授权书文号", "Document number"),
        _ => return None,
    };
    Some((id.to_owned(), ctx.t(zh, en).to_owned()))
}

/// The form, empty or with what was `posted`.
pub fn form(ctx: &Ctx, catalogue: &CatalogueView, action: &str, posted: Option<&Form>) -> Markup {
    let value = |name: &str| posted.map_or("", |f| f.get(name)).to_owned();
    let by_department = posted.is_some_and(|f| f.get("scope") == "department");
    let item_ticked = |code: &str| posted.is_some_and(|f| f.has("items", code));
    let action_ticked = |a: WindowAction| posted.is_some_and(|f| f.has("actions", a.as_str()));
    html! {
        form method="post" action=(action) #grant-form {
            (ctx.csrf_field())
            fieldset #grant-items {
                legend { (ctx.t("授权范围", "Scope")) }
                label.choice for="scope-items" {
                    input #scope-items type="radio" name="scope" value="items" checked[!by_department];
                    span { (ctx.t("以下事项", "These items")) }
                }
                @for item in catalogue.items() {
                    @let id = format!("grant-item-{}", item.code);
                    label.choice for=(id) {
                        input id=(id) type="checkbox" name="items" value=(item.code) checked[item_ticked(&item.code)];
                        span { (item.code) " " (item.name) }
                    }
                }
                label.choice for="scope-department" {
                    input #scope-department type="radio" name="scope" value="department" checked[by_department];
                    span { (ctx.t("部门的全部事项：", "Every item of the department:")) }
                }
                select #grant-department name="department" aria-label=(ctx.t("授权部门", "Department")) {
                    @for d in &catalogue.departments {
                        option value=(d.code) selected[value("department") == d.code] { (d.name) }
                    }
                }
            }
            fieldset #grant-actions {
                legend { (ctx.t("授权办理的操作", "Actions")) }
                @for a in ACTIONS {
                    @let id = format!("grant-action-{}", a.as_str());
                    label.choice for=(id) {
                        input id=(id) type="checkbox" name="actions" value=(a.as_str()) checked[action_ticked(a)];
                        span { (names::window_action(a, ctx.lang)) }
                    }
                }
            }
            label for="grant-valid_from" { (ctx.t("生效日期", "Valid from")) }
            input #grant-valid_from name="valid_from" type="text" inputmode="numeric" placeholder="YYYY-MM-DD" required value=(value("valid_from"));
            label for="grant-valid_to" { (ctx.t("失效日期（含当日；不填为长期）", "Valid to (inclusive; empty: open-ended)")) }
            input #grant-valid_to name="valid_to" type="text" inputmode="numeric" placeholder="YYYY-MM-DD" value=(value("valid_to"));
            label for="grant-granted_by" { (ctx.t("授权单位", "Granted by")) }
            input #grant-granted_by name="granted_by" maxlength="200" required value=(value("granted_by"));
            label for="grant-document_no" { (ctx.t("授权书文号", "Document number")) }
            input #grant-document_no name="document_no" maxlength="200" required value=(value("document_no"));
            div.actions-row { button type="submit" name="do" value="grant" { (ctx.t("授权", "Grant")) } }
        }
    }
}
