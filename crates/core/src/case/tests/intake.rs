//! Opening, acceptance, refusal and the one-time supplement notice.

use super::*;
use crate::case::test_support::*;
use crate::case::*;

#[test]
fn submit_online_opens_a_submitted_case_with_a_receipt() {
    let it = item();
    let t = open_case(
        new_case(COMPLETE),
        &it,
        &applicant(),
        at("2025-11-03T01:00:00Z"),
        &calendar(),
        HALL,
    )
    .unwrap();
    assert_eq!(t.case.status, CaseStatus::Submitted);
    assert_eq!(t.case.version, 1);
    assert_eq!(t.event.version, 1);
    assert_eq!(t.case.owner.as_deref(), Some("zhang3"));
    assert_eq!(t.case.channel, Channel::Online);
    assert_eq!(t.case.clocks.acceptance.due.date, date("2025-11-10"));
    assert!(t
        .case
        .stages
        .iter()
        .all(|s| s.status == StageStatus::Pending));
    assert_eq!(
        t.case.stages.iter().map(|s| s.step).collect::<Vec<_>>(),
        vec![0, 1, 1, 2]
    );
    assert!(matches!(t.event.kind, EventKind::Opened { .. }));
    assert_eq!(t.notifications.len(), 1);
    assert!(matches!(t.notifications[0].notice, Notice::Receipt { .. }));
    assert_eq!(
        t.notifications[0].to.email.as_deref(),
        Some("zhang3@example.cn")
    );
}

#[test]
fn receive_at_a_window_needs_a_window_and_a_grant() {
    let it = item();
    let open = |actor: &Actor| {
        open_case(
            new_case(COMPLETE),
            &it,
            actor,
            at("2025-11-03T01:00:00Z"),
            &calendar(),
            HALL,
        )
    };
    let t = open(&clerk()).unwrap();
    assert_eq!(t.case.status, CaseStatus::Received);
    assert_eq!(t.case.window.as_deref(), Some("W01"));
    assert_eq!(t.case.owner, None);
    assert_eq!(t.event.actor.grant.as_ref().unwrap().id, 7);

    let mut no_window = clerk();
    no_window.window = None;
    assert_eq!(open(&no_window).unwrap_err().code(), "window_required");
    let mut no_grant = clerk();
    no_grant.grant = None;
    assert_eq!(open(&no_grant).unwrap_err().code(), "grant_required");
    assert_eq!(
        open(&approver("market")).unwrap_err().code(),
        "role_not_allowed"
    );
}

#[test]
fn opening_checks_the_materials_and_the_applicant() {
    let it = item();
    let open = |new: NewCase| {
        open_case(
            new,
            &it,
            &applicant(),
            at("2025-11-03T01:00:00Z"),
            &calendar(),
            HALL,
        )
        .unwrap_err()
        .code()
    };
    assert_eq!(open(new_case(&[("passport", 1)])), "unknown_material");
    assert_eq!(
        open(new_case(&[("id", 1), ("id", 1)])),
        "duplicate_material"
    );
    assert_eq!(open(new_case(&[("id", 0)])), "zero_copies");
    let mut blank = new_case(COMPLETE);
    blank.applicant.id_number = "  ".into();
    assert_eq!(open(blank), "blank_field");
}

#[test]
fn accept_starts_the_decision_clock_and_the_first_step() {
    let it = item();
    let case = submitted(&it, COMPLETE, "2025-11-03T01:00:00Z");
    let t = run(
        &case,
        &it,
        Command::Accept,
        &clerk(),
        "2025-11-04T02:00:00Z",
    );
    let c = &t.case;
    assert_eq!(c.status, CaseStatus::Accepted);
    assert_eq!(c.version, 2);
    assert!(!c.clocks.deemed_accepted);
    assert_eq!(
        c.clocks.acceptance.stopped_at,
        Some(at("2025-11-04T02:00:00Z"))
    );
    let d = c.clocks.decision.unwrap();
    assert_eq!(d.started_on, date("2025-11-04"));
    assert_eq!(d.promised_due.date, date("2025-11-18"));
    assert_eq!(d.legal_due.date, date("2025-12-02"));
    let handle = c.stage("handle").unwrap();
    assert_eq!(handle.status, StageStatus::Active);
    assert_eq!(handle.due.unwrap().date, date("2025-11-07"));
    assert_eq!(c.stage("fire").unwrap().status, StageStatus::Pending);
    assert!(matches!(
        &t.event.kind,
        EventKind::Accepted { started_stages, .. } if started_stages == &["handle"]
    ));
    assert!(matches!(
        t.notifications[0].notice,
        Notice::Acceptance { .. }
    ));
}

