//! The clerk's counter (issue 17, part 2): search within the caller's scope, working days
//! left, 受理并当场办结 in one step, the supplement notice pre-ticked with what is missing,
//! destructive actions marked as such, the applicant's other cases, and messages that name
//! materials and stages instead of their codes.

use serde_json::{json, Value};

use crate::cases_client::{Api, Logins};
use crate::form_client::{Browser, Page, Upload};
use crate::harness::Server;

const ID_NUMBER: &str = "11010119850315123X";
const PHONE: &str = "13912345678";

fn server() -> Server {
    Server::start(&["--demo", "--test-clock"])
}

/// Takes an application for `item` at the clerk's window through the API; its case number.
fn take(clerk: &Api, key: &str, item: &str, name: &str, materials: &[&str]) -> String {
    let materials: Vec<Value> = materials.iter().map(|m| json!({"code": m})).collect();
    let body = json!({
        "item_code": item,
        "applicant": {"kind": "person", "name": name, "id_number": ID_NUMBER, "phone": PHONE},
        "materials": materials,
    });
    let case = clerk.intake(key, &body).ok(201, "intake");
    case["case_no"].as_str().expect("case_no").to_owned()
}

impl Browser<'_> {
    /// Posts the one-step form as the case page offers it; with `confirm`, confirmed.
    fn accept_and_decide(&mut self, case_no: &str, opinion: &str, confirm: bool) -> Page {
        let case = self.get(&format!("/staff/cases/{case_no}"));
        case.html(200, "case page");
        let (csrf, version) = (case.field("csrf"), case.field("version"));
        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("opinion", opinion),
        ];
        if confirm {
            form.push(("confirm", "yes"));
        }
        self.post(&format!("/staff/cases/{case_no}/accept-and-decide"), &form)
    }
}

#[test]
fn an_immediate_item_is_accepted_and_decided_on_the_spot_in_one_step() {
    let server = server();
    let logins = Logins::new(&server);
    let clerk = logins.clerk("A02");
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("clerk-a02", "A02").status, 303);

    // 无犯罪记录证明开具 is an immediate item; window A02 may decide it on the spot.
    let case_no = take(&clerk, "one-step", "GA-GG-02", "赵一", &["sqb", "sfz"]);
    let page = b.get(&format!("/staff/cases/{case_no}?done=intake"));
    let body = page.html(200, "case after intake");
    assert!(
        body.contains(&format!(
            "action=\"/staff/cases/{case_no}/accept-and-decide\""
        )),
        "offered right after intake: {body}"
    );
    let confirm = b.accept_and_decide(&case_no, "材料齐全，当场出具", false);
    let body = confirm.html(200, "confirmation");
    assert!(body.contains("确认受理并当场办结"), "{body}");
    assert!(body.contains("材料齐全，当场出具"), "{body}");
    assert_eq!(
        clerk.case(&case_no)["status"],
        "received",
        "nothing before confirming"
    );

    let done = b.accept_and_decide(&case_no, "材料齐全，当场出具", true);
    assert_eq!(
        done.redirect("one step"),
        format!("/staff/cases/{case_no}?done=accept-and-decide")
    );
    let case = clerk.case(&case_no);
    assert_eq!(case["status"], "approved", "{case}");
    // A public service is done (办结), not licensed: the API words it as the pages do.
    assert_eq!(case["status_name"], "办结", "{case}");
    let kinds: Vec<String> = clerk
        .events(&case_no)
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        kinds.iter().any(|k| k == "accepted") && kinds.iter().any(|k| k == "approved"),
        "both steps on the record: {kinds:?}"
    );
    let page = b.get(&format!("/staff/cases/{case_no}?done=accept-and-decide"));
    let body = page.html(200, "decided case");
    assert!(body.contains("已受理并当场办结"), "{body}");
    assert!(!body.contains("/accept-and-decide\""), "not offered twice");

    // A promised item is not offered the step, and asking anyway changes nothing.
    let promised = take(
        &clerk,
        "promised",
        "GA-QR-01",
        "赵二",
        &["hkb", "jsfz", "zp"],
    );
    let page = b.get(&format!("/staff/cases/{promised}"));
    assert!(!page
        .html(200, "promised case")
        .contains("/accept-and-decide\""));
    let refused = b.accept_and_decide(&promised, "x", true);
    let body = refused.html(403, "promised item in one step");
    assert!(body.contains("“居民身份证换领”不是即办件"), "{body}");
    assert_eq!(clerk.case(&promised)["status"], "received");

    // A material missing: refused by name, and the case is not half done.
    let short = take(&clerk, "short", "GA-GG-02", "赵三", &["sfz"]);
    let refused = b.accept_and_decide(&short, "x", true);
    let body = refused.html(409, "one step with a material missing");
    assert!(body.contains("无犯罪记录证明申请表"), "{body}");
    let case = clerk.case(&short);
    assert_eq!(
        (&case["status"], &case["version"]),
        (&json!("received"), &json!(1))
    );
}

