#!/usr/bin/python3
"""quietfetch's performance suite: where quietfetch stands against its peers.

Runs every case in fresh processes, several repetitions each, and reports the
median with the spread (min–max):

  reference  the reference workload (DESIGN.md): SQLAlchemy's ORM loads every
             row of the reference table and keeps every fifth, through our DSN
             with each collector policy, through psqlODBC (with and without
             gc.set_threshold(50_000) by hand) and through psycopg2 (likewise)
  objects    plain pyodbc: 20,000 rows into simple Python objects
  fetchall   pyodbc fetchall() of 100,000 and 1,000,000 rows (and psycopg2's)
  cfetch     the C fetch benchmark (fetch_bench): raw libpq, libpqxx,
             quietfetch and psqlODBC, one process per case
  cppstructs C++ services loading the reference rows into structs
             (orm_bench): the ORM bridge, libpqxx, SOCI and hand-written
             libpq at 20,000 / 100,000 / 1,000,000 rows, one process per case
  scaling    the reference workload at 10,000 / 100,000 / 1,000,000 rows
  mongo      the MongoDB reference workload: one query for 20,000 of the
             100,000 documents of some_entries, into Python objects, through
             PyMongo and MongoEngine (with and without gc.set_threshold(50_000)
             by hand) and, once the driver's mongo backend is enabled here,
             through pyodbc and our DSN (MONGODB_URI; scripts/mongo.sh)

It prints a table per case (with a progress line while cases run), writes
results.json, results.md and chart.png / chart.svg into --out, and compares
the results with the project's targets. Timings never decide the exit status:

  0  every selected run finished (and, with --check, every result was sane)
  1  a run failed, or --check found a result that is not sane
  2  bad options
  3  a peer or the environment is missing (nothing was run)

Needs the environment of scripts/pg.sh (QF_PG_*, ODBCSYSINI/ODBCINI with the
DSNs $QF_DSN and $QF_PSQL_DSN, QF_DRIVER_PATH); scripts/main.sh sets it up.
"""

import argparse
import dataclasses
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "conformance", "python"))

import qfpy  # noqa: E402  (needs the path above)

REFERENCE_ROWS = 100_000  # the reference table's size (DESIGN.md)
REFERENCE_TABLE = "some_entries"
KEEP_EVERY = 5  # the ORM workload keeps every fifth row
MANUAL_THRESHOLD0 = 50_000  # what an application sets by hand (DESIGN.md)

EXIT_FAILED, EXIT_USAGE, EXIT_MISSING = 1, 2, 3


# --------------------------------------------------------------------------
# Configurations and cases
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Config:
    name: str
    label: str
    target: str  # "odbc" or "psycopg2"
    peer: str  # "quietfetch", "psqlodbc" or "psycopg2": what must be installed
    odbc: tuple = ()  # extra ODBC connection keywords, (key, value) pairs
    manual_threshold0: int = None

    def params(self):
        params = {"target": self.target}
        if self.peer == "psqlodbc":
            params["dsn"] = os.environ["QF_PSQL_DSN"]
        elif self.peer == "quietfetch":
            params["dsn"] = os.environ["QF_DSN"]
        if self.odbc:
            params["odbc"] = dict(self.odbc)
        if self.manual_threshold0:
            params["manual_threshold0"] = self.manual_threshold0
        return params


CONFIGS = [
    Config("qf-default", "quietfetch, default policy (raise, auto)", "odbc", "quietfetch"),
    Config("qf-off", "quietfetch, GcPolicy=off", "odbc", "quietfetch", (("GcPolicy", "off"),)),
    Config("qf-raise-50k", "quietfetch, GcPolicy=raise GcThreshold=50000", "odbc", "quietfetch",
           (("GcPolicy", "raise"), ("GcThreshold", "50000"))),
    Config("qf-suspend", "quietfetch, GcPolicy=suspend", "odbc", "quietfetch",
           (("GcPolicy", "suspend"),)),
    Config("qf-adaptive", "quietfetch, GcPolicy=adaptive", "odbc", "quietfetch",
           (("GcPolicy", "adaptive"),)),
    Config("psqlodbc", "psqlODBC", "odbc", "psqlodbc"),
    Config("psqlodbc-manual", "psqlODBC + gc.set_threshold(50_000) by hand", "odbc", "psqlodbc",
           manual_threshold0=MANUAL_THRESHOLD0),
    Config("psycopg2", "psycopg2", "psycopg2", "psycopg2"),
    Config("psycopg2-manual", "psycopg2 + gc.set_threshold(50_000) by hand", "psycopg2",
           "psycopg2", manual_threshold0=MANUAL_THRESHOLD0),
]
CONFIG_BY_NAME = {config.name: config for config in CONFIGS}

# Which configurations each Python case runs by default.
CASE_CONFIGS = {
    "reference": [config.name for config in CONFIGS],
    "objects": ["qf-default", "qf-off", "psqlodbc", "psqlodbc-manual"],
    "fetchall": ["qf-default", "psqlodbc", "psycopg2"],
    # Every configuration: about four minutes at 1,000,000 rows on two cores;
    # --scaling-configs trims it.
    "scaling": [config.name for config in CONFIGS],
}
WORKLOAD_OF_CASE = {"reference": "orm", "scaling": "orm", "objects": "objects",
                    "fetchall": "fetchall"}
CASES = ["reference", "objects", "fetchall", "cfetch", "cppstructs", "scaling", "mongo"]
# The cases run by their own programs, not by workloads.py.
PROGRAM_CASES = ("cfetch", "cppstructs", "mongo")

# fetch_bench's cases, in its own numbering order; the peer each one needs.
CFETCH_CASES = [
    ("pqexec", "libpq"),
    ("libpq_binary", "libpq"),
    ("pqxx_stream", "libpqxx"),
    ("qf_getdata", "quietfetch"),
    ("qf_array", "quietfetch"),
    ("psql_getdata", "psqlodbc"),
    ("psql_array", "psqlodbc"),
]

# orm_bench's cases (orm-bridge/bench): the same structs, four ways.
CPPSTRUCTS_CASES = [
    ("bridge", "quietfetch ORM bridge: Connection::Query<SomeEntry>"),
    ("pqxx", "libpqxx 6.4: work::exec, fields parsed per cell"),
    ("soci", "SOCI 4.0: bulk into vectors, 10,000 rows per fetch"),
    ("libpq", "hand-written libpq: single-row mode, binary results"),
]

DEFAULTS = {
    "reps": 3,
    "rows": REFERENCE_ROWS,
    "objects_rows": 20_000,
    "fetchall_rows": [100_000, 1_000_000],
    "cfetch_rows": 1_000_000,
    "cppstructs_rows": [20_000, 100_000, 1_000_000],
    "scaling_rows": [10_000, 100_000, 1_000_000],
}
QUICK = {
    "reps": 1,
    "rows": 5_000,
    "objects_rows": 2_000,
    "fetchall_rows": [5_000, 10_000],
    "cfetch_rows": 5_000,
    "cppstructs_rows": [2_000, 5_000, 10_000],
    "scaling_rows": [2_000, 5_000, 10_000],
}


def table_for(rows):
    """The table holding `rows` rows of the reference data set's shape."""
    return REFERENCE_TABLE if rows == REFERENCE_ROWS else f"{REFERENCE_TABLE}_{rows}"


@dataclasses.dataclass
class Job:
    """One (workload, configuration, row count) with its repetitions."""

    workload: str
    config: Config
    rows: int
    cases: list  # the cases that asked for it (reference and scaling share)
    runs: list = dataclasses.field(default_factory=list)
    failures: list = dataclasses.field(default_factory=list)

    def key(self):
        return (self.workload, self.config.name, self.rows)

    def params(self):
        params = self.config.params()
        if self.workload == "objects":
            params["table"] = table_for(REFERENCE_ROWS)
            params["limit"] = self.rows
        else:
            params["table"] = table_for(self.rows)
        return params

    def tables(self):
        return {REFERENCE_ROWS if self.workload == "objects" else self.rows}


