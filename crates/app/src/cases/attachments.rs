//! Files attached to a case: what a file must be (PDF, JPEG or PNG by its magic bytes — a name
//! or a Content-Type is what the client says, not what the file is — within the size limit),
//! who may add them (the case's applicant, or a clerk whose window's scope has the case,
//! while it is open), storing them with their audit record, and reading one back only for
//! someone who may see the case. Anyone else, and an unknown file, get the very same 404, so
//! that guessing numbers reveals nothing.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tongban_core::case::{Case, CaseStatus};
use tongban_core::role::Role;
use tongban_store::attachments::{self, AttachmentRecord, NewAttachment};
use tongban_store::{audit, NewAudit};

use super::scope::{granted_scope, visible_case};
use super::{has, Who};
use crate::app::App;
use crate::error::{AppResult, Code, Error, Kind, Text};
use crate::records::{from_millis, millis, to_json};

/// Default largest file: a scanned multi-page document fits, a video does not.
pub const DEFAULT_MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Most files in one request.
pub const MAX_FILES: usize = 20;
/// Most bytes of files one case holds by default (`serve --max-case-mib`): every material
/// scanned, many times over, but no file store of its own.
pub const MAX_CASE_BYTES: i64 = 200 * 1024 * 1024;
/// Longest file name kept for display.
const MAX_FILE_NAME: usize = 200;

/// How large and how many files one request may carry (`serve --max-upload-mib`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub max_file_bytes: usize,
    pub max_files: usize,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_files: MAX_FILES,
        }
    }
}

/// The file types accepted as materials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
}

impl FileKind {
    /// The type the content starts like, if any of the accepted ones.
    pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileKind::Png)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
        }
    }

    /// The kind of a stored content type.
    pub fn of_mime(mime: &str) -> FileKind {
        match mime {
            "application/pdf" => FileKind::Pdf,
            "image/png" => FileKind::Png,
            _ => FileKind::Jpeg,
        }
    }
}

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the file is not a PDF, JPEG or PNG file")]
    WrongType,
    #[error("the file is empty")]
    Empty,
    #[error("more than {limit} files")]
    TooMany { limit: usize },
    #[error("the multipart body cannot be read: {0}")]
    Malformed(String),
    #[error("the body is not multipart/form-data")]
    NotMultipart,
}

fn mib(bytes: usize) -> String {
    let m = bytes as f64 / (1024.0 * 1024.0);
    if m.fract() == 0.0 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}

impl UploadError {
    /// The message shown next to the file field.
    pub fn message(&self) -> Text {
        match self {
            UploadError::TooLarge { limit } => Text::new(
                format!("文件过大：每个文件不能超过 {} MiB", mib(*limit)),
                format!("too large: each file may be at most {} MiB", mib(*limit)),
            ),
            UploadError::WrongType => Text::new(
                "文件类型不符：只接受 PDF、JPEG 或 PNG 文件",
                "wrong type: only PDF, JPEG or PNG files are accepted",
            ),
            UploadError::Empty => Text::new("文件为空", "the file is empty"),
            UploadError::TooMany { limit } => Text::new(
                format!("一次最多上传 {limit} 个文件"),
                format!("at most {limit} files at once"),
            ),
            UploadError::Malformed(_) => {
                Text::new("上传内容无法读取", "the upload could not be read")
            }
            UploadError::NotMultipart => Text::new(
                "请以 multipart/form-data 上传",
                "send the upload as multipart/form-data",
            ),
        }
    }

    /// The error of the whole request; `field` names the file field at fault.
    pub fn error(&self, field: Option<&str>) -> Error {
        let (code, title) = match self {
            UploadError::TooLarge { .. } | UploadError::TooMany { .. } => {
                (Code::FileTooLarge, Text::new("文件过大", "File too large"))
            }
            UploadError::WrongType | UploadError::NotMultipart => (
                Code::UnsupportedFileType,
                Text::new("文件类型不受支持", "Unsupported file type"),
            ),
            UploadError::Empty => (Code::EmptyFile, Text::new("文件为空", "Empty file")),
            UploadError::Malformed(_) => (
                Code::MalformedMultipart,
                Text::new("请求有误", "Bad request"),
            ),
        };
        let message = self.message();
        let detail = Text::new(format!("{}。", message.zh), format!("The {}.", message.en));
        let e = Error::new(code, title, detail);
        match field {
            Some(f) => e.with_field(f, message),
            None => e,
        }
    }
}

/// The type of an uploaded file's content, within `limits`.
pub fn check(bytes: &[u8], limits: &UploadLimits) -> Result<FileKind, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > limits.max_file_bytes {
        return Err(UploadError::TooLarge {
            limit: limits.max_file_bytes,
        });
    }
    FileKind::sniff(bytes).ok_or(UploadError::WrongType)
}

