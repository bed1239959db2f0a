//! The supervisor's desk over HTTP (issue 17, part 3): the alerts grouped by case with a red
//! superseding its yellow and stage names, the whole case read-only from an alert, the
//! urging order (督办单) from the urge to the head's queue and reply, its missed deadline
//! listed on the dashboard, a bad rating's score, comment and rectification (整改).

use serde_json::{json, Value};

use crate::every_alert::Hall;
use crate::form_client::{Browser, Page};
use crate::harness::{Server, DEMO_PASSWORD};

fn server() -> Server {
    Server::start(&["--demo", "--test-clock", "--sweep-every", "0"])
}

fn json_of(res: reqwest::blocking::Response, status: u16, what: &str) -> Value {
    let got = res.status().as_u16();
    let body: Value = res.json().unwrap_or(Value::Null);
    assert_eq!(got, status, "{what}: {body}");
    body
}

fn get_json(hall: &Hall, user: &str, path: &str, status: u16) -> Value {
    let token = hall.token(user, None);
    json_of(
        hall.server
            .get(path)
            .bearer_auth(&token)
            .send()
            .expect(path),
        status,
        path,
    )
}

fn post_json(hall: &Hall, user: &str, path: &str, body: Value, status: u16) -> Value {
    let token = hall.token(user, None);
    json_of(
        hall.server
            .post(path)
            .bearer_auth(&token)
            .json(&body)
            .send()
            .expect(path),
        status,
        path,
    )
}

fn sign_in<'s>(server: &'s Server, username: &str) -> Browser<'s> {
    let mut b = Browser::new(server);
    let form = b.get("/staff/login");
    let csrf = form.field("csrf");
    let signed = b.post(
        "/staff/login",
        &[
            ("csrf", &csrf),
            ("username", username),
            ("password", DEMO_PASSWORD),
            ("window", ""),
        ],
    );
    signed.redirect("sign-in");
    b
}

/// Posts a form found on `page_path` to `action` with `fields` (the CSRF field added).
fn submit(b: &mut Browser, page_path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
    let page = b.get(page_path);
    page.html(200, page_path);
    let csrf = page.field("csrf");
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    b.post(action, &all)
}

/// A GA-QR-01 case accepted at A02 on day 0, past its promised deadline on day 25.
fn late_case(hall: &Hall, key: &str) -> String {
    let no = hall.intake(key);
    hall.act("clerk-a02", Some("A02"), &no, "accept", json!({}));
    no
}

/// The case's alert of `rule` at `level`.
fn alert_id(hall: &Hall, no: &str, rule: &str, level: &str) -> i64 {
    let page = hall.alert_page(no);
    page["items"]
        .as_array()
        .expect("alerts")
        .iter()
        .find(|a| a["rule"] == rule && a["level"] == level)
        .unwrap_or_else(|| panic!("no {level} {rule} on {no}: {page}"))["id"]
        .as_i64()
        .expect("id")
}

#[test]
fn desk_groups_alerts_by_case_and_opens_the_case_read_only() {
    let server = server();
    let hall = Hall { server: &server };
    let late = late_case(&hall, "desk-late");
    let other = late_case(&hall, "desk-other");
    hall.set_clock(25);
    hall.sweep();

    // One entry per case; the promised yellow is superseded by its red.
    let grouped = get_json(
        &hall,
        "supervisor",
        &format!("/api/v1/supervision/cases?case_no={late}"),
        200,
    );
    assert_eq!(grouped["total"], 1, "{grouped}");
    let row = &grouped["items"][0];
    assert_eq!(row["case_no"], late.as_str());
    assert_eq!(row["level"], "red", "{row}");
    let listed = row["alerts"].as_array().expect("alerts");
    assert!(
        listed
            .iter()
            .any(|a| a["rule"] == "promised_deadline" && a["level"] == "red"),
        "{row}"
    );
    assert!(
        !listed
            .iter()
            .any(|a| a["rule"] == "promised_deadline" && a["level"] == "yellow"),
        "the yellow is not listed beside its red: {row}"
    );
    assert!(
        row["superseded"].as_u64().expect("superseded") >= 1,
        "{row}"
    );
    // Stage alerts carry the stage's name from the item, not its code.
    let stage = listed
        .iter()
        .find(|a| a["stage"].is_string())
        .unwrap_or_else(|| panic!("a stage alert: {row}"));
    assert!(
        stage["stage_name"].is_string() && stage["stage_name"] != stage["stage"],
        "{stage}"
    );
    let all = get_json(&hall, "supervisor", "/api/v1/supervision/cases", 200);
    assert_eq!(all["total"], 2, "two cases, however many alerts: {all}");

    // The page: one row per case, stage names, a link to the whole case.
    let mut b = sign_in(&server, "supervisor");
    let list = b.get("/staff/supervision/alerts");
    let body = list.html(200, "grouped alerts");
    assert_eq!(body.matches("<tr class=\"row-").count(), 2, "{body}");
    let stage_name = stage["stage_name"].as_str().expect("name");
    assert!(body.contains(stage_name), "{body}");
    let code = stage["stage"].as_str().expect("code");
    assert!(!body.contains(&format!("· {code}<")), "no raw code: {body}");
    assert!(
        body.contains(&format!("href=\"/staff/supervision/cases/{late}\""))
            && body.contains(&format!("href=\"/staff/supervision/cases/{other}\"")),
        "{body}"
    );

    // From the alert, the whole case, read-only.
    let red = alert_id(&hall, &late, "promised_deadline", "red");
    let alert = b.get(&format!("/staff/supervision/alerts/{red}"));
    let body = alert.html(200, "alert");
    assert!(!body.contains("href=\"#case\""), "{body}");
    assert!(
        body.contains(&format!("href=\"/staff/supervision/cases/{late}\"")),
        "{body}"
    );
    let case = b.get(&format!("/staff/supervision/cases/{late}"));
    let body = case.html(200, "the case for the supervisor");
    for text in [late.as_str(), "只读", "办理过程", "超承诺时限", stage_name] {
        assert!(body.contains(text), "the case page says «{text}»: {body}");
    }
    assert!(
        !body.contains(&format!("action=\"/staff/cases/{late}")),
        "no action form: {body}"
    );
    // Not for the back office.
    let mut approver = sign_in(&server, "approver-gaj");
    let refused = approver.get(&format!("/staff/supervision/cases/{late}"));
    assert_eq!(refused.status, 403, "{}", refused.body);
}

