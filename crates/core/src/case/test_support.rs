//! Fixtures shared by the tests of the case machine, the clocks and supervision.

use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::{Calendar, YearRule};
use crate::clock::HallTime;
use crate::item::{
    Fee, Item, ItemCategory, ItemKind, Material, MaterialForm, Stage, StatutoryLimits, TimeLimit,
    WarningThreshold, Yuan,
};
use crate::role::Role;

use super::{
    open_case, Actor, Applicant, ApplicantKind, Case, Command, GrantRef, NewCase, PostalDelivery,
    SubmittedMaterial, Transition,
};

pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

pub const HALL: HallTime = HallTime::shanghai();

fn days(from: &str, to: &str) -> Vec<NaiveDate> {
    date(from)
        .iter_days()
        .take_while(|d| *d <= date(to))
        .collect()
}

/// 2025 and 2026 with their main holiday blocks (2025-10-01..08 off, 09-28 and 10-11 worked),
/// 2027 with weekends only so that long property runs stay inside the calendar.
pub fn calendar_years() -> Vec<YearRule> {
    let mut h2025 = vec![date("2025-01-01")];
    h2025.extend(days("2025-01-28", "2025-02-04"));
    h2025.extend(days("2025-05-01", "2025-05-05"));
    h2025.extend(days("2025-10-01", "2025-10-08"));
    let mut h2026 = days("2026-01-01", "2026-01-03");
    h2026.extend(days("2026-02-15", "2026-02-23"));
    h2026.extend(days("2026-10-01", "2026-10-07"));
    vec![
        YearRule {
            year: 2025,
            holidays: h2025,
            workdays: vec![
                date("2025-01-26"),
                date("2025-02-08"),
                date("2025-04-27"),
                date("2025-09-28"),
                date("2025-10-11"),
            ],
        },
        YearRule {
            year: 2026,
            holidays: h2026,
            workdays: vec![date("2026-01-04"), date("2026-02-14"), date("2026-02-28")],
        },
        YearRule {
            year: 2027,
            holidays: vec![],
            workdays: vec![],
        },
    ]
}

/// The test calendar of [`calendar_years`].
pub fn calendar() -> Calendar {
    Calendar::from_years("test", &calendar_years()).unwrap()
}

/// The test calendar corrected as a notice might: every Wednesday of March to June 2025 off.
pub fn corrected_calendar() -> Calendar {
    let mut years = calendar_years();
    let extra: Vec<NaiveDate> = days("2025-03-01", "2025-06-30")
        .into_iter()
        .filter(|d| chrono::Datelike::weekday(d) == chrono::Weekday::Wed)
        .collect();
    years[0].holidays.extend(extra);
    Calendar::from_years("test", &years).unwrap()
}

fn material(code: &str, required: bool, tolerable: bool, copies: u32) -> Material {
    Material {
        code: code.into(),
        name: format!("材料 {code}"),
        required,
        tolerable,
        copies,
        form: MaterialForm::Copy,
        note: None,
    }
}

fn stage(code: &str, department: &str, role: Role, days: u32, group: Option<&str>) -> Stage {
    Stage {
        code: code.into(),
        name: format!("环节 {code}"),
        department: department.into(),
        role,
        limit: TimeLimit::working_days(days),
        parallel_group: group.map(Into::into),
    }
}

