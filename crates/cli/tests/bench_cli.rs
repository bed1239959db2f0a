//! `tongban bench calendar` on a few cases, run as the built binary: the figures a full run
//! prints, and a failing exit code if the re-projection missed a case or was not idempotent.

use std::process::Command;

#[test]
fn bench_calendar_smoke() {
    let workflows = concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflows");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tongban"));
    cmd.args([
        "bench",
        "calendar",
        "--cases",
        "200",
        "--workflows",
        workflows,
    ])
    // SQLite only, whatever the environment says; PostgreSQL when the tests have one.
    .env_remove("TONGBAN_BENCH_PG_URL");
    if let Ok(url) = std::env::var("TONGBAN_TEST_DATABASE_URL_PG") {
        cmd.args(["--database-url", &url]);
    }
    let out = cmd.output().expect("run tongban bench calendar");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "cases examined              200",
        "cases moved                 200",
        "events written              200",
        "idempotent",
        "ratio to baseline",
    ] {
        assert!(stdout.contains(line), "`{line}` missing from:\n{stdout}");
    }
}

/// `tongban bench http` for a second a phase on a few thousand cases: every phase runs and
/// is judged (ceilings, ratios, latency and failures apart), with wrk where it is installed
/// (CI installs it) and this process's generator otherwise. No figure is asserted.
#[test]
fn bench_http_smoke() {
    let workflows = concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflows");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tongban"));
    cmd.args(["bench", "http", "--cases", "2000", "--seconds", "1"])
        .args([
            "--raw-cases",
            "200",
            "--clients",
            "8",
            "--public-rate",
            "50",
        ])
        .args(["--pg-clients", "4", "--workflows", workflows])
        .env_remove("TONGBAN_BENCH_PG_URL");
    if let Ok(url) = std::env::var("TONGBAN_TEST_DATABASE_URL_PG") {
        cmd.args(["--database-url", &url]);
    }
    let out = cmd.output().expect("run tongban bench http");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "database ceiling: ",
        "/healthz (HTTP ceiling)",
        "intake (POST /cases)",
        "accept (POST /cases/{no}/accept)",
        "public status at 50/s",
        "target public status ≥ 0.30× /healthz",
        "target intake ≥ 0.50× database ceiling",
        "target accept ≥ 0.50× intake",
        "target no failed request (0 in every phase): met",
        "server memory: peak RSS",
    ] {
        assert!(stdout.contains(line), "`{line}` missing from:\n{stdout}");
    }
    if std::env::var_os("TONGBAN_TEST_DATABASE_URL_PG").is_some() {
        assert!(stdout.contains("single-row durable commits"), "{stdout}");
    }
}
