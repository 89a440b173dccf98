"""The MongoDB backend through the driver manager and pyodbc.

Each test connects with DRIVER={<built libquietfetch.so>};MongoUri={MONGODB_URI}
and reads collections it fills through pymongo (the ``scratch`` fixture), so
the same tests run against the project's MongoDB-wire test server and a real
mongod. Covered: BSON type mapping, NULLs and missing fields, nested fields,
filters, sorting, limits, parameters, COUNT(*), native commands, the catalog,
SQLGetInfo, unsupported SQL, type conflicts (22018), bad URIs (08001) and a
server that goes away in the middle of a fetch (08S01).
"""

import datetime
import decimal
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import bson
import pymongo
import pyodbc
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def driver_path():
    """The driver library under test: QF_DRIVER_PATH, else the build's."""
    path = os.environ.get("QF_DRIVER_PATH")
    if path:
        return path
    build = os.environ.get("QF_BUILD_DIR")
    env_file = os.environ.get("QF_MONGO_ENV_FILE")
    if not build and env_file:
        build = os.path.dirname(os.path.dirname(env_file))
    if not build:
        pytest.fail("set QF_DRIVER_PATH or QF_BUILD_DIR to find libquietfetch.so")
    return os.path.join(build, "driver", "libquietfetch.so")


def connection_string(uri, **keywords):
    parts = [f"DRIVER={{{driver_path()}}}", "MongoUri={" + uri.replace("}", "}}") + "}"]
    parts += [f"{key}={value}" for key, value in keywords.items()]
    return ";".join(parts)


@pytest.fixture
def connect(mongo_uri):
    opened = []

    def open_connection(uri=None, autocommit=True, **keywords):
        connection = pyodbc.connect(connection_string(uri or mongo_uri, **keywords),
                                    autocommit=autocommit)
        opened.append(connection)
        return connection

    yield open_connection
    for connection in opened:
        try:
            connection.close()
        except pyodbc.Error:
            pass


def sqlstate(error):
    return error.args[0]


OID = bson.ObjectId("65a1b2c3d4e5f60718293a4b")
UUID = uuid.UUID("01234567-89ab-cdef-0123-456789abcdef")
WHEN = datetime.datetime(2024, 2, 29, 23, 59, 58, 123000)


def test_bson_types_map_to_sql_types(scratch, connect):
    scratch.insert_one({
        "_id": OID,
        "i32": 7,
        "i64": bson.Int64(3_000_000_000),
        "dbl": 2.5,
        "dec": bson.Decimal128("-12.340"),
        "flag": True,
        "when": WHEN,
        "text": "héllo",
        "bin": bson.Binary(b"\x00\x01\xff"),
        "uid": bson.Binary.from_uuid(UUID),
        "arr": [1, "two", {"three": 3}],
        "nothing": None,
    })
    cursor = connect().cursor()
    cursor.execute(f"SELECT * FROM {scratch.name}")
    names = [d[0] for d in cursor.description]
    assert names == ["_id", "i32", "i64", "dbl", "dec", "flag", "when", "text", "bin", "uid",
                     "arr", "nothing"]
    row = cursor.fetchone()
    assert row._id == str(OID)
    assert row.i32 == 7 and row.i64 == 3_000_000_000 and row.dbl == 2.5
    assert row.dec == decimal.Decimal("-12.340")
    assert row.flag is True
    assert row.when == WHEN  # UTC, milliseconds
    assert row.text == "héllo"
    assert bytes(row.bin) == b"\x00\x01\xff"
    assert str(row.uid).lower() == str(UUID)
    assert row.arr == '[ 1, "two", { "three" : 3 } ]'
    assert row.nothing is None
    types = {d[0]: d[1] for d in cursor.description}
    assert types["i32"] is int and types["i64"] is int and types["dbl"] is float
    assert types["dec"] is decimal.Decimal and types["flag"] is bool
    assert types["when"] is datetime.datetime and types["bin"] is bytearray
    assert cursor.fetchone() is None

    columns = {c.column_name: c for c in cursor.columns(table=scratch.name)}
    assert columns["i32"].data_type == pyodbc.SQL_INTEGER and columns["i32"].type_name == "int"
    assert columns["i64"].data_type == pyodbc.SQL_BIGINT
    assert columns["dbl"].data_type == pyodbc.SQL_DOUBLE
    assert columns["dec"].data_type == pyodbc.SQL_NUMERIC
    assert columns["flag"].data_type == pyodbc.SQL_BIT
    assert columns["when"].data_type == pyodbc.SQL_TYPE_TIMESTAMP
    assert columns["uid"].data_type == pyodbc.SQL_GUID
    assert columns["_id"].type_name == "objectId" and columns["_id"].column_size == 24
    assert [c.ordinal_position for c in columns.values()] == list(range(1, 13))


