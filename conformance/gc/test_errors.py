"""Scenario 3: the restore is exact when the fetch fails after the window opened."""

import pytest

import gcscen


def raised(settings, original):
    return settings["threshold"][0] > original[0] and settings["threshold"][1:] == original[1:]


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_query_error_after_window_opened(end, original):
    # Division by zero at row 50,000 of 100,000: fetchall raises 22012 after
    # 5,000 rows were fetched with the window open.
    report = gcscen.run_scenario("error_mid_fetch", end=end, original=original)
    print(report)
    assert raised(report["during"], original), report
    assert report["windows_open_during"] >= 1, report
    assert report["sqlstate"] == "22012", report
    assert 5000 <= report["fetched"] < 50000, report
    # rollback (or close) ends the unit of work: back exactly.
    assert report["ended"] == {"enabled": True, "threshold": original}, report
    assert report["final"] == {"enabled": True, "threshold": original}, report
    assert report["process_stats"]["windows_open"] == 0, report


@pytest.mark.parametrize("end", ["close", "rollback"])
@pytest.mark.parametrize("fetch_after_kill", [True, False], ids=["fetch-until-error", "no-fetch"])
def test_connection_killed_mid_fetch(fetch_after_kill, end, original):
    # pg_terminate_backend from a psycopg2 side connection after 5,000 rows;
    # then either fetch until the driver reports the lost connection, or end
    # the unit of work at once with the cursor still open.
    report = gcscen.run_scenario("killed_mid_fetch", original=original,
                                 fetch_after_kill=fetch_after_kill, end=end)
    print({k: v for k, v in report.items() if k != "_stderr"})
    assert report["terminated"] is True, report
    assert raised(report["during"], original), report
    if fetch_after_kill:
        assert report["error"] is not None, f"no error after the backend was terminated: {report}"
        assert report["sqlstate"][:2] in ("08", "57"), report
        assert report["fetched"] < 50_000_000, report
    if end == "rollback":
        # The unit of work is over even though the server cannot confirm it.
        assert report["after_rollback"] == {"enabled": True, "threshold": original}, report
    assert report["ended"] == {"enabled": True, "threshold": original}, report
    assert report["process_stats"]["windows_open"] == 0, report