#[test]
fn the_api_accepts_and_decides_an_immediate_item_in_one_step() {
    let server = server();
    let logins = Logins::new(&server);
    let clerk = logins.clerk("A02");
    let case_no = take(&clerk, "api-one-step", "GA-GG-02", "吴一", &["sqb", "sfz"]);
    let path = format!("/api/v1/cases/{case_no}/accept-and-decide");
    let body = json!({"opinion": "符合条件"});
    clerk
        .post(&path, &body, &[])
        .problem(428, "if_match_required", "without If-Match");
    logins
        .clerk("A01")
        .post(&path, &body, &[("If-Match", "1")])
        .problem(404, "case_not_found", "another window's clerk");
    let done = clerk
        .post(&path, &body, &[("If-Match", "1")])
        .ok(200, "one step");
    assert_eq!(
        (&done["status"], &done["version"]),
        (&json!("approved"), &json!(3))
    );
    clerk.post(&path, &body, &[("If-Match", "1")]).problem(
        412,
        "stale_version",
        "the same step again",
    );
    let promised = take(
        &clerk,
        "api-promised",
        "GA-QR-01",
        "吴二",
        &["hkb", "jsfz", "zp"],
    );
    clerk
        .post(
            &format!("/api/v1/cases/{promised}/accept-and-decide"),
            &body,
            &[("If-Match", "1")],
        )
        .problem(403, "not_immediate_item", "a promised item");
    assert_eq!(clerk.case(&promised)["version"], 1, "nothing written");

    // Both documented: the step, and the list's search.
    let doc: Value = server
        .get("/openapi.json")
        .send()
        .expect("openapi")
        .json()
        .expect("openapi json");
    assert!(
        doc["paths"]["/api/v1/cases/{case_no}/accept-and-decide"]["post"].is_object(),
        "the step is documented"
    );
    let params = doc["paths"]["/api/v1/cases"]["get"]["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        params
            .iter()
            .any(|p| p["name"] == "q" && p["in"] == "query"),
        "q is documented: {params:?}"
    );
}

#[test]
fn refusals_name_the_materials_and_stages_not_their_codes() {
    let server = server();
    let logins = Logins::new(&server);
    let clerk = logins.clerk("A02");
    let short = take(&clerk, "names-1", "GA-GG-02", "钱一", &["sfz"]);
    let res = clerk.act(&short, "accept", 1, &json!({}));
    res.problem(409, "missing_required_material", "accept without the form");
    let detail = res.body["detail"].as_str().unwrap_or_default();
    assert_eq!(
        detail, "缺少必要材料且不可容缺：无犯罪记录证明申请表",
        "{}",
        res.body
    );

    let full = take(
        &clerk,
        "names-2",
        "GA-QR-01",
        "钱二",
        &["hkb", "jsfz", "zp"],
    );
    clerk.act(&full, "accept", 1, &json!({})).ok(200, "accept");
    let res = logins
        .approver("gaj")
        .act(&full, "approve", 2, &json!({"opinion": "过早"}));
    res.problem(409, "stage_not_done", "approve before the stages");
    let detail = res.body["detail"].as_str().unwrap_or_default();
    assert_eq!(detail, "以下环节尚未办结：审核签发、制证", "{}", res.body);
}

