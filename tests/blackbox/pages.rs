//! The server-rendered pages over HTTP, as a browser without JavaScript uses them: cookies
//! kept by hand, forms posted as `application/x-www-form-urlencoded`, redirects not followed
//! so that each step can be checked. (Tests in a real browser are the next step.)

use crate::form_client::{Browser, Page};
use crate::harness::{Server, DEMO_PASSWORD};

const ID_NUMBER: &str = "110101199001015678";

impl Browser<'_> {
    /// Signs in at a window through the form.
    pub(crate) fn sign_in(&mut self, username: &str, window: &str) -> Page {
        let form = self.get("/staff/login");
        let csrf = form.field("csrf");
        self.post(
            "/staff/login",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", DEMO_PASSWORD),
                ("window", window),
                ("next", "/staff/queue"),
            ],
        )
    }

    /// Takes an application for GA-QR-01 with these materials; returns the case number.
    pub(crate) fn intake(&mut self, name: &str, materials: &[&str]) -> String {
        let form = self.get("/staff/intake?item=GA-QR-01");
        form.html(200, "intake form");
        let csrf = form.field("csrf");
        let key = form.field("key");
        let mut fields: Vec<(&str, &str)> = vec![
            ("csrf", &csrf),
            ("item", "GA-QR-01"),
            ("key", &key),
            ("kind", "person"),
            ("name", name),
            ("id_number", ID_NUMBER),
            ("phone", ""),
            ("email", ""),
        ];
        for m in materials {
            fields.push(("material", m));
        }
        let done = self.post("/staff/intake", &fields);
        let to = done.redirect("intake").to_owned();
        assert!(to.ends_with("?done=intake"), "{to}");
        to.trim_start_matches("/staff/cases/")
            .trim_end_matches("?done=intake")
            .to_owned()
    }

    /// Posts an action form as the case page offers it (its CSRF token and version), without
    /// confirming: the confirmation page, or the case page with the problem. Answers the page
    /// and the fields posted.
    pub(crate) fn propose(
        &mut self,
        case_no: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> (Page, Vec<(String, String)>) {
        let case = self.get(&format!("/staff/cases/{case_no}"));
        case.html(200, "case page");
        let mut form = vec![
            ("csrf".to_owned(), case.field("csrf")),
            ("version".to_owned(), case.field("version")),
        ];
        form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let page = self.post(&format!("/staff/cases/{case_no}/actions/{action}"), &pairs);
        (page, form)
    }

    /// Posts an action form, checks the confirmation page, then confirms.
    pub(crate) fn act(&mut self, case_no: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let (confirm, mut form) = self.propose(case_no, action, fields);
        let body = confirm.html(200, "confirmation page");
        assert!(body.contains("name=\"confirm\" value=\"yes\""), "{body}");
        form.push(("confirm".to_owned(), "yes".to_owned()));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.post(&format!("/staff/cases/{case_no}/actions/{action}"), &pairs)
    }
}

fn server() -> Server {
    Server::start(&["--demo", "--test-clock"])
}

#[test]
fn pages_render_in_chinese_with_their_stylesheet() {
    let server = server();
    let mut b = Browser::new(&server);
    for path in ["/", "/guide", "/guide/GA-QR-01", "/status", "/staff/login"] {
        let page = b.get(path);
        let body = page.html(200, path);
        assert!(body.starts_with("<!DOCTYPE html>"), "{path}");
        assert!(body.contains("<html lang=\"zh-CN\">"), "{path}: {body}");
        assert!(body.contains("href=\"/assets/tongban.css\""), "{path}");
        assert!(body.contains("href=\"#main\""), "{path}: skip link");
        assert!(!body.contains("<script"), "{path}: no JavaScript");
    }
    let item = b.get("/guide/GA-QR-01");
    let body = item.html(200, "item guide");
    for text in [
        "居民身份证换领",
        "居民户口簿",
        "原居民身份证",
        "发改价格〔2003〕2322号",
        "20.00",
        "12345政务服务便民热线",
        "效能投诉窗口",
    ] {
        assert!(body.contains(text), "guide lacks {text}");
    }
    let missing = b.get("/guide/NO-SUCH-ITEM");
    assert!(missing.html(404, "unknown item").contains("没有这个事项"));

    let css = b.get("/assets/tongban.css");
    assert_eq!(css.status, 200);
    assert!(
        css.content_type.starts_with("text/css"),
        "{}",
        css.content_type
    );
    assert!(css.body.contains("@media print"));
    assert!(css.body.contains(":focus-visible"));
}

