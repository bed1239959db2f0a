//! Intake at the window: open, accept (with tolerated-missing materials), refuse, the one-time
//! supplement notice, and supplements.

use crate::clock::{Clocks, PeriodStart};
use crate::role::Role;

use super::command::NewCase;
use super::error::{CaseError, Named};
use super::event::EventKind;
use super::machine::{legal_basis, required, Ctx, Outcome};
use super::materials::{merge, shortfall, validate_missing, validate_submitted};
use super::model::{
    AcceptanceRecord, Case, CaseStage, Channel, Conclusion, MissingMaterial,
    Outcome as CaseOutcome, PromisedMaterial, StageStatus, SubmittedMaterial, SupplementNotice,
};
use super::notification::{MissingLine, Notice};
use super::status::CaseStatus;
use super::timing::{start_clock, start_decision, start_step, stop_all_clocks};

pub(crate) fn open(new: NewCase, ctx: &Ctx) -> Result<(Case, EventKind, Vec<Notice>), CaseError> {
    let item = ctx.item;
    validate_submitted(item, &new.materials)?;
    let case_no = required("case_no", new.case_no)?;
    let query_code = required("query_code", new.query_code)?;
    let mut applicant = new.applicant;
    applicant.name = required("applicant.name", applicant.name)?;
    applicant.id_number = required("applicant.id_number", applicant.id_number)?;
    let (channel, status, owner, window) = match ctx.actor.role {
        Role::Applicant => (
            Channel::Online,
            CaseStatus::Submitted,
            Some(ctx.actor.user.clone()),
            None,
        ),
        _ => (
            Channel::Window,
            CaseStatus::Received,
            None,
            ctx.actor.window.clone(),
        ),
    };
    let acceptance = start_clock(ctx, item.statutory.acceptance)?;
    let stages = item
        .steps()
        .iter()
        .enumerate()
        .flat_map(|(step, stages)| {
            stages.iter().map(move |s| CaseStage {
                code: s.code.clone(),
                step,
                department: s.department.clone(),
                role: s.role,
                status: StageStatus::Pending,
                started_at: None,
                due: None,
                completed_at: None,
                opinion: None,
                by: None,
                on_spot: false,
            })
        })
        .collect();
    let case = Case {
        case_no,
        query_code,
        item_code: item.code.clone(),
        item_version: item.version,
        department: item.department.clone(),
        channel,
        window,
        owner,
        applicant,
        form: new.form,
        materials: new.materials,
        promised_materials: Vec::new(),
        status,
        version: 1,
        received_at: ctx.now,
        updated_at: ctx.now,
        submission: 0,
        clocks: Clocks {
            acceptance,
            deemed_accepted: false,
            decision: None,
            delivery: None,
        },
        stages,
        supplement_notices: Vec::new(),
        suspensions: Vec::new(),
        extension: None,
        decision: None,
        delivery: None,
        conclusion: None,
        fee_charged: None,
        acceptance_recorded: None,
    };
    let kind = EventKind::Opened {
        channel,
        materials: case.materials.clone(),
        acceptance_due: acceptance.due,
    };
    let notices = vec![Notice::Receipt {
        item_name: item.name.clone(),
        received_at: ctx.now,
        acceptance_due: acceptance.due.date,
        query_code: case.query_code.clone(),
        provisional: ctx.calendar.is_provisional(acceptance.due.date),
    }];
    Ok((case, kind, notices))
}

pub(crate) fn accept(case: &mut Case, ctx: &Ctx) -> Outcome {
    let missing = shortfall(case, ctx.item);
    let acceptance = case.clocks.acceptance;
    // Art. 32: silence past the acceptance period means accepted on receipt, so the decision
    // clock runs from the (re)submission day, not from today; and the law has accepted the
    // case whatever it lacks, since the time to ask for it has passed.
    let deemed = acceptance.due.is_overdue(ctx.now);
    if !deemed && !missing.blocking.is_empty() {
        return Err(CaseError::MissingRequiredMaterial {
            materials: Named::materials(ctx.item, &missing.blocking),
        });
    }
    let started = if deemed {
        PeriodStart::on(acceptance.started_on)
    } else {
        PeriodStart::at(ctx.hall, ctx.now)
    };
    case.clocks.acceptance.stopped_at = Some(ctx.now);
    case.clocks.deemed_accepted = deemed;
    let decision = start_decision(case, ctx, started)?;
    case.promised_materials = missing
        .tolerable
        .iter()
        .map(|code| PromisedMaterial {
            code: code.clone(),
            promised_at: ctx.now,
            fulfilled_at: None,
        })
        .collect();
    let started_stages = if case.stages.is_empty() {
        Vec::new()
    } else {
        start_step(case, ctx, 0)?
    };
    case.status = CaseStatus::Accepted;
    let notices = vec![acceptance_notice(case, ctx)];
    Ok((
        EventKind::Accepted {
            deemed_on_receipt: deemed,
            promised_materials: missing.tolerable,
            promised_due: decision.promised_due,
            legal_due: decision.legal_due,
            started_stages,
        },
        notices,
    ))
}

