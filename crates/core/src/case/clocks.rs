//! A case's clocks as their inputs (start, limit, suspensions, extension) next to the due date
//! stored from them: what re-projection recomputes and what the explanation walks.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError, DateSpan};
use crate::clock::{due_after, excluded_span, extend_due, Due, HallTime};
use crate::explain::{explain, Explanation};
use crate::item::{Item, TimeLimit};

use super::model::{Case, StageStatus};

/// Which clock of a case: the API's names (`acceptance`, `promised`, `legal`, `delivery`,
/// `stage:<code>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum ClockName {
    Acceptance,
    Promised,
    Legal,
    Delivery,
    Stage(String),
}

impl ClockName {
    /// Whether the applicant was given this date (receipt, acceptance and decision notices);
    /// a stage's due date is the back office's own.
    pub fn told_to_applicant(&self) -> bool {
        !matches!(self, ClockName::Stage(_))
    }

    pub fn name_zh(&self) -> String {
        match self {
            ClockName::Acceptance => "受理期限".to_owned(),
            ClockName::Promised => "承诺办结日期".to_owned(),
            ClockName::Legal => "法定办结期限".to_owned(),
            ClockName::Delivery => "送达期限".to_owned(),
            ClockName::Stage(code) => format!("环节 {code} 期限"),
        }
    }
}

impl fmt::Display for ClockName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClockName::Acceptance => f.write_str("acceptance"),
            ClockName::Promised => f.write_str("promised"),
            ClockName::Legal => f.write_str("legal"),
            ClockName::Delivery => f.write_str("delivery"),
            ClockName::Stage(code) => write!(f, "stage:{code}"),
        }
    }
}

impl From<ClockName> for String {
    fn from(c: ClockName) -> String {
        c.to_string()
    }
}

impl TryFrom<String> for ClockName {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        Ok(match s.as_str() {
            "acceptance" => ClockName::Acceptance,
            "promised" => ClockName::Promised,
            "legal" => ClockName::Legal,
            "delivery" => ClockName::Delivery,
            other => match other.strip_prefix("stage:") {
                Some(code) if !code.is_empty() => ClockName::Stage(code.to_owned()),
                _ => return Err(format!("`{other}` is not a clock name")),
            },
        })
    }
}

/// One clock: its inputs and the due date stored from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockInput {
    pub name: ClockName,
    /// The day the period starts (not counted).
    pub started_on: NaiveDate,
    pub limit: TimeLimit,
    /// Finished suspensions (days not counted).
    pub suspensions: Vec<DateSpan>,
    /// Working days of the extension (art. 42), for the decision clocks.
    pub extension: Option<u32>,
    pub due: Due,
    /// Still counting (not met, not ended).
    pub running: bool,
}

impl ClockInput {
    /// The due date of these inputs on `calendar`, computed as the clock computes it.
    pub fn due_on(&self, calendar: &Calendar, hall: HallTime) -> Result<Due, CalendarError> {
        let due = due_after(
            calendar,
            hall,
            self.started_on,
            self.limit,
            &self.suspensions,
        )?;
        match self.extension {
            Some(days) => extend_due(calendar, hall, due.date, days, &self.suspensions),
            None => Ok(due),
        }
    }

    /// Every day of the period on `calendar`, counted or skipped and why.
    pub fn explain(&self, calendar: &Calendar) -> Result<Explanation, CalendarError> {
        explain(
            calendar,
            self.started_on,
            self.limit,
            &self.suspensions,
            self.extension,
        )
    }
}

/// The clocks a case has started, in the order of the law: acceptance, decision (promised,
/// legal), stages, delivery. A stage without its item definition (a corrupted record) is left
/// out rather than guessed.
pub fn clock_inputs(case: &Case, item: &Item, hall: HallTime) -> Vec<ClockInput> {
    let spans: Vec<DateSpan> = case
        .suspensions
        .iter()
        .filter_map(|s| excluded_span(hall, s.suspended_at, s.resumed_at?))
        .collect();
    let clocks = &case.clocks;
    let mut out = vec![ClockInput {
        name: ClockName::Acceptance,
        started_on: clocks.acceptance.started_on,
        limit: item.statutory.acceptance,
        suspensions: Vec::new(),
        extension: None,
        due: clocks.acceptance.due,
        running: clocks.acceptance.is_running(),
    }];
    if let Some(d) = &clocks.decision {
        let days = case.extension_days();
        for (name, limit, due, extension) in [
            (
                ClockName::Promised,
                item.promised_limit,
                d.promised_due,
                days.promised,
            ),
            (ClockName::Legal, item.legal_limit, d.legal_due, days.legal),
        ] {
            out.push(ClockInput {
                name,
                // The day this limit counts from: the next one for an on-the-spot limit
                // accepted after closing, as the clock counted it.
                started_on: d.start().day_for(limit),
                limit,
                suspensions: spans.clone(),
                extension,
                due,
                running: d.is_running(),
            });
        }
    }
    for stage in &case.stages {
        let (Some(started_at), Some(due), Some(def)) =
            (stage.started_at, stage.due, item.stage(&stage.code))
        else {
            continue;
        };
        out.push(ClockInput {
            name: ClockName::Stage(stage.code.clone()),
            started_on: hall.local_date(started_at),
            limit: def.limit,
            suspensions: spans.clone(),
            extension: None,
            due,
            running: stage.status == StageStatus::Active && !case.status.is_terminal(),
        });
    }
    if let Some(c) = &clocks.delivery {
        out.push(ClockInput {
            name: ClockName::Delivery,
            started_on: c.started_on,
            limit: item.statutory.delivery,
            suspensions: Vec::new(),
            extension: None,
            due: c.due,
            running: c.is_running(),
        });
    }
    out
}
