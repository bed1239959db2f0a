//! The applicants' pages over HTTP, as a browser without JavaScript uses them: register, sign
//! in and out, apply online with files (refused ones shown next to their field), "my cases",
//! files only for the case's applicant and staff in scope, the supplement after a notice and
//! the rating after conclusion, once.

use crate::form_client::{Browser, Page, Upload};
use crate::harness::Server;
use crate::public::post_action;

const PASSWORD: &str = "applicant-pass-1";
const ID_NUMBER: &str = "110101199001015678";

fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {tag}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n").into_bytes()
}

fn png() -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1]);
    b
}

fn jpeg() -> Vec<u8> {
    vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 0xFF, 0xD9,
    ]
}

/// A limit of 1 MiB keeps the too-large file of the tests small.
const ARGS: [&str; 6] = [
    "--demo",
    "--test-clock",
    "--sweep-every",
    "0",
    "--max-upload-mib",
    "1",
];

fn server() -> Server {
    Server::start(&ARGS)
}

impl Browser<'_> {
    /// Registers through the form (and is signed in by it).
    fn register(&mut self, username: &str, name: &str) -> Page {
        let form = self.get("/account/register");
        form.html(200, "registration form");
        let csrf = form.field("csrf");
        self.post(
            "/account/register",
            &[
                ("csrf", &csrf),
                ("next", "/my/cases"),
                ("username", username),
                ("password", PASSWORD),
                ("name", name),
                ("phone", "13800138000"),
                ("email", ""),
            ],
        )
    }

    fn applicant_sign_in(&mut self, username: &str, password: &str) -> Page {
        let form = self.get("/account/login");
        let csrf = form.field("csrf");
        self.post(
            "/account/login",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
                ("next", "/my/cases"),
            ],
        )
    }

    /// Posts the online application form of GA-QR-01 with these files.
    fn apply(&mut self, csrf: &str, key: &str, files: &[Upload]) -> Page {
        self.post_multipart(
            "/apply/GA-QR-01",
            &[
                ("csrf", csrf),
                ("key", key),
                ("kind", "person"),
                ("name", "张伟"),
                ("id_number", ID_NUMBER),
                ("phone", "13800138000"),
                ("email", ""),
            ],
            files,
        )
    }

    /// Applies with a valid file for every material; returns the case number.
    fn apply_complete(&mut self, hkb: &[u8]) -> String {
        let form = self.get("/apply/GA-QR-01");
        form.html(200, "application form");
        let (csrf, key) = (form.field("csrf"), form.field("key"));
        let (jpg, png) = (jpeg(), png());
        let done = self.apply(
            &csrf,
            &key,
            &[
                upload("file-hkb", "户口簿.pdf", "application/pdf", hkb),
                upload("file-jsfz", "id.jpg", "image/jpeg", &jpg),
                upload("file-zp", "photo.png", "image/png", &png),
            ],
        );
        case_no_of(done.redirect("application"), "submitted")
    }
}

fn upload<'a>(field: &'a str, name: &'a str, kind: &'a str, bytes: &'a [u8]) -> Upload<'a> {
    Upload {
        field,
        file_name: name,
        content_type: kind,
        bytes,
    }
}

fn case_no_of(location: &str, done: &str) -> String {
    let suffix = format!("?done={done}");
    assert!(location.ends_with(&suffix), "{location}");
    location
        .trim_start_matches("/my/cases/")
        .trim_end_matches(&suffix)
        .to_owned()
}

/// The download links of a page, in order.
fn file_links(body: &str) -> Vec<String> {
    body.match_indices("href=\"/files/")
        .map(|(i, _)| {
            let start = i + "href=\"".len();
            let end = body[start..].find('"').expect("end of href") + start;
            body[start..end].to_owned()
        })
        .collect()
}

fn token(server: &Server, username: &str, password: &str) -> String {
    let res = server
        .post("/api/v1/auth/token")
        .json(&serde_json::json!({"username": username, "password": password}))
        .send()
        .expect("token");
    assert_eq!(res.status(), 200);
    let v: serde_json::Value = res.json().expect("json");
    v["access_token"].as_str().expect("token").to_owned()
}

