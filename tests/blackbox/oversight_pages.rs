//! The supervision office's pages and the back office's over HTTP, as a browser without
//! JavaScript uses them: a supervisor signs in without a window, sees the alerts the test
//! clock brought, filters them, acknowledges and urges one with confirmation, reads the
//! statistics with their SVG charts and downloads the CSV; an approver completes a stage,
//! approves, suspends, resumes and denies, a head completes a stage and extends; other roles
//! are kept out.

use serde_json::{json, Value};

use crate::every_alert::Hall;
use crate::form_client::{Browser, Page};
use crate::harness::{Server, DEMO_PASSWORD};

fn server() -> Server {
    Server::start(&["--demo", "--test-clock", "--sweep-every", "0"])
}

fn case_json(hall: &Hall, no: &str) -> Value {
    let token = hall.token("supervisor", None);
    hall.server
        .get(&format!("/api/v1/cases/{no}"))
        .bearer_auth(&token)
        .send()
        .expect("case")
        .json()
        .expect("case json")
}

/// A GA-QR-01 case taken and accepted at window A02 through the API.
fn accepted_case(hall: &Hall, key: &str) -> String {
    let no = hall.intake(key);
    hall.act("clerk-a02", Some("A02"), &no, "accept", json!({}));
    no
}

/// Signs in through the form without a window; answers the redirect.
fn sign_in(b: &mut Browser, username: &str) -> Page {
    let form = b.get("/staff/login");
    let csrf = form.field("csrf");
    b.post(
        "/staff/login",
        &[
            ("csrf", &csrf),
            ("username", username),
            ("password", DEMO_PASSWORD),
            ("window", ""),
        ],
    )
}

/// The SVG element with id `chart`.
fn svg<'b>(body: &'b str, chart: &str) -> &'b str {
    let start = body
        .find(&format!("id=\"{chart}\""))
        .unwrap_or_else(|| panic!("no chart {chart}"));
    assert!(
        body[..start].ends_with("<svg class=\"chart\" "),
        "{chart} is an <svg>"
    );
    &body[start..start + body[start..].find("</svg>").expect("end of svg")]
}

/// The `attr` values of the `<rect>`s of the SVG element with id `chart`.
fn bars(body: &str, chart: &str, attr: &str) -> Vec<String> {
    svg(body, chart)
        .split("<rect ")
        .skip(1)
        .map(|r| {
            let key = format!(" {attr}=\"");
            let at = r.find(&key).expect("attribute") + key.len();
            r[at..at + r[at..].find('"').expect("end")].to_owned()
        })
        .collect()
}

/// Posts a step form of an alert, checks the confirmation page, confirms.
fn step(b: &mut Browser, id: &str, action: &str, note: &str) -> (Page, Page) {
    let page = b.get(&format!("/staff/supervision/alerts/{id}"));
    page.html(200, "alert page");
    let csrf = page.field("csrf");
    let path = format!("/staff/supervision/alerts/{id}/{action}");
    let confirm = b.post(&path, &[("csrf", &csrf), ("note", note)]);
    confirm.html(200, "step confirmation");
    assert!(
        confirm.body.contains("name=\"confirm\" value=\"yes\""),
        "{}",
        confirm.body
    );
    let done = b.post(
        &path,
        &[("csrf", &csrf), ("note", note), ("confirm", "yes")],
    );
    (confirm, done)
}

