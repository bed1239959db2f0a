//! The applicant's own path in the browser: register, find an item in the service guide,
//! apply online with real files (a wrong one told next to its field), follow the case in
//! 我的办件, supplement after the window's one-time notice, and rate the concluded case once.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::steps::{row_with, start};

const ID_NUMBER: &str = "110101199001015678";

/// Writes the files the applicant uploads: small but real PDFs and a PNG, and a text file
/// named like a PDF.
fn files(dir: &Path) -> [PathBuf; 5] {
    let pdf =
        |tag: &str| format!("%PDF-1.7\n% {tag}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.extend_from_slice(&[0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1]);
    let contents: [(&str, Vec<u8>); 5] = [
        ("户口簿.pdf", pdf("household register").into_bytes()),
        ("身份证.pdf", pdf("identity card").into_bytes()),
        ("照片.png", png),
        ("not-a.pdf", b"plain text, not a PDF".to_vec()),
        ("户口簿-清晰.pdf", pdf("clear scan").into_bytes()),
    ];
    contents.map(|(name, bytes)| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write file");
        path
    })
}

#[test]
fn applicant_applies_online_supplements_and_rates() {
    let Some((server, mut b)) = start("applicant_applies_online_supplements_and_rates") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let [hkb, jsfz, zp, wrong, clear] = files(dir.path());

    // A new account, signed in at once.
    b.goto("/");
    b.follow("注册账号");
    b.fill("用户名", "zhang-wei");
    b.fill("密码", "applicant-pass-1");
    b.fill("真实姓名", "张伟");
    b.fill("手机号码", "13800138000");
    b.shot("register");
    b.press("注册并登录");
    assert_eq!(b.path(), "/my/cases", "signed in");
    assert!(b.text().contains("您还没有办件"), "{}", b.text());
    b.shot("registered");

    // The service guide: search, the item's page, 在线申请.
    b.goto("/");
    b.fill("事项名称或关键词", "身份证");
    b.press("搜索");
    assert!(b.path().starts_with("/guide"), "{}", b.path());
    b.shot("guide-search");
    b.follow("居民身份证换领");
    assert_eq!(b.path(), "/guide/GA-QR-01");
    b.shot("guide-item");
    b.follow("在线申请");
    assert_eq!(b.path(), "/apply/GA-QR-01");

    // A text file named .pdf for the household register: refused next to that field.
    b.fill("身份证号码或统一社会信用代码", ID_NUMBER);
    b.upload("file-hkb", &wrong);
    b.upload("file-jsfz", &jsfz);
    b.upload("file-zp", &zp);
    b.shot("apply-filled-wrong");
    b.press("提交申请");
    let error = b.all("#err-file-hkb");
    assert_eq!(error.len(), 1, "an error next to the field: {}", b.text());
    assert!(!b.text_of(&error[0]).is_empty(), "the error says why");
    assert!(b.all("#err-file-zp").is_empty(), "the others were fine");
    b.shot("apply-wrong-type");

    // Again with the right files (the browser kept none).
    b.fill("身份证号码或统一社会信用代码", ID_NUMBER);
    b.upload("file-hkb", &hkb);
    b.upload("file-jsfz", &jsfz);
    b.upload("file-zp", &zp);
    b.press("提交申请");
    let page = b.text();
    assert!(page.contains("申请已提交"), "{page}");
    let no = b
        .path()
        .strip_prefix("/my/cases/")
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_else(|| panic!("on the case page: {}", b.path()))
        .to_owned();
    assert!(
        page.contains("户口簿.pdf") && page.contains("照片.png"),
        "{page}"
    );
    b.shot("applied");

    b.follow("我的办件");
    let row = row_with(&b, "main table tbody tr", &[&no]).1;
    assert!(row.contains("居民身份证换领"), "{row}");
    assert!(row.contains("已提交"), "its status: {row}");
    b.shot("my-cases");

    // The window's one-time notice: the household register is unreadable.
    let clerk = server.login("clerk-a02", Some("A02"));
    server.case_action(
        &clerk,
        &no,
        "request-supplement",
        1,
        json!({"missing": [{"code": "hkb", "note": "扫描件不清晰"}]}),
    );
    let (case, _) = row_with(&b, "main table tbody tr", &[&no]);
    b.follow_in(&case);
    let page = b.text();
    assert!(page.contains("需补正的材料"), "{page}");
    assert!(page.contains("扫描件不清晰"), "{page}");
    assert!(b.all("#file-zp").is_empty(), "only the listed material");
    b.shot("supplement-notice");
    b.upload("file-hkb", &clear);
    b.press("提交补正材料");
    let page = b.text();
    assert!(page.contains("补正材料已提交"), "{page}");
    assert!(page.contains("户口簿-清晰.pdf"), "{page}");
    assert!(b.all("#supplement").is_empty(), "the form is gone");
    assert!(b.all("#evaluation").is_empty(), "no rating before the end");
    b.shot("supplemented");

    // Through to conclusion: accept, the two stages, approval, delivery.
    server.case_action(&clerk, &no, "accept", 3, json!({}));
    server.conclude_id_card_case(&no, 4);

    // Rated 5 with a comment, once.
    b.goto(&format!("/my/cases/{no}"));
    assert_eq!(
        b.all("#evaluation").len(),
        1,
        "the rating form: {}",
        b.text()
    );
    b.tick("非常满意");
    b.fill("意见建议", "网上办理很方便");
    b.shot("rating");
    b.press("提交评价");
    let page = b.text();
    assert!(page.contains("感谢您的评价"), "{page}");
    assert!(
        page.contains("5 / 5") && page.contains("网上办理很方便"),
        "{page}"
    );
    assert!(b.all("#evaluation-submit").is_empty(), "no second form");
    b.shot("rated");
}
