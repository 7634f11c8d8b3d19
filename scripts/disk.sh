#!/usr/bin/env bash
# Makes room for a full `make test` build in the cargo target dir given as $1.
# A target dir kept between runs keeps the output of every dependency version it has seen; when
# the disk under it is short, drop the incremental caches first, then the whole dir (a cold
# build costs minutes; a full disk costs the run). Prints what it found and did.
set -uo pipefail
dir=$1
need_gb=${CPD_DISK_NEED_GB:-25}

free_gb() { df -Pk "$1" | awk 'NR == 2 { print int($4 / 1048576) }'; }
used() { du -sh "$dir" 2>/dev/null | cut -f1; }

free=$(free_gb "$dir")
echo "disk: ${free} GB free under $dir (target dir $(used)); a full build needs about ${need_gb} GB"
[ "$free" -ge "$need_gb" ] && exit 0

find "$dir" -maxdepth 3 -type d -name incremental -prune -exec rm -rf {} + 2>/dev/null
free=$(free_gb "$dir")
echo "disk: removed the incremental caches: ${free} GB free"
[ "$free" -ge "$need_gb" ] && exit 0

# Only ever a cargo target dir (cargo writes these two there), never whatever was named.
if [ ! -f "$dir/.rustc_info.json" ] && [ ! -f "$dir/CACHEDIR.TAG" ]; then
  echo "disk: $dir does not look like a cargo target dir: left as it is" >&2
  exit 0
fi
rm -rf "${dir:?}"/* 2>/dev/null
free=$(free_gb "$dir")
echo "disk: emptied the target dir (everything is built again): ${free} GB free"
if [ "$free" -lt 8 ]; then
  echo "disk: only ${free} GB free under $dir: the build will not fit; free some space and run again" >&2
  exit 1
fi
