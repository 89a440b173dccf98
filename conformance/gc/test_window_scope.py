"""Scenarios 7 and 9: when a window ends.

GcWindow=statement ends it when the cursor closes; the default (unit) keeps
it until commit. In autocommit mode the unit-of-work window outlives the
cursor and ends when the next statement runs on that connection (a statement
on another connection does not end it).
"""

import gcscen

TABLE_ROWS = gcscen.TABLE_ROWS


def raised(settings, original):
    return settings["threshold"][0] > original[0] and settings["threshold"][1:] == original[1:]


def test_statement_window_ends_at_cursor_close(original):
    report = gcscen.run_scenario("window_scope", window="statement", original=original)
    print(report)
    assert report["rows"] == TABLE_ROWS, report
    assert raised(report["during"], original), report
    assert report["after_cursor_close"] == {"enabled": True, "threshold": original}, report
    assert report["after_commit"] == {"enabled": True, "threshold": original}, report
    assert report["process_stats"]["windows_opened"] == 1, report


def test_unit_window_outlives_cursor_until_commit(original):
    report = gcscen.run_scenario("window_scope", window=None, original=original)
    print(report)
    assert report["rows"] == TABLE_ROWS, report
    assert raised(report["during"], original), report
    assert raised(report["after_cursor_close"], original), report
    assert report["after_commit"] == {"enabled": True, "threshold": original}, report
    assert report["process_stats"]["windows_opened"] == 1, report


def test_explicit_unit_window_is_the_default(original):
    report = gcscen.run_scenario("window_scope", window="unit", original=original)
    assert raised(report["after_cursor_close"], original), report
    assert report["after_commit"] == {"enabled": True, "threshold": original}, report


def test_autocommit_window_ends_at_next_statement(original):
    report = gcscen.run_scenario("autocommit_window", original=original)
    print(report)
    assert report["rows"] == TABLE_ROWS, report
    assert raised(report["during"], original), report
    assert raised(report["after_cursor_close"], original), report
    assert raised(report["after_other_connection_statement"], original), report
    assert report["windows_open_before_next"] == 1, report
    assert report["after_next_statement"] == {"enabled": True, "threshold": original}, report
    assert report["process_stats"]["windows_open"] == 0, report
