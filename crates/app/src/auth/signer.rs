//! Signing and checking access tokens with the key ring every process shares.

use std::sync::Arc;

use super::keys::KeyRing;
use super::sessions::Refused;
use super::token::{self, Claims, TokenError};
use crate::error::{AppResult, Error};
use crate::App;

/// Issues and verifies tokens: with the database's key ring (the default), or with a ring
/// fixed from the environment (`TONGBAN_JWT_SECRET`).
#[derive(Clone)]
pub struct Signer {
    pub app: App,
    /// A ring set by the operator outside the database.
    pub fixed: Option<Arc<KeyRing>>,
    pub token_lifetime_secs: i64,
}

impl Signer {
    /// Signs with the current key as the database holds it now (a rotation at another
    /// process applies at once).
    pub fn issue(&self, claims: &Claims) -> AppResult<String> {
        let ring = match &self.fixed {
            Some(ring) => ring.clone(),
            None => self.database_ring(true)?,
        };
        token::issue(&ring, claims).map_err(|_| Error::internal())
    }

    /// Verifies with the ring last read; a key id it does not know yet (made by another
    /// process) makes it check the database's revision and read the ring again.
    pub fn verify(&self, bearer: &str) -> Result<Claims, TokenError> {
        let now = self.app.clock.now().timestamp();
        if let Some(ring) = &self.fixed {
            return token::verify(ring, bearer, now);
        }
        let cached = self
            .database_ring(false)
            .map_err(|_| TokenError::UnknownKey)?;
        match token::verify(&cached, bearer, now) {
            Err(TokenError::UnknownKey) => {
                let fresh = self
                    .database_ring(true)
                    .map_err(|_| TokenError::UnknownKey)?;
                token::verify(&fresh, bearer, now)
            }
            other => other,
        }
    }

    /// Verifies the token, then that its session is open and its account still allows what
    /// it says (at the next request after any change, in every process).
    pub async fn authenticate(&self, bearer: &str) -> Result<Claims, AuthFailure> {
        let claims = self.verify(bearer).map_err(AuthFailure::Token)?;
        match super::sessions::check(&self.app, &claims).await {
            Ok(Ok(must_change_password)) => Ok(Claims {
                must_change_password,
                ..claims
            }),
            Ok(Err(refused)) => Err(AuthFailure::Session(refused)),
            Err(e) => Err(AuthFailure::Unavailable(e)),
        }
    }

    fn database_ring(&self, fresh: bool) -> AppResult<Arc<KeyRing>> {
        let config = if fresh {
            self.app.config_blocking()?
        } else {
            self.app.cached()
        };
        match &config.keys {
            Some(ring) => Ok(Arc::new(ring.clone())),
            None => Err(Error::corrupt("the database holds no token signing key")),
        }
    }
}

/// Why a request's token does not let it in.
#[derive(Debug)]
pub enum AuthFailure {
    Token(TokenError),
    Session(Refused),
    /// The database could not be asked: the request cannot be served now (503).
    Unavailable(Error),
}
