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
    /// Reverse proxies whose `X-Forwarded-Proto`/`Forwarded` headers are believed (the
    /// session cookie is `Secure` only under TLS they vouch for); nobody else's.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Addresses that may read `/metrics`; empty: anyone who reaches the port.
    pub metrics_from: Vec<std::net::IpAddr>,
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
            trusted_proxies: Vec::new(),
            metrics_from: Vec::new(),
        }
    }

    /// Whether the request came over TLS: told by a trusted proxy, never by the client.
    pub fn is_tls(&self, req: &actix_web::HttpRequest) -> bool {
        let by_proxy = req
            .peer_addr()
            .is_some_and(|p| self.trusted_proxies.contains(&p.ip()));
        by_proxy && req.connection_info().scheme() == "https"
    }

    /// The client's address: the peer, or behind a trusted proxy the last address of
    /// `X-Forwarded-For` that no trusted proxy added. Throttling and limits count by it, so
    /// that one proxy does not make every client one.
    pub fn client_ip(&self, req: &actix_web::HttpRequest) -> Option<std::net::IpAddr> {
        let peer = req.peer_addr()?.ip();
        if !self.trusted_proxies.contains(&peer) {
            return Some(peer);
        }
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
            .collect::<Vec<_>>();
        Some(
            forwarded
                .into_iter()
                .rev()
                .find(|a| !self.trusted_proxies.contains(a))
                .unwrap_or(peer),
        )
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
