//! Authentication of HTTP requests: the caller from its bearer token.

pub mod caller;
