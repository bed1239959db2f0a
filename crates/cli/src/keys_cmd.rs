//! `tongban keys rotate`: a new signing key for tokens, without signing anyone out.

use std::path::PathBuf;
use std::process::ExitCode;

use tongban_api::auth::keys::KeyRing;

/// `tongban keys …`
#[derive(Debug, clap::Subcommand)]
pub enum KeysCommand {
    /// Make a new current signing key in the data directory's `keys.json`. The old key keeps
    /// verifying the tokens it signed until they expire; restart the service to sign with
    /// the new key.
    Rotate {
        /// The data directory holding `keys.json`.
        #[arg(long, default_value = "data")]
        data_dir: PathBuf,
        /// Longest lifetime of a token signed with the old key, in seconds (the service's
        /// `--token-lifetime`).
        #[arg(long, default_value_t = 8 * 3600, env = "TONGBAN_TOKEN_LIFETIME")]
        token_lifetime: i64,
    },
}

pub fn run(cmd: KeysCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        KeysCommand::Rotate {
            data_dir,
            token_lifetime,
        } => {
            std::fs::create_dir_all(&data_dir)?;
            let path = data_dir.join("keys.json");
            let mut ring = KeyRing::load_or_create(&path)?;
            let old = ring.current.kid.clone();
            ring.rotate(chrono::Utc::now().timestamp(), token_lifetime);
            ring.save(&path)?;
            println!(
                "rotated: new key {}, old key {old} verifies for {token_lifetime} s more; restart the service to sign with the new key",
                ring.current.kid
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
