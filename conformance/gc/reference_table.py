#!/usr/bin/python3
"""The closing-note table for the reference workload (DESIGN.md, "Why").

SQLAlchemy's ORM loads the 100,000 rows of some_entries and keeps every fifth
(20,000), in a fresh process per run, N runs per configuration; the table
shows the median of each column:

  a  quietfetch DSN, default collector policy (postgresql+quietfetch)
  b  quietfetch DSN, GcPolicy=off
  c  psqlODBC DSN through the same dialect (postgresql+quietfetch)
  d  psqlODBC, with gc.set_threshold(50_000) by hand before the query
     (and the old value put back after the session closed)
  e  psycopg2 (SQLAlchemy's postgresql+psycopg2), CPython's defaults

Collections are counted with gc.callbacks from session.execute() to after
session.close(); peak RSS is the child's ru_maxrss. The workload itself is
gcscen.py's "reference" scenario, the one the tests assert on.

    . build/test-env/env.sh
    /usr/bin/python3 conformance/gc/reference_table.py [-n 5] [--json] [--only a,c]

Exit status 1 if any run failed (its row says so; details on stderr).
"""

import argparse
import json
import os
import statistics
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gcscen  # noqa: E402


def configurations():
    quietfetch = os.environ["QF_DSN"]
    psql = os.environ["QF_PSQL_DSN"]
    return [
        ("a", "quietfetch, default policy", {"target": "odbc", "dsn": quietfetch}),
        ("b", "quietfetch, GcPolicy=off",
         {"target": "odbc", "dsn": quietfetch, "odbc": {"GcPolicy": "off"}}),
        ("c", "psqlODBC", {"target": "odbc", "dsn": psql}),
        ("d", "psqlODBC + gc.set_threshold(50_000) by hand",
         {"target": "odbc", "dsn": psql, "manual_threshold0": 50_000}),
        ("e", "psycopg2 (postgresql+psycopg2)", {"target": "psycopg2"}),
    ]


def median(values):
    return statistics.median(values) if values else None


def run_configuration(params, runs, timeout):
    reports, failures = [], []
    for _ in range(runs):
        result = gcscen.run_child("reference", timeout=timeout, original=None, stats=False,
                                  **params)
        if result.returncode == 0 and len(result.reports) == 1:
            reports.append(result.reports[0])
        else:
            failures.append(result.describe())
    return reports, failures


def summarize(key, label, params, reports, failures):
    row = {"config": key, "label": label, "params": params, "runs": len(reports),
           "failures": len(failures)}
    if reports:
        for gen in range(3):
            row[f"gen{gen}"] = median([r["collections"][gen] for r in reports])
        row["total"] = median([r["collections_total"] for r in reports])
        row["wall_ms"] = median([r["wall_ms"] for r in reports])
        row["peak_rss_mib"] = median([r["peak_rss_mib"] for r in reports])
        row["rows"] = reports[0]["rows"]
        row["kept"] = reports[0]["kept"]
        row["driver"] = reports[0]["driver"]
        row["threshold_before"] = reports[0]["before"]["threshold"]
        row["threshold0_during"] = median([r["during"]["threshold"][0] for r in reports])
        row["restored"] = all(r["after"] == r["before"] for r in reports)
    return row


def fmt(value, digits=0):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def markdown(rows, runs):
    lines = [
        f"Reference workload: SQLAlchemy ORM, {fmt(rows[0].get('rows'))} rows, keep "
        f"{fmt(rows[0].get('kept'))}; median of {runs} fresh processes per row.",
        "",
        "| | configuration | ODBC driver | gen0 | gen1 | gen2 | total | wall ms | peak RSS MiB "
        "| threshold0 during | restored |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        if not row["runs"]:
            lines.append(f"| {row['config']} | {row['label']} | failed | | | | | | | | |")
            continue
        runs_done = row["runs"] + row["failures"]
        note = f" ({row['failures']} of {runs_done} runs failed)" if row["failures"] else ""
        lines.append(
            f"| {row['config']} | {row['label']}{note} | {row['driver'] or '-'} | "
            f"{fmt(row['gen0'])} | {fmt(row['gen1'])} | {fmt(row['gen2'])} | "
            f"{fmt(row['total'])} | {fmt(row['wall_ms'])} | "
            f"{fmt(row['peak_rss_mib'], 1)} | {fmt(row['threshold0_during'])} | "
            f"{'yes' if row['restored'] else 'NO'} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--runs", type=int, default=3,
                        help="fresh processes per configuration (default 3)")
    parser.add_argument("--json", action="store_true",
                        help="also print the rows as JSON after the table")
    parser.add_argument("--only", help="comma-separated configuration letters, e.g. a,c")
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds per run (default 600)")
    args = parser.parse_args()
    missing = gcscen.missing_environment()
    if missing:
        parser.error("missing environment variables (source build/test-env/env.sh): "
                     + ", ".join(missing))
    selected = set(args.only.split(",")) if args.only else None
    rows, failed = [], False
    for key, label, params in configurations():
        if selected and key not in selected:
            continue
        reports, failures = run_configuration(params, args.runs, args.timeout)
        for failure in failures:
            sys.stderr.write(f"[{key}] {label}: run failed\n{failure}\n\n")
        failed = failed or bool(failures)
        rows.append(summarize(key, label, params, reports, failures))
    print(markdown(rows, args.runs))
    if args.json:
        print(json.dumps(rows, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
