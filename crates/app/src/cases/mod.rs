//! Cases (办件): every use case on a case, from intake to delivery, its public status, its
//! rating and the complaints about it, and its attached files.
//!
//! The caller is named by its token's [`Claims`](crate::auth::token::Claims): drivers pass
//! what they authenticated, use cases decide what it may see and do.

pub mod act;
pub mod actions;
pub mod actor;
pub mod attachments;
pub mod clocks;
pub mod commit;
pub mod complaint;
pub mod evaluation;
pub mod events;
pub mod intake;
pub mod notices;
pub mod on_spot;
pub mod public;
pub mod queue;
pub mod records;
pub mod scope;
pub mod view;

pub use act::act;
pub use actions::{ActionSpec, ACTIONS};
pub use scope::visible_case;

/// Who calls a case use case: the claims of their token.
pub type Who = crate::auth::token::Claims;

/// Whether `who` holds `role`.
pub(crate) fn has(who: &Who, role: tongban_core::role::Role) -> bool {
    who.roles.contains(&role)
}

/// Whether `s` could be a case number or a code of the catalogue: short visible ASCII. Other
/// strings never reach the database (PostgreSQL refuses a NUL in text, which would be a 5xx).
pub fn plausible_code(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_graphic())
}
