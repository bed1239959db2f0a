//! The work queue of the caller's scope (a clerk's window, an approver's department with the
//! parallel stages it takes part in, an applicant's own cases, everything for a supervisor),
//! narrowed by what the caller asks for. Oldest receipt first.

use tongban_core::case::{Case, CaseStatus};
use tongban_core::supervision::AlertLevel;
use tongban_store::typed::StoredAlertLevel;
use tongban_store::{cases, CaseFilter, CaseRecord, Page};

use super::scope::{queue_filter, window_scope};
use super::view::{decode_case, parse_status, QueueLine};
use super::{plausible_code, Who};
use crate::app::App;
use crate::error::{AppResult, Code, Error, Text};

/// What the caller asks the queue for.
#[derive(Debug, Clone, Default)]
pub struct Ask {
    /// Any of these statuses (empty: any).
    pub statuses: Vec<CaseStatus>,
    pub department: Option<String>,
    pub window: Option<String>,
    /// Only cases with an unresolved alert of this level: `yellow` or `red`.
    pub alert: Option<StoredAlertLevel>,
    /// The clerk's search box: a case number, ID number or phone (whole), or part of the
    /// applicant's name.
    pub search: Option<String>,
    /// Only the cases of this applicant ID number.
    pub applicant_id_number: Option<String>,
}

/// The longest search text: a case number, an 18-character ID number or a name fit well.
pub const MAX_SEARCH: usize = 64;

/// The search text of a query (`q`), trimmed; empty asks for nothing.
pub fn search_text(q: Option<&str>) -> AppResult<Option<String>> {
    let text = q.unwrap_or("").trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > MAX_SEARCH || text.chars().any(char::is_control) {
        return Err(invalid_query(
            format!("搜索内容应为办件编号、姓名、证件号码或电话，不超过 {MAX_SEARCH} 个字符。"),
            format!(
                "Search for a case number, name, ID number or phone, at most {MAX_SEARCH} characters."
            ),
        )
        .with_field("q", Text::new("搜索内容无效", "invalid search")));
    }
    Ok(Some(text.to_owned()))
}

fn invalid_query(zh: String, en: String) -> Error {
    Error::bad_request(Code::InvalidQuery, Text::new(zh, en))
}

impl Ask {
    /// The ask of a query string: `status` one name or several separated by commas, `alert`
    /// `yellow` or `red`, `department` and `window` codes; empty values ask for nothing.
    /// `q`: the search text ([`search_text`]).
    pub fn parse(
        status: Option<&str>,
        department: Option<&str>,
        window: Option<&str>,
        alert: Option<&str>,
        q: Option<&str>,
    ) -> AppResult<Ask> {
        let mut statuses = Vec::new();
        for s in status.unwrap_or("").split(',').map(str::trim) {
            if s.is_empty() {
                continue;
            }
            let status = parse_status(s).ok_or_else(|| {
                invalid_query(
                    format!("未知的办件状态：{s}"),
                    format!("Unknown case status: {s}"),
                )
                .with_field("status", Text::new("未知状态", "unknown status"))
            })?;
            statuses.push(status);
        }
        let alert = match alert {
            None | Some("") => None,
            Some("yellow") => Some(AlertLevel::Yellow.into()),
            Some("red") => Some(AlertLevel::Red.into()),
            Some(_) => {
                return Err(invalid_query(
                    "alert 只能是 yellow 或 red。".into(),
                    "`alert` is `yellow` or `red`.".into(),
                ))
            }
        };
        for (field, value) in [("department", department), ("window", window)] {
            if value.is_some_and(|v| !v.is_empty() && !plausible_code(v)) {
                return Err(invalid_query(
                    format!("{field} 应为部门或窗口的编码。"),
                    format!("`{field}` must be a department or window code."),
                )
                .with_field(field, Text::new("编码无效", "invalid code")));
            }
        }
        let code = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(Ask {
            statuses,
            department: code(department),
            window: code(window),
            alert,
            search: search_text(q)?,
            applicant_id_number: None,
        })
    }
}

/// A page of a queue, 1-based.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: u32,
    pub per_page: u32,
}

async fn rows(app: &App, who: &Who, ask: Ask, paging: Paging) -> AppResult<(Vec<CaseRecord>, u64)> {
    let config = app.config().await?;
    let served = window_scope(app, &config, who).await?;
    let asked = CaseFilter {
        statuses: ask.statuses.iter().map(|s| (*s).into()).collect(),
        department: ask.department,
        window_code: ask.window,
        alert_level: ask.alert,
        search: ask.search,
        applicant_id_number: ask.applicant_id_number.map(|id| id.to_uppercase()),
        ..CaseFilter::default()
    };
    let filter = queue_filter(who, served.as_ref(), asked)?;
    let page = Page {
        page: i64::from(paging.page),
        per_page: i64::from(paging.per_page),
    };
    let (rows, total) = app
        .store
        .read(move |conn| cases::list_cases(conn, &filter, page))
        .await?;
    Ok((rows, u64::try_from(total).unwrap_or(0)))
}

/// The queue's lines and how many cases it has in all.
pub async fn lines(
    app: &App,
    who: &Who,
    ask: Ask,
    paging: Paging,
) -> AppResult<(Vec<QueueLine>, u64)> {
    let (rows, total) = rows(app, who, ask, paging).await?;
    let config = app.cached();
    let lines = rows
        .iter()
        .map(|r| QueueLine::new(r, &config.catalogue))
        .collect();
    Ok((lines, total))
}

/// The queue's whole cases (a row that does not decode is logged and left out) and how
/// many cases it has in all.
pub async fn cases(app: &App, who: &Who, ask: Ask, paging: Paging) -> AppResult<(Vec<Case>, u64)> {
    let (rows, total) = rows(app, who, ask, paging).await?;
    Ok((
        rows.iter().filter_map(|r| decode_case(r).ok()).collect(),
        total,
    ))
}

/// How many earlier cases of an applicant a case page lists.
const EARLIER: u32 = 20;

/// The applicant's other cases (same ID number) that the caller may read, oldest first.
pub async fn earlier_cases(app: &App, who: &Who, case: &Case) -> AppResult<Vec<QueueLine>> {
    let ask = Ask {
        applicant_id_number: Some(case.applicant.id_number.clone()),
        ..Ask::default()
    };
    let paging = Paging {
        page: 1,
        per_page: EARLIER + 1,
    };
    let (mut lines, _) = lines(app, who, ask, paging).await?;
    lines.retain(|l| l.case_no != case.case_no);
    lines.truncate(EARLIER as usize);
    Ok(lines)
}
