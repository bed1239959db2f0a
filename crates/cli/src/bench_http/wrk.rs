//! Phases driven by `wrk` (Debian's package), a load generator in C that keeps its share of
//! the two cores small, so that what bounds a phase is the server. Each phase is a Lua script;
//! a common `done` hook prints one line of figures this module reads back.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Context;

use super::load::Phase;

/// The hooks every script ends with: thread numbering, and the phase's figures on one line.
const COMMON: &str = r#"
local threads = {}
local count = 0
function setup(thread)
  count = count + 1
  thread:set("tid", count)
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  local extra, seen = 0, ""
  for _, t in ipairs(threads) do
    extra = extra + (t:get("extra") or 0)
    local s = t:get("seen")
    if s and s ~= "" and seen == "" then seen = s end
  end
  local e = summary.errors
  io.write(string.format(
    "TONGBAN requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d extra=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    extra, latency:percentile(50), latency:percentile(99)))
  if seen ~= "" then io.write("TONGBAN-SEEN " .. (seen:gsub("[\r\n]", " ")) .. "\n") end
end
"#;

/// Remembers the first answer ≥ 400 of a thread, to show why requests failed.
pub const RECORD_FAILURES: &str = r#"
extra = 0
seen = ""
function response(status, headers, body)
  if status >= 400 and seen == "" then seen = status .. " " .. string.sub(body or "", 1, 300) end
end
"#;

pub struct Wrk {
    exe: PathBuf,
    dir: tempfile::TempDir,
    /// wrk's threads (one a core it may use).
    pub threads: usize,
}

impl Wrk {
    /// wrk from `PATH`, if installed.
    pub fn find(threads: usize) -> anyhow::Result<Option<Wrk>> {
        let found = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("wrk"))
                .find(|p| p.is_file())
        });
        Ok(match found {
            Some(exe) => Some(Wrk {
                exe,
                dir: tempfile::tempdir()?,
                threads: threads.max(1),
            }),
            None => None,
        })
    }

    /// A file in the generator's scratch directory (a list of case numbers for a script).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `script` (Lua, without the common hooks) against `base` with `connections` open
    /// connections for `duration`.
    pub fn run(
        &self,
        what: &str,
        base: &str,
        script: &str,
        connections: usize,
        duration: Duration,
    ) -> anyhow::Result<Phase> {
        let file = self.dir.path().join(format!("{}.lua", slug(what)));
        std::fs::write(&file, format!("{script}\n{COMMON}"))?;
        let out = Command::new(&self.exe)
            .arg(format!("-t{}", self.threads))
            .arg(format!("-c{}", connections.max(self.threads)))
            .arg(format!("-d{}s", duration.as_secs().max(1)))
            .args(["--timeout", "10s", "-s"])
            .arg(&file)
            .arg(base)
            .output()
            .context("cannot run wrk")?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        anyhow::ensure!(
            out.status.success(),
            "wrk failed: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        parse(what, &stdout)
    }
}

fn slug(what: &str) -> String {
    what.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The phase from wrk's output (the `TONGBAN` line of the `done` hook).
fn parse(what: &str, stdout: &str) -> anyhow::Result<Phase> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("TONGBAN "))
        .with_context(|| format!("no figures in wrk's output:\n{stdout}"))?;
    let field = |name: &str| -> u64 {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let (requests, status, extra) = (field("requests"), field("status"), field("extra"));
    let socket = [
        ("connect", "connection refused or reset"),
        ("read", "read error"),
        ("write", "write error"),
        ("timeout", "no answer within 10 s"),
    ];
    let mut examples = Vec::new();
    let mut failed = status.saturating_sub(extra);
    for (name, why) in socket {
        let n = field(name);
        if n > 0 {
            failed += n;
            examples.push(format!("{n} × {why} (wrk: {name})"));
        }
    }
    if failed > 0 && status > extra {
        let seen = stdout
            .lines()
            .find_map(|l| l.strip_prefix("TONGBAN-SEEN "))
            .unwrap_or("(the script records no answer bodies)");
        examples.push(format!(
            "{} × answered ≥ 400, first: {seen}",
            status - extra
        ));
    }
    if extra > 0 {
        examples.push(format!(
            "ran out of cases: {extra} requests repeated after the last one (not counted)"
        ));
    }
    Ok(Phase {
        what: what.to_string(),
        elapsed: Duration::from_micros(field("duration_us")),
        ok: requests.saturating_sub(status),
        failed,
        p50_ms: field("p50_us") as f64 / 1000.0,
        p99_ms: field("p99_us") as f64 / 1000.0,
        examples,
        cpu: None,
        generator: "wrk",
    })
}

/// A Lua string literal holding `s` exactly (a long bracket no part of `s` closes).
pub fn lua_string(s: &str) -> String {
    let mut level = 0;
    while s.contains(&format!("]{}]", "=".repeat(level))) {
        level += 1;
    }
    let eq = "=".repeat(level);
    format!("[{eq}[{s}]{eq}]")
}

/// The script reading a list of lines into `cases`: this thread's share of them, one line
/// in `threads` (every thread reads the file; there is no shared state between them). A
/// script using it adds [`RECORD_FAILURES`] as every POST phase does.
pub fn share_of(list: &Path, threads: usize) -> String {
    format!(
        r#"
cases = {{}}
function init(args)
  local i = 0
  for line in io.lines({}) do
    if i % {threads} == tid - 1 then table.insert(cases, line) end
    i = i + 1
  end
end
"#,
        lua_string(&list.to_string_lossy()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figures_and_failures_are_read_back() {
        let out = "Running 1s test\nTONGBAN requests=120 duration_us=1000000 connect=0 read=0 write=0 status=3 timeout=2 extra=1 p50_us=900 p99_us=4100\nTONGBAN-SEEN 409 {\"code\":\"version_conflict\"}\n";
        let p = parse("x", out).expect("parsed");
        assert_eq!((p.ok, p.failed), (117, 4));
        assert_eq!((p.p50_ms, p.p99_ms), (0.9, 4.1));
        assert!(
            p.examples.iter().any(|e| e.contains("version_conflict")),
            "{:?}",
            p.examples
        );
        assert!(p
            .examples
            .iter()
            .any(|e| e.contains("no answer within 10 s")));
        assert!(p.examples.iter().any(|e| e.contains("ran out of cases")));
    }

    #[test]
    fn lua_strings_hold_anything() {
        assert_eq!(lua_string("a"), "[[a]]");
        assert_eq!(lua_string("x]]y"), "[=[x]]y]=]");
    }
}
