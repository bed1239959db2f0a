//! 效能投诉: a complaint about a case or a window, with or without an account. A complaint
//! about a case raises a supervision alert on it. Supervisors list them.

use chrono::{DateTime, Utc};
use tongban_core::role::Role;
use tongban_core::supervision::{AlertKey, AlertLevel, AlertRule};
use tongban_store::complaints::{self, ComplaintRecord, NewComplaint};
use tongban_store::{alerts, audit, cases, NewAudit};

use super::records::new_alert;
use super::view::decode_case;
use super::{has, plausible_code, Who};
use crate::app::App;
use crate::error::{AppResult, Code, Error, Text};
use crate::records::{from_millis, millis, to_json};
use crate::validate::{Fields, MAX_TEXT};

/// A complaint as filed.
#[derive(Debug, Clone)]
pub struct NewComplaintAsk {
    /// The case complained about, if any.
    pub case_no: Option<String>,
    /// The window complained about, if any.
    pub window: Option<String>,
    pub text: String,
    /// How to reach the complainant (phone or e-mail), optional.
    pub contact: Option<String>,
    /// The case's query code, proving the complainant is its applicant.
    pub query_code: Option<String>,
}

/// A complaint as stored.
#[derive(Debug, Clone)]
pub struct Complaint {
    pub id: i64,
    pub case_no: Option<String>,
    pub window: Option<String>,
    pub text: String,
    pub contact: Option<String>,
    pub received_at: DateTime<Utc>,
    pub status: String,
    pub handled_at: Option<DateTime<Utc>>,
    pub response: Option<String>,
}

impl From<ComplaintRecord> for Complaint {
    fn from(r: ComplaintRecord) -> Self {
        Complaint {
            id: r.id,
            case_no: r.case_no,
            window: r.window_code,
            text: r.text,
            contact: r.contact,
            received_at: from_millis(r.at),
            status: r.status,
            handled_at: r.handled_at.map(from_millis),
            response: r.response,
        }
    }
}

/// Files a complaint (anyone).
pub async fn complain(app: &App, ask: NewComplaintAsk) -> AppResult<Complaint> {
    let mut f = Fields::default();
    f.text("text", &ask.text, 1, MAX_TEXT);
    if let Some(c) = &ask.contact {
        f.text("contact", c, 1, 200);
    }
    if let Some(w) = &ask.window {
        if app.config().await?.catalogue.window(w).is_none() {
            f.error("window", "没有该窗口", "is not a window of the hall");
        }
    }
    let case = match &ask.case_no {
        Some(no) if plausible_code(no) => {
            let no = no.clone();
            app.store.read(move |c| cases::get_case(c, &no)).await?
        }
        _ => None,
    };
    // Whether a case exists is not told to the public beyond this one generic message.
    if ask.case_no.is_some() && case.is_none() {
        f.error("case_no", "办件编号无效", "is not a valid case number");
    }
    f.finish()?;
    let now = app.clock.now();
    // Anyone may complain, so an anonymous complaint cannot put a red on any case it names:
    // it asks a supervisor to look (yellow). The applicant, proven by the query code, is
    // heard as a breach report (red).
    let alert = match &case {
        Some(record) => {
            let case = decode_case(record)?;
            let proven = ask
                .query_code
                .as_deref()
                .is_some_and(|q| cases::query_code_matches(&record.query_code, q.trim()));
            let level = if proven {
                AlertLevel::Red
            } else {
                AlertLevel::Yellow
            };
            Some(new_alert(
                &case,
                &AlertKey::case(AlertRule::Complaint, level),
                now,
            ))
        }
        None => None,
    };
    let new = NewComplaint {
        case_no: ask.case_no.clone(),
        window_code: ask.window.clone(),
        text: ask.text.trim().to_owned(),
        contact: ask.contact.clone(),
        at: millis(now),
        status: "open".into(),
    };
    let stored = app
        .store
        .write(move |conn| {
            let stored = complaints::insert(conn, &new)?;
            if let Some(a) = &alert {
                alerts::raise(conn, a)?;
            }
            audit::append(
                conn,
                &NewAudit {
                    at: stored.at,
                    actor: "public".into(),
                    action: "complaint.received".into(),
                    subject: format!("complaint:{}", stored.id),
                    detail: to_json(&serde_json::json!({
                        "case_no": stored.case_no,
                        "window": stored.window_code,
                    })),
                },
            )?;
            Ok(stored)
        })
        .await?;
    Ok(Complaint::from(stored))
}

/// Complaints, oldest first, for a supervisor or an administrator; `status` `open` or
/// `handled` (empty: both).
pub async fn list(app: &App, who: &Who, status: Option<&str>) -> AppResult<Vec<Complaint>> {
    let roles = [Role::Supervisor, Role::Admin];
    if !roles.iter().any(|r| has(who, *r)) {
        return Err(Error::role_not_allowed(&roles));
    }
    let status = match status {
        None | Some("") => None,
        Some(s @ ("open" | "handled")) => Some(s.to_owned()),
        Some(_) => {
            return Err(Error::bad_request(
                Code::InvalidQuery,
                Text::new(
                    "status 只能是 open 或 handled。",
                    "`status` is `open` or `handled`.",
                ),
            ))
        }
    };
    let rows = app
        .store
        .read(move |c| complaints::list(c, status.as_deref(), 100_000))
        .await?;
    Ok(rows.into_iter().map(Complaint::from).collect())
}
