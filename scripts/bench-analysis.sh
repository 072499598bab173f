#!/usr/bin/env bash
# Time and peak memory of `vecu analyse` on simulated responses to the shipped questionnaire
# (release build; GNU time's maximum resident set size), for each size given (default: 1,000,000
# and 10,000,000 responses). The criterion benchmark (cargo bench -p vecu-analysis --bench
# analysis) times the same work in-process on 1,000,000.
# Usage: scripts/bench-analysis.sh [ROWS ...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cargo build --quiet --release -p vecu-cli --locked
vecu="$target/release/vecu"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
survey="$root/surveys/scape-cancer.json"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)

for n in "${sizes[@]}"; do
    echo "== $n responses"
    rm -f "$work"/responses.*
    "$vecu" survey simulate "$survey" --n "$n" --seed 1 --out "$work/responses.csv" 2>/dev/null
    "$vecu" survey simulate "$survey" --n "$n" --seed 1 --out "$work/responses.parquet" 2>/dev/null
    # Invited per site x age band: a 45% response rate in every cell.
    python3 - "$work/responses.csv" "$work/counts.csv" <<'PY'
import csv, math, sys, collections
cells = collections.Counter()
with open(sys.argv[1], newline="") as f:
    for row in csv.DictReader(f):
        cells[(row["site"], row["age_band"])] += 1
with open(sys.argv[2], "w") as f:
    f.write("site,age_band,invited\n")
    for (site, age), n in sorted(cells.items()):
        f.write(f"{site},{age},{math.ceil(n / 0.45)}\n")
PY
    ls -l "$work"/responses.*
    for format in parquet csv; do
        echo "-- tables from $format"
        /usr/bin/time -f "elapsed %e s, peak memory %M KiB" "$vecu" analyse --survey "$survey" \
            --responses "$work/responses.$format" --frame-counts "$work/counts.csv" \
            --out "$work/out" --no-charts
    done
    echo "-- tables and charts from parquet"
    /usr/bin/time -f "elapsed %e s, peak memory %M KiB" "$vecu" analyse --survey "$survey" \
        --responses "$work/responses.parquet" --frame-counts "$work/counts.csv" --out "$work/out"
done
