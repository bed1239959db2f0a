//! `/admin/calendar` (administrator): the years of the national calendar (official with their
//! notice, provisional with the rule), the last official day and the days left, the warning
//! from 60 days before it, the latest re-projections; and the form to load or correct a year,
//! with 预览影响 (what would move, nothing changed: `set_year::impact`) and 载入
//! (`set_year::set_year`, the code of `PUT /api/v1/calendar/years/{year}`).

use actix_web::{get, http::StatusCode, post, web, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Deserialize;
use tongban_app::calendars::set_year::{self, YearSet};
use tongban_app::calendars::years::{self as years_case, Horizon, Years};
use tongban_app::error::FieldError;
use tongban_core::calendar::YearRule;
use tongban_core::case::DueMove;
use tongban_core::role::Role;

use crate::lang::Lang;
use crate::pages::case_parts::provisional_badge;
use crate::pages::ctx::{Ctx, Out, PageErr, PageResult};
use crate::pages::deadline::clock_name;
use crate::pages::form::{Form, Posted};
use crate::pages::names;
use crate::problem::{Problem, Text};
use crate::state::AppState;

/// The most dates one range may stand for: a year.
const MAX_RANGE_DAYS: i64 = 366;

/// What the administrator typed, kept to show the form again.
#[derive(Debug, Default, Clone)]
struct Entered {
    year: String,
    holidays: String,
    workdays: String,
    source: String,
}

impl Entered {
    fn of(form: &Form) -> Entered {
        Entered {
            year: form.get("year").to_owned(),
            holidays: form.get("holidays").to_owned(),
            workdays: form.get("workdays").to_owned(),
            source: form.get("source").to_owned(),
        }
    }
}

/// What the page shows under the form: the preview of a year, or the form's errors.
enum Outcome {
    Nothing,
    Preview {
        year: i32,
        lines: Vec<(String, DueMove)>,
    },
    Invalid(Problem),
}

/// The horizon warning in the page language, when it is due.
pub fn horizon_warning(l: Lang, horizon: &Horizon) -> Markup {
    html! {
        @if horizon.warns() {
            div.horizon-warning #horizon-warning role="alert" {
                p {
                    strong { (l.pick("工作日历预警：", "Calendar warning: ")) }
                    (match l { Lang::Zh => horizon.warning_zh(), Lang::En => horizon.warning_en() })
                }
            }
        }
    }
}

/// Dates typed one a line (or separated by commas), each `YYYY-MM-DD` or a range
/// `YYYY-MM-DD..YYYY-MM-DD` (both ends included). Every bad line is named in `errors`.
fn parse_dates(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Vec<NaiveDate> {
    let mut dates = Vec::new();
    let tokens = text
        .lines()
        .enumerate()
        .flat_map(|(n, line)| {
            line.split([',', '，', '、'])
                .map(move |t| (n + 1, t.trim()))
        })
        .filter(|(_, t)| !t.is_empty());
    for (line, token) in tokens {
        let parse = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        let range = match token.split_once("..") {
            Some((a, b)) => parse(a).zip(parse(b)),
            None => parse(token).map(|d| (d, d)),
        };
        match range {
            Some((from, to)) if from <= to && (to - from).num_days() < MAX_RANGE_DAYS => {
                dates.extend(from.iter_days().take_while(|d| *d <= to));
            }
            Some(_) => errors.push(FieldError {
                field: field.to_owned(),
                message: Text::new(
                    format!("第 {line} 行“{token}”：起始日期须不晚于结束日期，且跨度不超过一年"),
                    format!("line {line} “{token}”: a range must run forward and span at most a year"),
                ),
            }),
            None => errors.push(FieldError {
                field: field.to_owned(),
                message: Text::new(
                    format!("第 {line} 行“{token}”不是日期（YYYY-MM-DD）或日期范围（YYYY-MM-DD..YYYY-MM-DD）"),
                    format!("line {line} “{token}” is not a date (YYYY-MM-DD) or a range (YYYY-MM-DD..YYYY-MM-DD)"),
                ),
            }),
        }
    }
    dates
}

/// The year and its dates from the form, or the 422 naming every bad field.
fn read_rule(entered: &Entered) -> Result<YearRule, Problem> {
    let mut errors = Vec::new();
    let year = match entered.year.parse::<i32>() {
        Ok(y) if (2004..=2100).contains(&y) => Some(y),
        _ => {
            errors.push(FieldError {
                field: "year".to_owned(),
                message: Text::new(
                    "年度须为 2004 至 2100 之间的四位数字",
                    "the year must be four digits from 2004 to 2100",
                ),
            });
            None
        }
    };
    let holidays = parse_dates("holidays", &entered.holidays, &mut errors);
    let workdays = parse_dates("workdays", &entered.workdays, &mut errors);
    match year {
        Some(year) if errors.is_empty() => Ok(YearRule {
            year,
            holidays,
            workdays,
        }),
        _ => {
            let mut fields = tongban_app::validate::Fields::default();
            for e in errors {
                fields.error(&e.field, e.message.zh, e.message.en);
            }
            match fields.finish() {
                Err(e) => Err(e.into()),
                // Unreachable (a missing year always has its error), but a page, not a panic.
                Ok(()) => Err(tongban_app::validate::Fields::invalid(
                    "year",
                    "年度有误",
                    "the year is not valid",
                )
                .into()),
            }
        }
    }
}

/// The form field an error of the use case belongs to (`holidays[3]` → `holidays`).
fn field_of(error: &FieldError) -> &'static str {
    let f = error.field.as_str();
    if f.starts_with("holidays") {
        "holidays"
    } else if f.starts_with("workdays") {
        "workdays"
    } else if f.starts_with("source") {
        "source"
    } else {
        "year"
    }
}

