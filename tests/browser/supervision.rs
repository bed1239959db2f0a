//! The path of issue 6 from end to end, as a new user follows it in the README: a clerk
//! takes an application at window A02, the applicant finds it on the public status page, the
//! administrator pushes the test clock past its deadline, and the supervision office sees the
//! red alert, works it (acknowledge, urge, each confirmed), and reads the statistics with
//! their charts and the CSV export.

use crate::steps::{
    accepted_at_a02, look_up_status, propose_and_confirm, row_with, sign_in_without_window,
    sign_out, start, DAY25,
};

const ID_NUMBER: &str = "320102198805126634";
const ALERT_ROWS: &str = "#alerts tbody tr";
/// The rule the late case breaks first: its promised date (GA-QR-01: 20 natural days).
const PROMISED: &str = "超承诺时限";

#[test]
fn a_late_case_reaches_the_supervision_office() {
    let Some((server, mut b)) = start("a_late_case_reaches_the_supervision_office") else {
        return;
    };
    let receipt = accepted_at_a02(&mut b, "钱七", ID_NUMBER);
    let no = receipt.case_no.as_str();

    look_up_status(&mut b, &receipt);
    assert_eq!(b.described("当前状态"), "已受理");
    b.shot("status-found");

    // The administrator moves the test clock past the promised date and sweeps.
    server.set_clock(DAY25);
    server.sweep();

    // The supervision officer lands on the alerts.
    sign_in_without_window(&mut b, "supervisor", "/staff/supervision/alerts");
    let (_, row) = row_with(&b, ALERT_ROWS, &[no, PROMISED]);
    assert!(row.contains("红牌"), "red, in words: {row}");
    assert!(row.contains("待处理"), "open: {row}");
    b.shot("alerts");

    b.choose("预警级别", "红牌");
    b.press("筛选");
    assert!(b.path().contains("level=red"), "{}", b.path());
    let rows = b.all(ALERT_ROWS);
    assert!(!rows.is_empty(), "red alerts");
    assert_eq!(
        b.all(&format!("{ALERT_ROWS}.row-red")).len(),
        rows.len(),
        "only red rows"
    );
    for r in &rows {
        let text = b.text_of(r);
        assert!(text.contains("红牌") && !text.contains("黄牌"), "{text}");
    }
    let (row, _) = row_with(&b, ALERT_ROWS, &[no, PROMISED]);
    b.shot("alerts-red");

    b.follow_in(&row);
    assert!(
        b.path().starts_with("/staff/supervision/alerts/"),
        "{}",
        b.path()
    );
    let page = b.text();
    for text in [no, PROMISED, "红牌", "待处理", "县公安局", "尚未处理"] {
        assert!(page.contains(text), "the alert page says «{text}»: {page}");
    }
    b.shot("alert");

    let page = propose_and_confirm(&mut b, "确认", &[no], "acknowledge");
    assert_eq!(b.text_of(&b.all("#alert-status")[0]), "已确认");
    assert!(!page.contains("确认…"), "acknowledged once only: {page}");

    let message = "请于三日内办结并反馈";
    b.fill("督办意见", message);
    propose_and_confirm(&mut b, "督办", &[no, message], "urge");
    assert_eq!(b.text_of(&b.all("#alert-status")[0]), "已督办");
    let steps: Vec<String> = b
        .all("table[aria-labelledby=steps] tbody tr")
        .iter()
        .map(|r| b.text_of(r))
        .collect();
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert!(
        steps[0].contains("确认") && steps[0].contains("supervisor"),
        "{steps:?}"
    );
    assert!(
        steps[1].contains("督办") && steps[1].contains(message),
        "{steps:?}"
    );
    assert!(steps[1].contains("已确认 → 已督办"), "{steps:?}");

    // Statistics for this month (March 2026, to day 25): the case received on 03-02 is
    // overdue and none is decided.
    b.follow("统计分析");
    assert_eq!(b.path(), "/staff/supervision/stats");
    let (_, total) = row_with(&b, "#stats-table tbody tr", &["合计"]);
    assert!(total.contains('1'), "{total}");
    for chart in ["chart-on-time", "chart-overdue", "chart-days"] {
        let svg = b.all(&format!("svg#{chart}"));
        assert_eq!(svg.len(), 1, "the chart {chart}");
        let (w, h) = b.size_of(&svg[0]);
        assert!(w > 300.0 && h > 50.0, "{chart} is drawn: {w}×{h}");
    }
    // On time: 0 of 1 due — a bar of 0 %.
    let rate: Vec<String> = b
        .all("#chart-on-time rect")
        .iter()
        .map(|r| b.attr_of(r, "data-value"))
        .collect();
    assert_eq!(rate, ["0"], "one department with cases");
    // A column a day from 03-01 to 03-27; the one of 03-02 holds the overdue case, at the
    // full height of the plot.
    let columns = b.all("#chart-overdue rect");
    let values: Vec<String> = columns.iter().map(|r| b.attr_of(r, "data-value")).collect();
    assert_eq!(values.len(), 27, "{values:?}");
    assert_eq!(values[1], "1", "{values:?}");
    assert_eq!(values.iter().filter(|v| *v != "0").count(), 1, "{values:?}");
    let (_, tallest) = b.size_of(&columns[1]);
    assert!(tallest > 50.0, "the column is drawn: {tallest}px");
    // No case decided: no bar, and the table says why.
    assert!(b.all("#chart-days rect").is_empty());
    assert!(b.text().contains("无已决定办件"));
    b.shot("statistics");

    let csv = b.attr_of(&b.all("#csv-export")[0], "href");
    assert!(csv.contains("/staff/supervision/stats.csv?"), "{csv}");
    let (status, content_type, body) = b.fetch(&csv);
    assert_eq!(status, 200, "{body}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let rows: Vec<&str> = body.trim_start_matches('\u{feff}').lines().collect();
    assert!(rows[0].starts_with("department,name,received,"), "{rows:?}");
    assert!(
        rows.iter().any(|r| r.starts_with("gaj,县公安局,1,1,")),
        "{rows:?}"
    );
    assert!(
        rows.last()
            .is_some_and(|r| r.starts_with("total,合计,1,1,")),
        "{rows:?}"
    );
}

/// The supervisor's desk (issue 17, part 3): the grouped list, the dashboard, the urge with
/// its reply deadline, the head's reply from the queue, and the reply on the alert.
#[test]
fn the_desk_groups_urges_and_shows_the_heads_reply() {
    let Some((server, mut b)) = start("the_desk_groups_urges_and_shows_the_heads_reply") else {
        return;
    };
    let receipt = accepted_at_a02(&mut b, "孙八", ID_NUMBER);
    let no = receipt.case_no.as_str();
    server.set_clock(DAY25);
    server.sweep();

    sign_in_without_window(&mut b, "supervisor", "/staff/supervision/alerts");
    // One row for the case, however many alerts; the yellow of the promise is not listed.
    let rows: Vec<String> = b.all(ALERT_ROWS).iter().map(|r| b.text_of(r)).collect();
    assert_eq!(
        rows.iter().filter(|r| r.contains(no)).count(),
        1,
        "{rows:?}"
    );
    let (_, text) = row_with(&b, ALERT_ROWS, &[no, PROMISED]);
    assert!(
        text.contains("· 红牌 ·") && !text.contains("· 黄牌 ·"),
        "{text}"
    );
    b.shot("desk-grouped");

    b.follow("监察工作台");
    assert_eq!(b.path(), "/staff/supervision");
    let svg = b.all("svg#chart-trend");
    assert_eq!(svg.len(), 1, "the trend chart");
    let (w, h) = b.size_of(&svg[0]);
    assert!(w > 300.0 && h > 50.0, "drawn: {w}×{h}");
    assert_ne!(b.text_of(&b.all("#open-red")[0]), "0");
    b.shot("desk-dashboard");

    b.goto("/staff/supervision/alerts");
    let (row, _) = row_with(&b, ALERT_ROWS, &[no, PROMISED]);
    b.follow_in(&row);
    let message = "请两日内回复办理情况";
    b.fill("督办意见（发给责任部门）", message);
    b.fill("回复期限（工作日）", "2");
    propose_and_confirm(&mut b, "督办", &[no, message], "desk-urge");
    let alert = b.path();
    sign_out(&mut b);

    // The head finds the order on the queue and replies.
    sign_in_without_window(&mut b, "head-gaj", "/staff/queue");
    let orders = b.all("#urging-queue tbody tr");
    assert_eq!(orders.len(), 1, "one order in the head's queue");
    b.follow_in(&orders[0]);
    assert!(b.text().contains(message), "{}", b.text());
    let reply = "已督促承办人当日办结";
    b.fill("办理情况和整改措施", reply);
    b.press("提交回复");
    assert!(b.text().contains("回复已提交"), "{}", b.text());
    b.shot("desk-reply");
    sign_out(&mut b);

    sign_in_without_window(&mut b, "supervisor", "/staff/supervision/alerts");
    b.goto(&alert);
    let orders: Vec<String> = b
        .all("#urging-orders tbody tr")
        .iter()
        .map(|r| b.text_of(r))
        .collect();
    assert!(
        orders
            .iter()
            .any(|o| o.contains(reply) && o.contains("已回复")),
        "{orders:?}"
    );
    b.shot("desk-reply-seen");
}

/// A bad rating (差评) lands in the department head's queue; the head reads its score and
/// comment and records the department's rectification (整改), once.
#[test]
fn the_head_rectifies_a_bad_rating_from_the_queue() {
    let Some((server, mut b)) = start("the_head_rectifies_a_bad_rating_from_the_queue") else {
        return;
    };
    let receipt = accepted_at_a02(&mut b, "周九", ID_NUMBER);
    let no = receipt.case_no.as_str();
    server.conclude_id_card_case(no, 2);
    let comment = "取证要跑两趟";
    let res = server
        .post(&format!("/api/v1/public/cases/{no}/evaluation"))
        .json(
            &serde_json::json!({"query_code": receipt.query_code, "score": 2, "comment": comment}),
        )
        .send()
        .expect("rating");
    assert_eq!(res.status(), 201, "rated");

    sign_in_without_window(&mut b, "head-gaj", "/staff/queue");
    let ratings = b.all("#ratings-queue tbody tr");
    assert_eq!(ratings.len(), 1, "one bad rating in the head's queue");
    b.shot("head-ratings-queue");
    b.follow_in(&ratings[0]);
    let page = b.text();
    assert!(page.contains("2 / 5") && page.contains(comment), "{page}");
    let text = "制证改为当场打印，当日可取";
    b.fill("责任部门的整改情况", text);
    b.press("登记整改");
    let page = b.text();
    assert!(
        page.contains("整改情况已登记") && page.contains(text),
        "{page}"
    );
    assert!(b.all("#rectification-text").is_empty(), "recorded once");
    b.shot("head-rectified");
    b.goto("/staff/queue");
    assert!(
        b.all("#ratings-queue").is_empty(),
        "nothing left to rectify"
    );
}
