//! The benches on a few cases, run as the built binary: the figures a full run prints, and a
//! failing exit code where a bench's own checks failed. No figure is asserted.

use std::process::Command;

/// Runs `tongban bench ARGS` on the shipped workflows, SQLite only whatever the environment
/// says, and PostgreSQL too when the tests have one; answers its output, failing on an error.
fn bench(args: &[&str]) -> String {
    let workflows = concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflows");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tongban"));
    cmd.arg("bench")
        .args(args)
        .args(["--workflows", workflows])
        .env_remove("TONGBAN_BENCH_PG_URL");
    if let Ok(url) = std::env::var("TONGBAN_TEST_DATABASE_URL_PG") {
        cmd.args(["--database-url", &url]);
    }
    let out = cmd.output().expect("run tongban bench");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn bench_calendar_smoke() {
    let stdout = bench(&["calendar", "--cases", "200"]);
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
/// (CI installs it) and this process's generator otherwise.
#[test]
fn bench_http_smoke() {
    let stdout = bench(&[
        "http",
        "--cases",
        "2000",
        "--seconds",
        "1",
        "--raw-cases",
        "200",
        "--clients",
        "8",
        "--public-rate",
        "50",
        "--pg-clients",
        "4",
    ]);
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
