"""The performance suite in quick mode against the real server, drivers and
clients: every case must run and produce sane numbers, so the suite cannot
rot. Nothing here compares speeds.

Needs the environment of scripts/test.sh (QF_PG_*, ODBC DSNs, QF_DRIVER_PATH)
and the fetch_bench program (QF_FETCH_BENCH, set by CMake)."""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "python"))
sys.dont_write_bytecode = True

import perfsuite  # noqa: E402
import qfpy  # noqa: E402

MISSING = qfpy.missing_environment(extra=("QF_DRIVER_PATH", "QF_FETCH_BENCH"))


def run_suite(out_dir, *args, env=None):
    command = [sys.executable, os.path.join(HERE, "perfsuite.py"), "--out", str(out_dir),
               "--fetch-bench", os.environ["QF_FETCH_BENCH"], *args]
    return subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env=env or dict(os.environ), timeout=900)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    if MISSING:
        pytest.fail("missing environment (run through scripts/test.sh): " + ", ".join(MISSING))
    out = tmp_path_factory.mktemp("quick")
    done = run_suite(out, "--quick", "--check")
    with open(out / "results.json") as f:
        results = json.load(f)
    return done, results, out


def test_every_case_ran_and_is_sane(quick):
    done, results, _ = quick
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert results["sanity"] == []
    assert results["options"]["cases"] == perfsuite.CASES


def test_every_configuration_ran_for_each_case(quick):
    _, results, _ = quick
    options = results["options"]
    ran = {(e["workload"], e["config"], e["rows"]) for e in results["python"] if e["runs"]}
    for config in perfsuite.CASE_CONFIGS["reference"]:
        assert ("orm", config, options["rows"]) in ran
    for config in perfsuite.CASE_CONFIGS["scaling"]:
        for rows in options["scaling_rows"]:
            assert ("orm", config, rows) in ran
    for config in perfsuite.CASE_CONFIGS["objects"]:
        assert ("objects", config, options["objects_rows"]) in ran
    for config in perfsuite.CASE_CONFIGS["fetchall"]:
        for rows in options["fetchall_rows"]:
            assert ("fetchall", config, rows) in ran
    assert [c["name"] for c in results["cfetch"]["cases"] if c["ok"]] == [
        name for name, _ in perfsuite.CFETCH_CASES]


def test_the_policies_did_what_they_say(quick):
    """Behaviour, not speed: which collector settings each configuration ran under."""
    _, results, _ = quick
    rows = results["options"]["rows"]
    by_config = {e["config"]: e["summary"] for e in results["python"]
                 if e["workload"] == "orm" and e["rows"] == rows}
    assert by_config["qf-default"]["threshold0_during"]["median"] >= 50_000
    assert by_config["qf-off"]["threshold0_during"]["median"] == by_config["qf-off"][
        "threshold_before"][0]
    assert by_config["qf-suspend"]["enabled_during"] is False
    assert by_config["psqlodbc-manual"]["threshold0_during"]["median"] == 50_000
    assert all(summary["restored"] for summary in by_config.values())


def test_output_names_the_files_and_shows_the_tables(quick):
    done, _, out = quick
    for name in ("results.json", "results.md", "chart.png", "chart.svg"):
        assert str(out / name) in done.stdout
        assert (out / name).stat().st_size > 0
    for title in ("Reference workload", "Plain pyodbc", "fetchall()", "C fetch benchmark",
                  "Scaling", "Targets (quick mode"):
        assert title in done.stdout
    assert "[1/" in done.stderr  # the progress lines


def test_a_missing_peer_stops_the_suite_with_a_clear_message(tmp_path):
    env = dict(os.environ, QF_PSQLODBC_PATH=str(tmp_path / "no-psqlodbc.so"))
    done = run_suite(tmp_path, "--quick", "--cases", "fetchall", env=env)
    assert done.returncode == 3
    assert "psqlODBC, the reference ODBC driver" in done.stderr
    assert "apt-get install odbc-postgresql" in done.stderr
    assert not (tmp_path / "results.json").exists()


def test_leaving_a_peer_out_is_explicit(tmp_path):
    env = dict(os.environ, QF_PSQLODBC_PATH=str(tmp_path / "no-psqlodbc.so"))
    done = run_suite(tmp_path, "--quick", "--cases", "fetchall", "--configs",
                     "qf-default,psycopg2", "--no-chart", "--check", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(tmp_path / "results.json") as f:
        results = json.load(f)
    assert {e["config"] for e in results["python"]} == {"qf-default", "psycopg2"}
    assert "speed vs psqlODBC" in done.stdout  # the column stays, with "-" in it


def test_a_wrong_dsn_fails_before_anything_runs(tmp_path):
    env = dict(os.environ, QF_DSN="no_such_dsn")
    done = run_suite(tmp_path, "--quick", "--cases", "objects", "--configs", "qf-default",
                     env=env)
    assert done.returncode == 3
    assert "cannot connect through quietfetch (DSN no_such_dsn)" in done.stderr