#[test]
fn accept_refuses_when_a_non_tolerable_material_is_missing_or_short() {
    let it = item();
    let case = submitted(&it, &[("id", 1), ("lease", 1)], "2025-11-03T01:00:00Z");
    let e = err(
        &case,
        &it,
        Command::Accept,
        &clerk(),
        "2025-11-04T02:00:00Z",
    );
    assert_eq!(
        e,
        CaseError::MissingRequiredMaterial {
            materials: Named::materials(&it, &["form".into()])
        }
    );
    // People read the item's name for the material, not its code.
    assert_eq!(e.message_zh(), "缺少必要材料且不可容缺：材料 form");
    // The form needs two copies.
    let case = submitted(
        &it,
        &[("id", 1), ("form", 1), ("lease", 1)],
        "2025-11-03T01:00:00Z",
    );
    let e = err(
        &case,
        &it,
        Command::Accept,
        &clerk(),
        "2025-11-04T02:00:00Z",
    );
    assert_eq!(e.code(), "missing_required_material");
}

#[test]
fn missing_required_lists_short_and_absent_materials_tolerable_or_not() {
    let it = item();
    let case = submitted(&it, &[("id", 1), ("form", 1)], "2025-11-03T01:00:00Z");
    // The form needs two copies; the lease may follow (容缺) but is still missing.
    assert_eq!(missing_required(&case, &it), ["form", "lease"]);
    let case = submitted(&it, COMPLETE, "2025-11-03T01:00:00Z");
    assert!(missing_required(&case, &it).is_empty());
}

#[test]
fn tolerated_missing_acceptance_records_the_promise_until_it_is_kept() {
    let it = item();
    let case = submitted(&it, &[("id", 1), ("form", 2)], "2025-11-03T01:00:00Z");
    let accepted = run(
        &case,
        &it,
        Command::Accept,
        &clerk(),
        "2025-11-04T02:00:00Z",
    );
    assert!(matches!(
        &accepted.notifications[0].notice,
        Notice::Acceptance { promised_materials, .. } if promised_materials == &["材料 lease"]
    ));
    let case = accepted.case;
    assert_eq!(case.outstanding_promises(), vec!["lease".to_owned()]);
    // Walk the stages, then try to approve with the promise still open.
    let mut c = complete(&case, "handle", &approver("market"), "2025-11-05T02:00:00Z");
    c = complete(&c, "fire", &approver("fire"), "2025-11-05T03:00:00Z");
    c = complete(&c, "env", &approver("env"), "2025-11-05T04:00:00Z");
    c = complete(&c, "sign", &head("market"), "2025-11-05T05:00:00Z");
    let approve = Command::Approve {
        opinion: "准予许可".into(),
    };
    let e = err(
        &c,
        &it,
        approve.clone(),
        &head("market"),
        "2025-11-06T02:00:00Z",
    );
    assert_eq!(e.code(), "promised_materials_outstanding");
    assert_eq!(e.message_zh(), "容缺受理承诺补交的材料尚未补齐：材料 lease");
    let supplement = Command::Supplement {
        materials: vec![SubmittedMaterial {
            code: "lease".into(),
            copies: 1,
        }],
    };
    let t = run(&c, &it, supplement, &applicant(), "2025-11-06T03:00:00Z");
    assert_eq!(t.case.status, CaseStatus::Accepted);
    assert!(t.case.outstanding_promises().is_empty());
    assert!(matches!(
        &t.event.kind,
        EventKind::Supplemented { fulfilled_promises, .. } if fulfilled_promises == &["lease"]
    ));
    run(
        &t.case,
        &it,
        approve,
        &head("market"),
        "2025-11-06T04:00:00Z",
    );
}

#[test]
fn late_acceptance_counts_from_receipt() {
    let it = item();
    let case = submitted(&it, COMPLETE, "2025-11-03T01:00:00Z");
    // The acceptance period ended with Mon 11-10; accepted Tue 11-11.
    let t = run(
        &case,
        &it,
        Command::Accept,
        &clerk(),
        "2025-11-11T02:00:00Z",
    );
    assert!(t.case.clocks.deemed_accepted);
    assert_eq!(
        t.case.clocks.decision.unwrap().started_on,
        date("2025-11-03")
    );
    assert!(matches!(
        t.event.kind,
        EventKind::Accepted {
            deemed_on_receipt: true,
            ..
        }
    ));
}

