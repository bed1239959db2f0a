//! `manifest.json`: what a backup holds, for the restore to check and the operator to read.

use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use tongban_store::snapshot::Facts;

use super::{BackupError, MANIFEST};

/// The manifest's format; a restore refuses one it does not know.
pub const FORMAT: &str = "tongban-backup/1";

/// What a backup holds. Every count and the audit head are read from the snapshot itself, so
/// they describe exactly what was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// When the snapshot was taken (UTC, RFC 3339): it holds every commit before.
    #[serde(with = "rfc3339")]
    pub taken_at: DateTime<Utc>,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The latest migration applied in the snapshot (diesel's version).
    pub schema_version: String,
    /// Cases in the snapshot.
    pub cases: i64,
    /// Attached files in the snapshot.
    pub attachments: i64,
    /// The last audit record.
    pub audit_head: AuditHead,
    /// The Tongban that took it.
    pub tongban_version: String,
    /// The payload file beside the manifest.
    pub payload: Payload,
}

/// The last record of the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    /// Its number (0: no record).
    pub seq: i64,
    /// Its hash, hex.
    pub hash: String,
}

/// The file holding the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// Its name inside the backup directory.
    pub file: String,
    /// Its size.
    pub bytes: u64,
    /// SHA-256 of its content, hex.
    pub sha256: String,
}

impl Manifest {
    /// The manifest of a snapshot with `facts`, written to `payload`.
    pub fn new(taken_at: DateTime<Utc>, backend: &str, facts: &Facts, payload: Payload) -> Self {
        Manifest {
            format: FORMAT.into(),
            taken_at,
            backend: backend.into(),
            schema_version: facts.schema_version.clone(),
            cases: facts.cases,
            attachments: facts.attachments,
            audit_head: AuditHead {
                seq: facts.audit_seq,
                hash: facts.audit_hash.clone(),
            },
            tongban_version: env!("CARGO_PKG_VERSION").into(),
            payload,
        }
    }

    /// Reads the manifest of the backup directory `dir`.
    pub fn read(dir: &Path) -> Result<Manifest, BackupError> {
        let path = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            BackupError::Manifest(format!(
                "{} is not a backup: cannot read {}: {e}",
                dir.display(),
                path.display()
            ))
        })?;
        Manifest::parse(&text)
            .map_err(|e| BackupError::Manifest(format!("{} does not decode: {e}", path.display())))
    }

    /// Decodes a manifest, refusing a format this version does not know.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let manifest: Manifest = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if manifest.format != FORMAT {
            return Err(format!(
                "format {:?}, this tongban reads {FORMAT:?}",
                manifest.format
            ));
        }
        if manifest.payload.file.contains(['/', '\\']) || manifest.payload.file.starts_with('.') {
            // The payload is a file beside the manifest, never a path elsewhere.
            return Err(format!("payload file {:?}", manifest.payload.file));
        }
        Ok(manifest)
    }

    /// The manifest as written to disk (pretty JSON, for the operator who opens it).
    pub fn to_json(&self) -> String {
        // Plain data with string keys: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

/// RFC 3339 with whole seconds and `Z`, as people and tools read it.
mod rfc3339 {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

/// `taken_at` as printed to the operator.
pub fn show_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        let facts = Facts {
            schema_version: "20261204000000".into(),
            cases: 12,
            attachments: 3,
            audit_seq: 40,
            audit_hash: "ab".repeat(32),
        };
        let taken_at = DateTime::parse_from_rfc3339("2026-12-04T02:30:00.250Z")
            .unwrap()
            .with_timezone(&Utc);
        let payload = Payload {
            file: "tongban.sqlite".into(),
            bytes: 4096,
            sha256: "cd".repeat(32),
        };
        Manifest::new(taken_at, "sqlite", &facts, payload)
    }

    #[test]
    fn round_trips_through_its_json() {
        let m = sample();
        let text = m.to_json();
        assert!(
            text.contains("\"taken_at\": \"2026-12-04T02:30:00.250Z\""),
            "{text}"
        );
        assert_eq!(Manifest::parse(&text).unwrap(), m);
    }

    #[test]
    fn refuses_an_unknown_format_and_a_payload_elsewhere() {
        let mut m = sample();
        m.format = "tongban-backup/9".into();
        assert!(Manifest::parse(&m.to_json())
            .unwrap_err()
            .contains("format"));
        let mut m = sample();
        m.payload.file = "../../etc/passwd".into();
        assert!(Manifest::parse(&m.to_json()).is_err());
        assert!(Manifest::parse("{}").is_err());
    }
}
