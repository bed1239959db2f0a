//! Crash safety under mixed load: window intakes and case actions (a clerk recording an
//! acceptance by operation of law, then rounds of suspend and resume by the approver, each
//! with `If-Match`) stream at the real binary together with supervision sweeps, and the
//! server is killed with SIGKILL mid-stream. After a restart on the same database: every
//! acknowledged intake is there exactly once, every acknowledged action's event is in its
//! case's timeline exactly once (none lost, none applied twice, and the case's version is the
//! last acknowledged one, or one more when a request was cut off unanswered), a replayed
//! action is refused as stale, the audit chain verifies, and the alerts raised before the kill
//! are still there exactly once after more sweeps.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::backend::{self, Backend};
use crate::harness::{client, Server};

const WINDOW: &str = "A02";
const CLERK: &str = "clerk-a02";
const APPROVER: &str = "approver-gaj";
/// The test clock's start (`serve --test-clock`) plus eight days: the cases taken at the
/// start are then past their acceptance period (5 working days), so the sweep accepts them
/// by operation of law (art. 32) and raises their acceptance reds.
const DAY8: &str = "2026-03-10T09:00:00+08:00";
/// A pre-load case's version once the sweep accepted it by operation of law.
const ACCEPTED_BY_LAW: u64 = 2;
/// Cases taken before the load; the action clients work on them.
const PRE_CASES: usize = 80;
const ACTION_CLIENTS: usize = 2;
const INTAKE_CLIENTS: usize = 2;
/// Rounds of suspend + resume after the acceptance is recorded.
const ROUNDS: usize = 2;

fn application(i: usize) -> Value {
    json!({
        "item_code": "GA-QR-01",
        "applicant": {"kind": "person", "name": format!("申请人{i}"), "id_number": format!("1101011990{i:08}")},
        "materials": [{"code": "hkb"}, {"code": "jsfz"}, {"code": "zp"}],
    })
}

/// One case action: its route, its body and the event it writes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Act {
    RecordAcceptance,
    Suspend,
    Resume,
}

impl Act {
    fn route(self) -> &'static str {
        match self {
            Act::RecordAcceptance => "accept",
            Act::Suspend => "suspend",
            Act::Resume => "resume",
        }
    }

    fn body(self) -> Value {
        match self {
            Act::Suspend => json!({"procedure": "expert_review", "note": "专家评审"}),
            Act::RecordAcceptance | Act::Resume => json!({}),
        }
    }

    fn event(self) -> &'static str {
        match self {
            Act::RecordAcceptance => "acceptance_recorded",
            Act::Suspend => "suspended",
            Act::Resume => "resumed",
        }
    }

    /// Who acts: the window records the acceptance, the back office suspends and resumes.
    fn token(self, tokens: &Tokens) -> &str {
        match self {
            Act::RecordAcceptance => &tokens.clerk,
            Act::Suspend | Act::Resume => &tokens.approver,
        }
    }

    /// The action after `done` actions on a case accepted by operation of law, `None` once
    /// every round is done.
    fn nth(done: usize) -> Option<Act> {
        match done {
            0 => Some(Act::RecordAcceptance),
            n if n <= 2 * ROUNDS && n % 2 == 1 => Some(Act::Suspend),
            n if n <= 2 * ROUNDS => Some(Act::Resume),
            _ => None,
        }
    }
}

/// The logins the action clients use.
#[derive(Clone)]
struct Tokens {
    clerk: String,
    approver: String,
}

impl Tokens {
    fn login(server: &Server) -> Tokens {
        Tokens {
            clerk: server.login(CLERK, Some(WINDOW)),
            approver: server.login(APPROVER, None),
        }
    }
}

/// What the action clients saw of one case.
#[derive(Default, Clone, Debug)]
struct Seen {
    /// (version written, action) of every acknowledged action, in order.
    acked: Vec<(u64, Act)>,
    /// An action was sent and never answered (the server died): it may or may not be in.
    cut_off: Option<Act>,
}

impl Seen {
    fn version(&self) -> u64 {
        self.acked.last().map_or(ACCEPTED_BY_LAW, |(v, _)| *v)
    }
}

