//! The supervision feed as the JSON route answers it (and its OpenAPI schemas), from the
//! application's feed page.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tongban_app::supervision::feed::{self as app_feed, FeedEntry};
use utoipa::ToSchema;

use super::views::{AlertView, StepView};

/// What a feed entry is.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedKind {
    /// A case event (the timeline entry), in `event`.
    Event,
    /// An alert raised, in `alert` (with its status as of now).
    Alert,
    /// A step of an alert's lifecycle, in `step`.
    AlertStep,
}

/// A case event in the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedEvent {
    /// Position in the case's timeline.
    pub seq: i64,
    /// What happened, e.g. `received`, `accepted`.
    pub kind: String,
    pub actor: String,
    pub window: Option<String>,
    pub grant_id: Option<i64>,
    /// The event as the core recorded it.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// One entry of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedItem {
    #[serde(rename = "type")]
    pub kind: FeedKind,
    /// The id in its own sequence (case_events, alerts or alert steps).
    pub id: i64,
    /// When it happened (an alert: when raised).
    pub at: DateTime<Utc>,
    pub case_no: Option<String>,
    /// The cursor that resumes right after this entry.
    pub cursor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<FeedEvent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<AlertView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<StepView>,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    /// Pass as `after` to get what follows; the same cursor again when nothing was new.
    pub next: String,
    /// True when the page is full: ask again at once with `next`.
    pub more: bool,
}

impl From<app_feed::FeedPage> for FeedPage {
    fn from(page: app_feed::FeedPage) -> Self {
        let items = page
            .items
            .into_iter()
            .map(|item| {
                let cursor = item.cursor.to_string();
                let at = item.at;
                match item.entry {
                    FeedEntry::Event(e) => FeedItem {
                        kind: FeedKind::Event,
                        id: e.id,
                        at,
                        case_no: Some(e.case_no),
                        cursor,
                        event: Some(FeedEvent {
                            seq: e.seq,
                            kind: e.kind,
                            actor: e.actor,
                            window: e.window,
                            grant_id: e.grant_id,
                            data: e.data,
                        }),
                        alert: None,
                        step: None,
                    },
                    FeedEntry::Alert(a) => FeedItem {
                        kind: FeedKind::Alert,
                        id: a.id,
                        at,
                        case_no: a.case_no.clone(),
                        cursor,
                        event: None,
                        alert: Some(AlertView::from(&a)),
                        step: None,
                    },
                    FeedEntry::Step(s, case_no) => FeedItem {
                        kind: FeedKind::AlertStep,
                        id: s.id,
                        at,
                        case_no,
                        cursor,
                        event: None,
                        alert: None,
                        step: Some(StepView::from(&s)),
                    },
                }
            })
            .collect();
        FeedPage {
            items,
            next: page.next.to_string(),
            more: page.more,
        }
    }
}
