//! The authorisation matrix of the case API, on every backend: each kind of caller against
//! each action, on a case awaiting acceptance and on an accepted one, with the status api.md
//! names (401 without a token, 404 for a case outside the caller's scope, 403 when the role,
//! the window's grant or the department does not allow it, 409 when the state does not),
//! then applicants' privacy, the floating window's rota, and a revoked grant.

use std::time::Instant;

use serde_json::{json, Value};

use crate::cases_client::{application, items, Api, Item, Logins};
use crate::harness::Server;

const MONDAY: &str = "2026-03-02T09:00:00+08:00";
const TUESDAY: &str = "2026-03-03T09:00:00+08:00";

const ACTIONS: [&str; 13] = [
    "accept",
    "refuse",
    "request-supplement",
    "supplement",
    "complete-stage",
    "approve",
    "deny",
    "suspend",
    "resume",
    "extend",
    "withdraw",
    "deliver",
    "terminate",
];

#[test]
fn who_may_do_what() {
    for backend in crate::backend::all("who_may_do_what") {
        let started = Instant::now();
        let server = Server::start_on(&backend, &["--demo", "--test-clock"]);
        matrix(&server);
        eprintln!(
            "who_may_do_what on {}: {:.1?}",
            backend.name(),
            started.elapsed()
        );
    }
}

/// A valid body for `action` on `item`.
fn body(action: &str, item: &Item) -> Value {
    let stage = &item.steps[0][0].code;
    let material = &item.materials[0].code;
    match action {
        "accept" | "resume" => json!({}),
        "refuse" | "deny" => json!({"reason": "理由", "legal_basis": "《行政许可法》第三十二条"}),
        "request-supplement" => json!({"missing": [{"code": material, "note": "缺"}]}),
        "supplement" => json!({"materials": [{"code": material}]}),
        "complete-stage" => json!({"stage": stage, "opinion": "同意"}),
        "approve" => json!({"opinion": "准予"}),
        "suspend" => json!({"procedure": "hearing", "note": "听证"}),
        "extend" => json!({"working_days": 1, "reason": "复杂"}),
        "withdraw" | "terminate" => json!({"reason": "理由"}),
        "deliver" => json!({"method": "window"}),
        other => panic!("no action {other}"),
    }
}

/// Who is asking, as the matrix names them.
struct Callers {
    nobody: Api,
    applicant: Api,
    other_applicant: Api,
    /// A01 holds scjgj's accept, decide_on_spot and deliver grants.
    clerk_granted: Api,
    /// Z01 holds scjgj items' accept grant only: it sees their cases but may not decide
    /// or deliver.
    clerk_accept_only: Api,
    /// A02 serves gaj: scjgj's cases are none of its business.
    clerk_other_department: Api,
    /// A clerk signed in without a window.
    clerk_no_window: Api,
    approver: Api,
    approver_elsewhere: Api,
    head: Api,
    supervisor: Api,
    admin: Api,
}

