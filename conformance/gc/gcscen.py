#!/usr/bin/python3
"""Scenario runner for the collector-policy tests and the reference table.

The collector's settings are process-wide, so every scenario runs in a fresh
child process (``/usr/bin/python3 gcscen.py SCENARIO 'JSON params'``). The
child prints one JSON line per report on stdout (normally exactly one; the
process-exit scenario adds one from its atexit handler) and nothing else on
stdout. The parent side (``run_child``/``run_scenario``) starts the child,
enforces a timeout, and returns the reports for the test to assert on.

Collections are counted with ``gc.callbacks`` ("start" phase, per generation).
The gc-policy C API (process stats) is reached through
``ctypes.CDLL($QF_DRIVER_PATH)``: the same file unixODBC loaded, hence the same
loaded object and the same process-wide state (test_small_results.py checks
that assumption).

Used by the test_*.py modules in this folder and by reference_table.py; the
workload code exists only here.
"""

import atexit
import ctypes
import dataclasses
import gc
import json
import os
import resource
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ORM_BRIDGE_PYTHON = os.path.normpath(os.path.join(HERE, "..", "..", "orm-bridge", "python"))

# What every scenario needs from the environment written by scripts/pg.sh:
# the pyodbc suite's contract plus the driver library's path.
CONFORMANCE_PYTHON = os.path.normpath(os.path.join(HERE, "..", "python"))
sys.path.insert(0, CONFORMANCE_PYTHON)
import qfpy  # noqa: E402  (needs the path above)

ENV_VARS = qfpy.ENV_VARS + ("QF_DRIVER_PATH",)

# The reference workload (DESIGN.md, "Why"): every row of some_entries.
TABLE_ROWS = 100_000
BULK_QUERY = "SELECT id, created_date, some_random_number FROM some_entries"
KEEP_EVERY = 5

# A distinctive starting tuple, so that "restored" means "restored exactly"
# rather than "reset to CPython's defaults".
ORIGINAL = (701, 11, 9)


def missing_environment():
    return qfpy.missing_environment(extra=("QF_DRIVER_PATH",))


# --------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------


@dataclasses.dataclass
class ChildResult:
    scenario: str
    params: dict
    returncode: int
    stdout: str
    stderr: str
    reports: list
    seconds: float

    def describe(self):
        """Everything a failure message needs to be understood on its own."""
        stderr = self.stderr.strip()
        if len(stderr) > 6000:
            stderr = "...\n" + stderr[-6000:]
        return (
            f"scenario {self.scenario} {json.dumps(self.params)}: exit status "
            f"{self.returncode} after {self.seconds:.1f} s\n--- stdout ---\n"
            f"{self.stdout.strip()}\n--- stderr ---\n{stderr}"
        )


class ScenarioError(AssertionError):
    pass


def child_environment(extra=None):
    env = dict(os.environ)
    paths = [ORM_BRIDGE_PYTHON, HERE]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # A child must not inherit an unbuffered/odd stdout setting that mixes lines.
    env.pop("PYTHONUNBUFFERED", None)
    if extra:
        env.update(extra)
    return env


def run_child(scenario, timeout=300, env=None, **params):
    """Run one scenario in a fresh interpreter; never raises for its outcome."""
    command = [sys.executable, os.path.join(HERE, "gcscen.py"), scenario, json.dumps(params)]
    start = time.monotonic()
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=child_environment(env),
            stdin=subprocess.DEVNULL,
        )
        returncode, stdout, stderr = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as expired:
        returncode = "timeout"
        stdout = _text(expired.stdout)
        stderr = _text(expired.stderr) + f"\n[killed after {timeout} s: hang]"
    reports = []
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                reports.append(json.loads(line))
            except ValueError:
                pass
    return ChildResult(
        scenario, params, returncode, stdout, stderr, reports, time.monotonic() - start
    )


def _text(data):
    if data is None:
        return ""
    return data.decode(errors="replace") if isinstance(data, bytes) else data


