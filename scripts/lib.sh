# Shared helpers for the quietfetch scripts.  Source it; do not run it.
#
#   QF_ROOT          repository root (derived from this file's location)
#   QF_PYTHON        Debian's Python (/usr/bin/python3): the one that sees python3-pyodbc
#   QF_SANITIZE=1    use the ASan+UBSan build (build-asan/) instead of build/
#   QF_BUILD_DIR     override the build directory
#   QF_JOBS          parallel build jobs (default: number of cores)

QF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QF_PYTHON="${QF_PYTHON:-/usr/bin/python3}"
QF_PSQLODBC_SO="${QF_PSQLODBC_SO:-/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so}"

# Debian packages the project needs (used by install-deps.sh).
# shellcheck disable=SC2034
QF_BUILD_PACKAGES=(build-essential cmake pkg-config unixodbc unixodbc-dev libpq-dev
  libmongoc-dev libbson-dev libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev
  libpqxx-dev libsoci-dev clang-format)
# shellcheck disable=SC2034
QF_RUNTIME_PACKAGES=(odbc-postgresql postgresql python3-pyodbc python3-sqlalchemy
  python3-psycopg2 python3-pytest python3-matplotlib python3-pymongo python3-mongomock
  python3-mongoengine)
# conformance/apps: LibreOffice Base (headless) and Python UNO, for the ODBC app test.
QF_RUNTIME_PACKAGES+=(libreoffice-base-nogui python3-uno)

# Tests, psqlODBC's wide-character conversions and Python's I/O need a UTF-8
# locale; a bare environment (CI, cron, env -i) has only POSIX.  C.UTF-8 is
# always present on Debian 12.
if [[ "$(locale charmap 2>/dev/null)" != "UTF-8" ]]; then
  export LC_ALL=C.UTF-8
fi

qf_say() { printf '%s\n' "$*"; }
qf_step() { printf '\n==> %s\n' "$*"; }
qf_warn() { printf 'warning: %s\n' "$*" >&2; }
qf_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

qf_is_root() { [[ "$(id -u)" -eq 0 ]]; }
qf_is_ci() { [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]]; }
qf_truthy() { [[ "${1:-}" =~ ^(1|ON|on|On|true|TRUE|True|yes|YES|y)$ ]]; }

qf_jobs() { printf '%s\n' "${QF_JOBS:-$(nproc 2>/dev/null || echo 2)}"; }

# The build directory for this run, as an absolute path.
qf_build_dir() {
  local dir
  if [[ -n "${QF_BUILD_DIR:-}" ]]; then
    dir="$QF_BUILD_DIR"
  elif qf_truthy "${QF_SANITIZE:-}"; then
    dir=build-asan
  else
    dir=build
  fi
  [[ "$dir" = /* ]] || dir="$QF_ROOT/$dir"
  printf '%s\n' "$dir"
}

# Path of the driver inside a build directory.
qf_driver_path() { printf '%s/driver/libquietfetch.so\n' "$1"; }

# Newest PostgreSQL server binaries installed by Debian's postgresql package.
qf_pg_bindir() {
  if [[ -n "${QF_PG_BINDIR:-}" ]]; then
    printf '%s\n' "$QF_PG_BINDIR"
    return
  fi
  local d
  d="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  [[ -n "$d" && -x "$d/initdb" ]] ||
    qf_die "PostgreSQL server binaries not found under /usr/lib/postgresql (install Debian's 'postgresql': scripts/install-deps.sh)"
  printf '%s\n' "$d"
}

# Run a command as the PostgreSQL server's owner: the 'postgres' user when we
# are root (the server refuses to run as root), otherwise ourselves.
qf_as_pg_owner() {
  if qf_is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Is a TCP port on 127.0.0.1 free to listen on?
qf_port_free() {
  local port="$1"
  if [[ -x "$QF_PYTHON" ]]; then
    "$QF_PYTHON" - "$port" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
  else
    # Nobody answers there; good enough without Python.
    ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

# Print a free port below the kernel's ephemeral range (so outgoing connections
# cannot take it meanwhile), starting from a random point.
qf_free_port() {
  local lo=20000 span=12000 start i port
  start=$((RANDOM % span))
  for ((i = 0; i < 200; i++)); do
    port=$((lo + (start + i * 37) % span))
    if qf_port_free "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  qf_die "no free TCP port found on 127.0.0.1"
}

# Serialise runs that share a build directory (two test.sh in one checkout
# would otherwise fight over the build and the test server).  The lock lives
# as long as the calling shell; pg.sh closes it before starting the server so
# a leftover server never holds it.
qf_lock_build_dir() {
  local dir="$1" fd
  mkdir -p "$dir"
  exec {fd}>"$dir/.qf-run.lock"
  if ! flock -n "$fd"; then
    qf_say "waiting for another run that uses $dir ..."
    flock -w 3600 "$fd" || qf_die "gave up waiting for the lock on $dir"
  fi
  export QF_LOCK_FD="$fd"
}

# Environment for running a sanitizer-built driver inside processes that are
# not themselves built with ASan (Python + pyodbc + unixODBC): the ASan runtime
# must be loaded first, so preload it.  Prints 'export ...' lines.
qf_sanitizer_env() {
  local asan
  asan="$(gcc -print-file-name=libasan.so 2>/dev/null || true)"
  [[ "$asan" = /* && -e "$asan" ]] || qf_die "libasan.so not found (gcc -print-file-name=libasan.so)"
  asan="$(readlink -f "$asan")"
  printf 'export LD_PRELOAD=%q\n' "$asan${LD_PRELOAD:+:$LD_PRELOAD}"
  # Python and the tools around it do not free everything at exit: no leak check.
  printf 'export ASAN_OPTIONS=%q\n' "${QF_ASAN_OPTIONS:-detect_leaks=0:quarantine_size_mb=16:strict_string_checks=1:check_initialization_order=1}"
  printf 'export UBSAN_OPTIONS=%q\n' "${QF_UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
  # A sanitizer report goes to file descriptor 2 and the process exits at once:
  # under pytest's default fd capture the report would vanish with it.
  printf 'export PYTEST_ADDOPTS=%q\n' "--capture=sys${PYTEST_ADDOPTS:+ $PYTEST_ADDOPTS}"
}
