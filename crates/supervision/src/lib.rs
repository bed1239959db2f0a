//! E-supervision (电子监察) drivers: the scheduler that runs the application's sweep and
//! daily digest at a fixed interval (inside `serve`, or alone in `tongban supervise`), and the
//! mailer that drains the outbox over SMTP. The use cases themselves live in
//! [`tongban_app::supervision`]; this crate only decides when they run.

// The application's error carries its texts in both languages; it is only built on the rare
// error path, where its size costs nothing measurable.
#![allow(clippy::result_large_err)]

pub mod mailer;
pub mod scheduler;
