//! Checks a catalogue entry sent through the API (an item, a window) with the very checks the
//! workflow files go through (`tongban_core::catalogue::parse`), so that the API cannot store
//! what the files would refuse.
//!
//! The core checks workflow *files*; the entry is written as one: the hall's departments,
//! then the entry as a table with one top-level field per line (so that a problem's line
//! names the field it is about), then, for an item, a grant that covers it: grants are
//! managed through their own routes, and a new item is granted after it exists, so the
//! files' rule "every item is granted somewhere" is not the entry's to meet.

use tongban_core::catalogue::{self, Department};
use tongban_core::grant::Window;
use tongban_core::item::Item;

use crate::error::{Error, FieldError as FieldProblem, Text};
use crate::validate::Fields;

/// The file name problems carry; never shown (problems are mapped to fields).
const FILE: &str = "api-request.toml";

/// The window of the covering grant; only in the checked text, never stored.
const CHECK_WINDOW: &str = "api-check";

/// Checks an item (in the shape of `GET /api/v1/items/{code}`) against the departments;
/// answers it as an import would build it (texts trimmed). Its `version` is left out: the
/// store numbers versions.
pub fn check_item(
    departments: &[Department],
    entry: &serde_json::Map<String, serde_json::Value>,
) -> Result<Item, Vec<FieldProblem>> {
    let mut entry = entry.clone();
    entry.remove("version");
    let code = entry.get("code").and_then(|c| c.as_str()).unwrap_or("");
    let mut actions = vec!["accept"];
    if entry.get("kind").and_then(|k| k.as_str()) == Some("immediate") {
        actions.push("decide_on_spot");
    }
    let cover = format!(
        "[[windows]]\ncode = {w}\nname = {w}\nkind = \"general\"\n\
         [[grants]]\nwindow = {w}\nitems = [{code}]\nactions = {actions}\n\
         valid_from = \"2000-01-01\"\ngranted_by = \"api\"\ndocument_no = \"api\"\n",
        w = string(CHECK_WINDOW),
        code = string(code.trim()),
        actions = serde_json::json!(actions),
    );
    let catalogue = parse(departments, "items", &entry, &cover)?;
    catalogue
        .items
        .into_iter()
        .next()
        .ok_or_else(|| vec![missing()])
}

/// Checks a window (in the shape of `GET /api/v1/windows`) against the departments.
pub fn check_window(
    departments: &[Department],
    entry: &serde_json::Map<String, serde_json::Value>,
) -> Result<Window, Vec<FieldProblem>> {
    let catalogue = parse(departments, "windows", entry, "")?;
    catalogue
        .windows
        .into_iter()
        .next()
        .ok_or_else(|| vec![missing()])
}

/// The problems of a checked entry as one 422 listing every field.
pub fn entry_error(problems: Vec<FieldProblem>) -> Error {
    let mut fields = Fields::default();
    for p in problems {
        fields.error(&p.field, p.message.zh, p.message.en);
    }
    match fields.finish() {
        Err(e) => e,
        // Every failed check names at least one problem (`missing` otherwise).
        Ok(()) => Error::internal(),
    }
}

fn missing() -> FieldProblem {
    FieldProblem {
        field: "body".into(),
        message: Text::new("请求体为空", "the body is empty"),
    }
}

fn parse(
    departments: &[Department],
    section: &str,
    entry: &serde_json::Map<String, serde_json::Value>,
    after: &str,
) -> Result<catalogue::Catalogue, Vec<FieldProblem>> {
    let (mut text, fields) = workflow_file(departments, section, entry);
    let entry_end = text.lines().count();
    text.push_str(after);
    catalogue::parse(&[(FILE, text.as_str())]).map_err(|errors| {
        let mut problems: Vec<FieldProblem> = errors
            .into_iter()
            // A problem in the departments or the covering grant can only repeat one of the
            // entry's own (e.g. an empty code), reported at the entry.
            .filter(|e| e.line <= entry_end || fields.is_empty())
            .map(|e| FieldProblem {
                field: fields
                    .iter()
                    .find(|(line, _)| *line == e.line)
                    .map_or_else(|| "body".to_owned(), |(_, f)| f.clone()),
                message: Text::new(
                    format!("不符合事项清单规则：{}", e.problem),
                    e.problem.to_string(),
                ),
            })
            .collect();
        if problems.is_empty() {
            problems.push(missing());
        }
        problems
    })
}