#[test]
fn register_sign_in_and_out() {
    let server = server();
    let mut b = Browser::new(&server);
    let home = b.get("/");
    let body = home.html(200, "home");
    assert!(body.contains("href=\"/account/login\""), "{body}");
    assert!(body.contains("href=\"/account/register\""), "{body}");

    // My cases needs an account: to the applicants' sign-in, and back after it.
    let to = b
        .get("/my/cases")
        .redirect("my cases signed out")
        .to_owned();
    assert_eq!(to, "/account/login?next=/my/cases");

    let done = b.register("zhang-wei", "张伟");
    assert_eq!(done.redirect("registration"), "/my/cases");
    let session = done
        .set_cookies
        .iter()
        .find(|c| c.starts_with("tb_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
    let mine = b.get("/my/cases");
    let body = mine.html(200, "my cases");
    assert!(body.contains("您还没有办件"), "{body}");
    assert!(
        body.contains("zhang-wei"),
        "the header names who is signed in"
    );

    // The same username again: refused next to the field, the password not sent back.
    let mut other = Browser::new(&server);
    let taken = other.register("zhang-wei", "另一个人");
    let body = taken.html(409, "taken username");
    assert!(body.contains("id=\"err-username\""), "{body}");
    assert!(!body.contains(PASSWORD), "the password never comes back");
    // A bad phone: 422 next to the field.
    let form = other.get("/account/register");
    let csrf = form.field("csrf");
    let bad = other.post(
        "/account/register",
        &[
            ("csrf", &csrf),
            ("username", "li-na"),
            ("password", PASSWORD),
            ("name", "李娜"),
            ("phone", "12"),
        ],
    );
    assert!(bad.html(422, "bad phone").contains("id=\"err-phone\""));

    // Sign out, then in again; a wrong password is told on the page.
    let csrf = b.get("/my/cases").field("csrf");
    assert_eq!(
        b.post("/account/logout", &[("csrf", &csrf)])
            .redirect("sign-out"),
        "/"
    );
    assert!(!b.cookies.contains_key("tb_session"));
    let wrong = b.applicant_sign_in("zhang-wei", "not-the-password");
    assert!(wrong
        .html(401, "wrong password")
        .contains("用户名或密码错误"));
    assert_eq!(
        b.applicant_sign_in("zhang-wei", PASSWORD)
            .redirect("sign-in"),
        "/my/cases"
    );
    // Staff do not sign in here.
    let clerk = b.applicant_sign_in("clerk-a02", crate::harness::DEMO_PASSWORD);
    assert!(clerk
        .html(403, "clerk at the applicants' sign-in")
        .contains("仅供申请人"));

    // English on every new page.
    b.accept_language = Some("en");
    for path in [
        "/account/login",
        "/account/register",
        "/my/cases",
        "/apply/GA-QR-01",
    ] {
        let page = b.get(path);
        let body = page.html(200, path);
        assert!(body.contains("<html lang=\"en\">"), "{path}: {body}");
    }
    assert!(b.get("/my/cases").body.contains("My cases"));

    // The session ends with its token (8 hours), by the server's clock.
    b.accept_language = None;
    let admin = server.login("admin", None);
    let res = server
        .put("/api/v1/admin/clock")
        .bearer_auth(&admin)
        .json(&serde_json::json!({"now": "2026-03-12T10:00:00+08:00"}))
        .send()
        .expect("set clock");
    assert_eq!(res.status(), 200);
    let expired = b.get("/my/cases");
    assert_eq!(
        expired.redirect("expired session"),
        "/account/login?next=/my/cases&expired=1"
    );
    assert!(
        !b.cookies.contains_key("tb_session"),
        "expired cookie cleared"
    );
    let form = b.get("/account/login?next=/my/cases&expired=1");
    assert!(form
        .html(200, "sign-in after expiry")
        .contains("登录已过期"));
}

#[test]
fn apply_online_with_files_that_only_the_right_people_get() {
    // Files are bytes in the database: both backends.
    for backend in crate::backend::all("apply_online_with_files_that_only_the_right_people_get") {
        eprintln!("backend: {}", backend.name());
        apply_online_with_files(&Server::start_on(&backend, &ARGS));
    }
}

fn apply_online_with_files(server: &Server) {
    let mut a = Browser::new(server);
    a.register("wang-fang", "王芳").redirect("registration");

    let guide = a.get("/guide/GA-QR-01");
    assert!(
        guide.body.contains("href=\"/apply/GA-QR-01\""),
        "在线申请 link"
    );
    let form = a.get("/apply/GA-QR-01");
    let body = form.html(200, "application form");
    for code in ["hkb", "jsfz", "zp"] {
        assert!(
            body.contains(&format!("<label for=\"file-{code}\"")),
            "{body}"
        );
        assert!(body.contains(&format!("id=\"file-{code}\"")), "{body}");
    }
    assert!(body.contains("enctype=\"multipart/form-data\""));
    assert!(
        body.contains("value=\"王芳\""),
        "the account's name is filled in"
    );
    let (csrf, key) = (form.field("csrf"), form.field("key"));

    // Too large, and not a PDF/JPEG/PNG whatever its name says: both named next to their
    // field; nothing is created.
    let good = pdf("hkb");
    let mut big = pdf("big");
    big.resize(1024 * 1024 + 1, b' ');
    let gif = b"GIF89a\x01\x00\x01\x00".to_vec();
    let refused = a.apply(
        &csrf,
        &key,
        &[
            upload("file-hkb", "户口簿.pdf", "application/pdf", &good),
            upload("file-jsfz", "scan.pdf", "application/pdf", &big),
            upload("file-zp", "photo.png", "image/png", &gif),
        ],
    );
    let body = refused.html(413, "too large first");
    assert!(body.contains("id=\"err-file-jsfz\""), "{body}");
    assert!(body.contains("文件过大"), "{body}");
    assert!(body.contains("id=\"err-file-zp\""), "{body}");
    assert!(body.contains("文件类型不符"), "{body}");
    assert!(
        body.contains("aria-describedby=\"err-file-jsfz\""),
        "{body}"
    );
    assert_eq!(refused.field("key"), key, "the same key comes back");
    let script = b"#!/bin/sh\necho hi\n".to_vec();
    let wrong_type = a.apply(
        &csrf,
        &key,
        &[upload("file-hkb", "a.pdf", "application/pdf", &script)],
    );
    let body = wrong_type.html(415, "wrong type");
    assert!(body.contains("id=\"err-file-hkb\""), "{body}");
    // A required material without a file: 422 next to it.
    let missing = a.apply(
        &csrf,
        &key,
        &[upload("file-hkb", "a.pdf", "application/pdf", &good)],
    );
    assert!(missing
        .html(422, "missing")
        .contains("id=\"err-file-jsfz\""));
    assert!(a.get("/my/cases").body.contains("您还没有办件"));

    // Valid files; the form submitted twice gives one case with one set of files.
    let (jpg, png) = (jpeg(), png());
    let files = [
        upload("file-hkb", "户口簿.pdf", "application/pdf", &good),
        upload("file-jsfz", "id.jpg", "image/jpeg", &jpg),
        upload("file-zp", "photo.png", "image/png", &png),
    ];
    let no = case_no_of(a.apply(&csrf, &key, &files).redirect("apply"), "submitted");
    let again = case_no_of(a.apply(&csrf, &key, &files).redirect("again"), "submitted");
    assert_eq!(no, again, "one case for a double submit");

    let mine = a.get("/my/cases");
    let body = mine.html(200, "my cases");
    assert_eq!(
        body.matches(&format!("href=\"/my/cases/{no}\"")).count(),
        1,
        "{body}"
    );
    assert!(
        body.contains("已提交") || body.contains("网上申请"),
        "{body}"
    );
    assert!(body.contains("受理期限"), "the due date: {body}");

    let page = a.get(&format!("/my/cases/{no}?done=submitted"));
    let body = page.html(200, "case page");
    assert!(body.contains("户口簿.pdf"), "{body}");
    assert!(body.contains("办理过程"), "{body}");
    let links = file_links(body);
    assert_eq!(links.len(), 3, "{links:?}");
    let hkb_link = links[0].clone();

    // The JSON API says the same, with the content hash.
    let a_token = token(server, "wang-fang", PASSWORD);
    let res = server
        .get(&format!("/api/v1/cases/{no}/attachments"))
        .bearer_auth(&a_token)
        .send()
        .expect("list");
    assert_eq!(res.status(), 200);
    let listed: serde_json::Value = res.json().expect("json");
    let listed = listed.as_array().expect("array");
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert_eq!(listed[0]["material_code"], "hkb");
    assert_eq!(listed[0]["content_type"], "application/pdf");
    assert_eq!(listed[1]["content_type"], "image/jpeg");
    let sha = listed[0]["sha256"].as_str().expect("sha").to_owned();
    assert_eq!(sha.len(), 64);
    let id = listed[0]["id"].as_i64().expect("id");
    assert_eq!(hkb_link, format!("/files/{no}/{id}"));

    // The applicant downloads it as uploaded, under a name the server made.
    let got = a.get(&hkb_link);
    assert_eq!(got.status, 200);
    assert_eq!(got.content_type, "application/pdf");
    assert_eq!(got.bytes, good);

    // Another applicant, someone not signed in, and a wrong id: the same 404.
    let mut b = Browser::new(server);
    b.register("liu-yang", "刘洋")
        .redirect("second registration");
    let theirs = b.get(&hkb_link);
    let unknown_link = format!("/files/{no}/{}", id + 1000);
    let unknown = b.get(&unknown_link);
    assert_eq!((theirs.status, unknown.status), (404, 404));
    // The same page but for the language switch's way back.
    assert_eq!(
        theirs.body.replace(&hkb_link, "/files/X"),
        unknown.body.replace(&unknown_link, "/files/X"),
        "nothing tells the two apart"
    );
    assert!(!theirs.bytes.starts_with(b"%PDF"));
    let mut anonymous = Browser::new(server);
    assert_eq!(anonymous.get(&hkb_link).status, 404);
    assert_eq!(b.get(&format!("/my/cases/{no}")).status, 404);
    let b_token = token(server, "liu-yang", PASSWORD);
    // The JSON queue of an applicant holds their own cases only.
    let queue = |token: &str| -> serde_json::Value {
        server
            .get("/api/v1/cases")
            .bearer_auth(token)
            .send()
            .expect("queue")
            .json()
            .expect("json")
    };
    assert_eq!(queue(&b_token)["total"], 0);
    assert_eq!(queue(&a_token)["items"][0]["case_no"], no.as_str());
    let api = |token: &str, path: String| {
        server
            .get(&path)
            .bearer_auth(token)
            .send()
            .expect("api download")
    };
    let res = api(&b_token, format!("/api/v1/cases/{no}/attachments/{id}"));
    assert_eq!(res.status(), 404);
    let problem: serde_json::Value = res.json().expect("problem");
    assert_eq!(problem["code"], "attachment_not_found");
    assert_eq!(
        api(&b_token, format!("/api/v1/cases/{no}/attachments")).status(),
        404
    );
    let res = api(&a_token, format!("/api/v1/cases/{no}/attachments/{id}"));
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().expect("bytes").to_vec(), good);

    // A clerk whose window serves the department sees and gets the file; another
    // department's clerk does not.
    let mut clerk = Browser::new(server);
    clerk.sign_in("clerk-a02", "A02").redirect("clerk sign-in");
    let case = clerk.get(&format!("/staff/cases/{no}"));
    assert!(file_links(case.html(200, "clerk case page")).contains(&hkb_link));
    let got = clerk.get(&hkb_link);
    assert_eq!((got.status, got.bytes.clone()), (200, good.clone()));
    let mut elsewhere = Browser::new(server);
    elsewhere
        .sign_in("clerk-a06", "A06")
        .redirect("other clerk");
    assert_eq!(elsewhere.get(&hkb_link).status, 404);

    // The JSON upload: a clerk adds a scan; wrong type 415, too large 413, in English too.
    let clerk_token = server.login("clerk-a02", Some("A02"));
    let multipart = |token: &str, material: &str, name: &str, bytes: &[u8], lang: &str| {
        let boundary = "b0undary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\n{material}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/pdf\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        server
            .post(&format!("/api/v1/cases/{no}/attachments"))
            .bearer_auth(token)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("Accept-Language", lang)
            .body(body)
            .send()
            .expect("upload")
    };
    let res = multipart(&clerk_token, "hkb", "x.pdf", &script, "en");
    assert_eq!(res.status(), 415);
    let p: serde_json::Value = res.json().expect("problem");
    assert_eq!(p["code"], "unsupported_file_type");
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("PDF, JPEG or PNG")),
        "{p}"
    );
    let res = multipart(&clerk_token, "hkb", "x.pdf", &big, "zh-CN");
    assert_eq!(res.status(), 413);
    let p: serde_json::Value = res.json().expect("problem");
    assert!(
        p["detail"].as_str().is_some_and(|d| d.contains("1 MiB")),
        "{p}"
    );
    let res = multipart(&clerk_token, "nope", "x.pdf", &good, "en");
    assert_eq!(res.status(), 422, "unknown material");
    let scan = pdf("window scan");
    let res = multipart(&clerk_token, "jsfz", "scan.pdf", &scan, "en");
    assert_eq!(res.status(), 201);
    let res = multipart(&b_token, "jsfz", "scan.pdf", &scan, "en");
    assert_eq!(res.status(), 404, "another applicant cannot upload either");
    let listed: serde_json::Value = api(&a_token, format!("/api/v1/cases/{no}/attachments"))
        .json()
        .expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(4));
    assert_eq!(listed[3]["uploaded_by"], "clerk-a02");

    // The upload route is in the OpenAPI document.
    let doc: serde_json::Value = server
        .get("/openapi.json")
        .send()
        .expect("openapi")
        .json()
        .expect("json");
    assert!(doc["paths"]["/api/v1/cases/{case_no}/attachments"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/cases/{case_no}/attachments/{id}"]["get"].is_object());
}

#[test]
fn supplement_after_a_notice_and_one_rating_after_conclusion() {
    let server = server();
    let mut a = Browser::new(&server);
    a.register("chen-jing", "陈静").redirect("registration");
    let no = a.apply_complete(&pdf("first"));

    // The window's one-time notice: the household register is unreadable.
    let clerk = server.login("clerk-a02", Some("A02"));
    post_action(
        &server,
        &clerk,
        &no,
        "request-supplement",
        1,
        serde_json::json!({"missing": [{"code": "hkb", "note": "扫描件不清晰"}]}),
    );

    let page = a.get(&format!("/my/cases/{no}"));
    let body = page.html(200, "case awaiting supplement");
    assert!(body.contains("需补正的材料"), "{body}");
    assert!(body.contains("扫描件不清晰"), "{body}");
    assert!(body.contains("<label for=\"file-hkb\""), "{body}");
    assert!(
        !body.contains("id=\"file-zp\""),
        "only the listed materials"
    );
    let (csrf, version) = (page.field("csrf"), page.field("version"));
    assert_eq!(version, "2");
    let path = format!("/my/cases/{no}/supplement");

    // No file, a wrong file: told next to the field.
    let empty = a.post_multipart(&path, &[("csrf", &csrf), ("version", &version)], &[]);
    assert!(empty.html(422, "no file").contains("id=\"err-file-hkb\""));
    let text = b"plain text".to_vec();
    let wrong = a.post_multipart(
        &path,
        &[("csrf", &csrf), ("version", &version)],
        &[upload("file-hkb", "hkb.pdf", "application/pdf", &text)],
    );
    assert!(wrong
        .html(415, "wrong type")
        .contains("id=\"err-file-hkb\""));
    // Without the CSRF token: refused.
    let clear = pdf("clear scan");
    let forged = a.post_multipart(
        &path,
        &[("version", &version)],
        &[upload("file-hkb", "hkb.pdf", "application/pdf", &clear)],
    );
    assert_eq!(forged.status, 403);
    // A stale version: 412, nothing stored.
    let stale = a.post_multipart(
        &path,
        &[("csrf", &csrf), ("version", "1")],
        &[upload("file-hkb", "hkb.pdf", "application/pdf", &clear)],
    );
    assert_eq!(stale.status, 412, "{}", stale.body);
    assert_eq!(file_links(&stale.body).len(), 3);

    let done = a.post_multipart(
        &path,
        &[("csrf", &csrf), ("version", &version)],
        &[upload(
            "file-hkb",
            "hkb-clear.pdf",
            "application/pdf",
            &clear,
        )],
    );
    case_no_of(done.redirect("supplement"), "supplemented");
    let page = a.get(&format!("/my/cases/{no}"));
    let body = page.html(200, "after supplement");
    assert!(
        !body.contains("id=\"supplement\""),
        "the form is gone: {body}"
    );
    assert!(body.contains("hkb-clear.pdf"), "{body}");
    assert!(body.contains("补正材料"), "the timeline has it: {body}");
    assert!(
        !body.contains("id=\"evaluation\""),
        "no rating before the end"
    );

    // Through to conclusion: accept, the two stages, approval, delivery.
    post_action(&server, &clerk, &no, "accept", 3, serde_json::json!({}));
    server.conclude_id_card_case(&no, 4);

    let page = a.get(&format!("/my/cases/{no}"));
    let body = page.html(200, "concluded");
    assert!(body.contains("id=\"evaluation\""), "{body}");
    for n in 1..=5 {
        assert!(
            body.contains(&format!("<label class=\"choice\" for=\"score-{n}\"")),
            "{body}"
        );
    }
    let csrf = page.field("csrf");
    let path = format!("/my/cases/{no}/evaluation");
    let bad = a.post(&path, &[("csrf", &csrf), ("score", "9")]);
    assert!(bad.html(422, "score 9").contains("id=\"err-score\""));
    let rated = a.post(
        &path,
        &[
            ("csrf", &csrf),
            ("score", "4"),
            ("comment", "材料补正很方便"),
        ],
    );
    case_no_of(rated.redirect("rating"), "evaluated");
    let page = a.get(&format!("/my/cases/{no}"));
    let body = page.html(200, "rated");
    assert!(
        body.contains("4 / 5") && body.contains("材料补正很方便"),
        "{body}"
    );
    assert!(!body.contains("id=\"evaluation-submit\""), "no second form");
    let twice = a.post(&path, &[("csrf", &csrf), ("score", "1")]);
    assert!(twice
        .html(409, "second rating")
        .contains("每个办件只能评价一次"));
    // The public route agrees: rated once.
    let code = {
        let start = body.find("<code>").expect("query code") + "<code>".len();
        body[start..start + body[start..].find('<').expect("end")].to_owned()
    };
    let res = server
        .post(&format!("/api/v1/public/cases/{no}/evaluation"))
        .json(&serde_json::json!({"query_code": code, "score": 5}))
        .send()
        .expect("public rating");
    assert_eq!(res.status(), 409);
}

/// The applicant follows the stages by name and date, withdraws a second case on its own
/// page (refused once decided), and complains about the first with its query code: the
/// supervision office sees the complaint as the applicant's.
#[test]
fn progress_by_stage_withdraw_and_complain_on_their_own_pages() {
    let server = server();
    let mut a = Browser::new(&server);
    a.register("liu-yang", "刘洋").redirect("registration");
    let first = a.apply_complete(&pdf("first"));
    let second = a.apply_complete(&pdf("second"));

    let clerk = server.login("clerk-a02", Some("A02"));
    post_action(&server, &clerk, &first, "accept", 1, serde_json::json!({}));
    let approver = server.login("approver-gaj", None);
    post_action(
        &server,
        &approver,
        &first,
        "complete-stage",
        2,
        serde_json::json!({"stage": "shqf", "opinion": "符合条件"}),
    );
    let body = a
        .get(&format!("/my/cases/{first}"))
        .html(200, "progress")
        .to_owned();
    assert!(body.contains("办理进度"), "{body}");
    assert!(
        body.contains("审核签发</strong> · 已完成于 2026年03月02日"),
        "{body}"
    );
    assert!(body.contains("class=\"stage-active\""), "{body}");
    assert!(
        body.contains("环节办结：审核签发"),
        "the timeline names the stage: {body}"
    );
    assert!(!body.contains("符合条件"), "opinions stay with the staff");

    // Withdraw the second case: the form, a reason required, then withdrawn.
    let form = a.get(&format!("/my/cases/{second}/withdraw"));
    let page = form.html(200, "withdraw form").to_owned();
    assert!(page.contains("确认撤回申请"), "{page}");
    let (csrf, version) = (form.field("csrf"), form.field("version"));
    let path = format!("/my/cases/{second}/withdraw");
    let blank = a.post(
        &path,
        &[("csrf", &csrf), ("version", &version), ("reason", "")],
    );
    assert_eq!(blank.status, 422, "{}", blank.body);
    assert!(blank.body.contains("id=\"err-reason\""), "{}", blank.body);
    let done = a.post(
        &path,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("reason", "材料需重新准备"),
        ],
    );
    assert_eq!(
        done.redirect("withdrawn"),
        format!("/my/cases/{second}?done=withdrawn")
    );
    let body = a
        .get(&format!("/my/cases/{second}?done=withdrawn"))
        .html(200, "withdrawn")
        .to_owned();
    assert!(
        body.contains("申请已撤回") && body.contains("已撤回"),
        "{body}"
    );
    let again = a.get(&path).html(200, "withdraw again").to_owned();
    assert!(
        again.contains("不能撤回") && !again.contains("确认撤回申请"),
        "{again}"
    );

    // Complain about the first: told it is in; the supervisor sees it, from the applicant.
    let form = a.get(&format!("/my/cases/{first}/complaint"));
    assert!(
        form.html(200, "complaint form").contains("13800138000"),
        "contact prefilled"
    );
    let csrf = form.field("csrf");
    let path = format!("/my/cases/{first}/complaint");
    let empty = a.post(&path, &[("csrf", &csrf), ("text", ""), ("contact", "")]);
    assert_eq!(empty.status, 422, "{}", empty.body);
    let done = a.post(
        &path,
        &[
            ("csrf", &csrf),
            ("text", "窗口让我跑了三次"),
            ("contact", "13800138000"),
        ],
    );
    assert_eq!(
        done.redirect("complained"),
        format!("/my/cases/{first}?done=complained")
    );
    let supervisor = server.login("supervisor", None);
    let list: serde_json::Value = server
        .get("/api/v1/complaints")
        .bearer_auth(&supervisor)
        .send()
        .expect("complaints")
        .json()
        .expect("json");
    let text = list.to_string();
    assert!(
        text.contains("窗口让我跑了三次") && text.contains(&first),
        "{text}"
    );
    let alerts: serde_json::Value = server
        .get(&format!("/api/v1/supervision/alerts?case_no={first}"))
        .bearer_auth(&supervisor)
        .send()
        .expect("alerts")
        .json()
        .expect("json");
    assert!(
        alerts["items"].as_array().is_some_and(|a| a
            .iter()
            .any(|x| x["rule"] == "complaint" && x["level"] == "red")),
        "the applicant's complaint is a red: {alerts}"
    );
    // Someone else's case: the same 404 as a missing one.
    let mut other = Browser::new(&server);
    other.register("wang-fang", "王芳").redirect("registration");
    assert_eq!(
        other.get(&format!("/my/cases/{first}/complaint")).status,
        404
    );
    assert_eq!(
        other.get(&format!("/my/cases/{first}/withdraw")).status,
        404
    );
}

