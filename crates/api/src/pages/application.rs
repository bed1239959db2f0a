//! What the window's intake form and the online application form share: the applicant's
//! fields, their error messages next to them, the application's hidden idempotency key, and
//! the material requirement tags.

use maud::{html, Markup};
use rand::RngCore;
use tongban_core::case::ApplicantKind;
use tongban_core::item::Material;

use super::ctx::Ctx;
use super::form::Form;
use super::names;
use crate::problem::Problem;
use crate::routes::cases::ApplicantBody;

/// A fresh idempotency key for a form: a double submit of the same form gives one case.
pub fn new_key() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("page-{}", hex::encode(bytes))
}

/// The key the form carried, or a new one.
pub fn key_of(values: Option<&Form>) -> String {
    values
        .map(|f| f.get("key").to_owned())
        .filter(|k| !k.is_empty())
        .unwrap_or_else(new_key)
}

/// The problem's message for `api_field` (as named in the JSON body, or a form field),
/// shown next to the form field `id`.
pub fn field_error(ctx: &Ctx, error: Option<&Problem>, api_field: &str, id: &str) -> Markup {
    let found = error.and_then(|p| {
        p.errors
            .iter()
            .find(|e| e.field == api_field || e.field.starts_with(&format!("{api_field}[")))
    });
    html! {
        @if let Some(e) = found {
            span.field-error id={ "err-" (id) } { (ctx.text(&e.message)) }
        }
    }
}

pub fn has_error(error: Option<&Problem>, api_field: &str) -> bool {
    error.is_some_and(|p| p.errors.iter().any(|e| e.field == api_field))
}

/// The problem at the top of a form that failed.
pub fn error_summary(ctx: &Ctx, error: Option<&Problem>) -> Markup {
    error_summary_linked(ctx, error, |_| None)
}

/// The problem at the top of a form that failed; `field` gives a field's form id and name in
/// words, so that each line links to the field it is about.
pub fn error_summary_linked(
    ctx: &Ctx,
    error: Option<&Problem>,
    field: impl Fn(&str) -> Option<(String, String)>,
) -> Markup {
    html! {
        @if let Some(p) = error {
            div.error-summary role="alert" {
                p { strong { (ctx.text(&p.title)) } "：" (ctx.text(&p.detail)) }
                @if !p.errors.is_empty() {
                    ul { @for e in &p.errors {
                        li {
                            @if let Some((id, name)) = field(&e.field) {
                                a href={ "#" (id) } { (name) } "：" (ctx.text(&e.message))
                            } @else {
                                (e.field) "：" (ctx.text(&e.message))
                            }
                        }
                    } }
                }
            }
        }
    }
}

/// The form id and the words of the applicant fieldset's fields, by their JSON name.
pub fn applicant_field(ctx: &Ctx, api_field: &str) -> Option<(String, String)> {
    let (id, zh, en) = match api_field {
        "applicant.name" => ("name", "姓名或单位名称", "Name"),
        "applicant.id_number" => ("id_number", "证件号码", "ID number"),
        "applicant.phone" => ("phone", "联系电话", "Phone"),
        "applicant.email" => ("email", "电子邮箱", "E-mail"),
        _ => return None,
    };
    Some((id.to_owned(), ctx.t(zh, en).to_owned()))
}

/// Required / may follow later / optional.
pub fn requirement_tag(ctx: &Ctx, m: &Material) -> Markup {
    html! {
        @if m.required && m.tolerable { span.tag.tag-tolerable { (ctx.t("必要，可容缺", "Required, may follow")) } }
        @else if m.required { span.tag.tag-required { (ctx.t("必要", "Required")) } }
        @else { span.tag.tag-optional { (ctx.t("非必要", "Optional")) } }
    }
}

/// The applicant's fieldset: person or organisation, name, ID number, phone, e-mail.
/// `defaults` fills fields the form did not carry (an applicant's own account).
pub fn applicant_fields(
    ctx: &Ctx,
    values: Option<&Form>,
    defaults: &[(&str, &str)],
    error: Option<&Problem>,
) -> Markup {
    let v = |name: &str| match values {
        Some(f) => f.get(name).to_owned(),
        None => defaults
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
            .unwrap_or_default(),
    };
    let kind = v("kind");
    let text_field = |id: &str,
                      api: &str,
                      label: &str,
                      kind_attr: &str,
                      autocomplete: &str,
                      required: bool| {
        let bad = has_error(error, api);
        html! {
            label for=(id) { (label) @if !required { span.hint { (ctx.t("（可选）", "(optional)")) } } }
            (field_error(ctx, error, api, id))
            input id=(id) type=(kind_attr) name=(id) value=(v(id)) autocomplete=(autocomplete)
                maxlength="200" required[required]
                aria-invalid=[bad.then_some("true")]
                aria-describedby=[bad.then(|| format!("err-{id}"))];
        }
    };
    html! {
        fieldset {
            legend { (ctx.t("申请人", "Applicant")) }
            @for (k, id) in [(ApplicantKind::Person, "kind-person"), (ApplicantKind::Organization, "kind-org")] {
                @let value = if k == ApplicantKind::Person { "person" } else { "organization" };
                label.choice for=(id) {
                    input id=(id) type="radio" name="kind" value=(value)
                        checked[kind == value || (kind.is_empty() && k == ApplicantKind::Person)];
                    span { (names::applicant_kind(k, ctx.lang)) }
                }
            }
            (text_field("name", "applicant.name", ctx.t("姓名或单位名称", "Name of the person or organisation"), "text", "name", true))
            (text_field("id_number", "applicant.id_number", ctx.t("身份证号码或统一社会信用代码", "ID number or unified social credit code"), "text", "off", true))
            (text_field("phone", "applicant.phone", ctx.t("联系电话", "Phone"), "tel", "tel", false))
            (text_field("email", "applicant.email", ctx.t("电子邮箱（用于接收办理通知）", "E-mail (for notices about the case)"), "email", "email", false))
            (text_field("postal_address", "form.postal_address", ctx.t("邮寄地址（需邮寄送达结果时填写）", "Postal address (if the result is to be sent by post)"), "text", "street-address", false))
        }
    }
}

/// The application form's own fields (the case's `form`): the postal address for a result
/// sent by post, when given.
pub fn form_fields(form: &Form) -> Option<serde_json::Value> {
    let address = form.get("postal_address");
    (!address.is_empty()).then(|| serde_json::json!({ "postal_address": address }))
}

/// The applicant as the JSON body names it, from the fieldset's values.
pub fn applicant_body(form: &Form) -> ApplicantBody {
    let optional = |name: &str| Some(form.get(name).to_owned()).filter(|v| !v.is_empty());
    ApplicantBody {
        kind: if form.get("kind") == "organization" {
            ApplicantKind::Organization
        } else {
            ApplicantKind::Person
        },
        name: form.get("name").to_owned(),
        id_number: form.get("id_number").to_owned(),
        phone: optional("phone"),
        email: optional("email"),
    }
}
