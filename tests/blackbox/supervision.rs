//! The supervision routes end to end, on every backend: a case taken at window A02 runs past
//! its promised deadline on the test clock; a sweep raises the alerts once; a supervisor
//! acknowledges, urges (the department's head gets an e-mail in the outbox) and resolves
//! them, and bad moves are refused; the statistics (JSON and CSV) count the case; the feed
//! gives the events, then the alerts and steps, resumably to an empty page.

use serde_json::{json, Value};

use crate::harness::Server;

/// 25 days after the test clock's start (Monday 2026-03-02 09:00 in Shanghai): past the
/// promised limit of GA-QR-01 (20 natural days), before the legal one (60).
const DAY25: &str = "2026-03-27T09:00:00+08:00";

#[test]
fn alerts_lifecycle_statistics_and_feed() {
    for backend in crate::backend::all("alerts_lifecycle_statistics_and_feed") {
        eprintln!("backend: {}", backend.name());
        let server = Server::start_on(&backend, &["--demo", "--test-clock", "--sweep-every", "0"]);
        run(&server);
    }
}

fn json_of(res: reqwest::blocking::Response, status: u16, what: &str) -> Value {
    let got = res.status().as_u16();
    let body: Value = res.json().unwrap_or(Value::Null);
    assert_eq!(got, status, "{what}: {body}");
    body
}

/// A problem+json answer with this status and code.
fn problem(res: reqwest::blocking::Response, status: u16, code: &str, what: &str) {
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = json_of(res, status, what);
    assert_eq!(body["code"], code, "{what}: {body}");
    assert!(
        content_type.starts_with("application/problem+json"),
        "{what}: {content_type}"
    );
}

fn take_and_accept(server: &Server) -> String {
    let clerk = server.login("clerk-a02", Some("A02"));
    let body = json!({
        "item_code": "GA-QR-01",
        "applicant": {"kind": "person", "name": "王五", "id_number": "110101199001015678"},
        "materials": [{"code": "hkb"}, {"code": "jsfz"}, {"code": "zp"}],
    });
    let res = server
        .post("/api/v1/cases")
        .bearer_auth(&clerk)
        .header("Idempotency-Key", "supervision-1")
        .json(&body)
        .send()
        .expect("intake");
    let case = json_of(res, 201, "intake");
    let case_no = case["case_no"].as_str().expect("case_no").to_owned();
    let res = server
        .post(&format!("/api/v1/cases/{case_no}/accept"))
        .bearer_auth(&clerk)
        .header("If-Match", "1")
        .send()
        .expect("accept");
    json_of(res, 200, "accept");
    case_no
}

fn sweep(server: &Server, admin: &str) -> u64 {
    let res = server
        .post("/api/v1/admin/supervision/sweep")
        .bearer_auth(admin)
        .send()
        .expect("sweep");
    json_of(res, 200, "sweep")["raised"]
        .as_u64()
        .expect("raised")
}

fn alerts(server: &Server, token: &str, query: &str) -> Value {
    let res = server
        .get(&format!("/api/v1/supervision/alerts?{query}"))
        .bearer_auth(token)
        .send()
        .expect("alerts");
    json_of(res, 200, query)
}

fn step(
    server: &Server,
    token: &str,
    id: i64,
    action: &str,
    body: Option<Value>,
) -> reqwest::blocking::Response {
    let req = server
        .post(&format!("/api/v1/supervision/alerts/{id}/{action}"))
        .bearer_auth(token);
    match body {
        Some(b) => req.json(&b),
        None => req,
    }
    .send()
    .expect("step")
}

