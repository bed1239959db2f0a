//! A kill in the middle of a calendar re-projection. 10,000 open cases taken on 2026-12-28
//! count on the provisional 2027; the official 2027 is loaded (`PUT
//! /api/v1/calendar/years/2027`) with batches of 50, and the server is killed with SIGKILL
//! while the job is under way. After a restart on the same data directory the job is
//! resumed and finished, and then: every case has exactly one `reprojected` event, its dates
//! are those of the official 2027, every applicant with an e-mail address got exactly one
//! 期限调整告知书, the job counted every case once, and the audit chain verifies.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::harness::Server;

const CASES: usize = 10_000;
const THREADS: usize = 16;
const WINDOW: &str = "A04";
const CLERK: &str = "clerk-a04";
/// 30 working days of legal limit, 5 promised: from 2026-12-28 the legal limit ends in the
/// middle of 春节 2027, where the official year differs from the provisional one.
const ITEM: &str = "ZR-QR-01";
const TAKEN: &str = "2026-12-28T09:30:00+08:00";
/// Every this many cases the applicant gives an e-mail address (so gets notices): few
/// enough that all their 期限调整告知书 fit in one page of the outbox (500).
const EMAIL_EVERY: usize = 40;
const BATCH: &str = "50";
const SOURCE: &str = "国办发明电〔2026〕X号";

fn application(i: usize) -> Value {
    let mut applicant = json!({
        "kind": "person",
        "name": format!("申请人{i}"),
        "id_number": format!("3301{i:014}"),
    });
    if i.is_multiple_of(EMAIL_EVERY) {
        applicant["email"] = format!("applicant{i}@example.invalid").into();
    }
    json!({
        "item_code": ITEM,
        "applicant": applicant,
        "materials": [{"code": "sqs"}, {"code": "sfz"}, {"code": "qszs"}, {"code": "htb"}, {"code": "wspz"}],
    })
}

/// The official 2027: the provisional rest days with 春节 running to Thursday 11 Feb and
/// Saturday 20 Feb worked in exchange (the same year as `tongban bench calendar`).
fn official_2027() -> Value {
    json!({
        "holidays": [
            "2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10",
            "2027-02-11", "2027-04-05", "2027-05-03", "2027-05-04", "2027-06-09",
            "2027-09-15", "2027-10-01", "2027-10-04", "2027-10-05",
        ],
        "workdays": ["2027-02-20"],
        "source": SOURCE,
    })
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()
        .expect("http client")
}

fn json_ok(res: reqwest::blocking::Response, what: &str) -> Value {
    let status = res.status();
    let body: Value = res.json().unwrap_or(Value::Null);
    assert!(status.is_success(), "{what}: {status} {body}");
    body
}

/// The re-projection job of 2027 as `GET /api/v1/calendar/years` shows it, if any.
fn job_2027(http: &reqwest::blocking::Client, base: &str) -> Option<Value> {
    let years = json_ok(
        http.get(format!("{base}/api/v1/calendar/years"))
            .send()
            .expect("years"),
        "years",
    );
    years["reprojections"]
        .as_array()
        .and_then(|jobs| jobs.iter().find(|j| j["year"] == 2027).cloned())
}

/// Takes and accepts every case at the window, from `THREADS` clients at once; answers the
/// case numbers by index.
fn take_cases(server: &Server) -> Vec<String> {
    let clerk = server.login(CLERK, Some(WINDOW));
    let next = AtomicUsize::new(0);
    let numbers = Mutex::new(vec![String::new(); CASES]);
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                let http = client();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= CASES {
                        return;
                    }
                    let taken = json_ok(
                        http.post(server.url("/api/v1/cases"))
                            .bearer_auth(&clerk)
                            .header("Idempotency-Key", format!("kill-{i}"))
                            .json(&application(i))
                            .send()
                            .expect("intake"),
                        "intake",
                    );
                    let no = taken["case_no"].as_str().expect("case_no").to_owned();
                    let version = taken["version"].as_u64().expect("version");
                    json_ok(
                        http.post(server.url(&format!("/api/v1/cases/{no}/accept")))
                            .bearer_auth(&clerk)
                            .header("If-Match", version.to_string())
                            .json(&json!({}))
                            .send()
                            .expect("accept"),
                        "accept",
                    );
                    numbers.lock().unwrap()[i] = no;
                }
            });
        }
    });
    numbers.into_inner().unwrap()
}

fn due(server: &Server, query: &str) -> String {
    let v = json_ok(
        server
            .get(&format!("/api/v1/calendar/due?{query}"))
            .send()
            .expect("due"),
        "due",
    );
    v["due"].as_str().expect("due date").to_owned()
}

