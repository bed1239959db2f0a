//! E-supervision (电子监察): turns the core's pure supervision rules into alert rows.
//!
//! [`sweep`] reads the cases whose `next_check_at` has come (through the partial index), raises
//! their time alerts idempotently and stores their next check. [`new_alert`] is the one
//! mapping of an alert key to its row, used by the sweep and by case transactions (procedure
//! alerts). Both api and cli use this crate; it uses only core and store.

mod alert;
pub mod digest;
pub mod mailer;
mod record;
pub mod scheduler;
mod sweep;

pub use alert::new_alert;
pub use record::case_record;
pub use sweep::{sweep, ItemVersions, SweepError, SweepReport};
