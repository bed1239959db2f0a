//! The reading of a `multipart/form-data` body into text fields and files; each file is
//! checked as it arrives by `tongban_app::cases::attachments` (its type from the content,
//! within the size limit).

use std::sync::{Arc, OnceLock};

use actix_multipart::Multipart;
use futures_util::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
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
    /// Its share of the process's upload memory, given back when the file is dropped.
    _held: Vec<OwnedSemaphorePermit>,
}

/// The memory all uploads in flight may hold together, in KiB: so many clients sending
/// large files at once wait their turn instead of growing the server without bound.
const BUDGET_KIB: usize = 64 * 1024;

/// The process's upload memory: [`BUDGET_KIB`], or four of the largest file if that is more.
fn budget(limits: &UploadLimits) -> (Arc<Semaphore>, usize) {
    static BUDGET: OnceLock<(Arc<Semaphore>, usize)> = OnceLock::new();
    BUDGET
        .get_or_init(|| {
            let kib = BUDGET_KIB.max(4 * limits.max_file_bytes.div_ceil(1024));
            (Arc::new(Semaphore::new(kib)), kib)
        })
        .clone()
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
    let mut request_kib = 0;
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
                let (bytes, held) = read_file(&mut part, limits, &mut request_kib).await?;
                let file = match bytes {
                    None => Err(UploadError::TooLarge {
                        limit: limits.max_file_bytes,
                    }),
                    Some(bytes) if bytes.is_empty() && file_name.is_empty() => continue,
                    Some(bytes) => CheckedFile::new(&file_name, bytes, limits),
                };
                out.files.push(FilePart {
                    field: name,
                    file,
                    _held: held,
                });
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

/// Reads one file part chunk by chunk, taking its memory from the process's budget as it
/// grows (waiting while others hold it); `None` when it is over the limit (read to its end
/// and dropped). One request never holds more than the whole budget.
async fn read_file(
    part: &mut actix_multipart::Field,
    limits: &UploadLimits,
    request_kib: &mut usize,
) -> Result<(Option<Vec<u8>>, Vec<OwnedSemaphorePermit>), UploadError> {
    let (budget, total_kib) = budget(limits);
    let mut bytes = Vec::new();
    let mut held = Vec::new();
    let mut held_kib = 0;
    let mut over = false;
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(malformed)?;
        if over {
            continue;
        }
        if bytes.len() + chunk.len() > limits.max_file_bytes {
            over = true;
            bytes = Vec::new();
            *request_kib -= held_kib;
            held.clear();
            continue;
        }
        let need = (bytes.len() + chunk.len()).div_ceil(1024) - held_kib;
        if need > 0 {
            if *request_kib + need > total_kib {
                return Err(UploadError::TooLarge {
                    limit: total_kib * 1024,
                });
            }
            let n = u32::try_from(need).unwrap_or(u32::MAX);
            let permit = budget
                .clone()
                .acquire_many_owned(n)
                .await
                .map_err(|_| malformed("the server is stopping"))?;
            held.push(permit);
            held_kib += need;
            *request_kib += need;
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(((!over).then_some(bytes), held))
}
