//! Identity: signed access tokens (JWT, with key rotation, keys in the database) and password
//! hashing.

pub mod keys;
pub mod password;
pub mod sessions;
pub mod signer;
pub mod token;
