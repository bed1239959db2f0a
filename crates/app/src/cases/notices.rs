//! The written notices of a case (回执, 受理通知书, 一次性告知书 …) as e-mail text, in
//! Chinese, the language of the official documents.

use tongban_core::case::{DecisionOutcome, DeliveryMethod, Notice, Notification};

/// The mark beside a date that counts a provisional year (domain.md).
pub const PROVISIONAL_ZH: &str = "（暂定）";
/// What the mark means, said once under every notice that carries one.
pub const PROVISIONAL_NOTE_ZH: &str =
    "注：标“暂定”的日期按暂定工作日历计算，国务院公布节假日安排后将重新计算并告知。";

fn mark(provisional: bool) -> &'static str {
    if provisional {
        PROVISIONAL_ZH
    } else {
        ""
    }
}

/// What a suspension took out of the count, as the resumption notice says it.
pub fn excluded_zh(excluded: Option<&tongban_core::calendar::DateSpan>) -> String {
    match excluded {
        Some(span) if span.from == span.to => {
            format!("{} 不计入办理时限。", span.from)
        }
        Some(span) => format!("{} 至 {} 不计入办理时限。", span.from, span.to),
        None => "中止期间未占满一个工作日的办公时间，不扣除办理时限。".to_owned(),
    }
}

/// Subject and body of the e-mail carrying `n`.
pub fn render(n: &Notification) -> (String, String) {
    let no = &n.case_no;
    let greet = format!("{}：\n\n", n.to.name);
    let (title, text) = match &n.notice {
        Notice::Receipt {
            item_name,
            acceptance_due,
            query_code,
            provisional,
            ..
        } => (
            "收件回执",
            format!(
                "您申请的“{item_name}”已收件，办件编号 {no}，查询码 {query_code}。\
                 我们将于 {acceptance_due}{} 前决定是否受理或一次性告知需补正的材料。\n\
                 请妥善保管查询码，凭办件编号和查询码可随时查询办理进度。",
                mark(*provisional)
            ),
        ),
        Notice::Acceptance {
            promised_due,
            legal_due,
            promised_materials,
            provisional,
            deemed_on_receipt,
        } => {
            let promised = if promised_materials.is_empty() {
                String::new()
            } else {
                format!(
                    "\n容缺受理：请尽快补交以下材料：{}。",
                    promised_materials.join("、")
                )
            };
            (
                "受理通知书",
                format!(
                    "办件 {no} {}。承诺办结日期 {promised_due}，法定办结期限 {legal_due}{}。{promised}",
                    if *deemed_on_receipt {
                        "受理期限届满未作决定，依据《行政许可法》第三十二条，自收到申请之日起即为受理"
                    } else {
                        "已受理"
                    },
                    mark(*provisional)
                ),
            )
        }
        Notice::Refusal {
            reason,
            legal_basis,
        } => (
            "不予受理通知书",
            format!(
                "办件 {no} 不予受理。\n理由：{reason}\n依据：{legal_basis}\n\
                 如不服，可依法申请行政复议或者提起行政诉讼。"
            ),
        ),
        Notice::Supplement { missing } => {
            let lines: Vec<String> = missing
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    if m.note.trim().is_empty() {
                        format!("{}. {}", i + 1, m.name)
                    } else {
                        format!("{}. {}（{}）", i + 1, m.name, m.note)
                    }
                })
                .collect();
            (
                "补正材料一次性告知书",
                format!(
                    "办件 {no} 的申请材料不齐全，请一次性补正以下材料：\n{}\n\
                     补正材料提交后，受理期限重新计算。",
                    lines.join("\n")
                ),
            )
        }
        Notice::Suspension { procedure, note } => (
            "特别程序告知书",
            format!(
                "依据《中华人民共和国行政许可法》第四十五条，办件 {no} 自即日起进入特别程序（{}），\
                 所需时间不计入办理时限；特别程序结束时将另行书面告知。\n说明：{note}",
                procedure.name_zh()
            ),
        ),
        Notice::Resumption {
            procedure,
            excluded,
            promised_due,
            legal_due,
            provisional,
        } => (
            "特别程序结束告知书",
            format!(
                "办件 {no} 的特别程序（{}）已结束，自即日起恢复计算办理时限。{}\n\
                 承诺办结日期 {promised_due}，法定办结期限 {legal_due}{}。",
                procedure.name_zh(),
                excluded_zh(excluded.as_ref()),
                mark(*provisional)
            ),
        ),
        Notice::Extension {
            working_days,
            reason,
            legal_due,
            provisional,
            by_government,
        } => (
            "延期办理告知书",
            format!(
                "经{}负责人批准，办件 {no} 的办理期限延长 {working_days} 个工作日，\
                 延长后的期限为 {legal_due}{}。\n理由：{reason}",
                if *by_government { "本级人民政府" } else { "本机关" },
                mark(*provisional)
            ),
        ),
        Notice::Decision {
            outcome,
            opinion,
            legal_basis,
            delivery_due,
            provisional,
        } => match outcome {
            DecisionOutcome::Approved => (
                "准予许可决定书",
                format!(
                    "办件 {no} 准予许可。\n意见：{opinion}\n结果将于 {delivery_due}{} 前送达。",
                    mark(*provisional)
                ),
            ),
            DecisionOutcome::Denied => (
                "不予许可决定书",
                format!(
                    "办件 {no} 不予许可。\n理由：{opinion}\n依据：{}\n\
                     如不服，可依法申请行政复议或者提起行政诉讼。决定书将于 {delivery_due}{} 前送达。",
                    legal_basis.as_deref().unwrap_or(""),
                    mark(*provisional)
                ),
            ),
        },
        Notice::Delivery { method, .. } => (
            "送达通知",
            format!(
                "办件 {no} 的办理结果已通过{}送达，办件已办结。欢迎对本次服务进行评价。",
                match method {
                    DeliveryMethod::Window => "窗口领取",
                    DeliveryMethod::Post => "邮寄",
                    DeliveryMethod::Electronic => "电子送达",
                }
            ),
        ),
        Notice::Termination { reason } => (
            "终止办理告知书",
            format!("办件 {no} 终止办理。\n理由：{reason}"),
        ),
        Notice::Rescheduled { source, moves } => {
            let lines: Vec<String> = moves
                .iter()
                .map(|m| {
                    format!(
                        "{}：由 {} 调整为 {}{}",
                        m.clock.name_zh(),
                        m.from,
                        m.to,
                        mark(m.provisional)
                    )
                })
                .collect();
            (
                "期限调整告知书",
                format!(
                    "因工作日历调整（{source}），办件 {no} 的期限重新计算如下：\n{}",
                    lines.join("\n")
                ),
            )
        }
    };
    let text = if text.contains(PROVISIONAL_ZH) {
        format!("{text}\n{PROVISIONAL_NOTE_ZH}")
    } else {
        text
    };
    (format!("【通办】{title}（{no}）"), format!("{greet}{text}"))
}
