//! Uploaded files: the limits, the type found in the content (PDF, JPEG, PNG by their magic
//! bytes: a name or a Content-Type is what the client says, not what the file is), and the
//! reading of a `multipart/form-data` body into text fields and files.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::problem::{Problem, Text};

/// Default largest file: a scanned multi-page document fits, a video does not.
pub const DEFAULT_MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Most files in one request.
pub const MAX_FILES: usize = 20;
/// Most text fields in one request, and the longest one: a form, not a data channel.
const MAX_TEXT_FIELDS: usize = 500;
const MAX_TEXT_BYTES: usize = 64 * 1024;
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

    /// The problem+json of the whole request; `field` names the file field at fault.
    pub fn problem(&self, field: Option<&str>) -> Problem {
        let (status, code, title) = match self {
            UploadError::TooLarge { .. } | UploadError::TooMany { .. } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "file_too_large",
                Text::new("文件过大", "File too large"),
            ),
            UploadError::WrongType | UploadError::NotMultipart => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_file_type",
                Text::new("文件类型不受支持", "Unsupported file type"),
            ),
            UploadError::Empty => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "empty_file",
                Text::new("文件为空", "Empty file"),
            ),
            UploadError::Malformed(_) => (
                StatusCode::BAD_REQUEST,
                "malformed_multipart",
                Text::new("请求有误", "Bad request"),
            ),
        };
        let message = self.message();
        let detail = Text::new(format!("{}。", message.zh), format!("The {}.", message.en));
        let p = Problem::new(status, code, title, detail);
        match field {
            Some(f) => p.with_field(f, message),
            None => p,
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

/// A file part of the body: checked, or why it was refused.
#[derive(Debug)]
pub struct FilePart {
    /// The form field it came in.
    pub field: String,
    pub file: Result<CheckedFile, UploadError>,
}

/// A `multipart/form-data` body: text fields in order, and the files chosen (a file input
/// left empty sends a part without name and content; it is dropped).
#[derive(Debug, Default)]
pub struct Body {
    pub fields: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

impl Body {
    /// The first file refused, as the problem of the request.
    pub fn first_refusal(&self) -> Option<Problem> {
        self.files.iter().find_map(|f| match &f.file {
            Err(e) => Some(e.problem(Some(&f.field))),
            Ok(_) => None,
        })
    }
}

fn malformed(e: impl std::fmt::Display) -> UploadError {
    UploadError::Malformed(e.to_string())
}

/// Reads the whole body. A file over the limit is read to its end and dropped (so the fields
/// after it still arrive), never held in memory beyond the limit.
pub async fn read(mut body: Multipart, limits: &UploadLimits) -> Result<Body, UploadError> {
    let mut out = Body::default();
    while let Some(part) = body.next().await {
        let mut part = part.map_err(|e| match e {
            actix_multipart::MultipartError::ContentTypeMissing
            | actix_multipart::MultipartError::ContentTypeParse
            | actix_multipart::MultipartError::ContentTypeIncompatible
            | actix_multipart::MultipartError::BoundaryMissing => UploadError::NotMultipart,
            other => malformed(other),
        })?;
        let name = part.name().unwrap_or("").to_owned();
        let file_name = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        match file_name {
            Some(file_name) => {
                if out.files.len() >= limits.max_files {
                    return Err(UploadError::TooMany {
                        limit: limits.max_files,
                    });
                }
                let file = match part.bytes(limits.max_file_bytes).await {
                    Err(_) => Err(UploadError::TooLarge {
                        limit: limits.max_file_bytes,
                    }),
                    Ok(Err(e)) => return Err(malformed(e)),
                    Ok(Ok(bytes)) if bytes.is_empty() && file_name.is_empty() => continue,
                    Ok(Ok(bytes)) => check(&bytes, limits).map(|kind| CheckedFile {
                        file_name: display_name(&file_name),
                        kind,
                        sha256: hex::encode(Sha256::digest(&bytes)),
                        bytes: bytes.to_vec(),
                    }),
                };
                out.files.push(FilePart { field: name, file });
            }
            None => {
                if out.fields.len() >= MAX_TEXT_FIELDS {
                    return Err(malformed("too many fields"));
                }
                let bytes = match part.bytes(MAX_TEXT_BYTES).await {
                    Err(_) => return Err(malformed(format!("field {name} is too long"))),
                    Ok(Err(e)) => return Err(malformed(e)),
                    Ok(Ok(b)) => b,
                };
                let value = String::from_utf8(bytes.to_vec())
                    .map_err(|_| malformed(format!("field {name} is not UTF-8")))?;
                out.fields.push((name, value));
            }
        }
    }
    Ok(out)
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
        let p = UploadError::TooLarge {
            limit: 10 * 1024 * 1024,
        }
        .problem(Some("file-hkb"));
        assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(p.errors[0].field, "file-hkb");
        assert!(p.errors[0].message.zh.contains("10 MiB"), "{:?}", p.errors);
        let p = UploadError::WrongType.problem(None);
        assert_eq!(
            (p.status, p.code),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_file_type")
        );
        assert!(p.errors.is_empty());
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
