//! The catalogue as the server reads it: departments, windows and every version of every
//! item, held in memory because every request touches it and it changes rarely.

use std::collections::BTreeMap;

use tongban_core::catalogue::{Catalogue, Department};
use tongban_core::grant::Window;
use tongban_core::item::Item;

#[derive(Debug, Clone, Default)]
pub struct CatalogueView {
    pub departments: Vec<Department>,
    pub windows: Vec<Window>,
    /// Versions of each item, oldest first.
    items: BTreeMap<String, Vec<Item>>,
}

impl CatalogueView {
    pub fn new(departments: Vec<Department>, windows: Vec<Window>, items: Vec<Item>) -> Self {
        let mut by_code: BTreeMap<String, Vec<Item>> = BTreeMap::new();
        for item in items {
            by_code.entry(item.code.clone()).or_default().push(item);
        }
        for versions in by_code.values_mut() {
            versions.sort_by_key(|i| i.version);
        }
        CatalogueView {
            departments,
            windows,
            items: by_code,
        }
    }

    pub fn from_catalogue(c: &Catalogue) -> Self {
        CatalogueView::new(c.departments.clone(), c.windows.clone(), c.items.clone())
    }

    /// The current version of an item.
    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items.get(code).and_then(|v| v.last())
    }

    /// The version a case was accepted under.
    pub fn item_version(&self, code: &str, version: u32) -> Option<&Item> {
        self.items
            .get(code)
            .and_then(|v| v.iter().find(|i| i.version == version))
    }

    /// Every version of an item, oldest first (none for an unknown code).
    pub fn versions(&self, code: &str) -> &[Item] {
        self.items.get(code).map_or(&[], Vec::as_slice)
    }

    /// Current versions of all items, by code.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.items.values().filter_map(|v| v.last())
    }

    pub fn add_version(&mut self, item: Item) {
        let versions = self.items.entry(item.code.clone()).or_default();
        versions.push(item);
        versions.sort_by_key(|i| i.version);
    }

    pub fn department(&self, code: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.code == code)
    }

    pub fn window(&self, code: &str) -> Option<&Window> {
        self.windows.iter().find(|w| w.code == code)
    }
}
