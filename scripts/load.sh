#!/usr/bin/env bash
# Load test of the patient pages with wrk on loopback: a release build of `vecu serve --demo`
# over SQLite, then over PostgreSQL (a fresh database), each hit for 15 s by 8 connections on one
# patient's welcome page (token look-up, invitation and draft reads, rendering).
# Usage: scripts/load.sh   (needs wrk: apt-get install wrk; PostgreSQL as for the tests)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --quiet --release -p vecu-cli --locked
work="$(mktemp -d)"
admin="${VECU_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
cleanup() { kill "${server:-0}" 2>/dev/null || true; psql -q "$admin" -c 'DROP DATABASE IF EXISTS vecu_load WITH (FORCE)' >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
psql -q "$admin" -c 'DROP DATABASE IF EXISTS vecu_load WITH (FORCE)' -c 'CREATE DATABASE vecu_load' >/dev/null

for database in "$work/load.db" "${admin%/*}/vecu_load"; do
    mkfifo "$work/links"
    RUST_LOG=warn "$target/release/vecu" --database "$database" serve --demo 1 --bind 127.0.0.1:0 >"$work/links" 2>"$work/serve.log" &
    server=$!
    link="$(head -n 1 "$work/links")"
    rm "$work/links"
    case "$database" in postgres*) backend=PostgreSQL ;; *) backend=SQLite ;; esac
    echo "== $backend: GET welcome page"
    wrk --latency -t 2 -c 8 -d 15s "$link" | grep -E 'Requests/sec|50%|99%|Non-2xx'
    kill "$server"; wait "$server" 2>/dev/null || true
done
