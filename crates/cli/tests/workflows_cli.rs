//! `tongban workflows check` on the demo catalogue and on broken copies of it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workflows_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workflows")
}

fn check(path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(["workflows", "check"])
        .arg(path)
        .output()
        .expect("run tongban")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the demo catalogue in a temporary directory, with `edit` applied to one file.
fn broken_copy(file: &str, edit: impl FnOnce(String) -> String) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&workflows_dir(), dir.path());
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit must change {file}");
    std::fs::write(&path, &edited).unwrap();
    (dir, edited)
}

fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not found"));
    text[..at].matches('\n').count() + 1
}

/// Asserts a failed check whose stderr has a line `<dir>/<file>:<line>:<col>: …says…`.
#[track_caller]
fn assert_reported(output: &Output, dir: &Path, file: &str, line: usize, says: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "check should fail; stderr:\n{stderr}"
    );
    let prefix = format!("{}:{line}:", dir.join(file).display());
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(&prefix) && l.contains(says)),
        "expected `{prefix}…{says}` in:\n{stderr}"
    );
}

fn count(stdout: &str, what: &str) -> usize {
    let words: Vec<&str> = stdout
        .split([' ', ',', ':'])
        .filter(|w| !w.is_empty())
        .collect();
    let at = words
        .iter()
        .position(|w| w.trim() == what)
        .unwrap_or_else(|| panic!("no `{what}` in {stdout}"));
    words[at - 1].parse().unwrap()
}

#[test]
fn the_demo_catalogue_passes() {
    let output = check(&workflows_dir());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "stderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.starts_with("ok: "), "{stdout}");
    assert!(count(&stdout, "departments") >= 12, "{stdout}");
    assert!(count(&stdout, "windows") >= 5, "{stdout}");
    assert!(count(&stdout, "grants") >= 10, "{stdout}");
    assert!(count(&stdout, "items") >= 30, "{stdout}");
}

#[test]
fn one_file_can_be_checked_alone() {
    let output = check(&workflows_dir().join("hall.toml"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("0 grants, 0 items"), "{stdout}");
}

#[test]
fn a_promise_longer_than_the_law_is_reported_at_its_line() {
    let (dir, text) = broken_copy("items/scjgj.toml", |t| {
        t.replacen(
            "promised_limit = { days = 5, unit = \"working_days\" }",
            "promised_limit = { days = 30, unit = \"working_days\" }",
            1,
        )
    });
    let output = check(dir.path());
    let line = line_of(&text, "days = 30");
    assert_reported(
        &output,
        dir.path(),
        "items/scjgj.toml",
        line,
        "longer than the legal limit",
    );
}

#[test]
fn a_syntax_error_is_reported_with_line_and_column() {
    let (dir, text) = broken_copy("items/gaj.toml", |t| {
        t.replacen("name = \"居民身份证换领\"", "name = \"居民身份证换领", 1)
    });
    let output = check(dir.path());
    assert_reported(
        &output,
        dir.path(),
        "items/gaj.toml",
        line_of(&text, "name = \"居民身份证换领"),
        "",
    );
}

#[test]
fn unknown_references_name_the_code() {
    let (dir, text) = broken_copy("grants.toml", |t| {
        t.replacen("window = \"Z01\"", "window = \"Z99\"", 1)
    });
    let output = check(dir.path());
    assert_reported(
        &output,
        dir.path(),
        "grants.toml",
        line_of(&text, "Z99"),
        "unknown window (窗口) `Z99`",
    );

    let (dir, text) = broken_copy("items/zjj.toml", |t| {
        t.replacen(
            "department = \"zrzyj\", role",
            "department = \"ghj\", role",
            1,
        )
    });
    let output = check(dir.path());
    assert_reported(
        &output,
        dir.path(),
        "items/zjj.toml",
        line_of(&text, "\"ghj\""),
        "unknown department (部门) `ghj`",
    );
}

#[test]
fn a_duplicate_item_code_points_to_the_first() {
    let (dir, text) = broken_copy("items/lyj.toml", |t| {
        t.replacen("code = \"LY-XK-02\"", "code = \"LY-XK-01\"", 1)
    });
    let output = check(dir.path());
    let second = text.rfind("code = \"LY-XK-01\"").unwrap();
    let line = text[..second].matches('\n').count() + 1;
    let first = format!(
        "already used at {}:",
        dir.path().join("items/lyj.toml").display()
    );
    assert_reported(&output, dir.path(), "items/lyj.toml", line, &first);
}

#[test]
fn a_missing_path_is_an_error() {
    let output = check(Path::new("/nonexistent/workflows"));
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read"));
}
