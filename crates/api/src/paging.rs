//! Pagination of lists: `?page=&per_page=` (default 50, at most 500) and a `total`.

use serde::{Deserialize, Serialize};
use tongban_app::Code;
use utoipa::{IntoParams, ToSchema};

use crate::problem::{Problem, Text};

pub const DEFAULT_PER_PAGE: u32 = 50;
pub const MAX_PER_PAGE: u32 = 500;

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
pub struct PageQuery {
    /// 1-based page number.
    pub page: Option<u32>,
    /// Rows per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

impl TryFrom<PageQuery> for Page {
    type Error = Problem;
    fn try_from(q: PageQuery) -> Result<Self, Problem> {
        let page = q.page.unwrap_or(1);
        let per_page = q.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if page == 0 {
            return Err(Problem::bad_request(
                Code::InvalidPage,
                Text::new("page 从 1 开始。", "`page` starts at 1."),
            )
            .with_field("page", Text::new("必须大于 0", "must be at least 1")));
        }
        if per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(Problem::bad_request(
                Code::InvalidPage,
                Text::new(
                    format!("per_page 必须在 1 到 {MAX_PER_PAGE} 之间。"),
                    format!("`per_page` must be between 1 and {MAX_PER_PAGE}."),
                ),
            )
            .with_field(
                "per_page",
                Text::new(
                    format!("1 到 {MAX_PER_PAGE}"),
                    format!("1 to {MAX_PER_PAGE}"),
                ),
            ));
        }
        Ok(Page { page, per_page })
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Paged<T> {
    /// Pages a list held in memory.
    pub fn of(all: Vec<T>, page: Page) -> Self {
        let total = all.len() as u64;
        let items = all
            .into_iter()
            .skip(page.offset() as usize)
            .take(page.per_page as usize)
            .collect();
        Paged {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        }
    }
}