def plan_jobs(options):
    """The Python jobs for the selected cases, shared where two cases agree."""
    jobs = {}

    def add(case, config_names, row_counts):
        for name in config_names:
            for rows in row_counts:
                job = Job(WORKLOAD_OF_CASE[case], CONFIG_BY_NAME[name], rows, [case])
                existing = jobs.setdefault(job.key(), job)
                if existing is not job:
                    existing.cases.append(case)

    for case in options.cases:
        if case in PROGRAM_CASES:  # run by run_cfetch / run_cppstructs / run_mongo
            continue
        configs = [c for c in CASE_CONFIGS[case] if not options.configs or c in options.configs]
        if case == "scaling" and options.scaling_configs:
            configs = [c for c in options.scaling_configs
                       if not options.configs or c in options.configs]
        rows = {"reference": [options.rows], "objects": [options.objects_rows],
                "fetchall": options.fetchall_rows, "scaling": options.scaling_rows}[case]
        add(case, configs, rows)
    return list(jobs.values())


# --------------------------------------------------------------------------
# Statistics and formatting (pure; tested in test_perfsuite_unit.py)
# --------------------------------------------------------------------------


def spread(values):
    """Median, min and max of a non-empty list (None for an empty one)."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarize_runs(runs):
    """Per-job summary of the runs that finished."""
    if not runs:
        return None
    summary = {
        "runs": len(runs),
        "wall_ms": spread([r["wall_ms"] for r in runs]),
        "collections_total": spread([r["collections_total"] for r in runs]),
        "peak_rss_mib": spread([r["peak_rss_mib"] for r in runs]),
        "threshold0_during": spread([r["during"]["threshold"][0] for r in runs]),
        "enabled_during": all(r["during"]["enabled"] for r in runs),
        "restored": all(r["after"] == r["before"] for r in runs),
        "rows": runs[0]["rows"],
        "kept": runs[0]["kept"],
        "driver": runs[0].get("driver"),
        "threshold_before": runs[0]["before"]["threshold"],
    }
    for gen in range(3):
        summary[f"gen{gen}"] = spread([r["collections"][gen] for r in runs])["median"]
    return summary


def parse_count(text):
    """'100000', '100_000', '100k', '1M' -> int; ValueError otherwise."""
    cleaned = text.strip().replace("_", "").replace(",", "")
    factor = 1
    if cleaned[-1:] in ("k", "K"):
        factor, cleaned = 1_000, cleaned[:-1]
    elif cleaned[-1:] in ("m", "M"):
        factor, cleaned = 1_000_000, cleaned[:-1]
    if not cleaned.isdigit():
        raise ValueError(f"not a row count: {text!r}")
    value = int(cleaned) * factor
    if value <= 0:
        raise ValueError(f"row counts are positive: {text!r}")
    return value


def parse_counts(text):
    return sorted({parse_count(part) for part in text.split(",") if part.strip()})


def fmt_num(value, digits=0):
    if value is None:
        return "-"
    if digits == 0:
        return f"{round(value):,}"
    return f"{value:,.{digits}f}"


def fmt_spread(s, digits=0):
    """'829 (812–860)' or just the median when min == max."""
    if s is None:
        return "-"
    if s["min"] == s["max"]:
        return fmt_num(s["median"], digits)
    return (f"{fmt_num(s['median'], digits)} "
            f"({fmt_num(s['min'], digits)}–{fmt_num(s['max'], digits)})")


def fmt_rows(rows):
    if rows >= 1_000_000 and rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows >= 1_000 and rows % 1_000 == 0:
        return f"{rows // 1_000}k"
    return f"{rows:,}"


def ratio(ours, theirs):
    if not ours or not theirs:
        return None
    return theirs / ours


def fmt_ratio(value):
    return "-" if value is None else f"{value:.2f}×"


def render(headers, rows, markdown=False, align=None):
    """A table as aligned text, or as GitHub markdown."""
    align = align or ["l"] + ["r"] * (len(headers) - 1)
    if markdown:
        lines = ["| " + " | ".join(headers) + " |",
                 "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)]

    def line(cells):
        out = []
        for cell, width, a in zip(cells, widths, align):
            out.append(str(cell).rjust(width) if a == "r" else str(cell).ljust(width))
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


# --------------------------------------------------------------------------
# Result sections
# --------------------------------------------------------------------------


def job_results(results, workload, rows=None):
    return [r for r in results["python"]
            if r["workload"] == workload and (rows is None or r["rows"] == rows)]


def find(results, workload, config, rows):
    for r in results["python"]:
        if r["workload"] == workload and r["config"] == config and r["rows"] == rows:
            return r
    return None


def median_of(entry, field):
    if not entry or not entry["summary"] or not entry["summary"].get(field):
        return None
    value = entry["summary"][field]
    return value["median"] if isinstance(value, dict) else value


def reference_section(results, markdown):
    rows_wanted = results["options"]["rows"]
    entries = job_results(results, "orm", rows_wanted)
    if not entries:
        return None
    psql = median_of(find(results, "orm", "psqlodbc", rows_wanted), "wall_ms")
    table = []
    for e in entries:
        s = e["summary"]
        if not s:
            table.append([e["config"], e["label"], "failed"] + [""] * 8)
            continue
        wall = s["wall_ms"]["median"]
        table.append([
            e["config"], e["label"], s["driver"] or "-", fmt_num(s["gen0"]), fmt_num(s["gen1"]),
            fmt_num(s["gen2"]), fmt_spread(s["collections_total"]), fmt_spread(s["wall_ms"]),
            fmt_ratio(ratio(wall, psql)), fmt_spread(s["peak_rss_mib"], 1),
            fmt_num(s["threshold0_during"]["median"]) if s["enabled_during"] else "disabled",
            ("yes" if s["restored"] else "NO") + failed_note(e)])
    title = (f"Reference workload: SQLAlchemy ORM loads {rows_wanted:,} rows and keeps "
             f"{-(-rows_wanted // KEEP_EVERY):,}; median (min–max) of "
             f"{results['options']['reps']} fresh processes")
    headers = ["config", "what", "ODBC driver", "gen0", "gen1", "gen2", "collections",
               "wall ms", "speed vs psqlODBC", "peak RSS MiB", "threshold0 during", "restored"]
    align = ["l", "l", "l"] + ["r"] * 8 + ["l"]
    if not markdown:  # the terminal gets the labels once, in the legend
        headers, table, align = drop_columns((1, 2), headers, table, align)
    return title, render(headers, table, markdown, align)


def drop_columns(indexes, headers, table, align):
    def keep(cells):
        return [c for i, c in enumerate(cells) if i not in indexes]

    return keep(headers), [keep(row) for row in table], keep(align)


def legend_section(results, markdown):
    if markdown:
        return None
    used = []
    for e in results["python"]:
        if e["config"] not in used:
            used.append(e["config"])
    if not used:
        return None
    table = [[name, CONFIG_BY_NAME[name].label] for name in used]
    return "Configurations", render(["config", "what"], table, align=["l", "l"])


def failed_note(entry):
    if not entry["failures"]:
        return ""
    return f" ({len(entry['failures'])} of {len(entry['failures']) + len(entry['runs'])} failed)"


def pyodbc_section(results, workload, markdown):
    entries = job_results(results, workload)
    if not entries:
        return None
    table = []
    for e in entries:
        s = e["summary"]
        if not s:
            table.append([fmt_rows(e["rows"]), e["config"], e["label"], "failed", "", "", "", ""])
            continue
        psql = median_of(find(results, workload, "psqlodbc", e["rows"]), "wall_ms")
        wall = s["wall_ms"]["median"]
        table.append([
            fmt_rows(e["rows"]), e["config"], e["label"], fmt_spread(s["wall_ms"]),
            fmt_num(e["rows"] / wall * 1000.0 if wall else None),
            fmt_ratio(ratio(wall, psql)), fmt_spread(s["collections_total"]),
            fmt_spread(s["peak_rss_mib"], 1) + failed_note(e)])
    headers = ["rows", "config", "what", "wall ms", "rows/s", "speed vs psqlODBC",
               "collections", "peak RSS MiB"]
    align = ["r", "l", "l"] + ["r"] * 5
    if not markdown:
        headers, table, align = drop_columns((2,), headers, table, align)
    if workload == "objects":
        title = ("Plain pyodbc: rows into simple Python objects (all kept), then commit; "
                 "median (min–max)")
    else:
        title = "fetchall(): every row as the client's row objects; median (min–max)"
    return title, render(headers, table, markdown, align)


def cfetch_section(results, markdown):
    cfetch = results.get("cfetch")
    if not cfetch:
        return None
    base = {c["name"]: c for c in cfetch["cases"] if c.get("ok")}
    libpq = base.get("libpq_binary", {}).get("median_ms")
    psql = base.get("psql_getdata", {}).get("median_ms")
    table = []
    for c in cfetch["cases"]:
        if not c.get("ok"):
            table.append([c["name"], c.get("label", ""), "failed: " + str(c.get("error", ""))[:60],
                          "", "", "", "", ""])
            continue
        spread_ms = {"median": c["median_ms"], "min": c["min_ms"], "max": c["max_ms"]}
        table.append([
            c["name"], c["label"], fmt_spread(spread_ms), fmt_num(c["client_cpu_median_ms"]),
            fmt_num(c["rows_per_second"]), fmt_num(c["peak_minus_before_mb"], 1),
            fmt_ratio(ratio(libpq, c["median_ms"])) if libpq else "-",
            fmt_ratio(ratio(c["median_ms"], psql)) if psql else "-"])
    title = (f"C fetch benchmark (fetch_bench): {cfetch['rows']:,} rows × 3 columns, "
             f"{cfetch['reps']} reps per case, one process per case; median (min–max)")
    headers = ["case", "how", "wall ms", "cpu ms", "rows/s", "driver MiB",
               "time vs libpq binary", "speed vs psqlODBC getdata"]
    text = render(headers, table, markdown, ["l", "l"] + ["r"] * 6)
    agree = cfetch.get("checksums_agree")
    text += "\n" + ("all cases read the same rows (checksums agree)" if agree else
                    "CHECKSUMS DIFFER between cases: some case read wrong data")
    return title, text


def scaling_section(results, markdown):
    row_counts = results["options"]["scaling_rows"]
    if "scaling" not in results["options"]["cases"]:
        return None
    configs = []
    for e in job_results(results, "orm"):
        if "scaling" in e["cases"] and e["config"] not in configs:
            configs.append(e["config"])
    parts = []
    for field, label, digits in (("collections_total", "collections", 0),
                                 ("wall_ms", "wall ms", 0),
                                 ("peak_rss_mib", "peak RSS MiB", 0)):
        table = []
        for name in configs:
            cells = [name]
            for rows in row_counts:
                cells.append(fmt_num(median_of(find(results, "orm", name, rows), field), digits))
            table.append(cells)
        headers = [label] + [fmt_rows(r) + " rows" for r in row_counts]
        parts.append(render(headers, table, markdown))
    title = "Scaling: the reference workload (ORM, keep every fifth) by row count; medians"
    return title, "\n\n".join(parts)


def compute_targets(results):
    """The issue's targets, measured; reported, never asserted."""
    targets = []
    rows = results["options"]["rows"]
    ours = find(results, "orm", "qf-default", rows)
    psql = find(results, "orm", "psqlodbc", rows)
    if ours and ours["summary"]:
        measured = ours["summary"]["collections_total"]["median"]
        targets.append({"name": "reference workload, default policy: collections",
                        "measured": measured, "target": "≤ 3", "met": measured <= 3,
                        "text": f"{fmt_num(measured)} collections"})
    if ours and psql and ours["summary"] and psql["summary"]:
        a, b = ours["summary"]["wall_ms"]["median"], psql["summary"]["wall_ms"]["median"]
        faster = (1.0 - a / b) * 100.0
        targets.append({"name": "reference workload, default policy vs psqlODBC default",
                        "measured": faster, "target": "≥ 35% faster", "met": faster >= 35.0,
                        "text": f"{faster:.0f}% faster ({fmt_num(a)} ms vs {fmt_num(b)} ms)"})
    big = max(results["options"]["fetchall_rows"] or [0])
    ours = find(results, "fetchall", "qf-default", big)
    psql = find(results, "fetchall", "psqlodbc", big)
    if ours and psql and ours["summary"] and psql["summary"]:
        a, b = ours["summary"]["wall_ms"]["median"], psql["summary"]["wall_ms"]["median"]
        targets.append({"name": f"pyodbc fetchall of {big:,} rows vs psqlODBC",
                        "measured": b / a, "target": "≥ 2×", "met": b / a >= 2.0,
                        "text": f"{b / a:.2f}× faster ({fmt_num(a)} ms vs {fmt_num(b)} ms)"})
    cfetch = {c["name"]: c for c in (results.get("cfetch") or {}).get("cases", []) if c.get("ok")}
    if "qf_getdata" in cfetch and "psql_getdata" in cfetch:
        x = cfetch["psql_getdata"]["median_ms"] / cfetch["qf_getdata"]["median_ms"]
        targets.append({"name": "C SQLFetch+SQLGetData vs psqlODBC", "measured": x,
                        "target": "≥ 4×", "met": x >= 4.0, "text": f"{x:.2f}× faster"})
    if "qf_array" in cfetch and "libpq_binary" in cfetch:
        x = cfetch["qf_array"]["median_ms"] / cfetch["libpq_binary"]["median_ms"]
        targets.append({"name": "C row array vs raw libpq single-row binary", "measured": x,
                        "target": "≤ 1.5×", "met": x <= 1.5, "text": f"{x:.2f}× libpq's time"})
    targets += cppstructs_targets(results)
    return targets


