#!/usr/bin/env bash
# Every check vecu asks of a change: formatting, lints with warnings as errors, all tests.
# The README's test command and .ci/run both run this script.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