def run_scenario(scenario, timeout=300, env=None, **params):
    """Run a scenario that must exit 0 and print exactly one report; return it."""
    result = run_child(scenario, timeout=timeout, env=env, **params)
    if result.returncode != 0 or len(result.reports) != 1:
        raise ScenarioError(
            f"expected exit status 0 and one JSON report\n{result.describe()}"
        )
    report = result.reports[0]
    report["_stderr"] = result.stderr
    return report


# --------------------------------------------------------------------------
# Child side: helpers
# --------------------------------------------------------------------------

SCENARIOS = {}


def scenario(function):
    SCENARIOS[function.__name__] = function
    return function


def emit(report):
    """Print one report (one JSON line) on stdout."""
    sys.stdout.write(json.dumps(report, default=str) + "\n")
    sys.stdout.flush()


def threshold():
    return list(gc.get_threshold())


def settings():
    return {"enabled": gc.isenabled(), "threshold": threshold()}


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class GcCounter:
    """Counts collections per generation through gc.callbacks while active."""

    def __init__(self):
        self.started = [0, 0, 0]
        self.collected = 0

    def _callback(self, phase, info):
        if phase == "start":
            self.started[info["generation"]] += 1
        elif phase == "stop":
            self.collected += info.get("collected", 0)

    def __enter__(self):
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self._callback)
        return False

    @property
    def total(self):
        return sum(self.started)


def measurement(counter, before, during, after, wall_ms):
    """The fields every timed workload reports (here and in conformance/perf)."""
    return {
        "collections": counter.started,
        "collections_total": counter.total,
        "collected": counter.collected,
        "before": before,
        "during": during,
        "after": after,
        "wall_ms": wall_ms,
        "peak_rss_mib": peak_rss_mib(),
    }


class _ProcessStats(ctypes.Structure):
    _fields_ = [("collector", ctypes.c_char * 32)] + [
        (name, ctypes.c_int64)
        for name in (
            "windows_opened",
            "windows_open",
            "nests",
            "writes",
            "restores",
            "left_alone",
            "collector_entries",
            "untouchable",
            "collections_in_windows",
            "capped",
        )
    ] + [("hook_installed", ctypes.c_int32)]


_driver_library = None


def driver_library():
    """The driver as loaded by unixODBC (same path, hence the same object)."""
    global _driver_library
    if _driver_library is None:
        library = ctypes.CDLL(os.environ["QF_DRIVER_PATH"])
        library.quietfetch_gc_process_stats_get.argtypes = [ctypes.POINTER(_ProcessStats)]
        library.quietfetch_gc_process_stats_get.restype = ctypes.c_int
        _driver_library = library
    return _driver_library


def process_stats():
    """quietfetch_gc_process_stats_get as a dict."""
    stats = _ProcessStats()
    if driver_library().quietfetch_gc_process_stats_get(ctypes.byref(stats)) != 0:
        raise RuntimeError("quietfetch_gc_process_stats_get failed")
    out = {name: getattr(stats, name) for name, _ in _ProcessStats._fields_}
    out["collector"] = stats.collector.decode()
    out["hook_installed"] = bool(stats.hook_installed)
    return out


def driver_loaded_paths():
    """Files mapped into this process whose name looks like our driver."""
    name = os.path.basename(os.environ["QF_DRIVER_PATH"])
    paths = set()
    with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
        for line in maps:
            fields = line.split(None, 5)
            if len(fields) == 6 and os.path.basename(fields[5].strip()) == name:
                paths.add(fields[5].strip())
    return sorted(paths)


def connection_string(dsn=None, **keywords):
    parts = [f"DSN={dsn or os.environ['QF_DSN']}"]
    parts += [f"{key}={value}" for key, value in keywords.items()]
    return ";".join(parts)


def odbc_connect(autocommit=False, dsn=None, **keywords):
    import pyodbc

    return pyodbc.connect(connection_string(dsn, **keywords), autocommit=autocommit, timeout=15)


admin_connection = qfpy.admin_connection