#[test]
fn urging_order_reaches_the_head_who_replies_and_a_missed_reply_is_listed() {
    let server = server();
    let hall = Hall { server: &server };
    let no = late_case(&hall, "desk-urge");
    // Day 25 is Friday 2026-03-27.
    hall.set_clock(25);
    hall.sweep();
    let promised = alert_id(&hall, &no, "promised_deadline", "red");
    let stage_red = hall.alert_page(&no)["items"]
        .as_array()
        .expect("alerts")
        .iter()
        .find(|a| a["rule"] == "stage_deadline" && a["level"] == "red")
        .map(|a| a["id"].as_i64().expect("id"))
        .expect("a stage red");

    // Bad reply days are refused.
    post_json(
        &hall,
        "supervisor",
        &format!("/api/v1/supervision/alerts/{promised}/urge"),
        json!({"note": "x", "reply_days": 0}),
        422,
    );
    let urged = post_json(
        &hall,
        "supervisor",
        &format!("/api/v1/supervision/alerts/{promised}/urge"),
        json!({"note": "请两日内回复", "reply_days": 2}),
        200,
    );
    assert!(
        urged["steps"][0]["notified"]
            .as_array()
            .is_some_and(|n| n.iter().any(|u| u == "head-gaj")),
        "the demo head has an address: {urged}"
    );
    post_json(
        &hall,
        "supervisor",
        &format!("/api/v1/supervision/alerts/{stage_red}/urge"),
        json!({"note": "请一日内回复", "reply_days": 1}),
        200,
    );
    let outbox = get_json(&hall, "admin", "/api/v1/admin/outbox", 200);
    assert!(
        outbox
            .as_array()
            .expect("messages")
            .iter()
            .any(|m| m["recipient"] == "head-gaj@demo.tongban.invalid"),
        "{outbox}"
    );

    // The head's queue lists both orders, with their last days (Mon 03-30, Tue 03-31).
    let orders = get_json(&hall, "head-gaj", "/api/v1/urging-orders", 200);
    let orders = orders.as_array().expect("orders").clone();
    assert_eq!(orders.len(), 2, "{orders:?}");
    let first = orders
        .iter()
        .find(|o| o["alert_id"] == promised)
        .expect("the promised order");
    assert_eq!(first["reply_due"], "2026-03-31", "{first}");
    assert_eq!(first["state"], "awaited", "{first}");
    let order = first["id"].as_i64().expect("id");
    let second = orders
        .iter()
        .find(|o| o["alert_id"] == stage_red)
        .expect("the stage order");
    assert_eq!(second["reply_due"], "2026-03-30", "{second}");
    let mut head = sign_in(&server, "head-gaj");
    let queue = head.get("/staff/queue");
    let body = queue.html(200, "head's queue");
    assert!(
        body.contains("督办单") && body.contains(&format!("href=\"/staff/urging/{order}\"")),
        "{body}"
    );
    // Nobody else's.
    assert_eq!(
        get_json(&hall, "head-mzj", "/api/v1/urging-orders", 200),
        json!([])
    );
    get_json(
        &hall,
        "head-mzj",
        &format!("/api/v1/urging-orders/{order}"),
        404,
    );
    get_json(&hall, "approver-gaj", "/api/v1/urging-orders", 403);

    // Day 29 (Tue 03-31): the one-day order is overdue, the two-day one is not yet.
    hall.set_clock(29);
    let dashboard = get_json(&hall, "supervisor", "/api/v1/supervision/dashboard", 200);
    let overdue = dashboard["urging_overdue"].as_array().expect("overdue");
    assert_eq!(overdue.len(), 1, "{dashboard}");
    assert_eq!(overdue[0]["alert_id"], stage_red, "{dashboard}");
    assert_eq!(dashboard["urging_awaited"], 1, "{dashboard}");
    assert!(
        dashboard["open_red"].as_u64().expect("red") >= 2,
        "{dashboard}"
    );
    let mut desk = sign_in(&server, "supervisor");
    let page = desk.get("/staff/supervision");
    let body = page.html(200, "dashboard");
    assert!(
        body.contains("id=\"urging-overdue\"")
            && body.contains(&format!("href=\"/staff/supervision/alerts/{stage_red}\"")),
        "{body}"
    );
    let grouped = get_json(
        &hall,
        "supervisor",
        &format!("/api/v1/supervision/cases?case_no={no}"),
        200,
    );
    assert_eq!(
        grouped["items"][0]["urging"]["state"], "overdue",
        "{grouped}"
    );
    // The missed reply escalates: the sweep raises a red on the case, once however often
    // it runs.
    assert!(
        !has_alert(&hall, &no, "urging_unanswered"),
        "not before a sweep"
    );
    hall.sweep();
    hall.sweep();
    let escalated: Vec<_> = hall.alert_page(&no)["items"]
        .as_array()
        .expect("alerts")
        .iter()
        .filter(|a| a["rule"] == "urging_unanswered")
        .map(|a| a["level"].clone())
        .collect();
    assert_eq!(escalated, vec![json!("red")], "one red: {escalated:?}");

    // The head replies on the page (signed in again: sessions are dated by the test clock);
    // the supervisor sees the reply on the alert.
    let mut head = sign_in(&server, "head-gaj");
    let reply = "已督促承办人当日办结";
    let done = submit(
        &mut head,
        &format!("/staff/urging/{order}"),
        &format!("/staff/urging/{order}/reply"),
        &[("reply", reply)],
    );
    assert_eq!(
        done.redirect("reply"),
        format!("/staff/urging/{order}?done=reply")
    );
    let answered = get_json(
        &hall,
        "supervisor",
        &format!("/api/v1/urging-orders/{order}"),
        200,
    );
    assert_eq!(answered["state"], "answered", "{answered}");
    assert_eq!(answered["reply"], reply);
    assert_eq!(answered["replied_by"], "head-gaj");
    let alert = desk.get(&format!("/staff/supervision/alerts/{promised}"));
    let body = alert.html(200, "alert with reply");
    assert!(body.contains(reply) && body.contains("已回复"), "{body}");
    // Once only.
    post_json(
        &hall,
        "head-gaj",
        &format!("/api/v1/urging-orders/{order}/reply"),
        json!({"reply": "again"}),
        409,
    );
}

