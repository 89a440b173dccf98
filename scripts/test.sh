#!/usr/bin/env bash
# The tests: install what is missing, build, start a throwaway PostgreSQL and
# the MongoDB-wire test server, run every test through ctest, stop the servers.
# Exits with ctest's status.
#
#   scripts/test.sh [ctest arguments, e.g. -L unit or -R Fetch]
#
#   QF_SANITIZE=1   build into build-asan/ with ASan+UBSan and test that build
#   CI=true         warnings are errors, and BOTH builds are tested: the normal
#                   one, then the sanitizer one
#   QF_CTEST_TIMEOUT=s   per-test timeout for tests that set none (default 900)
#   QF_MONGO_URI=mongodb://...  test against this MongoDB instead of the
#                   MongoDB-wire test server (scripts/mongo.sh use)
#   QF_SANITIZE_CTEST_ARGS  extra ctest arguments for the sanitizer run; default
#                   "-LE psqlodbc": the pyodbc tests labelled psqlodbc load only
#                   psqlODBC, never our sanitized code, and with the ASan runtime
#                   preloaded they crawl (ASan's realloc always copies, and
#                   psqlODBC grows long values piece by piece)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$QF_ROOT"

if qf_is_ci; then
  variants=(normal sanitize)
elif qf_truthy "${QF_SANITIZE:-}"; then
  variants=(sanitize)
else
  variants=(normal)
fi

current_build=""
stop_current() {
  if [[ -n "$current_build" ]]; then
    QF_BUILD_DIR="$current_build" "$QF_ROOT/scripts/pg.sh" stop || true
    QF_BUILD_DIR="$current_build" "$QF_ROOT/scripts/mongo.sh" stop || true
    current_build=""
  fi
}
trap stop_current EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

"$QF_ROOT/scripts/install-deps.sh"

summaries=()
total_failed=0 total_passed=0 total_skipped=0
overall=0

for variant in "${variants[@]}"; do
  if [[ "$variant" == sanitize ]]; then
    export QF_SANITIZE=1
    label="ASan+UBSan"
  else
    export QF_SANITIZE=0
    label="normal"
  fi
  unset QF_BUILD_DIR
  build_dir="$(qf_build_dir)"
  name="$(basename "$build_dir") ($label)"

  qf_step "build: $name"
  qf_lock_build_dir "$build_dir"
  if ! "$QF_ROOT/scripts/build.sh"; then
    summaries+=("$name: build failed")
    overall=1
    break
  fi

  qf_step "test server"
  current_build="$build_dir"
  "$QF_ROOT/scripts/pg.sh" start
  "$QF_ROOT/scripts/load-reference.sh"
  if [[ -n "${QF_MONGO_URI:-}" ]]; then
    "$QF_ROOT/scripts/mongo.sh" use "$QF_MONGO_URI"
  else
    "$QF_ROOT/scripts/mongo.sh" start
  fi
  env -u MONGODB_URI "$QF_ROOT/scripts/load-reference-mongo.sh" # the URI just recorded

  qf_step "ctest: $name"
  log="$build_dir/test-env/ctest.log"
  set +e
  (
    # shellcheck disable=SC1091
    source "$build_dir/test-env/env.sh"
    # shellcheck disable=SC1091
    source "$build_dir/test-env/mongo-env.sh" # MONGODB_URI
    if [[ "$variant" == sanitize ]]; then
      # Python tests load the sanitized driver into /usr/bin/python3, which is
      # not built with ASan: the runtime has to be preloaded.  Tests inherit it.
      eval "$(qf_sanitizer_env)"
      qf_say "sanitizer environment: LD_PRELOAD=$LD_PRELOAD ASAN_OPTIONS=$ASAN_OPTIONS UBSAN_OPTIONS=$UBSAN_OPTIONS PYTEST_ADDOPTS=$PYTEST_ADDOPTS"
      read -r -a extra <<<"${QF_SANITIZE_CTEST_ARGS--LE psqlodbc}"
      if ((${#extra[@]})); then
        qf_say "sanitizer run: ctest ${extra[*]} (pyodbc tests that load only psqlODBC belong to the normal run)"
      fi
    else
      extra=()
    fi
    exec ctest --test-dir "$build_dir" --output-on-failure -j "$(qf_jobs)" --no-tests=error \
      --timeout "${QF_CTEST_TIMEOUT:-900}" "${extra[@]}" "$@" </dev/null
  ) 2>&1 | tee "$log"
  rc="${PIPESTATUS[0]}"
  set -e
  stop_current
  exec {QF_LOCK_FD}>&- # release the build directory

  line="$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1 || true)"
  if [[ -n "$line" ]]; then
    read -r failed total < <(sed -E 's/^[0-9]+% tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\1 \2/' <<<"$line")
    skipped="$(grep -cE '^[[:space:]]+[0-9]+ - .* \((Skipped|Disabled)\)$' "$log" || true)"
    total_failed=$((total_failed + failed))
    total_skipped=$((total_skipped + skipped))
    total_passed=$((total_passed + total - failed - skipped))
    summaries+=("$name: $line")
  else
    summaries+=("$name: ctest exited with status $rc and printed no summary")
  fi
  if ((rc != 0)); then
    overall="$rc"
  fi
done

# One run: ctest's summary (and the server's stop line) closes the output.
# Several runs (CI): one line per run, then the totals.
if ((${#variants[@]} > 1)); then
  echo
  for s in "${summaries[@]}"; do
    qf_say "summary: $s"
  done
  if ((${#summaries[@]} < ${#variants[@]})); then
    qf_say "summary: builds not reached: $((${#variants[@]} - ${#summaries[@]}))"
    qf_say "test: stopped at a build failure (${summaries[-1]%%:*})"
  else
    qf_say "ctest: $total_passed passed, $total_failed failed, $total_skipped skipped"
  fi
elif ((${#summaries[@]} == 1)) && [[ "${summaries[0]}" == *"build failed" ]]; then
  qf_say "test: ${summaries[0]}"
fi
exit "$overall"
