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