def targets_section(results, markdown):
    targets = results.get("targets") or []
    if not targets:
        return None
    table = [[t["name"], t["target"], t["text"], "met" if t["met"] else "MISSED"]
             for t in targets]
    if results["options"].get("quick"):
        note = " (quick mode: row counts too small to mean anything)"
    else:
        note = ""
    return ("Targets" + note, render(["target", "wanted", "measured", ""], table, markdown,
                                     ["l", "l", "l", "l"]))


def report_sections(results, markdown=False):
    sections = [legend_section(results, markdown), reference_section(results, markdown),
                pyodbc_section(results, "objects", markdown),
                pyodbc_section(results, "fetchall", markdown), cfetch_section(results, markdown),
                cppstructs_section(results, markdown),
                scaling_section(results, markdown), mongo_section(results, markdown),
                targets_section(results, markdown)]
    return [s for s in sections if s]


def machine_lines(results):
    m, v = results["machine"], results["versions"]
    return [
        f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}",
        "versions: " + ", ".join(f"{k} {val}" for k, val in v.items() if val),
        f"commit {results.get('commit') or '-'}, {results['finished']}",
    ]


def markdown_report(results):
    out = ["# quietfetch performance suite", ""]
    out += [f"- {line}" for line in machine_lines(results)]
    for title, text in report_sections(results, markdown=True):
        out += ["", f"## {title}", "", text]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# Sanity checks (--check; the quick mode in CI)
# --------------------------------------------------------------------------


