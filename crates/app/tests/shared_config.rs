//! Two processes on one database agree: each test opens two `App`s (two stores, as two
//! processes would) on one SQLite file and changes the shared configuration through one.

use std::path::Path;
use std::sync::{Arc, Barrier};

use chrono::{Datelike, NaiveDate, Utc};
use tongban_app::auth::keys::{self, KeyRing, RingOrigin, SigningKey};
use tongban_app::auth::signer::Signer;
use tongban_app::auth::token::Claims;
use tongban_app::calendars::year_record;
use tongban_app::clock::Clock;
use tongban_app::App;
use tongban_core::calendar::CHINA;
use tongban_core::clock::HallTime;
use tongban_core::role::Role;
use tongban_store::departments::{self, DepartmentRecord};
use tongban_store::{calendar_years, Store, StoreOptions};

fn store(dir: &Path) -> Store {
    let url = dir.join("shared.sqlite").display().to_string();
    Store::open(&url, StoreOptions::default()).expect("open the store")
}

/// A process: its own store and application on the shared file, with a signing key.
fn process(dir: &Path) -> App {
    let store = store(dir);
    keys::ensure_ring(&store, &dir.join("none.json"), 0).expect("a key ring");
    App::open(store, Clock::System, HallTime::shanghai()).expect("open the app")
}

fn signer(app: &App) -> Signer {
    Signer {
        app: app.clone(),
        fixed: None,
        token_lifetime_secs: 3600,
    }
}

fn claims() -> Claims {
    let now = Utc::now().timestamp();
    Claims {
        sub: "admin".into(),
        roles: vec![Role::Admin],
        window: None,
        department: None,
        iat: now,
        exp: now + 3600,
        sid: None,
        must_change_password: false,
    }
}

fn kid(token: &str) -> String {
    use base64::Engine;
    let header = token.split('.').next().unwrap_or_default();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .expect("header");
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("header json");
    v["kid"].as_str().unwrap_or_default().to_owned()
}

/// `App::config` as a handler awaits it.
fn current(app: &App) -> Arc<tongban_app::Config> {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(app.config())
        .expect("the configuration")
}

#[test]
fn a_change_through_one_app_is_seen_by_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let (one, other) = (process(dir.path()), process(dir.path()));
    let before = current(&other);
    assert!(before.catalogue.department("mpx").is_none());

    one.store
        .write_blocking(|c| {
            departments::insert(
                c,
                &DepartmentRecord {
                    code: "mpx".into(),
                    name: "县多进程局".into(),
                    parent: None,
                    created_at: 0,
                },
            )
        })
        .unwrap();
    // The copy last read does not know yet; the next check does, without a restart.
    assert!(other.cached().catalogue.department("mpx").is_none());
    let after = current(&other);
    assert!(after.revision > before.revision);
    assert!(after.catalogue.department("mpx").is_some());
    assert!(other
        .config_blocking()
        .unwrap()
        .catalogue
        .department("mpx")
        .is_some());
    // Nothing changed since: the same copy, not a reload.
    assert!(Arc::ptr_eq(&after, &current(&other)));
}

#[test]
fn a_corrected_calendar_year_is_counted_on_by_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let (one, other) = (process(dir.path()), process(dir.path()));
    let national_day = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
    let config = current(&other);
    assert!(!config.calendar().is_working_day(national_day).unwrap());

    let mut year = config.calendars.year(CHINA, 2026).expect("2026").clone();
    year.holidays.retain(|d| d.month() != 10);
    let record = year_record(&year, Utc::now());
    one.store
        .write_blocking(move |c| calendar_years::put(c, &record))
        .unwrap();
    let config = current(&other);
    assert!(config.calendar().is_working_day(national_day).unwrap());
}

#[test]
fn keys_json_is_imported_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let legacy = dir.path().join("keys.json");
    let mut ring = KeyRing::load_or_create(&legacy).unwrap();
    // A previous key still verifying is kept; one whose tokens have all expired is not.
    let mut alive = SigningKey::generate();
    alive.retired_until = Some(i64::MAX);
    let mut dead = SigningKey::generate();
    dead.retired_until = None;
    ring.previous = vec![alive.clone(), dead.clone()];
    ring.save(&legacy).unwrap();

    let origin = keys::ensure_ring(&store, &legacy, 1_000).unwrap();
    assert_eq!(origin, RingOrigin::Imported(legacy.display().to_string()));
    // Another data directory's keys.json later changes nothing: the database has its ring.
    let other = dir.path().join("other.json");
    KeyRing::load_or_create(&other).unwrap();
    assert_eq!(
        keys::ensure_ring(&store, &other, 2_000).unwrap(),
        RingOrigin::Database
    );
    assert_eq!(
        keys::ensure_ring(&store, &legacy, 3_000).unwrap(),
        RingOrigin::Database
    );
    let app = App::open(store, Clock::System, HallTime::shanghai()).unwrap();
    let stored = app.cached().keys.clone().expect("a ring");
    assert_eq!(stored.current, ring.current);
    let kids: Vec<&str> = stored.previous.iter().map(|k| k.kid.as_str()).collect();
    assert_eq!(kids, [alive.kid.as_str()]);
}

