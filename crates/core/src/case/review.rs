//! Review after acceptance: workflow stages (sequential and parallel), the decision,
//! special procedures (suspend/resume) and the one extension.

use super::actor::Authority;
use super::error::{CaseError, Named};
use super::event::EventKind;
use super::machine::{legal_basis, required, Ctx, Outcome};
use super::model::{
    Case, Decision, DecisionOutcome, Extension, Procedure, StageStatus, Suspension,
};
use super::notification::Notice;
use super::status::CaseStatus;
use super::timing::{recompute_dues, start_clock, start_step};

pub(crate) fn complete_stage(case: &mut Case, ctx: &Ctx, code: &str, opinion: String) -> Outcome {
    let opinion = required("opinion", opinion)?;
    let Some(index) = case.stages.iter().position(|s| s.code == code) else {
        return Err(CaseError::UnknownStage {
            code: code.to_owned(),
        });
    };
    if case.stages[index].status != StageStatus::Active {
        return Err(CaseError::StageNotActive {
            stage: Named::stage(ctx.item, code),
        });
    }
    let step = case.stages[index].step;
    {
        let stage = &mut case.stages[index];
        stage.status = StageStatus::Done;
        stage.completed_at = Some(ctx.now);
        stage.opinion = Some(opinion.clone());
        stage.by = Some(ctx.actor.user.clone());
    }
    // Parallel stages (并联审批): the next step starts only when the whole step is done.
    let step_done = case
        .stages
        .iter()
        .filter(|s| s.step == step)
        .all(|s| s.status == StageStatus::Done);
    let started_stages = if step_done {
        start_step(case, ctx, step + 1)?
    } else {
        Vec::new()
    };
    Ok((
        EventKind::StageCompleted {
            stage: code.to_owned(),
            opinion,
            started_stages,
        },
        Vec::new(),
    ))
}

pub(crate) fn approve(case: &mut Case, ctx: &Ctx, opinion: String) -> Outcome {
    let opinion = required("opinion", opinion)?;
    let outstanding = case.outstanding_promises();
    if !outstanding.is_empty() {
        return Err(CaseError::PromisedMaterialsOutstanding {
            materials: Named::materials(ctx.item, &outstanding),
        });
    }
    record_decision(case, ctx, DecisionOutcome::Approved, opinion, None)
}

pub(crate) fn deny(case: &mut Case, ctx: &Ctx, reason: String, basis: String) -> Outcome {
    let reason = required("reason", reason)?;
    let basis = legal_basis(basis)?;
    record_decision(case, ctx, DecisionOutcome::Denied, reason, Some(basis))
}

fn record_decision(
    case: &mut Case,
    ctx: &Ctx,
    outcome: DecisionOutcome,
    opinion: String,
    basis: Option<String>,
) -> Outcome {
    let on_spot = ctx.authority == Authority::OnSpot;
    let unfinished = case.unfinished_stages();
    if !unfinished.is_empty() && !on_spot {
        return Err(CaseError::StageNotDone {
            stages: Named::stages(ctx.item, &unfinished),
        });
    }
    // An on-the-spot decision (即办件) is the whole workflow, done at the window.
    for stage in case
        .stages
        .iter_mut()
        .filter(|s| s.status != StageStatus::Done)
    {
        stage.status = StageStatus::Done;
        stage.started_at.get_or_insert(ctx.now);
        stage.completed_at = Some(ctx.now);
        stage.opinion = Some(opinion.clone());
        stage.by = Some(ctx.actor.user.clone());
        stage.on_spot = true;
    }
    let (promise_broken, law_broken) = case.clocks.decision.map_or((false, false), |c| {
        (
            c.promised_due.is_overdue(ctx.now),
            c.legal_due.is_overdue(ctx.now),
        )
    });
    if let Some(clock) = case.clocks.decision.as_mut() {
        clock.stopped_at = Some(ctx.now);
    }
    let delivery = start_clock(ctx, ctx.item.statutory.delivery)?;
    case.clocks.delivery = Some(delivery);
    case.decision = Some(Decision {
        outcome,
        opinion: opinion.clone(),
        legal_basis: basis.clone(),
        at: ctx.now,
        by: ctx.actor.user.clone(),
        on_spot,
        promise_broken,
        law_broken,
    });
    case.status = match outcome {
        DecisionOutcome::Approved => CaseStatus::Approved,
        DecisionOutcome::Denied => CaseStatus::Denied,
    };
    let notices = vec![Notice::Decision {
        outcome,
        opinion: opinion.clone(),
        legal_basis: basis.clone(),
        delivery_due: delivery.due.date,
        provisional: ctx.calendar.is_provisional(delivery.due.date),
    }];
    let completed_stages = if on_spot { unfinished } else { Vec::new() };
    let kind = match (outcome, basis) {
        (DecisionOutcome::Denied, Some(legal_basis)) => EventKind::Denied {
            reason: opinion,
            legal_basis,
            on_spot,
            completed_stages,
            delivery_due: delivery.due,
        },
        _ => EventKind::Approved {
            opinion,
            on_spot,
            completed_stages,
            delivery_due: delivery.due,
        },
    };
    Ok((kind, notices))
}

