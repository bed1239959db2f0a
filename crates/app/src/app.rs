//! [`App`]: what every use case works with (the store, the clock, the hall's time zone) and
//! the hall's configuration (catalogue, hall, calendars) as the database holds it now.

use std::sync::{Arc, Mutex, RwLock};

use tongban_core::calendar::{Calendar, CalendarBook, CHINA};
use tongban_core::clock::HallTime;
use tongban_store::Store;

use crate::auth::keys::KeyRing;
use crate::catalogue_view::CatalogueView;
use crate::clock::Clock;
use crate::error::{AppResult, Error};

/// The catalogue, the hall and the calendars at one configuration revision.
#[derive(Debug)]
pub struct Config {
    /// The database's configuration revision this copy was read at.
    pub revision: i64,
    pub catalogue: CatalogueView,
    pub calendars: CalendarBook,
    /// The token signing keys of the database; `None` until the first start made one.
    pub keys: Option<KeyRing>,
}

impl Config {
    /// The national calendar every limit is counted on.
    pub fn calendar(&self) -> Arc<Calendar> {
        match self.calendars.calendar(CHINA) {
            Some(c) => c.clone(),
            None => Arc::new(Calendar::china()),
        }
    }
}

/// The application: cheap to clone, shared by every driver of one process.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Clock,
    pub hall: HallTime,
    config: Arc<RwLock<Arc<Config>>>,
    /// Held while the configuration is read again: requests that find the same new revision
    /// at once wait for one reload instead of each reading the whole catalogue.
    reloading: Arc<Mutex<()>>,
    /// The sessions found valid at the database's authorisation revision.
    pub(crate) sessions: Arc<Mutex<crate::auth::sessions::SessionCache>>,
    /// Cases one applicant may file online in a hall day; 0: no limit.
    pub applicant_cases_per_day: i64,
    /// Most bytes of files one case holds.
    pub max_case_bytes: i64,
}

impl App {
    /// Opens the application on `store`, reading the configuration (blocking). `hall` gives
    /// the time zone; the office hours are the database's, so every process keeps the same.
    pub fn open(store: Store, clock: Clock, hall: HallTime) -> AppResult<App> {
        let config = crate::config::load(&store)?;
        let hall = hall.with_office_hours(crate::config::office_hours(&store)?);
        Ok(App {
            store,
            clock,
            hall,
            config: Arc::new(RwLock::new(Arc::new(config))),
            reloading: Arc::new(Mutex::new(())),
            sessions: Arc::default(),
            applicant_cases_per_day: crate::cases::intake::APPLICANT_CASES_PER_DAY,
            max_case_bytes: crate::cases::attachments::MAX_CASE_BYTES,
        })
    }

    /// The configuration as the database holds it now: one revision read, and a reload
    /// when another process (or this one) changed it. Every use case that decides on the
    /// catalogue, the hall or the calendar takes its copy from here.
    pub async fn config(&self) -> AppResult<Arc<Config>> {
        // Read with the authorisation revision, once for the whole request when served
        // within `tongban_store::revision::within_request`.
        let revision = self.store.revisions().await?.config;
        let cached = self.cached();
        if cached.revision >= revision {
            return Ok(cached);
        }
        let app = self.clone();
        tokio::task::spawn_blocking(move || app.reload_to(revision))
            .await
            .map_err(|e| Error::corrupt(format!("configuration reload panicked: {e}")))?
    }

    /// The same, for callers off the async runtime (CLI, scheduler threads).
    pub fn config_blocking(&self) -> AppResult<Arc<Config>> {
        let revision = self.store.read_blocking(crate::config::revision)?;
        let cached = self.cached();
        if cached.revision >= revision {
            return Ok(cached);
        }
        self.reload_to(revision)
    }

    /// The copy last read, without checking the database: only for what never decides
    /// (rendering the name of an item version, which never changes once published).
    pub fn cached(&self) -> Arc<Config> {
        self.config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// A copy at `revision` or newer: the one another caller just read, or a fresh one.
    fn reload_to(&self, revision: i64) -> AppResult<Arc<Config>> {
        let _one_at_a_time = self.reloading.lock().unwrap_or_else(|p| p.into_inner());
        let cached = self.cached();
        if cached.revision >= revision {
            return Ok(cached);
        }
        self.reload()
    }

    /// Reads the configuration again and keeps it unless a newer copy got in first.
    pub fn reload(&self) -> AppResult<Arc<Config>> {
        let fresh = Arc::new(crate::config::load(&self.store)?);
        let mut slot = self.config.write().unwrap_or_else(|p| p.into_inner());
        if fresh.revision >= slot.revision {
            *slot = fresh;
        }
        Ok(slot.clone())
    }
}