/// `None`: the action would succeed (tried elsewhere); else the status and code expected.
type Expect = Option<(u16, &'static str)>;

fn on_received(who: &str, action: &str) -> Expect {
    let by_state = matches!(
        action,
        "accept" | "refuse" | "request-supplement" | "withdraw" | "terminate"
    );
    match who {
        "nobody" => Some((401, "missing_token")),
        "supervisor" | "admin" => Some((403, "role_not_allowed")),
        "applicant"
        | "other_applicant"
        | "clerk_other_department"
        | "clerk_no_window"
        | "approver_elsewhere" => Some((404, "case_not_found")),
        "clerk_granted" if by_state => None,
        "clerk_accept_only" if by_state => None,
        "clerk_accept_only" if matches!(action, "approve" | "deny" | "deliver") => {
            Some((403, "no_grant"))
        }
        "clerk_granted" | "clerk_accept_only" => Some((409, "action_not_allowed_in_state")),
        "approver" | "head" => match action {
            "terminate" => None,
            "accept" | "refuse" | "request-supplement" | "withdraw" => {
                Some((403, "role_not_allowed"))
            }
            _ => Some((409, "action_not_allowed_in_state")),
        },
        other => panic!("no caller {other}"),
    }
}

fn on_accepted(who: &str, action: &str) -> Expect {
    let not_now = matches!(
        action,
        "accept" | "refuse" | "request-supplement" | "resume" | "deliver"
    );
    match who {
        "nobody"
        | "supervisor"
        | "admin"
        | "applicant"
        | "other_applicant"
        | "clerk_other_department"
        | "clerk_no_window"
        | "approver_elsewhere" => on_received(who, action),
        "clerk_granted" | "clerk_accept_only" => match action {
            "supplement" | "withdraw" => None,
            "approve" | "deny" | "deliver" if who == "clerk_accept_only" => Some((403, "no_grant")),
            _ if not_now => Some((409, "action_not_allowed_in_state")),
            "approve" | "deny" => Some((403, "not_immediate_item")),
            _ => Some((403, "role_not_allowed")),
        },
        "approver" | "head" => match action {
            _ if not_now => Some((409, "action_not_allowed_in_state")),
            "complete-stage" | "suspend" | "terminate" => None,
            "extend" if who == "head" => None,
            "approve" | "deny" => Some((409, "stage_not_done")),
            _ => Some((403, "role_not_allowed")),
        },
        other => panic!("no caller {other}"),
    }
}

fn sweep(
    callers: &Callers,
    case_no: &str,
    version: u64,
    item: &Item,
    rule: fn(&str, &str) -> Expect,
) {
    let all: [(&str, &Api); 12] = [
        ("nobody", &callers.nobody),
        ("applicant", &callers.applicant),
        ("other_applicant", &callers.other_applicant),
        ("clerk_granted", &callers.clerk_granted),
        ("clerk_accept_only", &callers.clerk_accept_only),
        ("clerk_other_department", &callers.clerk_other_department),
        ("clerk_no_window", &callers.clerk_no_window),
        ("approver", &callers.approver),
        ("approver_elsewhere", &callers.approver_elsewhere),
        ("head", &callers.head),
        ("supervisor", &callers.supervisor),
        ("admin", &callers.admin),
    ];
    for (who, api) in all {
        for action in ACTIONS {
            let Some((status, code)) = rule(who, action) else {
                continue;
            };
            api.act(case_no, action, version, &body(action, item))
                .problem(status, code, &format!("{action} by {who}"));
        }
    }
    // Nothing of that changed the case.
    assert_eq!(callers.supervisor.case(case_no)["version"], version);
}

fn set_clock(admin: &Api, now: &str) {
    let r = Api::send(
        admin
            .request(reqwest::Method::PUT, "/api/v1/admin/clock")
            .json(&json!({ "now": now })),
    );
    assert_eq!(r.status, 200, "set clock: {}", r.body);
}

fn matrix(server: &Server) {
    let logins = Logins::new(server);
    let admin = logins.as_user("admin", None);
    set_clock(&admin, MONDAY);
    let catalogue = items(&admin);
    let item = |code: &str| {
        catalogue
            .iter()
            .find(|i| i.code == code)
            .unwrap_or_else(|| panic!("item {code}"))
            .clone()
    };
    let licence = item("SC-XK-01");
    let callers = Callers {
        nobody: Api::anonymous(server),
        applicant: logins.as_user("applicant", None),
        other_applicant: logins.register("wangwu"),
        clerk_granted: logins.clerk("A01"),
        clerk_accept_only: logins.clerk("Z01"),
        clerk_other_department: logins.clerk("A02"),
        clerk_no_window: logins.as_user("clerk-a01", None),
        approver: logins.approver("scjgj"),
        approver_elsewhere: logins.approver("mzj"),
        head: logins.head("scjgj"),
        supervisor: logins.as_user("supervisor", None),
        admin: admin.clone(),
    };

    intake_rules(&logins, &callers, &licence);

    // A case awaiting acceptance, then accepted: every caller × every action.
    let case = callers
        .clerk_granted
        .intake(
            "authz-1",
            &application("SC-XK-01", 1, licence.all_materials()),
        )
        .ok(201, "intake at A01");
    let no = case["case_no"].as_str().unwrap().to_owned();
    sweep(&callers, &no, 1, &licence, on_received);
    reads(&callers, &no);
    callers
        .clerk_accept_only
        .act(&no, "accept", 1, &json!({}))
        .ok(200, "Z01 accepts an item it is granted");
    sweep(&callers, &no, 2, &licence, on_accepted);
    // The head stage is not the approver's; the approver's own is.
    callers
        .approver
        .act(
            &no,
            "complete-stage",
            2,
            &json!({"stage": "pz", "opinion": "x"}),
        )
        .problem(403, "role_not_allowed", "approver on a head stage");
    callers
        .approver
        .act(
            &no,
            "complete-stage",
            2,
            &json!({"stage": "cb", "opinion": "同意"}),
        )
        .ok(200, "approver on the approver stage");
    callers
        .head
        .act(
            &no,
            "extend",
            3,
            &json!({"working_days": 2, "reason": "复杂"}),
        )
        .ok(200, "head extends");

    parallel_departments(&logins, &callers, &item("SC-QR-01"));
    applicants_own_cases(&logins, &callers, &licence);
    on_the_spot(&logins, &item("SC-QR-02"));
    floating_rota(&logins, &item("WJ-XK-01"), &item("JY-XK-01"));
    revoked_grant(&logins, &logins.as_user("admin", None), &licence);
}

/// Who may open a case, and where.
fn intake_rules(logins: &Logins, callers: &Callers, licence: &Item) {
    let body = application("SC-XK-01", 2, licence.all_materials());
    callers.nobody.intake("authz-intake", &body).problem(
        401,
        "missing_token",
        "intake without a token",
    );
    for (who, api) in [
        ("supervisor", &callers.supervisor),
        ("admin", &callers.admin),
        ("approver", &callers.approver),
        ("head", &callers.head),
        ("clerk without a window", &callers.clerk_no_window),
    ] {
        api.intake("authz-intake", &body).problem(
            403,
            "role_not_allowed",
            &format!("intake by {who}"),
        );
    }
    callers
        .clerk_other_department
        .intake("authz-intake", &body)
        .problem(403, "department_not_served", "A02 takes a scjgj item");
    // A05 serves zrzyj but is granted only ZR-XK-01 of it.
    let zr = application("ZR-QR-01", 3, json!([{"code": "sqs"}]));
    logins.clerk("A05").intake("authz-intake", &zr).problem(
        403,
        "no_grant",
        "A05 takes an item it has no grant for",
    );
    // A consultation desk takes no applications at all.
    logins.clerk("C01").intake("authz-intake", &body).problem(
        403,
        "action_not_at_window_kind",
        "C01 takes an application",
    );
    // A clerk signs in only at their own window.
    let res = callers.nobody.post(
        "/api/v1/auth/token",
        &json!({"username": "clerk-a01", "password": crate::harness::DEMO_PASSWORD, "window": "A02"}),
        &[],
    );
    res.problem(403, "not_assigned_to_window", "sign-in at another window");
    // Nothing was opened by any of that.
    assert_eq!(callers.supervisor.total(""), 0);
}

/// Reading: the case and its timeline, and the queues.
fn reads(callers: &Callers, no: &str) {
    let path = format!("/api/v1/cases/{no}");
    let events = format!("/api/v1/cases/{no}/events");
    for (who, api, status) in [
        ("nobody", &callers.nobody, 401),
        ("applicant", &callers.applicant, 404),
        ("other applicant", &callers.other_applicant, 404),
        (
            "clerk of another department",
            &callers.clerk_other_department,
            404,
        ),
        ("clerk without a window", &callers.clerk_no_window, 404),
        ("approver elsewhere", &callers.approver_elsewhere, 404),
        ("clerk at the window", &callers.clerk_granted, 200),
        (
            "clerk of a granted general window",
            &callers.clerk_accept_only,
            200,
        ),
        ("approver", &callers.approver, 200),
        ("head", &callers.head, 200),
        ("supervisor", &callers.supervisor, 200),
        ("admin", &callers.admin, 200),
    ] {
        for p in [&path, &events] {
            let r = api.get(p);
            assert_eq!(r.status, status, "GET {p} by {who}: {}", r.body);
            if status != 200 {
                r.is_problem(&format!("GET {p} by {who}"));
            }
        }
    }
    // Queues: the same scope.
    assert_eq!(callers.clerk_other_department.total(""), 0);
    assert_eq!(callers.approver_elsewhere.total(""), 0);
    assert_eq!(callers.other_applicant.total(""), 0);
    assert_eq!(callers.clerk_granted.total(""), 1);
    assert_eq!(callers.clerk_accept_only.total(""), 1);
    assert_eq!(callers.approver.total(""), 1);
    assert_eq!(callers.supervisor.total(""), 1);
    callers
        .nobody
        .get("/api/v1/cases")
        .problem(401, "missing_token", "queue without a token");
    callers.clerk_no_window.get("/api/v1/cases").problem(
        403,
        "no_queue",
        "queue of a clerk without a window",
    );
}

/// Parallel stages: another department sees the case and does its own stage only.
fn parallel_departments(logins: &Logins, callers: &Callers, kaiban: &Item) {
    let body = application(&kaiban.code, 4, kaiban.all_materials());
    let case = callers
        .clerk_granted
        .intake("authz-kaiban", &body)
        .ok(201, "kaiban intake");
    let no = case["case_no"].as_str().unwrap().to_owned();
    callers
        .clerk_granted
        .act(&no, "accept", 1, &json!({}))
        .ok(200, "accept");
    let gaj = logins.approver("gaj");
    let gaj_head = logins.head("gaj");
    gaj.case(&no);
    assert_eq!(
        gaj.total(""),
        1,
        "the stage's department has it in its queue"
    );
    gaj.act(&no, "approve", 2, &json!({"opinion": "x"}))
        .problem(403, "wrong_department", "approve by another department");
    gaj.act(
        &no,
        "complete-stage",
        2,
        &json!({"stage": "djsc", "opinion": "x"}),
    )
    .problem(403, "wrong_department", "another department's stage");
    gaj.act(
        &no,
        "complete-stage",
        2,
        &json!({"stage": "yzba", "opinion": "x"}),
    )
    .problem(409, "stage_not_active", "a stage not started yet");
    gaj.act(&no, "extend", 2, &json!({"working_days": 1, "reason": "x"}))
        .problem(403, "role_not_allowed", "extend by an approver");
    gaj_head
        .act(&no, "extend", 2, &json!({"working_days": 1, "reason": "x"}))
        .problem(
            403,
            "wrong_department",
            "extend by another department's head",
        );
    callers
        .approver
        .act(
            &no,
            "complete-stage",
            2,
            &json!({"stage": "djsc", "opinion": "同意"}),
        )
        .ok(200, "first step");
    gaj.act(
        &no,
        "complete-stage",
        3,
        &json!({"stage": "zzhz", "opinion": "x"}),
    )
    .problem(
        403,
        "role_not_allowed",
        "a head stage of another department",
    );
    gaj.act(
        &no,
        "complete-stage",
        3,
        &json!({"stage": "yzba", "opinion": "同意"}),
    )
    .ok(200, "gaj does its parallel stage");
    callers
        .approver_elsewhere
        .get(&format!("/api/v1/cases/{no}"))
        .problem(404, "case_not_found", "a department with no stage");
}

/// Applicants see and act on their own cases only.
fn applicants_own_cases(logins: &Logins, callers: &Callers, licence: &Item) {
    let missing = licence.blocking_material().unwrap().code.clone();
    let online = application(
        "SC-XK-01",
        5,
        licence.materials_where(|m| m.code != missing),
    );
    let case = callers
        .applicant
        .intake("authz-online", &online)
        .ok(201, "online application");
    assert_eq!(case["status"], "submitted");
    let no = case["case_no"].as_str().unwrap().to_owned();
    // The same key from another account is another application, not a repeat.
    let theirs = callers
        .other_applicant
        .intake("authz-online", &online)
        .ok(201, "the same key by another applicant");
    assert_ne!(theirs["case_no"], no.as_str());
    let their_no = theirs["case_no"].as_str().unwrap().to_owned();

    callers.applicant.case(&no);
    assert_eq!(callers.applicant.events(&no).len(), 1);
    for (p, what) in [
        (format!("/api/v1/cases/{no}"), "case"),
        (format!("/api/v1/cases/{no}/events"), "events"),
    ] {
        callers.other_applicant.get(&p).problem(
            404,
            "case_not_found",
            &format!("another applicant's {what}"),
        );
    }
    callers
        .applicant
        .get(&format!("/api/v1/cases/{their_no}"))
        .problem(404, "case_not_found", "the other way round");
    assert_eq!(callers.other_applicant.total(""), 1);
    let mine = callers.applicant.get("/api/v1/cases").ok(200, "my cases");
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["case_no"] != their_no.as_str()));
    for action in ["withdraw", "supplement"] {
        callers
            .other_applicant
            .act(&no, action, 1, &body(action, licence))
            .problem(
                404,
                "case_not_found",
                &format!("{action} of someone else's case"),
            );
    }
    for action in ["accept", "refuse", "request-supplement"] {
        callers
            .applicant
            .act(&no, action, 1, &body(action, licence))
            .problem(
                403,
                "role_not_allowed",
                &format!("{action} by the applicant"),
            );
    }
    // The window (a general one, by its grant) pre-reviews the online application.
    let z01 = logins.clerk("Z01");
    z01.act(
        &no,
        "request-supplement",
        1,
        &json!({"missing": [{"code": missing, "note": "请补交"}]}),
    )
    .ok(200, "Z01 asks for the missing material");
    callers
        .other_applicant
        .act(
            &no,
            "supplement",
            2,
            &json!({"materials": [{"code": missing}]}),
        )
        .problem(404, "case_not_found", "supplement by another applicant");
    callers
        .applicant
        .act(
            &no,
            "supplement",
            2,
            &json!({"materials": [{"code": missing}]}),
        )
        .ok(200, "the owner supplements");
    callers
        .applicant
        .act(&no, "withdraw", 3, &json!({"reason": "不办了"}))
        .ok(200, "the owner withdraws");
}

