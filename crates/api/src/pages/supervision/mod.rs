//! The supervision office's pages (电子监察): alerts with their lifecycle steps, and
//! statistics with charts drawn on the server and a CSV download. Supervisors and
//! administrators only, like the supervision routes whose code they call.

mod alert;
mod alerts;
mod stats;
mod words;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(alerts::list)
        .service(alert::show)
        .service(alert::step)
        .service(stats::csv)
        .service(stats::show);
}
