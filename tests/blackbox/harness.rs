//! Starts the built `tongban` binary on a free port with a fresh data directory and talks
//! HTTP to it, as a client would.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    pub base: String,
    /// Deleted when the server is dropped; a restart reuses it.
    #[allow(dead_code)]
    pub data_dir: tempfile::TempDir,
}

impl Server {
    /// `serve` with extra arguments, on a fresh SQLite database in a temporary data dir.
    pub fn start(extra: &[&str]) -> Server {
        let data_dir = tempfile::tempdir().expect("temp dir");
        Server::start_in(data_dir, extra)
    }

    /// `serve` on the given backend (the PostgreSQL database lives as long as `backend`).
    pub fn start_on(backend: &crate::backend::Backend, extra: &[&str]) -> Server {
        let mut args: Vec<String> = backend.args();
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Server::start(&args)
    }

    pub fn start_in(data_dir: tempfile::TempDir, extra: &[&str]) -> Server {
        Server::start_in_with_env(data_dir, extra, &[])
    }

    /// The same with extra environment variables (e.g. a small `TONGBAN_REPROJECT_BATCH`).
    pub fn start_in_with_env(
        data_dir: tempfile::TempDir,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        Server::spawn(data_dir, extra, env, Stdio::inherit())
    }

    /// `serve` writing its log (stderr) to `log`, for a test that reads what was logged.
    pub fn start_logged(data_dir: tempfile::TempDir, extra: &[&str], log: std::fs::File) -> Server {
        Server::spawn(data_dir, extra, &[], Stdio::from(log))
    }

    fn spawn(
        data_dir: tempfile::TempDir,
        extra: &[&str],
        env: &[(&str, &str)],
        stderr: Stdio,
    ) -> Server {
        let workflows = concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflows");
        let mut child = Command::new(env!("CARGO_BIN_EXE_tongban"))
            .envs(env.iter().copied())
            .arg("serve")
            .args(["--bind", "127.0.0.1:0", "--workflows", workflows])
            .arg("--data-dir")
            .arg(data_dir.path())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start tongban");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                    let _ = tx.send(url.trim_end_matches('/').to_owned());
                }
                println!("[tongban] {line}");
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("tongban printed its URL");
        let server = Server {
            child,
            base,
            data_dir,
        };
        server.wait_healthy();
        server
    }

    fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(r) = client().get(self.url("/healthz")).send() {
                if r.status().is_success() {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("tongban did not become healthy at {}", self.base);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn get(&self, path: &str) -> reqwest::blocking::RequestBuilder {
        client().get(self.url(path))
    }
}

impl Server {
    /// SIGKILL (no shutdown of any kind) and hand back the data directory for a restart.
    pub fn kill_hard(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let placeholder = tempfile::tempdir().expect("temp dir");
        std::mem::replace(&mut self.data_dir, placeholder)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("http client")
}

/// The password of every demo account (`serve --demo`).
pub const DEMO_PASSWORD: &str = "tongban-demo";

impl Server {
    pub fn post(&self, path: &str) -> reqwest::blocking::RequestBuilder {
        client().post(self.url(path))
    }

    pub fn put(&self, path: &str) -> reqwest::blocking::RequestBuilder {
        client().put(self.url(path))
    }

    pub fn delete(&self, path: &str) -> reqwest::blocking::RequestBuilder {
        client().delete(self.url(path))
    }

    /// Signs in (a clerk names their window) and returns the bearer token.
    pub fn login(&self, username: &str, window: Option<&str>) -> String {
        let mut body = serde_json::json!({"username": username, "password": DEMO_PASSWORD});
        if let Some(w) = window {
            body["window"] = w.into();
        }
        let res = self
            .post("/api/v1/auth/token")
            .json(&body)
            .send()
            .expect("token request");
        assert_eq!(res.status(), 200, "sign-in of {username} at {window:?}");
        let v: serde_json::Value = res.json().expect("token json");
        v["access_token"].as_str().expect("access_token").to_owned()
    }

    /// Takes the case action `action` through the API as the holder of `token`, at the
    /// case's `version` (`If-Match`); asserts it was done.
    pub fn case_action(
        &self,
        token: &str,
        no: &str,
        action: &str,
        version: u64,
        body: serde_json::Value,
    ) {
        let res = self
            .post(&format!("/api/v1/cases/{no}/{action}"))
            .bearer_auth(token)
            .header("If-Match", version.to_string())
            .json(&body)
            .send()
            .expect("action");
        assert_eq!(res.status(), 200, "{action}: {:?}", res.text());
    }

    /// Takes an accepted GA-QR-01 case (居民身份证换领) from `version` through its two stages,
    /// the approval and the delivery at window A02, as the demo's staff of 县公安局.
    pub fn conclude_id_card_case(&self, no: &str, version: u64) {
        let clerk = self.login("clerk-a02", Some("A02"));
        let approver = self.login("approver-gaj", None);
        let head = self.login("head-gaj", None);
        let steps: [(&str, &str, serde_json::Value); 4] = [
            (
                &approver,
                "complete-stage",
                serde_json::json!({"stage": "shqf", "opinion": "符合条件"}),
            ),
            (
                &head,
                "complete-stage",
                serde_json::json!({"stage": "zz", "opinion": "已制证"}),
            ),
            (
                &approver,
                "approve",
                serde_json::json!({"opinion": "准予换领"}),
            ),
            (&clerk, "deliver", serde_json::json!({"method": "window"})),
        ];
        for (i, (token, action, body)) in steps.into_iter().enumerate() {
            self.case_action(token, no, action, version + i as u64, body);
        }
    }
}

impl Server {
    /// As the administrator, sets the test clock (`PUT /api/v1/admin/clock`).
    pub fn set_clock(&self, now: &str) {
        let admin = self.login("admin", None);
        let res = self
            .put("/api/v1/admin/clock")
            .bearer_auth(&admin)
            .json(&serde_json::json!({ "now": now }))
            .send()
            .expect("set the clock");
        assert_eq!(res.status(), 200, "clock to {now}");
    }

    /// As the administrator, one supervision sweep now; its answer (`raised`).
    pub fn sweep(&self) -> serde_json::Value {
        // Signed in afresh: tokens are dated by the test clock, which may have moved.
        let admin = self.login("admin", None);
        let res = self
            .post("/api/v1/admin/supervision/sweep")
            .bearer_auth(&admin)
            .send()
            .expect("sweep");
        assert_eq!(res.status(), 200, "sweep");
        res.json().expect("sweep json")
    }
}
