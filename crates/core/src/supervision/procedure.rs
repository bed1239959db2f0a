//! Procedure rules, checked on each event against the case as it was before the event.
//!
//! The state machine already refuses some of these (a decision with unfinished stages, a
//! denial without legal basis, a suspension without a note); supervision checks them again
//! because events also arrive from imports and older versions, and a monitor must not trust
//! the component it watches.

use std::collections::HashSet;

use crate::case::{Case, CaseEvent, EventKind};
use crate::item::{Item, ItemKind};

use super::{AlertKey, AlertLevel, AlertRule};

/// The procedure alerts `event` raises, given the case before it.
pub fn procedure_alerts(before: &Case, event: &CaseEvent, item: &Item) -> Vec<AlertKey> {
    let red = |rule| AlertKey::case(rule, AlertLevel::Red);
    let late = before.status.awaits_acceptance()
        && before.clocks.acceptance.is_running()
        && before.clocks.acceptance.due.is_overdue(event.at);
    let blank = |s: &str| s.trim().is_empty();
    let checks: Vec<(bool, AlertRule)> = match &event.kind {
        EventKind::Accepted {
            deemed_on_receipt, ..
        } => vec![(*deemed_on_receipt || late, AlertRule::AcceptanceLate)],
        EventKind::Refused { legal_basis, .. } => vec![
            (late, AlertRule::AcceptanceLate),
            (blank(legal_basis), AlertRule::MissingLegalBasis),
        ],
        EventKind::SupplementRequested {
            submission,
            missing,
        } => {
            let codes = missing.iter().map(|m| m.code.as_str());
            vec![
                (late, AlertRule::AcceptanceLate),
                (
                    second_notice(before, *submission, codes),
                    AlertRule::SecondSupplementNotice,
                ),
            ]
        }
        EventKind::Approved { on_spot, .. } => {
            vec![(
                skipped_stage(before, item, *on_spot),
                AlertRule::SkippedStage,
            )]
        }
        EventKind::Denied {
            on_spot,
            legal_basis,
            ..
        } => vec![
            (
                skipped_stage(before, item, *on_spot),
                AlertRule::SkippedStage,
            ),
            (blank(legal_basis), AlertRule::MissingLegalBasis),
        ],
        EventKind::Suspended { note, .. } => {
            vec![(blank(note), AlertRule::SuspensionWithoutNotice)]
        }
        EventKind::Delivered { fee_charged, .. } => {
            vec![(*fee_charged != item.fee.amount, AlertRule::FeeMismatch)]
        }
        _ => Vec::new(),
    };
    checks
        .into_iter()
        .filter(|(hit, _)| *hit)
        .map(|(_, rule)| red(rule))
        .collect()
}

/// One notice per submission, and a later notice may only repeat what an earlier one listed
/// (a supplied material can still be defective); anything new should have been told at once.
fn second_notice<'a>(before: &Case, submission: u32, codes: impl Iterator<Item = &'a str>) -> bool {
    if before
        .supplement_notices
        .iter()
        .any(|n| n.submission == submission)
    {
        return true;
    }
    if before.supplement_notices.is_empty() {
        return false;
    }
    let told: HashSet<&str> = before
        .supplement_notices
        .iter()
        .flat_map(|n| n.missing.iter().map(|m| m.code.as_str()))
        .collect();
    codes.into_iter().any(|c| !told.contains(c))
}

