//! Tongban's domain core: approval items, the working-day calendar, case clocks, the case
//! state machine, window grants and supervision rules.
//!
//! Everything here is pure: no IO, no database, no HTTP, and no reading of the system clock.
//! Callers pass the current instant in, which keeps every rule deterministic and testable.

pub mod calendar;
pub mod case;
pub mod catalogue;
pub mod clock;
pub mod document;
pub mod explain;
pub mod grant;
pub mod item;
pub mod role;
pub mod supervision;
