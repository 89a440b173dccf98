#!/usr/bin/env bash
# The main job: install what is missing, build (Release), start a throwaway
# PostgreSQL, load the reference data set and run the reference query through
# quietfetch and psqlODBC; then the fetch benchmark (one repetition) when it is
# built.  The server is stopped at the end.
#
#   scripts/main.sh
#
#   QF_KEEP_SERVER=1   leave the server running (scripts/pg.sh stop stops it)
#   QF_SKIP_BENCH=1    skip the fetch benchmark
#   QF_BENCH_ARGS=...  extra arguments for fetch_bench (e.g. "--rows 100000")
#   QF_REFERENCE_RUNS=n  fresh processes per configuration in the ORM table (default 1)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$QF_ROOT"

export QF_SANITIZE="${QF_SANITIZE:-0}"
build_dir="$(qf_build_dir)"
env_file="$build_dir/test-env/env.sh"
status=0

qf_step "1/5 Debian packages"
"$QF_ROOT/scripts/install-deps.sh"

qf_step "2/5 build"
qf_lock_build_dir "$build_dir"
"$QF_ROOT/scripts/build.sh"

qf_step "3/5 throwaway PostgreSQL"
if ! qf_truthy "${QF_KEEP_SERVER:-}"; then
  trap '"$QF_ROOT/scripts/pg.sh" stop' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
fi
"$QF_ROOT/scripts/pg.sh" start
# shellcheck disable=SC1090
source "$env_file"

qf_step "4/5 reference data"
"$QF_ROOT/scripts/load-reference.sh"

qf_step "5/5 reference query (100,000 rows, 20,000 kept) through each driver"
"$QF_PYTHON" "$QF_ROOT/scripts/reference_query.py" </dev/null || status=1

qf_step "reference workload through SQLAlchemy's ORM: collections, time and memory per configuration"
"$QF_PYTHON" "$QF_ROOT/conformance/gc/reference_table.py" --runs "${QF_REFERENCE_RUNS:-1}" </dev/null || status=1

bench="$build_dir/conformance/perf/fetch_bench"
if qf_truthy "${QF_SKIP_BENCH:-}"; then
  :
elif [[ -x "$bench" ]]; then
  qf_step "fetch benchmark, one repetition (ratios are against raw libpq)"
  # shellcheck disable=SC2086
  "$bench" --reps 1 ${QF_BENCH_ARGS:-} </dev/null || status=1
else
  qf_step "fetch benchmark: not built yet ($(basename "$bench") missing in $build_dir/conformance/perf)"
fi

cat <<EOF

Where things are:
  driver               $QF_DRIVER_PATH
  test environment     $env_file  (source it for QF_PG_*, ODBCSYSINI, ODBCINI)
  ODBC ini files       $ODBCSYSINI/odbcinst.ini, $ODBCINI  (DSNs $QF_DSN, $QF_PSQL_DSN)
  server log           $build_dir/test-env/postgres.log  (after the server stops)
  fetch benchmark      $bench
  by hand              scripts/pg.sh start; . $env_file; isql -v $QF_DSN; scripts/pg.sh stop
EOF
if qf_truthy "${QF_KEEP_SERVER:-}"; then
  qf_say "  server             still running on $QF_PG_HOST:$QF_PG_PORT; stop it with scripts/pg.sh stop"
fi
if ((status != 0)); then
  qf_say "main: some steps failed (see above)"
fi
exit "$status"
