//! Acting on a case: one use case for every action of the table. The version check, the
//! role and window grant, the core's decision, and one transaction with the case row, the
//! event, the audit record, the outbox messages and the procedure alerts. The console's
//! offer of actions asks the same decision with placeholder data ([`offered`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use tongban_core::case::{
    action_allowed, decide, Action, Case, CaseError, CaseErrorKind, Command, DeliveryMethod,
    GrantRef, MissingMaterial, Procedure, StageStatus, SubmittedMaterial, Transition,
};
use tongban_core::grant::WindowAction;
use tongban_core::item::Item;
use tongban_core::role::Role;
use tongban_store::StoreError;

use super::actions::{check_command, ActionSpec, ACTIONS};
use super::actor::{acting_roles, actor, window_grant};
use super::commit::Commit;
use super::scope::visible_case_in;
use super::Who;
use crate::app::{App, Config};
use crate::error::{AppResult, Error};

/// The item version a case runs under. Not in the configuration even after its revision
/// check: the database holds a case of an item version it does not have.
pub fn item_of<'c>(config: &'c Config, case: &Case) -> AppResult<&'c Item> {
    config
        .catalogue
        .item_version(&case.item_code, case.item_version)
        .ok_or_else(|| {
            Error::corrupt(format!(
                "case {} runs under item {} version {}, which is not in the catalogue",
                case.case_no, case.item_code, case.item_version
            ))
        })
}

/// The window grants looked up for one request, by the kind of window action.
pub(super) type Grants = HashMap<WindowAction, AppResult<GrantRef>>;

/// Why no role of the caller could take a command.
enum Declined {
    /// Every role was refused (role rules, window grants); the first reason.
    Refused(Option<Error>),
    /// A rule on the case's state or the data refused it.
    Rule(CaseError),
}

/// The core's decision on `cmd` for the caller, trying each of their roles in the order of
/// [`acting_roles`]; a clerk's role only with the window grant the action's entry names.
#[allow(clippy::too_many_arguments)]
async fn decide_as(
    app: &App,
    config: &Config,
    who: &Who,
    case: &Case,
    item: &Item,
    cmd: &Command,
    now: DateTime<Utc>,
    grants: &mut Grants,
) -> Result<Transition, Declined> {
    let spec = ActionSpec::of(cmd.action());
    let calendar = config.calendar();
    let mut refused: Option<Error> = None;
    for role in acting_roles(who) {
        let mut acting = actor(who, role);
        if role == Role::Clerk {
            if let Some(w) = spec.grant {
                let grant = match grants.get(&w) {
                    Some(g) => g.clone(),
                    None => {
                        let g = window_grant(app, config, &acting, item, w, now).await;
                        grants.insert(w, g.clone());
                        g
                    }
                };
                match grant {
                    Ok(g) => acting.grant = Some(g),
                    Err(e) => {
                        refused.get_or_insert(e);
                        continue;
                    }
                }
            }
        }
        match decide(case, item, cmd.clone(), &acting, now, &calendar, app.hall) {
            Ok(t) => return Ok(t),
            Err(e) if e.kind() == CaseErrorKind::Forbidden => {
                refused.get_or_insert_with(|| Error::from(&e));
            }
            Err(e) => return Err(Declined::Rule(e)),
        }
    }
    Err(Declined::Refused(refused))
}

/// The core's decision on `cmd` for the caller, or why not as the caller's error.
#[allow(clippy::too_many_arguments)]
pub(super) async fn transition(
    app: &App,
    config: &Config,
    who: &Who,
    case: &Case,
    item: &Item,
    cmd: &Command,
    now: DateTime<Utc>,
    grants: &mut Grants,
) -> AppResult<Transition> {
    match decide_as(app, config, who, case, item, cmd, now, grants).await {
        Ok(t) => Ok(t),
        Err(Declined::Rule(e)) => Err(e.into()),
        Err(Declined::Refused(first)) => {
            let roles = ActionSpec::of(cmd.action()).roles;
            Err(first.unwrap_or_else(|| Error::role_not_allowed(roles)))
        }
    }
}

/// The case `case_no` the caller may see, if it is still at version `expected`.
pub(super) async fn case_at(
    app: &App,
    config: &Config,
    who: &Who,
    case_no: &str,
    expected: i64,
) -> AppResult<Case> {
    let case = visible_case_in(app, config, who, case_no).await?;
    let current = i64::try_from(case.version).unwrap_or(i64::MAX);
    if current != expected {
        return Err(StoreError::StaleVersion { current }.into());
    }
    Ok(case)
}