def sqlstate(error):
    args = getattr(error, "args", ())
    return args[0] if args and isinstance(args[0], str) else None


def error_text(error):
    return f"{type(error).__name__}: {error}"


# --------------------------------------------------------------------------
# The reference workload through SQLAlchemy's ORM
# --------------------------------------------------------------------------


def ensure_quietfetch_dialect():
    """Make postgresql+quietfetch loadable without installing the package."""
    if ORM_BRIDGE_PYTHON not in sys.path:
        sys.path.insert(0, ORM_BRIDGE_PYTHON)
    import quietfetch_sqlalchemy

    quietfetch_sqlalchemy.register()


def engine_url(target, dsn=None, odbc=None):
    """SQLAlchemy URL for a configuration of the reference table.

    target "odbc": the quietfetch dialect over pyodbc and a DSN (ours or
    psqlODBC's), extra ODBC keywords in the query; target "psycopg2":
    SQLAlchemy's own postgresql+psycopg2 dialect.
    """
    if target == "psycopg2":
        from sqlalchemy.engine import URL

        return URL.create(
            "postgresql+psycopg2",
            username=os.environ["QF_PG_USER"],
            password=os.environ["QF_PG_PASSWORD"],
            host=os.environ["QF_PG_HOST"],
            port=int(os.environ["QF_PG_PORT"]),
            database=os.environ["QF_PG_DATABASE"],
        )
    if target != "odbc":
        raise ValueError(f"unknown target {target!r}")
    ensure_quietfetch_dialect()
    url = f"postgresql+quietfetch://@{dsn or os.environ['QF_DSN']}"
    if odbc:
        url += "?" + urllib.parse.urlencode(odbc)
    return url


def odbc_driver_name(engine):
    """SQL_DRIVER_NAME of the ODBC driver behind an engine (None for psycopg2)."""
    raw = engine.raw_connection()
    try:
        dbapi = getattr(raw, "dbapi_connection", None) or raw.connection
        getinfo = getattr(dbapi, "getinfo", None)
        if getinfo is None:
            return None
        import pyodbc

        return getinfo(pyodbc.SQL_DRIVER_NAME)
    finally:
        raw.close()


@scenario
def reference(
    target="odbc",
    dsn=None,
    odbc=None,
    original=ORIGINAL,
    manual_threshold0=None,
    keep_every=KEEP_EVERY,
    stats=True,
    table="some_entries",
):
    """The reference workload: ORM-load some_entries, keep every fifth row.

    ``table`` names another table of the same shape (the performance suite's
    scaling tables, scripts/load-reference.sh with QF_REF_TABLE).

    Collections are counted from session.execute() to after session.close()
    (the rollback that ends the unit of work). ``original`` None keeps the
    interpreter's default thresholds. ``manual_threshold0`` is what
    an application does by hand without the driver: raise threshold0 before
    the query and put it back after the session closed.
    """
    from sqlalchemy import Column, DateTime, Integer, String, create_engine, select, text
    from sqlalchemy.orm import Session, declarative_base

    Base = declarative_base()

    class Entry(Base):
        __tablename__ = table
        id = Column(String, primary_key=True)
        created_date = Column(DateTime)
        some_random_number = Column(Integer)

    engine = create_engine(engine_url(target, dsn, odbc))
    # Warm up outside the measurement: pool, dialect initialisation, mapper
    # configuration.
    driver_name = odbc_driver_name(engine)
    with engine.connect() as connection:
        connection.execute(text("SELECT 1")).all()
    Session(engine).close()
    from sqlalchemy.orm import configure_mappers

    configure_mappers()

    if original:
        gc.set_threshold(*original)
    gc.collect()
    before = settings()

    counter = GcCounter()
    with counter:
        start = time.perf_counter()
        if manual_threshold0:
            gc.set_threshold(manual_threshold0, *gc.get_threshold()[1:])
        session = Session(engine)
        rows = session.execute(select(Entry)).scalars().all()
        kept = rows[::keep_every]
        during = settings()
        loaded = len(rows)
        del rows
        session.close()
        if manual_threshold0:
            gc.set_threshold(*before["threshold"])
        wall_ms = (time.perf_counter() - start) * 1000.0
    after = settings()
    report = {
        "target": target,
        "table": table,
        "dsn": dsn,
        "odbc": odbc,
        "driver": driver_name,
        "rows": loaded,
        "kept": len(kept),
        **measurement(counter, before, during, after, wall_ms),
    }
    engine.dispose()
    if stats and target == "odbc" and (dsn is None or dsn == os.environ["QF_DSN"]):
        report["process_stats"] = process_stats()
    return report


