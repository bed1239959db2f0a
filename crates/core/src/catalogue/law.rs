//! The limits 行政许可法 sets an item's own: no acceptance period over 5 working days (art. 32),
//! no extension over 10 (15 for joint handling, art. 42), no delivery period over 10 (art.
//! 44), no preliminary review over 20 (art. 43), and a yellow warning before every deadline.
//! An item that names the special law allowing more (`rules.special_law`) may deviate; the
//! promise never outlasts the legal limit, whatever the law.

use std::ops::Range;

use serde_spanned::Spanned;

use crate::item::{DayUnit, Item, RuleSet, TimeLimit, PRELIMINARY_REVIEW_DAYS};

use super::build::show;
use super::error::Problem;
use super::file::{ItemEntry, LimitEntry};
use super::Sink;

/// Whether `limit` lasts at most `max` working days whatever the calendar: working days up to
/// `max`, or natural days up to `max` (N natural days never outlast N working days).
fn within_working_days(limit: TimeLimit, max: u32) -> bool {
    match limit.unit {
        DayUnit::WorkingDays | DayUnit::NaturalDays => limit.days <= max,
        DayUnit::Months => false,
    }
}

/// Checks the item's statutory clocks, warnings and rule set against the law.
pub(super) fn check(sink: &mut Sink<'_>, file: usize, entry: &ItemEntry, item: &Item) {
    let rules = &item.rules;
    let special = rules.special_law.is_some();
    let statutory = &entry.statutory;
    let checks: [(
        &Option<Spanned<LimitEntry>>,
        &'static str,
        u32,
        &'static str,
    ); 3] = [
        (
            &statutory.acceptance,
            "acceptance period (受理时限)",
            5,
            "art. 32",
        ),
        (
            &statutory.extension,
            "extension (延期时限)",
            rules.rule_set.max_extension(),
            rules.rule_set.extension_article(),
        ),
        (
            &statutory.delivery,
            "delivery period (送达时限)",
            10,
            "art. 44",
        ),
    ];
    for (given, what, max, article) in checks {
        let Some(given) = given else { continue };
        let limit = TimeLimit {
            days: given.get_ref().days,
            unit: given.get_ref().unit,
        };
        if !special && !within_working_days(limit, max) {
            beyond(sink, file, given.span(), what, limit, max, article);
        }
    }
    if let Some(ext) = &statutory.extension {
        if ext.get_ref().unit != DayUnit::WorkingDays {
            sink.push(
                file,
                ext.span(),
                Problem::Limit("an extension (延期时限) counts working days (art. 42)"),
            );
        }
    }
    if let Some(w) = &entry.warning {
        let w = w.get_ref();
        if !special && (w.working_days == 0 || w.percent == 0) {
            sink.push(
                file,
                entry.warning.as_ref().map_or(0..0, |w| w.span()),
                Problem::WarningsOff,
            );
        }
    }
    if let Some(by) = &rules.extension_by {
        let takes_part = *by == item.department || item.stages.iter().any(|s| s.department == *by);
        if !takes_part {
            let span = entry.rules.extension_by.as_ref().map_or(0..0, |d| d.span());
            sink.push(
                file,
                span,
                Problem::Limit(
                    "the department in `rules.extension_by` must handle a stage of the item, so that its head sees the case it extends",
                ),
            );
        }
    }
    if rules.rule_set == RuleSet::PreliminaryReview {
        check_preliminary(sink, file, entry, item, special);
    }
}

fn beyond(
    sink: &mut Sink<'_>,
    file: usize,
    span: Range<usize>,
    what: &'static str,
    limit: TimeLimit,
    max: u32,
    article: &'static str,
) {
    sink.push(
        file,
        span,
        Problem::BeyondTheLaw {
            what,
            given: show(limit),
            max: show(TimeLimit::working_days(max)),
            article,
        },
    );
}

/// Art. 43: the first step is the lower organ's review, within 20 working days, and a later
/// step is the deciding organ's.
fn check_preliminary(
    sink: &mut Sink<'_>,
    file: usize,
    entry: &ItemEntry,
    item: &Item,
    special: bool,
) {
    let span = entry
        .rules
        .rule_set
        .as_ref()
        .map_or(entry.code.span(), |r| r.span());
    let steps = item.steps();
    if steps.len() < 2 {
        sink.push(
            file,
            span.clone(),
            Problem::Limit(
                "a preliminary review (下级机关初审, art. 43) needs the lower organ's review as its first step and the decision after it",
            ),
        );
        return;
    }
    for stage in steps[0] {
        if !special && !within_working_days(stage.limit, PRELIMINARY_REVIEW_DAYS) {
            beyond(
                sink,
                file,
                span.clone(),
                "preliminary review (初审时限)",
                stage.limit,
                PRELIMINARY_REVIEW_DAYS,
                "art. 43",
            );
        }
    }
}
