//! Connections: one `MultiConnection` enum over SQLite and PostgreSQL, chosen from the URL,
//! with per-connection set-up, and the small r2d2 manager that builds them.

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::error::StoreError;

/// A connection to either backend. Queries written against the shared schema build for both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// The embedded default: one file, WAL mode.
    Sqlite(SqliteConnection),
    /// A city or province deployment.
    Pg(PgConnection),
}

/// Which database a URL selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// A SQLite file (the path, without any `sqlite://` prefix).
    Sqlite(PathBuf),
    /// A PostgreSQL URL, passed to libpq as is.
    Postgres(String),
}

impl DbUrl {
    /// `postgres://…` or `postgresql://…` selects PostgreSQL; anything else is a SQLite path,
    /// optionally written `sqlite://path` (`sqlite:///abs/path` for an absolute one).
    pub fn parse(url: &str) -> DbUrl {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            DbUrl::Postgres(url.to_string())
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            DbUrl::Sqlite(PathBuf::from(path))
        } else if let Some(path) = url.strip_prefix("sqlite:") {
            DbUrl::Sqlite(PathBuf::from(path))
        } else {
            DbUrl::Sqlite(PathBuf::from(url))
        }
    }

    /// The backend this URL selects.
    pub fn backend(&self) -> Backend {
        match self {
            DbUrl::Sqlite(_) => Backend::Sqlite,
            DbUrl::Postgres(_) => Backend::Postgres,
        }
    }
}

/// The two supported backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// SQLite's `synchronous` setting (ignored for PostgreSQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// fsync the WAL at every commit: a commit that was acknowledged survives a power loss.
    #[default]
    Full,
    /// fsync only at checkpoints: survives a process crash, may lose the last commits on power
    /// loss (never corrupts the database in WAL mode).
    Normal,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

/// Connection settings that apply to every connection the store opens.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionOptions {
    /// SQLite durability setting.
    pub synchronous: Synchronous,
    /// How long SQLite waits for another process's write lock before failing.
    pub busy_timeout: Duration,
    /// SQLite checkpoints the WAL in the committing connection (`false` where a
    /// [`crate::checkpointer`] thread does it instead).
    pub autocheckpoint: bool,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        ConnectionOptions {
            synchronous: Synchronous::Full,
            busy_timeout: Duration::from_secs(10),
            autocheckpoint: true,
        }
    }
}

/// Opens a plain PostgreSQL connection. Every PostgreSQL connection of the process goes
/// through here: libpq uses the system OpenSSL, which by default frees its locks in an atexit
/// handler, so a process leaving while a pool thread is still connecting (a short CLI
/// command, a test binary) crashes in that thread. OpenSSL initialised first with
/// OPENSSL_INIT_NO_ATEXIT (what `openssl_sys::init` does) leaves that cleanup to the OS; the
/// first initialisation decides, so it must come before libpq's own.
pub(crate) fn connect_pg(url: &str) -> diesel::ConnectionResult<PgConnection> {
    openssl_sys::init();
    PgConnection::establish(url)
}

/// Turns SQLite's memory statistics off for the process, before its first connection: with
/// them on, every allocation of every connection takes one global mutex, which the readers
/// of a busy server queue on (`dbMallocRawFinish` waiting on a futex in the profile). Nothing
/// reads them. It must come before SQLite initialises; later it is refused, harmlessly.
fn sqlite_memory_statistics_off() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `sqlite3_config` with SQLITE_CONFIG_MEMSTATUS takes one int; it is called
        // once, before any connection of this process (it answers SQLITE_MISUSE otherwise
        // and changes nothing).
        unsafe {
            libsqlite3_sys::sqlite3_config(
                libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS,
                std::ffi::c_int::from(0u8),
            );
        }
    });
}

/// Opens one connection to the database named by `url` and prepares it.
pub fn establish(url: &DbUrl, options: &ConnectionOptions) -> Result<DbConnection, StoreError> {
    match url {
        DbUrl::Sqlite(path) => {
            sqlite_memory_statistics_off();
            let path = path.to_string_lossy();
            let mut conn = SqliteConnection::establish(&path)?;
            // WAL lets readers run while the writer commits; foreign keys are off by default
            // in SQLite; the busy timeout makes a second process wait instead of failing. It
            // comes first: switching to WAL needs a lock that another connection closing (and
            // checkpointing) may hold for a moment.
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; \
                 PRAGMA foreign_keys = ON; PRAGMA synchronous = {};",
                options.busy_timeout.as_millis(),
                options.synchronous.pragma()
            ))?;
            if !options.autocheckpoint {
                conn.batch_execute("PRAGMA wal_autocheckpoint = 0")?;
            }
            Ok(DbConnection::Sqlite(conn))
        }
        DbUrl::Postgres(url) => {
            let mut conn = connect_pg(url)?;
            conn.batch_execute("SET TIME ZONE 'UTC'")?;
            Ok(DbConnection::Pg(conn))
        }
    }
}

/// The r2d2 manager for reader connections.
#[derive(Debug)]
pub struct ConnectionManager {
    url: DbUrl,
    options: ConnectionOptions,
}

impl ConnectionManager {
    /// A manager that opens connections to `url` with `options`.
    pub fn new(url: DbUrl, options: ConnectionOptions) -> Self {
        ConnectionManager { url, options }
    }
}

impl diesel::r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        establish(&self.url, &self.options).map_err(|err| match err {
            StoreError::Connection(e) => diesel::r2d2::Error::ConnectionError(e),
            StoreError::Database(e) => diesel::r2d2::Error::QueryError(e),
            other => diesel::r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(
                other.to_string(),
            )),
        })
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_the_backend() {
        assert_eq!(
            DbUrl::parse("postgres://root@localhost/x").backend(),
            Backend::Postgres
        );
        assert_eq!(
            DbUrl::parse("postgresql://root@localhost/x").backend(),
            Backend::Postgres
        );
        assert_eq!(
            DbUrl::parse("sqlite:///var/lib/t.sqlite"),
            DbUrl::Sqlite(PathBuf::from("/var/lib/t.sqlite"))
        );
        assert_eq!(
            DbUrl::parse("data/tongban.sqlite"),
            DbUrl::Sqlite(PathBuf::from("data/tongban.sqlite"))
        );
    }
}
