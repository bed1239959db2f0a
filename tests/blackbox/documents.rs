//! The documents (文书) over HTTP on the test clock: every kind a case can reach, each
//! numbered once from its organ's series, naming the organ, the case number and query code,
//! with a seal area and the officer's name; each downloads as a PDF of exactly one A4 page,
//! made by the server; the decision is titled by the item's category; scope holds.

use serde_json::json;

use crate::backend::Backend;
use crate::every_alert::{start, Hall};

/// A4 in PostScript points, as a PDF's MediaBox gives it (210 × 297 mm).
const A4: (f64, f64) = (595.0, 842.0);

/// The server prints PDFs with Chromium: without it the PDF half is skipped, except in CI.
fn chromium_present() -> bool {
    let found = [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .any(|p| std::path::Path::new(p).exists());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must print PDFs: install chromium"
        );
        eprintln!("SKIPPED: the PDF checks (no chromium on this machine)");
    }
    found
}

fn page(hall: &Hall<'_>, token: &str, path: &str, lang: &str) -> (u16, String) {
    let res = hall
        .server
        .get(path)
        .header("Cookie", format!("tb_session={token}"))
        .header("Accept-Language", lang)
        .send()
        .expect("document");
    let status = res.status().as_u16();
    (status, res.text().expect("body"))
}

/// The document number on a sheet: `县公安局受字〔2026〕第1号`.
fn number_of(html: &str) -> String {
    let at = html.find("class=\"doc-no\">").expect("a document number") + "class=\"doc-no\">".len();
    html[at..].split('<').next().unwrap_or_default().to_owned()
}

/// The pages of a PDF, and each page's size in points (Chromium writes each page's
/// dictionary uncompressed, its MediaBox after its type).
fn pdf_pages(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    let page_at: Vec<usize> = text
        .match_indices("/Type /Page")
        .map(|(at, _)| at)
        .filter(|at| !text[at + "/Type /Page".len()..].starts_with('s'))
        .collect();
    page_at
        .iter()
        .map(|&at| {
            let rest = &text[at..];
            let end = rest[1..].find("/Type /").map_or(rest.len(), |e| e + 1);
            rest[..end]
                .split("/MediaBox [")
                .nth(1)
                .and_then(|m| m.split(']').next())
                .map(|m| {
                    let n: Vec<f64> = m
                        .split_whitespace()
                        .filter_map(|x| x.parse().ok())
                        .collect();
                    (
                        n.get(2).copied().unwrap_or(0.0),
                        n.get(3).copied().unwrap_or(0.0),
                    )
                })
                .unwrap_or((0.0, 0.0))
        })
        .collect()
}

fn check_pdf(hall: &Hall<'_>, token: &str, path: &str) {
    let res = hall
        .server
        .get(&format!("{path}/pdf"))
        .header("Cookie", format!("tb_session={token}"))
        .send()
        .expect("pdf");
    assert_eq!(res.status(), 200, "{path}/pdf");
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap_or_default(),
        "application/pdf"
    );
    let bytes = res.bytes().expect("pdf bytes");
    assert!(bytes.starts_with(b"%PDF"), "{path}: not a PDF");
    let pages = pdf_pages(&bytes);
    assert_eq!(pages.len(), 1, "{path} prints on one page: {pages:?}");
    let (w, h) = pages[0];
    assert!(
        (w - A4.0).abs() < 2.0 && (h - A4.1).abs() < 2.0,
        "{path}: page is {w}×{h} pt, not A4"
    );
}

/// Every document of case `no` the clerk's case page links: printed twice with the same
/// number, naming organ, case number, query code, seal and officer; then as a PDF.
fn check_documents(hall: &Hall<'_>, no: &str, expected: &[&str], pdfs: bool) -> Vec<String> {
    let clerk = hall.token("clerk-a02", Some("A02"));
    let (status, case_page) = page(hall, &clerk, &format!("/staff/cases/{no}"), "zh-CN");
    assert_eq!(status, 200);
    let case = hall.case(&clerk, no);
    let query_code = case["query_code"].as_str().expect("query code").to_owned();
    let mut numbers = Vec::new();
    for slug in expected {
        let path = format!("/cases/{no}/documents/{slug}");
        assert!(
            case_page.contains(&format!("href=\"{path}\"")),
            "case page links {path}"
        );
        let (status, html) = page(hall, &clerk, &path, "zh-CN");
        assert_eq!(status, 200, "{path}: {html}");
        let number = number_of(&html);
        assert!(
            number.starts_with("县公安局") && number.contains("〔2026〕第"),
            "{path}: {number}"
        );
        for must in [no, query_code.as_str(), "印章", "县公安局", "经办人"] {
            if must == "经办人" && slug.starts_with("service") {
                continue;
            }
            assert!(html.contains(must), "{path} shows {must}");
        }
        let (_, again) = page(hall, &clerk, &path, "zh-CN");
        assert_eq!(
            number_of(&again),
            number,
            "{path}: printing again keeps the number"
        );
        if pdfs {
            check_pdf(hall, &clerk, &path);
        }
        numbers.push(number);
    }
    numbers
}

