//! Demo users for `serve --demo`: one per role, one approver and head per department, and one
//! clerk per window, all with the same password, printed at start so a new user can sign in.

use chrono::{DateTime, Utc};
use tongban_app::users::{self, NewUser};
use tongban_core::catalogue::Catalogue;
use tongban_core::role::Role;
use tongban_store::{users as user_store, Store};

/// The password of every demo account. Demo data is for trying Tongban out, never production.
pub const DEMO_PASSWORD: &str = "tongban-demo";

pub fn accounts(catalogue: &Catalogue) -> Vec<NewUser> {
    let user =
        |username: String, name: String, roles: Vec<Role>, department: Option<String>| NewUser {
            username,
            password: DEMO_PASSWORD.to_owned(),
            name,
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
        all.push(user(
            format!("head-{}", d.code),
            format!("{}负责人", d.name),
            vec![Role::Head],
            Some(d.code.clone()),
        ));
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
pub fn create_users(
    store: &Store,
    catalogue: &Catalogue,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    println!("Demo logins (password `{DEMO_PASSWORD}` for all):");
    for account in accounts(catalogue) {
        let name = account.username.clone();
        let exists = store
            .read_blocking(|c| user_store::get(c, &name))?
            .is_some();
        if !exists {
            let record = users::hashed_record(&account, now)?;
            let windows = account.windows.clone();
            store.write_blocking(move |c| users::insert(c, &record, &windows, now))?;
        }
        let roles: Vec<&str> = account.roles.iter().map(|r| r.as_str()).collect();
        match account.windows.first() {
            Some(w) => println!(
                "  {:<22} {:<10} window {w}",
                account.username,
                roles.join(",")
            ),
            None => println!("  {:<22} {}", account.username, roles.join(",")),
        }
    }
    Ok(())
}
