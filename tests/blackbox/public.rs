//! The public side, without an account: status by case number and query code (masked, the
//! same 404 for a wrong code and an unknown number, rate-limited), the rating after the case
//! ended (once), and complaints (which supervisors read and which alert on the case).

use crate::backend;
use crate::harness::Server;

pub(crate) fn post_action(
    server: &Server,
    token: &str,
    no: &str,
    action: &str,
    version: u64,
    body: serde_json::Value,
) {
    server.case_action(token, no, action, version, body);
}

#[test]
fn the_public_side() {
    for backend in backend::all("the_public_side") {
        eprintln!("backend: {}", backend.name());
        let mut args = backend.args();
        args.extend(["--demo", "--test-clock", "--sweep-every", "0"].map(String::from));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        public_side(&Server::start(&args));
    }
}

fn public_side(server: &Server) {
    let clerk = server.login("clerk-a02", Some("A02"));
    let res = server
        .post("/api/v1/cases")
        .bearer_auth(&clerk)
        .header("Idempotency-Key", "public-1")
        .json(&serde_json::json!({
            "item_code": "GA-QR-01",
            "applicant": {"kind": "person", "name": "赵六", "id_number": "110101199001019876",
                          "phone": "13800138000"},
            "materials": [{"code": "hkb"}, {"code": "jsfz"}, {"code": "zp"}],
        }))
        .send()
        .expect("intake");
    assert_eq!(res.status(), 201);
    let case: serde_json::Value = res.json().expect("case");
    let no = case["case_no"].as_str().expect("case_no").to_owned();
    let code = case["query_code"].as_str().expect("query_code").to_owned();
    assert!(code.len() >= 10, "query codes are long: {code}");

    let status = |no: &str, code: &str| {
        server
            .get(&format!("/api/v1/public/cases/{no}?query_code={code}"))
            .send()
            .expect("status")
    };
    let res = status(&no, &code);
    assert_eq!(res.status(), 200);
    let v: serde_json::Value = res.json().expect("json");
    assert_eq!(v["status"], "received");
    assert_eq!(v["applicant"]["name"], "赵*");
    assert_eq!(v["applicant"]["id_number"], "110***********9876");
    assert_eq!(v["applicant"]["phone"], "138****8000");
    assert!(!v.to_string().contains("199001019876"), "no full ID: {v}");
    assert!(
        v["next_step"].as_str().is_some_and(|s| s.contains("受理")),
        "{v}"
    );
    assert_eq!(v["timeline"][0]["kind"], "opened");

    // A wrong code and an unknown number: the very same answer.
    let wrong = status(&no, "AAAAAAAAAA");
    let unknown = status("2026030299999999", &code);
    assert_eq!(
        (wrong.status().as_u16(), unknown.status().as_u16()),
        (404, 404)
    );
    assert_eq!(wrong.text().expect("body"), unknown.text().expect("body"));

    // No rating before the case ended.
    let rate = |score: i64| {
        server
            .post(&format!("/api/v1/public/cases/{no}/evaluation"))
            .json(&serde_json::json!({"query_code": code, "score": score, "comment": "太慢"}))
            .send()
            .expect("evaluation")
    };
    let res = rate(1);
    assert_eq!(res.status(), 409);

    // Through to conclusion: accept, the two stages, approval, delivery.
    let approver = server.login("approver-gaj", None);
    let head = server.login("head-gaj", None);
    post_action(server, &clerk, &no, "accept", 1, serde_json::json!({}));
    post_action(
        server,
        &approver,
        &no,
        "complete-stage",
        2,
        serde_json::json!({"stage": "shqf", "opinion": "符合条件"}),
    );
    post_action(
        server,
        &head,
        &no,
        "complete-stage",
        3,
        serde_json::json!({"stage": "zz", "opinion": "已制证"}),
    );
    post_action(
        server,
        &approver,
        &no,
        "approve",
        4,
        serde_json::json!({"opinion": "准予换领"}),
    );
    post_action(
        server,
        &clerk,
        &no,
        "deliver",
        5,
        serde_json::json!({"method": "window"}),
    );
    let v: serde_json::Value = status(&no, &code).json().expect("json");
    assert_eq!(v["status"], "concluded");
    assert_eq!(v["can_evaluate"], true);

    let res = rate(0);
    assert_eq!(res.status(), 422, "score 0");
    let res = rate(1);
    assert_eq!(res.status(), 201);
    let e: serde_json::Value = res.json().expect("json");
    assert!(
        e["follow_up_due"].is_string(),
        "a bad rating gets a follow-up due: {e}"
    );
    let res = rate(5);
    assert_eq!(res.status(), 409, "rated once");

    // A complaint about the case: stored, listed for supervisors, and an alert on the case.
    let res = server
        .post("/api/v1/complaints")
        .json(&serde_json::json!({"case_no": no, "text": "窗口态度不好", "contact": "13800138000"}))
        .send()
        .expect("complaint");
    assert_eq!(res.status(), 201);
    let bad = server
        .post("/api/v1/complaints")
        .json(&serde_json::json!({"window": "NOPE", "text": ""}))
        .send()
        .expect("complaint");
    assert_eq!(bad.status(), 422);
    let supervisor = server.login("supervisor", None);
    let list: serde_json::Value = server
        .get("/api/v1/complaints")
        .bearer_auth(&supervisor)
        .send()
        .expect("list")
        .json()
        .expect("json");
    assert_eq!(list["total"], 1, "{list}");
    let applicant = server.login("applicant", None);
    let res = server
        .get("/api/v1/complaints")
        .bearer_auth(&applicant)
        .send()
        .expect("list");
    assert_eq!(res.status(), 403);
    let alerts: serde_json::Value = server
        .get(&format!("/api/v1/supervision/alerts?case_no={no}"))
        .bearer_auth(&supervisor)
        .send()
        .expect("alerts")
        .json()
        .expect("json");
    let rules: Vec<&str> = alerts["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["rule"].as_str()).collect())
        .unwrap_or_default();
    assert!(rules.contains(&"complaint"), "{alerts}");

    // The rate limit: a burst of queries from one client is cut off with 429 + Retry-After.
    let limited = (0..40)
        .map(|_| status(&no, &code))
        .find(|r| r.status() == 429)
        .expect("some request is rate-limited");
    assert!(limited.headers().get("retry-after").is_some());
    let p: serde_json::Value = limited.json().expect("problem");
    assert_eq!(p["code"], "rate_limited");
}
