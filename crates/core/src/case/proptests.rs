//! Property tests of the state machine (quality.md): random command sequences by random
//! actors never panic nor reach an undefined state; terminal states accept nothing; every
//! success writes exactly one event and bumps the version by one; a failure changes nothing;
//! a suspension never shortens a deadline; working-day dues fall on working days; the next
//! supervision check is never in the past and is absent for terminal and suspended cases.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::test_support::*;
use super::*;
use crate::calendar::Calendar;
use crate::clock::Due;
use crate::item::{DayUnit, Item, Yuan};
use crate::role::Role;
use crate::supervision::{next_check_at, time_alerts};

const MATERIALS: [&str; 5] = ["id", "form", "lease", "photo", "bogus"];
const STAGES: [&str; 5] = ["handle", "fire", "env", "sign", "nope"];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        1 => Just("  ".to_owned()),
        8 => Just("依法办理".to_owned()),
    ]
}

fn materials() -> impl Strategy<Value = Vec<SubmittedMaterial>> {
    proptest::collection::vec((0..MATERIALS.len(), 0u32..3), 0..4).prop_map(|v| {
        v.into_iter()
            .map(|(i, copies)| SubmittedMaterial {
                code: MATERIALS[i].into(),
                copies,
            })
            .collect()
    })
}

pub(super) fn command() -> impl Strategy<Value = Command> {
    let procedure = prop_oneof![
        Just(Procedure::Hearing),
        Just(Procedure::Testing),
        Just(Procedure::ExpertReview),
        Just(Procedure::PublicNotice),
    ];
    let method = prop_oneof![
        Just(DeliveryMethod::Window),
        Just(DeliveryMethod::Post),
        Just(DeliveryMethod::Electronic),
    ];
    prop_oneof![
        4 => Just(Command::Accept),
        1 => (text(), text()).prop_map(|(reason, legal_basis)| Command::Refuse { reason, legal_basis }),
        2 => proptest::collection::vec((0..MATERIALS.len(), text()), 0..3).prop_map(|v| {
            Command::RequestSupplement {
                missing: v
                    .into_iter()
                    .map(|(i, note)| MissingMaterial { code: MATERIALS[i].into(), note })
                    .collect(),
            }
        }),
        2 => materials().prop_map(|materials| Command::Supplement { materials }),
        12 => (0..STAGES.len(), text()).prop_map(|(i, opinion)| Command::CompleteStage {
            stage: STAGES[i].into(),
            opinion,
        }),
        4 => text().prop_map(|opinion| Command::Approve { opinion }),
        1 => (text(), text()).prop_map(|(reason, legal_basis)| Command::Deny { reason, legal_basis }),
        2 => (procedure, text()).prop_map(|(procedure, note)| Command::Suspend { procedure, note }),
        3 => Just(Command::Resume),
        1 => (0u32..13, text()).prop_map(|(working_days, reason)| Command::Extend { working_days, reason }),
        1 => text().prop_map(|reason| Command::Withdraw { reason }),
        3 => (method, proptest::option::of(0i64..3000)).prop_map(|(method, fee)| Command::Deliver {
            method,
            fee: fee.map(Yuan),
            post: if method == DeliveryMethod::Post { posted() } else { None },
        }),
        1 => text().prop_map(|reason| Command::Terminate { reason }),
    ]
}

fn actors() -> Vec<Actor> {
    let mut stranger = applicant();
    stranger.user = "li4".into();
    let mut no_grant = clerk();
    no_grant.grant = None;
    let mut no_window = clerk();
    no_window.window = None;
    let other = |role| Actor {
        role,
        user: "x".into(),
        department: Some("market".into()),
        window: None,
        grant: None,
    };
    vec![
        applicant(),
        stranger,
        clerk(),
        no_grant,
        no_window,
        approver("market"),
        approver("fire"),
        approver("env"),
        head("market"),
        head("fire"),
        other(Role::Supervisor),
        other(Role::Admin),
    ]
}

