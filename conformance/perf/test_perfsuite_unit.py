"""The suite's own logic, without a server: parsing, statistics, the sanity
checks, targets, reports and the chart, on results recorded from a real quick
run (testdata/quick_results.json, written by perfsuite.py --quick)."""

import copy
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import perfsuite  # noqa: E402


@pytest.fixture
def results():
    with open(os.path.join(HERE, "testdata", "quick_results.json")) as f:
        return json.load(f)


def entry(results, workload, config, rows=None):
    for e in results["python"]:
        if e["workload"] == workload and e["config"] == config and rows in (None, e["rows"]):
            return e
    raise AssertionError(f"no {workload} {config} in the recorded results")


def test_row_counts_accept_suffixes_and_separators():
    assert perfsuite.parse_count("100000") == 100_000
    assert perfsuite.parse_count("100_000") == 100_000
    assert perfsuite.parse_count("100,000") == 100_000
    assert perfsuite.parse_count("10k") == 10_000
    assert perfsuite.parse_count("1M") == 1_000_000
    assert perfsuite.parse_counts("1M,10k,10000") == [10_000, 1_000_000]
    for bad in ("", "k", "-5", "0", "1.5M", "ten"):
        with pytest.raises(ValueError):
            perfsuite.parse_count(bad)


def test_spread_is_median_min_max_and_ignores_missing():
    assert perfsuite.spread([3, 1, 2, None]) == {"median": 2, "min": 1, "max": 3}
    assert perfsuite.spread([4, 1]) == {"median": 2.5, "min": 1, "max": 4}
    assert perfsuite.spread([]) is None
    assert perfsuite.fmt_spread({"median": 829.4, "min": 812.0, "max": 860.2}) == "829 (812–860)"
    assert perfsuite.fmt_spread({"median": 5, "min": 5, "max": 5}) == "5"


def test_summary_of_recorded_runs(results):
    e = entry(results, "orm", "qf-off")
    runs = e["runs"] * 3
    runs[1] = copy.deepcopy(runs[1])
    runs[1]["wall_ms"] = 1.0
    runs[2] = copy.deepcopy(runs[2])
    runs[2]["after"] = {"enabled": True, "threshold": [1, 2, 3]}
    summary = perfsuite.summarize_runs(runs)
    assert summary["runs"] == 3
    assert summary["wall_ms"]["min"] == 1.0
    assert summary["wall_ms"]["median"] == e["runs"][0]["wall_ms"]
    assert summary["gen0"] == e["runs"][0]["collections"][0]
    assert summary["restored"] is False
    assert perfsuite.summarize_runs([]) is None


def test_tables_are_named_by_row_count():
    assert perfsuite.table_for(100_000) == "some_entries"
    assert perfsuite.table_for(10_000) == "some_entries_10000"


def test_jobs_are_shared_between_reference_and_scaling():
    options = perfsuite.parse_args(["--cases", "reference,scaling", "--rows", "100k",
                                    "--scaling-rows", "10k,100k", "--configs",
                                    "qf-default,psqlodbc,psycopg2-manual",
                                    "--scaling-configs", "qf-default,psqlodbc"])
    jobs = {job.key(): job for job in perfsuite.plan_jobs(options)}
    shared = jobs[("orm", "qf-default", 100_000)]
    assert shared.cases == ["reference", "scaling"]
    assert ("orm", "qf-default", 10_000) in jobs
    # psycopg2-manual is in the reference case only
    assert ("orm", "psycopg2-manual", 100_000) in jobs
    assert ("orm", "psycopg2-manual", 10_000) not in jobs
    assert len(jobs) == 3 + 2


def test_bad_options_exit_2(capsys):
    for argv in (["--cases", "reference,nope"], ["--configs", "qf-typo"], ["--reps", "0"],
                 ["--rows", "lots"], ["--objects-rows", "1M"]):
        with pytest.raises(SystemExit) as exit_info:
            perfsuite.parse_args(argv)
        assert exit_info.value.code == 2
        assert "perfsuite.py: error:" in capsys.readouterr().err


def test_quick_mode_defaults_and_explicit_options_win():
    quick = perfsuite.parse_args(["--quick"])
    assert quick.reps == 1 and quick.rows == perfsuite.QUICK["rows"]
    both = perfsuite.parse_args(["--quick", "--reps", "2", "--rows", "7k"])
    assert both.reps == 2 and both.rows == 7_000 and both.cfetch_rows == perfsuite.QUICK[
        "cfetch_rows"]


def test_recorded_results_are_sane(results):
    assert perfsuite.sanity_problems(results) == []


