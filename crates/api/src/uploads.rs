//! The reading of a `multipart/form-data` body into text fields and files; each file is
//! checked as it arrives by `tongban_app::cases::attachments` (its type from the content,
//! within the size limit).

use actix_multipart::Multipart;
use futures_util::StreamExt;
pub use tongban_app::cases::attachments::{CheckedFile, UploadError, UploadLimits};

use crate::problem::Problem;

/// Most text fields in one request, and the longest one: a form, not a data channel.
const MAX_TEXT_FIELDS: usize = 500;
const MAX_TEXT_BYTES: usize = 64 * 1024;

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
            Err(e) => Some(e.error(Some(&f.field)).into()),
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
                    Ok(Ok(bytes)) => CheckedFile::new(&file_name, bytes.to_vec(), limits),
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
