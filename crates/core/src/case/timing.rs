//! Starting, stopping and recomputing a case's stored clocks. Due dates change only here,
//! and only on accept, stage start, suspend/resume, extend, decision and the end of a case.

use chrono::{DateTime, Utc};

use crate::calendar::DateSpan;
use crate::clock::{decision_dues, due_after, excluded_span, Clock, DecisionClock, PeriodStart};

use super::error::CaseError;
use super::machine::Ctx;
use super::model::{Case, StageStatus};

/// The days taken out of the count by every finished suspension.
pub(crate) fn excluded_spans(case: &Case, ctx: &Ctx) -> Vec<DateSpan> {
    case.suspensions
        .iter()
        .filter_map(|s| excluded_span(ctx.hall, s.suspended_at, s.resumed_at?))
        .collect()
}

/// Starts the decision clock at `start` (acceptance or, if deemed, the receipt day).
pub(crate) fn start_decision(
    case: &mut Case,
    ctx: &Ctx,
    start: PeriodStart,
) -> Result<DecisionClock, CaseError> {
    let (promised_due, legal_due) = decision_dues(
        ctx.calendar,
        ctx.hall,
        ctx.item,
        start,
        Default::default(),
        &[],
    )?;
    let clock = DecisionClock {
        started_on: start.day,
        after_closing: start.after_closing,
        promised_due,
        legal_due,
        stopped_at: None,
    };
    case.clocks.decision = Some(clock);
    Ok(clock)
}

/// Activates every stage of `step` now; returns their codes.
pub(crate) fn start_step(
    case: &mut Case,
    ctx: &Ctx,
    step: usize,
) -> Result<Vec<String>, CaseError> {
    let today = ctx.hall.local_date(ctx.now);
    let spans = excluded_spans(case, ctx);
    let mut started = Vec::new();
    for stage in case.stages.iter_mut().filter(|s| s.step == step) {
        let limit = ctx
            .item
            .stage(&stage.code)
            .map(|s| s.limit)
            .ok_or_else(|| CaseError::UnknownStage {
                code: stage.code.clone(),
            })?;
        stage.status = StageStatus::Active;
        stage.started_at = Some(ctx.now);
        stage.due = Some(due_after(ctx.calendar, ctx.hall, today, limit, &spans)?);
        started.push(stage.code.clone());
    }
    Ok(started)
}

/// Recomputes the decision dues and the dues of active stages after a suspension ended or
/// the extension was granted.
pub(crate) fn recompute_dues(case: &mut Case, ctx: &Ctx) -> Result<DecisionClock, CaseError> {
    let spans = excluded_spans(case, ctx);
    let Some(mut clock) = case.clocks.decision else {
        // Only reachable with a corrupted record: accepted cases always have the clock.
        return Err(CaseError::ActionNotAllowedInState {
            action: "recompute_dues".to_owned(),
            status: case.status,
        });
    };
    let (promised_due, legal_due) = decision_dues(
        ctx.calendar,
        ctx.hall,
        ctx.item,
        clock.start(),
        case.extension_days(),
        &spans,
    )?;
    clock.promised_due = promised_due;
    clock.legal_due = legal_due;
    case.clocks.decision = Some(clock);
    for stage in case
        .stages
        .iter_mut()
        .filter(|s| s.status == StageStatus::Active)
    {
        let (Some(started_at), Some(def)) = (stage.started_at, ctx.item.stage(&stage.code)) else {
            continue;
        };
        let start = ctx.hall.local_date(started_at);
        stage.due = Some(due_after(ctx.calendar, ctx.hall, start, def.limit, &spans)?);
    }
    Ok(clock)
}

/// Starts a single-due clock today.
pub(crate) fn start_clock(ctx: &Ctx, limit: crate::item::TimeLimit) -> Result<Clock, CaseError> {
    let today = ctx.hall.local_date(ctx.now);
    Ok(Clock {
        started_on: today,
        due: due_after(ctx.calendar, ctx.hall, today, limit, &[])?,
        stopped_at: None,
    })
}

/// Stops whatever still runs when a case ends, and closes an open suspension.
pub(crate) fn stop_all_clocks(case: &mut Case, now: DateTime<Utc>) {
    let clocks = &mut case.clocks;
    clocks.acceptance.stopped_at.get_or_insert(now);
    if let Some(c) = clocks.decision.as_mut() {
        c.stopped_at.get_or_insert(now);
    }
    if let Some(c) = clocks.delivery.as_mut() {
        c.stopped_at.get_or_insert(now);
    }
    if let Some(s) = case.suspensions.last_mut() {
        s.resumed_at.get_or_insert(now);
    }
}
