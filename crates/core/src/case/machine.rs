//! The case state machine: one pure function from (case, command, actor, time) to the next
//! state plus exactly one event and the notices to send.

use chrono::{DateTime, Utc};

use crate::calendar::Calendar;
use crate::clock::HallTime;
use crate::item::Item;

use super::actor::{authorize, authorize_open, Actor, Authority};
use super::command::{Command, NewCase};
use super::error::CaseError;
use super::event::{CaseEvent, EventKind};
use super::model::Case;
use super::notification::{Notice, Notification, Recipient};
use super::status::{Action, CaseStatus};
use super::{ending, intake, review};

/// The outcome of a successful command: the store writes all of it in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The new state, `version` bumped by one.
    pub case: Case,
    /// Exactly one event per transition.
    pub event: CaseEvent,
    /// Notices for the outbox.
    pub notifications: Vec<Notification>,
}

/// What every handler needs besides the case.
pub(crate) struct Ctx<'a> {
    pub item: &'a Item,
    pub actor: &'a Actor,
    pub now: DateTime<Utc>,
    pub calendar: &'a Calendar,
    pub hall: HallTime,
    pub authority: Authority,
}

/// What a handler produces; `decide` wraps it into a [`Transition`].
pub(crate) type Outcome = Result<(EventKind, Vec<Notice>), CaseError>;

/// Opens a case: online by an applicant (`submitted`), or at a granted window by a clerk
/// (`received`). The acceptance clock starts now.
pub fn open_case(
    new: NewCase,
    item: &Item,
    actor: &Actor,
    now: DateTime<Utc>,
    calendar: &Calendar,
    hall: HallTime,
) -> Result<Transition, CaseError> {
    authorize_open(actor)?;
    let ctx = Ctx {
        item,
        actor,
        now,
        calendar,
        hall,
        authority: Authority::Ordinary,
    };
    let (case, kind, notices) = intake::open(new, &ctx)?;
    Ok(wrap(case, &ctx, kind, notices))
}

/// Applies `cmd` to `case`. On error the case is untouched (it is only borrowed).
///
/// `item` must be the item version the case was opened under. `now` earlier than the last
/// transition (clock skew between instances) is taken as the last transition's instant, so
/// that the timeline never runs backwards.
pub fn decide(
    case: &Case,
    item: &Item,
    cmd: Command,
    actor: &Actor,
    now: DateTime<Utc>,
    calendar: &Calendar,
    hall: HallTime,
) -> Result<Transition, CaseError> {
    if item.code != case.item_code || item.version != case.item_version {
        return Err(CaseError::ItemMismatch {
            case_item: case.item_code.clone(),
            case_version: case.item_version,
            item: item.code.clone(),
            version: item.version,
        });
    }
    let action = cmd.action();
    let now = now.max(case.updated_at);
    let recording = check_status(case, action, now)?;
    let stage = match &cmd {
        Command::CompleteStage { stage, .. } => {
            Some(item.stage(stage).ok_or_else(|| CaseError::UnknownStage {
                code: stage.clone(),
            })?)
        }
        _ => None,
    };
    let authority = authorize(action, case, item, actor, stage)?;
    let ctx = Ctx {
        item,
        actor,
        now,
        calendar,
        hall,
        authority,
    };
    let mut next = case.clone();
    let (kind, notices) = if recording {
        intake::record_acceptance(&mut next, &ctx)?
    } else {
        apply(&mut next, cmd, &ctx)?
    };
    next.version += 1;
    Ok(wrap(next, &ctx, kind, notices))
}

/// Whether `action` may be taken in the case's state; `Ok(true)` when it is a clerk's
/// `accept` that records an acceptance the law already made.
fn check_status(case: &Case, action: Action, now: DateTime<Utc>) -> Result<bool, CaseError> {
    // Art. 32: once the acceptance period ran out, the case is accepted as of receipt, whether
    // or not the monitor has recorded it yet: there is nothing left to refuse or to ask for.
    if matches!(action, Action::RequestSupplement | Action::Refuse)
        && !case.status.is_terminal()
        && case.is_deemed_accepted(now)
    {
        return Err(CaseError::AcceptedByOperationOfLaw {
            action: action.as_str().to_owned(),
        });
    }
    if action == Action::Accept
        && case.clocks.deemed_accepted
        && case.acceptance_recorded.is_none()
        && matches!(case.status, CaseStatus::Accepted | CaseStatus::Suspended)
    {
        return Ok(true);
    }
    if action.allowed_in(case.status) {
        return Ok(false);
    }
    if action == Action::RequestSupplement && case.status == CaseStatus::SupplementPending {
        return Err(CaseError::SecondSupplementNotice {
            submission: case.submission,
        });
    }
    Err(CaseError::ActionNotAllowedInState {
        action: action.as_str().to_owned(),
        status: case.status,
    })
}

