#!/bin/sh
# The compile-time budget: what one translation unit using tether costs to compile, beside the floor, the same
# structs with only nlohmann/json serialisation (see generate.cmake):
#
#   sh tests/bench/compile_time/measure.sh
#
# Generates both into build/compile-time/, compiles each with every compiler of TETHER_COMPILERS (default
# "g++ clang++") at -std=c++20 -O2 under /usr/bin/time -v (Debian package `time`), prints the table and
# writes it to build/compile-time/compile-time.md. Seconds are CPU seconds (user + system), which a busy
# machine disturbs less than wall time; memory is the compiler's peak RSS.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=$root/build/compile-time
compilers=${TETHER_COMPILERS:-g++ clang++}
[ -x /usr/bin/time ] || { echo "$0: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

cmake -DOUT="$out" -P "$here/generate.cmake"

# Prints "<cpu seconds> <peak MB>" of compiling $2 with $1.
measure() {
  /usr/bin/time -v -o "$out/time.txt" "$1" -std=c++20 -O2 -I"$root/include" -c "$out/$2" -o "$out/$2.o"
  awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} /Maximum resident/ {m = $2}
    END {printf "%.1f %.0f\n", u + s, m / 1024}' "$out/time.txt"
}

table="| compiler | nlohmann/json floor | tether | tether / floor |
|---|---|---|---|"
for compiler in $compilers; do
  echo "$compiler..." >&2
  set -- $(measure "$compiler" floor_schema.cpp) $(measure "$compiler" tether_schema.cpp)
  version=$("$compiler" --version | head -n 1)
  ratios=$(awk -v a="$1" -v b="$3" -v c="$2" -v d="$4" 'BEGIN {printf "%.1f× time, %.1f× memory", b / a, d / c}')
  table="$table
| $version | $1 s, $2 MB | $3 s, $4 MB | $ratios |"
done

machine="$(date -u +%Y-%m-%d), $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), -std=c++20 -O2 -c"
printf '%s\n\n%s\n' "$machine" "$table" | tee "$out/compile-time.md"
