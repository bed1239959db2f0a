//! Only who may, and only now (domain.md "Who may see and do what"): every kind of change to
//! an account or a session stops its tokens at the next request, checked at a second process
//! on the same database; a clerk reads only what their window's grants cover; uploads need
//! the right to act; the password policy and case-insensitive usernames hold.

use reqwest::blocking::RequestBuilder;
use serde_json::{json, Value};

use crate::backend::{self, Backend};
use crate::harness::{Server, DEMO_PASSWORD};

/// Two `serve` processes on one database, each with its own data directory; with the
/// database flags, and the shared SQLite file's directory.
fn pair(backend: &Backend) -> (Server, Server, Vec<String>, Option<tempfile::TempDir>) {
    let (db, shared) = backend.shared_args();
    let mut args = db.clone();
    args.extend(["--demo", "--test-clock", "--sweep-every", "0"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let a = Server::start(&args);
    let b = Server::start(&args);
    (a, b, db, shared)
}

fn status(req: RequestBuilder) -> (u16, Value) {
    let res = req.send().expect("request");
    let status = res.status().as_u16();
    (status, res.json().unwrap_or(Value::Null))
}

/// What a token may do now at `server`: the status of reading the caller's own work queue.
fn works(server: &Server, token: &str) -> (u16, Value) {
    status(server.get("/api/v1/cases?per_page=1").bearer_auth(token))
}

fn sign_in(server: &Server, user: &str, password: &str, window: Option<&str>) -> (u16, Value) {
    let mut body = json!({"username": user, "password": password});
    if let Some(w) = window {
        body["window"] = w.into();
    }
    status(server.post("/api/v1/auth/token").json(&body))
}

fn patch(server: &Server, admin: &str, user: &str, body: Value) -> (u16, Value) {
    status(
        crate::harness::client()
            .patch(server.url(&format!("/api/v1/users/{user}")))
            .bearer_auth(admin)
            .json(&body),
    )
}

fn login_as(server: &Server, user: &str, password: &str) -> String {
    let (s, body) = sign_in(server, user, password, None);
    assert_eq!(s, 200, "sign-in of {user}: {body}");
    body["access_token"].as_str().expect("token").to_owned()
}

fn assert_refused(server: &Server, token: &str, code: &str, what: &str) {
    let (s, body) = works(server, token);
    assert_eq!(s, 401, "{what}: {body}");
    assert_eq!(body["code"], code, "{what}: {body}");
}

#[test]
fn no_token_outlives_what_its_holder_may_do() {
    for backend in backend::all("no_token_outlives_what_its_holder_may_do") {
        eprintln!("backend: {}", backend.name());
        let (a, b, db, _shared) = pair(&backend);
        revocation(&a, &b, &db);
    }
}

fn revocation(a: &Server, b: &Server, db: &[String]) {
    let admin = a.login("admin", None);
    // Sign-out at A ends the token at B.
    let t = a.login("approver-gaj", None);
    assert_eq!(works(b, &t).0, 200);
    assert_eq!(status(a.post("/api/v1/auth/logout").bearer_auth(&t)).0, 204);
    assert_refused(b, &t, "session_ended", "after sign-out");

    // A password change keeps the session it was made in and ends the others.
    let (here, there) = (a.login("head-gaj", None), b.login("head-gaj", None));
    let new_password = "换个更长的口令-2026";
    let (s, body) = status(
        a.post("/api/v1/auth/password")
            .bearer_auth(&here)
            .json(&json!({"current_password": DEMO_PASSWORD, "new_password": "password123"})),
    );
    assert_eq!(s, 422, "a common password: {body}");
    let (s, body) = status(
        a.post("/api/v1/auth/password")
            .bearer_auth(&here)
            .json(&json!({"current_password": DEMO_PASSWORD, "new_password": new_password})),
    );
    assert_eq!(s, 204, "{body}");
    assert_eq!(works(b, &here).0, 200, "the session it was changed in");
    assert_refused(
        b,
        &there,
        "session_ended",
        "another session after a password change",
    );
    assert_eq!(sign_in(b, "head-gaj", DEMO_PASSWORD, None).0, 401);
    assert_eq!(sign_in(b, "head-gaj", new_password, None).0, 200);

    // Deactivation: the old token of a deactivated admin creates nothing.
    let (s, _) = status(a.post("/api/v1/users").bearer_auth(&admin).json(&json!({
        "username": "second-admin", "password": "一个够长的密码abc", "roles": ["admin"]
    })));
    assert_eq!(s, 201);
    let second = login_as(b, "second-admin", "一个够长的密码abc");
    let (s, body) = patch(a, &admin, "second-admin", json!({"active": false}));
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["active"], false);
    let (s, body) = status(b.post("/api/v1/users").bearer_auth(&second).json(&json!({
        "username": "sneaky-admin", "password": "一个够长的密码abc", "roles": ["admin"]
    })));
    assert_eq!(s, 401, "a deactivated admin's token: {body}");
    assert_eq!(
        body["code"], "session_ended",
        "deactivation ends the sessions: {body}"
    );
    assert_eq!(sign_in(b, "second-admin", "一个够长的密码abc", None).0, 401);

    // Demotion, and a clerk taken off their window.
    let approver = b.login("approver-mzj", None);
    let (s, _) = patch(
        a,
        &admin,
        "approver-mzj",
        json!({"roles": ["applicant"], "department": null}),
    );
    assert_eq!(s, 200);
    assert_refused(b, &approver, "account_changed", "after a demotion");
    let clerk = b.login("clerk-a06", Some("A06"));
    assert_eq!(works(b, &clerk).0, 200);
    let (s, _) = patch(a, &admin, "clerk-a06", json!({"windows": []}));
    assert_eq!(s, 200);
    assert_refused(b, &clerk, "account_changed", "a clerk off their window");

    // An administrator's reset ends every session of the user.
    let reset = b.login("approver-zwb", None);
    let (s, body) = status(
        a.post("/api/v1/users/approver-zwb/password")
            .bearer_auth(&admin)
            .json(&json!({"password": "重置后的临时密码-01"})),
    );
    assert_eq!(s, 204, "{body}");
    assert_refused(b, &reset, "session_ended", "after a reset");
    // The reset password only serves to set one the user alone knows, at any process.
    let (s, body) = sign_in(b, "approver-zwb", "重置后的临时密码-01", None);
    assert_eq!(
        (s, &body["password_change_required"]),
        (200, &json!(true)),
        "{body}"
    );
    let temporary = body["access_token"].as_str().expect("token").to_owned();
    let (s, body) = works(a, &temporary);
    assert_eq!(
        (s, &body["code"]),
        (403, &json!("password_change_required")),
        "{body}"
    );
    let (s, body) = status(
        a.post("/api/v1/auth/password")
            .bearer_auth(&temporary)
            .json(&json!({"current_password": "重置后的临时密码-01", "new_password": "只有本人知道的密码-7"})),
    );
    assert_eq!(s, 204, "{body}");
    assert_eq!(works(b, &temporary).0, 200, "changed: the session goes on");
    let (_, body) = sign_in(a, "approver-zwb", "只有本人知道的密码-7", None);
    assert_eq!(body["password_change_required"], json!(false), "{body}");

    // Failed passwords count at every process: guessing at A and B is slowed down as one.
    for (i, at) in [a, b, a, b, a, b].into_iter().enumerate() {
        let (s, body) = sign_in(at, "approver-gaj", "guess-number-one", None);
        assert_eq!(s, 401, "guess {i}: {body}");
    }
    let (s, body) = sign_in(a, "approver-gaj", "guess-number-one", None);
    assert_eq!(
        (s, &body["code"]),
        (429, &json!("sign_in_throttled")),
        "{body}"
    );
    let (s, body) = sign_in(b, "approver-gaj", "guess-number-one", None);
    assert_eq!(
        (s, &body["code"]),
        (429, &json!("sign_in_throttled")),
        "at the other process too: {body}"
    );

    // The operator's emergency stop: every session ends, in every process.
    let everyone = [
        b.login("supervisor", None),
        a.login("clerk-a02", Some("A02")),
    ];
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(["keys", "rotate", "--end-sessions", "--data-dir"])
        .arg(a.data_dir.path())
        .args(db)
        .output()
        .expect("keys rotate");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.contains("ended"), "{said}");
    for t in everyone.iter().chain([&admin]) {
        assert_refused(b, t, "session_ended", "after the emergency stop");
    }
}

