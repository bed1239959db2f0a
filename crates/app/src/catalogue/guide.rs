//! The public service guide (办事指南): the current version of each item, the departments
//! and the windows of the hall, as the database holds them now (a version published at
//! another process shows at once).

use std::sync::Arc;

use tongban_core::catalogue::Department;
use tongban_core::grant::Window;
use tongban_core::item::{Item, ItemKind};

use crate::error::{AppResult, Code, Error, Text};
use crate::{App, Config};

/// What the JSON guide filters on.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// Implementing department (code).
    pub department: Option<String>,
    pub kind: Option<ItemKind>,
    /// Words to look for in the item's name or code.
    pub q: Option<String>,
}

/// Current versions of the items the filter selects, by code.
pub async fn items(app: &App, filter: &ItemFilter) -> AppResult<Vec<Item>> {
    let config = app.config().await?;
    let q = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    Ok(config
        .catalogue
        .items()
        .filter(|i| {
            filter
                .department
                .as_deref()
                .is_none_or(|d| i.department == d)
        })
        .filter(|i| filter.kind.is_none_or(|k| i.kind == k))
        .filter(|i| q.is_none_or(|q| i.name.contains(q) || i.code.contains(q)))
        .cloned()
        .collect())
}

/// The current version of one item.
pub async fn item(app: &App, code: &str) -> AppResult<Item> {
    let config = app.config().await?;
    config
        .catalogue
        .item(code)
        .cloned()
        .ok_or_else(|| no_such_item(code))
}

pub fn no_such_item(code: &str) -> Error {
    Error::not_found(
        Code::NoSuchItem,
        Text::new(
            format!("没有编码为 {code} 的事项。"),
            format!("There is no item with code {code}."),
        ),
    )
}

pub async fn departments(app: &App) -> AppResult<Vec<Department>> {
    Ok(app.config().await?.catalogue.departments.clone())
}

pub async fn windows(app: &App) -> AppResult<Vec<Window>> {
    Ok(app.config().await?.catalogue.windows.clone())
}

/// The guide pages' view: the configuration now, to search and render from one copy.
pub async fn snapshot(app: &App) -> AppResult<Arc<Config>> {
    app.config().await
}

/// Whether `item` matches every word of `q` (in its name, code or department name, any
/// case): the search of the guide pages.
pub fn matches(item: &Item, department_name: &str, q: &str) -> bool {
    let hay = format!("{} {} {}", item.name, item.code, department_name).to_lowercase();
    q.split_whitespace()
        .all(|word| hay.contains(&word.to_lowercase()))
}

/// The items of the guide pages' search: of department `dept` (empty: all) matching `q`.
pub fn search<'a>(config: &'a Config, q: &str, dept: &str) -> Vec<&'a Item> {
    let catalogue = &config.catalogue;
    let dept_name = |code: &str| {
        catalogue
            .department(code)
            .map_or_else(|| code.to_owned(), |d| d.name.clone())
    };
    catalogue
        .items()
        .filter(|i| dept.is_empty() || i.department == dept)
        .filter(|i| matches(i, &dept_name(&i.department), q))
        .collect()
}
