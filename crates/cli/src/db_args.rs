//! The database flags shared by every command that touches the database.

use std::path::PathBuf;

use anyhow::Context;
use tongban_app::clock::Clock;
use tongban_app::App;
use tongban_core::clock::HallTime;
use tongban_store::{Store, StoreOptions};

/// `--data-dir` and `--database-url` (or `DATABASE_URL`).
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// Directory for Tongban's data; the SQLite database lives here unless a URL is given.
    /// Created if missing.
    #[arg(long, value_name = "DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL: `postgres://…` for PostgreSQL, or a SQLite path (`sqlite://path`).
    /// Default: `tongban.sqlite` in the data directory.
    #[arg(long, value_name = "URL", env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    /// The database URL these flags select, creating the data directory if needed.
    pub fn url(&self) -> anyhow::Result<String> {
        if let Some(url) = self.database_url.as_deref().filter(|u| !u.is_empty()) {
            return Ok(url.to_string());
        }
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                self.data_dir.display()
            )
        })?;
        Ok(self
            .data_dir
            .join("tongban.sqlite")
            .to_string_lossy()
            .into_owned())
    }

    /// Opens the store (applying pending migrations).
    pub fn open(&self) -> anyhow::Result<Store> {
        let url = self.url()?;
        Store::open(&url, StoreOptions::default())
            .with_context(|| format!("cannot open the database {}", redact(&url)))
    }

    /// Opens the application on the store, on the system clock and the hall's time zone,
    /// for a command that calls a use case as the API does.
    pub fn app(&self) -> anyhow::Result<App> {
        let store = self.open()?;
        App::open(store, Clock::System, HallTime::shanghai()).map_err(|e| explain(&e))
    }
}

/// Runs a use case to its end on a runtime of this thread (the CLI is not async).
pub fn block_on<T>(work: impl std::future::Future<Output = T>) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(work))
}

/// A use case's error as a console message: its detail and every bad field.
pub fn explain(e: &tongban_app::Error) -> anyhow::Error {
    let mut message = if e.errors.is_empty() {
        format!("{} ({})", e.detail.en, e.code.as_str())
    } else {
        format!("invalid input ({}):", e.code.as_str())
    };
    for field in &e.errors {
        message.push_str(&format!("\n  {}: {}", field.field, field.message.en));
    }
    anyhow::anyhow!(message)
}

/// The URL without a password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &userinfo[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("data/tongban.sqlite"), "data/tongban.sqlite");
    }

    #[test]
    fn default_is_sqlite_in_the_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let args = DbArgs {
            data_dir: dir.path().join("nested"),
            database_url: None,
        };
        let url = args.url().unwrap();
        assert!(url.ends_with("nested/tongban.sqlite"), "{url}");
        assert!(dir.path().join("nested").is_dir());
    }
}
