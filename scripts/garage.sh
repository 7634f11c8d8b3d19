#!/usr/bin/env bash
# A throwaway Garage (a real S3-compatible object store) for the storage tests: one node
# on free loopback ports in a temporary directory, with a bucket and a key made at start.
#
#   eval "$(scripts/garage.sh start)"   # sets TEST_S3_URL, TEST_S3_KEY_ID, TEST_S3_SECRET, GARAGE_TEST_DIR
#   scripts/garage.sh stop "$GARAGE_TEST_DIR"
set -euo pipefail

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

case "${1:-}" in
  start)
    command -v garage >/dev/null || { echo "garage is not installed: run scripts/setup.sh test" >&2; exit 1; }
    dir=$(mktemp -d /tmp/cpd-garage.XXXXXX)
    rpc=$(free_port); s3=$(free_port)
    cat >"$dir/garage.toml" <<TOML
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$rpc"
rpc_public_addr = "127.0.0.1:$rpc"
rpc_secret = "$(hex 32)"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$s3"
root_domain = ".s3.garage.localhost"
TOML
    key_id="GK$(hex 12)"; secret=$(hex 32)
    GARAGE_DEFAULT_ACCESS_KEY=$key_id GARAGE_DEFAULT_SECRET_KEY=$secret GARAGE_DEFAULT_BUCKET=certificates \
      nohup garage -c "$dir/garage.toml" server --single-node --default-bucket >"$dir/garage.log" 2>&1 &
    echo $! >"$dir/pid"
    # Ready when the S3 port answers (an <Error> document to an unsigned request).
    for _ in $(seq 1 100); do
      if node -e 'require("http").get(process.argv[1],r=>{let b="";r.on("data",d=>b+=d);r.on("end",()=>process.exit(b.includes("<Error>")?0:1))}).on("error",()=>process.exit(1))' "http://127.0.0.1:$s3/" 2>/dev/null; then
        echo "export TEST_S3_URL='s3://certificates?endpoint=http://127.0.0.1:$s3&region=garage&path_style=true' TEST_S3_KEY_ID=$key_id TEST_S3_SECRET=$secret GARAGE_TEST_DIR=$dir"
        exit 0
      fi
      sleep 0.1
    done
    cat "$dir/garage.log" >&2
    exit 1
    ;;
  stop)
    dir=${2:?usage: garage.sh stop DIR}
    [ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null || true
    sleep 0.2
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
