//! `tongban user …`: creates and keeps users offline (this is how the first admin is made),
//! through the same use cases as `/api/v1/users`: the same checks, the same audit records,
//! and the same effect on sessions in every running process.

use std::process::ExitCode;

use tongban_app::users::create::{create_user, CreateUser};
use tongban_app::users::manage::{self, UserPatch};
use tongban_core::role::Role;

use crate::db_args::{block_on, explain, DbArgs};

/// The audit log's actor of a change made at the console.
pub const CONSOLE: &str = "cli";

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a user with roles, and optionally a department and windows (which must exist:
    /// `serve` imports the workflow files into an empty database on its first start).
    Add(AddArgs),
    /// List users (optionally those whose username or name contains TEXT).
    List {
        /// Part of the username or name.
        text: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Change a user's name, roles, department or windows: what narrows their rights ends
    /// their sessions at the next request, in every process.
    Set(SetArgs),
    /// Deactivate a user: their sessions end at once, in every process.
    Deactivate {
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Reactivate a deactivated user.
    Activate {
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a new password: every session of the user ends, and at the next sign-in the user
    /// must choose a password of their own before anything else.
    ResetPassword {
        username: String,
        /// The new password (10 to 128 characters, not a common one).
        #[arg(long, env = "TONGBAN_NEW_PASSWORD")]
        password: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    pub username: String,
    /// New display name.
    #[arg(long)]
    pub name: Option<String>,
    /// The roles, replacing the current ones (repeat for several).
    #[arg(long = "role")]
    pub roles: Vec<Role>,
    /// New department code.
    #[arg(long, conflicts_with = "no_department")]
    pub department: Option<String>,
    /// Clear the department.
    #[arg(long)]
    pub no_department: bool,
    /// The windows, replacing the current ones (repeat for several).
    #[arg(long = "window", conflicts_with = "no_windows")]
    pub windows: Vec<String>,
    /// Take the user off every window.
    #[arg(long)]
    pub no_windows: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Login name (3 to 64 letters, digits or _ - . @).
    pub username: String,
    /// Role: applicant, clerk, approver, head, supervisor or admin (repeat for several).
    #[arg(long = "role", required = true)]
    pub roles: Vec<Role>,
    /// Password (10 to 128 characters, not the username, not a common one).
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
        UserCommand::List { text, db } => {
            let app = db.app()?;
            let users = block_on(manage::list_users(&app, text.as_deref(), None))?
                .map_err(|e| explain(&e))?;
            for u in users {
                let roles: Vec<&str> = u.roles.iter().map(|r| r.as_str()).collect();
                println!(
                    "{:<22} {:<10} {:<8} {:<10} {}",
                    u.username,
                    roles.join(","),
                    u.department.as_deref().unwrap_or("-"),
                    if u.active { "active" } else { "inactive" },
                    u.windows.join(",")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::Set(args) => set(args),
        UserCommand::Deactivate { username, db } => set_active(&db, &username, false),
        UserCommand::Activate { username, db } => set_active(&db, &username, true),
        UserCommand::ResetPassword {
            username,
            password,
            db,
        } => {
            let app = db.app()?;
            block_on(manage::reset_password(&app, CONSOLE, &username, &password))?
                .map_err(|e| explain(&e))?;
            println!(
                "new password set for {username}; their sessions ended, and they must change it at their next sign-in"
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn set(args: SetArgs) -> anyhow::Result<ExitCode> {
    let app = args.db.app()?;
    let patch = UserPatch {
        name: args.name,
        roles: Some(args.roles).filter(|r| !r.is_empty()),
        department: match (args.no_department, args.department) {
            (true, _) => Some(None),
            (false, Some(d)) => Some(Some(d)),
            (false, None) => None,
        },
        windows: if args.no_windows {
            Some(Vec::new())
        } else {
            Some(args.windows).filter(|w| !w.is_empty())
        },
        active: None,
    };
    let u = block_on(manage::update_user(&app, CONSOLE, &args.username, patch))?
        .map_err(|e| explain(&e))?;
    let roles: Vec<&str> = u.roles.iter().map(|r| r.as_str()).collect();
    println!(
        "{}: {} · roles {} · department {} · windows {}",
        u.username,
        u.name,
        roles.join(","),
        u.department.as_deref().unwrap_or("-"),
        if u.windows.is_empty() {
            "-".to_owned()
        } else {
            u.windows.join(",")
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn set_active(db: &DbArgs, username: &str, active: bool) -> anyhow::Result<ExitCode> {
    let app = db.app()?;
    let patch = UserPatch {
        active: Some(active),
        ..UserPatch::default()
    };
    block_on(manage::update_user(&app, CONSOLE, username, patch))?.map_err(|e| explain(&e))?;
    if active {
        println!("{username} is active again");
    } else {
        println!("{username} is deactivated; their sessions ended");
    }
    Ok(ExitCode::SUCCESS)
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
