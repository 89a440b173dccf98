#!/usr/bin/python3
"""The Python side of the performance suite: one workload, one fresh process.

    /usr/bin/python3 workloads.py WORKLOAD 'JSON params'

prints exactly one JSON line on stdout (the measurement) and exits 0, or
exits non-zero with the reason on stderr. perfsuite.py starts one process per
repetition, so collector counts and peak RSS belong to that run alone.

Workloads:
  orm       the reference workload through SQLAlchemy's ORM (conformance/gc's
            "reference" scenario, the one the collector tests assert on)
  objects   plain pyodbc: fetchall, then one small GC-tracked Python object per
            row, all kept, then commit (what a hand-written loader does)
  fetchall  cursor.fetchall() of every row, nothing else (pyodbc or psycopg2)
  mongo     the MongoDB reference workload: one query for `limit` documents of
            the reference collection, each into a Python object, all kept;
            through PyMongo, MongoEngine or pyodbc with our DSN (MongoUri)

Every measurement has wall_ms (from execute to the end of the unit of work),
collections per generation (gc.callbacks), peak_rss_mib (ru_maxrss), rows,
and the collector settings before, during and after.
"""

import gc
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "gc")))

import gcscen  # noqa: E402  (needs the path above)

COLUMNS = "id, created_date, some_random_number"


class Entry:
    """What a hand-written loader builds per row: an ordinary tracked object."""

    def __init__(self, id, created_date, some_random_number):
        self.id = id
        self.created_date = created_date
        self.some_random_number = some_random_number


def _connect(target, dsn, odbc):
    """A DB-API connection with autocommit off (the unit of work is explicit)."""
    if target == "psycopg2":
        import psycopg2

        return psycopg2.connect(
            host=os.environ["QF_PG_HOST"],
            port=os.environ["QF_PG_PORT"],
            user=os.environ["QF_PG_USER"],
            password=os.environ["QF_PG_PASSWORD"],
            dbname=os.environ["QF_PG_DATABASE"],
        )
    if target != "odbc":
        raise ValueError(f"unknown target {target!r}")
    import pyodbc

    return pyodbc.connect(gcscen.connection_string(dsn, **(odbc or {})), autocommit=False)


def _driver(connection, target):
    if target != "odbc":
        return None
    import pyodbc

    return connection.getinfo(pyodbc.SQL_DRIVER_NAME)


def _measure(target, dsn, odbc, manual_threshold0, work):
    """Run work(cursor) as one unit of work and measure it like gcscen does."""
    connection = _connect(target, dsn, odbc)
    driver = _driver(connection, target)
    cursor = connection.cursor()
    cursor.execute("SELECT 1")  # warm up: the first statement prepares caches
    cursor.fetchall()
    connection.commit()
    gc.collect()
    before = gcscen.settings()
    counter = gcscen.GcCounter()
    with counter:
        start = time.perf_counter()
        if manual_threshold0:
            gc.set_threshold(manual_threshold0, *gc.get_threshold()[1:])
        result = work(cursor)
        during = gcscen.settings()
        connection.commit()
        if manual_threshold0:
            gc.set_threshold(*before["threshold"])
        wall_ms = (time.perf_counter() - start) * 1000.0
    after = gcscen.settings()
    cursor.close()
    connection.close()
    return {"driver": driver, **gcscen.measurement(counter, before, during, after, wall_ms),
            **result}


def objects(table, limit, target="odbc", dsn=None, odbc=None, manual_threshold0=None):
    def work(cursor):
        cursor.execute(f"SELECT {COLUMNS} FROM {table} LIMIT {int(limit)}")
        kept = [Entry(*row) for row in cursor.fetchall()]
        return {"rows": len(kept), "kept": len(kept)}

    return _measure(target, dsn, odbc, manual_threshold0, work)


def fetchall(table, target="odbc", dsn=None, odbc=None, manual_threshold0=None):
    def work(cursor):
        cursor.execute(f"SELECT {COLUMNS} FROM {table}")
        rows = cursor.fetchall()
        # Touch a value of every row, so a lazily converting client pays too.
        touched = sum(1 for row in rows if row[2] is not None)
        return {"rows": len(rows), "kept": touched}

    return _measure(target, dsn, odbc, manual_threshold0, work)


def orm(table, target="odbc", dsn=None, odbc=None, manual_threshold0=None):
    report = gcscen.reference(
        target=target,
        dsn=dsn,
        odbc=odbc,
        original=None,  # the interpreter's own defaults, as an application has them
        manual_threshold0=manual_threshold0,
        stats=False,
        table=table,
    )
    return report