def sanity_problems(results, chart_files=()):
    """What is not sane in the results: a list of sentences, empty when all is."""
    problems = []
    options = results["options"]
    for e in results["python"]:
        where = f"{e['workload']} {e['config']} {e['rows']:,} rows"
        if len(e["runs"]) != options["reps"]:
            problems.append(f"{where}: {len(e['runs'])} of {options['reps']} runs finished")
        for run in e["runs"]:
            expect_rows = e["rows"]
            expect_kept = -(-e["rows"] // KEEP_EVERY) if e["workload"] == "orm" else e["rows"]
            if run["rows"] != expect_rows or run["kept"] != expect_kept:
                problems.append(f"{where}: read {run['rows']} rows and kept {run['kept']}, "
                                f"wanted {expect_rows} and {expect_kept}")
            if not 0 < run["wall_ms"] < 3_600_000:
                problems.append(f"{where}: wall time {run['wall_ms']} ms")
            if not 1 < run["peak_rss_mib"] < 1_000_000:
                problems.append(f"{where}: peak RSS {run['peak_rss_mib']} MiB")
            counts = run["collections"]
            if len(counts) != 3 or any(not isinstance(c, int) or c < 0 for c in counts):
                problems.append(f"{where}: collections {counts}")
            if run["after"] != run["before"]:
                problems.append(f"{where}: collector settings {run['before']} before, "
                                f"{run['after']} after")
            peer = CONFIG_BY_NAME[e["config"]].peer
            want_driver = {"quietfetch": "libquietfetch.so", "psqlodbc": "psqlodbcw.so",
                           "psycopg2": None}[peer]
            if run.get("driver") != want_driver and not (
                    peer == "psqlodbc" and str(run.get("driver", "")).startswith("psqlodbc")):
                problems.append(f"{where}: ran through {run.get('driver')}, wanted {want_driver}")
    for case in options["cases"]:
        if case not in PROGRAM_CASES and not any(case in e["cases"]
                                                       for e in results["python"]):
            problems.append(f"case {case}: nothing ran")
    problems += mongo_sanity_problems(results)
    problems += cppstructs_sanity_problems(results)
    if "cfetch" in options["cases"]:
        cfetch = results.get("cfetch") or {"cases": []}
        names = {c["name"] for c in cfetch["cases"] if c.get("ok")}
        for name, _ in CFETCH_CASES:
            if name not in names:
                problems.append(f"cfetch {name}: did not run")
        for c in cfetch["cases"]:
            if c.get("ok") and (c.get("rows_fetched") != cfetch["rows"] or
                                not c.get("median_ms", 0) > 0):
                problems.append(f"cfetch {c['name']}: {c.get('rows_fetched')} rows in "
                                f"{c.get('median_ms')} ms, wanted {cfetch['rows']} rows")
        if cfetch["cases"] and not cfetch.get("checksums_agree"):
            problems.append("cfetch: the cases read different data (checksums differ)")
    for path in chart_files:
        problems += chart_file_problems(path)
    return problems


def chart_file_problems(path):
    try:
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError as error:
        return [f"chart {path}: {error.strerror}"]
    if path.endswith(".png") and not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return [f"chart {path}: not a PNG file"]
    if path.endswith(".svg") and b"<svg" not in head:
        return [f"chart {path}: not an SVG file"]
    if os.path.getsize(path) < 2000:
        return [f"chart {path}: suspiciously small ({os.path.getsize(path)} bytes)"]
    return []


# --------------------------------------------------------------------------
# Environment, peers and data
# --------------------------------------------------------------------------


def python_can_import(module):
    probe = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                           stdin=subprocess.DEVNULL)
    return probe.returncode == 0


def missing_peers(options, jobs):
    """Everything the selected cases need but cannot reach, as (what, how to fix)."""
    missing = []
    peers = {job.config.peer for job in jobs}
    workloads = {job.workload for job in jobs}
    if "cfetch" in options.cases:
        peers |= {peer for name, peer in CFETCH_CASES}
        if not os.access(options.fetch_bench, os.X_OK):
            missing.append(("the C fetch benchmark " + options.fetch_bench,
                            "build it: scripts/build.sh (QF_BUILD_BENCHMARKS=ON, the default)"))
    if "cppstructs" in options.cases and not os.access(options.orm_bench, os.X_OK):
        missing.append(("the C++ struct benchmark " + options.orm_bench,
                        "build it: scripts/build.sh (QF_BUILD_BENCHMARKS=ON, the default; "
                        "needs libpqxx-dev and libsoci-dev)"))
    if peers & {"quietfetch", "psqlodbc"} and not python_can_import("pyodbc"):
        missing.append(("pyodbc for " + sys.executable, "apt-get install python3-pyodbc"))
    if "orm" in workloads and not python_can_import("sqlalchemy"):
        missing.append(("SQLAlchemy for " + sys.executable, "apt-get install python3-sqlalchemy"))
    if "psycopg2" in peers and not python_can_import("psycopg2"):
        missing.append(("psycopg2 for " + sys.executable, "apt-get install python3-psycopg2"))
    if "quietfetch" in peers:
        path = os.environ.get("QF_DRIVER_PATH", "")
        if not os.path.isfile(path):
            missing.append((f"the quietfetch driver ({path or 'QF_DRIVER_PATH unset'})",
                            "build it: scripts/build.sh"))
    if "psqlodbc" in peers:
        path = os.environ.get("QF_PSQLODBC_PATH", "")
        if not os.path.isfile(path):
            missing.append((f"psqlODBC, the reference ODBC driver ({path or 'QF_PSQLODBC_PATH unset'})",
                            "apt-get install odbc-postgresql"))
    if not options.no_chart and not python_can_import("matplotlib"):
        missing.append(("matplotlib for " + sys.executable + " (the chart)",
                        "apt-get install python3-matplotlib, or pass --no-chart"))
    return missing


def probe_connections(jobs):
    """Connect once through each peer, so a wrong DSN fails before any timing."""
    problems = []
    peers = {job.config.peer for job in jobs}
    for peer, dsn_var in (("quietfetch", "QF_DSN"), ("psqlodbc", "QF_PSQL_DSN")):
        if peer not in peers:
            continue
        code = ("import pyodbc,sys; c=pyodbc.connect('DSN='+sys.argv[1], timeout=15); "
                "c.cursor().execute('SELECT 1').fetchall()")
        done = subprocess.run([sys.executable, "-c", code, os.environ[dsn_var]],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=60)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
            problems.append(f"cannot connect through {peer} (DSN {os.environ[dsn_var]}): {last}")
    return problems


def ensure_tables(row_counts, log):
    """Create the data set's tables that are missing; kept for later runs."""
    for rows in sorted(row_counts):
        env = dict(os.environ, QF_REF_TABLE=table_for(rows), QF_REF_ROWS=str(rows))
        done = subprocess.run([os.path.join(ROOT, "scripts", "load-reference.sh")], env=env,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise RuntimeError(f"loading {table_for(rows)}: {done.stderr.strip()}")
        log(done.stdout.strip() or done.stderr.strip())


def machine_info():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem_kib = int(f.readline().split()[1])
    except OSError:
        mem_kib = 0
    os_name = platform.platform()
    try:
        with open("/etc/os-release") as f:
            fields = dict(line.rstrip().split("=", 1) for line in f if "=" in line)
        os_name = fields.get("PRETTY_NAME", os_name).strip('"')
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 1048576),
            "os": f"{os_name}, Linux {platform.release()}"}


