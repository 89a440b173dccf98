#!/usr/bin/env python3
"""The CPython collector adapter in real interpreters, one child process each.

For /usr/bin/python3 and every CPython 3.8-3.14 that `pyenv versions --bare`
lists, child scripts load the gc-policy C API (libquietfetch_gc.so, or the
driver library, which exports the same functions) with ctypes and check what
the windows do to that interpreter's collector: raise, nesting, a value the
application set meanwhile, suspend, off, adaptive, windows from Python
threads, ctypes.CDLL (GIL released during calls, as pyodbc does) and
ctypes.PyDLL (GIL held), the C API's error paths and C-struct collectors, and
a process that exits with a window still open. 3.6 and 3.7, when present,
must be refused: the adapter treats them as no collector.

    cpython_adapter_test.py --library build/gc-policy/libquietfetch_gc.so

Prints one line per interpreter; exits non-zero if any check failed.
"""

import argparse
import os
import shutil
import subprocess
import sys

SYSTEM_PYTHON = "/usr/bin/python3"
SUPPORTED = ((3, 8), (3, 14))  # inclusive
REFUSED = ((3, 6), (3, 7))  # run where present: must be left alone
CHILD_TIMEOUT = 120

# Runs inside the interpreter under test, so it sticks to syntax 3.6 accepts.
CHILD = r'''
import ctypes
import gc
import sys
import threading

LIBRARY, MODE, LOADER = sys.argv[1], sys.argv[2], sys.argv[3]
i64 = ctypes.c_int64
i32 = ctypes.c_int32


class Settings(ctypes.Structure):
    _fields_ = [("enabled", i32), ("threshold0", i64), ("threshold1", i64), ("threshold2", i64)]

    def astuple(self):
        return (self.enabled, self.threshold0, self.threshold1, self.threshold2)


class WindowStats(ctypes.Structure):
    _fields_ = [("policy", ctypes.c_char * 16), ("end_reason", ctypes.c_char * 24),
                ("rows", i64), ("duration_ms", ctypes.c_double), ("collections", i64),
                ("before", Settings), ("during", Settings), ("after", Settings),
                ("touched", i32), ("first", i32), ("restored", i32), ("left_alone", i32)]


class ProcessStats(ctypes.Structure):
    _fields_ = [("collector", ctypes.c_char * 32), ("windows_opened", i64),
                ("windows_open", i64), ("nests", i64), ("writes", i64), ("restores", i64),
                ("left_alone", i64), ("collector_entries", i64), ("untouchable", i64),
                ("collections_in_windows", i64), ("capped", i64), ("hook_installed", i32)]


ENTER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)
LEAVE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
READ = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(Settings))
WRITE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(Settings))
COLLECTIONS = ctypes.CFUNCTYPE(i64, ctypes.c_void_p)


class CCollector(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("context", ctypes.c_void_p), ("enter", ENTER),
                ("leave", LEAVE), ("read", READ), ("write", WRITE), ("collections", COLLECTIONS)]


class Api(object):
    def __init__(self, loader):
        lib = (ctypes.PyDLL if loader == "pydll" else ctypes.CDLL)(LIBRARY)
        self.lib = lib
        lib.quietfetch_gc_window_new.restype = ctypes.c_void_p
        lib.quietfetch_gc_window_new.argtypes = [ctypes.c_char_p]
        for name in ("add_rows", "begin"):
            f = getattr(lib, "quietfetch_gc_window_" + name)
            f.restype = ctypes.c_int
            f.argtypes = [ctypes.c_void_p, i64]
        lib.quietfetch_gc_window_end.restype = ctypes.c_int
        lib.quietfetch_gc_window_end.argtypes = [ctypes.c_void_p, ctypes.POINTER(WindowStats)]
        lib.quietfetch_gc_window_is_open.restype = ctypes.c_int
        lib.quietfetch_gc_window_is_open.argtypes = [ctypes.c_void_p]
        lib.quietfetch_gc_window_free.restype = None
        lib.quietfetch_gc_window_free.argtypes = [ctypes.c_void_p]
        lib.quietfetch_gc_process_stats_get.restype = ctypes.c_int
        lib.quietfetch_gc_process_stats_get.argtypes = [ctypes.POINTER(ProcessStats)]
        lib.quietfetch_gc_register_collector.restype = ctypes.c_int
        lib.quietfetch_gc_register_collector.argtypes = [ctypes.POINTER(CCollector)]
        lib.quietfetch_gc_last_error.restype = ctypes.c_char_p
        lib.quietfetch_gc_last_error.argtypes = []

    def error(self):
        return self.lib.quietfetch_gc_last_error().decode("utf-8", "replace")

    def check(self, rc, what):
        assert rc == 0, "%s failed (%r): %s" % (what, rc, self.error())

    def new(self, options):
        w = self.lib.quietfetch_gc_window_new(options)
        assert w, "window_new(%r): %s" % (options, self.error())
        return w

    def begin(self, w, rows=0):
        self.check(self.lib.quietfetch_gc_window_begin(w, rows), "window_begin")

    def add_rows(self, w, rows):
        self.check(self.lib.quietfetch_gc_window_add_rows(w, rows), "window_add_rows")

    def end(self, w):
        stats = WindowStats()
        self.check(self.lib.quietfetch_gc_window_end(w, ctypes.byref(stats)), "window_end")
        return stats

    def is_open(self, w):
        return self.lib.quietfetch_gc_window_is_open(w)

    def free(self, w):
        self.lib.quietfetch_gc_window_free(w)

    def stats(self):
        stats = ProcessStats()
        self.check(self.lib.quietfetch_gc_process_stats_get(ctypes.byref(stats)), "stats")
        return stats


SAVED = (777, 11, 12)
RAISE = b"policy=raise;threshold=50000"


def reset():
    gc.enable()
    gc.set_threshold(*SAVED)


def expect(actual, wanted, what):
    assert actual == wanted, "%s: got %r, expected %r" % (what, actual, wanted)


def no_window_open(api):
    expect(api.stats().windows_open, 0, "windows open")


def check_basic(api):
    reset()
    w = api.new(RAISE)
    api.begin(w)
    expect(gc.get_threshold(), (50000, 11, 12), "threshold inside the window")
    expect(api.is_open(w), 1, "is_open inside")
    expect(api.stats().collector, b"cpython", "collector")
    stats = api.end(w)
    expect(gc.get_threshold(), SAVED, "threshold after the window")
    expect(api.is_open(w), 0, "is_open after")
    assert stats.touched and stats.first and stats.restored, "window stats flags"
    expect(stats.before.astuple(), (1,) + SAVED, "stats.before")
    expect(stats.during.threshold0, 50000, "stats.during.threshold0")
    expect(stats.after.astuple(), (1,) + SAVED, "stats.after")
    expect(stats.policy, b"raise", "stats.policy")
    api.free(w)
    no_window_open(api)
    return "basic[%s]" % LOADER


def check_nest(api):
    reset()
    first, second = api.new(RAISE), api.new(RAISE)
    api.begin(first)
    api.begin(second)
    expect(api.stats().windows_open, 2, "windows open")
    stats_first = api.end(first)  # first opened, first closed
    expect(gc.get_threshold(), (50000, 11, 12), "threshold while the second is open")
    assert not stats_first.restored, "the first window's end must not restore"
    stats_second = api.end(second)
    expect(gc.get_threshold(), SAVED, "threshold after the last window")
    assert stats_second.restored and not stats_second.first, "second window stats"
    api.free(first)
    api.free(second)
    no_window_open(api)
    return "nest"


def check_app_change(api):
    reset()
    w = api.new(RAISE)
    api.begin(w)
    gc.set_threshold(1234)  # the application changes its mind inside the window
    stats = api.end(w)
    expect(gc.get_threshold(), (1234, 11, 12), "threshold the application set")
    assert stats.left_alone, "window stats: left_alone"
    api.free(w)
    return "app-change"


def check_suspend(api):
    reset()
    w = api.new(b"policy=suspend")
    api.begin(w)
    expect(gc.isenabled(), False, "enabled inside a suspend window")
    expect(gc.get_threshold(), SAVED, "thresholds inside a suspend window")
    api.end(w)
    expect(gc.isenabled(), True, "enabled after a suspend window")
    expect(gc.get_threshold(), SAVED, "thresholds after a suspend window")
    gc.disable()  # already off: it must stay off afterwards
    api.begin(w)
    expect(gc.isenabled(), False, "enabled inside (was disabled)")
    api.end(w)
    expect(gc.isenabled(), False, "enabled after (was disabled)")
    api.free(w)
    reset()
    return "suspend"


def check_off(api):
    reset()
    before = api.stats()
    w = api.new(b"policy=off")
    api.begin(w, 1000000)
    api.add_rows(w, 1000000)
    expect(gc.get_threshold(), SAVED, "threshold with policy=off")
    api.end(w)
    after = api.stats()
    expect(after.collector_entries, before.collector_entries, "collector entries with policy=off")
    expect(after.writes, before.writes, "collector writes with policy=off")
    api.free(w)
    no_window_open(api)
    return "off"


def check_adaptive(api):
    reset()
    w = api.new(b"policy=adaptive;threshold=50000;max_threshold=1000000")
    api.begin(w)
    assert api.stats().hook_installed, "adaptive: hook not installed"
    start = gc.get_threshold()[0]
    expect(start, 50000, "adaptive start")
    # Young objects that stay alive: collections free nothing, so back off.
    keep = []
    for _ in range(400000):
        keep.append([])
    peak = gc.get_threshold()[0]
    assert peak > start, "adaptive: threshold did not rise (%d)" % peak
    # Cyclic garbage: collections find plenty, so collect more often again.
    for i in range(4000000):
        a = []
        a.append(a)
        if i % 20000 == 0 and gc.get_threshold()[0] < start:
            break
    low = gc.get_threshold()[0]
    assert SAVED[0] <= low < peak, "adaptive: threshold did not come down (%d -> %d)" % (peak, low)
    assert low < start, "adaptive: threshold stayed above the start (%d)" % low
    del keep
    stats = api.end(w)
    expect(gc.get_threshold(), SAVED, "threshold after an adaptive window")
    assert stats.collections > 0, "adaptive: collections in the window: %d" % stats.collections
    api.free(w)
    return "adaptive(%d->%d->%d)" % (start, peak, low)


def check_threads(api):
    reset()
    seen = {}

    def alone():
        try:
            w = api.new(RAISE)
            api.begin(w)
            seen["during"] = gc.get_threshold()
            api.end(w)
            seen["after"] = gc.get_threshold()
            api.free(w)
        except BaseException as e:  # reported by the main thread
            seen["error"] = repr(e)

    t = threading.Thread(target=alone)
    t.start()
    t.join()
    assert "error" not in seen, seen.get("error")
    expect(seen["during"], (50000, 11, 12), "threshold in a thread's window")
    expect(seen["after"], SAVED, "threshold after a thread's window")

    # A window of the main thread and one of another thread nest.
    outer = api.new(RAISE)
    api.begin(outer)

    def inner():
        try:
            w = api.new(RAISE)
            api.begin(w)
            api.end(w)
            seen["inner_after"] = gc.get_threshold()
            api.free(w)
        except BaseException as e:
            seen["error"] = repr(e)

    t = threading.Thread(target=inner)
    t.start()
    t.join()
    assert "error" not in seen, seen.get("error")
    expect(seen["inner_after"], (50000, 11, 12), "threshold after the inner thread's end")
    api.end(outer)
    expect(gc.get_threshold(), SAVED, "threshold after the outer end")
    api.free(outer)
    expect(api.stats().untouchable, 0, "untouchable windows")
    return "threads"


def check_c_thread(api):
    """A thread Python never saw must not touch the collector (nor get a thread state)."""
    reset()
    libc = ctypes.CDLL(None)
    libc.pthread_create.argtypes = [ctypes.POINTER(ctypes.c_ulong), ctypes.c_void_p,
                                    ctypes.c_void_p, ctypes.c_void_p]
    libc.pthread_join.argtypes = [ctypes.c_ulong, ctypes.c_void_p]
    w = api.new(RAISE)
    api.begin(w)
    expect(gc.get_threshold(), (50000, 11, 12), "threshold before the C thread")
    # quietfetch_gc_window_free(void*) fits a pthread start routine: the C
    # thread ends the last window and frees it, with no Python thread state.
    start = ctypes.cast(api.lib.quietfetch_gc_window_free, ctypes.c_void_p)
    tid = ctypes.c_ulong()
    expect(libc.pthread_create(ctypes.byref(tid), None, start, w), 0, "pthread_create")
    expect(libc.pthread_join(tid.value, None), 0, "pthread_join")
    no_window_open(api)
    expect(gc.get_threshold(), (50000, 11, 12), "threshold after a C thread ended the window")
    # The next window on a Python thread does the restore that was left pending.
    w = api.new(RAISE)
    api.begin(w)
    api.end(w)
    api.free(w)
    expect(gc.get_threshold(), SAVED, "threshold once a Python thread came back")
    return "c-thread"


def check_capi(api):
    """Error paths, per-thread errors and a collector registered as a C struct."""
    lib = api.lib
    for name, args in (("add_rows", (None, 1)), ("begin", (None, 1)), ("end", (None, None)),
                       ("is_open", (None,))):
        rc = getattr(lib, "quietfetch_gc_window_" + name)(*args)
        expect(rc, -1, name + "(NULL)")
        assert "NULL" in api.error(), "%s(NULL) message: %r" % (name, api.error())
    expect(lib.quietfetch_gc_process_stats_get(None), -1, "process_stats_get(NULL)")
    lib.quietfetch_gc_window_free(None)  # ignored
    for options, word in ((b"policy=bogus", "bogus"), (b"nonsense_key=1", "nonsense_key"),
                          (b"threshold=lots", "lots")):
        assert not lib.quietfetch_gc_window_new(options), options
        assert word in api.error(), "message for %r: %r" % (options, api.error())
    api.free(api.new(None))  # defaults
    api.free(api.new(b""))
    w = api.new(RAISE)
    expect(lib.quietfetch_gc_window_begin(w, -1), -1, "begin with negative rows")

    # Messages are per thread.
    errors = {}
    t = threading.Thread(target=lambda: errors.update(thread=api.error()))
    t.start()
    t.join()
    expect(errors["thread"], "", "another thread's last error")

    # No registration while a window is open.
    reset()
    api.begin(w)
    expect(lib.quietfetch_gc_register_collector(None), -1, "register while open")
    assert "open" in api.error(), api.error()
    api.end(w)

    state = {"settings": (1, 700, 10, 10), "enters": 0, "leaves": 0}

    def enter(_):
        state["enters"] += 1
        return 0

    def leave(_):
        state["leaves"] += 1

    def read(_, out):
        s = out.contents
        s.enabled, s.threshold0, s.threshold1, s.threshold2 = state["settings"]
        return 0

    def write(_, value):
        state["settings"] = value.contents.astuple()
        return 0

    callbacks = (ENTER(enter), LEAVE(leave), READ(read), WRITE(write), COLLECTIONS(lambda _: 5))
    collector = CCollector(b"ctypes-runtime", None, *callbacks)
    api.check(lib.quietfetch_gc_register_collector(ctypes.byref(collector)), "register")
    api.begin(w)
    expect(state["settings"], (1, 50000, 10, 10), "registered collector inside the window")
    expect(gc.get_threshold(), SAVED, "CPython while another collector is registered")
    expect(api.stats().collector, b"ctypes-runtime", "registered collector's name")
    api.end(w)
    expect(state["settings"], (1, 700, 10, 10), "registered collector after the window")
    assert state["enters"] > 0 and state["enters"] == state["leaves"], state
    api.check(lib.quietfetch_gc_register_collector(None), "unregister")
    api.begin(w)
    expect(gc.get_threshold(), (50000, 11, 12), "CPython again after unregistering")
    api.end(w)
    expect(gc.get_threshold(), SAVED, "CPython restored")
    api.free(w)
    return "c-api"


def check_refused(api):
    reset()
    w = api.new(RAISE)
    api.begin(w)
    expect(gc.get_threshold(), SAVED, "threshold in an unsupported version")
    api.end(w)
    api.free(w)
    stats = api.stats()
    assert stats.collector != b"cpython", stats.collector
    expect(stats.collector_entries, 0, "collector entries in an unsupported version")
    return "refused(%s)" % stats.collector.decode()


def exit_with_window_open(api, options):
    # atexit runs functions last-registered-first: this one, registered before
    # the library is first used, runs after the library's own exit function.
    import atexit

    reset()

    def report():
        sys.stdout.write("EXIT %r %r\n" % (gc.get_threshold(), gc.isenabled()))
        sys.stdout.flush()

    atexit.register(report)
    w = api.new(options)
    api.begin(w)
    changed = gc.get_threshold() != SAVED or not gc.isenabled()
    assert changed, "the window changed nothing"
    return "open"  # and leave it open


def main():
    if MODE in ("exit-raise", "exit-suspend"):
        options = RAISE if MODE == "exit-raise" else b"policy=suspend"
        print("OK " + exit_with_window_open(Api(LOADER), options))
        sys.stdout.flush()
        return
    api = Api(LOADER)
    checks = {
        "basic": [check_basic],
        "full": [check_basic, check_nest, check_app_change, check_suspend, check_off,
                 check_adaptive, check_threads, check_c_thread],
        "capi": [check_capi],
        "refused": [check_refused],
    }[MODE]
    print("OK " + " ".join(check(api) for check in checks))


main()
'''


