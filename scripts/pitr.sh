#!/usr/bin/env bash
# Point-in-time recovery of PostgreSQL with the standard tools, tried end to end on a
# throwaway cluster: WAL archiving on, a base backup (pg_basebackup), more work, a named
# restore point, a mistake after it, then a new cluster from the base backup replaying the
# archived WAL up to the restore point. Checks that the work before the point is there, the
# mistake is not, and `cpd-registry audit verify` passes on the recovered database.
#
#   scripts/pitr.sh [path/to/cpd-registry]     (default: the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-${CARGO_TARGET_DIR:-target}/debug/cpd-registry}
[ -x "$binary" ] || { echo "pitr: $binary is not built (cargo build -p server)" >&2; exit 1; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "pitr: PostgreSQL server binaries not found (Debian: apt-get install postgresql)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

dir=$(mktemp -d /tmp/cpd-pitr.XXXXXX)
chmod 755 "$dir"
mkdir -p "$dir/archive" "$dir/app"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$dir" "$dir/archive"
cleanup() {
  for data in "$dir/data" "$dir/recovered"; do
    [ -d "$data" ] && as_owner "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT
started=$(date +%s)

port=$(free_port)
as_owner "$bin/initdb" --auth=trust -U postgres -D "$dir/data" >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $dir/archive/%f && cp %p $dir/archive/%f'
CONF
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
psql() { command psql -X -q -t -A -h 127.0.0.1 -p "$1" -U postgres -d "$2" -c "$3"; }
psql "$port" postgres "CREATE DATABASE cpd" >/dev/null
url="postgres://postgres@127.0.0.1:$port/cpd"
app() { DATABASE_URL=$1 DATA_DIR="$dir/app" APP_SECRET=$(printf '7%.0s' {1..64}) RUST_LOG=error "$binary" "${@:2}"; }

app "$url" migrate >/dev/null
as_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D "$dir/base" -X stream -c fast
base_mb=$(du -sm "$dir/base" | cut -f1)

# Work after the base backup: signed audit checkpoints, and rows of a probe table.
app "$url" audit checkpoint >/dev/null
psql "$port" cpd "CREATE TABLE pitr_probe (n INT); INSERT INTO pitr_probe VALUES (1), (2), (3)"
audit_rows=$(psql "$port" cpd "SELECT COUNT(*) FROM audit_log")
psql "$port" cpd "SELECT pg_create_restore_point('before-the-mistake')" >/dev/null
# The mistake, after the restore point.
psql "$port" cpd "DROP TABLE pitr_probe; DELETE FROM jobs" >/dev/null
psql "$port" cpd "SELECT pg_switch_wal()" >/dev/null
sleep 1
as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
segments=$(ls "$dir/archive" | grep -c -v '\.backup$' || true)

# Recovery: the base backup, the archived WAL replayed up to the named point, then promote.
cp -a "$dir/base" "$dir/recovered"
port2=$(free_port)
cat >>"$dir/recovered/postgresql.conf" <<CONF
port = $port2
archive_mode = off
restore_command = 'cp $dir/archive/%f %p'
recovery_target_name = 'before-the-mistake'
recovery_target_action = 'promote'
CONF
as_owner touch "$dir/recovered/recovery.signal"
recover_t0=$(date +%s)
as_owner "$bin/pg_ctl" -D "$dir/recovered" -l "$dir/recovered.log" -w -t 120 start >/dev/null
for _ in $(seq 1 60); do
  [ "$(psql "$port2" cpd "SELECT pg_is_in_recovery()")" = f ] && break
  sleep 1
done
[ "$(psql "$port2" cpd "SELECT pg_is_in_recovery()")" = f ] || { echo "pitr: the recovered cluster did not promote" >&2; cat "$dir/recovered.log" >&2; exit 1; }
recover_s=$(( $(date +%s) - recover_t0 ))

probe=$(psql "$port2" cpd "SELECT COUNT(*) FROM pitr_probe")
recovered_audit=$(psql "$port2" cpd "SELECT COUNT(*) FROM audit_log")
[ "$probe" = 3 ] || { echo "pitr: expected the 3 probe rows back, found $probe" >&2; exit 1; }
[ "$recovered_audit" = "$audit_rows" ] || { echo "pitr: audit rows $recovered_audit, expected $audit_rows" >&2; exit 1; }
verify=$(app "postgres://postgres@127.0.0.1:$port2/cpd" audit verify) || { echo "$verify" >&2; echo "pitr: audit verify failed on the recovered database" >&2; exit 1; }
echo "$verify" | grep -q "result: intact" || { echo "$verify" >&2; exit 1; }

echo "pitr: base backup ${base_mb} MB, ${segments} WAL segment(s) archived; recovered to 'before-the-mistake' in ${recover_s} s:"
echo "pitr:   the 3 probe rows of the dropped table are back, ${recovered_audit} audit rows, audit verify: intact"
echo "pitr: all done in $(( $(date +%s) - started )) s"