#[test]
fn the_monitor_accepts_by_operation_of_law_once_the_period_runs_out() {
    let it = item();
    // Only the id card: a supplement notice was due, but none went out in time.
    let case = submitted(&it, &[("id", 1)], "2025-11-03T01:00:00Z");
    let deem = |when: &str| deem_accepted(&case, &it, at(when), &calendar(), HALL).unwrap();
    // The period ends with Mon 11-10: nothing happens on that day.
    assert!(deem("2025-11-10T15:59:00Z").is_none());
    let t = deem("2025-11-10T16:00:00Z").expect("deemed at the end of the last day");
    assert_eq!(t.case.status, CaseStatus::Accepted);
    assert!(t.case.clocks.deemed_accepted);
    assert_eq!(t.event.actor, Actor::monitor());
    let decision = t.case.clocks.decision.unwrap();
    assert_eq!(decision.started_on, date("2025-11-03"));
    // 10 and 20 working days counted from the receipt day, not from the sweep.
    assert_eq!(decision.promised_due.date, date("2025-11-17"));
    assert_eq!(decision.legal_due.date, date("2025-12-01"));
    assert_eq!(t.case.stage("handle").unwrap().status, StageStatus::Active);
    assert!(matches!(
        t.notifications[0].notice,
        Notice::Acceptance {
            deemed_on_receipt: true,
            ..
        }
    ));
    // An accepted case is not deemed again.
    assert!(
        deem_accepted(&t.case, &it, at("2025-11-12T02:00:00Z"), &calendar(), HALL)
            .unwrap()
            .is_none()
    );
}

#[test]
fn after_the_acceptance_period_neither_a_notice_nor_a_refusal_is_possible() {
    let it = item();
    let received = submitted(&it, &[("id", 1)], "2025-11-03T01:00:00Z");
    let notice = Command::RequestSupplement {
        missing: vec![MissingMaterial {
            code: "form".into(),
            note: String::new(),
        }],
    };
    let refusal = Command::Refuse {
        reason: "材料不全".into(),
        legal_basis: "《行政许可法》第三十二条".into(),
    };
    // Before the monitor has run, and after it.
    let deemed = deem_accepted(
        &received,
        &it,
        at("2025-11-11T01:00:00Z"),
        &calendar(),
        HALL,
    )
    .unwrap()
    .unwrap()
    .case;
    for case in [&received, &deemed] {
        for cmd in [notice.clone(), refusal.clone()] {
            let e = err(case, &it, cmd, &clerk(), "2025-11-17T02:00:00Z");
            assert_eq!(e.code(), "accepted_by_law_art32");
            assert_eq!(e.kind(), CaseErrorKind::Conflict);
            assert!(e.message_zh().contains("第三十二条"));
        }
    }
    // Within the period both still are.
    run(&received, &it, notice, &clerk(), "2025-11-10T02:00:00Z");
    run(&received, &it, refusal, &clerk(), "2025-11-10T02:00:00Z");
}

#[test]
fn a_clerk_records_an_acceptance_by_law_once_and_gets_the_notice_to_print() {
    let it = item();
    let case = submitted(&it, &[("id", 1)], "2025-11-03T01:00:00Z");
    let deemed = deem_accepted(&case, &it, at("2025-11-11T01:00:00Z"), &calendar(), HALL)
        .unwrap()
        .unwrap()
        .case;
    let t = run(
        &deemed,
        &it,
        Command::Accept,
        &clerk(),
        "2025-11-11T02:00:00Z",
    );
    assert_eq!(t.event.kind, EventKind::AcceptanceRecorded);
    assert_eq!(t.case.clocks, deemed.clocks, "recording moves no clock");
    assert_eq!(
        t.case.acceptance_recorded.as_ref().unwrap().by,
        clerk().user
    );
    assert!(matches!(
        t.notifications[0].notice,
        Notice::Acceptance {
            deemed_on_receipt: true,
            ..
        }
    ));
    let e = err(
        &t.case,
        &it,
        Command::Accept,
        &clerk(),
        "2025-11-11T03:00:00Z",
    );
    assert_eq!(e.code(), "action_not_allowed_in_state");
    // A case accepted in time has nothing to record.
    let complete = submitted(&it, COMPLETE, "2025-11-03T01:00:00Z");
    let in_time = run(
        &complete,
        &it,
        Command::Accept,
        &clerk(),
        "2025-11-04T02:00:00Z",
    );
    let e = err(
        &in_time.case,
        &it,
        Command::Accept,
        &clerk(),
        "2025-11-05T02:00:00Z",
    );
    assert_eq!(e.code(), "action_not_allowed_in_state");
}

