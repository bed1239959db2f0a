//! Case writes and reads against real databases.

mod support;

use diesel::prelude::*;
use tongban_core::case::CaseStatus;
use tongban_store::schema::{audit_log, case_events, cases as cases_t, outbox};
use tongban_store::{
    cases, events, stages, CaseChange, CaseFilter, IntakeOutcome, Page, Store, StoreError,
};

use support::{audit, event, intake, mail, TestDb};

on_both_backends!(
    migrations_apply_twice,
    create_repeat_and_conflict,
    change_with_right_and_stale_version,
    due_cases_follow_next_check_at,
    events_are_ordered_per_case_and_globally,
    work_queue_filters_and_pages,
    search_finds_by_number_id_phone_or_name_within_the_scope,
);

fn count(store: &Store, table: &str) -> i64 {
    let table = table.to_string();
    store
        .read_blocking(move |c| {
            Ok(match table.as_str() {
                "cases" => cases_t::table.count().get_result(c)?,
                "events" => case_events::table.count().get_result(c)?,
                "audit" => audit_log::table.count().get_result(c)?,
                "outbox" => outbox::table.count().get_result(c)?,
                other => panic!("unknown table {other}"),
            })
        })
        .unwrap()
}

fn migrations_apply_twice(db: &TestDb) {
    let options = tongban_store::ConnectionOptions::default();
    let first = Store::migrate(&db.url, &options).unwrap();
    assert!(
        first.iter().any(|m| m == "20261123000000"),
        "the migrations apply: {first:?}"
    );
    let second = Store::migrate(&db.url, &options).unwrap();
    assert!(second.is_empty(), "nothing left to apply: {second:?}");
    let store = db.open();
    assert!(store.ready().unwrap());
    drop(store);
    // Opening again (which migrates) keeps working on a current schema.
    assert!(db.open().ready().unwrap());
}

fn create_repeat_and_conflict(db: &TestDb) {
    let store = db.open();
    let first = store.create_case_blocking(intake("C1", "k1")).unwrap();
    let IntakeOutcome::Created(created) = first else {
        panic!("expected Created, got {first:?}");
    };
    assert_eq!(created.version, 1);

    let again = store.create_case_blocking(intake("C1", "k1")).unwrap();
    assert_eq!(again, IntakeOutcome::Repeated(created.clone()));

    let mut other = intake("C2", "k1");
    other.request_hash = "another body".into();
    let err = store.create_case_blocking(other).unwrap_err();
    assert!(
        matches!(&err, StoreError::IdempotencyConflict { case_no } if case_no == "C1"),
        "{err:?}"
    );

    // A different key but an existing case number is a duplicate, not a second case.
    let err = store.create_case_blocking(intake("C1", "k2")).unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");

    assert_eq!(count(&store, "cases"), 1);
    assert_eq!(count(&store, "events"), 1);
    assert_eq!(count(&store, "audit"), 1);
    assert_eq!(count(&store, "outbox"), 1);
    let tasks = store.read_blocking(|c| stages::for_case(c, "C1")).unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].case_no, "C1");
    assert_eq!(store.verify_audit().unwrap().records, 1);
}

