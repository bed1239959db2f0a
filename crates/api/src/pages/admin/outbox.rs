//! `/admin/outbox` (administrator): the mail outbox, newest first, filtered by state, each
//! message with its recipient, subject, state, attempts, last error and times (the code of
//! `GET /api/v1/admin/outbox`), so that a broken mail server or a bad address is seen.

use actix_web::{get, web, HttpResponse};
use maud::html;
use serde::Deserialize;
use tongban_app::supervision::outbox::{self, OutboxMessage, OutboxQuery};
use tongban_core::role::Role;

use crate::lang::Lang;
use crate::pages::ctx::{Ctx, Out};
use crate::pages::names;
use crate::state::AppState;

const STATES: [(&str, &str, &str); 4] = [
    ("all", "全部", "All"),
    ("waiting", "待发送", "Waiting"),
    ("failing", "发送失败", "Failing"),
    ("sent", "已发送", "Sent"),
];

#[derive(Deserialize)]
pub struct Filter {
    state: Option<String>,
}

fn state_of(m: &OutboxMessage, l: Lang) -> &'static str {
    match (m.sent_at, m.attempts, m.next_attempt_at) {
        (Some(_), ..) => l.pick("已发送", "sent"),
        (None, 0, _) => l.pick("待发送", "waiting"),
        (None, _, Some(_)) => l.pick("发送失败，将重试", "failing, will retry"),
        (None, _, None) => l.pick("发送失败，已停止重试", "failing, retries stopped"),
    }
}

/// `GET /admin/outbox?state=all|waiting|failing|sent`.
#[get("/admin/outbox")]
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: Result<web::Query<Filter>, actix_web::Error>,
) -> HttpResponse {
    let chosen = q.ok().and_then(|q| q.into_inner().state);
    let result = async {
        ctx.staff_in(&[Role::Admin])?;
        let query = OutboxQuery {
            state: chosen.clone(),
            limit: Some(500),
        };
        let messages = outbox::list(&state, &query).await?;
        let chosen = chosen.as_deref().unwrap_or("all");
        let title = ctx.t("发件箱", "Outbox");
        let l = ctx.lang;
        let hall = state.hall;
        let when = |t: Option<chrono::DateTime<chrono::Utc>>| t.map_or("—".to_owned(), |t| names::time(t, hall, l));
        let body = html! {
            h1 { (title) }
            nav.filters aria-label=(ctx.t("按状态筛选", "Filter by state")) {
                ul {
                    @for (key, zh, en) in STATES {
                        li {
                            a href={ "/admin/outbox?state=" (key) } aria-current=[(key == chosen).then_some("page")] { (ctx.t(zh, en)) }
                        }
                    }
                }
            }
            @if messages.is_empty() {
                p #no-messages { (ctx.t("没有符合条件的邮件。", "No messages.")) }
            } @else {
                table.stack #outbox {
                    thead { tr {
                        th scope="col" { (ctx.t("收件人", "Recipient")) }
                        th scope="col" { (ctx.t("主题", "Subject")) }
                        th scope="col" { (ctx.t("状态", "State")) }
                        th scope="col" { (ctx.t("尝试次数", "Attempts")) }
                        th scope="col" { (ctx.t("最近错误", "Last error")) }
                        th scope="col" { (ctx.t("生成时间", "Queued")) }
                        th scope="col" { (ctx.t("发送时间", "Sent")) }
                    } }
                    tbody {
                        @for m in &messages {
                            tr data-message=(m.id) {
                                td data-label=(ctx.t("收件人", "Recipient")) { (m.recipient) }
                                td data-label=(ctx.t("主题", "Subject")) { (m.subject) }
                                td.state data-label=(ctx.t("状态", "State")) { (state_of(m, l)) }
                                td data-label=(ctx.t("尝试次数", "Attempts")) { (m.attempts) }
                                td data-label=(ctx.t("最近错误", "Last error")) { (m.last_error.as_deref().unwrap_or("—")) }
                                td data-label=(ctx.t("生成时间", "Queued")) { (when(Some(m.created_at))) }
                                td data-label=(ctx.t("发送时间", "Sent")) { (when(m.sent_at)) }
                            }
                        }
                    }
                }
            }
        };
        Ok(Out::ok(title, body))
    }
    .await;
    ctx.respond(result)
}
