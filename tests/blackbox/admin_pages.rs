//! The administrator's pages over HTTP, as a browser without JavaScript uses them: windows
//! and grants (grant, revoke under a document number, clerks), items (a new version's
//! changes previewed old → new, then published), and the mail outbox.

use serde_json::{json, Value};

use crate::form_client::{Browser, Page};
use crate::harness::{Server, DEMO_PASSWORD};

const ID_NUMBER: &str = "110101199001011234";

/// A browser signed in as the administrator.
fn admin(server: &Server) -> Browser<'_> {
    let mut b = Browser::new(server);
    let csrf = b.get("/staff/login").field("csrf");
    let home = b.post(
        "/staff/login",
        &[
            ("csrf", &csrf),
            ("username", "admin"),
            ("password", DEMO_PASSWORD),
            ("window", ""),
            ("next", "/admin/windows"),
        ],
    );
    assert_eq!(home.redirect("admin signed in"), "/admin/windows");
    b
}

/// A GA-QR-01 case taken at A02 through the API, not yet accepted; its number.
fn take_at_a02(server: &Server, clerk: &str, key: &str) -> String {
    let res = server
        .post("/api/v1/cases")
        .bearer_auth(clerk)
        .header("Idempotency-Key", key)
        .json(&json!({
            "item_code": "GA-QR-01",
            "applicant": {"kind": "person", "name": "王五", "id_number": ID_NUMBER},
            "materials": [{"code": "hkb"}, {"code": "jsfz"}],
        }))
        .send()
        .expect("intake");
    assert_eq!(res.status(), 201);
    let case: Value = res.json().expect("case");
    case["case_no"].as_str().expect("case_no").to_owned()
}

fn get_json(server: &Server, token: &str, path: &str) -> Value {
    let res = server.get(path).bearer_auth(token).send().expect(path);
    assert_eq!(res.status(), 200, "{path}");
    res.json().expect("json")
}

fn post_page(b: &mut Browser<'_>, path: &str, fields: &[(&str, &str)]) -> Page {
    let csrf = b.get(path).field("csrf");
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    b.post(path, &all)
}

