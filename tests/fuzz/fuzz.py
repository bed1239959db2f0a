#!/usr/bin/env python3
"""API fuzzing of the built `tongban` binary, driven by its own /openapi.json.

Starts `tongban serve --demo --test-clock` on a fresh data directory and a free port, signs in
as real users (a clerk at window A02, an applicant, a supervisor, an administrator), takes a
few real cases so that generated requests reach past the 404 of an unknown case, and runs
schemathesis once per role with four checks: no 5xx (`not_a_server_error`), every response
body matching its documented schema (`response_schema_conformance`), in a documented content
type with a documented status. The run is bounded (a fixed number of examples per operation)
and seeded, and exits non-zero on any finding.

Usage: fuzz.py --bin target/debug/tongban --st path/to/st [--examples N] [--seed S]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

PASSWORD = "tongban-demo"
# No 5xx; every answer's body matches its documented schema, in a documented content type,
# with a documented status.
CHECKS = ",".join([
    "not_a_server_error",
    "response_schema_conformance",
    "content_type_conformance",
    "status_code_conformance",
])
# (role name, sign-in body). Every role fuzzes every operation: what a role may not do
# must be a clean 401/403/404, never a 5xx.
ROLES = [
    ("clerk", {"username": "clerk-a02", "password": PASSWORD, "window": "A02"}),
    ("applicant", {"username": "applicant", "password": PASSWORD}),
    ("supervisor", {"username": "supervisor", "password": PASSWORD}),
    ("admin", {"username": "admin", "password": PASSWORD}),
]
# Moving the test clock would age every token of the runs after it: it is fuzzed last.
CLOCK = "/api/v1/admin/clock"
PUBLIC = r"^/api/v1/(public|auth|items|complaints|calendar/due)|^/(healthz|readyz|metrics)"


def call(base, method, path, body=None, token=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=60) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def start(binary, workflows, data_dir):
    """`serve` on a free port (port 0); returns the process and its printed base URL."""
    proc = subprocess.Popen(
        [binary, "serve", "--bind", "127.0.0.1:0", "--demo", "--test-clock",
         "--sweep-every", "0", "--workflows", workflows, "--data-dir", data_dir],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")},
    )
    found = {}
    ready = threading.Event()

    def pump():
        # Keep draining the server's output (into the log) so that it never blocks on it.
        with open(os.path.join(data_dir, "..", "server.log"), "w") as log:
            for line in proc.stdout:
                log.write(line)
                log.flush()
                m = re.search(r"http://[0-9.:]+", line)
                if m and "base" not in found:
                    found["base"] = m.group(0)
                    ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(180):
        proc.kill()
        sys.exit("fuzz: tongban serve did not print its address")
    base = found["base"]
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if call(base, "GET", "/readyz")[0] == 200:
                return proc, base
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    sys.exit("fuzz: tongban serve did not become ready")


def sign_in(base, body):
    status, v = call(base, "POST", "/api/v1/auth/token", body)
    if status != 200:
        sys.exit(f"fuzz: sign-in of {body['username']} answered {status}: {v}")
    return v["access_token"]


def seed_cases(base, clerk, applicant):
    """A few real cases in different states: their numbers and query codes feed the fuzzer."""
    application = {
        "item_code": "GA-QR-01",
        "applicant": {"kind": "person", "name": "模糊测试", "id_number": "110101199001011234"},
        "materials": [{"code": "hkb"}, {"code": "jsfz"}, {"code": "zp"}],
    }
    cases = []
    for i, token in enumerate([clerk, clerk, clerk, applicant]):
        status, v = call(base, "POST", "/api/v1/cases", application, token,
                         {"Idempotency-Key": f"fuzz-seed-{i}"})
        if status != 201:
            sys.exit(f"fuzz: seeding a case answered {status}: {v}")
        cases.append((v["case_no"], v["query_code"]))
    # One accepted, one waiting for a supplement: more routes reach the state machine.
    status, _ = call(base, "POST", f"/api/v1/cases/{cases[1][0]}/accept", {}, clerk, {"If-Match": "1"})
    status2, _ = call(base, "POST", f"/api/v1/cases/{cases[2][0]}/request-supplement",
                      {"missing": [{"code": "zp", "note": "照片"}]}, clerk, {"If-Match": "1"})
    if status != 200 or status2 != 200:
        sys.exit(f"fuzz: seeding case actions answered {status}, {status2}")
    return cases


def config(path, cases):
    """schemathesis.toml: real identifiers offered to the generator next to random ones."""
    numbers = json.dumps([c for c, _ in cases])
    codes = json.dumps([q for _, q in cases])
    with open(path, "w") as f:
        # No state kept between runs (a replay of old findings would make runs differ).
        f.write(f"""