/// The actor who would normally issue `cmd`, so that runs get past the role checks often.
pub(super) fn fitting(cmd: &Command, case: &Case) -> Actor {
    match cmd {
        Command::Accept
        | Command::Refuse { .. }
        | Command::RequestSupplement { .. }
        | Command::Deliver { .. } => clerk(),
        Command::Supplement { .. } | Command::Withdraw { .. } if case.owner.is_some() => {
            applicant()
        }
        Command::Supplement { .. } | Command::Withdraw { .. } => clerk(),
        Command::CompleteStage { stage, .. } => match stage.as_str() {
            "fire" => approver("fire"),
            "env" => approver("env"),
            "sign" => head("market"),
            _ => approver("market"),
        },
        Command::Approve { .. } | Command::Deny { .. } | Command::Extend { .. } => head("market"),
        _ if case.status.awaits_acceptance() => clerk(),
        _ => approver("market"),
    }
}

/// A sensible command for the case's state, so that runs reach the later states often.
pub(super) fn guided(case: &Case, pick: usize) -> Command {
    let material = |code: &str, copies| SubmittedMaterial {
        code: code.into(),
        copies,
    };
    let text = || "依法办理".to_owned();
    let mut options = match case.status {
        CaseStatus::Submitted | CaseStatus::Received => vec![
            Command::Accept,
            Command::Accept,
            Command::RequestSupplement {
                missing: vec![MissingMaterial {
                    code: "form".into(),
                    note: text(),
                }],
            },
            Command::Refuse {
                reason: text(),
                legal_basis: text(),
            },
        ],
        CaseStatus::SupplementPending => vec![Command::Supplement {
            materials: vec![material("id", 1), material("form", 2), material("lease", 1)],
        }],
        CaseStatus::Accepted => {
            let mut v: Vec<Command> = case
                .stages
                .iter()
                .filter(|s| s.status == StageStatus::Active)
                .flat_map(|s| {
                    let c = Command::CompleteStage {
                        stage: s.code.clone(),
                        opinion: text(),
                    };
                    [c.clone(), c.clone(), c]
                })
                .collect();
            v.extend([
                Command::Approve { opinion: text() },
                Command::Deny {
                    reason: text(),
                    legal_basis: text(),
                },
                Command::Suspend {
                    procedure: Procedure::Appraisal,
                    note: text(),
                },
                Command::Extend {
                    working_days: 5,
                    reason: text(),
                },
                Command::Supplement {
                    materials: vec![material("lease", 1)],
                },
            ]);
            v
        }
        CaseStatus::Suspended => vec![Command::Resume],
        CaseStatus::Approved | CaseStatus::Denied => vec![
            Command::Deliver {
                method: DeliveryMethod::Window,
                fee: None,
                post: None,
            },
            Command::Deliver {
                method: DeliveryMethod::Post,
                fee: Some(Yuan(1)),
                post: posted(),
            },
        ],
        _ => vec![],
    };
    if options.is_empty() {
        options.push(Command::Resume);
    }
    options.swap_remove(pick % options.len())
}

#[derive(Debug, Clone)]
struct Step {
    cmd: Command,
    /// 0..5: a guided command by the fitting actor; 5..8: the random command by the fitting
    /// actor; 8..10: the random command by a random actor.
    mode: u8,
    pick: usize,
    actor: usize,
    /// Minutes since the previous step; slightly negative values test clock skew.
    minutes: i64,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = (command(), 0u8..10, any::<usize>(), 0..12usize, -30i64..4000).prop_map(
        |(cmd, mode, pick, actor, minutes)| Step {
            cmd,
            mode,
            pick,
            actor,
            minutes,
        },
    );
    proptest::collection::vec(step, 1..60)
}

fn is_working(cal: &Calendar, due: &Due) -> bool {
    cal.is_working_day(due.date).unwrap()
}

/// Re-projection of any reachable case: onto the calendar it counts on, nothing moves; onto
/// a corrected one, twice is once; and back again restores every due date.
fn check_reprojection(case: &Case, it: &Item, cal: &Calendar) {
    let (same, moves) = reprojected(case, it, cal, HALL).unwrap();
    assert!(moves.is_empty(), "{moves:?}");
    assert_eq!(&same, case);
    let corrected = corrected_calendar();
    let (once, _) = reprojected(case, it, &corrected, HALL).unwrap();
    let (twice, again) = reprojected(&once, it, &corrected, HALL).unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(twice, once);
    let (back, _) = reprojected(&once, it, cal, HALL).unwrap();
    assert_eq!(&back, case);
}

