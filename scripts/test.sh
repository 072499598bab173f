#!/usr/bin/env bash
# Every check vecu asks of a change: formatting, lints with warnings as errors, all tests on
# SQLite and PostgreSQL. The README's test command and .ci/run both run this script.
set -euo pipefail
cd "$(dirname "$0")/.."

# The store's tests need a PostgreSQL server on 127.0.0.1:5432 that trusts the user postgres.
# Use it when it runs; start it when it is installed; install it (Debian) when it is absent.
ensure_postgres() {
    export VECU_TEST_POSTGRES_URL="${VECU_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
    if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
        return
    fi
    if ! ls /etc/postgresql/*/main/postgresql.conf >/dev/null 2>&1; then
        echo "PostgreSQL is not installed: installing Debian's package" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        local hba
        hba=$(ls /etc/postgresql/*/main/pg_hba.conf | sort -V | tail -n 1)
        sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
    fi
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "starting PostgreSQL $version" >&2
    # pg_ctlcluster waits until the server accepts connections.
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    pg_isready -h 127.0.0.1 -p 5432
}

# install_absent: Debian's packages that are absent, installed with a reason.
source scripts/debian.sh

ensure_postgres
# The DDI export's test validates against the DDI Codebook schema with xmllint.
install_absent "xmllint for the DDI export's test" libxml2-utils
# libpq is built with the system's OpenSSL (TLS to PostgreSQL); the TLS test makes its
# certificates with the openssl program.
install_absent "OpenSSL for libpq's TLS" libssl-dev pkg-config openssl
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
# The patient pages in a real browser, checked with axe-core (WCAG 2.1 A and AA).
bash scripts/a11y.sh
