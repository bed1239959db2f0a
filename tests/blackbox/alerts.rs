//! Alerts with real processes and the test clock: a server that was down while deadlines
//! passed catches up at its first sweep after the restart, and two servers sweeping one
//! PostgreSQL database every second raise each alert exactly once.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::backend::{self, Backend};
use crate::harness::Server;

/// The test clock's default start: Monday 2026-03-02 09:00 in Shanghai.
const DAY0: &str = "2026-03-02T09:00:00+08:00";
/// 25 days later: past GA-QR-01's promised limit (20 natural days), before its legal one (60).
const DAY25: &str = "2026-03-27T09:00:00+08:00";
/// Past the legal limit too.
const DAY70: &str = "2026-05-11T09:00:00+08:00";

fn take_and_accept(server: &Server, key: &str) -> String {
    let clerk = server.login("clerk-a02", Some("A02"));
    let body = serde_json::json!({
        "item_code": "GA-QR-01",
        "applicant": {"kind": "person", "name": "王五", "id_number": "110101199001015678"},
        "materials": [{"code": "hkb"}, {"code": "jsfz"}, {"code": "zp"}],
    });
    let res = server
        .post("/api/v1/cases")
        .bearer_auth(&clerk)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .expect("intake");
    assert_eq!(res.status(), 201, "intake");
    let case: serde_json::Value = res.json().expect("case");
    let case_no = case["case_no"].as_str().expect("case_no").to_owned();
    let res = server
        .post(&format!("/api/v1/cases/{case_no}/accept"))
        .bearer_auth(&clerk)
        .header("If-Match", "1")
        .send()
        .expect("accept");
    assert_eq!(res.status(), 200, "accept");
    case_no
}

/// (rule, level) → how many alerts of the case, read by a supervisor through the database
/// the server uses (the alert routes are tested in supervision.rs).
fn alerts_of(server: &Server, case_no: &str) -> BTreeMap<(String, String), usize> {
    server.sweep();
    let admin = server.login("admin", None);
    let cases: serde_json::Value = server
        .get("/api/v1/cases?alert=red&per_page=500")
        .bearer_auth(&admin)
        .send()
        .expect("queue")
        .json()
        .expect("queue json");
    assert!(
        cases["items"]
            .as_array()
            .is_some_and(|rows| rows.iter().any(|r| r["case_no"] == case_no)),
        "the red-alerted case is in the alert queue: {cases}"
    );
    count_alerts(server, &admin, case_no)
}

fn count_alerts(server: &Server, token: &str, case_no: &str) -> BTreeMap<(String, String), usize> {
    let v: serde_json::Value = server
        .get(&format!(
            "/api/v1/supervision/alerts?case_no={case_no}&per_page=500"
        ))
        .bearer_auth(token)
        .send()
        .expect("alerts")
        .json()
        .expect("alerts json");
    tally(&v)
}

/// (stage/rule, level) → how many, of a page of `GET /api/v1/supervision/alerts`.
pub fn tally(page: &serde_json::Value) -> BTreeMap<(String, String), usize> {
    let mut counts = BTreeMap::new();
    for a in page["items"].as_array().cloned().unwrap_or_default() {
        let key = (
            format!(
                "{}/{}",
                a["stage"].as_str().unwrap_or("-"),
                a["rule"].as_str().unwrap_or("")
            ),
            a["level"].as_str().unwrap_or("").to_owned(),
        );
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

#[test]
fn a_restart_catches_up_on_missed_deadlines() {
    for backend in backend::all("a_restart_catches_up_on_missed_deadlines") {
        eprintln!("backend: {}", backend.name());
        restart_catches_up(&backend);
    }
}

fn server_at(backend: &Backend, data_dir: Option<tempfile::TempDir>, at: &str) -> Server {
    let mut args = backend.args();
    args.extend(
        [
            "--demo",
            "--test-clock",
            "--test-clock-start",
            at,
            "--sweep-every",
            "0",
        ]
        .map(String::from),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match data_dir {
        Some(dir) => Server::start_in(dir, &args),
        None => Server::start(&args),
    }
}

fn restart_catches_up(backend: &Backend) {
    let server = server_at(backend, None, DAY0);
    let case_no = take_and_accept(&server, "restart-1");
    // Down from day 0 to day 25: the promised deadline passes while nobody watches.
    let dir = server.kill_hard();
    let server = server_at(backend, Some(dir), DAY25);
    let first = alerts_of(&server, &case_no);
    for key in [
        ("-/promised_deadline", "yellow"),
        ("-/promised_deadline", "red"),
    ] {
        let key = (key.0.to_owned(), key.1.to_owned());
        assert_eq!(
            first.get(&key),
            Some(&1),
            "{key:?} once after catch-up: {first:?}"
        );
    }
    assert!(
        !first.keys().any(|(r, _)| r == "-/legal_deadline"),
        "the legal deadline has not passed: {first:?}"
    );
    // Another restart and sweep at the same time raise nothing again.
    let dir = server.kill_hard();
    let server = server_at(backend, Some(dir), DAY25);
    assert_eq!(alerts_of(&server, &case_no), first, "no alert twice");
    // Later still, the legal deadline's red card comes, once, and nothing else repeats.
    let dir = server.kill_hard();
    let server = server_at(backend, Some(dir), DAY70);
    let last = alerts_of(&server, &case_no);
    assert_eq!(
        last.get(&("-/legal_deadline".to_owned(), "red".to_owned())),
        Some(&1),
        "{last:?}"
    );
    assert!(last.values().all(|n| *n == 1), "every alert once: {last:?}");
}

#[test]
fn two_instances_on_one_postgres_raise_each_alert_once() {
    let Some(backend) = backend::postgres("two_instances_on_one_postgres_raise_each_alert_once")
    else {
        return;
    };
    // Cases taken on day 0 by one instance, with its scheduler off.
    let taker = server_at(&backend, None, DAY0);
    let cases: Vec<String> = (0..20)
        .map(|i| take_and_accept(&taker, &format!("pair-{i}")))
        .collect();
    drop(taker);
    // Two instances on day 70, both sweeping every second.
    let mut args = backend.args();
    args.extend(
        [
            "--demo",
            "--test-clock",
            "--test-clock-start",
            DAY70,
            "--sweep-every",
            "1",
        ]
        .map(String::from),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let a = Server::start(&args);
    let b = Server::start(&args);
    let token = a.login("supervisor", None);
    // Wait until every case has its legal-deadline red card, then a little longer, so both
    // schedulers have swept several times over the same cases.
    let deadline = Instant::now() + Duration::from_secs(60);
    let legal = ("-/legal_deadline".to_owned(), "red".to_owned());
    while Instant::now() < deadline {
        if cases
            .iter()
            .all(|c| count_alerts(&a, &token, c).contains_key(&legal))
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    std::thread::sleep(Duration::from_secs(3));
    let expected = count_alerts(&a, &token, &cases[0]);
    assert!(expected.contains_key(&legal), "alerts raised: {expected:?}");
    for c in &cases {
        let got = count_alerts(&b, &b.login("supervisor", None), c);
        assert!(
            got.values().all(|n| *n == 1),
            "{c}: an alert twice: {got:?}"
        );
        assert_eq!(got, expected, "{c}: the same alerts as every other case");
    }
}
