//! `tongban`: the one binary of Tongban.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's malloc: under load glibc's arenas took a fifth of the server's
/// CPU (`_int_malloc`, `malloc_consolidate`, `_int_free` in the profile of the status path)
/// and grew its memory by fragmentation; mimalloc keeps per-thread free lists.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod audit_cmd;
mod backup_cmd;
mod bench_calendar;
mod bench_ceiling;
mod bench_cmd;
mod bench_http;
mod bench_sweep;
mod calendar_cmd;
mod calendar_year_cmd;
mod db_args;
mod demo;
mod keys_cmd;
mod migrate_cmd;
mod serve_cmd;
mod supervise_cmd;
mod user_cmd;
mod workflows_cmd;

/// Tongban (通办): one-stop administrative approval workflow engine.
#[derive(Debug, Parser)]
#[command(name = "tongban", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the service (HTTP API and pages).
    Serve(serve_cmd::ServeArgs),
    /// Validate and inspect the workflow files (item catalogue, departments, windows, grants).
    #[command(subcommand)]
    Workflows(workflows_cmd::WorkflowsCommand),
    /// Working-day calendar tools.
    #[command(subcommand)]
    Calendar(calendar_cmd::CalendarCommand),
    /// Run the supervision scheduler alone (deadline sweeps), without the HTTP service.
    Supervise(supervise_cmd::SuperviseArgs),
    /// Apply the database migrations and exit.
    Migrate(migrate_cmd::MigrateArgs),
    /// Write a consistent online backup of the database (and print its path).
    Backup(backup_cmd::BackupArgs),
    /// Fill an empty data directory or database from a backup, and verify it.
    Restore(backup_cmd::RestoreArgs),
    /// Audit log tools.
    #[command(subcommand)]
    Audit(audit_cmd::AuditCommand),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(bench_cmd::BenchCommand),
    /// Token signing keys.
    #[command(subcommand)]
    Keys(keys_cmd::KeysCommand),
    /// Manage user accounts offline.
    #[command(subcommand)]
    User(user_cmd::UserCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve_cmd::run(args),
        Command::Workflows(cmd) => workflows_cmd::run(cmd),
        Command::Calendar(cmd) => calendar_cmd::run(cmd),
        Command::Supervise(args) => supervise_cmd::run(args),
        Command::Migrate(args) => migrate_cmd::run(args),
        Command::Audit(cmd) => audit_cmd::run(cmd),
        Command::Backup(args) => backup_cmd::run_backup(args),
        Command::Restore(args) => backup_cmd::run_restore(args),
        Command::Bench(cmd) => bench_cmd::run(cmd),
        Command::User(cmd) => user_cmd::run(cmd),
        Command::Keys(cmd) => keys_cmd::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
