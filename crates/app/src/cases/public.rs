//! What anyone may see without an account: a case by its number and query code, with the
//! applicant's personal data masked. A wrong query code and an unknown case number get the
//! very same 404.

use tongban_core::case::{ApplicantKind, Case};
use tongban_store::{cases, events};

use super::plausible_code;
use super::view::{decode_case, Event};
use crate::app::App;
use crate::error::{AppResult, Code, Error, Text};
use crate::mask;

/// The one answer for an unknown case number and a wrong query code.
pub fn not_found() -> Error {
    Error::not_found(
        Code::CaseNotFound,
        Text::new(
            "没有找到该办件，请核对办件编号和查询码。",
            "No case matches this case number and query code.",
        ),
    )
}

/// The applicant as the public sees them.
#[derive(Debug, Clone)]
pub struct MaskedApplicant {
    pub kind: ApplicantKind,
    /// Surname only for a person (张*).
    pub name: String,
    /// First three and last four characters.
    pub id_number: String,
    pub phone: Option<String>,
}

/// A case found by its query code: the case itself (for its due dates and status) and its
/// timeline; personal data only through [`PublicCase::applicant`].
#[derive(Debug, Clone)]
pub struct PublicCase {
    pub case: Case,
    pub timeline: Vec<Event>,
}

impl PublicCase {
    pub fn applicant(&self) -> MaskedApplicant {
        let a = &self.case.applicant;
        MaskedApplicant {
            kind: a.kind,
            name: mask::name(a),
            id_number: mask::id_number(&a.id_number),
            phone: a.phone.as_deref().map(mask::phone),
        }
    }
}

/// The case and its timeline when `code` is its query code; the same 404 otherwise.
pub async fn status(app: &App, case_no: &str, code: &str) -> AppResult<PublicCase> {
    if !plausible_code(case_no) || !plausible_code(code) {
        return Err(not_found());
    }
    let (no, code) = (case_no.to_owned(), code.to_owned());
    let found = app
        .store
        .read_point(move |conn| {
            let Some(record) = cases::get_case(conn, &no)? else {
                return Ok(None);
            };
            if !cases::query_code_matches(&record.query_code, &code) {
                return Ok(None);
            }
            Ok(Some((record, events::for_case(conn, &no)?)))
        })
        .await?;
    // The revisions came with the case: the copy of the configuration the answer is drawn
    // with is brought up to them without another read.
    app.config().await?;
    let (record, timeline) = found.ok_or_else(not_found)?;
    Ok(PublicCase {
        case: decode_case(&record)?,
        timeline: timeline.iter().map(Event::from).collect(),
    })
}
