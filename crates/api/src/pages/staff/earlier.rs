//! 申请人的其他办件: on a case page, the applicant's other cases (same ID number) that the
//! caller may read, linked (`tongban_app::cases::queue::earlier_cases`).

use maud::{html, Markup};
use tongban_app::cases::view::QueueLine;

use crate::pages::ctx::Ctx;
use crate::pages::names;
use crate::state::AppState;

pub fn section(ctx: &Ctx, state: &AppState, lines: &[QueueLine]) -> Markup {
    let l = ctx.lang;
    html! {
        h2 #earlier { (ctx.t("该申请人的其他办件", "The applicant's other cases")) }
        @if lines.is_empty() {
            p { (ctx.t("没有您可查看的其他办件。", "No other case of this applicant that you may read.")) }
        } @else {
            ul.earlier-cases aria-labelledby="earlier" {
                @for c in lines {
                    li {
                        a href={ "/staff/cases/" (c.case_no) } { (c.case_no) }
                        " · " (c.item_name)
                        " · " (names::time(c.received_at, state.hall, l))
                        " · " (c.status.parse().map_or_else(|_| c.status.clone(), |s| names::status(s, l).to_owned()))
                    }
                }
            }
        }
    }
}
