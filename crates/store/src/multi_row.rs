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

/// The rows of a `VALUES` list of `rows` × `columns` bound parameters, in the placeholder
/// syntax of `conn`'s backend: `($1, $2), ($3, $4)` or `(?, ?), (?, ?)`.
pub(crate) fn placeholders(
    conn: &crate::conn::DbConnection,
    rows: usize,
    columns: usize,
) -> String {
    let pg = matches!(conn, crate::conn::DbConnection::Pg(_));
    let mut out = String::with_capacity(rows * columns * 6);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for k in 0..columns {
            if k > 0 {
                out.push_str(", ");
            }
            if pg {
                out.push('$');
                out.push_str(&(r * columns + k + 1).to_string());
            } else {
                out.push('?');
            }
        }
        out.push(')');
    }
    out
}
