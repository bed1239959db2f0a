//! `tongban keys rotate`: a new signing key for tokens, without signing anyone out.

use std::process::ExitCode;

use tongban_app::auth::keys;

use crate::db_args::DbArgs;

/// `tongban keys …`
#[derive(Debug, clap::Subcommand)]
pub enum KeysCommand {
    /// Make a new current signing key in the database. Every process signs with it from its
    /// next sign-in on; the old key keeps verifying the tokens it signed until they expire.
    Rotate {
        #[command(flatten)]
        db: DbArgs,
        /// Longest lifetime of a token signed with the old key, in seconds (the service's
        /// `--token-lifetime`).
        #[arg(long, default_value_t = 8 * 3600, env = "TONGBAN_TOKEN_LIFETIME")]
        token_lifetime: i64,
    },
}

pub fn run(cmd: KeysCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        KeysCommand::Rotate { db, token_lifetime } => {
            let store = db.open()?;
            let now = chrono::Utc::now().timestamp_millis();
            // A database that never ran `serve` gets its first key (or the data directory's
            // keys.json) before the rotation, so the old tokens keep verifying.
            keys::ensure_ring(&store, &db.data_dir.join("keys.json"), now)?;
            let kid = keys::rotate_in_store(&store, now, token_lifetime)?;
            println!(
                "rotated: new key {kid} signs in every process now; the old keys verify for {token_lifetime} s more"
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
