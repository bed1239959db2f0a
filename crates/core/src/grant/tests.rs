use chrono::{DateTime, Duration, NaiveDate, Utc, Weekday};
use proptest::prelude::*;

use super::*;

const HALL: HallTime = HallTime::shanghai();

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn window(code: &str, kind: WindowKind, departments: &[&str]) -> Window {
    Window {
        code: code.into(),
        name: format!("窗口 {code}"),
        kind,
        departments: departments.iter().map(|d| (*d).into()).collect(),
        rota: None,
    }
}

fn floating() -> Window {
    Window {
        rota: Some(Rota {
            mon: vec!["wjj".into()],
            wed: vec!["jyj".into(), "wjj".into()],
            ..Rota::default()
        }),
        ..window("F01", WindowKind::Floating, &["wjj", "jyj"])
    }
}

fn grant(id: i64, window: &str, scope: GrantScope, actions: &[WindowAction]) -> Grant {
    Grant {
        id,
        window: window.into(),
        clerk: None,
        scope,
        actions: actions.to_vec(),
        valid_from: date("2026-01-01"),
        valid_to: Some(date("2026-12-31")),
        granted_by: "县政务服务管理办公室".into(),
        document_no: format!("县政务办授〔2026〕{id}号"),
        revoked_at: None,
    }
}

const FOOD: ItemRef<'static> = ItemRef {
    code: "SCJG-XK-01",
    department: "scjgj",
};
const VACCINE: ItemRef<'static> = ItemRef {
    code: "WJ-GG-01",
    department: "wjj",
};

fn request<'a>(
    window: &'a Window,
    item: ItemRef<'a>,
    action: WindowAction,
    when: &str,
) -> WindowRequest<'a> {
    WindowRequest {
        window,
        clerk: "clerk1",
        item,
        action,
        at: at(when),
    }
}

#[test]
fn a_department_grant_authorises_its_items_and_records_the_document() {
    let w = window("A01", WindowKind::Department, &["scjgj"]);
    let grants = [grant(
        3,
        "A01",
        GrantScope::Department("scjgj".into()),
        &[WindowAction::Accept],
    )];
    let used = authorise(
        &grants,
        &request(&w, FOOD, WindowAction::Accept, "2026-03-02T09:00:00+08:00"),
        HALL,
    );
    assert_eq!(
        used,
        Ok(GrantUsed {
            grant_id: 3,
            document_no: "县政务办授〔2026〕3号".into()
        })
    );
    let refused = authorise(
        &grants,
        &request(&w, FOOD, WindowAction::Deliver, "2026-03-02T09:00:00+08:00"),
        HALL,
    );
    assert!(matches!(refused, Err(GrantDenied::NoGrant { .. })));
}

#[test]
fn a_department_window_never_serves_another_department_even_with_a_grant() {
    let w = window("A01", WindowKind::Department, &["scjgj"]);
    let grants = [grant(
        1,
        "A01",
        GrantScope::Items(vec![VACCINE.code.into()]),
        &[WindowAction::Accept],
    )];
    let denied = authorise(
        &grants,
        &request(
            &w,
            VACCINE,
            WindowAction::Accept,
            "2026-03-02T09:00:00+08:00",
        ),
        HALL,
    );
    assert_eq!(denied.unwrap_err().code(), "department_not_served");
}

#[test]
fn a_general_window_accepts_any_item_it_is_granted() {
    let w = window("Z01", WindowKind::General, &[]);
    let grants = [
        grant(
            1,
            "Z01",
            GrantScope::Department("scjgj".into()),
            &[WindowAction::Accept],
        ),
        grant(
            2,
            "Z01",
            GrantScope::Items(vec![VACCINE.code.into()]),
            &[WindowAction::Accept],
        ),
    ];
    let when = "2026-03-02T09:00:00+08:00";
    assert_eq!(
        authorise(
            &grants,
            &request(&w, FOOD, WindowAction::Accept, when),
            HALL
        )
        .unwrap()
        .grant_id,
        1
    );
    assert_eq!(
        authorise(
            &grants,
            &request(&w, VACCINE, WindowAction::Accept, when),
            HALL
        )
        .unwrap()
        .grant_id,
        2
    );
    let other = ItemRef {
        code: "GA-QR-01",
        department: "gaj",
    };
    assert!(matches!(
        authorise(
            &grants,
            &request(&w, other, WindowAction::Accept, when),
            HALL
        ),
        Err(GrantDenied::NoGrant { .. })
    ));
}

