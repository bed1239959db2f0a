//! `tongban backup` of a demo database while `serve` runs on it, and `tongban restore`: into
//! an empty data directory it restores and verifies; into a non-empty one it refuses; a
//! damaged payload is refused by its checksum and leaves nothing behind.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

fn tongban(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run tongban")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn arg(path: &Path) -> String {
    path.display().to_string()
}

/// `serve --demo` on `data`, killed when dropped.
struct Serving {
    child: Child,
    base: String,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &Path) -> Serving {
    let workflows = concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflows");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(["serve", "--demo", "--test-clock", "--sweep-every", "0"])
        .args([
            "--bind",
            "127.0.0.1:0",
            "--workflows",
            workflows,
            "--data-dir",
        ])
        .arg(data)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tongban serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                let _ = tx.send(url.trim_end_matches('/').to_owned());
            }
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve printed its URL");
    Serving { child, base }
}

/// Three window intakes, one with a scan attached.
fn fill(server: &Serving) {
    let http = reqwest::blocking::Client::new();
    let token: serde_json::Value = http
        .post(format!("{}/api/v1/auth/token", server.base))
        .json(&serde_json::json!({"username": "clerk-a02", "password": "tongban-demo", "window": "A02"}))
        .send()
        .and_then(|r| r.json())
        .expect("sign in");
    let token = token["access_token"].as_str().expect("token").to_owned();
    let mut first = String::new();
    for i in 0..3 {
        let case: serde_json::Value = http
            .post(format!("{}/api/v1/cases", server.base))
            .bearer_auth(&token)
            .header("Idempotency-Key", format!("backup-cli-{i}"))
            .json(&serde_json::json!({
                "item_code": "GA-QR-01",
                "applicant": {"kind": "person", "name": format!("申请人{i}"), "id_number": format!("11010119900000000{i}")},
                "materials": [{"code": "hkb"}, {"code": "jsfz"}, {"code": "zp"}],
            }))
            .send()
            .and_then(|r| r.json())
            .expect("intake");
        let case_no = case["case_no"].as_str();
        let case_no = case_no.unwrap_or_else(|| panic!("intake {i}: {case}"));
        if i == 0 {
            first = case_no.to_owned();
        }
    }
    let boundary = "b0undary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\nhkb\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hkb.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.7\n% scan\n%%EOF\n"
    )
    .into_bytes();
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = http
        .post(format!("{}/api/v1/cases/{first}/attachments", server.base))
        .bearer_auth(&token)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .expect("upload");
    assert_eq!(res.status(), 201);
}

#[test]
fn backup_restores_into_an_empty_directory_only_and_checks_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = serve(&data);
    fill(&server);

    // Online: the server keeps running. The default place is `backups` in the data dir.
    let out = tongban(&["backup", "--data-dir", &arg(&data)]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    let backup = PathBuf::from(stdout.lines().last().expect("a path"));
    assert!(backup.starts_with(data.join("backups")), "{stdout}");
    let name = backup.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("tongban-backup-"), "{name}");
    assert!(backup.join("tongban.sqlite").is_file());
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(backup.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["backend"], "sqlite", "{manifest}");
    assert_eq!(manifest["cases"], 3, "{manifest}");
    assert_eq!(manifest["attachments"], 1, "{manifest}");
    assert!(
        manifest["audit_head"]["seq"].as_u64().unwrap() >= 4,
        "{manifest}"
    );
    assert_eq!(manifest["payload"]["sha256"].as_str().unwrap().len(), 64);
    assert!(stdout.contains("3 cases"), "{stdout}");
    drop(server);

    // Into an empty data directory: restored and verified.
    let fresh = dir.path().join("fresh");
    let out = tongban(&["restore", &arg(&backup), "--data-dir", &arg(&fresh)]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    for line in [
        "checksum: ok",
        "integrity_check: ok",
        "migrations: none pending",
        "audit chain: ok",
        "cases: 3, attachments: 1",
    ] {
        assert!(stdout.contains(line), "{line} in {stdout}");
    }
    let verified = tongban(&["audit", "verify", "--data-dir", &arg(&fresh)]);
    assert!(verified.status.success(), "{}", text(&verified.stdout));
    let records = manifest["audit_head"]["seq"].as_u64().unwrap();
    assert_eq!(
        text(&verified.stdout).trim(),
        format!("ok: {records} records")
    );

    // Not over a database that holds anything: neither the restored one nor the original.
    for target in [&fresh, &data] {
        let out = tongban(&["restore", &arg(&backup), "--data-dir", &arg(target)]);
        assert!(!out.status.success());
        let stderr = text(&out.stderr);
        assert!(stderr.contains("is not empty"), "{stderr}");
    }
    // The manifest names its backup as well as the directory does; still refused here.
    let out = tongban(&[
        "restore",
        &arg(&backup.join("manifest.json")),
        "--data-dir",
        &arg(&fresh),
    ]);
    assert!(!out.status.success());

    // One byte flipped in the payload: refused by the checksum, nothing left behind.
    let damaged = dir.path().join("damaged");
    std::fs::create_dir(&damaged).unwrap();
    for file in ["manifest.json", "tongban.sqlite"] {
        std::fs::copy(backup.join(file), damaged.join(file)).unwrap();
    }
    let mut bytes = std::fs::read(damaged.join("tongban.sqlite")).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(damaged.join("tongban.sqlite"), bytes).unwrap();
    let elsewhere = dir.path().join("elsewhere");
    let out = tongban(&["restore", &arg(&damaged), "--data-dir", &arg(&elsewhere)]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(&elsewhere)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");

    // Not a backup at all.
    let out = tongban(&["restore", &arg(&elsewhere), "--data-dir", &arg(&elsewhere)]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is not a backup"),
        "{}",
        text(&out.stderr)
    );
}
