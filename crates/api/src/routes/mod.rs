//! Route handlers, one module per area of api.md.

pub mod admin;
pub mod attachments;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod catalogue;
pub mod clocks;
pub mod desk;
pub mod directory;
pub mod on_spot;
pub mod ops;
pub mod outbox;
pub mod public;
pub mod supervision;
pub mod users;
