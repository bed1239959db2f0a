//! Withdrawal, delivery, termination and cross-cutting rules.

use super::*;
use crate::case::test_support::*;
use crate::case::*;
use crate::item::Yuan;
use crate::role::Role;

#[test]
fn withdraw_is_the_applicants_until_the_decision() {
    let it = item();
    let case = accepted();
    let withdraw = Command::Withdraw {
        reason: "不再需要".into(),
    };
    let mut stranger = applicant();
    stranger.user = "li4".into();
    assert_eq!(
        err(
            &case,
            &it,
            withdraw.clone(),
            &stranger,
            "2025-11-05T02:00:00Z"
        ),
        CaseError::NotCaseOwner
    );
    let t = run(
        &case,
        &it,
        withdraw.clone(),
        &applicant(),
        "2025-11-05T02:00:00Z",
    );
    assert_eq!(t.case.status, CaseStatus::Withdrawn);
    assert!(!t.case.clocks.decision.unwrap().is_running());
    let approved = run(
        &reviewed(),
        &it,
        Command::Approve {
            opinion: "同意".into(),
        },
        &head("market"),
        "2025-11-07T03:00:00Z",
    )
    .case;
    assert_eq!(
        err(
            &approved,
            &it,
            withdraw,
            &applicant(),
            "2025-11-08T02:00:00Z"
        )
        .code(),
        "action_not_allowed_in_state"
    );
}

#[test]
fn deliver_concludes_and_records_the_fee() {
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
    let case = run(
        &case,
        &it,
        Command::Approve {
            opinion: "同意".into(),
        },
        &clerk(),
        "2025-11-03T01:10:00Z",
    )
    .case;
    let t = run(
        &case,
        &it,
        Command::Deliver {
            method: DeliveryMethod::Window,
            fee: None,
            post: None,
        },
        &clerk(),
        "2025-11-03T01:20:00Z",
    );
    assert_eq!(t.case.status, CaseStatus::Concluded);
    assert_eq!(t.case.fee_charged, Some(Yuan(1000)));
    assert_eq!(
        t.case.conclusion.as_ref().unwrap().outcome,
        Outcome::Approved
    );
    assert!(!t.case.clocks.delivery.unwrap().is_running());
    assert!(matches!(t.notifications[0].notice, Notice::Delivery { .. }));
    let t2 = run(
        &case,
        &it,
        Command::Deliver {
            method: DeliveryMethod::Post,
            fee: Some(Yuan(2000)),
            post: posted(),
        },
        &approver("market"),
        "2025-11-03T01:20:00Z",
    );
    assert_eq!(t2.case.fee_charged, Some(Yuan(2000)));
    let sent = t2.case.delivery.as_ref().and_then(|d| d.post.as_ref());
    assert_eq!(sent.map(|p| p.tracking_no.as_str()), Some("SF1234567890"));
    assert!(matches!(
        &t2.event.kind,
        EventKind::Delivered { post: Some(p), .. } if p.address.contains("正义路")
    ));
    // By post without an address or a tracking number: refused, the parcel could not be followed.
    for post in [
        None,
        Some(PostalDelivery {
            address: "北京市东城区正义路 1 号".into(),
            tracking_no: " ".into(),
        }),
    ] {
        let refused = err(
            &case,
            &it,
            Command::Deliver {
                method: DeliveryMethod::Post,
                fee: None,
                post,
            },
            &clerk(),
            "2025-11-03T01:20:00Z",
        );
        assert_eq!(refused.code(), "postal_details_missing");
    }
    // Collected at the window: no postal details are kept, whatever was sent.
    let window = run(
        &case,
        &it,
        Command::Deliver {
            method: DeliveryMethod::Window,
            fee: None,
            post: posted(),
        },
        &clerk(),
        "2025-11-03T01:20:00Z",
    );
    assert_eq!(window.case.delivery.and_then(|d| d.post), None);
    assert_eq!(
        err(
            &case,
            &it,
            Command::Deliver {
                method: DeliveryMethod::Window,
                fee: None,
                post: None,
            },
            &applicant(),
            "2025-11-03T01:20:00Z"
        )
        .code(),
        "role_not_allowed"
    );
}

#[test]
fn terminate_belongs_to_the_window_before_acceptance_and_the_back_office_after() {
    let it = item();
    let terminate = Command::Terminate {
        reason: "逾期未补正".into(),
    };
    let fresh = submitted(&it, &[("id", 1)], "2025-11-03T01:00:00Z");
    let t = run(
        &fresh,
        &it,
        terminate.clone(),
        &clerk(),
        "2025-11-20T02:00:00Z",
    );
    assert_eq!(t.case.status, CaseStatus::Terminated);
    assert!(matches!(
        t.notifications[0].notice,
        Notice::Termination { .. }
    ));
    let case = accepted();
    assert_eq!(
        err(
            &case,
            &it,
            terminate.clone(),
            &clerk(),
            "2025-11-05T02:00:00Z"
        )
        .code(),
        "role_not_allowed"
    );
    let t = run(
        &case,
        &it,
        terminate,
        &head("market"),
        "2025-11-05T02:00:00Z",
    );
    assert_eq!(
        t.case.conclusion.as_ref().unwrap().outcome,
        Outcome::Terminated
    );
}

