#!/usr/bin/env bash
# Configure and build quietfetch.
#
#   scripts/build.sh [extra cmake -D options]
#
#   QF_SANITIZE=1         ASan+UBSan build into build-asan/ (else build/)
#   QF_BUILD_DIR=dir      another build directory
#   QF_BUILD_TYPE=type    CMake build type (default Release; RelWithDebInfo
#                         for the sanitizer build, for readable stack traces)
#   QF_WERROR=ON|OFF      warnings as errors (default ON under CI=true)
#   QF_BUILD_BENCHMARKS   ON|OFF (default ON, OFF for the sanitizer build)
#   QF_JOBS=n             parallel jobs (default: number of cores)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

build_dir="$(qf_build_dir)"
if qf_truthy "${QF_SANITIZE:-}"; then
  sanitize=ON
  build_type="${QF_BUILD_TYPE:-RelWithDebInfo}"
  benchmarks="${QF_BUILD_BENCHMARKS:-OFF}"
else
  sanitize=OFF
  build_type="${QF_BUILD_TYPE:-Release}"
  benchmarks="${QF_BUILD_BENCHMARKS:-ON}"
fi
if [[ -n "${QF_WERROR:-}" ]]; then
  qf_truthy "$QF_WERROR" && werror=ON || werror=OFF
elif qf_is_ci; then
  werror=ON
else
  werror=OFF
fi

qf_say "build: $build_dir (type $build_type, sanitizers $sanitize, -Werror $werror, benchmarks $benchmarks)"
cmake -S "$QF_ROOT" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE="$build_type" \
  -DQF_SANITIZE="$sanitize" \
  -DQF_WERROR="$werror" \
  -DQF_BUILD_BENCHMARKS="$benchmarks" \
  -DQF_BUILD_TESTS=ON \
  -DQF_PYTHON="$QF_PYTHON" \
  "$@" </dev/null
cmake --build "$build_dir" -j "$(qf_jobs)" </dev/null
qf_say "build: done; driver: $(qf_driver_path "$build_dir")"
