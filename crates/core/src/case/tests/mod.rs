//! Unit tests of the case machine: one or more per action and rule.

mod ending;
mod intake;
mod reproject;
mod review;

use super::test_support::*;
use super::*;

/// Submitted online Mon 2025-11-03 09:00, accepted Tue 11-04 10:00 (Beijing time).
pub(super) fn accepted() -> Case {
    let it = item();
    let case = submitted(&it, COMPLETE, "2025-11-03T01:00:00Z");
    run(
        &case,
        &it,
        Command::Accept,
        &clerk(),
        "2025-11-04T02:00:00Z",
    )
    .case
}

pub(super) fn err(case: &Case, it: &Item, cmd: Command, actor: &Actor, when: &str) -> CaseError {
    decide(case, it, cmd, actor, at(when), &calendar(), HALL).unwrap_err()
}

pub(super) fn complete(case: &Case, stage: &str, actor: &Actor, when: &str) -> Case {
    let cmd = Command::CompleteStage {
        stage: stage.into(),
        opinion: "同意".into(),
    };
    run(case, &item(), cmd, actor, when).case
}

/// All four stages done by the right people.
pub(super) fn reviewed() -> Case {
    let case = complete(
        &accepted(),
        "handle",
        &approver("market"),
        "2025-11-05T02:00:00Z",
    );
    let case = complete(&case, "fire", &approver("fire"), "2025-11-06T02:00:00Z");
    let case = complete(&case, "env", &approver("env"), "2025-11-06T03:00:00Z");
    complete(&case, "sign", &head("market"), "2025-11-07T02:00:00Z")
}

use crate::item::Item;
