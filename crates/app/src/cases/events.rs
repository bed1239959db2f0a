//! A case's timeline: one event per transition, with who acted, at which window, under
//! which grant.

use tongban_store::events;

use super::scope::visible_case;
use super::view::Event;
use super::Who;
use crate::app::App;
use crate::error::AppResult;

/// The timeline of a case the caller may see.
pub async fn timeline(app: &App, who: &Who, case_no: &str) -> AppResult<Vec<Event>> {
    let case = visible_case(app, who, case_no).await?;
    of_case(app, &case.case_no).await
}

/// The timeline of a case the caller has already been allowed to see.
pub async fn of_case(app: &App, case_no: &str) -> AppResult<Vec<Event>> {
    let no = case_no.to_owned();
    let rows = app
        .store
        .read(move |conn| events::for_case(conn, &no))
        .await?;
    Ok(rows.iter().map(Event::from).collect())
}