#[test]
fn processes_starting_at_once_agree_on_one_ring() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let stores: Vec<Store> = (0..4).map(|_| store(dir.path())).collect();
        let barrier = Arc::new(Barrier::new(stores.len()));
        let threads: Vec<_> = stores
            .iter()
            .cloned()
            .map(|s| {
                let (barrier, none) = (barrier.clone(), dir.path().join("none.json"));
                std::thread::spawn(move || {
                    barrier.wait();
                    keys::ensure_ring(&s, &none, Utc::now().timestamp_millis()).unwrap()
                })
            })
            .collect();
        let origins: Vec<RingOrigin> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(
            origins
                .iter()
                .filter(|o| **o == RingOrigin::Generated)
                .count(),
            1,
            "one process made the key: {origins:?}"
        );
        let rings: Vec<KeyRing> = stores
            .into_iter()
            .map(|s| {
                App::open(s, Clock::System, HallTime::shanghai())
                    .unwrap()
                    .cached()
                    .keys
                    .clone()
                    .expect("a ring")
            })
            .collect();
        assert!(rings.iter().all(|r| *r == rings[0]), "{rings:?}");
        assert!(rings[0].previous.is_empty(), "{rings:?}");
    }
}

#[test]
fn a_rotation_applies_to_every_signer() {
    let dir = tempfile::tempdir().unwrap();
    let (one, other) = (process(dir.path()), process(dir.path()));
    let (at_one, at_other) = (signer(&one), signer(&other));
    let old = at_one.issue(&claims()).unwrap();
    assert_eq!(at_other.verify(&old).unwrap().sub, "admin");

    let now = Utc::now().timestamp_millis();
    let new_kid = keys::rotate_in_store(&other.store, now, 3600).unwrap();
    // The process that did not rotate signs with the new key at once.
    let new = at_one.issue(&claims()).unwrap();
    assert_eq!(kid(&new), new_kid);
    assert_ne!(kid(&new), kid(&old));
    for signer in [&at_one, &at_other] {
        assert!(
            signer.verify(&new).is_ok(),
            "a new token verifies everywhere"
        );
        assert!(
            signer.verify(&old).is_ok(),
            "an old token too, until it expires"
        );
    }
    let from_other = at_other.issue(&claims()).unwrap();
    assert_eq!(kid(&from_other), new_kid);
    assert!(at_one.verify(&from_other).is_ok());
}

/// The shipped catalogue: hall, grants and items (not the calendars or the schema).
fn shipped_catalogue() -> tongban_core::catalogue::Catalogue {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../workflows");
    let mut paths = vec![root.join("hall.toml"), root.join("grants.toml")];
    let mut items: Vec<_> = std::fs::read_dir(root.join("items"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    items.sort();
    paths.extend(items);
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    tongban_core::catalogue::parse(&files).expect("the shipped workflow files")
}

#[test]
fn processes_starting_at_once_import_the_catalogue_once() {
    let catalogue = Arc::new(shipped_catalogue());
    let dir = tempfile::tempdir().unwrap();
    let stores: Vec<Store> = (0..3).map(|_| store(dir.path())).collect();
    let barrier = Arc::new(Barrier::new(stores.len()));
    let threads: Vec<_> = stores
        .iter()
        .cloned()
        .map(|s| {
            let (barrier, catalogue) = (barrier.clone(), catalogue.clone());
            std::thread::spawn(move || {
                barrier.wait();
                tongban_app::hall::import_if_empty(&s, &catalogue, HallTime::shanghai(), Utc::now())
                    .unwrap()
            })
        })
        .collect();
    let imported: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(imported.iter().filter(|i| **i).count(), 1, "{imported:?}");
    let (versions, grants) = stores[0]
        .read_blocking(|c| {
            Ok((
                tongban_store::items::all_versions(c)?,
                tongban_store::grants::for_window(c, &catalogue.grants[0].window)?,
            ))
        })
        .unwrap();
    assert_eq!(
        versions.len(),
        catalogue.items.len(),
        "one version of each item"
    );
    let expected = catalogue
        .grants
        .iter()
        .filter(|g| g.window == catalogue.grants[0].window)
        .count();
    assert_eq!(grants.len(), expected, "each grant once");
}

#[test]
fn every_process_keeps_the_office_hours_of_the_imported_hall() {
    use tongban_core::clock::{OfficeHours, Session};
    let dir = tempfile::tempdir().unwrap();
    let mut catalogue = shipped_catalogue();
    assert_eq!(catalogue.office_hours, OfficeHours::standard());
    let time = |s: &str| chrono::NaiveTime::parse_from_str(s, "%H:%M").unwrap();
    let hours = OfficeHours::new(&[Session {
        opens: time("08:30"),
        closes: time("16:00"),
    }])
    .unwrap();
    catalogue.office_hours = hours;
    // Before any import, the standard hours.
    assert_eq!(
        *process(dir.path()).hall.office_hours(),
        OfficeHours::standard()
    );
    let s = store(dir.path());
    tongban_app::hall::import_if_empty(&s, &catalogue, HallTime::shanghai(), Utc::now()).unwrap();
    // Both processes opened afterwards count on the hall's hours, whatever they were given.
    for _ in 0..2 {
        let app = process(dir.path());
        assert_eq!(*app.hall.office_hours(), hours);
        assert_eq!(app.hall.offset(), HallTime::shanghai().offset());
    }
}
