//! Test databases: a temp SQLite file, and a fresh database on the PostgreSQL server named by
//! `TONGBAN_TEST_DATABASE_URL_PG` (created per test, dropped at the end).

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use tongban_store::{
    CaseIntake, CaseRecord, NewAudit, NewEvent, NewOutbox, StageTaskRecord, Store, StoreOptions,
};

pub const PG_VAR: &str = "TONGBAN_TEST_DATABASE_URL_PG";

pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub fn open(&self) -> Store {
        Store::open(&self.url, StoreOptions::default()).expect("open store")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.pg {
            let _ = tongban_store::baseline::drop_pg_database(admin_url, name);
        }
    }
}

pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir.path().join("t.sqlite").to_string_lossy().into_owned();
    TestDb {
        url,
        _dir: Some(dir),
        pg: None,
    }
}

/// `None` (after saying so on stderr) when the variable is unset; panics when it is set but
/// the server cannot be reached, so a misconfigured CI fails instead of silently passing.
pub fn postgres(test: &str) -> Option<TestDb> {
    let Ok(admin_url) = std::env::var(PG_VAR) else {
        // Straight to stderr: the test harness captures `eprintln!` of passing tests, and a
        // skip must be seen.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("{test}: SKIPPED (set {PG_VAR})\n").as_bytes(),
        );
        return None;
    };
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = format!(
        "tongban_t_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let url = tongban_store::baseline::create_pg_database(&admin_url, &name).unwrap_or_else(|e| {
        panic!("{PG_VAR} is set but PostgreSQL is unreachable or refused CREATE DATABASE: {e}")
    });
    Some(TestDb {
        url,
        _dir: None,
        pg: Some((admin_url, name)),
    })
}

/// Runs a test body on SQLite and, when configured, on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(&super::support::sqlite());
            }
            #[test]
            fn postgres() {
                if let Some(db) = super::support::postgres(concat!(stringify!($name), "::postgres")) {
                    super::$name(&db);
                }
            }
        }
    )*};
}

pub fn case(case_no: &str) -> CaseRecord {
    CaseRecord {
        case_no: case_no.to_string(),
        query_code: "483920".into(),
        item_code: "ITEM-001".into(),
        item_version: 1,
        department: "market".into(),
        window_code: Some("W01".into()),
        owner: None,
        status: "received".parse().unwrap(),
        version: 0,
        received_at: 1_000,
        acceptance_due: Some(5_000),
        promised_due: None,
        legal_due: None,
        next_check_at: Some(4_000),
        data: format!(r#"{{"case_no":"{case_no}"}}"#),
        created_at: 1_000,
        updated_at: 1_000,
        applicant_name: "张三".into(),
        applicant_id_number: "110101199001011234".into(),
        applicant_phone: Some("13800000000".into()),
    }
}

pub fn event(kind: &str, at: i64) -> NewEvent {
    NewEvent {
        at,
        kind: kind.into(),
        actor: "clerk1".into(),
        window_code: Some("W01".into()),
        grant_id: Some(7),
        data: "{}".into(),
    }
}

pub fn audit(action: &str, subject: &str, at: i64) -> NewAudit {
    NewAudit {
        at,
        actor: "clerk1".into(),
        action: action.into(),
        subject: subject.into(),
        detail: format!(r#"{{"note":"{action} {subject}"}}"#),
    }
}

pub fn mail(at: i64) -> NewOutbox {
    NewOutbox {
        kind: "email".into(),
        recipient: "a@example.org".into(),
        subject: "办件通知".into(),
        body: "您的办件已受理".into(),
        created_at: at,
        attempts: 0,
        next_attempt_at: at,
    }
}

pub fn intake(case_no: &str, key: &str) -> CaseIntake {
    CaseIntake {
        idempotency_key: Some(key.to_string()),
        request_hash: format!("hash-of-{case_no}"),
        case: case(case_no),
        event: event("received", 1_000),
        audit: audit("case.receive", case_no, 1_000),
        outbox: vec![mail(1_000)],
        stage_tasks: vec![StageTaskRecord {
            case_no: String::new(),
            stage: "review".into(),
            department: "market".into(),
            status: "open".into(),
            due: Some(9_000),
            next_check_at: Some(8_000),
            updated_at: 1_000,
        }],
    }
}
