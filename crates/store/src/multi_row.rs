//! Multi-row INSERTs on both backends. Diesel types a batch insert per backend, so the
//! statement is written once here and expanded for each connection variant.

/// Rows per multi-row INSERT: below SQLite's bound-parameter limit (32,766) for the widest
/// table written this way (cases, 17 columns) and PostgreSQL's (65,535).
pub(crate) const MULTI_ROW_CHUNK: usize = 500;

/// `insert_into($table).values($rows)` on whichever backend `$conn` is, as one statement.
macro_rules! multi_row_insert {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::conn::DbConnection::Pg(c) => {
                diesel::insert_into($table).values($rows).execute(c)?
            }
            $crate::conn::DbConnection::Sqlite(c) => {
                diesel::insert_into($table).values($rows).execute(c)?
            }
        }
    };
}
pub(crate) use multi_row_insert;