def versions():
    code = ("import json, sys, importlib\n"
            "out = {'Python': sys.version.split()[0]}\n"
            "for m in ('sqlalchemy', 'pyodbc', 'psycopg2'):\n"
            "    try:\n"
            "        module = importlib.import_module(m)\n"
            "        out[m] = getattr(module, '__version__', getattr(module, 'version', ''))"
            ".split()[0]\n"
            "    except Exception: out[m] = None\n"
            "print(json.dumps(out))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    found = json.loads(done.stdout) if done.returncode == 0 else {}
    found["PostgreSQL"] = server_version()
    found["psqlODBC"] = debian_version("odbc-postgresql")
    return found


def server_version():
    try:
        import psycopg2  # noqa: F401  (only to ask the server)

        with qfpy.admin_connection() as connection:
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                return cursor.fetchone()[0].split()[0]
    except Exception:  # a version is decoration; never fail the run over it
        return None


def debian_version(package):
    try:
        done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True,
                              text=True, stdin=subprocess.DEVNULL)
        return done.stdout.strip() or None
    except OSError:
        return None


def git_commit():
    try:
        done = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        return done.stdout.strip() or None
    except OSError:
        return None


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


class Progress:
    """One progress line on stderr: rewritten in place on a terminal."""

    def __init__(self, total, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.tty = stream.isatty()
        self.start = time.monotonic()

    def begin(self, what):
        if self.tty:
            elapsed = time.monotonic() - self.start
            self.stream.write(f"\r\033[K[{self.done + 1}/{self.total}] {what}  "
                              f"({elapsed:.0f} s so far)")
            self.stream.flush()

    def end(self, what, outcome):
        self.done += 1
        if self.tty:
            self.stream.write("\r\033[K")
        else:
            self.stream.write(f"[{self.done}/{self.total}] {what}: {outcome}\n")
        self.stream.flush()

    def log(self, message):
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(message + "\n")
        self.stream.flush()


def run_workload(workload, params, timeout):
    """One fresh process; returns (measurement or None, failure text or None)."""
    command = [sys.executable, os.path.join(HERE, "workloads.py"), workload, json.dumps(params)]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, f"{workload} {json.dumps(params)}: killed after {timeout} s"
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode == 0 and len(lines) == 1:
        return json.loads(lines[0]), None
    tail = "\n".join(done.stderr.strip().splitlines()[-15:])
    return None, f"{workload} {json.dumps(params)}: exit status {done.returncode}\n{tail}"


def run_cfetch_case(options, name, timeout):
    """fetch_bench for one case in its own process; its JSON result."""
    with tempfile.TemporaryDirectory(prefix="qf-perf-") as tmp:
        out = os.path.join(tmp, "case.json")
        command = [options.fetch_bench, "--rows", str(options.cfetch_rows), "--reps",
                   str(options.reps), "--cases", name, "--json", out]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return {"name": name, "ok": False, "error": f"killed after {timeout} s"}
        try:
            with open(out) as f:
                case = json.load(f)["results"][0]
        except (OSError, ValueError, IndexError, KeyError):
            tail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-5:]
            return {"name": name, "ok": False,
                    "error": f"exit status {done.returncode}: " + " / ".join(tail)}
        if done.returncode != 0 and case.get("ok"):
            case["ok"], case["error"] = False, f"exit status {done.returncode}"
        return case


def run_all(options, jobs, progress):
    results = []
    for job in jobs:
        for rep in range(options.reps):
            what = (f"{'+'.join(job.cases)} · {job.config.name} · {job.rows:,} rows · "
                    f"run {rep + 1}/{options.reps}")
            progress.begin(what)
            run, failure = run_workload(job.workload, job.params(), options.timeout)
            if run:
                job.runs.append(run)
                progress.end(what, f"{run['wall_ms']:,.0f} ms, {run['collections_total']:,} "
                                   f"collections")
            else:
                job.failures.append(failure)
                progress.end(what, "FAILED")
                progress.log(f"perf: run failed: {failure}")
        results.append({
            "workload": job.workload, "config": job.config.name, "label": job.config.label,
            "peer": job.config.peer, "rows": job.rows, "cases": job.cases,
            "params": job.params(), "runs": job.runs, "failures": job.failures,
            "summary": summarize_runs(job.runs)})
    return results


def run_cfetch(options, progress):
    cases = []
    for name, _ in CFETCH_CASES:
        what = f"cfetch · {name} · {options.cfetch_rows:,} rows · {options.reps} reps"
        progress.begin(what)
        case = run_cfetch_case(options, name, options.timeout)
        cases.append(case)
        if case.get("ok"):
            progress.end(what, f"{case['median_ms']:,.0f} ms")
        else:
            progress.end(what, "FAILED")
            progress.log(f"perf: cfetch {name} failed: {case.get('error')}")
    checksums = {c.get("checksum") for c in cases if c.get("ok")}
    return {"rows": options.cfetch_rows, "reps": options.reps, "cases": cases,
            "checksums_agree": len(checksums) == 1}


# --------------------------------------------------------------------------
# The C++ struct case (orm_bench): rows into std::vector<SomeEntry>, four ways
# --------------------------------------------------------------------------


def run_cppstructs_case(options, name, rows, timeout):
    """orm_bench for one case and row count in its own process; its JSON result."""
    with tempfile.TemporaryDirectory(prefix="qf-perf-") as tmp:
        out = os.path.join(tmp, "case.json")
        command = [options.orm_bench, "--case", name, "--rows", str(rows), "--reps",
                   str(options.reps), "--json", out]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return {"name": name, "rows": rows, "ok": False, "error": f"killed after {timeout} s"}
        try:
            with open(out) as f:
                case = json.load(f)
        except (OSError, ValueError):
            tail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-5:]
            return {"name": name, "rows": rows, "ok": False,
                    "error": f"exit status {done.returncode}: " + " / ".join(tail)}
        case["wanted_rows"] = rows
        if done.returncode != 0 and case.get("ok"):
            case["ok"], case["error"] = False, f"exit status {done.returncode}"
        return case


def run_cppstructs(options, progress):
    cases = []
    for rows in options.cppstructs_rows:
        for name, _ in CPPSTRUCTS_CASES:
            what = f"cppstructs · {name} · {rows:,} rows · {options.reps} reps"
            progress.begin(what)
            case = run_cppstructs_case(options, name, rows, options.timeout)
            cases.append(case)
            if case.get("ok"):
                progress.end(what, f"{case['median_ms']:,.0f} ms, "
                                   f"{case['peak_rss_mib']:,.0f} MiB")
            else:
                progress.end(what, "FAILED")
                progress.log(f"perf: cppstructs {name} {rows:,} rows failed: {case.get('error')}")
    return cppstructs_record(options.cppstructs_rows, options.reps, cases)


def cppstructs_record(row_counts, reps, cases):
    """The case's results, with whether every way read the same rows per row count."""
    agree = {}
    for rows in row_counts:
        sums = {c.get("checksum") for c in cases if c.get("ok") and c.get("wanted_rows") == rows}
        agree[str(rows)] = len(sums) == 1
    return {"rows": list(row_counts), "reps": reps, "cases": cases, "checksums_agree": agree}


def cppstructs_by(results):
    """{(name, rows): case} of the runs that finished."""
    record = results.get("cppstructs") or {}
    return {(c["name"], c["wanted_rows"]): c for c in record.get("cases", []) if c.get("ok")}