#[test]
fn clerks_read_only_what_their_grants_cover() {
    for backend in backend::all("clerks_read_only_what_their_grants_cover") {
        eprintln!("backend: {}", backend.name());
        let server = Server::start_on(&backend, &["--demo", "--test-clock", "--sweep-every", "0"]);
        read_scope(&server);
    }
}

/// An application for `item` with every material.
fn application_of(server: &Server, item: &str) -> Value {
    let it: Value = server
        .get(&format!("/api/v1/items/{item}"))
        .send()
        .expect("item")
        .json()
        .expect("item json");
    let materials: Vec<Value> = it["materials"]
        .as_array()
        .expect("materials")
        .iter()
        .map(|m| json!({"code": m["code"], "copies": m["copies"].as_u64().unwrap_or(1)}))
        .collect();
    json!({
        "item_code": item,
        "applicant": {"kind": "person", "name": "郑十", "id_number": "110101199001014444"},
        "materials": materials,
    })
}

fn intake(server: &Server, token: &str, item: &str, key: &str) -> String {
    let (s, body) = status(
        server
            .post("/api/v1/cases")
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&application_of(server, item)),
    );
    assert_eq!(s, 201, "intake of {item}: {body}");
    body["case_no"].as_str().expect("case_no").to_owned()
}

