//! Statistics for the supervision office (统计): per department, window or item, over the
//! cases received in a period. What each column counts is decided here, from each case as the
//! domain core keeps it; the definitions are in docs/supervision.md.

use std::collections::{BTreeMap, HashMap};

use crate::calendar::{Calendar, DateSpan};
use crate::case::{Case, CaseStatus};
use crate::clock::{excluded_span, Due, HallTime};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The key that groups online cases, which no window took, when grouping by window.
pub const ONLINE: &str = "online";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Department,
    Window,
    Item,
}

impl GroupBy {
    pub fn parse(s: &str) -> Option<GroupBy> {
        match s {
            "department" => Some(GroupBy::Department),
            "window" => Some(GroupBy::Window),
            "item" => Some(GroupBy::Item),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Department => "department",
            GroupBy::Window => "window",
            GroupBy::Item => "item",
        }
    }
}

/// What the statistics need of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub case_no: String,
    pub department: String,
    pub window: Option<String>,
    pub item_code: String,
    pub status: CaseStatus,
    /// The hall's date the case was received on.
    pub received_on: NaiveDate,
    /// The decision clock, once accepted: the day it started and the promised due date.
    pub decision_clock: Option<(NaiveDate, Due)>,
    /// The legal due date of the decision clock, once accepted.
    pub legal_due: Option<Due>,
    /// When the decision (approval or denial) was made.
    pub decided_at: Option<DateTime<Utc>>,
    /// The breaches the decision recorded: (promise, law).
    pub broken: (bool, bool),
    /// Whole days the special procedures took out of the count.
    pub suspended: Vec<DateSpan>,
}

impl CaseFacts {
    pub fn of(case: &Case, hall: HallTime) -> Self {
        CaseFacts {
            case_no: case.case_no.clone(),
            department: case.department.clone(),
            window: case.window.clone(),
            item_code: case.item_code.clone(),
            status: case.status,
            received_on: hall.local_date(case.received_at),
            decision_clock: case
                .clocks
                .decision
                .as_ref()
                .map(|d| (d.started_on, d.promised_due)),
            legal_due: case.clocks.decision.as_ref().map(|d| d.legal_due),
            decided_at: case.decision.as_ref().map(|d| d.at),
            broken: case
                .decision
                .as_ref()
                .map_or((false, false), |d| (d.promise_broken, d.law_broken)),
            suspended: case
                .suspensions
                .iter()
                .filter_map(|s| excluded_span(hall, s.suspended_at, s.resumed_at?))
                .collect(),
        }
    }

    fn key(&self, group_by: GroupBy) -> &str {
        match group_by {
            GroupBy::Department => &self.department,
            GroupBy::Window => self.window.as_deref().unwrap_or(ONLINE),
            GroupBy::Item => &self.item_code,
        }
    }
}

/// The counts of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub received: u64,
    pub accepted: u64,
    pub refused: u64,
    pub concluded: u64,
    pub on_time: u64,
    pub early: u64,
    pub overdue: u64,
    pub overdue_legal: u64,
    working_days: u64,
    timed: u64,
    score_sum: i64,
    pub evaluations: u64,
}

impl Tally {
    /// Average working days from acceptance to decision, special procedures not counted.
    pub fn average_working_days(&self) -> Option<f64> {
        (self.timed > 0).then(|| round2(self.working_days as f64 / self.timed as f64))
    }

    /// Average evaluation score (1 to 5).
    pub fn satisfaction(&self) -> Option<f64> {
        (self.evaluations > 0).then(|| round2(self.score_sum as f64 / self.evaluations as f64))
    }

