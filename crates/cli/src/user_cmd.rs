//! `tongban user add`: creates a user offline (this is how the first admin is made).

use std::process::ExitCode;

use anyhow::{bail, Context};
use tongban_app::users::{self, NewUser};
use tongban_core::role::Role;

use crate::db_args::DbArgs;

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a user with roles, and optionally a department and windows.
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Login name.
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
    let len = args.password.chars().count();
    if !(8..=128).contains(&len) {
        bail!("the password must be 8 to 128 characters long");
    }
    let store = args.db.open()?;
    let now = chrono::Utc::now();
    let new = NewUser {
        username: args.username.clone(),
        password: args.password,
        name: args.name.unwrap_or_else(|| args.username.clone()),
        email: None,
        phone: None,
        roles: args.roles.clone(),
        department: args.department,
        windows: args.windows.clone(),
    };
    let record = users::hashed_record(&new, now)?;
    let windows = args.windows;
    store
        .write_blocking(move |c| users::insert(c, &record, &windows, now))
        .with_context(|| format!("cannot create user {}", args.username))?;
    let roles: Vec<&str> = args.roles.iter().map(|r| r.as_str()).collect();
    println!("created user {} ({})", args.username, roles.join(", "));
    Ok(ExitCode::SUCCESS)
}
