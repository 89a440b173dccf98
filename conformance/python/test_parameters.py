"""Parameters of every common Python type, round-tripped through the driver.

pyodbc binds each Python type with a fixed pair of C and SQL types (str:
SQL_C_WCHAR/SQL_WVARCHAR, int: SQL_C_LONG/SQL_INTEGER or SQL_C_SBIGINT/
SQL_BIGINT, float: SQL_C_DOUBLE, Decimal: SQL_C_CHAR/SQL_NUMERIC, bool:
SQL_C_BIT, date/time/datetime: the ODBC date/time structs, bytes:
SQL_C_BINARY/SQL_VARBINARY, uuid.UUID: SQL_C_GUID/SQL_GUID). Long str and
bytes values (over 4000 characters/8000 bytes) are sent in pieces with
SQLPutData. A driver has to turn each of these into the right PostgreSQL
value and, for ``SELECT ?``, into the right PostgreSQL *type*, since there is
no column to infer it from.

Three ways in: ``SELECT ?`` (the type comes from the parameter alone),
``SELECT CAST(? AS type)`` (the server decides), and INSERT into a typed
column followed by SELECT.
"""

import datetime
import uuid
from decimal import Decimal

import pyodbc
import pytest

import qfpy

LONG_TEXT = "long text 😀 " * 10_000  # > 4000 characters: sent with SQLPutData
LONG_BYTES = bytes(range(256)) * 400  # > 8000 bytes: sent with SQLPutData
SAMPLE_UUID = uuid.UUID("12345678-1234-5678-9abc-def012345678")

# (id, value, PostgreSQL type for CAST/columns). The expected result is the
# value itself unless EXPECTED overrides it.
CASES = [
    ("str-empty", "", "text"),
    ("str-ascii", "plain ascii", "text"),
    ("str-quotes", "O'Reilly \\ \"q\" ? $1 ';--", "text"),
    ("str-latin", "héllo wörld ñ", "text"),
    ("str-cjk-greek", "Ελληνικά 日本語 한국어", "text"),
    ("str-non-bmp", "😀 🎉 𝄞 𠜎", "text"),
    ("str-long", LONG_TEXT, "text"),
    ("int-zero", 0, "integer"),
    ("int-small", 42, "integer"),
    ("int-negative", -7, "integer"),
    ("int-max32", 2**31 - 1, "integer"),
    ("int-min32", -(2**31), "integer"),
    ("int-large", 2**40 + 3, "bigint"),
    ("int-max64", 2**63 - 1, "bigint"),
    ("int-min64", -(2**63), "bigint"),
    ("float-simple", 1.5, "double precision"),
    ("float-negative", -2.25, "double precision"),
    ("float-third", 1 / 3, "double precision"),
    ("float-huge", 1e300, "double precision"),
    ("float-tiny", 2.5e-310, "double precision"),
    ("decimal-zero", Decimal("0"), "numeric"),
    ("decimal-scale", Decimal("12.345"), "numeric"),
    ("decimal-small", Decimal("0.000001"), "numeric"),
    ("decimal-wide", Decimal("-12345678901234567890.0123456789"), "numeric"),
    ("bool-true", True, "boolean"),
    ("bool-false", False, "boolean"),
    ("date", datetime.date(2024, 2, 29), "date"),
    ("date-min", datetime.date(1, 1, 1), "date"),
    ("date-max", datetime.date(9999, 12, 31), "date"),
    ("time", datetime.time(13, 14, 15), "time"),
    ("time-midnight", datetime.time(0, 0, 0), "time"),
    ("time-micro", datetime.time(1, 2, 3, 456789), "time"),
    ("datetime-micro", datetime.datetime(2024, 2, 29, 13, 14, 15, 123456), "timestamp"),
    ("datetime-last-micro", datetime.datetime(1999, 12, 31, 23, 59, 59, 999999), "timestamp"),
    ("datetime-whole", datetime.datetime(2000, 1, 1), "timestamp"),
    ("bytes-empty", b"", "bytea"),
    ("bytes-nul", b"\x00\x01\xff", "bytea"),
    ("bytes-all", bytes(range(256)), "bytea"),
    ("bytearray", bytearray(b"abc\x00def"), "bytea"),
    ("bytes-long", LONG_BYTES, "bytea"),
    ("uuid", SAMPLE_UUID, "uuid"),
]