# --------------------------------------------------------------------------
# pyodbc scenarios
# --------------------------------------------------------------------------


@scenario
def error_mid_fetch(end="rollback", original=ORIGINAL):
    """A query that fails after its window opened; the unit of work then ends."""
    import pyodbc

    gc.set_threshold(*original)
    connection = odbc_connect()
    cursor = connection.cursor()
    # generate_series materialises first, so rows 1..49,999 stream before the
    # division by zero at g = 50,000.
    cursor.execute("SELECT g, 1 / (50000 - g) AS x FROM generate_series(1, 100000) AS g")
    first = cursor.fetchmany(5000)
    during = settings()
    stats_open = process_stats()
    error = None
    fetched = len(first)
    try:
        fetched += len(cursor.fetchall())
    except pyodbc.Error as caught:
        error = caught
    after_error = settings()
    if end == "rollback":
        connection.rollback()
        ended = settings()
        connection.close()
    else:
        connection.close()
        ended = settings()
    return {
        "fetched": fetched,
        "error": error_text(error) if error else None,
        "sqlstate": sqlstate(error) if error else None,
        "during": during,
        "windows_open_during": stats_open["windows_open"],
        "after_error": after_error,
        "ended": ended,
        "final": settings(),
        "process_stats": process_stats(),
    }


@scenario
def killed_mid_fetch(original=ORIGINAL, fetch_after_kill=True, end="close"):
    """The server ends the connection (pg_terminate_backend) while rows stream.

    ``fetch_after_kill``: keep fetching until the driver reports the lost
    connection (else go straight to the end, the cursor still open).
    ``end``: "close" the connection, or "rollback" first (errors caught).
    """
    import pyodbc

    gc.set_threshold(*original)
    connection = odbc_connect()
    cursor = connection.cursor()
    pid = cursor.execute("SELECT pg_backend_pid()").fetchone()[0]
    # A set-returning function in the select list streams (ProjectSet): the
    # server is still producing rows, and blocked on the socket, when killed.
    cursor.execute("SELECT generate_series(1, 50000000) AS g, repeat('x', 40) AS pad")
    fetched = len(cursor.fetchmany(5000))
    during = settings()
    admin = admin_connection()
    with admin.cursor() as admin_cursor:
        admin_cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))
        terminated = admin_cursor.fetchone()[0]
        # Wait until the backend is gone, so what follows sees a dead server.
        for _ in range(200):
            admin_cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
            if admin_cursor.fetchone()[0] == 0:
                break
            time.sleep(0.05)
    admin.close()
    error = None
    if fetch_after_kill:
        try:
            while fetched < 50_000_000:
                batch = cursor.fetchmany(20000)
                if not batch:
                    break
                fetched += len(batch)
        except pyodbc.Error as caught:
            error = caught
    after_error = settings()
    rollback_error = None
    after_rollback = None
    if end == "rollback":
        try:
            connection.rollback()
        except pyodbc.Error as caught:
            rollback_error = error_text(caught)
        after_rollback = settings()
    close_error = None
    try:
        connection.close()
    except pyodbc.Error as caught:
        close_error = error_text(caught)
    return {
        "pid": pid,
        "terminated": terminated,
        "fetched": fetched,
        "error": error_text(error) if error else None,
        "sqlstate": sqlstate(error) if error else None,
        "during": during,
        "after_error": after_error,
        "rollback_error": rollback_error,
        "after_rollback": after_rollback,
        "close_error": close_error,
        "ended": settings(),
        "process_stats": process_stats(),
    }