def cppstructs_section(results, markdown):
    record = results.get("cppstructs")
    if not record:
        return None
    labels = dict(CPPSTRUCTS_CASES)
    done = cppstructs_by(results)
    table = []
    for c in record["cases"]:
        rows = c.get("wanted_rows", c.get("rows"))
        if not c.get("ok"):
            table.append([fmt_rows(rows), c["name"], labels.get(c["name"], ""),
                          "failed: " + str(c.get("error", ""))[:60], "", "", "", ""])
            continue
        bridge = done.get(("bridge", rows), {}).get("median_ms")
        libpq = done.get(("libpq", rows), {}).get("median_ms")
        spread_ms = {"median": c["median_ms"], "min": c["min_ms"], "max": c["max_ms"]}
        table.append([
            fmt_rows(rows), c["name"], labels.get(c["name"], ""), fmt_spread(spread_ms),
            fmt_num(c.get("cpu_median_ms")), fmt_num(c["peak_rss_mib"], 1),
            "-" if c["name"] == "bridge" or not bridge else fmt_ratio(c["median_ms"] / bridge),
            fmt_ratio(c["median_ms"] / libpq) if libpq else "-"])
    title = ("C++ structs (orm_bench): reference rows into std::vector<SomeEntry>, "
             f"{record['reps']} reps per case, one process per case; median (min–max)")
    headers = ["rows", "case", "how", "ms", "client cpu ms", "peak RSS MiB", "bridge faster by",
               "time vs libpq"]
    text = render(headers, table, markdown, ["l", "l", "l"] + ["r"] * 5)
    agree = record.get("checksums_agree") or {}
    differ = [fmt_rows(int(rows)) for rows, ok in agree.items() if not ok]
    text += "\n" + ("all four read the same rows (checksums agree)" if not differ else
                    "CHECKSUMS DIFFER at " + ", ".join(differ) + ": some case read wrong data")
    return title, text


def cppstructs_targets(results):
    record = results.get("cppstructs")
    if not record or not record.get("rows"):
        return []
    rows = max(record["rows"])
    done = cppstructs_by(results)
    bridge = done.get(("bridge", rows))
    if not bridge:
        return []
    targets = []
    for peer, label in (("pqxx", "libpqxx"), ("soci", "SOCI")):
        if (peer, rows) in done:
            x = done[(peer, rows)]["median_ms"] / bridge["median_ms"]
            targets.append({"name": f"C++ structs, {rows:,} rows: bridge vs {label}",
                            "measured": x, "target": "≥ 2×", "met": x >= 2.0,
                            "text": f"{x:.2f}× faster"})
    if ("libpq", rows) in done:
        x = bridge["median_ms"] / done[("libpq", rows)]["median_ms"]
        targets.append({"name": f"C++ structs, {rows:,} rows: bridge vs hand-written libpq",
                        "measured": x, "target": "≤ 1.3×", "met": x <= 1.3,
                        "text": f"{x:.2f}× libpq's time"})
    return targets


def cppstructs_sanity_problems(results):
    if "cppstructs" not in results["options"]["cases"]:
        return []
    record = results.get("cppstructs") or {"rows": [], "cases": []}
    problems = []
    done = cppstructs_by(results)
    for rows in results["options"].get("cppstructs_rows") or record["rows"]:
        for name, _ in CPPSTRUCTS_CASES:
            case = done.get((name, rows))
            if case is None:
                problems.append(f"cppstructs {name} {rows:,} rows: did not run")
            elif case.get("rows") != rows or not case.get("median_ms", 0) > 0:
                problems.append(f"cppstructs {name}: {case.get('rows')} rows in "
                                f"{case.get('median_ms')} ms, wanted {rows} rows")
            elif not 1 < case.get("peak_rss_mib", 0) < 1_000_000:
                problems.append(f"cppstructs {name} {rows:,} rows: peak RSS "
                                f"{case.get('peak_rss_mib')} MiB")
        if record["cases"] and not (record.get("checksums_agree") or {}).get(str(rows)):
            problems.append(f"cppstructs {rows:,} rows: the cases read different data "
                            "(checksums differ)")
    return problems


# --------------------------------------------------------------------------
# The MongoDB case (workloads.py mongo): its own configurations, runs and table
# --------------------------------------------------------------------------

MONGO_COLLECTION = "some_entries"
MONGO_DEFAULTS = {"docs": 100_000, "keep": 20_000}  # the original MongoEngine measurement
MONGO_QUICK = {"docs": 5_000, "keep": 1_000}


@dataclasses.dataclass(frozen=True)
class MongoConfig:
    name: str
    label: str
    client: str  # "pymongo", "mongoengine" or "odbc" (workloads.py mongo)
    odbc: tuple = ()  # extra ODBC connection keywords, (key, value) pairs
    manual_threshold0: int = None


MONGO_CONFIGS = [
    MongoConfig("pymongo", "PyMongo find() into plain objects", "pymongo"),
    MongoConfig("pymongo-manual", "PyMongo + gc.set_threshold(50_000) by hand", "pymongo",
                manual_threshold0=MANUAL_THRESHOLD0),
    MongoConfig("mongoengine", "MongoEngine QuerySet of Documents", "mongoengine"),
    MongoConfig("mongoengine-manual", "MongoEngine + gc.set_threshold(50_000) by hand",
                "mongoengine", manual_threshold0=MANUAL_THRESHOLD0),
    MongoConfig("qf-mongo-default", "pyodbc + quietfetch (MongoUri), default policy", "odbc"),
    MongoConfig("qf-mongo-off", "pyodbc + quietfetch (MongoUri), GcPolicy=off", "odbc",
                (("GcPolicy", "off"),)),
]
MONGO_CONFIG_BY_NAME = {config.name: config for config in MONGO_CONFIGS}


def mongo_collection_for(docs):
    return MONGO_COLLECTION if docs == MONGO_DEFAULTS["docs"] else f"{MONGO_COLLECTION}_{docs}"


def mongo_uri():
    """MONGODB_URI, else the one scripts/mongo.sh recorded for this build."""
    uri = os.environ.get("MONGODB_URI")
    if uri:
        return uri
    build_dir = os.environ.get("QF_BUILD_DIR") or os.path.join(ROOT, "build")
    try:
        with open(os.path.join(build_dir, "test-env", "mongo-env.sh")) as f:
            for line in f:
                if line.startswith("export MONGODB_URI="):
                    import shlex

                    return shlex.split(line[len("export "):])[0].split("=", 1)[1]
    except OSError:
        pass
    return None


def mongo_configs(options):
    if options.mongo_configs:
        return [MONGO_CONFIG_BY_NAME[name] for name in options.mongo_configs]
    return list(MONGO_CONFIGS)


def mongo_missing(options):
    """What the mongo case needs but cannot reach, as (what, how to fix)."""
    if "mongo" not in options.cases:
        return []
    missing = []
    clients = {config.client for config in mongo_configs(options)}
    if not mongo_uri():
        missing.append(("MONGODB_URI (the MongoDB server)",
                        "scripts/mongo.sh start and . <build>/test-env/mongo-env.sh, or leave "
                        "out the case: --cases without mongo"))
    if not python_can_import("pymongo"):
        missing.append(("PyMongo for " + sys.executable, "apt-get install python3-pymongo"))
    if "mongoengine" in clients and not python_can_import("mongoengine"):
        missing.append(("MongoEngine for " + sys.executable,
                        "apt-get install python3-mongoengine, or --mongo-configs without it"))
    if "odbc" in clients and not python_can_import("pyodbc"):
        missing.append(("pyodbc for " + sys.executable, "apt-get install python3-pyodbc"))
    return missing


def mongo_probe(options):
    """Reach the server once, so a wrong URI fails before any timing."""
    if "mongo" not in options.cases:
        return []
    code = ("import pymongo,sys; pymongo.MongoClient(sys.argv[1], "
            "serverSelectionTimeoutMS=15000).admin.command('ping')")
    done = subprocess.run([sys.executable, "-c", code, mongo_uri()], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=60)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return [f"cannot reach MongoDB at {mongo_uri()}: {last}"]
    return []