#[test]
fn bad_rating_alert_shows_score_and_comment_and_records_rectification() {
    let server = server();
    let hall = Hall { server: &server };
    let comment = "窗口态度差，排队两小时";
    let no = rated_badly(&hall, "desk-rated", comment);
    hall.set_clock(10);
    hall.sweep();
    let bad = alert_id(&hall, &no, "bad_evaluation_unanswered", "red");

    let mut b = sign_in(&server, "supervisor");
    let page = b.get(&format!("/staff/supervision/alerts/{bad}"));
    let body = page.html(200, "bad rating alert");
    assert!(body.contains("1 / 5") && body.contains(comment), "{body}");
    assert!(body.contains("尚未登记"), "{body}");

    let text = "已约谈窗口负责人，增设叫号机";
    let done = submit(
        &mut b,
        &format!("/staff/supervision/alerts/{bad}"),
        &format!("/staff/supervision/alerts/{bad}/rectification"),
        &[("text", text)],
    );
    done.redirect("rectification");
    let page = b.get(&format!("/staff/supervision/alerts/{bad}"));
    let body = page.html(200, "after rectification");
    assert!(
        body.contains(text) && body.contains("supervisor") && !body.contains("尚未登记"),
        "{body}"
    );
    assert!(
        !body.contains("id=\"rectification-text\""),
        "recorded once: {body}"
    );
    post_json(
        &hall,
        "supervisor",
        &format!("/api/v1/supervision/alerts/{bad}/rectification"),
        json!({"text": "again"}),
        409,
    );
    // Only a bad-rating alert takes a rectification.
    let other = hall.alert_page(&no)["items"]
        .as_array()
        .expect("alerts")
        .iter()
        .find(|a| a["rule"] != "bad_evaluation_unanswered")
        .map(|a| a["id"].as_i64().expect("id"));
    if let Some(other) = other {
        post_json(
            &hall,
            "supervisor",
            &format!("/api/v1/supervision/alerts/{other}/rectification"),
            json!({"text": "x"}),
            409,
        );
    }
}

