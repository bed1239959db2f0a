//! Authentication: signed access tokens (JWT, with key rotation) and password hashing.

pub mod caller;
pub mod keys;
pub mod password;
pub mod token;