fn reads(server: &Server, token: &str, no: &str) -> u16 {
    status(
        server
            .get(&format!("/api/v1/cases/{no}"))
            .bearer_auth(token),
    )
    .0
}

fn read_scope(server: &Server) {
    // Monday 03-02: a marriage registration at A06, an online teacher-qualification case.
    let a06 = server.login("clerk-a06", Some("A06"));
    let marriage = intake(server, &a06, "MZ-QR-01", "scope-marriage");
    let applicant = server.login("applicant", None);
    let online = intake(server, &applicant, "JY-XK-02", "scope-online");
    let z01 = server.login("clerk-z01", Some("Z01"));
    let z02 = server.login("clerk-z02", Some("Z02"));
    let f01 = server.login("clerk-f01", Some("F01"));
    let staff = |u: &str| server.login(u, None);
    for (who, token, no, expected) in [
        ("A06, which took it", &a06, &marriage, 200),
        (
            "Z01: grants for other 民政 items only",
            &z01,
            &marriage,
            404,
        ),
        ("Z02: deliver-only, not for 民政", &z02, &marriage, 404),
        ("F01: not its department", &f01, &marriage, 404),
        ("the 民政 approver", &staff("approver-mzj"), &marriage, 200),
        (
            "another department's approver",
            &staff("approver-gaj"),
            &marriage,
            404,
        ),
        ("the supervisor", &staff("supervisor"), &marriage, 200),
        ("its applicant", &applicant, &online, 200),
        ("Z02 delivers 教育 results", &z02, &online, 200),
        ("F01 on Monday (卫健 day)", &f01, &online, 404),
        ("A06", &a06, &online, 404),
    ] {
        assert_eq!(reads(server, token, no), expected, "{who} reading {no}");
    }
    // The same 404 for the files and the printed receipt.
    let (s, _) = status(
        server
            .get(&format!("/api/v1/cases/{marriage}/attachments"))
            .bearer_auth(&z01),
    );
    assert_eq!(s, 404, "files beyond the grant");
    // Tuesday is 教育 day at F01: it reads and may add the application's files.
    server.set_clock("2026-03-03T09:00:00+08:00");
    let f01 = server.login("clerk-f01", Some("F01"));
    assert_eq!(reads(server, &f01, &online), 200, "F01 on Tuesday");
    let z02 = server.login("clerk-z02", Some("Z02"));
    let upload = |token: &str| {
        let boundary = "b0undary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\nsfz\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"sfz.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(b"%PDF-1.7\n% sfz\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        server
            .post(&format!("/api/v1/cases/{online}/attachments"))
            .bearer_auth(token)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .expect("upload")
            .status()
            .as_u16()
    };
    assert_eq!(upload(&z02), 403, "a deliver-only window adds no files");
    assert_eq!(upload(&f01), 201, "the window with the accept grant");
    // A revoked grant reads nothing more: Z01's 民政 item grant.
    let admin = server.login("admin", None);
    let grants: Value = server
        .get("/api/v1/windows/Z01/grants")
        .bearer_auth(&admin)
        .send()
        .expect("grants")
        .json()
        .expect("grants json");
    let list = grants
        .as_array()
        .or_else(|| grants["items"].as_array())
        .expect("grants");
    let mz = list
        .iter()
        .find(|g| g.to_string().contains("MZ-GF-01"))
        .expect("Z01's 民政 grant");
    let benefit = intake(server, &applicant_at(server), "MZ-GF-01", "scope-benefit");
    let z01 = server.login("clerk-z01", Some("Z01"));
    assert_eq!(reads(server, &z01, &benefit), 200, "granted");
    let id = mz["id"].as_i64().expect("grant id");
    let res = server
        .delete(&format!("/api/v1/windows/Z01/grants/{id}"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({"document_no": "县政务办〔2026〕撤字1号", "reason": "窗口职能调整"}))
        .send()
        .expect("revoke");
    assert_eq!(res.status(), 204);
    assert_eq!(reads(server, &z01, &benefit), 404, "after the revocation");
}

fn applicant_at(server: &Server) -> String {
    server.login("applicant", None)
}

#[test]
fn passwords_and_usernames_keep_to_the_policy() {
    let server = Server::start(&["--demo", "--test-clock"]);
    for (password, why) in [
        ("12345678", "too short"),
        ("password", "too short and common"),
        ("        ", "spaces"),
        ("1234567890", "common"),
        ("policy-user", "the username"),
    ] {
        let (s, body) = status(server.post("/api/v1/auth/register").json(&json!({
            "username": "policy-user", "password": password, "name": "钱一"
        })));
        assert_eq!(s, 422, "{why}: {body}");
    }
    let (s, body) = status(server.post("/api/v1/auth/register").json(&json!({
        "username": "Admin", "password": "一个够长的密码abc", "name": "冒名"
    })));
    assert_eq!(s, 409, "`Admin` beside `admin`: {body}");
    let (s, _) = status(server.post("/api/v1/auth/register").json(&json!({
        "username": "policy-user", "password": "一个够长的密码abc", "name": "钱一"
    })));
    assert_eq!(s, 201);
}

#[test]
fn password_guessing_is_slowed_down_and_ends() {
    let server = Server::start(&["--demo", "--test-clock"]);
    for i in 0..5 {
        let (s, body) = sign_in(&server, "supervisor", "wrong-password-123", None);
        assert_eq!(s, 401, "try {i}: {body}");
    }
    // An unknown user answers like a known one with a wrong password.
    let (s, body) = sign_in(&server, "no-such-user", "wrong-password-123", None);
    assert_eq!(
        (s, &body["code"]),
        (401, &json!("invalid_credentials")),
        "{body}"
    );
    let (s, _) = sign_in(&server, "supervisor", "wrong-password-123", None);
    assert_eq!(s, 401, "the sixth wrong try is answered, then delays start");
    let res = server
        .post("/api/v1/auth/token")
        .json(&json!({"username": "supervisor", "password": DEMO_PASSWORD}))
        .send()
        .expect("token");
    assert_eq!(res.status(), 429, "even the right password waits its turn");
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=900).contains(&wait), "{wait}");
    // The delay ends: after it, the right password signs in and clears the record.
    server.set_clock("2026-03-02T09:20:00+08:00");
    let (s, body) = sign_in(&server, "supervisor", DEMO_PASSWORD, None);
    assert_eq!(s, 200, "{body}");
}

