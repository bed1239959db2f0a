//! A hall's weeks on the law (行政许可法), over HTTP on the test clock, one scenario per
//! rule of domain.md "Acceptance by operation of law", "Breaches are never lost and never
//! erased" and "Special procedures, office hours, joint handling".

use serde_json::{json, Value};

use crate::backend;
use crate::every_alert::{start, Hall};

#[test]
fn a_hall_week_on_the_law() {
    for backend in backend::all("a_hall_week_on_the_law") {
        eprintln!("backend: {}", backend.name());
        let server = start(&backend, None);
        let hall = Hall { server: &server };
        deemed_acceptance(&hall);
        extension_after_a_broken_promise(&hall);
        suspension_across_midnight(&hall);
        immediate_item_after_closing(&hall);
        joint_handling(&hall);
    }
}

/// The case as its clerk reads it.
fn case(hall: &Hall<'_>, no: &str) -> Value {
    hall.case(&hall.token("clerk-a02", Some("A02")), no)
}

/// A clerk's action that must be refused: its status and problem body.
fn refused(hall: &Hall<'_>, no: &str, action: &str, body: Value) -> (u16, Value) {
    hall.try_act("clerk-a02", Some("A02"), no, action, body)
}

/// Subjects of the outbox messages to `to`.
fn mail_to(hall: &Hall<'_>, to: &str) -> Vec<String> {
    let list: Value = hall
        .server
        .get("/api/v1/admin/outbox?limit=500")
        .bearer_auth(hall.token("admin", None))
        .send()
        .expect("outbox")
        .json()
        .expect("outbox json");
    list.as_array()
        .expect("outbox")
        .iter()
        .filter(|m| m["recipient"] == to)
        .map(|m| m["subject"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Art. 32: received on Monday 03-02, no notice or refusal within 5 working days (to 03-09):
/// the sweep of 03-10 accepts it as of 03-02, tells the applicant, raises the acceptance-late
/// red once, and a notice or refusal afterwards answers 409 naming art. 32. The clerk still
/// records the acceptance, once, and the notice goes out again for printing.
fn deemed_acceptance(hall: &Hall<'_>) {
    hall.set_clock(0);
    let no = hall.intake_for("law-deemed", Some("law-deemed@example.cn"));
    hall.set_clock(7);
    hall.sweep();
    assert_eq!(case(hall, &no)["status"], "received", "still in its period");
    hall.set_clock(8);
    let swept = hall.server.sweep();
    assert!(swept["deemed_accepted"].as_u64() >= Some(1), "{swept}");
    let c = case(hall, &no);
    assert_eq!(c["status"], "accepted", "{c}");
    assert_eq!(c["clocks"]["deemed_accepted"], true);
    assert_eq!(c["clocks"]["decision"]["started_on"], "2026-03-02");
    // GA-QR-01 promises 20 natural days: 03-22 is a Sunday, so 03-23.
    assert_eq!(
        c["clocks"]["decision"]["promised_due"]["date"],
        "2026-03-23"
    );
    let mail = mail_to(hall, "law-deemed@example.cn");
    assert!(
        mail.iter().any(|s| s.contains("受理通知书")),
        "the applicant is told: {mail:?}"
    );
    for (action, body) in [
        (
            "request-supplement",
            json!({"missing": [{"code": "zp", "note": "照片不清晰"}]}),
        ),
        (
            "refuse",
            json!({"reason": "材料不全", "legal_basis": "《行政许可法》第三十二条"}),
        ),
    ] {
        let (status, problem) = refused(hall, &no, action, body);
        assert_eq!(status, 409, "{action}: {problem}");
        assert_eq!(problem["code"], "accepted_by_law_art32", "{problem}");
    }
    hall.act("clerk-a02", Some("A02"), &no, "accept", json!({}));
    let (status, problem) = refused(hall, &no, "accept", json!({}));
    assert_eq!(status, 409, "recorded once: {problem}");
    let acceptance_notices = mail_to(hall, "law-deemed@example.cn")
        .iter()
        .filter(|s| s.contains("受理通知书"))
        .count();
    assert_eq!(acceptance_notices, 2, "the notice again, for printing");
    hall.sweep();
    let late = hall
        .alerts(&no)
        .into_iter()
        .filter(|((rule, level), _)| rule.ends_with("acceptance_late") && level == "red")
        .map(|(_, n)| n)
        .sum::<usize>();
    assert_eq!(late, 1, "{:?}", hall.alerts(&no));
}

/// Art. 42 with a broken promise: accepted Monday 03-16, promised in 20 natural days (04-05, a
/// Sunday in the Qingming holiday, so 04-07). On 04-10 the promise's red is raised, and the
/// head extends by 10 working days: the legal deadline moves, the promise does not, its red
/// stays open, the decision records the broken promise and the statistics count the case late
/// against the promise and not against the law.
fn extension_after_a_broken_promise(hall: &Hall<'_>) {
    hall.set_clock(14);
    let no = hall.intake_for("law-extended", Some("law-extended@example.cn"));
    hall.act("clerk-a02", Some("A02"), &no, "accept", json!({}));
    let before = case(hall, &no)["clocks"]["decision"].clone();
    assert_eq!(before["promised_due"]["date"], "2026-04-07", "{before}");
    hall.set_clock(39);
    hall.sweep();
    hall.act(
        "head-gaj",
        None,
        &no,
        "extend",
        json!({"working_days": 10, "reason": "需实地核查户籍信息"}),
    );
    let c = case(hall, &no);
    let after = &c["clocks"]["decision"];
    assert_eq!(after["promised_due"], before["promised_due"], "{c}");
    assert_ne!(after["legal_due"], before["legal_due"], "{c}");
    assert_eq!(c["extension"]["moves_promise"], false, "{c}");
    let alerts = hall.alerts(&no);
    assert_eq!(
        alerts.get(&("-/promised_deadline".to_owned(), "red".to_owned())),
        Some(&1),
        "{alerts:?}"
    );
    assert!(
        mail_to(hall, "law-extended@example.cn")
            .iter()
            .any(|s| s.contains("延期办理告知书")),
        "the applicant is told the reason"
    );
    let c = hall.review_and_approve(&no);
    assert_eq!(c["decision"]["promise_broken"], true, "{c}");
    assert_eq!(c["decision"]["law_broken"], false, "{c}");
    let stats: Value = hall
        .server
        .get("/api/v1/supervision/stats?group_by=item&from=2026-03-16&to=2026-03-16")
        .bearer_auth(hall.token("supervisor", None))
        .send()
        .expect("stats")
        .json()
        .expect("stats json");
    let row = stats["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == "GA-QR-01")
        .cloned()
        .expect("the item's row");
    assert_eq!(
        (&row["overdue"], &row["overdue_legal"], &row["on_time"]),
        (&json!(1), &json!(0), &json!(0)),
        "{row}"
    );
}

/// Art. 45 with office hours: accepted Monday 04-13; the approver suspends for expert review at
/// 23:59 on Tuesday and resumes at 00:01 on Wednesday. No day of office hours was covered, so
/// no day is taken out: every due date stays, the applicant is told both times in writing, and
/// both notices print. A ground outside art. 45 (勘验) is refused, naming the article.
fn suspension_across_midnight(hall: &Hall<'_>) {
    hall.set_clock(42);
    let no = hall.intake_for("law-midnight", Some("law-midnight@example.cn"));
    hall.act("clerk-a02", Some("A02"), &no, "accept", json!({}));
    let before = case(hall, &no)["clocks"]["decision"].clone();
    hall.server.set_clock("2026-04-14T23:59:00+08:00");
    let (status, problem) = hall.try_act(
        "approver-gaj",
        None,
        &no,
        "suspend",
        json!({"procedure": "site_inspection", "note": "现场勘验"}),
    );
    assert_eq!(status, 422, "勘验 is no art. 45 ground: {problem}");
    assert_eq!(
        problem["code"], "not_a_special_procedure_art45",
        "{problem}"
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("第四十五条"),
        "{problem}"
    );
    hall.act(
        "approver-gaj",
        None,
        &no,
        "suspend",
        json!({"procedure": "expert_review", "note": "组织专家评审"}),
    );
    hall.server.set_clock("2026-04-15T00:01:00+08:00");
    let resumed = hall.act("approver-gaj", None, &no, "resume", json!({}));
    assert_eq!(resumed["status"], "accepted", "{resumed}");
    let after = &resumed["clocks"]["decision"];
    assert_eq!(after["promised_due"], before["promised_due"], "{resumed}");
    assert_eq!(after["legal_due"], before["legal_due"], "{resumed}");
    let mail = mail_to(hall, "law-midnight@example.cn");
    assert!(
        mail.iter().any(|s| s.contains("】特别程序告知书")),
        "{mail:?}"
    );
    assert!(
        mail.iter().any(|s| s.contains("】特别程序结束告知书")),
        "{mail:?}"
    );
    // The printable forms: the suspension with its end, and the acceptance notice.
    let approver = hall.token("approver-gaj", None);
    let page = hall
        .server
        .get(&format!("/staff/cases/{no}/suspensions/1"))
        .header("Cookie", format!("tb_session={approver}"))
        .send()
        .expect("suspension form");
    assert_eq!(page.status(), 200);
    let text = page.text().expect("page");
    assert!(text.contains("第四十五条"), "{text}");
    assert!(text.contains("不扣除办理时限"), "{text}");
    let clerk = hall.token("clerk-a02", Some("A02"));
    for (path, status) in [
        (format!("/staff/cases/{no}/acceptance"), 200),
        (format!("/staff/cases/{no}/suspensions/2"), 404),
    ] {
        let res = hall
            .server
            .get(&path)
            .header("Cookie", format!("tb_session={clerk}"))
            .send()
            .expect("print page");
        assert_eq!(res.status(), status, "{path}");
    }
}

/// The 即办件 cut-off: GA-GG-01 (promised on the spot) taken at 17:00 on Friday 04-17 is due
/// that day; taken at 17:45, after the hall closed at 17:30, it is due on Monday 04-20.
fn immediate_item_after_closing(hall: &Hall<'_>) {
    for (at, key, due) in [
        ("2026-04-17T17:00:00+08:00", "law-spot-open", "2026-04-17"),
        ("2026-04-17T17:45:00+08:00", "law-spot-closed", "2026-04-20"),
    ] {
        hall.server.set_clock(at);
        let clerk = hall.token("clerk-a02", Some("A02"));
        let res = hall
            .server
            .post("/api/v1/cases")
            .bearer_auth(&clerk)
            .header("Idempotency-Key", key)
            .json(&json!({
                "item_code": "GA-GG-01",
                "applicant": {"kind": "person", "name": "周八", "id_number": "110101199001012222"},
                "materials": [{"code": "hkb"}, {"code": "slhz"}],
            }))
            .send()
            .expect("intake");
        assert_eq!(res.status(), 201, "intake at {at}");
        let no = res.json::<Value>().expect("case")["case_no"]
            .as_str()
            .expect("case_no")
            .to_owned();
        let c = hall.act("clerk-a02", Some("A02"), &no, "accept", json!({}));
        assert_eq!(
            c["clocks"]["decision"]["promised_due"]["date"], due,
            "taken at {at}: {c}"
        );
    }
}

/// The calendar's due date `working_days` after `from`.
fn due(hall: &Hall<'_>, from: &str, working_days: u32) -> Value {
    let v: Value = hall
        .server
        .get(&format!(
            "/api/v1/calendar/due?from={from}&working_days={working_days}"
        ))
        .send()
        .expect("due")
        .json()
        .expect("due json");
    v["due"].clone()
}

/// Art. 42 para. 2: ZJ-LH-01 is handled jointly, 45 working days from acceptance; only the
/// head of the government's office (zwb, which leads it) may extend, by at most 15 working
/// days; the housing bureau's own head may not.
fn joint_handling(hall: &Hall<'_>) {
    hall.set_clock(49);
    let clerk = hall.token("clerk-a05", Some("A05"));
    let res = hall
        .server
        .post("/api/v1/cases")
        .bearer_auth(&clerk)
        .header("Idempotency-Key", "law-joint")
        .json(&json!({
            "item_code": "ZJ-LH-01",
            "applicant": {"kind": "person", "name": "吴九", "id_number": "110101199001013333"},
            "materials": [{"code": "sqb"}, {"code": "jgbg"}, {"code": "chbg"}],
        }))
        .send()
        .expect("intake");
    assert_eq!(res.status(), 201, "joint intake: {:?}", res.text());
    let no = res.json::<Value>().expect("case")["case_no"]
        .as_str()
        .expect("case_no")
        .to_owned();
    let c = hall.act("clerk-a05", Some("A05"), &no, "accept", json!({}));
    let legal = &c["clocks"]["decision"]["legal_due"]["date"];
    assert_eq!(*legal, due(hall, "2026-04-20", 45), "{c}");
    let body =
        |days: u32| json!({"working_days": days, "reason": "联合验收涉及部门多，需补充现场核验"});
    let (status, problem) = hall.try_act("head-zjj", None, &no, "extend", body(15));
    assert_eq!(status, 403, "the bureau's head: {problem}");
    let (status, problem) = hall.try_act("head-zwb", None, &no, "extend", body(16));
    assert_eq!(status, 422, "16 days: {problem}");
    assert_eq!(problem["code"], "extension_too_long", "{problem}");
    let c = hall.act("head-zwb", None, &no, "extend", body(15));
    let extended = due(hall, legal.as_str().expect("date"), 15);
    assert_eq!(
        c["clocks"]["decision"]["legal_due"]["date"], extended,
        "{c}"
    );
}
