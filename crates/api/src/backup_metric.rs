//! `tongban_backup_age_seconds` and `tongban_backup_last_bytes` in `/metrics`: the time since
//! the last successful backup and its size, as the database records them, so that every
//! process on one database exports the same figures and an alert rule can page the operator
//! when backups stop. `+Inf` seconds before the first backup.
//!
//! A scrape must not wait for the database (it runs on an HTTP worker): the record is read
//! every [`REFRESH`] by a task of its own, and the age is computed from it at each scrape.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{Gauge, IntGauge, Opts};
use tongban_app::backups::status::{self, LastBackup};
use tongban_app::App;

/// How often the record is read again: a backup another process took shows within this.
pub const REFRESH: Duration = Duration::from_secs(10);

/// What the last read found: `None` before the first read answered.
type Known = Arc<Mutex<Option<Option<LastBackup>>>>;

pub struct BackupCollector {
    known: Known,
    age: Gauge,
    bytes: IntGauge,
    descs: Vec<Desc>,
}

impl BackupCollector {
    /// The collector, and the task that keeps its record current (spawn it on the server's
    /// runtime; it runs until the server stops).
    pub fn new(
        app: App,
    ) -> prometheus::Result<(Self, impl std::future::Future<Output = ()> + 'static)> {
        let age = Gauge::with_opts(Opts::new(
            "tongban_backup_age_seconds",
            "Seconds since the snapshot of the last successful backup (+Inf: none yet)",
        ))?;
        let bytes = IntGauge::with_opts(Opts::new(
            "tongban_backup_last_bytes",
            "Size in bytes of the last successful backup's payload (0: none yet)",
        ))?;
        let descs = age
            .desc()
            .into_iter()
            .chain(bytes.desc())
            .cloned()
            .collect();
        let known: Known = Arc::default();
        let refresh = keep_current(app, known.clone());
        Ok((
            BackupCollector {
                known,
                age,
                bytes,
                descs,
            },
            refresh,
        ))
    }
}

async fn keep_current(app: App, known: Known) {
    let mut every = actix_web::rt::time::interval(REFRESH);
    loop {
        every.tick().await;
        match status::last(&app).await {
            Ok(last) => {
                if let Ok(mut k) = known.lock() {
                    *k = Some(last);
                }
            }
            // The figure stays as last read; /readyz tells about the database.
            Err(e) => tracing::debug!(code = e.code.as_str(), "cannot read the last backup"),
        }
    }
}

impl Collector for BackupCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.descs.iter().collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let known = self.known.lock().ok().and_then(|k| k.clone());
        let Some(last) = known else {
            // Not read yet: no figure rather than a wrong one.
            return Vec::new();
        };
        match last {
            Some(b) => {
                self.age.set(b.age_seconds(chrono::Utc::now()));
                self.bytes.set(b.bytes);
            }
            None => {
                self.age.set(f64::INFINITY);
                self.bytes.set(0);
            }
        }
        let mut out = self.age.collect();
        out.extend(self.bytes.collect());
        out
    }
}