@pytest.mark.parametrize("damage, expected", [
    (lambda r: entry(r, "orm", "qf-default")["runs"].clear(), "0 of 1 runs finished"),
    (lambda r: entry(r, "orm", "psqlodbc")["runs"][0].update(rows=17), "read 17 rows"),
    (lambda r: entry(r, "fetchall", "psycopg2", 5000)["runs"][0].update(wall_ms=0),
     "wall time 0 ms"),
    (lambda r: entry(r, "objects", "qf-off")["runs"][0].update(
        after={"enabled": False, "threshold": [700, 10, 10]}), "collector settings"),
    (lambda r: entry(r, "orm", "qf-suspend")["runs"][0].update(collections=[1, -1, 0]),
     "collections [1, -1, 0]"),
    (lambda r: entry(r, "orm", "qf-default")["runs"][0].update(driver="psqlodbcw.so"),
     "ran through psqlodbcw.so"),
    (lambda r: r["cfetch"]["cases"].pop(), "cfetch psql_array: did not run"),
    (lambda r: r["cfetch"].update(checksums_agree=False), "checksums differ"),
    (lambda r: [e["cases"].remove("scaling") for e in r["python"] if "scaling" in e["cases"]],
     "case scaling: nothing ran"),
])
def test_sanity_finds_each_kind_of_damage(results, damage, expected):
    damage(results)
    problems = perfsuite.sanity_problems(results)
    assert any(expected in p for p in problems), problems


def test_targets_are_measured_from_the_results(results):
    targets = {t["name"]: t for t in perfsuite.compute_targets(results)}
    ours = entry(results, "orm", "qf-default", results["options"]["rows"])["summary"]
    psql = entry(results, "orm", "psqlodbc", results["options"]["rows"])["summary"]
    collections = targets["reference workload, default policy: collections"]
    assert collections["measured"] == ours["collections_total"]["median"]
    assert collections["met"] == (ours["collections_total"]["median"] <= 3)
    speed = targets["reference workload, default policy vs psqlODBC default"]
    expected = (1 - ours["wall_ms"]["median"] / psql["wall_ms"]["median"]) * 100
    assert speed["measured"] == pytest.approx(expected)
    assert any(name.startswith("pyodbc fetchall of 10,000 rows") for name in targets)
    assert "C SQLFetch+SQLGetData vs psqlODBC" in targets


def test_reports_hold_every_section(results):
    text = "\n".join(f"{title}\n{body}" for title, body in perfsuite.report_sections(results))
    for needle in ("Reference workload", "Plain pyodbc", "fetchall()", "C fetch benchmark",
                   "Scaling", "Targets", "qf-default", "psqlodbc-manual", "libpq_binary"):
        assert needle in text
    markdown = perfsuite.markdown_report(results)
    assert markdown.startswith("# quietfetch performance suite")
    assert "| qf-default | quietfetch, default policy (raise, auto) | libquietfetch.so |" in markdown
    assert "machine:" in markdown


def test_chart_files_are_valid(results, tmp_path):
    pytest.importorskip("matplotlib", reason="python3-matplotlib draws the chart")
    import chart

    paths = chart.draw(results, str(tmp_path))
    assert sorted(os.path.basename(p) for p in paths) == ["chart.png", "chart.svg"]
    for path in paths:
        assert perfsuite.chart_file_problems(path) == []
    (tmp_path / "chart.png").write_bytes(b"not a png" * 1000)
    assert perfsuite.chart_file_problems(str(tmp_path / "chart.png")) == [
        f"chart {tmp_path / 'chart.png'}: not a PNG file"]


def test_chart_says_when_a_case_did_not_run(results, tmp_path):
    pytest.importorskip("matplotlib", reason="python3-matplotlib draws the chart")
    import chart

    results["python"] = [e for e in results["python"] if e["workload"] == "orm"]
    results["cfetch"] = None
    assert len(chart.draw(results, str(tmp_path))) == 2
    assert b"not run" in (tmp_path / "chart.svg").read_bytes()


