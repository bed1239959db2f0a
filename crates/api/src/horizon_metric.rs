//! `tongban_calendar_official_days_left` in `/metrics`: days from today (hall time) to the last
//! day of the last official calendar year, so that an alert rule can page the administrator
//! before next year's deadlines turn provisional. Computed at each scrape from the
//! configuration this process holds.

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{IntGauge, Opts};
use tongban_app::calendars::years::Horizon;
use tongban_app::App;

pub struct HorizonCollector {
    app: App,
    gauge: IntGauge,
}

impl HorizonCollector {
    pub fn new(app: App) -> prometheus::Result<Self> {
        let gauge = IntGauge::with_opts(Opts::new(
            "tongban_calendar_official_days_left",
            "Days from today to the last day of the last official calendar year",
        ))?;
        Ok(HorizonCollector { app, gauge })
    }
}

impl Collector for HorizonCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.gauge.desc()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let calendar = self.app.cached().calendar();
        let today = self.app.hall.local_date(self.app.clock.now());
        self.gauge.set(Horizon::of(&calendar, today).days_left);
        self.gauge.collect()
    }
}
