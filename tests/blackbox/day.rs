//! A full day at the hall, on every backend: over two hundred cases across the catalogue
//! through every action of api.md, by the people who would take them — clerks at their
//! granted windows, the applicant online, approvers and heads of each department — with
//! statuses, due dates, versions, timelines, stale and wrong-state answers checked as we go.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use serde_json::{json, Value};

use crate::cases_client::{
    application, has_date, items, status_version, windows, windows_for, Api, Item, Logins,
    WindowInfo,
};
use crate::harness::Server;

/// Cases of the day (per backend).
const CASES: usize = 220;
/// Cases two windows try to accept at the same moment.
const RACES: usize = 10;
/// Client threads, like several windows and back offices working at once.
const THREADS: usize = 4;
/// The test clock's day: Monday 2 March 2026, 09:00 in the hall.
const MORNING: &str = "2026-03-02T09:00:00+08:00";
const WEEKDAY: &str = "mon";

#[test]
fn a_full_day_at_the_hall() {
    for backend in crate::backend::all("a_full_day_at_the_hall") {
        let started = Instant::now();
        // One demo applicant files all the day's online cases: no daily quota here.
        let server = Server::start_on(
            &backend,
            &["--demo", "--test-clock", "--applicant-cases-per-day", "0"],
        );
        let tally = day(&server);
        eprintln!(
            "a_full_day_at_the_hall on {}: {} cases {:?} in {:.1?}",
            backend.name(),
            CASES,
            tally,
            started.elapsed()
        );
    }
}

/// What the day has to work with: sign-ins, the catalogue and the windows with their grants.
struct Hall {
    logins: Logins,
    items: Vec<Item>,
    windows: Vec<WindowInfo>,
}

/// Which window a clerk acts at for an item, with the grant that allows it.
#[derive(Clone)]
struct At {
    window: String,
    grant: i64,
}

impl Hall {
    fn window(&self, item: &Item, action: &str, n: usize) -> Option<At> {
        let all = windows_for(&self.windows, item, action, WEEKDAY);
        if all.is_empty() {
            return None;
        }
        let (w, grant) = all[n % all.len()];
        Some(At {
            window: w.code.clone(),
            grant,
        })
    }

    fn clerk(&self, at: &At) -> Api {
        self.logins.clerk(&at.window)
    }

    fn pick<'a>(&'a self, pool: &[&'a Item], n: usize) -> &'a Item {
        pool[n % pool.len()]
    }
}

/// One case as the test follows it: what it expects the server to have recorded.
struct Run {
    no: String,
    version: u64,
    /// (event kind, the grant a window action was taken under).
    log: Vec<(&'static str, Option<i64>)>,
    window: Option<String>,
}

fn event_kind(action: &str) -> &'static str {
    match action {
        "accept" => "accepted",
        "refuse" => "refused",
        "request-supplement" => "supplement_requested",
        "supplement" => "supplemented",
        "complete-stage" => "stage_completed",
        "approve" => "approved",
        "deny" => "denied",
        "suspend" => "suspended",
        "resume" => "resumed",
        "extend" => "extended",
        "withdraw" => "withdrawn",
        "deliver" => "delivered",
        "terminate" => "terminated",
        other => panic!("no action {other}"),
    }
}

impl Run {
    /// Opens a case (at a window when `at` is given, else online by `api`'s applicant), and
    /// checks the idempotent repeat and, every fifth case, a reused key with another body.
    fn open(api: &Api, at: Option<&At>, key: &str, body: &Value, n: usize) -> Run {
        let res = api.intake(key, body);
        let etag = res.etag.clone();
        let case = res.ok(201, &format!("intake {key}"));
        let (status, version) = status_version(&case);
        let no = case["case_no"].as_str().expect("case_no").to_owned();
        assert_eq!(version, 1, "{case}");
        assert_eq!(etag.as_deref(), Some("\"1\""), "ETag of a new case");
        assert_eq!(
            status,
            if at.is_some() {
                "received"
            } else {
                "submitted"
            },
            "{case}"
        );
        assert!(has_date(&case, "acceptance_due"), "{case}");
        assert!(case["query_code"].is_string(), "{case}");
        assert!(case["promised_due"].is_null() && case["legal_due"].is_null());
        // The client did not hear the answer and sends it again.
        let again = api.intake(key, body).ok(200, "repeated intake");
        assert_eq!(again["case_no"], no.as_str());
        assert_eq!(again["version"], 1);
        if n.is_multiple_of(5) {
            let mut other = body.clone();
            other["applicant"]["name"] = json!("另一个人");
            api.intake(key, &other)
                .problem(409, "idempotency_key_reused", "same key, other body");
        }
        Run {
            no,
            version: 1,
            log: vec![("opened", at.map(|a| a.grant))],
            window: at.map(|a| a.window.clone()),
        }
    }