fn run(server: &Server) {
    let admin = server.login("admin", None);
    // The head of the department, with an address, receives the urges.
    let res = server
        .post("/api/v1/users")
        .bearer_auth(&admin)
        .json(
            &json!({"username": "chief-gaj", "password": "chief-gaj-pw", "name": "户政科长",
                      "email": "chief-gaj@example.org", "roles": ["head"], "department": "gaj"}),
        )
        .send()
        .expect("user");
    assert_eq!(res.status(), 201, "new head");
    let case_no = take_and_accept(server);

    // Past the promised deadline; one sweep raises the alerts, the next nothing.
    let res = server
        .put("/api/v1/admin/clock")
        .bearer_auth(&admin)
        .json(&json!({"now": DAY25}))
        .send()
        .expect("clock");
    json_of(res, 200, "clock");
    // Tokens are dated by the same clock: sign in again on the new day.
    let admin = server.login("admin", None);
    let supervisor = server.login("supervisor", None);
    assert!(
        sweep(server, &admin) >= 2,
        "the promised deadline's yellow and red"
    );
    let all = alerts(
        server,
        &supervisor,
        &format!("case_no={case_no}&per_page=500"),
    );
    let total = all["total"].as_u64().expect("total");
    assert_eq!(sweep(server, &admin), 0, "a second sweep raises nothing");
    let again = alerts(
        server,
        &supervisor,
        &format!("case_no={case_no}&per_page=500"),
    );
    assert_eq!(again["total"].as_u64(), Some(total), "{again}");
    let promised = alerts(
        server,
        &supervisor,
        &format!("case_no={case_no}&rule=promised_deadline"),
    );
    let levels: Vec<&str> = promised["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| a["level"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(levels.len(), 2, "{promised}");
    assert!(
        levels.contains(&"yellow") && levels.contains(&"red"),
        "{promised}"
    );
    let red = alerts(
        server,
        &supervisor,
        &format!("case_no={case_no}&rule=promised_deadline&level=red"),
    );
    assert_eq!(red["total"], 1, "{red}");
    let alert = &red["items"][0];
    assert_eq!(alert["rule_name"], "超承诺时限");
    assert_eq!(alert["status"], "open");
    assert_eq!(alert["department"], "gaj");
    assert!(alert["detail"].is_object(), "{alert}");
    let red_id = alert["id"].as_i64().expect("id");

    // Filters that are not values answer 400; other roles 403; no token 401.
    for bad in ["level=orange", "status=closed", "rule=nonsense", "page=0"] {
        let res = server
            .get(&format!("/api/v1/supervision/alerts?{bad}"))
            .bearer_auth(&supervisor)
            .send()
            .expect("bad filter");
        assert_eq!(res.status(), 400, "{bad}");
    }
    let clerk = server.login("clerk-a02", Some("A02"));
    let res = server
        .get("/api/v1/supervision/alerts")
        .bearer_auth(&clerk)
        .send()
        .expect("clerk");
    problem(res, 403, "role_not_allowed", "a clerk lists alerts");
    let res = server
        .get("/api/v1/supervision/feed")
        .send()
        .expect("anonymous");
    problem(res, 401, "missing_token", "anonymous feed");
    problem(
        step(server, &clerk, red_id, "acknowledge", None),
        403,
        "role_not_allowed",
        "a clerk acknowledges",
    );

    // open → acknowledged → urged → resolved; the moves the lifecycle does not allow are 409.
    let acked = json_of(
        step(server, &supervisor, red_id, "acknowledge", None),
        200,
        "acknowledge",
    );
    assert_eq!(acked["status"], "acknowledged", "{acked}");
    problem(
        step(server, &supervisor, red_id, "acknowledge", Some(json!({}))),
        409,
        "alert_already_acknowledged",
        "acknowledge twice",
    );
    problem(
        step(
            server,
            &supervisor,
            red_id,
            "resolve",
            Some(json!({"note": "  "})),
        ),
        422,
        "validation_failed",
        "resolve without an explanation",
    );
    let urged = json_of(
        step(
            server,
            &supervisor,
            red_id,
            "urge",
            Some(json!({"note": "请于两个工作日内办结"})),
        ),
        200,
        "urge",
    );
    assert_eq!(urged["status"], "urged", "{urged}");
    assert_eq!(
        urged["steps"][1]["notified"],
        json!(["chief-gaj", "head-gaj"]),
        "{urged}"
    );
    let outbox = json_of(
        server
            .get("/api/v1/admin/outbox")
            .bearer_auth(&admin)
            .send()
            .expect("outbox"),
        200,
        "outbox",
    );
    assert!(
        outbox.as_array().expect("messages").iter().any(|m| {
            m["recipient"] == "chief-gaj@example.org"
                && m["subject"]
                    .as_str()
                    .is_some_and(|s| s.contains("督办") && s.contains(&case_no))
        }),
        "the urge is in the outbox: {outbox}"
    );
    let resolved = json_of(
        step(
            server,
            &supervisor,
            red_id,
            "resolve",
            Some(json!({"note": "已办结，超期原因为制证设备故障"})),
        ),
        200,
        "resolve",
    );
    assert_eq!(resolved["status"], "resolved");
    let steps: Vec<(&str, &str, &str)> = resolved["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["action"].as_str().unwrap_or(""),
                s["to_status"].as_str().unwrap_or(""),
                s["actor"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("acknowledge", "acknowledged", "supervisor"),
            ("urge", "urged", "supervisor"),
            ("resolve", "resolved", "supervisor")
        ]
    );
    for action in ["urge", "escalate", "resolve", "acknowledge"] {
        problem(
            step(
                server,
                &supervisor,
                red_id,
                action,
                Some(json!({"note": "再次"})),
            ),
            409,
            "alert_closed",
            action,
        );
    }
    problem(
        step(server, &supervisor, 999_999, "acknowledge", None),
        404,
        "alert_not_found",
        "unknown alert",
    );
    let res = server
        .post(&format!("/api/v1/supervision/alerts/{red_id}/acknowledge"))
        .bearer_auth(&supervisor)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .expect("malformed");
    problem(res, 400, "malformed_json", "malformed body");
    let one = json_of(
        server
            .get(&format!("/api/v1/supervision/alerts/{red_id}"))
            .bearer_auth(&supervisor)
            .send()
            .expect("one alert"),
        200,
        "one alert",
    );
    assert_eq!(one["steps"].as_array().map(Vec::len), Some(3), "{one}");
    let resolved_list = alerts(server, &supervisor, "status=resolved");
    assert_eq!(resolved_list["total"], 1, "{resolved_list}");

    // The yellow card goes up to the level above, with a reason; straight from open.
    let yellow = alerts(
        server,
        &supervisor,
        &format!("case_no={case_no}&rule=promised_deadline&level=yellow"),
    );
    let yellow_id = yellow["items"][0]["id"].as_i64().expect("yellow id");
    problem(
        step(server, &supervisor, yellow_id, "escalate", None),
        422,
        "validation_failed",
        "escalate without a reason",
    );
    let escalated = json_of(
        step(
            server,
            &supervisor,
            yellow_id,
            "escalate",
            Some(json!({"note": "多次督办未果，报市级监察"})),
        ),
        200,
        "escalate",
    );
    assert_eq!(escalated["status"], "escalated", "{escalated}");

    stats(server, &supervisor);
    feed(server, &supervisor, &case_no, total);
}

fn stats(server: &Server, supervisor: &str) {
    let url = "/api/v1/supervision/stats?group_by=department&from=2026-03-01&to=2026-03-31";
    let report = json_of(
        server
            .get(url)
            .bearer_auth(supervisor)
            .send()
            .expect("stats"),
        200,
        "stats",
    );
    let row = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == "gaj")
        .cloned()
        .expect("the department's row");
    assert_eq!(row["received"], 1, "{row}");
    assert_eq!(row["accepted"], 1, "{row}");
    assert_eq!(row["refused"], 0, "{row}");
    assert_eq!(row["concluded"], 0, "{row}");
    assert_eq!(
        row["overdue"], 1,
        "still undecided past the promised deadline: {row}"
    );
    assert_eq!(row["on_time"], 0, "{row}");
    assert_eq!(report["total"]["received"], 1, "{report}");

    let res = server
        .get(url)
        .bearer_auth(supervisor)
        .header("Accept", "text/csv")
        .send()
        .expect("csv");
    assert_eq!(res.status(), 200);
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let text = res.text().expect("csv text");
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    assert!(
        lines.next().is_some_and(|h| h.starts_with(
            "department,name,received,accepted,refused,concluded,on_time,early,overdue"
        )),
        "{text}"
    );
    let gaj = lines
        .clone()
        .find(|l| l.starts_with("gaj,"))
        .unwrap_or_else(|| panic!("the department's row: {text}"));
    let cells: Vec<&str> = gaj.split(',').collect();
    assert_eq!(&cells[2..9], ["1", "1", "0", "0", "0", "0", "1"], "{gaj}");
    assert!(lines.any(|l| l.starts_with("total,")), "{text}");

    for bad in [
        "group_by=city",
        "from=2026-13-01",
        "from=2026-04-01&to=2026-03-01",
    ] {
        let res = server
            .get(&format!("/api/v1/supervision/stats?{bad}"))
            .bearer_auth(supervisor)
            .send()
            .expect("bad stats");
        assert_eq!(res.status(), 400, "{bad}");
    }
}