#[test]
fn a_grant_is_made_and_revoked_under_document_numbers_and_the_clerk_loses_it_at_once() {
    let server = Server::start(&["--demo", "--test-clock"]);
    let clerk = server.login("clerk-a02", Some("A02"));
    let case_no = take_at_a02(&server, &clerk, "admin-pages-1");
    let mut b = admin(&server);

    let list = b.get("/admin/windows");
    let body = list.html(200, "windows");
    for text in [
        "窗口与授权",
        "data-window=\"A02\"",
        "clerk-a02",
        "授权书文号",
    ] {
        assert!(body.contains(text), "{text}: {body}");
    }
    let page = b.get("/admin/windows/A02");
    let body = page.html(200, "window A02");
    assert!(body.contains("id=\"grant-form\""), "{body}");

    // A refused grant: every problem named, what was typed kept.
    let refused = post_page(
        &mut b,
        "/admin/windows/A02",
        &[
            ("do", "grant"),
            ("scope", "items"),
            ("actions", "consult"),
            ("valid_from", "2026-13-01"),
            ("granted_by", "县公安局"),
            ("document_no", "公授〔2026〕7号"),
        ],
    );
    let body = refused.html(422, "a refused grant");
    assert!(body.contains("href=\"#grant-items\""), "{body}");
    assert!(body.contains("href=\"#grant-valid_from\""), "{body}");
    assert!(body.contains("value=\"2026-13-01\""), "{body}");
    assert!(body.contains("value=\"公授〔2026〕7号\""), "{body}");
    assert!(body.contains("value=\"县公安局\""), "{body}");

    // A grant of one item: listed with its actions by name and its document number.
    let made = post_page(
        &mut b,
        "/admin/windows/A02",
        &[
            ("do", "grant"),
            ("scope", "items"),
            ("items", "GA-QR-01"),
            ("actions", "consult"),
            ("valid_from", "2026-03-02"),
            ("valid_to", "2026-12-31"),
            ("granted_by", "县公安局"),
            ("document_no", "公授〔2026〕8号"),
        ],
    );
    assert_eq!(
        made.redirect("granted"),
        "/admin/windows/A02?done=grant#done"
    );
    let body = b
        .get("/admin/windows/A02")
        .html(200, "after the grant")
        .to_owned();
    assert!(body.contains("公授〔2026〕8号"), "{body}");
    assert!(body.contains("咨询"), "{body}");
    let body = b.get("/admin/windows").html(200, "windows").to_owned();
    assert!(
        body.contains("公授〔2026〕8号"),
        "in force, on the list: {body}"
    );

    // Every grant letting A02 accept GA-QR-01, revoked through the page.
    let admin_token = server.login("admin", None);
    let grants = get_json(&server, &admin_token, "/api/v1/windows/A02/grants");
    let accepting: Vec<i64> = grants
        .as_array()
        .expect("grants")
        .iter()
        .filter(|g| g["state"] == "in_force")
        .filter(|g| {
            g["actions"]
                .as_array()
                .is_some_and(|a| a.contains(&json!("accept")))
        })
        .filter_map(|g| g["id"].as_i64())
        .collect();
    assert!(!accepting.is_empty(), "{grants}");
    for id in &accepting {
        let id = id.to_string();
        // Without a document number: refused, the reason typed kept.
        let refused = post_page(
            &mut b,
            "/admin/windows/A02",
            &[
                ("do", "revoke"),
                ("grant", &id),
                ("document_no", ""),
                ("reason", "窗口调整"),
            ],
        );
        let body = refused.html(422, "a revocation without its document number");
        assert!(
            body.contains(&format!("href=\"#revoke-{id}-document_no\"")),
            "{body}"
        );
        assert!(body.contains(">窗口调整</textarea>"), "{body}");
        let done = post_page(
            &mut b,
            "/admin/windows/A02",
            &[
                ("do", "revoke"),
                ("grant", &id),
                ("document_no", "县政务办〔2026〕撤字5号"),
                ("reason", "窗口调整"),
            ],
        );
        assert_eq!(
            done.redirect("revoked"),
            "/admin/windows/A02?done=revoke#done"
        );
    }
    let body = b
        .get("/admin/windows/A02")
        .html(200, "after revoking")
        .to_owned();
    assert!(body.contains("撤销文号：县政务办〔2026〕撤字5号"), "{body}");
    assert!(body.contains("原因：窗口调整"), "{body}");
    let grants = get_json(&server, &admin_token, "/api/v1/windows/A02/grants");
    let revoked = grants
        .as_array()
        .expect("grants")
        .iter()
        .find(|g| g["id"].as_i64() == accepting.first().copied())
        .cloned()
        .unwrap_or_default();
    assert_eq!(revoked["state"], "revoked", "{revoked}");
    assert_eq!(revoked["revoke_document_no"], "县政务办〔2026〕撤字5号");

    // The clerk at A02 may no longer accept, at the very next request.
    let res = server
        .post(&format!("/api/v1/cases/{case_no}/accept"))
        .bearer_auth(&clerk)
        .header("If-Match", "1")
        .json(&json!({}))
        .send()
        .expect("accept");
    assert_eq!(res.status(), 403, "{:?}", res.text());
}

#[test]
fn clerks_are_seated_at_and_removed_from_a_window_on_its_page() {
    let server = Server::start(&["--demo", "--test-clock"]);
    let mut b = admin(&server);
    // Already there: refused, the username kept.
    let refused = post_page(
        &mut b,
        "/admin/windows/A02",
        &[("do", "add_staff"), ("username", "clerk-a02")],
    );
    let body = refused.html(409, "already seated");
    assert!(body.contains("value=\"clerk-a02\""), "{body}");
    let refused = post_page(
        &mut b,
        "/admin/windows/A02",
        &[("do", "add_staff"), ("username", "supervisor")],
    );
    let body = refused.html(422, "not a clerk");
    assert!(body.contains("href=\"#staff-username\""), "{body}");
    let done = post_page(
        &mut b,
        "/admin/windows/A02",
        &[("do", "remove_staff"), ("username", "clerk-a02")],
    );
    done.redirect("removed");
    let body = b.get("/admin/windows/A02").html(200, "after").to_owned();
    assert!(!body.contains("data-user=\"clerk-a02\""), "{body}");
    // The clerk can no longer sign in there.
    let res = server
        .post("/api/v1/auth/token")
        .json(&json!({"username": "clerk-a02", "password": DEMO_PASSWORD, "window": "A02"}))
        .send()
        .expect("sign-in");
    assert_eq!(res.status(), 403);
    let done = post_page(
        &mut b,
        "/admin/windows/A02",
        &[("do", "add_staff"), ("username", "clerk-a02")],
    );
    done.redirect("seated again");
    server.login("clerk-a02", Some("A02"));
}

