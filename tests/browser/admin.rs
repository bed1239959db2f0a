//! The administrator's day in the browser: a window's grants (a grant made, another revoked
//! under its own document number and reason), an item's new version previewed old → new and
//! published, and the mail outbox; with screenshots of each page.

use crate::steps::{sign_in_without_window, start};

#[test]
fn the_administrator_grants_and_revokes_publishes_an_item_version_and_reads_the_outbox() {
    let test =
        "the_administrator_grants_and_revokes_publishes_an_item_version_and_reads_the_outbox";
    let Some((server, mut b)) = start(test) else {
        return;
    };
    // A receipt mailed to an applicant, for the outbox to hold.
    let clerk = server.login("clerk-a02", Some("A02"));
    let res = server
        .post("/api/v1/cases")
        .bearer_auth(&clerk)
        .header("Idempotency-Key", "browser-admin-1")
        .json(&serde_json::json!({
            "item_code": "GA-QR-01",
            "applicant": {"kind": "person", "name": "钱七", "id_number": "110101199001011234",
                          "email": "qianqi@example.cn"},
            "materials": [{"code": "hkb"}, {"code": "jsfz"}],
        }))
        .send()
        .expect("intake");
    assert_eq!(res.status(), 201);

    sign_in_without_window(&mut b, "admin", "/staff/supervision/alerts");
    b.follow("窗口与授权");
    assert_eq!(b.path(), "/admin/windows");
    let windows = b.text_of(&b.all("#windows")[0]);
    assert!(
        windows.contains("A02") && windows.contains("clerk-a02"),
        "{windows}"
    );
    b.shot("windows");

    // A grant of one item for consultation.
    b.follow("A02");
    assert_eq!(b.path(), "/admin/windows/A02");
    b.tick("GA-QR-01");
    b.tick("咨询");
    b.fill("生效日期", "2026-03-02");
    b.fill("授权单位", "县公安局");
    b.fill("授权书文号", "公授〔2026〕9号");
    b.press("授权");
    assert_eq!(b.path(), "/admin/windows/A02?done=grant");
    let grants = b.text_of(&b.all("#grants")[0]);
    assert!(grants.contains("公授〔2026〕9号"), "{grants}");
    assert!(grants.contains("咨询"), "{grants}");

    // The first grant in force revoked, under its own document number and reason.
    let summaries = b.all("details.revoke summary");
    b.click(&summaries[0]);
    b.fill("撤销文号", "县政务办〔2026〕撤字6号");
    b.fill("撤销原因", "窗口职能调整");
    b.shot("window-revoke");
    b.press("撤销");
    assert_eq!(b.path(), "/admin/windows/A02?done=revoke");
    let grants = b.text_of(&b.all("#grants")[0]);
    assert!(
        grants.contains("撤销文号：县政务办〔2026〕撤字6号"),
        "{grants}"
    );
    assert!(grants.contains("原因：窗口职能调整"), "{grants}");
    b.shot("window-revoked");

    // An item's new version: previewed old → new, then published as version 2.
    b.follow("事项管理");
    assert_eq!(b.path(), "/admin/items");
    b.shot("items");
    b.follow("GA-QR-01");
    b.fill("承诺时限", "25");
    b.press("预览变更");
    let diff = b.text_of(&b.all("#item-diff")[0]);
    assert!(
        diff.contains("20 个自然日") && diff.contains("25 个自然日"),
        "{diff}"
    );
    b.shot("item-preview");
    b.press("确认发布");
    assert_eq!(b.path(), "/admin/items/GA-QR-01?published=2");
    assert_eq!(b.text_of(&b.all("#current-version")[0]), "2");
    b.shot("item-published");

    b.follow("发件箱");
    assert_eq!(b.path(), "/admin/outbox");
    let outbox = b.text_of(&b.all("#outbox")[0]);
    assert!(outbox.contains("qianqi@example.cn"), "{outbox}");
    b.shot("outbox");
}