#[test]
fn guide_search_finds_items_by_name_and_department() {
    let server = server();
    let mut b = Browser::new(&server);
    let found = b.get("/guide?q=%E8%BA%AB%E4%BB%BD%E8%AF%81"); // 身份证
    let body = found.html(200, "search");
    assert!(body.contains("href=\"/guide/GA-QR-01\""), "{body}");
    let by_dept = b.get("/guide?dept=gaj");
    assert!(by_dept
        .html(200, "by department")
        .contains("href=\"/guide/GA-QR-01\""));
    let other_dept = b.get("/guide?dept=mzj&q=%E8%BA%AB%E4%BB%BD%E8%AF%81");
    assert!(!other_dept
        .html(200, "other department")
        .contains("href=\"/guide/GA-QR-01\""));
    let none = b.get("/guide?q=zzzz-nothing");
    assert!(none.html(200, "no match").contains("共找到 0 个事项"));
}

#[test]
fn english_by_switch_and_by_accept_language() {
    let server = server();
    let mut b = Browser::new(&server);
    let switched = b.get("/lang/en?next=/guide%3Fq%3Dx");
    assert_eq!(switched.redirect("switch"), "/guide?q=x");
    assert!(switched
        .set_cookies
        .iter()
        .any(|c| c.starts_with("lang=en")));
    let page = b.get("/guide");
    let body = page.html(200, "guide in English");
    assert!(body.contains("<html lang=\"en\">"), "{body}");
    assert!(body.contains("Service guide"));
    b.get("/lang/zh?next=/");
    assert!(b
        .get("/")
        .html(200, "back to Chinese")
        .contains("<html lang=\"zh-CN\">"));

    let mut english = Browser::new(&server);
    english.accept_language = Some("en-GB,en;q=0.9");
    let body = english.get("/status").body;
    assert!(body.contains("<html lang=\"en\">"), "{body}");
    assert!(body.contains("Query code"));

    // The switch goes back only to pages of this site.
    assert_eq!(b.get("/lang/en?next=//evil.example/").redirect("open"), "/");
    assert_eq!(
        b.get("/lang/en?next=https://evil.example/")
            .redirect("open"),
        "/"
    );
}

#[test]
fn forms_without_the_csrf_token_are_refused() {
    let server = server();
    let mut b = Browser::new(&server);
    // A first visit sets the anonymous CSRF cookie.
    b.get("/staff/login");
    assert!(b.cookies.contains_key("tb_csrf"));
    let no_token = b.post(
        "/staff/login",
        &[
            ("username", "clerk-a02"),
            ("password", DEMO_PASSWORD),
            ("window", "A02"),
        ],
    );
    no_token.html(403, "login without token");
    assert!(!b.cookies.contains_key("tb_session"));
    let wrong = b.post(
        "/staff/login",
        &[
            ("csrf", "0000"),
            ("username", "clerk-a02"),
            ("password", DEMO_PASSWORD),
            ("window", "A02"),
        ],
    );
    wrong.html(403, "login with a wrong token");
    let status = b.post("/status", &[("case_no", "1"), ("query_code", "2")]);
    status.html(403, "status query without token");

    // A token from another browser (another cookie) does not do either.
    let mut other = Browser::new(&server);
    let token = other.get("/staff/login").field("csrf");
    let foreign = b.post(
        "/staff/login",
        &[
            ("csrf", &token),
            ("username", "clerk-a02"),
            ("password", DEMO_PASSWORD),
            ("window", "A02"),
        ],
    );
    foreign.html(403, "login with another browser's token");

    // Signed in, the token is bound to the session: an action without it is refused too.
    assert_eq!(b.sign_in("clerk-a02", "A02").status, 303);
    let case_no = b.intake("赵六", &["hkb", "jsfz", "zp"]);
    let version = b.get(&format!("/staff/cases/{case_no}")).field("version");
    let forged = b.post(
        &format!("/staff/cases/{case_no}/actions/accept"),
        &[("version", &version), ("confirm", "yes")],
    );
    forged.html(403, "action without token");
    let case = b.get(&format!("/staff/cases/{case_no}"));
    assert!(case.html(200, "case").contains("已收件"), "still received");
}

