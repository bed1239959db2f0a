//! Files attached to a case (scans and photos of its materials). The content is kept in the
//! database (see the migration for why); listings never read it.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::case_attachments;

/// A file to attach.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = case_attachments)]
pub struct NewAttachment {
    /// The case.
    pub case_no: String,
    /// The item's material the file stands for.
    pub material_code: String,
    /// The client's name of the file, for display only (never a path).
    pub file_name: String,
    /// The type found in the content (`application/pdf`, `image/jpeg`, `image/png`).
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// The file itself.
    pub content: Vec<u8>,
    /// Who uploaded it (username).
    pub uploaded_by: String,
    /// When, unix milliseconds.
    pub uploaded_at: i64,
}

/// A stored attachment without its content.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = case_attachments)]
pub struct AttachmentRecord {
    /// Id.
    pub id: i64,
    /// Case.
    pub case_no: String,
    /// Material code.
    pub material_code: String,
    /// Display name.
    pub file_name: String,
    /// Content type.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Uploader.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: i64,
}

/// Stores a file, or finds the one already stored for the same case, material and content;
/// `true` when it is new.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewAttachment,
) -> Result<(AttachmentRecord, bool), StoreError> {
    // A savepoint, so that the duplicate does not abort the caller's transaction on PostgreSQL.
    let inserted = conn.transaction(|c| {
        diesel::insert_into(case_attachments::table)
            .values(new)
            .returning(case_attachments::id)
            .get_result::<i64>(c)
    });
    let (id, created) = match inserted {
        Ok(id) => (id, true),
        Err(e) => {
            let e = StoreError::from(e);
            if !e.is_unique_violation() {
                return Err(e);
            }
            let id = case_attachments::table
                .filter(case_attachments::case_no.eq(&new.case_no))
                .filter(case_attachments::material_code.eq(&new.material_code))
                .filter(case_attachments::sha256.eq(&new.sha256))
                .select(case_attachments::id)
                .first::<i64>(conn)?;
            (id, false)
        }
    };
    let record = case_attachments::table
        .find(id)
        .select(AttachmentRecord::as_select())
        .first(conn)?;
    Ok((record, created))
}

/// The bytes of every file attached to a case.
pub fn total_size(conn: &mut DbConnection, case_no: &str) -> Result<i64, StoreError> {
    let sizes: Vec<i64> = case_attachments::table
        .filter(case_attachments::case_no.eq(case_no))
        .select(case_attachments::size)
        .load(conn)?;
    Ok(sizes.iter().sum())
}

/// The attachments of a case, in upload order.
pub fn for_case(
    conn: &mut DbConnection,
    case_no: &str,
) -> Result<Vec<AttachmentRecord>, StoreError> {
    Ok(case_attachments::table
        .filter(case_attachments::case_no.eq(case_no))
        .order(case_attachments::id.asc())
        .select(AttachmentRecord::as_select())
        .load(conn)?)
}

/// One attachment of `case_no` with its content; `None` when the id is unknown or belongs to
/// another case.
pub fn content(
    conn: &mut DbConnection,
    case_no: &str,
    id: i64,
) -> Result<Option<(AttachmentRecord, Vec<u8>)>, StoreError> {
    Ok(case_attachments::table
        .filter(case_attachments::id.eq(id))
        .filter(case_attachments::case_no.eq(case_no))
        .select((AttachmentRecord::as_select(), case_attachments::content))
        .first(conn)
        .optional()?)
}
