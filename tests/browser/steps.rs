//! Steps several tests take: starting a server and a browser, signing in at a window or
//! without one, taking and accepting an application, confirming an action, finding a row.

use fantoccini::elements::Element;

use crate::chrome::chrome;
use crate::harness::{Server, DEMO_PASSWORD};
use crate::session::Session;

/// The test clock's default start (Monday 2026-03-02 09:00 in Shanghai) plus 25 days: past
/// GA-QR-01's promised limit of 20 natural days.
pub const DAY25: &str = "2026-03-27T09:00:00+08:00";

/// The rows of the work queue.
pub const QUEUE_ROWS: &str = "main table tbody tr";

/// A demo server on the test clock (sweeps only when asked) and a browser on it, or `None`
/// when the test is skipped for want of a browser.
pub fn start(test: &str) -> Option<(Server, Session)> {
    let chrome = chrome(test)?;
    let server = Server::start(&["--demo", "--test-clock", "--sweep-every", "0"]);
    let session = Session::open(&chrome, test, &server.base);
    Some((server, session))
}

/// Fills in the staff sign-in form, choosing the option `window` of the window list, and
/// signs in.
fn sign_in(b: &mut Session, username: &str, window: &str) {
    b.fill("用户名", username);
    b.fill("密码", DEMO_PASSWORD);
    b.choose("所在窗口", window);
    b.shot("sign-in");
    b.press("登录");
}

/// Signs in through the staff sign-in form and lands on the queue.
pub fn sign_in_at_window(b: &mut Session, username: &str, window: &str) {
    sign_in(b, username, window);
    assert_eq!(b.path(), "/staff/queue", "signed in");
    assert!(b.text().contains(window), "the queue names the window");
}

/// Opens the sign-in page, signs in without a window (back office, supervision) and lands
/// on `home`, the role's home page.
pub fn sign_in_without_window(b: &mut Session, username: &str, home: &str) {
    b.goto("/staff/login");
    sign_in(b, username, "不在窗口");
    assert_eq!(b.path(), home, "{username} signed in");
}

/// The clerk of window A02 signs in, takes and accepts a GA-QR-01 application and signs out.
pub fn accepted_at_a02(b: &mut Session, applicant: &str, id_number: &str) -> Receipt {
    b.goto("/staff/login");
    sign_in_at_window(b, "clerk-a02", "A02");
    let receipt = take_and_accept(b, applicant, id_number);
    sign_out(b);
    receipt
}

/// Signs out with the header's button.
pub fn sign_out(b: &mut Session) {
    b.press("退出");
    assert_eq!(b.path(), "/staff/login", "signed out");
}

/// Presses the button `action…` of a form (a case action or an alert step), checks that the
/// confirmation page repeats `repeated` (screenshot `<shot>-confirm`), confirms, and returns
/// the text of the page it comes back to, which says the action was done (`<shot>-done`).
pub fn propose_and_confirm(b: &mut Session, action: &str, repeated: &[&str], shot: &str) -> String {
    b.press(&format!("{action}…"));
    let confirm = b.text();
    assert!(confirm.contains("请核对以下内容"), "{confirm}");
    for text in repeated {
        assert!(
            confirm.contains(text),
            "the confirmation repeats «{text}»: {confirm}"
        );
    }
    b.shot(&format!("{shot}-confirm"));
    // The button names the action once: "确认 受理", but plain "确认" for the alert's 确认.
    let button = if action.starts_with("确认") {
        action.to_owned()
    } else {
        format!("确认 {action}")
    };
    b.press(&button);
    let page = b.text();
    assert!(page.contains(&format!("已完成：{action}")), "{page}");
    b.shot(&format!("{shot}-done"));
    page
}

/// The first of the rows matched by `rows` (CSS) whose text contains every one of `texts`,
/// and its text.
pub fn row_with(b: &Session, rows: &str, texts: &[&str]) -> (Element, String) {
    b.all(rows)
        .into_iter()
        .map(|r| {
            let t = b.text_of(&r);
            (r, t)
        })
        .find(|(_, t)| texts.iter().all(|x| t.contains(x)))
        .unwrap_or_else(|| panic!("a row of «{rows}» with {texts:?}"))
}

/// As the applicant at home with the receipt: the public status page from the home page,
/// with the case number and the query code (typed in lower case: it is not case-sensitive).
pub fn look_up_status(b: &mut Session, receipt: &Receipt) {
    b.goto("/");
    b.follow("办件查询");
    b.fill("办件编号", &receipt.case_no);
    b.fill("查询码", &receipt.query_code.to_lowercase());
    b.shot("status-query");
    b.press("查询");
    let page = b.text();
    assert!(page.contains("办件进度"), "{page}");
    assert_eq!(b.described("办件编号"), receipt.case_no);
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

    let page = propose_and_confirm(b, "受理", &[], "accept");
    assert!(page.contains("已受理"), "{page}");
    assert!(page.contains("承诺办结日期"), "{page}");

    b.follow("收件凭证");
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
