//! A case's attachments: upload (`multipart/form-data`), list, download. The case's
//! applicant and clerks whose window's scope has the case upload; whoever may see the case
//! lists and downloads; everyone else gets the same 404 as for an unknown file.

use actix_multipart::Multipart;
use actix_web::{get, http::header, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tongban_app::cases::attachments::{
    self, check_material, may_attach, no_file, Attach, Attachment,
};
use tongban_core::case::Case;
use tongban_core::item::Item;
use utoipa::ToSchema;

use crate::auth::caller::Caller;
use crate::pages::case_parts::material_name;
use crate::problem::Problem;
use crate::routes::cases::visible_case;
use crate::state::AppState;
use crate::uploads;

/// One attached file (without its content).
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub case_no: String,
    /// The item's material the file stands for.
    pub material_code: String,
    pub material_name: String,
    /// The name the file had on the uploader's device (display only).
    pub file_name: String,
    /// Found in the content: `application/pdf`, `image/jpeg` or `image/png`.
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    /// Where to download it.
    pub href: String,
}

impl AttachmentView {
    pub fn new(r: &Attachment, item: Option<&Item>) -> Self {
        AttachmentView {
            id: r.id,
            case_no: r.case_no.clone(),
            material_code: r.material_code.clone(),
            material_name: material_name(item, &r.material_code),
            file_name: r.file_name.clone(),
            content_type: r.content_type.clone(),
            size: r.size,
            sha256: r.sha256.clone(),
            uploaded_by: r.uploaded_by.clone(),
            uploaded_at: r.uploaded_at,
            href: format!("/api/v1/cases/{}/attachments/{}", r.case_no, r.id),
        }
    }
}

fn views(state: &AppState, case: &Case, rows: &[Attachment]) -> Vec<AttachmentView> {
    let catalogue = state.catalogue();
    let item = catalogue.item_version(&case.item_code, case.item_version);
    rows.iter().map(|r| AttachmentView::new(r, item)).collect()
}

/// The body of an upload, for the OpenAPI document.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AttachmentUpload {
    /// The item's material code the files stand for.
    material: String,
    /// One or more files (PDF, JPEG or PNG; the type is taken from the content), each in a
    /// part named `file`.
    #[schema(value_type = Vec<String>, format = Binary)]
    file: Vec<Vec<u8>>,
}

/// Attaches files to a case. Each file is stored once per material and content: uploading
/// the same file again answers the stored one.
#[utoipa::path(
    tag = "cases",
    params(("case_no" = String, Path, description = "Case number")),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = Vec<AttachmentView>, description = "The files, as stored"),
        (status = 400, description = "Unreadable multipart body"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Neither the case's applicant nor a clerk"),
        (status = 404, description = "No such case in the caller's scope"),
        (status = 409, description = "The case has ended"),
        (status = 413, description = "A file over the size limit, or too many files"),
        (status = 415, description = "A file that is not PDF, JPEG or PNG, or a body that is not multipart/form-data"),
        (status = 422, description = "No file, or no material of the item named")
    )
)]
#[post("/api/v1/cases/{case_no}/attachments")]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    case_no: web::Path<String>,
    body: Multipart,
) -> Result<HttpResponse, Problem> {
    let case = visible_case(&state, &caller, &case_no).await?;
    // Refused before the body is read: no reason to take in files that cannot be kept.
    may_attach(&state, &caller.0, &case).await?;
    let body = uploads::read(body, &state.uploads)
        .await
        .map_err(|e| Problem::from(e.error(None)))?;
    if let Some(p) = body.first_refusal() {
        return Err(p);
    }
    let material = body
        .fields
        .iter()
        .find(|(k, _)| k == "material")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    check_material(&state, &case, &material, "material")?;
    let files: Vec<Attach> = body
        .files
        .into_iter()
        .filter(|f| f.field == "file")
        .filter_map(|f| f.file.ok())
        .map(|file| Attach {
            material: material.clone(),
            file,
        })
        .collect();
    if files.is_empty() {
        return Err(no_file().into());
    }
    let stored = attachments::attach(&state, &caller.0, &case, files).await?;
    Ok(HttpResponse::Created().json(views(&state, &case, &stored)))
}

/// The files attached to a case, in upload order.
#[utoipa::path(
    tag = "cases",
    params(("case_no" = String, Path, description = "Case number")),
    responses(
        (status = 200, body = Vec<AttachmentView>),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such case in the caller's scope")
    )
)]
#[get("/api/v1/cases/{case_no}/attachments")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    case_no: web::Path<String>,
) -> Result<web::Json<Vec<AttachmentView>>, Problem> {
    let (case, rows) = attachments::list(&state, &caller.0, &case_no).await?;
    Ok(web::Json(views(&state, &case, &rows)))
}

/// One file, as uploaded. The same 404 for an unknown file and for a case out of the
/// caller's scope.
#[utoipa::path(
    tag = "cases",
    params(
        ("case_no" = String, Path, description = "Case number"),
        ("id" = i64, Path, description = "Attachment id")
    ),
    responses(
        (status = 200, description = "The file (application/pdf, image/jpeg or image/png)", content_type = "application/octet-stream"),
        (status = 401, description = "Not signed in"),
        (status = 404, description = "No such file on a case the caller may see")
    )
)]
#[get("/api/v1/cases/{case_no}/attachments/{id}")]
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let (case_no, id) = path.into_inner();
    let (file, bytes) = attachments::file(&state, &caller.0, &case_no, &id).await?;
    Ok(file_response(&file, bytes))
}

/// The file as a download: the type found at upload, a name the server makes (never the
/// client's), and headers that keep a browser from running or sniffing it.
pub fn file_response(file: &Attachment, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(file.content_type.clone())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file.download_name()),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'",
        ))
        .insert_header(("X-Content-SHA256", file.sha256.clone()))
        .body(bytes)
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(upload).service(list).service(download);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(upload, list, download))]
pub struct Doc;
