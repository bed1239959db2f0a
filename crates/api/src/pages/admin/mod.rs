//! The administrator's pages: the working-day calendar (its years, the horizon warning, and
//! loading or correcting a year after a preview of what it moves), the users (find, create,
//! change, deactivate, reset), the windows with their grants and clerks, the items with the
//! preview of a new version's changes before it is published, and the mail outbox.

pub(crate) mod calendar;
mod grant_form;
mod item_diff;
mod item_form;
mod items;
mod outbox;
mod user_form;
mod users;
mod windows;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(calendar::show)
        .service(calendar::submit)
        .service(users::show)
        .service(users::create)
        .service(users::show_user)
        .service(users::submit)
        .service(windows::show)
        .service(windows::show_window)
        .service(windows::submit)
        .service(items::show)
        .service(items::show_item)
        .service(items::submit)
        .service(outbox::show);
}
