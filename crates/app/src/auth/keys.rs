//! The token signing keys: one current key that signs, and previous keys that still verify
//! until every token they signed has expired. Kept in the database, so that every process
//! signs and verifies with the same keys and a rotation applies everywhere at once; a
//! `keys.json` of an older data directory is imported once.

use std::path::Path;

use tongban_store::signing_keys::{self, SigningKeyRecord};
use tongban_store::Store;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SigningKey {
    /// Key id, written into each token's header so that verification picks the right key.
    pub kid: String,
    /// Base64url secret (at least 32 random bytes).
    pub secret: String,
    /// Unix seconds after which no token signed with this key can still be valid.
    #[serde(default)]
    pub retired_until: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyRing {
    pub current: SigningKey,
    #[serde(default)]
    pub previous: Vec<SigningKey>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or write the key file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the key file {path} is not valid: {source}")]
    Format {
        path: String,
        source: serde_json::Error,
    },
    #[error("the signing key from the environment must be at least 32 bytes")]
    WeakSecret,
    #[error(transparent)]
    Store(tongban_store::StoreError),
}

impl SigningKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let mut kid = [0u8; 6];
        rand::rngs::OsRng.fill_bytes(&mut kid);
        SigningKey {
            kid: URL_SAFE_NO_PAD.encode(kid),
            secret: URL_SAFE_NO_PAD.encode(bytes),
            retired_until: None,
        }
    }

    pub fn from_secret(secret: &str) -> Result<Self, KeyError> {
        if secret.len() < 32 {
            return Err(KeyError::WeakSecret);
        }
        Ok(SigningKey {
            kid: "env".to_owned(),
            secret: URL_SAFE_NO_PAD.encode(secret.as_bytes()),
            retired_until: None,
        })
    }

    pub fn secret_bytes(&self) -> Vec<u8> {
        URL_SAFE_NO_PAD
            .decode(&self.secret)
            .unwrap_or_else(|_| self.secret.as_bytes().to_vec())
    }
}

impl KeyRing {
    pub fn new(current: SigningKey) -> Self {
        KeyRing {
            current,
            previous: Vec::new(),
        }
    }

    /// Loads the ring from `path`, creating it with a fresh key when the file does not exist.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| KeyError::Format {
                path: shown,
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let ring = KeyRing::new(SigningKey::generate());
                ring.save(path)?;
                Ok(ring)
            }
            Err(source) => Err(KeyError::Io {
                path: shown,
                source,
            }),
        }
    }

    pub fn save(&self, path: &Path) -> Result<(), KeyError> {
        let io = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        let text = serde_json::to_vec_pretty(self).map_err(|source| KeyError::Format {
            path: path.display().to_string(),
            source,
        })?;
        // Write then rename, so that a crash never leaves a half-written key file.
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text).map_err(io)?;
        restrict_permissions(&tmp).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Makes a new current key; the old one keeps verifying until `now + token_lifetime`.
    pub fn rotate(&mut self, now: i64, token_lifetime_secs: i64) {
        let mut old = std::mem::replace(&mut self.current, SigningKey::generate());
        old.retired_until = Some(now + token_lifetime_secs);
        self.previous
            .retain(|k| k.retired_until.is_some_and(|t| t > now));
        self.previous.push(old);
    }

    /// The key with this id, if it may still verify tokens at `now`.
    pub fn verifying_key(&self, kid: &str, now: i64) -> Option<&SigningKey> {
        if self.current.kid == kid {
            return Some(&self.current);
        }
        self.previous
            .iter()
            .find(|k| k.kid == kid && k.retired_until.is_some_and(|t| t > now))
    }
}

/// The ring the database holds: the newest unretired key signs, the others verify.
pub fn ring_from_records(records: &[SigningKeyRecord]) -> Option<KeyRing> {
    let key = |r: &SigningKeyRecord| SigningKey {
        kid: r.kid.clone(),
        secret: r.secret.clone(),
        retired_until: r.retired_until,
    };
    let current = records.iter().find(|r| r.retired_until.is_none())?;
    Some(KeyRing {
        current: key(current),
        previous: records
            .iter()
            .filter(|r| r.kid != current.kid)
            .map(key)
            .collect(),
    })
}

