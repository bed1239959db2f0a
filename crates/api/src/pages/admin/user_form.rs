//! The fields of an account an administrator sets on `/admin/users`: roles, department and
//! windows, as checkboxes and a choice from the catalogue, for creating a user and for
//! changing one (the code of `POST /api/v1/users` and `PATCH /api/v1/users/{username}`).

use maud::{html, Markup};
use tongban_app::catalogue_view::CatalogueView;
use tongban_core::role::Role;

use crate::pages::ctx::Ctx;
use crate::pages::form::Form;
use crate::pages::names;

/// What the fields show: an account's, or what was posted and refused.
#[derive(Debug, Default)]
pub struct Shown {
    pub roles: Vec<Role>,
    pub department: Option<String>,
    pub windows: Vec<String>,
}

impl Shown {
    pub fn posted(form: &Form) -> Shown {
        Shown {
            roles: roles(form),
            department: department(form),
            windows: windows(form),
        }
    }
}

/// The roles ticked; unknown values are dropped (only the checkboxes send them).
pub fn roles(form: &Form) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| form.has("roles", r.as_str()))
        .collect()
}

pub fn department(form: &Form) -> Option<String> {
    Some(form.get("department").to_owned()).filter(|d| !d.is_empty())
}

pub fn windows(form: &Form) -> Vec<String> {
    form.all("windows")
        .into_iter()
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Roles, department and windows, with `id_prefix` keeping the ids of two forms apart.
pub fn fields(ctx: &Ctx, catalogue: &CatalogueView, shown: &Shown, id_prefix: &str) -> Markup {
    html! {
        fieldset {
            legend { (ctx.t("角色", "Roles")) }
            @for r in Role::ALL {
                @let id = format!("{id_prefix}-role-{}", r.as_str());
                label.choice for=(id) {
                    input id=(id) type="checkbox" name="roles" value=(r.as_str()) checked[shown.roles.contains(&r)];
                    span { (names::role(r, ctx.lang)) }
                }
            }
        }
        label for={ (id_prefix) "-department" } { (ctx.t("部门（审批人员、部门负责人）", "Department (approvers, heads)")) }
        select id={ (id_prefix) "-department" } name="department" {
            option value="" selected[shown.department.is_none()] { (ctx.t("无", "None")) }
            @for d in &catalogue.departments {
                option value=(d.code) selected[shown.department.as_deref() == Some(d.code.as_str())] { (d.name) }
            }
        }
        fieldset {
            legend { (ctx.t("窗口（仅窗口人员）", "Windows (clerks only)")) }
            @for w in &catalogue.windows {
                @let id = format!("{id_prefix}-window-{}", w.code);
                label.choice for=(id) {
                    input id=(id) type="checkbox" name="windows" value=(w.code) checked[shown.windows.contains(&w.code)];
                    span { (w.code) " " (w.name) }
                }
            }
        }
    }
}

/// Role names for a list, in the page language.
pub fn role_list(ctx: &Ctx, roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| names::role(*r, ctx.lang))
        .collect::<Vec<_>>()
        .join(ctx.t("、", ", "))
}
