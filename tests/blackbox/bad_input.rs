//! Bad input to the case API, on every backend: malformed and mistyped JSON, unknown fields
//! and items, oversized bodies, missing or garbage headers, control characters, huge
//! strings and impossible values. Every answer is a 4xx problem+json with a `code` (Chinese
//! by default, English on request), never a 5xx, and nothing is half-written.

use std::time::Instant;

use serde_json::{json, Value};

use crate::cases_client::{application, items, Api, Item, Logins, Resp};
use crate::harness::Server;

#[test]
fn bad_input_is_a_clear_4xx_and_changes_nothing() {
    for backend in crate::backend::all("bad_input_is_a_clear_4xx_and_changes_nothing") {
        let started = Instant::now();
        let server = Server::start_on(&backend, &["--demo", "--test-clock"]);
        bad_input(&server);
        eprintln!(
            "bad_input_is_a_clear_4xx_and_changes_nothing on {}: {:.1?}",
            backend.name(),
            started.elapsed()
        );
    }
}

/// The body of a request: JSON, or raw bytes with a content type.
enum Body {
    Json(Value),
    Raw(&'static str, Vec<u8>),
}

/// One bad request and what it must answer.
struct Bad {
    what: String,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Body,
    /// Acceptable statuses (api.md leaves 400 or 422 open for some).
    statuses: &'static [u16],
    /// The code expected, when one is fixed.
    code: Option<&'static str>,
    /// Whether the English detail can be checked for Chinese (false when it echoes
    /// Chinese input).
    ascii_input: bool,
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

impl Bad {
    fn new(what: impl Into<String>, path: &str, body: Body) -> Bad {
        Bad {
            what: what.into(),
            path: path.to_owned(),
            headers: Vec::new(),
            body,
            statuses: &[422],
            code: Some("validation_failed"),
            ascii_input: true,
        }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Bad {
        self.headers.push((name, value.into()));
        self
    }

    fn expect(mut self, statuses: &'static [u16], code: Option<&'static str>) -> Bad {
        self.statuses = statuses;
        self.code = code;
        self
    }

    fn chinese_input(mut self) -> Bad {
        self.ascii_input = false;
        self
    }

    fn send(&self, api: &Api) -> Resp {
        let mut rb = api.request(reqwest::Method::POST, &self.path);
        for (k, v) in &self.headers {
            rb = rb.header(*k, v.as_str());
        }
        rb = match &self.body {
            Body::Json(v) => rb.json(v),
            Body::Raw(ct, bytes) => rb.header("Content-Type", *ct).body(bytes.clone()),
        };
        Api::send(rb)
    }

    /// Sends it in Chinese (the default) and in English and checks both answers.
    fn check(&self, api: &Api) {
        let zh = self.send(api);
        let what = &self.what;
        zh.is_problem(what);
        assert!(
            self.statuses.contains(&zh.status),
            "{what}: {} not in {:?}: {}",
            zh.status,
            self.statuses,
            zh.body
        );
        if let Some(code) = self.code {
            assert_eq!(zh.body["code"], code, "{what}: {}", zh.body);
        }
        let detail = zh.body["detail"].as_str().unwrap_or_default();
        assert!(has_cjk(detail), "{what}: Chinese by default: {detail}");
        if zh.status == 422 && zh.body["code"] == "validation_failed" {
            let errors = zh.body["errors"].as_array().expect("errors[]");
            assert!(!errors.is_empty(), "{what}: {}", zh.body);
            for e in errors {
                assert!(e["field"].is_string() && e["message"].is_string(), "{e}");
            }
        }
        let en = self.send(&api.in_english());
        assert_eq!(en.status, zh.status, "{what} in English: {}", en.body);
        assert_eq!(en.body["code"], zh.body["code"], "{what}");
        let detail = en.body["detail"].as_str().unwrap_or_default();
        if self.ascii_input {
            assert!(!has_cjk(detail), "{what}: English detail: {detail}");
            if let Some(errors) = en.body["errors"].as_array() {
                for e in errors {
                    assert!(!has_cjk(e["message"].as_str().unwrap_or_default()), "{e}");
                }
            }
        }
    }
}

fn json_body(v: Value) -> Body {
    Body::Json(v)
}

fn raw(bytes: impl Into<Vec<u8>>) -> Body {
    Body::Raw("application/json", bytes.into())
}

fn bad_input(server: &Server) {
    let logins = Logins::new(server);
    let clerk = logins.clerk("A01");
    let supervisor = logins.as_user("supervisor", None);
    let catalogue = items(&supervisor);
    let licence: &Item = catalogue.iter().find(|i| i.code == "SC-XK-01").unwrap();
    let good = application("SC-XK-01", 1, licence.all_materials());

    // Two cases to aim actions at: one awaiting acceptance, one accepted.
    let received = clerk.intake("bad-received", &good).ok(201, "intake")["case_no"]
        .as_str()
        .unwrap()
        .to_owned();
    let accepted = clerk
        .intake(
            "bad-accepted",
            &application("SC-XK-01", 2, licence.all_materials()),
        )
        .ok(201, "intake")["case_no"]
        .as_str()
        .unwrap()
        .to_owned();
    clerk
        .act(&accepted, "accept", 1, &json!({}))
        .ok(200, "accept");
    let total = supervisor.total("");
    let events_before = (
        supervisor.events(&received).len(),
        supervisor.events(&accepted).len(),
    );

    intake_bodies(&clerk, &good);
    action_bodies(&logins, &received, &accepted);
    headers(&clerk, &good, &received);
    paths_and_queries(&clerk, &supervisor);

    // Nothing was written by any of it.
    assert_eq!(supervisor.total(""), total, "no case was half-created");
    assert_eq!(supervisor.case(&received)["version"], 1);
    assert_eq!(supervisor.case(&accepted)["version"], 2);
    assert_eq!(
        (
            supervisor.events(&received).len(),
            supervisor.events(&accepted).len()
        ),
        events_before
    );
    // And the server still works.
    clerk
        .act(&received, "accept", 1, &json!({}))
        .ok(200, "accept after all that");
}

/// Bodies of `POST /api/v1/cases` that must be refused.
fn intake_bodies(clerk: &Api, good: &Value) {
    let path = "/api/v1/cases";
    let with = |pointer: &str, value: Value| {
        let mut v = good.clone();
        let (parent, key) = pointer.rsplit_once('/').expect("a JSON pointer");
        let parent = v.pointer_mut(parent).unwrap_or_else(|| panic!("{pointer}"));
        match parent {
            Value::Array(a) => a[key.parse::<usize>().expect("an index")] = value,
            other => other[key] = value,
        }
        v
    };
    let long = "长".repeat(10_000);
    let mut n = 0;
    let mut key = || {
        n += 1;
        format!("bad-intake-{n}")
    };
    let cases: Vec<Bad> = vec![
        Bad::new("malformed JSON", path, raw("{\"item_code\": "))
            .expect(&[400], Some("malformed_json")),
        Bad::new("not JSON at all", path, raw("item_code=SC-XK-01"))
            .expect(&[400], Some("malformed_json")),
        Bad::new("empty body", path, raw("")).expect(&[400], None),
        Bad::new(
            "invalid UTF-8",
            path,
            raw(vec![b'{', b'"', 0xff, 0xfe, b'"', b'}']),
        )
        .expect(&[400], None),
        Bad::new("a JSON array", path, json_body(json!([good]))).expect(&[400, 422], None),
        Bad::new(
            "item_code a number",
            path,
            json_body(with("/item_code", json!(5))),
        )
        .expect(&[400, 422], None),
        Bad::new(
            "materials an object",
            path,
            json_body(with("/materials", json!({"code": "sqs"}))),
        )
        .expect(&[400, 422], None),
        Bad::new(
            "copies a string",
            path,
            json_body(with("/materials/0/copies", json!("two"))),
        )
        .expect(&[400, 422], None),
        Bad::new(
            "copies negative",
            path,
            json_body(with("/materials/0/copies", json!(-1))),
        )
        .expect(&[400, 422], None),
        Bad::new(
            "copies beyond u32",
            path,
            json_body(with("/materials/0/copies", json!(1u64 << 40))),
        )
        .expect(&[400, 422], None),
        Bad::new(
            "copies fractional",
            path,
            json_body(with("/materials/0/copies", json!(1.5))),
        )
        .expect(&[400, 422], None),
        Bad::new(
            "unknown applicant kind",
            path,
            json_body(with("/applicant/kind", json!("robot"))),
        )
        .expect(&[400, 422], None),
        Bad::new(
            "applicant missing",
            path,
            json_body({
                let mut v = good.clone();
                v.as_object_mut().unwrap().remove("applicant");
                v
            }),
        )
        .expect(&[400, 422], None),
        Bad::new(
            "unknown top-level field",
            path,
            json_body({
                let mut v = good.clone();
                v["priority"] = json!("urgent");
                v
            }),
        )
        .expect(&[400, 422], None),
        Bad::new(
            "unknown applicant field",
            path,
            json_body({
                let mut v = good.clone();
                v["applicant"]["age"] = json!(30);
                v
            }),
        )
        .expect(&[400, 422], None),
        Bad::new(
            "deeply nested form",
            path,
            raw({
                let mut s = good.to_string();
                s.pop();
                s.push_str(",\"form\":");
                s.push_str(&"[".repeat(5000));
                s.push_str(&"]".repeat(5000));
                s.push('}');
                s
            }),
        )
        .expect(&[400, 422], None),
        Bad::new(
            "NUL in the item code",
            path,
            json_body(with("/item_code", json!("SC\u{0}"))),
        )
        .expect(&[422], Some("validation_failed")),
        Bad::new(
            "unknown item",
            path,
            json_body(with("/item_code", json!("NO-SUCH-ITEM"))),
        ),
        Bad::new(
            "unknown material",
            path,
            json_body(with("/materials/0/code", json!("nosuch"))),
        )
        .expect(&[422], Some("unknown_material")),
        Bad::new(
            "a material twice",
            path,
            json_body(with("/materials/1/code", json!("sqs"))),
        )
        .expect(&[422], Some("duplicate_material")),
        Bad::new(
            "copies 0",
            path,
            json_body(with("/materials/0/copies", json!(0))),
        ),
        Bad::new(
            "copies 1001",
            path,
            json_body(with("/materials/0/copies", json!(1001))),
        ),
        Bad::new(
            "control character in the name",
            path,
            json_body(with("/applicant/name", json!("张\u{7}三"))),
        )
        .chinese_input(),
        Bad::new(
            "NUL in the name",
            path,
            json_body(with("/applicant/name", json!("a\u{0}b"))),
        ),
        Bad::new(
            "escape sequence in the name",
            path,
            json_body(with("/applicant/name", json!("\u{1b}[31mred"))),
        ),
        Bad::new(
            "10,000-character name",
            path,
            json_body(with("/applicant/name", json!(long))),
        )
        .chinese_input(),
        Bad::new(
            "blank name",
            path,
            json_body(with("/applicant/name", json!("   "))),
        ),
        Bad::new(
            "ID number with spaces",
            path,
            json_body(with("/applicant/id_number", json!("1 2 3 4 5 6 7"))),
        ),
        Bad::new(
            "10,000-character ID number",
            path,
            json_body(with("/applicant/id_number", json!("1".repeat(10_000)))),
        ),
        Bad::new(
            "bad phone",
            path,
            json_body(with("/applicant/phone", json!("call me"))),
        ),
        Bad::new(
            "bad e-mail",
            path,
            json_body(with("/applicant/email", json!("nobody"))),
        ),
        Bad::new(
            "10,000-character material code",
            path,
            json_body(with("/materials/0/code", json!("m".repeat(10_000)))),
        ),
        Bad::new(
            "101 materials",
            path,
            json_body(with(
                "/materials",
                Value::Array((0..101).map(|i| json!({"code": format!("m{i}")})).collect()),
            )),
        ),
        Bad::new(
            "oversized body",
            path,
            json_body({
                let mut v = good.clone();
                v["form"] = json!({"blob": "x".repeat(300 * 1024)});
                v
            }),
        )
        .expect(&[413], Some("body_too_large")),
        Bad::new(
            "not JSON content type",
            path,
            Body::Raw("text/plain", good.to_string().into_bytes()),
        )
        .expect(&[415], Some("unsupported_media_type")),
    ];
    for bad in cases {
        let key = key();
        bad.header("Idempotency-Key", key).check(clerk);
    }
}

/// Bodies of the actions that must be refused.
fn action_bodies(logins: &Logins, received: &str, accepted: &str) {
    let (clerk, approver) = (&logins.clerk("A01"), &logins.approver("scjgj"));
    let on = |no: &str, action: &str, what: &str, body: Body, version: u64| {
        Bad::new(
            format!("{action}: {what}"),
            &format!("/api/v1/cases/{no}/{action}"),
            body,
        )
        .header("If-Match", version.to_string())
    };
    let r = |action: &str, what: &str, body: Body| on(received, action, what, body, 1);
    let a = |action: &str, what: &str, body: Body| on(accepted, action, what, body, 2);
    let long = "x".repeat(10_000);
    let by_clerk: Vec<Bad> = vec![
        r("accept", "malformed body", raw("{bad")).expect(&[400], Some("malformed_json")),
        r("accept", "a field", json_body(json!({"force": true}))).expect(&[400, 422], None),
        r(
            "accept",
            "oversized body",
            raw(format!("{{\"a\":\"{}\"}}", "x".repeat(300 * 1024))),
        )
        .expect(&[413], Some("body_too_large")),
        r("refuse", "malformed JSON", raw("{\"reason\": \"x\","))
            .expect(&[400], Some("malformed_json")),
        r(
            "refuse",
            "reason a number",
            json_body(json!({"reason": 1, "legal_basis": "x"})),
        )
        .expect(&[400, 422], None),
        r(
            "refuse",
            "no legal basis",
            json_body(json!({"reason": "x"})),
        )
        .expect(&[400, 422], None),
        r(
            "refuse",
            "unknown field",
            json_body(json!({"reason": "x", "legal_basis": "y", "by": "me"})),
        )
        .expect(&[400, 422], None),
        r(
            "refuse",
            "10,000-character reason",
            json_body(json!({"reason": long, "legal_basis": "y"})),
        ),
        r(
            "refuse",
            "control characters",
            json_body(json!({"reason": "a\u{8}b", "legal_basis": "y"})),
        ),
        r(
            "refuse",
            "blank legal basis",
            json_body(json!({"reason": "x", "legal_basis": "  "})),
        ),
        r(
            "refuse",
            "oversized body",
            json_body(json!({"reason": "x".repeat(300 * 1024), "legal_basis": "y"})),
        )
        .expect(&[413], Some("body_too_large")),
        r(
            "request-supplement",
            "missing not a list",
            json_body(json!({"missing": "sqs"})),
        )
        .expect(&[400, 422], None),
        r(
            "request-supplement",
            "empty list",
            json_body(json!({"missing": []})),
        )
        .expect(&[422], Some("empty_supplement_list")),
        r(
            "request-supplement",
            "unknown material",
            json_body(json!({"missing": [{"code": "nosuch"}]})),
        )
        .expect(&[422], Some("unknown_material")),
        r(
            "request-supplement",
            "10,000-character note",
            json_body(json!({"missing": [{"code": "sqs", "note": long}]})),
        ),
        r("withdraw", "no reason", json_body(json!({}))).expect(&[400, 422], None),
        r(
            "withdraw",
            "reason null",
            json_body(json!({"reason": null})),
        )
        .expect(&[400, 422], None),
        r(
            "terminate",
            "NUL in the reason",
            json_body(json!({"reason": "a\u{0}"})),
        ),
        a(
            "supplement",
            "copies 0",
            json_body(json!({"materials": [{"code": "sqs", "copies": 0}]})),
        ),
        a(
            "supplement",
            "no materials",
            json_body(json!({"materials": []})),
        )
        .expect(&[422], Some("no_materials")),
        a(
            "supplement",
            "materials null",
            json_body(json!({"materials": null})),
        )
        .expect(&[400, 422], None),
        a(
            "deliver",
            "fee not an amount",
            json_body(json!({"method": "window", "fee": "abc"})),
        )
        .expect(&[400, 422], None),
        a(
            "deliver",
            "unknown method",
            json_body(json!({"method": "pigeon"})),
        )
        .expect(&[400, 422], None),
    ];
    for bad in by_clerk {
        bad.check(clerk);
    }
    let by_approver: Vec<Bad> = vec![
        a(
            "complete-stage",
            "unknown stage",
            json_body(json!({"stage": "nosuch", "opinion": "x"})),
        )
        .expect(&[422], Some("unknown_stage")),
        a(
            "complete-stage",
            "10,000-character opinion",
            json_body(json!({"stage": "cb", "opinion": long})),
        ),
        a(
            "complete-stage",
            "blank opinion",
            json_body(json!({"stage": "cb", "opinion": ""})),
        ),
        a(
            "suspend",
            "unknown procedure",
            json_body(json!({"procedure": "party", "note": "x"})),
        )
        .expect(&[400, 422], None),
        a(
            "suspend",
            "control characters in the note",
            json_body(json!({"procedure": "hearing", "note": "\u{7f}\u{1}"})),
        ),
        a("resume", "a body", json_body(json!({"now": true}))).expect(&[400, 422], None),
        a(
            "approve",
            "opinion a list",
            json_body(json!({"opinion": ["ok"]})),
        )
        .expect(&[400, 422], None),
        a(
            "deny",
            "no legal basis",
            json_body(json!({"reason": "x", "legal_basis": ""})),
        ),
        a(
            "terminate",
            "10,000-character reason",
            json_body(json!({"reason": long})),
        ),
    ];
    for bad in by_approver {
        bad.check(approver);
    }
    let head_rules: Vec<Bad> = vec![
        a(
            "extend",
            "0 days",
            json_body(json!({"working_days": 0, "reason": "x"})),
        )
        .expect(&[422], Some("extension_not_positive")),
        a(
            "extend",
            "10,000 days",
            json_body(json!({"working_days": 10_000, "reason": "x"})),
        )
        .expect(&[422], Some("extension_too_long")),
        a(
            "extend",
            "negative days",
            json_body(json!({"working_days": -1, "reason": "x"})),
        )
        .expect(&[400, 422], None),
        a(
            "extend",
            "days a string",
            json_body(json!({"working_days": "3", "reason": "x"})),
        )
        .expect(&[400, 422], None),
        a(
            "extend",
            "10,000-character reason",
            json_body(json!({"working_days": 1, "reason": long})),
        ),
    ];
    let head = logins.head("scjgj");
    for bad in head_rules {
        bad.check(&head);
    }
}

/// `Idempotency-Key` and `If-Match`.
fn headers(clerk: &Api, good: &Value, received: &str) {
    let path = "/api/v1/cases";
    let long_key = "k".repeat(201);
    for (what, key) in [
        ("missing Idempotency-Key", None),
        ("empty Idempotency-Key", Some("")),
        ("Idempotency-Key with spaces", Some("a b")),
        ("201-character Idempotency-Key", Some(long_key.as_str())),
    ] {
        let mut bad = Bad::new(what, path, json_body(good.clone()))
            .expect(&[400], Some("idempotency_key_required"));
        if let Some(k) = key {
            bad = bad.header("Idempotency-Key", k);
        }
        bad.check(clerk);
    }
    let accept = format!("/api/v1/cases/{received}/accept");
    Bad::new("missing If-Match", &accept, json_body(json!({})))
        .expect(&[428], Some("if_match_required"))
        .check(clerk);
    for garbage in [
        "abc",
        "0",
        "-1",
        "1.5",
        "W/\"x\"",
        "99999999999999999999999",
        "\"\"",
    ] {
        Bad::new(format!("If-Match {garbage}"), &accept, json_body(json!({})))
            .header("If-Match", garbage)
            .expect(&[400], Some("invalid_if_match"))
            .check(clerk);
    }
    Bad::new("stale If-Match", &accept, json_body(json!({})))
        .header("If-Match", "7")
        .expect(&[412], Some("stale_version"))
        .check(clerk);
}

/// Case numbers and queue filters that do not exist.
fn paths_and_queries(clerk: &Api, supervisor: &Api) {
    let long = "9".repeat(10_000);
    // A control character anywhere in a path is refused before any lookup.
    let r = supervisor.get("/api/v1/cases/%00");
    assert_eq!(r.status, 400, "GET case %00: {}", r.body);
    assert_eq!(r.body["code"], "control_character", "{}", r.body);
    for no in [
        "NO-SUCH",
        "%E4%B8%AD%E6%96%87",
        long.as_str(),
        "..%2F..%2Fetc",
    ] {
        let r = supervisor.get(&format!("/api/v1/cases/{no}"));
        assert_eq!(
            r.status,
            404,
            "GET case {}: {}",
            &no[..no.len().min(20)],
            r.body
        );
        r.is_problem("unknown case");
        let r = clerk.act(no, "accept", 1, &json!({}));
        assert_eq!(
            r.status,
            404,
            "accept {}: {}",
            &no[..no.len().min(20)],
            r.body
        );
        r.is_problem("accept on an unknown case");
    }
    for q in [
        "?status=bogus",
        "?status=received,bogus",
        "?alert=blue",
        "?page=abc",
        "?per_page=501",
        "?per_page=-1",
        "?color=red",
        "?department=%00",
        "?window=A%0001",
        "?status=%00",
    ] {
        let r = supervisor.get(&format!("/api/v1/cases{q}"));
        assert!(
            r.status == 400 || r.status == 422,
            "queue {q}: {} {}",
            r.status,
            r.body
        );
        r.is_problem(&format!("queue {q}"));
    }
}
