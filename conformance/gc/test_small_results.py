"""Scenario 8: small results pay nothing.

1,000 queries of 10 rows must not enter the collector at all
(collector_entries unchanged, read through the C API of the very driver
object unixODBC loaded). The same child then fetches a bulk result and sees
windows_opened and collector_entries move, which proves the C API reading is
that object's state, not a second copy's.
"""

import os

import pytest

import gcscen


@pytest.mark.parametrize("autocommit", [False, True])
def test_small_results_never_enter_the_collector(autocommit, original):
    report = gcscen.run_scenario("small_results", queries=1000, autocommit=autocommit,
                                 original=original)
    before, small, bulk = report["before"], report["after_small"], report["after_bulk"]
    print({"before": before, "after_small": small, "after_bulk": bulk})
    # One mapping of the driver file: ctypes and unixODBC share the object.
    assert report["driver_mappings"] == [os.path.realpath(os.environ["QF_DRIVER_PATH"])], report
    assert report["small_rows"] == 10 * 1000, report
    assert report["threshold_changed"] == 0, report
    assert small["collector_entries"] == before["collector_entries"], report
    assert small["windows_opened"] == before["windows_opened"], report
    assert small["writes"] == before["writes"], report
    # The assumption behind the reading: a bulk result on the same connection
    # shows up in these very stats.
    assert report["bulk_rows"] == gcscen.TABLE_ROWS, report
    assert report["during_bulk"]["threshold"][0] > original[0], report
    assert bulk["windows_opened"] == small["windows_opened"] + 1, report
    assert bulk["collector_entries"] > small["collector_entries"], report
    assert bulk["collector"] == "cpython", report
    assert report["ended"] == {"enabled": True, "threshold": original}, report
