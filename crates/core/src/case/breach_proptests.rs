//! The breach property of domain.md ("Breaches are never lost and never erased"): for any
//! sequence of actions, sweeps and clock moves, the red alerts raised are exactly the
//! deadlines that passed while their clock ran. The system side is modelled as the
//! application runs it: a transition raises `alerts_due_on_transition` in its own write and
//! stores `first_check_at`; a sweep takes a case only once its stored check has come, accepts
//! it by operation of law when its acceptance period ran out (art. 32), raises what is due
//! and stores `next_check_at`. The oracle only watches each state of the case for as long
//! as it held and notes every red deadline it saw pass.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::proptests::{command, fitting, guided};
use super::test_support::*;
use super::*;
use crate::calendar::Calendar;
use crate::item::Item;
use crate::supervision::{
    alerts_due_on_transition, first_check_at, next_check_at, time_alerts, time_checkpoints,
    AlertKey, AlertLevel,
};

#[derive(Debug, Clone)]
struct Step {
    cmd: Command,
    guided: bool,
    pick: usize,
    /// Minutes since the previous step: from moments to a month.
    minutes: i64,
    sweep: bool,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let minutes = prop_oneof![
        3 => 0i64..120,
        3 => 0i64..(3 * 24 * 60),
        1 => 0i64..(30 * 24 * 60),
    ];
    let step = (
        command(),
        any::<bool>(),
        any::<usize>(),
        minutes,
        any::<bool>(),
    )
        .prop_map(|(cmd, guided, pick, minutes, sweep)| Step {
            cmd,
            guided,
            pick,
            minutes,
            sweep,
        });
    proptest::collection::vec(step, 1..40)
}

fn reds(keys: Vec<AlertKey>) -> impl Iterator<Item = AlertKey> {
    keys.into_iter().filter(|k| k.level == AlertLevel::Red)
}

/// The application's side: the case as stored, its stored check, the reds raised.
struct System<'a> {
    item: &'a Item,
    calendar: &'a Calendar,
    case: Case,
    check_at: Option<DateTime<Utc>>,
    raised: BTreeSet<AlertKey>,
}

impl System<'_> {
    fn write(&mut self, t: Transition, now: DateTime<Utc>) {
        let (it, cal) = (self.item, self.calendar);
        self.raised.extend(reds(alerts_due_on_transition(
            &self.case, &t.case, it, cal, HALL, now,
        )));
        self.check_at = first_check_at(&t.case, it, cal, HALL);
        self.case = t.case;
    }

    fn sweep(&mut self, now: DateTime<Utc>) {
        if self.check_at.is_none_or(|at| at > now) {
            return;
        }
        let (it, cal) = (self.item, self.calendar);
        if let Some(t) = deem_accepted(&self.case, it, now, cal, HALL).expect("deem") {
            self.write(t, now);
        }
        self.raised
            .extend(reds(time_alerts(&self.case, it, cal, HALL, now)));
        self.check_at = next_check_at(&self.case, it, cal, HALL, now);
    }
}

/// Every red deadline of `case`'s current state that has passed by `now`.
fn passed(
    case: &Case,
    it: &Item,
    cal: &Calendar,
    now: DateTime<Utc>,
    seen: &mut BTreeSet<AlertKey>,
) {
    seen.extend(
        time_checkpoints(case, it, cal, HALL)
            .into_iter()
            .filter(|c| c.key.level == AlertLevel::Red && c.at <= now)
            .map(|c| c.key),
    );
}

fn run(immediate: bool, steps: Vec<Step>) {
    let it = if immediate { immediate_item() } else { item() };
    let cal = calendar();
    let mut now = at("2025-03-03T01:00:00Z");
    let Ok(opened) = open_case(new_case(COMPLETE), &it, &clerk(), now, &cal, HALL) else {
        return;
    };
    let mut system = System {
        item: &it,
        calendar: &cal,
        check_at: first_check_at(&opened.case, &it, &cal, HALL),
        case: opened.case,
        raised: BTreeSet::new(),
    };
    let mut seen = BTreeSet::new();
    for step in steps {
        now += Duration::minutes(step.minutes);
        // The state held until now: what passed meanwhile is a breach.
        passed(&system.case, &it, &cal, now, &mut seen);
        if step.sweep {
            system.sweep(now);
            passed(&system.case, &it, &cal, now, &mut seen);
        }
        let cmd = if step.guided {
            guided(&system.case, step.pick)
        } else {
            step.cmd
        };
        let actor = fitting(&cmd, &system.case);
        if let Ok(t) = decide(&system.case, &it, cmd, &actor, now, &cal, HALL) {
            system.write(t, now);
            passed(&system.case, &it, &cal, now, &mut seen);
        }
    }
    // Time runs on with no one acting; the scheduler sweeps whenever a check comes.
    let end = now + Duration::days(400);
    while let Some(at) = system.check_at.filter(|at| *at <= end) {
        passed(&system.case, &it, &cal, at, &mut seen);
        system.sweep(at);
        passed(&system.case, &it, &cal, at, &mut seen);
    }
    passed(&system.case, &it, &cal, end, &mut seen);
    assert_eq!(
        system.raised, seen,
        "raised reds differ from the deadlines passed (case {:?})",
        system.case.status
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn the_reds_raised_are_the_deadlines_passed_while_their_clock_ran(
        immediate in any::<bool>(),
        steps in steps(),
    ) {
        run(immediate, steps);
    }
}
