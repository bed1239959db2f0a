//! The administrator's pages: the working-day calendar (its years, the horizon warning, and
//! loading or correcting a year with a preview of what it moves), and the users.

pub(crate) mod calendar;
mod users;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(calendar::show)
        .service(calendar::submit)
        .service(users::show)
        .service(users::submit);
}