/// The use case names a bad entry by its place in the list sent (`workdays[0]`) with an
/// English text only (the calendar file's message); the page names the date and says it in
/// the page's language too.
fn in_words(mut problem: Problem, rule: &YearRule) -> Problem {
    for e in &mut problem.errors {
        let place = e.field.split_once('[').and_then(|(list, rest)| {
            Some((list, rest.trim_end_matches(']').parse::<usize>().ok()?))
        });
        let date = match place {
            Some(("holidays", i)) => rule.holidays.get(i),
            Some(("workdays", i)) => rule.workdays.get(i),
            _ => None,
        };
        let Some(date) = date else { continue };
        let en = e.message.en.clone();
        let zh = if en.contains("is not in this year") {
            format!("{date} 不在 {} 年内", rule.year)
        } else if en.contains("listed more than once") {
            format!("{date} 重复列出")
        } else if en.contains("both as a holiday and as a working day") {
            format!("{date} 同时列为放假日期和调休上班日期")
        } else if en.contains("adjusted working days") {
            format!("{date} 本为工作日；调休上班日期须为星期六或星期日")
        } else {
            format!("{date}：{en}")
        };
        e.message = Text::new(zh, en);
    }
    problem
}

fn field_errors<'a>(problem: Option<&'a Problem>, field: &str) -> Vec<&'a FieldError> {
    problem
        .map(|p| p.errors.iter().filter(|e| field_of(e) == field).collect())
        .unwrap_or_default()
}

/// One field of the form with its label, hint and errors.
fn field(
    ctx: &Ctx,
    problem: Option<&Problem>,
    name: &str,
    label: &str,
    hint: &str,
    input: impl Fn(bool, Option<String>) -> Markup,
) -> Markup {
    let errors = field_errors(problem, name);
    let err_id = format!("err-{name}");
    let invalid = !errors.is_empty();
    html! {
        div.field {
            label for=(name) { (label) span.hint { (hint) } }
            @if invalid {
                ul.field-error id=(err_id) {
                    @for e in &errors { li { (ctx.text(&e.message)) } }
                }
            }
            (input(invalid, invalid.then(|| err_id.clone())))
        }
    }
}

