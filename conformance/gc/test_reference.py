"""Scenarios 1 and 2: the reference workload through SQLAlchemy's ORM.

DESIGN.md ("Why"): an application ORM-loads the 100,000 rows of
some_entries through ``postgresql+quietfetch`` (pyodbc + our DSN) and keeps
every fifth. Collections are counted from ``session.execute`` to after
``session.close()`` (the rollback that ends the unit of work), in a fresh
process that starts from the thresholds (701, 11, 9).
"""

import gcscen

TABLE_ROWS = gcscen.TABLE_ROWS


def summary(report):
    keys = ("rows", "kept", "collections", "before", "during", "after", "wall_ms")
    return {key: report.get(key) for key in keys} | {"process_stats": report.get("process_stats")}


def test_default_policy_holds_collector_during_the_unit_of_work(dialect, original):
    report = gcscen.run_scenario("reference", original=original)
    info = summary(report)
    print(info)
    assert report["rows"] == TABLE_ROWS, info
    assert report["kept"] == TABLE_ROWS // gcscen.KEEP_EVERY, info
    assert report["before"] == {"enabled": True, "threshold": original}, info
    # Right after the query, before the session closes: the window is open.
    assert report["during"]["threshold"][0] > original[0], info
    assert report["during"]["threshold"][1:] == original[1:], info
    assert report["during"]["enabled"] is True, info
    assert report["collections_total"] <= 3, info
    # session.close() ends the unit of work: back exactly, not to CPython's defaults.
    assert report["after"] == {"enabled": True, "threshold": original}, info
    stats = report["process_stats"]
    assert stats["collector"] == "cpython", info
    assert stats["windows_opened"] >= 1, info
    assert stats["windows_open"] == 0, info


def test_policy_off_leaves_the_collector_alone(dialect, original):
    report = gcscen.run_scenario("reference", original=original, odbc={"GcPolicy": "off"})
    info = summary(report)
    print(info)
    assert report["rows"] == TABLE_ROWS, info
    assert report["kept"] == TABLE_ROWS // gcscen.KEEP_EVERY, info
    # CPython's default behaviour, the way psqlODBC leaves it: hundreds of
    # collections that find nothing.
    assert report["collections_total"] > 300, info
    assert report["during"] == {"enabled": True, "threshold": original}, info
    assert report["after"] == {"enabled": True, "threshold": original}, info
    stats = report["process_stats"]
    assert stats["windows_opened"] == 0, info
    assert stats["collector_entries"] == 0, info
