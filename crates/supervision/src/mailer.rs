//! E-mail from the outbox (lettre over SMTP). A case transaction writes its notices to the
//! outbox; this sender delivers them later with retries, so a mail server that is down never
//! blocks or loses a case action.
//!
//! Each due message is first claimed (its next attempt moved past a lease) so that two
//! senders never hand the same message to SMTP in one attempt. A sender killed between the
//! server's acceptance and `mark_sent` sends that message again after the lease: SMTP offers
//! no way to make that window disappear, so it is kept as short as one UPDATE.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::{header::ContentType, Mailbox};
use lettre::{Message, SmtpTransport, Transport};
use tongban_app::supervision::mail::{self, Mail};
use tongban_app::App;
/// After this many failed attempts a message is parked for the administrator.
pub const MAX_ATTEMPTS: i64 = 8;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error("invalid sender address `{0}`")]
    From(String),
    #[error(transparent)]
    App(#[from] tongban_app::Error),
}

/// Where and as whom to send.
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MailReport {
    pub sent: usize,
    pub failed: usize,
}

impl Mailer {
    /// `smtp_url` as lettre reads it: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://host:465`.
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, MailError> {
        let transport = SmtpTransport::from_url(smtp_url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|_| MailError::From(from.to_owned()))?;
        Ok(Mailer { transport, from })
    }

    fn send(&self, m: &Mail) -> Result<(), String> {
        let to = m
            .recipient
            .parse::<Mailbox>()
            .map_err(|e| format!("invalid recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Sends what is due at `now`; blocking (run it off the async runtime).
    pub fn deliver_due(&self, app: &App, now: DateTime<Utc>) -> Result<MailReport, MailError> {
        let mut report = MailReport::default();
        for m in mail::due(app, now)? {
            if !mail::claim(app, &m, now)? {
                continue;
            }
            match self.send(&m) {
                Ok(()) => {
                    mail::mark_sent(app, m.id, now)?;
                    report.sent += 1;
                }
                Err(error) => {
                    let attempts = m.attempts + 1;
                    let next = retry_at(now.timestamp_millis(), attempts);
                    tracing::warn!(outbox_id = m.id, attempts, %error, "e-mail not sent");
                    mail::mark_failed(app, m.id, &error, next)?;
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    }
}

/// Exponential backoff from one minute, doubling, at most six hours apart; after
/// [`MAX_ATTEMPTS`] the message waits for the administrator (never retried by itself).
pub fn retry_at(now_ms: i64, attempts: i64) -> i64 {
    if attempts >= MAX_ATTEMPTS {
        return i64::MAX;
    }
    let minutes = (1i64 << (attempts - 1).clamp(0, 30)).min(360);
    now_ms + minutes * 60_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_then_parks() {
        assert_eq!(retry_at(0, 1), 60_000);
        assert_eq!(retry_at(0, 2), 120_000);
        assert_eq!(retry_at(0, 7), 64 * 60_000);
        assert_eq!(retry_at(0, MAX_ATTEMPTS), i64::MAX);
    }

    #[test]
    fn rejects_a_bad_url_and_sender() {
        assert!(matches!(
            Mailer::new("nonsense", "a@b.c"),
            Err(MailError::Url(_))
        ));
        assert!(matches!(
            Mailer::new("smtp://127.0.0.1:2525", "not an address"),
            Err(MailError::From(_))
        ));
    }
}