/// The 受理通知书 of an accepted case, from its stored clocks.
fn acceptance_notice(case: &Case, ctx: &Ctx) -> Notice {
    // Only a corrupted record is accepted without a decision clock: its receipt day then.
    let received = ctx.hall.local_date(case.received_at);
    let (promised_due, legal_due) = case.clocks.decision.map_or((received, received), |d| {
        (d.promised_due.date, d.legal_due.date)
    });
    Notice::Acceptance {
        promised_due,
        legal_due,
        // The applicant reads the notice: the item's names, not its codes.
        promised_materials: case
            .promised_materials
            .iter()
            .map(|p| Named::material(ctx.item, &p.code).name)
            .collect(),
        provisional: ctx.calendar.is_provisional(legal_due)
            || ctx.calendar.is_provisional(promised_due),
        deemed_on_receipt: case.clocks.deemed_accepted,
    }
}

/// A clerk records, once, the acceptance the law already made (art. 32), and the 受理通知书
/// goes out again for printing. Nothing about the clocks changes.
pub(crate) fn record_acceptance(case: &mut Case, ctx: &Ctx) -> Outcome {
    case.acceptance_recorded = Some(AcceptanceRecord {
        at: ctx.now,
        by: ctx.actor.user.clone(),
    });
    Ok((
        EventKind::AcceptanceRecorded,
        vec![acceptance_notice(case, ctx)],
    ))
}

pub(crate) fn refuse(case: &mut Case, ctx: &Ctx, reason: String, basis: String) -> Outcome {
    let reason = required("reason", reason)?;
    let basis = legal_basis(basis)?;
    stop_all_clocks(case, ctx.now);
    case.status = CaseStatus::Refused;
    case.conclusion = Some(Conclusion {
        outcome: CaseOutcome::Refused,
        at: ctx.now,
        reason: Some(reason.clone()),
        legal_basis: Some(basis.clone()),
    });
    let notices = vec![Notice::Refusal {
        reason: reason.clone(),
        legal_basis: basis.clone(),
    }];
    Ok((
        EventKind::Refused {
            reason,
            legal_basis: basis,
        },
        notices,
    ))
}

pub(crate) fn request_supplement(
    case: &mut Case,
    ctx: &Ctx,
    missing: Vec<MissingMaterial>,
) -> Outcome {
    validate_missing(ctx.item, &missing)?;
    let missing: Vec<MissingMaterial> = missing
        .into_iter()
        .map(|m| MissingMaterial {
            code: m.code,
            note: m.note.trim().to_owned(),
        })
        .collect();
    case.clocks.acceptance.stopped_at = Some(ctx.now);
    case.supplement_notices.push(SupplementNotice {
        submission: case.submission,
        at: ctx.now,
        by: ctx.actor.user.clone(),
        missing: missing.clone(),
    });
    case.status = CaseStatus::SupplementPending;
    let lines = missing
        .iter()
        .map(|m| MissingLine {
            code: m.code.clone(),
            name: ctx
                .item
                .material(&m.code)
                .map(|x| x.name.clone())
                .unwrap_or_default(),
            note: m.note.clone(),
        })
        .collect();
    Ok((
        EventKind::SupplementRequested {
            submission: case.submission,
            missing,
        },
        vec![Notice::Supplement { missing: lines }],
    ))
}

pub(crate) fn supplement(case: &mut Case, ctx: &Ctx, materials: Vec<SubmittedMaterial>) -> Outcome {
    if materials.is_empty() {
        return Err(CaseError::NoMaterials);
    }
    validate_submitted(ctx.item, &materials)?;
    merge(case, &materials);
    let mut fulfilled = Vec::new();
    let mut acceptance_due = None;
    if case.status == CaseStatus::SupplementPending {
        // The application is complete only now: a new submission, a new acceptance period.
        case.submission += 1;
        case.clocks.acceptance = start_clock(ctx, ctx.item.statutory.acceptance)?;
        acceptance_due = Some(case.clocks.acceptance.due);
        case.status = match case.channel {
            Channel::Online => CaseStatus::Submitted,
            Channel::Window => CaseStatus::Received,
        };
    } else {
        // A promise is kept once the material is there with the copies the item asks for.
        let complete: Vec<String> = materials
            .iter()
            .filter(|m| {
                let wanted = ctx.item.material(&m.code).map_or(1, |x| x.copies.max(1));
                case.copies_of(&m.code) >= wanted
            })
            .map(|m| m.code.clone())
            .collect();
        for promise in case
            .promised_materials
            .iter_mut()
            .filter(|p| p.fulfilled_at.is_none())
        {
            if complete.contains(&promise.code) {
                promise.fulfilled_at = Some(ctx.now);
                fulfilled.push(promise.code.clone());
            }
        }
    }
    Ok((
        EventKind::Supplemented {
            submission: case.submission,
            materials,
            fulfilled_promises: fulfilled,
            acceptance_due,
        },
        Vec::new(),
    ))
}
