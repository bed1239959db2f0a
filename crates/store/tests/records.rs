//! Administration records and alerts against real databases.

mod support;

use tongban_core::supervision::lifecycle::AlertStatus;
use tongban_core::supervision::AlertLevel;
use tongban_store::alerts::{self, AlertFilter, NewAlert};
use tongban_store::calendar_years::{self, CalendarYearRecord};
use tongban_store::complaints::{self, NewComplaint};
use tongban_store::departments::{self, DepartmentRecord};
use tongban_store::evaluations::{self, EvaluationRecord};
use tongban_store::grants::{self, NewGrant};
use tongban_store::items::{self, ItemRecord};
use tongban_store::users::{self, UserRecord};
use tongban_store::windows::{self, WindowRecord};
use tongban_store::{cases, outbox, CaseFilter, Page, StoreError};

use support::{intake, TestDb};

on_both_backends!(
    alerts_are_raised_once,
    administration_records,
    outbox_retries
);

fn alert(level: &str) -> NewAlert {
    NewAlert {
        scope: "case:C1".into(),
        case_no: Some("C1".into()),
        stage: None,
        rule: "promised_deadline".parse().unwrap(),
        level: level.parse().unwrap(),
        status: "open".parse().unwrap(),
        department: Some("market".into()),
        raised_at: 5_000,
        updated_at: 5_000,
        detail: "{}".into(),
    }
}

fn alerts_are_raised_once(db: &TestDb) {
    let store = db.open();
    store.create_case_blocking(intake("C1", "k1")).unwrap();
    store.create_case_blocking(intake("C2", "k2")).unwrap();
    assert!(store
        .write_blocking(|c| alerts::raise(c, &alert("yellow")))
        .unwrap());
    assert!(!store
        .write_blocking(|c| alerts::raise(c, &alert("yellow")))
        .unwrap());
    assert!(store
        .write_blocking(|c| alerts::raise(c, &alert("red")))
        .unwrap());
    let (rows, total) = store
        .read_blocking(|c| {
            alerts::list(
                c,
                &AlertFilter::default(),
                Page {
                    page: 1,
                    per_page: 10,
                },
            )
        })
        .unwrap();
    assert_eq!((rows.len(), total), (2, 2));

    let red = CaseFilter {
        alert_level: Some(AlertLevel::Red.into()),
        ..CaseFilter::default()
    };
    let (queue, total) = store
        .read_blocking(move |c| {
            cases::list_cases(
                c,
                &red,
                Page {
                    page: 1,
                    per_page: 10,
                },
            )
        })
        .unwrap();
    assert_eq!(total, 1);
    assert_eq!(queue[0].case_no, "C1");

    let id = rows
        .iter()
        .find(|a| a.level.0 == AlertLevel::Red)
        .unwrap()
        .id;
    let resolved = store
        .write_blocking(move |c| {
            alerts::set_status(c, id, AlertStatus::Resolved, r#"{"note":"done"}"#, 6_000)
        })
        .unwrap();
    assert_eq!(resolved.status.0, AlertStatus::Resolved);
    let red = CaseFilter {
        alert_level: Some(AlertLevel::Red.into()),
        ..CaseFilter::default()
    };
    let (_, total) = store
        .read_blocking(move |c| {
            cases::list_cases(
                c,
                &red,
                Page {
                    page: 1,
                    per_page: 10,
                },
            )
        })
        .unwrap();
    assert_eq!(
        total, 0,
        "a resolved alert no longer puts the case in the alert queue"
    );
    let err = store
        .write_blocking(|c| alerts::set_status(c, 999, AlertStatus::Resolved, "{}", 1))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)));
}