def test_missing_fields_and_nulls_read_as_null(scratch, connect):
    scratch.insert_many([
        {"_id": 1, "a": 1, "b": "x"},
        {"_id": 2, "a": None},
        {"_id": 3},
    ])
    cursor = connect().cursor()
    rows = cursor.execute(f"SELECT _id, a, b FROM {scratch.name} ORDER BY _id").fetchall()
    assert [tuple(r) for r in rows] == [(1, 1, "x"), (2, None, None), (3, None, None)]
    rows = cursor.execute(f"SELECT * FROM {scratch.name} ORDER BY _id").fetchall()
    assert [tuple(r) for r in rows] == [(1, 1, "x"), (2, None, None), (3, None, None)]


def test_nested_fields_are_dotted_and_arrays_are_json(scratch, connect):
    scratch.insert_many([
        {"_id": 1, "b": {"c": 1, "d": {"e": "deep"}}, "tags": ["a", "b"]},
        {"_id": 2, "b": {"c": 2}},
    ])
    cursor = connect().cursor()
    cursor.execute(f"SELECT * FROM {scratch.name} ORDER BY _id")
    assert [d[0] for d in cursor.description] == ["_id", "b.c", "b.d.e", "tags"]
    assert [tuple(r) for r in cursor.fetchall()] == [(1, 1, "deep", '[ "a", "b" ]'),
                                                    (2, 2, None, None)]
    rows = cursor.execute(f"SELECT b.c AS c, b FROM {scratch.name} WHERE b.c = 2").fetchall()
    assert [d[0] for d in cursor.description] == ["c", "b"]
    assert [tuple(r) for r in rows] == [(2, '{ "c" : 2 }')]


@pytest.fixture
def numbers(scratch):
    scratch.insert_many([
        {"_id": i, "n": i, "name": f"item{i:02d}", "even": i % 2 == 0,
         **({"opt": i * 10} if i % 3 == 0 else {})}
        for i in range(1, 21)
    ])
    return scratch


FILTERS = [
    ("n = 5", lambda d: d["n"] == 5),
    ("n <> 5", lambda d: d["n"] != 5),
    ("n != 5", lambda d: d["n"] != 5),
    ("n < 5", lambda d: d["n"] < 5),
    ("n <= 5", lambda d: d["n"] <= 5),
    ("n > 15", lambda d: d["n"] > 15),
    ("n >= 15", lambda d: d["n"] >= 15),
    ("n > 3 AND n < 8", lambda d: 3 < d["n"] < 8),
    ("n < 3 OR n > 18", lambda d: d["n"] < 3 or d["n"] > 18),
    ("NOT (n < 3 OR n > 18)", lambda d: not (d["n"] < 3 or d["n"] > 18)),
    ("n IN (1, 4, 9, 99)", lambda d: d["n"] in (1, 4, 9)),
    ("n NOT IN (1, 4, 9)", lambda d: d["n"] not in (1, 4, 9)),
    ("n NOT IN (1, NULL)", lambda d: False),
    ("opt IS NULL", lambda d: "opt" not in d),
    ("opt IS NOT NULL", lambda d: "opt" in d),
    # SQL: comparisons never hold for a missing value, nor does their NOT.
    ("opt <> 30", lambda d: "opt" in d and d["opt"] != 30),
    ("NOT opt = 30", lambda d: "opt" in d and d["opt"] != 30),
    ("opt = NULL", lambda d: False),
    ("name LIKE 'item1%'", lambda d: d["name"].startswith("item1")),
    ("name LIKE 'item_5'", lambda d: d["name"] in ("item05", "item15")),
    ("name NOT LIKE 'item1%'", lambda d: not d["name"].startswith("item1")),
    ("n BETWEEN 4 AND 6", lambda d: 4 <= d["n"] <= 6),
    ("even = TRUE AND (n < 5 OR name = 'item20')", lambda d: d["even"] and (d["n"] < 5 or d["n"] == 20)),
]