fn change(
    store: &Store,
    expected_version: i64,
    status: &str,
) -> Result<cases::CaseRecord, StoreError> {
    let mut row = store
        .read_blocking(|c| cases::get_case(c, "C1"))
        .unwrap()
        .unwrap();
    row.status = status.parse().unwrap();
    row.promised_due = Some(20_000);
    row.next_check_at = None;
    row.data = format!(r#"{{"status":"{status}"}}"#);
    row.updated_at = 2_000;
    store.apply_change_blocking(CaseChange {
        case: row,
        expected_version,
        event: event(status, 2_000),
        audit: audit(&format!("case.{status}"), "C1", 2_000),
        outbox: vec![mail(2_000)],
        stage_tasks: vec![],
    })
}

fn change_with_right_and_stale_version(db: &TestDb) {
    let store = db.open();
    store.create_case_blocking(intake("C1", "k1")).unwrap();

    let changed = change(&store, 1, "accepted").unwrap();
    assert_eq!(changed.version, 2);
    assert_eq!(changed.status.0.as_str(), "accepted");
    assert_eq!(changed.promised_due, Some(20_000));
    assert_eq!(changed.next_check_at, None, "None is written as NULL");
    assert_eq!(changed.created_at, 1_000, "creation time is kept");

    let err = change(&store, 1, "refused").unwrap_err();
    assert!(
        matches!(err, StoreError::StaleVersion { current: 2 }),
        "{err:?}"
    );
    let stored = store
        .read_blocking(|c| cases::get_case(c, "C1"))
        .unwrap()
        .unwrap();
    assert_eq!(stored, changed, "a stale change writes nothing to the case");
    assert_eq!(count(&store, "events"), 2);
    assert_eq!(count(&store, "audit"), 2);
    assert_eq!(count(&store, "outbox"), 2);

    let mut missing = stored.clone();
    missing.case_no = "NOPE".into();
    let err = store
        .apply_change_blocking(CaseChange {
            case: missing,
            expected_version: 2,
            event: event("accepted", 3_000),
            audit: audit("case.accept", "NOPE", 3_000),
            outbox: vec![],
            stage_tasks: vec![],
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert_eq!(store.verify_audit().unwrap().records, 2);
}

fn due_cases_follow_next_check_at(db: &TestDb) {
    let store = db.open();
    for (no, next) in [
        ("A", Some(300)),
        ("B", None),
        ("C", Some(100)),
        ("D", Some(200)),
    ] {
        let mut i = intake(no, &format!("k{no}"));
        i.case.next_check_at = next;
        i.stage_tasks[0].next_check_at = next.map(|n| n + 1);
        store.create_case_blocking(i).unwrap();
    }
    let due = store
        .read_blocking(|c| cases::due_cases(c, 200, 10))
        .unwrap();
    let numbers: Vec<_> = due.iter().map(|c| c.case_no.as_str()).collect();
    assert_eq!(numbers, ["C", "D"]);
    let limited = store
        .read_blocking(|c| cases::due_cases(c, 1_000, 2))
        .unwrap();
    assert_eq!(limited.len(), 2);
    let stage_due = store.read_blocking(|c| stages::due(c, 201, 10)).unwrap();
    let numbers: Vec<_> = stage_due.iter().map(|s| s.case_no.as_str()).collect();
    assert_eq!(numbers, ["C", "D"]);

    store
        .write_blocking(|c| cases::set_next_check(c, "C", None))
        .unwrap();
    let due = store
        .read_blocking(|c| cases::due_cases(c, 200, 10))
        .unwrap();
    assert_eq!(due.len(), 1);

    if store.backend() == tongban_store::Backend::Sqlite {
        // The sweep must use the partial index, not scan every case.
        let plan: Vec<String> = store
            .read_blocking(|c| {
                #[derive(QueryableByName)]
                struct Row {
                    #[diesel(sql_type = diesel::sql_types::Text)]
                    detail: String,
                }
                let rows: Vec<Row> = diesel::sql_query(
                    "EXPLAIN QUERY PLAN SELECT case_no FROM cases \
                     WHERE next_check_at IS NOT NULL AND next_check_at <= 200 \
                     ORDER BY next_check_at LIMIT 10",
                )
                .load(c)?;
                Ok(rows.into_iter().map(|r| r.detail).collect())
            })
            .unwrap();
        assert!(
            plan.iter().any(|p| p.contains("cases_next_check")),
            "plan: {plan:?}"
        );
    }
}

fn events_are_ordered_per_case_and_globally(db: &TestDb) {
    let store = db.open();
    store.create_case_blocking(intake("C1", "k1")).unwrap();
    store.create_case_blocking(intake("C2", "k2")).unwrap();
    change(&store, 1, "accepted").unwrap();
    change(&store, 2, "approved").unwrap();

    let timeline = store.read_blocking(|c| events::for_case(c, "C1")).unwrap();
    let kinds: Vec<_> = timeline.iter().map(|e| (e.seq, e.kind.as_str())).collect();
    assert_eq!(kinds, [(1, "received"), (2, "accepted"), (3, "approved")]);
    assert_eq!(timeline[0].grant_id, Some(7));

    let first = store.read_blocking(|c| events::after(c, 0, 2)).unwrap();
    assert_eq!(first.len(), 2);
    let rest = store
        .read_blocking(move |c| events::after(c, first[1].id, 10))
        .unwrap();
    assert_eq!(rest.len(), 2);
    let all = store.read_blocking(|c| events::after(c, 0, 10)).unwrap();
    let order: Vec<_> = all.iter().map(|e| (e.case_no.as_str(), e.seq)).collect();
    assert_eq!(order, [("C1", 1), ("C2", 1), ("C1", 2), ("C1", 3)]);
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
}

fn work_queue_filters_and_pages(db: &TestDb) {
    let store = db.open();
    for i in 0..7 {
        let mut intake = intake(&format!("Q{i}"), &format!("q{i}"));
        intake.case.received_at = 1_000 + i;
        intake.case.department = if i % 2 == 0 { "market" } else { "tax" }.into();
        intake.case.owner = (i == 3).then(|| "applicant1".to_string());
        store.create_case_blocking(intake).unwrap();
    }
    let market = CaseFilter {
        department: Some("market".into()),
        ..CaseFilter::default()
    };
    let (rows, total) = store
        .read_blocking(move |c| {
            cases::list_cases(
                c,
                &market,
                Page {
                    page: 1,
                    per_page: 3,
                },
            )
        })
        .unwrap();
    assert_eq!(total, 4);
    let numbers: Vec<_> = rows.iter().map(|c| c.case_no.as_str()).collect();
    assert_eq!(numbers, ["Q0", "Q2", "Q4"]);

    let market = CaseFilter {
        department: Some("market".into()),
        statuses: vec![CaseStatus::Received.into(), CaseStatus::Accepted.into()],
        ..CaseFilter::default()
    };
    let (rows, total) = store
        .read_blocking(move |c| {
            cases::list_cases(
                c,
                &market,
                Page {
                    page: 2,
                    per_page: 3,
                },
            )
        })
        .unwrap();
    assert_eq!((rows.len(), total), (1, 4));

    let mine = CaseFilter {
        owner: Some("applicant1".into()),
        ..CaseFilter::default()
    };
    let (rows, _) = store
        .read_blocking(move |c| {
            cases::list_cases(
                c,
                &mine,
                Page {
                    page: 1,
                    per_page: 50,
                },
            )
        })
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].case_no, "Q3");
    assert!(cases::query_code_matches(&rows[0].query_code, "483920"));
    assert!(!cases::query_code_matches(&rows[0].query_code, "483921"));

    // An applicant's list: newest receipt first; a queue stays oldest first.
    let newest = CaseFilter {
        department: Some("market".into()),
        newest_first: true,
        ..CaseFilter::default()
    };
    let (rows, _) = store
        .read_blocking(move |c| {
            cases::list_cases(
                c,
                &newest,
                Page {
                    page: 1,
                    per_page: 3,
                },
            )
        })
        .unwrap();
    let numbers: Vec<_> = rows.iter().map(|c| c.case_no.as_str()).collect();
    assert_eq!(numbers, ["Q6", "Q4", "Q2"]);
}

fn numbers_of(store: &Store, filter: CaseFilter) -> Vec<String> {
    let (rows, _) = store
        .read_blocking(move |c| {
            cases::list_cases(
                c,
                &filter,
                Page {
                    page: 1,
                    per_page: 50,
                },
            )
        })
        .unwrap();
    rows.into_iter().map(|r| r.case_no).collect()
}

fn search_finds_by_number_id_phone_or_name_within_the_scope(db: &TestDb) {
    let store = db.open();
    let people = [
        (
            "S1",
            "王小明",
            "11010119900101123X",
            Some("13900000001"),
            "market",
        ),
        (
            "S2",
            "李四",
            "110101199202021234",
            Some("13900000002"),
            "market",
        ),
        ("S3", "王小明", "11010119900101123X", None, "tax"),
        ("S4", "张100%", "110101199303031234", None, "market"),
    ];
    for (i, (no, name, id, phone, dept)) in people.into_iter().enumerate() {
        let mut intake = intake(no, &format!("s{i}"));
        intake.case.received_at = 1_000 + i as i64;
        intake.case.department = dept.into();
        intake.case.applicant_name = name.into();
        intake.case.applicant_id_number = id.into();
        intake.case.applicant_phone = phone.map(Into::into);
        store.create_case_blocking(intake).unwrap();
    }
    let search = |text: &str, department: Option<&str>| CaseFilter {
        search: Some(text.into()),
        department: department.map(Into::into),
        ..CaseFilter::default()
    };
    assert_eq!(
        numbers_of(&store, search("S2", None)),
        ["S2"],
        "case number"
    );
    // An ID number matches whole, whatever the case of its check letter.
    assert_eq!(
        numbers_of(&store, search("11010119900101123x", None)),
        ["S1", "S3"]
    );
    assert!(numbers_of(&store, search("1101011990", None)).is_empty());
    assert_eq!(numbers_of(&store, search("13900000002", None)), ["S2"]);
    assert_eq!(
        numbers_of(&store, search("小明", None)),
        ["S1", "S3"],
        "name"
    );
    // Within the scope the caller reads.
    assert_eq!(numbers_of(&store, search("王小明", Some("tax"))), ["S3"]);
    // `%` and `_` are letters of the text, not wildcards.
    assert_eq!(numbers_of(&store, search("100%", None)), ["S4"]);
    assert!(numbers_of(&store, search("_", None)).is_empty());
    let earlier = CaseFilter {
        applicant_id_number: Some("11010119900101123X".into()),
        ..CaseFilter::default()
    };
    assert_eq!(numbers_of(&store, earlier), ["S1", "S3"]);
}