# pyodbc binds datetime.time with SQL_C_TYPE_TIME, whose struct has no
# fraction field: the microseconds never reach the driver. (Reading a time
# column keeps them: see test_results.py.)
EXPECTED = {"time-micro": datetime.time(1, 2, 3)}

CASE_IDS = [case[0] for case in CASES]


def expected_value(case_id, value):
    """The value (and so the Python type) a driver must hand back."""
    if case_id in EXPECTED:
        return EXPECTED[case_id]
    if isinstance(value, bytearray):
        return bytes(value)  # pyodbc returns binary columns as bytes
    return value


def assert_same(actual, expected):
    """Equal and of the same Python type (1 == True == 1.0 would hide bugs)."""
    assert type(actual) is type(expected), f"{actual!r} is not a {type(expected).__name__}"
    assert actual == expected


@pytest.fixture
def all_types_table(make_table):
    """One nullable column per PostgreSQL type a pyodbc user commonly meets."""
    return make_table(
        "types",
        "id serial PRIMARY KEY, "
        "c_text text, c_varchar varchar(200), c_char char(5), "
        "c_int2 smallint, c_int4 integer, c_int8 bigint, "
        "c_float4 real, c_float8 double precision, c_numeric numeric(30, 10), "
        "c_bool boolean, c_date date, c_time time, c_timestamp timestamp, "
        "c_timestamptz timestamptz, c_bytea bytea, c_uuid uuid, c_json json, c_jsonb jsonb",
    )


COLUMN_FOR_TYPE = {
    "text": "c_text",
    "integer": "c_int4",
    "bigint": "c_int8",
    "double precision": "c_float8",
    "numeric": "c_numeric",
    "boolean": "c_bool",
    "date": "c_date",
    "time": "c_time",
    "timestamp": "c_timestamp",
    "bytea": "c_bytea",
    "uuid": "c_uuid",
}

ALL_COLUMNS = [
    "c_text", "c_varchar", "c_char", "c_int2", "c_int4", "c_int8", "c_float4",
    "c_float8", "c_numeric", "c_bool", "c_date", "c_time", "c_timestamp",
    "c_timestamptz", "c_bytea", "c_uuid", "c_json", "c_jsonb",
]


@pytest.mark.parametrize("case_id, value, pg_type", CASES, ids=CASE_IDS)
def test_select_parameter(cnxn, native_uuid, deviates, case_id, value, pg_type):
    """``SELECT ?`` gives back the parameter with its own type.

    The driver must send a PostgreSQL type that matches the bound SQL type
    (SQL_INTEGER -> int4, SQL_BIGINT -> int8, SQL_DOUBLE -> float8,
    SQL_NUMERIC -> numeric, SQL_BIT -> bool, dates/times -> date/time/
    timestamp, SQL_VARBINARY -> bytea, SQL_GUID -> uuid), or the server has
    nothing to go on and answers with text.
    """
    if not isinstance(value, str):
        deviates(qfpy.PSQL_UNTYPED_PARAMETERS)
    row = cnxn.cursor().execute("SELECT ?", value).fetchone()
    assert_same(row[0], expected_value(case_id, value))


@pytest.mark.parametrize("case_id, value, pg_type", CASES, ids=CASE_IDS)
def test_cast_parameter(cnxn, native_uuid, deviates, case_id, value, pg_type):
    """``SELECT CAST(? AS type)``: the value survives the trip into that type."""
    if pg_type == "boolean":
        deviates(qfpy.PSQL_BOOL_AS_CHAR)
    row = cnxn.cursor().execute(f"SELECT CAST(? AS {pg_type})", value).fetchone()
    assert_same(row[0], expected_value(case_id, value))


