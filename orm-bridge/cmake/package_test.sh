#!/usr/bin/env bash
# The installed package, as a consumer outside the source tree sees it:
#   1. cmake --install the current build into a prefix under the build dir;
#   2. copy orm-bridge/examples to a fresh temporary directory (so nothing can
#      reach back into the tree) and build it there with CMake
#      (find_package(quietfetch)) and with the pkg-config line from the README;
#   3. run each example against the test server and check what it prints.
# Usage: package_test.sh BUILD_DIR SOURCE_DIR CXX_COMPILER SANITIZE(ON|OFF)
# Exits 77 (ctest: skipped) when the test server's environment is missing.
set -euo pipefail

build_dir="$1" source_dir="$2" cxx="$3" sanitize="$4"
prefix="$build_dir/orm-package/prefix"
work="$(mktemp -d "${TMPDIR:-/tmp}/qf-orm-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [[ -z "${QF_PG_PORT:-}" ]]; then
  echo "SKIP: no test server environment (QF_PG_*); source <build>/test-env/env.sh"
  exit 77
fi

step() { echo "== $*"; }
# The sanitizer run preloads libasan into every test; the build tools below
# need not run under it (the examples, built instrumented, load it anyway).
run_env=(env "LD_PRELOAD=${LD_PRELOAD:-}")
unset LD_PRELOAD

step "install $build_dir into $prefix"
rm -rf "$prefix"
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log" || {
  cat "$work/install.log"; exit 1; }
test -f "$prefix/include/quietfetch/orm/connection.h"
# The installed headers must stand alone: no driver header, no tree path.
if grep -rn '#include "driver/\|#include "gc-policy/\|#include "orm-bridge/' "$prefix/include"; then
  echo "FAIL: installed headers include the driver's internal headers"; exit 1
fi

cp -r "$source_dir/orm-bridge/examples" "$work/src"
flags=()
if [[ "$sanitize" == ON ]]; then
  # The installed library is instrumented; its consumer must be too, so that
  # the sanitizer runtime comes first.
  # shellcheck disable=SC2054  # one option whose value is a comma list
  flags=(-fsanitize=address,undefined -fno-omit-frame-pointer)
fi

step "CMake: find_package(quietfetch) in $work/cmake-build"
cmake -S "$work/src" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="${flags[*]}" >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/cmake-build" -j2

step "pkg-config: $work/pc-build"
pc="$(find "$prefix" -name quietfetch.pc)"
[[ -n "$pc" ]] || { echo "FAIL: no quietfetch.pc under $prefix"; exit 1; }
export PKG_CONFIG_PATH="${pc%/*}"
pkg-config --exists quietfetch
mkdir -p "$work/pc-build"
# shellcheck disable=SC2046  # pkg-config output is a list of words
"$cxx" -std=c++20 -O2 "${flags[@]}" $(pkg-config --cflags quietfetch) \
  "$work/src/reference_load.cc" -o "$work/pc-build/reference_load" \
  $(pkg-config --libs quietfetch) -Wl,-rpath,"$(pkg-config --variable=libdir quietfetch)"

check() {  # check BINARY EXPECTED_TEXT
  local out
  out="$("${run_env[@]}" "$1")"
  echo "$out"
  [[ "$out" == *"$2"* ]] || { echo "FAIL: $1 did not print '$2'"; exit 1; }
}
# shellcheck disable=SC2153  # QF_PG_* come from the test environment
rows="$(PGPASSWORD="$QF_PG_PASSWORD" psql -X -At -h "$QF_PG_HOST" -p "$QF_PG_PORT" \
  -U "$QF_PG_USER" -d "$QF_PG_DATABASE" -c 'SELECT count(*) FROM some_entries' 2>/dev/null ||
  echo 100000)"
kept=$(((rows + 4) / 5))
step "run against the test server ($rows reference rows)"
check "$work/cmake-build/reference_load" "loaded $rows rows, kept $kept"
check "$work/cmake-build/reference_stream" "streamed $rows rows, kept $kept,"
check "$work/cmake-build/reference_transaction" "inserted $kept, committed $kept"
check "$work/pc-build/reference_load" "loaded $rows rows, kept $kept"
echo "PASS: the examples build against the installed package (CMake and pkg-config) and run"