    /// Takes `action` and checks the new status and version.
    fn act(
        &mut self,
        api: &Api,
        action: &str,
        body: Value,
        grant: Option<i64>,
        expect: &str,
    ) -> Value {
        let res = api.act(&self.no, action, self.version, &body);
        let etag = res.etag.clone();
        let case = res.ok(200, &format!("{action} on {} v{}", self.no, self.version));
        let (status, version) = status_version(&case);
        assert_eq!(status, expect, "{action} on {}: {case}", self.no);
        assert_eq!(version, self.version + 1, "{action} bumps the version");
        assert_eq!(etag, Some(format!("\"{version}\"")));
        self.version = version;
        self.log.push((event_kind(action), grant));
        case
    }

    /// An action the case's state does not allow: 409 with the rule's code, nothing changes.
    fn refused(&self, api: &Api, action: &str, body: Value, code: &str) {
        api.act(&self.no, action, self.version, &body).problem(
            409,
            code,
            &format!("{action} on {} must be refused", self.no),
        );
    }

    /// An action on a stale version: 412, whatever the action.
    fn stale(&self, api: &Api, action: &str, body: Value) {
        api.act(&self.no, action, self.version - 1, &body).problem(
            412,
            "stale_version",
            "stale If-Match",
        );
    }

    /// The timeline has one event per transition, in order, with the grant of each window
    /// action, and the case ends where the test left it.
    fn check_timeline(&self, api: &Api) {
        let case = api.case(&self.no);
        assert_eq!(case["version"], self.version, "{case}");
        let events = api.events(&self.no);
        let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        let expected: Vec<&str> = self.log.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, expected, "timeline of {}", self.no);
        for (i, (e, (_, grant))) in events.iter().zip(&self.log).enumerate() {
            assert_eq!(e["seq"], i as u64 + 1, "{e}");
            assert_eq!(e["event"]["version"], i as u64 + 1, "{e}");
            match grant {
                Some(g) => {
                    assert_eq!(e["grant_id"], *g, "grant of a window action: {e}");
                    assert!(e["window"].is_string(), "{e}");
                    assert_eq!(e["event"]["actor"]["role"], "clerk", "{e}");
                }
                None => {
                    assert!(e["grant_id"].is_null(), "no grant off the window: {e}");
                    assert_ne!(e["event"]["actor"]["role"], "clerk", "{e}");
                }
            }
        }
        if let Some(w) = &self.window {
            assert_eq!(events[0]["window"], w.as_str());
        }
    }
}

/// The review of an accepted case: every stage by its department, step by step (the stages
/// of a parallel step in reverse order, each by its own department), then the decision.
fn review(hall: &Hall, run: &mut Run, item: &Item, heads_for_approvers: bool) {
    for (s, step) in item.steps.iter().enumerate() {
        for (k, stage) in step.iter().rev().enumerate() {
            let role = if heads_for_approvers {
                "head"
            } else {
                &stage.role
            };
            let api = hall.logins.staff(role, &stage.department);
            let case = run.act(
                &api,
                "complete-stage",
                json!({"stage": stage.code, "opinion": "符合条件"}),
                None,
                "accepted",
            );
            let stages = case["stages"].as_array().expect("stages");
            let state = |code: &str| {
                stages
                    .iter()
                    .find(|x| x["code"] == code)
                    .map(|x| x["status"].as_str().unwrap_or_default().to_owned())
                    .unwrap_or_default()
            };
            assert_eq!(state(&stage.code), "done");
            if k + 1 < step.len() {
                // A parallel step: the rest of it still runs, the next step waits for it.
                for other in &step[..step.len() - k - 1] {
                    assert_eq!(state(&other.code), "active", "{case}");
                }
                if let Some(next) = item.steps.get(s + 1) {
                    assert_eq!(state(&next[0].code), "pending", "{case}");
                }
            }
        }
    }
}