@scenario
def app_changes_threshold(change="threshold0", original=ORIGINAL, value=1234):
    """The application calls gc.set_threshold while a window is open."""
    gc.set_threshold(*original)
    connection = odbc_connect()
    cursor = connection.cursor()
    rows = cursor.execute(BULK_QUERY).fetchall()
    during = settings()
    current = gc.get_threshold()
    if change == "threshold0":
        gc.set_threshold(value, *current[1:])
    elif change == "threshold1":
        gc.set_threshold(current[0], value, current[2])
    else:
        raise ValueError(change)
    app_set = settings()
    connection.commit()
    after_commit = settings()
    stats_first = process_stats()
    # The application's value is the new starting point: the next window
    # raises from it and puts it back.
    rows2 = cursor.execute(BULK_QUERY).fetchall()
    during_second = settings()
    connection.commit()
    after_second = settings()
    connection.close()
    return {
        "rows": len(rows),
        "rows_second": len(rows2),
        "during": during,
        "app_set": app_set,
        "after_commit": after_commit,
        "during_second": during_second,
        "after_second": after_second,
        "stats_after_first": stats_first,
        "process_stats": process_stats(),
    }


@scenario
def threads(original=ORIGINAL, workers=4, rounds=3, limit=60000):
    """Several threads, each with its own connection, hold windows at once.

    Sequenced rounds: all workers fetch (starts staggered), then commit one
    at a time in a given order while the main thread records the settings
    after each commit. Free rounds: workers commit after random sleeps.
    """
    import random

    gc.set_threshold(*original)
    connections = [odbc_connect() for _ in range(workers)]
    query = f"{BULK_QUERY} LIMIT {int(limit)}"
    results = []
    generator = random.Random(20240611)
    for round_no in range(rounds):
        sequenced = round_no % 2 == 0
        order = list(range(workers))
        if round_no % 4 == 2:
            order.reverse()
        fetched = threading.Barrier(workers + 1)
        turns = [threading.Event() for _ in range(workers)]
        done = [threading.Event() for _ in range(workers)]
        rows = [0] * workers
        after_fetch = [None] * workers
        after_commit = [None] * workers
        errors = []
        sleeps = [generator.uniform(0.0, 0.3) for _ in range(workers)]

        def worker(index):
            try:
                time.sleep(0.05 * index)
                cursor = connections[index].cursor()
                cursor.execute(query)
                data = cursor.fetchall()
                rows[index] = len(data)
                after_fetch[index] = settings()
                cursor.close()
                if sequenced:
                    fetched.wait(timeout=120)
                    turns[index].wait(timeout=120)
                else:
                    time.sleep(sleeps[index])
                connections[index].commit()
                after_commit[index] = settings()
                del data
            except BaseException as caught:  # reported, never swallowed
                errors.append(f"worker {index}: {error_text(caught)}")
                if sequenced:
                    fetched.abort()
            finally:
                done[index].set()

        pool = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
        for thread in pool:
            thread.start()
        all_fetched = None
        between = []
        if sequenced:
            try:
                fetched.wait(timeout=120)
                all_fetched = settings()
                for index in order:
                    turns[index].set()
                    done[index].wait(timeout=120)
                    between.append(settings())
            except threading.BrokenBarrierError:
                pass
        for thread in pool:
            thread.join(timeout=300)
        results.append(
            {
                "sequenced": sequenced,
                "order": order,
                "rows": rows,
                "after_fetch": after_fetch,
                "all_fetched": all_fetched,
                "after_each_commit": between,
                "worker_after_commit": after_commit,
                "after_join": settings(),
                "alive": sum(thread.is_alive() for thread in pool),
                "errors": errors,
            }
        )
    for connection in connections:
        connection.close()
    return {"rounds": results, "final": settings(), "process_stats": process_stats()}


_KEEP_ALIVE = []


