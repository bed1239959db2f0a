//! How a case ends: delivery of the decision (办结), withdrawal, termination.

use crate::item::Yuan;

use super::error::CaseError;
use super::event::EventKind;
use super::machine::{required, Ctx, Outcome};
use super::model::{
    Case, Conclusion, DecisionOutcome, Delivery, DeliveryMethod, Outcome as End, PostalDelivery,
};
use super::notification::Notice;
use super::status::CaseStatus;
use super::timing::stop_all_clocks;

pub(crate) fn deliver(
    case: &mut Case,
    ctx: &Ctx,
    method: DeliveryMethod,
    fee: Option<Yuan>,
    post: Option<PostalDelivery>,
) -> Outcome {
    let Some(decision) = case.decision.as_ref() else {
        return Err(CaseError::ActionNotAllowedInState {
            action: "deliver".to_owned(),
            status: case.status,
        });
    };
    let outcome = match decision.outcome {
        DecisionOutcome::Approved => End::Approved,
        DecisionOutcome::Denied => End::Denied,
    };
    // Only a result sent by post has an address and a tracking number, and it must have both:
    // the applicant follows the parcel by them.
    let post = match (method, post) {
        (DeliveryMethod::Post, Some(p))
            if !p.address.trim().is_empty() && !p.tracking_no.trim().is_empty() =>
        {
            Some(PostalDelivery {
                address: p.address.trim().to_owned(),
                tracking_no: p.tracking_no.trim().to_owned(),
            })
        }
        (DeliveryMethod::Post, _) => return Err(CaseError::PostalDetailsMissing),
        (_, _) => None,
    };
    // A fee different from the item's standard is recorded as charged; supervision flags it.
    let fee_charged = fee.unwrap_or(ctx.item.fee.amount);
    stop_all_clocks(case, ctx.now);
    case.fee_charged = Some(fee_charged);
    case.delivery = Some(Delivery {
        method,
        at: ctx.now,
        by: ctx.actor.user.clone(),
        post: post.clone(),
    });
    case.conclusion = Some(Conclusion {
        outcome,
        at: ctx.now,
        reason: None,
        legal_basis: None,
    });
    case.status = CaseStatus::Concluded;
    Ok((
        EventKind::Delivered {
            method,
            fee_charged,
            post,
        },
        vec![Notice::Delivery {
            method,
            at: ctx.now,
        }],
    ))
}

pub(crate) fn withdraw(case: &mut Case, ctx: &Ctx, reason: String) -> Outcome {
    let reason = required("reason", reason)?;
    end(case, ctx, End::Withdrawn, CaseStatus::Withdrawn, &reason);
    Ok((EventKind::Withdrawn { reason }, Vec::new()))
}

pub(crate) fn terminate(case: &mut Case, ctx: &Ctx, reason: String) -> Outcome {
    let reason = required("reason", reason)?;
    end(case, ctx, End::Terminated, CaseStatus::Terminated, &reason);
    Ok((
        EventKind::Terminated {
            reason: reason.clone(),
        },
        vec![Notice::Termination { reason }],
    ))
}

fn end(case: &mut Case, ctx: &Ctx, outcome: End, status: CaseStatus, reason: &str) {
    stop_all_clocks(case, ctx.now);
    case.status = status;
    case.conclusion = Some(Conclusion {
        outcome,
        at: ctx.now,
        reason: Some(reason.to_owned()),
        legal_basis: None,
    });
}
