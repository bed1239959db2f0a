//! 整改: the department's rectification after a bad rating (差评), recorded from the alert
//! the rating raised (text, who, when) on the rating itself, once, with its audit record.

use tongban_core::supervision::AlertRule;
use tongban_store::{alerts, audit, evaluations, NewAudit};

use super::alerts::not_found;
use crate::cases::evaluation::{self, Evaluation};
use crate::error::{AppResult, Code, Error, Text};
use crate::records::{millis, to_json};
use crate::validate::{Fields, MAX_TEXT};
use crate::App;

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

/// Records the rectification of the bad rating behind alert `alert_id` by `actor`.
pub async fn record(app: &App, actor: &str, alert_id: i64, text: &str) -> AppResult<Evaluation> {
    let mut f = Fields::default();
    f.text("text", text, 1, MAX_TEXT);
    f.finish()?;
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
    let text = text.trim().to_owned();
    let at = millis(app.clock.now());
    let by = actor.to_owned();
    let case_no = rating.case_no.clone();
    let recorded = app
        .store
        .write(move |c| {
            if !evaluations::follow_up(c, &case_no, at, &text, &by)? {
                return Ok(false);
            }
            audit::append(
                c,
                &NewAudit {
                    at,
                    actor: by.clone(),
                    action: "evaluation.rectified".into(),
                    subject: case_no.clone(),
                    detail: to_json(&serde_json::json!({"alert": alert_id, "text": text})),
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
    evaluation::of_case(app, &rating.case_no)
        .await?
        .ok_or_else(|| Error::corrupt(format!("rating of {} vanished", rating.case_no)))
}
