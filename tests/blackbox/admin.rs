//! Administration over HTTP: departments, windows, grants, staff, users, item versions, the
//! test clock, and the operations endpoints.

use reqwest::blocking::{RequestBuilder, Response};
use serde_json::{json, Value};

use crate::harness::Server;

/// Asserts a problem+json answer with this status and code, and returns its body.
pub fn problem(res: Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status(), status, "expected {status} {code}");
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(ct.starts_with("application/problem+json"), "{ct}");
    let body: Value = res.json().expect("problem json");
    assert_eq!(body["code"], code, "{body}");
    body
}

/// The fields named in a 422's `errors`.
pub fn fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

pub fn ok(res: Response, status: u16) -> Value {
    let got = res.status();
    let text = res.text().unwrap_or_default();
    assert_eq!(got, status, "{text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("json body")
    }
}

pub fn bearer(req: RequestBuilder, token: &str) -> RequestBuilder {
    req.header("Authorization", format!("Bearer {token}"))
}

#[test]
fn admin_keeps_the_directory() {
    for backend in crate::backend::all("admin_keeps_the_directory") {
        eprintln!("backend: {}", backend.name());
        let server = Server::start_on(&backend, &["--demo", "--test-clock"]);
        directory(&server);
    }
}

fn directory(server: &Server) {
    let admin = server.login("admin", None);
    let supervisor = server.login("supervisor", None);
    let applicant = server.login("applicant", None);

    // Departments: 401 without a token, 403 for other roles, 422, 201, 409.
    let dept = json!({"code": "tst", "name": "县测试局"});
    let res = server
        .post("/api/v1/departments")
        .json(&dept)
        .send()
        .unwrap();
    problem(res, 401, "missing_token");
    let res = bearer(server.post("/api/v1/departments"), &supervisor)
        .json(&dept)
        .send()
        .unwrap();
    problem(res, 403, "role_not_allowed");
    let res = bearer(server.post("/api/v1/departments"), &admin)
        .json(&json!({"code": "a b/c", "name": " "}))
        .send()
        .unwrap();
    let body = problem(res, 422, "validation_failed");
    assert_eq!(fields(&body), ["code", "name"], "{body}");
    let res = bearer(server.post("/api/v1/departments"), &admin)
        .json(&dept)
        .send()
        .unwrap();
    assert_eq!(ok(res, 201), dept);
    let res = bearer(server.post("/api/v1/departments"), &admin)
        .json(&dept)
        .send()
        .unwrap();
    problem(res, 409, "department_exists");
    let list = ok(server.get("/api/v1/departments").send().unwrap(), 200);
    assert!(list.as_array().unwrap().contains(&dept), "{list}");

    // Windows, checked like the workflow files.
    let window =
        json!({"code": "X01", "name": "测试窗口", "kind": "department", "departments": ["tst"]});
    let res = bearer(server.post("/api/v1/windows"), &applicant)
        .json(&window)
        .send()
        .unwrap();
    problem(res, 403, "role_not_allowed");
    let res = bearer(server.post("/api/v1/windows"), &admin)
        .json(
            &json!({"code": "X02", "name": "窗口", "kind": "department", "departments": ["nope"]}),
        )
        .send()
        .unwrap();
    let body = problem(res, 422, "validation_failed");
    assert_eq!(fields(&body), ["departments"], "{body}");
    let res = bearer(server.post("/api/v1/windows"), &admin)
        .json(&json!({"code": "X02", "name": "窗口", "kind": "floating", "departments": ["tst"]}))
        .send()
        .unwrap();
    problem(res, 422, "validation_failed");
    let res = bearer(server.post("/api/v1/windows"), &admin)
        .json(&json!({"code": "X02", "name": "窗口", "kind": "hallway", "departments": []}))
        .send()
        .unwrap();
    problem(res, 422, "invalid_body");
    let res = bearer(server.post("/api/v1/windows"), &admin)
        .json(&window)
        .send()
        .unwrap();
    assert_eq!(ok(res, 201), window);
    let res = bearer(server.post("/api/v1/windows"), &admin)
        .json(&window)
        .send()
        .unwrap();
    problem(res, 409, "window_exists");
    let list = ok(server.get("/api/v1/windows").send().unwrap(), 200);
    assert!(list.as_array().unwrap().contains(&window), "{list}");

    // Grants.
    let grant = json!({
        "department": "tst", "actions": ["consult", "accept"], "valid_from": "2026-01-01",
        "granted_by": "县政务服务中心", "document_no": "县政务办授〔2026〕99号"
    });
    let res = bearer(server.post("/api/v1/windows/X01/grants"), &supervisor)
        .json(&grant)
        .send()
        .unwrap();
    problem(res, 403, "role_not_allowed");
    let res = bearer(server.post("/api/v1/windows/NOPE/grants"), &admin)
        .json(&grant)
        .send()
        .unwrap();
    problem(res, 404, "unknown_window");
    let bad = [
        (json!({"items": ["SC-XK-01"], "department": "tst"}), "items"),
        (json!({"department": null, "items": null}), "items"),
        (
            json!({"department": null, "items": ["NO-SUCH-01"]}),
            "items[0]",
        ),
        // A department window serves only its departments.
        (
            json!({"department": null, "items": ["SC-XK-01"]}),
            "items[0]",
        ),
        (json!({"department": "nope"}), "department"),
        (json!({"actions": []}), "actions"),
        (json!({"valid_from": "2026-02-30"}), "valid_from"),
        (
            json!({"valid_from": "2026-03-01", "valid_to": "2026-02-01"}),
            "valid_to",
        ),
        (json!({"document_no": "  "}), "document_no"),
    ];
    for (change, field) in bad {
        let mut body = grant.clone();
        for (k, v) in change.as_object().unwrap() {
            if v.is_null() {
                body.as_object_mut().unwrap().remove(k);
            } else {
                body[k] = v.clone();
            }
        }
        let res = bearer(server.post("/api/v1/windows/X01/grants"), &admin)
            .json(&body)
            .send()
            .unwrap();
        let p = problem(res, 422, "validation_failed");
        assert!(fields(&p).contains(&field.to_owned()), "{body} → {p}");
    }
    // A consultation window may only consult.
    let res = bearer(server.post("/api/v1/windows/C01/grants"), &admin)
        .json(
            &json!({"items": ["SC-XK-01"], "actions": ["accept"], "valid_from": "2026-01-01",
                      "granted_by": "县政务服务中心", "document_no": "授1"}),
        )
        .send()
        .unwrap();
    problem(res, 422, "validation_failed");
    let res = bearer(server.post("/api/v1/windows/X01/grants"), &admin)
        .json(&grant)
        .send()
        .unwrap();
    let created = ok(res, 201);
    let id = created["id"].as_i64().expect("grant id");
    assert_eq!(created["state"], "in_force", "{created}");
    assert_eq!(created["department"], "tst");
    let res = bearer(server.post("/api/v1/windows/Z01/grants"), &admin)
        .json(&json!({"items": ["SC-XK-01"], "actions": ["accept"], "valid_from": "2026-06-01",
                      "valid_to": "2026-12-31", "granted_by": "县市场监管局", "document_no": "授2"}))
        .send()
        .unwrap();
    assert_eq!(ok(res, 201)["state"], "not_yet_valid");

    // Reading grants: admin, supervisor, a clerk at that window; nobody else.
    let grants = ok(
        bearer(server.get("/api/v1/windows/X01/grants"), &admin)
            .send()
            .unwrap(),
        200,
    );
    assert_eq!(grants.as_array().unwrap().len(), 1, "{grants}");
    ok(
        bearer(server.get("/api/v1/windows/X01/grants"), &supervisor)
            .send()
            .unwrap(),
        200,
    );
    let clerk_a01 = server.login("clerk-a01", Some("A01"));
    let a01 = ok(
        bearer(server.get("/api/v1/windows/A01/grants"), &clerk_a01)
            .send()
            .unwrap(),
        200,
    );
    assert!(!a01.as_array().unwrap().is_empty());
    let res = bearer(server.get("/api/v1/windows/X01/grants"), &clerk_a01)
        .send()
        .unwrap();
    problem(res, 403, "role_not_allowed");
    let res = bearer(server.get("/api/v1/windows/X01/grants"), &applicant)
        .send()
        .unwrap();
    problem(res, 403, "role_not_allowed");
    let res = server.get("/api/v1/windows/X01/grants").send().unwrap();
    problem(res, 401, "missing_token");
    let res = bearer(server.get("/api/v1/windows/NOPE/grants"), &admin)
        .send()
        .unwrap();
    problem(res, 404, "unknown_window");

    // Revoking keeps the grant, marked revoked; twice is a conflict.
    let path = format!("/api/v1/windows/X01/grants/{id}");
    let revocation = json!({"document_no": "县政务办〔2026〕撤字3号", "reason": "窗口撤并"});
    let res = bearer(server.delete(&path), &supervisor)
        .json(&revocation)
        .send()
        .unwrap();
    problem(res, 403, "role_not_allowed");
    let res = bearer(
        server.delete(&format!("/api/v1/windows/A01/grants/{id}")),
        &admin,
    )
    .json(&revocation)
    .send()
    .unwrap();
    problem(res, 404, "unknown_grant");
    let res = bearer(server.delete("/api/v1/windows/X01/grants/999999"), &admin)
        .json(&revocation)
        .send()
        .unwrap();
    problem(res, 404, "unknown_grant");
    // A revocation names its document and reason.
    let res = bearer(server.delete(&path), &admin)
        .json(&json!({"document_no": " ", "reason": ""}))
        .send()
        .unwrap();
    let body = problem(res, 422, "validation_failed");
    assert_eq!(fields(&body), ["document_no", "reason"], "{body}");
    ok(
        bearer(server.delete(&path), &admin)
            .json(&revocation)
            .send()
            .unwrap(),
        204,
    );
    let res = bearer(server.delete(&path), &admin)
        .json(&revocation)
        .send()
        .unwrap();
    problem(res, 409, "grant_already_revoked");
    let grants = ok(
        bearer(server.get("/api/v1/windows/X01/grants"), &admin)
            .send()
            .unwrap(),
        200,
    );
    let g = &grants[0];
    assert_eq!(g["id"], id);
    assert_eq!(g["state"], "revoked", "{g}");
    assert_eq!(g["revoked_by"], "admin");
    assert!(g["revoked_at"].is_string(), "{g}");
    assert_eq!(g["revoke_document_no"], "县政务办〔2026〕撤字3号", "{g}");
    assert_eq!(g["revoke_reason"], "窗口撤并", "{g}");

    // Users and window staff.
    let user = json!({"username": "clerk-x01", "password": "secret-pass-1", "roles": ["clerk"],
                      "department": "tst", "windows": ["X01"]});
    let res = bearer(server.post("/api/v1/users"), &supervisor)
        .json(&user)
        .send()
        .unwrap();
    problem(res, 403, "role_not_allowed");
    let res = bearer(server.post("/api/v1/users"), &admin)
        .json(&json!({"username": "x", "password": "short", "roles": [],
                      "department": "nope", "windows": ["NOPE"]}))
        .send()
        .unwrap();
    let body = problem(res, 422, "validation_failed");
    for f in ["username", "password", "roles", "department", "windows[0]"] {
        assert!(fields(&body).contains(&f.to_owned()), "{f}: {body}");
    }
    let created = ok(
        bearer(server.post("/api/v1/users"), &admin)
            .json(&user)
            .send()
            .unwrap(),
        201,
    );
    assert_eq!(created["windows"], json!(["X01"]));
    let res = bearer(server.post("/api/v1/users"), &admin)
        .json(&user)
        .send()
        .unwrap();
    problem(res, 409, "username_taken");
    let token = server
        .post("/api/v1/auth/token")
        .json(&json!({"username": "clerk-x01", "password": "secret-pass-1", "window": "X01"}))
        .send()
        .unwrap();
    assert_eq!(token.status(), 200);

    let second = json!({"username": "clerk-x01b", "password": "secret-pass-2", "roles": ["clerk"]});
    ok(
        bearer(server.post("/api/v1/users"), &admin)
            .json(&second)
            .send()
            .unwrap(),
        201,
    );
    let staff = json!({"username": "clerk-x01b"});
    let res = bearer(server.post("/api/v1/windows/X01/staff"), &applicant)
        .json(&staff)
        .send()
        .unwrap();
    problem(res, 403, "role_not_allowed");
    let res = bearer(server.post("/api/v1/windows/NOPE/staff"), &admin)
        .json(&staff)
        .send()
        .unwrap();
    problem(res, 404, "unknown_window");
    for who in ["nobody-here", "supervisor"] {
        let res = bearer(server.post("/api/v1/windows/X01/staff"), &admin)
            .json(&json!({"username": who}))
            .send()
            .unwrap();
        let body = problem(res, 422, "validation_failed");
        assert_eq!(fields(&body), ["username"]);
    }
    let assigned = ok(
        bearer(server.post("/api/v1/windows/X01/staff"), &admin)
            .json(&staff)
            .send()
            .unwrap(),
        201,
    );
    assert_eq!(assigned, json!({"window": "X01", "username": "clerk-x01b"}));
    let res = bearer(server.post("/api/v1/windows/X01/staff"), &admin)
        .json(&staff)
        .send()
        .unwrap();
    problem(res, 409, "already_assigned");
    let token = server
        .post("/api/v1/auth/token")
        .json(&json!({"username": "clerk-x01b", "password": "secret-pass-2", "window": "X01"}))
        .send()
        .unwrap();
    assert_eq!(token.status(), 200);
}

