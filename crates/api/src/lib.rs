//! HTTP layer of Tongban (actix-web): routes, auth, problem+json errors, pages.

// Handlers return `Result<_, Problem>`; a problem is large, but it is only built on the
// rare error path, where its size costs nothing measurable.
#![allow(clippy::result_large_err)]

pub mod auth;
pub mod backup_metric;
pub mod casework;
pub mod extract;
pub mod guard;
pub mod horizon_metric;
pub mod lang;
pub mod openapi;
pub mod oversight;
pub mod pages;
pub mod paging;
pub mod problem;
pub mod rate_limit;
pub mod routes;
pub mod schemas;
pub mod server;
pub mod state;
pub mod uploads;
mod write_metric;