#[test]
fn sign_in_sets_a_strict_http_only_session_and_sign_out_clears_it() {
    let server = server();
    let mut b = Browser::new(&server);
    let anonymous = b.get("/staff/queue");
    assert_eq!(
        anonymous.redirect("queue without session"),
        "/staff/login?next=/staff/queue"
    );

    let form = b.get("/staff/login");
    let csrf = form.field("csrf");
    let wrong = b.post(
        "/staff/login",
        &[
            ("csrf", &csrf),
            ("username", "clerk-a02"),
            ("password", "wrong-password"),
            ("window", "A02"),
        ],
    );
    assert!(wrong
        .html(401, "wrong password")
        .contains("用户名或密码错误"));
    let other_window = b.post(
        "/staff/login",
        &[
            ("csrf", &csrf),
            ("username", "clerk-a02"),
            ("password", DEMO_PASSWORD),
            ("window", "A01"),
        ],
    );
    other_window.html(403, "window not assigned");

    let signed = b.sign_in("clerk-a02", "A02");
    assert_eq!(signed.redirect("sign-in"), "/staff/queue");
    let cookie = signed
        .set_cookies
        .iter()
        .find(|c| c.starts_with("tb_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Max-Age="), "{cookie}");
    let queue = b.get("/staff/queue");
    let body = queue.html(200, "queue");
    assert!(body.contains("A02"), "{body}");
    assert!(body.contains("/staff/logout"));

    let csrf = queue.field("csrf");
    let out = b.post("/staff/logout", &[("csrf", &csrf)]);
    assert_eq!(out.redirect("sign-out"), "/staff/login");
    assert!(!b.cookies.contains_key("tb_session"));
    assert_eq!(b.get("/staff/queue").status, 303);
}

#[test]
fn window_intake_accept_receipt_and_public_status() {
    let server = server();
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("clerk-a02", "A02").status, 303);

    // Only the items the window is granted are offered, with their checklist.
    let intake = b.get("/staff/intake");
    assert!(intake.html(200, "intake").contains("value=\"GA-QR-01\""));
    let checklist = b.get("/staff/intake?item=GA-QR-01");
    let body = checklist.html(200, "checklist");
    for code in ["hkb", "jsfz", "zp"] {
        assert!(
            body.contains(&format!("name=\"material\" value=\"{code}\"")),
            "{code}"
        );
    }

    // A field error comes back next to the field, with what was entered.
    let csrf = checklist.field("csrf");
    let key = checklist.field("key");
    let bad = b.post(
        "/staff/intake",
        &[
            ("csrf", &csrf),
            ("item", "GA-QR-01"),
            ("key", &key),
            ("kind", "person"),
            ("name", ""),
            ("id_number", "12"),
        ],
    );
    let body = bad.html(422, "invalid intake");
    assert!(body.contains("id=\"err-name\""), "{body}");
    assert!(body.contains("id=\"err-id_number\""), "{body}");

    let case_no = b.intake("王五", &["hkb", "jsfz", "zp"]);
    assert_eq!(case_no.len(), 16, "{case_no}");
    let queue = b.get("/staff/queue");
    assert!(queue
        .html(200, "queue")
        .contains(&format!("href=\"/staff/cases/{case_no}\"")));

    let case = b.get(&format!("/staff/cases/{case_no}?done=intake"));
    let body = case.html(200, "case");
    assert!(body.contains("收件成功"));
    assert!(body.contains("/actions/accept\""), "accept offered");
    assert!(body.contains("/actions/request-supplement\""));
    assert!(
        !body.contains("/actions/deliver\""),
        "nothing to deliver yet"
    );
    let old_version = case.field("version");

    let accepted = b.act(&case_no, "accept", &[]);
    assert_eq!(
        accepted.redirect("accept"),
        format!("/staff/cases/{case_no}?done=accept")
    );
    let after = b.get(&format!("/staff/cases/{case_no}?done=accept"));
    let body = after.html(200, "accepted case");
    assert!(body.contains("已受理"));
    assert!(body.contains("承诺办结日期"));

    // A second confirmation of the old form: the clear message, next to the form.
    let csrf = after.field("csrf");
    let stale = b.post(
        &format!("/staff/cases/{case_no}/actions/accept"),
        &[
            ("csrf", &csrf),
            ("version", &old_version),
            ("confirm", "yes"),
        ],
    );
    let body = stale.html(412, "stale accept");
    assert!(body.contains("办件已更新到版本"), "{body}");
    assert!(body.contains("id=\"err-accept\""), "{body}");

    let receipt = b.get(&format!("/staff/cases/{case_no}/receipt"));
    let body = receipt.html(200, "receipt").to_owned();
    assert!(body.contains(&case_no));
    assert!(body.contains("查询码"));
    let code_at = body.find("查询码").expect("query code label");
    let query_code: String = body[code_at..]
        .split("<strong>")
        .nth(1)
        .and_then(|s| s.split("</strong>").next())
        .expect("query code")
        .to_owned();
    assert_eq!(query_code.len(), 10, "{query_code}");

    // The applicant's side: masked, with the next step and the timeline.
    let mut applicant = Browser::new(&server);
    let form = applicant.get("/status");
    let csrf = form.field("csrf");
    let status = applicant.post(
        "/status",
        &[
            ("csrf", &csrf),
            ("case_no", &case_no),
            ("query_code", &query_code.to_lowercase()),
        ],
    );
    let body = status.html(200, "status page");
    assert!(body.contains("110***********5678"), "{body}");
    assert!(!body.contains(ID_NUMBER), "the full ID never shows");
    assert!(body.contains("王*"));
    assert!(!body.contains("王五"));
    assert!(body.contains("已受理"));
    assert!(body.contains("承诺于"));
    assert!(body.contains("class=\"timeline\""));
    let wrong = applicant.post(
        "/status",
        &[
            ("csrf", &csrf),
            ("case_no", &case_no),
            ("query_code", "AAAAAAAAAA"),
        ],
    );
    let body = wrong.html(404, "wrong code");
    assert!(body.contains("办件编号或查询码不正确"));
    assert!(!body.contains("王*"));
}

