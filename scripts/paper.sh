#!/usr/bin/env bash
# The paper questionnaire of the shipped survey as a hospital prints it: `vecu survey print` in
# French and German (and German in large print), headless Chromium to PDF, and every page as PNG
# to look at (pdftoppm). Installs Debian's chromium and poppler-utils when they are absent.
# Usage: scripts/paper.sh [OUT_DIR]   (default: $CARGO_TARGET_DIR/paper)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
out="${1:-$target/paper}"
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
if [ "${#need[@]}" -gt 0 ]; then
    echo "installing ${need[*]} for the paper questionnaire" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
cargo build --quiet -p vecu-cli --locked
mkdir -p "$out"
for variant in fr de de-large; do
    lang="${variant%%-*}"
    large=()
    [ "$variant" = de-large ] && large=(--large)
    "$target/debug/vecu" survey print "$root/surveys/scape-cancer.json" --lang "$lang" "${large[@]}" \
        --out "$out/questionnaire-$variant.html" >/dev/null
    chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
        --print-to-pdf="$out/questionnaire-$variant.pdf" "$out/questionnaire-$variant.html" 2>/dev/null
    pages="$(pdfinfo "$out/questionnaire-$variant.pdf" | awk '/^Pages:/ {print $2}')"
    rm -f "$out/questionnaire-$variant"-*.png
    pdftoppm -r 70 -png "$out/questionnaire-$variant.pdf" "$out/questionnaire-$variant"
    echo "$variant: $pages pages; $out/questionnaire-$variant.pdf and PNG pages" >&2
    [ "$pages" -gt 0 ]
done
