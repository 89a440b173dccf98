"""Scenario 11: the suspend and adaptive policies."""

import gcscen

TABLE_ROWS = gcscen.TABLE_ROWS


def test_suspend_disables_during_window(original):
    report = gcscen.run_scenario("suspend", original=original)
    print(report)
    assert report["fetched"] == TABLE_ROWS, report
    assert report["before"] == {"enabled": True, "threshold": original}, report
    for moment in ("early", "late", "end_of_result"):
        # Disabled, thresholds untouched.
        assert report[moment] == {"enabled": False, "threshold": original}, (moment, report)
    assert report["after_commit"] == {"enabled": True, "threshold": original}, report
    assert report["process_stats"]["windows_open"] == 0, report


def test_suspend_gives_collector_back_past_max_rows(original):
    # GcMaxRows=20000: disabled after 3,000 rows, enabled again after 60,000
    # while the window is still open, and enabled after commit.
    report = gcscen.run_scenario("suspend", original=original, max_rows=20000)
    print(report)
    assert report["fetched"] == TABLE_ROWS, report
    assert report["early"] == {"enabled": False, "threshold": original}, report
    assert report["windows_open_late"] == 1, report
    assert report["late"] == {"enabled": True, "threshold": original}, report
    assert report["end_of_result"] == {"enabled": True, "threshold": original}, report
    assert report["after_commit"] == {"enabled": True, "threshold": original}, report


def test_suspend_restores_an_app_disabled_collector(original):
    # The application had disabled the collector itself: it stays disabled.
    report = gcscen.run_scenario("suspend", original=original, app_disabled=True)
    print(report)
    assert report["before"] == {"enabled": False, "threshold": original}, report
    assert report["early"]["enabled"] is False, report
    assert report["after_commit"] == {"enabled": False, "threshold": original}, report


def test_adaptive_reference_workload(dialect, original):
    report = gcscen.run_scenario("reference", original=original, odbc={"GcPolicy": "adaptive"})
    info = {k: report[k] for k in ("rows", "kept", "collections", "before", "during", "after")}
    print(info, report.get("process_stats"))
    assert report["rows"] == TABLE_ROWS, info
    assert report["kept"] == TABLE_ROWS // gcscen.KEEP_EVERY, info
    # adaptive opens at the auto floor and doubles threshold0 after each
    # collection that finds (almost) nothing: a handful of collections (about
    # log2 of how far it had to grow), against well over 300 with the policy off.
    assert report["during"]["threshold"][0] > 50_000, info
    assert report["during"]["threshold"][1:] == original[1:], info
    assert report["collections_total"] <= 10, info
    assert report["after"] == {"enabled": True, "threshold": original}, info
    stats = report["process_stats"]
    assert stats["hook_installed"] is True, stats
    assert stats["windows_open"] == 0, stats


def test_max_seconds_cap_ends_window_on_next_touch(tmp_path, original):
    # GcMaxSeconds=1: after 1.5 s the next fetch on the result ends the nest
    # (restored at once); the rest of the result and the commit change nothing.
    trace = tmp_path / "trace.jsonl"
    report = gcscen.run_scenario("max_seconds", original=original, policy="raise", seconds=1,
                                 trace=str(trace))
    print(report)
    restored = {"enabled": True, "threshold": original}
    assert report["fetched"] == TABLE_ROWS, report
    assert report["during"]["threshold"][0] > original[0], report
    # Nothing touched the windows while the application slept: still raised.
    assert report["slept"] == report["during"], report
    assert report["after_cap"] == restored, report
    assert report["stats_after_cap"]["capped"] == 1, report
    assert report["end_of_result"] == restored, report
    assert report["after_commit"] == restored, report
    lines = [line for line in trace.read_text().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert '"reason":"cap"' in lines[0], lines


def test_max_seconds_cap_gives_suspended_collector_back(original):
    report = gcscen.run_scenario("max_seconds", original=original, policy="suspend", seconds=1)
    print(report)
    restored = {"enabled": True, "threshold": original}
    assert report["during"] == {"enabled": False, "threshold": original}, report
    assert report["after_cap"] == restored, report
    assert report["end_of_result"] == restored, report
    assert report["after_commit"] == restored, report


def test_oldest_window_drives_then_the_next_takes_over(original):
    # Connection one (raise) opens first and drives; connection two (suspend)
    # joins; once one commits, suspend drives: threshold0 back to the saved
    # value and the collector disabled; once two commits, all restored.
    report = gcscen.run_scenario("mixed_policies", original=original, first="raise",
                                 second="suspend")
    print(report)
    assert report["rows"] == [TABLE_ROWS, TABLE_ROWS], report
    assert report["first_open"]["enabled"] is True, report
    assert report["first_open"]["threshold"][0] > original[0], report
    assert report["both_open"]["enabled"] is True, report
    assert report["both_open"]["threshold"][0] > original[0], report
    assert report["second_only"] == {"enabled": False, "threshold": original}, report
    assert report["after"] == {"enabled": True, "threshold": original}, report
    assert report["process_stats"]["windows_open"] == 0, report
