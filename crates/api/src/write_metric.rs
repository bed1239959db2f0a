//! `tongban_write_failures_total{cause}` in `/metrics`: failed write requests since the
//! process started, by cause (`disk_full`, `read_only`, `io_error`, `database_unreachable`,
//! `writer_stopped`, `database_error`). Read at each scrape from the writers' counts.

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{IntCounterVec, Opts};
use tongban_app::App;

pub struct WriteFailuresCollector {
    app: App,
    counter: IntCounterVec,
}

impl WriteFailuresCollector {
    pub fn new(app: App) -> prometheus::Result<Self> {
        let counter = IntCounterVec::new(
            Opts::new(
                "tongban_write_failures_total",
                "Write requests the database refused, by cause",
            ),
            &["cause"],
        )?;
        Ok(WriteFailuresCollector { app, counter })
    }
}

impl Collector for WriteFailuresCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.counter.desc()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        for (cause, n) in tongban_app::readiness::write_failures(&self.app) {
            let c = self.counter.with_label_values(&[cause]);
            // Counters only go up: add what the writers counted since the last scrape.
            c.inc_by(n.saturating_sub(c.get()));
        }
        self.counter.collect()
    }
}
