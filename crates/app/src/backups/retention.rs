//! Which backups to keep: the newest of each of the last N days that have one, and the newest
//! of each of the last M ISO weeks that have one (days and weeks of the hall's time zone).
//!
//! "Days that have one", not "the last N calendar days": after a month without backups (the
//! schedule off, the disk full) the old ones are still there, never pruned away by the
//! calendar alone. The newest backup is always kept.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Datelike, FixedOffset, Utc};

use super::manifest::Manifest;
use super::{BackupError, DIR_PREFIX, TMP_PREFIX};

/// How many to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Days, newest first, whose newest backup is kept.
    pub daily: usize,
    /// ISO weeks, newest first, whose newest backup is kept.
    pub weekly: usize,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            daily: 7,
            weekly: 4,
        }
    }
}

/// For each of `taken` (in any order), whether the rule keeps it.
pub fn keep(taken: &[DateTime<Utc>], offset: FixedOffset, rule: Retention) -> Vec<bool> {
    let mut order: Vec<usize> = (0..taken.len()).collect();
    // Newest first; equal times keep their given order.
    order.sort_by(|a, b| taken[*b].cmp(&taken[*a]));
    let mut kept = vec![false; taken.len()];
    if let Some(newest) = order.first() {
        kept[*newest] = true;
    }
    let mut days = BTreeSet::new();
    let mut weeks = BTreeSet::new();
    for i in order {
        let local = taken[i].with_timezone(&offset).date_naive();
        if days.len() < rule.daily && days.insert(local) {
            kept[i] = true;
        }
        let week = local.iso_week();
        if weeks.len() < rule.weekly && weeks.insert((week.year(), week.week())) {
            kept[i] = true;
        }
    }
    kept
}

/// What [`prune`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Backup directories removed.
    pub removed: Vec<PathBuf>,
    /// Backup directories kept.
    pub kept: usize,
}

/// A temporary backup directory older than this was left by a backup that died.
const STALE_TMP: Duration = Duration::from_secs(24 * 3600);

/// Applies `rule` to the backups in `dir`: removes the backup directories it does not keep.
/// Only directories named `tongban-backup-…` with a readable manifest count as backups;
/// nothing else in `dir` is touched, except half-written `.tmp-tongban-backup-…` directories
/// of backups that died more than a day ago.
pub fn prune(dir: &Path, offset: FixedOffset, rule: Retention) -> Result<Pruned, BackupError> {
    let entries = std::fs::read_dir(dir)
        .map_err(BackupError::io(format!("cannot list {}", dir.display())))?;
    let mut backups: Vec<(PathBuf, DateTime<Utc>)> = Vec::new();
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if name.starts_with(DIR_PREFIX) {
            if let Ok(m) = Manifest::read(&path) {
                backups.push((path, m.taken_at));
            }
        } else if name.starts_with(TMP_PREFIX) && is_older_than(&path, STALE_TMP) {
            remove(&path)?;
            removed.push(path);
        }
    }
    let times: Vec<DateTime<Utc>> = backups.iter().map(|(_, t)| *t).collect();
    let verdicts = keep(&times, offset, rule);
    let mut kept = 0;
    for ((path, _), keep) in backups.into_iter().zip(verdicts) {
        if keep {
            kept += 1;
        } else {
            remove(&path)?;
            removed.push(path);
        }
    }
    Ok(Pruned { removed, kept })
}

fn is_older_than(path: &Path, age: Duration) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|d| d > age)
}

