//! Group commit: many concurrent callers, one failing request in a batch.

mod support;

use std::sync::Arc;
use std::time::Duration;

use diesel::prelude::*;
use tongban_store::schema::{audit_log, case_events, cases as cases_t, idempotency_keys};
use tongban_store::{IntakeOutcome, StoreError};

use support::{intake, TestDb};

on_both_backends!(
    many_concurrent_callers,
    one_failure_does_not_sink_the_batch,
    async_submit
);

fn many_concurrent_callers(db: &TestDb) {
    const THREADS: usize = 16;
    const PER_THREAD: usize = 50;
    let store = db.open();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                let mut created = 0;
                let mut conflicts = 0;
                for i in 0..PER_THREAD {
                    let no = format!("T{t}-{i}");
                    match store.create_case_blocking(intake(&no, &no)).unwrap() {
                        IntakeOutcome::Created(c) => {
                            assert_eq!(c.case_no, no);
                            created += 1;
                        }
                        other => panic!("unexpected {other:?}"),
                    }
                    // Every tenth intake is followed by a reuse of its key with another body.
                    if i % 10 == 0 {
                        let mut bad = intake(&format!("X{t}-{i}"), &no);
                        bad.request_hash = "different".into();
                        let err = store.create_case_blocking(bad).unwrap_err();
                        assert!(
                            matches!(err, StoreError::IdempotencyConflict { .. }),
                            "{err:?}"
                        );
                        conflicts += 1;
                    }
                }
                (created, conflicts)
            })
        })
        .collect();
    let mut created = 0;
    for h in handles {
        let (c, x) = h.join().unwrap();
        created += c;
        assert_eq!(x, PER_THREAD / 10);
    }
    let total = THREADS * PER_THREAD;
    assert_eq!(created, total);
    let (cases, events, audits, keys, distinct): (i64, i64, i64, i64, i64) = store
        .read_blocking(|c| {
            Ok((
                cases_t::table.count().get_result(c)?,
                case_events::table.count().get_result(c)?,
                audit_log::table.count().get_result(c)?,
                idempotency_keys::table.count().get_result(c)?,
                cases_t::table
                    .select(cases_t::case_no)
                    .load::<String>(c)?
                    .into_iter()
                    .collect::<std::collections::HashSet<_>>()
                    .len() as i64,
            ))
        })
        .unwrap();
    assert_eq!(
        (cases, events, audits, keys, distinct),
        (
            total as i64,
            total as i64,
            total as i64,
            total as i64,
            total as i64
        )
    );
    assert_eq!(store.verify_audit().unwrap().records, total as u64);
}

fn one_failure_does_not_sink_the_batch(db: &TestDb) {
    let store = db.open();
    store.create_case_blocking(intake("BASE", "base")).unwrap();
    // Hold the writer so that the next requests queue up and run as one batch.
    let holder = {
        let store = store.clone();
        std::thread::spawn(move || {
            store
                .write_blocking(|_| {
                    std::thread::sleep(Duration::from_millis(300));
                    Ok(())
                })
                .unwrap()
        })
    };
    std::thread::sleep(Duration::from_millis(50));
    let store = Arc::new(store);
    let spawn = |name: &'static str| {
        let store = Arc::clone(&store);
        std::thread::spawn(move || match name {
            "conflict" => {
                let mut bad = intake("OTHER", "base");
                bad.request_hash = "changed".into();
                store.create_case_blocking(bad).map(|_| ())
            }
            "panic" => store.write_blocking(|c| -> Result<(), StoreError> {
                // Write something first: the savepoint must take it back.
                diesel::insert_into(idempotency_keys::table)
                    .values((
                        idempotency_keys::idempotency_key.eq("ghost"),
                        idempotency_keys::request_hash.eq("h"),
                        idempotency_keys::case_no.eq("BASE"),
                        idempotency_keys::created_at.eq(1),
                    ))
                    .execute(c)?;
                panic!("boom")
            }),
            // Appends to the audit chain, then fails: the chain must not keep a gap or a
            // phantom head (the writer caches the head for its batch).
            "audit_then_fail" => store.write_blocking(|c| -> Result<(), StoreError> {
                tongban_store::audit::append(
                    c,
                    &tongban_store::NewAudit {
                        at: 1,
                        actor: "t".into(),
                        action: "test".into(),
                        subject: "none".into(),
                        detail: "{}".into(),
                    },
                )?;
                Err(StoreError::NotFound("on purpose".into()))
            }),
            ok => store.create_case_blocking(intake(ok, ok)).map(|_| ()),
        })
    };
    let requests: Vec<_> = ["OK1", "conflict", "audit_then_fail", "OK2", "panic", "OK3"]
        .into_iter()
        .map(|n| (n, spawn(n)))
        .collect();
    holder.join().unwrap();
    for (name, handle) in requests {
        let result = handle.join().unwrap();
        match name {
            "conflict" => assert!(
                matches!(result, Err(StoreError::IdempotencyConflict { .. })),
                "{result:?}"
            ),
            "panic" => assert!(
                matches!(&result, Err(StoreError::Panicked(m)) if m == "boom"),
                "{result:?}"
            ),
            "audit_then_fail" => {
                assert!(matches!(result, Err(StoreError::NotFound(_))), "{result:?}")
            }
            _ => assert!(result.is_ok(), "{name}: {result:?}"),
        }
    }
    let (numbers, ghost): (Vec<String>, i64) = store
        .read_blocking(|c| {
            Ok((
                cases_t::table
                    .select(cases_t::case_no)
                    .order(cases_t::case_no.asc())
                    .load(c)?,
                idempotency_keys::table
                    .filter(idempotency_keys::idempotency_key.eq("ghost"))
                    .count()
                    .get_result(c)?,
            ))
        })
        .unwrap();
    assert_eq!(numbers, ["BASE", "OK1", "OK2", "OK3"]);
    assert_eq!(ghost, 0, "the panicking request's write was rolled back");
    assert_eq!(store.verify_audit().unwrap().records, 4);
}

fn async_submit(db: &TestDb) {
    let store = db.open();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    let no = format!("A{i}");
                    store.create_case(intake(&no, &no)).await
                })
            })
            .collect();
        for t in tasks {
            assert!(matches!(t.await.unwrap(), Ok(IntakeOutcome::Created(_))));
        }
        let got = store
            .read(|c| tongban_store::cases::get_case(c, "A7"))
            .await
            .unwrap();
        assert_eq!(got.map(|c| c.case_no), Some("A7".to_string()));
    });
}
