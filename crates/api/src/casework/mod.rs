//! Casework: everything between a case route and the store. Builds the acting [`Actor`] from
//! the caller (with the window-grant check), runs the core's pure decision, and turns the
//! transition into the records of one store transaction.

pub mod actor;
pub mod attachments;
pub mod notices;
pub mod records;
pub mod scope;
pub mod view;
