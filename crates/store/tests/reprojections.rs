//! Re-projection jobs against real databases: one process at a time holds a job, the cursor
//! moves only with the holder's commits, and a newer job supersedes an unfinished older one.

mod support;

use tongban_store::reprojections;
use tongban_store::typed::StoredCaseStatus;
use tongban_store::StoreError;

use support::{intake, TestDb};

on_both_backends!(jobs_are_held_by_one_process, open_cases_come_in_case_order);

fn jobs_are_held_by_one_process(db: &TestDb) {
    let store = db.open();
    store
        .write_blocking(|c| {
            let first = reprojections::start(c, "cn", 2027, "国办发明电〔2026〕1号", "admin", 10)?;
            let job = reprojections::claim(c, 100, 1_000)?.expect("a job to claim");
            assert_eq!(job.id, first);
            // Held: nobody else gets it until the lease runs out.
            assert_eq!(reprojections::claim(c, 500, 2_000)?, None);
            reprojections::advance(c, &job, "C5", 5, 2, 1_500)?;
            // A holder whose lease was taken over cannot move the cursor.
            let taken = reprojections::claim(c, 1_600, 3_000)?.expect("lease ran out");
            assert_eq!(taken.cursor, "C5");
            assert_eq!((taken.examined, taken.moved), (5, 2));
            let mut stale = job.clone();
            stale.lease_until = 1_500;
            assert!(matches!(
                reprojections::advance(c, &stale, "C9", 4, 4, 9_000),
                Err(StoreError::LeaseLost(_))
            ));
            // A newer year supersedes the unfinished job.
            let second = reprojections::start(c, "cn", 2027, "更正", "admin", 20)?;
            assert!(reprojections::get(c, first)?.unwrap().finished_at.is_some());
            let next = reprojections::claim(c, 1_700, 4_000)?.expect("the newer job");
            assert_eq!((next.id, next.cursor.as_str()), (second, ""));
            reprojections::finish(c, second, 30)?;
            assert_eq!(reprojections::claim(c, 99_999, 100_000)?, None);
            assert_eq!(reprojections::recent(c, 5)?.len(), 2);
            Ok(())
        })
        .unwrap();
}

fn open_cases_come_in_case_order(db: &TestDb) {
    let store = db.open();
    for no in ["C3", "C1", "C2"] {
        store.create_case_blocking(intake(no, no)).unwrap();
    }
    let statuses: Vec<StoredCaseStatus> = tongban_core::case::CaseStatus::ALL
        .into_iter()
        .filter(|s| !s.is_terminal())
        .map(StoredCaseStatus::from)
        .collect();
    let (first, rest) = store
        .read_blocking(|c| {
            Ok((
                reprojections::open_cases_after(c, &statuses, "", 2)?,
                reprojections::open_cases_after(c, &statuses, "C2", 2)?,
            ))
        })
        .unwrap();
    let nos =
        |v: &[tongban_store::CaseRecord]| v.iter().map(|r| r.case_no.clone()).collect::<Vec<_>>();
    assert_eq!(nos(&first), ["C1", "C2"]);
    assert_eq!(nos(&rest), ["C3"]);
}
