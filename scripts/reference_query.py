#!/usr/bin/python3
"""The reference query (DESIGN.md) through pyodbc, once per driver.

Loads every row of some_entries, turns each row into a small Python object,
keeps 20,000 of them (every fifth) and drops the rest, the way an application
loading through an ORM does.  Each driver runs in a fresh process so that peak
RSS and collector counts belong to that driver alone.

    /usr/bin/python3 scripts/reference_query.py [--dsn NAME ...] [--keep N]

The DSNs default to $QF_DSN (quietfetch) and $QF_PSQL_DSN (psqlODBC) from the
environment written by scripts/pg.sh.  Exit status 1 if any driver failed.
"""

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time


class Entry:
    """What an ORM would build for one row: an ordinary, GC-tracked object."""

    def __init__(self, id, created_date, some_random_number):
        self.id = id
        self.created_date = created_date
        self.some_random_number = some_random_number


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def run_one(dsn, keep):
    """Child process: run the query through one DSN, print one JSON line."""
    import pyodbc

    collections = [0, 0, 0]

    def on_gc(phase, info):
        if phase == "start":
            collections[info["generation"]] += 1

    conn = pyodbc.connect("DSN=" + dsn)
    driver = conn.getinfo(pyodbc.SQL_DRIVER_NAME)
    cursor = conn.cursor()
    gc.collect()
    rss_before = rss_kib()
    gc.callbacks.append(on_gc)
    start = time.perf_counter()

    cursor.execute("SELECT id, created_date, some_random_number FROM some_entries")
    rows = cursor.fetchall()
    cursor.close()
    loaded = len(rows)
    entries = [Entry(r[0], r[1], r[2]) for r in rows]
    del rows
    kept = entries[::5][:keep]
    del entries
    conn.commit()

    wall = time.perf_counter() - start
    gc.callbacks.remove(on_gc)
    conn.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "dsn": dsn,
        "driver": driver,
        "rows": loaded,
        "kept": len(kept),
        "wall_ms": wall * 1000.0,
        "rows_per_s": loaded / wall if wall > 0 else 0.0,
        "rss_before_mib": rss_before / 1024.0,
        "peak_rss_mib": peak / 1024.0,
        "gc": collections,
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", action="append",
                        help="DSN to measure (repeatable); default $QF_DSN and $QF_PSQL_DSN")
    parser.add_argument("--keep", type=int, default=20000, help="objects to keep (default 20000)")
    parser.add_argument("--one", metavar="DSN", help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=600.0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        run_one(args.one, args.keep)
        return 0

    dsns = args.dsn or [os.environ.get("QF_DSN", "qf_test"), os.environ.get("QF_PSQL_DSN", "psql_test")]
    print("reference query: SELECT id, created_date, some_random_number FROM some_entries")
    print(f"  Python {sys.version.split()[0]} ({sys.executable}), gc thresholds {gc.get_threshold()}; "
          f"rows -> Entry objects, every fifth kept; one fresh process per driver")
    results = []
    for dsn in dsns:
        try:
            proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--one", dsn,
                                   "--keep", str(args.keep)],
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=args.timeout)
        except subprocess.TimeoutExpired:
            results.append((dsn, None, f"timed out after {args.timeout:.0f} s"))
            continue
        line = proc.stdout.strip().splitlines()[-1:] if proc.stdout.strip() else []
        if proc.returncode == 0 and line:
            results.append((dsn, json.loads(line[0]), None))
        else:
            err = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
            if proc.returncode < 0:
                err = f"killed by signal {-proc.returncode}: {err}"
            results.append((dsn, None, err))

    header = f"{'DSN':<12} {'driver':<18} {'rows':>7} {'kept':>6} {'wall ms':>9} {'rows/s':>10} " \
             f"{'RSS before':>10} {'peak RSS':>9} {'gc gen0/1/2':>13}"
    print(header)
    print("-" * len(header))
    failed = False
    for dsn, r, err in results:
        if r is None:
            failed = True
            print(f"{dsn:<12} FAILED: {err}")
            continue
        gcs = "/".join(str(n) for n in r["gc"])
        print(f"{dsn:<12} {r['driver'][:18]:<18} {r['rows']:>7} {r['kept']:>6} {r['wall_ms']:>9.1f} "
              f"{r['rows_per_s']:>10.0f} {r['rss_before_mib']:>7.1f} MB {r['peak_rss_mib']:>6.1f} MB "
              f"{gcs:>13}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