def test_missing_environment_exits_3_with_a_message():
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("QF_", "ODBC"))}
    done = subprocess.run([sys.executable, os.path.join(HERE, "perfsuite.py"), "--quick"],
                          env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 3
    assert "the test environment is missing" in done.stderr
    assert "QF_PG_HOST" in done.stderr


# --------------------------------------------------------------------------
# cppstructs (orm_bench): recorded-shape results built here
# --------------------------------------------------------------------------


def cppstructs_case(name, rows, median_ms, rss=50.0, checksum="00000000000000aa"):
    return {"name": name, "ok": True, "rows": rows, "wanted_rows": rows,
            "times_ms": [median_ms * 0.9, median_ms, median_ms * 1.2], "median_ms": median_ms,
            "min_ms": median_ms * 0.9, "max_ms": median_ms * 1.2, "cpu_median_ms": median_ms / 2,
            "peak_rss_mib": rss,
            "rss_before_mib": 10.0, "checksum": checksum, "error": ""}


@pytest.fixture
def with_cppstructs(results):
    row_counts = [2_000, 10_000]
    speed = {"bridge": 1.0, "pqxx": 3.0, "soci": 2.5, "libpq": 0.9}
    cases = [cppstructs_case(name, rows, speed[name] * rows / 100)
             for rows in row_counts for name, _ in perfsuite.CPPSTRUCTS_CASES]
    results["options"]["cases"] = results["options"]["cases"] + ["cppstructs"]
    results["options"]["cppstructs_rows"] = row_counts
    results["cppstructs"] = perfsuite.cppstructs_record(row_counts, 3, cases)
    return results


def test_cppstructs_is_a_case_with_its_own_rows():
    assert "cppstructs" in perfsuite.CASES and "cppstructs" in perfsuite.PROGRAM_CASES
    options = perfsuite.parse_args([])
    assert options.cppstructs_rows == [20_000, 100_000, 1_000_000]
    quick = perfsuite.parse_args(["--quick", "--cppstructs-rows", "3k,1k"])
    assert quick.cppstructs_rows == [1_000, 3_000]
    assert perfsuite.parse_args(["--quick"]).cppstructs_rows == perfsuite.QUICK["cppstructs_rows"]
    assert options.orm_bench.endswith(os.path.join("orm-bridge", "bench", "orm_bench"))
    # cppstructs runs orm_bench, never a Python job
    assert perfsuite.plan_jobs(perfsuite.parse_args(["--cases", "cppstructs"])) == []


def test_cppstructs_results_are_sane_and_reported(with_cppstructs):
    assert perfsuite.sanity_problems(with_cppstructs) == []
    text = "\n".join(f"{title}\n{body}"
                     for title, body in perfsuite.report_sections(with_cppstructs))
    assert "C++ structs (orm_bench)" in text
    assert "hand-written libpq" in text and "SOCI 4.0" in text
    assert "3.00×" in text  # pqxx takes three times the bridge's time
    assert "all four read the same rows" in text
    assert "| 10k | bridge |" in perfsuite.markdown_report(with_cppstructs)


def test_cppstructs_targets_use_the_largest_row_count(with_cppstructs):
    targets = {t["name"]: t for t in perfsuite.compute_targets(with_cppstructs)}
    pqxx = targets["C++ structs, 10,000 rows: bridge vs libpqxx"]
    assert pqxx["measured"] == pytest.approx(3.0) and pqxx["met"]
    assert targets["C++ structs, 10,000 rows: bridge vs SOCI"]["measured"] == pytest.approx(2.5)
    libpq = targets["C++ structs, 10,000 rows: bridge vs hand-written libpq"]
    assert libpq["measured"] == pytest.approx(1 / 0.9) and libpq["met"]


@pytest.mark.parametrize("damage, expected", [
    (lambda r: r["cppstructs"]["cases"].pop(), "cppstructs libpq 10,000 rows: did not run"),
    (lambda r: r["cppstructs"]["cases"][0].update(ok=False, error="boom"),
     "cppstructs bridge 2,000 rows: did not run"),
    (lambda r: r["cppstructs"]["cases"][1].update(rows=1_999), "1999 rows in"),
    (lambda r: r["cppstructs"]["checksums_agree"].update({"10000": False}),
     "cppstructs 10,000 rows: the cases read different data"),
    (lambda r: r.update(cppstructs=None), "cppstructs soci 2,000 rows: did not run"),
])
def test_cppstructs_sanity_finds_damage(with_cppstructs, damage, expected):
    damage(with_cppstructs)
    problems = perfsuite.sanity_problems(with_cppstructs)
    assert any(expected in p for p in problems), problems


def test_cppstructs_checksums_are_compared_per_row_count():
    cases = [cppstructs_case("bridge", 5, 1.0), cppstructs_case("pqxx", 5, 2.0, checksum="b"),
             cppstructs_case("bridge", 7, 1.0), cppstructs_case("pqxx", 7, 2.0)]
    record = perfsuite.cppstructs_record([5, 7], 1, cases)
    assert record["checksums_agree"] == {"5": False, "7": True}
    failed = perfsuite.cppstructs_section({"cppstructs": perfsuite.cppstructs_record(
        [5], 1, [{"name": "soci", "rows": 5, "ok": False, "error": "no server"}])}, False)
    assert "failed: no server" in failed[1]