@pytest.mark.parametrize("condition,expected", FILTERS, ids=[f[0] for f in FILTERS])
def test_filters(numbers, connect, condition, expected):
    docs = list(numbers.find())
    cursor = connect().cursor()
    rows = cursor.execute(f"SELECT n FROM {numbers.name} WHERE {condition} ORDER BY n").fetchall()
    assert [r.n for r in rows] == sorted(d["n"] for d in docs if expected(d))


def test_sorting_limits_and_offsets(numbers, connect):
    cursor = connect().cursor()
    ns = lambda sql: [r[0] for r in cursor.execute(sql).fetchall()]  # noqa: E731
    assert ns(f"SELECT n FROM {numbers.name} ORDER BY n DESC LIMIT 3") == [20, 19, 18]
    assert ns(f"SELECT n FROM {numbers.name} ORDER BY n LIMIT 3 OFFSET 5") == [6, 7, 8]
    assert ns(f"SELECT n FROM {numbers.name} ORDER BY n OFFSET 18") == [19, 20]
    assert ns(f"SELECT n FROM {numbers.name} LIMIT 0") == []
    assert ns(f"SELECT n FROM {numbers.name} ORDER BY even DESC, n DESC LIMIT 2") == [20, 18]
    # Nulls and missing fields sort first ascending (MongoDB's order).
    assert ns(f"SELECT opt FROM {numbers.name} ORDER BY opt, n LIMIT 15")[-2:] == [None, 30]


def test_parameters_take_their_bound_types(numbers, connect):
    cursor = connect().cursor()
    q = f"SELECT n FROM {numbers.name} WHERE "
    assert [r.n for r in cursor.execute(q + "n = ?", 7).fetchall()] == [7]
    assert [r.n for r in cursor.execute(q + "n > ? AND n < ?", 17, 19.5).fetchall()] == [18, 19]
    assert [r.n for r in cursor.execute(q + "name = ?", "item03").fetchall()] == [3]
    assert [r.n for r in cursor.execute(q + "name LIKE ? ORDER BY n", "item2%").fetchall()] == [20]
    assert [r.n for r in cursor.execute(q + "n IN (?, ?, ?) ORDER BY n", 2, 4, None).fetchall()] == [2, 4]
    assert cursor.execute(q + "n = ?", None).fetchall() == []
    assert [r.n for r in cursor.execute(q + "even = ? AND n < ? ORDER BY n", True, 5).fetchall()] == [2, 4]
    # The same prepared text with other values.
    for value in (1, 11, 20):
        assert [r.n for r in cursor.execute(q + "n = ?", value).fetchall()] == [value]


def test_datetime_parameters(scratch, connect):
    base = datetime.datetime(2024, 1, 1)
    scratch.insert_many([{"_id": i, "at": base + datetime.timedelta(days=i)} for i in range(10)])
    cursor = connect().cursor()
    rows = cursor.execute(f"SELECT _id, at FROM {scratch.name} WHERE at >= ? ORDER BY at",
                          base + datetime.timedelta(days=7)).fetchall()
    assert [tuple(r) for r in rows] == [(i, base + datetime.timedelta(days=i)) for i in (7, 8, 9)]


