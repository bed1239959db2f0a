//! The daily digest is queued once per day for each supervisor with an e-mail address, on
//! SQLite and (when configured) PostgreSQL.

use chrono::{TimeZone, Utc};
use tongban_app::supervision::digest::queue_daily_digest;
use tongban_core::clock::HallTime;
use tongban_store::users::{self, UserRecord};
use tongban_store::{outbox, Store, StoreOptions};

fn user(name: &str, roles: &str, email: Option<&str>) -> UserRecord {
    UserRecord {
        username: name.into(),
        password_hash: "x".into(),
        name: name.into(),
        email: email.map(String::from),
        phone: None,
        roles: roles.into(),
        department: None,
        active: true,
        must_change_password: false,
        created_at: 0,
        updated_at: 0,
    }
}

fn once_a_day(url: &str) {
    let store = Store::open(url, StoreOptions::default()).expect("store");
    store
        .write_blocking(|c| {
            users::insert(
                c,
                &user("sup1", r#"["supervisor"]"#, Some("sup1@example.cn")),
            )?;
            users::insert(c, &user("sup2", r#"["supervisor"]"#, None))?;
            users::insert(
                c,
                &user("clerk1", r#"["clerk"]"#, Some("clerk1@example.cn")),
            )
        })
        .expect("users");
    let hall = HallTime::shanghai();
    let morning = Utc
        .with_ymd_and_hms(2026, 3, 2, 0, 30, 0)
        .single()
        .expect("instant");
    assert_eq!(
        queue_daily_digest(&store, hall, morning, None).expect("digest"),
        1
    );
    let later = morning + chrono::Duration::hours(3);
    assert_eq!(
        queue_daily_digest(&store, hall, later, None).expect("digest"),
        0
    );
    let next_day = morning + chrono::Duration::days(1);
    assert_eq!(
        queue_daily_digest(&store, hall, next_day, None).expect("digest"),
        1
    );
    let queued = store
        .read_blocking(|c| outbox::list(c, outbox::OutboxFilter::All, 10))
        .expect("outbox");
    assert_eq!(queued.len(), 2);
    assert!(queued.iter().all(|m| m.recipient == "sup1@example.cn"));
    assert!(
        queued[0].subject.contains("2026-03-03"),
        "{}",
        queued[0].subject
    );
}

#[test]
fn digest_once_a_day_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    once_a_day(&dir.path().join("d.sqlite").to_string_lossy());
}

#[test]
fn digest_once_a_day_postgres() {
    let Ok(admin) = std::env::var("TONGBAN_TEST_DATABASE_URL_PG") else {
        // Straight to stderr: the test harness captures `eprintln!` of passing tests, and a
        // skip must be seen.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            "digest_once_a_day on PostgreSQL: SKIPPED (set TONGBAN_TEST_DATABASE_URL_PG)\n"
                .as_bytes(),
        );
        return;
    };
    let name = format!("tongban_dg_{}", std::process::id());
    let url = tongban_store::baseline::create_pg_database(&admin, &name)
        .unwrap_or_else(|e| panic!("PostgreSQL refused: {e}"));
    once_a_day(&url);
    let _ = tongban_store::baseline::drop_pg_database(&admin, &name);
}