#[test]
fn the_clerk_finds_cases_by_number_name_id_or_phone_only_within_their_scope() {
    let server = server();
    let logins = Logins::new(&server);
    let a02 = logins.clerk("A02");
    let first = take(
        &a02,
        "search-1",
        "GA-QR-01",
        "欧阳明",
        &["hkb", "jsfz", "zp"],
    );
    let second = take(&a02, "search-2", "GA-GG-02", "欧阳明", &["sqb", "sfz"]);
    let total = |api: &Api, q: &str| api.total(&format!("?q={}", urlencode(q)));
    for q in [
        ID_NUMBER,
        &ID_NUMBER.to_lowercase(),
        PHONE,
        "欧阳",
        " 欧阳明 ",
    ] {
        assert_eq!(total(&a02, q), 2, "A02 finds both by {q}");
    }
    assert_eq!(total(&a02, &first), 1, "by case number");
    assert_eq!(total(&a02, "110101198503"), 0, "an ID number matches whole");
    assert_eq!(total(&logins.as_user("supervisor", None), ID_NUMBER), 2);
    // The market window's clerk reads neither case, so finds neither.
    let a01 = logins.clerk("A01");
    for q in [ID_NUMBER, PHONE, "欧阳", first.as_str()] {
        assert_eq!(total(&a01, q), 0, "A01 finds nothing by {q}");
    }
    a01.get(&format!("/api/v1/cases?q={}", "x".repeat(65)))
        .problem(400, "invalid_query", "a search too long");

    // On the queue page, with the working days left in words.
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("clerk-a02", "A02").status, 303);
    let page = b.get(&format!("/staff/queue?q={}", urlencode(&second)));
    let body = page.html(200, "queue searched");
    assert!(
        body.contains(&format!("href=\"/staff/cases/{second}\"")),
        "{body}"
    );
    assert!(
        !body.contains(&format!("href=\"/staff/cases/{first}\"")),
        "{body}"
    );
    // Received on Monday 2 March: five working days to accept, to Monday 9 March.
    assert!(body.contains("剩 5 个工作日"), "{body}");
    assert!(body.contains("class=\"countdown countdown-ok\""), "{body}");
    let page = b.get(&format!("/staff/queue?q={}", urlencode("不存在的人")));
    assert!(page
        .html(200, "nothing found")
        .contains("没有找到符合条件的办件"));
    let mut other = Browser::new(&server);
    assert_eq!(other.sign_in("clerk-a01", "A01").status, 303);
    let page = other.get(&format!("/staff/queue?q={ID_NUMBER}"));
    assert!(!page.html(200, "A01 searched").contains(&first));

    // The case page lists the applicant's other case, linked.
    let page = b.get(&format!("/staff/cases/{second}"));
    let body = page.html(200, "case page");
    assert!(body.contains("该申请人的其他办件"), "{body}");
    assert!(
        body.contains(&format!("href=\"/staff/cases/{first}\"")),
        "{body}"
    );

    // Two days before the acceptance deadline: amber, in words too.
    server.set_clock("2026-03-05T10:00:00+08:00");
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("clerk-a02", "A02").status, 303);
    let body = b.get(&format!("/staff/cases/{second}")).body;
    assert!(body.contains("剩 2 个工作日"), "{body}");
    assert!(
        body.contains("class=\"countdown countdown-near\""),
        "{body}"
    );
    // Past it: red, overdue by working days.
    server.set_clock("2026-03-11T10:00:00+08:00");
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("clerk-a02", "A02").status, 303);
    let body = b.get("/staff/queue").body;
    assert!(body.contains("已逾期 2 个工作日"), "{body}");
    assert!(
        body.contains("class=\"countdown countdown-over\""),
        "{body}"
    );
}