@pytest.mark.parametrize("case_id, value, pg_type", CASES, ids=CASE_IDS)
def test_insert_then_select(cnxn, all_types_table, native_uuid, deviates, case_id, value, pg_type):
    """INSERT a parameter into a typed column and read it back unchanged."""
    if pg_type == "boolean":
        deviates(qfpy.PSQL_BOOL_AS_CHAR)
    column = COLUMN_FOR_TYPE[pg_type]
    cursor = cnxn.cursor()
    cursor.execute(f"INSERT INTO {all_types_table} ({column}) VALUES (?)", value)
    assert cursor.rowcount == 1
    cursor.execute(f"SELECT {column} FROM {all_types_table}")
    assert_same(cursor.fetchone()[0], expected_value(case_id, value))
    assert cursor.fetchone() is None


def test_many_parameters_in_one_statement(cnxn, all_types_table, native_uuid, deviates):
    """A row of mixed types in one INSERT, then selected with a parameter filter."""
    deviates(qfpy.PSQL_BOOL_AS_CHAR)
    values = {
        "c_text": "mixed 😀",
        "c_varchar": "vc",
        "c_int2": 7,
        "c_int4": -123456,
        "c_int8": 2**50,
        "c_float8": 2.5,
        "c_numeric": Decimal("3.1415926535"),
        "c_bool": True,
        "c_date": datetime.date(2023, 7, 1),
        "c_time": datetime.time(8, 30),
        "c_timestamp": datetime.datetime(2023, 7, 1, 8, 30, 0, 500),
        "c_bytea": b"\x00\xfe",
        "c_uuid": SAMPLE_UUID,
    }
    columns = ", ".join(values)
    markers = ", ".join("?" * len(values))
    cursor = cnxn.cursor()
    cursor.execute(
        f"INSERT INTO {all_types_table} ({columns}) VALUES ({markers})", *values.values()
    )
    cursor.execute(
        f"SELECT {columns} FROM {all_types_table} WHERE c_int4 = ? AND c_text = ?",
        -123456,
        "mixed 😀",
    )
    row = cursor.fetchone()
    assert row is not None
    for name, expected in values.items():
        assert_same(getattr(row, name), expected)


def test_nulls_in_every_column(cnxn, all_types_table, native_uuid):
    """None binds as NULL into a column of any type and reads back as None.

    pyodbc binds None without knowing the column's type, so the driver must
    send an untyped NULL that the server can assign to bytea, uuid, json, ...
    """
    cursor = cnxn.cursor()
    markers = ", ".join("?" * len(ALL_COLUMNS))
    cursor.execute(
        f"INSERT INTO {all_types_table} ({', '.join(ALL_COLUMNS)}) VALUES ({markers})",
        *([None] * len(ALL_COLUMNS)),
    )
    cursor.execute(f"SELECT {', '.join(ALL_COLUMNS)} FROM {all_types_table}")
    assert tuple(cursor.fetchone()) == (None,) * len(ALL_COLUMNS)


@pytest.mark.parametrize(
    "pg_type",
    ["text", "varchar(10)", "char(3)", "smallint", "integer", "bigint", "real",
     "double precision", "numeric(10, 2)", "boolean", "date", "time", "timestamp",
     "timestamptz", "bytea", "uuid", "json", "jsonb"],
)
def test_null_of_every_type(cnxn, native_uuid, pg_type):
    """A NULL literal and a NULL parameter of each type both come back as None."""
    cursor = cnxn.cursor()
    cursor.execute(f"SELECT CAST(NULL AS {pg_type}), CAST(? AS {pg_type})", None)
    assert tuple(cursor.fetchone()) == (None, None)


def test_update_to_null_and_back(cnxn, all_types_table):
    """UPDATE ... SET col = ? with None, then with a value again."""
    cursor = cnxn.cursor()
    cursor.execute(f"INSERT INTO {all_types_table} (c_int4, c_text) VALUES (1, 'x')")
    cursor.execute(f"UPDATE {all_types_table} SET c_text = ? WHERE c_int4 = ?", None, 1)
    assert cursor.execute(f"SELECT c_text FROM {all_types_table}").fetchval() is None
    cursor.execute(f"UPDATE {all_types_table} SET c_text = ? WHERE c_int4 = ?", "y😀", 1)
    assert cursor.execute(f"SELECT c_text FROM {all_types_table}").fetchval() == "y😀"


