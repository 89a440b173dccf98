#!/usr/bin/env bash
# Configure and build quietfetch.
#
#   scripts/build.sh [extra cmake -D options]
#
#   QF_SANITIZE=1         ASan+UBSan build into build-asan/ (else build/)
#   QF_BUILD_DIR=dir      another build directory
#   QF_BUILD_TYPE=type    CMake build type (default Release; RelWithDebInfo
#                         for the sanitizer build)
#   QF_OPT_FLAGS="..."    that build type's compiler flags.  Defaults:
#                         Release "-O2 -DNDEBUG" (GCC 12 at -O3 warns falsely
#                         in libstdc++'s regex and string code, fatal with
#                         -Werror, and compiles slower); sanitizer build
#                         "-O1 -g1" (asserts on, file:line in reports, and
#                         about half the compile time of -O2 -g)
#   QF_WERROR=ON|OFF      warnings as errors (default ON under CI=true)
#   QF_BUILD_BENCHMARKS   ON|OFF (default ON, OFF for the sanitizer build)
#   QF_JOBS=n             parallel jobs (default: number of cores)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_dir="$(qf_build_dir)"
opt_args=()
opt_flags=""
if qf_truthy "${QF_SANITIZE:-}"; then
  sanitize=ON
  build_type="${QF_BUILD_TYPE:-RelWithDebInfo}"
  benchmarks="${QF_BUILD_BENCHMARKS:-OFF}"
  if [[ "$build_type" == RelWithDebInfo ]]; then opt_flags="${QF_OPT_FLAGS:--O1 -g1}"; fi
else
  sanitize=OFF
  build_type="${QF_BUILD_TYPE:-Release}"
  benchmarks="${QF_BUILD_BENCHMARKS:-ON}"
  if [[ "$build_type" == Release ]]; then opt_flags="${QF_OPT_FLAGS:--O2 -DNDEBUG}"; fi
fi
if [[ -n "$opt_flags" ]]; then
  upper="$(tr '[:lower:]' '[:upper:]' <<<"$build_type")"
  opt_args=("-DCMAKE_C_FLAGS_$upper=$opt_flags" "-DCMAKE_CXX_FLAGS_$upper=$opt_flags")
fi
if [[ -n "${QF_WERROR:-}" ]]; then
  qf_truthy "$QF_WERROR" && werror=ON || werror=OFF
elif qf_is_ci; then
  werror=ON
else
  werror=OFF
fi

qf_say "build: $build_dir (type $build_type${opt_flags:+ = $opt_flags}, sanitizers $sanitize, -Werror $werror, benchmarks $benchmarks)"
cmake -S "$QF_ROOT" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE="$build_type" \
  -DQF_SANITIZE="$sanitize" \
  -DQF_WERROR="$werror" \
  -DQF_BUILD_BENCHMARKS="$benchmarks" \
  -DQF_BUILD_TESTS=ON \
  -DQF_PYTHON="$QF_PYTHON" \
  "${opt_args[@]}" \
  "$@" </dev/null
cmake --build "$build_dir" -j "$(qf_jobs)" </dev/null
qf_say "build: done; driver: $(qf_driver_path "$build_dir")"