fn decide(hall: &Hall, run: &mut Run, item: &Item, approve: bool, by_head: bool) -> Value {
    let api = if by_head {
        hall.logins.head(&item.department)
    } else {
        hall.logins.approver(&item.department)
    };
    let case = if approve {
        run.act(
            &api,
            "approve",
            json!({"opinion": "准予许可"}),
            None,
            "approved",
        )
    } else {
        run.act(
            &api,
            "deny",
            json!({"reason": "不符合法定条件", "legal_basis": "《中华人民共和国行政许可法》第三十八条"}),
            None,
            "denied",
        )
    };
    assert!(has_date(&case, "delivery_due"), "{case}");
    case
}

/// Delivery at a window granted `deliver` for the item when there is one, else by the
/// department's approver.
fn deliver(hall: &Hall, run: &mut Run, item: &Item, n: usize) {
    let body = match n % 3 {
        0 => json!({"method": "window"}),
        // By post: where to and the tracking number, without which it is refused.
        1 => json!({"method": "post", "post": {
            "address": "北京市东城区正义路 1 号",
            "tracking_no": format!("SF{n:010}"),
        }}),
        _ => json!({"method": "electronic"}),
    };
    let case = match hall.window(item, "deliver", n) {
        Some(at) if n % 4 != 3 => run.act(
            &hall.clerk(&at),
            "deliver",
            body,
            Some(at.grant),
            "concluded",
        ),
        _ => run.act(
            &hall.logins.approver(&item.department),
            "deliver",
            body,
            None,
            "concluded",
        ),
    };
    assert!(case["conclusion"].is_object(), "{case}");
}

fn accepted_checks(case: &Value) {
    assert!(has_date(case, "promised_due"), "{case}");
    assert!(has_date(case, "legal_due"), "{case}");
    assert!(case["acceptance_due"].is_null(), "{case}");
    assert!(
        case["promised_due"].as_str() <= case["legal_due"].as_str(),
        "{case}"
    );
}

/// Opens a case with `materials`: at a window granted `accept` (odd `n`, or always when
/// `window`), else online by the applicant. Returns the run and the window.
fn open(hall: &Hall, item: &Item, n: usize, materials: Value, online: bool) -> (Run, Option<At>) {
    let body = application(&item.code, n, materials);
    let key = format!("day-{n}");
    if online {
        let api = hall.logins.as_user("applicant", None);
        (Run::open(&api, None, &key, &body, n), None)
    } else {
        let at = hall
            .window(item, "accept", n)
            .unwrap_or_else(|| panic!("no window takes {} on {WEEKDAY}", item.code));
        (
            Run::open(&hall.clerk(&at), Some(&at), &key, &body, n),
            Some(at),
        )
    }
}

/// The acceptance, at the window the case came in at, or for an online case at a window
/// granted for the item.
fn accept(hall: &Hall, run: &mut Run, item: &Item, at: &Option<At>, n: usize) -> At {
    let at = at
        .clone()
        .or_else(|| hall.window(item, "accept", n))
        .expect("a window accepts the item");
    let case = run.act(
        &hall.clerk(&at),
        "accept",
        json!({}),
        Some(at.grant),
        "accepted",
    );
    accepted_checks(&case);
    at
}