#[test]
fn sigkill_during_mixed_load_loses_and_repeats_nothing() {
    for backend in backend::all("sigkill_during_mixed_load_loses_and_repeats_nothing") {
        eprintln!("backend: {}", backend.name());
        mixed_crash(&backend);
    }
}

fn args(backend: &Backend) -> Vec<String> {
    let mut args = backend.args();
    args.extend(["--demo", "--test-clock", "--sweep-every", "0"].map(String::from));
    args
}

fn mixed_crash(backend: &Backend) {
    let args = args(backend);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(&args);
    let base = server.base.clone();

    // Cases at the window on day 0, then day 8: all of them are late for acceptance.
    let clerk = server.login(CLERK, Some(WINDOW));
    let pre: Vec<String> = (0..PRE_CASES)
        .map(|i| intake(&client(), &base, &clerk, &format!("pre-{i}"), 900_000 + i))
        .map(|r| r.expect("intake before the load"))
        .collect();
    set_clock(&server, DAY8);
    sweep(&client(), &base, &server.login("admin", None)).expect("sweep");
    let alerts_before = alerts(&server);
    assert!(
        alerts_before.len() >= PRE_CASES,
        "the sweep raised only {} alerts",
        alerts_before.len()
    );
    assert!(alerts_before.values().all(|n| *n == 1), "{alerts_before:?}");
    let admin = server.login("admin", None);
    for case_no in &pre {
        let case: Value = server
            .get(&format!("/api/v1/cases/{case_no}"))
            .bearer_auth(&admin)
            .send()
            .and_then(|r| r.json())
            .expect("case");
        assert_eq!(case["version"], ACCEPTED_BY_LAW, "{case_no}: {case}");
        assert_eq!(case["status"], "accepted", "{case_no}: {case}");
    }

    // The load: intakes, actions and sweeps at once, until the kill.
    let clerk = server.login(CLERK, Some(WINDOW));
    let tokens = Tokens::login(&server);
    let intakes: Arc<Mutex<BTreeMap<String, (usize, String)>>> = Arc::default();
    let seen: Arc<Mutex<BTreeMap<String, Seen>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for t in 0..INTAKE_CLIENTS {
        let (intakes, base, token) = (intakes.clone(), base.clone(), clerk.clone());
        threads.push(std::thread::spawn(move || {
            let http = client();
            for n in 0.. {
                let i = t * 100_000 + n;
                let key = format!("mixed-{i}");
                match intake(&http, &base, &token, &key, i) {
                    Ok(case_no) => {
                        intakes.lock().unwrap().insert(key, (i, case_no));
                    }
                    Err(None) => return, // the server is gone: not acknowledged
                    Err(Some(e)) => panic!("intake before the kill: {e}"),
                }
            }
        }));
    }
    for t in 0..ACTION_CLIENTS {
        let mine: Vec<String> = pre
            .iter()
            .skip(t)
            .step_by(ACTION_CLIENTS)
            .cloned()
            .collect();
        let (seen, base, tokens) = (seen.clone(), base.clone(), tokens.clone());
        threads.push(std::thread::spawn(move || {
            act_on(&mine, &seen, &base, &tokens)
        }));
    }
    {
        let (base, token, stop) = (base.clone(), admin.clone(), stop.clone());
        threads.push(std::thread::spawn(move || {
            let http = client();
            while !stop.load(Ordering::Relaxed) {
                match sweep(&http, &base, &token) {
                    Ok(()) => {}
                    Err(None) => return, // the server is gone
                    Err(Some(e)) => panic!("before the kill: {e}"),
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }));
    }

    let started = Instant::now();
    let acked_actions = || {
        seen.lock()
            .unwrap()
            .values()
            .map(|s| s.acked.len())
            .sum::<usize>()
    };
    while (intakes.lock().unwrap().len() < 100 || acked_actions() < 100)
        && started.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let data_dir = server.kill_hard();
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().expect("client thread");
    }
    let intakes = intakes.lock().unwrap().clone();
    let seen = seen.lock().unwrap().clone();
    let acked = seen.values().map(|s| s.acked.len()).sum::<usize>();
    eprintln!(
        "killed after {} intakes and {acked} actions acknowledged",
        intakes.len()
    );
    assert!(
        intakes.len() >= 100 && acked >= 100,
        "too little load before the kill"
    );

    let server = Server::start_in(data_dir, &args);
    let admin = server.login("admin", None);
    check_actions(&server, &admin, &seen);
    check_intakes(&server, &admin, &intakes);

    // More sweeps after the restart, at the same day and the next: the alerts raised
    // before the kill are still there, each exactly once.
    set_clock(&server, DAY8);
    let admin = server.login("admin", None);
    sweep(&client(), &server.base, &admin).expect("sweep after restart");
    sweep(&client(), &server.base, &admin).expect("second sweep after restart");
    let alerts_after = alerts(&server);
    for (key, n) in &alerts_after {
        assert_eq!(*n, 1, "alert {key:?} raised {n} times");
    }
    for key in alerts_before.keys() {
        assert!(
            alerts_after.contains_key(key),
            "alert {key:?} lost in the crash"
        );
    }

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(["audit", "verify", "--data-dir"])
        .arg(server.data_dir.path())
        .args(backend.args())
        .output()
        .expect("audit verify");
    assert!(
        out.status.success(),
        "audit verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Works through `cases` one action at a time, each naming the version it read, until the
/// server stops answering or every case is accepted.
fn act_on(cases: &[String], seen: &Mutex<BTreeMap<String, Seen>>, base: &str, tokens: &Tokens) {
    let http = client();
    let mut done: BTreeMap<&str, usize> = cases.iter().map(|c| (c.as_str(), 0)).collect();
    let mut version: BTreeMap<&str, u64> = cases
        .iter()
        .map(|c| (c.as_str(), ACCEPTED_BY_LAW))
        .collect();
    loop {
        let mut any = false;
        for case_no in cases {
            let Some(act) = Act::nth(done[case_no.as_str()]) else {
                continue;
            };
            any = true;
            let v = version[case_no.as_str()];
            let res = http
                .post(format!("{base}/api/v1/cases/{case_no}/{}", act.route()))
                .bearer_auth(act.token(tokens))
                .header("If-Match", v.to_string())
                .json(&act.body())
                .send()
                .and_then(|r| Ok((r.status(), r.json::<Value>()?)));
            let mut seen = seen.lock().unwrap();
            let entry = seen.entry(case_no.clone()).or_default();
            match res {
                Ok((status, case)) if status == 200 => {
                    let written = case["version"].as_u64().expect("version");
                    assert_eq!(written, v + 1, "{act:?} on {case_no}");
                    entry.acked.push((written, act));
                    version.insert(case_no, written);
                    *done.get_mut(case_no.as_str()).unwrap() += 1;
                }
                Ok((status, body)) => panic!("{act:?} on {case_no} answered {status}: {body}"),
                Err(_) => {
                    entry.cut_off = Some(act);
                    return;
                }
            }
        }
        if !any {
            return;
        }
    }
}

fn check_actions(server: &Server, admin: &str, seen: &BTreeMap<String, Seen>) {
    let tokens = Tokens::login(server);
    for (case_no, s) in seen {
        let case: Value = server
            .get(&format!("/api/v1/cases/{case_no}"))
            .bearer_auth(admin)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let version = case["version"].as_u64().expect("version");
        let last = s.version();
        assert!(
            version == last || (s.cut_off.is_some() && version == last + 1),
            "{case_no}: version {version} after the restart, last acknowledged {last}, cut off {:?}",
            s.cut_off
        );
        let events: Value = server
            .get(&format!("/api/v1/cases/{case_no}/events"))
            .bearer_auth(admin)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let events = events
            .as_array()
            .or_else(|| events["items"].as_array())
            .cloned()
            .expect("events");
        let seqs: Vec<u64> = events.iter().filter_map(|e| e["seq"].as_u64()).collect();
        assert_eq!(
            seqs,
            (1..=version).collect::<Vec<_>>(),
            "{case_no}: the timeline is not one event per version"
        );
        for (v, act) in &s.acked {
            let event = &events[(*v - 1) as usize];
            assert_eq!(
                event["kind"],
                act.event(),
                "{case_no}: acknowledged {act:?} (version {v}) is not in the timeline"
            );
        }
        if let Some(act) = s.cut_off.filter(|_| version == last + 1) {
            assert_eq!(events[last as usize]["kind"], act.event(), "{case_no}");
        }
        // Replaying the last acknowledged action with the version it named is refused as
        // stale: it cannot be applied twice.
        if let Some((v, act)) = s.acked.last() {
            let res = server
                .post(&format!("/api/v1/cases/{case_no}/{}", act.route()))
                .bearer_auth(act.token(&tokens))
                .header("If-Match", (v - 1).to_string())
                .json(&act.body())
                .send()
                .unwrap();
            assert_eq!(res.status(), 412, "replay of {act:?} on {case_no}");
        }
    }
}

fn check_intakes(server: &Server, admin: &str, acked: &BTreeMap<String, (usize, String)>) {
    let clerk = server.login(CLERK, Some(WINDOW));
    // A repeated request returns its case instead of making a second one.
    for (key, (i, case_no)) in acked.iter().take(20) {
        let r = server
            .post("/api/v1/cases")
            .bearer_auth(&clerk)
            .header("Idempotency-Key", key)
            .json(&application(*i))
            .send()
            .unwrap();
        assert!(r.status().is_success(), "repeat of {key}: {}", r.status());
        let v: Value = r.json().unwrap();
        assert_eq!(v["case_no"], case_no.as_str(), "repeat of {key}");
    }
    // Exactly once: every acknowledged case listed, no case and no applicant twice.
    let mut cases = BTreeSet::new();
    let mut applicants: BTreeMap<String, usize> = BTreeMap::new();
    for row in all_pages(server, "/api/v1/cases", admin) {
        let case_no = row["case_no"].as_str().unwrap().to_owned();
        assert!(cases.insert(case_no.clone()), "{case_no} listed twice");
        let id = row["applicant"]["id_number"].as_str().unwrap_or_default();
        *applicants.entry(id.to_owned()).or_default() += 1;
    }
    for (key, (_, case_no)) in acked {
        assert!(
            cases.contains(case_no),
            "acknowledged {key} ({case_no}) lost"
        );
    }
    assert!(
        applicants.values().all(|n| *n == 1),
        "a request was stored twice"
    );
}

/// A window intake: `Ok(case number)`, `Err(None)` when the server did not answer.
fn intake(
    http: &reqwest::blocking::Client,
    base: &str,
    token: &str,
    key: &str,
    i: usize,
) -> Result<String, Option<String>> {
    let r = http
        .post(format!("{base}/api/v1/cases"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&application(i))
        .send()
        .map_err(|_| None)?;
    let status = r.status();
    let v: Value = r.json().map_err(|_| None)?; // cut off while answering
    if status != 201 {
        return Err(Some(format!("{status}: {v}")));
    }
    Ok(v["case_no"].as_str().unwrap_or_default().to_owned())
}

fn sweep(http: &reqwest::blocking::Client, base: &str, admin: &str) -> Result<(), Option<String>> {
    let r = http
        .post(format!("{base}/api/v1/admin/supervision/sweep"))
        .bearer_auth(admin)
        .send()
        .map_err(|_| None)?;
    match r.status().as_u16() {
        200 => Ok(()),
        s => Err(Some(format!("sweep answered {s}"))),
    }
}

fn set_clock(server: &Server, now: &str) {
    let admin = server.login("admin", None);
    let res = server
        .put("/api/v1/admin/clock")
        .bearer_auth(&admin)
        .json(&json!({ "now": now }))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200, "clock to {now}");
}

/// Every alert, keyed by (case, stage, rule, level), with how many times it is there.
fn alerts(server: &Server) -> BTreeMap<(String, String, String, String), usize> {
    let token = server.login("supervisor", None);
    let mut out = BTreeMap::new();
    for a in all_pages(server, "/api/v1/supervision/alerts", &token) {
        let text = |k: &str| a[k].as_str().unwrap_or("-").to_owned();
        let key = (text("case_no"), text("stage"), text("rule"), text("level"));
        *out.entry(key).or_insert(0) += 1;
    }
    out
}

/// Every item of a paginated list, page after page.
fn all_pages(server: &Server, path: &str, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let v: Value = server
            .get(&format!("{path}?per_page=500&page={page}"))
            .bearer_auth(token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let rows = v["items"].as_array().cloned().unwrap_or_default();
        if rows.is_empty() {
            break;
        }
        out.extend(rows);
    }
    out
}
