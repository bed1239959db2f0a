//! `tongban calendar due`, run as the built binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn tongban(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn single_due_dates() {
    // 2024 National Day: 10-01..07 off, Sunday 09-29 worked.
    let o = tongban(
        &[
            "calendar",
            "due",
            "--from",
            "2024-09-27",
            "--working-days",
            "5",
        ],
        None,
    );
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "2024-10-10\n");

    let o = tongban(
        &[
            "calendar",
            "due",
            "--from",
            "2024-09-27",
            "--working-days",
            "5",
            "--suspend-from",
            "2024-09-30",
            "--suspend-to",
            "2024-10-08",
        ],
        None,
    );
    assert_eq!(stdout(&o), "2024-10-12\n");

    // 09-25 + 10 natural days = 10-05, a holiday: the period ends on 10-08.
    let o = tongban(
        &[
            "calendar",
            "due",
            "--from",
            "2024-09-25",
            "--natural-days",
            "10",
        ],
        None,
    );
    assert_eq!(stdout(&o), "2024-10-08\n");
}

#[test]
fn single_errors_go_to_stderr_with_a_failure_code() {
    let o = tongban(
        &[
            "calendar",
            "due",
            "--from",
            "2101-01-01",
            "--working-days",
            "5",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("2101-01-01") && err.contains("2004–2100"),
        "{err}"
    );
    // A later year is provisional, never refused, and says so.
    let o = tongban(
        &[
            "calendar",
            "due",
            "--from",
            "2030-01-01",
            "--working-days",
            "5",
        ],
        None,
    );
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o), "2030-01-08 provisional (暂定)\n");

    let o = tongban(&["calendar", "due", "--from", "2024-09-27"], None);
    assert!(!o.status.success(), "a limit is required");
    let o = tongban(
        &[
            "calendar",
            "due",
            "--from",
            "2024-09-27",
            "--working-days",
            "1",
            "--natural-days",
            "1",
        ],
        None,
    );
    assert!(!o.status.success(), "only one limit");
}

#[test]
fn batch_answers_every_line_in_order_and_fails_at_the_end() {
    let input = concat!(
        r#"{"id":1,"start":"2024-09-27","working_days":5}"#,
        "\n",
        "this is not json\n",
        r#"{"id":"b","start":"2024-09-27","working_days":5,"suspend":{"from":"2024-09-30","to":"2024-10-08"}}"#,
        "\n",
        r#"{"id":4,"start":"2003-05-01","working_days":5}"#,
        "\n",
        r#"{"id":5,"start":"2026-02-13","natural_days":2}"#,
        "\n",
    );
    let o = tongban(&["calendar", "due", "--batch", "-"], Some(input));
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(
        lines[0],
        serde_json::json!({"id": 1, "due": "2024-10-10", "provisional": false})
    );
    assert_eq!(lines[1]["id"], serde_json::Value::Null);
    assert!(lines[1]["error"].is_string());
    assert_eq!(
        lines[2],
        serde_json::json!({"id": "b", "due": "2024-10-12", "provisional": false})
    );
    assert_eq!(lines[3]["id"], 4);
    assert!(lines[3]["error"].as_str().unwrap().contains("2003-05-01"));
    // 2026 Spring Festival: 02-15..23 off, so 02-15 moves to 02-24.
    assert_eq!(
        lines[4],
        serde_json::json!({"id": 5, "due": "2026-02-24", "provisional": false})
    );
}

#[test]
fn batch_from_a_file_with_a_regional_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let cal = dir.path().join("gx.toml");
    std::fs::write(
        &cal,
        "name = \"cn-gx\"\nbase = \"cn\"\n[[year]]\nyear = 2024\nholidays = [\"2024-04-11..2024-04-12\"]  # 三月三\n",
    )
    .unwrap();
    let batch = dir.path().join("cases.jsonl");
    std::fs::write(
        &batch,
        "{\"id\":7,\"start\":\"2024-04-10\",\"working_days\":1}\n",
    )
    .unwrap();
    let o = tongban(
        &[
            "calendar",
            "due",
            "--batch",
            batch.to_str().unwrap(),
            "--calendar",
            cal.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{o:?}");
    assert_eq!(
        stdout(&o),
        "{\"id\":7,\"due\":\"2024-04-15\",\"provisional\":false}\n"
    );

    std::fs::write(
        &cal,
        "name = \"x\"\n[[year]]\nyear = 2024\nholidays = [\"2024-02-30\"]\n",
    )
    .unwrap();
    let o = tongban(
        &[
            "calendar",
            "due",
            "--from",
            "2024-04-10",
            "--working-days",
            "1",
            "--calendar",
            cal.to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("line 4") && err.contains("2024-02-30"),
        "{err}"
    );
}
