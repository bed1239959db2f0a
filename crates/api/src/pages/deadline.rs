//! 期限计算说明: every clock of a case with its start, limit, suspensions, extension and due
//! date, and the day-by-day walk behind it (`tongban_app::cases::clocks::explain_case`, the
//! code of `GET /api/v1/cases/{no}/clocks`), on the staff case page, the applicant's case page
//! and the public status page.

use chrono::{Datelike, NaiveDate, Weekday};
use maud::{html, Markup};
use tongban_app::cases::clocks::{explain_case, ClockView};
use tongban_core::calendar::Calendar;
use tongban_core::case::{Case, ClockName};
use tongban_core::clock::HallTime;
use tongban_core::explain::DayReason;
use tongban_core::item::Item;

use super::case_parts::provisional_badge;
use super::names;
use crate::lang::Lang;

/// A clock's name; a stage by its name in the item when the item knows it.
pub fn clock_name(clock: &ClockName, item: Option<&Item>, l: Lang) -> String {
    match (clock, l) {
        (ClockName::Stage(code), _) => {
            let stage = item
                .and_then(|i| i.stage(code))
                .map(|s| s.name.clone())
                .unwrap_or_else(|| code.clone());
            match l {
                Lang::Zh => format!("环节“{stage}”期限"),
                Lang::En => format!("Stage “{stage}” due"),
            }
        }
        (c, Lang::Zh) => c.name_zh(),
        (ClockName::Acceptance, Lang::En) => "Acceptance due".to_owned(),
        (ClockName::Promised, Lang::En) => "Promised decision date".to_owned(),
        (ClockName::Legal, Lang::En) => "Legal decision deadline".to_owned(),
        (ClockName::Delivery, Lang::En) => "Delivery due".to_owned(),
    }
}

fn weekday(d: NaiveDate, l: Lang) -> &'static str {
    let (zh, en) = match d.weekday() {
        Weekday::Mon => ("星期一", "Mon"),
        Weekday::Tue => ("星期二", "Tue"),
        Weekday::Wed => ("星期三", "Wed"),
        Weekday::Thu => ("星期四", "Thu"),
        Weekday::Fri => ("星期五", "Fri"),
        Weekday::Sat => ("星期六", "Sat"),
        Weekday::Sun => ("星期日", "Sun"),
    };
    l.pick(zh, en)
}

/// Why a day was counted or skipped, in words.
pub fn reason(r: &DayReason, l: Lang) -> String {
    match (r, l) {
        (DayReason::WorkingDay, _) => l.pick("工作日", "working day").to_owned(),
        (DayReason::AdjustedWorkday { name }, Lang::Zh) => format!("调休上班（{name}）"),
        (DayReason::AdjustedWorkday { name }, Lang::En) => {
            format!("adjusted working day ({name})")
        }
        (DayReason::NaturalDay, _) => l.pick("自然日", "natural day").to_owned(),
        (DayReason::Weekend, _) => l.pick("周末", "weekend").to_owned(),
        // Holiday names are the notices' own (春节, 国庆节补假): shown as they are.
        (DayReason::Holiday { name }, Lang::Zh) => name.clone(),
        (DayReason::Holiday { name }, Lang::En) => format!("holiday ({name})"),
        (DayReason::Suspension, _) => l
            .pick("特别程序中止", "special procedure (not counted)")
            .to_owned(),
        (DayReason::EndsOnWorkingDay, _) => l
            .pick("顺延至工作日", "moved on to the next working day")
            .to_owned(),
    }
}

/// The clocks of `case` explained on `calendar`; an explanation that cannot be made (corrupt
/// stored data, a date outside the calendar) leaves the section out rather than the page:
/// the due dates above stay the record, and the failure is logged by `Error::corrupt`.
pub fn clocks_of(
    case: &Case,
    item: Option<&Item>,
    calendar: &Calendar,
    hall: HallTime,
) -> Vec<ClockView> {
    item.and_then(|item| explain_case(case, item, calendar, hall).ok())
        .unwrap_or_default()
}

/// The clocks the applicant was told of (a stage's due date is the back office's own).
pub fn told_to_applicant(clocks: Vec<ClockView>) -> Vec<ClockView> {
    clocks
        .into_iter()
        .filter(|c| c.clock.told_to_applicant())
        .collect()
}

