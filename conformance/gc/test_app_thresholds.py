"""Scenario 4: a value the application sets inside a window is left alone."""

import gcscen

TABLE_ROWS = gcscen.TABLE_ROWS


def test_app_sets_threshold0_inside_window(original):
    report = gcscen.run_scenario("app_changes_threshold", change="threshold0", value=1234,
                                 original=original)
    print(report)
    assert report["rows"] == TABLE_ROWS, report
    assert report["during"]["threshold"][0] > original[0], report
    assert report["app_set"]["threshold"] == [1234] + original[1:], report
    # Commit ends the window: threshold0 stays as the application set it, the
    # other fields are the originals.
    assert report["after_commit"] == {"enabled": True, "threshold": [1234] + original[1:]}, report
    assert report["stats_after_first"]["left_alone"] >= 1, report
    # The application's value is the new base for the next window.
    assert report["during_second"]["threshold"][0] > 1234, report
    assert report["after_second"] == {"enabled": True, "threshold": [1234] + original[1:]}, report
    assert report["process_stats"]["windows_open"] == 0, report


def test_app_sets_threshold1_inside_window(original):
    report = gcscen.run_scenario("app_changes_threshold", change="threshold1", value=17,
                                 original=original)
    print(report)
    during0 = report["during"]["threshold"][0]
    assert during0 > original[0], report
    assert report["app_set"]["threshold"] == [during0, 17, original[2]], report
    # threshold0 was still what the driver set: restored. threshold1 is the app's.
    assert report["after_commit"] == {"enabled": True,
                                      "threshold": [original[0], 17, original[2]]}, report
    assert report["during_second"]["threshold"][0] > original[0], report
    assert report["during_second"]["threshold"][1:] == [17, original[2]], report
    assert report["after_second"] == {"enabled": True,
                                      "threshold": [original[0], 17, original[2]]}, report
    assert report["process_stats"]["windows_open"] == 0, report
