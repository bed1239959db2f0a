//! Black-box tests of the built `tongban` binary over HTTP.

mod admin;
mod alerts;
mod applicant_pages;
mod authz;
mod backend;
mod bad_input;
mod breaches;
mod calendar;
mod cases_client;
mod catalogue;
mod crash;
mod day;
mod every_alert;
mod form_client;
mod harness;
mod keys;
mod law_week;
mod mail;
mod multiprocess;
mod oversight_pages;
mod pages;
mod public;
mod real_clock;
mod reproject;
mod reproject_kill;
mod supervision;