fn scenario(hall: &Hall, pools: &Pools, n: usize) -> &'static str {
    let kind = n % 11;
    let round = n / 11;
    match kind {
        // Taken at the window, reviewed, approved, delivered; stale and early actions refused.
        0 => {
            let item = hall.pick(&pools.promised, round);
            let (mut run, at) = open(hall, item, n, item.all_materials(), false);
            run.refused(
                &hall.logins.approver(&item.department),
                "deliver",
                json!({"method": "window"}),
                "action_not_allowed_in_state",
            );
            let at = accept(hall, &mut run, item, &at, n);
            run.stale(&hall.clerk(&at), "accept", json!({}));
            run.refused(
                &hall.logins.approver(&item.department),
                "approve",
                json!({"opinion": "过早"}),
                "stage_not_done",
            );
            review(hall, &mut run, item, false);
            run.stale(
                &hall.logins.approver(&item.department),
                "approve",
                json!({"opinion": "x"}),
            );
            decide(hall, &mut run, item, true, round % 2 == 1);
            deliver(hall, &mut run, item, n);
            run.check_timeline(&hall.logins.as_user("supervisor", None));
            "concluded"
        }
        // Online, accepted by a clerk, stages by heads, denied by the head, delivered.
        1 => {
            let item = hall.pick(&pools.all, round * 3 + 1);
            let (mut run, at) = open(hall, item, n, item.all_materials(), true);
            accept(hall, &mut run, item, &at, n);
            review(hall, &mut run, item, true);
            decide(hall, &mut run, item, false, true);
            deliver(hall, &mut run, item, n);
            run.check_timeline(&hall.logins.as_user("applicant", None));
            "concluded"
        }
        // Incomplete: the one-time notice, the supplement, then acceptance and approval.
        2 => {
            let item = hall.pick(&pools.blocking, round);
            let missing = item
                .blocking_material()
                .expect("blocking material")
                .code
                .clone();
            let online = round.is_multiple_of(2);
            let (mut run, at) = open(
                hall,
                item,
                n,
                item.materials_where(|m| m.code != missing),
                online,
            );
            let at = at.or_else(|| hall.window(item, "accept", n)).unwrap();
            let clerk = hall.clerk(&at);
            run.refused(&clerk, "accept", json!({}), "missing_required_material");
            let case = run.act(
                &clerk,
                "request-supplement",
                json!({"missing": [{"code": missing, "note": "请补交原件"}]}),
                Some(at.grant),
                "supplement_pending",
            );
            assert!(case["acceptance_due"].is_null(), "{case}");
            run.refused(
                &clerk,
                "request-supplement",
                json!({"missing": [{"code": missing}]}),
                "second_supplement_notice",
            );
            let body = json!({"materials": [{"code": missing, "copies": item.blocking_material().unwrap().copies}]});
            let back = if online { "submitted" } else { "received" };
            let case = if online {
                run.act(
                    &hall.logins.as_user("applicant", None),
                    "supplement",
                    body,
                    None,
                    back,
                )
            } else {
                run.act(&clerk, "supplement", body, Some(at.grant), back)
            };
            assert!(has_date(&case, "acceptance_due"), "{case}");
            let case = run.act(&clerk, "accept", json!({}), Some(at.grant), "accepted");
            accepted_checks(&case);
            review(hall, &mut run, item, false);
            decide(hall, &mut run, item, true, false);
            deliver(hall, &mut run, item, n);
            run.check_timeline(&hall.logins.as_user("supervisor", None));
            "concluded"
        }
        // Tolerated missing (容缺受理): accepted on a promise, approval waits for it.
        3 => {
            let item = hall.pick(&pools.tolerable, round);
            let promised = item.tolerable_material().expect("tolerable").clone();
            let (mut run, at) = open(
                hall,
                item,
                n,
                item.materials_where(|m| m.code != promised.code),
                round.is_multiple_of(3),
            );
            let at = accept(hall, &mut run, item, &at, n);
            let case = hall.clerk(&at).case(&run.no);
            assert_eq!(
                case["promised_materials"][0]["code"],
                promised.code.as_str()
            );
            review(hall, &mut run, item, false);
            run.refused(
                &hall.logins.approver(&item.department),
                "approve",
                json!({"opinion": "准予"}),
                "promised_materials_outstanding",
            );
            let case = run.act(
                &hall.clerk(&at),
                "supplement",
                json!({"materials": [{"code": promised.code, "copies": promised.copies}]}),
                Some(at.grant),
                "accepted",
            );
            assert!(
                case["promised_materials"][0]["fulfilled_at"].is_string(),
                "{case}"
            );
            decide(hall, &mut run, item, true, false);
            deliver(hall, &mut run, item, n);
            run.check_timeline(&hall.logins.as_user("supervisor", None));
            "concluded"
        }
        // Parallel stages (并联审批) across departments.
        4 => {
            let item = hall.pick(&pools.parallel, round);
            let (mut run, at) = open(hall, item, n, item.all_materials(), round % 2 == 1);
            accept(hall, &mut run, item, &at, n);
            // Each other department sees the case in its queue and can read it.
            for d in item.other_departments() {
                hall.logins.approver(&d).case(&run.no);
            }
            review(hall, &mut run, item, false);
            decide(hall, &mut run, item, round.is_multiple_of(2), true);
            deliver(hall, &mut run, item, n);
            run.check_timeline(&hall.logins.as_user("supervisor", None));
            "concluded"
        }
        // A special procedure: suspended, refused work meanwhile, resumed.
        5 => {
            let item = hall.pick(&pools.promised, round + 3);
            let (mut run, at) = open(hall, item, n, item.all_materials(), false);
            accept(hall, &mut run, item, &at, n);
            let procedures = [
                "hearing",
                "testing",
                "expert_review",
                "appraisal",
                "quarantine",
            ];
            let approver = hall.logins.approver(&item.department);
            run.act(
                &approver,
                "suspend",
                json!({"procedure": procedures[round % procedures.len()], "note": "依法组织专家评审，期间不计入办理时限"}),
                None,
                "suspended",
            );
            let first = &item.steps[0][0];
            run.refused(
                &hall.logins.staff(&first.role, &first.department),
                "complete-stage",
                json!({"stage": first.code, "opinion": "x"}),
                "action_not_allowed_in_state",
            );
            run.refused(
                &approver,
                "suspend",
                json!({"procedure": "hearing", "note": "再次"}),
                "action_not_allowed_in_state",
            );
            let case = run.act(
                &hall.logins.head(&item.department),
                "resume",
                json!({}),
                None,
                "accepted",
            );
            accepted_checks(&case);
            review(hall, &mut run, item, false);
            decide(hall, &mut run, item, true, false);
            deliver(hall, &mut run, item, n);
            run.check_timeline(&hall.logins.as_user("supervisor", None));
            "concluded"
        }
        // The one extension by the head.
        6 => {
            let item = hall.pick(&pools.promised, round + 7);
            let (mut run, at) = open(hall, item, n, item.all_materials(), round.is_multiple_of(2));
            accept(hall, &mut run, item, &at, n);
            let head = hall.logins.head(&item.extension_by);
            let before = head.case(&run.no);
            let days = 1 + round as u64 % item.max_extension.max(1);
            let case = run.act(
                &head,
                "extend",
                json!({"working_days": days, "reason": "情况复杂，需进一步核查"}),
                None,
                "accepted",
            );
            assert!(
                case["legal_due"].as_str() > before["legal_due"].as_str(),
                "{before} → {case}"
            );
            assert_eq!(case["extension"]["working_days"], days);
            run.refused(
                &head,
                "extend",
                json!({"working_days": 1, "reason": "再延一次"}),
                "extension_already_used",
            );
            review(hall, &mut run, item, false);
            decide(hall, &mut run, item, !round.is_multiple_of(3), false);
            deliver(hall, &mut run, item, n);
            run.check_timeline(&hall.logins.as_user("supervisor", None));
            "concluded"
        }
        // Refused at the window (不予受理); nothing more can happen to it.
        7 => {
            let item = hall.pick(&pools.all, round * 5 + 2);
            let (mut run, at) = open(hall, item, n, item.all_materials(), round % 2 == 1);
            let at = at.or_else(|| hall.window(item, "accept", n)).unwrap();
            let clerk = hall.clerk(&at);
            let case = run.act(
                &clerk,
                "refuse",
                json!({"reason": "申请事项不属于本机关职权范围", "legal_basis": "《中华人民共和国行政许可法》第三十二条第一款第（二）项"}),
                Some(at.grant),
                "refused",
            );
            assert!(case["acceptance_due"].is_null(), "{case}");
            run.refused(&clerk, "accept", json!({}), "action_not_allowed_in_state");
            run.refused(
                &clerk,
                "withdraw",
                json!({"reason": "x"}),
                "action_not_allowed_in_state",
            );
            run.check_timeline(&clerk);
            "refused"
        }
        // Withdrawn by the applicant (online), before or after acceptance, or at the window.
        8 => {
            let item = hall.pick(&pools.all, round * 7 + 3);
            let online = round % 3 != 2;
            let (mut run, at) = open(hall, item, n, item.all_materials(), online);
            if round % 3 == 1 {
                accept(hall, &mut run, item, &at, n);
            }
            if online {
                run.act(
                    &hall.logins.as_user("applicant", None),
                    "withdraw",
                    json!({"reason": "不再需要办理"}),
                    None,
                    "withdrawn",
                );
            } else {
                let at = at.unwrap();
                run.act(
                    &hall.clerk(&at),
                    "withdraw",
                    json!({"reason": "申请人当场撤回"}),
                    Some(at.grant),
                    "withdrawn",
                );
            }
            run.check_timeline(&hall.logins.as_user("supervisor", None));
            "withdrawn"
        }
        // Terminated: the supplement never came (by the clerk), or by the back office.
        9 => {
            let item = hall.pick(&pools.blocking, round + 5);
            let missing = item.blocking_material().unwrap().code.clone();
            let (mut run, at) = open(
                hall,
                item,
                n,
                item.materials_where(|m| m.code != missing),
                false,
            );
            let at = at.unwrap();
            let clerk = hall.clerk(&at);
            run.act(
                &clerk,
                "request-supplement",
                json!({"missing": [{"code": missing, "note": "缺少"}]}),
                Some(at.grant),
                "supplement_pending",
            );
            if round.is_multiple_of(2) {
                run.act(
                    &clerk,
                    "terminate",
                    json!({"reason": "逾期未补正"}),
                    Some(at.grant),
                    "terminated",
                );
            } else {
                run.act(
                    &hall.logins.head(&item.department),
                    "terminate",
                    json!({"reason": "申请人死亡，依法终止"}),
                    None,
                    "terminated",
                );
            }
            run.refused(
                &clerk,
                "supplement",
                json!({"materials": [{"code": missing}]}),
                "action_not_allowed_in_state",
            );
            run.check_timeline(&hall.logins.as_user("supervisor", None));
            "terminated"
        }
        // An immediate item (即办件) decided on the spot by the clerk, and handed out.
        _ => {
            let item = hall.pick(&pools.on_spot, round);
            let at = hall
                .window(item, "decide_on_spot", n)
                .expect("a decide_on_spot window");
            let body = application(&item.code, n, item.all_materials());
            let clerk = hall.clerk(&at);
            let mut run = Run::open(&clerk, Some(&at), &format!("day-{n}"), &body, n);
            accept(hall, &mut run, item, &Some(at.clone()), n);
            let case = run.act(
                &clerk,
                "approve",
                json!({"opinion": "材料齐全，当场办结"}),
                Some(at.grant),
                "approved",
            );
            assert_eq!(case["decision"]["on_spot"], true, "{case}");
            assert!(case["stages"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["status"] == "done" && s["on_spot"] == true));
            let deliver_at = hall.window(item, "deliver", 0).expect("a deliver window");
            let same = windows_for(&hall.windows, item, "deliver", WEEKDAY)
                .into_iter()
                .find(|(w, _)| w.code == at.window)
                .map(|(_, g)| At {
                    window: at.window.clone(),
                    grant: g,
                })
                .unwrap_or(deliver_at);
            run.act(
                &hall.clerk(&same),
                "deliver",
                json!({"method": "window"}),
                Some(same.grant),
                "concluded",
            );
            run.check_timeline(&clerk);
            "concluded"
        }
    }
}

