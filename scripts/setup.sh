#!/usr/bin/env bash
# Installs what building, running and testing need, and only what is missing, so a second
# run costs seconds. `setup.sh run` for `make run`; `setup.sh test` adds the test services.
#
# Everything comes from the package registries: crates.io (cargo-leptos, wasm-bindgen-cli),
# npm (tailwind, binaryen's wasm-opt, Playwright) and Debian (chromium, postgresql, qpdf,
# poppler-utils).
# Nothing is downloaded from anywhere else; cargo-leptos finds tailwind and wasm-opt in
# node_modules/.bin and so never fetches its own.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-run}
CARGO_LEPTOS_VERSION=0.3.10
GARAGE_VERSION=2.5.0
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
need() { command -v "$1" >/dev/null 2>&1; }

apt_install() {
  # Debian packages, installed only when running as root on Debian; elsewhere say what to do.
  if [ "$(id -u)" = 0 ] && need apt-get; then
    say "installing Debian packages: $*"
    if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "Missing: $*. Install them with your package manager (Debian: sudo apt-get install $*) and run again." >&2
    exit 1
  fi
}

need cargo || { echo "Rust is not installed: see https://rustup.rs, then run again." >&2; exit 1; }
need node && need npm || apt_install nodejs npm

# SQLCipher (the encrypted embedded database) is built from source against OpenSSL's libcrypto.
if [ ! -f /usr/include/openssl/evp.h ]; then apt_install libssl-dev pkg-config; fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  # 0.3.11 needs a newer rustc than this toolchain; --locked keeps its dependencies as tested.
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes the first time)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# cargo-leptos runs whatever wasm-bindgen is on PATH; it must equal the crate in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: one of its locked dependency versions is no longer on the registry.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

npm_install() {
  local dir=$1
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing npm packages in $dir"
    # Not `npm ci`: npm 11 leaves the optional per-platform packages of tailwind out of
    # the lock file and then refuses it as out of sync. --no-save installs the locked
    # versions without rewriting the lock.
    (cd "$dir" && npm install --no-audit --no-fund --no-save --loglevel=error)
  fi
}
npm_install .

if [ "$MODE" = test ]; then
  npm_install end2end
  missing=()
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need initdb || missing+=(postgresql)
  # The report tests check the PDFs with independent tools: qpdf, and poppler's
  # pdftotext and pdfinfo.
  need qpdf || missing+=(qpdf)
  need pdftotext || missing+=(poppler-utils)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
  # The data export test validates data.json against docs/export-schema.json with the
  # reference JSON Schema validator (PyPI's jsonschema, or Debian's python3-jsonschema).
  if ! python3 -c 'import jsonschema' 2>/dev/null; then
    say "installing the jsonschema validator"
    python3 -m pip install --quiet jsonschema 2>/dev/null || apt_install python3-jsonschema
  fi
  # Garage: the real S3-compatible store the storage tests run against (never a mock).
  if ! garage --version 2>/dev/null | grep -qF "cargo:$GARAGE_VERSION "; then
    say "installing garage $GARAGE_VERSION (about 15 minutes the first time)"
    cargo install garage --version "$GARAGE_VERSION" --locked
  fi
  if ! rustup component list --installed 2>/dev/null | grep -q '^clippy'; then rustup component add clippy; fi
  if ! rustup component list --installed 2>/dev/null | grep -q '^rustfmt'; then rustup component add rustfmt; fi
fi
