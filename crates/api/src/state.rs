//! What every handler shares.

use std::sync::{Arc, RwLock};

use tongban_core::calendar::{Calendar, CalendarBook, CHINA};
use tongban_core::clock::HallTime;
use tongban_store::Store;

use crate::catalogue_view::CatalogueView;
use crate::clock::Clock;

pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    pub hall: HallTime,
    /// Limits the routes anyone may call without an account, per client.
    pub public_limit: crate::rate_limit::RateLimit,
    /// How large and how many files an upload may carry.
    pub uploads: crate::uploads::UploadLimits,
    calendars: RwLock<Arc<CalendarBook>>,
    catalogue: RwLock<Arc<CatalogueView>>,
}

impl AppState {
    pub fn new(
        store: Store,
        clock: Clock,
        hall: HallTime,
        calendars: CalendarBook,
        catalogue: CatalogueView,
    ) -> Self {
        AppState {
            store,
            clock,
            hall,
            public_limit: crate::rate_limit::RateLimit::default(),
            uploads: crate::uploads::UploadLimits::default(),
            calendars: RwLock::new(Arc::new(calendars)),
            catalogue: RwLock::new(Arc::new(catalogue)),
        }
    }

    /// A consistent snapshot of the catalogue; writers swap in a new one.
    pub fn catalogue(&self) -> Arc<CatalogueView> {
        self.catalogue
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn replace_catalogue(&self, view: CatalogueView) {
        *self.catalogue.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(view);
    }

    pub fn calendars(&self) -> Arc<CalendarBook> {
        self.calendars
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn replace_calendars(&self, book: CalendarBook) {
        *self.calendars.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(book);
    }

    /// The national calendar every limit is counted on.
    pub fn calendar(&self) -> Arc<Calendar> {
        let book = self.calendars();
        match book.calendar(CHINA) {
            Some(c) => c.clone(),
            None => Arc::new(Calendar::china()),
        }
    }
}
