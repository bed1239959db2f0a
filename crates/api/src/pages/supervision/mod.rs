//! The supervision office's pages (电子监察): alerts with their lifecycle steps, and
//! statistics with charts drawn on the server and a CSV download. Supervisors and
//! administrators only, like the supervision routes whose code they call.

pub(crate) mod alert;
mod alerts;
mod case;
mod dashboard;
mod stats;
mod words;

use actix_web::web;

pub(crate) use words::rule as rule_words;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(dashboard::show)
        .service(alerts::list)
        .service(case::show)
        .service(alert::show)
        // Before the steps, whose `{action}` would take the path.
        .service(alert::rectification)
        .service(alert::step)
        .service(stats::csv)
        .service(stats::show);
}
