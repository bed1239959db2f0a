//! `tongban user add`: creates a user offline (this is how the first admin is made), through
//! the same use case as `POST /api/v1/users`: the same checks, the same audit record.

use std::process::ExitCode;

use tongban_app::users::create::{create_user, CreateUser};
use tongban_core::role::Role;

use crate::db_args::{block_on, explain, DbArgs};

/// The audit log's actor of a change made at the console.
pub const CONSOLE: &str = "cli";

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a user with roles, and optionally a department and windows (which must exist:
    /// `serve` imports the workflow files into an empty database on its first start).
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Login name (3 to 64 letters, digits or _ - . @).
    pub username: String,
    /// Role: applicant, clerk, approver, head, supervisor or admin (repeat for several).
    #[arg(long = "role", required = true)]
    pub roles: Vec<Role>,
    /// Password (8 to 128 characters).
    #[arg(long, env = "TONGBAN_NEW_PASSWORD")]
    pub password: String,
    /// Display name (defaults to the username).
    #[arg(long)]
    pub name: Option<String>,
    /// Department code of a staff member.
    #[arg(long)]
    pub department: Option<String>,
    /// Window code a clerk sits at (repeat for several).
    #[arg(long = "window")]
    pub windows: Vec<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(cmd: UserCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCommand::Add(args) => add(args),
    }
}

fn add(args: AddArgs) -> anyhow::Result<ExitCode> {
    let app = args.db.app()?;
    let cmd = CreateUser {
        username: args.username,
        password: args.password,
        name: args.name,
        email: None,
        phone: None,
        roles: args.roles,
        department: args.department,
        windows: args.windows,
    };
    let created = block_on(create_user(&app, CONSOLE, cmd))?.map_err(|e| explain(&e))?;
    let roles: Vec<&str> = created.roles.iter().map(|r| r.as_str()).collect();
    println!("created user {} ({})", created.username, roles.join(", "));
    Ok(ExitCode::SUCCESS)
}