/// Runs `cmd` on the case `case_no` at version `expected` and answers the case after it.
pub async fn act(
    app: &App,
    who: &Who,
    case_no: &str,
    expected: i64,
    cmd: Command,
) -> AppResult<Case> {
    check_command(&cmd)?;
    let config = app.config().await?;
    let case = case_at(app, &config, who, case_no, expected).await?;
    let item = item_of(&config, &case)?;
    let now = app.clock.now();
    let t = transition(
        app,
        &config,
        who,
        &case,
        item,
        &cmd,
        now,
        &mut Grants::new(),
    )
    .await?;
    let calendar = config.calendar();
    let commit = Commit::new(&case, &t, item, &calendar, app.hall, now, expected);
    app.store.write(move |conn| commit.write(conn)).await?;
    Ok(t.case)
}

/// An action the caller may take on a case now; `blocked` when the core already says why it
/// cannot succeed whatever is entered (accepting with a required material missing, approving
/// before the stages are done, a second extension). `stages`: for `complete_stage`, the
/// active stages they may complete.
#[derive(Debug, Clone)]
pub struct Offer {
    pub spec: &'static ActionSpec,
    pub blocked: Option<Error>,
    pub stages: Vec<String>,
}

impl Offer {
    /// The form of `action`, whatever the case allows.
    pub fn form(action: Action) -> Offer {
        Offer {
            spec: ActionSpec::of(action),
            blocked: None,
            stages: Vec::new(),
        }
    }
}

/// A command of the right shape with placeholder data, to ask the core whether the actor
/// may take the action at all (its data is checked when the staff member confirms).
/// `stage`: the stage a `complete_stage` is asked for.
fn probe(a: Action, item: &Item, stage: &str) -> Command {
    let text = || "-".to_owned();
    let first = item
        .materials
        .first()
        .map(|m| m.code.clone())
        .unwrap_or_default();
    match a {
        Action::Refuse => Command::Refuse {
            reason: text(),
            legal_basis: text(),
        },
        Action::RequestSupplement => Command::RequestSupplement {
            missing: vec![MissingMaterial {
                code: first,
                note: String::new(),
            }],
        },
        Action::Supplement => Command::Supplement {
            materials: vec![SubmittedMaterial {
                code: first,
                copies: 1,
            }],
        },
        Action::CompleteStage => Command::CompleteStage {
            stage: stage.to_owned(),
            opinion: text(),
        },
        Action::Approve => Command::Approve { opinion: text() },
        Action::Deny => Command::Deny {
            reason: text(),
            legal_basis: text(),
        },
        Action::Suspend => Command::Suspend {
            procedure: Procedure::Hearing,
            note: text(),
        },
        Action::Resume => Command::Resume,
        Action::Extend => Command::Extend {
            working_days: 1,
            reason: text(),
        },
        Action::Deliver => Command::Deliver {
            method: DeliveryMethod::Window,
            fee: None,
            post: None,
        },
        Action::Withdraw => Command::Withdraw { reason: text() },
        Action::Terminate => Command::Terminate { reason: text() },
        Action::Accept => Command::Accept,
    }
}

/// Whether a refusal of the probe stands whatever the form says: the probe of these actions
/// carries no material of the case, so a conflict comes from the case's state.
fn blocks(a: Action, e: &CaseError) -> bool {
    a == Action::Accept
        || (e.kind() == CaseErrorKind::Conflict
            && !matches!(a, Action::Supplement | Action::RequestSupplement))
}

/// The actions the case's state, the caller's roles (window grants in force, department,
/// stages) and the core's role rules allow now, in the order of the table.
pub async fn offered(app: &App, who: &Who, case: &Case) -> AppResult<Vec<Offer>> {
    let config = app.config().await?;
    let item = item_of(&config, case)?;
    let now = app.clock.now();
    let mut grants = Grants::new();
    let mut out = Vec::new();
    for spec in &ACTIONS {
        let a = spec.action;
        if !action_allowed(case, a, now) {
            continue;
        }
        if a == Action::CompleteStage {
            let mut stages = Vec::new();
            for s in case
                .stages
                .iter()
                .filter(|s| s.status == StageStatus::Active)
            {
                let cmd = probe(a, item, &s.code);
                if decide_as(app, &config, who, case, item, &cmd, now, &mut grants)
                    .await
                    .is_ok()
                {
                    stages.push(s.code.clone());
                }
            }
            if !stages.is_empty() {
                out.push(Offer {
                    spec,
                    blocked: None,
                    stages,
                });
            }
            continue;
        }
        let cmd = probe(a, item, "");
        let blocked = match decide_as(app, &config, who, case, item, &cmd, now, &mut grants).await {
            Err(Declined::Refused(_)) => continue,
            Err(Declined::Rule(e)) if blocks(a, &e) => Some(Error::from(&e)),
            _ => None,
        };
        out.push(Offer {
            spec,
            blocked,
            stages: Vec::new(),
        });
    }
    Ok(out)
}