[cache]
enabled = false

[dictionaries.cases]
values = {numbers}

[dictionaries.query_codes]
values = {codes}

[dictionaries.codes]
values = ["GA-QR-01", "A02", "GAJ", "ZWB"]

[dictionaries.versions]
values = ["1", "2", "3"]

[parameters]
"path.case_no" = {{ dictionary = "cases", probability = 0.7 }}
"query.case_no" = {{ dictionary = "cases", probability = 0.5 }}
"query.query_code" = {{ dictionary = "query_codes", probability = 0.7 }}
"path.code" = {{ dictionary = "codes", probability = 0.7 }}
"header.If-Match" = {{ dictionary = "versions", probability = 0.7 }}
""")


def fuzz(st, cfg, base, token, name, examples, seed, extra, report_dir):
    cmd = [st, "--config-file", cfg, "--no-color", "run", base + "/openapi.json",
           "--checks", os.environ.get("TONGBAN_FUZZ_CHECKS", CHECKS),
           "--max-examples", str(examples), "--seed", str(seed), "--workers", "1",
           "--request-timeout", "30", "--suppress-health-check", "all",
           "--report", "junit", "--report-junit-path", os.path.join(report_dir, f"{name}.xml"),
           *extra]
    if token:
        cmd += ["--header", f"Authorization: Bearer {token}"]
    print(f"\n=== fuzz as {name}: {examples} examples an operation, seed {seed}", flush=True)
    started = time.time()
    rc = subprocess.call(cmd, cwd=report_dir)  # whatever it writes stays out of the tree
    print(f"=== fuzz as {name}: exit {rc} in {time.time() - started:.0f} s", flush=True)
    return rc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--st", required=True)
    ap.add_argument("--workflows", default="workflows")
    ap.add_argument("--examples", type=int, default=25)
    ap.add_argument("--seed", type=int, default=20261130)
    ap.add_argument("--roles", default=",".join(r for r, _ in ROLES) + ",anonymous,clock")
    args = ap.parse_args()
    wanted = args.roles.split(",")

    work = tempfile.mkdtemp(prefix="tongban-fuzz-")
    data_dir = os.path.join(work, "data")
    os.makedirs(data_dir)
    proc, base = start(args.bin, args.workflows, data_dir)
    failed, ran = [], 0
    try:
        tokens = {name: sign_in(base, body) for name, body in ROLES}
        cases = seed_cases(base, tokens["clerk"], tokens["applicant"])
        cfg = os.path.join(work, "schemathesis.toml")
        config(cfg, cases)
        runs = [(name, tokens[name], ["--exclude-path", CLOCK]) for name, _ in ROLES]
        # Without a token only the public routes answer more than 401.
        runs.append(("anonymous", None, ["--include-path-regex", PUBLIC]))
        runs.append(("clock", tokens["admin"], ["--include-path", CLOCK]))
        for name, token, extra in runs:
            if name not in wanted:
                continue
            ran += 1
            if fuzz(args.st, cfg, base, token, name, args.examples, args.seed, extra, work) != 0:
                failed.append(name)
            if proc.poll() is not None:
                failed.append("server exited")
                break
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    if failed:
        print(f"\nfuzz: reports and the server log in {work}")
        print(f"fuzz: FAILED ({', '.join(failed)})")
        print(f"fuzz: {ran - len(failed)} passed, {len(failed)} failed")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("\nfuzz: no 5xx, every response matched its schema")
    print(f"fuzz: {ran} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