#[test]
fn control_characters_are_a_clear_4xx_on_both_backends() {
    for backend in backend::all("control_characters_are_a_clear_4xx_on_both_backends") {
        eprintln!("backend: {}", backend.name());
        let server = Server::start_on(&backend, &["--demo", "--test-clock"]);
        let (s, body) = status(
            server
                .post("/api/v1/auth/token")
                .json(&json!({"username": "adm\u{0}in", "password": DEMO_PASSWORD})),
        );
        assert_eq!(
            (s, &body["code"]),
            (422, &json!("validation_failed")),
            "{body}"
        );
        assert_eq!(body["errors"][0]["field"], "username", "{body}");
        let res = server
            .post("/staff/login")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("username=adm%00in&password=x&window=")
            .send()
            .expect("form");
        assert_eq!(res.status(), 400, "a form with NUL");
        let (s, _) = status(server.get("/api/v1/items?q=a%00b"));
        assert_eq!(s, 400, "a query with NUL");
        let (s, body) = status(
            server
                .post("/api/v1/auth/register")
                .header("Accept-Language", "en")
                .json(&json!({"username": "nul-user", "password": "一个够长的密码abc", "name": "a\u{1b}[31m"})),
        );
        assert_eq!(s, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "name", "{body}");
        assert!(body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("control character"));
        // Nothing was stored, and the server still answers.
        assert_eq!(
            sign_in(&server, "nul-user", "一个够长的密码abc", None).0,
            401
        );
    }
}

