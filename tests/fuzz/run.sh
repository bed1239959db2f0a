#!/usr/bin/env bash
# API fuzzing against the built binary (see fuzz.py): installs schemathesis into a virtual
# environment cached under ~/.cache (reruns skip the install), builds `tongban` when it is not
# built yet, and fuzzes every operation of /openapi.json as each role. Exits non-zero on any
# 5xx or any response that breaks its schema.
#   tests/fuzz/run.sh [--examples N] [--seed S] [--roles clerk,admin,...]
set -euo pipefail
cd "$(dirname "$0")/../.."

SCHEMATHESIS_VERSION=4.32.5
venv="${TONGBAN_FUZZ_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/tongban-fuzz/venv}"
python="${PYTHON:-python3}"
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "version ${SCHEMATHESIS_VERSION}$"; then
  echo "fuzz: installing schemathesis ${SCHEMATHESIS_VERSION} into $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==${SCHEMATHESIS_VERSION}"
fi

bin="${TONGBAN_BIN:-target/debug/tongban}"
if [[ -z "${TONGBAN_BIN:-}" ]]; then
  cargo build --quiet -p tongban
fi

exec "$venv/bin/python" tests/fuzz/fuzz.py --bin "$bin" --st "$venv/bin/st" --workflows workflows "$@"