fn year_form(ctx: &Ctx, entered: &Entered, problem: Option<&Problem>) -> Markup {
    html! {
        form #year-form method="post" action="/admin/calendar" novalidate {
            (ctx.csrf_field())
            (field(ctx, problem, "year", ctx.t("年度", "Year"), ctx.t("例如 2027", "e.g. 2027"), |invalid, described| html! {
                input #year type="text" name="year" inputmode="numeric" maxlength="4" value=(entered.year)
                    aria-invalid=[invalid.then_some("true")] aria-describedby=[described];
            }))
            (field(ctx, problem, "holidays", ctx.t("放假日期", "Holidays"),
                ctx.t("每行一个日期或日期范围，如 2027-01-01 或 2027-02-05..2027-02-11（可含假期中的周末）",
                      "one date or range a line, e.g. 2027-01-01 or 2027-02-05..2027-02-11 (weekend days of a block may be listed)"),
                |invalid, described| html! {
                textarea #holidays name="holidays" rows="8"
                    aria-invalid=[invalid.then_some("true")] aria-describedby=[described] { (entered.holidays) }
            }))
            (field(ctx, problem, "workdays", ctx.t("调休上班日期", "Adjusted working days"),
                ctx.t("每行一个日期或日期范围，须为星期六或星期日", "one date or range a line; each a Saturday or Sunday"),
                |invalid, described| html! {
                textarea #workdays name="workdays" rows="4"
                    aria-invalid=[invalid.then_some("true")] aria-describedby=[described] { (entered.workdays) }
            }))
            (field(ctx, problem, "source", ctx.t("依据", "Source"),
                ctx.t("国务院办公厅通知的文号或标题，如 国办发明电〔2026〕N号", "the State Council notice's number or title"),
                |invalid, described| html! {
                input #source type="text" name="source" maxlength="200" value=(entered.source)
                    aria-invalid=[invalid.then_some("true")] aria-describedby=[described];
            }))
            div.actions-row {
                button.secondary #preview-impact type="submit" name="do" value="preview" { (ctx.t("预览影响", "Preview the impact")) }
            }
        }
    }
}