def test_count(numbers, connect):
    cursor = connect().cursor()
    assert cursor.execute(f"SELECT COUNT(*) FROM {numbers.name}").fetchone()[0] == 20
    assert cursor.execute(f"SELECT COUNT(*) AS c FROM {numbers.name} WHERE n > ?", 15).fetchone().c == 5
    assert cursor.execute(f"SELECT COUNT(*) FROM {numbers.name} WHERE n > 100").fetchall()[0][0] == 0


def test_native_commands_pass_through(numbers, connect):
    cursor = connect().cursor()
    cursor.execute('{"find": "%s", "filter": {"n": {"$lte": 3}}, "sort": {"n": -1},'
                   ' "projection": {"_id": 0, "n": 1, "name": 1}}' % numbers.name)
    assert [d[0] for d in cursor.description] == ["n", "name"]
    assert [tuple(r) for r in cursor.fetchall()] == [(3, "item03"), (2, "item02"), (1, "item01")]
    cursor.execute('{"aggregate": "%s", "pipeline": [{"$match": {"even": true}},'
                   ' {"$group": {"_id": null, "total": {"$sum": "$n"}}}], "cursor": {}}'
                   % numbers.name)
    rows = cursor.fetchall()
    names = [d[0] for d in cursor.description]
    assert [dict(zip(names, r)) for r in rows] == [{"_id": None, "total": 110}]


def test_unsupported_sql_names_what_is_unsupported(numbers, connect):
    cursor = connect().cursor()
    cases = [
        (f"SELECT * FROM {numbers.name} a JOIN other b ON a.n = b.n", "HYC00", "JOIN is not supported by the MongoDB backend"),
        (f"SELECT even, COUNT(*) FROM {numbers.name} GROUP BY even", "HYC00", "COUNT(*) together with other columns"),
        (f"SELECT n FROM {numbers.name} GROUP BY n", "HYC00", "GROUP BY is not supported"),
        (f"INSERT INTO {numbers.name} VALUES (1)", "HYC00", "INSERT is not supported"),
        (f"SELECT max(n) FROM {numbers.name}", "HYC00", "MAX() is not supported"),
        (f"SELECT n FROM {numbers.name} WHERE", "42000", "expected a field name"),
        ('{"delete": "x"}', "HYC00", 'the command "delete"'),
        ("{not json", "42000", "not valid JSON"),
    ]
    for sql, state, message in cases:
        with pytest.raises(pyodbc.Error) as error:
            cursor.execute(sql)
        assert sqlstate(error.value) == state, (sql, error.value)
        assert message in str(error.value), (sql, error.value)
    # The connection is fine afterwards.
    assert cursor.execute(f"SELECT COUNT(*) FROM {numbers.name}").fetchone()[0] == 20


def test_other_types_than_the_sample_are_converted_or_refused(scratch, connect):
    # int32 and int64 in the sample: an int64 column holds both.
    scratch.insert_many([{"_id": 1, "v": 1}, {"_id": 2, "v": bson.Int64(2**40)}])
    cursor = connect().cursor()
    rows = cursor.execute(f"SELECT _id, v FROM {scratch.name} ORDER BY _id").fetchall()
    assert [tuple(r) for r in rows] == [(1, 1), (2, 2**40)]
    # A string where a sample of one document saw an int: 22018, never a wrong value.
    scratch.insert_one({"_id": 3, "v": "three"})
    cursor = connect(MongoSampleSize=1).cursor()
    cursor.execute(f"SELECT _id, v FROM {scratch.name} ORDER BY _id")
    with pytest.raises(pyodbc.Error) as error:
        cursor.fetchall()
    assert sqlstate(error.value) == "22018"
    assert "field 'v' holds a long value out of the int range" in str(error.value)
    # Only the string left after the first two: named in the message.
    cursor.execute(f"SELECT v FROM {scratch.name} WHERE _id <> 2 ORDER BY _id")
    with pytest.raises(pyodbc.Error) as error:
        cursor.fetchall()
    assert sqlstate(error.value) == "22018"
    assert "field 'v' holds a string value where the column is int" in str(error.value)
    # With the whole collection sampled the column is text and every value fits.
    cursor = connect().cursor()
    rows = cursor.execute(f"SELECT v FROM {scratch.name} ORDER BY _id").fetchall()
    assert [r.v for r in rows] == ["1", str(2**40), "three"]


