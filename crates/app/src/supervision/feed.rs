//! The supervision feed (三级联动): case events, alerts and alert steps in one stream for
//! higher-level monitors, resumable by a cursor that never skips an entry.
//!
//! Each source has its own id sequence, and ids follow commit order (every write holds the
//! audit lock while it inserts, docs/storage.md), so "ids above the last one seen" is exact
//! per source. The cursor is the last id seen of each: `e<event>.a<alert>.s<step>`. A page
//! merges the sources by time, always taking the earliest head of the three lists, so every
//! page takes a prefix of each source and the cursor can move each id to the last one taken.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use tongban_store::{alert_steps, alerts, events};

use super::alerts::{bad_query, Alert, Step};
use crate::error::{AppResult, Code, Error, Text};
use crate::records::from_millis;
use crate::App;

/// Where a client stands in each source: the last id it has seen (0: nothing yet).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub event: i64,
    pub alert: i64,
    pub step: i64,
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "e{}.a{}.s{}", self.event, self.alert, self.step)
    }
}

impl Cursor {
    /// Parses `e<n>.a<n>.s<n>`; the step part may be left out (`e<n>.a<n>`), which reads as
    /// `s0`.
    pub fn parse(s: &str) -> AppResult<Cursor> {
        let bad = || {
            Error::bad_request(
                Code::InvalidCursor,
                Text::new(
                    "after 应为上一页返回的 next 游标，例如 e120.a7.s3。",
                    "`after` must be the `next` cursor of a previous page, e.g. e120.a7.s3.",
                ),
            )
            .with_field("after", Text::new("游标无效", "invalid cursor"))
        };
        let mut parts = s.split('.');
        let mut number = |prefix: char| -> AppResult<Option<i64>> {
            let Some(part) = parts.next() else {
                return Ok(None);
            };
            let digits = part.strip_prefix(prefix).ok_or_else(bad)?;
            if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(bad());
            }
            digits.parse::<i64>().map(Some).map_err(|_| bad())
        };
        let event = number('e')?.ok_or_else(bad)?;
        let alert = number('a')?.ok_or_else(bad)?;
        let step = number('s')?.unwrap_or(0);
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Cursor { event, alert, step })
    }
}

/// The source of a feed entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Event,
    Alert,
    Step,
}

/// An entry read from one source: its id, its time (unix milliseconds) and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<T> {
    pub id: i64,
    pub at: i64,
    pub value: T,
}

/// One page: the entries taken, each with the cursor that resumes right after it, and the
/// cursor after the page (`after` itself when nothing was taken).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<E, A, S> {
    pub items: Vec<(Cursor, Merged<E, A, S>)>,
    pub next: Cursor,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged<E, A, S> {
    Event(Entry<E>),
    Alert(Entry<A>),
    Step(Entry<S>),
}

/// Merges what was read after `after` from each source (each list in id order, at most
/// `limit` long, as the store returns them) into a page of at most `limit` entries, earliest
/// first; at equal times events come before alerts, alerts before steps.
///
/// Never skips: only a prefix of each list is taken, and a list shorter than `limit` held
/// everything committed when it was read. Entries committed after the read have higher ids
/// than any taken, so the next page finds them.
pub fn merge<E, A, S>(
    after: Cursor,
    events: Vec<Entry<E>>,
    alerts: Vec<Entry<A>>,
    steps: Vec<Entry<S>>,
    limit: usize,
) -> Page<E, A, S> {
    let mut events = VecDeque::from(events);
    let mut alerts = VecDeque::from(alerts);
    let mut steps = VecDeque::from(steps);
    let mut cursor = after;
    let mut items = Vec::new();
    while items.len() < limit {
        let heads = [
            events.front().map(|e| (e.at, Source::Event)),
            alerts.front().map(|a| (a.at, Source::Alert)),
            steps.front().map(|s| (s.at, Source::Step)),
        ];
        let Some((_, source)) = heads.into_iter().flatten().min() else {
            break;
        };
        let merged = match source {
            Source::Event => events.pop_front().map(|e| {
                cursor.event = e.id;
                Merged::Event(e)
            }),
            Source::Alert => alerts.pop_front().map(|a| {
                cursor.alert = a.id;
                Merged::Alert(a)
            }),
            Source::Step => steps.pop_front().map(|s| {
                cursor.step = s.id;
                Merged::Step(s)
            }),
        };
        match merged {
            Some(m) => items.push((cursor, m)),
            None => break,
        }
    }
    Page {
        items,
        next: cursor,
    }
}

