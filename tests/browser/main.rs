//! Browser tests: the built `tongban` binary (started by the black-box harness) driven in
//! headless Chromium through chromedriver, one server and one browser session per test,
//! clicking through each role's main path by labels and button texts as a user would.
//! Screenshots of every step go to `tests/artifacts/browser/<test>/`.
//!
//! Skipped with a message where `chromium` or `chromedriver` is missing; failed instead when
//! `CI` is set.

// The black-box harness, shared rather than copied; this target uses only part of it.
#[allow(dead_code)]
#[path = "../blackbox/backend.rs"]
mod backend;
#[allow(dead_code)]
#[path = "../blackbox/harness.rs"]
mod harness;

mod accessibility;
mod admin;
mod applicant;
mod back_office;
mod calendar;
mod chrome;
mod session;
mod steps;
mod supervision;
mod window;
