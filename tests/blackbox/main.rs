//! Black-box tests of the built `tongban` binary over HTTP.

mod backend;
mod catalogue;
mod crash;
mod harness;
mod mail;