/// The items each scenario draws from.
struct Pools<'a> {
    all: Vec<&'a Item>,
    promised: Vec<&'a Item>,
    blocking: Vec<&'a Item>,
    tolerable: Vec<&'a Item>,
    parallel: Vec<&'a Item>,
    on_spot: Vec<&'a Item>,
}

fn day(server: &Server) -> BTreeMap<&'static str, usize> {
    let logins = Logins::new(server);
    let admin = logins.as_user("admin", None);
    admin
        .request(reqwest::Method::PUT, "/api/v1/admin/clock")
        .json(&json!({ "now": MORNING }))
        .send()
        .map(|r| {
            assert!(
                r.status().is_success(),
                "set the test clock: {}",
                r.status()
            )
        })
        .expect("set clock");
    let hall = Hall {
        items: items(&admin),
        windows: windows(&admin),
        logins,
    };
    let takes = |i: &&Item| hall.window(i, "accept", 0).is_some();
    let all: Vec<&Item> = hall.items.iter().filter(takes).collect();
    let pools = Pools {
        promised: all.iter().copied().filter(|i| !i.immediate).collect(),
        blocking: all
            .iter()
            .copied()
            .filter(|i| i.blocking_material().is_some())
            .collect(),
        tolerable: all
            .iter()
            .copied()
            .filter(|i| i.tolerable_material().is_some())
            .collect(),
        parallel: all.iter().copied().filter(|i| i.is_parallel()).collect(),
        on_spot: all
            .iter()
            .copied()
            .filter(|i| i.immediate && hall.window(i, "decide_on_spot", 0).is_some())
            .collect(),
        all,
    };
    assert!(
        pools.all.len() >= 30,
        "the demo catalogue is taken at windows"
    );
    assert!(!pools.parallel.is_empty() && !pools.on_spot.is_empty());
    assert!(!pools.tolerable.is_empty());

    let tally: Mutex<BTreeMap<&'static str, usize>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (hall, pools, tally) = (&hall, &pools, &tally);
            s.spawn(move || {
                for n in (t..CASES).step_by(THREADS) {
                    let end = scenario(hall, pools, n);
                    *tally.lock().unwrap().entry(end).or_default() += 1;
                }
            });
        }
    });
    let mut tally = tally.into_inner().unwrap();
    *tally.entry("accepted").or_default() += races(&hall);

    // The day's totals as the supervisor's queue counts them.
    let supervisor = hall.logins.as_user("supervisor", None);
    assert_eq!(supervisor.total(""), (CASES + RACES) as u64);
    for (status, n) in &tally {
        assert_eq!(
            supervisor.total(&format!("?status={status}")),
            *n as u64,
            "cases {status}"
        );
    }
    assert_eq!(
        supervisor.total("?status=received,submitted,suspended,approved,denied"),
        0
    );
    // At least ten items went through the day.
    let page = supervisor.get("/api/v1/cases?per_page=500").ok(200, "list");
    let mut used: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["item_code"].as_str().unwrap())
        .collect();
    used.sort();
    used.dedup();
    assert!(used.len() >= 10, "items of the day: {used:?}");
    tally
}