/// A promised licence: handle → (fire ‖ env) → sign; promised 10, legal 20 working days.
pub fn item() -> Item {
    Item {
        code: "LIC-001".into(),
        name: "食品经营许可".into(),
        version: 1,
        kind: ItemKind::Promised,
        category: ItemCategory::License,
        department: "market".into(),
        legal_basis: "《食品安全法》第三十五条".into(),
        conditions: vec![],
        materials: vec![
            material("id", true, false, 1),
            material("form", true, false, 2),
            material("lease", true, true, 1),
            material("photo", false, false, 1),
        ],
        procedure: "受理、审查、决定".into(),
        quantity_limit: None,
        legal_limit: TimeLimit::working_days(20),
        promised_limit: TimeLimit::working_days(10),
        statutory: StatutoryLimits::default(),
        warning: WarningThreshold::default(),
        fee: Fee {
            amount: Yuan(0),
            basis: "不收费".into(),
        },
        result_document: "食品经营许可证".into(),
        consultation: "12345".into(),
        complaint: "12345".into(),
        rules: Default::default(),
        stages: vec![
            stage("handle", "market", Role::Approver, 3, None),
            stage("fire", "fire", Role::Approver, 5, Some("joint")),
            stage("env", "env", Role::Approver, 5, Some("joint")),
            stage("sign", "market", Role::Head, 2, None),
        ],
    }
}

/// An immediate item with one stage and a fee, decided on the spot at a window.
pub fn immediate_item() -> Item {
    Item {
        code: "IMM-001".into(),
        name: "证明开具".into(),
        kind: ItemKind::Immediate,
        materials: vec![material("id", true, false, 1)],
        legal_limit: TimeLimit::working_days(5),
        promised_limit: TimeLimit::working_days(0),
        fee: Fee {
            amount: Yuan(1000),
            basis: "发改价格〔2025〕1号".into(),
        },
        stages: vec![stage("handle", "market", Role::Approver, 1, None)],
        ..item()
    }
}

pub fn applicant() -> Actor {
    Actor {
        role: Role::Applicant,
        user: "zhang3".into(),
        department: None,
        window: None,
        grant: None,
    }
}

pub fn clerk() -> Actor {
    Actor {
        role: Role::Clerk,
        user: "clerk1".into(),
        department: Some("market".into()),
        window: Some("W01".into()),
        grant: Some(GrantRef {
            id: 7,
            document_no: "市监授〔2025〕7号".into(),
        }),
    }
}

pub fn approver(department: &str) -> Actor {
    Actor {
        role: Role::Approver,
        user: format!("approver-{department}"),
        department: Some(department.into()),
        window: None,
        grant: None,
    }
}

pub fn head(department: &str) -> Actor {
    Actor {
        role: Role::Head,
        user: format!("head-{department}"),
        department: Some(department.into()),
        window: None,
        grant: None,
    }
}

pub fn new_case(materials: &[(&str, u32)]) -> NewCase {
    NewCase {
        case_no: "TB2025000001".into(),
        query_code: "Q7K2M9".into(),
        applicant: Applicant {
            kind: ApplicantKind::Person,
            name: "张三".into(),
            id_number: "110101199001011234".into(),
            phone: Some("13800000000".into()),
            email: Some("zhang3@example.cn".into()),
        },
        materials: materials
            .iter()
            .map(|(code, copies)| SubmittedMaterial {
                code: (*code).into(),
                copies: *copies,
            })
            .collect(),
        form: None,
    }
}

/// All required materials of [`item`], so that the case can be accepted.
pub const COMPLETE: &[(&str, u32)] = &[("id", 1), ("form", 2), ("lease", 1)];

/// A case opened online by [`applicant`] at `when`.
pub fn submitted(item: &Item, materials: &[(&str, u32)], when: &str) -> Case {
    open_case(
        new_case(materials),
        item,
        &applicant(),
        at(when),
        &calendar(),
        HALL,
    )
    .unwrap()
    .case
}

/// Applies a command that must succeed.
pub fn run(case: &Case, item: &Item, cmd: Command, actor: &Actor, when: &str) -> Transition {
    super::decide(case, item, cmd, actor, at(when), &calendar(), HALL)
        .unwrap_or_else(|e| panic!("{} failed: {e}", e.code()))
}

/// A result sent by post: an address and a tracking number.
pub fn posted() -> Option<PostalDelivery> {
    Some(PostalDelivery {
        address: "北京市东城区正义路 1 号".into(),
        tracking_no: "SF1234567890".into(),
    })
}