/// Deciding on the spot needs a `decide_on_spot` grant and an immediate item.
fn on_the_spot(logins: &Logins, immediate: &Item) {
    let body = application(&immediate.code, 6, immediate.all_materials());
    let z01 = logins.clerk("Z01");
    let case = z01
        .intake("authz-spot", &body)
        .ok(201, "Z01 takes SC-QR-02");
    let no = case["case_no"].as_str().unwrap().to_owned();
    z01.act(&no, "accept", 1, &json!({})).ok(200, "accept");
    z01.act(&no, "approve", 2, &json!({"opinion": "当场"}))
        .problem(403, "no_grant", "Z01 has no decide_on_spot grant");
    let a01 = logins.clerk("A01");
    let case = a01
        .act(&no, "approve", 2, &json!({"opinion": "当场办结"}))
        .ok(200, "A01 decides on the spot");
    assert_eq!(case["decision"]["on_spot"], true);
}

/// Moves the clock (tokens live one working day, so everyone signs in again).
fn move_clock(logins: &Logins, now: &str) {
    set_clock(&logins.as_user("admin", None), now);
    logins.forget();
}

/// The floating window works for the departments on the day's rota only.
fn floating_rota(logins: &Logins, wjj: &Item, jyj: &Item) {
    let f01 = logins.clerk("F01");
    let monday_case = f01
        .intake(
            "authz-f01-wjj",
            &application(&wjj.code, 7, wjj.all_materials()),
        )
        .ok(201, "wjj on Monday");
    let no = monday_case["case_no"].as_str().unwrap().to_owned();
    f01.intake(
        "authz-f01-jyj",
        &application(&jyj.code, 8, jyj.all_materials()),
    )
    .problem(403, "not_on_rota", "jyj on Monday");
    move_clock(logins, TUESDAY);
    let f01 = logins.clerk("F01");
    f01.intake(
        "authz-f01-jyj",
        &application(&jyj.code, 8, jyj.all_materials()),
    )
    .ok(201, "jyj on Tuesday");
    f01.act(&no, "accept", 1, &json!({}))
        .problem(403, "not_on_rota", "wjj on Tuesday");
    f01.case(&no);
    move_clock(logins, MONDAY);
    let f01 = logins.clerk("F01");
    f01.act(&no, "accept", 1, &json!({}))
        .ok(200, "wjj on Monday again");
}

