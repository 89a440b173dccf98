#!/usr/bin/python3
"""The performance suite's chart: chart.png and chart.svg from results.json.

    /usr/bin/python3 chart.py build/perf/results.json [OUT_DIR]

Nine panels: the reference workload's collections, wall time and peak RSS
per configuration; the same three against the row count (scaling); plain
pyodbc into objects; fetchall(); the C fetch benchmark. A panel whose case did
not run says so. perfsuite.py calls draw() after every run.
"""

import json
import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, NullFormatter  # noqa: E402

_PLAIN = FuncFormatter(lambda value, _: f"{value:,.0f}")

# One colour per configuration, the same in every panel: quietfetch in blues
# and greens, psqlODBC in oranges, psycopg2 in purples.
COLORS = {
    "qf-default": "#1f5fbf",
    "qf-off": "#8fb3e8",
    "qf-raise-50k": "#2a9d8f",
    "qf-suspend": "#57b86a",
    "qf-adaptive": "#a3c94f",
    "psqlodbc": "#e07b1f",
    "psqlodbc-manual": "#f2b36b",
    "psycopg2": "#7b4fa8",
    "psycopg2-manual": "#c2a5dd",
}
CFETCH_COLORS = {"libpq": "#555555", "libpqxx": "#888888", "quietfetch": "#1f5fbf",
                 "psqlodbc": "#e07b1f"}


def _median(entry, field):
    summary = entry.get("summary")
    if not summary or summary.get(field) is None:
        return None
    value = summary[field]
    return value["median"] if isinstance(value, dict) else value


def _not_run(ax, title):
    ax.set_title(title, fontsize=11, loc="left")
    ax.text(0.5, 0.5, "not run", ha="center", va="center", color="#999999",
            transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _bars(ax, labels, values, colors, title, xlabel, errors=None, log=False, notes=None):
    """Horizontal bars, top to bottom in the given order, each value written."""
    if not labels:
        _not_run(ax, title)
        return
    positions = list(range(len(labels)))[::-1]
    shown = [v if v is not None else 0 for v in values]
    ax.barh(positions, shown, color=colors, xerr=errors, ecolor="#333333", capsize=2)
    ax.set_yticks(positions, labels, fontsize=9)
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_xlabel(xlabel, fontsize=9)
    if log:
        ax.set_xscale("symlog", linthresh=1)
    highs = errors[1] if errors else [0] * len(values)
    right = max(s + h for s, h in zip(shown, highs)) if shown else 1
    for y, v, high, note in zip(positions, values, highs, notes or [None] * len(values)):
        text = "failed" if v is None else f"{v:,.0f}"
        if note:
            text += f"  {note}"
        # Past the error bar, so the two never overlap.
        ax.text((v or 0) + high, y, "  " + text, va="center", fontsize=8)
    ax.set_xlim(0, right * (6 if log else 1.35) + (2 if log else 0))
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)


def _errors(entries, field):
    low, high = [], []
    for e in entries:
        s = (e.get("summary") or {}).get(field)
        if not s:
            low.append(0)
            high.append(0)
        else:
            low.append(s["median"] - s["min"])
            high.append(s["max"] - s["median"])
    return [low, high]


def _reference_panels(axes, results):
    rows = results["options"]["rows"]
    entries = [e for e in results["python"] if e["workload"] == "orm" and e["rows"] == rows]
    labels = [e["config"] for e in entries]
    colors = [COLORS.get(e["config"], "#999999") for e in entries]
    what = f"reference workload ({rows:,} rows, ORM)"
    _bars(axes[0], labels, [_median(e, "collections_total") for e in entries], colors,
          f"{what}: collections", "collections during the unit of work (log)", log=True)
    psql = next((e for e in entries if e["config"] == "psqlodbc"), None)
    base = _median(psql, "wall_ms") if psql else None
    notes = [f"{base / m:.2f}× psqlODBC" if base and m else None
             for m in (_median(e, "wall_ms") for e in entries)]
    _bars(axes[1], labels, [_median(e, "wall_ms") for e in entries], colors,
          f"{what}: wall time", "ms (median, bars min–max)",
          errors=_errors(entries, "wall_ms"), notes=notes)
    _bars(axes[2], labels, [_median(e, "peak_rss_mib") for e in entries], colors,
          f"{what}: peak RSS", "MiB (median)")