STR_INTO_TYPED_COLUMN = [
    # (column, str parameter, value read back)
    ("c_int4", "12345", 12345),
    ("c_numeric", "12.5", Decimal("12.5000000000")),
    ("c_date", "2024-02-29", datetime.date(2024, 2, 29)),
    ("c_timestamp", "2024-02-29 13:14:15.5", datetime.datetime(2024, 2, 29, 13, 14, 15, 500000)),
    ("c_uuid", str(SAMPLE_UUID), SAMPLE_UUID),
    ("c_json", '{"k": [1, "é😀"]}', '{"k": [1, "é😀"]}'),
    ("c_jsonb", '{"k": 1}', '{"k": 1}'),
]


@pytest.mark.parametrize(
    "column, text, expected", STR_INTO_TYPED_COLUMN, ids=[c[0] for c in STR_INTO_TYPED_COLUMN]
)
def test_str_parameter_into_typed_column(
    cnxn, all_types_table, native_uuid, column, text, expected
):
    """Applications pass strings for uuid, date, json columns all the time.

    The reference workload stores uuid strings; ORMs send dates as text.
    The driver must let the server convert the string (an untyped or
    'unknown' parameter), not insist on text and fail with 42804.
    """
    cursor = cnxn.cursor()
    cursor.execute(f"INSERT INTO {all_types_table} ({column}) VALUES (?)", text)
    comparable = f"{column}::jsonb" if column == "c_json" else column  # json has no "="
    cursor.execute(f"SELECT {column} FROM {all_types_table} WHERE {comparable} = ?", text)
    assert_same(cursor.fetchone()[0], expected)


def test_timestamptz_parameter_uses_session_time_zone(cnxn, all_types_table):
    """A naive datetime into timestamptz is read in the session's time zone."""
    cursor = cnxn.cursor()
    cursor.execute("SET TIME ZONE 'Europe/Paris'")
    moment = datetime.datetime(2024, 7, 1, 12, 0, 0, 250000)
    cursor.execute(f"INSERT INTO {all_types_table} (c_timestamptz) VALUES (?)", moment)
    cursor.execute(
        f"SELECT c_timestamptz, c_timestamptz AT TIME ZONE 'UTC' FROM {all_types_table}"
    )
    local, utc = cursor.fetchone()
    assert local == moment
    assert utc == datetime.datetime(2024, 7, 1, 10, 0, 0, 250000)


def test_question_marks_in_literals_are_not_parameters(cnxn):
    """Only ``?`` outside string literals, quoted names and comments are markers."""
    cursor = cnxn.cursor()
    cursor.execute(
        "SELECT 'what?' AS \"why?\", CAST(? AS integer) AS v, E'it''s?' AS e"
        " -- trailing ? comment\n",
        5,
    )
    row = cursor.fetchone()
    assert tuple(row) == ("what?", 5, "it's?")
    assert [d[0] for d in cursor.description] == ["why?", "v", "e"]


def test_parameter_is_never_spliced_into_sql(cnxn, all_types_table):
    """A hostile string is stored verbatim (parameters are sent as parameters)."""
    hostile = f"x'); DROP TABLE {all_types_table}; --"
    cursor = cnxn.cursor()
    cursor.execute(f"INSERT INTO {all_types_table} (c_text) VALUES (?)", hostile)
    assert cursor.execute(f"SELECT c_text FROM {all_types_table}").fetchval() == hostile


def test_wrong_parameter_count_raises(cnxn):
    """Too few parameters is a pyodbc error (07002 or pyodbc's own check)."""
    with pytest.raises(pyodbc.Error):
        cnxn.cursor().execute("SELECT ?, ?", 1)
