//! Pieces of a case shown to applicants (status page), to staff and to supervision officers:
//! due dates, the next step, what is missing, the stages and the timeline.

use maud::{html, Markup};
use tongban_app::cases::attachments::Attachment;
use tongban_app::cases::view::Event;
use tongban_core::case::{Case, CaseStatus, Outcome, StageStatus};
use tongban_core::item::Item;

use super::ctx::Ctx;
use super::names;
use crate::casework::view::CaseView;
use crate::lang::Lang;
use crate::state::AppState;
use tongban_app::catalogue_view::CatalogueView;

/// The case as the JSON view lifts it, with the item version it was taken under (`None` when
/// the catalogue lost it).
pub fn view_with_item(
    catalogue: &CatalogueView,
    calendar: &tongban_core::calendar::Calendar,
    case: Case,
) -> (CaseView, Option<Item>) {
    let item = catalogue
        .item_version(&case.item_code, case.item_version)
        .cloned();
    (CaseView::new(case, catalogue, calendar), item)
}

/// The explanation of the 暂定 mark, as the domain words it (domain.md).
pub const PROVISIONAL_NOTE_ZH: &str = "按暂定工作日历计算，国务院公布节假日安排后将重新计算并告知";
pub const PROVISIONAL_NOTE_EN: &str = "provisional: counted on the provisional calendar; it will be recomputed and you will be told once the State Council publishes the holidays";

/// The explanation of the 暂定 mark in the page language.
pub fn provisional_note_text(l: Lang) -> &'static str {
    l.pick(PROVISIONAL_NOTE_ZH, PROVISIONAL_NOTE_EN)
}

/// The 暂定 badge, with its explanation as a tooltip (the sentence is also printed once on the
/// page by [`provisional_note`] or [`dues`], since a tooltip is not printed nor read by all).
pub fn provisional_badge(l: Lang) -> Markup {
    html! {
        " " span.tag.tag-provisional title=(provisional_note_text(l)) { (l.pick("暂定", "provisional")) }
    }
}

/// A due date, with the 暂定 badge when it counts a provisional day.
pub fn due_date(l: Lang, view: &CaseView, d: chrono::NaiveDate) -> Markup {
    html! {
        (names::date(d, l))
        @if view.is_provisional(d) { (provisional_badge(l)) }
    }
}

/// The explanation of the 暂定 mark, once on a page that shows a provisional date.
pub fn provisional_note(l: Lang) -> Markup {
    html! {
        p.provisional-note #provisional-note {
            span.tag.tag-provisional { (l.pick("暂定", "provisional")) } " "
            (provisional_note_text(l))
        }
    }
}

/// The due dates that apply to the case now (as the JSON case view lifts them), each marked
/// 暂定 when it counts a provisional day, with the explanation of the mark once.
pub fn dues(ctx: &Ctx, view: &CaseView) -> Markup {
    let l = ctx.lang;
    html! {
        @if let Some(d) = view.acceptance_due {
            dt { (ctx.t("受理期限", "Acceptance due")) } dd { (due_date(l, view, d)) }
        }
        @if let Some(d) = view.promised_due {
            dt { (ctx.t("承诺办结日期", "Promised decision date")) } dd { (due_date(l, view, d)) }
        }
        @if let Some(d) = view.legal_due {
            dt { (ctx.t("法定办结期限", "Legal decision deadline")) } dd { (due_date(l, view, d)) }
        }
        @if let Some(d) = view.delivery_due {
            dt { (ctx.t("送达期限", "Delivery due")) } dd { (due_date(l, view, d)) }
        }
        @if view.provisional {
            dt { span.tag.tag-provisional { (ctx.t("暂定", "provisional")) } }
            dd #provisional-note { (provisional_note_text(l)) }
        }
    }
}

/// A material's name in the item the case was taken under (its code when unknown).
pub fn material_name(item: Option<&Item>, code: &str) -> String {
    item.and_then(|i| i.material(code))
        .map(|m| m.name.clone())
        .unwrap_or_else(|| code.to_owned())
}

/// What happens next, in one or two sentences.
pub fn next_step(ctx: &Ctx, view: &CaseView) -> Markup {
    let text = next_step_text(ctx.lang, view);
    html! { p { (text) } }
}