#[test]
fn a_floating_window_serves_only_the_departments_on_todays_rota() {
    let w = floating();
    let grants = [grant(
        1,
        "F01",
        GrantScope::Department("wjj".into()),
        &[WindowAction::Accept],
    )];
    // 2026-03-02 is a Monday, 03-03 a Tuesday (no one on duty), 03-04 a Wednesday.
    assert!(authorise(
        &grants,
        &request(
            &w,
            VACCINE,
            WindowAction::Accept,
            "2026-03-02T10:00:00+08:00"
        ),
        HALL
    )
    .is_ok());
    assert_eq!(
        authorise(
            &grants,
            &request(
                &w,
                VACCINE,
                WindowAction::Accept,
                "2026-03-03T10:00:00+08:00"
            ),
            HALL
        ),
        Err(GrantDenied::NotOnRota {
            window: "F01".into(),
            department: "wjj".into(),
            weekday: Weekday::Tue
        })
    );
    assert!(authorise(
        &grants,
        &request(
            &w,
            VACCINE,
            WindowAction::Accept,
            "2026-03-04T10:00:00+08:00"
        ),
        HALL
    )
    .is_ok());
}

#[test]
fn the_rota_day_is_the_halls_local_day() {
    let w = floating();
    let grants = [grant(
        1,
        "F01",
        GrantScope::Department("wjj".into()),
        &[WindowAction::Accept],
    )];
    // Monday 2026-03-02 07:30 in the hall is still Sunday in UTC.
    let r = request(&w, VACCINE, WindowAction::Accept, "2026-03-01T23:30:00Z");
    assert!(authorise(&grants, &r, HALL).is_ok());
}

#[test]
fn consultation_and_complaint_windows_only_consult() {
    for kind in [WindowKind::Consultation, WindowKind::Complaint] {
        let w = window("C01", kind, &[]);
        let grants = [grant(
            1,
            "C01",
            GrantScope::Department("scjgj".into()),
            &[WindowAction::Consult, WindowAction::Accept],
        )];
        let when = "2026-03-02T09:00:00+08:00";
        assert!(authorise(
            &grants,
            &request(&w, FOOD, WindowAction::Consult, when),
            HALL
        )
        .is_ok());
        assert_eq!(
            authorise(
                &grants,
                &request(&w, FOOD, WindowAction::Accept, when),
                HALL
            )
            .unwrap_err()
            .code(),
            "action_not_at_window_kind"
        );
    }
}

#[test]
fn validity_is_by_hall_date_and_valid_to_is_inclusive() {
    let w = window("A01", WindowKind::Department, &["scjgj"]);
    let grants = [grant(
        5,
        "A01",
        GrantScope::Department("scjgj".into()),
        &[WindowAction::Accept],
    )];
    let check = |when: &str| {
        authorise(
            &grants,
            &request(&w, FOOD, WindowAction::Accept, when),
            HALL,
        )
    };
    assert!(check("2026-12-31T23:59:59+08:00").is_ok());
    assert_eq!(
        check("2027-01-01T00:00:00+08:00").unwrap_err().code(),
        "grant_expired"
    );
    assert!(check("2026-01-01T00:00:00+08:00").is_ok());
    assert_eq!(
        check("2025-12-31T23:59:59+08:00").unwrap_err().code(),
        "grant_not_yet_valid"
    );
}

#[test]
fn a_revoked_grant_stops_new_actions_at_once_but_not_earlier_ones() {
    let w = window("A01", WindowKind::Department, &["scjgj"]);
    let mut g = grant(
        5,
        "A01",
        GrantScope::Department("scjgj".into()),
        &[WindowAction::Accept],
    );
    g.revoked_at = Some(at("2026-03-02T10:00:00+08:00"));
    let grants = [g];
    let check = |when: &str| {
        authorise(
            &grants,
            &request(&w, FOOD, WindowAction::Accept, when),
            HALL,
        )
    };
    assert!(check("2026-03-02T09:59:59+08:00").is_ok());
    assert_eq!(
        check("2026-03-02T10:00:00+08:00").unwrap_err().code(),
        "grant_revoked"
    );
}

#[test]
fn a_clerk_grant_is_for_that_clerk_only_and_preferred() {
    let w = window("A01", WindowKind::Department, &["scjgj"]);
    let mut own = grant(
        9,
        "A01",
        GrantScope::Items(vec![FOOD.code.into()]),
        &[WindowAction::DecideOnSpot],
    );
    own.clerk = Some("clerk1".into());
    let shared = grant(
        2,
        "A01",
        GrantScope::Department("scjgj".into()),
        &[WindowAction::DecideOnSpot],
    );
    let grants = [shared, own];
    let when = "2026-03-02T09:00:00+08:00";
    let mine = request(&w, FOOD, WindowAction::DecideOnSpot, when);
    assert_eq!(authorise(&grants, &mine, HALL).unwrap().grant_id, 9);
    let other = WindowRequest {
        clerk: "clerk2",
        ..mine
    };
    assert_eq!(authorise(&grants, &other, HALL).unwrap().grant_id, 2);
    let only_own = [grants[1].clone()];
    assert!(matches!(
        authorise(&only_own, &other, HALL),
        Err(GrantDenied::NoGrant { .. })
    ));
}