fn record(key: &SigningKey, created_at: i64) -> SigningKeyRecord {
    SigningKeyRecord {
        kid: key.kid.clone(),
        secret: key.secret.clone(),
        created_at,
        retired_until: key.retired_until,
    }
}

/// What [`ensure_ring`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RingOrigin {
    /// The database already held keys.
    Database,
    /// Imported from this `keys.json` (an older data directory).
    Imported(String),
    /// A fresh key was generated.
    Generated,
}

/// Makes sure the database holds a signing key: imports `legacy` (a data directory's
/// `keys.json`) when the database has none, or generates one. Safe when several processes
/// start at once: the check and the insert run in one writer batch, and every batch takes the
/// database's write lock first (the audit head, across processes), so exactly one process
/// stores its ring and the others find it.
pub fn ensure_ring(store: &Store, legacy: &Path, now_ms: i64) -> Result<RingOrigin, KeyError> {
    let existing = store
        .read_blocking(signing_keys::list)
        .map_err(KeyError::Store)?;
    if ring_from_records(&existing).is_some() {
        return Ok(RingOrigin::Database);
    }
    let (ring, origin) = if legacy.exists() {
        (
            KeyRing::load_or_create(legacy)?,
            RingOrigin::Imported(legacy.display().to_string()),
        )
    } else {
        (KeyRing::new(SigningKey::generate()), RingOrigin::Generated)
    };
    let now_secs = now_ms.div_euclid(1000);
    let stored = store
        .write_blocking(move |conn| {
            if ring_from_records(&signing_keys::list(conn)?).is_some() {
                // Another process got in first; its ring is the one.
                return Ok(false);
            }
            // Older keys first, so the current one is the newest. A previous key that can
            // no longer verify stays out: were it stored unretired, the next rotation would
            // bring it back to life.
            let alive = ring
                .previous
                .iter()
                .filter(|k| k.retired_until.is_some_and(|t| t > now_secs));
            for (i, key) in alive.enumerate() {
                signing_keys::add(conn, &record(key, now_ms - 1 - i as i64))?;
            }
            signing_keys::add(conn, &record(&ring.current, now_ms))?;
            Ok(true)
        })
        .map_err(KeyError::Store)?;
    Ok(if stored { origin } else { RingOrigin::Database })
}

/// Makes a new current key in the database; the others keep verifying the tokens they
/// signed until `now + token_lifetime`. Returns the new key's id.
pub fn rotate_in_store(
    store: &Store,
    now_ms: i64,
    token_lifetime_secs: i64,
) -> Result<String, KeyError> {
    let key = SigningKey::generate();
    let kid = key.kid.clone();
    let now_secs = now_ms.div_euclid(1000);
    store
        .write_blocking(move |conn| {
            signing_keys::add(conn, &record(&key, now_ms))?;
            signing_keys::retire_others(conn, &key.kid, now_secs + token_lifetime_secs)?;
            signing_keys::purge_retired(conn, now_secs)?;
            Ok(())
        })
        .map_err(KeyError::Store)?;
    Ok(kid)
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict_permissions(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_then_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        let a = KeyRing::load_or_create(&path).unwrap();
        let b = KeyRing::load_or_create(&path).unwrap();
        assert_eq!(a, b);
        assert!(a.current.secret_bytes().len() >= 32);
    }

    #[test]
    fn rotated_key_verifies_until_tokens_expire() {
        let mut ring = KeyRing::new(SigningKey::generate());
        let old = ring.current.kid.clone();
        ring.rotate(1_000, 3_600);
        assert_ne!(ring.current.kid, old);
        assert!(ring.verifying_key(&old, 4_599).is_some());
        assert!(ring.verifying_key(&old, 4_600).is_none());
        assert!(ring.verifying_key("nope", 0).is_none());
    }
}
