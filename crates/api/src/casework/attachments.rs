//! Files attached to a case: who may add them (the case's applicant, or a clerk whose window's
//! scope has the case, while it is open), storing them with their audit record, and reading
//! one back only for someone who may see the case. Anyone else, and an unknown file, get the
//! very same 404, so that guessing numbers reveals nothing.

use actix_web::{http::header, http::StatusCode, HttpResponse};
use tongban_core::case::Case;
use tongban_core::role::Role;
use tongban_store::attachments::{self, AttachmentRecord, NewAttachment};
use tongban_store::{audit, NewAudit};

use crate::auth::caller::{forbidden_role, Caller};
use crate::problem::{Problem, Text};
use tongban_app::records::{millis, to_json};
use crate::routes::cases::visible_case;
use crate::state::AppState;
use crate::store_problem;
use crate::uploads::CheckedFile;

/// A checked file and the material it stands for.
pub struct Attach {
    pub material: String,
    pub file: CheckedFile,
}

/// The one answer for a file that does not exist or that the caller may not have.
pub fn attachment_not_found() -> Problem {
    Problem::not_found(
        "attachment_not_found",
        Text::new(
            "没有该附件，或您无权查看。",
            "There is no such attachment, or you may not see it.",
        ),
    )
}

/// 403 unless the caller is the case's applicant or a clerk at a window (whose scope
/// `visible_case` has already checked); 409 once the case has ended.
pub fn may_attach(caller: &Caller, case: &Case) -> Result<(), Problem> {
    let owner = caller.has(Role::Applicant) && case.owner.as_deref() == Some(caller.username());
    let clerk = caller.has(Role::Clerk) && caller.window().is_some();
    if !owner && !clerk {
        return Err(forbidden_role(&[Role::Applicant, Role::Clerk]));
    }
    if case.status.is_terminal() {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "case_closed",
            Text::new("办件已结束", "Case closed"),
            Text::new(
                "办件已结束，不能再添加附件。",
                "The case has ended; no attachment can be added.",
            ),
        ));
    }
    Ok(())
}

/// 422 naming `field` unless `material` is a material of the case's item.
pub fn check_material(
    state: &AppState,
    case: &Case,
    material: &str,
    field: &str,
) -> Result<(), Problem> {
    let catalogue = state.catalogue();
    let known = catalogue
        .item_version(&case.item_code, case.item_version)
        .and_then(|i| i.material(material))
        .is_some();
    if known {
        return Ok(());
    }
    Err(Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        Text::new("请求内容有误", "Invalid request"),
        Text::new(
            "附件须对应本事项的一项申请材料。",
            "An attachment must stand for one of the item's materials.",
        ),
    )
    .with_field(
        field,
        Text::new("不是本事项的申请材料", "is not a material of the item"),
    ))
}

/// Stores the files on `case` (each once per material and content) with one audit record per
/// new file, in one write. Checks who may attach first.
pub async fn attach(
    state: &AppState,
    caller: &Caller,
    case: &Case,
    files: Vec<Attach>,
) -> Result<Vec<AttachmentRecord>, Problem> {
    may_attach(caller, case)?;
    for f in &files {
        check_material(state, case, &f.material, "material")?;
    }
    let now = millis(state.clock.now());
    let by = caller.username().to_owned();
    let rows: Vec<NewAttachment> = files
        .into_iter()
        .map(|f| NewAttachment {
            case_no: case.case_no.clone(),
            material_code: f.material,
            file_name: f.file.file_name,
            content_type: f.file.kind.mime().to_owned(),
            size: i64::try_from(f.file.bytes.len()).unwrap_or(i64::MAX),
            sha256: f.file.sha256,
            content: f.file.bytes,
            uploaded_by: by.clone(),
            uploaded_at: now,
        })
        .collect();
    state
        .store
        .write(move |conn| {
            let mut stored = Vec::with_capacity(rows.len());
            for row in &rows {
                let (record, new) = attachments::insert(conn, row)?;
                if new {
                    audit::append(
                        conn,
                        &NewAudit {
                            at: now,
                            actor: by.clone(),
                            action: "case.attachment_added".into(),
                            subject: record.case_no.clone(),
                            detail: to_json(&serde_json::json!({
                                "attachment": record.id,
                                "material": record.material_code,
                                "size": record.size,
                                "sha256": record.sha256,
                            })),
                        },
                    )?;
                }
                stored.push(record);
            }
            Ok(stored)
        })
        .await
        .map_err(store_problem)
}

/// The attachments of a case the caller has already been allowed to see.
pub async fn list(state: &AppState, case_no: &str) -> Result<Vec<AttachmentRecord>, Problem> {
    let no = case_no.to_owned();
    state
        .store
        .read(move |conn| attachments::for_case(conn, &no))
        .await
        .map_err(store_problem)
}

/// One attachment with its content, for a caller who may see its case; the same 404 for an
/// unknown file, a case out of the caller's scope and an unknown case.
pub async fn file(
    state: &AppState,
    caller: &Caller,
    case_no: &str,
    id: i64,
) -> Result<(AttachmentRecord, Vec<u8>), Problem> {
    let case = visible_case(state, caller, case_no)
        .await
        .map_err(|p| match p.status {
            StatusCode::NOT_FOUND => attachment_not_found(),
            _ => p,
        })?;
    let no = case.case_no;
    state
        .store
        .read(move |conn| attachments::content(conn, &no, id))
        .await
        .map_err(store_problem)?
        .ok_or_else(attachment_not_found)
}

/// The file as a download: the type found at upload, a name the server makes (never the
/// client's), and headers that keep a browser from running or sniffing it.
pub fn download(record: &AttachmentRecord, bytes: Vec<u8>) -> HttpResponse {
    let extension = match record.content_type.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    HttpResponse::Ok()
        .content_type(record.content_type.clone())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}-{}-{}.{extension}\"",
                record.case_no, record.material_code, record.id
            ),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'",
        ))
        .insert_header(("X-Content-SHA256", record.sha256.clone()))
        .body(bytes)
}