fn remove(path: &Path) -> Result<(), BackupError> {
    std::fs::remove_dir_all(path)
        .map_err(BackupError::io(format!("cannot remove {}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::test_time::{at, HALL};

    fn kept(times: &[&str], rule: Retention) -> Vec<String> {
        let taken: Vec<_> = times.iter().map(|t| at(t)).collect();
        keep(&taken, HALL, rule)
            .into_iter()
            .zip(times)
            .filter(|(k, _)| *k)
            .map(|(_, t)| t.to_string())
            .collect()
    }

    #[test]
    fn nightly_backups_over_six_weeks_keep_seven_days_and_four_weeks() {
        // 02:30 hall time every night, 2026-11-01 (a Sunday) to 2026-12-13 (a Sunday).
        let times: Vec<String> = (1..=43)
            .map(|n| {
                let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
                    + chrono::Days::new(n - 1);
                format!("{day}T02:30:00+08:00")
            })
            .collect();
        let refs: Vec<&str> = times.iter().map(String::as_str).collect();
        let got = kept(&refs, Retention::default());
        assert_eq!(
            got,
            [
                // The newest of each earlier ISO week (its Sunday): weeks 49, 48, 47.
                "2026-11-22T02:30:00+08:00",
                "2026-11-29T02:30:00+08:00",
                "2026-12-06T02:30:00+08:00",
                // The last seven days (the newest is also week 50's).
                "2026-12-07T02:30:00+08:00",
                "2026-12-08T02:30:00+08:00",
                "2026-12-09T02:30:00+08:00",
                "2026-12-10T02:30:00+08:00",
                "2026-12-11T02:30:00+08:00",
                "2026-12-12T02:30:00+08:00",
                "2026-12-13T02:30:00+08:00",
            ]
        );
    }

    #[test]
    fn the_newest_of_a_day_is_kept_and_days_are_the_halls() {
        // 23:30 UTC is the next morning in the hall: those two are one hall day.
        let got = kept(
            &[
                "2026-12-03T23:30:00Z",
                "2026-12-04T01:00:00Z",
                "2026-12-04T20:00:00Z",
            ],
            Retention {
                daily: 2,
                weekly: 0,
            },
        );
        assert_eq!(got, ["2026-12-04T01:00:00Z", "2026-12-04T20:00:00Z"]);
    }

    #[test]
    fn a_gap_prunes_nothing_by_the_calendar_alone() {
        // Two old backups and nothing for a month: both are still the newest of their days.
        let got = kept(
            &["2026-10-01T02:30:00+08:00", "2026-10-02T02:30:00+08:00"],
            Retention::default(),
        );
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn the_newest_is_kept_even_by_a_rule_of_nothing() {
        let got = kept(
            &["2026-10-01T02:30:00+08:00", "2026-10-02T02:30:00+08:00"],
            Retention {
                daily: 0,
                weekly: 0,
            },
        );
        assert_eq!(got, ["2026-10-02T02:30:00+08:00"]);
        assert!(keep(&[], HALL, Retention::default()).is_empty());
    }

    #[test]
    fn prune_removes_only_backups_it_does_not_keep() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, taken_at: &str| {
            let d = dir.path().join(name);
            std::fs::create_dir(&d).unwrap();
            let facts = tongban_store::snapshot::Facts {
                schema_version: "1".into(),
                cases: 0,
                attachments: 0,
                audit_seq: 0,
                audit_hash: "0".into(),
            };
            let payload = super::super::manifest::Payload {
                file: "tongban.sqlite".into(),
                bytes: 0,
                sha256: String::new(),
            };
            let m = Manifest::new(at(taken_at), "sqlite", &facts, payload);
            std::fs::write(d.join("manifest.json"), m.to_json()).unwrap();
        };
        write(
            "tongban-backup-20261201T000000Z",
            "2026-12-01T10:00:00+08:00",
        );
        write(
            "tongban-backup-20261202T000000Z",
            "2026-12-02T10:00:00+08:00",
        );
        write(
            "tongban-backup-20261202T010000Z",
            "2026-12-02T11:00:00+08:00",
        );
        // Not backups: left alone whatever the rule says.
        std::fs::create_dir(dir.path().join("tongban-backup-broken")).unwrap();
        std::fs::create_dir(dir.path().join("photos")).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "keep me").unwrap();
        let rule = Retention {
            daily: 1,
            weekly: 0,
        };
        let pruned = prune(dir.path(), HALL, rule).unwrap();
        assert_eq!(pruned.kept, 1);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "notes.txt",
                "photos",
                "tongban-backup-20261202T010000Z",
                "tongban-backup-broken"
            ]
        );
    }
}
