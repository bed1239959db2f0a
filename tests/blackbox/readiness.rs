//! Readiness that tells the truth, and a log that does not flood, as an operator meets them:
//! a SQLite data directory on a small tmpfs that fills up, and a PostgreSQL server that goes
//! away (through a TCP relay this test cuts). While writes cannot succeed, `/readyz` answers
//! 503 with the reason, every write answers 503 and loses nothing acknowledged, and the log
//! holds a few lines, not one per request; once the disk has room (or the database is back)
//! readiness returns by itself.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::backend::{self, Backend};
use crate::harness::{client, Server};

const CLERK: &str = "clerk-a02";
const WINDOW: &str = "A02";
/// How long the flood of refused requests lasts: longer than one log interval (10 s).
const FLOOD: Duration = Duration::from_secs(13);

fn application(i: usize) -> Value {
    json!({
        "item_code": "GA-QR-01",
        "applicant": {"kind": "person", "name": format!("申请人{i}"), "id_number": format!("1101011990{i:08}")},
        "materials": [{"code": "hkb"}, {"code": "jsfz"}, {"code": "zp"}],
    })
}

/// One intake: `Ok(case_no)` when acknowledged, `Err(status)` otherwise.
fn intake(server: &Server, token: &str, i: usize) -> Result<String, u16> {
    let r = server
        .post("/api/v1/cases")
        .bearer_auth(token)
        .header("Idempotency-Key", format!("ready-{i}"))
        .json(&application(i))
        .send()
        .map_err(|_| 0u16)?;
    let status = r.status().as_u16();
    let v: Value = r.json().unwrap_or(Value::Null);
    if status == 201 {
        Ok(v["case_no"].as_str().unwrap_or_default().to_owned())
    } else {
        Err(status)
    }
}

