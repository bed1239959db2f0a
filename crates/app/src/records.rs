//! Conversions between domain values and store records. The store keeps records (JSON text
//! plus indexed columns); this is the one place that knows how each domain type maps.

use chrono::{DateTime, NaiveDate, Utc};
use tongban_core::catalogue::Department;
use tongban_core::clock::HallTime;
use tongban_core::grant::{Grant, GrantScope, Rota, Window, WindowAction, WindowKind};
use tongban_core::item::{Item, ItemKind};
use tongban_store::departments::DepartmentRecord;
use tongban_store::grants::{GrantRecord, NewGrant};
use tongban_store::items::ItemRecord;
use tongban_store::windows::WindowRecord;

/// A stored record that does not decode: the database holds something this version of the
/// program did not write.
#[derive(Debug, thiserror::Error)]
#[error("stored {what} `{key}` does not decode: {reason}")]
pub struct CorruptRecord {
    pub what: &'static str,
    pub key: String,
    pub reason: String,
}

pub fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Serialising our own plain data types cannot fail (no maps with non-string keys).
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

pub fn decode<T: serde::de::DeserializeOwned>(
    what: &'static str,
    key: &str,
    text: &str,
) -> Result<T, CorruptRecord> {
    serde_json::from_str(text).map_err(|e| CorruptRecord {
        what,
        key: key.to_owned(),
        reason: e.to_string(),
    })
}

pub fn item_record(item: &Item, now: DateTime<Utc>) -> ItemRecord {
    ItemRecord {
        code: item.code.clone(),
        version: i64::from(item.version),
        name: item.name.clone(),
        department: item.department.clone(),
        kind: match item.kind {
            ItemKind::Immediate => "immediate",
            ItemKind::Promised => "promised",
        }
        .to_owned(),
        body: to_json(item),
        created_at: millis(now),
    }
}

pub fn item_from_record(r: &ItemRecord) -> Result<Item, CorruptRecord> {
    let mut item: Item = decode("item", &r.code, &r.body)?;
    // The store numbers versions; the row's number is authoritative.
    item.version = u32::try_from(r.version).unwrap_or(item.version);
    Ok(item)
}

pub fn department_record(d: &Department, now: DateTime<Utc>) -> DepartmentRecord {
    DepartmentRecord {
        code: d.code.clone(),
        name: d.name.clone(),
        parent: None,
        created_at: millis(now),
    }
}

pub fn department_from_record(r: &DepartmentRecord) -> Department {
    Department {
        code: r.code.clone(),
        name: r.name.clone(),
    }
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct WindowData {
    #[serde(default)]
    rota: Option<Rota>,
}

pub fn window_record(w: &Window, now: DateTime<Utc>) -> WindowRecord {
    WindowRecord {
        code: w.code.clone(),
        name: w.name.clone(),
        kind: to_json(&w.kind).trim_matches('"').to_owned(),
        departments: to_json(&w.departments),
        data: to_json(&WindowData {
            rota: w.rota.clone(),
        }),
        created_at: millis(now),
    }
}

pub fn window_from_record(r: &WindowRecord) -> Result<Window, CorruptRecord> {
    let kind: WindowKind = decode("window", &r.code, &format!("\"{}\"", r.kind))?;
    let departments: Vec<String> = decode("window", &r.code, &r.departments)?;
    let data: WindowData = decode("window", &r.code, &r.data)?;
    Ok(Window {
        code: r.code.clone(),
        name: r.name.clone(),
        kind,
        departments,
        rota: data.rota,
    })
}

/// Grant validity is by hall dates; the store keeps instants: the start of `valid_from` and
/// the start of the day after `valid_to` (exclusive).
pub fn new_grant(g: &Grant, hall: HallTime, now: DateTime<Utc>) -> NewGrant {
    let (items, department) = match &g.scope {
        GrantScope::Items(codes) => (codes.clone(), None),
        GrantScope::Department(d) => (Vec::new(), Some(d.clone())),
    };
    NewGrant {
        window_code: g.window.clone(),
        clerk: g.clerk.clone(),
        department,
        items: to_json(&items),
        actions: to_json(&g.actions),
        valid_from: millis(hall.start_of_day(g.valid_from)),
        valid_to: g.valid_to.map(|d| millis(hall.end_of_day(d))),
        granted_by: g.granted_by.clone(),
        document_no: g.document_no.clone(),
        created_at: millis(now),
    }
}

pub fn grant_from_record(r: &GrantRecord, hall: HallTime) -> Result<Grant, CorruptRecord> {
    let key = r.id.to_string();
    let items: Vec<String> = decode("grant", &key, &r.items)?;
    let actions: Vec<WindowAction> = decode("grant", &key, &r.actions)?;
    let scope = match &r.department {
        Some(d) => GrantScope::Department(d.clone()),
        None => GrantScope::Items(items),
    };
    // `valid_to` is stored exclusive: the last valid day is the day before it.
    let valid_to = r.valid_to.map(|ms| hall.local_date(from_millis(ms - 1)));
    Ok(Grant {
        id: r.id,
        window: r.window_code.clone(),
        clerk: r.clerk.clone(),
        scope,
        actions,
        valid_from: hall.local_date(from_millis(r.valid_from)),
        valid_to,
        granted_by: r.granted_by.clone(),
        document_no: r.document_no.clone(),
        revoked_at: r.revoked_at.map(from_millis),
    })
}

pub fn date_of(ms: i64, hall: HallTime) -> NaiveDate {
    hall.local_date(from_millis(ms))
}