#[test]
fn one_time_supplement_notice_is_printable_and_shown_to_the_applicant() {
    let server = server();
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("clerk-a02", "A02").status, 303);
    let case_no = b.intake("钱七", &["hkb"]);
    let case = b.get(&format!("/staff/cases/{case_no}"));
    let body = case.html(200, "incomplete case");
    assert!(
        !body.contains("/actions/accept\""),
        "accepting cannot succeed, so no form"
    );
    assert!(body.contains("暂不能办理"), "{body}");
    assert!(body.contains("缺少必要材料"), "{body}");

    let no_notice = b.get(&format!("/staff/cases/{case_no}/notice"));
    no_notice.html(404, "no notice yet");

    let notified = b.act(
        &case_no,
        "request-supplement",
        &[
            ("missing", "jsfz"),
            ("note-jsfz", "请带原证件"),
            ("missing", "zp"),
        ],
    );
    assert_eq!(
        notified.redirect("notice"),
        format!("/staff/cases/{case_no}?done=request-supplement")
    );
    let case = b.get(&format!("/staff/cases/{case_no}"));
    let body = case.html(200, "case after notice");
    assert!(body.contains("待补正"));
    assert!(
        !body.contains("/actions/request-supplement\""),
        "a second notice is not offered"
    );

    let notice = b.get(&format!("/staff/cases/{case_no}/notice"));
    let body = notice.html(200, "notice");
    assert!(body.contains("补正材料通知书") && body.contains("一次性告知"));
    assert!(body.contains("原居民身份证（请带原证件）"), "{body}");
    assert!(body.contains("符合标准的人像照片"));

    let receipt = b.get(&format!("/staff/cases/{case_no}/receipt")).body;
    let code_at = receipt.find("查询码").expect("query code");
    let query_code = receipt[code_at..]
        .split("<strong>")
        .nth(1)
        .and_then(|s| s.split("</strong>").next())
        .expect("code")
        .to_owned();
    let mut applicant = Browser::new(&server);
    let csrf = applicant.get("/status").field("csrf");
    let status = applicant.post(
        "/status",
        &[
            ("csrf", &csrf),
            ("case_no", &case_no),
            ("query_code", &query_code),
        ],
    );
    let body = status.html(200, "status with missing list");
    assert!(body.contains("需补正的材料"));
    assert!(body.contains("原居民身份证（请带原证件）"));
}