def test_catalog_lists_collections_and_sampled_columns(numbers, connect):
    cursor = connect().cursor()
    tables = [t.table_name for t in cursor.tables()]
    assert numbers.name in tables
    assert [t.table_name for t in cursor.tables(table=numbers.name)] == [numbers.name]
    assert [t.table_name for t in cursor.tables(table=numbers.name[:-1] + "_")] == [numbers.name]
    assert cursor.tables(table="no_such_%").fetchall() == []
    assert [t.table_type for t in cursor.tables(table=numbers.name)] == ["TABLE"]
    columns = [(c.column_name, c.type_name) for c in cursor.columns(table=numbers.name)]
    assert columns == [("_id", "int"), ("n", "int"), ("name", "string"), ("even", "bool"),
                       ("opt", "int")]
    assert [c.column_name for c in cursor.columns(table=numbers.name, column="n%")] == ["n", "name"]
    with pytest.raises(pyodbc.Error) as error:
        cursor.primaryKeys(numbers.name)
    assert sqlstate(error.value) == "HYC00"
    assert "SQLPrimaryKeys is not supported by the MongoDB backend" in str(error.value)


def test_getinfo_names_mongodb(connect, mongo_db):
    connection = connect()
    assert connection.getinfo(pyodbc.SQL_DBMS_NAME) == "MongoDB"
    version = connection.getinfo(pyodbc.SQL_DBMS_VER)
    assert version[:2].isdigit() and version.count(".") == 2
    assert connection.getinfo(pyodbc.SQL_DATABASE_NAME) == mongo_db.name


def test_query_timeout_uses_max_time_ms(numbers, connect):
    connection = connect()
    connection.timeout = 30  # SQL_ATTR_QUERY_TIMEOUT: no SQL is sent for it
    assert connection.cursor().execute(f"SELECT COUNT(*) FROM {numbers.name}").fetchone()[0] == 20


def test_manual_commit_mode_is_accepted(numbers, connect):
    connection = connect(autocommit=False)  # pyodbc's default
    cursor = connection.cursor()
    assert cursor.execute(f"SELECT COUNT(*) FROM {numbers.name}").fetchone()[0] == 20
    connection.commit()
    connection.rollback()
    assert cursor.execute(f"SELECT n FROM {numbers.name} WHERE n = 1").fetchone()[0] == 1


@pytest.mark.parametrize("uri,message", [
    ("not-a-uri", "invalid MongoUri"),
    ("mongodb://", "invalid MongoUri"),
    ("mongodb://127.0.0.1:1/qf?serverSelectionTimeoutMS=300&connectTimeoutMS=300", "MongoDB connection failed"),
])
def test_bad_uri_is_08001(connect, uri, message):
    with pytest.raises(pyodbc.Error) as error:
        connect(uri=uri)
    assert sqlstate(error.value) == "08001", error.value
    assert message in str(error.value)


def test_uri_without_database_is_08001(connect, mongo_uri):
    parsed = pymongo.uri_parser.parse_uri(mongo_uri)
    host, port = parsed["nodelist"][0]
    with pytest.raises(pyodbc.Error) as error:
        connect(uri=f"mongodb://{host}:{port}/")
    assert sqlstate(error.value) == "08001"
    assert "names no database" in str(error.value)
    # Database= supplies it.
    connection = connect(uri=f"mongodb://{host}:{port}/", Database=parsed["database"] or "qf")
    assert connection.getinfo(pyodbc.SQL_DBMS_NAME) == "MongoDB"


