//! Crash safety: intakes stream at the real binary, which is killed with SIGKILL mid-stream and
//! restarted on the same database. Every acknowledged case must be there exactly once, a
//! repeated request must return it (not create another), and the audit chain must verify.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::backend::{self, Backend};
use crate::harness::{client, Server};

const ITEM: &str = "GA-QR-01";
const WINDOW: &str = "A02";
const CLERK: &str = "clerk-a02";

fn body(i: usize) -> serde_json::Value {
    serde_json::json!({
        "item_code": ITEM,
        "applicant": {"kind": "person", "name": format!("申请人{i}"), "id_number": format!("1101011990{i:08}")},
        "materials": [{"code": "hkb"}, {"code": "jsfz"}, {"code": "zp"}],
    })
}

#[test]
fn sigkill_during_intake_loses_no_acknowledged_case() {
    for backend in backend::all("sigkill_during_intake_loses_no_acknowledged_case") {
        eprintln!("backend: {}", backend.name());
        crash_and_check(&backend);
    }
}

fn crash_and_check(backend: &Backend) {
    let mut args = backend.args();
    args.push("--demo".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(&args);
    let token = server.login(CLERK, Some(WINDOW));
    let base = server.base.clone();

    // (idempotency key, index) -> case number, for every 201 the clients received.
    let acked: Arc<Mutex<BTreeMap<String, (usize, String)>>> = Arc::default();
    let writers: Vec<_> = (0..4)
        .map(|t| {
            let (acked, base, token) = (acked.clone(), base.clone(), token.clone());
            std::thread::spawn(move || {
                let http = client();
                for n in 0.. {
                    let i = t * 1_000_000 + n;
                    let key = format!("crash-{i}");
                    let res = http
                        .post(format!("{base}/api/v1/cases"))
                        .bearer_auth(&token)
                        .header("Idempotency-Key", &key)
                        .json(&body(i))
                        .send();
                    match res {
                        Ok(r) if r.status() == 201 => {
                            let v: serde_json::Value = match r.json() {
                                Ok(v) => v,
                                Err(_) => return, // killed while answering: not acknowledged
                            };
                            let case_no = v["case_no"].as_str().unwrap_or_default().to_owned();
                            acked.lock().unwrap().insert(key, (i, case_no));
                        }
                        Ok(r) => panic!("intake answered {} before the kill", r.status()),
                        Err(_) => return, // the server is gone
                    }
                }
            })
        })
        .collect();

    // Let a good number of intakes through, then kill without warning.
    let started = Instant::now();
    while acked.lock().unwrap().len() < 150 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let data_dir = server.kill_hard();
    for w in writers {
        w.join().expect("writer thread");
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 150,
        "only {} intakes before the kill",
        acked.len()
    );

    let server = Server::start_in(data_dir, &args);
    let token = server.login(CLERK, Some(WINDOW));
    let admin = server.login("admin", None);

    // Every acknowledged case is readable after the restart.
    for (case_no, _) in acked.values().map(|(i, c)| (c, i)) {
        let r = server
            .get(&format!("/api/v1/cases/{case_no}"))
            .bearer_auth(&admin)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "acknowledged case {case_no} lost");
    }
    // Repeating an acknowledged request returns the same case instead of a second one.
    for (key, (i, case_no)) in acked.iter().take(20) {
        let r = server
            .post("/api/v1/cases")
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&body(*i))
            .send()
            .unwrap();
        assert!(r.status().is_success(), "repeat of {key}: {}", r.status());
        let v: serde_json::Value = r.json().unwrap();
        assert_eq!(
            v["case_no"],
            case_no.as_str(),
            "repeat of {key} made a new case"
        );
    }
    // Exactly once: no case number twice, and no applicant (one per request) twice.
    let mut seen_cases = BTreeSet::new();
    let mut per_applicant: BTreeMap<String, usize> = BTreeMap::new();
    for page in 1.. {
        let v: serde_json::Value = server
            .get(&format!("/api/v1/cases?per_page=500&page={page}"))
            .bearer_auth(&admin)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let rows = v["items"].as_array().cloned().unwrap_or_default();
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let case_no = row["case_no"].as_str().unwrap().to_owned();
            assert!(seen_cases.insert(case_no.clone()), "{case_no} listed twice");
            let id = row["applicant"]["id_number"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            *per_applicant.entry(id).or_default() += 1;
        }
    }
    for (case_no, _) in acked.values().map(|(i, c)| (c, i)) {
        assert!(
            seen_cases.contains(case_no),
            "{case_no} missing from the list"
        );
    }
    assert!(
        per_applicant.values().all(|n| *n == 1),
        "a request was stored twice"
    );
    // The audit chain survived the kill (read while the server runs: WAL allows it).
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