    fn add(&mut self, other: &Tally) {
        self.received += other.received;
        self.accepted += other.accepted;
        self.refused += other.refused;
        self.concluded += other.concluded;
        self.on_time += other.on_time;
        self.early += other.early;
        self.overdue += other.overdue;
        self.overdue_legal += other.overdue_legal;
        self.working_days += other.working_days;
        self.timed += other.timed;
        self.score_sum += other.score_sum;
        self.evaluations += other.evaluations;
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Working days from the start of the decision clock to the decision day, less the working
/// days of special procedures inside that period; `None` outside the loaded calendar.
pub fn working_days_used(
    calendar: &Calendar,
    started_on: NaiveDate,
    decided_on: NaiveDate,
    suspended: &[DateSpan],
) -> Option<u64> {
    let total = calendar.working_days_between(started_on, decided_on).ok()?;
    let mut excluded = 0;
    for span in suspended {
        // Only the days inside (started_on, decided_on] were counted in the first place.
        let from = span.from.max(started_on.succ_opt()?);
        let to = span.to.min(decided_on);
        if from <= to {
            excluded += calendar.working_days_between(from.pred_opt()?, to).ok()?;
        }
    }
    Some(u64::from(total.saturating_sub(excluded)))
}

/// Counts `cases` by group. `scores` holds the evaluation of each case that has one;
/// `now` decides which undecided cases are already past their promised deadline.
pub fn tally(
    cases: &[CaseFacts],
    scores: &HashMap<String, i64>,
    group_by: GroupBy,
    calendar: &Calendar,
    hall: HallTime,
    now: DateTime<Utc>,
) -> BTreeMap<String, Tally> {
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    for case in cases {
        let t = groups.entry(case.key(group_by).to_owned()).or_default();
        t.received += 1;
        t.accepted += u64::from(case.decision_clock.is_some());
        t.refused += u64::from(case.status == CaseStatus::Refused);
        t.concluded += u64::from(case.status == CaseStatus::Concluded);
        t.overdue += u64::from(is_overdue(case, now));
        t.overdue_legal += u64::from(is_overdue_legal(case, now));
        if let (Some((started_on, promised)), Some(decided_at)) =
            (case.decision_clock, case.decided_at)
        {
            if !is_overdue(case, now) {
                t.on_time += 1;
                t.early += u64::from(hall.local_date(decided_at) < promised.date);
            }
            let decided_on = hall.local_date(decided_at);
            if let Some(days) = working_days_used(calendar, started_on, decided_on, &case.suspended)
            {
                t.working_days += days;
                t.timed += 1;
            }
        }
        if let Some(score) = scores.get(&case.case_no) {
            t.score_sum += score;
            t.evaluations += 1;
        }
    }
    groups
}

/// Whether `case` counts in the `overdue` column at `now`: decided after the promised
/// deadline, or still under review past it. A suspended case's due date moves when it
/// resumes, so it is not counted late while suspended.
/// A breach the decision recorded counts even if a due date moved since (a calendar
/// correction): it can no longer disappear.
pub fn is_overdue(case: &CaseFacts, now: DateTime<Utc>) -> bool {
    let promised = case.decision_clock.map(|(_, due)| due);
    late(case, promised, case.broken.0, now)
}

/// Whether `case` counts in the `overdue_legal` column at `now`: decided after the legal
/// deadline (art. 42), or still under review past it.
pub fn is_overdue_legal(case: &CaseFacts, now: DateTime<Utc>) -> bool {
    late(case, case.legal_due, case.broken.1, now)
}

fn late(case: &CaseFacts, due: Option<Due>, recorded: bool, now: DateTime<Utc>) -> bool {
    match (due, case.decided_at) {
        (Some(due), Some(decided_at)) => recorded || due.is_overdue(decided_at),
        (Some(due), None) => case.status == CaseStatus::Accepted && due.is_overdue(now),
        _ => false,
    }
}

/// How the overdue series cuts a period: by day, or by week (from Monday) for a period too
/// long for a bar a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Day,
    Week,
}

impl Bucket {
    /// Longest period shown a bar a day.
    pub const MAX_DAILY: i64 = 62;

    pub fn for_period(from: NaiveDate, to: NaiveDate) -> Bucket {
        if (to - from).num_days() < Bucket::MAX_DAILY {
            Bucket::Day
        } else {
            Bucket::Week
        }
    }

    /// The first day of the bucket holding `day`, within a period starting on `from`.
    fn start(self, day: NaiveDate, from: NaiveDate) -> NaiveDate {
        match self {
            Bucket::Day => day,
            Bucket::Week => {
                let monday =
                    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()));
                monday.max(from)
            }
        }
    }
}

