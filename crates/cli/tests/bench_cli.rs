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