#[test]
fn items_get_new_versions() {
    for backend in crate::backend::all("items_get_new_versions") {
        eprintln!("backend: {}", backend.name());
        let server = Server::start_on(&backend, &["--demo", "--test-clock"]);
        item_versions(&server);
    }
}

fn item_versions(server: &Server) {
    let admin = server.login("admin", None);
    let head = server.login("head-scjgj", None);
    let v1 = ok(server.get("/api/v1/items/SC-XK-01").send().unwrap(), 200);
    assert_eq!(v1["version"], 1);
    let mut v2 = v1.clone();
    v2["name"] = "食品经营许可（新版）".into();
    v2["promised_limit"]["days"] = 8.into();

    let res = server
        .put("/api/v1/items/SC-XK-01")
        .json(&v2)
        .send()
        .unwrap();
    problem(res, 401, "missing_token");
    let res = bearer(server.put("/api/v1/items/SC-XK-01"), &head)
        .json(&v2)
        .send()
        .unwrap();
    problem(res, 403, "role_not_allowed");
    let res = bearer(server.put("/api/v1/items/SC-XK-02"), &admin)
        .json(&v2)
        .send()
        .unwrap();
    let body = problem(res, 422, "validation_failed");
    assert_eq!(fields(&body), ["code"]);
    let mut bad = v2.clone();
    bad["department"] = "nope".into();
    bad["promised_limit"]["days"] = 500.into();
    let res = bearer(server.put("/api/v1/items/SC-XK-01"), &admin)
        .json(&bad)
        .send()
        .unwrap();
    let body = problem(res, 422, "validation_failed");
    let f = fields(&body);
    assert!(f.contains(&"department".to_owned()), "{body}");
    assert!(f.contains(&"promised_limit".to_owned()), "{body}");
    // Beyond the law (art. 32, 44; warnings off): refused, naming the article, unless the
    // item names the special law that allows it.
    let mut bad = v2.clone();
    bad["statutory"]["acceptance"]["days"] = 15.into();
    bad["statutory"]["delivery"]["days"] = 60.into();
    bad["warning"] = serde_json::json!({"working_days": 0, "percent": 0});
    let res = bearer(server.put("/api/v1/items/SC-XK-01"), &admin)
        .header("Accept-Language", "en")
        .json(&bad)
        .send()
        .unwrap();
    let body = problem(res, 422, "validation_failed");
    let said = body.to_string();
    for article in ["art. 32", "art. 44", "warnings switched off"] {
        assert!(said.contains(article), "{article}: {body}");
    }
    assert!(fields(&body).contains(&"statutory".to_owned()), "{body}");
    bad["rules"]["special_law"] = "《某特别法》第十条".into();
    let res = bearer(server.put("/api/v1/items/SC-XK-02"), &admin)
        .json(&bad)
        .send()
        .unwrap();
    // (Refused only for its code now: the law's checks pass with the special law named.)
    let body = problem(res, 422, "validation_failed");
    assert_eq!(fields(&body), ["code"], "{body}");
    let mut bad = v2.clone();
    bad["stages"][0]["department"] = "nope".into();
    let res = bearer(server.put("/api/v1/items/SC-XK-01"), &admin)
        .json(&bad)
        .send()
        .unwrap();
    let body = problem(res, 422, "validation_failed");
    assert_eq!(fields(&body), ["stages"], "{body}");
    let mut bad = v2.clone();
    bad.as_object_mut().unwrap().remove("legal_limit");
    let res = bearer(server.put("/api/v1/items/SC-XK-01"), &admin)
        .json(&bad)
        .send()
        .unwrap();
    problem(res, 422, "invalid_body");
    let res = bearer(server.put("/api/v1/items/SC-XK-01"), &admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .unwrap();
    problem(res, 400, "malformed_json");

    let stored = ok(
        bearer(server.put("/api/v1/items/SC-XK-01"), &admin)
            .json(&v2)
            .send()
            .unwrap(),
        200,
    );
    assert_eq!(stored["version"], 2);
    assert_eq!(stored["name"], "食品经营许可（新版）");
    let now = ok(server.get("/api/v1/items/SC-XK-01").send().unwrap(), 200);
    assert_eq!(now, stored);
    let list = ok(server.get("/api/v1/items?q=SC-XK-01").send().unwrap(), 200);
    assert_eq!(list["items"][0]["version"], 2, "{list}");
    let v3 = ok(
        bearer(server.put("/api/v1/items/SC-XK-01"), &admin)
            .json(&v1)
            .send()
            .unwrap(),
        200,
    );
    assert_eq!(v3["version"], 3);
    assert_eq!(v3["name"], v1["name"]);
}

#[test]
fn test_clock_and_operations() {
    for backend in crate::backend::all("test_clock_and_operations") {
        eprintln!("backend: {}", backend.name());
        let server = Server::start_on(&backend, &["--demo", "--test-clock"]);
        test_clock(&server);
        operations(&server);
        drop(server);
        let server = Server::start_on(&backend, &["--demo"]);
        let admin = server.login("admin", None);
        let res = bearer(server.put("/api/v1/admin/clock"), &admin)
            .json(&json!({"now": "2026-05-06T10:00:00+08:00"}))
            .send()
            .unwrap();
        assert_eq!(res.status(), 404, "no clock route without --test-clock");
        let res = server
            .put("/api/v1/admin/clock")
            .json(&json!({"now": "2026-05-06T10:00:00+08:00"}))
            .send()
            .unwrap();
        assert_eq!(res.status(), 404);
    }
}

fn test_clock(server: &Server) {
    let admin = server.login("admin", None);
    let supervisor = server.login("supervisor", None);
    let set = json!({"now": "2026-05-06T10:00:00+08:00"});
    let res = server.put("/api/v1/admin/clock").json(&set).send().unwrap();
    problem(res, 401, "missing_token");
    let res = bearer(server.put("/api/v1/admin/clock"), &supervisor)
        .json(&set)
        .send()
        .unwrap();
    problem(res, 403, "role_not_allowed");
    let res = bearer(server.put("/api/v1/admin/clock"), &admin)
        .json(&json!({"now": "yesterday"}))
        .send()
        .unwrap();
    assert_eq!(res.status(), 422);

    // A grant that ends before the new time shows expired once the clock moves.
    let grant = ok(
        bearer(server.post("/api/v1/windows/A01/grants"), &admin)
            .json(&json!({"items": ["SC-XK-01"], "actions": ["consult"], "valid_from": "2026-03-01",
                          "valid_to": "2026-04-30", "granted_by": "县市场监管局", "document_no": "授3"}))
            .send()
            .unwrap(),
        201,
    );
    assert_eq!(grant["state"], "in_force");
    let now = ok(
        bearer(server.put("/api/v1/admin/clock"), &admin)
            .json(&set)
            .send()
            .unwrap(),
        200,
    );
    assert_eq!(now["now"], "2026-05-06T02:00:00Z");
    // Tokens are timed by the same clock: the old one has expired.
    let res = bearer(server.get("/api/v1/windows/A01/grants"), &admin)
        .send()
        .unwrap();
    problem(res, 401, "token_expired");
    let admin = server.login("admin", None);
    let grants = ok(
        bearer(server.get("/api/v1/windows/A01/grants"), &admin)
            .send()
            .unwrap(),
        200,
    );
    let g = grants
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == grant["id"])
        .expect("the new grant");
    assert_eq!(g["state"], "expired", "{g}");
}