@scenario
def exit_in_window(original=ORIGINAL, policy="raise", how="return"):
    """The process exits while a window is open (no commit, no close).

    The atexit handler is registered before anything loads the driver, so it
    runs after the driver's own atexit hook (atexit is LIFO) and sees what
    the interpreter is left with.
    """

    def at_exit():
        emit({"at_exit": settings()})

    atexit.register(at_exit)
    gc.set_threshold(*original)
    connection = odbc_connect(GcPolicy=policy)
    cursor = connection.cursor()
    rows = cursor.execute(BULK_QUERY).fetchall()
    # Keep everything alive until interpreter shutdown.
    _KEEP_ALIVE.extend([connection, cursor, rows])
    emit({"rows": len(rows), "during": settings(), "process_stats": process_stats()})
    if how == "sys.exit":
        sys.exit(0)
    if how == "busy-thread":
        # A daemon thread keeps opening and ending windows on its own
        # connection while the interpreter shuts down. The main thread exits
        # as the daemon begins its first commit, so the daemon is often inside
        # the driver (ending its window) when the interpreter finalizes.
        started = threading.Event()

        def churn():
            other = odbc_connect(GcPolicy=policy)
            _KEEP_ALIVE.append(other)
            cursor = other.cursor()
            while True:
                cursor.execute(f"{BULK_QUERY} LIMIT 20000").fetchall()
                started.set()
                other.commit()

        threading.Thread(target=churn, daemon=True).start()
        started.wait(120)
        return None
    if how == "thread":
        # A second connection's window, opened from a non-main thread that is
        # still alive (daemon) when the interpreter shuts down.
        started = threading.Event()

        def hold():
            other = odbc_connect(GcPolicy=policy)
            other_rows = other.cursor().execute(BULK_QUERY).fetchall()
            _KEEP_ALIVE.extend([other, other_rows])
            started.set()
            time.sleep(3600)

        threading.Thread(target=hold, daemon=True).start()
        started.wait(120)
    return None


class _Settings(ctypes.Structure):
    _fields_ = [
        ("enabled", ctypes.c_int32),
        ("threshold0", ctypes.c_int64),
        ("threshold1", ctypes.c_int64),
        ("threshold2", ctypes.c_int64),
    ]


_READ = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(_Settings))
_WRITE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(_Settings))


class _Collector(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("context", ctypes.c_void_p),
        ("enter", ctypes.c_void_p),
        ("leave", ctypes.c_void_p),
        ("read", _READ),
        ("write", _WRITE),
        ("collections", ctypes.c_void_p),
    ]


def _task_alive(native_id):
    return os.path.exists(f"/proc/self/task/{native_id}")