class MongoEntry:
    """A document as a hand-written PyMongo loader keeps it."""

    def __init__(self, _id, id, created_date, some_random_number):
        self._id = _id
        self.id = id
        self.created_date = created_date
        self.some_random_number = some_random_number


def _mongo_database(uri):
    import pymongo
    from pymongo.uri_parser import parse_uri

    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=15_000)
    return client, client[parse_uri(uri).get("database") or "qf"]


def _mongo_pymongo(uri, collection, limit):
    """PyMongo directly: find() with a limit, one object per document."""
    import pymongo

    client, database = _mongo_database(uri)
    coll = database[collection]
    coll.find_one()  # warm up: connection, handshake, session pool

    def work():
        kept = [MongoEntry(d["_id"], d["id"], d["created_date"], d["some_random_number"])
                for d in coll.find().limit(limit)]
        return kept, len(kept)

    return work, None, client.close, f"pymongo {pymongo.version}"


def _mongo_mongoengine(uri, collection, limit):
    """MongoEngine, as the original measurement ran it: a QuerySet of Documents."""
    import mongoengine
    from mongoengine import DateTimeField, Document, IntField, StringField

    mongoengine.connect(host=uri, alias="default", serverSelectionTimeoutMS=15_000)

    class SomeEntry(Document):
        # The document's own "id" field (a uuid4 string) is not MongoEngine's
        # id, which is _id: map it to another attribute name.
        uuid = StringField(db_field="id")
        created_date = DateTimeField()
        some_random_number = IntField()
        meta = {"collection": collection, "strict": False, "auto_create_index": False}

    SomeEntry.objects.first()  # warm up

    def work():
        kept = list(SomeEntry.objects.limit(limit))
        return kept, len(kept)

    return work, None, mongoengine.disconnect, f"mongoengine {mongoengine.__version__}"


def _mongo_odbc(uri, collection, limit, odbc):
    """pyodbc through our driver's mongo backend (the MongoUri keyword)."""
    import pyodbc

    keywords = {"MongoUri": "{" + uri + "}", **(odbc or {})}
    text = "DRIVER={quietfetch};" + ";".join(f"{k}={v}" for k, v in keywords.items())
    connection = pyodbc.connect(text, autocommit=False, timeout=15)
    driver = connection.getinfo(pyodbc.SQL_DRIVER_NAME)
    cursor = connection.cursor()
    cursor.execute(f"SELECT id FROM {collection} LIMIT 1").fetchall()  # warm up
    connection.commit()

    def work():
        cursor.execute(f"SELECT id, created_date, some_random_number FROM {collection} "
                       f"LIMIT {int(limit)}")
        kept = [Entry(*row) for row in cursor.fetchall()]
        return kept, len(kept)

    def close():
        cursor.close()
        connection.close()

    # The unit of work ends at commit, as an application's does (and as the
    # PostgreSQL workloads measure it): after the "during" settings are read.
    return work, connection.commit, close, driver


def mongo(collection, limit, client="pymongo", uri=None, odbc=None, manual_threshold0=None):
    uri = uri or os.environ["MONGODB_URI"]
    if client == "pymongo":
        work, end_unit, close, driver = _mongo_pymongo(uri, collection, limit)
    elif client == "mongoengine":
        work, end_unit, close, driver = _mongo_mongoengine(uri, collection, limit)
    elif client == "odbc":
        work, end_unit, close, driver = _mongo_odbc(uri, collection, limit, odbc)
    else:
        raise ValueError(f"unknown MongoDB client {client!r}")
    gc.collect()
    before = gcscen.settings()
    counter = gcscen.GcCounter()
    with counter:
        start = time.perf_counter()
        if manual_threshold0:
            gc.set_threshold(manual_threshold0, *gc.get_threshold()[1:])
        kept, rows = work()
        during = gcscen.settings()
        if end_unit:
            end_unit()
        if manual_threshold0:
            gc.set_threshold(*before["threshold"])
        wall_ms = (time.perf_counter() - start) * 1000.0
    after = gcscen.settings()
    close()
    return {"driver": driver, **gcscen.measurement(counter, before, during, after, wall_ms),
            "rows": rows, "kept": len(kept)}


WORKLOADS = {"orm": orm, "objects": objects, "fetchall": fetchall, "mongo": mongo}


def main(argv):
    if len(argv) != 3 or argv[1] not in WORKLOADS:
        sys.stderr.write(f"usage: {argv[0]} {'|'.join(WORKLOADS)} 'JSON params'\n")
        return 2
    report = WORKLOADS[argv[1]](**json.loads(argv[2]))
    sys.stdout.write(json.dumps(report, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
