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

#[test]
fn the_clerk_searches_counts_down_uploads_and_decides_an_immediate_item_in_one_step() {
    let test = "the_clerk_searches_counts_down_uploads_and_decides_an_immediate_item_in_one_step";
    let Some((_server, mut b)) = start(test) else {
        return;
    };
    b.goto("/staff/login");
    sign_in_at_window(&mut b, "clerk-a02", "A02");
    let earlier = take_and_accept(&mut b, "周九", ID_NUMBER);

    // An immediate item: 无犯罪记录证明开具, taken at the window.
    b.follow("工作队列");
    b.follow("窗口收件");
    b.choose("办理事项", "无犯罪记录证明开具");
    b.press("显示材料清单");
    b.fill("姓名或单位名称", "周九");
    b.fill("身份证号码或统一社会信用代码", ID_NUMBER);
    for material in ["无犯罪记录证明申请表", "申请人居民身份证"] {
        b.tick(material);
    }
    b.press("收件并生成办件编号");
    let page = b.text();
    assert!(page.contains("收件成功"), "{page}");
    let case_no = b
        .path()
        .trim_start_matches("/staff/cases/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    // The working days left, in words and in colour; the applicant's earlier case, linked.
    let left = b.described("剩余工作日");
    assert!(left.contains("工作日") || left == "今日到期", "{left}");
    let badge = b.all("#countdown .countdown.countdown-ok");
    assert_eq!(badge.len(), 1, "a green countdown badge");
    assert_eq!(
        b.style_of(&badge[0], "background-color"),
        "rgba(29, 107, 47, 1)",
        "green: plenty of time"
    );
    assert!(page.contains("该申请人的其他办件"), "{page}");
    assert!(page.contains(&earlier.case_no), "{page}");
    // Terminating or refusing is marked as such, not dressed like 受理.
    let refuse = b.all("#refuse-submit.danger");
    assert_eq!(refuse.len(), 1, "refusal is a danger button");
    assert_eq!(
        b.style_of(&refuse[0], "background-color"),
        "rgba(164, 38, 44, 1)",
        "dark red"
    );
    b.shot("immediate-received");

    // A scan at the window, attached to the ID card.
    let dir = tempfile::tempdir().expect("temp dir");
    let scan = dir.path().join("身份证扫描.pdf");
    std::fs::write(
        &scan,
        "%PDF-1.7\n% window scan\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
    )
    .expect("write the scan");
    b.choose("对应材料", "申请人居民身份证");
    b.upload("upload-file", &scan);
    b.shot("upload-chosen");
    b.press("上传");
    let page = b.text();
    assert!(page.contains("已上传扫描件"), "{page}");
    assert!(page.contains("身份证扫描.pdf"), "{page}");
    b.shot("uploaded");

    // 受理并当场办结: one form, one confirmation.
    b.press("受理并当场办结");
    let confirm = b.text();
    assert!(confirm.contains("确认后即受理并当场作出决定"), "{confirm}");
    b.shot("one-step-confirm");
    b.press("确认 受理并当场办结");
    let page = b.text();
    assert!(page.contains("已受理并当场办结"), "{page}");
    assert_eq!(
        b.described("状态"),
        "办结",
        "a public service is done, not licensed"
    );
    b.shot("one-step-done");

    // The queue's search finds the applicant's cases by ID number, with the countdown.
    b.follow("返回工作队列");
    b.fill("办件编号、姓名", ID_NUMBER);
    b.choose("办件状态", "全部");
    b.press("筛选");
    let (_, row) = row_with(&b, QUEUE_ROWS, &[&earlier.case_no]);
    assert!(row.contains("工作日"), "the countdown in words: {row}");
    assert!(b.text().contains(&case_no), "{}", b.text());
    assert_eq!(
        b.all(QUEUE_ROWS).len(),
        2,
        "both of 周九's cases, nothing else"
    );
    b.shot("queue-searched");
    b.fill("办件编号、姓名", "查无此人");
    b.press("筛选");
    assert!(b.text().contains("没有找到符合条件的办件"), "{}", b.text());
    b.shot("queue-nothing-found");
}
