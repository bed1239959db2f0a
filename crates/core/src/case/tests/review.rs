//! Stages, decisions, suspensions and the extension.

use super::*;
use crate::case::test_support::*;
use crate::case::*;

#[test]
fn stages_run_in_steps_and_parallel_stages_wait_for_each_other() {
    let case = accepted();
    let t = run(
        &case,
        &item(),
        Command::CompleteStage {
            stage: "handle".into(),
            opinion: "材料齐全".into(),
        },
        &approver("market"),
        "2025-11-05T02:00:00Z",
    );
    assert!(matches!(
        &t.event.kind,
        EventKind::StageCompleted { started_stages, .. } if started_stages == &["fire", "env"]
    ));
    let handle = t.case.stage("handle").unwrap();
    assert_eq!(handle.by.as_deref(), Some("approver-market"));
    assert_eq!(handle.opinion.as_deref(), Some("材料齐全"));
    let fire = t.case.stage("fire").unwrap();
    assert_eq!(fire.status, StageStatus::Active);
    assert_eq!(fire.due.unwrap().date, date("2025-11-12"));
    let case = complete(&t.case, "fire", &approver("fire"), "2025-11-06T02:00:00Z");
    assert_eq!(case.stage("sign").unwrap().status, StageStatus::Pending);
    let case = complete(&case, "env", &approver("env"), "2025-11-06T03:00:00Z");
    assert_eq!(case.stage("sign").unwrap().status, StageStatus::Active);
}

#[test]
fn complete_stage_checks_stage_role_and_department() {
    let it = item();
    let case = accepted();
    let cmd = |stage: &str| Command::CompleteStage {
        stage: stage.into(),
        opinion: "同意".into(),
    };
    let when = "2025-11-05T02:00:00Z";
    assert_eq!(
        err(&case, &it, cmd("nope"), &approver("market"), when),
        CaseError::UnknownStage {
            code: "nope".into()
        }
    );
    assert_eq!(
        err(&case, &it, cmd("fire"), &approver("fire"), when).code(),
        "stage_not_active"
    );
    assert_eq!(
        err(&case, &it, cmd("handle"), &approver("fire"), when).code(),
        "wrong_department"
    );
    assert_eq!(
        err(&case, &it, cmd("handle"), &clerk(), when).code(),
        "role_not_allowed"
    );
    let blank = Command::CompleteStage {
        stage: "handle".into(),
        opinion: "".into(),
    };
    assert_eq!(
        err(&case, &it, blank, &approver("market"), when),
        CaseError::BlankField { field: "opinion" }
    );
    // An approver cannot sign the head's stage; a head may do an approver's.
    let c = complete(&case, "handle", &head("market"), when);
    let c = complete(&c, "fire", &approver("fire"), when);
    let c = complete(&c, "env", &approver("env"), when);
    assert_eq!(
        err(&c, &it, cmd("sign"), &approver("market"), when).code(),
        "role_not_allowed"
    );
}

#[test]
fn approve_needs_every_stage_done() {
    let it = item();
    let approve = Command::Approve {
        opinion: "准予许可".into(),
    };
    let e = err(
        &accepted(),
        &it,
        approve.clone(),
        &head("market"),
        "2025-11-05T02:00:00Z",
    );
    assert_eq!(
        e,
        CaseError::StageNotDone {
            stages: Named::stages(
                &it,
                &["handle".into(), "fire".into(), "env".into(), "sign".into()]
            )
        }
    );
    assert_eq!(
        e.message_zh(),
        "以下环节尚未办结：环节 handle、环节 fire、环节 env、环节 sign"
    );
    let t = run(
        &reviewed(),
        &it,
        approve,
        &head("market"),
        "2025-11-07T03:00:00Z",
    );
    assert_eq!(t.case.status, CaseStatus::Approved);
    let decision = t.case.decision.as_ref().unwrap();
    assert_eq!(decision.outcome, DecisionOutcome::Approved);
    assert!(!decision.on_spot);
    assert!(!t.case.clocks.decision.unwrap().is_running());
    let delivery = t.case.clocks.delivery.unwrap();
    assert_eq!(delivery.due.date, date("2025-11-21"));
    assert!(matches!(
        t.notifications[0].notice,
        Notice::Decision {
            outcome: DecisionOutcome::Approved,
            ..
        }
    ));
}