/// The overdue cases (as the `overdue` column counts them at `now`) by the day or week they
/// were received, one entry per bucket of the period from its first day, zeros included: the
/// entries sum to the period's `overdue` total.
pub fn overdue_series(
    cases: &[CaseFacts],
    from: NaiveDate,
    to: NaiveDate,
    bucket: Bucket,
    now: DateTime<Utc>,
) -> Vec<(NaiveDate, u64)> {
    let mut series: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    let mut day = from;
    while day <= to {
        series.entry(bucket.start(day, from)).or_default();
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    for case in cases {
        if (from..=to).contains(&case.received_on) && is_overdue(case, now) {
            *series
                .entry(bucket.start(case.received_on, from))
                .or_default() += 1;
        }
    }
    series.into_iter().collect()
}

/// The sum of every group.
pub fn total<'a>(groups: impl IntoIterator<Item = &'a Tally>) -> Tally {
    let mut sum = Tally::default();
    for t in groups {
        sum.add(t);
    }
    sum
}

/// One row of the statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsRow {
    /// The department, window or item code (`online` for cases applied for online when
    /// grouping by window; `total` for the sum).
    pub key: String,
    /// Its name.
    pub name: String,
    /// Cases received in the period.
    pub received: u64,
    /// Of those, accepted (受理), including cases deemed accepted on receipt.
    pub accepted: u64,
    /// Not accepted (不予受理).
    pub refused: u64,
    /// Concluded (办结: the result was delivered).
    pub concluded: u64,
    /// Decided (approved or denied) by the promised deadline.
    pub on_time: u64,
    /// Of those, decided before the promised due date's day (提前办结).
    pub early: u64,
    /// Decided after the promised deadline, or still under review past it.
    pub overdue: u64,
    /// Decided after the legal deadline (art. 42), or still under review past it.
    pub overdue_legal: u64,
    /// Average working days from acceptance to decision, special procedures not counted.
    pub average_working_days: Option<f64>,
    /// Average evaluation score (1–5) of the cases evaluated.
    pub satisfaction: Option<f64>,
    /// How many cases were evaluated.
    pub evaluations: u64,
}

impl StatsRow {
    /// The on-time rate in percent (one decimal): decided on time out of the cases decided
    /// or past their promised deadline (`on_time / (on_time + overdue)`); `None` when there
    /// are none.
    pub fn on_time_rate(&self) -> Option<f64> {
        let judged = self.on_time + self.overdue;
        (judged > 0).then(|| (self.on_time as f64 * 1000.0 / judged as f64).round() / 10.0)
    }

