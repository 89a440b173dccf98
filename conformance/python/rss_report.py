#!/usr/bin/python3
"""Print how much peak RSS iterating a large result through pyodbc costs, per driver.

For the closing note of issue 2, not a test. Each configuration runs in a
fresh child process (so one run's peak cannot hide another's) which
connects, warms up, resets its peak RSS, iterates

    SELECT i, md5(i::text), now() FROM generate_series(1, ROWS) AS s(i)

row by row and reports rows, seconds and peak RSS before/after.

psqlODBC's default configuration holds the whole result in memory (about
165 MiB per million rows of this shape), so 10,000,000 rows need well over
a gigabyte; --limit-gb caps each child's address space so an oversized run
fails cleanly instead of exhausting the machine.

Usage (after ``. build/test-env/env.sh``, written by ``scripts/pg.sh start``):
    /usr/bin/python3 conformance/python/rss_report.py --rows 10000000
    /usr/bin/python3 conformance/python/rss_report.py --rows 1000000 --config psqlodbc
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import memtools  # noqa: E402  (needs the path above)


def configurations():
    """Name -> connection string; psqlODBC with and without its streaming setting."""
    qf_dsn = os.environ.get("QF_DSN", "qf_test")
    psql_dsn = os.environ.get("QF_PSQL_DSN", "psql_test")
    return {
        "quietfetch": f"DSN={qf_dsn}",
        "psqlodbc": f"DSN={psql_dsn}",
        "psqlodbc-declarefetch": f"DSN={psql_dsn};UseDeclareFetch=1;Fetch=10000",
    }


def measure(connection_string, rows):
    """Child side: one measurement, returned as a dict."""
    import pyodbc

    connection = pyodbc.connect(connection_string, timeout=15)
    cursor = connection.cursor()
    memtools.iterate(cursor, 20_000)  # warm-up, see test_memory.py
    reset = memtools.reset_peak()
    before = memtools.peak_rss()
    started = time.monotonic()
    count, _last = memtools.iterate(cursor, rows)
    seconds = time.monotonic() - started
    after = memtools.peak_rss()
    connection.close()
    return {"rows": count, "seconds": seconds, "before": before, "after": after, "reset": reset}


def run_child(name, connection_string, rows, limit_gb):
    """Parent side: run one configuration in a fresh interpreter."""
    command = [
        sys.executable, os.path.abspath(__file__), "--child", connection_string,
        "--rows", str(rows), "--limit-gb", str(limit_gb),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        lines = (completed.stderr or completed.stdout).strip().splitlines()
        return {"error": lines[-1] if lines else f"exit status {completed.returncode}"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def print_table(rows, results):
    python = sys.version.split()[0]
    print(f"Iterating {rows:,} rows (int, md5 text, timestamptz) through pyodbc, Python {python}")
    header = f"{'configuration':<24}{'rows':>12}{'seconds':>10}{'rows/s':>12}"
    header += f"{'RSS before':>13}{'peak after':>13}{'growth':>11}"
    print(header)
    print("-" * len(header))
    for name, result in results.items():
        if "error" in result:
            print(f"{name:<24}  failed: {result['error']}")
            continue
        mib = memtools.MIB
        growth = max(0, result["after"] - result["before"])  # VmHWM is sampled lazily
        rate = result["rows"] / result["seconds"] if result["seconds"] else 0
        print(
            f"{name:<24}{result['rows']:>12,}{result['seconds']:>10.2f}{rate:>12,.0f}"
            f"{result['before'] / mib:>9.1f} MiB{result['after'] / mib:>9.1f} MiB"
            f"{growth / mib:>7.1f} MiB"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="rows to iterate (default 1,000,000)"
    )
    parser.add_argument(
        "--config",
        action="append",
        choices=sorted(configurations()),
        help="configuration to measure (repeatable; default: all)",
    )
    parser.add_argument(
        "--limit-gb", type=float, default=8.0,
        help="address-space cap per child process in GiB (default 8)",
    )
    parser.add_argument("--child", metavar="CONNECTION_STRING", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        limit = int(args.limit_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        print(json.dumps(measure(args.child, args.rows)))
        return 0

    if not os.environ.get("ODBCINI"):
        print(
            "note: ODBCINI is not set; run `. build/test-env/env.sh` first for the test DSNs",
            file=sys.stderr,
        )
    chosen = args.config or list(configurations())
    results = {}
    for name in chosen:
        results[name] = run_child(name, configurations()[name], args.rows, args.limit_gb)
    print_table(args.rows, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
