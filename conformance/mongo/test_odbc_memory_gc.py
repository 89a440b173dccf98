"""Bulk reads from MongoDB: bounded memory and the collector policy.

- 100,000 documents stream through pyodbc with the process's peak RSS
  (VmHWM) barely moving: documents are copied into the driver's batch arena
  and the cursor's batchSize follows FetchRows, so memory is bounded by the
  batch limits, not by the collection. The padded collection would need
  over 50 MB if it were held whole.
- The collector policy lives in the driver's core, so it behaves exactly as
  with PostgreSQL: with the default policy a bulk fetch raises CPython's
  gen0 threshold for the unit of work (until SQLEndTran) and puts it back
  exactly; with GcPolicy=off the collector runs as usual. Each scenario runs
  in a fresh interpreter so that nothing else touches the thresholds.
"""

import json
import os
import subprocess
import sys

import pyodbc
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import memtools  # noqa: E402

from test_odbc_driver import connection_string  # noqa: E402

DOCS = 100_000


def fill(collection, make):
    batch = []
    for i in range(DOCS):
        batch.append(make(i))
        if len(batch) == 10_000:
            collection.insert_many(batch, ordered=False)
            batch = []
    if batch:
        collection.insert_many(batch, ordered=False)


@pytest.fixture(scope="module")
def padded(mongo_db):
    """100,000 documents of about 600 bytes (60 MB as a whole)."""
    collection = mongo_db["qf_scan_padded"]
    if collection.estimated_document_count() != DOCS:
        collection.drop()
        fill(collection, lambda i: {"_id": i, "n": i, "pad": f"{i:08d}" + "x" * 560})
    yield collection
    collection.drop()


@pytest.fixture(scope="module")
def entries(mongo_db):
    """The reference collection, or a stand-in of the same shape."""
    collection = mongo_db["some_entries"]
    if collection.estimated_document_count() == DOCS:
        yield collection
        return
    import datetime
    import uuid

    collection = mongo_db["qf_scan_entries"]
    collection.drop()
    base = datetime.datetime(2020, 1, 1)
    fill(collection, lambda i: {"id": str(uuid.uuid4()),
                                "created_date": base + datetime.timedelta(seconds=i),
                                "some_random_number": i % 10_000 + 1})
    yield collection
    collection.drop()


def scan(cursor, sql):
    cursor.execute(sql)
    count = 0
    last = None
    for row in cursor:
        count += 1
        last = row
    return count, last


@pytest.mark.parametrize("fetch_rows,limit_mib", [(None, 16), (100, 16)])
def test_scan_of_100k_documents_keeps_peak_rss_bounded(mongo_uri, padded, fetch_rows, limit_mib):
    keywords = {"FetchRows": fetch_rows} if fetch_rows else {}
    connection = pyodbc.connect(connection_string(mongo_uri, **keywords), autocommit=True)
    cursor = connection.cursor()
    sql = f"SELECT _id, n, pad FROM {padded.name}"
    warm, _ = scan(cursor, sql + " LIMIT 20000")
    assert warm == 20_000
    reset = memtools.reset_peak()
    before = memtools.peak_rss()
    count, last = scan(cursor, sql)
    after = memtools.peak_rss()
    connection.close()
    assert count == DOCS
    assert last.pad.startswith(f"{last.n:08d}")
    growth = max(0, after - before)
    print(f"\n{DOCS:,} documents (~{DOCS * 600 / memtools.MIB:.0f} MiB): peak RSS "
          f"+{growth / memtools.MIB:.1f} MiB (peak {'reset' if reset else 'not reset'})")
    assert growth <= limit_mib * memtools.MIB, (
        f"peak RSS grew by {growth / memtools.MIB:.1f} MiB while scanning {DOCS:,} documents")


SCENARIO = r"""
import gc, json, sys
import pyodbc

class Entry:
    def __init__(self, row):
        self.id = row.id
        self.created_date = row.created_date
        self.some_random_number = row.some_random_number

connection_string, collection = sys.argv[1], sys.argv[2]
original = gc.get_threshold()
collections = [0]
def count(phase, info):
    if phase == "start":
        collections[0] += 1
connection = pyodbc.connect(connection_string)  # manual commit, pyodbc's default
cursor = connection.cursor()
gc.callbacks.append(count)
cursor.execute(f"SELECT id, created_date, some_random_number FROM {collection}")
rows = cursor.fetchall()
cursor.close()
entries = [Entry(row) for row in rows]
kept = entries[::5]
during = gc.get_threshold()
connection.commit()  # SQLEndTran: the unit of work ends
after = gc.get_threshold()
gc.callbacks.remove(count)
print(json.dumps({"rows": len(rows), "kept": len(kept), "collections": collections[0],
                  "original": original, "during": during, "after": after}))
"""


def run_scenario(mongo_uri, collection, **keywords):
    result = subprocess.run(
        [sys.executable, "-c", SCENARIO, connection_string(mongo_uri, **keywords), collection],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_default_policy_holds_the_collector_for_the_unit_of_work(mongo_uri, entries):
    report = run_scenario(mongo_uri, entries.name)
    print(report)
    assert report["rows"] == DOCS and report["kept"] == DOCS // 5
    assert report["during"][0] > report["original"][0], report
    assert report["during"][1:] == report["original"][1:], report
    assert report["after"] == report["original"], report
    assert report["collections"] <= 3, report


def test_policy_off_leaves_the_collector_alone(mongo_uri, entries):
    report = run_scenario(mongo_uri, entries.name, GcPolicy="off")
    print(report)
    assert report["rows"] == DOCS
    assert report["during"] == report["original"] and report["after"] == report["original"]
    assert report["collections"] > 100, report