def ensure_mongo_collection(docs, log):
    env = dict(os.environ, MONGODB_URI=mongo_uri(), QF_REF_COLLECTION=mongo_collection_for(docs),
               QF_REF_ROWS=str(docs))
    done = subprocess.run([os.path.join(ROOT, "scripts", "load-reference-mongo.sh")], env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError(f"loading {mongo_collection_for(docs)}: {done.stderr.strip()}")
    log(done.stdout.strip() or done.stderr.strip())


def run_mongo(options, progress):
    entries = []
    for config in mongo_configs(options):
        params = {"client": config.client, "uri": mongo_uri(), "limit": options.mongo_keep,
                  "collection": mongo_collection_for(options.mongo_docs)}
        if config.odbc:
            params["odbc"] = dict(config.odbc)
        if config.manual_threshold0:
            params["manual_threshold0"] = config.manual_threshold0
        runs, failures = [], []
        for rep in range(options.reps):
            what = (f"mongo · {config.name} · {options.mongo_keep:,} of {options.mongo_docs:,} "
                    f"documents · run {rep + 1}/{options.reps}")
            progress.begin(what)
            run, failure = run_workload("mongo", params, options.timeout)
            if run:
                runs.append(run)
                progress.end(what, f"{run['wall_ms']:,.0f} ms, {run['collections_total']:,} "
                                   f"collections")
            else:
                failures.append(failure)
                progress.end(what, "FAILED")
                progress.log(f"perf: run failed: {failure}")
        entries.append({"config": config.name, "label": config.label, "client": config.client,
                        "params": params, "runs": runs, "failures": failures,
                        "summary": summarize_runs(runs)})
    return {"docs": options.mongo_docs, "keep": options.mongo_keep, "reps": options.reps,
            "server": mongo_server_version(), "entries": entries}


def mongo_server_version():
    code = ("import json,pymongo,sys; i=pymongo.MongoClient(sys.argv[1], "
            "serverSelectionTimeoutMS=15000).server_info(); "
            "print(json.dumps([i.get('version'), i.get('quietfetchTestServer')]))")
    try:
        done = subprocess.run([sys.executable, "-c", code, mongo_uri()], capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=60)
        version, test_server = json.loads(done.stdout)
    except Exception:  # a version is decoration; never fail the run over it
        return None
    return f"MongoDB-wire test server ({test_server})" if test_server else f"MongoDB {version}"


def mongo_section(results, markdown):
    mongo = results.get("mongo")
    if not mongo or not mongo["entries"]:
        return None
    base = next((e for e in mongo["entries"] if e["config"] == "pymongo"), None)
    base_ms = median_of(base, "wall_ms")
    table = []
    for e in mongo["entries"]:
        s = e["summary"]
        if not s:
            table.append([e["config"], e["label"], "-", "failed"] + [""] * 8)
            continue
        wall = s["wall_ms"]["median"]
        table.append([
            e["config"], e["label"], s["driver"] or "-", fmt_num(s["gen0"]), fmt_num(s["gen1"]),
            fmt_num(s["gen2"]), fmt_spread(s["collections_total"]), fmt_spread(s["wall_ms"]),
            fmt_ratio(ratio(wall, base_ms)), fmt_spread(s["peak_rss_mib"], 1),
            fmt_num(s["threshold0_during"]["median"]) if s["enabled_during"] else "disabled",
            ("yes" if s["restored"] else "NO") + failed_note(e)])
    title = (f"MongoDB reference workload: one query for {mongo['keep']:,} of "
             f"{mongo['docs']:,} documents into Python objects (all kept); median (min–max) of "
             f"{mongo['reps']} fresh processes; server: {mongo.get('server') or '-'}")
    headers = ["config", "what", "client", "gen0", "gen1", "gen2", "collections", "wall ms",
               "speed vs PyMongo", "peak RSS MiB", "threshold0 during", "restored"]
    align = ["l", "l", "l"] + ["r"] * 8 + ["l"]
    if not markdown:
        headers, table, align = drop_columns((1,), headers, table, align)
    text = render(headers, table, markdown, align)
    return title, text


def mongo_sanity_problems(results):
    mongo = results.get("mongo")
    if "mongo" not in results["options"]["cases"]:
        return []
    if not mongo or not mongo["entries"]:
        return ["case mongo: nothing ran"]
    problems = []
    for e in mongo["entries"]:
        where = f"mongo {e['config']}"
        if len(e["runs"]) != mongo["reps"]:
            problems.append(f"{where}: {len(e['runs'])} of {mongo['reps']} runs finished")
        for run in e["runs"]:
            if run["rows"] != mongo["keep"] or run["kept"] != mongo["keep"]:
                problems.append(f"{where}: read {run['rows']} documents and kept {run['kept']}, "
                                f"wanted {mongo['keep']}")
            if not 0 < run["wall_ms"] < 3_600_000:
                problems.append(f"{where}: wall time {run['wall_ms']} ms")
            if run["after"] != run["before"]:
                problems.append(f"{where}: collector settings {run['before']} before, "
                                f"{run['after']} after")
            if e["client"] == "odbc" and run.get("driver") != "libquietfetch.so":
                problems.append(f"{where}: ran through {run.get('driver')}, wanted "
                                "libquietfetch.so")
    return problems


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="perfsuite.py", description=__doc__.split("\n\n")[0],
        epilog="Configurations: " + ", ".join(c.name for c in CONFIGS) + ".")
    parser.add_argument("--cases", help="comma-separated subset of " + ",".join(CASES)
                        + " (default all)")
    parser.add_argument("--configs", help="only these configurations (comma-separated names; "
                        "see --list)")
    parser.add_argument("--scaling-configs", help="configurations for the scaling case "
                        "(default all; e.g. qf-default,psqlodbc for a shorter run)")
    parser.add_argument("--reps", type=int, help="fresh processes per configuration "
                        f"(default {DEFAULTS['reps']})")
    parser.add_argument("--rows", help=f"rows of the reference workload (default "
                        f"{DEFAULTS['rows']:,}); 10k, 1M, 1_000_000 are understood")
    parser.add_argument("--objects-rows", help="rows loaded into objects by plain pyodbc "
                        f"(default {DEFAULTS['objects_rows']:,})")
    parser.add_argument("--fetchall-rows", help="row counts for fetchall (default 100k,1M)")
    parser.add_argument("--cfetch-rows", help="rows for the C fetch benchmark (default 1M)")
    parser.add_argument("--cppstructs-rows", help="row counts for the C++ struct benchmark "
                        "(default 20k,100k,1M)")
    parser.add_argument("--scaling-rows", help="row counts for scaling (default 10k,100k,1M)")
    parser.add_argument("--mongo-configs", help="configurations for the mongo case (default "
                        "those enabled; see --list)")
    parser.add_argument("--mongo-docs", help="documents in the mongo case's collection "
                        f"(default {MONGO_DEFAULTS['docs']:,})")
    parser.add_argument("--mongo-keep", help="documents the mongo case queries and keeps "
                        f"(default {MONGO_DEFAULTS['keep']:,})")
    parser.add_argument("--quick", action="store_true",
                        help="small row counts and one repetition (what CI runs); explicit "
                        "options still win")
    parser.add_argument("--out", help="directory for results.json, results.md and the chart "
                        "(default $QF_BUILD_DIR/perf, else build/perf)")
    parser.add_argument("--no-chart", action="store_true", help="skip the chart files")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 unless every case ran and every result is sane")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per process "
                        "(default 900)")
    parser.add_argument("--fetch-bench", help="the fetch_bench program (default "
                        "$QF_BUILD_DIR/conformance/perf/fetch_bench)")
    parser.add_argument("--orm-bench", help="the orm_bench program (default "
                        "$QF_BUILD_DIR/orm-bridge/bench/orm_bench)")
    parser.add_argument("--list", action="store_true", help="list cases and configurations")
    options = parser.parse_args(argv)

    preset = QUICK if options.quick else DEFAULTS
    try:
        options.cases = split_names(options.cases, CASES, "case") if options.cases else CASES[:]
        names = [c.name for c in CONFIGS]
        options.configs = split_names(options.configs, names, "configuration") \
            if options.configs else None
        if options.scaling_configs == "all":
            options.scaling_configs = names
        elif options.scaling_configs:
            options.scaling_configs = split_names(options.scaling_configs, names, "configuration")
        options.reps = options.reps if options.reps is not None else preset["reps"]
        if options.reps < 1:
            raise ValueError("--reps must be at least 1")
        options.rows = parse_count(options.rows) if options.rows else preset["rows"]
        options.objects_rows = (parse_count(options.objects_rows) if options.objects_rows
                                else preset["objects_rows"])
        options.fetchall_rows = (parse_counts(options.fetchall_rows) if options.fetchall_rows
                                 else preset["fetchall_rows"])
        options.cfetch_rows = (parse_count(options.cfetch_rows) if options.cfetch_rows
                               else preset["cfetch_rows"])
        options.scaling_rows = (parse_counts(options.scaling_rows) if options.scaling_rows
                                else preset["scaling_rows"])
        options.cppstructs_rows = (parse_counts(options.cppstructs_rows)
                                   if options.cppstructs_rows else preset["cppstructs_rows"])
        mongo_preset = MONGO_QUICK if options.quick else MONGO_DEFAULTS
        options.mongo_configs = split_names(options.mongo_configs, list(MONGO_CONFIG_BY_NAME),
                                            "mongo configuration") \
            if options.mongo_configs else None
        options.mongo_docs = (parse_count(options.mongo_docs) if options.mongo_docs
                              else mongo_preset["docs"])
        options.mongo_keep = (parse_count(options.mongo_keep) if options.mongo_keep
                              else min(mongo_preset["keep"], options.mongo_docs))
        if options.mongo_keep > options.mongo_docs:
            raise ValueError("--mongo-keep cannot exceed --mongo-docs")
        if options.objects_rows > REFERENCE_ROWS:
            raise ValueError(f"--objects-rows reads from the {REFERENCE_ROWS:,}-row reference "
                             f"table: at most {REFERENCE_ROWS:,}")
    except ValueError as error:
        parser.error(str(error))
    build_dir = os.environ.get("QF_BUILD_DIR") or os.path.join(ROOT, "build")
    options.out = os.path.abspath(options.out or os.path.join(build_dir, "perf"))
    options.fetch_bench = options.fetch_bench or os.path.join(
        build_dir, "conformance", "perf", "fetch_bench")
    options.orm_bench = options.orm_bench or os.environ.get("QF_ORM_BENCH") or os.path.join(
        build_dir, "orm-bridge", "bench", "orm_bench")
    return options