fn feed(server: &Server, supervisor: &str, case_no: &str, alerts_raised: u64) {
    let get = |query: &str| {
        json_of(
            server
                .get(&format!("/api/v1/supervision/feed?{query}"))
                .bearer_auth(supervisor)
                .send()
                .expect("feed"),
            200,
            query,
        )
    };
    let page = get("limit=500");
    let items = page["items"].as_array().expect("items").clone();
    let kinds: Vec<&str> = items
        .iter()
        .map(|i| i["type"].as_str().unwrap_or(""))
        .collect();
    let events = kinds.iter().filter(|k| **k == "event").count();
    let raised = kinds.iter().filter(|k| **k == "alert").count();
    let steps = kinds.iter().filter(|k| **k == "alert_step").count();
    assert_eq!(
        (events, raised as u64, steps),
        (2, alerts_raised, 4),
        "{kinds:?}"
    );
    // The events of day 0 come first, then the alerts of day 25, then the steps after them.
    assert!(kinds[..2].iter().all(|k| *k == "event"), "{kinds:?}");
    assert!(
        kinds[2..2 + raised].iter().all(|k| *k == "alert"),
        "{kinds:?}"
    );
    assert!(
        kinds[2 + raised..].iter().all(|k| *k == "alert_step"),
        "{kinds:?}"
    );
    assert!(items.iter().all(|i| i["case_no"] == case_no), "{page}");
    assert_eq!(items[0]["event"]["kind"], "opened", "{page}");
    assert_eq!(items[1]["event"]["kind"], "accepted", "{page}");
    assert_eq!(page["more"], false);
    let next = page["next"].as_str().expect("next").to_owned();
    assert_eq!(items.last().map(|i| i["cursor"].clone()), Some(json!(next)));

    // After the last cursor: an empty page, the same cursor.
    let empty = get(&format!("after={next}"));
    assert_eq!(empty["items"], json!([]), "{empty}");
    assert_eq!(empty["next"], json!(next));

    // One at a time gives the same entries in the same order.
    let mut cursor = String::new();
    let mut walked = Vec::new();
    loop {
        let page = get(&format!("limit=1&after={cursor}"));
        let Some(item) = page["items"].as_array().and_then(|a| a.first()).cloned() else {
            break;
        };
        walked.push((item["type"].clone(), item["id"].clone()));
        cursor = page["next"].as_str().expect("next").to_owned();
        assert!(walked.len() <= items.len(), "the walk ends");
    }
    let whole: Vec<_> = items
        .iter()
        .map(|i| (i["type"].clone(), i["id"].clone()))
        .collect();
    assert_eq!(walked, whole);
    assert_eq!(cursor, next);

    let res = server
        .get("/api/v1/supervision/feed?after=bogus")
        .bearer_auth(supervisor)
        .send()
        .expect("bad cursor");
    problem(res, 400, "invalid_cursor", "bad cursor");
}
