//! Statistics for the supervision office: the table of `GET /api/v1/supervision/stats` per
//! department, window or item over a period, three charts drawn on the server (on-time rate
//! by department, overdue cases over the period, average working days by item), each with
//! the same numbers in a table, and the CSV download of the table.

use actix_web::{get, http::header, web, HttpResponse};
use chrono::{Datelike, NaiveDate};
use maud::{html, Markup};
use serde::Deserialize;

use crate::lang::Lang;
use tongban_app::supervision::stats::{self, StatsQuery, StatsReport};
use tongban_app::Code;
use tongban_core::supervision::stats::{Bucket, GroupBy, StatsRow};

use crate::pages::chart::{self, Bar, Chart};
use crate::pages::ctx::{Ctx, Out, PageErr, PageResult, OVERSEERS};
use crate::pages::lang::encode;
use crate::pages::names;
use crate::problem::Problem;
use crate::routes::supervision::csv_answer;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    group_by: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl PeriodQuery {
    fn api(&self) -> StatsQuery {
        StatsQuery {
            group_by: self.group_by.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

fn group_name(ctx: &Ctx, g: GroupBy) -> &'static str {
    match g {
        GroupBy::Department => ctx.t("部门", "Department"),
        GroupBy::Window => ctx.t("窗口", "Window"),
        GroupBy::Item => ctx.t("事项", "Item"),
    }
}

fn optional(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), chart::num)
}

/// The form choosing the grouping and the period.
fn period_form(ctx: &Ctx, group_by: GroupBy, from: &str, to: &str) -> Markup {
    html! {
        form.search #stats-form method="get" action="/staff/supervision/stats" {
            div {
                label for="group_by" { (ctx.t("统计维度", "Group by")) }
                select #group_by name="group_by" {
                    @for g in [GroupBy::Department, GroupBy::Window, GroupBy::Item] {
                        option value=(g.as_str()) selected[g == group_by] { (group_name(ctx, g)) }
                    }
                }
            }
            div {
                label for="from" { (ctx.t("起始日期", "From")) }
                input #from type="date" name="from" value=(from);
            }
            div {
                label for="to" { (ctx.t("截止日期", "To")) }
                input #to type="date" name="to" value=(to);
            }
            button #show-stats type="submit" { (ctx.t("统计", "Show")) }
        }
    }
}

/// The main table: every column of the statistics, a row per group and the total.
fn table(ctx: &Ctx, report: &StatsReport) -> Markup {
    let heads = [
        ctx.t("收件", "Received"),
        ctx.t("受理", "Accepted"),
        ctx.t("不予受理", "Not accepted"),
        ctx.t("办结", "Concluded"),
        ctx.t("按时", "On time"),
        ctx.t("提前", "Early"),
        ctx.t("超承诺时限", "Past the promise"),
        ctx.t("超法定时限", "Past the legal limit"),
        ctx.t("按时率", "On-time rate"),
        ctx.t("平均用时（工作日）", "Average working days"),
        ctx.t("满意度", "Satisfaction"),
        ctx.t("评价数", "Ratings"),
    ];
    let cells = |r: &StatsRow| -> [String; 12] {
        [
            r.received.to_string(),
            r.accepted.to_string(),
            r.refused.to_string(),
            r.concluded.to_string(),
            r.on_time.to_string(),
            r.early.to_string(),
            r.overdue.to_string(),
            r.overdue_legal.to_string(),
            r.on_time_rate()
                .map_or_else(|| "—".to_owned(), |x| format!("{}%", chart::num(x))),
            optional(r.average_working_days),
            optional(r.satisfaction),
            r.evaluations.to_string(),
        ]
    };
    let group = group_name(ctx, report.group_by);
    // Fourteen columns do not stack well on a phone (a card of fourteen lines per group):
    // the table scrolls sideways instead, its first column kept in view.
    html! {
        div.table-scroll role="region" aria-labelledby="stats-caption" tabindex="0" {
        table.wide #stats-table {
            caption #stats-caption { (ctx.t("统计表", "Statistics")) " · " (group) }
            thead { tr {
                th scope="col" { (group) }
                @for h in heads { th scope="col" { (h) } }
            } }
            tbody {
                @for (r, name) in report.rows.iter().map(|r| (r, r.name.as_str()))
                    .chain(std::iter::once((&report.total, ctx.t("合计", "Total")))) {
                    tr data-key=(r.key) {
                        th scope="row" data-label=(group) { (name) }
                        @for (h, c) in heads.iter().zip(cells(r)) {
                            td data-label=(h) { (c) }
                        }
                    }
                }
            }
        }
        }
    }
}

