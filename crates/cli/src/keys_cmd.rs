//! `tongban keys rotate`: a new signing key for tokens, without signing anyone out, or with
//! `--end-sessions`, signing everyone out at once (the operator's emergency stop).

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
        /// Also end every session now: every token of every user is refused from its next
        /// request on, in every process (a leaked key or a compromise).
        #[arg(long)]
        end_sessions: bool,
    },
}

pub fn run(cmd: KeysCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        KeysCommand::Rotate {
            db,
            token_lifetime,
            end_sessions,
        } => {
            let store = db.open()?;
            let now = chrono::Utc::now().timestamp_millis();
            // A database that never ran `serve` gets its first key (or the data directory's
            // keys.json) before the rotation, so the old tokens keep verifying.
            keys::ensure_ring(&store, &db.data_dir.join("keys.json"), now)?;
            let kid = keys::rotate_in_store(&store, now, token_lifetime)?;
            println!(
                "rotated: new key {kid} signs in every process now; the old keys verify for {token_lifetime} s more"
            );
            if end_sessions {
                let app = db.app()?;
                let ended = tongban_app::auth::sessions::end_all_blocking(&app)
                    .map_err(|e| crate::db_args::explain(&e))?;
                println!("ended {ended} sessions: everyone signs in again");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
