//! E-mail end to end: the service sends the applicant's receipt (case number and query code)
//! and the one-time supplement notice through a real SMTP server process, which this test
//! starts and reads from.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::Server;

pub(crate) struct Sink {
    child: Child,
    pub(crate) port: u16,
    pub(crate) dir: tempfile::TempDir,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start_sink() -> Option<Sink> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/support/smtp_sink.py"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let child = Command::new("python3")
        .arg(script)
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let Ok(mut child) = child else {
        // Straight to stderr: the test harness captures `eprintln!` of passing tests, and a
        // skip must be seen.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            "mail: SKIPPED (python3 is not installed; it runs the SMTP test server)\n".as_bytes(),
        );
        return None;
    };
    let stdout = child.stdout.take().expect("sink stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("sink says ready");
    let port = line
        .trim()
        .strip_prefix("ready ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("SMTP sink did not start: {line:?}"));
    Some(Sink { child, port, dir })
}

fn messages(dir: &Path) -> Vec<serde_json::Value> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|t| serde_json::from_str(&t).ok())
        .collect()
}

pub(crate) fn wait_for(dir: &Path, n: usize) -> Vec<serde_json::Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let got = messages(dir);
        if got.len() >= n || Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn notices_reach_the_applicant_by_smtp() {
    let Some(sink) = start_sink() else { return };
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
    let body = serde_json::json!({
        "item_code": "GA-QR-01",
        "applicant": {"kind": "person", "name": "李四", "id_number": "110101199001011234",
                      "email": "lisi@example.cn"},
        "materials": [{"code": "hkb"}, {"code": "jsfz"}],
    });
    let res = server
        .post("/api/v1/cases")
        .bearer_auth(&clerk)
        .header("Idempotency-Key", "mail-1")
        .json(&body)
        .send()
        .expect("intake");
    assert_eq!(res.status(), 201);
    let case: serde_json::Value = res.json().expect("case");
    let case_no = case["case_no"].as_str().expect("case_no").to_owned();
    let query_code = case["query_code"].as_str().expect("query_code").to_owned();

    let res = server
        .post(&format!("/api/v1/cases/{case_no}/request-supplement"))
        .bearer_auth(&clerk)
        .header("If-Match", "1")
        .json(&serde_json::json!({"missing": [{"code": "zp", "note": "须现场采集"}]}))
        .send()
        .expect("supplement notice");
    assert_eq!(res.status(), 200);

    let got = wait_for(sink.dir.path(), 2);
    assert_eq!(got.len(), 2, "two messages: {got:?}");
    let receipt = &got[0];
    assert_eq!(receipt["to"][0], "lisi@example.cn");
    let subject = receipt["subject"].as_str().unwrap_or_default();
    assert!(
        subject.contains("收件回执") && subject.contains(&case_no),
        "{subject}"
    );
    let text = receipt["body"].as_str().unwrap_or_default();
    assert!(
        text.contains(&case_no) && text.contains(&query_code),
        "{text}"
    );
    let notice = got[1]["body"].as_str().unwrap_or_default();
    assert!(
        got[1]["subject"]
            .as_str()
            .unwrap_or_default()
            .contains("一次性告知"),
        "{:?}",
        got[1]["subject"]
    );
    assert!(
        notice.contains("人像照片") && notice.contains("须现场采集"),
        "{notice}"
    );

    // Each message is delivered once, however many rounds the sender runs.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(messages(sink.dir.path()).len(), 2);
    let admin = server.login("admin", None);
    let outbox: serde_json::Value = server
        .get("/api/v1/admin/outbox")
        .bearer_auth(&admin)
        .send()
        .expect("outbox")
        .json()
        .expect("outbox json");
    let rows = outbox.as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 2, "{outbox}");
    assert!(rows
        .iter()
        .all(|r| r["sent_at"].is_string() && r["attempts"] == 0));
}
