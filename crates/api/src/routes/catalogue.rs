//! The public service guide: items, departments, windows.

use actix_web::{get, web};
use serde::Deserialize;
use tongban_core::catalogue::Department;
use tongban_core::grant::Window;
use tongban_core::item::{Item, ItemKind};
use utoipa::IntoParams;

use tongban_app::catalogue::guide;

use crate::paging::{Page, PageQuery, Paged};
use crate::problem::Problem;
use crate::schemas;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ItemFilter {
    /// Implementing department code.
    pub department: Option<String>,
    #[param(value_type = Option<schemas::ItemKind>)]
    pub kind: Option<ItemKind>,
    /// Words to look for in the item's name or code.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The service guide: current versions of the items, filtered.
#[utoipa::path(
    tag = "catalogue",
    params(ItemFilter),
    responses((status = 200, body = Paged<schemas::Item>), (status = 400, description = "Bad filter"))
)]
#[get("/api/v1/items")]
pub async fn list_items(
    state: web::Data<AppState>,
    filter: web::Query<ItemFilter>,
) -> Result<web::Json<Paged<Item>>, Problem> {
    let page = Page::try_from(PageQuery {
        page: filter.page,
        per_page: filter.per_page,
    })?;
    let ItemFilter {
        department,
        kind,
        q,
        ..
    } = filter.into_inner();
    let filter = guide::ItemFilter {
        department,
        kind,
        q,
    };
    let items = guide::items(&state, &filter).await?;
    Ok(web::Json(Paged::of(items, page)))
}

/// One item's full service guide (current version).
#[utoipa::path(
    tag = "catalogue",
    params(("code" = String, Path, description = "Item code")),
    responses((status = 200, body = schemas::Item), (status = 404, description = "No such item"))
)]
#[get("/api/v1/items/{code}")]
pub async fn get_item(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<web::Json<Item>, Problem> {
    Ok(web::Json(guide::item(&state, &code).await?))
}

/// The departments stationed in the hall.
#[utoipa::path(tag = "catalogue", responses((status = 200, body = Vec<schemas::Department>)))]
#[get("/api/v1/departments")]
pub async fn list_departments(
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<Department>>, Problem> {
    Ok(web::Json(guide::departments(&state).await?))
}

/// The windows of the hall, with their kind, departments and rota.
#[utoipa::path(tag = "catalogue", responses((status = 200, body = Vec<schemas::Window>)))]
#[get("/api/v1/windows")]
pub async fn list_windows(state: web::Data<AppState>) -> Result<web::Json<Vec<Window>>, Problem> {
    Ok(web::Json(guide::windows(&state).await?))
}

/// Mounts this module's routes.
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(list_items);
    cfg.service(get_item);
    cfg.service(list_departments);
    cfg.service(list_windows);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_items, get_item, list_departments, list_windows))]
pub struct Doc;