/// 邮寄送达: the applicant gives a postal address when applying; the clerk's delivery form
/// offers it, refuses a post without the tracking number, and once sent the applicant's
/// page and the 送达回证 show where it went and the tracking number.
#[test]
fn a_result_sent_by_post_goes_to_the_address_given_with_its_tracking_number() {
    let server = server();
    let mut a = Browser::new(&server);
    a.register("zhao-lei", "赵磊").redirect("registration");
    let form = a.get("/apply/GA-QR-01");
    let body = form.html(200, "application form").to_owned();
    assert!(body.contains("name=\"postal_address\""), "{body}");
    let (csrf, key) = (form.field("csrf"), form.field("key"));
    let (hkb, jpg, png) = (pdf("hkb"), jpeg(), png());
    let done = a.post_multipart(
        "/apply/GA-QR-01",
        &[
            ("csrf", &csrf),
            ("key", &key),
            ("kind", "person"),
            ("name", "赵磊"),
            ("id_number", ID_NUMBER),
            ("phone", "13800138000"),
            ("email", ""),
            ("postal_address", "北京市东城区正义路 1 号 赵磊收"),
        ],
        &[
            upload("file-hkb", "户口簿.pdf", "application/pdf", &hkb),
            upload("file-jsfz", "id.jpg", "image/jpeg", &jpg),
            upload("file-zp", "photo.png", "image/png", &png),
        ],
    );
    let no = case_no_of(done.redirect("application"), "submitted");
    let clerk = server.login("clerk-a02", Some("A02"));
    post_action(&server, &clerk, &no, "accept", 1, serde_json::json!({}));
    let approver = server.login("approver-gaj", None);
    post_action(
        &server,
        &approver,
        &no,
        "complete-stage",
        2,
        serde_json::json!({"stage": "shqf", "opinion": "符合条件"}),
    );
    let head = server.login("head-gaj", None);
    post_action(
        &server,
        &head,
        &no,
        "complete-stage",
        3,
        serde_json::json!({"stage": "zz", "opinion": "已制证"}),
    );
    post_action(
        &server,
        &approver,
        &no,
        "approve",
        4,
        serde_json::json!({"opinion": "准予换领"}),
    );

    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("clerk-a02", "A02").status, 303);
    let case = b
        .get(&format!("/staff/cases/{no}"))
        .html(200, "case")
        .to_owned();
    assert!(
        case.contains("value=\"北京市东城区正义路 1 号 赵磊收\""),
        "the address offered: {case}"
    );
    let refused = b.act(
        &no,
        "deliver",
        &[
            ("method", "post"),
            ("address", "北京市东城区正义路 1 号 赵磊收"),
            ("tracking_no", ""),
        ],
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("邮寄送达须填写邮寄地址和快递单号"),
        "{}",
        refused.body
    );
    let sent = b.act(
        &no,
        "deliver",
        &[
            ("method", "post"),
            ("address", "北京市东城区正义路 1 号 赵磊收"),
            ("tracking_no", "SF1234567890"),
        ],
    );
    assert_eq!(
        sent.redirect("delivered"),
        format!("/staff/cases/{no}?done=deliver")
    );

    let mine = a
        .get(&format!("/my/cases/{no}"))
        .html(200, "applicant's case")
        .to_owned();
    assert!(
        mine.contains("SF1234567890") && mine.contains("正义路"),
        "{mine}"
    );
    let served = a
        .get(&format!("/cases/{no}/documents/service"))
        .html(200, "送达回证")
        .to_owned();
    assert!(
        served.contains("SF1234567890") && served.contains("邮寄"),
        "{served}"
    );
    let api: serde_json::Value = server
        .get(&format!("/api/v1/cases/{no}"))
        .bearer_auth(server.login("clerk-a02", Some("A02")))
        .send()
        .expect("case")
        .json()
        .expect("json");
    assert_eq!(
        api["delivery"]["post"]["tracking_no"], "SF1234567890",
        "{api}"
    );
}
