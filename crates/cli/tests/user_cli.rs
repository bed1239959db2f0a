//! `tongban user add` goes through the create-user use case of `POST /api/v1/users`: it
//! refuses what the API refuses, with the reasons, and leaves the same audit record.

use std::path::Path;
use std::process::{Command, Output};

fn tongban(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("TONGBAN_NEW_PASSWORD")
        .output()
        .expect("run tongban")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn audit_records(data_dir: &Path) -> String {
    let out = tongban(data_dir, &["audit", "verify"]);
    assert!(out.status.success(), "audit verify: {}", text(&out.stderr));
    text(&out.stdout).trim().to_owned()
}

/// `tongban user add USERNAME --role ROLE --password PASSWORD [more]`.
fn user_add(data_dir: &Path, username: &str, role: &str, password: &str, more: &[&str]) -> Output {
    let mut args = vec![
        "user",
        "add",
        username,
        "--role",
        role,
        "--password",
        password,
    ];
    args.extend_from_slice(more);
    tongban(data_dir, &args)
}

/// The console message of a refused `user add`, which must name each of `reasons`.
fn refused(out: &Output, reasons: &[&str]) {
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    for reason in reasons {
        assert!(stderr.contains(reason), "{reason} in {stderr}");
    }
}

#[test]
fn user_add_checks_and_audits_like_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();

    // A username with a space and a password that is too short: both reasons, nothing made.
    refused(
        &user_add(data, "bad name", "admin", "short", &[]),
        &[
            "validation_failed",
            "username: must be 3–64 letters, digits or _ - . @",
            "password: must be 10–128 characters long",
        ],
    );
    // A department that does not exist is refused too (the API checks it).
    refused(
        &user_add(
            data,
            "approver1",
            "approver",
            "long-enough-1",
            &["--department", "nowhere"],
        ),
        &["department: there is no department with code nowhere"],
    );
    assert_eq!(audit_records(data), "ok: 0 records");

    // A good one is created and audited.
    let out = user_add(data, "admin", "admin", "long-enough-1", &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "created user admin (admin)");
    assert_eq!(audit_records(data), "ok: 1 records");

    // The same name again is taken.
    refused(
        &user_add(data, "admin", "admin", "long-enough-2", &[]),
        &["The username admin is taken.", "username_taken"],
    );
}

#[test]
fn users_are_kept_at_the_console_like_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    for (user, role) in [("admin", "admin"), ("clerk-1", "applicant")] {
        let out = user_add(data, user, role, "long-enough-1", &[]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let out = tongban(data, &["user", "deactivate", "clerk-1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&tongban(data, &["user", "list", "clerk"]).stdout);
    assert!(
        listed.contains("clerk-1") && listed.contains("inactive"),
        "{listed}"
    );
    assert!(
        !listed.contains("admin "),
        "only the matching users: {listed}"
    );
    let out = tongban(
        data,
        &[
            "user",
            "reset-password",
            "clerk-1",
            "--password",
            "password123",
        ],
    );
    assert!(!out.status.success(), "a common password is refused");
    let out = tongban(
        data,
        &[
            "user",
            "reset-password",
            "clerk-1",
            "--password",
            "一个够长的新密码-1",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = tongban(data, &["user", "activate", "clerk-1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&tongban(data, &["user", "list"]).stdout);
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("clerk-1") && l.contains(" active")),
        "{listed}"
    );
    // Name and roles change through the same use case; a department must exist.
    let out = tongban(
        data,
        &[
            "user",
            "set",
            "clerk-1",
            "--name",
            "周监察",
            "--role",
            "supervisor",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("周监察 · roles supervisor"),
        "{}",
        text(&out.stdout)
    );
    refused(
        &tongban(data, &["user", "set", "clerk-1", "--department", "nowhere"]),
        &["department: there is no department with code nowhere"],
    );
    let listed = text(&tongban(data, &["user", "list", "clerk-1"]).stdout);
    assert!(listed.contains("supervisor"), "{listed}");
    // Each change is in the audit chain: two creations, deactivation, reset, activation, set.
    assert_eq!(audit_records(data), "ok: 6 records");
}
