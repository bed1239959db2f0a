//! The staff console: sign-in (a clerk at a window, the back office and the supervision
//! office without one), the work queue, intake, one case with the actions its state and the
//! caller's roles and grants allow, and the printable documents.

mod actions;
mod case;
mod earlier;
mod intake;
mod login;
mod on_spot;
mod print;
pub(crate) mod queue;
mod ratings;
mod urging;
mod window_upload;

use actix_web::web;

pub(crate) use login::sign_out_page;
pub(crate) use queue::alert_badge;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login::start)
        .service(login::show_form)
        .service(login::sign_in)
        .service(login::sign_out)
        .service(queue::queue)
        .service(intake::show_form)
        .service(intake::submit)
        .service(case::show)
        .service(urging::show)
        .service(urging::reply)
        .service(ratings::show)
        .service(ratings::rectification)
        .service(actions::act)
        .service(on_spot::accept_and_decide)
        .service(window_upload::upload)
        .service(print::receipt_doc)
        .service(print::notice_doc)
        .service(print::acceptance_doc)
        .service(print::suspension_doc);
}
