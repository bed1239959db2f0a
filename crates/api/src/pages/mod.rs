//! Server-rendered pages (maud): the service guide, the public status query, the applicants'
//! account, online application with files, their cases, supplements and ratings; the staff
//! console (sign-in; a clerk's queue and intake; the
//! back office's work queue; case actions with a confirmation step) and the supervision
//! office's alerts and statistics with server-drawn SVG charts; and every case's numbered
//! documents (文书), printable on one A4 page and as a PDF made on the server.
//!
//! Pages call the same application code as the JSON routes (intake, case actions, sign-in,
//! scope checks); they add only forms, confirmation and HTML. Simplified Chinese by default,
//! English by the `lang` cookie or `Accept-Language`; one stylesheet, no JavaScript.
//! See docs/pages.md.

mod admin;
mod applicant;
pub(crate) mod application;
mod assets;
pub(crate) mod case_parts;
pub(crate) mod chart;
mod countdown;
mod ctx;
mod deadline;
pub(crate) mod documents;
mod files;
mod form;
mod guide;
mod lang;
mod layout;
pub(crate) mod names;
mod pager;
mod pdf;
mod staff;
mod status;
mod supervision;

use actix_web::web;

/// Mounts the pages and their stylesheet.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(assets::stylesheet)
        .service(lang::switch)
        .service(guide::home)
        .service(guide::list)
        .service(guide::item_guide)
        .service(status::show_form)
        .service(status::query)
        .service(files::download)
        .service(documents::show)
        .service(documents::pdf);
    admin::configure(cfg);
    applicant::configure(cfg);
    staff::configure(cfg);
    supervision::configure(cfg);
}
