#!/usr/bin/env bash
# Load test of the patient pages with wrk on loopback: a release build of `vecu serve --demo`
# over SQLite, then over PostgreSQL (a fresh database). On each, for 15 s with 8 connections:
# - page views: one patient's welcome page (token look-up, invitation and draft reads, rendering);
# - submissions: invented patients, one after another on each connection, answer the survey and
#   submit it as a browser does (scripts/load-submit.lua: welcome, start, GET and POST of every
#   page with the required answers only, review, submit: 22 requests a patient). wrk's requests/s
#   and percentiles cover every request of these flows; the script adds submissions per second,
#   the latency of the submit request alone and the duration of a whole flow.
# With --two-instances: PostgreSQL only, submissions only, one instance and then two instances
# on one database back to back (a fresh database each); with two, the connections and the links
# are split between the instances (as a load balancer spreads connections) and two wrk run at
# once: submissions per second add up, each instance's p99 is shown.
# Usage: scripts/load.sh [--two-instances]   (needs wrk: apt-get install -y wrk; PostgreSQL as
# for the tests)
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
cleanup() { kill "${server:-0}" "${second:-0}" 2>/dev/null || true; psql -q "$admin" -c 'DROP DATABASE IF EXISTS vecu_load WITH (FORCE)' >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# `vecu serve --demo` on $1, its links in $work/tokens; the server's pid in $server.
start_demo() {
    mkfifo "$work/links"
    RUST_LOG=warn "$target/release/vecu" --database "$1" serve --demo "$patients" --bind 127.0.0.1:0 >"$work/links" 2>"$work/serve.log" &
    server=$!
    head -n "$patients" "$work/links" >"$work/tokens"
    rm "$work/links"
    [ -s "$work/tokens" ] || { cat "$work/serve.log" >&2; exit 1; }
}

# Submissions for 15 s with $2 connections against the service at $1, links from file $3; one
# wrk thread per connection, so that each connection follows its own patient.
submissions() {
    wrk --latency -t "$2" -c "$2" -d 15s -s "$root/scripts/load-submit.lua" "$1" -- "$3" "$2" \
        | grep -E 'Requests/sec|^ +(50|99)%|Non-2xx|Socket errors|Submi|Whole flow|Failed|WARNING'
}

fresh_database() {
    psql -q "$admin" -c 'DROP DATABASE IF EXISTS vecu_load WITH (FORCE)' -c 'CREATE DATABASE vecu_load' >/dev/null
}

fresh_database

if [ "${1:-}" = --two-instances ]; then
    database="${admin%/*}/vecu_load"
    echo "== PostgreSQL, one instance: submissions"
    start_demo "$database"
    link="$(head -n 1 "$work/tokens")"
    submissions "${link%/s/*}" "$connections" "$work/tokens"
    kill "$server"; wait "$server" 2>/dev/null || true
    fresh_database
    echo "== PostgreSQL, two instances on one database: submissions (half the connections each)"
    start_demo "$database"
    link="$(head -n 1 "$work/tokens")"
    # The second instance finds the same key (the database's default key file) and the demo wave.
    RUST_LOG=warn "$target/release/vecu" --database "$database" serve --bind 127.0.0.1:0 2>"$work/second.log" &
    second=$!
    until grep -q 'serving on http' "$work/second.log"; do
        kill -0 "$second" || { cat "$work/second.log" >&2; exit 1; }
        sleep 0.1
    done
    port="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/second.log" | head -n 1)"
    awk 'NR % 2 == 1' "$work/tokens" >"$work/tokens.1"
    awk 'NR % 2 == 0' "$work/tokens" >"$work/tokens.2"
    half=$((connections / 2))
    submissions "${link%/s/*}" "$half" "$work/tokens.1" | sed 's/^/instance 1: /' &
    first_wrk=$!
    submissions "$port" "$half" "$work/tokens.2" | sed 's/^/instance 2: /'
    wait "$first_wrk"
    exit 0
fi

for database in "$work/load.db" "${admin%/*}/vecu_load"; do
    start_demo "$database"
    link="$(head -n 1 "$work/tokens")"
    case "$database" in postgres*) backend=PostgreSQL ;; *) backend=SQLite ;; esac
    echo "== $backend: GET welcome page"
    wrk --latency -t 2 -c "$connections" -d 15s "$link" | grep -E 'Requests/sec|^ +(50|99)%|Non-2xx|Socket errors'
    echo "== $backend: submissions (latency percentiles over every request of the flows)"
    submissions "${link%/s/*}" "$connections" "$work/tokens"
    kill "$server"; wait "$server" 2>/dev/null || true
done
