//! The frame of every page: language, skip link, header with navigation and the language
//! switch, main content, footer.

use maud::{html, Markup, DOCTYPE};

use tongban_core::role::Role;

use super::ctx::{Ctx, OVERSEERS, STAFF};
use super::lang;
use crate::lang::Lang;

pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let site = ctx.t("政务服务网上办事大厅", "Government Service Hall Online");
    let (other, other_name) = match ctx.lang {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    };
    html! {
        (DOCTYPE)
        html lang=(lang::tag(ctx.lang)) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (site) }
                link rel="stylesheet" href="/assets/tongban.css";
            }
            body {
                a.skip-link href="#main" { (ctx.t("跳到主要内容", "Skip to main content")) }
                header.site-header {
                    div.inner {
                        a.brand href="/" { (ctx.t("通办", "Tongban")) " · " (site) }
                        nav.site-nav aria-label=(ctx.t("主导航", "Main navigation")) {
                            ul {
                                li { a href="/guide" { (ctx.t("办事指南", "Service guide")) } }
                                li { a href="/status" { (ctx.t("办件查询", "Case status")) } }
                                @if let Some(staff) = ctx.staff.as_ref().filter(|_| ctx.signed_in_as(STAFF)) {
                                    @if ctx.signed_in_as(&[Role::Clerk]) {
                                        li { a href="/staff/queue" { (ctx.t("工作队列", "Queue")) } }
                                        li { a href="/staff/intake" { (ctx.t("窗口收件", "Intake")) } }
                                    } @else if ctx.signed_in_as(&[Role::Approver, Role::Head]) {
                                        li { a href="/staff/queue" { (ctx.t("待办件", "Work queue")) } }
                                    }
                                    @if ctx.signed_in_as(OVERSEERS) {
                                        li { a href="/staff/supervision" { (ctx.t("监察工作台", "Desk")) } }
                                        li { a href="/staff/supervision/alerts" { (ctx.t("预警督办", "Alerts")) } }
                                        li { a href="/staff/supervision/stats" { (ctx.t("统计分析", "Statistics")) } }
                                    }
                                    @if ctx.signed_in_as(&[Role::Admin]) {
                                        li { a href="/admin/calendar" { (ctx.t("工作日历", "Calendar")) } }
                                        li { a href="/admin/users" { (ctx.t("用户管理", "Users")) } }
                                        li { a href="/admin/windows" { (ctx.t("窗口与授权", "Windows and grants")) } }
                                        li { a href="/admin/items" { (ctx.t("事项管理", "Items")) } }
                                        li { a href="/admin/outbox" { (ctx.t("发件箱", "Outbox")) } }
                                    }
                                    li { a href="/account/password" { (ctx.t("修改密码", "Password")) } }
                                    li {
                                        form method="post" action="/staff/logout" {
                                            (ctx.csrf_field())
                                            button.link #sign-out type="submit" {
                                                (ctx.t("退出", "Sign out")) " (" (staff.caller.username())
                                                @if let Some(w) = staff.caller.window() { " · " (w) }
                                                ")"
                                            }
                                        }
                                    }
                                } @else if let Some(caller) = ctx.applicant().ok() {
                                    li { a href="/my/cases" { (ctx.t("我的办件", "My cases")) } }
                                    li { a href="/account/password" { (ctx.t("修改密码", "Password")) } }
                                    li {
                                        form method="post" action="/account/logout" {
                                            (ctx.csrf_field())
                                            button.link #sign-out type="submit" {
                                                (ctx.t("退出", "Sign out")) " (" (caller.username()) ")"
                                            }
                                        }
                                    }
                                } @else {
                                    li { a href="/account/login" { (ctx.t("申请人登录", "Applicant sign-in")) } }
                                    li { a href="/staff/login" { (ctx.t("工作人员登录", "Staff sign-in")) } }
                                }
                                li {
                                    a href={ "/lang/" (other) "?next=" (lang::encode(&ctx.here)) }
                                        lang=(lang::tag(if other == "en" { Lang::En } else { Lang::Zh })) {
                                        (other_name)
                                    }
                                }
                            }
                        }
                    }
                }
                main #main tabindex="-1" {
                    div.inner { (body) }
                }
                footer.site-footer {
                    div.inner {
                        p {
                            (ctx.t(
                                "咨询与投诉：12345 政务服务便民热线。",
                                "Questions and complaints: the 12345 government service hotline."
                            ))
                        }
                    }
                }
            }
        }
    }
}