fn readyz(server: &Server, lang: &str) -> (u16, Value) {
    let r = server
        .get("/readyz")
        .header("Accept-Language", lang)
        .send()
        .expect("readyz");
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

/// Polls `/readyz` until it answers `want` (30 s at most); returns the last body.
fn wait_ready(server: &Server, want: u16) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, body) = readyz(server, "en");
        if status == want {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "/readyz stayed {status} ({body}), expected {want}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Two clients send intakes for `FLOOD`, every one refused; returns how many were sent.
fn flood(server: &Server, token: &str) -> usize {
    let sent = AtomicUsize::new(0);
    let until = Instant::now() + FLOOD;
    std::thread::scope(|s| {
        for t in 0..2 {
            let sent = &sent;
            s.spawn(move || {
                let mut i = 1_000_000 * (t + 1);
                while Instant::now() < until {
                    i += 1;
                    let answer = intake(server, token, i);
                    assert_eq!(answer, Err(503), "a write while it cannot succeed");
                    sent.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    sent.into_inner()
}

/// The server's ERROR lines of the log written since `from` (a byte offset).
fn error_lines(log: &Path, from: usize) -> Vec<String> {
    let text = std::fs::read_to_string(log).expect("server log");
    text.get(from..)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("ERROR"))
        .map(str::to_owned)
        .collect()
}

fn log_len(log: &Path) -> usize {
    std::fs::metadata(log).map_or(0, |m| m.len() as usize)
}

/// The flood's log: a few lines a second at most, and (where every request failed at the
/// same store error) a count of what was refused.
fn check_log(log: &Path, from: usize, sent: usize, counted: bool) {
    // On SQLite every refusal is immediate; on a lost PostgreSQL a request may wait up to
    // the pool's 5 s for a connection before its 503.
    let least = if counted { 100 } else { 4 };
    // The summary of the flood's last interval comes when that interval ends.
    std::thread::sleep(Duration::from_secs(11));
    let lines = error_lines(log, from);
    let seconds = FLOOD.as_secs() as usize + 11;
    println!(
        "{sent} refused requests logged in {} ERROR lines over {seconds} s",
        lines.len()
    );
    for l in &lines {
        println!("  {l}");
    }
    assert!(sent >= least, "the flood sent {sent} requests");
    assert!(
        lines.len() <= 3 * seconds,
        "{} ERROR lines for {sent} requests:\n{}",
        lines.len(),
        lines.join("\n")
    );
    assert!(
        !counted
            || lines
                .iter()
                .any(|l| l.contains("requests refused in the last 10 s")),
        "no count of the refused requests:\n{}",
        lines.join("\n")
    );
}

fn metric(server: &Server, name_and_labels: &str) -> f64 {
    let text = server
        .get("/metrics")
        .send()
        .and_then(|r| r.text())
        .expect("metrics");
    text.lines()
        .find_map(|l| l.strip_prefix(name_and_labels))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0)
}

/// Every acknowledged case is there, once.
fn check_acknowledged(server: &Server, token: &str, acked: &[String]) {
    for case_no in acked {
        let r = server
            .get(&format!("/api/v1/cases/{case_no}"))
            .bearer_auth(token)
            .send()
            .expect("read case");
        assert_eq!(r.status(), 200, "acknowledged case {case_no}");
    }
}

/// A tmpfs of `size`, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = std::env::temp_dir().join(format!("tongban-tmpfs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmpfs(dir))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Fills the file system of `path` with a file there, to the last byte.
fn fill(path: &Path) {
    let mut f = std::fs::File::create(path).expect("ballast");
    let chunk = vec![0x5au8; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    for _ in 0..64 {
        if f.write_all(&[0x5a]).is_err() {
            break;
        }
    }
    let _ = f.sync_all();
}

#[test]
fn a_full_disk_is_not_ready_says_why_and_logs_a_count() {
    let Some(tmpfs) = Tmpfs::mount("24m") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must be able to mount a tmpfs for the full-disk test (run as root)"
        );
        let _ = std::io::stderr()
            .write_all(b"a_full_disk_is_not_ready: SKIPPED (cannot mount a tmpfs; run as root)\n");
        return;
    };
    let data = tempfile::tempdir_in(&tmpfs.0).expect("data dir on the tmpfs");
    let logs = tempfile::tempdir().expect("log dir");
    let log = logs.path().join("serve.log");
    let server = Server::start_logged(
        data,
        &["--demo"],
        std::fs::File::create(&log).expect("log file"),
    );
    let token = server.login(CLERK, Some(WINDOW));
    assert_eq!(readyz(&server, "en").0, 200, "ready on an empty disk");
    let mut acked = Vec::new();
    for i in 0..20 {
        acked.push(intake(&server, &token, i).expect("intake with room on the disk"));
    }

    // The disk fills up: the next writes fail, and the ones acknowledged stay.
    let ballast = tmpfs.0.join("ballast");
    fill(&ballast);
    let mut i = 20;
    let started = Instant::now();
    loop {
        match intake(&server, &token, i) {
            Ok(no) => acked.push(no),
            Err(503) => break,
            Err(other) => panic!("intake on a full disk answered {other}"),
        }
        i += 1;
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{} intakes acknowledged on a full disk",
            acked.len()
        );
    }
    let body = wait_ready(&server, 503);
    assert_eq!(body["reason"], "disk_full", "{body}");
    assert_eq!(body["code"], "not_ready", "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("disk is full"),
        "{body}"
    );
    let (_, zh) = readyz(&server, "zh-CN");
    assert!(
        zh["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("磁盘已满"),
        "{zh}"
    );

    let from = log_len(&log);
    let sent = flood(&server, &token);
    check_log(&log, from, sent, true);
    assert!(
        metric(&server, "tongban_write_failures_total{cause=\"disk_full\"}") >= sent as f64,
        "write failures by cause in /metrics"
    );
    assert_eq!(readyz(&server, "en").0, 503, "still full");

    // Space is freed: ready again by itself, and intakes are taken again.
    std::fs::remove_file(&ballast).expect("free the disk");
    wait_ready(&server, 200);
    acked.push(intake(&server, &token, i + 1).expect("intake once there is room"));
    check_acknowledged(&server, &token, &acked);
    println!("{} acknowledged intakes, all there", acked.len());
    drop(server);
    drop(tmpfs);
}

/// A TCP relay to the PostgreSQL server that the test can cut (every connection closed,
/// new ones refused) and restore.
struct Relay {
    port: u16,
    open: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn start(target: &str) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("relay port");
        let port = listener.local_addr().expect("relay addr").port();
        let open = Arc::new(AtomicBool::new(true));
        let conns = Arc::new(Mutex::new(Vec::new()));
        let (o, c, target) = (Arc::clone(&open), Arc::clone(&conns), target.to_owned());
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                if !o.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                if let Ok(mut list) = c.lock() {
                    list.extend(client.try_clone().ok());
                    list.extend(server.try_clone().ok());
                }
                pipe(client.try_clone(), server.try_clone());
                pipe(server.try_clone(), client.try_clone());
            }
        });
        Relay { port, open, conns }
    }

    fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        if let Ok(mut list) = self.conns.lock() {
            for s in list.drain(..) {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
    }

    fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

fn pipe(from: std::io::Result<TcpStream>, to: std::io::Result<TcpStream>) {
    let (Ok(mut from), Ok(mut to)) = (from, to) else {
        return;
    };
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 || to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Both);
    });
}