#[test]
fn refuse_needs_a_legal_basis_and_ends_the_case() {
    let it = item();
    let case = submitted(&it, COMPLETE, "2025-11-03T01:00:00Z");
    let refuse = |basis: &str| Command::Refuse {
        reason: "不属于本机关职权范围".into(),
        legal_basis: basis.into(),
    };
    let e = err(&case, &it, refuse(" "), &clerk(), "2025-11-04T02:00:00Z");
    assert_eq!(e, CaseError::MissingLegalBasis);
    let t = run(
        &case,
        &it,
        refuse("《行政许可法》第三十二条"),
        &clerk(),
        "2025-11-04T02:00:00Z",
    );
    assert_eq!(t.case.status, CaseStatus::Refused);
    assert_eq!(
        t.case.conclusion.as_ref().unwrap().outcome,
        Outcome::Refused
    );
    assert!(matches!(t.notifications[0].notice, Notice::Refusal { .. }));
    // Terminal: even the applicant's withdrawal is refused.
    let e = err(
        &t.case,
        &it,
        Command::Withdraw {
            reason: "不办了".into(),
        },
        &applicant(),
        "2025-11-05T02:00:00Z",
    );
    assert_eq!(e.code(), "action_not_allowed_in_state");
}

#[test]
fn one_supplement_notice_per_submission() {
    let it = item();
    let case = submitted(&it, &[("id", 1)], "2025-11-03T01:00:00Z");
    let notice = |codes: &[&str]| Command::RequestSupplement {
        missing: codes
            .iter()
            .map(|c| MissingMaterial {
                code: (*c).into(),
                note: "请补交".into(),
            })
            .collect(),
    };
    assert_eq!(
        err(&case, &it, notice(&[]), &clerk(), "2025-11-04T02:00:00Z").code(),
        "empty_supplement_list"
    );
    assert_eq!(
        err(&case, &it, notice(&["x"]), &clerk(), "2025-11-04T02:00:00Z").code(),
        "unknown_material"
    );
    let t = run(
        &case,
        &it,
        notice(&["form", "lease"]),
        &clerk(),
        "2025-11-04T02:00:00Z",
    );
    assert_eq!(t.case.status, CaseStatus::SupplementPending);
    assert!(!t.case.clocks.acceptance.is_running());
    let Notice::Supplement { missing } = &t.notifications[0].notice else {
        panic!("expected a supplement notice");
    };
    assert_eq!(missing.len(), 2);
    assert_eq!(missing[0].name, "材料 form");
    let e = err(
        &t.case,
        &it,
        notice(&["photo"]),
        &clerk(),
        "2025-11-04T03:00:00Z",
    );
    assert_eq!(e, CaseError::SecondSupplementNotice { submission: 0 });

    // Another applicant may not answer it; the owner may.
    let supplement = Command::Supplement {
        materials: vec![SubmittedMaterial {
            code: "form".into(),
            copies: 2,
        }],
    };
    let mut stranger = applicant();
    stranger.user = "li4".into();
    let e = err(
        &t.case,
        &it,
        supplement.clone(),
        &stranger,
        "2025-11-06T02:00:00Z",
    );
    assert_eq!(e, CaseError::NotCaseOwner);
    let t = run(
        &t.case,
        &it,
        supplement,
        &applicant(),
        "2025-11-06T02:00:00Z",
    );
    assert_eq!(t.case.status, CaseStatus::Submitted);
    assert_eq!(t.case.submission, 1);
    assert_eq!(t.case.copies_of("form"), 2);
    // The acceptance period restarts with the complete application.
    assert_eq!(t.case.clocks.acceptance.started_on, date("2025-11-06"));
    assert_eq!(t.case.clocks.acceptance.due.date, date("2025-11-13"));
    // A new submission may get its own notice.
    run(
        &t.case,
        &it,
        notice(&["lease"]),
        &clerk(),
        "2025-11-07T02:00:00Z",
    );
}
