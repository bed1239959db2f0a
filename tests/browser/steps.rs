//! Steps several tests take: starting a server and a browser, signing in at a window,
//! taking and accepting an application, moving the test clock.

use crate::chrome::chrome;
use crate::harness::{Server, DEMO_PASSWORD};
use crate::session::Session;

/// The test clock's default start (Monday 2026-03-02 09:00 in Shanghai) plus 25 days: past
/// GA-QR-01's promised limit of 20 natural days.
pub const DAY25: &str = "2026-03-27T09:00:00+08:00";

/// A demo server on the test clock (sweeps only when asked) and a browser on it, or `None`
/// when the test is skipped for want of a browser.
pub fn start(test: &str) -> Option<(Server, Session)> {
    let chrome = chrome(test)?;
    let server = Server::start(&["--demo", "--test-clock", "--sweep-every", "0"]);
    let session = Session::open(&chrome, test, &server.base);
    Some((server, session))
}

/// Signs in through the staff sign-in form and lands on the queue.
pub fn sign_in_at_window(b: &mut Session, username: &str, window: &str) {
    b.fill("用户名", username);
    b.fill("密码", DEMO_PASSWORD);
    b.choose("所在窗口", window);
    b.shot("sign-in");
    b.press("登录");
    assert_eq!(b.path(), "/staff/queue", "signed in");
    assert!(b.text().contains(window), "the queue names the window");
}

/// What the applicant takes home: the receipt's case number and query code.
pub struct Receipt {
    pub case_no: String,
    pub query_code: String,
}

/// At the window: intake of a GA-QR-01 application with all its materials, the case page,
/// acceptance with its confirmation, and the printed receipt.
pub fn take_and_accept(b: &mut Session, applicant: &str, id_number: &str) -> Receipt {
    b.follow("窗口收件");
    b.choose("办理事项", "居民身份证换领");
    b.press("显示材料清单");
    b.shot("intake-checklist");
    b.fill("姓名或单位名称", applicant);
    b.fill("身份证号码或统一社会信用代码", id_number);
    for material in ["居民户口簿", "原居民身份证", "符合标准的人像照片"] {
        b.tick(material);
    }
    b.shot("intake-filled");
    b.press("收件并生成办件编号");
    let page = b.text();
    assert!(page.contains("收件成功"), "{page}");
    assert!(page.contains("已收件"), "{page}");
    assert!(page.contains(applicant), "{page}");
    b.shot("case-received");

    b.press("受理…");
    let confirm = b.text();
    assert!(confirm.contains("请核对以下内容"), "{confirm}");
    b.shot("accept-confirm");
    b.press("确认 受理");
    let page = b.text();
    assert!(page.contains("已受理"), "{page}");
    assert!(page.contains("承诺办结日期"), "{page}");
    b.shot("case-accepted");

    b.follow("打印收件回执");
    let receipt = Receipt {
        case_no: b.described("办件编号"),
        query_code: b.described("查询码"),
    };
    assert_eq!(receipt.case_no.len(), 16, "case number {}", receipt.case_no);
    assert!(
        receipt.case_no.chars().all(|c| c.is_ascii_digit()),
        "{}",
        receipt.case_no
    );
    assert_eq!(receipt.query_code.len(), 10, "{}", receipt.query_code);
    assert_eq!(b.described("申请人"), applicant);
    b.shot("receipt");
    receipt
}
