//! `tongban workflows …`: validate the workflow files (with the loader the server imports the
//! catalogue with, `tongban_app::catalogue::files`), print their JSON Schema.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use tongban_app::catalogue::files::{load_dir, LoadError};
use tongban_core::catalogue;

#[derive(Debug, clap::Subcommand)]
pub enum WorkflowsCommand {
    /// Validate the workflow files (a directory, read recursively, or one file).
    ///
    /// Prints `ok: …` and exits 0, or every problem as `path:line:col: message` on stderr and
    /// exits 1.
    Check {
        /// A directory of `*.toml` files (its `calendars/` and `schema/` are skipped) or one file.
        #[arg(default_value = "workflows")]
        path: PathBuf,
    },
    /// Print the JSON Schema of a workflow file (as in `workflows/schema/workflows.schema.json`).
    Schema,
}

pub fn run(cmd: WorkflowsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        WorkflowsCommand::Check { path } => check(&path),
        WorkflowsCommand::Schema => {
            println!(
                "{}",
                serde_json::to_string_pretty(&catalogue::json_schema())?
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(path: &Path) -> anyhow::Result<ExitCode> {
    match load_dir(path) {
        Ok(c) => {
            println!(
                "ok: {} departments, {} windows, {} grants, {} items",
                c.departments.len(),
                c.windows.len(),
                c.grants.len(),
                c.items.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(LoadError::Invalid(errors)) => {
            for error in &errors {
                eprintln!("{error}");
            }
            eprintln!("{} error(s) in {}", errors.len(), path.display());
            Ok(ExitCode::FAILURE)
        }
        Err(other) => Err(other.into()),
    }
}