def test_password_never_in_the_message(connect):
    with pytest.raises(pyodbc.Error) as error:
        connect(uri="mongodb://user:s3cr3t-pw@127.0.0.1:1/qf?serverSelectionTimeoutMS=300"
                    "&connectTimeoutMS=300")
    assert sqlstate(error.value) in ("08001", "28000")
    assert "s3cr3t-pw" not in str(error.value)


@pytest.fixture
def private_server():
    """A MongoDB-wire test server of our own, so that it can be killed."""
    directory = tempfile.mkdtemp(prefix="qf-mongo-kill-")
    port_file = os.path.join(directory, "port")
    process = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "server", "mongo_wire_server.py"),
         "--port-file", port_file, "--log-file", os.path.join(directory, "log")],
        start_new_session=True)
    for _ in range(200):
        if os.path.exists(port_file) or process.poll() is not None:
            break
        time.sleep(0.05)
    assert os.path.exists(port_file), "the private test server did not start"
    with open(port_file, encoding="ascii") as f:
        port = int(f.read())
    yield process, f"mongodb://127.0.0.1:{port}/qf?serverSelectionTimeoutMS=1000&connectTimeoutMS=1000"
    if process.poll() is None:
        process.kill()
    process.wait()


def test_server_gone_mid_fetch_is_08S01(private_server, connect):
    process, uri = private_server
    client = pymongo.MongoClient(uri)
    client.qf.docs.insert_many([{"_id": i, "v": i} for i in range(5000)])
    client.close()
    connection = connect(uri=uri, FetchRows=100)  # batchSize 100: many getMores
    cursor = connection.cursor()
    cursor.execute("SELECT _id, v FROM docs")
    assert len(cursor.fetchmany(150)) == 150
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    with pytest.raises(pyodbc.Error) as error:
        while cursor.fetchmany(1000):
            pass
    assert sqlstate(error.value) == "08S01", error.value
    # The connection knows it is dead; closing it is clean.
    with pytest.raises(pyodbc.Error) as error:
        cursor.execute("SELECT _id FROM docs")
    assert sqlstate(error.value) == "08S01", error.value


def test_connection_closed_by_server_during_getmore_is_08S01(mongo_client, scratch, connect):
    scratch.insert_many([{"_id": i} for i in range(500)])
    try:
        mongo_client.admin.command({"configureFailPoint": "failCommand", "mode": {"times": 1},
                                    "data": {"failCommands": ["getMore"], "closeConnection": True,
                                             "appName": "qf-failpoint-getmore"}})
    except pymongo.errors.OperationFailure as error:
        pytest.skip(f"the server has no failCommand fail point: {error}")
    try:
        # Only this test's connection (its appName) meets the fail point, so
        # other clients of the same server (perf.quick) are left alone.
        cursor = connect(FetchRows=50, ApplicationName="qf-failpoint-getmore").cursor()
        cursor.execute(f"SELECT _id FROM {scratch.name}")
        with pytest.raises(pyodbc.Error) as error:
            cursor.fetchall()
        assert sqlstate(error.value) == "08S01", error.value
    finally:
        mongo_client.admin.command({"configureFailPoint": "failCommand", "mode": "off"})


def test_missing_and_empty_collections(mongo_db, connect):
    cursor = connect().cursor()
    with pytest.raises(pyodbc.Error) as error:
        cursor.execute("SELECT * FROM qf_no_such_collection")
    assert sqlstate(error.value) == "42S02"
    assert "the collection 'qf_no_such_collection' does not exist" in str(error.value)
    with pytest.raises(pyodbc.Error) as error:
        cursor.execute("SELECT a FROM qf_no_such_collection WHERE a = 1")
    assert sqlstate(error.value) == "42S02"
    name = "t_empty_" + uuid.uuid4().hex[:8]
    mongo_db.create_collection(name)
    try:
        cursor.execute(f"SELECT * FROM {name}")
        assert [d[0] for d in cursor.description] == ["_id"]
        assert cursor.fetchall() == []
        assert cursor.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0] == 0
    finally:
        mongo_db.drop_collection(name)
