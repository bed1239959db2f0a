//! Every alert of domain.md that a case can reach through the API, driven by the test clock:
//! late acceptance, stage deadlines, the promised and legal deadlines, a late delivery, a fee
//! different from the standard, a bad rating not followed up, a complaint. Each is raised
//! exactly once, however many sweeps run, across a restart. (A second supplement notice, a
//! refusal or denial without legal basis, a suspension without notice and a skipped stage are
//! refused by the state machine before they can happen; the core's tests cover their rules.)

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::backend::{self, Backend};
use crate::harness::Server;

const DAY0: &str = "2026-03-02T09:00:00+08:00";

pub(crate) fn at(day: i64) -> String {
    let start = chrono::DateTime::parse_from_rfc3339(DAY0).expect("start");
    (start + chrono::Duration::days(day)).to_rfc3339()
}

/// The hall driven through the JSON API (shared with the page tests).
pub(crate) struct Hall<'a> {
    pub(crate) server: &'a Server,
}

impl Hall<'_> {
    pub(crate) fn token(&self, user: &str, window: Option<&str>) -> String {
        // Tokens are dated by the test clock: sign in again after every move.
        self.server.login(user, window)
    }

    pub(crate) fn set_clock(&self, day: i64) {
        self.server.set_clock(&at(day));
    }

    pub(crate) fn sweep(&self) {
        self.server.sweep();
    }

    pub(crate) fn intake(&self, key: &str) -> String {
        self.intake_for(key, None)
    }

    /// A GA-QR-01 case taken at window A02; with `email`, every notice lands in the outbox.
    pub(crate) fn intake_for(&self, key: &str, email: Option<&str>) -> String {
        let clerk = self.token("clerk-a02", Some("A02"));
        self.intake_by(&clerk, key, "孙七", email)
    }

    /// A GA-QR-01 case for `name`, taken by the holder of `token` (a clerk, or an applicant
    /// online), complete with its three materials.
    pub(crate) fn intake_by(
        &self,
        token: &str,
        key: &str,
        name: &str,
        email: Option<&str>,
    ) -> String {
        let res = self
            .server
            .post("/api/v1/cases")
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&json!({
                "item_code": "GA-QR-01",
                "applicant": {"kind": "person", "name": name, "id_number": "110101199001011111",
                              "email": email},
                "materials": [{"code": "hkb"}, {"code": "jsfz"}, {"code": "zp"}],
            }))
            .send()
            .expect("intake");
        assert_eq!(res.status(), 201, "intake {key}");
        let v: Value = res.json().expect("case");
        v["case_no"].as_str().expect("case_no").to_owned()
    }

    /// Takes `action` on case `no` at its current version; asserts it was done.
    pub(crate) fn act(
        &self,
        user: &str,
        window: Option<&str>,
        no: &str,
        action: &str,
        body: Value,
    ) -> Value {
        let (status, answer) = self.try_act(user, window, no, action, body);
        assert_eq!(status, 200, "{action} on {no}: {answer}");
        answer
    }

    /// Tries `action` on case `no` at its current version: the status and the answer.
    pub(crate) fn try_act(
        &self,
        user: &str,
        window: Option<&str>,
        no: &str,
        action: &str,
        body: Value,
    ) -> (u16, Value) {
        let token = self.token(user, window);
        let version = self.case(&token, no)["version"].as_u64().expect("version");
        let res = self
            .server
            .post(&format!("/api/v1/cases/{no}/{action}"))
            .bearer_auth(&token)
            .header("If-Match", version.to_string())
            .json(&body)
            .send()
            .expect("action");
        let status = res.status().as_u16();
        (status, res.json().expect("answer json"))
    }

    /// The case as the holder of `token` reads it.
    pub(crate) fn case(&self, token: &str, no: &str) -> Value {
        self.server
            .get(&format!("/api/v1/cases/{no}"))
            .bearer_auth(token)
            .send()
            .expect("case")
            .json()
            .expect("case json")
    }

    /// The back office completes GA-QR-01's two stages and approves.
    pub(crate) fn review_and_approve(&self, no: &str) -> Value {
        for (user, stage, opinion) in [
            ("approver-gaj", "shqf", "符合条件"),
            ("head-gaj", "zz", "已制证"),
        ] {
            self.act(
                user,
                None,
                no,
                "complete-stage",
                json!({"stage": stage, "opinion": opinion}),
            );
        }
        self.act(
            "approver-gaj",
            None,
            no,
            "approve",
            json!({"opinion": "准予换领"}),
        )
    }

    /// The page of alerts of one case, as the supervisor lists them.
    pub(crate) fn alert_page(&self, no: &str) -> Value {
        let token = self.token("supervisor", None);
        self.server
            .get(&format!(
                "/api/v1/supervision/alerts?case_no={no}&per_page=500"
            ))
            .bearer_auth(&token)
            .send()
            .expect("alerts")
            .json()
            .expect("alerts json")
    }

    /// (stage/rule, level) → count, for one case.
    pub(crate) fn alerts(&self, no: &str) -> BTreeMap<(String, String), usize> {
        crate::alerts::tally(&self.alert_page(no))
    }
}

