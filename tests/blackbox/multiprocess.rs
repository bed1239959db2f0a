//! Every process on one database behaves as one service: two `serve` processes (and a
//! `supervise`) on one PostgreSQL database, and two `serve` on one SQLite file, each with its
//! own data directory. What the administrator changes at one process holds at the other at
//! once, without a restart: a token, a new window with its grant and clerk, a new item version,
//! a corrected calendar year, a revoked grant and a rotated signing key. An overdue case's
//! alert is raised once with every process sweeping. Then the same flow behind HAProxy, round
//! robin over both processes.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::RequestBuilder;
use reqwest::Method;
use serde_json::{json, Value};

use crate::backend::{self, Backend};
use crate::calendar::year_2026_without_national_day;
use crate::harness::{client, Server, DEMO_PASSWORD};
use crate::keys::kid;

/// The test clock's default start: Monday 2026-03-02 09:00 in Shanghai.
const DAY0: &str = "2026-03-02T09:00:00+08:00";
/// 25 days later: past GA-QR-01's promised limit (20 natural days), before its legal
/// one (60).
const DAY25: &str = "2026-03-27T09:00:00+08:00";

/// One address the flow talks to: a process, or the load balancer in front of both.
struct At {
    base: String,
    name: &'static str,
}

impl At {
    fn of(server: &Server, name: &'static str) -> At {
        At {
            base: server.base.clone(),
            name,
        }
    }

    fn req(&self, method: Method, path: &str) -> RequestBuilder {
        client().request(method, format!("{}{path}", self.base))
    }

    fn login(&self, username: &str, password: &str, window: Option<&str>) -> String {
        let mut body = json!({"username": username, "password": password});
        if let Some(w) = window {
            body["window"] = w.into();
        }
        let (status, v) = send(self.req(Method::POST, "/api/v1/auth/token").json(&body));
        assert_eq!(status, 200, "sign-in of {username} at {}: {v}", self.name);
        v["access_token"].as_str().expect("access_token").to_owned()
    }

    fn admin(&self) -> String {
        self.login("admin", DEMO_PASSWORD, None)
    }

    /// GET/POST/PUT/DELETE as the holder of `token`; (status, JSON body or Null).
    fn call(&self, token: &str, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut req = self.req(method, path).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(b);
        }
        send(req)
    }

    fn ok(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        want: u16,
    ) -> Value {
        let (status, v) = self.call(token, method.clone(), path, body);
        assert_eq!(status, want, "{method} {path} at {}: {v}", self.name);
        v
    }
}

