//! The sweep against a real database (SQLite, and PostgreSQL when
//! `TONGBAN_TEST_DATABASE_URL_PG` is set): alerts appear when their instant comes, once, and
//! two sweepers at the same time never raise one twice.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, TimeZone, Utc};
use tongban_app::supervision::case_record;
use tongban_app::supervision::sweep::{sweep, ItemVersions, SweepReport};
use tongban_core::calendar::Calendar;
use tongban_core::case::{
    decide, open_case, Actor, Applicant, ApplicantKind, Command, GrantRef, NewCase,
    SubmittedMaterial, Transition,
};
use tongban_core::clock::HallTime;
use tongban_core::item::Item;
use tongban_core::role::Role;
use tongban_store::alerts::{self, AlertFilter};
use tongban_store::{cases, CaseChange, CaseIntake, NewAudit, NewEvent, Page, Store, StoreOptions};

const PG_VAR: &str = "TONGBAN_TEST_DATABASE_URL_PG";

struct Items(Vec<Item>);

impl ItemVersions for Items {
    fn item_version(&self, code: &str, version: u32) -> Option<&Item> {
        self.0
            .iter()
            .find(|i| i.code == code && i.version == version)
    }
}

fn items() -> Items {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflows");
    let mut paths = vec![format!("{root}/hall.toml"), format!("{root}/grants.toml")];
    for entry in std::fs::read_dir(format!("{root}/items")).expect("items directory") {
        paths.push(entry.expect("entry").path().display().to_string());
    }
    paths.sort();
    let files: Vec<(String, String)> = paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("workflow file");
            (p, text)
        })
        .collect();
    let catalogue = tongban_core::catalogue::parse(&files).expect("valid catalogue");
    Items(catalogue.items)
}

/// A Monday morning in the hall's time zone.
fn monday() -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600)
        .and_then(|tz| tz.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).single())
        .map(|t| t.with_timezone(&Utc))
        .expect("valid instant")
}

fn clerk() -> Actor {
    Actor {
        role: Role::Clerk,
        user: "clerk-a02".into(),
        department: None,
        window: Some("A02".into()),
        grant: Some(GrantRef {
            id: 1,
            document_no: "test".into(),
        }),
    }
}

fn event_rows(t: &Transition) -> (NewEvent, NewAudit) {
    let at = t.event.at.timestamp_millis();
    (
        NewEvent {
            at,
            kind: t.event.kind.as_str().into(),
            actor: t.event.actor.user.clone(),
            window_code: t.event.actor.window.clone(),
            grant_id: None,
            data: "{}".into(),
        },
        NewAudit {
            at,
            actor: t.event.actor.user.clone(),
            action: t.event.kind.as_str().into(),
            subject: t.event.case_no.clone(),
            detail: "{}".into(),
        },
    )
}

/// Stores an accepted case of GA-QR-01 taken at `at`.
fn accepted_case(store: &Store, items: &Items, no: &str, at: DateTime<Utc>) {
    let item = items.item_version("GA-QR-01", 1).expect("item");
    let calendar = Calendar::china();
    let hall = HallTime::shanghai();
    let new = NewCase {
        case_no: no.into(),
        query_code: "Q".into(),
        applicant: Applicant {
            kind: ApplicantKind::Person,
            name: "张三".into(),
            id_number: "110101199001011234".into(),
            phone: None,
            email: None,
        },
        materials: ["hkb", "jsfz", "zp"]
            .iter()
            .map(|c| SubmittedMaterial {
                code: (*c).into(),
                copies: 1,
            })
            .collect(),
        form: None,
    };
    let opened = open_case(new, item, &clerk(), at, &calendar, hall).expect("open");
    let (event, audit) = event_rows(&opened);
    store
        .create_case_blocking(CaseIntake {
            idempotency_key: None,
            request_hash: String::new(),
            case: case_record(&opened.case, item, &calendar, hall),
            event,
            audit,
            outbox: vec![],
            stage_tasks: vec![],
        })
        .expect("create");
    let later = at + Duration::minutes(10);
    let accepted = decide(
        &opened.case,
        item,
        Command::Accept,
        &clerk(),
        later,
        &calendar,
        hall,
    )
    .expect("accept");
    let (event, audit) = event_rows(&accepted);
    store
        .apply_change_blocking(CaseChange {
            case: case_record(&accepted.case, item, &calendar, hall),
            expected_version: 1,
            event,
            audit,
            outbox: vec![],
            stage_tasks: vec![],
        })
        .expect("accept stored");
}

fn next_check(store: &Store, no: &str) -> Option<i64> {
    let no = no.to_owned();
    store
        .read_blocking(move |c| cases::get_case(c, &no))
        .expect("read")
        .expect("case")
        .next_check_at
}