/// A case event in the feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEvent {
    pub id: i64,
    pub case_no: String,
    /// Position in the case's timeline.
    pub seq: i64,
    /// What happened, e.g. `received`, `accepted`.
    pub kind: String,
    pub actor: String,
    pub window: Option<String>,
    pub grant_id: Option<i64>,
    /// The event as the core recorded it.
    pub data: serde_json::Value,
}

/// What one entry of the feed is.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedEntry {
    Event(FeedEvent),
    /// An alert raised (with its status as of now).
    Alert(Alert),
    /// A step of an alert's lifecycle, with the alert's case.
    Step(Step, Option<String>),
}

/// One entry with when it happened and the cursor that resumes right after it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    pub at: DateTime<Utc>,
    pub cursor: Cursor,
    pub entry: FeedEntry,
}

/// A page of the feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    /// Resume from here; `after` again when nothing was new.
    pub next: Cursor,
    /// The page is full: ask again at once with `next`.
    pub more: bool,
}

/// What a monitor asks for: the `next` cursor of its previous page (from the beginning when
/// left out or empty) and at most `limit` entries (1–500, default 100).
#[derive(Debug, Clone, Default)]
pub struct FeedQuery {
    pub after: Option<String>,
    pub limit: Option<i64>,
}

/// Case events, alerts and alert steps in one order (by time), for higher-level monitors;
/// resumable with the `next` cursor, never skipping an entry.
pub async fn page(app: &App, query: &FeedQuery) -> AppResult<FeedPage> {
    let after = match query.after.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Cursor::parse(s)?,
        None => Cursor::default(),
    };
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(bad_query(
            "limit",
            "limit 须在 1 到 500 之间。".into(),
            "`limit` must be 1 to 500.".into(),
        ));
    }
    let (events, raised, steps, step_alerts) = app
        .store
        .read(move |conn| {
            let events = events::after(conn, after.event, limit)?;
            let raised = alerts::after(conn, after.alert, limit)?;
            let steps = alert_steps::after(conn, after.step, limit)?;
            let ids: Vec<i64> = steps.iter().map(|s| s.alert_id).collect();
            let step_alerts = alerts::get_many(conn, &ids)?;
            Ok((events, raised, steps, step_alerts))
        })
        .await?;
    let case_of: HashMap<i64, Option<String>> =
        step_alerts.into_iter().map(|a| (a.id, a.case_no)).collect();
    let limit = usize::try_from(limit).unwrap_or(100);
    let merged = merge(
        after,
        events
            .into_iter()
            .map(|e| Entry {
                id: e.id,
                at: e.at,
                value: e,
            })
            .collect(),
        raised
            .into_iter()
            .map(|a| Entry {
                id: a.id,
                at: a.raised_at,
                value: a,
            })
            .collect(),
        steps
            .into_iter()
            .map(|s| Entry {
                id: s.id,
                at: s.at,
                value: s,
            })
            .collect(),
        limit,
    );
    let more = merged.items.len() == limit;
    let items = merged
        .items
        .into_iter()
        .map(|(cursor, m)| match m {
            Merged::Event(e) => FeedItem {
                at: from_millis(e.at),
                cursor,
                entry: FeedEntry::Event(FeedEvent {
                    id: e.id,
                    data: serde_json::from_str(&e.value.data).unwrap_or_else(|err| {
                        tracing::error!(event = e.id, error = %err, "stored event data does not decode");
                        serde_json::Value::Null
                    }),
                    case_no: e.value.case_no,
                    seq: e.value.seq,
                    kind: e.value.kind,
                    actor: e.value.actor,
                    window: e.value.window_code,
                    grant_id: e.value.grant_id,
                }),
            },
            Merged::Alert(a) => FeedItem {
                at: from_millis(a.at),
                cursor,
                entry: FeedEntry::Alert(Alert::from(&a.value)),
            },
            Merged::Step(s) => FeedItem {
                at: from_millis(s.at),
                cursor,
                entry: FeedEntry::Step(
                    Step::from(&s.value),
                    case_of.get(&s.value.alert_id).cloned().flatten(),
                ),
            },
        })
        .collect();
    Ok(FeedPage {
        items,
        next: merged.next,
        more,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(id: i64, at: i64) -> Entry<()> {
        Entry { id, at, value: () }
    }

    #[test]
    fn cursor_round_trips_and_rejects_junk() {
        let c = Cursor {
            event: 120,
            alert: 7,
            step: 3,
        };
        assert_eq!(c.to_string(), "e120.a7.s3");
        assert_eq!(
            Cursor::parse("e120.a7.s3").map_err(|p| p.code.as_str()),
            Ok(c)
        );
        assert_eq!(
            Cursor::parse("e5.a2").map_err(|p| p.code.as_str()),
            Ok(Cursor {
                event: 5,
                alert: 2,
                step: 0
            })
        );
        for bad in [
            "",
            "e",
            "e1",
            "a1.e2",
            "e1.a2.s3.x",
            "e-1.a0",
            "e1.a2.s",
            "e99999999999999999999.a0",
            "e1.a2.t3",
            "e 1.a2",
        ] {
            assert_eq!(
                Cursor::parse(bad).map_err(|p| p.code.as_str()),
                Err("invalid_cursor"),
                "{bad}"
            );
        }
    }

    #[test]
    fn merges_by_time_and_moves_each_id() {
        let page = merge(
            Cursor::default(),
            vec![e(1, 10), e(2, 30)],
            vec![e(1, 20)],
            vec![e(4, 20)],
            10,
        );
        let order: Vec<_> = page
            .items
            .iter()
            .map(|(_, m)| match m {
                Merged::Event(x) => ('e', x.id),
                Merged::Alert(x) => ('a', x.id),
                Merged::Step(x) => ('s', x.id),
            })
            .collect();
        assert_eq!(order, [('e', 1), ('a', 1), ('s', 4), ('e', 2)]);
        assert_eq!(page.next.to_string(), "e2.a1.s4");
        assert_eq!(page.items[1].0.to_string(), "e1.a1.s0");
    }

    #[test]
    fn a_full_page_stops_and_the_next_resumes_without_a_gap() {
        // Alerts read up to the limit; events earlier in time fill the page first.
        let events: Vec<_> = (1..=3).map(|i| e(i, i)).collect();
        let alerts: Vec<_> = (1..=3).map(|i| e(i, 100 + i)).collect();
        let page = merge::<(), (), ()>(Cursor::default(), events, alerts, vec![], 3);
        assert_eq!(page.items.len(), 3);
        assert_eq!(page.next.to_string(), "e3.a0.s0");
        let alerts = (1..=3).map(|i| e(i, 100 + i)).collect();
        let page = merge::<(), (), ()>(page.next, vec![], alerts, vec![], 3);
        assert_eq!(page.next.to_string(), "e3.a3.s0");
        let empty = merge::<(), (), ()>(page.next, vec![], vec![], vec![], 3);
        assert!(empty.items.is_empty());
        assert_eq!(empty.next, page.next);
    }

    #[test]
    fn a_source_out_of_time_order_is_still_taken_as_a_prefix() {
        // A later id with an earlier time (a clock set back) waits behind its predecessor
        // rather than overtaking it, so the cursor never passes an entry not yet sent.
        let page = merge::<(), (), ()>(
            Cursor::default(),
            vec![e(1, 50), e(2, 5)],
            vec![e(1, 10)],
            vec![],
            2,
        );
        assert_eq!(page.next.to_string(), "e1.a1.s0");
        assert_eq!(page.items.len(), 2);
    }
}