#[test]
fn deny_needs_reason_and_legal_basis() {
    let it = item();
    let deny = |basis: &str| Command::Deny {
        reason: "不符合条件".into(),
        legal_basis: basis.into(),
    };
    let case = reviewed();
    assert_eq!(
        err(
            &case,
            &it,
            deny(""),
            &head("market"),
            "2025-11-07T03:00:00Z"
        ),
        CaseError::MissingLegalBasis
    );
    assert_eq!(
        err(
            &case,
            &it,
            deny("第三十八条"),
            &approver("fire"),
            "2025-11-07T03:00:00Z"
        )
        .code(),
        "wrong_department"
    );
    let t = run(
        &case,
        &it,
        deny("第三十八条"),
        &approver("market"),
        "2025-11-07T03:00:00Z",
    );
    assert_eq!(t.case.status, CaseStatus::Denied);
    assert!(matches!(t.event.kind, EventKind::Denied { .. }));
}

#[test]
fn immediate_item_is_decided_on_the_spot_by_a_granted_window() {
    let it = immediate_item();
    let case = submitted(&it, &[("id", 1)], "2025-11-03T01:00:00Z");
    let case = run(
        &case,
        &it,
        Command::Accept,
        &clerk(),
        "2025-11-03T01:05:00Z",
    )
    .case;
    let approve = Command::Approve {
        opinion: "当场办结".into(),
    };
    let mut no_grant = clerk();
    no_grant.grant = None;
    assert_eq!(
        err(
            &case,
            &it,
            approve.clone(),
            &no_grant,
            "2025-11-03T01:10:00Z"
        )
        .code(),
        "grant_required"
    );
    let t = run(
        &case,
        &it,
        approve.clone(),
        &clerk(),
        "2025-11-03T01:10:00Z",
    );
    assert_eq!(t.case.status, CaseStatus::Approved);
    assert!(t.case.decision.as_ref().unwrap().on_spot);
    let handle = t.case.stage("handle").unwrap();
    assert!(handle.on_spot && handle.status == StageStatus::Done);
    assert!(matches!(
        &t.event.kind,
        EventKind::Approved { on_spot: true, completed_stages, .. } if completed_stages == &["handle"]
    ));
    // A promised item cannot be decided at the window.
    let e = err(
        &accepted(),
        &item(),
        approve,
        &clerk(),
        "2025-11-05T02:00:00Z",
    );
    assert_eq!(e.code(), "not_immediate_item");
}

