//! Document numbers against real databases: one number per document, drawn once, from a
//! series per organ, kind and year, that two writers cannot both take.

mod support;

use tongban_store::documents::{self, NewDocument};

use support::TestDb;

on_both_backends!(numbered_once_per_series);

fn doc(case_no: &str, kind: &str, ordinal: i64, department: &str, year: i64) -> NewDocument {
    NewDocument {
        case_no: case_no.into(),
        kind: kind.into(),
        ordinal,
        department: department.into(),
        year,
        issued_at: 1_000,
        issued_by: "clerk-a02".into(),
    }
}

fn issue(store: &tongban_store::Store, d: NewDocument) -> (String, i64, bool) {
    let (record, new) = store
        .write_blocking(move |c| documents::issue(c, &d, |seq| format!("受〔{}〕{seq}", 2026)))
        .unwrap();
    (record.number, record.seq, new)
}

fn numbered_once_per_series(db: &TestDb) {
    let store = db.open();
    assert_eq!(issue(&store, doc("C1", "acceptance", 1, "gaj", 2026)).1, 1);
    assert_eq!(issue(&store, doc("C2", "acceptance", 1, "gaj", 2026)).1, 2);
    // Printing again shows the same number and draws none.
    let again = issue(&store, doc("C1", "acceptance", 1, "gaj", 2026));
    assert_eq!((again.1, again.2), (1, false));
    // Each organ, kind and year has a series of its own.
    assert_eq!(
        issue(&store, doc("C3", "acceptance", 1, "scjgj", 2026)).1,
        1
    );
    assert_eq!(issue(&store, doc("C1", "supplement", 1, "gaj", 2026)).1, 1);
    assert_eq!(issue(&store, doc("C1", "supplement", 2, "gaj", 2026)).1, 2);
    assert_eq!(issue(&store, doc("C4", "acceptance", 1, "gaj", 2027)).1, 1);
    let c1 = store
        .read_blocking(|c| documents::of_case(c, "C1"))
        .unwrap();
    assert_eq!(c1.len(), 3);
    // The series key refuses a second document with a number already taken.
    let clash = store.write_blocking(|c| {
        diesel::RunQueryDsl::execute(
            diesel::insert_into(tongban_store::schema::documents::table).values(
                &documents::DocumentRecord {
                    case_no: "C9".into(),
                    kind: "acceptance".into(),
                    ordinal: 1,
                    department: "gaj".into(),
                    year: 2026,
                    seq: 1,
                    number: "dup".into(),
                    issued_at: 1,
                    issued_by: "x".into(),
                },
            ),
            c,
        )?;
        Ok(())
    });
    assert!(clash.is_err(), "two documents cannot share a number");
}
