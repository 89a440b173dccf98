#!/usr/bin/env bash
# The main job: install what is missing, build (Release), start a throwaway
# PostgreSQL and the MongoDB-wire test server (or use existing servers), load
# the reference data sets and run the performance suite
# (conformance/perf/perfsuite.py): the reference workload through SQLAlchemy's
# ORM for every configuration, plain pyodbc, fetchall, the C fetch benchmark,
# the scaling curves and the MongoDB reference workload. It ends with the tables
# and the paths of results.json, results.md and the chart (PNG and SVG).
#
#   scripts/main.sh [--pg CONNINFO] [--mongo URI] [suite options]
#
#   --pg CONNINFO   use this PostgreSQL instead of a throwaway one (libpq URI or
#                   key=value string); the data sets are created there and kept
#   --mongo URI     use this MongoDB (mongodb://...) instead of the MongoDB-wire
#                   test server; the reference collection is created there and kept
#   suite options   go to perfsuite.py: --quick, --cases reference,fetchall,
#                   --configs qf-default,psqlodbc, --reps 5, --rows 1M,
#                   --scaling-rows 10k,100k, --out DIR, --list, ... (--help)
#
#   QF_KEEP_SERVER=1   leave the throwaway servers running (scripts/pg.sh stop and
#                      scripts/mongo.sh stop stop them); the next QF_KEEP_SERVER=1 run
#                      reuses them and their loaded data sets
#
# Exit status: the suite's (0 all ran, 1 a run failed, 2 bad options, 3 a peer
# such as psqlODBC or psycopg2 is missing), or the failing setup step's.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$QF_ROOT"

existing_pg=""
existing_mongo=""
suite_args=()
while (($#)); do
  case "$1" in
    --pg)
      (($# >= 2)) || qf_die "--pg needs a connection string (postgresql://user:pw@host:port/db)"
      existing_pg="$2"
      shift 2
      ;;
    --pg=*)
      existing_pg="${1#--pg=}"
      shift
      ;;
    --mongo)
      (($# >= 2)) || qf_die "--mongo needs a MongoDB URI (mongodb://user:pw@host:port/db)"
      existing_mongo="$2"
      shift 2
      ;;
    --mongo=*)
      existing_mongo="${1#--mongo=}"
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      suite_args+=("$1")
      shift
      ;;
  esac
done

export QF_SANITIZE="${QF_SANITIZE:-0}"
build_dir="$(qf_build_dir)"
env_file="$build_dir/test-env/env.sh"

qf_step "1/5 Debian packages"
"$QF_ROOT/scripts/install-deps.sh"

qf_step "2/5 build"
qf_lock_build_dir "$build_dir"
"$QF_ROOT/scripts/build.sh"

# The throwaway servers this run started: stopped on every exit path.
stop_on_exit=()
# shellcheck disable=SC2317  # called from the EXIT trap
stop_servers() {
  local server
  for server in ${stop_on_exit[@]+"${stop_on_exit[@]}"}; do
    "$QF_ROOT/scripts/$server.sh" stop || true
  done
}

# start_server NAME EXISTING_URI WHAT THROWAWAY: use an existing server, reuse one a
# QF_KEEP_SERVER=1 run left running (its data kept), or start a throwaway one
# that is stopped on the way out.
start_server() {
  local name="$1" existing="$2" what="$3" throwaway="$4"
  if [[ -n "$existing" ]]; then
    qf_step "3/5 $what: the existing server"
    "$QF_ROOT/scripts/$name.sh" use "$existing"
  elif qf_truthy "${QF_KEEP_SERVER:-}" && "$QF_ROOT/scripts/$name.sh" status >/dev/null 2>&1; then
    qf_step "3/5 $throwaway: the one an earlier run left running (data kept)"
    "$QF_ROOT/scripts/$name.sh" status
  else
    qf_step "3/5 $throwaway"
    if ! qf_truthy "${QF_KEEP_SERVER:-}"; then
      stop_on_exit+=("$name")
      trap stop_servers EXIT
      trap 'exit 130' INT
      trap 'exit 143' TERM HUP
    fi
    "$QF_ROOT/scripts/$name.sh" start
  fi
}
start_server pg "$existing_pg" PostgreSQL "throwaway PostgreSQL"
start_server mongo "$existing_mongo" MongoDB "MongoDB-wire test server"
# shellcheck disable=SC1090
source "$env_file"
# shellcheck disable=SC1091
source "$build_dir/test-env/mongo-env.sh" # MONGODB_URI

qf_step "4/5 reference data"
"$QF_ROOT/scripts/load-reference.sh"
"$QF_ROOT/scripts/load-reference-mongo.sh"

qf_step "5/5 performance suite (each case in fresh processes; a progress line while it runs)"
status=0
"$QF_PYTHON" "$QF_ROOT/conformance/perf/perfsuite.py" ${suite_args[@]+"${suite_args[@]}"} \
  </dev/null || status=$?

cat <<EOF

Where things are:
  results, chart       $build_dir/perf/  (unless --out said otherwise)
  driver               $QF_DRIVER_PATH
  test environment     $env_file  (source it for QF_PG_*, ODBCSYSINI, ODBCINI)
  ODBC ini files       $ODBCSYSINI/odbcinst.ini, $ODBCINI  (DSNs $QF_DSN, $QF_PSQL_DSN)
  MongoDB              $MONGODB_URI  ($build_dir/test-env/mongo-env.sh)
  again, one case      /usr/bin/python3 conformance/perf/perfsuite.py --cases reference --reps 5
  by hand              scripts/pg.sh start; . $env_file; isql -v $QF_DSN; scripts/pg.sh stop
EOF
if [[ -z "$existing_pg" ]] && qf_truthy "${QF_KEEP_SERVER:-}"; then
  qf_say "  server             still running on $QF_PG_HOST:$QF_PG_PORT; stop it with scripts/pg.sh stop"
fi
if [[ -z "$existing_mongo" ]] && qf_truthy "${QF_KEEP_SERVER:-}"; then
  qf_say "  MongoDB server     still running at $MONGODB_URI; stop it with scripts/mongo.sh stop"
fi
case "$status" in
  0) ;;
  3) qf_say "main: the suite could not run: a peer or the environment is missing (see above)" ;;
  *) qf_say "main: the suite ended with status $status (see above)" ;;
esac
exit "$status"