/// Everything that must hold for any reachable case.
fn check_invariants(case: &Case, it: &Item, cal: &Calendar) {
    check_reprojection(case, it, cal);
    let status = case.status;
    assert_eq!(status.is_terminal(), case.conclusion.is_some(), "{status}");
    assert_eq!(
        status == CaseStatus::Suspended,
        case.open_suspension().is_some()
    );
    if status.awaits_acceptance() {
        assert!(case.clocks.acceptance.is_running());
        assert!(case.clocks.decision.is_none());
    }
    if matches!(status, CaseStatus::Accepted | CaseStatus::Suspended) {
        assert!(case.clocks.decision.is_some_and(|c| c.is_running()));
    }
    if matches!(status, CaseStatus::Approved | CaseStatus::Denied) {
        let outcome = case.decision.as_ref().unwrap().outcome;
        let expected = if status == CaseStatus::Approved {
            DecisionOutcome::Approved
        } else {
            DecisionOutcome::Denied
        };
        assert_eq!(outcome, expected);
        assert!(case.clocks.delivery.is_some_and(|c| c.is_running()));
        assert!(case.unfinished_stages().is_empty());
    }
    if status == CaseStatus::Concluded {
        assert!(case.delivery.is_some() && case.fee_charged.is_some());
    }
    if status.is_terminal() {
        assert!(!case.clocks.acceptance.is_running());
        assert!(!matches!(case.clocks.decision, Some(c) if c.is_running()));
        assert!(!matches!(case.clocks.delivery, Some(c) if c.is_running()));
    }
    // One notice per submission.
    for (i, n) in case.supplement_notices.iter().enumerate() {
        assert!(case.supplement_notices[i + 1..]
            .iter()
            .all(|m| m.submission != n.submission));
    }
    // Steps run in order: every stage before an active one is done, none after it started.
    if let Some(active) = case
        .stages
        .iter()
        .find(|s| s.status == StageStatus::Active)
        .map(|s| s.step)
    {
        for s in &case.stages {
            match s.step.cmp(&active) {
                std::cmp::Ordering::Less => assert_eq!(s.status, StageStatus::Done),
                std::cmp::Ordering::Greater => assert_eq!(s.status, StageStatus::Pending),
                std::cmp::Ordering::Equal => assert_ne!(s.status, StageStatus::Pending),
            }
        }
    }
    for s in &case.stages {
        if s.status == StageStatus::Active {
            assert!(s.started_at.is_some() && s.due.is_some());
            assert!(is_working(cal, &s.due.unwrap()), "stage due on a day off");
        }
    }
    // Working-day limits never end on a day off (natural ones are moved to a working day too).
    assert!(is_working(cal, &case.clocks.acceptance.due));
    if let Some(d) = case.clocks.decision {
        assert!(is_working(cal, &d.promised_due) && is_working(cal, &d.legal_due));
        assert!(d.promised_due.date >= d.started_on && d.legal_due.date >= d.started_on);
    }
    if let Some(d) = case.clocks.delivery {
        assert!(is_working(cal, &d.due));
    }
    let next = next_check_at(case, it, cal, HALL, case.updated_at);
    if status.is_terminal() || status == CaseStatus::Suspended {
        assert_eq!(next, None);
        assert!(time_alerts(case, it, cal, HALL, case.updated_at + Duration::days(400)).is_empty());
    }
    if let Some(next) = next {
        assert!(next > case.updated_at);
    }
    // A running clock whose deadline is still ahead always has a next check.
    let ahead = |due: &Due| due.deadline > case.updated_at;
    let running_ahead = match status {
        CaseStatus::Submitted | CaseStatus::Received => ahead(&case.clocks.acceptance.due),
        CaseStatus::Accepted => case.clocks.decision.is_some_and(|d| ahead(&d.legal_due)),
        CaseStatus::Approved | CaseStatus::Denied => {
            case.clocks.delivery.is_some_and(|d| ahead(&d.due))
        }
        _ => false,
    };
    if running_ahead {
        assert!(
            next.is_some(),
            "{status} case with a deadline ahead has no next check"
        );
    }
}

