#!/bin/sh
# tether beside LoopBack 3 on the same workloads, data and server, in one run:
#
#   sh tests/bench/loopback/compare.sh
#
# Builds tether's side (loopback_workloads, release preset), installs LoopBack with `npm ci` into
# build/release/loopback (Node is needed here only, never by the library or its tests), starts a throwaway
# PostgreSQL (tests/postgres/server.sh; stopped on exit), runs each side in a process of its own per connector
# (so each peak RSS is that side's alone), prints the table and writes it to build/release/loopback/comparison.md.
#
# TETHER_POSTGRES_BIN names PostgreSQL's bin directory (default: the newest /usr/lib/postgresql/*/bin);
# TETHER_COMPARE_ORDERS runs fewer orders than 100,000, for a quick try.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=$root/build/release
work=$build/loopback
results=$work/results
server=$work/postgres-server

bin=${TETHER_POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "$0: PostgreSQL's initdb not found; install postgresql or set TETHER_POSTGRES_BIN" >&2
  exit 1
fi
command -v node >/dev/null && command -v npm >/dev/null || { echo "$0: needs node and npm" >&2; exit 1; }

cd "$root"
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target loopback_workloads

mkdir -p "$work" "$results"
cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error)

trap 'sh "$root/tests/postgres/server.sh" stop "$server"' EXIT
trap 'exit 1' INT TERM
sh "$root/tests/postgres/server.sh" start "$server" "$bin"
conninfo=$(cat "$server/conninfo")

# One connector at a time, LoopBack first; each process alone on the machine.
for connector in memory postgres; do
  target=""
  [ "$connector" = postgres ] && target=$conninfo
  echo "LoopBack on $connector..."
  NODE_PATH=$work/node_modules node --expose-gc "$here/loopback.js" $connector ${target:+"$target"} \
    >"$results/loopback-$connector.json"
  echo "tether on $connector..."
  "$build/tests/bench/loopback_workloads" $connector ${target:+"$target"} >"$results/tether-$connector.json"
done

compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
TETHER_COMPARE_MACHINE="$(date -u +%Y-%m-%d), $(nproc) cores ($cpu), $($compiler --version | head -n 1) \
Release, Node.js $(node --version), PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1" \
  node "$here/report.js" "$results" "$work/comparison.md"