#[test]
fn answers_carry_the_protective_headers() {
    let server = Server::start(&["--demo", "--test-clock"]);
    let token = server.login("supervisor", None);
    let res = server
        .get("/api/v1/cases?per_page=1")
        .bearer_auth(&token)
        .send()
        .expect("cases");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let docs = server.get("/api/docs/").send().expect("docs");
    let csp = docs.headers()["content-security-policy"]
        .to_str()
        .unwrap_or_default();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(docs.headers()["x-frame-options"], "DENY");
    let home = server.get("/").send().expect("home");
    assert_eq!(home.headers()["x-content-type-options"], "nosniff");
}

#[test]
fn an_applicant_files_a_bounded_number_of_cases_a_day() {
    let server = Server::start(&["--demo", "--test-clock"]);
    let applicant = server.login("applicant", None);
    let mut last = String::new();
    for i in 0..20 {
        last = intake(&server, &applicant, "JY-XK-02", &format!("quota-{i}"));
    }
    let application = application_of(&server, "JY-XK-02");
    let body = |key: &str| {
        server
            .post("/api/v1/cases")
            .bearer_auth(&applicant)
            .header("Idempotency-Key", key)
            .json(&application)
    };
    let res = body("quota-20").send().expect("intake");
    assert_eq!(res.status(), 429, "the 21st case of the day");
    assert!(res.headers().get("retry-after").is_some());
    let p: Value = res.json().expect("problem");
    assert_eq!(p["code"], "quota_exceeded", "{p}");
    // A repeat of an acknowledged request still answers its case.
    let res = body("quota-19").send().expect("repeat");
    assert!(res.status().is_success(), "{}", res.status());
    let v: Value = res.json().expect("case");
    assert_eq!(v["case_no"], last.as_str());
    // The next day the applicant files again.
    server.set_clock("2026-03-03T09:00:00+08:00");
    let applicant = server.login("applicant", None);
    intake(&server, &applicant, "JY-XK-02", "quota-next-day");
}

