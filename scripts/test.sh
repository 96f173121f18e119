#!/usr/bin/env bash
# Runs every test. Installs and starts what the tests need (PostgreSQL on loopback, the OpenLineage
# Python client in a virtualenv), stops and removes them afterwards.
# Usage: scripts/test.sh [extra arguments for swift test, e.g. --filter StoreConformance]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- PostgreSQL: install if missing -------------------------------------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "==> installing PostgreSQL (apt-get)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
fi

# initdb refuses to run as root: run the cluster as the postgres user then.
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

work=$(mktemp -d /tmp/steward-test.XXXXXX)
chmod 755 "$work"
pg_data="$work/pg"
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$pg_data"
[ "$(id -u)" = 0 ] && chown postgres "$pg_data"

cleanup() {
  run_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> starting PostgreSQL on 127.0.0.1:$pg_port"
run_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 >/dev/null
# Tests run in parallel, each store with a pool of up to 10 connections: PostgreSQL's default of
# 100 clients was once exceeded (the pools retried, but a test could time out on it).
run_pg "$pg_bin/pg_ctl" -D "$pg_data" -w -l "$pg_data/log" \
  -o "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=300" start >/dev/null

# --- The real OpenLineage Python client, in a virtualenv of its own -----------------------------
echo "==> installing openlineage-python (PyPI) into a virtualenv"
if ! python3 -m venv "$work/olpy" >/dev/null 2>&1; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  python3 -m venv "$work/olpy"
fi
"$work/olpy/bin/pip" install -q --disable-pip-version-check openlineage-python

# --- Build the binary the process-level tests launch ---------------------------------------------
echo "==> building steward"
swift build --product steward
bin_dir=$(swift build --show-bin-path)

echo "==> running tests"
# STEWARD_BIN, when set, puts another build under the process tests (e.g. the release build of
# scripts/build-release.sh: STEWARD_BIN=.build-release/release/steward scripts/test.sh).
export STEWARD_BIN="${STEWARD_BIN:-$bin_dir/steward}"
export STEWARD_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable"
export STEWARD_REQUIRE_POSTGRES=1
export STEWARD_PG_BIN="$pg_bin"
export STEWARD_LINEAGE_PYTHON="$work/olpy/bin/python"
swift test "$@"