fn send(req: RequestBuilder) -> (u16, Value) {
    let res = req.send().expect("request");
    let status = res.status().as_u16();
    let text = res.text().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A token works at `at` (a read every signed-in role may do).
fn accepted(at: &At, token: &str, what: &str) {
    let (status, v) = at.call(token, Method::GET, "/api/v1/cases", None);
    assert_eq!(status, 200, "{what} at {}: {v}", at.name);
}

fn application(n: usize) -> Value {
    json!({
        "item_code": "GA-QR-01",
        "applicant": {"kind": "person", "name": format!("申请人{n}"), "id_number": format!("1101011990{n:08}")},
        "materials": [{"code": "hkb"}, {"code": "jsfz"}, {"code": "zp"}],
    })
}

fn intake(at: &At, clerk: &str, key: &str, n: usize) -> (u16, Value) {
    send(
        at.req(Method::POST, "/api/v1/cases")
            .bearer_auth(clerk)
            .header("Idempotency-Key", key)
            .json(&application(n)),
    )
}

/// Accepts at the window, naming the version just read. On PostgreSQL a `supervise` sweeps on
/// the system clock, for which the flow's test-clock cases are long past their acceptance
/// period: it may accept one by operation of law (art. 32) at any moment, and the clerk then
/// records that acceptance. A write between the read and the action is retried, as any
/// client of `If-Match` does.
fn accept(at: &At, clerk: &str, case_no: &str) -> (u16, Value) {
    let mut answer = (0, Value::Null);
    for _ in 0..3 {
        let (status, case) = send(
            at.req(Method::GET, &format!("/api/v1/cases/{case_no}"))
                .bearer_auth(clerk),
        );
        let version = match (status, case["version"].as_u64()) {
            (200, Some(v)) => v,
            _ => 1, // not readable now (a revoked grant): the action answers why
        };
        answer = send(
            at.req(Method::POST, &format!("/api/v1/cases/{case_no}/accept"))
                .bearer_auth(clerk)
                .header("If-Match", version.to_string())
                .json(&json!({})),
        );
        if answer.0 != 412 {
            break;
        }
    }
    answer
}

fn due(at: &At, query: &str) -> String {
    let (status, v) = send(at.req(Method::GET, &format!("/api/v1/calendar/due?{query}")));
    assert_eq!(status, 200, "due at {}: {v}", at.name);
    v["due"].as_str().unwrap_or_default().to_owned()
}

/// `tongban supervise` on the database, sweeping every second on the system clock; its log
/// is kept to check that no sweep skipped a case.
struct Supervise {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl Supervise {
    fn start(db: &[String]) -> Supervise {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_tongban"))
            .arg("supervise")
            .args(db)
            .arg("--data-dir")
            .arg(dir.path())
            .args(["--sweep-every", "1"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tongban supervise");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("stderr");
        let lines = log.clone();
        std::thread::spawn(move || {
            let _dir = dir;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                println!("[supervise] {line}");
                lines.lock().unwrap().push(line);
            }
        });
        Supervise { child, log }
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Supervise {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `tongban <args> <db>`, which must succeed; its stdout.
fn tongban(args: &[&str], db: &[String]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(args)
        .args(db)
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .expect("run tongban");
    assert!(
        out.status.success(),
        "tongban {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// (stage/rule, level) → how many alerts the case has.
fn alerts_of(at: &At, token: &str, case_no: &str) -> BTreeMap<(String, String), usize> {
    let page = at.ok(
        token,
        Method::GET,
        &format!("/api/v1/supervision/alerts?case_no={case_no}&per_page=500"),
        None,
        200,
    );
    crate::alerts::tally(&page)
}

/// Two `serve` processes on one database, each with its own data directory and test clock.
struct Pair {
    a: Server,
    b: Server,
    /// The database flags every process of the pair gets.
    db: Vec<String>,
    /// The SQLite file's directory, when the pair shares one.
    _shared: Option<tempfile::TempDir>,
}

impl Pair {
    fn start(backend: &Backend) -> Pair {
        let (db, shared) = backend.shared_args();
        let mut args = db.clone();
        // The built-in schedulers off: the flow sweeps by hand (and `supervise` on schedule).
        args.extend(["--demo", "--test-clock", "--sweep-every", "0"].map(String::from));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let a = Server::start(&args);
        let b = Server::start(&args);
        Pair {
            a,
            b,
            db,
            _shared: shared,
        }
    }

    /// Each process has its own test clock: both are set.
    fn set_clocks(&self, now: &str) {
        self.a.set_clock(now);
        self.b.set_clock(now);
    }
}

#[test]
fn every_process_on_one_database_agrees() {
    for backend in backend::all("every_process_on_one_database_agrees") {
        eprintln!("backend: {}", backend.name());
        let pair = Pair::start(&backend);
        // A `supervise` of its own on PostgreSQL, sweeping on schedule all along.
        let supervise = matches!(backend, Backend::Postgres(_)).then(|| Supervise::start(&pair.db));
        flow(
            &pair,
            &At::of(&pair.a, "A"),
            &At::of(&pair.b, "B"),
            supervise.as_ref(),
            "direct",
        );
    }
}

/// The administrator changes things at `a`; each change holds at `b` at once.
fn flow(pair: &Pair, a: &At, b: &At, supervise: Option<&Supervise>, run: &str) {
    pair.set_clocks(DAY0);

    // Tokens signed by either process verify at both.
    let admin_a = a.admin();
    let admin_b = b.admin();
    accepted(b, &admin_a, "a token signed at A");
    accepted(a, &admin_b, "a token signed at B");

    // A window, its grant and a clerk assigned to it, made at A, serve at B.
    let window = if run == "lb" { "M02" } else { "M01" };
    a.ok(
        &admin_a,
        Method::POST,
        "/api/v1/windows",
        Some(&json!({"code": window, "name": "多实例测试窗口", "kind": "department", "departments": ["gaj"]})),
        201,
    );
    let grant = a.ok(
        &admin_a,
        Method::POST,
        &format!("/api/v1/windows/{window}/grants"),
        Some(&json!({"department": "gaj", "actions": ["consult", "accept"], "valid_from": "2026-01-01",
                     "granted_by": "县政务服务中心", "document_no": format!("县政务办授〔2026〕{run}号")})),
        201,
    );
    let grant_id = grant["id"].as_i64().expect("grant id");
    let clerk = format!("clerk-multi-{run}");
    let password = "multi-pass-1";
    a.ok(
        &admin_a,
        Method::POST,
        "/api/v1/users",
        Some(
            &json!({"username": clerk, "password": password, "roles": ["clerk"],
                     "department": "gaj", "windows": [window]}),
        ),
        201,
    );
    let clerk_b = b.login(&clerk, password, Some(window));
    let (status, first) = intake(b, &clerk_b, &format!("{run}-first"), 1);
    assert_eq!(status, 201, "intake at the new window at B: {first}");
    let first_no = first["case_no"].as_str().expect("case_no").to_owned();
    assert_eq!(accept(b, &clerk_b, &first_no).0, 200, "accept at B");

    // A new item version published at A: a case taken under it at A is accepted at B.
    let v1 = a.ok(&admin_a, Method::GET, "/api/v1/items/GA-QR-01", None, 200);
    let mut v2 = v1.clone();
    v2["name"] = "居民身份证换领（多实例）".into();
    let stored = a.ok(
        &admin_a,
        Method::PUT,
        "/api/v1/items/GA-QR-01",
        Some(&v2),
        200,
    );
    let version = stored["version"].as_i64().expect("version");
    assert!(version >= 2, "{stored}");
    let now_b = b.ok(&admin_b, Method::GET, "/api/v1/items/GA-QR-01", None, 200);
    assert_eq!(
        now_b["version"], version,
        "B serves the new version: {now_b}"
    );
    let clerk_a = a.login(&clerk, password, Some(window));
    let (status, newer) = intake(a, &clerk_a, &format!("{run}-newer"), 2);
    assert_eq!(status, 201, "intake under the new version at A: {newer}");
    let newer_no = newer["case_no"].as_str().expect("case_no").to_owned();
    let (status, accepted_b) = accept(b, &clerk_b, &newer_no);
    assert_eq!(
        status, 200,
        "a new-version case accepted at B: {accepted_b}"
    );
    assert_eq!(
        accepted_b["item_version"], version,
        "the case is under the new version: {accepted_b}"
    );

    // A calendar year corrected at A changes the due dates B computes.
    let query = "from=2026-09-30&working_days=1";
    assert_eq!(due(b, query), "2026-10-08", "National Day as shipped");
    a.ok(
        &admin_a,
        Method::PUT,
        "/api/v1/calendar/years/2026",
        Some(&year_2026_without_national_day()),
        200,
    );
    assert_eq!(
        due(b, query),
        "2026-10-01",
        "B counts on the corrected year"
    );

    // A grant revoked at A stops the next action at B.
    let (status, pending) = intake(b, &clerk_b, &format!("{run}-pending"), 3);
    assert_eq!(status, 201, "intake before the revocation: {pending}");
    let pending_no = pending["case_no"].as_str().expect("case_no").to_owned();
    a.ok(
        &admin_a,
        Method::DELETE,
        &format!("/api/v1/windows/{window}/grants/{grant_id}"),
        Some(&json!({"document_no": "县政务办〔2026〕撤字2号", "reason": "窗口职能调整"})),
        204,
    );
    let (status, refused) = accept(b, &clerk_b, &pending_no);
    if status != 403 {
        // What wrote the case in between, for the report.
        let (_, events) = a.call(
            &admin_a,
            Method::GET,
            &format!("/api/v1/cases/{pending_no}/events"),
            None,
        );
        panic!("accept at B after the revocation: {status} {refused}; events: {events}");
    }
    assert_eq!(refused["code"], "grant_revoked", "{refused}");
    let (status, refused) = intake(b, &clerk_b, &format!("{run}-late"), 4);
    assert_eq!(status, 403, "intake at B after the revocation: {refused}");
    assert_eq!(refused["code"], "grant_revoked", "{refused}");

    // A rotated key: old tokens still verify everywhere, new ones of either verify at both.
    let out = tongban(&["keys", "rotate"], &pair.db);
    assert!(out.contains("rotated"), "{out}");
    accepted(b, &admin_a, "an old token at B after the rotation");
    accepted(a, &admin_b, "an old token at A after the rotation");
    let rotated_a = a.admin();
    let rotated_b = b.admin();
    assert_ne!(kid(&rotated_a), kid(&admin_a), "A signs with the new key");
    assert_eq!(kid(&rotated_a), kid(&rotated_b), "both sign with one key");
    accepted(b, &rotated_a, "a new token signed at A");
    accepted(a, &rotated_b, "a new token signed at B");

    // Overdue: every process sweeps, each alert of the new-version case is raised once.
    pair.set_clocks(DAY25);
    if let Some(s) = supervise {
        // Its scheduler has swept on the system clock all along; one more pass by hand.
        let out = tongban(&["supervise", "--once"], &pair.db);
        assert!(out.contains("swept"), "{out}");
        let skipped: Vec<String> = s
            .log()
            .into_iter()
            .filter(|l| l.contains("not in the catalogue"))
            .collect();
        assert!(skipped.is_empty(), "supervise skipped cases: {skipped:?}");
    }
    for at in [a, b, a, b] {
        let admin = at.admin();
        at.ok(
            &admin,
            Method::POST,
            "/api/v1/admin/supervision/sweep",
            None,
            200,
        );
    }
    let supervisor = b.login("supervisor", DEMO_PASSWORD, None);
    for case_no in [&first_no, &newer_no] {
        let alerts = alerts_of(b, &supervisor, case_no);
        eprintln!("{run}: alerts of {case_no}: {alerts:?}");
        let red = ("-/promised_deadline".to_owned(), "red".to_owned());
        assert_eq!(alerts.get(&red), Some(&1), "{case_no}: {alerts:?}");
        assert!(
            alerts.values().all(|n| *n == 1),
            "{case_no}: an alert twice: {alerts:?}"
        );
        assert_eq!(
            alerts_of(a, &supervisor, case_no),
            alerts,
            "A sees the same"
        );
    }
}

/// HAProxy from the system, or `None` (saying so) when it is not installed; under `CI` a
/// missing HAProxy fails the test instead.
fn haproxy_binary() -> Option<String> {
    let found = [
        "/usr/sbin/haproxy",
        "/usr/bin/haproxy",
        "/usr/local/sbin/haproxy",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists())
    .map(str::to_owned);
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but HAProxy is not installed (apt-get install haproxy)"
        );
        let _ = std::io::stderr().write_all(
            b"every_process_behind_a_load_balancer: SKIPPED (install haproxy to run it)\n",
        );
    }
    found
}

/// HAProxy on a free port, round robin over both processes; each answer names its process.
struct Balancer {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Balancer {
    fn start(binary: &str, pair: &Pair) -> Balancer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let server = |name: &str, s: &Server| {
            format!(
                "    server {name} {}\n",
                s.base.trim_start_matches("http://")
            )
        };
        let config = format!(
            "global\n    maxconn 256\n\
             defaults\n    mode http\n    timeout connect 5s\n    timeout client 60s\n    timeout server 60s\n\
             frontend front\n    bind 127.0.0.1:{port}\n    default_backend tongban\n\
             backend tongban\n    balance roundrobin\n    http-response set-header X-Tongban-Server %s\n{}{}",
            server("A", &pair.a),
            server("B", &pair.b),
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("haproxy.cfg");
        std::fs::write(&path, config).expect("haproxy.cfg");
        let child = Command::new(binary)
            .arg("-db")
            .arg("-f")
            .arg(&path)
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start haproxy");
        let balancer = Balancer {
            child,
            base: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while client()
            .get(format!("{}/healthz", balancer.base))
            .send()
            .map_or(true, |r| !r.status().is_success())
        {
            assert!(Instant::now() < deadline, "HAProxy did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        balancer
    }

    /// Which processes answered `n` requests in a row.
    fn servers_seen(&self, n: usize) -> std::collections::BTreeSet<String> {
        (0..n)
            .filter_map(|_| {
                let res = client().get(format!("{}/healthz", self.base)).send().ok()?;
                let name = res.headers().get("x-tongban-server")?.to_str().ok()?;
                Some(name.to_owned())
            })
            .collect()
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn every_process_behind_a_load_balancer() {
    let Some(binary) = haproxy_binary() else {
        return;
    };
    for backend in backend::all("every_process_behind_a_load_balancer") {
        eprintln!("backend: {}", backend.name());
        let pair = Pair::start(&backend);
        let balancer = Balancer::start(&binary, &pair);
        let seen = balancer.servers_seen(4);
        assert_eq!(
            seen.len(),
            2,
            "round robin reaches both processes: {seen:?}"
        );
        // Every request of the flow goes to whichever process is next.
        let lb = || At {
            base: balancer.base.clone(),
            name: "the load balancer",
        };
        flow(&pair, &lb(), &lb(), None, "lb");
    }
}