#[test]
fn an_item_version_is_previewed_old_to_new_then_published_and_cases_keep_theirs() {
    let server = Server::start(&["--demo", "--test-clock"]);
    let clerk = server.login("clerk-a02", Some("A02"));
    let case_no = take_at_a02(&server, &clerk, "admin-pages-item");
    let before = get_json(&server, &clerk, &format!("/api/v1/cases/{case_no}"));
    let v1 = before["item_version"].as_u64().expect("item_version");
    let mut b = admin(&server);

    let body = b.get("/admin/items").html(200, "items").to_owned();
    assert!(body.contains("data-item=\"GA-QR-01\""), "{body}");
    assert!(body.contains("事项管理"), "{body}");
    let page = b.get("/admin/items/GA-QR-01");
    page.html(200, "item");
    let field = |name: &str| page.field(name);
    let (name, legal_days, promised_days) =
        (field("name"), field("legal_days"), field("promised_days"));
    let fee_basis = field("fee_basis");
    let promised: u32 = promised_days.parse().expect("days");
    // Longer, within the legal limit: a shorter promise could not hold the stages.
    let new_promised = (promised + 5).to_string();
    let csrf = page.field("csrf");
    let textarea = |id: &str| {
        let start = page.body.find(&format!("id=\"{id}\"")).expect(id);
        let open = page.body[start..].find('>').expect(">") + start + 1;
        let close = page.body[open..].find("</textarea>").expect("</textarea>") + open;
        page.body[open..close].replace("&amp;", "&")
    };
    let conditions = textarea("item-conditions");
    let materials = format!(
        "{}\nxzm | 新增证明 | 1 | 原件 | 非必交",
        textarea("item-materials")
    );
    let selected = |id: &str| {
        let start = page.body.find(&format!("id=\"{id}\"")).expect(id);
        let end = page.body[start..].find("</select>").expect("</select>") + start;
        let select = &page.body[start..end];
        let at = select.find(" selected").expect("a chosen unit");
        let value = select[..at].rfind("value=\"").expect("value") + 7;
        select[value..].split('"').next().unwrap_or("").to_owned()
    };
    let (legal_unit, promised_unit) = (selected("item-legal_unit"), selected("item-promised_unit"));
    let form = |do_: &'static str, promised: &str, fee: &str| {
        vec![
            ("csrf".to_owned(), csrf.clone()),
            ("name".into(), name.clone()),
            ("legal_days".into(), legal_days.clone()),
            ("legal_unit".into(), legal_unit.clone()),
            ("promised_days".into(), promised.to_owned()),
            ("promised_unit".into(), promised_unit.clone()),
            ("fee_amount".into(), fee.to_owned()),
            ("fee_basis".into(), fee_basis.clone()),
            ("conditions".into(), format!("{conditions}\n年满十六周岁")),
            ("materials".into(), materials.clone()),
            ("do".into(), do_.into()),
        ]
    };
    let post = |b: &mut Browser<'_>, f: Vec<(String, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        b.post("/admin/items/GA-QR-01", &pairs)
    };

    // A fee that is not an amount: refused next to its field, every value kept.
    let bad = post(&mut b, form("preview", &new_promised, "十元"));
    let body = bad.html(422, "a bad fee");
    assert!(body.contains("href=\"#item-fee_amount\""), "{body}");
    assert!(body.contains("value=\"十元\""), "{body}");
    assert!(body.contains("年满十六周岁"), "{body}");
    assert!(!body.contains("id=\"item-diff\""), "{body}");

    // The preview: old → new, field by field; nothing stored yet.
    let preview = post(&mut b, form("preview", &new_promised, "0"));
    let body = preview.html(200, "preview");
    assert!(body.contains("id=\"item-diff\""), "{body}");
    assert!(body.contains("data-field=\"promised_limit\""), "{body}");
    assert!(body.contains(&format!("<del>{promised} 个")), "{body}");
    assert!(body.contains(&format!("<ins>{new_promised} 个")), "{body}");
    assert!(body.contains("data-field=\"conditions\""), "{body}");
    assert!(body.contains("data-field=\"material:xzm\""), "{body}");
    assert!(
        body.contains("xzm | 新增证明 | 1 | 原件 | 非必交"),
        "{body}"
    );
    assert!(!body.contains("data-field=\"name\""), "unchanged: {body}");
    let item = get_json(&server, &clerk, "/api/v1/items/GA-QR-01");
    assert_eq!(
        item["version"].as_u64(),
        Some(v1),
        "the preview stored nothing"
    );
    assert!(preview.body.contains("name=\"base_version\""), "{body}");

    // A confirmation made against an older version is previewed again, not published.
    let mut stale = form("publish", &new_promised, "0");
    stale.push(("base_version".into(), "0".into()));
    let body = post(&mut b, stale).html(200, "stale").to_owned();
    assert!(body.contains("id=\"stale\""), "{body}");

    // Published: version N+1; the case taken before keeps version N.
    let mut confirm = form("publish", &new_promised, "0");
    confirm.push(("base_version".into(), v1.to_string()));
    let done = post(&mut b, confirm);
    assert_eq!(
        done.redirect("published"),
        format!("/admin/items/GA-QR-01?published={}", v1 + 1)
    );
    let body = b
        .get(&format!("/admin/items/GA-QR-01?published={}", v1 + 1))
        .html(200, "after")
        .to_owned();
    assert!(
        body.contains(&format!("id=\"current-version\">{}<", v1 + 1)),
        "{body}"
    );
    let item = get_json(&server, &clerk, "/api/v1/items/GA-QR-01");
    assert_eq!(item["version"].as_u64(), Some(v1 + 1));
    assert_eq!(
        item["promised_limit"]["days"].as_u64(),
        new_promised.parse().ok()
    );
    assert!(
        item["conditions"].to_string().contains("年满十六周岁"),
        "{item}"
    );
    let after = get_json(&server, &clerk, &format!("/api/v1/cases/{case_no}"));
    assert_eq!(after["item_version"].as_u64(), Some(v1), "{after}");
}

