//! Issued documents (文书) and their numbers: one row per document of a case, numbered from
//! its organ's series for its kind and year.

use diesel::prelude::*;

use crate::conn::DbConnection;
use crate::error::StoreError;
use crate::schema::documents;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = documents)]
pub struct DocumentRecord {
    pub case_no: String,
    pub kind: String,
    pub ordinal: i64,
    pub department: String,
    pub year: i64,
    pub seq: i64,
    pub number: String,
    /// Unix milliseconds of the first print.
    pub issued_at: i64,
    pub issued_by: String,
}

/// A document to number, unless it has its number already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub case_no: String,
    pub kind: String,
    pub ordinal: i64,
    pub department: String,
    pub year: i64,
    pub issued_at: i64,
    pub issued_by: String,
}

/// The document's record: the one stored, or a new one with the next number of its series
/// (`number` makes the printed text from the sequence number). Run on the writer: every
/// writer batch holds the audit head lock, so no two processes draw the same number; the
/// unique series key would refuse it anyway.
pub fn issue(
    conn: &mut DbConnection,
    doc: &NewDocument,
    number: impl Fn(i64) -> String,
) -> Result<(DocumentRecord, bool), StoreError> {
    if let Some(found) = get(conn, &doc.case_no, &doc.kind, doc.ordinal)? {
        return Ok((found, false));
    }
    let last: Option<i64> = documents::table
        .filter(documents::department.eq(&doc.department))
        .filter(documents::kind.eq(&doc.kind))
        .filter(documents::year.eq(doc.year))
        .select(diesel::dsl::max(documents::seq))
        .first(conn)?;
    let seq = last.unwrap_or(0) + 1;
    let record = DocumentRecord {
        case_no: doc.case_no.clone(),
        kind: doc.kind.clone(),
        ordinal: doc.ordinal,
        department: doc.department.clone(),
        year: doc.year,
        seq,
        number: number(seq),
        issued_at: doc.issued_at,
        issued_by: doc.issued_by.clone(),
    };
    diesel::insert_into(documents::table)
        .values(&record)
        .execute(conn)?;
    Ok((record, true))
}

pub fn get(
    conn: &mut DbConnection,
    case_no: &str,
    kind: &str,
    ordinal: i64,
) -> Result<Option<DocumentRecord>, StoreError> {
    Ok(documents::table
        .find((case_no, kind, ordinal))
        .select(DocumentRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The documents of a case issued so far.
pub fn of_case(conn: &mut DbConnection, case_no: &str) -> Result<Vec<DocumentRecord>, StoreError> {
    Ok(documents::table
        .filter(documents::case_no.eq(case_no))
        .order((documents::issued_at.asc(), documents::kind.asc()))
        .select(DocumentRecord::as_select())
        .load(conn)?)
}