fn operations(server: &Server) {
    let ready = ok(server.get("/readyz").send().unwrap(), 200);
    assert_eq!(ready["status"], "ready");
    let res = server.get("/metrics").send().unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().unwrap();
    assert!(text.contains("tongban_http_requests_total"), "{text}");
    assert!(text.contains("endpoint=\"/readyz\""), "{text}");
    let doc = ok(server.get("/openapi.json").send().unwrap(), 200);
    for path in [
        "/readyz",
        "/metrics",
        "/api/v1/departments",
        "/api/v1/windows/{code}/grants",
        "/api/v1/windows/{code}/grants/{id}",
        "/api/v1/windows/{code}/staff",
        "/api/v1/items/{code}",
        "/api/v1/users",
        "/api/v1/admin/clock",
        "/api/v1/calendar/due",
        "/api/v1/calendar/years/{year}",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from OpenAPI"
        );
    }
    assert!(doc["paths"]["/api/v1/departments"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/departments"]["get"].is_object());
}

/// A plain `serve` has no accounts: the staff sign-in page says so and names the command
/// that makes the first administrator; once it has run (at the server, as the operator
/// would), the page is the plain sign-in page, and the new administrator signs in.
#[test]
fn a_fresh_installation_names_the_command_for_its_first_admin() {
    let server = Server::start(&[]);
    let page = |lang: &str| {
        server
            .get("/staff/login")
            .header("Accept-Language", lang)
            .send()
            .and_then(|r| r.text())
            .expect("sign-in page")
    };
    let zh = page("zh-CN");
    assert!(zh.contains("尚无管理员账号"), "{zh}");
    assert!(zh.contains("tongban user add admin --role admin"), "{zh}");
    assert!(page("en").contains("No administrator yet"));

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args([
            "user",
            "add",
            "admin",
            "--role",
            "admin",
            "--password",
            "first-admin-2026",
        ])
        .arg("--data-dir")
        .arg(server.data_dir.path())
        .output()
        .expect("tongban user add");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let zh = page("zh-CN");
    assert!(
        !zh.contains("尚无管理员账号"),
        "the notice stays after the first admin"
    );
    let res = server
        .post("/api/v1/auth/token")
        .json(&json!({"username": "admin", "password": "first-admin-2026"}))
        .send()
        .expect("sign-in");
    assert_eq!(res.status(), 200);
}
