#!/bin/sh
# The compile-time budget: what one translation unit using tether costs to compile, beside the floor, the same
# structs with only nlohmann/json serialisation (see generate.cmake). Two translation units of tether: the
# models used as data only (data_schema.cpp) and used through a datasource (tether_schema.cpp), each header-only
# and with TETHER_SEPARATE_COMPILATION (plus, once per program, <tether/src.hpp>):
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

# Prints "<cpu seconds> <peak MB>" of compiling $2 with $1 (and the flags after it).
measure() {
  compiler=$1 source=$2
  shift 2
  /usr/bin/time -v -o "$out/time.txt" "$compiler" -std=c++20 -O2 "$@" -I"$root/include" -c "$out/$source" -o "$out/$source.o"
  awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} /Maximum resident/ {m = $2}
    END {printf "%.1f %.0f\n", u + s, m / 1024}' "$out/time.txt"
}

printf '#include <tether/src.hpp>\n' > "$out/src.cpp"
separate=-DTETHER_SEPARATE_COMPILATION

# One cell: "<seconds> s, <MB> MB (<ratio to the floor>×)".
cell() {
  awk -v s="$1" -v m="$2" -v f="$3" 'BEGIN {printf "%.1f s, %.0f MB (%.2f×)", s, m, s / f}'
}

table="| compiler | nlohmann/json floor | data only | data only, separate | full | full, separate | src.hpp (once) |
|---|---|---|---|---|---|---|"
for compiler in $compilers; do
  echo "$compiler..." >&2
  set -- $(measure "$compiler" floor_schema.cpp)
  floor_s=$1 floor_mb=$2
  set -- $(measure "$compiler" data_schema.cpp) $(measure "$compiler" data_schema.cpp $separate) \
    $(measure "$compiler" tether_schema.cpp) $(measure "$compiler" tether_schema.cpp $separate) \
    $(measure "$compiler" src.cpp $separate)
  version=$("$compiler" --version | head -n 1)
  table="$table
| $version | $floor_s s, $floor_mb MB | $(cell "$1" "$2" "$floor_s") | $(cell "$3" "$4" "$floor_s") | $(cell "$5" "$6" "$floor_s") | $(cell "$7" "$8" "$floor_s") | $9 s, ${10} MB |"
done

machine="$(date -u +%Y-%m-%d), $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), -std=c++20 -O2 -c"
printf '%s\n\n%s\n' "$machine" "$table" | tee "$out/compile-time.md"