/// The client's file name as a display name only: its last path segment, without control
/// characters, at most 200 characters; `file` when nothing is left.
pub fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME)
        .collect();
    let name = name.trim().to_owned();
    if name.is_empty() || name == "." || name == ".." {
        "file".to_owned()
    } else {
        name
    }
}

/// A file that passed the checks.
#[derive(Debug, Clone)]
pub struct CheckedFile {
    pub file_name: String,
    pub kind: FileKind,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

impl CheckedFile {
    /// Checks `bytes` named `client_name` on the uploader's device.
    pub fn new(
        client_name: &str,
        bytes: Vec<u8>,
        limits: &UploadLimits,
    ) -> Result<CheckedFile, UploadError> {
        let kind = check(&bytes, limits)?;
        Ok(CheckedFile {
            file_name: display_name(client_name),
            kind,
            sha256: hex::encode(Sha256::digest(&bytes)),
            bytes,
        })
    }
}

/// A checked file and the material it stands for.
pub struct Attach {
    pub material: String,
    pub file: CheckedFile,
}

/// One attached file, without its content.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: i64,
    pub case_no: String,
    /// The item's material the file stands for.
    pub material_code: String,
    /// The name the file had on the uploader's device (display only).
    pub file_name: String,
    /// Found in the content.
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

impl From<AttachmentRecord> for Attachment {
    fn from(r: AttachmentRecord) -> Self {
        Attachment {
            id: r.id,
            case_no: r.case_no,
            material_code: r.material_code,
            file_name: r.file_name,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
            uploaded_by: r.uploaded_by,
            uploaded_at: from_millis(r.uploaded_at),
        }
    }
}

impl Attachment {
    /// The name a download gets: made by the server, never the client's.
    pub fn download_name(&self) -> String {
        format!(
            "{}-{}-{}.{}",
            self.case_no,
            self.material_code,
            self.id,
            FileKind::of_mime(&self.content_type).extension()
        )
    }
}

/// The one answer for a file that does not exist or that the caller may not have.
pub fn attachment_not_found() -> Error {
    Error::not_found(
        Code::AttachmentNotFound,
        Text::new(
            "没有该附件，或您无权查看。",
            "There is no such attachment, or you may not see it.",
        ),
    )
}

/// 403 unless the caller may add files to the case in its state: its applicant while
/// materials are awaited (before acceptance, during a supplement, or promised at acceptance),
/// or a clerk whose window holds an `accept` grant in force for the item (a window's other
/// grants, or having taken the case, are not enough); 409 once the case has ended.
pub async fn may_attach(app: &App, who: &Who, case: &Case) -> AppResult<()> {
    if case.status.is_terminal() {
        return Err(Error::new(
            Code::CaseClosed,
            Text::new("办件已结束", "Case closed"),
            Text::new(
                "办件已结束，不能再添加附件。",
                "The case has ended; no attachment can be added.",
            ),
        ));
    }
    let owner = has(who, Role::Applicant) && case.owner.as_deref() == Some(who.sub.as_str());
    let awaited = case.status.awaits_acceptance()
        || case.status == CaseStatus::SupplementPending
        || case
            .promised_materials
            .iter()
            .any(|m| m.fulfilled_at.is_none());
    if owner && awaited {
        return Ok(());
    }
    if has(who, Role::Clerk) {
        let config = app.config().await?;
        let scope = granted_scope(app, &config, who, Some("accept")).await?;
        if scope.is_some_and(|s| {
            s.departments.contains(&case.department) || s.items.contains(&case.item_code)
        }) {
            return Ok(());
        }
    }
    Err(Error::role_not_allowed(&[Role::Applicant, Role::Clerk]))
}

/// 422 naming `field` unless `material` is a material of the case's item.
pub fn check_material(app: &App, case: &Case, material: &str, field: &str) -> AppResult<()> {
    // An item version never changes once published: the copy at hand knows its materials.
    let known = app
        .cached()
        .catalogue
        .item_version(&case.item_code, case.item_version)
        .and_then(|i| i.material(material))
        .is_some();
    if known {
        return Ok(());
    }
    Err(Error::new(
        Code::ValidationFailed,
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

/// 422 on `file` when an upload carries no file.
pub fn no_file() -> Error {
    Error::new(
        Code::ValidationFailed,
        Text::new("请求内容有误", "Invalid request"),
        Text::new(
            "请在名为 file 的部分中上传至少一个文件。",
            "Upload at least one file, in a part named `file`.",
        ),
    )
    .with_field("file", Text::new("缺少文件", "no file"))
}

/// Stores the files on `case` (each once per material and content) with one audit record per
/// new file, in one write. Checks who may attach first.
pub async fn attach(
    app: &App,
    who: &Who,
    case: &Case,
    files: Vec<Attach>,
) -> AppResult<Vec<Attachment>> {
    may_attach(app, who, case).await?;
    for f in &files {
        check_material(app, case, &f.material, "material")?;
    }
    let now = millis(app.clock.now());
    let by = who.sub.clone();
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
    let adding: i64 = rows.iter().map(|r| r.size).sum();
    let case_no = case.case_no.clone();
    let max = app.max_case_bytes;
    let stored = app
        .store
        .write(move |conn| {
            // Checked in the write, so that two uploads at once cannot both pass.
            if attachments::total_size(conn, &case_no)? + adding > max {
                return Ok(None);
            }
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
            Ok(Some(stored))
        })
        .await?;
    let Some(stored) = stored else {
        let mib = max / (1024 * 1024);
        return Err(Error::new(
            Code::CaseFilesFull,
            Text::new("办件附件已满", "The case's files are full"),
            Text::new(
                format!("一个办件的附件合计不能超过 {mib} MiB。"),
                format!("The files of one case may not exceed {mib} MiB together."),
            ),
        ));
    };
    Ok(stored.into_iter().map(Attachment::from).collect())
}

/// The attachments of a case the caller has already been allowed to see.
pub async fn of_case(app: &App, case_no: &str) -> AppResult<Vec<Attachment>> {
    let no = case_no.to_owned();
    let rows = app
        .store
        .read(move |conn| attachments::for_case(conn, &no))
        .await?;
    Ok(rows.into_iter().map(Attachment::from).collect())
}

/// The attachments of a case the caller may see, with the case.
pub async fn list(app: &App, who: &Who, case_no: &str) -> AppResult<(Case, Vec<Attachment>)> {
    let case = visible_case(app, who, case_no).await?;
    let files = of_case(app, &case.case_no).await?;
    Ok((case, files))
}

/// One attachment with its content, for a caller who may see its case; the same 404 for an
/// unknown file, a case out of the caller's scope and an unknown case. `id` as it came in.
pub async fn file(
    app: &App,
    who: &Who,
    case_no: &str,
    id: &str,
) -> AppResult<(Attachment, Vec<u8>)> {
    let id = id.parse::<i64>().map_err(|_| attachment_not_found())?;
    let case = visible_case(app, who, case_no)
        .await
        .map_err(|e| match e.code.kind() {
            Kind::NotFound => attachment_not_found(),
            _ => e,
        })?;
    let no = case.case_no;
    let (record, bytes) = app
        .store
        .read(move |conn| attachments::content(conn, &no, id))
        .await?
        .ok_or_else(attachment_not_found)?;
    Ok((Attachment::from(record), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];

    fn limits(max: usize) -> UploadLimits {
        UploadLimits {
            max_file_bytes: max,
            max_files: 3,
        }
    }

    #[test]
    fn the_type_comes_from_the_content() {
        let l = limits(1024);
        assert_eq!(check(PDF, &l), Ok(FileKind::Pdf));
        assert_eq!(check(PNG, &l), Ok(FileKind::Png));
        assert_eq!(check(JPEG, &l), Ok(FileKind::Jpeg));
        // A script named `.pdf` and sent as application/pdf is still a script.
        assert_eq!(
            check(b"#!/bin/sh\nrm -rf /", &l),
            Err(UploadError::WrongType)
        );
        assert_eq!(check(b"<html>%PDF-", &l), Err(UploadError::WrongType));
        assert_eq!(
            check(b"%PDF", &l),
            Err(UploadError::WrongType),
            "truncated magic"
        );
        assert_eq!(check(&PNG[..7], &l), Err(UploadError::WrongType));
        assert_eq!(check(b"GIF89a....", &l), Err(UploadError::WrongType));
        assert_eq!(check(b"", &l), Err(UploadError::Empty));
    }

    #[test]
    fn the_size_limit_is_inclusive() {
        let mut big = PDF.to_vec();
        big.resize(100, b' ');
        assert_eq!(check(&big, &limits(100)), Ok(FileKind::Pdf));
        assert_eq!(
            check(&big, &limits(99)),
            Err(UploadError::TooLarge { limit: 99 })
        );
    }

    #[test]
    fn refusals_are_413_and_415_with_the_field() {
        let e = UploadError::TooLarge {
            limit: 10 * 1024 * 1024,
        }
        .error(Some("file-hkb"));
        assert_eq!(e.code.kind(), Kind::PayloadTooLarge);
        assert_eq!(e.errors[0].field, "file-hkb");
        assert!(e.errors[0].message.zh.contains("10 MiB"), "{:?}", e.errors);
        let e = UploadError::WrongType.error(None);
        assert_eq!(
            (e.code.kind(), e.code.as_str()),
            (Kind::UnsupportedMediaType, "unsupported_file_type")
        );
        assert!(e.errors.is_empty());
        assert_eq!(mib(1536 * 1024), "1.5");
    }

    #[test]
    fn client_file_names_are_display_names_only() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("C:\\Users\\张三\\户口簿.pdf"), "户口簿.pdf");
        assert_eq!(display_name("a\u{0}b\nc.png"), "abc.png");
        assert_eq!(display_name(".."), "file");
        assert_eq!(display_name("dir/"), "file");
        assert_eq!(display_name(&"x".repeat(500)).chars().count(), 200);
    }
}
