#!/usr/bin/env bash
# The README's first command: the whole story (`vecu demo`) on an embedded SQLite database, under
# demo/ (or the folder given). Building vecu needs OpenSSL's headers (libpq is built with them, for
# TLS to PostgreSQL): they are installed from Debian's packages when absent, as scripts/test.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/debian.sh
install_absent "OpenSSL for libpq's TLS" libssl-dev pkg-config
exec cargo run -p vecu-cli -- demo --out "${1:-demo}"