#[test]
fn one_upload_request_holds_a_bounded_share_of_memory() {
    let server = Server::start(&["--demo", "--test-clock"]);
    let applicant = server.login("applicant", None);
    let no = intake(&server, &applicant, "JY-XK-02", "budget-case");
    // Seven files of (just under) 10 MiB each: more than the 64 MiB all uploads in flight
    // may hold together, so the request is refused instead of growing the server.
    let boundary = "b0undary";
    let mut body = Vec::new();
    let file = {
        let mut f = b"%PDF-1.7\n".to_vec();
        f.resize(10 * 1024 * 1024 - 64, b' ');
        f.extend_from_slice(b"\n%%EOF\n");
        f
    };
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\nsfz\r\n")
            .as_bytes(),
    );
    for i in 0..7 {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{i}.pdf\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(&file);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let res = server
        .post(&format!("/api/v1/cases/{no}/attachments"))
        .bearer_auth(&applicant)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .expect("upload");
    assert_eq!(res.status(), 413);
    let p: Value = res.json().expect("problem");
    assert_eq!(p["code"], "file_too_large", "{p}");
    // Nothing of it was kept.
    let (s, files) = status(
        server
            .get(&format!("/api/v1/cases/{no}/attachments"))
            .bearer_auth(&applicant),
    );
    assert_eq!(s, 200);
    let none = files
        .as_array()
        .or_else(|| files["items"].as_array())
        .is_none_or(Vec::is_empty);
    assert!(none, "{files}");
}

#[test]
fn the_files_of_one_case_are_bounded() {
    let server = Server::start(&["--demo", "--test-clock", "--max-case-mib", "1"]);
    let applicant = server.login("applicant", None);
    let no = intake(&server, &applicant, "JY-XK-02", "case-bytes");
    let upload = |tag: &str| {
        let boundary = "b0undary";
        let mut file = format!("%PDF-1.7\n% {tag}\n").into_bytes();
        file.resize(600 * 1024, b' ');
        file.extend_from_slice(b"\n%%EOF\n");
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\nsfz\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{tag}.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        status(
            server
                .post(&format!("/api/v1/cases/{no}/attachments"))
                .bearer_auth(&applicant)
                .header(
                    "Content-Type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body),
        )
    };
    assert_eq!(upload("first").0, 201);
    let (s, body) = upload("second");
    assert_eq!(
        (s, &body["code"]),
        (413, &json!("case_files_full")),
        "{body}"
    );
}

#[test]
fn staff_and_applicants_change_their_password_on_a_page() {
    use crate::form_client::Browser;
    let server = Server::start(&["--demo", "--test-clock"]);
    for (user, window) in [("applicant", None), ("clerk-a02", Some("A02"))] {
        let elsewhere = server.login(user, window);
        let mut b = Browser::new(&server);
        b.cookies
            .insert("tb_session".into(), server.login(user, window));
        let form = b.get("/account/password");
        let csrf = form.field("csrf");
        let new_password = "页面上改的新密码-2026";
        let differ = b.post(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", DEMO_PASSWORD),
                ("new_password", new_password),
                ("repeat_password", "另一个不同的密码-2026"),
            ],
        );
        assert_eq!(differ.status, 422, "{user}: the repeat differs");
        let done = b.post(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", DEMO_PASSWORD),
                ("new_password", new_password),
                ("repeat_password", new_password),
            ],
        );
        assert_eq!(done.status, 200, "{user}: {}", done.body);
        assert!(done.body.contains("密码已修改"), "{}", done.body);
        assert_refused(&server, &elsewhere, "session_ended", "the other session");
        assert_eq!(sign_in(&server, user, new_password, window).0, 200);
    }
}