/// A chart and the table of its numbers.
/// `draw`: [`chart::horizontal`] or [`chart::columns`]; `collapsed`: the table folded away
/// (a long series).
fn figure(
    ctx: &Ctx,
    chart: &Chart,
    draw: fn(&Chart) -> Markup,
    (label, value): (&str, &str),
    collapsed: bool,
) -> Markup {
    let data = html! {
        table.pairs id={ (chart.id) "-data" } {
            caption { (chart.title) }
            thead { tr { th scope="col" { (label) } th scope="col" { (value) } } }
            tbody {
                @for b in chart.bars {
                    tr { th scope="row" data-label=(label) { (b.label) } td data-label=(value) { (b.text) } }
                }
            }
        }
    };
    html! {
        figure.chart-figure aria-labelledby={ (chart.id) "-caption" } {
            figcaption id={ (chart.id) "-caption" } { (chart.title) }
            p.hint { (chart.desc) }
            div.chart-wrap { (draw(chart)) }
            @if collapsed {
                details { summary { (ctx.t("数据表", "Data table")) } (data) }
            } @else {
                (data)
            }
        }
    }
}

/// The three charts: on-time rate by department, overdue cases over the period (`series`,
/// cut by `bucket`), average working days by item.
fn charts(
    ctx: &Ctx,
    departments: &StatsReport,
    items: &StatsReport,
    series: &[(NaiveDate, u64)],
    bucket: Bucket,
) -> Markup {
    let l = ctx.lang;
    // Short dates under the columns when the period is within one year.
    let one_year = series
        .first()
        .zip(series.last())
        .is_some_and(|(a, b)| a.0.year() == b.0.year());
    let date_format = if one_year { "%m-%d" } else { "%Y-%m-%d" };
    // Only the groups that received cases in the period: the table lists them all.
    let rate_bars: Vec<Bar> = departments
        .rows
        .iter()
        .filter(|r| r.received > 0)
        .map(|r| Bar {
            label: r.name.clone(),
            value: r.on_time_rate(),
            text: match r.on_time_rate() {
                Some(x) => format!(
                    "{}%（{}/{}）",
                    chart::num(x),
                    r.on_time,
                    r.on_time + r.overdue
                ),
                None => ctx.t("无已到期办件", "nothing due yet").to_owned(),
            },
        })
        .collect();
    let series_bars: Vec<Bar> = series
        .iter()
        .map(|(d, n)| Bar {
            label: d.format(date_format).to_string(),
            value: Some(*n as f64),
            text: n.to_string(),
        })
        .collect();
    let item_bars: Vec<Bar> = items
        .rows
        .iter()
        .filter(|r| r.received > 0)
        .map(|r| Bar {
            label: r.name.clone(),
            value: r.average_working_days,
            text: match r.average_working_days {
                Some(x) => match l {
                    Lang::Zh => format!("{} 个工作日", chart::num(x)),
                    Lang::En => format!("{} working days", chart::num(x)),
                },
                None => ctx.t("无已决定办件", "nothing decided").to_owned(),
            },
        })
        .collect();
    let per = match bucket {
        Bucket::Day => ctx.t("按收件日", "by day received"),
        Bucket::Week => ctx.t("按收件周（周一起）", "by week received (from Monday)"),
    };
    let series_desc = match l {
        Lang::Zh => format!("期间收件中超期的办件数，{per}。各柱之和等于统计表的超期合计。"),
        Lang::En => format!("Overdue cases among those received in the period, {per}. The bars add up to the table's overdue total."),
    };
    html! {
        h2 #charts { (ctx.t("统计图", "Charts")) }
        (figure(ctx, &Chart {
            id: "chart-on-time",
            title: ctx.t("各部门按时办结率", "On-time rate by department"),
            desc: ctx.t(
                "期间有收件的部门：按时办结的办件占已办结和已超期办件的百分比；没有到期办件的部门不画柱。",
                "Departments that received cases in the period: cases decided on time as a percentage of those decided or past their promised deadline; a department with none has no bar.",
            ),
            max: Some(100.0),
            bars: &rate_bars,
        }, chart::horizontal, (ctx.t("部门", "Department"), ctx.t("按时率", "On-time rate")), false))
        (figure(ctx, &Chart {
            id: "chart-overdue",
            title: ctx.t("超期办件趋势", "Overdue cases over the period"),
            desc: &series_desc,
            max: None,
            bars: &series_bars,
        }, chart::columns, (ctx.t("日期", "Date"), ctx.t("超期办件", "Overdue cases")), true))
        (figure(ctx, &Chart {
            id: "chart-days",
            title: ctx.t("各事项平均办理用时", "Average working days by item"),
            desc: ctx.t(
                "期间有收件的事项：自受理至作出决定的平均工作日数（不含特别程序）；没有已决定办件的事项不画柱。",
                "Items that received cases in the period: average working days from acceptance to decision, special procedures not counted; an item with no decided case has no bar.",
            ),
            max: None,
            bars: &item_bars,
        }, chart::horizontal, (ctx.t("事项", "Item"), ctx.t("平均用时", "Average")), false))
    }
}

