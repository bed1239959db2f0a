//! The administration use cases on a real SQLite database, with two applications on one
//! file standing for two processes: what one changes, the other decides on at once.

use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};
use tongban_app::audit::{self, Chain};
use tongban_app::calendars::{due, set_year};
use tongban_app::catalogue::files::load_dir;
use tongban_app::clock::Clock;
use tongban_app::hall::{self, departments, staff, windows};
use tongban_app::users::create::{create_user, CreateUser};
use tongban_app::{App, Code};
use tongban_core::calendar::CHINA;
use tongban_core::clock::HallTime;
use tongban_core::grant::WindowKind;
use tongban_core::role::Role;
use tongban_store::{Store, StoreOptions};

fn open(path: &Path) -> App {
    let store = Store::open(path.to_str().unwrap(), StoreOptions::default()).unwrap();
    let clock = Clock::test(Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap());
    App::open(store, clock, HallTime::shanghai()).unwrap()
}

/// Two applications on one database holding the demo catalogue.
fn two_processes(dir: &Path) -> (App, App) {
    let db = dir.join("tongban.sqlite");
    let first = open(&db);
    let workflows = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workflows");
    let catalogue = load_dir(&workflows).unwrap();
    hall::import_if_empty(&first.store, &catalogue, first.hall, first.clock.now()).unwrap();
    let second = open(&db);
    (first, second)
}

fn clerk(username: &str, window: &str) -> CreateUser {
    CreateUser {
        username: username.into(),
        password: "a-long-password".into(),
        name: None,
        email: None,
        phone: None,
        roles: vec![Role::Clerk],
        department: Some("gaj".into()),
        windows: vec![window.into()],
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Runs `work` on the two applications, set up off the runtime (the import blocks).
fn with_two<F: std::future::Future<Output = ()>>(work: impl FnOnce(App, App) -> F) {
    let dir = tempfile::tempdir().unwrap();
    let (one, other) = two_processes(dir.path());
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(work(one, other));
}

#[test]
fn a_window_made_at_one_process_is_known_at_the_other() {
    with_two(|one, other| async move { window_then_clerk(one, other).await });
}

async fn window_then_clerk(one: App, other: App) {
    // Window Z09 does not exist yet: a clerk for it is refused, every bad field named.
    let mut bad = clerk("x", "Z09");
    bad.password = "short".into();
    let e = create_user(&other, "admin", bad).await.unwrap_err();
    assert_eq!(e.code, Code::ValidationFailed);
    let fields: Vec<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["username", "password", "windows[0]"]);

    let window = windows::CreateWindow {
        code: "Z09".into(),
        name: "综合窗口九".into(),
        kind: WindowKind::General,
        departments: Vec::new(),
        rota: None,
    };
    windows::create_window(&one, "admin", window.clone())
        .await
        .unwrap();
    let again = windows::create_window(&one, "admin", window).await;
    assert_eq!(again.unwrap_err().code, Code::WindowExists);

    // At once at the other: the clerk is made and assigned there.
    let made = create_user(&other, "admin", clerk("clerk-z09", "Z09"))
        .await
        .unwrap();
    assert_eq!(made.windows, ["Z09"]);
    let twice = staff::assign_staff(&other, "admin", "Z09", "clerk-z09").await;
    assert_eq!(twice.unwrap_err().code, Code::AlreadyAssigned);
    let nowhere = staff::assign_staff(&other, "admin", "Z99", "clerk-z09").await;
    assert_eq!(nowhere.unwrap_err().code, Code::NoSuchWindow);

    let dup = departments::CreateDepartment {
        code: "gaj".into(),
        name: "公安局".into(),
    };
    let e = departments::create_department(&other, "admin", dup)
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::DepartmentExists);

    // Every change is in the audit chain (with the import), intact.
    match audit::verify(&other.store).unwrap() {
        Chain::Intact { records } => assert_eq!(records, 3),
        broken => panic!("{broken:?}"),
    }
}

#[test]
fn a_corrected_year_counts_at_the_other_process_at_once() {
    with_two(|one, other| async move { corrected_year(one, other).await });
}

async fn corrected_year(one: App, other: App) {
    let query = due::DueQuery {
        from: "2026-03-02".into(),
        working_days: Some(1),
        natural_days: None,
    };
    assert_eq!(
        due::due(&other, &query).await.unwrap().due,
        date(2026, 3, 3)
    );

    // 3 March 2026 becomes a day off.
    let config = one.config().await.unwrap();
    let mut rule = config.calendars.year(CHINA, 2026).unwrap().clone();
    rule.holidays.push(date(2026, 3, 3));
    rule.holidays.sort();
    set_year::set_year(&one, "admin", rule, Some("test".into()))
        .await
        .unwrap();
    assert_eq!(
        due::due(&other, &query).await.unwrap().due,
        date(2026, 3, 4)
    );
}
