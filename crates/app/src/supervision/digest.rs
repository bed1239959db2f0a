//! The supervisors' daily digest (每日监察简报): alerts still open by department and level,
//! and how many were raised in the last day, e-mailed through the outbox once per day however
//! many schedulers run.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use tongban_core::clock::HallTime;
use tongban_store::{digest, outbox, NewOutbox, Store, StoreError};

use crate::calendars::years::Horizon;
use crate::error::{AppResult, Error};
use crate::App;

const DAY_MS: i64 = 86_400_000;

/// Local hour from which the daily digest is sent.
pub const DIGEST_HOUR: u32 = 8;

/// The digest's text for the counts given.
fn body(
    day: &str,
    raised_last_day: i64,
    open: &[(Option<String>, String, i64)],
    name: &str,
    horizon: Option<&Horizon>,
) -> String {
    let mut by_department: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for (department, level, n) in open {
        let entry = by_department
            .entry(department.as_deref().unwrap_or("（未指定部门）"))
            .or_default();
        match level.as_str() {
            "red" => entry.1 += n,
            _ => entry.0 += n,
        }
    }
    let (yellow, red) = by_department
        .values()
        .fold((0, 0), |(y, r), (dy, dr)| (y + dy, r + dr));
    let mut text = format!(
        "{name}：\n\n{day} 电子监察简报\n\n过去 24 小时新增预警 {raised_last_day} 条。\n\
         未办结预警：黄牌 {yellow} 条，红牌 {red} 条。\n"
    );
    if !by_department.is_empty() {
        text.push_str("\n部门\t黄牌\t红牌\n");
        for (d, (y, r)) in &by_department {
            text.push_str(&format!("{d}\t{y}\t{r}\n"));
        }
    }
    if let Some(h) = horizon.filter(|h| h.warns()) {
        text.push_str(&format!("\n【工作日历】{}\n", h.warning_zh()));
    }
    text.push_str("\n请登录通办电子监察页面查看和处理预警。\n");
    text
}

/// Queues today's digest for every supervisor with an e-mail address, unless it was queued
/// already today (by this or another instance); returns the messages queued.
/// `horizon`: how far the official calendar reaches; from 60 days before its end the digest
/// says that next year is not loaded.
pub fn queue_daily_digest(
    store: &Store,
    hall: HallTime,
    now: DateTime<Utc>,
    horizon: Option<Horizon>,
) -> Result<usize, StoreError> {
    let day = hall.local_date(now).to_string();
    let now_ms = now.timestamp_millis();
    store.write_blocking(move |conn| {
        if !digest::claim_day(conn, &day, now_ms)? {
            return Ok(0);
        }
        let open = digest::open_alert_counts(conn)?;
        let raised = digest::raised_between(conn, now_ms - DAY_MS, now_ms)?;
        let messages: Vec<NewOutbox> = digest::supervisor_addresses(conn)?
            .into_iter()
            .map(|(_, name, email)| NewOutbox {
                kind: "email".into(),
                recipient: email,
                subject: format!("【通办】电子监察每日简报（{day}）"),
                body: body(&day, raised, &open, &name, horizon.as_ref()),
                created_at: now_ms,
                attempts: 0,
                next_attempt_at: now_ms,
            })
            .collect();
        outbox::enqueue(conn, &messages)?;
        Ok(messages.len())
    })
}

/// From 08:00 hall time on, queues the day's digest for supervisors (once per day across
/// instances; after downtime it goes out as soon as a scheduler runs again); returns the
/// messages queued, 0 before the hour or when another run queued it.
pub async fn queue_due(app: &App) -> AppResult<usize> {
    let now = app.clock.now();
    let hall = app.hall;
    if chrono::Timelike::hour(&now.with_timezone(&hall.offset())) < DIGEST_HOUR {
        return Ok(0);
    }
    let store = app.store.clone();
    let calendar = app.config().await?.calendar();
    let horizon = Horizon::of(&calendar, hall.local_date(now));
    let queued =
        tokio::task::spawn_blocking(move || queue_daily_digest(&store, hall, now, Some(horizon)))
            .await
            .map_err(|e| Error::corrupt(format!("digest panicked: {e}")))??;
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_by_department_and_level() {
        let open = vec![
            (Some("gaj".into()), "red".into(), 2),
            (Some("gaj".into()), "yellow".into(), 3),
            (None, "yellow".into(), 1),
        ];
        let text = body("2026-03-02", 5, &open, "监察员", None);
        assert!(text.contains("黄牌 4 条，红牌 2 条"), "{text}");
        assert!(!text.contains("工作日历"), "{text}");
        assert!(text.contains("gaj\t3\t2"), "{text}");
        assert!(text.contains("新增预警 5 条"), "{text}");
    }

    #[test]
    fn warns_from_sixty_days_before_the_last_official_day() {
        let last = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let at = |days: i64| Horizon {
            last_official_day: last,
            days_left: days,
        };
        let text = body("2026-11-01", 0, &[], "监察员", Some(&at(60)));
        assert!(text.contains("2027 年节假日安排尚未载入"), "{text}");
        assert!(text.contains("剩余 60 天"), "{text}");
        let text = body("2026-10-31", 0, &[], "监察员", Some(&at(61)));
        assert!(!text.contains("工作日历"), "{text}");
    }
}
