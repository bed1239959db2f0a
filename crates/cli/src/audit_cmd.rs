//! `tongban audit verify`: walk the audit hash chain.

use std::process::ExitCode;

use tongban_app::audit::{self, Chain};

use crate::db_args::{explain, DbArgs};

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
            match audit::verify(&store).map_err(|e| explain(&e))? {
                Chain::Intact { records } => {
                    println!("ok: {records} records");
                    Ok(ExitCode::SUCCESS)
                }
                Chain::Broken { seq, reason } => {
                    println!("broken at record {seq}: {reason}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
