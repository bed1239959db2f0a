//! `tongban migrate`: apply the embedded migrations and exit.

use std::process::ExitCode;

use anyhow::Context;
use tongban_store::{ConnectionOptions, DbUrl, Store};

use crate::db_args::{redact, DbArgs};

/// Arguments of `tongban migrate`.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    db: DbArgs,
}

pub fn run(args: MigrateArgs) -> anyhow::Result<ExitCode> {
    let url = args.db.url()?;
    let applied = Store::migrate(&url, &ConnectionOptions::default())
        .with_context(|| format!("cannot migrate {}", redact(&url)))?;
    let backend = DbUrl::parse(&url).backend();
    if applied.is_empty() {
        println!("{backend} {}: schema is current", redact(&url));
    } else {
        for name in &applied {
            println!("applied {name}");
        }
        println!(
            "{backend} {}: {} migration(s) applied",
            redact(&url),
            applied.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