#[test]
fn supervisor_works_alerts_and_reads_statistics() {
    let server = server();
    let hall = Hall { server: &server };
    // Day 0: two cases accepted. One is decided the next day (on time), the other is not.
    let late = accepted_case(&hall, "late");
    let prompt = accepted_case(&hall, "prompt");
    hall.set_clock(1);
    hall.act(
        "approver-gaj",
        None,
        &prompt,
        "complete-stage",
        json!({"stage": "shqf", "opinion": "符合条件"}),
    );
    hall.act(
        "head-gaj",
        None,
        &prompt,
        "complete-stage",
        json!({"stage": "zz", "opinion": "已制证"}),
    );
    hall.act(
        "approver-gaj",
        None,
        &prompt,
        "approve",
        json!({"opinion": "准予换领"}),
    );
    // Day 25 (2026-03-27): the other case is past its promised deadline (20 natural days).
    hall.set_clock(25);
    hall.sweep();

    let mut b = Browser::new(&server);
    let signed = sign_in(&mut b, "supervisor");
    assert_eq!(
        signed.redirect("supervisor sign-in"),
        "/staff/supervision/alerts"
    );
    let list = b.get("/staff/supervision/alerts");
    let body = list.html(200, "alerts");
    assert!(body.contains(&late), "the late case's alerts: {body}");
    assert!(
        body.contains("红牌") && body.contains("黄牌"),
        "levels in words"
    );
    assert!(body.contains("超承诺时限"));
    assert!(body.contains("href=\"/staff/supervision/stats\""), "nav");

    // Filters: the red promised-deadline card of the case, and nothing in another department.
    let red = b.get(
        "/staff/supervision/alerts?level=red&rule=promised_deadline&status=open&department=gaj",
    );
    let body = red.html(200, "filtered alerts").to_owned();
    assert!(body.contains("共 1 件办件有预警"), "{body}");
    assert!(
        body.contains("<option value=\"red\" selected>红牌</option>"),
        "{body}"
    );
    let other = b.get("/staff/supervision/alerts?department=mzj");
    assert!(other
        .html(200, "other department")
        .contains("共 0 件办件有预警"));
    let bad = b.get("/staff/supervision/alerts?level=green");
    bad.html(400, "unknown level");

    let link = "href=\"/staff/supervision/alerts/";
    let at = body.find(link).expect("alert link") + link.len();
    let id = body[at..at + body[at..].find('"').expect("end")].to_owned();
    let page = b.get(&format!("/staff/supervision/alerts/{id}"));
    let body = page.html(200, "alert page");
    for text in [
        late.as_str(),
        "超承诺时限",
        "待处理",
        "审核签发",
        "办理过程",
        "/acknowledge\"",
        "/urge\"",
        "/resolve\"",
        "/escalate\"",
        "for=\"urge-note\"",
    ] {
        assert!(body.contains(text), "alert page lacks {text}: {body}");
    }

    // Acknowledge, with the confirmation step.
    let (_, done) = step(&mut b, &id, "acknowledge", "");
    assert_eq!(
        done.redirect("acknowledge"),
        format!("/staff/supervision/alerts/{id}?done=acknowledge")
    );
    let page = b.get(&format!("/staff/supervision/alerts/{id}?done=acknowledge"));
    let body = page.html(200, "acknowledged");
    assert!(body.contains("已完成：确认"), "{body}");
    assert!(body.contains("已确认"));
    assert!(!body.contains("/acknowledge\""), "acknowledged once only");

    // Urge (督办) with the message to the department.
    let message = "请于三日内办结并反馈";
    let (confirm, done) = step(&mut b, &id, "urge", message);
    assert!(confirm.body.contains(message), "the note is repeated");
    assert!(confirm.body.contains("督办"));
    done.redirect("urge");
    let body = b.get(&format!("/staff/supervision/alerts/{id}")).body;
    assert!(body.contains("已督办") && body.contains(message), "{body}");
    let token = server.login("supervisor", None);
    let detail: Value = server
        .get(&format!("/api/v1/supervision/alerts/{id}"))
        .bearer_auth(&token)
        .send()
        .expect("alert")
        .json()
        .expect("alert json");
    assert_eq!(detail["status"], "urged", "{detail}");
    let steps: Vec<&str> = detail["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(steps, ["acknowledge", "urge"]);
    assert_eq!(detail["steps"][1]["note"], message);
    assert_eq!(detail["steps"][1]["actor"], "supervisor");

    // Resolving needs an explanation: the message comes back next to the field.
    let csrf = b
        .get(&format!("/staff/supervision/alerts/{id}"))
        .field("csrf");
    let empty = b.post(
        &format!("/staff/supervision/alerts/{id}/resolve"),
        &[("csrf", &csrf), ("note", " ")],
    );
    let body = empty.html(422, "resolve without a note");
    assert!(body.contains("id=\"resolve-note-error\""), "{body}");

    // Statistics for March so far: the decided case on time, the other overdue.
    let stats = b.get("/staff/supervision/stats");
    let body = stats.html(200, "statistics").to_owned();
    assert!(body.contains("value=\"2026-03-01\"") && body.contains("value=\"2026-03-27\""));
    assert!(body.contains("<title id=\"chart-on-time-title\">各部门按时办结率</title>"));
    assert!(body.contains("<desc id=\"chart-on-time-desc\">"));
    assert!(!body.contains("<script"));
    // One on time, one overdue: 50 % — half of the 400 units of bar span.
    assert!(
        body.contains("<title>县公安局: 50%（1/2）</title>"),
        "{body}"
    );
    let rates = bars(&body, "chart-on-time", "data-value");
    let widths = bars(&body, "chart-on-time", "width");
    assert_eq!(
        rates,
        ["50"],
        "only the department with cases due has a bar"
    );
    assert_eq!(widths, ["200"]);
    // The overdue case was received on 03-02: one bar of 27 (a day each), full height.
    let overdue = bars(&body, "chart-overdue", "data-value");
    assert_eq!(overdue.len(), 27, "{overdue:?}");
    assert_eq!(overdue[1], "1");
    assert_eq!(overdue.iter().filter(|v| *v != "0").count(), 1);
    assert_eq!(bars(&body, "chart-overdue", "height")[1], "200");
    // The decided case took one working day (accepted Monday, decided Tuesday).
    assert_eq!(bars(&body, "chart-days", "data-value"), ["1"]);
    assert!(body.contains("居民身份证换领: 1 个工作日"), "{body}");
    // The same numbers in the tables.
    assert!(
        body.contains("<td data-label=\"按时率\">50%</td>"),
        "{body}"
    );

    let csv_link = "href=\"/staff/supervision/stats.csv?group_by=department&amp;from=2026-03-01&amp;to=2026-03-27\"";
    assert!(body.contains(csv_link), "{body}");
    let csv =
        b.get("/staff/supervision/stats.csv?group_by=department&from=2026-03-01&to=2026-03-27");
    let download = server
        .get("/staff/supervision/stats.csv?group_by=department&from=2026-03-01&to=2026-03-27")
        .header("Cookie", format!("tb_session={}", b.cookies["tb_session"]))
        .send()
        .expect("csv download");
    assert_eq!(
        download.headers()["content-disposition"],
        "attachment; filename=\"tongban-stats-department-2026-03-01-2026-03-27.csv\""
    );
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    let rows: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert!(rows[0].starts_with("department,name,received,"), "{rows:?}");
    assert!(
        rows.contains(&"gaj,县公安局,2,2,0,0,1,1,1,0,1,,0"),
        "{rows:?}"
    );
    assert!(
        rows.contains(&"mzj,县民政局,0,0,0,0,0,0,0,0,,,0"),
        "{rows:?}"
    );
    assert_eq!(rows.last(), Some(&"total,合计,2,2,0,0,1,1,1,0,1,,0"));
    let by_item = b.get("/staff/supervision/stats.csv?group_by=item&from=2026-03-01&to=2026-03-27");
    assert!(
        by_item
            .body
            .contains("GA-QR-01,居民身份证换领,2,2,0,0,1,1,1,0,1,,0"),
        "{}",
        by_item.body
    );
    let bad = b.get("/staff/supervision/stats?from=2026-03-28&to=2026-03-01");
    assert!(bad
        .html(400, "from after to")
        .contains("id=\"stats-error\""));

    // In English, with the charts named in English.
    b.get("/lang/en?next=/staff/supervision/stats");
    let english = b.get("/staff/supervision/stats");
    let body = english.html(200, "statistics in English");
    assert!(body.contains("<html lang=\"en\">"));
    assert!(body.contains("On-time rate by department"));
    assert!(b
        .get(&format!("/staff/supervision/alerts/{id}"))
        .html(200, "alert in English")
        .contains("Urged"));
}

#[test]
fn back_office_completes_stages_decides_suspends_and_extends() {
    let server = server();
    let hall = Hall { server: &server };
    let first = accepted_case(&hall, "first");
    let second = accepted_case(&hall, "second");

    let mut approver = Browser::new(&server);
    assert_eq!(
        sign_in(&mut approver, "approver-gaj").redirect("approver"),
        "/staff/queue"
    );
    let queue = approver.get("/staff/queue");
    let body = queue.html(200, "department queue");
    assert!(body.contains("县公安局"), "{body}");
    assert!(body.contains(&format!("href=\"/staff/cases/{first}\"")));
    assert!(
        !body.contains("href=\"/staff/intake\""),
        "no intake for the back office"
    );
    let case = approver.get(&format!("/staff/cases/{first}"));
    let body = case.html(200, "case for the approver");
    // The approver's stage is offered; the head's extension is not; approving waits for
    // the stages, with the reason.
    assert!(
        body.contains("<option value=\"shqf\">审核签发</option>"),
        "{body}"
    );
    assert!(
        !body.contains("value=\"zz\""),
        "the head's stage is not the approver's"
    );
    assert!(!body.contains("/actions/extend\""));
    assert!(!body.contains("/actions/accept\""));
    assert!(body.contains("id=\"h-approve\""));
    assert!(body.contains("暂不能办理"), "{body}");
    assert!(
        body.contains(&format!("href=\"/cases/{first}/documents/acceptance\"")),
        "the back office prints the case's documents too"
    );

    let done = approver.act(
        &first,
        "complete-stage",
        &[("stage", "shqf"), ("opinion", "材料齐全，符合条件")],
    );
    assert_eq!(
        done.redirect("complete stage"),
        format!("/staff/cases/{first}?done=complete-stage")
    );
    let body = approver
        .get(&format!("/staff/cases/{first}?done=complete-stage"))
        .body;
    assert!(body.contains("已完成：完成环节"), "{body}");
    assert!(
        body.contains("材料齐全，符合条件"),
        "the stage's opinion shows"
    );
    assert!(
        !body.contains("/actions/complete-stage\""),
        "nothing left for the approver"
    );

    let mut head = Browser::new(&server);
    assert_eq!(
        sign_in(&mut head, "head-gaj").redirect("head"),
        "/staff/queue"
    );
    let body = head.get(&format!("/staff/cases/{first}")).body;
    assert!(
        body.contains("<option value=\"zz\">制证</option>"),
        "{body}"
    );
    assert!(body.contains("/actions/extend\""), "the head may extend");
    head.act(
        &first,
        "complete-stage",
        &[("stage", "zz"), ("opinion", "已制证")],
    )
    .redirect("head completes");

    // Extension: the number and the reason come back on the confirmation page.
    let (confirm, _) = head.propose(
        &second,
        "extend",
        &[("working_days", "5"), ("reason", "需实地核查")],
    );
    let body = confirm.html(200, "extend confirmation");
    assert!(
        body.contains("需实地核查") && body.contains(">5<"),
        "{body}"
    );
    let (zero, _) = head.propose(
        &second,
        "extend",
        &[("working_days", "0"), ("reason", "需实地核查")],
    );
    assert!(zero
        .html(422, "zero days")
        .contains("id=\"err-working_days\""));
    let done = head.act(
        &second,
        "extend",
        &[("working_days", "5"), ("reason", "需实地核查")],
    );
    assert_eq!(
        done.redirect("extend"),
        format!("/staff/cases/{second}?done=extend")
    );
    let extended = case_json(&hall, &second);
    assert_eq!(extended["extension"]["working_days"], 5, "{extended}");
    assert_eq!(extended["extension"]["by"], "head-gaj");
    let body = head.get(&format!("/staff/cases/{second}")).body;
    assert!(body.contains("id=\"h-extend\""), "{body}");
    assert!(
        !body.contains("/actions/extend\""),
        "one extension only: {body}"
    );

    // Approval, once the stages are done.
    let body = approver.get(&format!("/staff/cases/{first}")).body;
    assert!(body.contains("/actions/approve\""), "{body}");
    assert!(body.contains("/actions/deny\""));
    let done = approver.act(&first, "approve", &[("opinion", "准予换领")]);
    assert_eq!(
        done.redirect("approve"),
        format!("/staff/cases/{first}?done=approve")
    );
    assert_eq!(case_json(&hall, &first)["status"], "approved");
    let body = approver.get(&format!("/staff/cases/{first}")).body;
    assert!(body.contains("<strong>予以确认</strong>"), "{body}");

    // A special procedure and back; then a denial, which needs its legal basis.
    let done = approver.act(
        &second,
        "suspend",
        &[
            ("procedure", "expert_review"),
            ("note", "组织专家评审，约十个工作日"),
        ],
    );
    done.redirect("suspend");
    let suspended = case_json(&hall, &second);
    assert_eq!(suspended["status"], "suspended", "{suspended}");
    assert_eq!(suspended["suspensions"][0]["procedure"], "expert_review");
    let body = approver.get(&format!("/staff/cases/{second}")).body;
    assert!(body.contains("<strong>特别程序中</strong>"), "{body}");
    assert!(body.contains("/actions/resume\"") && !body.contains("/actions/suspend\""));
    approver.act(&second, "resume", &[]).redirect("resume");
    assert_eq!(case_json(&hall, &second)["status"], "accepted");
    approver
        .act(
            &second,
            "complete-stage",
            &[("stage", "shqf"), ("opinion", "不符合条件")],
        )
        .redirect("approver's stage");
    head.act(
        &second,
        "complete-stage",
        &[("stage", "zz"), ("opinion", "同意")],
    )
    .redirect("head's stage");
    let (no_basis, _) = approver.propose(
        &second,
        "deny",
        &[("reason", "证件仍在有效期内"), ("legal_basis", "")],
    );
    let body = no_basis.html(422, "deny without a legal basis");
    assert!(body.contains("id=\"err-legal_basis\""), "{body}");
    assert!(
        body.contains("证件仍在有效期内"),
        "what was entered comes back"
    );
    approver
        .act(
            &second,
            "deny",
            &[
                ("reason", "证件仍在有效期内"),
                ("legal_basis", "《中华人民共和国居民身份证法》第十一条"),
            ],
        )
        .redirect("deny");
    let denied = case_json(&hall, &second);
    assert_eq!(denied["status"], "denied", "{denied}");
    assert_eq!(
        denied["decision"]["legal_basis"],
        "《中华人民共和国居民身份证法》第十一条"
    );
}

#[test]
fn only_the_supervision_office_reaches_its_pages() {
    let server = server();
    let pages = [
        "/staff/supervision/alerts",
        "/staff/supervision/alerts/1",
        "/staff/supervision/stats",
        "/staff/supervision/stats.csv",
    ];
    let mut anonymous = Browser::new(&server);
    for p in pages {
        let to = anonymous.get(p).redirect(p).to_owned();
        assert!(
            to.starts_with("/staff/login?next=/staff/supervision"),
            "{p}: {to}"
        );
    }

    let mut clerk = Browser::new(&server);
    assert_eq!(clerk.sign_in("clerk-a02", "A02").status, 303);
    for p in pages {
        clerk.get(p).html(403, p);
    }
    let csrf = clerk.get("/staff/queue").field("csrf");
    clerk
        .post(
            "/staff/supervision/alerts/1/acknowledge",
            &[("csrf", &csrf), ("confirm", "yes")],
        )
        .html(403, "a clerk's step");
    // A clerk without a window is told to choose one.
    let mut no_window = Browser::new(&server);
    no_window
        .sign_in("clerk-a02", "")
        .html(422, "clerk without a window");
    assert!(!no_window.cookies.contains_key("tb_session"));

    let mut approver = Browser::new(&server);
    sign_in(&mut approver, "approver-gaj").redirect("approver");
    approver
        .get("/staff/supervision/alerts")
        .html(403, "approver");

    // Applicants do not sign in here; an applicant's session does not open the pages either.
    let mut applicant = Browser::new(&server);
    let refused = sign_in(&mut applicant, "applicant");
    assert!(refused
        .html(403, "applicant at staff sign-in")
        .contains("仅供工作人员"));
    assert!(!applicant.cookies.contains_key("tb_session"));
    let token = server.login("applicant", None);
    applicant.cookies.insert("tb_session".into(), token);
    for p in pages {
        applicant.get(p).html(403, p);
    }

    // And the supervision office has no case queue of its own.
    let mut supervisor = Browser::new(&server);
    sign_in(&mut supervisor, "supervisor").redirect("supervisor");
    supervisor.get("/staff/queue").html(403, "supervisor queue");
    supervisor
        .get("/staff/supervision/alerts/999")
        .html(404, "no such alert");
    supervisor
        .get("/staff/supervision/alerts/x")
        .html(404, "not an alert number");
}