#[test]
fn the_supplement_notice_is_pre_ticked_and_destructive_actions_stand_out() {
    let server = server();
    let logins = Logins::new(&server);
    let clerk = logins.clerk("A02");
    let case_no = take(&clerk, "ticks", "GA-QR-01", "孙一", &["hkb"]);
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("clerk-a02", "A02").status, 303);
    let page = b.get(&format!("/staff/cases/{case_no}"));
    let body = page.html(200, "case page");
    for (code, ticked) in [("hkb", false), ("jsfz", true), ("zp", true)] {
        let input = format!("name=\"missing\" value=\"{code}\" checked");
        assert_eq!(body.contains(&input), ticked, "{code}: {body}");
    }
    assert!(
        body.contains("class=\"action-box action-danger\" aria-labelledby=\"h-refuse\""),
        "{body}"
    );
    assert!(
        body.contains("id=\"refuse-submit\" type=\"submit\" class=\"danger\""),
        "{body}"
    );
    assert!(body.contains("此操作将结束或拒绝本申请"), "{body}");
    assert!(
        !body.contains("id=\"accept-submit\" type=\"submit\" class=\"danger\""),
        "{body}"
    );
}

#[test]
fn the_clerk_uploads_a_scan_to_a_material_at_the_window() {
    let server = server();
    let logins = Logins::new(&server);
    let clerk = logins.clerk("A02");
    let case_no = take(&clerk, "scan", "GA-QR-01", "周一", &["hkb", "jsfz", "zp"]);
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("clerk-a02", "A02").status, 303);
    let page = b.get(&format!("/staff/cases/{case_no}"));
    let body = page.html(200, "case page");
    let path = format!("/staff/cases/{case_no}/attachments");
    assert!(body.contains(&format!("action=\"{path}\"")), "{body}");
    let csrf = page.field("csrf");
    let scan = b"%PDF-1.7\n% window scan\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
    let file = |bytes: &'static [u8]| Upload {
        field: "file",
        file_name: "户口簿扫描.pdf",
        content_type: "application/pdf",
        bytes,
    };
    let done = b.post_multipart(
        &path,
        &[("csrf", &csrf), ("material", "hkb")],
        &[file(scan)],
    );
    assert_eq!(
        done.redirect("upload"),
        format!("/staff/cases/{case_no}?done=uploaded#attachments")
    );
    let files = clerk
        .get(&format!("/api/v1/cases/{case_no}/attachments"))
        .ok(200, "attachments");
    let files = files.as_array().expect("a list");
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0]["material_code"], "hkb", "{files:?}");
    let page = b.get(&format!("/staff/cases/{case_no}?done=uploaded"));
    let body = page.html(200, "case after upload");
    assert!(body.contains("已上传扫描件"), "{body}");
    assert!(body.contains("户口簿扫描.pdf"), "{body}");

    // Not a scan whatever its name says: refused, and nothing stored.
    let refused = b.post_multipart(
        &path,
        &[("csrf", &csrf), ("material", "jsfz")],
        &[file(b"MZ not a document")],
    );
    let body = refused.html(415, "not a scan");
    assert!(body.contains("上传未完成"), "{body}");
    assert!(
        body.contains("id=\"upload-file\""),
        "the form again: {body}"
    );
    // A material of another item: named as not one of this item's.
    let refused = b.post_multipart(
        &path,
        &[("csrf", &csrf), ("material", "nope")],
        &[file(scan)],
    );
    let body = refused.html(422, "not a material of the item");
    assert!(body.contains("不是本事项的申请材料"), "{body}");
    let files = clerk
        .get(&format!("/api/v1/cases/{case_no}/attachments"))
        .ok(200, "attachments");
    assert_eq!(files.as_array().map(Vec::len), Some(1));

    // The market window's clerk may not read the case, so may not upload to it either.
    let mut other = Browser::new(&server);
    assert_eq!(other.sign_in("clerk-a01", "A01").status, 303);
    let csrf = other.get("/staff/queue").field("csrf");
    let page = other.post_multipart(
        &path,
        &[("csrf", &csrf), ("material", "hkb")],
        &[file(scan)],
    );
    assert_eq!(page.status, 404, "{}", page.body);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
