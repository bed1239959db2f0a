//! The page links under a long list: previous, "n / m", next.

use maud::{html, Markup};

use super::ctx::Ctx;

/// Links to the pages around `page` of `pages`; nothing when everything fits on one page.
/// `link(p)` is the address of page `p`.
pub fn pager(ctx: &Ctx, page: u64, pages: u64, link: impl Fn(u64) -> String) -> Markup {
    html! {
        @if pages > 1 {
            nav.pager aria-label=(ctx.t("分页", "Pages")) {
                p {
                    @if page > 1 { a #prev-page href=(link(page - 1)) { "← " (ctx.t("上一页", "Previous")) } " " }
                    (page) " / " (pages)
                    @if page < pages { " " a #next-page href=(link(page + 1)) { (ctx.t("下一页", "Next")) " →" } }
                }
            }
        }
    }
}