fn alert_keys(store: &Store, no: &str) -> Vec<(String, String, String)> {
    let filter = AlertFilter {
        case_no: Some(no.to_owned()),
        ..AlertFilter::default()
    };
    let (rows, _) = store
        .read_blocking(move |c| {
            alerts::list(
                c,
                &filter,
                Page {
                    page: 1,
                    per_page: 500,
                },
            )
        })
        .expect("alerts");
    let mut keys: Vec<_> = rows
        .into_iter()
        .map(|a| {
            (
                a.scope,
                a.rule.0.as_str().to_owned(),
                a.level.0.as_str().to_owned(),
            )
        })
        .collect();
    keys.sort();
    keys
}

fn sweep_at(store: &Store, items: &Items, now: DateTime<Utc>) -> SweepReport {
    sweep(
        store,
        &mut &*items,
        &Calendar::china(),
        HallTime::shanghai(),
        now,
    )
    .expect("sweep")
}

fn alerts_come_once_when_due(url: &str) {
    let store = Store::open(url, StoreOptions::default()).expect("store");
    let items = items();
    let t0 = monday();
    accepted_case(&store, &items, "S1", t0);

    assert_eq!(
        sweep_at(&store, &items, t0).cases,
        0,
        "nothing is due at once"
    );
    let first = next_check(&store, "S1").expect("an open case has a next check");
    let first_at = DateTime::from_timestamp_millis(first).expect("instant");
    let early = sweep_at(&store, &items, first_at - Duration::milliseconds(1));
    assert_eq!(
        early,
        SweepReport::default(),
        "one millisecond early: nothing"
    );

    let due = sweep_at(&store, &items, first_at);
    assert_eq!(due.cases, 1);
    assert!(due.raised >= 1, "the first checkpoint raises an alert");
    let after_first = alert_keys(&store, "S1");
    assert!(next_check(&store, "S1").is_some_and(|n| n > first));

    // Ten days after the legal deadline (60 natural days): every time alert, each once.
    let late = t0 + Duration::days(70);
    let report = sweep_at(&store, &items, late);
    assert!(report.raised > 0);
    let all = alert_keys(&store, "S1");
    assert!(all.len() > after_first.len());
    let mut distinct = all.clone();
    distinct.dedup();
    assert_eq!(distinct, all, "no alert twice");
    for (rule, level) in [
        ("promised_deadline", "yellow"),
        ("promised_deadline", "red"),
        ("legal_deadline", "red"),
    ] {
        assert!(
            all.iter().any(|(_, r, l)| r == rule && l == level),
            "{rule}/{level} missing from {all:?}"
        );
    }
    assert_eq!(next_check(&store, "S1"), None, "nothing left to watch");
    assert_eq!(sweep_at(&store, &items, late), SweepReport::default());
}

/// A catalogue that knows the item versions only once it is read again, as a process that
/// has not yet seen a version another process published.
struct Later {
    known: Items,
    on_refresh: Option<Items>,
    refreshed: usize,
}

impl ItemVersions for Later {
    fn item_version(&self, code: &str, version: u32) -> Option<&Item> {
        self.known.item_version(code, version)
    }

    fn refresh(&mut self) {
        self.refreshed += 1;
        if let Some(items) = self.on_refresh.take() {
            self.known = items;
        }
    }
}

fn unknown_item_version_stays_supervised(url: &str) {
    let store = Store::open(url, StoreOptions::default()).expect("store");
    let items = items();
    let t0 = monday();
    accepted_case(&store, &items, "U1", t0);
    let late = t0 + Duration::days(70);
    let calendar = Calendar::china();
    let hall = HallTime::shanghai();

    // Not known even after reading the catalogue again: skipped, never dropped.
    let mut unknown = Later {
        known: Items(Vec::new()),
        on_refresh: None,
        refreshed: 0,
    };
    let report = sweep(&store, &mut unknown, &calendar, hall, late).expect("sweep");
    assert_eq!((report.cases, report.raised, report.skipped), (1, 0, 1));
    assert_eq!(
        unknown.refreshed, 1,
        "the catalogue is read again on a miss"
    );
    assert!(alert_keys(&store, "U1").is_empty());
    let kept = next_check(&store, "U1").expect("the case stays under supervision");
    assert!(
        kept <= (late + Duration::minutes(1)).timestamp_millis(),
        "due again at the next sweep"
    );

    // The next sweep's reread finds the version: every alert comes.
    let mut learns = Later {
        known: Items(Vec::new()),
        on_refresh: Some(items),
        refreshed: 0,
    };
    let next = late + Duration::minutes(1);
    let report = sweep(&store, &mut learns, &calendar, hall, next).expect("sweep");
    assert_eq!((report.cases, report.skipped), (1, 0));
    assert!(report.raised >= 3, "{report:?}");
    assert_eq!(learns.refreshed, 1);
    assert_eq!(next_check(&store, "U1"), None, "nothing left to watch");
}

