//! The hall's office hours (对外办公时间): the sessions it is open on a working day, in local
//! time. They bound what a suspension may take out of the count (art. 45: only time the hall
//! could have worked) and place the cut-off of an on-the-spot item (即办件).

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

/// One opening of the hall, `opens` to `closes` (exclusive), local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Session {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// The most sessions a day may have; a fixed array keeps [`OfficeHours`] `Copy`, so the hall's
/// time travels by value like the time zone it sits beside.
pub const MAX_SESSIONS: usize = 4;

/// The sessions of a working day, in order and apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OfficeHours {
    sessions: [Session; MAX_SESSIONS],
    len: u8,
}

/// Why a list of sessions is not office hours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficeHoursError {
    #[error("office hours (办公时间) need at least one session and at most {MAX_SESSIONS}")]
    Count,
    #[error("`{0}` is not a time of day (expected HH:MM)")]
    BadTime(String),
    #[error("session {opens}–{closes} closes before it opens")]
    Backwards { opens: String, closes: String },
    #[error("session {opens}–{closes} starts before the one before it ends")]
    Overlap { opens: String, closes: String },
}

const fn hm(h: u32, m: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(h, m, 0) {
        Some(t) => t,
        None => panic!("a valid time of day"),
    }
}

const STANDARD: Session = Session {
    opens: hm(9, 0),
    closes: hm(12, 0),
};
const STANDARD_AFTERNOON: Session = Session {
    opens: hm(13, 30),
    closes: hm(17, 30),
};

impl OfficeHours {
    /// 09:00–12:00 and 13:30–17:30, the default of a Chinese service hall.
    pub const fn standard() -> Self {
        OfficeHours {
            sessions: [
                STANDARD,
                STANDARD_AFTERNOON,
                STANDARD_AFTERNOON,
                STANDARD_AFTERNOON,
            ],
            len: 2,
        }
    }

    /// Office hours of `sessions`, which must be in order, each closing after it opens and
    /// before the next opens.
    pub fn new(sessions: &[Session]) -> Result<Self, OfficeHoursError> {
        // Unused places repeat the last session, so equal hours compare equal.
        let (Some(last), true) = (sessions.last(), sessions.len() <= MAX_SESSIONS) else {
            return Err(OfficeHoursError::Count);
        };
        let mut out = [*last; MAX_SESSIONS];
        let mut previous: Option<Session> = None;
        for (i, s) in sessions.iter().enumerate() {
            let shown = || (label(s.opens), label(s.closes));
            if s.closes <= s.opens {
                let (opens, closes) = shown();
                return Err(OfficeHoursError::Backwards { opens, closes });
            }
            if previous.is_some_and(|p| s.opens < p.closes) {
                let (opens, closes) = shown();
                return Err(OfficeHoursError::Overlap { opens, closes });
            }
            out[i] = *s;
            previous = Some(*s);
        }
        Ok(OfficeHours {
            sessions: out,
            len: sessions.len() as u8,
        })
    }

    pub fn sessions(&self) -> &[Session] {
        &self.sessions[..self.len as usize]
    }

    /// When the first session opens.
    pub fn opens(&self) -> NaiveTime {
        self.sessions[0].opens
    }

    /// When the last session closes.
    pub fn closes(&self) -> NaiveTime {
        self.sessions[self.len as usize - 1].closes
    }

    /// The length of a working day's sessions, in seconds.
    pub fn seconds_per_day(&self) -> i64 {
        self.sessions()
            .iter()
            .map(|s| (s.closes - s.opens).num_seconds())
            .sum()
    }
}

impl Default for OfficeHours {
    fn default() -> Self {
        OfficeHours::standard()
    }
}

fn label(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Parses `HH:MM` (or `HH:MM:SS`).
pub fn parse_time(text: &str) -> Result<NaiveTime, OfficeHoursError> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .map_err(|_| OfficeHoursError::BadTime(text.to_owned()))
}

/// A session as it is written in the hall file and stored: `{opens = "09:00", closes = "12:00"}`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionText {
    /// 开始办公 (HH:MM).
    pub opens: String,
    /// 停止办公 (HH:MM).
    pub closes: String,
}

impl TryFrom<Vec<SessionText>> for OfficeHours {
    type Error = OfficeHoursError;

    fn try_from(texts: Vec<SessionText>) -> Result<Self, Self::Error> {
        let sessions = texts
            .iter()
            .map(|t| {
                Ok(Session {
                    opens: parse_time(&t.opens)?,
                    closes: parse_time(&t.closes)?,
                })
            })
            .collect::<Result<Vec<_>, OfficeHoursError>>()?;
        OfficeHours::new(&sessions)
    }
}

impl From<OfficeHours> for Vec<SessionText> {
    fn from(hours: OfficeHours) -> Self {
        hours
            .sessions()
            .iter()
            .map(|s| SessionText {
                opens: label(s.opens),
                closes: label(s.closes),
            })
            .collect()
    }
}

impl Serialize for OfficeHours {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Vec::<SessionText>::from(*self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for OfficeHours {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let texts = Vec::<SessionText>::deserialize(deserializer)?;
        OfficeHours::try_from(texts).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(opens: &str, closes: &str) -> Session {
        Session {
            opens: parse_time(opens).unwrap(),
            closes: parse_time(closes).unwrap(),
        }
    }

    #[test]
    fn the_standard_day_is_seven_hours_from_nine_to_half_past_five() {
        let h = OfficeHours::standard();
        assert_eq!(h.sessions().len(), 2);
        assert_eq!(h.opens(), hm(9, 0));
        assert_eq!(h.closes(), hm(17, 30));
        assert_eq!(h.seconds_per_day(), 7 * 3600);
    }

    #[test]
    fn sessions_must_be_in_order_apart_and_forwards() {
        assert_eq!(OfficeHours::new(&[]), Err(OfficeHoursError::Count));
        let five = vec![session("08:00", "08:30"); 5];
        assert_eq!(OfficeHours::new(&five), Err(OfficeHoursError::Count));
        assert!(matches!(
            OfficeHours::new(&[session("12:00", "09:00")]),
            Err(OfficeHoursError::Backwards { .. })
        ));
        assert!(matches!(
            OfficeHours::new(&[session("09:00", "12:00"), session("11:00", "17:00")]),
            Err(OfficeHoursError::Overlap { .. })
        ));
        let one = OfficeHours::new(&[session("08:30", "16:30")]).unwrap();
        assert_eq!(one.seconds_per_day(), 8 * 3600);
    }

    #[test]
    fn office_hours_round_trip_through_their_text() {
        let json = serde_json::to_string(&OfficeHours::standard()).unwrap();
        assert_eq!(
            json,
            r#"[{"opens":"09:00","closes":"12:00"},{"opens":"13:30","closes":"17:30"}]"#
        );
        let back: OfficeHours = serde_json::from_str(&json).unwrap();
        assert_eq!(back, OfficeHours::standard());
        let bad = serde_json::from_str::<OfficeHours>(r#"[{"opens":"9点","closes":"12:00"}]"#);
        assert!(bad.unwrap_err().to_string().contains("9点"));
    }
}
