//! Key rotation signs no one out: a token issued before `tongban keys rotate` still works
//! after the restart, while new tokens are signed with the new key.

use base64::Engine;

use crate::harness::Server;

/// The key id in a token's header.
pub fn kid(token: &str) -> String {
    let header = token.split('.').next().unwrap_or_default();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .expect("token header");
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("header json");
    v["kid"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn rotation_keeps_old_tokens_valid() {
    let server = Server::start(&["--demo", "--test-clock"]);
    let old = server.login("supervisor", None);
    let dir = server.kill_hard();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tongban"))
        .args(["keys", "rotate", "--data-dir"])
        .arg(dir.path())
        .output()
        .expect("keys rotate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Server::start_in(dir, &["--demo", "--test-clock"]);
    let res = server
        .get("/api/v1/cases")
        .bearer_auth(&old)
        .send()
        .expect("queue");
    assert_eq!(res.status(), 200, "a token of the old key still works");
    let new = server.login("supervisor", None);
    assert_ne!(kid(&old), kid(&new), "new tokens use the new key");
    // Change one character inside the signature (not the last, whose low bits are padding).
    let mut forged: Vec<char> = new.chars().collect();
    let at = forged.len() - 10;
    forged[at] = if forged[at] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    let res = server
        .get("/api/v1/cases")
        .bearer_auth(&forged)
        .send()
        .expect("queue");
    assert_eq!(res.status(), 401, "a tampered token is refused");
}