def _scaling_panels(axes, results):
    fields = (("collections_total", "collections", "scaling: collections"),
              ("wall_ms", "wall ms", "scaling: wall time"),
              ("peak_rss_mib", "peak RSS MiB", "scaling: peak RSS"))
    entries = [e for e in results["python"] if e["workload"] == "orm" and "scaling" in e["cases"]]
    if not entries:
        for ax, (_, _, title) in zip(axes, fields):
            _not_run(ax, title)
        return
    configs = []
    for e in entries:
        if e["config"] not in configs:
            configs.append(e["config"])
    for ax, (field, ylabel, title) in zip(axes, fields):
        for name in configs:
            points = sorted((e["rows"], _median(e, field)) for e in entries
                            if e["config"] == name and _median(e, field) is not None)
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                        color=COLORS.get(name, "#999999"), label=name)
        ax.set_xscale("log")
        row_counts = sorted({e["rows"] for e in entries})
        ax.set_xticks(row_counts)
        ax.xaxis.set_major_formatter(_PLAIN)
        ax.xaxis.set_minor_formatter(NullFormatter())
        if field == "collections_total":
            ax.set_yscale("symlog", linthresh=1)
            ax.set_ylim(bottom=0)
        else:
            ax.set_yscale("log")
            ax.yaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(_PLAIN)
        ax.set_title(f"{title} (ORM, keep every fifth)", fontsize=11, loc="left")
        ax.set_xlabel("rows loaded", fontsize=9)
        ax.set_ylabel(ylabel, fontsize=9)
        ax.grid(color="#eeeeee")
        ax.legend(fontsize=8)


def _objects_panel(ax, results):
    entries = [e for e in results["python"] if e["workload"] == "objects"]
    rows = entries[0]["rows"] if entries else 0
    notes = [f"{_median(e, 'collections_total') or 0:,.0f} collections" for e in entries]
    _bars(ax, [e["config"] for e in entries], [_median(e, "wall_ms") for e in entries],
          [COLORS.get(e["config"], "#999999") for e in entries],
          f"plain pyodbc: {rows:,} rows into objects", "ms (median, bars min–max)",
          errors=_errors(entries, "wall_ms"), notes=notes)


def _fetchall_panel(ax, results):
    entries = [e for e in results["python"] if e["workload"] == "fetchall"]
    title = "fetchall(): wall time per 1,000 rows"
    if not entries:
        _not_run(ax, title)
        return
    row_counts = sorted({e["rows"] for e in entries})
    configs = []
    for e in entries:
        if e["config"] not in configs:
            configs.append(e["config"])
    width = 0.8 / len(configs)
    for i, name in enumerate(configs):
        xs, ys = [], []
        for j, rows in enumerate(row_counts):
            entry = next((e for e in entries if e["config"] == name and e["rows"] == rows), None)
            value = _median(entry, "wall_ms") if entry else None
            if value is not None:
                xs.append(j + (i - (len(configs) - 1) / 2) * width)
                ys.append((value, value * 1000.0 / rows))
        ax.bar(xs, [y[1] for y in ys], width, color=COLORS.get(name, "#999999"), label=name)
        for x, (total, per) in zip(xs, ys):
            ax.text(x, per, f"{total:,.0f} ms", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(row_counts)), [f"{r:,} rows" for r in row_counts], fontsize=9)
    ax.set_ylabel("ms per 1,000 rows (median); labels: total ms", fontsize=9)
    ax.set_title(title, fontsize=11, loc="left")
    ax.legend(fontsize=8)
    ax.grid(axis="y", color="#eeeeee")
    ax.set_axisbelow(True)


def _cfetch_panel(ax, results):
    cfetch = results.get("cfetch")
    title = "C fetch benchmark"
    if not cfetch:
        _not_run(ax, title)
        return
    from perfsuite import CFETCH_CASES  # the peer of each case

    peers = dict(CFETCH_CASES)
    cases = cfetch["cases"]
    values = [c["median_ms"] if c.get("ok") else None for c in cases]
    errors = [[(c["median_ms"] - c["min_ms"]) if c.get("ok") else 0 for c in cases],
              [(c["max_ms"] - c["median_ms"]) if c.get("ok") else 0 for c in cases]]
    _bars(ax, [c["name"] for c in cases], values,
          [CFETCH_COLORS.get(peers.get(c["name"]), "#999999") for c in cases],
          f"{title}: {cfetch['rows']:,} rows × 3 columns", "ms (median, bars min–max)",
          errors=errors)


def draw(results, out_dir):
    """Write chart.png and chart.svg into out_dir; returns their paths."""
    fig, axes = plt.subplots(3, 3, figsize=(19, 15))
    _reference_panels(axes[0], results)
    _scaling_panels(axes[1], results)
    _objects_panel(axes[2][0], results)
    _fetchall_panel(axes[2][1], results)
    _cfetch_panel(axes[2][2], results)
    machine = results.get("machine", {})
    fig.suptitle(
        "quietfetch performance suite" + (" (quick mode)" if results["options"].get("quick")
                                          else "")
        + f" — {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores; "
        f"median of {results['options']['reps']} fresh processes; "
        f"commit {results.get('commit') or '-'}, {results.get('finished', '')[:10]}",
        fontsize=13)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    paths = []
    for ext in ("png", "svg"):
        path = os.path.join(out_dir, f"chart.{ext}")
        fig.savefig(path, dpi=90, metadata={"Date": None} if ext == "svg" else None)
        paths.append(path)
    plt.close(fig)
    return paths


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(f"usage: {argv[0]} results.json [OUT_DIR]\n")
        return 2
    with open(argv[1]) as f:
        results = json.load(f)
    out_dir = argv[2] if len(argv) == 3 else os.path.dirname(os.path.abspath(argv[1]))
    for path in draw(results, out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main(sys.argv))
