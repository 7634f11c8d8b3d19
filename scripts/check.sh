#!/usr/bin/env bash
# `make check`: the checks that need no services, in the order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
# The tools the tests read files with (qpdf, poppler, maildev): installed once, then seconds.
scripts/setup.sh test
say "format"; cargo fmt --all --check
say "module cycles"; scripts/module_cycles.sh
say "clippy (server)"
cargo clippy --locked -p domain -p app -p server --features app/ssr --all-targets -- -D warnings
say "clippy (browser)"
cargo clippy --locked -p domain -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown -- -D warnings
say "unit tests"; cargo test --locked -p domain -p app -p server --features app/ssr --lib --bins
# The SQLite half: each PostgreSQL and S3 test says it was skipped unless a server is given.
say "integration tests on SQLite"
cargo test --locked -p server --test api -- --test-threads=1 ::sqlite ::local
say "make check passed in $(( $(date +%s) - start )) s"
