//! `tongban audit verify`: walk the audit hash chain.

use std::process::ExitCode;

use tongban_store::StoreError;

use crate::db_args::DbArgs;

/// `tongban audit …`
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Verify the audit log's hash chain; exits non-zero when it is broken.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn run(cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCommand::Verify { db } => {
            let store = db.open()?;
            match store.verify_audit() {
                Ok(report) => {
                    println!("ok: {} records", report.records);
                    Ok(ExitCode::SUCCESS)
                }
                Err(StoreError::AuditBroken(b)) => {
                    println!("broken at record {}: {}", b.seq, b.reason);
                    Ok(ExitCode::FAILURE)
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}