pub(crate) fn suspend(case: &mut Case, ctx: &Ctx, procedure: Procedure, note: String) -> Outcome {
    if !ctx.item.rules.allows(procedure) {
        return Err(CaseError::NotASpecialProcedure { procedure });
    }
    let note = required("note", note)?;
    case.suspensions.push(Suspension {
        procedure,
        note: note.clone(),
        suspended_at: ctx.now,
        resumed_at: None,
        by: ctx.actor.user.clone(),
    });
    case.status = CaseStatus::Suspended;
    Ok((
        EventKind::Suspended {
            procedure,
            note: note.clone(),
        },
        vec![Notice::Suspension { procedure, note }],
    ))
}

pub(crate) fn resume(case: &mut Case, ctx: &Ctx) -> Outcome {
    let Some(open) = case
        .suspensions
        .last_mut()
        .filter(|s| s.resumed_at.is_none())
    else {
        return Err(CaseError::NotSuspended);
    };
    open.resumed_at = Some(ctx.now);
    let procedure = open.procedure;
    let excluded = crate::clock::excluded_span(ctx.hall, open.suspended_at, ctx.now);
    let clock = recompute_dues(case, ctx)?;
    case.status = CaseStatus::Accepted;
    let notice = Notice::Resumption {
        procedure,
        excluded,
        promised_due: clock.promised_due.date,
        legal_due: clock.legal_due.date,
        provisional: ctx.calendar.is_provisional(clock.legal_due.date),
    };
    Ok((
        EventKind::Resumed {
            procedure,
            excluded,
            promised_due: clock.promised_due,
            legal_due: clock.legal_due,
        },
        vec![notice],
    ))
}

pub(crate) fn extend(case: &mut Case, ctx: &Ctx, working_days: u32, reason: String) -> Outcome {
    if case.extension.is_some() {
        return Err(CaseError::ExtensionAlreadyUsed);
    }
    if working_days == 0 {
        return Err(CaseError::ExtensionNotPositive);
    }
    let max = ctx.item.statutory.extension.days;
    if working_days > max {
        return Err(CaseError::ExtensionTooLong {
            requested: working_days,
            max,
        });
    }
    let reason = required("reason", reason)?;
    if let Some(clock) = case.clocks.decision {
        // Art. 42: the extension is decided within the limit, not after it has run out.
        if clock.legal_due.is_overdue(ctx.now) {
            return Err(CaseError::ExtensionAfterDeadline {
                deadline: clock.legal_due.deadline,
            });
        }
    }
    // A broken promise stays broken: the extension moves the promised deadline only if
    // granted before it passed, and only where the item allows moving it at all.
    let moves_promise = ctx.item.rules.extension_moves_promise
        && case
            .clocks
            .decision
            .is_some_and(|c| !c.promised_due.is_overdue(ctx.now));
    case.extension = Some(Extension {
        working_days,
        moves_promise,
        reason: reason.clone(),
        at: ctx.now,
        by: ctx.actor.user.clone(),
    });
    let clock = recompute_dues(case, ctx)?;
    Ok((
        EventKind::Extended {
            working_days,
            reason: reason.clone(),
            promised_due: clock.promised_due,
            legal_due: clock.legal_due,
        },
        vec![Notice::Extension {
            working_days,
            reason,
            legal_due: clock.legal_due.date,
            provisional: ctx.calendar.is_provisional(clock.legal_due.date),
            by_government: ctx.item.rules.rule_set == crate::item::RuleSet::Joint,
        }],
    ))
}
