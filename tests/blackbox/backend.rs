//! Which database a black-box test runs the server on: a SQLite file in the server's data
//! directory, or a fresh database on the PostgreSQL server named by
//! `TONGBAN_TEST_DATABASE_URL_PG` (created per test, dropped at the end).

use std::sync::atomic::{AtomicU64, Ordering};

pub const PG_VAR: &str = "TONGBAN_TEST_DATABASE_URL_PG";

pub enum Backend {
    Sqlite,
    Postgres(PgDatabase),
}

pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let _ = tongban_store::baseline::drop_pg_database(&self.admin_url, &self.name);
    }
}

impl Backend {
    /// Extra `serve` arguments selecting this backend.
    pub fn args(&self) -> Vec<String> {
        match self {
            Backend::Sqlite => Vec::new(),
            Backend::Postgres(db) => vec!["--database-url".into(), db.url.clone()],
        }
    }

    /// Arguments for several processes on one database: the PostgreSQL one, or one SQLite
    /// file outside every data directory (in the returned directory, kept by the caller).
    pub fn shared_args(&self) -> (Vec<String>, Option<tempfile::TempDir>) {
        match self {
            Backend::Postgres(_) => (self.args(), None),
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let file = dir.path().join("shared.sqlite");
                (
                    vec!["--database-url".into(), file.display().to_string()],
                    Some(dir),
                )
            }
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }
}

/// A fresh PostgreSQL database, or `None` (saying so on stderr) when the variable is unset.
/// Panics when it is set but the server cannot be reached: CI must not pass silently.
pub fn postgres(test: &str) -> Option<Backend> {
    let Ok(admin_url) = std::env::var(PG_VAR) else {
        // Straight to stderr: the test harness captures `eprintln!` of passing tests, and a
        // skip must be seen.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("{test} on PostgreSQL: SKIPPED (set {PG_VAR} to run it)\n").as_bytes(),
        );
        return None;
    };
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = format!(
        "tongban_bb_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let url = tongban_store::baseline::create_pg_database(&admin_url, &name)
        .unwrap_or_else(|e| panic!("{PG_VAR}={admin_url} is set but unusable: {e}"));
    Some(Backend::Postgres(PgDatabase {
        admin_url,
        name,
        url,
    }))
}

/// Every backend this run can test: SQLite always, PostgreSQL when configured.
pub fn all(test: &str) -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    v.extend(postgres(test));
    v
}
