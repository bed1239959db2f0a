//! Issuing a case's documents (文书): the caller must see the case, the case must have the
//! document, and its number is drawn once (first print) from the organ's series and audited.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use tongban_core::case::{Case, Channel};
use tongban_core::document::{number_text, DocumentKind, DocumentRef};
use tongban_store::documents::{self as db, NewDocument};
use tongban_store::NewAudit;

use crate::cases::{visible_case, Who};
use crate::error::{AppResult, Code, Error, Text};
use crate::records;
use crate::App;

/// A document ready to print: the case as it stands, the document's number and organ, and
/// the display names of the staff it names (usernames without an account keep the username).
#[derive(Debug, Clone)]
pub struct Sheet {
    pub case: Case,
    pub doc: DocumentRef,
    pub number: String,
    /// The issuing organ's name: the implementing department of the case's item.
    pub organ: String,
    pub dated: DateTime<Utc>,
    /// Who printed it first.
    pub issued_by: String,
    /// The clerk who took the case at a window (`None` online): the receipt's 经办人.
    pub received_by: Option<String>,
    /// Who took each kind of step (`accepted`, `refused`, …), the latest of each kind.
    pub acted: BTreeMap<String, String>,
    pub names: BTreeMap<String, String>,
    /// The numbers of the case's documents issued so far, by path segment (`decision`).
    pub issued: BTreeMap<String, String>,
}

impl Sheet {
    /// The name of who took the latest step of `kind` (an event kind such as `accepted`).
    pub fn actor_name(&self, kind: &str) -> Option<&str> {
        self.acted.get(kind).map(|u| self.name_of(u))
    }

    /// A staff member's name as the document prints it.
    pub fn name_of<'a>(&'a self, username: &'a str) -> &'a str {
        self.names.get(username).map_or(username, String::as_str)
    }
}

fn no_such_document(case_no: &str, doc: DocumentRef) -> Error {
    Error::not_found(
        Code::NoSuchDocument,
        Text::new(
            format!("办件 {case_no} 没有这份文书（{}）。", doc.slug()),
            format!("Case {case_no} has no such document ({}).", doc.slug()),
        ),
    )
}

/// The document `doc` of the case, numbered (on its first print, by `who`).
pub async fn issue(app: &App, who: &Who, case_no: &str, doc: DocumentRef) -> AppResult<Sheet> {
    let case = visible_case(app, who, case_no).await?;
    let dated = doc
        .dated(&case)
        .ok_or_else(|| no_such_document(case_no, doc))?;
    let config = app.config().await?;
    let organ = config
        .catalogue
        .department(&case.department)
        .map_or_else(|| case.department.clone(), |d| d.name.clone());
    let year = app.hall.local_date(dated).year();
    let new = NewDocument {
        case_no: case.case_no.clone(),
        kind: doc.kind.slug().to_owned(),
        ordinal: i64::from(doc.ordinal),
        department: case.department.clone(),
        year: i64::from(year),
        issued_at: records::millis(app.clock.now()),
        issued_by: who.sub.clone(),
    };
    let series_organ = organ.clone();
    let kind = doc.kind;
    // Printed before: read, without queueing on the writer (every print of a document
    // after its first is a read).
    let (no, slug, ordinal) = (new.case_no.clone(), new.kind.clone(), new.ordinal);
    let stored = app
        .store
        .read(move |conn| db::get(conn, &no, &slug, ordinal))
        .await?;
    let record = match stored {
        Some(record) => record,
        None => {
            draw(app, new, move |seq| {
                number_text(
                    &series_organ,
                    kind,
                    year,
                    u32::try_from(seq).unwrap_or(u32::MAX),
                )
            })
            .await?
        }
    };
    let case_no = case.case_no.clone();
    let at_window = case.channel == Channel::Window;
    let issued_by = record.issued_by.clone();
    let (names, issued, received_by, acted) = app
        .store
        .read(move |conn| {
            let events = tongban_store::events::for_case(conn, &case_no)?;
            let received_by = events
                .first()
                .filter(|_| at_window)
                .map(|e| e.actor.clone());
            let acted: BTreeMap<String, String> = events
                .iter()
                .map(|e| (e.kind.clone(), e.actor.clone()))
                .collect();
            // Everyone a document may name took a step of the case, or printed it first.
            let mut usernames: Vec<String> = events.iter().map(|e| e.actor.clone()).collect();
            usernames.push(issued_by);
            usernames.sort();
            usernames.dedup();
            let names: BTreeMap<String, String> = tongban_store::users::names_of(conn, &usernames)?
                .into_iter()
                .collect();
            let issued = db::of_case(conn, &case_no)?
                .into_iter()
                .filter_map(|r| {
                    let kind = DocumentKind::from_slug(&r.kind)?;
                    let doc = DocumentRef::new(kind, u32::try_from(r.ordinal).ok()?);
                    Some((doc.slug(), r.number))
                })
                .collect();
            Ok((names, issued, received_by, acted))
        })
        .await?;
    Ok(Sheet {
        case,
        doc,
        number: record.number,
        organ,
        dated,
        issued_by: record.issued_by,
        received_by,
        acted,
        names,
        issued,
    })
}

/// Draws the document's number on the writer, and audits the draw; another process may have
/// drawn it since it was read, and then its record is the answer.
async fn draw(
    app: &App,
    new: NewDocument,
    number: impl Fn(i64) -> String + Send + 'static,
) -> AppResult<db::DocumentRecord> {
    Ok(app
        .store
        .write(move |conn| {
            let (record, drawn) = db::issue(conn, &new, &number)?;
            if drawn {
                tongban_store::audit::append(
                    conn,
                    &NewAudit {
                        at: record.issued_at,
                        actor: record.issued_by.clone(),
                        action: "document.issue".into(),
                        subject: record.case_no.clone(),
                        detail: records::to_json(&serde_json::json!({
                            "kind": record.kind,
                            "ordinal": record.ordinal,
                            "number": record.number,
                        })),
                    },
                )?;
            }
            Ok(record)
        })
        .await?)
}
