//! The audit hash chain against real databases.

mod support;

use diesel::prelude::*;
use tongban_store::schema::audit_log;
use tongban_store::StoreError;

use support::{audit, TestDb};

on_both_backends!(
    chain_verifies_and_detects_tampering,
    chain_detects_a_removed_tail
);

fn chain_verifies_and_detects_tampering(db: &TestDb) {
    let store = db.open();
    assert_eq!(store.verify_audit().unwrap().records, 0);
    for i in 1..=5 {
        let r = store
            .append_audit_blocking(audit("grant.revoke", &format!("W{i}"), i))
            .unwrap();
        assert_eq!(r.seq, i);
    }
    assert_eq!(store.verify_audit().unwrap().records, 5);

    store
        .write_blocking(|c| {
            diesel::update(audit_log::table.filter(audit_log::seq.eq(3)))
                .set(audit_log::detail.eq(r#"{"note":"nothing happened"}"#))
                .execute(c)?;
            Ok(())
        })
        .unwrap();
    let err = store.verify_audit().unwrap_err();
    let StoreError::AuditBroken(b) = &err else {
        panic!("expected a break, got {err:?}");
    };
    assert_eq!(b.seq, 3);
    assert_eq!(
        err.to_string(),
        "audit log broken at record 3: hash does not match the contents"
    );

    // Rehashing the forged record moves the break to the next one.
    store
        .write_blocking(|c| {
            let r: tongban_store::AuditRecord = audit_log::table
                .filter(audit_log::seq.eq(3))
                .select(tongban_store::AuditRecord::as_select())
                .first(c)?;
            let hash = tongban_store::audit::record_hash(
                &r.prev_hash,
                r.seq,
                r.at,
                &r.actor,
                &r.action,
                &r.subject,
                &r.detail,
            );
            diesel::update(audit_log::table.filter(audit_log::seq.eq(3)))
                .set(audit_log::hash.eq(hash))
                .execute(c)?;
            Ok(())
        })
        .unwrap();
    let err = store.verify_audit().unwrap_err();
    assert!(
        matches!(&err, StoreError::AuditBroken(b) if b.seq == 4),
        "{err:?}"
    );
}

fn chain_detects_a_removed_tail(db: &TestDb) {
    let store = db.open();
    for i in 1..=3 {
        store
            .append_audit_blocking(audit("user.add", "u", i))
            .unwrap();
    }
    store
        .write_blocking(|c| {
            diesel::delete(audit_log::table.filter(audit_log::seq.eq(3))).execute(c)?;
            Ok(())
        })
        .unwrap();
    let err = store.verify_audit().unwrap_err();
    assert!(
        matches!(&err, StoreError::AuditBroken(b) if b.seq == 3),
        "{err:?}"
    );
}