#[test]
fn suspension_stops_the_clock_and_resumption_pushes_the_dues() {
    let it = item();
    let case = accepted();
    let before = case.clocks.decision.unwrap();
    let suspend = Command::Suspend {
        procedure: Procedure::ExpertReview,
        note: "组织专家评审，所需时间不计入办理期限".into(),
    };
    let t = run(
        &case,
        &it,
        suspend,
        &approver("market"),
        // Wed 09:00, as the hall opens: the whole Wednesday is suspended.
        "2025-11-05T01:00:00Z",
    );
    assert_eq!(t.case.status, CaseStatus::Suspended);
    assert!(matches!(
        t.notifications[0].notice,
        Notice::Suspension { .. }
    ));
    let e = err(
        &t.case,
        &it,
        Command::Approve {
            opinion: "x".into(),
        },
        &head("market"),
        "2025-11-06T02:00:00Z",
    );
    assert_eq!(e.code(), "action_not_allowed_in_state");
    // Resumed Mon 11-10 10:00: Wed 11-05 .. Sun 11-09 do not count (3 working days); the
    // Monday was partly worked and counts.
    let t = run(
        &t.case,
        &it,
        Command::Resume,
        &approver("market"),
        "2025-11-10T02:00:00Z",
    );
    assert_eq!(t.case.status, CaseStatus::Accepted);
    let after = t.case.clocks.decision.unwrap();
    let cal = calendar();
    assert_eq!(
        cal.working_days_between(before.promised_due.date, after.promised_due.date)
            .unwrap(),
        3
    );
    assert_eq!(
        cal.working_days_between(before.legal_due.date, after.legal_due.date)
            .unwrap(),
        3
    );
    let handle = t.case.stage("handle").unwrap();
    assert_eq!(handle.due.unwrap().date, date("2025-11-12"));
    assert!(matches!(
        t.event.kind,
        EventKind::Resumed { excluded: Some(span), .. } if span.from == date("2025-11-05") && span.to == date("2025-11-09")
    ));
    assert!(t.case.open_suspension().is_none());
}

#[test]
fn suspension_needs_a_note_and_a_back_office_role() {
    let it = item();
    let case = accepted();
    let suspend = |note: &str| Command::Suspend {
        procedure: Procedure::Hearing,
        note: note.into(),
    };
    assert_eq!(
        err(
            &case,
            &it,
            suspend(""),
            &approver("market"),
            "2025-11-05T02:00:00Z"
        )
        .code(),
        "blank_field"
    );
    assert_eq!(
        err(
            &case,
            &it,
            suspend("听证"),
            &clerk(),
            "2025-11-05T02:00:00Z"
        )
        .code(),
        "role_not_allowed"
    );
}

#[test]
fn extension_is_the_heads_and_happens_once() {
    let it = item();
    let case = accepted();
    let extend = |days: u32| Command::Extend {
        working_days: days,
        reason: "情况复杂，需现场核查".into(),
    };
    // Before the promised deadline (end of Tue 11-18): both deadlines move.
    let when = "2025-11-17T02:00:00Z";
    assert_eq!(
        err(&case, &it, extend(10), &approver("market"), when).code(),
        "role_not_allowed"
    );
    assert_eq!(
        err(&case, &it, extend(0), &head("market"), when),
        CaseError::ExtensionNotPositive
    );
    assert_eq!(
        err(&case, &it, extend(11), &head("market"), when),
        CaseError::ExtensionTooLong {
            requested: 11,
            max: 10
        }
    );
    let t = run(&case, &it, extend(10), &head("market"), when);
    let before = case.clocks.decision.unwrap();
    let after = t.case.clocks.decision.unwrap();
    let cal = calendar();
    assert_eq!(
        cal.working_days_between(before.legal_due.date, after.legal_due.date)
            .unwrap(),
        10
    );
    assert_eq!(
        cal.working_days_between(before.promised_due.date, after.promised_due.date)
            .unwrap(),
        10
    );
    assert!(matches!(
        t.notifications[0].notice,
        Notice::Extension { .. }
    ));
    assert_eq!(
        err(&t.case, &it, extend(1), &head("market"), when),
        CaseError::ExtensionAlreadyUsed
    );
    // After the legal deadline (end of Tue 12-02) it is too late.
    let e = err(
        &case,
        &it,
        extend(5),
        &head("market"),
        "2025-12-02T16:00:00Z",
    );
    assert_eq!(e.code(), "extension_after_deadline");
}