@scenario
def thread_exit_in_enter(original=ORIGINAL):
    """A thread ended with pthread_exit while the driver enters the collector.

    That is what CPython does to a daemon thread that asks for the GIL once
    the interpreter is finalizing; here it is made deterministic with a
    collector registered through the C API whose enter() *is* pthread_exit
    (context NULL). The thread must simply end; the process goes on, and
    after unregistering, CPython's collector works as before.
    """
    gc.set_threshold(*original)
    main_connection = odbc_connect()  # loads the driver
    library = driver_library()
    libc = ctypes.CDLL(None)
    held = _Settings(1, *original)

    def read(context, settings):
        settings[0] = held
        return 0

    def write(context, settings):
        return 0

    callbacks = (_READ(read), _WRITE(write))
    collector = _Collector(
        b"exits-thread",
        None,
        ctypes.cast(libc.pthread_exit, ctypes.c_void_p).value,
        None,
        callbacks[0],
        callbacks[1],
        None,
    )
    library.quietfetch_gc_register_collector.argtypes = [ctypes.POINTER(_Collector)]
    library.quietfetch_gc_register_collector.restype = ctypes.c_int
    registered = library.quietfetch_gc_register_collector(ctypes.byref(collector))
    progress = {"native_id": None, "returned": False, "error": None}
    started = threading.Event()

    def fetch():
        progress["native_id"] = threading.get_native_id()
        started.set()
        try:
            connection = odbc_connect()
            _KEEP_ALIVE.append(connection)
            connection.cursor().execute(BULK_QUERY).fetchall()
            progress["returned"] = True
        except BaseException as caught:
            progress["error"] = error_text(caught)

    thread = threading.Thread(target=fetch, daemon=True)
    thread.start()
    started.wait(60)
    deadline = time.monotonic() + 60
    while _task_alive(progress["native_id"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    ended = not _task_alive(progress["native_id"])
    unregistered = library.quietfetch_gc_register_collector(None)
    # CPython's collector again, on the main thread.
    cursor = main_connection.cursor()
    rows = len(cursor.execute(BULK_QUERY).fetchall())
    during = settings()
    main_connection.commit()
    return {
        "registered": registered,
        "thread_ended": ended,
        "returned": progress["returned"],
        "error": progress["error"],
        "unregistered": unregistered,
        "rows": rows,
        "during": during,
        "after": settings(),
        "process_stats": process_stats(),
    }


@scenario
def window_scope(window="unit", original=ORIGINAL):
    """When a window ends relative to cursor.close() and commit."""
    gc.set_threshold(*original)
    keywords = {"GcWindow": window} if window else {}
    connection = odbc_connect(**keywords)
    cursor = connection.cursor()
    rows = cursor.execute(BULK_QUERY).fetchall()
    during = settings()
    cursor.close()
    after_close = settings()
    connection.commit()
    after_commit = settings()
    connection.close()
    return {
        "rows": len(rows),
        "during": during,
        "after_cursor_close": after_close,
        "after_commit": after_commit,
        "process_stats": process_stats(),
    }


@scenario
def small_results(queries=1000, autocommit=False, original=ORIGINAL):
    """Many small results cost nothing; then one bulk result opens a window."""
    gc.set_threshold(*original)
    connection = odbc_connect(autocommit=autocommit)
    cursor = connection.cursor()
    cursor.execute("SELECT 1").fetchall()
    loaded = driver_loaded_paths()
    before = process_stats()
    changed = 0
    rows = 0
    for _ in range(queries):
        rows += len(cursor.execute("SELECT id FROM some_entries LIMIT 10").fetchall())
        if not autocommit:
            connection.commit()
        if gc.get_threshold() != tuple(original):
            changed += 1
    after_small = process_stats()
    bulk = len(cursor.execute(BULK_QUERY).fetchall())
    during_bulk = settings()
    after_bulk = process_stats()
    connection.commit()
    cursor.execute("SELECT 1").fetchall()  # ends it in autocommit mode too
    ended = settings()
    connection.close()
    return {
        "queries": queries,
        "small_rows": rows,
        "threshold_changed": changed,
        "driver_mappings": loaded,
        "before": before,
        "after_small": after_small,
        "bulk_rows": bulk,
        "during_bulk": during_bulk,
        "after_bulk": after_bulk,
        "ended": ended,
        "final_stats": process_stats(),
    }


@scenario
def autocommit_window(original=ORIGINAL):
    """Autocommit: the window outlives the cursor and ends with the next statement."""
    gc.set_threshold(*original)
    connection = odbc_connect(autocommit=True)
    other = odbc_connect(autocommit=True)
    cursor = connection.cursor()
    rows = cursor.execute(BULK_QUERY).fetchall()
    during = settings()
    cursor.close()
    after_close = settings()
    other.cursor().execute("SELECT 1").fetchall()
    after_other_statement = settings()
    stats_open = process_stats()
    connection.cursor().execute("SELECT 1").fetchall()
    after_next_statement = settings()
    connection.close()
    other.close()
    return {
        "rows": len(rows),
        "during": during,
        "after_cursor_close": after_close,
        "after_other_connection_statement": after_other_statement,
        "windows_open_before_next": stats_open["windows_open"],
        "after_next_statement": after_next_statement,
        "final": settings(),
        "process_stats": process_stats(),
    }


@scenario
def trace(destination, original=ORIGINAL, end="commit"):
    """GcTrace: one JSON line per window, to a file or stderr."""
    gc.set_threshold(*original)
    connection = odbc_connect(GcTrace=destination)
    rows = connection.cursor().execute(BULK_QUERY).fetchall()
    during = settings()
    if end == "commit":
        connection.commit()
    else:
        connection.rollback()
    after = settings()
    connection.close()
    return {"pid": os.getpid(), "rows": len(rows), "during": during, "after": after}


@scenario
def suspend(original=ORIGINAL, max_rows=None, app_disabled=False, first=3000):
    """GcPolicy=suspend: disabled while the window is open, with a row cap."""
    gc.set_threshold(*original)
    if app_disabled:
        gc.disable()
    before = settings()
    keywords = {"GcPolicy": "suspend"}
    if max_rows:
        keywords["GcMaxRows"] = max_rows
    connection = odbc_connect(**keywords)
    cursor = connection.cursor()
    cursor.execute(BULK_QUERY)
    fetched = len(cursor.fetchmany(first))
    early = settings()
    fetched += len(cursor.fetchmany(60000 - first))
    late = settings()
    late_stats = process_stats()
    fetched += len(cursor.fetchall())
    end_of_result = settings()
    connection.commit()
    after = settings()
    connection.close()
    return {
        "fetched": fetched,
        "before": before,
        "early": early,
        "late": late,
        "windows_open_late": late_stats["windows_open"],
        "end_of_result": end_of_result,
        "after_commit": after,
        "process_stats": process_stats(),
    }


@scenario
def max_seconds(original=ORIGINAL, policy="raise", seconds=1, trace=None):
    """GcMaxSeconds: a window older than the cap is ended by the next call
    that touches windows (here: the same result fetching more rows)."""
    gc.set_threshold(*original)
    keywords = {"GcPolicy": policy, "GcMaxSeconds": seconds}
    if trace:
        keywords["GcTrace"] = trace
    connection = odbc_connect(**keywords)
    cursor = connection.cursor()
    cursor.execute(BULK_QUERY)
    fetched = len(cursor.fetchmany(5000))
    during = settings()
    time.sleep(seconds + 0.5)
    slept = settings()  # nothing touched the windows yet
    fetched += len(cursor.fetchmany(20000))
    after_cap = settings()
    stats_after_cap = process_stats()
    fetched += len(cursor.fetchall())
    end_of_result = settings()
    connection.commit()
    after_commit = settings()
    connection.close()
    return {
        "fetched": fetched,
        "during": during,
        "slept": slept,
        "after_cap": after_cap,
        "stats_after_cap": stats_after_cap,
        "end_of_result": end_of_result,
        "after_commit": after_commit,
        "process_stats": process_stats(),
    }


@scenario
def mixed_policies(original=ORIGINAL, first="raise", second="suspend"):
    """Two connections with different policies: the oldest window drives the
    nest; when it ends the other one's policy takes over."""
    gc.set_threshold(*original)
    one = odbc_connect(GcPolicy=first)
    two = odbc_connect(GcPolicy=second)
    rows_one = len(one.cursor().execute(BULK_QUERY).fetchall())
    first_open = settings()
    rows_two = len(two.cursor().execute(BULK_QUERY).fetchall())
    both_open = settings()
    one.commit()
    second_only = settings()
    two.commit()
    after = settings()
    one.close()
    two.close()
    return {
        "rows": [rows_one, rows_two],
        "first_open": first_open,
        "both_open": both_open,
        "second_only": second_only,
        "after": after,
        "process_stats": process_stats(),
    }


def main(argv):
    if len(argv) not in (2, 3) or argv[1] not in SCENARIOS:
        sys.stderr.write(
            f"usage: {argv[0]} SCENARIO ['JSON params']\n"
            f"scenarios: {', '.join(sorted(SCENARIOS))}\n"
        )
        return 2
    params = json.loads(argv[2]) if len(argv) == 3 else {}
    report = SCENARIOS[argv[1]](**params)
    if report is not None:
        emit(report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