fn documents_on(backend: &Backend) {
    let server = start(backend, None);
    let hall = Hall { server: &server };
    // Printing does not depend on the backend: the PDFs once, on SQLite.
    let pdfs = matches!(backend, Backend::Sqlite) && chromium_present();
    hall.set_clock(0);

    // A case through everything: receipt, supplement, acceptance, a special procedure,
    // an extension, the decision and its delivery.
    let no = hall.intake("doc-full");
    hall.act(
        "clerk-a02",
        Some("A02"),
        &no,
        "request-supplement",
        json!({"missing": [{"code": "zp", "note": "请提供近期免冠照片"}]}),
    );
    hall.act(
        "clerk-a02",
        Some("A02"),
        &no,
        "supplement",
        json!({"materials": [{"code": "zp"}]}),
    );
    hall.act("clerk-a02", Some("A02"), &no, "accept", json!({}));
    hall.act(
        "approver-gaj",
        None,
        &no,
        "suspend",
        json!({"procedure": "expert_review", "note": "组织专家评审"}),
    );
    hall.set_clock(3);
    hall.act("approver-gaj", None, &no, "resume", json!({}));
    hall.act(
        "head-gaj",
        None,
        &no,
        "extend",
        json!({"working_days": 5, "reason": "需实地核查户籍信息"}),
    );
    hall.review_and_approve(&no);
    hall.act(
        "clerk-a02",
        Some("A02"),
        &no,
        "deliver",
        json!({"method": "window"}),
    );
    let full = [
        "receipt",
        "supplement-1",
        "acceptance",
        "suspension-1",
        "extension",
        "decision",
        "service",
    ];
    let numbers = check_documents(&hall, &no, &full, pdfs);
    let clerk = hall.token("clerk-a02", Some("A02"));
    let (_, decision) = page(
        &hall,
        &clerk,
        &format!("/cases/{no}/documents/decision"),
        "zh-CN",
    );
    assert!(
        decision.contains("行政确认决定书"),
        "户口 is a 行政确认, not a licence"
    );
    assert!(!decision.contains("行政许可决定书"));
    assert!(
        decision.contains("行政复议"),
        "a decision names the remedies"
    );
    let (_, notice) = page(
        &hall,
        &clerk,
        &format!("/cases/{no}/documents/supplement-1"),
        "zh-CN",
    );
    assert!(
        notice.contains("请提供近期免冠照片") && notice.contains("前补正"),
        "{notice}"
    );
    let (_, served) = page(
        &hall,
        &clerk,
        &format!("/cases/{no}/documents/service"),
        "zh-CN",
    );
    assert!(
        served.contains(&numbers[5]),
        "the 送达回证 names the decision's number"
    );
    assert!(served.contains("窗口领取"));
    let (_, english) = page(
        &hall,
        &clerk,
        &format!("/cases/{no}/documents/acceptance"),
        "en",
    );
    assert!(
        english.contains("Acceptance notice") && english.contains("Case number"),
        "{english}"
    );

    // A second case refused: its own receipt number, the refusal with remedies, the 送达回证.
    let refused = hall.intake("doc-refused");
    hall.act(
        "clerk-a02",
        Some("A02"),
        &refused,
        "refuse",
        json!({
            "reason": "申请事项不属于本机关职权范围",
            "legal_basis": "《中华人民共和国行政许可法》第三十二条第一款第（二）项",
        }),
    );
    let refusal_numbers =
        check_documents(&hall, &refused, &["receipt", "refusal", "service"], pdfs);
    assert_ne!(
        refusal_numbers[0], numbers[0],
        "each receipt has its own number"
    );
    assert!(refusal_numbers[0].contains("收字") && refusal_numbers[1].contains("不受字"));
    let (_, refusal) = page(
        &hall,
        &clerk,
        &format!("/cases/{refused}/documents/refusal"),
        "zh-CN",
    );
    assert!(
        refusal.contains("不予受理决定书") && refusal.contains("六个月内"),
        "{refusal}"
    );

    // Accepted by operation of law (art. 32): the 受理通知书 says so.
    hall.set_clock(10);
    let deemed = hall.intake("doc-deemed");
    hall.set_clock(18);
    hall.sweep();
    let clerk = hall.token("clerk-a02", Some("A02"));
    let (status, notice) = page(
        &hall,
        &clerk,
        &format!("/cases/{deemed}/documents/acceptance"),
        "zh-CN",
    );
    assert_eq!(status, 200, "{notice}");
    assert!(notice.contains("即为受理"), "{notice}");

    // The applicant downloads the result of an online application from their own case page.
    hall.set_clock(20);
    let applicant = hall.token("applicant", None);
    let online = hall.intake_by(&applicant, "doc-online", "演示申请人", None);
    hall.act("clerk-a02", Some("A02"), &online, "accept", json!({}));
    hall.review_and_approve(&online);
    let applicant = hall.token("applicant", None);
    let (status, mine) = page(&hall, &applicant, &format!("/my/cases/{online}"), "zh-CN");
    assert_eq!(status, 200);
    let result = format!("/cases/{online}/documents/decision");
    assert!(mine.contains(&format!("href=\"{result}\"")), "{mine}");
    assert!(mine.contains(&format!("href=\"{result}/pdf\"")));
    let (status, decision) = page(&hall, &applicant, &result, "zh-CN");
    assert_eq!(status, 200);
    assert!(
        decision.contains("行政确认决定书")
            && decision.contains(&format!("href=\"/my/cases/{online}\""))
    );
    if pdfs {
        check_pdf(&hall, &applicant, &result);
    }
    let (status, _) = page(
        &hall,
        &applicant,
        &format!("/cases/{no}/documents/decision"),
        "zh-CN",
    );
    assert_eq!(status, 404, "an applicant reads only their own cases");

    // Scope: another window's clerk, an unknown document, and nobody signed in.
    let clerk = hall.token("clerk-a02", Some("A02"));
    let other = hall.token("clerk-a01", Some("A01"));
    let (status, _) = page(
        &hall,
        &other,
        &format!("/cases/{no}/documents/receipt"),
        "zh-CN",
    );
    assert_eq!(status, 404, "a clerk reads only the cases of their grants");
    let (status, _) = page(
        &hall,
        &clerk,
        &format!("/cases/{deemed}/documents/decision"),
        "zh-CN",
    );
    assert_eq!(status, 404, "no decision yet");
    let (status, _) = page(
        &hall,
        &clerk,
        &format!("/cases/{no}/documents/seal"),
        "zh-CN",
    );
    assert_eq!(status, 404);
    let anonymous = server
        .get(&format!("/cases/{no}/documents/receipt"))
        .send()
        .expect("anonymous");
    assert_eq!(
        anonymous.url().path(),
        "/staff/login",
        "signing in comes first"
    );
}

