//! 好差评: rating a case once, after it ended, by its query code (the public, or its
//! applicant). A bad rating (1 or 2) must be followed up by the department within three
//! working days; supervision raises an alert if it is not.

use chrono::{DateTime, Utc};
use tongban_core::supervision::evaluation_follow_up_due;
use tongban_store::evaluations::{self, EvaluationRecord};
use tongban_store::{audit, NewAudit, StoreError};

use super::public;
use crate::app::App;
use crate::error::{AppResult, Code, Error, Text};
use crate::records::{from_millis, millis, to_json};
use crate::validate::{Fields, MAX_TEXT};

/// Working days a department has to follow up a bad rating (差评).
const FOLLOW_UP_DAYS: u32 = 3;

/// A rating as stored.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub case_no: String,
    pub score: i64,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
    /// For a bad rating (1 or 2): when the department must have followed it up.
    pub follow_up_due: Option<DateTime<Utc>>,
    pub followed_up_at: Option<DateTime<Utc>>,
    /// The rectification (整改) recorded, and by whom.
    pub follow_up_note: Option<String>,
    pub followed_up_by: Option<String>,
}

impl From<EvaluationRecord> for Evaluation {
    fn from(r: EvaluationRecord) -> Self {
        Evaluation {
            case_no: r.case_no,
            score: r.score,
            comment: r.comment,
            at: from_millis(r.at),
            follow_up_due: r.follow_up_due.map(from_millis),
            followed_up_at: r.followed_up_at.map(from_millis),
            follow_up_note: r.follow_up_note,
            followed_up_by: r.followed_up_by,
        }
    }
}

/// A rating asked for.
#[derive(Debug, Clone)]
pub struct Rating {
    pub query_code: String,
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub score: i64,
    pub comment: Option<String>,
}

/// Rates `case_no`; `actor` (`public`, or the applicant's username) goes into the audit
/// record.
pub async fn rate(app: &App, case_no: &str, rating: Rating, actor: &str) -> AppResult<Evaluation> {
    let Rating {
        query_code,
        score,
        comment,
    } = rating;
    let mut f = Fields::default();
    if !(1..=5).contains(&score) {
        f.error("score", "评分须为 1 到 5", "must be 1 to 5");
    }
    if let Some(c) = &comment {
        f.text("comment", c, 0, MAX_TEXT);
    }
    f.finish()?;
    let case = public::status(app, case_no, &query_code).await?.case;
    if !case.status.is_terminal() {
        return Err(Error::new(
            Code::CaseNotConcluded,
            Text::new("尚不能评价", "Not yet"),
            Text::new(
                "办件办结后才能评价。",
                "A case can be rated once it has ended.",
            ),
        ));
    }
    let now = app.clock.now();
    let follow_up_due = if score <= 2 {
        let config = app.config().await?;
        let due = evaluation_follow_up_due(&config.calendar(), app.hall, now, FOLLOW_UP_DAYS)
            .map_err(|e| {
                tracing::warn!(error = %e, "follow-up due outside the calendar");
                Error::internal()
            })?;
        Some(due.deadline)
    } else {
        None
    };
    let record = EvaluationRecord {
        case_no: case.case_no.clone(),
        score,
        comment: comment.filter(|c| !c.trim().is_empty()),
        at: millis(now),
        follow_up_due: follow_up_due.map(millis),
        followed_up_at: None,
        follow_up_note: None,
        followed_up_by: None,
    };
    let audit_record = NewAudit {
        at: millis(now),
        actor: actor.to_owned(),
        action: "case.evaluated".into(),
        subject: case.case_no.clone(),
        detail: to_json(&serde_json::json!({"score": score})),
    };
    let evaluation = Evaluation {
        case_no: case.case_no.clone(),
        score,
        comment: record.comment.clone(),
        at: now,
        follow_up_due,
        followed_up_at: None,
        follow_up_note: None,
        followed_up_by: None,
    };
    app.store
        .write(move |conn| {
            evaluations::insert(conn, &record)?;
            audit::append(conn, &audit_record)?;
            Ok(())
        })
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => Error::new(
                Code::AlreadyEvaluated,
                Text::new("已评价", "Already rated"),
                Text::new("每个办件只能评价一次。", "A case can be rated once."),
            ),
            other => other.into(),
        })?;
    Ok(evaluation)
}

/// The rating of a case the caller has already been allowed to see, if it has one.
pub async fn of_case(app: &App, case_no: &str) -> AppResult<Option<Evaluation>> {
    let no = case_no.to_owned();
    let found = app
        .store
        .read(move |conn| evaluations::get(conn, &no))
        .await?;
    Ok(found.map(Evaluation::from))
}