#[test]
fn the_outbox_page_lists_a_sent_mail_and_filters_by_state() {
    let Some(sink) = crate::mail::start_sink() else {
        return;
    };
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let server = Server::start(&[
        "--demo",
        "--test-clock",
        "--smtp-url",
        &smtp,
        "--mail-every",
        "1",
    ]);
    let clerk = server.login("clerk-a02", Some("A02"));
    let res = server
        .post("/api/v1/cases")
        .bearer_auth(&clerk)
        .header("Idempotency-Key", "outbox-page-1")
        .json(&json!({
            "item_code": "GA-QR-01",
            "applicant": {"kind": "person", "name": "赵六", "id_number": ID_NUMBER,
                          "email": "zhaoliu@example.cn"},
            "materials": [{"code": "hkb"}, {"code": "jsfz"}],
        }))
        .send()
        .expect("intake");
    assert_eq!(res.status(), 201);
    let case: Value = res.json().expect("case");
    let case_no = case["case_no"].as_str().expect("case_no").to_owned();
    // Delivered: the sink has it (the sender runs every second).
    let got = crate::mail::wait_for(sink.dir.path(), 1);
    assert_eq!(got.len(), 1, "{got:?}");

    let mut b = admin(&server);
    let body = b
        .get("/admin/outbox?state=sent")
        .html(200, "sent")
        .to_owned();
    assert!(body.contains("zhaoliu@example.cn"), "{body}");
    assert!(
        body.contains(&case_no),
        "the subject names the case: {body}"
    );
    assert!(body.contains("已发送"), "{body}");
    let body = b.get("/admin/outbox").html(200, "all").to_owned();
    assert!(body.contains("zhaoliu@example.cn"), "{body}");
    let body = b
        .get("/admin/outbox?state=failing")
        .html(200, "failing")
        .to_owned();
    assert!(!body.contains("zhaoliu@example.cn"), "{body}");
    assert!(body.contains("id=\"no-messages\""), "{body}");
    let bad = b.get("/admin/outbox?state=lost");
    let body = bad.html(400, "a bad state");
    assert!(body.contains("state 只能是"), "{body}");
}
