#!/usr/bin/env bash
# Accessibility check of the patient pages: starts `vecu serve --demo` on a free port over a
# throw-away SQLite database and runs axe-core in Debian's headless Chromium against it.
# Installs Chromium (Debian) and the checker (npm) when they are absent.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"

if ! command -v chromium >/dev/null; then
    echo "installing Debian's chromium for the accessibility check" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
cd "$root/tests/a11y"
[ -d node_modules/axe-core ] && [ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent

work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cargo build --quiet -p vecu-cli --locked
mkfifo "$work/links"
# Code mode: a wave of letters (the example survey) with its access codes, under a key that the
# server shares, for the access-code page and the data-entry pages.
export VECU_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64)"
letters_wave="$("$target/debug/vecu" --database "$work/a11y.db" wave create --survey "$root/surveys/example.json" 2>/dev/null)"
printf 'ref,language,site,age_band,sex\nA11Y-1,fr,H1,70+,F\nA11Y-2,de,H2,50-69,M\n' >"$work/frame.csv"
"$target/debug/vecu" --database "$work/a11y.db" wave codes --wave "$letters_wave" "$work/frame.csv" --out "$work/letters.csv" >/dev/null
"$target/debug/vecu" --database "$work/a11y.db" wave open --wave "$letters_wave" >/dev/null
letter_code="$(sed -n 2p "$work/letters.csv" | cut -d, -f3)"
"$target/debug/vecu" --database "$work/a11y.db" serve --demo 2 --bind 127.0.0.1:0 >"$work/links" 2>"$work/serve.log" &
server=$!
# The demo prints its links once the listener is bound; reading the pipe waits for them (and ends
# empty if the server fails first). The second patient fills the questionnaire by keyboard.
{ read -r link || true; read -r keyboard_link || true; } <"$work/links"
[ -n "$link" ] && [ -n "${keyboard_link:-}" ] || { cat "$work/serve.log" >&2; exit 1; }
# Screenshots of every page checked stay as artifacts beside the build.
shots="${A11Y_SCREENSHOTS:-$target/a11y-screenshots}"
mkdir -p "$shots"
# Keys for the co-authors' pages (a researcher starts a report, a patient partner reads it).
key() { "$target/debug/vecu" --database "$work/a11y.db" admin create-key --role "$1" --name "a11y $1" 2>/dev/null; }
hospital_key="$("$target/debug/vecu" --database "$work/a11y.db" admin create-key --role hospital --site H01,H02,H03,H04,H05,H06,H07,H08 --name "a11y hospital" 2>/dev/null)"
node check.mjs "$link" "$shots" "$keyboard_link" "$(key researcher)" "$(key patient-partner)" "$(key data-entry)" "$letter_code" "$hospital_key"
echo "screenshots: $shots" >&2
