//! Supervision (电子监察) beyond the sweep: the alert lifecycle, statistics and their CSV,
//! and the feed for higher-level monitors. The rules and formats live here, apart from the
//! HTTP handlers in `routes::supervision`.

pub mod export;
pub mod feed;
pub mod lifecycle;
pub mod stats;
pub mod steps;
pub mod urge;
pub mod views;
