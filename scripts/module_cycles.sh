#!/usr/bin/env bash
# No two modules of a crate import each other, directly or in a ring (module_cycles.py).
set -euo pipefail
cd "$(dirname "$0")/.."
rc=0
for crate in "domain/src domain" "app/src app" "server/src server" "frontend/src frontend"; do
  # shellcheck disable=SC2086
  python3 scripts/module_cycles.py $crate || rc=1
done
exit $rc