/// A revoked grant stops the very next action.
fn revoked_grant(logins: &Logins, admin: &Api, licence: &Item) {
    let a01 = logins.clerk("A01");
    let case = a01
        .intake(
            "authz-revoke",
            &application("SC-XK-01", 9, licence.all_materials()),
        )
        .ok(201, "intake before revocation");
    let no = case["case_no"].as_str().unwrap().to_owned();
    let grants = admin
        .get("/api/v1/windows/A01/grants")
        .ok(200, "A01 grants");
    let id = grants
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["department"] == "scjgj")
        .and_then(|g| g["id"].as_i64())
        .expect("A01's scjgj grant");
    let path = format!("/api/v1/windows/A01/grants/{id}");
    a01.request(reqwest::Method::DELETE, &path)
        .json(&serde_json::json!({"document_no": "县政务办〔2026〕撤字1号", "reason": "窗口职能调整"}))
        .send()
        .map(|r| assert_eq!(r.status(), 403, "a clerk may not revoke"))
        .unwrap();
    let r = Api::send(admin.request(reqwest::Method::DELETE, &path).json(
        &serde_json::json!({"document_no": "县政务办〔2026〕撤字1号", "reason": "窗口职能调整"}),
    ));
    assert_eq!(r.status, 204, "revoke: {}", r.body);
    a01.act(&no, "accept", 1, &json!({}))
        .problem(403, "grant_revoked", "accept after revocation");
    a01.intake(
        "authz-revoke-2",
        &application("SC-XK-01", 10, licence.all_materials()),
    )
    .problem(403, "grant_revoked", "intake after revocation");
    // The case stays readable at the window it was taken at; the back office goes on.
    a01.case(&no);
    logins
        .approver("scjgj")
        .act(
            &no,
            "terminate",
            1,
            &json!({"reason": "窗口授权撤销，转部门办理"}),
        )
        .ok(200, "the department still acts");
    Api::send(admin.request(reqwest::Method::DELETE, &path).json(
        &serde_json::json!({"document_no": "县政务办〔2026〕撤字1号", "reason": "窗口职能调整"}),
    ))
    .problem(409, "grant_already_revoked", "revoke twice");
}
