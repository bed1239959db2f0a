//! The OpenAPI descriptions of the core types the API serializes as they are.
//!
//! The core knows nothing of HTTP or OpenAPI (issue 12, "Types at each boundary"), so the
//! api describes them here: one type per core type, same name, same fields and same serde
//! attributes, never built; a route names it with `#[schema(value_type = ...)]` (or as the
//! `body` of its annotation) while the JSON still comes from the core type's own `Serialize`.
//! The test at the end serializes core values and checks them against these descriptions,
//! so that a field added in the core cannot go undescribed.
#![allow(dead_code)]

mod case;
mod clock;
mod grant;
mod item;

pub use case::*;
pub use clock::*;
pub use grant::*;
pub use item::*;

/// A fee in yuan, written as a decimal string (`tongban_core::item::Yuan`).
#[derive(serde::Serialize)]
pub struct Yuan;

impl utoipa::PartialSchema for Yuan {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^-?\d+(\.\d{1,2})?$"))
            .description(Some(
                "An amount in yuan as a decimal string, e.g. \"12.50\"",
            ))
            .examples([serde_json::json!("12.50")])
            .into()
    }
}

impl utoipa::ToSchema for Yuan {}

#[cfg(test)]
mod tests {
    //! Core values as served, checked against the descriptions in the document: every key of
    //! every object is a described property and every required property is there.

    use serde_json::{json, Value};
    use tongban_core::calendar::{Calendar, YearRule};
    use tongban_core::case::{
        open_case, Actor, Applicant, ApplicantKind, NewCase, SubmittedMaterial,
    };
    use tongban_core::clock::HallTime;
    use tongban_core::role::Role;

    /// Checks `value` against `schema` (resolving `$ref`s into `doc`'s components); the
    /// path of the first mismatch.
    fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/components/schemas/");
            return check(doc, &doc["components"]["schemas"][name], value, at);
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            // A flattened struct: the keys are those of all parts together.
            let mut merged = json!({"type": "object", "properties": {}, "required": []});
            for part in all {
                let part = resolve(doc, part);
                for (k, v) in part["properties"].as_object().into_iter().flatten() {
                    merged["properties"][k] = v.clone();
                }
                for r in part["required"].as_array().into_iter().flatten() {
                    merged["required"].as_array_mut().unwrap().push(r.clone());
                }
            }
            return check(doc, &merged, value, at);
        }
        if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
            return if one.iter().any(|s| check(doc, s, value, at).is_ok()) {
                Ok(())
            } else {
                Err(format!("{at}: matches no variant"))
            };
        }
        match value {
            // A free-form object (the application form) has no properties to check.
            Value::Object(map) if schema.get("properties").is_some() => {
                let props = schema["properties"].as_object();
                for (k, v) in map {
                    let Some(s) = props.and_then(|p| p.get(k)) else {
                        return Err(format!("{at}.{k}: not described"));
                    };
                    check(doc, s, v, &format!("{at}.{k}"))?;
                }
                for r in schema["required"].as_array().into_iter().flatten() {
                    if !map.contains_key(r.as_str().unwrap_or_default()) {
                        return Err(format!("{at}.{r}: required but absent"));
                    }
                }
                Ok(())
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| check(doc, &schema["items"], v, &format!("{at}[{i}]"))),
            _ => Ok(()),
        }
    }

    fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")],
            None => schema,
        }
    }

    fn assert_described<T: serde::Serialize>(doc: &Value, name: &str, value: &T) {
        let value = serde_json::to_value(value).unwrap();
        let schema = &doc["components"]["schemas"][name];
        assert!(schema.is_object(), "no schema {name}");
        if let Err(e) = check(doc, schema, &value, name) {
            panic!("{e}");
        }
    }

    #[test]
    fn core_values_match_their_descriptions() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        let workflows = concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflows");
        let catalogue = tongban_app::catalogue::files::load_dir(workflows.as_ref()).unwrap();
        for item in &catalogue.items {
            assert_described(&doc, "Item", item);
        }
        for window in &catalogue.windows {
            assert_described(&doc, "Window", window);
        }
        for department in &catalogue.departments {
            assert_described(&doc, "Department", department);
        }

        let item = &catalogue.items[0];
        let new = NewCase {
            case_no: "TB2026000001".into(),
            query_code: "Q7K2M9".into(),
            applicant: Applicant {
                kind: ApplicantKind::Person,
                name: "张三".into(),
                id_number: "110101199001011234".into(),
                phone: None,
                email: None,
            },
            materials: item
                .materials
                .iter()
                .map(|m| SubmittedMaterial {
                    code: m.code.clone(),
                    copies: m.copies,
                })
                .collect(),
            form: Some(json!({"note": "x"})),
        };
        let actor = Actor {
            role: Role::Applicant,
            user: "zhang3".into(),
            department: None,
            window: None,
            grant: None,
        };
        let year = YearRule {
            year: 2026,
            holidays: vec![],
            workdays: vec![],
        };
        let calendar = Calendar::from_years("t", &[year]).unwrap();
        let now = "2026-03-02T02:00:00Z".parse().unwrap();
        let opened = open_case(new, item, &actor, now, &calendar, HallTime::shanghai()).unwrap();
        assert_described(&doc, "Case", &opened.case);
        assert_described(&doc, "CaseEvent", &opened.event);
    }
}
