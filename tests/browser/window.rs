//! The window clerk's path and the applicant's: intake, acceptance, receipt, the public
//! status page in both languages, and a case past its deadline turning red in the queue.

use crate::steps::{
    look_up_status, row_with, sign_in_at_window, sign_out, start, take_and_accept, DAY25,
    QUEUE_ROWS,
};

const ID_NUMBER: &str = "110101199001015678";

#[test]
fn clerk_takes_an_application_and_the_applicant_follows_it() {
    let Some((_server, mut b)) = start("clerk_takes_an_application_and_the_applicant_follows_it")
    else {
        return;
    };
    b.goto("/");
    assert_eq!(b.lang(), "zh-CN", "Chinese by default");
    b.shot("home");
    b.follow("工作人员登录");
    sign_in_at_window(&mut b, "clerk-a02", "A02");
    b.shot("queue-empty");
    let receipt = take_and_accept(&mut b, "王五", ID_NUMBER);
    sign_out(&mut b);

    // The applicant, at home with the receipt.
    look_up_status(&mut b, &receipt);
    let page = b.text();
    assert_eq!(b.described("当前状态"), "已受理");
    assert_eq!(b.described("申请人"), "王*", "the name is masked");
    assert_eq!(b.described("证件号码"), "110***********5678");
    assert!(!page.contains(ID_NUMBER), "the full ID never shows");
    let timeline = b.all(".timeline li");
    assert!(timeline.len() >= 2, "received and accepted on the timeline");
    let steps: Vec<String> = timeline.iter().map(|e| b.text_of(e)).collect();
    assert!(steps.iter().any(|s| s.contains("受理")), "{steps:?}");
    b.shot("status-found");

    b.follow("English");
    assert_eq!(b.lang(), "en", "switched to English");
    b.fill("Case number", &receipt.case_no);
    b.fill("Query code", &receipt.query_code);
    b.press("Look up");
    let page = b.text();
    assert!(page.contains("Case progress"), "{page}");
    assert!(page.contains("Timeline"), "{page}");
    assert_eq!(b.described("Status"), "Accepted");
    b.shot("status-in-english");
}

#[test]
fn a_case_past_its_deadline_turns_red_in_the_clerks_queue() {
    let Some((server, mut b)) = start("a_case_past_its_deadline_turns_red_in_the_clerks_queue")
    else {
        return;
    };
    b.goto("/staff/login");
    sign_in_at_window(&mut b, "clerk-a02", "A02");
    let receipt = take_and_accept(&mut b, "孙八", ID_NUMBER);
    b.follow("工作队列");
    let row = row_with(&b, QUEUE_ROWS, &[&receipt.case_no]).1;
    assert!(row.contains("正常"), "on time: {row}");
    b.shot("queue-on-time");

    // The administrator moves the test clock past the promised date and sweeps.
    server.set_clock(DAY25);
    server.sweep();

    // 25 days on, the clerk's session has long expired: sign in again.
    b.goto("/staff/queue");
    assert!(b.text().contains("登录已过期"), "{}", b.text());
    b.shot("session-expired");
    sign_in_at_window(&mut b, "clerk-a02", "A02");
    let row = row_with(&b, QUEUE_ROWS, &[&receipt.case_no]).1;
    assert!(row.contains("红牌"), "red, in words: {row}");
    let red = b.all("tr.row-red");
    assert_eq!(red.len(), 1, "one red row");
    assert!(b.text_of(&red[0]).contains(&receipt.case_no));
    // In colour too: the badge is dark red on light red.
    let badge = b.all("tr.row-red .alert-red");
    assert_eq!(badge.len(), 1, "a red badge");
    assert_eq!(
        b.style_of(&badge[0], "background-color"),
        "rgba(253, 226, 225, 1)",
        "the red badge's background"
    );
    b.shot("queue-red");
}
