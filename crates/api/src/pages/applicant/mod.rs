//! The applicants' pages: an account (register, sign in without a window, sign out), the
//! online application with files from the guide, "my cases" with each case's page, the
//! supplement after a notice, the rating after the end, and the pages to withdraw a case and
//! to complain about it.

mod account;
mod actions;
mod apply;
mod cases;
mod requests;
pub(crate) mod upload_form;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(account::show_login)
        .service(account::login)
        .service(account::show_register)
        .service(account::register)
        .service(account::logout)
        .service(account::show_password)
        .service(account::change_password)
        .service(apply::show)
        .service(apply::submit)
        .service(cases::list)
        .service(cases::show)
        .service(actions::supplement)
        .service(actions::evaluation)
        .service(requests::show_withdraw)
        .service(requests::withdraw)
        .service(requests::show_complaint)
        .service(requests::complaint);
}
