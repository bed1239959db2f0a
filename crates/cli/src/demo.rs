//! Demo users for `serve --demo`: one per role, one approver and head per department, and one
//! clerk per window, all with the same password, printed at start so a new user can sign in.
//! They are made by the create-user use case, checked and audited like any account.

use tongban_app::users::create::{create_missing, CreateUser};
use tongban_app::App;
use tongban_core::catalogue::Catalogue;
use tongban_core::role::Role;

use crate::db_args::{block_on, explain};

/// The password of every demo account. Demo data is for trying Tongban out, never production.
pub const DEMO_PASSWORD: &str = "tongban-demo";

/// The audit log's actor of the demo accounts.
const DEMO: &str = "demo";

pub fn accounts(catalogue: &Catalogue) -> Vec<CreateUser> {
    let user =
        |username: String, name: String, roles: Vec<Role>, department: Option<String>| CreateUser {
            username,
            password: DEMO_PASSWORD.to_owned(),
            name: Some(name),
            email: None,
            phone: None,
            roles,
            department,
            windows: Vec::new(),
        };
    let mut all = vec![
        user("admin".into(), "系统管理员".into(), vec![Role::Admin], None),
        user(
            "supervisor".into(),
            "电子监察员".into(),
            vec![Role::Supervisor],
            None,
        ),
        user(
            "applicant".into(),
            "张三".into(),
            vec![Role::Applicant],
            None,
        ),
    ];
    for d in &catalogue.departments {
        all.push(user(
            format!("approver-{}", d.code),
            format!("{}承办人", d.name),
            vec![Role::Approver],
            Some(d.code.clone()),
        ));
        // A head with an address, so that an urge (督办) reaches someone by e-mail too.
        let mut head = user(
            format!("head-{}", d.code),
            format!("{}负责人", d.name),
            vec![Role::Head],
            Some(d.code.clone()),
        );
        head.email = Some(format!("head-{}@demo.tongban.invalid", d.code));
        all.push(head);
    }
    for w in &catalogue.windows {
        let mut clerk = user(
            format!("clerk-{}", w.code.to_lowercase()),
            format!("{}窗口人员", w.name),
            vec![Role::Clerk],
            w.departments.first().cloned(),
        );
        clerk.windows = vec![w.code.clone()];
        all.push(clerk);
    }
    all
}

/// Creates the demo accounts that do not exist yet and prints every login.
pub fn create_users(app: &App, catalogue: &Catalogue) -> anyhow::Result<()> {
    let accounts = accounts(catalogue);
    let logins: Vec<(String, Vec<Role>, Option<String>)> = accounts
        .iter()
        .map(|a| {
            (
                a.username.clone(),
                a.roles.clone(),
                a.windows.first().cloned(),
            )
        })
        .collect();
    block_on(create_missing(app, DEMO, accounts))?.map_err(|e| explain(&e))?;
    println!("Demo logins (password `{DEMO_PASSWORD}` for all):");
    for (username, roles, window) in logins {
        let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        match window {
            Some(w) => println!("  {username:<22} {:<10} window {w}", roles.join(",")),
            None => println!("  {username:<22} {}", roles.join(",")),
        }
    }
    Ok(())
}