#[test]
fn the_administrator_keeps_users_on_a_page() {
    use crate::form_client::Browser;
    let server = Server::start(&["--demo", "--test-clock"]);
    let mut b = Browser::new(&server);
    b.cookies
        .insert("tb_session".into(), server.login("admin", None));
    let list = b.get("/admin/users?q=approver-gaj");
    let html = list.html(200, "the users page");
    assert!(html.contains("data-user=\"approver-gaj\""), "{html}");
    assert!(!html.contains("data-user=\"head-gaj\""), "only the matches");
    let csrf = list.field("csrf");
    let token = server.login("approver-gaj", None);
    let off = b.post(
        "/admin/users/approver-gaj",
        &[("csrf", &csrf), ("q", "approver-gaj"), ("do", "deactivate")],
    );
    off.redirect("deactivated");
    assert_refused(&server, &token, "session_ended", "deactivated on the page");
    assert_eq!(sign_in(&server, "approver-gaj", DEMO_PASSWORD, None).0, 401);
    b.post(
        "/admin/users/approver-gaj",
        &[("csrf", &csrf), ("q", ""), ("do", "activate")],
    )
    .redirect("reactivated");
    let weak = b.post(
        "/admin/users/approver-gaj",
        &[
            ("csrf", &csrf),
            ("q", ""),
            ("do", "reset"),
            ("password", "password123"),
        ],
    );
    assert_eq!(weak.status, 422, "a common password");
    b.post(
        "/admin/users/approver-gaj",
        &[
            ("csrf", &csrf),
            ("q", ""),
            ("do", "reset"),
            ("password", "管理员设置的新密码-1"),
        ],
    )
    .redirect("reset");
    assert_eq!(
        sign_in(&server, "approver-gaj", "管理员设置的新密码-1", None).0,
        200
    );
    // A reset password is the user's only to change: every page leads to the password form.
    let mut reset = Browser::new(&server);
    let login = reset.get("/staff/login");
    let login_csrf = login.field("csrf");
    reset
        .post(
            "/staff/login",
            &[
                ("csrf", &login_csrf),
                ("username", "approver-gaj"),
                ("password", "管理员设置的新密码-1"),
                ("window", ""),
            ],
        )
        .redirect("signed in");
    let to = reset
        .get("/staff/queue")
        .redirect("to the password form")
        .to_owned();
    assert!(to.starts_with("/account/password"), "{to}");
    let form = reset.get(&to);
    assert!(form
        .html(200, "the password form")
        .contains("id=\"password-required\""));

    // Creating a user: a refused form keeps what was typed; a good one makes the account.
    let refused = b.post(
        "/admin/users",
        &[
            ("csrf", &csrf),
            ("username", "clerk-new"),
            ("name", "孙窗口"),
            ("password", "short"),
            ("roles", "clerk"),
            ("windows", "A02"),
        ],
    );
    let html = refused.html(422, "a short password");
    assert!(html.contains("value=\"孙窗口\""), "{html}");
    let made = b.post(
        "/admin/users",
        &[
            ("csrf", &csrf),
            ("username", "clerk-new"),
            ("name", "孙窗口"),
            ("password", "新窗口人员的密码-01"),
            ("roles", "clerk"),
            ("windows", "A02"),
        ],
    );
    assert_eq!(
        made.redirect("created"),
        "/admin/users/clerk-new?done=clerk-new"
    );
    let (s, body) = sign_in(&server, "clerk-new", "新窗口人员的密码-01", Some("A02"));
    assert_eq!(s, 200, "{body}");
    let clerk = body["access_token"].as_str().expect("token").to_owned();
    assert_eq!(works(&server, &clerk).0, 200);
    // Changing roles, department and windows on the page ends the clerk's session.
    let page = b.get("/admin/users/clerk-new");
    let html = page.html(200, "the user page");
    assert!(html.contains("value=\"A02\" checked"), "{html}");
    b.post(
        "/admin/users/clerk-new",
        &[
            ("csrf", &csrf),
            ("do", "save"),
            ("name", "孙审批"),
            ("roles", "approver"),
            ("department", "gaj"),
        ],
    )
    .redirect("saved");
    assert_refused(
        &server,
        &clerk,
        "account_changed",
        "moved to the back office",
    );
    let (s, body) = status(
        server
            .get("/api/v1/users/clerk-new")
            .bearer_auth(server.login("admin", None)),
    );
    assert_eq!(s, 200, "{body}");
    assert_eq!(
        (
            &body["roles"],
            &body["department"],
            &body["windows"],
            &body["name"]
        ),
        (
            &json!(["approver"]),
            &json!("gaj"),
            &json!([]),
            &json!("孙审批")
        ),
        "{body}"
    );
    // A clerk's windows stay with clerks.
    let bad = b.post(
        "/admin/users/clerk-new",
        &[
            ("csrf", &csrf),
            ("do", "save"),
            ("name", "孙审批"),
            ("roles", "approver"),
            ("windows", "A02"),
        ],
    );
    assert_eq!(bad.status, 422, "windows for an approver");

    // Only the administrator reaches the page.
    let mut other = Browser::new(&server);
    other
        .cookies
        .insert("tb_session".into(), server.login("supervisor", None));
    assert_ne!(other.get("/admin/users").status, 200);
}

