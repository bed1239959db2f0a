//! A provisional year in the browser: a case whose legal deadline falls in 2027, before the
//! State Council has published 2027's holidays, is marked 暂定 with its deadline explained on
//! the staff case page and the public status page; the administrator is warned, previews
//! loading 2027, loads it, and the mark is gone.

use crate::steps::{
    look_up_status, sign_in_at_window, sign_in_without_window, sign_out, start, take_and_accept,
};

const ID_NUMBER: &str = "110101199001015678";

#[test]
fn a_provisional_deadline_is_marked_explained_and_recomputed_when_the_year_is_loaded() {
    let test = "a_provisional_deadline_is_marked_explained_and_recomputed_when_the_year_is_loaded";
    let Some((server, mut b)) = start(test) else {
        return;
    };
    // Accepted on Friday 2026-12-11: GA-QR-01's 60 natural days end on 2027-02-09, in the
    // Spring Festival, so the legal deadline depends on how 2027's holidays are arranged.
    server.set_clock("2026-12-11T09:00:00+08:00");
    b.goto("/staff/login");
    sign_in_at_window(&mut b, "clerk-a02", "A02");
    let receipt = take_and_accept(&mut b, "周九", ID_NUMBER);
    sign_out(&mut b);

    // (a) 2026-12-28: three days before the official calendar ends.
    server.set_clock("2026-12-28T09:00:00+08:00");

    // (b) The staff case page: the legal deadline is provisional, with the explanation.
    b.goto("/staff/login");
    sign_in_at_window(&mut b, "clerk-a02", "A02");
    b.goto(&format!("/staff/cases/{}", receipt.case_no));
    let legal = b.described("法定办结期限");
    assert!(legal.starts_with("2027年"), "{legal}");
    assert!(
        legal.contains("暂定"),
        "the legal deadline is marked: {legal}"
    );
    let page = b.text();
    assert!(
        page.contains("按暂定工作日历计算，国务院公布节假日安排后将重新计算并告知"),
        "the mark explained: {page}"
    );
    assert!(page.contains("期限计算说明"), "{page}");
    let legal_clock = b.all("[data-clock=legal]");
    assert_eq!(legal_clock.len(), 1, "the legal clock explained");
    let explained = b.text_of(&legal_clock[0]);
    assert!(explained.contains("60 个自然日"), "{explained}");
    assert!(explained.contains("暂定"), "{explained}");
    // The day-by-day table opens on a click (no script: <details>).
    let summary = b.all("[data-clock=legal] summary");
    assert_eq!(summary.len(), 1);
    b.click(&summary[0]);
    let days = b.all("[data-clock=legal] table.days tbody tr");
    assert!(days.len() >= 60, "every day from the start: {}", days.len());
    let table = b.text_of(&b.all("[data-clock=legal] table.days")[0]);
    assert!(table.contains("自然日"), "{table}");
    // The 60th day is a day off of the provisional Spring Festival: the period moves on.
    assert!(table.contains("顺延至工作日"), "{table}");
    b.shot("staff-case-provisional");
    sign_out(&mut b);

    // The public status page: the same mark and explanation.
    look_up_status(&mut b, &receipt);
    let legal_public = b.described("法定办结期限");
    assert_eq!(legal_public, legal, "the same date and mark");
    let page = b.text();
    assert!(page.contains("期限计算说明"), "{page}");
    assert!(
        page.contains("按暂定工作日历计算，国务院公布节假日安排后将重新计算并告知"),
        "{page}"
    );
    assert!(
        b.all("[data-clock^=stage]").is_empty(),
        "the back office's stage dates are not public"
    );
    b.shot("status-provisional");

    // (c) The administrator lands on the alerts, warned; the calendar page warns too.
    sign_in_without_window(&mut b, "admin", "/staff/supervision/alerts");
    let warning = b.text_of(&b.all("#horizon-warning")[0]);
    assert!(warning.contains("2027 年节假日安排尚未载入"), "{warning}");
    b.shot("admin-home-warning");
    b.follow("工作日历");
    assert_eq!(b.path(), "/admin/calendar");
    assert!(
        !b.all("#horizon-warning").is_empty(),
        "warned on the calendar page"
    );
    assert_eq!(b.described("剩余天数"), "3");
    let years = b.text_of(&b.all("#calendar-years")[0]);
    assert!(years.contains("2027"), "{years}");
    assert!(
        years.contains("795"),
        "a provisional year names its rule: {years}"
    );
    b.shot("calendar");

    // A bad line is refused next to its field, with what was typed kept.
    b.fill("年度", "2027");
    b.fill("放假日期", "2027-01-01\n2027-02-30");
    b.press("预览影响");
    let errors = b.text_of(&b.all("#err-holidays")[0]);
    assert!(errors.contains("第 2 行"), "{errors}");
    assert!(b.all("#impact").is_empty(), "nothing previewed");
    b.shot("calendar-invalid");

    b.fill("年度", "2027");
    b.fill("放假日期", "2027-01-01\n2027-02-05..2027-02-11");
    b.fill("调休上班日期", "2027-02-14");
    b.fill("依据", "国办发明电〔2026〕测试号");
    b.press("预览影响");
    let impact = b.text_of(&b.all("#impact")[0]);
    assert!(
        impact.contains(&receipt.case_no),
        "the case moves: {impact}"
    );
    assert!(impact.contains("法定办结期限"), "{impact}");
    b.shot("calendar-impact");
    // The preview changed nothing.
    let years = b.text_of(&b.all("#calendar-years")[0]);
    assert!(!years.contains("测试号"), "{years}");

    b.press("载入");
    assert_eq!(b.path(), "/admin/calendar?loaded=2027");
    let moved: u32 = b
        .text_of(&b.all("#moved")[0])
        .parse()
        .expect("a count of cases");
    assert!(moved >= 1, "the case moved: {moved}");
    let years = b.text_of(&b.all("#calendar-years")[0]);
    assert!(years.contains("国办发明电〔2026〕测试号"), "{years}");
    assert!(b.all("#horizon-warning").is_empty(), "no warning any more");
    b.shot("calendar-loaded");
    sign_out(&mut b);

    // (d) The case's dates are official now: no 暂定 on its page.
    b.goto("/staff/login");
    sign_in_at_window(&mut b, "clerk-a02", "A02");
    b.goto(&format!("/staff/cases/{}", receipt.case_no));
    let legal_now = b.described("法定办结期限");
    assert!(!legal_now.contains("暂定"), "{legal_now}");
    let date = |s: &str| s.split_whitespace().next().unwrap_or_default().to_owned();
    assert_ne!(
        date(&legal_now),
        date(&legal),
        "recomputed on the loaded year"
    );
    assert!(b.all(".tag-provisional").is_empty(), "no mark left");
    assert!(!b.text().contains("按暂定工作日历计算"), "{}", b.text());
    b.shot("staff-case-official");
}
