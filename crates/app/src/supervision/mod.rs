//! E-supervision (电子监察) use cases: the deadline sweep, reading and handling alerts
//! (acknowledge, urge, resolve, escalate), the statistics, the feed for higher-level
//! monitors, the daily digest and the outbox the mailer drains. The rules they apply (which
//! alert is due, which step each status allows, what each statistic counts) are the core's
//! [`tongban_core::supervision`]; the drivers (routes, pages, scheduler, mailer, CLI) call
//! these and nothing below.

pub mod alerts;
pub mod desk;
pub mod digest;
mod export;
pub mod feed;
pub mod handle;
pub mod mail;
pub mod outbox;
pub mod rectify;
pub mod stats;
pub mod sweep;
mod urge;
pub mod urging;

pub use crate::cases::records::{case_record, new_alert};
