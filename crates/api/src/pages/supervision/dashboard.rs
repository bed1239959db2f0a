//! The supervisor's dashboard (监察工作台): open alerts by level, department and window, how
//! long the open reds have lasted, the alerts raised per day over the last four weeks (an
//! SVG chart without script, with the same numbers in a table) and the urging orders whose
//! reply is overdue.

use actix_web::{get, web, HttpResponse};
use maud::{html, Markup};
use tongban_app::supervision::desk::{self, Tally};

use super::words;
use crate::lang::Lang;
use crate::pages::chart::{self, Bar, Chart};
use crate::pages::ctx::{Ctx, Out, PageResult, OVERSEERS};
use crate::pages::names;
use crate::problem::Problem;
use crate::state::AppState;

fn tallies(
    ctx: &Ctx,
    id: &str,
    head: &str,
    rows: &[Tally],
    name: impl Fn(&str) -> String,
) -> Markup {
    html! {
        table.stack id=(id) {
            thead { tr {
                th scope="col" { (head) }
                th scope="col" { (ctx.t("红牌", "Red")) }
                th scope="col" { (ctx.t("黄牌", "Yellow")) }
            } }
            tbody {
                @if rows.is_empty() {
                    tr { td colspan="3" { (ctx.t("没有未关闭的预警。", "No open alert.")) } }
                }
                @for t in rows {
                    tr {
                        td data-label=(head) { (t.key.as_deref().map_or_else(|| ctx.t("（无）", "(none)").to_owned(), &name)) }
                        td data-label=(ctx.t("红牌", "Red")) { (t.red) }
                        td data-label=(ctx.t("黄牌", "Yellow")) { (t.yellow) }
                    }
                }
            }
        }
    }
}

async fn dashboard_page(ctx: &Ctx, state: &AppState) -> PageResult {
    ctx.staff_in(OVERSEERS)?;
    let d = desk::dashboard(&state.app).await.map_err(Problem::from)?;
    let catalogue = state.catalogue();
    let l = ctx.lang;
    let title = ctx.t("监察工作台", "Supervision desk");
    let trend: Vec<Bar> = d
        .trend
        .iter()
        .map(|day| Bar {
            label: day.date.format("%m-%d").to_string(),
            value: Some((day.yellow + day.red) as f64),
            text: match l {
                Lang::Zh => format!("红牌 {}，黄牌 {}", day.red, day.yellow),
                Lang::En => format!("{} red, {} yellow", day.red, day.yellow),
            },
        })
        .collect();
    let lasting: Vec<Bar> = d
        .lasting
        .iter()
        .map(|b| Bar {
            label: match (b.to, l) {
                (Some(to), Lang::Zh) => format!("{}–{} 天", b.from, to),
                (Some(to), Lang::En) => format!("{}–{} days", b.from, to),
                (None, Lang::Zh) => format!("{} 天以上", b.from),
                (None, Lang::En) => format!("{}+ days", b.from),
            },
            value: Some(b.reds as f64),
            text: b.reds.to_string(),
        })
        .collect();
    let department = |code: &str| {
        catalogue
            .department(code)
            .map_or(code.to_owned(), |x| x.name.clone())
    };
    let window = |code: &str| {
        catalogue
            .window(code)
            .map_or(code.to_owned(), |w| format!("{} {}", w.code, w.name))
    };
    let body = html! {
        h1 { (title) }
        p.hint { (ctx.t("截至 ", "As of ")) (names::time(d.at, state.hall, l)) }
        dl.facts #desk-totals {
            dt { (ctx.t("未关闭红牌", "Open red alerts")) } dd #open-red { a href="/staff/supervision/alerts?level=red&status=open" { strong { (d.red) } } }
            dt { (ctx.t("未关闭黄牌", "Open yellow alerts")) } dd #open-yellow { a href="/staff/supervision/alerts?level=yellow&status=open" { strong { (d.yellow) } } }
            dt { (ctx.t("督办待回复", "Urging orders awaiting a reply")) } dd #urging-awaited { (d.urging_awaited) }
            dt { (ctx.t("督办逾期未回复", "Urging orders overdue")) } dd #urging-overdue-count { strong { (d.urging_overdue.len()) } }
        }
        h2 #overdue-orders { (ctx.t("督办逾期未回复", "Urging orders with an overdue reply")) }
        @if d.urging_overdue.is_empty() {
            p { (ctx.t("没有逾期未回复的督办单。", "No urging order is overdue.")) }
        } @else {
            table.stack #urging-overdue aria-labelledby="overdue-orders" {
                thead { tr {
                    th scope="col" { (ctx.t("预警", "Alert")) }
                    th scope="col" { (ctx.t("办件", "Case")) }
                    th scope="col" { (ctx.t("责任部门", "Department")) }
                    th scope="col" { (ctx.t("回复期限", "Reply due")) }
                } }
                tbody {
                    @for o in &d.urging_overdue {
                        tr.row-red {
                            td data-label=(ctx.t("预警", "Alert")) { a href={ "/staff/supervision/alerts/" (o.alert_id) } { "#" (o.alert_id) } " " (words::reply(o.state, l)) }
                            td data-label=(ctx.t("办件", "Case")) { (o.case_no.as_deref().unwrap_or("—")) }
                            td data-label=(ctx.t("责任部门", "Department")) { (department(&o.department)) }
                            td data-label=(ctx.t("回复期限", "Reply due")) { (names::date(o.reply_due_date, l)) }
                        }
                    }
                }
            }
        }
        h2 { (ctx.t("未关闭预警：按部门", "Open alerts by department")) }
        (tallies(ctx, "by-department", ctx.t("部门", "Department"), &d.by_department, department))
        h2 { (ctx.t("未关闭预警：按窗口", "Open alerts by window")) }
        (tallies(ctx, "by-window", ctx.t("收件窗口", "Window"), &d.by_window, window))
        h2 { (ctx.t("红牌已持续天数", "How long the open reds have lasted")) }
        (chart::horizontal(&Chart {
            id: "chart-lasting",
            title: ctx.t("红牌已持续天数", "Days since the open reds were raised"),
            desc: ctx.t("按自发出红牌以来的自然日分组的未关闭红牌数", "Open red alerts by natural days since raised"),
            max: None,
            bars: &lasting,
        }))
        h2 { (ctx.t("近四周每日新发预警", "Alerts raised per day, last four weeks")) }
        (chart::columns(&Chart {
            id: "chart-trend",
            title: ctx.t("每日新发预警", "Alerts raised per day"),
            desc: ctx.t("近 28 天每天发出的红牌和黄牌数", "Red and yellow alerts raised on each of the last 28 days"),
            max: None,
            bars: &trend,
        }))
        table.stack #trend-table {
            thead { tr {
                th scope="col" { (ctx.t("日期", "Date")) }
                th scope="col" { (ctx.t("红牌", "Red")) }
                th scope="col" { (ctx.t("黄牌", "Yellow")) }
            } }
            tbody {
                @for day in d.trend.iter().filter(|day| day.red + day.yellow > 0) {
                    tr {
                        td data-label=(ctx.t("日期", "Date")) { (names::date(day.date, l)) }
                        td data-label=(ctx.t("红牌", "Red")) { (day.red) }
                        td data-label=(ctx.t("黄牌", "Yellow")) { (day.yellow) }
                    }
                }
            }
        }
    };
    Ok(Out::ok(title, body))
}

/// `GET /staff/supervision`.
#[get("/staff/supervision")]
pub async fn show(ctx: Ctx, state: web::Data<AppState>) -> HttpResponse {
    let result = dashboard_page(&ctx, &state).await;
    ctx.respond(result)
}
