//! Access tokens: HS256 JWTs naming the user, their roles and (for a clerk) the window they
//! signed in at. The key id in the header selects the verifying key, so rotation does not
//! invalidate tokens already issued.

use jsonwebtoken::{decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use tongban_core::role::Role;

use super::keys::KeyRing;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The username.
    pub sub: String,
    pub roles: Vec<Role>,
    /// The window (code) a clerk signed in at; checked again against grants on every action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    /// The back-office department of an approver or head; case actions check it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub iat: i64,
    pub exp: i64,
    /// The server-side session the token belongs to; a token without one is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Not in the token: the account's state when the request was checked. After an
    /// administrator's reset the holder may do nothing but change the password.
    #[serde(skip)]
    pub must_change_password: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token was signed with an unknown or retired key")]
    UnknownKey,
    #[error("the token's signature is invalid")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
    #[error("the token could not be signed")]
    Signing,
}

pub fn issue(ring: &KeyRing, claims: &Claims) -> Result<String, TokenError> {
    let header = Header {
        kid: Some(ring.current.kid.clone()),
        ..Header::new(Algorithm::HS256)
    };
    encode(
        &header,
        claims,
        &EncodingKey::from_secret(&ring.current.secret_bytes()),
    )
    .map_err(|_| TokenError::Signing)
}

/// Verifies signature and expiry against `now` (unix seconds), which the caller passes in so
/// that the test clock governs expiry too.
pub fn verify(ring: &KeyRing, token: &str, now: i64) -> Result<Claims, TokenError> {
    let header = decode_header(token).map_err(|_| TokenError::Malformed)?;
    let kid = header.kid.ok_or(TokenError::UnknownKey)?;
    let key = ring
        .verifying_key(&kid, now)
        .ok_or(TokenError::UnknownKey)?;
    let mut validation = jsonwebtoken::Validation::new(Algorithm::HS256);
    // Expiry is checked below against the passed-in clock, not the system clock.
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let data = decode::<Claims>(
        token,
        &DecodingKey::from_secret(&key.secret_bytes()),
        &validation,
    )
    .map_err(|e| match e.kind() {
        jsonwebtoken::errors::ErrorKind::InvalidSignature => TokenError::BadSignature,
        _ => TokenError::Malformed,
    })?;
    if data.claims.exp <= now {
        return Err(TokenError::Expired);
    }
    Ok(data.claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::keys::SigningKey;

    fn claims(exp: i64) -> Claims {
        Claims {
            department: None,
            sub: "clerk1".into(),
            roles: vec![Role::Clerk],
            window: Some("W01".into()),
            iat: 0,
            exp,
            sid: Some("s1".into()),
            must_change_password: false,
        }
    }

    #[test]
    fn round_trips_and_expires() {
        let ring = KeyRing::new(SigningKey::generate());
        let t = issue(&ring, &claims(100)).unwrap();
        assert_eq!(verify(&ring, &t, 99).unwrap(), claims(100));
        assert_eq!(verify(&ring, &t, 100), Err(TokenError::Expired));
    }

    #[test]
    fn old_tokens_survive_rotation_until_retired() {
        let mut ring = KeyRing::new(SigningKey::generate());
        let t = issue(&ring, &claims(1_000)).unwrap();
        ring.rotate(10, 990);
        assert!(verify(&ring, &t, 500).is_ok());
        let fresh = issue(&ring, &claims(2_000)).unwrap();
        assert!(verify(&ring, &fresh, 1_500).is_ok());
        assert_eq!(verify(&ring, &t, 1_000), Err(TokenError::UnknownKey));
    }

    #[test]
    fn rejects_forgeries() {
        let ring = KeyRing::new(SigningKey::generate());
        let other = KeyRing::new(SigningKey {
            kid: ring.current.kid.clone(),
            ..SigningKey::generate()
        });
        let forged = issue(&other, &claims(100)).unwrap();
        assert_eq!(verify(&ring, &forged, 1), Err(TokenError::BadSignature));
        assert_eq!(verify(&ring, "garbage", 1), Err(TokenError::Malformed));
    }
}