async fn stats_page(ctx: &Ctx, state: &AppState, q: PeriodQuery) -> PageResult {
    ctx.staff_in(OVERSEERS)?;
    let title = ctx.t("统计分析", "Statistics");
    let cases = match stats::read_period(&state.app, &q.api()).await {
        Ok(c) => c,
        Err(e) if e.code == Code::InvalidQuery => {
            let p = Problem::from(e);
            let body = html! {
                h1 { (title) }
                div.error-summary role="alert" #stats-error { p { (ctx.text(&p.detail)) } }
                (period_form(ctx, GroupBy::Department, q.from.as_deref().unwrap_or(""), q.to.as_deref().unwrap_or("")))
            };
            return Ok(Out::Page {
                status: p.status,
                title: title.to_owned(),
                body,
            });
        }
        Err(e) => return Err(Problem::from(e).into()),
    };
    let asked = cases.asked;
    let by = |g: GroupBy| stats::report(&state.app, &cases, g);
    let main = by(asked.group_by).await.map_err(Problem::from)?;
    let departments = by(GroupBy::Department).await.map_err(Problem::from)?;
    let items = by(GroupBy::Item).await.map_err(Problem::from)?;
    let bucket = Bucket::for_period(asked.from, asked.to);
    let series = cases.overdue_series(bucket);
    let (from, to) = (asked.from.to_string(), asked.to.to_string());
    let csv_link = format!(
        "/staff/supervision/stats.csv?group_by={}&from={}&to={}",
        asked.group_by.as_str(),
        encode(&from),
        encode(&to)
    );
    let l = ctx.lang;
    let body = html! {
        h1 { (title) }
        (period_form(ctx, asked.group_by, &from, &to))
        p #stats-period {
            (ctx.t("统计期间收件的办件：", "Cases received from "))
            (names::date(asked.from, l)) (ctx.t(" 至 ", " to ")) (names::date(asked.to, l))
            (ctx.t("；超期按 ", "; overdue as of "))
            (names::time(main.generated_at, state.hall, l))
            (ctx.t(" 计。", "."))
        }
        p { a.button.secondary #csv-export href=(csv_link) download { (ctx.t("导出 CSV", "Download CSV")) } }
        (table(ctx, &main))
        (charts(ctx, &departments, &items, &series, bucket))
    };
    Ok(Out::ok(title, body))
}

/// `GET /staff/supervision/stats?group_by=&from=&to=`.
#[get("/staff/supervision/stats")]
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: Result<web::Query<PeriodQuery>, actix_web::Error>,
) -> HttpResponse {
    let q = q.map(|q| q.into_inner()).unwrap_or_default();
    let result = stats_page(&ctx, &state, q).await;
    ctx.respond(result)
}

async fn csv_download(
    ctx: &Ctx,
    state: &AppState,
    q: PeriodQuery,
) -> Result<HttpResponse, PageErr> {
    ctx.staff_in(OVERSEERS)?;
    let table = stats::statistics(&state.app, &q.api())
        .await
        .map_err(Problem::from)?;
    let mut res = csv_answer(&table, ctx.lang)?;
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// `GET /staff/supervision/stats.csv?group_by=&from=&to=`: the table as the CSV of
/// `GET /api/v1/supervision/stats`, as a download.
#[get("/staff/supervision/stats.csv")]
pub async fn csv(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: Result<web::Query<PeriodQuery>, actix_web::Error>,
) -> HttpResponse {
    let q = q.map(|q| q.into_inner()).unwrap_or_default();
    match csv_download(&ctx, &state, q).await {
        Ok(res) => res,
        Err(e) => ctx.respond(Err(e)),
    }
}
