//! Black-box tests of the built `tongban` binary over HTTP.

mod admin;
mod alerts;
mod backend;
mod calendar;
mod catalogue;
mod crash;
mod harness;
mod mail;