#[test]
fn a_grant_of_another_window_does_not_count() {
    let w = window("A01", WindowKind::Department, &["scjgj"]);
    let grants = [grant(
        1,
        "A02",
        GrantScope::Department("scjgj".into()),
        &[WindowAction::Accept],
    )];
    let r = request(&w, FOOD, WindowAction::Accept, "2026-03-02T09:00:00+08:00");
    assert!(matches!(
        authorise(&grants, &r, HALL),
        Err(GrantDenied::NoGrant { .. })
    ));
}

#[test]
fn an_expired_grant_does_not_hide_a_current_one() {
    let w = window("A01", WindowKind::Department, &["scjgj"]);
    let mut old = grant(
        1,
        "A01",
        GrantScope::Department("scjgj".into()),
        &[WindowAction::Accept],
    );
    old.valid_from = date("2025-01-01");
    old.valid_to = Some(date("2025-12-31"));
    let new = grant(
        2,
        "A01",
        GrantScope::Department("scjgj".into()),
        &[WindowAction::Accept],
    );
    let grants = [old, new];
    let r = request(&w, FOOD, WindowAction::Accept, "2026-03-02T09:00:00+08:00");
    assert_eq!(authorise(&grants, &r, HALL).unwrap().grant_id, 2);
}

#[test]
fn window_permissions_map_to_grant_actions_and_grant_used_to_the_case_ref() {
    use crate::case::{GrantRef, WindowPermission};
    assert_eq!(
        WindowAction::from(WindowPermission::DecideOnSpot),
        WindowAction::DecideOnSpot
    );
    let r: GrantRef = GrantUsed {
        grant_id: 4,
        document_no: "x".into(),
    }
    .into();
    assert_eq!((r.id, r.document_no.as_str()), (4, "x"));
    let json = serde_json::to_string(&WindowAction::DecideOnSpot).unwrap();
    assert_eq!(json, "\"decide_on_spot\"");
}

fn arb_action() -> impl Strategy<Value = WindowAction> {
    prop_oneof![
        Just(WindowAction::Consult),
        Just(WindowAction::Accept),
        Just(WindowAction::DecideOnSpot),
        Just(WindowAction::Deliver),
    ]
}

proptest! {
    /// Whatever the grant covers, once it is revoked nothing it says authorises anything.
    #[test]
    fn a_revoked_grant_never_authorises(
        action in arb_action(),
        revoked_minutes in 0i64..(400 * 24 * 60),
        after_minutes in 0i64..(400 * 24 * 60),
    ) {
        let w = window("Z01", WindowKind::General, &[]);
        let base = at("2026-01-01T00:00:00+08:00");
        let mut g = grant(1, "Z01", GrantScope::Department("scjgj".into()), &[action]);
        g.valid_to = None;
        g.revoked_at = Some(base + Duration::minutes(revoked_minutes));
        let when = base + Duration::minutes(revoked_minutes + after_minutes);
        let r = WindowRequest { window: &w, clerk: "c", item: FOOD, action, at: when };
        let result = authorise(&[g], &r, HALL);
        prop_assert!(
            matches!(result, Err(GrantDenied::Revoked { .. })),
            "authorised after revocation: {:?}", result
        );
    }

    /// Outside [valid_from, valid_to] (hall dates) a grant never authorises; inside it does.
    #[test]
    fn validity_window_is_exact(
        action in arb_action(),
        from_offset in 0u64..300,
        length in 0u64..300,
        probe in 0i64..(800 * 24 * 60),
    ) {
        let w = window("Z01", WindowKind::General, &[]);
        let start = date("2026-01-01");
        let mut g = grant(1, "Z01", GrantScope::Items(vec![FOOD.code.into()]), &[action]);
        g.valid_from = start + chrono::Days::new(from_offset);
        g.valid_to = Some(g.valid_from + chrono::Days::new(length));
        let when = HALL.start_of_day(start) + Duration::minutes(probe);
        let local = HALL.local_date(when);
        let inside = local >= g.valid_from && Some(local) <= g.valid_to;
        let r = WindowRequest { window: &w, clerk: "c", item: FOOD, action, at: when };
        let result = authorise(std::slice::from_ref(&g), &r, HALL);
        prop_assert_eq!(result.is_ok(), inside, "{:?} at {}", result, when);
    }
}
