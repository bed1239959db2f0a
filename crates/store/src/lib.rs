//! Tongban storage: the diesel schema, the embedded migrations and the repositories, for
//! SQLite and PostgreSQL behind one code path.
//!
//! Records, not domain types: the domain core serialises a case to JSON text and the store
//! keeps it with the columns it must index. Every write runs on the [`Writer`] (group
//! commit: one transaction per batch, one savepoint per request); reads use a pool.
//! Times are unix milliseconds (`i64`), JSON is text.

pub mod alert_steps;
pub mod alerts;
pub mod attachments;
pub mod audit;
pub mod backups;
pub mod baseline;
pub mod baseline_moves;
pub mod calendar_years;
pub mod cases;
pub mod checkpointer;
pub mod complaints;
pub mod conn;
pub mod departments;
pub mod digest;
pub mod documents;
pub mod error;
pub mod evaluations;
pub mod events;
pub mod grants;
pub mod hall_settings;
pub mod items;
pub mod migrations;
mod multi_row;
pub mod outbox;
pub mod probe;
pub mod repeats;
pub mod reprojections;
pub mod revision;
pub mod schema;
pub mod sessions;
pub mod sign_in_failures;
pub mod signing_keys;
pub mod snapshot;
pub mod stages;
pub mod stats;
mod store;
pub mod typed;
pub mod urging_orders;
pub mod users;
pub mod windows;
pub mod write_health;
pub mod writer;

pub use audit::{AuditBreak, AuditRecord, AuditReport, NewAudit};
pub use cases::{CaseChange, CaseFilter, CaseIntake, CaseRecord, IntakeOutcome, Page, WindowQueue};
pub use conn::{Backend, ConnectionOptions, DbConnection, DbUrl, Synchronous};
pub use error::{StoreError, StoreResult};
pub use events::{EventRecord, NewEvent};
pub use outbox::{NewOutbox, OutboxRecord};
pub use stages::StageTaskRecord;
pub use store::{Store, StoreOptions};
pub use writer::{Writer, WriterStats};