/// Two windows granted the same item accept the same case at once, on the same version:
/// exactly one wins, the other is told the case changed (412), and the timeline has one
/// acceptance.
fn races(hall: &Hall) -> usize {
    let item = hall
        .items
        .iter()
        .find(|i| windows_for(&hall.windows, i, "accept", WEEKDAY).len() >= 2)
        .expect("an item two windows accept");
    let both = windows_for(&hall.windows, item, "accept", WEEKDAY);
    let clerks: Vec<Api> = both
        .iter()
        .take(2)
        .map(|(w, _)| hall.logins.clerk(&w.code))
        .collect();
    for n in 0..RACES {
        let body = application(&item.code, 10_000 + n, item.all_materials());
        let case = clerks[0]
            .intake(&format!("race-{n}"), &body)
            .ok(201, "race intake");
        let no = case["case_no"].as_str().unwrap().to_owned();
        let answers: Vec<u16> = std::thread::scope(|s| {
            let runs: Vec<_> = clerks
                .iter()
                .map(|c| {
                    let no = &no;
                    s.spawn(move || c.act(no, "accept", 1, &json!({})))
                })
                .collect();
            runs.into_iter()
                .map(|h| {
                    let r = h.join().unwrap();
                    if r.status != 200 {
                        r.problem(412, "stale_version", "the losing acceptance");
                    }
                    r.status
                })
                .collect()
        });
        assert_eq!(
            answers.iter().filter(|s| **s == 200).count(),
            1,
            "one acceptance wins: {answers:?}"
        );
        let events = hall.logins.as_user("supervisor", None).events(&no);
        let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["opened", "accepted"]);
    }
    RACES
}