#[test]
fn every_document_is_numbered_and_prints_on_one_a4_page() {
    // The series is drawn on the writer; one backend shows the text, both the numbering.
    for backend in crate::backend::all("every_document_is_numbered_and_prints_on_one_a4_page") {
        documents_on(&backend);
    }
}

/// Two `serve` processes on one database print the same cases' receipts at the same time:
/// each case has one number whichever process printed it, and no two cases share one.
#[test]
fn two_processes_draw_one_series_of_numbers() {
    for backend in crate::backend::all("two_processes_draw_one_series_of_numbers") {
        let (db, _shared) = backend.shared_args();
        let mut args = db.clone();
        args.extend(["--demo", "--test-clock", "--sweep-every", "0"].map(String::from));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let a = crate::harness::Server::start(&args);
        let b = crate::harness::Server::start(&args);
        let (ha, hb) = (Hall { server: &a }, Hall { server: &b });
        ha.set_clock(0);
        hb.set_clock(0);
        let cases: Vec<String> = (0..6).map(|n| ha.intake(&format!("two-{n}"))).collect();
        let (ta, tb) = (
            ha.token("clerk-a02", Some("A02")),
            hb.token("clerk-a02", Some("A02")),
        );
        let printed: Vec<(String, String)> = std::thread::scope(|s| {
            let threads: Vec<_> = cases
                .iter()
                .map(|no| {
                    let path = format!("/cases/{no}/documents/receipt");
                    let (ha, hb, ta, tb) = (&ha, &hb, &ta, &tb);
                    s.spawn(move || {
                        let ((status_a, html_a), (status_b, html_b)) = std::thread::scope(|both| {
                            let from_b = both.spawn(|| page(hb, tb, &path, "zh-CN"));
                            let from_a = page(ha, ta, &path, "zh-CN");
                            (from_a, from_b.join().expect("print on b"))
                        });
                        assert_eq!((status_a, status_b), (200, 200), "{path}");
                        (number_of(&html_a), number_of(&html_b))
                    })
                })
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().expect("print"))
                .collect()
        });
        for (on_a, on_b) in &printed {
            assert_eq!(on_a, on_b, "one number per document on {}", backend.name());
        }
        let mut numbers: Vec<&String> = printed.iter().map(|(n, _)| n).collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(
            numbers.len(),
            cases.len(),
            "no two cases share a number: {numbers:?}"
        );
    }
}