    pub fn new(key: String, name: String, t: &Tally) -> Self {
        StatsRow {
            key,
            name,
            received: t.received,
            accepted: t.accepted,
            refused: t.refused,
            concluded: t.concluded,
            on_time: t.on_time,
            early: t.early,
            overdue: t.overdue,
            overdue_legal: t.overdue_legal,
            average_working_days: t.average_working_days(),
            satisfaction: t.satisfaction(),
            evaluations: t.evaluations,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::YearRule;

    const HALL: HallTime = HallTime::shanghai();

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("instant").to_utc()
    }

    /// 2026 with weekends only, and the Qingming holiday 2026-04-04..06 (a Saturday to
    /// Monday).
    fn calendar() -> Calendar {
        Calendar::from_years(
            "test",
            &[YearRule {
                year: 2026,
                holidays: vec![date("2026-04-04"), date("2026-04-05"), date("2026-04-06")],
                workdays: vec![],
            }],
        )
        .expect("calendar")
    }

    fn case(no: &str, department: &str, status: CaseStatus) -> CaseFacts {
        CaseFacts {
            case_no: no.into(),
            department: department.into(),
            window: Some("A02".into()),
            item_code: "GA-QR-01".into(),
            status,
            received_on: date("2026-03-02"),
            decision_clock: None,
            legal_due: None,
            decided_at: None,
            broken: (false, false),
            suspended: vec![],
        }
    }

    /// Accepted with the promised due date given and the legal one ten days after it.
    fn accepted(mut c: CaseFacts, started: &str, promised: &str) -> CaseFacts {
        let promised = date(promised);
        c.decision_clock = Some((date(started), Due::on(promised, HALL)));
        c.legal_due = Some(Due::on(promised + chrono::Days::new(10), HALL));
        c
    }

    #[test]
    fn late_against_the_promise_and_the_law_are_separate_and_stay_counted() {
        let cal = calendar();
        let now = at("2026-04-30T09:00:00+08:00");
        let mut promise_only = accepted(
            case("P", "gaj", CaseStatus::Concluded),
            "2026-03-02",
            "2026-03-20",
        );
        promise_only.decided_at = Some(at("2026-03-25T10:00:00+08:00"));
        let mut both = accepted(
            case("B", "gaj", CaseStatus::Concluded),
            "2026-03-02",
            "2026-03-20",
        );
        both.decided_at = Some(at("2026-04-02T10:00:00+08:00"));
        let open_past_law = accepted(
            case("O", "gaj", CaseStatus::Accepted),
            "2026-03-02",
            "2026-03-20",
        );
        // Decided late, then a calendar correction moved both dates past the decision: the
        // breaches the decision recorded still count.
        let mut moved = accepted(
            case("M", "gaj", CaseStatus::Concluded),
            "2026-03-02",
            "2026-04-20",
        );
        moved.decided_at = Some(at("2026-04-10T10:00:00+08:00"));
        moved.broken = (true, true);
        let cases = vec![promise_only, both, open_past_law, moved];
        let t = tally(
            &cases,
            &HashMap::new(),
            GroupBy::Department,
            &cal,
            HALL,
            now,
        )["gaj"];
        assert_eq!((t.overdue, t.overdue_legal, t.on_time), (4, 3, 0));
    }

    #[test]
    fn working_days_skip_weekends_holidays_and_suspensions() {
        let cal = calendar();
        // Mon 2026-03-02 → Fri 03-13: 9 working days after the start day.
        assert_eq!(
            working_days_used(&cal, date("2026-03-02"), date("2026-03-13"), &[]),
            Some(9)
        );
        // Across Qingming: Thu 04-02 → Wed 04-08 counts 04-03, 04-07, 04-08.
        assert_eq!(
            working_days_used(&cal, date("2026-04-02"), date("2026-04-08"), &[]),
            Some(3)
        );
        // Suspended Tue 03-03..Thu 03-05: three working days out of nine.
        let span = DateSpan {
            from: date("2026-03-03"),
            to: date("2026-03-05"),
        };
        assert_eq!(
            working_days_used(&cal, date("2026-03-02"), date("2026-03-13"), &[span]),
            Some(6)
        );
        // A span reaching past the decision only counts up to it.
        let late = DateSpan {
            from: date("2026-03-12"),
            to: date("2026-03-20"),
        };
        assert_eq!(
            working_days_used(&cal, date("2026-03-02"), date("2026-03-13"), &[late]),
            Some(7)
        );
        // Outside the calendar: unknown, not a wrong number.
        assert_eq!(
            working_days_used(&cal, date("2025-12-30"), date("2026-01-05"), &[]),
            None
        );
    }

    #[test]
    fn counts_each_group() {
        let cal = calendar();
        let now = at("2026-03-30T09:00:00+08:00");
        let mut early = accepted(
            case("C1", "gaj", CaseStatus::Concluded),
            "2026-03-02",
            "2026-03-20",
        );
        early.decided_at = Some(at("2026-03-13T10:00:00+08:00"));
        let mut on_the_day = accepted(
            case("C2", "gaj", CaseStatus::Approved),
            "2026-03-02",
            "2026-03-20",
        );
        on_the_day.decided_at = Some(at("2026-03-20T23:59:00+08:00"));
        let mut late = accepted(
            case("C3", "gaj", CaseStatus::Concluded),
            "2026-03-02",
            "2026-03-20",
        );
        late.decided_at = Some(at("2026-03-23T10:00:00+08:00"));
        let open_late = accepted(
            case("C4", "gaj", CaseStatus::Accepted),
            "2026-03-02",
            "2026-03-20",
        );
        let suspended = accepted(
            case("C5", "gaj", CaseStatus::Suspended),
            "2026-03-02",
            "2026-03-20",
        );
        let open_in_time = accepted(
            case("C6", "gaj", CaseStatus::Accepted),
            "2026-03-20",
            "2026-04-10",
        );
        let refused = case("C7", "gaj", CaseStatus::Refused);
        let mut other = case("C8", "mzj", CaseStatus::Received);
        other.window = None;
        let cases = vec![
            early,
            on_the_day,
            late,
            open_late,
            suspended,
            open_in_time,
            refused,
            other,
        ];
        let scores = HashMap::from([("C1".to_owned(), 5), ("C3".to_owned(), 2)]);

        let by_department = tally(&cases, &scores, GroupBy::Department, &cal, HALL, now);
        let gaj = by_department["gaj"];
        assert_eq!(
            (gaj.received, gaj.accepted, gaj.refused, gaj.concluded),
            (7, 6, 1, 2)
        );
        assert_eq!((gaj.on_time, gaj.early, gaj.overdue), (2, 1, 2));
        // Decided after 9, 14 and 15 working days.
        assert_eq!(gaj.average_working_days(), Some(12.67));
        assert_eq!((gaj.satisfaction(), gaj.evaluations), (Some(3.5), 2));
        let mzj = by_department["mzj"];
        assert_eq!((mzj.received, mzj.accepted), (1, 0));
        assert_eq!(
            (mzj.average_working_days(), mzj.satisfaction()),
            (None, None)
        );

        let by_window = tally(&cases, &scores, GroupBy::Window, &cal, HALL, now);
        assert_eq!(by_window.keys().collect::<Vec<_>>(), ["A02", ONLINE]);
        assert_eq!(by_window[ONLINE].received, 1);

        let sum = total(by_department.values());
        assert_eq!((sum.received, sum.overdue, sum.evaluations), (8, 2, 2));
        assert_eq!(sum.average_working_days(), Some(12.67));
        let row = StatsRow::new("total".into(), "合计".into(), &sum);
        assert_eq!(row.satisfaction, Some(3.5));
        // Two on time, two overdue.
        assert_eq!(row.on_time_rate(), Some(50.0));
        let mzj = StatsRow::new("mzj".into(), "县民政局".into(), &mzj);
        assert_eq!(
            mzj.on_time_rate(),
            None,
            "nothing decided: no rate, no division"
        );
    }

    #[test]
    fn overdue_series_by_day_and_week_sums_to_the_column() {
        let now = at("2026-03-30T09:00:00+08:00");
        let mut late = accepted(
            case("C1", "gaj", CaseStatus::Accepted),
            "2026-03-03",
            "2026-03-20",
        );
        late.received_on = date("2026-03-03");
        let mut late_too = late.clone();
        late_too.case_no = "C2".into();
        let mut in_time = accepted(
            case("C3", "gaj", CaseStatus::Accepted),
            "2026-03-04",
            "2026-04-20",
        );
        in_time.received_on = date("2026-03-04");
        let mut outside = late.clone();
        outside.received_on = date("2026-02-27");
        let cases = vec![late, late_too, in_time, outside];
        let (from, to) = (date("2026-03-02"), date("2026-03-08"));
        assert_eq!(Bucket::for_period(from, to), Bucket::Day);
        let daily = overdue_series(&cases, from, to, Bucket::Day, now);
        assert_eq!(daily.len(), 7, "a bucket for every day, zeros too");
        assert_eq!(daily[0], (date("2026-03-02"), 0));
        assert_eq!(daily[1], (date("2026-03-03"), 2));
        assert_eq!(daily.iter().map(|(_, n)| n).sum::<u64>(), 2);

        // Weeks start on Monday; the first is cut at the period's first day (a Wednesday).
        let (from, to) = (date("2026-02-25"), date("2026-05-31"));
        assert_eq!(Bucket::for_period(from, to), Bucket::Week);
        let weekly = overdue_series(&cases, from, to, Bucket::Week, now);
        assert_eq!(weekly[0], (date("2026-02-25"), 1));
        assert_eq!(weekly[1], (date("2026-03-02"), 2));
        assert_eq!(weekly.last().map(|w| w.0), Some(date("2026-05-25")));
        assert_eq!(weekly.len(), 14);
    }
}