fn years_part(ctx: &Ctx, y: &Years) -> Markup {
    let l = ctx.lang;
    html! {
        (horizon_warning(l, &y.horizon))
        dl.facts {
            dt { (ctx.t("正式日历截至", "Official calendar ends")) }
            dd #last-official-day { (names::date(y.horizon.last_official_day, l)) }
            dt { (ctx.t("剩余天数", "Days left")) }
            dd #days-left { (y.horizon.days_left.max(0)) }
        }
        h2 #years-h { (ctx.t("年度", "Years")) }
        table.stack #calendar-years aria-labelledby="years-h" {
            thead { tr {
                th scope="col" { (ctx.t("年度", "Year")) }
                th scope="col" { (ctx.t("状态", "Status")) }
                th scope="col" { (ctx.t("依据", "Source")) }
            } }
            tbody {
                // Newest first: the years an administrator acts on are at the top.
                @for v in y.years.iter().rev() {
                    tr data-year=(v.year) {
                        td data-label=(ctx.t("年度", "Year")) { (v.year) }
                        td data-label=(ctx.t("状态", "Status")) {
                            @if v.official { (ctx.t("正式", "official")) } @else { (provisional_badge(l)) }
                        }
                        td data-label=(ctx.t("依据", "Source")) { (v.source.as_deref().unwrap_or("—")) }
                    }
                }
            }
        }
        h2 #reprojections-h { (ctx.t("最近的重新计算", "Latest re-projections")) }
        @if y.reprojections.is_empty() {
            p { (ctx.t("尚无。", "None yet.")) }
        } @else {
            table.stack #reprojections aria-labelledby="reprojections-h" {
                thead { tr {
                    th scope="col" { (ctx.t("年度", "Year")) }
                    th scope="col" { (ctx.t("依据", "Source")) }
                    th scope="col" { (ctx.t("操作人", "By")) }
                    th scope="col" { (ctx.t("检查办件", "Cases examined")) }
                    th scope="col" { (ctx.t("期限变动", "Cases moved")) }
                    th scope="col" { (ctx.t("状态", "Status")) }
                } }
                tbody {
                    @for r in &y.reprojections {
                        tr {
                            td data-label=(ctx.t("年度", "Year")) { (r.year) }
                            td data-label=(ctx.t("依据", "Source")) { (r.source) }
                            td data-label=(ctx.t("操作人", "By")) { (r.actor) }
                            td data-label=(ctx.t("检查办件", "Cases examined")) { (r.examined) }
                            td data-label=(ctx.t("期限变动", "Cases moved")) { (r.moved) }
                            td data-label=(ctx.t("状态", "Status")) {
                                @if r.finished_at.is_some() { (ctx.t("已完成", "finished")) } @else { (ctx.t("进行中", "running")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The preview, and the button that loads the year: only here, after the preview, and
/// carrying the previewed entries, so that what is loaded is what was previewed even when
/// the form above is edited afterwards.
fn impact_part(ctx: &Ctx, entered: &Entered, year: i32, lines: &[(String, DueMove)]) -> Markup {
    let l = ctx.lang;
    let cases = {
        let mut c: Vec<&str> = lines.iter().map(|(no, _)| no.as_str()).collect();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    html! {
        section #impact aria-labelledby="impact-h" {
            h2 #impact-h { (ctx.t("影响预览", "Impact preview")) " · " (year) }
            p #impact-summary {
                @match l {
                    Lang::Zh => { "载入后将有 " (cases) " 件办件的 " (lines.len()) " 个期限变动（尚未作任何更改）。" }
                    Lang::En => { (lines.len()) " dates of " (cases) " cases would move (nothing has been changed yet)." }
                }
            }
            @if !lines.is_empty() {
                table.stack #impact-cases {
                    thead { tr {
                        th scope="col" { (ctx.t("办件编号", "Case number")) }
                        th scope="col" { (ctx.t("期限", "Clock")) }
                        th scope="col" { (ctx.t("原日期", "From")) }
                        th scope="col" { (ctx.t("新日期", "To")) }
                    } }
                    tbody {
                        @for (no, m) in lines {
                            tr {
                                td data-label=(ctx.t("办件编号", "Case number")) { (no) }
                                td data-label=(ctx.t("期限", "Clock")) { (clock_name(&m.clock, None, l)) }
                                td data-label=(ctx.t("原日期", "From")) { (names::date(m.from, l)) }
                                td data-label=(ctx.t("新日期", "To")) {
                                    (names::date(m.to, l))
                                    @if m.provisional { (provisional_badge(l)) }
                                }
                            }
                        }
                    }
                }
            }
            form #load-form method="post" action="/admin/calendar" {
                (ctx.csrf_field())
                input type="hidden" name="year" value=(entered.year);
                input type="hidden" name="holidays" value=(entered.holidays);
                input type="hidden" name="workdays" value=(entered.workdays);
                input type="hidden" name="source" value=(entered.source);
                button #load-year type="submit" name="do" value="load" { (ctx.t("载入", "Load")) }
            }
        }
    }
}

/// The result of a load, from the newest re-projection of `year` (the redirect after the
/// POST carries only the year, so a reload does not load it again).
fn loaded_part(ctx: &Ctx, y: &Years, year: i32) -> Markup {
    let l = ctx.lang;
    let job = y.reprojections.iter().find(|r| r.year == i64::from(year));
    html! {
        div.success #load-result role="status" {
            @match (job, l) {
                (Some(r), Lang::Zh) => p {
                    "已载入 " (year) " 年度工作日历（" (r.source) "）：检查办件 "
                    span #examined { (r.examined) } " 件，期限变动 " span #moved { (r.moved) } " 件"
                    @if r.finished_at.is_none() { "，其余办件正在重新计算" }
                    "。期限变动的办件已通知申请人。"
                },
                (Some(r), Lang::En) => p {
                    "The " (year) " calendar is loaded (" (r.source) "): "
                    span #examined { (r.examined) } " cases examined, "
                    span #moved { (r.moved) } " cases moved"
                    @if r.finished_at.is_none() { "; the others are being recomputed" }
                    ". The applicants of the cases that moved are told."
                },
                (None, _) => p { (ctx.t("已载入。", "Loaded.")) " " (year) },
            }
        }
    }
}

async fn page(
    ctx: &Ctx,
    state: &AppState,
    entered: &Entered,
    outcome: Outcome,
    loaded: Option<i32>,
) -> PageResult {
    let y = years_case::years(state).await?;
    let title = ctx.t("工作日历", "Working-day calendar");
    let problem = match &outcome {
        Outcome::Invalid(p) => Some(p),
        _ => None,
    };
    let status = problem.map_or(StatusCode::OK, |p| p.status);
    let body = html! {
        h1 { (title) }
        @if let Some(year) = loaded { (loaded_part(ctx, &y, year)) }
        (years_part(ctx, &y))
        h2 #year-form-h { (ctx.t("载入或更正年度", "Load or correct a year")) }
        p.hint {
            (ctx.t(
                "国务院办公厅公布节假日安排后，在此载入该年度；先“预览影响”查看将变动的办件期限，核对后在预览下方“载入”。载入后在办办件的期限按新日历重新计算并告知申请人。",
                "Once the State Council publishes a year's holidays, load it here: “Preview the impact” lists every date that would move; “Load” then recomputes the open cases and tells their applicants."
            ))
        }
        @if let Some(p) = problem {
            div.error-summary role="alert" #form-error {
                p {
                    @if p.errors.is_empty() { (ctx.text(&p.detail)) }
                    @else { (ctx.t("表单中有内容不符合要求，请按提示修改后重新提交。", "Some entries are not valid: correct them as shown and submit again.")) }
                }
                @if !p.errors.is_empty() {
                    ul { @for e in &p.errors { li { a href={ "#" (field_of(e)) } { (ctx.text(&e.message)) } } } }
                }
            }
        }
        @if let Outcome::Preview { year, lines } = &outcome { (impact_part(ctx, entered, *year, lines)) }
        (year_form(ctx, entered, problem))
    };
    Ok(Out::Page {
        status,
        title: title.to_owned(),
        body,
    })
}

#[derive(Deserialize)]
pub struct Loaded {
    loaded: Option<i32>,
}

/// `GET /admin/calendar`.
#[get("/admin/calendar")]
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: Result<web::Query<Loaded>, actix_web::Error>,
) -> HttpResponse {
    let loaded = q.ok().and_then(|q| q.into_inner().loaded);
    let result = async {
        ctx.staff_in(&[Role::Admin])?;
        page(&ctx, &state, &Entered::default(), Outcome::Nothing, loaded).await
    }
    .await;
    ctx.respond(result)
}

async fn submit_page(ctx: &Ctx, state: &AppState, posted: Posted) -> PageResult {
    let caller = ctx.staff_in(&[Role::Admin])?;
    let form = Form::read(posted)?;
    ctx.check_csrf(&form)?;
    let entered = Entered::of(&form);
    let rule = match read_rule(&entered) {
        Ok(rule) => rule,
        Err(p) => return page(ctx, state, &entered, Outcome::Invalid(p), None).await,
    };
    let year = rule.year;
    let source = Some(entered.source.clone()).filter(|s| !s.is_empty());
    let invalid =
        |e: tongban_app::Error, rule: &YearRule| Outcome::Invalid(in_words(e.into(), rule));
    match form.get("do") {
        "load" => match set_year::set_year(state, caller.username(), rule.clone(), source).await {
            Ok(YearSet { rule, .. }) => Ok(Out::Redirect(format!(
                "/admin/calendar?loaded={}",
                rule.year
            ))),
            Err(e) if !e.errors.is_empty() => {
                page(ctx, state, &entered, invalid(e, &rule), None).await
            }
            Err(e) => Err(PageErr::from(e)),
        },
        // The preview is the default: a form sent without a button (Enter in a field)
        // changes nothing.
        _ => match set_year::impact(state, rule.clone()).await {
            Ok(lines) => {
                let lines = lines.into_iter().map(|l| (l.case_no, l.moved)).collect();
                page(ctx, state, &entered, Outcome::Preview { year, lines }, None).await
            }
            Err(e) if !e.errors.is_empty() => {
                page(ctx, state, &entered, invalid(e, &rule), None).await
            }
            Err(e) => Err(PageErr::from(e)),
        },
    }
}

/// `POST /admin/calendar`: 预览影响 (`do=preview`) or 载入 (`do=load`).
#[post("/admin/calendar")]
pub async fn submit(ctx: Ctx, state: web::Data<AppState>, posted: Posted) -> HttpResponse {
    let result = submit_page(&ctx, &state, posted).await;
    ctx.respond(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("a test date")
    }

    #[test]
    fn dates_and_ranges_one_a_line() {
        let mut errors = Vec::new();
        let dates = parse_dates(
            "holidays",
            "2027-01-01\n\n 2027-02-05..2027-02-07 \n2027-10-01, 2027-10-02",
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            dates,
            vec![
                d("2027-01-01"),
                d("2027-02-05"),
                d("2027-02-06"),
                d("2027-02-07"),
                d("2027-10-01"),
                d("2027-10-02")
            ]
        );
    }

    #[test]
    fn bad_lines_are_named() {
        let mut errors = Vec::new();
        parse_dates(
            "workdays",
            "2027-02-14\n2027-13-01\n2027-02-11..2027-02-05",
            &mut errors,
        );
        assert_eq!(errors.len(), 2);
        assert!(errors[0].message.zh.contains("第 2 行"), "{errors:?}");
        assert!(errors[1].message.en.contains("line 3"), "{errors:?}");
        assert!(errors.iter().all(|e| e.field == "workdays"));
    }

    #[test]
    fn a_bad_year_is_an_error_of_its_field() {
        let entered = Entered {
            year: "27".to_owned(),
            ..Entered::default()
        };
        let p = read_rule(&entered).expect_err("refused");
        assert_eq!(p.errors.len(), 1);
        assert_eq!(field_of(&p.errors[0]), "year");
    }
}
