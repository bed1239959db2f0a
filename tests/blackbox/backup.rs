//! The restore drill (docs/operations.md, "The drill"): window intakes, acceptances and
//! uploads stream at the real binary; `tongban backup` runs in the middle of the stream, which
//! goes on after it until the server is killed with SIGKILL. The backup is restored into a
//! fresh data directory (or a second fresh PostgreSQL database) and a server started on it:
//! every case acknowledged before the backup began is there exactly once, at a version the
//! server acknowledged and no older than the one acknowledged before the backup began, with
//! its attachment byte for byte; nothing is there that was never acknowledged; and
//! `tongban audit verify` passes.
//!
//! Also: two processes on one database configured for the daily backup take it once, and
//! both export its age in /metrics.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::backend::{self, Backend};
use crate::harness::{client, Server};

const WINDOW: &str = "A02";
const CLERK: &str = "clerk-a02";
const INTAKE_CLIENTS: usize = 2;
/// Every how many intakes a scan is attached.
const FILE_EVERY: usize = 3;

/// Cases acknowledged before the backup starts; `TONGBAN_DRILL_CASES` raises it for a drill
/// with figures worth reporting.
fn cases_before() -> usize {
    std::env::var("TONGBAN_DRILL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

/// What the clients saw acknowledged of one case.
#[derive(Default, Clone, Debug)]
struct Seen {
    /// Each version the server acknowledged, and when the answer came.
    versions: Vec<(u64, Instant)>,
    /// The attached file, and when its upload was acknowledged.
    file: Option<(Vec<u8>, Instant)>,
}

type Log = Arc<Mutex<BTreeMap<String, Seen>>>;

#[test]
fn a_backup_taken_under_load_restores_every_acknowledged_case() {
    drill(&Backend::Sqlite, None);
    if let Some(source) = backend::postgres("restore drill") {
        let target = backend::postgres("restore drill, target").expect("a second database");
        drill(&source, Some(&target));
    }
}

fn serve_args(backend: &Backend) -> Vec<String> {
    let mut args = backend.args();
    args.extend(["--demo", "--test-clock", "--sweep-every", "0"].map(String::from));
    args
}

fn drill(source: &Backend, target: Option<&Backend>) {
    eprintln!("restore drill on {}", source.name());
    let args = serve_args(source);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(&args);
    let base = server.base.clone();
    let clerk = server.login(CLERK, Some(WINDOW));
    let log: Log = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));

    let mut threads = Vec::new();
    for t in 0..INTAKE_CLIENTS {
        let (log, base, token, stop) = (log.clone(), base.clone(), clerk.clone(), stop.clone());
        threads.push(std::thread::spawn(move || {
            stream_intakes(t, &log, &base, &token, &stop)
        }));
    }
    {
        let (log, base, token, stop) = (log.clone(), base.clone(), clerk.clone(), stop.clone());
        threads.push(std::thread::spawn(move || {
            stream_acceptances(&log, &base, &token, &stop)
        }));
    }

    let count = |log: &Log| {
        let log = log.lock().unwrap();
        let accepted = log.values().filter(|s| s.versions.len() > 1).count();
        let files = log.values().filter(|s| s.file.is_some()).count();
        (log.len(), accepted, files)
    };
    let want = cases_before();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(300) {
        let (cases, accepted, files) = count(&log);
        if cases >= want && accepted >= want / 3 && files >= want / (2 * FILE_EVERY) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let (before, accepted, files) = count(&log);
    assert!(before >= want, "only {before} intakes before the backup");

    // The backup, while the stream goes on.
    let backups = tempfile::tempdir().expect("temp dir");
    let backup_began = Instant::now();
    let out = tongban(
        &[
            "backup",
            "--to",
            &backups.path().display().to_string(),
            "--data-dir",
            &server.data_dir.path().display().to_string(),
        ],
        &source.args(),
    );
    let backup_time = backup_began.elapsed();
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "backup: {stdout}{}",
        text(&out.stderr)
    );
    let path = PathBuf::from(stdout.lines().last().expect("the backup printed its path"));
    assert!(path.starts_with(backups.path()), "{stdout}");
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(path.join("manifest.json")).expect("manifest.json"),
    )
    .expect("manifest json");

    // More load after it, then the kill.
    let after = log.lock().unwrap().len();
    let until = Instant::now() + Duration::from_secs(20);
    while log.lock().unwrap().len() < after + 100 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = server.kill_hard();
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().expect("client thread");
    }
    let log = log.lock().unwrap().clone();
    eprintln!(
        "{}: backup began after {before} intakes, {accepted} acceptances and {files} files \
         acknowledged; killed after {} intakes; the backup holds {} cases and {} files in {} \
         bytes, taken in {:.2} s",
        source.name(),
        log.len(),
        manifest["cases"],
        manifest["attachments"],
        manifest["payload"]["bytes"],
        backup_time.as_secs_f64()
    );
    assert!(
        manifest["cases"].as_u64().unwrap_or(0) >= before as u64,
        "{manifest}"
    );

    // Restore into a fresh place and serve it.
    let fresh = tempfile::tempdir().expect("temp dir");
    let target_args = target.map(Backend::args).unwrap_or_default();
    let restore_began = Instant::now();
    let out = tongban(
        &[
            "restore",
            &path.display().to_string(),
            "--data-dir",
            &fresh.path().display().to_string(),
        ],
        &target_args,
    );
    let restore_time = restore_began.elapsed();
    assert!(
        out.status.success(),
        "restore: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    eprintln!(
        "{}: restored in {:.2} s:\n{}",
        source.name(),
        restore_time.as_secs_f64(),
        text(&out.stdout)
    );
    // Once filled, the target is refused: a restore never overwrites.
    let again = tongban(
        &[
            "restore",
            &path.display().to_string(),
            "--data-dir",
            &fresh.path().display().to_string(),
        ],
        &target_args,
    );
    assert!(!again.status.success(), "{}", text(&again.stdout));
    assert!(
        text(&again.stderr).contains("is not empty"),
        "{}",
        text(&again.stderr)
    );
    if target.is_some() {
        // Without PostgreSQL's client tools, the backup says which package brings them.
        let out = Command::new(env!("CARGO_BIN_EXE_tongban"))
            .args(["backup", "--to", &backups.path().display().to_string()])
            .args(source.args())
            .env("PATH", "/nonexistent")
            .output()
            .expect("run tongban");
        assert!(!out.status.success());
        assert!(
            text(&out.stderr).contains("postgresql-client"),
            "{}",
            text(&out.stderr)
        );
    }
    let mut args = target_args.clone();
    args.extend(["--demo", "--test-clock", "--sweep-every", "0"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let restored = Server::start_in(fresh, &args);
    check_restored(&restored, &log, backup_began, &manifest);

    let out = tongban(
        &[
            "audit",
            "verify",
            "--data-dir",
            &restored.data_dir.path().display().to_string(),
        ],
        &target_args,
    );
    assert!(
        out.status.success(),
        "audit verify: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// Window intakes (and every `FILE_EVERY`th a scan attached) until the server stops
/// answering.
fn stream_intakes(t: usize, log: &Log, base: &str, token: &str, stop: &AtomicBool) {
    let http = client();
    for n in 0.. {
        let i = t * 1_000_000 + n;
        let case_no = match intake(&http, base, token, i) {
            Ok(case_no) => case_no,
            Err(None) => return,
            Err(Some(e)) if stop.load(Ordering::Relaxed) => return eprintln!("{e}"),
            Err(Some(e)) => panic!("intake before the kill: {e}"),
        };
        log.lock()
            .unwrap()
            .entry(case_no.clone())
            .or_default()
            .versions
            .push((1, Instant::now()));
        if n % FILE_EVERY == 0 {
            let file = pdf(i);
            match upload(&http, base, token, &case_no, &file) {
                Ok(()) => {
                    let mut log = log.lock().unwrap();
                    if let Some(seen) = log.get_mut(&case_no) {
                        seen.file = Some((file, Instant::now()));
                    }
                }
                Err(None) => return,
                Err(Some(e)) if stop.load(Ordering::Relaxed) => return eprintln!("{e}"),
                Err(Some(e)) => panic!("upload before the kill: {e}"),
            }
        }
    }
}

/// Accepts the cases taken so far, each once, until the server stops answering.
fn stream_acceptances(log: &Log, base: &str, token: &str, stop: &AtomicBool) {
    let http = client();
    let mut done = BTreeSet::new();
    loop {
        let waiting: Vec<String> = log
            .lock()
            .unwrap()
            .keys()
            .filter(|c| !done.contains(*c))
            .cloned()
            .collect();
        if waiting.is_empty() {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        for case_no in waiting {
            let res = http
                .post(format!("{base}/api/v1/cases/{case_no}/accept"))
                .bearer_auth(token)
                .header("If-Match", "1")
                .json(&json!({}))
                .send()
                .and_then(|r| Ok((r.status(), r.json::<Value>()?)));
            match res {
                Ok((status, case)) if status == 200 => {
                    let version = case["version"].as_u64().expect("version");
                    assert_eq!(version, 2, "accept on {case_no}: {case}");
                    let mut log = log.lock().unwrap();
                    if let Some(seen) = log.get_mut(&case_no) {
                        seen.versions.push((version, Instant::now()));
                    }
                }
                Ok((status, body)) if !stop.load(Ordering::Relaxed) => {
                    panic!("accept on {case_no} answered {status}: {body}")
                }
                Ok(_) | Err(_) => return, // the server is gone
            }
            done.insert(case_no);
        }
    }
}

fn check_restored(server: &Server, log: &BTreeMap<String, Seen>, began: Instant, m: &Value) {
    let admin = server.login("admin", None);
    let clerk = server.login(CLERK, Some(WINDOW));
    let mut listed = BTreeSet::new();
    for row in all_pages(server, "/api/v1/cases", &admin) {
        let case_no = row["case_no"].as_str().expect("case_no").to_owned();
        assert!(listed.insert(case_no.clone()), "{case_no} listed twice");
        assert!(
            log.contains_key(&case_no),
            "{case_no} is in the restore but was never acknowledged"
        );
    }
    assert_eq!(listed.len() as u64, m["cases"].as_u64().unwrap_or(0), "{m}");
    let mut files = 0;
    for (case_no, seen) in log {
        let before = seen
            .versions
            .iter()
            .filter(|(_, at)| *at < began)
            .map(|(v, _)| *v)
            .max();
        if !listed.contains(case_no) {
            assert!(
                before.is_none(),
                "{case_no}, acknowledged before the backup began, is not in the restore"
            );
            continue;
        }
        let case: Value = server
            .get(&format!("/api/v1/cases/{case_no}"))
            .bearer_auth(&admin)
            .send()
            .and_then(|r| r.json())
            .expect("case");
        let version = case["version"].as_u64().expect("version");
        assert!(
            seen.versions.iter().any(|(v, _)| *v == version),
            "{case_no}: version {version} was never acknowledged ({:?})",
            seen.versions
        );
        assert!(
            before.is_none_or(|b| version >= b),
            "{case_no}: version {version} is older than the {before:?} acknowledged before \
             the backup began"
        );
        let attached: Value = server
            .get(&format!("/api/v1/cases/{case_no}/attachments"))
            .bearer_auth(&clerk)
            .send()
            .and_then(|r| r.json())
            .expect("attachments");
        let attached = attached
            .as_array()
            .or_else(|| attached["items"].as_array())
            .cloned()
            .unwrap_or_default();
        match &seen.file {
            Some((bytes, at)) if *at < began || !attached.is_empty() => {
                assert_eq!(attached.len(), 1, "{case_no}: {attached:?}");
                let id = &attached[0]["id"];
                let got = server
                    .get(&format!("/api/v1/cases/{case_no}/attachments/{id}"))
                    .bearer_auth(&clerk)
                    .send()
                    .and_then(|r| r.bytes())
                    .expect("download");
                assert_eq!(
                    got.as_ref(),
                    bytes.as_slice(),
                    "{case_no}: the file differs"
                );
                files += 1;
            }
            _ => assert!(attached.is_empty(), "{case_no}: {attached:?}"),
        }
    }
    assert_eq!(files, m["attachments"].as_u64().unwrap_or(0), "{m}");
}

#[test]
fn two_processes_take_one_scheduled_backup_and_agree_on_its_age() {
    for backend in backend::all("two_processes_take_one_scheduled_backup") {
        let backups = tempfile::tempdir().expect("temp dir");
        let (mut args, _shared) = backend.shared_args();
        // 00:00 has passed today whenever the test runs, and nothing was backed up since:
        // due at start.
        args.extend(
            ["--sweep-every", "0", "--backup-at", "00:00", "--backup-to"].map(String::from),
        );
        args.push(backups.path().display().to_string());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let first = Server::start(&args);
        let second = Server::start(&args);
        let deadline = Instant::now() + Duration::from_secs(60);
        let ages = loop {
            let ages = [backup_age(&first), backup_age(&second)];
            if ages.iter().all(|a| a.is_some_and(f64::is_finite)) {
                break ages;
            }
            assert!(Instant::now() < deadline, "no backup in /metrics: {ages:?}");
            std::thread::sleep(Duration::from_millis(250));
        };
        let taken: Vec<PathBuf> = std::fs::read_dir(backups.path())
            .expect("backup dir")
            .map(|e| e.expect("entry").path())
            .collect();
        assert_eq!(taken.len(), 1, "{}: {taken:?}", backend.name());
        assert!(taken[0].join("manifest.json").is_file(), "{taken:?}");
        eprintln!(
            "{}: one scheduled backup, ages {ages:?} s at the two processes",
            backend.name()
        );
        // A minute later each process checks again: it is not due until tomorrow.
        drop((first, second));
    }
}

/// `tongban_backup_age_seconds` of a server's /metrics (`+Inf` before the first backup).
fn backup_age(server: &Server) -> Option<f64> {
    let text = server.get("/metrics").send().ok()?.text().ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("tongban_backup_age_seconds "))
        // The exposition format writes infinity as `+Inf`; the prometheus crate as `inf`.
        .and_then(|v| match v.trim() {
            "+Inf" | "inf" => Some(f64::INFINITY),
            v => v.parse().ok(),
        })
}

fn tongban(args: &[&str], backend_args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(args)
        .args(backend_args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run tongban")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn application(i: usize) -> Value {
    json!({
        "item_code": "GA-QR-01",
        "applicant": {"kind": "person", "name": format!("申请人{i}"), "id_number": format!("1101011990{i:08}")},
        "materials": [{"code": "hkb"}, {"code": "jsfz"}, {"code": "zp"}],
    })
}

/// A window intake: `Ok(case number)`, `Err(None)` when the server did not answer.
fn intake(
    http: &reqwest::blocking::Client,
    base: &str,
    token: &str,
    i: usize,
) -> Result<String, Option<String>> {
    let r = http
        .post(format!("{base}/api/v1/cases"))
        .bearer_auth(token)
        .header("Idempotency-Key", format!("drill-{i}"))
        .json(&application(i))
        .send()
        .map_err(|_| None)?;
    let status = r.status();
    let v: Value = r.json().map_err(|_| None)?;
    if status != 201 {
        return Err(Some(format!("intake {i}: {status}: {v}")));
    }
    Ok(v["case_no"].as_str().unwrap_or_default().to_owned())
}

/// A small PDF of its own for case `i`.
fn pdf(i: usize) -> Vec<u8> {
    let mut file = format!("%PDF-1.7\n% drill scan {i}\n").into_bytes();
    file.resize(8 * 1024 + i % 1000, b' ');
    file.extend_from_slice(b"\n%%EOF\n");
    file
}

fn upload(
    http: &reqwest::blocking::Client,
    base: &str,
    token: &str,
    case_no: &str,
    file: &[u8],
) -> Result<(), Option<String>> {
    let boundary = "dr1llb0undary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\nhkb\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hkb.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = http
        .post(format!("{base}/api/v1/cases/{case_no}/attachments"))
        .bearer_auth(token)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .map_err(|_| None)?;
    let status = r.status();
    let text = r.text().map_err(|_| None)?;
    if status != 201 {
        return Err(Some(format!("upload to {case_no}: {status}: {text}")));
    }
    Ok(())
}

/// Every item of a paginated list, page after page.
fn all_pages(server: &Server, path: &str, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let v: Value = server
            .get(&format!("{path}?per_page=500&page={page}"))
            .bearer_auth(token)
            .send()
            .and_then(|r| r.json())
            .expect("page");
        let rows = v["items"].as_array().cloned().unwrap_or_default();
        if rows.is_empty() {
            break;
        }
        out.extend(rows);
    }
    out
}