/// The section 期限计算说明: one block per clock, its days in a collapsible table.
pub fn section(l: Lang, clocks: &[ClockView], item: Option<&Item>) -> Markup {
    let yes = l.pick("是", "yes");
    html! {
        @if !clocks.is_empty() {
            section.deadline-explained #deadline-explained aria-labelledby="deadline-explained-h" {
                h2 #deadline-explained-h { (l.pick("期限计算说明", "How the deadline is counted")) }
                p.hint {
                    (l.pick(
                        "起算日当天不计入；按工作日计算的期限跳过周末和法定节假日，调休上班日计入；按自然日计算的期限最后一日为节假日的，顺延至其后第一个工作日；特别程序所需时间不计入。",
                        "The start day is not counted; working-day limits skip weekends and public holidays and count adjusted working days; a natural-day limit ending on a day off moves on to the next working day; special procedures do not count."
                    ))
                }
                @for (i, c) in clocks.iter().enumerate() {
                    @let name = clock_name(&c.clock, item, l);
                    div.clock-explained id={ "clock-" (i) } data-clock=(c.clock.to_string()) {
                        h3 { (name) }
                        dl.facts {
                            dt { (l.pick("起算日（不计入）", "Starts after")) } dd { (names::date(c.started_on, l)) }
                            dt { (l.pick("期限", "Limit")) } dd { (names::limit(c.limit, l)) }
                            @for s in &c.suspensions {
                                dt { (l.pick("特别程序中止", "Suspended")) }
                                dd { (names::date(s.from, l)) (l.pick(" 至 ", " to ")) (names::date(s.to, l)) }
                            }
                            @if let Some(e) = c.extension {
                                dt { (l.pick("延长", "Extension")) }
                                dd { (names::limit(tongban_core::item::TimeLimit::working_days(e), l)) }
                            }
                            dt { (l.pick("计入天数", "Days counted")) } dd { (c.explanation.counted) }
                            dt { (l.pick("到期日", "Due")) }
                            dd.clock-due {
                                (names::date(c.due, l))
                                @if c.provisional { (provisional_badge(l)) }
                                @if !c.running { " " span.hint { (l.pick("（已停止计时）", "(no longer running)")) } }
                            }
                            @if c.explanation.due != c.due {
                                dt { (l.pick("按现行日历", "On the calendar now")) }
                                dd {
                                    (names::date(c.explanation.due, l)) " "
                                    span.hint { (l.pick("（工作日历已更新，办件日期将重新计算）", "(the calendar changed; the case's date is being recomputed)")) }
                                }
                            }
                        }
                        details {
                            summary { (l.pick("逐日计算", "Day by day")) " (" (c.explanation.days.len()) (l.pick(" 天）", " days)")) }
                            table.stack.days {
                                caption { (name) }
                                thead { tr {
                                    th scope="col" { (l.pick("日期", "Date")) }
                                    th scope="col" { (l.pick("星期", "Weekday")) }
                                    th scope="col" { (l.pick("是否计入", "Counted")) }
                                    th scope="col" { (l.pick("原因", "Reason")) }
                                    th scope="col" { (l.pick("暂定", "Provisional")) }
                                    th scope="col" { (l.pick("延长期", "Extension")) }
                                } }
                                tbody {
                                    @for d in &c.explanation.days {
                                        tr.counted[d.counted] {
                                            td data-label=(l.pick("日期", "Date")) { (names::date(d.date, l)) }
                                            td data-label=(l.pick("星期", "Weekday")) { (weekday(d.date, l)) }
                                            td data-label=(l.pick("是否计入", "Counted")) {
                                                @if d.counted { (l.pick("计入", "counted")) } @else { (l.pick("不计入", "not counted")) }
                                            }
                                            td data-label=(l.pick("原因", "Reason")) { (reason(&d.reason, l)) }
                                            td data-label=(l.pick("暂定", "Provisional")) {
                                                @if d.provisional { (provisional_badge(l)) }
                                            }
                                            td data-label=(l.pick("延长期", "Extension")) {
                                                @if d.extension { (yes) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_in_both_languages() {
        let holiday = DayReason::Holiday {
            name: "春节".to_owned(),
        };
        assert_eq!(reason(&holiday, Lang::Zh), "春节");
        assert_eq!(reason(&holiday, Lang::En), "holiday (春节)");
        let worked = DayReason::AdjustedWorkday {
            name: "春节".to_owned(),
        };
        assert_eq!(reason(&worked, Lang::Zh), "调休上班（春节）");
        assert_eq!(reason(&DayReason::Suspension, Lang::Zh), "特别程序中止");
        assert_eq!(
            reason(&DayReason::EndsOnWorkingDay, Lang::Zh),
            "顺延至工作日"
        );
    }

    #[test]
    fn clocks_have_readable_names() {
        assert_eq!(
            clock_name(&ClockName::Legal, None, Lang::Zh),
            "法定办结期限"
        );
        assert_eq!(
            clock_name(&ClockName::Legal, None, Lang::En),
            "Legal decision deadline"
        );
        assert_eq!(
            clock_name(&ClockName::Stage("sc".to_owned()), None, Lang::Zh),
            "环节“sc”期限"
        );
    }
}
