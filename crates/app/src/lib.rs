//! Tongban's application layer: every use case, over the pure domain core and the store.
//!
//! Drivers (the HTTP routes and pages, the CLI, the scheduler) build a typed command, call one
//! use case and render its typed result or [`Error`]. This is the only crate that combines
//! core and store; it knows nothing of HTTP or HTML.

// A use case's error carries its texts in both languages; it is only built on the rare
// error path, where its size costs nothing measurable.
#![allow(clippy::result_large_err)]

mod app;
pub mod audit;
pub mod auth;
pub mod backups;
pub mod calendars;
pub mod cases;
pub mod catalogue;
pub mod catalogue_view;
pub mod clock;
pub mod config;
pub mod documents;
pub mod error;
pub mod hall;
pub mod mask;
pub mod numbers;
pub mod readiness;
pub mod records;
pub mod supervision;
pub mod users;
pub mod validate;

pub use app::{App, Config};
pub use error::{AppResult, Code, Error, FieldError, Kind, Text};
/// Serves one request with the revisions read once for all its checks.
pub use tongban_store::revision::within_request;