/// A GA-QR-01 case (公安局) decided, delivered and rated 1 with `comment`.
fn rated_badly(hall: &Hall, key: &str, comment: &str) -> String {
    let no = late_case(hall, key);
    hall.server.conclude_id_card_case(&no, 2);
    let code = hall.case(&hall.token("supervisor", None), &no)["query_code"]
        .as_str()
        .expect("query code")
        .to_owned();
    let res = hall
        .server
        .post(&format!("/api/v1/public/cases/{no}/evaluation"))
        .json(&json!({"query_code": code, "score": 1, "comment": comment}))
        .send()
        .expect("rating");
    assert_eq!(res.status(), 201);
    no
}

#[test]
fn a_bad_rating_lands_in_the_department_heads_queue_who_records_the_rectification() {
    let server = server();
    let hall = Hall { server: &server };
    let comment = "材料要求说明不清，跑了三次";
    let no = rated_badly(&hall, "head-rated", comment);
    let rating = format!("/staff/ratings/{no}");

    // Another department's head neither sees it nor opens it.
    let mut other = sign_in(&server, "head-mzj");
    let queue = other
        .get("/staff/queue")
        .html(200, "other head's queue")
        .to_owned();
    assert!(!queue.contains(&rating), "{queue}");
    other.get(&rating).html(404, "another department's rating");

    // Over the API too: the head's department's list, and no one else's.
    let listed = get_json(&hall, "head-gaj", "/api/v1/bad-ratings", 200);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["case_no"], no.as_str());
    assert_eq!(listed[0]["comment"], comment);
    let others = get_json(&hall, "head-mzj", "/api/v1/bad-ratings", 200);
    assert_eq!(others, json!([]));
    get_json(&hall, "supervisor", "/api/v1/bad-ratings", 403);
    let api_path = format!("/api/v1/cases/{no}/evaluation/rectification");
    post_json(&hall, "head-mzj", &api_path, json!({"text": "x"}), 404);
    post_json(&hall, "approver-gaj", &api_path, json!({"text": "x"}), 403);

    let mut b = sign_in(&server, "head-gaj");
    let queue = b.get("/staff/queue").html(200, "head's queue").to_owned();
    assert!(
        queue.contains("差评待整改") && queue.contains(&format!("href=\"{rating}\"")),
        "{queue}"
    );
    let page = b.get(&rating).html(200, "rating page").to_owned();
    assert!(page.contains("1 / 5") && page.contains(comment), "{page}");
    // Rated on Monday 2026-03-02: three working days, so the last day is Thursday.
    assert!(
        page.contains("2026年03月05日"),
        "the last day to rectify: {page}"
    );

    // Nothing written is refused by name, and nothing is recorded.
    let empty = submit(
        &mut b,
        &rating,
        &format!("{rating}/rectification"),
        &[("text", " ")],
    );
    let body = empty.html(422, "empty rectification").to_owned();
    assert!(
        body.contains("id=\"rectification-text\""),
        "the form again: {body}"
    );

    let text = "已对窗口人员开展一次性告知培训，材料清单增加示例";
    let done = submit(
        &mut b,
        &rating,
        &format!("{rating}/rectification"),
        &[("text", text)],
    );
    assert_eq!(
        done.redirect("rectification"),
        format!("{rating}?done=rectification")
    );
    let page = b
        .get(&format!("{rating}?done=rectification"))
        .html(200, "recorded")
        .to_owned();
    assert!(page.contains(text) && page.contains("head-gaj"), "{page}");
    assert!(
        !page.contains("id=\"rectification-text\""),
        "recorded once: {page}"
    );
    let queue = b
        .get("/staff/queue")
        .html(200, "head's queue after")
        .to_owned();
    assert!(!queue.contains(&rating), "no longer awaited: {queue}");
    let listed = get_json(&hall, "head-gaj", "/api/v1/bad-ratings", 200);
    assert_eq!(listed, json!([]));
    post_json(&hall, "head-gaj", &api_path, json!({"text": "again"}), 409);

    // Rectified in time: the sweep past the follow-up deadline raises nothing.
    hall.set_clock(10);
    hall.sweep();
    assert!(!has_alert(&hall, &no, "bad_evaluation_unanswered"));
}

/// Whether case `no` has an alert of `rule` (any level).
fn has_alert(hall: &Hall<'_>, no: &str, rule: &str) -> bool {
    hall.alert_page(no)["items"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x["rule"] == rule))
}