#[test]
fn queue_shows_due_dates_and_alert_colours_and_sessions_expire_with_the_token() {
    let server = server();
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("clerk-a02", "A02").status, 303);
    let case_no = b.intake("孙八", &["hkb", "jsfz", "zp"]);
    let queue = b.get("/staff/queue");
    let body = queue.html(200, "queue on time");
    // Received on Monday 2 March 2026: five working days to accept, to the end of the 9th.
    assert!(body.contains("2026年03月09日"), "{body}");
    assert!(body.contains("alert-none"), "{body}");

    // Past the acceptance deadline: the session (8 hours) has expired too.
    server.set_clock("2026-03-12T10:00:00+08:00");
    let expired = b.get("/staff/queue");
    let to = expired.redirect("expired session").to_owned();
    assert_eq!(to, "/staff/login?next=/staff/queue&expired=1");
    assert!(
        !b.cookies.contains_key("tb_session"),
        "expired cookie cleared"
    );
    assert!(b.get(&to).html(200, "sign in again").contains("登录已过期"));

    assert_eq!(b.sign_in("clerk-a02", "A02").status, 303);
    let queue = b.get("/staff/queue");
    let body = queue.html(200, "queue overdue");
    assert!(body.contains("class=\"row-red\""), "{body}");
    assert!(body.contains("红牌"), "{body}");
    assert!(body.contains(&case_no));
}

#[test]
fn the_calendar_page_is_the_administrators_and_names_each_bad_field() {
    let server = server();

    // Another role: 403 with the reason; not signed in: the staff sign-in and back.
    let mut clerk = Browser::new(&server);
    clerk.get("/admin/calendar").redirect("not signed in");
    clerk
        .sign_in("clerk-a02", "A02")
        .redirect("clerk signed in");
    clerk.get("/admin/calendar").html(403, "a clerk");

    let mut b = Browser::new(&server);
    let login = b.get("/staff/login");
    let csrf = login.field("csrf");
    let home = b.post(
        "/staff/login",
        &[
            ("csrf", &csrf),
            ("username", "admin"),
            ("password", DEMO_PASSWORD),
            ("window", ""),
            ("next", "/admin/calendar"),
        ],
    );
    assert_eq!(home.redirect("admin signed in"), "/admin/calendar");
    let page = b.get("/admin/calendar");
    let body = page.html(200, "calendar page");
    assert!(body.contains("工作日历"), "{body}");
    assert!(body.contains("id=\"calendar-years\""), "{body}");
    // 2026-03-02: ten months before the official calendar ends, no warning yet.
    assert!(!body.contains("id=\"horizon-warning\""), "{body}");
    let csrf = page.field("csrf");

    // A line that is not a date: refused by the page, next to its field, text kept.
    let bad = b.post(
        "/admin/calendar",
        &[
            ("csrf", &csrf),
            ("year", "2027"),
            ("holidays", "2027-01-01\r\n2027-02-30"),
            ("workdays", ""),
            ("source", ""),
            ("do", "preview"),
        ],
    );
    let body = bad.html(422, "a bad date");
    assert!(body.contains("id=\"err-holidays\""), "{body}");
    assert!(body.contains("第 2 行"), "{body}");
    assert!(
        body.contains("2027-02-30"),
        "what was typed is kept: {body}"
    );
    assert!(!body.contains("id=\"impact\""), "{body}");

    // A weekday declared a working day: refused by the use case, next to its field.
    let bad = b.post(
        "/admin/calendar",
        &[
            ("csrf", &csrf),
            ("year", "2027"),
            ("holidays", "2027-01-01"),
            ("workdays", "2027-02-10"),
            ("source", ""),
            ("do", "load"),
        ],
    );
    let body = bad.html(422, "a weekday as a working day");
    assert!(body.contains("id=\"err-workdays\""), "{body}");
    assert!(
        body.contains("2027-02-10 本为工作日；调休上班日期须为星期六或星期日"),
        "{body}"
    );

    // Nothing was loaded: 2027 is still provisional.
    let years: serde_json::Value = server
        .get("/api/v1/calendar/years")
        .send()
        .expect("years")
        .json()
        .expect("years json");
    let y2027 = years["years"]
        .as_array()
        .and_then(|ys| ys.iter().find(|y| y["year"] == 2027))
        .cloned()
        .unwrap_or_default();
    assert_eq!(y2027["status"], "provisional", "{years}");

    // No CSRF token: 403.
    let forged = b.post(
        "/admin/calendar",
        &[("year", "2027"), ("holidays", "2027-01-01"), ("do", "load")],
    );
    forged.html(403, "no token");
}