#[test]
fn an_extension_after_a_broken_promise_moves_only_the_legal_deadline() {
    let it = item();
    let case = accepted();
    let extend = Command::Extend {
        working_days: 10,
        reason: "需组织专家论证".into(),
    };
    let before = case.clocks.decision.unwrap();
    let cal = calendar();
    // The promise broke at the end of Tue 11-18; the head extends on Thu 11-20.
    let t = run(
        &case,
        &it,
        extend.clone(),
        &head("market"),
        "2025-11-20T02:00:00Z",
    );
    let after = t.case.clocks.decision.unwrap();
    assert_eq!(
        after.promised_due, before.promised_due,
        "a broken promise stays broken"
    );
    assert_eq!(
        cal.working_days_between(before.legal_due.date, after.legal_due.date)
            .unwrap(),
        10
    );
    assert!(!t.case.extension.as_ref().unwrap().moves_promise);
    // The promise's red stays due: the moved legal deadline does not hide it.
    let keys =
        crate::supervision::time_alerts(&t.case, &it, &cal, HALL, at("2025-11-20T03:00:00Z"));
    assert!(keys.iter().any(
        |k| k.rule == crate::supervision::AlertRule::PromisedDeadline
            && k.level == crate::supervision::AlertLevel::Red
    ));
    // An item may forbid moving the promise at all, even before it broke.
    let mut fixed = it.clone();
    fixed.rules.extension_moves_promise = false;
    let t = run(
        &case,
        &fixed,
        extend,
        &head("market"),
        "2025-11-10T02:00:00Z",
    );
    let after = t.case.clocks.decision.unwrap();
    assert_eq!(after.promised_due, before.promised_due);
    assert!(after.legal_due.date > before.legal_due.date);
}

#[test]
fn a_joint_item_is_extended_by_the_head_of_the_government_by_up_to_fifteen_days() {
    use crate::item::{RuleSet, TimeLimit};
    let mut it = item();
    it.rules.rule_set = RuleSet::Joint;
    it.rules.extension_by = Some("fire".into());
    it.statutory.extension = TimeLimit::working_days(RuleSet::Joint.max_extension());
    let case = accepted();
    let extend = |days| Command::Extend {
        working_days: days,
        reason: "联合办理，涉及部门多".into(),
    };
    let e = err(
        &case,
        &it,
        extend(15),
        &head("market"),
        "2025-11-05T02:00:00Z",
    );
    assert_eq!(e.code(), "wrong_department", "{e}");
    let e = err(
        &case,
        &it,
        extend(16),
        &head("fire"),
        "2025-11-05T02:00:00Z",
    );
    assert_eq!(e.code(), "extension_too_long", "{e}");
    let before = case.clocks.decision.unwrap();
    let t = run(
        &case,
        &it,
        extend(15),
        &head("fire"),
        "2025-11-05T02:00:00Z",
    );
    let after = t.case.clocks.decision.unwrap();
    let cal = calendar();
    assert_eq!(
        cal.working_days_between(before.legal_due.date, after.legal_due.date)
            .unwrap(),
        15
    );
}

#[test]
fn only_the_items_grounds_suspend_and_the_resumption_is_told() {
    let case = accepted();
    let it = item();
    let suspend = |procedure| Command::Suspend {
        procedure,
        note: "依法中止".into(),
    };
    let e = err(
        &case,
        &it,
        suspend(Procedure::SiteInspection),
        &approver("market"),
        "2025-11-05T01:00:00Z",
    );
    assert_eq!(e.code(), "not_a_special_procedure_art45");
    assert!(e.message_zh().contains("第四十五条"));
    let mut with_law = item();
    with_law
        .rules
        .special_procedures
        .push(Procedure::SiteInspection);
    with_law.rules.special_law = Some("《土地管理法实施条例》".into());
    let t = run(
        &case,
        &with_law,
        suspend(Procedure::SiteInspection),
        &approver("market"),
        "2025-11-05T01:00:00Z",
    );
    let t = run(
        &t.case,
        &with_law,
        Command::Resume,
        &approver("market"),
        "2025-11-06T09:00:00Z",
    );
    assert!(matches!(
        &t.notifications[0].notice,
        Notice::Resumption { procedure: Procedure::SiteInspection, excluded: Some(span), .. }
            if span.from == date("2025-11-05") && span.to == date("2025-11-05")
    ));
}
