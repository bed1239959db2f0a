//! Password hashing with argon2id (PHC string format, salt inside).

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

pub fn hash_password(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// False for a wrong password and for a stored hash that does not parse: neither may sign in.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Passwords people choose most often (and this project's own name), lower case.
const COMMON: &str = include_str!("common_passwords.txt");

/// Whether `lower` (a lower-cased password) is a commonly used one, or one made of a single
/// repeated character.
pub fn is_common(lower: &str) -> bool {
    let mut chars = lower.chars();
    let first = chars.next();
    first.is_some_and(|f| chars.all(|c| c == f)) || COMMON.lines().any(|l| l.trim() == lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_only_the_right_password() {
        let h = hash_password("正确的密码").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
        assert_ne!(h, hash_password("正确的密码").unwrap(), "salted");
    }

    #[test]
    fn common_and_repeated_passwords_are_known() {
        assert!(super::is_common("password123"));
        assert!(super::is_common("          "));
        assert!(super::is_common("aaaaaaaaaa"));
        assert!(!super::is_common("马上就到了-2026"));
    }
}