#[test]
fn unknown_item_version_stays_supervised_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    unknown_item_version_stays_supervised(&sqlite_url(&dir));
}

#[test]
fn unknown_item_version_stays_supervised_postgres() {
    with_pg("uv", unknown_item_version_stays_supervised);
}

fn two_sweepers_raise_each_alert_once(url: &str) {
    let items = items();
    let t0 = monday();
    let store = Store::open(url, StoreOptions::default()).expect("store");
    for i in 0..50 {
        accepted_case(&store, &items, &format!("P{i}"), t0);
    }
    let late = t0 + Duration::days(70);
    // Two stores are two writers, as two processes would be.
    let reports: Vec<SweepReport> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let items = &items;
                s.spawn(move || {
                    let store = Store::open(url, StoreOptions::default()).expect("store");
                    sweep_at(&store, items, late)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("sweeper"))
            .collect()
    });
    let raised: usize = reports.iter().map(|r| r.raised).sum();
    let stored: usize = (0..50)
        .map(|i| alert_keys(&store, &format!("P{i}")).len())
        .sum();
    assert_eq!(
        raised, stored,
        "every stored alert was raised by exactly one sweeper"
    );
    assert!(stored >= 150, "at least three alerts per case: {stored}");
}

fn bad_rating_without_follow_up_alerts_once(url: &str) {
    let store = Store::open(url, StoreOptions::default()).expect("store");
    let items = items();
    let t0 = monday();
    accepted_case(&store, &items, "E1", t0);
    let due = (t0 + Duration::days(3)).timestamp_millis();
    store
        .write_blocking(move |c| {
            tongban_store::evaluations::insert(
                c,
                &tongban_store::evaluations::EvaluationRecord {
                    case_no: "E1".into(),
                    score: 1,
                    comment: Some("等了很久".into()),
                    at: t0.timestamp_millis(),
                    follow_up_due: Some(due),
                    followed_up_at: None,
                    follow_up_note: None,
                    followed_up_by: None,
                },
            )
        })
        .expect("evaluation");
    let rule = |store: &Store| {
        alert_keys(store, "E1")
            .into_iter()
            .filter(|(_, r, _)| r == "bad_evaluation_unanswered")
            .count()
    };
    sweep_at(&store, &items, t0 + Duration::days(2));
    assert_eq!(rule(&store), 0, "not due yet");
    let late = t0 + Duration::days(4);
    sweep_at(&store, &items, late);
    assert_eq!(rule(&store), 1, "raised when the follow-up is overdue");
    sweep_at(&store, &items, late + Duration::hours(1));
    assert_eq!(rule(&store), 1, "and only once");
}

#[test]
fn bad_rating_without_follow_up_alerts_once_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    bad_rating_without_follow_up_alerts_once(&sqlite_url(&dir));
}

#[test]
fn bad_rating_without_follow_up_alerts_once_postgres() {
    with_pg(
        "bad_rating_without_follow_up_alerts_once",
        bad_rating_without_follow_up_alerts_once,
    );
}

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    dir.path().join("t.sqlite").to_string_lossy().into_owned()
}

fn with_pg(test: &str, body: impl FnOnce(&str)) {
    let Ok(admin) = std::env::var(PG_VAR) else {
        // Straight to stderr: the test harness captures `eprintln!` of passing tests, and a
        // skip must be seen.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("{test} on PostgreSQL: SKIPPED (set {PG_VAR})\n").as_bytes(),
        );
        return;
    };
    static N: AtomicU64 = AtomicU64::new(0);
    let name = format!(
        "tongban_sv_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let url = tongban_store::baseline::create_pg_database(&admin, &name)
        .unwrap_or_else(|e| panic!("{PG_VAR} is set but PostgreSQL refused: {e}"));
    body(&url);
    let _ = tongban_store::baseline::drop_pg_database(&admin, &name);
}

#[test]
fn alerts_come_once_when_due_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    alerts_come_once_when_due(&sqlite_url(&dir));
}

#[test]
fn alerts_come_once_when_due_postgres() {
    with_pg("alerts_come_once_when_due", alerts_come_once_when_due);
}

#[test]
fn two_sweepers_raise_each_alert_once_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    two_sweepers_raise_each_alert_once(&sqlite_url(&dir));
}

#[test]
fn two_sweepers_raise_each_alert_once_postgres() {
    with_pg(
        "two_sweepers_raise_each_alert_once",
        two_sweepers_raise_each_alert_once,
    );
}