fn run_steps(immediate: bool, by_clerk: bool, initial: Vec<SubmittedMaterial>, steps: Vec<Step>) {
    let it = if immediate { immediate_item() } else { item() };
    assert_eq!(it.promised_limit.unit, DayUnit::WorkingDays);
    let cal = calendar();
    let actors = actors();
    let mut now: DateTime<Utc> = at("2025-03-03T01:00:00Z");
    let opener = if by_clerk { clerk() } else { applicant() };
    let mut new = new_case(&[]);
    new.materials = initial;
    let mut case = match open_case(new, &it, &opener, now, &cal, HALL) {
        Ok(t) => {
            assert_eq!(t.case.version, 1);
            assert_eq!(t.event.version, 1);
            t.case
        }
        Err(_) => return,
    };
    check_invariants(&case, &it, &cal);
    for step in steps {
        now += Duration::minutes(step.minutes);
        let cmd = if step.mode < 5 {
            guided(&case, step.pick)
        } else {
            step.cmd
        };
        let actor = if step.mode < 8 {
            fitting(&cmd, &case)
        } else {
            actors[step.actor].clone()
        };
        let before = case.clone();
        match decide(&case, &it, cmd.clone(), &actor, now, &cal, HALL) {
            Ok(t) => {
                assert!(
                    !before.status.is_terminal(),
                    "terminal case accepted {cmd:?}"
                );
                assert_eq!(t.case.version, before.version + 1);
                assert_eq!(t.event.version, t.case.version);
                assert_eq!(t.event.case_no, before.case_no);
                assert_eq!(t.event.at, t.case.updated_at);
                assert!(t.case.updated_at >= before.updated_at);
                assert_eq!(t.event.actor, actor);
                if let (EventKind::Resumed { .. }, Some(b), Some(a)) = (
                    &t.event.kind,
                    before.clocks.decision,
                    t.case.clocks.decision,
                ) {
                    assert!(a.promised_due.date >= b.promised_due.date);
                    assert!(a.legal_due.date >= b.legal_due.date);
                    for (sb, sa) in before.stages.iter().zip(&t.case.stages) {
                        if let (Some(db), Some(da)) = (sb.due, sa.due) {
                            assert!(da.date >= db.date, "stage due moved earlier");
                        }
                    }
                }
                if let (EventKind::Extended { .. }, Some(b), Some(a)) = (
                    &t.event.kind,
                    before.clocks.decision,
                    t.case.clocks.decision,
                ) {
                    assert!(a.legal_due.date > b.legal_due.date);
                }
                check_invariants(&t.case, &it, &cal);
                case = t.case;
            }
            Err(e) => {
                assert_eq!(case, before, "a failed command changed the case");
                assert!(!e.code().is_empty() && !e.message_zh().is_empty());
                if before.status.is_terminal() {
                    assert_eq!(e.code(), "action_not_allowed_in_state");
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_command_sequences_keep_the_case_well_defined(
        immediate in proptest::bool::ANY,
        by_clerk in proptest::bool::ANY,
        initial in prop_oneof![
            3 => Just(vec![
                SubmittedMaterial { code: "id".into(), copies: 1 },
                SubmittedMaterial { code: "form".into(), copies: 2 },
                SubmittedMaterial { code: "lease".into(), copies: 1 },
            ]),
            1 => materials(),
        ],
        steps in steps(),
    ) {
        run_steps(immediate, by_clerk, initial, steps);
    }
}

/// The random runs above must actually get somewhere: this fixed run reaches every
/// status on the main path, so a regression that blocks it fails here first.
#[test]
fn the_main_path_reaches_conclusion() {
    let it = item();
    let cal = calendar();
    let mut case = submitted(&it, COMPLETE, "2025-03-03T01:00:00Z");
    let mut now = at("2025-03-03T02:00:00Z");
    let cmds = [
        Command::Accept,
        Command::CompleteStage {
            stage: "handle".into(),
            opinion: "同意".into(),
        },
        Command::Suspend {
            procedure: Procedure::Testing,
            note: "检测".into(),
        },
        Command::Resume,
        Command::CompleteStage {
            stage: "env".into(),
            opinion: "同意".into(),
        },
        Command::CompleteStage {
            stage: "fire".into(),
            opinion: "同意".into(),
        },
        Command::Extend {
            working_days: 5,
            reason: "复杂".into(),
        },
        Command::CompleteStage {
            stage: "sign".into(),
            opinion: "同意".into(),
        },
        Command::Approve {
            opinion: "准予".into(),
        },
        Command::Deliver {
            method: DeliveryMethod::Window,
            fee: None,
            post: None,
        },
    ];
    for cmd in cmds {
        now += Duration::hours(20);
        let actor = fitting(&cmd, &case);
        case = decide(&case, &it, cmd, &actor, now, &cal, HALL)
            .unwrap()
            .case;
        check_invariants(&case, &it, &cal);
    }
    assert_eq!(case.status, CaseStatus::Concluded);
    assert_eq!(case.version, 11);
}