#[test]
fn supervisors_and_admins_change_nothing() {
    let it = item();
    let case = accepted();
    for role in [Role::Supervisor, Role::Admin] {
        let actor = Actor {
            role,
            user: "boss".into(),
            department: Some("market".into()),
            window: Some("W01".into()),
            grant: None,
        };
        for cmd in [
            Command::Resume,
            Command::Approve {
                opinion: "x".into(),
            },
            Command::Terminate { reason: "x".into() },
        ] {
            let e = decide(
                &case,
                &it,
                cmd,
                &actor,
                at("2025-11-05T02:00:00Z"),
                &calendar(),
                HALL,
            )
            .unwrap_err();
            assert!(matches!(
                e.code(),
                "role_not_allowed" | "action_not_allowed_in_state"
            ));
        }
    }
}

#[test]
fn the_item_version_must_match_and_time_never_runs_backwards() {
    let mut it = item();
    let case = accepted();
    it.version = 2;
    let e = err(
        &case,
        &it,
        Command::Resume,
        &head("market"),
        "2025-11-05T02:00:00Z",
    );
    assert_eq!(e.code(), "item_mismatch");
    // An instant before the last transition is taken as that transition's instant.
    let t = run(
        &case,
        &item(),
        Command::Suspend {
            procedure: Procedure::Testing,
            note: "检测".into(),
        },
        &head("market"),
        "2025-11-01T00:00:00Z",
    );
    assert_eq!(t.event.at, case.updated_at);
    assert_eq!(t.case.updated_at, case.updated_at);
}

#[test]
fn error_codes_are_distinct_and_messages_exist() {
    use std::collections::HashSet;
    let samples = vec![
        CaseError::ActionNotAllowedInState {
            action: "accept".into(),
            status: CaseStatus::Refused,
        },
        CaseError::RoleNotAllowed {
            action: "extend".into(),
            role: Role::Clerk,
        },
        CaseError::NotCaseOwner,
        CaseError::WrongDepartment {
            expected: "market".into(),
            actual: None,
        },
        CaseError::WindowRequired {
            action: "accept".into(),
        },
        CaseError::GrantRequired {
            action: "deliver".into(),
            permission: WindowPermission::Deliver,
        },
        CaseError::NotImmediateItem {
            item: Named {
                code: "X".into(),
                name: "某事项".into(),
            },
        },
        CaseError::SecondSupplementNotice { submission: 0 },
        CaseError::EmptySupplementList,
        CaseError::MissingRequiredMaterial {
            materials: vec![Named {
                code: "id".into(),
                name: "身份证".into(),
            }],
        },
        CaseError::StageNotDone {
            stages: vec![Named {
                code: "a".into(),
                name: "审核".into(),
            }],
        },
        CaseError::ExtensionAlreadyUsed,
        CaseError::MissingLegalBasis,
        CaseError::AcceptedByOperationOfLaw {
            action: "refuse".into(),
        },
    ];
    let codes: HashSet<_> = samples.iter().map(|e| e.code()).collect();
    assert_eq!(codes.len(), samples.len());
    for e in &samples {
        assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
    }
    assert_eq!(samples[2].kind(), CaseErrorKind::Forbidden);
    assert_eq!(samples[0].kind(), CaseErrorKind::Conflict);
    assert_eq!(samples[12].kind(), CaseErrorKind::Invalid);
}

#[test]
fn case_and_commands_round_trip_through_json() {
    let case = reviewed();
    let json = serde_json::to_string(&case).unwrap();
    let back: Case = serde_json::from_str(&json).unwrap();
    assert_eq!(back, case);
    let cmd: Command = serde_json::from_str(
        r#"{"action":"request_supplement","missing":[{"code":"form","note":"缺签字"}]}"#,
    )
    .unwrap();
    assert_eq!(cmd.action(), Action::RequestSupplement);
    let cmd: Command =
        serde_json::from_str(r#"{"action":"deliver","method":"post","fee":"12.50"}"#).unwrap();
    assert_eq!(
        cmd,
        Command::Deliver {
            method: DeliveryMethod::Post,
            fee: Some(Yuan(1250)),
            post: None,
        }
    );
    let cmd: Command =
        serde_json::from_str(r#"{"action":"suspend","procedure":"expert_review","note":"评审"}"#)
            .unwrap();
    assert_eq!(cmd.action(), Action::Suspend);
}