#[test]
fn only_a_trusted_proxy_vouches_for_tls_and_client_addresses() {
    use crate::form_client::Browser;
    // A client's own claim of HTTPS changes nothing.
    let direct = Server::start(&["--demo", "--test-clock"]);
    let mut b = Browser::new(&direct);
    b.headers.push(("x-forwarded-proto", "https".into()));
    let page = b.get("/staff/login");
    assert!(
        page.set_cookies
            .iter()
            .all(|c| c.starts_with("tb_csrf=") && !c.contains("Secure")),
        "{:?}",
        page.set_cookies
    );
    drop(direct);

    // Behind a trusted proxy: Secure cookies named with the __Host- prefix, which the next
    // request must send back under that name.
    let server = Server::start(&["--demo", "--test-clock", "--trusted-proxy", "127.0.0.1"]);
    let mut b = Browser::new(&server);
    b.headers.push(("x-forwarded-proto", "https".into()));
    b.headers.push(("x-forwarded-for", "203.0.113.5".into()));
    let form = b.get("/staff/login");
    assert!(
        form.set_cookies
            .iter()
            .any(|c| c.starts_with("__Host-tb_csrf=")
                && c.contains("Secure")
                && c.contains("Path=/")
                && !c.contains("Domain")),
        "{:?}",
        form.set_cookies
    );
    let csrf = form.field("csrf");
    let done = b.post(
        "/staff/login",
        &[
            ("csrf", &csrf),
            ("username", "supervisor"),
            ("password", DEMO_PASSWORD),
            ("window", ""),
        ],
    );
    let home = done.redirect("signed in").to_owned();
    assert!(
        done.set_cookies
            .iter()
            .any(|c| c.starts_with("__Host-tb_session=")
                && c.contains("Secure")
                && c.contains("HttpOnly")),
        "{:?}",
        done.set_cookies
    );
    b.get(&home)
        .html(200, "signed in under the prefixed cookie");

    // The proxy's X-Forwarded-For names the client: one client's guesses do not slow another.
    let guess = |from: &str| {
        status(
            server
                .post("/api/v1/auth/token")
                .header("x-forwarded-for", from)
                .json(&json!({"username": "head-gaj", "password": "a-wrong-guess-1"})),
        )
    };
    for _ in 0..6 {
        assert_eq!(guess("203.0.113.66").0, 401);
    }
    assert_eq!(guess("203.0.113.66").0, 429, "the guesser waits");
    let (s, body) = status(
        server
            .post("/api/v1/auth/token")
            .header("x-forwarded-for", "198.51.100.20")
            .json(&json!({"username": "head-gaj", "password": DEMO_PASSWORD})),
    );
    assert_eq!(s, 200, "the head at another address signs in: {body}");
}
