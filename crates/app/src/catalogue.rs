//! The item catalogue (事项清单) as the administrator keeps it and the public reads it: the
//! checks an entry goes through, publishing an item version, and the service guide.

pub mod check;
pub mod files;
pub mod guide;
pub mod publish;

use crate::validate::Fields;

/// Codes of departments, windows and items: they appear in paths, so letters, digits and
/// `-` `_` `.` only.
pub fn code_field(fields: &mut Fields, field: &str, value: &str) {
    let ok = (1..=32).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        fields.error(
            field,
            "编码须为 1–32 个字母、数字或 - _ .",
            "must be 1–32 letters, digits or - _ .",
        );
    }
}

/// A JSON object of an entry's fields, as the workflow-file checks read it.
pub(crate) fn entry_of<T: serde::Serialize>(
    value: &T,
) -> crate::AppResult<serde_json::Map<String, serde_json::Value>> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        _ => Err(crate::Error::internal()),
    }
}