/// Whether `action` may be taken on `case` at `now`, by its state alone (roles aside).
pub fn action_allowed(case: &Case, action: Action, now: DateTime<Utc>) -> bool {
    check_status(case, action, now).is_ok()
}

/// The monitor's own transition (art. 32): a case whose acceptance period ran out with no
/// notice or refusal is accepted as of its receipt day. `None` while the period runs, or
/// once the case has left acceptance.
pub fn deem_accepted(
    case: &Case,
    item: &Item,
    now: DateTime<Utc>,
    calendar: &Calendar,
    hall: HallTime,
) -> Result<Option<Transition>, CaseError> {
    if !case.status.awaits_acceptance() || !case.clocks.acceptance.due.is_overdue(now) {
        return Ok(None);
    }
    let actor = Actor::monitor();
    let ctx = Ctx {
        item,
        actor: &actor,
        now: now.max(case.updated_at),
        calendar,
        hall,
        authority: Authority::Ordinary,
    };
    let mut next = case.clone();
    let (kind, notices) = intake::accept(&mut next, &ctx)?;
    next.version += 1;
    Ok(Some(wrap(next, &ctx, kind, notices)))
}

fn apply(case: &mut Case, cmd: Command, ctx: &Ctx) -> Outcome {
    match cmd {
        Command::Accept => intake::accept(case, ctx),
        Command::Refuse {
            reason,
            legal_basis,
        } => intake::refuse(case, ctx, reason, legal_basis),
        Command::RequestSupplement { missing } => intake::request_supplement(case, ctx, missing),
        Command::Supplement { materials } => intake::supplement(case, ctx, materials),
        Command::CompleteStage { stage, opinion } => {
            review::complete_stage(case, ctx, &stage, opinion)
        }
        Command::Approve { opinion } => review::approve(case, ctx, opinion),
        Command::Deny {
            reason,
            legal_basis,
        } => review::deny(case, ctx, reason, legal_basis),
        Command::Suspend { procedure, note } => review::suspend(case, ctx, procedure, note),
        Command::Resume => review::resume(case, ctx),
        Command::Extend {
            working_days,
            reason,
        } => review::extend(case, ctx, working_days, reason),
        Command::Withdraw { reason } => ending::withdraw(case, ctx, reason),
        Command::Deliver { method, fee, post } => ending::deliver(case, ctx, method, fee, post),
        Command::Terminate { reason } => ending::terminate(case, ctx, reason),
    }
}

fn wrap(mut case: Case, ctx: &Ctx, kind: EventKind, notices: Vec<Notice>) -> Transition {
    case.updated_at = ctx.now;
    let to = Recipient::from(&case.applicant);
    let notifications = notices
        .into_iter()
        .map(|notice| Notification {
            case_no: case.case_no.clone(),
            to: to.clone(),
            notice,
        })
        .collect();
    let event = CaseEvent {
        case_no: case.case_no.clone(),
        version: case.version,
        at: ctx.now,
        actor: ctx.actor.clone(),
        kind,
    };
    Transition {
        case,
        event,
        notifications,
    }
}

/// Rejects blank free text the law requires (reasons, opinions, notes).
pub(crate) fn required(field: &'static str, value: String) -> Result<String, CaseError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(CaseError::BlankField { field });
    }
    Ok(trimmed.to_owned())
}

/// A legal basis is its own rule (supervision watches for it), not just a blank field.
pub(crate) fn legal_basis(value: String) -> Result<String, CaseError> {
    required("legal_basis", value).map_err(|_| CaseError::MissingLegalBasis)
}
