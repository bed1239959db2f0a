//! 受理并当场办结: an immediate item (即办件) accepted and approved at the window in one step.
//! Both transitions are decided before anything is written, so that a refusal of either
//! (a material missing, no `decide_on_spot` grant, not an immediate item) leaves the case as
//! it was; then both are written in one transaction, each with its own event, audit record
//! and notices, exactly as the two actions taken one after the other would write them.

use tongban_core::case::{Action, Case, CaseError, Command, Named, Transition};
use tongban_core::item::ItemKind;

use super::act::{case_at, item_of, transition, Grants};
use super::actions::check_command;
use super::commit::Commit;
use super::Who;
use crate::app::{App, Config};
use crate::error::AppResult;

/// Accepts the case `case_no` (at version `expected`) and approves it on the spot with
/// `opinion`; answers the decided case.
pub async fn accept_and_decide(
    app: &App,
    who: &Who,
    case_no: &str,
    expected: i64,
    opinion: String,
) -> AppResult<Case> {
    let approve = Command::Approve { opinion };
    check_command(&approve)?;
    let config = app.config().await?;
    let case = case_at(app, &config, who, case_no, expected).await?;
    let (accepted, decided) = both(app, &config, who, &case, approve).await?;
    let item = item_of(&config, &case)?;
    let calendar = config.calendar();
    let now = decided.event.at;
    let first = Commit::new(&case, &accepted, item, &calendar, app.hall, now, expected);
    let second = Commit::new(
        &accepted.case,
        &decided,
        item,
        &calendar,
        app.hall,
        now,
        expected + 1,
    );
    app.store
        .write(move |conn| {
            first.write(conn)?;
            second.write(conn)
        })
        .await?;
    Ok(decided.case)
}

/// Whether the caller could accept and decide `case` on the spot now: the console offers the
/// one-step form only then (the same decisions as [`accept_and_decide`], nothing written).
pub async fn offered(app: &App, who: &Who, case: &Case) -> AppResult<bool> {
    if !tongban_core::case::action_allowed(case, Action::Accept, app.clock.now()) {
        return Ok(false);
    }
    let config = app.config().await?;
    let probe = Command::Approve {
        opinion: "-".to_owned(),
    };
    Ok(both(app, &config, who, case, probe).await.is_ok())
}

/// The acceptance and, on the accepted case, the on-the-spot approval.
async fn both(
    app: &App,
    config: &Config,
    who: &Who,
    case: &Case,
    approve: Command,
) -> AppResult<(Transition, Transition)> {
    let item = item_of(config, case)?;
    // Only an immediate item is decided at the window; said before the acceptance, which
    // would otherwise succeed and leave a promised item half done.
    if item.kind != ItemKind::Immediate {
        return Err(CaseError::NotImmediateItem {
            item: Named::item(item),
        }
        .into());
    }
    let now = app.clock.now();
    let mut grants = Grants::new();
    let accepted = transition(
        app,
        config,
        who,
        case,
        item,
        &Command::Accept,
        now,
        &mut grants,
    )
    .await?;
    let decided = transition(
        app,
        config,
        who,
        &accepted.case,
        item,
        &approve,
        now,
        &mut grants,
    )
    .await?;
    Ok((accepted, decided))
}
