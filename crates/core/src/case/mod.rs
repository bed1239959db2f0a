//! The case (办件) and its state machine.
//!
//! [`open_case`] makes a new case (online `submitted`, or `received` at a window) and
//! [`decide`] applies one [`Command`]: both are pure and return a [`Transition`] with the new
//! state, exactly one [`CaseEvent`] and the notices for the outbox, or a [`CaseError`] naming
//! the rule that refused it.

mod actor;
mod clocks;
mod command;
mod ending;
mod error;
mod event;
mod intake;
mod machine;
mod materials;
mod model;
mod notification;
mod reproject;
mod review;
mod status;
mod timing;

#[cfg(test)]
mod breach_proptests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;

pub use actor::{window_permission, Actor, GrantRef, WindowPermission};
pub use clocks::{clock_inputs, ClockInput, ClockName};
pub use command::{Command, NewCase};
pub use error::{CaseError, CaseErrorKind, Named};
pub use event::{CaseEvent, EventKind};
pub use machine::{action_allowed, decide, deem_accepted, open_case, Transition};
pub use materials::missing_required;
pub use model::{
    AcceptanceRecord, Applicant, ApplicantKind, Case, CaseStage, Channel, Conclusion, Decision,
    DecisionOutcome, Delivery, DeliveryMethod, Extension, MissingMaterial, Outcome, PostalDelivery,
    Procedure, PromisedMaterial, StageStatus, SubmittedMaterial, SupplementNotice, Suspension,
};
pub use notification::{MissingLine, Notice, Notification, Recipient};
pub use reproject::{reproject, reprojected, DueMove};
pub use status::{Action, CaseStatus};