fn administration_records(db: &TestDb) {
    let store = db.open();
    store
        .write_blocking(|c| {
            let dept = DepartmentRecord {
                code: "market".into(),
                name: "市场监督管理局".into(),
                parent: None,
                created_at: 1,
            };
            departments::insert(c, &dept)?;
            assert!(matches!(
                departments::insert(c, &dept),
                Err(StoreError::Duplicate(_))
            ));
            windows::insert(
                c,
                &WindowRecord {
                    code: "W01".into(),
                    name: "综合窗口1".into(),
                    kind: "general".into(),
                    departments: r#"["market"]"#.into(),
                    data: "{}".into(),
                    created_at: 1,
                },
            )?;
            assert!(windows::add_staff(c, "W01", "clerk1", 1)?);
            assert!(!windows::add_staff(c, "W01", "clerk1", 2)?);
            users::insert(
                c,
                &UserRecord {
                    username: "clerk1".into(),
                    password_hash: "$argon2id$x".into(),
                    name: "张三".into(),
                    email: None,
                    phone: Some("13800000000".into()),
                    roles: r#"["clerk"]"#.into(),
                    department: Some("market".into()),
                    active: true,
                    must_change_password: false,
                    created_at: 1,
                    updated_at: 1,
                },
            )?;
            let body = |v: &str| ItemRecord {
                code: "ITEM-001".into(),
                version: 0,
                name: "食品经营许可".into(),
                department: "market".into(),
                kind: "promised".into(),
                body: format!(r#"{{"v":"{v}"}}"#),
                created_at: 1,
            };
            assert_eq!(items::add_version(c, &body("a"))?.version, 1);
            assert_eq!(items::add_version(c, &body("b"))?.version, 2);
            calendar_years::put(
                c,
                &CalendarYearRecord {
                    calendar: "cn".into(),
                    year: 2026,
                    holidays: r#"["2026-10-01"]"#.into(),
                    workdays: "[]".into(),
                    updated_at: 1,
                    source: None,
                },
            )?;
            calendar_years::put(
                c,
                &CalendarYearRecord {
                    calendar: "cn".into(),
                    year: 2026,
                    holidays: r#"["2026-10-01","2026-10-02"]"#.into(),
                    workdays: "[]".into(),
                    updated_at: 2,
                    source: Some("国办发明电〔2025〕7号".into()),
                },
            )?;
            Ok(())
        })
        .unwrap();
    let grant = store
        .write_blocking(|c| {
            grants::insert(
                c,
                &NewGrant {
                    window_code: "W01".into(),
                    clerk: None,
                    department: Some("market".into()),
                    items: "[]".into(),
                    actions: r#"["accept"]"#.into(),
                    valid_from: 100,
                    valid_to: Some(1_000),
                    granted_by: "admin".into(),
                    document_no: "授字〔2026〕1号".into(),
                    created_at: 50,
                },
            )
        })
        .unwrap();
    assert!(grant.id > 0);
    assert_eq!(
        store
            .read_blocking(|c| grants::in_force(c, "W01", 50))
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        store
            .read_blocking(|c| grants::in_force(c, "W01", 500))
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .read_blocking(|c| grants::in_force(c, "W01", 1_000))
            .unwrap()
            .len(),
        0
    );
    let id = grant.id;
    assert!(store
        .write_blocking(move |c| grants::revoke(
            c,
            id,
            &grants::Revocation {
                at: 600,
                by: "admin",
                document_no: "县政务办〔2026〕9号",
                reason: "窗口调整",
            },
        ))
        .unwrap());
    assert!(!store
        .write_blocking(move |c| grants::revoke(
            c,
            id,
            &grants::Revocation {
                at: 601,
                by: "admin",
                document_no: "县政务办〔2026〕9号",
                reason: "窗口调整",
            },
        ))
        .unwrap());
    assert_eq!(
        store
            .read_blocking(|c| grants::in_force(c, "W01", 700))
            .unwrap()
            .len(),
        0
    );
    let kept = store
        .read_blocking(|c| grants::for_window(c, "W01"))
        .unwrap();
    assert_eq!(kept.len(), 1);
    // The first revocation's document and reason stay; the refused second one wrote nothing.
    assert_eq!(kept[0].revoked_at, Some(600));
    assert_eq!(
        kept[0].revoke_document_no.as_deref(),
        Some("县政务办〔2026〕9号")
    );
    assert_eq!(kept[0].revoke_reason.as_deref(), Some("窗口调整"));

    store
        .read_blocking(|c| {
            assert_eq!(departments::list(c)?.len(), 1);
            assert!(windows::is_staff(c, "W01", "clerk1")?);
            assert_eq!(windows::windows_of(c, "clerk1")?, ["W01"]);
            assert_eq!(
                users::get(c, "clerk1")?.map(|u| u.name),
                Some("张三".into())
            );
            assert_eq!(items::latest(c, "ITEM-001")?.map(|i| i.version), Some(2));
            assert_eq!(
                items::version(c, "ITEM-001", 1)?.map(|i| i.body),
                Some(r#"{"v":"a"}"#.into())
            );
            let latest = items::list_latest(c, Some("market"))?;
            assert_eq!(latest.len(), 1);
            assert_eq!(latest[0].version, 2);
            let years = calendar_years::list(c, "cn")?;
            assert_eq!(years.len(), 1);
            assert_eq!(years[0].updated_at, 2);
            Ok(())
        })
        .unwrap();

    store.create_case_blocking(intake("C1", "k1")).unwrap();
    store
        .write_blocking(|c| {
            let e = EvaluationRecord {
                case_no: "C1".into(),
                score: 1,
                comment: Some("太慢".into()),
                at: 10,
                follow_up_due: Some(20),
                followed_up_at: None,
                follow_up_note: None,
                followed_up_by: None,
            };
            evaluations::insert(c, &e)?;
            assert!(matches!(
                evaluations::insert(c, &e),
                Err(StoreError::Duplicate(_))
            ));
            assert_eq!(
                evaluations::follow_ups_overdue(c, 20, 10, "bad_evaluation_unanswered")?.len(),
                1
            );
            let awaiting = evaluations::awaiting_follow_up(c, "market", 10)?;
            assert_eq!(awaiting.len(), 1);
            assert_eq!(awaiting[0].case_no, "C1");
            assert!(evaluations::awaiting_follow_up(c, "other", 10)?.is_empty());
            assert_eq!(
                evaluations::get_in_department(c, "C1", "market")?.map(|e| e.score),
                Some(1)
            );
            assert!(evaluations::get_in_department(c, "C1", "other")?.is_none());
            assert!(evaluations::follow_up(c, "C1", 15, "已回访", "head-gaj")?);
            assert!(evaluations::awaiting_follow_up(c, "market", 10)?.is_empty());
            assert_eq!(
                evaluations::follow_ups_overdue(c, 20, 10, "bad_evaluation_unanswered")?.len(),
                0
            );
            let complaint = complaints::insert(
                c,
                &NewComplaint {
                    case_no: Some("C1".into()),
                    window_code: None,
                    text: "态度差".into(),
                    contact: None,
                    at: 30,
                    status: "open".into(),
                },
            )?;
            assert!(complaints::handle(c, complaint.id, 40, "已处理")?);
            assert_eq!(complaints::list(c, Some("handled"), 10)?.len(), 1);
            Ok(())
        })
        .unwrap();
}

fn outbox_retries(db: &TestDb) {
    let store = db.open();
    store.create_case_blocking(intake("C1", "k1")).unwrap();
    let due = store.read_blocking(|c| outbox::due(c, 1_000, 10)).unwrap();
    assert_eq!(due.len(), 1);
    let id = due[0].id;
    store
        .write_blocking(move |c| outbox::mark_failed(c, id, "smtp down", 2_000))
        .unwrap();
    assert!(store
        .read_blocking(|c| outbox::due(c, 1_500, 10))
        .unwrap()
        .is_empty());
    let again = store.read_blocking(|c| outbox::due(c, 2_000, 10)).unwrap();
    assert_eq!(
        (again[0].attempts, again[0].last_error.as_deref()),
        (1, Some("smtp down"))
    );
    store
        .write_blocking(move |c| outbox::mark_sent(c, id, 2_100))
        .unwrap();
    assert!(store
        .read_blocking(|c| outbox::due(c, 9_000, 10))
        .unwrap()
        .is_empty());
}