/// What happens next, as text in `l` (the status page and the public status API).
pub fn next_step_text(l: Lang, view: &CaseView) -> String {
    let case = &view.case;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| names::date(d, l)).unwrap_or_default();
    let text = match case.status {
        CaseStatus::Submitted | CaseStatus::Received => match l {
            Lang::Zh => format!(
                "窗口将于 {} 前决定是否受理，或一次性告知需要补正的全部材料。",
                date(view.acceptance_due)
            ),
            Lang::En => format!(
                "The window decides by {} whether to accept, or tells you at once everything that is missing.",
                date(view.acceptance_due)
            ),
        },
        CaseStatus::SupplementPending => l
            .pick(
                "请按下列清单一次性补齐材料。补正材料提交后，受理期限重新计算。",
                "Please hand in everything on the list below. The acceptance period starts again when you do.",
            )
            .to_owned(),
        CaseStatus::Accepted => match l {
            Lang::Zh => format!("正在审查，承诺于 {} 前作出决定。", date(view.promised_due)),
            Lang::En => format!(
                "Under review; a decision is promised by {}.",
                date(view.promised_due)
            ),
        },
        CaseStatus::Suspended => {
            let procedure = case
                .open_suspension()
                .map(|s| names::procedure(s.procedure, l))
                .unwrap_or_default();
            match l {
                Lang::Zh => {
                    format!("办件处于特别程序（{procedure}）中，所需时间不计入办理时限。")
                }
                Lang::En => format!(
                    "A special procedure ({procedure}) is under way; its time does not count against the limit."
                ),
            }
        }
        CaseStatus::Approved | CaseStatus::Denied => match l {
            Lang::Zh => format!("已作出决定，结果将于 {} 前送达。", date(view.delivery_due)),
            Lang::En => format!(
                "The decision is made; the result will be delivered by {}.",
                date(view.delivery_due)
            ),
        },
        CaseStatus::Concluded => l
            .pick(
                "已办结。欢迎对本次服务进行评价。",
                "Concluded. You are welcome to rate the service.",
            )
            .to_owned(),
        CaseStatus::Refused | CaseStatus::Withdrawn | CaseStatus::Terminated => {
            let c = case.conclusion.as_ref();
            let reason = c.and_then(|c| c.reason.clone()).unwrap_or_default();
            let basis = c.and_then(|c| c.legal_basis.clone());
            let refused = c.is_some_and(|c| c.outcome == Outcome::Refused);
            let mut s = match l {
                Lang::Zh => format!("办件已结束：{}。", reason),
                Lang::En => format!("The case has ended: {reason}."),
            };
            if let Some(b) = basis {
                s.push_str(&match l {
                    Lang::Zh => format!("依据：{b}。"),
                    Lang::En => format!(" Basis: {b}."),
                });
            }
            if refused {
                s.push_str(l.pick(
                    "如不服，可依法申请行政复议或者提起行政诉讼。",
                    " You may apply for administrative reconsideration or bring a lawsuit.",
                ));
            }
            s
        }
    };
    text
}

/// What the applicant still has to hand in: the open supplement notice, and materials
/// promised at a tolerated-missing acceptance.
pub fn missing(ctx: &Ctx, case: &Case, item: Option<&Item>) -> Markup {
    let notice = case
        .supplement_notices
        .last()
        .filter(|_| case.status == CaseStatus::SupplementPending);
    let promised = case.outstanding_promises();
    html! {
        @if let Some(n) = notice {
            h2 #missing { (ctx.t("需补正的材料", "Materials to hand in")) }
            ol aria-labelledby="missing" {
                @for m in &n.missing {
                    li {
                        (material_name(item, &m.code))
                        @if !m.note.trim().is_empty() { "（" (m.note) "）" }
                    }
                }
            }
        }
        @if !promised.is_empty() {
            h2 #promised { (ctx.t("容缺受理待补交的材料", "Materials promised at acceptance")) }
            ul aria-labelledby="promised" {
                @for code in &promised { li { (material_name(item, code)) } }
            }
        }
    }
}

/// The timeline, oldest first, each step named as the item words it. `staff` adds who
/// acted and where.
pub fn timeline(
    ctx: &Ctx,
    state: &AppState,
    events: &[Event],
    item: Option<&Item>,
    staff: bool,
) -> Markup {
    html! {
        ol.timeline {
            @for e in events {
                li {
                    time datetime=(e.at.to_rfc3339()) {
                        (names::time(e.at, state.hall, ctx.lang))
                    }
                    strong { (names::event_of(e, item, ctx.lang)) }
                    @if staff {
                        " — " (e.actor)
                        @if let Some(w) = &e.window { " · " (ctx.t("窗口", "window")) " " (w) }
                    }
                }
            }
        }
    }
}