def split_names(text, known, kind):
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise ValueError(f"unknown {kind} {', '.join(unknown) or '(none given)'}; "
                         f"known: {', '.join(known)}")
    return names


def list_everything():
    print("cases:")
    for case in CASES:
        configs = CASE_CONFIGS.get(case)
        if case == "mongo":
            configs = [c.name for c in MONGO_CONFIGS]
        if case == "cppstructs":
            configs = [name for name, _ in CPPSTRUCTS_CASES]
        print(f"  {case:10} " + (", ".join(configs) if configs else
                                 ", ".join(name for name, _ in CFETCH_CASES)))
    print("configurations:")
    for config in CONFIGS:
        print(f"  {config.name:16} {config.label}")
    print("mongo configurations:")
    for config in MONGO_CONFIGS:
        print(f"  {config.name:18} {config.label}")


def options_record(options):
    keys = ("cases", "configs", "scaling_configs", "reps", "rows", "objects_rows",
            "fetchall_rows", "cfetch_rows", "cppstructs_rows", "scaling_rows", "quick")
    return {key: getattr(options, key) for key in keys}


def main(argv):
    options = parse_args(argv)
    if options.list:
        list_everything()
        return 0
    missing_env = qfpy.missing_environment(extra=("QF_DRIVER_PATH",))
    if missing_env:
        sys.stderr.write("perf: the test environment is missing (" + ", ".join(missing_env)
                         + "): run scripts/main.sh, or scripts/pg.sh start and "
                         ". build/test-env/env.sh\n")
        return EXIT_MISSING
    jobs = plan_jobs(options)
    missing = missing_peers(options, jobs) + mongo_missing(options)
    if missing:
        sys.stderr.write("perf: cannot run the selected cases; missing:\n")
        for what, fix in missing:
            sys.stderr.write(f"  - {what}: {fix}\n")
        sys.stderr.write("perf: scripts/install-deps.sh installs them all; or leave out what "
                         "needs them with --cases / --configs (see --list)\n")
        return EXIT_MISSING
    problems = probe_connections(jobs) + mongo_probe(options)
    if problems:
        for problem in problems:
            sys.stderr.write(f"perf: {problem}\n")
        return EXIT_MISSING

    progress = Progress(len(jobs) * options.reps +
                        (len(CFETCH_CASES) if "cfetch" in options.cases else 0) +
                        (len(CPPSTRUCTS_CASES) * len(options.cppstructs_rows)
                         if "cppstructs" in options.cases else 0) +
                        (len(mongo_configs(options)) * options.reps
                         if "mongo" in options.cases else 0))
    tables = set()
    for job in jobs:
        tables |= job.tables()
    if "cppstructs" in options.cases:
        tables |= set(options.cppstructs_rows)
    progress.log(f"perf: {len(jobs)} Python configurations × {options.reps} runs"
                 + (f" and {len(CFETCH_CASES)} C fetch cases" if "cfetch" in options.cases
                    else "") + "; data sets: " + ", ".join(fmt_rows(n) for n in sorted(tables)))
    try:
        ensure_tables(tables, progress.log)
        if "mongo" in options.cases:
            ensure_mongo_collection(options.mongo_docs, progress.log)
    except RuntimeError as error:
        sys.stderr.write(f"perf: {error}\n")
        return EXIT_FAILED

    started = datetime.datetime.now(datetime.timezone.utc)
    results = {"suite": "quietfetch performance suite", "format": 1,
               "started": started.isoformat(timespec="seconds"),
               "options": options_record(options), "machine": machine_info(),
               "versions": versions(), "commit": git_commit()}
    results["python"] = run_all(options, jobs, progress)
    results["cfetch"] = run_cfetch(options, progress) if "cfetch" in options.cases else None
    results["cppstructs"] = (run_cppstructs(options, progress) if "cppstructs" in options.cases
                             else None)
    results["mongo"] = run_mongo(options, progress) if "mongo" in options.cases else None
    results["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(
        timespec="seconds")
    results["targets"] = compute_targets(results)
    return finish(options, results, progress)


def finish(options, results, progress):
    os.makedirs(options.out, exist_ok=True)
    chart_files = []
    if not options.no_chart:
        import chart  # matplotlib is imported only when a chart is wanted

        chart_files = chart.draw(results, options.out)
    results["sanity"] = sanity_problems(results, chart_files)
    json_path = os.path.join(options.out, "results.json")
    with open(json_path, "w") as f:
        json.dump(results, f, indent=1, default=str)
    md_path = os.path.join(options.out, "results.md")
    with open(md_path, "w") as f:
        f.write(markdown_report(results))

    out = sys.stdout
    for title, text in report_sections(results):
        out.write(f"\n{title}\n\n{text}\n")
    out.write("\n" + "\n".join(machine_lines(results)) + "\n")
    failed = any(e["failures"] for e in results["python"]) or any(
        not c.get("ok") for c in (results["cfetch"] or {}).get("cases", [])) or any(
        e["failures"] for e in (results.get("mongo") or {}).get("entries", []))
    if results["sanity"]:
        out.write("\nnot sane:\n" + "".join(f"  - {p}\n" for p in results["sanity"]))
    out.write("\nresults:\n")
    for path in [json_path, md_path] + chart_files:
        out.write(f"  {path}\n")
    out.flush()
    if failed or (options.check and results["sanity"]):
        progress.log("perf: some runs failed or results are not sane (see above)")
        return EXIT_FAILED
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main(sys.argv[1:]))
