//! What every handler shares: the application (every use case's context) and the limits the
//! HTTP layer enforces itself.

use std::sync::Arc;

use tongban_app::App;
use tongban_core::calendar::Calendar;

use tongban_app::catalogue_view::CatalogueView;

pub struct AppState {
    pub app: App,
    /// Limits the routes anyone may call without an account, per client.
    pub public_limit: crate::rate_limit::RateLimit,
    /// How large and how many files an upload may carry.
    pub uploads: crate::uploads::UploadLimits,
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

/// A view of the catalogue inside a configuration snapshot, so that a handler holding it
/// keeps one consistent copy.
pub struct CatalogueRef(Arc<tongban_app::Config>);

impl std::ops::Deref for CatalogueRef {
    type Target = CatalogueView;

    fn deref(&self) -> &CatalogueView {
        &self.0.catalogue
    }
}

impl AppState {
    pub fn new(app: App) -> Self {
        AppState {
            app,
            public_limit: crate::rate_limit::RateLimit::default(),
            uploads: crate::uploads::UploadLimits::default(),
        }
    }

    /// The catalogue as last read. Deciding use cases check the revision first
    /// (`App::config`); this copy only serves what does not decide.
    pub fn catalogue(&self) -> CatalogueRef {
        CatalogueRef(self.app.cached())
    }

    /// The national calendar every limit is counted on.
    pub fn calendar(&self) -> Arc<Calendar> {
        self.app.cached().calendar()
    }
}