def find_pyenv():
    """The pyenv executable and the environment to run it with, or (None, None)."""
    env = dict(os.environ)
    found = shutil.which("pyenv")
    if found is None:
        candidates = []
        if os.environ.get("PYENV_ROOT"):
            candidates.append(os.path.join(os.environ["PYENV_ROOT"], "bin", "pyenv"))
        candidates.append(os.path.expanduser("~/.pyenv/bin/pyenv"))
        found = next((c for c in candidates if os.access(c, os.X_OK)), None)
    if found is None:
        return None, None
    # A git checkout's bin/pyenv: make its root explicit in case HOME differs.
    root = os.path.dirname(os.path.dirname(os.path.realpath(found)))
    if "PYENV_ROOT" not in env and os.path.isdir(os.path.join(root, "versions")):
        env["PYENV_ROOT"] = root
    return found, env


def pyenv_interpreters(pyenv, env):
    root = subprocess.run([pyenv, "root"], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()
    names = subprocess.run([pyenv, "versions", "--bare"], env=env, capture_output=True,
                           text=True, check=True).stdout.split()
    found = []
    for name in names:
        if name == "system" or "/" in name:  # virtualenvs live under a version
            continue
        bindir = os.path.join(root, "versions", name, "bin")
        for exe in ("python3", "python"):
            path = os.path.join(bindir, exe)
            if os.access(path, os.X_OK):
                found.append((name, path))
                break
    return found


def identify(python):
    """(implementation, (major, minor, micro)) or None if it does not run."""
    probe = ("import platform, sys; sys.stdout.write('%s %d %d %d' % "
             "((platform.python_implementation(),) + tuple(sys.version_info[:3])))")
    try:
        out = subprocess.run([python, "-c", probe], capture_output=True, text=True,
                             timeout=60).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return None
    if len(out) != 4:
        return None
    return out[0], tuple(int(x) for x in out[1:])


def run_child(python, library, mode, loader):
    """(ok, output) of one child script."""
    # -I: no PYTHON* variables, no user site, no script directory.
    cmd = [python, "-I", "-c", CHILD, library, mode, loader]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        return False, "timed out after %ds (%s %s)\n%s%s" % (
            CHILD_TIMEOUT, mode, loader, e.stdout or "", e.stderr or "")
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        return False, "%s %s: exit status %d\n%s" % (mode, loader, proc.returncode, output)
    if mode.startswith("exit-"):
        expected = "EXIT (777, 11, 12) True"
        lines = proc.stdout.splitlines()
        if "OK open" not in lines or expected not in lines:
            return False, "%s %s: expected %r at exit\n%s" % (mode, loader, expected, output)
        return True, mode
    ok_lines = [line for line in proc.stdout.splitlines() if line.startswith("OK ")]
    if not ok_lines:
        return False, "%s %s: no OK line\n%s" % (mode, loader, output)
    return True, ok_lines[-1][3:]


def test_interpreter(python, version, library):
    supported = SUPPORTED[0] <= version[:2] <= SUPPORTED[1]
    if supported:
        runs = [("full", "cdll"), ("basic", "pydll"), ("capi", "cdll"), ("exit-raise", "cdll"),
                ("exit-suspend", "pydll")]
    else:
        runs = [("refused", "cdll")]
    passed, failures = [], []
    for mode, loader in runs:
        ok, text = run_child(python, library, mode, loader)
        (passed if ok else failures).append(text)
    return passed, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True,
                        help="libquietfetch_gc.so or the driver library (same C API)")
    args = parser.parse_args()
    library = os.path.abspath(args.library)
    if not os.path.exists(library):
        print("library not found: %s" % library)
        return 2

    candidates = [("system", SYSTEM_PYTHON)]
    pyenv, env = find_pyenv()
    if pyenv is None:
        print("pyenv not found: testing %s only" % SYSTEM_PYTHON)
    else:
        try:
            candidates += pyenv_interpreters(pyenv, env)
        except (OSError, subprocess.CalledProcessError) as e:
            print("pyenv %s failed (%s): testing %s only" % (pyenv, e, SYSTEM_PYTHON))

    failed = 0
    tested = 0
    refused = 0
    for name, python in candidates:
        who = identify(python)
        if who is None:
            print("%-8s %s: does not run, skipped" % (name, python))
            continue
        implementation, version = who
        shown = ".".join(str(v) for v in version)
        if implementation != "CPython" or not (REFUSED[0] <= version[:2] <= SUPPORTED[1]):
            print("%-8s %s: %s %s out of scope, skipped" % (shown, python, implementation, shown))
            continue
        passed, failures = test_interpreter(python, version, library)
        tested += 1
        refused += version[:2] < SUPPORTED[0]
        status = "FAILED" if failures else "ok"
        print("%-8s %s: %s: %s" % (shown, python, status, " ".join(passed)))
        for failure in failures:
            failed += 1
            print("    " + failure.rstrip().replace("\n", "\n    "))
        sys.stdout.flush()
    if tested == 0:
        print("no interpreter tested")
        return 1
    print("%d interpreter(s) tested (%d supported, %d checked to be refused), %d failure(s)"
          % (tested, tested - refused, refused, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