/// The stages as the applicant follows them: each by name, done on which day, or in
/// progress with its due date, or still to come. Opinions stay with the staff.
pub fn progress(ctx: &Ctx, state: &AppState, item: &Item, view: &CaseView) -> Markup {
    let l = ctx.lang;
    let case = &view.case;
    html! {
        @if !case.stages.is_empty() {
            h2 #progress { (ctx.t("办理进度", "Progress")) }
            ol.progress aria-labelledby="progress" {
                @for s in &case.stages {
                    @let class = match s.status {
                        StageStatus::Done => "stage-done",
                        StageStatus::Active => "stage-active",
                        StageStatus::Pending => "stage-pending",
                    };
                    li class=(class) {
                        strong { (item.stage(&s.code).map(|d| d.name.as_str()).unwrap_or(&s.code)) }
                        " · "
                        @match (s.status, s.completed_at, s.due) {
                            (StageStatus::Done, Some(at), _) => {
                                (ctx.t("已完成于 ", "done on ")) (names::date(state.hall.local_date(at), l))
                            }
                            (StageStatus::Done, None, _) => (ctx.t("已完成", "done")),
                            (StageStatus::Active, _, Some(d)) => {
                                (ctx.t("办理中，", "in progress, due ")) (due_date(l, view, d.date)) (ctx.t(" 前完成", ""))
                            }
                            (StageStatus::Active, _, None) => (ctx.t("办理中", "in progress")),
                            (StageStatus::Pending, _, _) => (ctx.t("尚未开始", "not started")),
                        }
                    }
                }
            }
        }
    }
}

/// The workflow stages: department, status, due date, and the opinion of a done stage.
pub fn stages(ctx: &Ctx, catalogue: &CatalogueView, item: &Item, view: &CaseView) -> Markup {
    let l = ctx.lang;
    let case = &view.case;
    html! {
        @if !case.stages.is_empty() {
            h2 #stages { (ctx.t("审批环节", "Workflow stages")) }
            ol aria-labelledby="stages" {
                @for s in &case.stages {
                    li {
                        (item.stage(&s.code).map(|d| d.name.as_str()).unwrap_or(&s.code))
                        " · " (catalogue.department(&s.department).map(|d| d.name.as_str()).unwrap_or(&s.department)) " · "
                        @match s.status {
                            StageStatus::Pending => (ctx.t("待办", "pending")),
                            StageStatus::Active => (ctx.t("办理中", "in progress")),
                            StageStatus::Done => (ctx.t("已完成", "done")),
                        }
                        @if let Some(d) = s.due { " · " (ctx.t("期限", "due")) " " (due_date(l, view, d.date)) }
                        @if let (Some(o), Some(by)) = (&s.opinion, &s.by) {
                            br; span.hint { (by) "：" (o) }
                        }
                    }
                }
            }
        }
    }
}

/// A size in bytes as people read it.
fn size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// The files attached to the case, each with a download link (`/files/{no}/{id}`, which
/// checks again who asks).
pub fn attachments(
    ctx: &Ctx,
    state: &AppState,
    files: &[Attachment],
    item: Option<&Item>,
) -> Markup {
    html! {
        h2 #attachments { (ctx.t("已上传的材料", "Uploaded materials")) }
        @if files.is_empty() {
            p { (ctx.t("尚未上传材料文件。", "No file has been uploaded.")) }
        } @else {
            table.stack aria-labelledby="attachments" {
                thead { tr {
                    th scope="col" { (ctx.t("材料", "Material")) }
                    th scope="col" { (ctx.t("文件", "File")) }
                    th scope="col" { (ctx.t("大小", "Size")) }
                    th scope="col" { (ctx.t("上传时间", "Uploaded")) }
                } }
                tbody {
                    @for f in files {
                        tr {
                            td data-label=(ctx.t("材料", "Material")) { (material_name(item, &f.material_code)) }
                            td data-label=(ctx.t("文件", "File")) {
                                a id={ "file-link-" (f.id) } href={ "/files/" (f.case_no) "/" (f.id) } download { (f.file_name) }
                            }
                            td data-label=(ctx.t("大小", "Size")) { (size(f.size)) }
                            td data-label=(ctx.t("上传时间", "Uploaded")) {
                                (names::time(f.uploaded_at, state.hall, ctx.lang))
                            }
                        }
                    }
                }
            }
        }
    }
}