fn has(alerts: &BTreeMap<(String, String), usize>, rule: &str, level: &str) -> bool {
    alerts
        .iter()
        .any(|((r, l), _)| r.ends_with(&format!("/{rule}")) && l == level)
}

#[test]
fn every_reachable_alert_once() {
    for backend in backend::all("every_reachable_alert_once") {
        eprintln!("backend: {}", backend.name());
        every_alert(&backend);
    }
}

/// A demo server on the test clock with no background sweep (shared with the breach tests).
pub(crate) fn start(backend: &Backend, dir: Option<tempfile::TempDir>) -> Server {
    let mut args = backend.args();
    args.extend(["--demo", "--test-clock", "--sweep-every", "0"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match dir {
        Some(d) => Server::start_in(d, &args),
        None => Server::start(&args),
    }
}

fn every_alert(backend: &Backend) {
    let server = start(backend, None);
    let hall = Hall { server: &server };
    // Day 0: case L waits for acceptance; case S is accepted at once.
    let late = hall.intake("every-late");
    let slow = hall.intake("every-slow");
    hall.act("clerk-a02", Some("A02"), &slow, "accept", json!({}));

    // Day 8: L is past its acceptance period (5 working days), S's first stage (5 natural
    // days) is overdue.
    hall.set_clock(8);
    hall.sweep();
    assert!(
        has(&hall.alerts(&late), "acceptance_late", "red"),
        "{:?}",
        hall.alerts(&late)
    );
    assert!(
        has(&hall.alerts(&slow), "stage_deadline", "red"),
        "{:?}",
        hall.alerts(&slow)
    );
    // The sweep accepted L by operation of law (art. 32); the clerk's acceptance records it,
    // and the alert is still one.
    hall.act("clerk-a02", Some("A02"), &late, "accept", json!({}));
    assert_eq!(
        hall.alerts(&late)
            .iter()
            .filter(|((r, _), _)| r.ends_with("/acceptance_late"))
            .map(|(_, n)| n)
            .sum::<usize>(),
        1
    );

    // Day 25: S (accepted on day 0) is past its promised deadline (20 natural days).
    hall.set_clock(25);
    hall.sweep();
    let s = hall.alerts(&slow);
    assert!(
        has(&s, "promised_deadline", "yellow") && has(&s, "promised_deadline", "red"),
        "{s:?}"
    );

    // S decided on day 25, not delivered for 20 days (over 10 working days), then delivered
    // with a fee that is not the standard one.
    hall.review_and_approve(&slow);
    hall.set_clock(45);
    hall.sweep();
    assert!(
        has(&hall.alerts(&slow), "delivery_deadline", "red"),
        "{:?}",
        hall.alerts(&slow)
    );
    hall.act(
        "clerk-a02",
        Some("A02"),
        &slow,
        "deliver",
        json!({"method": "window", "fee": "99.00"}),
    );
    assert!(
        has(&hall.alerts(&slow), "fee_mismatch", "red"),
        "{:?}",
        hall.alerts(&slow)
    );

    // A bad rating of S, not followed up within 3 working days; a complaint about L.
    let code: Value = server
        .get(&format!("/api/v1/cases/{slow}"))
        .bearer_auth(hall.token("supervisor", None))
        .send()
        .expect("case")
        .json()
        .expect("json");
    let code = code["query_code"].as_str().expect("query code").to_owned();
    let res = server
        .post(&format!("/api/v1/public/cases/{slow}/evaluation"))
        .json(&json!({"query_code": code, "score": 1}))
        .send()
        .expect("rating");
    assert_eq!(res.status(), 201);
    // Anonymous, a complaint only asks a supervisor to look (yellow); from the applicant,
    // proven by the query code, it is a red.
    let late_code = hall.case(&hall.token("supervisor", None), &late)["query_code"]
        .as_str()
        .expect("query code")
        .to_owned();
    for body in [
        json!({"case_no": late, "text": "受理拖延"}),
        json!({"case_no": late, "text": "受理拖延", "query_code": late_code}),
    ] {
        let res = server
            .post("/api/v1/complaints")
            .json(&body)
            .send()
            .expect("complaint");
        assert_eq!(res.status(), 201);
    }
    assert!(has(&hall.alerts(&late), "complaint", "yellow"));
    hall.set_clock(52);
    hall.sweep();
    assert!(has(&hall.alerts(&slow), "bad_evaluation_unanswered", "red"));
    assert!(has(&hall.alerts(&late), "complaint", "red"));

    // Day 75: L is past its promised and legal deadlines too.
    hall.set_clock(75);
    hall.sweep();
    let l = hall.alerts(&late);
    assert!(
        has(&l, "promised_deadline", "red") && has(&l, "legal_deadline", "red"),
        "{l:?}"
    );

    // Sweeping again, and after a restart, raises nothing twice.
    hall.sweep();
    let before = (hall.alerts(&late), hall.alerts(&slow));
    let dir = server.kill_hard();
    let server = start(backend, Some(dir));
    let hall = Hall { server: &server };
    hall.set_clock(75);
    hall.sweep();
    let after = (hall.alerts(&late), hall.alerts(&slow));
    assert_eq!(before, after, "nothing new after a restart");
    for (key, n) in after.0.iter().chain(after.1.iter()) {
        assert_eq!(*n, 1, "{key:?} raised {n} times");
    }
}