/// A decision while stages were unfinished, unless it was an on-the-spot decision of an
/// immediate item (which is the whole workflow at the window).
fn skipped_stage(before: &Case, item: &Item, on_spot: bool) -> bool {
    let on_spot_allowed = on_spot && item.kind == ItemKind::Immediate;
    !on_spot_allowed && !before.unfinished_stages().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::test_support::*;
    use crate::case::{Command, DeliveryMethod, MissingMaterial, SubmittedMaterial};
    use crate::item::Yuan;

    fn notice(codes: &[&str]) -> Command {
        Command::RequestSupplement {
            missing: codes
                .iter()
                .map(|c| MissingMaterial {
                    code: (*c).into(),
                    note: String::new(),
                })
                .collect(),
        }
    }

    fn red(rule: AlertRule) -> AlertKey {
        AlertKey::case(rule, AlertLevel::Red)
    }

    #[test]
    fn a_later_notice_may_only_repeat_what_was_told() {
        let it = item();
        let case = submitted(&it, &[("id", 1)], "2025-11-03T01:00:00Z");
        let t = run(
            &case,
            &it,
            notice(&["form"]),
            &clerk(),
            "2025-11-04T02:00:00Z",
        );
        assert!(procedure_alerts(&case, &t.event, &it).is_empty());
        let supplement = Command::Supplement {
            materials: vec![SubmittedMaterial {
                code: "form".into(),
                copies: 2,
            }],
        };
        let again = run(
            &t.case,
            &it,
            supplement,
            &applicant(),
            "2025-11-05T02:00:00Z",
        )
        .case;
        let same = run(
            &again,
            &it,
            notice(&["form"]),
            &clerk(),
            "2025-11-06T02:00:00Z",
        );
        assert!(procedure_alerts(&again, &same.event, &it).is_empty());
        let new = run(
            &again,
            &it,
            notice(&["form", "lease"]),
            &clerk(),
            "2025-11-06T02:00:00Z",
        );
        assert_eq!(
            procedure_alerts(&again, &new.event, &it),
            vec![red(AlertRule::SecondSupplementNotice)]
        );
        // A second notice for the same submission, e.g. imported from another system.
        assert_eq!(
            procedure_alerts(&t.case, &t.event, &it),
            vec![red(AlertRule::SecondSupplementNotice)]
        );
    }

    #[test]
    fn late_acceptance_is_flagged() {
        let it = item();
        let case = submitted(&it, COMPLETE, "2025-11-03T01:00:00Z");
        let on_time = run(
            &case,
            &it,
            Command::Accept,
            &clerk(),
            "2025-11-10T15:00:00Z",
        );
        assert!(procedure_alerts(&case, &on_time.event, &it).is_empty());
        let late = run(
            &case,
            &it,
            Command::Accept,
            &clerk(),
            "2025-11-10T16:00:00Z",
        );
        assert_eq!(
            procedure_alerts(&case, &late.event, &it),
            vec![red(AlertRule::AcceptanceLate)]
        );
    }

    #[test]
    fn fee_different_from_the_standard_is_flagged() {
        let it = immediate_item();
        let c = submitted(&it, &[("id", 1)], "2025-11-03T01:00:00Z");
        let c = run(&c, &it, Command::Accept, &clerk(), "2025-11-03T01:05:00Z").case;
        let c = run(
            &c,
            &it,
            Command::Approve {
                opinion: "同意".into(),
            },
            &clerk(),
            "2025-11-03T01:10:00Z",
        )
        .case;
        let deliver = |fee| Command::Deliver {
            method: DeliveryMethod::Window,
            fee,
            post: None,
        };
        let ok = run(
            &c,
            &it,
            deliver(Some(Yuan(1000))),
            &clerk(),
            "2025-11-03T02:00:00Z",
        );
        assert!(procedure_alerts(&c, &ok.event, &it).is_empty());
        let bad = run(
            &c,
            &it,
            deliver(Some(Yuan(1500))),
            &clerk(),
            "2025-11-03T02:00:00Z",
        );
        assert_eq!(
            procedure_alerts(&c, &bad.event, &it),
            vec![red(AlertRule::FeeMismatch)]
        );
    }

    /// Events the machine itself refuses to produce, as they may arrive from elsewhere.
    #[test]
    fn foreign_events_breaking_procedure_are_flagged() {
        let it = item();
        let case = submitted(&it, COMPLETE, "2025-11-03T01:00:00Z");
        let accepted = run(
            &case,
            &it,
            Command::Accept,
            &clerk(),
            "2025-11-04T02:00:00Z",
        );
        let mut event = accepted.event.clone();
        let due = crate::clock::Due::on(date("2025-11-20"), HALL);
        event.kind = EventKind::Denied {
            reason: "不符合条件".into(),
            legal_basis: " ".into(),
            on_spot: false,
            completed_stages: vec![],
            delivery_due: due,
        };
        let got = procedure_alerts(&accepted.case, &event, &it);
        assert_eq!(
            got,
            vec![
                red(AlertRule::SkippedStage),
                red(AlertRule::MissingLegalBasis)
            ]
        );
        event.kind = EventKind::Approved {
            opinion: "同意".into(),
            on_spot: true,
            completed_stages: vec![],
            delivery_due: due,
        };
        // On the spot is only for immediate items.
        assert_eq!(
            procedure_alerts(&accepted.case, &event, &it),
            vec![red(AlertRule::SkippedStage)]
        );
        event.kind = EventKind::Suspended {
            procedure: crate::case::Procedure::Hearing,
            note: String::new(),
        };
        assert_eq!(
            procedure_alerts(&accepted.case, &event, &it),
            vec![red(AlertRule::SuspensionWithoutNotice)]
        );
        event.kind = EventKind::Refused {
            reason: "x".into(),
            legal_basis: String::new(),
        };
        assert_eq!(
            procedure_alerts(&case, &event, &it),
            vec![red(AlertRule::MissingLegalBasis)]
        );
    }
}
