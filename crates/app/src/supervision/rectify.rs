//! 整改: the department's rectification after a bad rating (差评): text, who and when, on the
//! rating itself, once, with its audit record. The department's heads record it from their
//! queue, or the supervision office from the alert the overdue rating raised.

use tongban_core::role::Role;
use tongban_core::supervision::AlertRule;
use tongban_store::{alerts, audit, evaluations, NewAudit};

use super::alerts::not_found;
use crate::cases::evaluation::{self, Evaluation};
use crate::cases::{has, plausible_code, Who};
use crate::error::{AppResult, Code, Error, Text};
use crate::records::{millis, to_json};
use crate::validate::{Fields, MAX_TEXT};
use crate::App;

/// Ratings listed at most at once in a head's queue.
const LIMIT: i64 = 200;

/// The rating behind a bad-rating alert (差评未整改), if the alert is one and has a case.
pub async fn rating_of_alert(app: &App, alert_id: i64) -> AppResult<Option<Evaluation>> {
    let alert = app
        .store
        .read(move |c| alerts::get(c, alert_id))
        .await?
        .ok_or_else(|| not_found(alert_id))?;
    match alert.case_no {
        Some(no) if alert.rule.0 == AlertRule::BadEvaluationUnanswered => {
            evaluation::of_case(app, &no).await
        }
        _ => Ok(None),
    }
}

/// Records, for the supervision office, the rectification of the bad rating behind alert
/// `alert_id`.
pub async fn record(app: &App, actor: &str, alert_id: i64, text: &str) -> AppResult<Evaluation> {
    check_text(text)?;
    let Some(rating) = rating_of_alert(app, alert_id).await? else {
        return Err(Error::new(
            Code::NotABadRating,
            Text::new("不是差评预警", "Not a bad-rating alert"),
            Text::new(
                "只有差评未整改预警可以登记整改情况。",
                "A rectification is recorded on a bad-rating alert only.",
            ),
        ));
    };
    write(
        app,
        actor,
        &rating.case_no,
        serde_json::json!({"alert": alert_id}),
        text,
    )
    .await
}

/// The bad ratings of the caller's department still awaiting their rectification, the one
/// due first first; nothing for a caller who is not a head of a department.
pub async fn awaiting(app: &App, who: &Who) -> AppResult<Vec<Evaluation>> {
    let Some(department) = who.department.clone().filter(|_| has(who, Role::Head)) else {
        return Ok(Vec::new());
    };
    let rows = app
        .store
        .read(move |c| evaluations::awaiting_follow_up(c, &department, LIMIT))
        .await?;
    Ok(rows.into_iter().map(Evaluation::from).collect())
}

/// The bad rating of `case_no`, for a head of the case's department; anyone else, and a
/// case without a bad rating, is told there is none.
pub async fn rating_for_head(app: &App, who: &Who, case_no: &str) -> AppResult<Evaluation> {
    let mut rating = None;
    if let Some(department) = who.department.clone().filter(|_| has(who, Role::Head)) {
        if plausible_code(case_no) {
            let no = case_no.to_owned();
            rating = app
                .store
                .read(move |c| evaluations::get_in_department(c, &no, &department))
                .await?
                .map(Evaluation::from);
        }
    }
    rating.filter(|r| r.follow_up_due.is_some()).ok_or_else(|| {
        Error::not_found(
            Code::CaseNotFound,
            Text::new(
                format!("没有办件 {case_no} 的差评。"),
                format!("No bad rating of case {case_no}."),
            ),
        )
    })
}

/// A head of the case's department records the department's rectification of its bad
/// rating.
pub async fn record_by_head(
    app: &App,
    who: &Who,
    case_no: &str,
    text: &str,
) -> AppResult<Evaluation> {
    let rating = rating_for_head(app, who, case_no).await?;
    check_text(text)?;
    write(
        app,
        &who.sub,
        &rating.case_no,
        serde_json::json!({"department": who.department}),
        text,
    )
    .await
}

fn check_text(text: &str) -> AppResult<()> {
    let mut f = Fields::default();
    f.text("text", text, 1, MAX_TEXT);
    f.finish()
}

/// Writes the rectification and its audit record (`detail` says from where), once.
async fn write(
    app: &App,
    actor: &str,
    case_no: &str,
    mut detail: serde_json::Value,
    text: &str,
) -> AppResult<Evaluation> {
    let text = text.trim().to_owned();
    detail["text"] = serde_json::Value::String(text.clone());
    let at = millis(app.clock.now());
    let by = actor.to_owned();
    let no = case_no.to_owned();
    let recorded = app
        .store
        .write(move |c| {
            if !evaluations::follow_up(c, &no, at, &text, &by)? {
                return Ok(false);
            }
            audit::append(
                c,
                &NewAudit {
                    at,
                    actor: by.clone(),
                    action: "evaluation.rectified".into(),
                    subject: no.clone(),
                    detail: to_json(&detail),
                },
            )?;
            Ok(true)
        })
        .await?;
    if !recorded {
        return Err(Error::new(
            Code::RectificationRecorded,
            Text::new("整改情况已登记", "Already recorded"),
            Text::new(
                "此差评的整改情况已经登记。",
                "The rectification of this rating has been recorded already.",
            ),
        ));
    }
    evaluation::of_case(app, case_no)
        .await?
        .ok_or_else(|| Error::corrupt(format!("rating of {case_no} vanished")))
}
