#!/usr/bin/env bash
# Load test of the patient pages with wrk on loopback: a release build of `vecu serve --demo`
# over SQLite, then over PostgreSQL (a fresh database). On each, for 15 s with 8 connections:
# - page views: one patient's welcome page (token look-up, invitation and draft reads, rendering);
# - submissions: invented patients, one after another on each connection, answer the survey and
#   submit it as a browser does (scripts/load-submit.lua: welcome, start, GET and POST of every
#   page with the required answers only, review, submit: 22 requests a patient). wrk's requests/s
#   and percentiles cover every request of these flows; the script adds submissions per second,
#   the latency of the submit request alone and the duration of a whole flow.
# Usage: scripts/load.sh   (needs wrk: apt-get install -y wrk; PostgreSQL as for the tests)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --quiet --release -p vecu-cli --locked
work="$(mktemp -d)"
admin="${VECU_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
# Every link submits once: far more than 15 s of submissions use (a few thousand on 2 cores).
patients=20000
connections=8
cleanup() { kill "${server:-0}" 2>/dev/null || true; psql -q "$admin" -c 'DROP DATABASE IF EXISTS vecu_load WITH (FORCE)' >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
psql -q "$admin" -c 'DROP DATABASE IF EXISTS vecu_load WITH (FORCE)' -c 'CREATE DATABASE vecu_load' >/dev/null

for database in "$work/load.db" "${admin%/*}/vecu_load"; do
    mkfifo "$work/links"
    RUST_LOG=warn "$target/release/vecu" --database "$database" serve --demo "$patients" --bind 127.0.0.1:0 >"$work/links" 2>"$work/serve.log" &
    server=$!
    head -n "$patients" "$work/links" >"$work/tokens"
    rm "$work/links"
    [ -s "$work/tokens" ] || { cat "$work/serve.log" >&2; exit 1; }
    link="$(head -n 1 "$work/tokens")"
    case "$database" in postgres*) backend=PostgreSQL ;; *) backend=SQLite ;; esac
    echo "== $backend: GET welcome page"
    wrk --latency -t 2 -c "$connections" -d 15s "$link" | grep -E 'Requests/sec|^ +(50|99)%|Non-2xx|Socket errors'
    echo "== $backend: submissions (latency percentiles over every request of the flows)"
    # One wrk thread per connection: each connection follows its own patient.
    wrk --latency -t "$connections" -c "$connections" -d 15s -s "$root/scripts/load-submit.lua" \
        "${link%/s/*}" -- "$work/tokens" "$connections" \
        | grep -E 'Requests/sec|^ +(50|99)%|Non-2xx|Socket errors|Submi|Whole flow|Failed|WARNING'
    kill "$server"; wait "$server" 2>/dev/null || true
done