/// The workflow file text and, for each line of the entry, the field it holds.
fn workflow_file(
    departments: &[Department],
    section: &str,
    entry: &serde_json::Map<String, serde_json::Value>,
) -> (String, Vec<(usize, String)>) {
    let mut out = String::new();
    for d in departments {
        out.push_str("[[departments]]\n");
        out.push_str(&format!("code = {}\n", string(&d.code)));
        out.push_str(&format!("name = {}\n", string(&d.name)));
    }
    out.push_str(&format!("[[{section}]]\n"));
    let mut line = out.lines().count() + 1;
    let mut fields = Vec::new();
    for (key, value) in entry {
        if value.is_null() {
            continue;
        }
        out.push_str(&format!("{} = {}\n", string(key), inline(value)));
        fields.push((line, key.clone()));
        line += 1;
    }
    (out, fields)
}

/// A TOML basic string: JSON's escapes are TOML's (serde_json writes no `\/`).
fn string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// A value as inline TOML; `null` members are left out (TOML has no null: absent is `None`).
fn inline(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        // Only reached inside arrays, where a null is as wrong as in the files.
        Value::Null => "{}".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{} = {}", string(k), inline(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn departments() -> Vec<Department> {
        vec![Department {
            code: "scjgj".into(),
            name: "市场监管局".into(),
        }]
    }

    fn item() -> serde_json::Value {
        serde_json::json!({
            "code": "SC-XK-99", "name": " 测试事项 ", "version": 7, "kind": "promised",
            "category": "license", "department": "scjgj", "legal_basis": "《法》",
            "conditions": ["条件"], "procedure": "流程", "quantity_limit": null,
            "materials": [{"code": "m1", "name": "申请书", "required": true, "tolerable": false,
                           "copies": 1, "form": "original", "note": null}],
            "legal_limit": {"days": 20, "unit": "working_days"},
            "promised_limit": {"days": 10, "unit": "working_days"},
            "statutory": {"acceptance": {"days": 5, "unit": "working_days"},
                          "extension": {"days": 10, "unit": "working_days"},
                          "delivery": {"days": 10, "unit": "working_days"}},
            "warning": {"working_days": 2, "percent": 20},
            "fee": {"amount": "0.00", "basis": "不收费"},
            "result_document": "许可证", "consultation": "电话", "complaint": "12345",
            "stages": [{"code": "s1", "name": "审核", "department": "scjgj", "role": "approver",
                        "limit": {"days": 5, "unit": "working_days"}, "parallel_group": null}]
        })
    }

    #[test]
    fn a_valid_item_comes_back_trimmed() {
        let v = item();
        let checked = check_item(&departments(), v.as_object().unwrap()).unwrap();
        assert_eq!(checked.name, "测试事项");
        assert_eq!(checked.stages.len(), 1);
    }

    #[test]
    fn problems_name_their_field() {
        let mut v = item();
        v["department"] = "nope".into();
        v["promised_limit"]["days"] = 30.into();
        v["stages"][0]["role"] = "clerk".into();
        let errors = check_item(&departments(), v.as_object().unwrap()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"stages"), "{errors:?}");
        let mut v = item();
        v["department"] = "nope".into();
        v["promised_limit"]["days"] = 30.into();
        let errors = check_item(&departments(), v.as_object().unwrap()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"department"), "{errors:?}");
        assert!(fields.contains(&"promised_limit"), "{errors:?}");
    }

    #[test]
    fn windows_are_checked_too() {
        let w = serde_json::json!({"code": "B01", "name": "窗口", "kind": "floating",
                                   "departments": ["scjgj"]});
        let errors = check_window(&departments(), w.as_object().unwrap()).unwrap_err();
        assert!(errors[0].message.en.contains("rota"), "{errors:?}");
        let w = serde_json::json!({"code": "B01", "name": "窗口", "kind": "department",
                                   "departments": ["scjgj"], "rota": null});
        assert_eq!(
            check_window(&departments(), w.as_object().unwrap())
                .unwrap()
                .code,
            "B01"
        );
    }
}
