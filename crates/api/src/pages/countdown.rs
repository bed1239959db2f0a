//! 剩余工作日: the working days left to a case's next due date, in words and in colour
//! (green plenty, amber near, red overdue), for the queue and the case page. The words carry
//! the meaning; the colour only repeats it. A provisional (暂定) date keeps its mark.

use maud::{html, Markup};
use tongban_core::clock::{countdown, Countdown, Urgency};
use tongban_core::item::WarningThreshold;

use super::case_parts::provisional_badge;
use crate::casework::view::CaseView;
use crate::lang::Lang;
use crate::state::AppState;

/// The countdown to the case's next due date (`None`: no clock runs, or the calendar does
/// not reach the date, when the due date shown beside it stays the record).
pub fn badge(state: &AppState, l: Lang, view: &CaseView, warning: WarningThreshold) -> Markup {
    let Some((due, _, _)) = crate::pages::staff::queue::next_due(view) else {
        return html! { "—" };
    };
    let today = state.hall.local_date(state.clock.now());
    let Ok(c) = countdown(&state.calendar(), today, due) else {
        return html! { "—" };
    };
    let (class, text) = match (c.urgency(warning), c) {
        (Urgency::Overdue, Countdown::Overdue(0)) => {
            ("countdown-over", l.pick("已逾期", "Overdue").to_owned())
        }
        (_, Countdown::Overdue(n)) => (
            "countdown-over",
            match l {
                Lang::Zh => format!("已逾期 {n} 个工作日"),
                Lang::En => format!("Overdue by {n} working days"),
            },
        ),
        (urgency, Countdown::Left(n)) => (
            if urgency == Urgency::Near {
                "countdown-near"
            } else {
                "countdown-ok"
            },
            match (n, l) {
                (0, _) => l.pick("今日到期", "Due today").to_owned(),
                (n, Lang::Zh) => format!("剩 {n} 个工作日"),
                (n, Lang::En) => format!("{n} working days left"),
            },
        ),
    };
    html! {
        span class={ "countdown " (class) } { (text) }
        @if view.is_provisional(due) { (provisional_badge(l)) }
    }
}
