//! 督办单 (urging orders): an urge of an alert lands in the queue of the responsible
//! department's heads with a reply deadline in working days; a head replies once, the reply
//! is audited and shown on the alert. A reply not given by its last day is overdue, which is
//! computed from the stored deadline when read, so every process on the database agrees.

use chrono::{DateTime, NaiveDate, Utc};
use tongban_core::clock::HallTime;
use tongban_core::role::Role;
use tongban_core::supervision::desk::{Reply, MAX_REPLY_DAYS};
use tongban_store::urging_orders::{self, UrgingOrderRecord};
use tongban_store::{audit, NewAudit};

use crate::cases::{has, Who};
use crate::error::{AppResult, Code, Error, Text};
use crate::records::{from_millis, millis, to_json};
use crate::validate::{Fields, MAX_TEXT};
use crate::App;

/// Unanswered orders listed at most at once (a queue, the desk).
const LIMIT: i64 = 500;

/// An urging order as the head and the supervisor see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgingOrder {
    pub id: i64,
    pub alert_id: i64,
    pub case_no: Option<String>,
    pub department: String,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
    pub note: Option<String>,
    /// Working days given.
    pub reply_days: i64,
    /// The last day of the reply (hall's local date).
    pub reply_due_date: NaiveDate,
    /// The first instant the reply is late.
    pub reply_due: DateTime<Utc>,
    pub reply: Option<String>,
    pub replied_by: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    /// Where it stands now.
    pub state: Reply,
}

impl UrgingOrder {
    pub(crate) fn of(r: UrgingOrderRecord, hall: HallTime, now: DateTime<Utc>) -> Self {
        let reply_due = from_millis(r.reply_due);
        let replied_at = r.replied_at.map(from_millis);
        UrgingOrder {
            id: r.id,
            alert_id: r.alert_id,
            case_no: r.case_no,
            department: r.department,
            issued_by: r.issued_by,
            issued_at: from_millis(r.issued_at),
            note: r.note,
            reply_days: r.reply_days,
            reply_due_date: hall.last_day(reply_due),
            reply_due,
            reply: r.reply,
            replied_by: r.replied_by,
            replied_at,
            state: Reply::of(reply_due, replied_at, now),
        }
    }
}

/// The reply days a supervisor asked for, checked (1 to `MAX_REPLY_DAYS`).
pub fn check_reply_days(days: Option<u32>) -> AppResult<u32> {
    let days = days.unwrap_or(tongban_core::supervision::desk::DEFAULT_REPLY_DAYS);
    if (1..=MAX_REPLY_DAYS).contains(&days) {
        return Ok(days);
    }
    Err(crate::validate::Fields::invalid(
        "reply_days",
        format!("回复期限应为 1 到 {MAX_REPLY_DAYS} 个工作日"),
        format!("the reply is due in 1 to {MAX_REPLY_DAYS} working days"),
    ))
}

/// The orders of one alert, oldest first.
pub async fn of_alert(app: &App, alert_id: i64) -> AppResult<Vec<UrgingOrder>> {
    let rows = app
        .store
        .read(move |c| urging_orders::of_alert(c, alert_id))
        .await?;
    let now = app.clock.now();
    Ok(rows
        .into_iter()
        .map(|r| UrgingOrder::of(r, app.hall, now))
        .collect())
}

fn overseer(who: &Who) -> bool {
    has(who, Role::Supervisor) || has(who, Role::Admin)
}

/// A head of the order's department.
fn addressee(who: &Who, department: &str) -> bool {
    has(who, Role::Head) && who.department.as_deref() == Some(department)
}

/// The unanswered orders the caller must see: a head's department's, every one for the
/// supervision office; soonest reply first.
pub async fn unanswered(app: &App, who: &Who) -> AppResult<Vec<UrgingOrder>> {
    let department = if overseer(who) {
        None
    } else if has(who, Role::Head) {
        match who.department.clone() {
            Some(d) => Some(d),
            None => return Ok(Vec::new()),
        }
    } else {
        return Err(Error::role_not_allowed(&[
            Role::Head,
            Role::Supervisor,
            Role::Admin,
        ]));
    };
    let rows = app
        .store
        .read(move |c| urging_orders::unanswered(c, department.as_deref(), LIMIT))
        .await?;
    let now = app.clock.now();
    Ok(rows
        .into_iter()
        .map(|r| UrgingOrder::of(r, app.hall, now))
        .collect())
}

fn not_found(id: i64) -> Error {
    Error::not_found(
        Code::UrgingOrderNotFound,
        Text::new(
            format!("没有编号为 {id} 的督办单。"),
            format!("No urging order {id}."),
        ),
    )
}

/// One order, for its addressees and the supervision office; anyone else is told it does
/// not exist.
pub async fn get(app: &App, who: &Who, id: i64) -> AppResult<UrgingOrder> {
    let found = app.store.read(move |c| urging_orders::get(c, id)).await?;
    match found {
        Some(r) if overseer(who) || addressee(who, &r.department) => {
            Ok(UrgingOrder::of(r, app.hall, app.clock.now()))
        }
        _ => Err(not_found(id)),
    }
}

/// A head of the department replies to an order, once.
pub async fn reply(app: &App, who: &Who, id: i64, text: &str) -> AppResult<UrgingOrder> {
    let order = get(app, who, id).await?;
    if !addressee(who, &order.department) {
        return Err(Error::role_not_allowed(&[Role::Head]));
    }
    let mut f = Fields::default();
    f.text("reply", text, 1, MAX_TEXT);
    f.finish()?;
    let text = text.trim().to_owned();
    let now = app.clock.now();
    let at = millis(now);
    let by = who.sub.clone();
    let late = now >= order.reply_due;
    let answered = app
        .store
        .write(move |c| {
            if !urging_orders::reply(c, id, &text, &by, at)? {
                return Ok(false);
            }
            audit::append(
                c,
                &NewAudit {
                    at,
                    actor: by.clone(),
                    action: "urging.reply".into(),
                    subject: format!("urging:{id}"),
                    detail: to_json(&serde_json::json!({
                        "alert": order.alert_id,
                        "case_no": order.case_no,
                        "reply": text,
                        "late": late,
                    })),
                },
            )?;
            Ok(true)
        })
        .await?;
    if !answered {
        return Err(Error::new(
            Code::UrgingOrderAnswered,
            Text::new("督办单已回复", "Already answered"),
            Text::new(
                "此督办单已经回复，不能再次回复。",
                "The urging order has been answered already.",
            ),
        ));
    }
    get(app, who, id).await
}
