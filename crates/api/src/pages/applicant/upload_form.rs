//! Forms with files (`multipart/form-data`): reading one (its text fields become a [`Form`]
//! whose CSRF token is checked), one file input per material, and which files belong to which
//! material, with every refused or missing file named next to its field.

use actix_multipart::Multipart;
use maud::{html, Markup};
use tongban_core::item::{Item, Material};

use crate::pages::application::{field_error, has_error, requirement_tag};
use crate::pages::ctx::{Ctx, PageErr};
use crate::pages::form::Form;
use crate::pages::names;
use crate::problem::{Problem, Text};
use crate::uploads::{self, FilePart, UploadLimits};
use tongban_app::cases::attachments::Attach;
use tongban_app::{Code, Error};

/// The file field of a material.
pub fn file_field(code: &str) -> String {
    format!("file-{code}")
}

/// A file field's id and its material's name, for the error summary.
pub fn material_field(item: &Item, field: &str) -> Option<(String, String)> {
    let code = field.strip_prefix("file-")?;
    item.material(code)
        .map(|m| (field.to_owned(), m.name.clone()))
}

/// Reads the whole form; a body that cannot be read is an error page.
pub async fn read(
    ctx: &Ctx,
    limits: &UploadLimits,
    body: Multipart,
) -> Result<(Form, Vec<FilePart>), PageErr> {
    let body = uploads::read(body, limits)
        .await
        .map_err(|e| PageErr::Problem(e.error(None).into()))?;
    let form = Form(body.fields);
    ctx.check_csrf(&form)?;
    Ok((form, body.files))
}

/// The file input of one material: its name, form, requirement and copies in the label, the
/// error of a refused file next to it.
pub fn file_input(
    ctx: &Ctx,
    m: &Material,
    limits: &UploadLimits,
    error: Option<&Problem>,
) -> Markup {
    let id = file_field(&m.code);
    let bad = has_error(error, &id);
    let max = limits.max_file_bytes / (1024 * 1024);
    html! {
        div.material-upload {
            label for=(id) {
                (m.name) " · " (names::material_form(m.form, ctx.lang)) " "
                (requirement_tag(ctx, m))
                br;
                span.hint {
                    (ctx.t("份数：", "Copies: ")) (m.copies) " · "
                    @match ctx.lang {
                        crate::lang::Lang::Zh => { "PDF、JPEG 或 PNG，每个文件不超过 " (max) " MiB" }
                        crate::lang::Lang::En => { "PDF, JPEG or PNG, at most " (max) " MiB per file" }
                    }
                }
            }
            (field_error(ctx, error, &id, &id))
            input id=(id) name=(id) type="file" multiple
                accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                aria-invalid=[bad.then_some("true")]
                aria-describedby=[bad.then(|| format!("err-{id}"))];
        }
    }
}

/// The accepted files of `materials` (others are ignored), and a problem naming every file
/// refused (413 or 415, the first one's) and every material of `required` without a file
/// (422), next to its field.
pub fn by_material(
    files: Vec<FilePart>,
    materials: &[&Material],
    required: &[&str],
) -> (Vec<Attach>, Option<Problem>) {
    let mut accepted = Vec::new();
    let mut problem: Option<Problem> = None;
    for part in files {
        let Some(m) = materials.iter().find(|m| file_field(&m.code) == part.field) else {
            continue;
        };
        match part.file {
            Ok(file) => accepted.push(Attach {
                material: m.code.clone(),
                file,
            }),
            Err(e) => {
                problem = Some(match problem {
                    None => e.error(Some(&part.field)).into(),
                    Some(p) => p.with_field(part.field.clone(), e.message()),
                });
            }
        }
    }
    for code in required {
        let field = file_field(code);
        let refused = problem
            .as_ref()
            .is_some_and(|p| p.errors.iter().any(|e| e.field == field));
        if refused || accepted.iter().any(|a| a.material == *code) {
            continue;
        }
        let message = Text::new("请上传此项材料", "upload a file for this material");
        problem = Some(match problem {
            Some(p) => p.with_field(field, message),
            None => Problem::from(Error::new(
                Code::ValidationFailed,
                Text::new("材料不全", "Materials missing"),
                Text::new(
                    "请为标明的每项材料上传文件。",
                    "Upload a file for every material marked.",
                ),
            ))
            .with_field(field, message),
        });
    }
    (accepted, problem)
}