#[test]
fn a_lost_database_is_not_ready_says_why_and_logs_a_count() {
    let Some(Backend::Postgres(db)) = backend::postgres("a_lost_database_is_not_ready") else {
        return;
    };
    // The scratch database's URL, through the relay.
    let rest = db
        .url
        .split_once('@')
        .map(|(_, r)| r)
        .expect("URL with a host");
    let (host_port, name) = rest.split_once('/').expect("URL with a database");
    let user = db
        .url
        .split_once("://")
        .and_then(|(_, r)| r.split_once('@'))
        .map(|(u, _)| u);
    let relay = Relay::start(host_port);
    let url = format!(
        "postgres://{}@127.0.0.1:{}/{name}",
        user.unwrap_or("root"),
        relay.port
    );
    let logs = tempfile::tempdir().expect("log dir");
    let log = logs.path().join("serve.log");
    let server = Server::start_logged(
        tempfile::tempdir().expect("data dir"),
        &["--demo", "--database-url", &url],
        std::fs::File::create(&log).expect("log file"),
    );
    let token = server.login(CLERK, Some(WINDOW));
    let mut acked = Vec::new();
    for i in 0..20 {
        acked.push(intake(&server, &token, i).expect("intake"));
    }
    assert_eq!(readyz(&server, "en").0, 200);

    relay.cut();
    let body = wait_ready(&server, 503);
    assert_eq!(body["reason"], "database_unreachable", "{body}");
    let from = log_len(&log);
    // Most requests fail at their session check, which answers 503 without logging.
    let sent = flood(&server, &token);
    check_log(&log, from, sent, false);

    relay.restore();
    wait_ready(&server, 200);
    // The pool's connections broke with the relay; each is replaced as it is found broken.
    let deadline = Instant::now() + Duration::from_secs(30);
    let next = loop {
        match intake(&server, &token, 99) {
            Ok(no) => break no,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(200)),
            Err(s) => panic!("intake after the database came back answered {s}"),
        }
    };
    acked.push(next);
    let deadline = Instant::now() + Duration::from_secs(30);
    while client()
        .get(server.url(&format!("/api/v1/cases/{}", acked[0])))
        .bearer_auth(&token)
        .send()
        .map_or(true, |r| r.status() != 200)
    {
        assert!(Instant::now() < deadline, "reads never came back");
        std::thread::sleep(Duration::from_millis(200));
    }
    check_acknowledged(&server, &token, &acked);
}
