//! The administrator's pages: the working-day calendar (its years, the horizon warning, and
//! loading or correcting a year with a preview of what it moves), and the users: find,
//! create, change, deactivate, reset.

pub(crate) mod calendar;
mod user_form;
mod users;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(calendar::show)
        .service(calendar::submit)
        .service(users::show)
        .service(users::create)
        .service(users::show_user)
        .service(users::submit);
}