#[test]
fn sigkill_mid_reprojection_resumes_and_moves_each_case_once() {
    let env = [("TONGBAN_REPROJECT_BATCH", BATCH)];
    // No scheduled sweeps: the only writer of the cases during the job is the job itself.
    let args = ["--demo", "--test-clock", "--sweep-every", "0"];
    let server = Server::start_in_with_env(tempfile::tempdir().expect("temp dir"), &args, &env);
    server.set_clock(TAKEN);
    let cases = take_cases(&server);
    let admin = server.login("admin", None);
    let before = json_ok(
        server
            .get(&format!("/api/v1/cases/{}", cases[0]))
            .bearer_auth(&admin)
            .send()
            .unwrap(),
        "case before",
    );
    let provisional_legal = before["legal_due"].as_str().expect("legal_due").to_owned();

    // The PUT in the background; the kill as soon as a batch is in and the job not done.
    let base = server.base.clone();
    let put = {
        let (base, admin) = (base.clone(), admin.clone());
        std::thread::spawn(move || {
            client()
                .put(format!("{base}/api/v1/calendar/years/2027"))
                .bearer_auth(&admin)
                .json(&official_2027())
                .send()
                .map(|r| r.status().as_u16())
                .ok()
        })
    };
    let poll = client();
    let at_kill = loop {
        if let Some(job) = job_2027(&poll, &base) {
            assert_eq!(
                job["finished"], false,
                "the job finished before the kill: make TONGBAN_REPROJECT_BATCH smaller ({job})"
            );
            if job["examined"].as_i64().unwrap_or(0) > 0 {
                break job;
            }
        }
        // An answer before any batch was seen: refused, or done too fast to be killed.
        assert!(
            !put.is_finished(),
            "the PUT answered ({:?}) before the job was seen under way",
            put.join()
        );
    };
    let data_dir = server.kill_hard();
    let answered = put.join().expect("PUT thread");
    assert_ne!(
        answered,
        Some(200),
        "the PUT finished before the kill: make TONGBAN_REPROJECT_BATCH smaller"
    );
    let examined_at_kill = at_kill["examined"].as_i64().unwrap();
    assert!(
        (examined_at_kill as usize) < CASES,
        "killed mid-job: {at_kill}"
    );

    // Restarted: the job is resumed (once the dead process's lease has run out) and finished.
    let server = Server::start_in_with_env(data_dir, &args, &env);
    let http = client();
    let deadline = Instant::now() + Duration::from_secs(90);
    let job = loop {
        let job = job_2027(&http, &server.base).expect("the job survived the kill");
        if job["finished"] == true {
            break job;
        }
        assert!(Instant::now() < deadline, "the job was not resumed: {job}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(
        job["examined"], CASES as u64,
        "every case examined once: {job}"
    );
    assert_eq!(job["moved"], CASES as u64, "every case moved once: {job}");
    assert_eq!(job["source"], SOURCE, "{job}");

    // The dates of the official 2027, asked of the calendar itself; they differ from the
    // provisional ones, or this test would prove nothing.
    let legal = due(&server, "from=2026-12-28&working_days=30");
    let promised = due(&server, "from=2026-12-28&working_days=5");
    assert_ne!(
        legal, provisional_legal,
        "the official year moves the legal limit"
    );
    assert_eq!(before["promised_due"], promised.as_str(), "{before}");

    let admin = server.login("admin", None);
    let next = AtomicUsize::new(0);
    let problems = Mutex::new(Vec::<String>::new());
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                let http = client();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= CASES {
                        return;
                    }
                    let no = &cases[i];
                    let get = |path: String| {
                        json_ok(
                            http.get(server.url(&path))
                                .bearer_auth(&admin)
                                .send()
                                .expect("GET"),
                            &path,
                        )
                    };
                    let events = get(format!("/api/v1/cases/{no}/events"));
                    let reprojected = events
                        .as_array()
                        .expect("events")
                        .iter()
                        .filter(|e| e["kind"] == "reprojected")
                        .count();
                    let case = get(format!("/api/v1/cases/{no}"));
                    let mut p = problems.lock().unwrap();
                    if reprojected != 1 {
                        p.push(format!("{no}: {reprojected} reprojected events"));
                    }
                    if case["legal_due"] != legal.as_str() {
                        p.push(format!("{no}: legal_due {} not {legal}", case["legal_due"]));
                    }
                    if case["promised_due"] != promised.as_str() {
                        p.push(format!(
                            "{no}: promised_due {} not {promised}",
                            case["promised_due"]
                        ));
                    }
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(
        problems.is_empty(),
        "{} problems, first: {:?}",
        problems.len(),
        &problems[..problems.len().min(10)]
    );

    // One 期限调整告知书 per applicant with an address (the newest messages of the outbox).
    let outbox = json_ok(
        server
            .get("/api/v1/admin/outbox?limit=500")
            .bearer_auth(&admin)
            .send()
            .unwrap(),
        "outbox",
    );
    let mut notices: BTreeMap<String, usize> = BTreeMap::new();
    for m in outbox.as_array().expect("outbox list") {
        let subject = m["subject"].as_str().unwrap_or_default();
        if subject.contains("期限调整告知书") {
            *notices
                .entry(m["recipient"].as_str().unwrap_or("-").to_owned())
                .or_default() += 1;
        }
    }
    let expected: BTreeMap<String, usize> = (0..CASES)
        .step_by(EMAIL_EVERY)
        .map(|i| (format!("applicant{i}@example.invalid"), 1))
        .collect();
    assert_eq!(
        notices, expected,
        "one rescheduling notice per applicant with an address"
    );

    let data_dir = server.kill_hard();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(["audit", "verify", "--data-dir"])
        .arg(data_dir.path())
        .output()
        .expect("audit verify");
    assert!(
        out.status.success(),
        "audit verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
