"""Reading results: fetch styles, cursor.description, rowcount, several cursors.

quietfetch streams results in batches instead of holding them whole, so the
cases that are trivial for a buffering driver -- two cursors interleaving
their fetches on one connection, closing a cursor in the middle of a large
result, running the next statement before the previous one was drained --
are exactly where a streaming driver can go wrong.
"""

import datetime
import uuid
from decimal import Decimal

import pyodbc
import pytest

import qfpy

SERIES = "SELECT i, 'row ' || i AS label FROM generate_series(1, {n}) AS s(i) ORDER BY i"


def expected_rows(first, last):
    return [(i, f"row {i}") for i in range(first, last + 1)]


def plain(rows):
    """pyodbc.Row -> tuple, so lists of rows compare with ==."""
    return [tuple(row) for row in rows]


# --------------------------------------------------------------------------
# Fetch styles
# --------------------------------------------------------------------------


def test_fetchone_until_none(cnxn):
    cursor = cnxn.cursor().execute(SERIES.format(n=5))
    rows = []
    while (row := cursor.fetchone()) is not None:
        rows.append(tuple(row))
    assert rows == expected_rows(1, 5)
    assert cursor.fetchone() is None  # stays exhausted


def test_fetchmany_in_chunks(cnxn):
    """fetchmany(n) returns n rows until the last, shorter chunk, then []."""
    cursor = cnxn.cursor().execute(SERIES.format(n=2500))
    sizes = []
    rows = []
    while chunk := cursor.fetchmany(1000):
        sizes.append(len(chunk))
        rows.extend(plain(chunk))
    assert sizes == [1000, 1000, 500]
    assert rows == expected_rows(1, 2500)
    assert cursor.fetchmany(10) == []


def test_fetchmany_uses_arraysize(cnxn):
    cursor = cnxn.cursor()
    cursor.arraysize = 3
    cursor.execute(SERIES.format(n=5))
    assert plain(cursor.fetchmany()) == expected_rows(1, 3)
    assert plain(cursor.fetchmany()) == expected_rows(4, 5)


def test_fetchall(cnxn):
    cursor = cnxn.cursor().execute(SERIES.format(n=10_000))
    assert plain(cursor.fetchall()) == expected_rows(1, 10_000)
    assert cursor.fetchall() == []


def test_mixed_fetch_styles(cnxn):
    """fetchone, fetchmany and fetchall continue from one another."""
    cursor = cnxn.cursor().execute(SERIES.format(n=100))
    assert tuple(cursor.fetchone()) == (1, "row 1")
    assert plain(cursor.fetchmany(9)) == expected_rows(2, 10)
    assert plain(cursor.fetchall()) == expected_rows(11, 100)


def test_iteration(cnxn):
    cursor = cnxn.cursor()
    total = 0
    count = 0
    for number, label in cursor.execute(SERIES.format(n=20_000)):
        assert label == f"row {number}"
        total += number
        count += 1
    assert count == 20_000
    assert total == 20_000 * 20_001 // 2


def test_fetchval_and_row_access(cnxn):
    """pyodbc's conveniences: fetchval, Row attribute and index access."""
    cursor = cnxn.cursor()
    assert cursor.execute("SELECT 7").fetchval() == 7
    row = cursor.execute("SELECT 1 AS one, 'two' AS two").fetchone()
    assert (row.one, row.two, row[0], row[1]) == (1, "two", 1, "two")
    assert row.cursor_description[1][0] == "two"


def test_empty_result(cnxn):
    cursor = cnxn.cursor().execute("SELECT 1 AS x WHERE false")
    assert [d[0] for d in cursor.description] == ["x"]
    assert cursor.fetchone() is None
    assert cursor.fetchall() == []


def test_fetch_without_result_raises(cnxn):
    """Fetching after a statement that returns no rows is a pyodbc error."""
    cursor = cnxn.cursor().execute("SET search_path TO public")
    assert cursor.description is None
    with pytest.raises(pyodbc.ProgrammingError):
        cursor.fetchone()


# --------------------------------------------------------------------------
# Column values and cursor.description
# --------------------------------------------------------------------------

# (expression, description type code, column size or None = unchecked,
#  scale or None, value). Sizes are only checked where ODBC defines them.
COLUMNS = [
    ("CAST(1 AS smallint)", int, 5, 0, 1),
    ("CAST(2 AS integer)", int, 10, 0, 2),
    ("CAST(3 AS bigint)", int, 19, 0, 3),
    ("CAST(1.5 AS real)", float, None, None, 1.5),
    ("CAST(2.5 AS double precision)", float, None, None, 2.5),
    ("CAST(1.23 AS numeric(10, 2))", Decimal, 10, 2, Decimal("1.23")),
    ("CAST('x' AS char(3))", str, 3, None, "x  "),
    ("CAST('y' AS varchar(10))", str, 10, None, "y"),
    ("CAST('z 😀' AS text)", str, None, None, "z 😀"),
    ("CAST('\\x00ff' AS bytea)", bytearray, None, None, b"\x00\xff"),
    ("CAST('2020-01-02' AS date)", datetime.date, 10, None, datetime.date(2020, 1, 2)),
    ("CAST('01:02:03.456789' AS time)", datetime.time, None, None,
     datetime.time(1, 2, 3, 456789)),
    ("CAST('2020-01-02 03:04:05.123456' AS timestamp)", datetime.datetime, 26, 6,
     datetime.datetime(2020, 1, 2, 3, 4, 5, 123456)),
    ("CAST('2020-01-02 03:04:05.123456+02' AS timestamptz)", datetime.datetime, 26, 6,
     datetime.datetime(2020, 1, 2, 1, 4, 5, 123456)),
    ("CAST('12345678-1234-5678-9abc-def012345678' AS uuid)", uuid.UUID, None, None,
     uuid.UUID("12345678-1234-5678-9abc-def012345678")),
    ("CAST('{\"a\": [1, \"é\"]}' AS json)", str, None, None, '{"a": [1, "é"]}'),
    ("CAST('{\"a\": 1}' AS jsonb)", str, None, None, '{"a": 1}'),
    ("true", bool, 1, None, True),
    ("false", bool, 1, None, False),
]


@pytest.mark.parametrize(
    "expression, type_code, size, scale, value", COLUMNS, ids=[c[0] for c in COLUMNS]
)
def test_column_type_and_value(
    cnxn, native_uuid, deviates, expression, type_code, size, scale, value
):
    """Each PostgreSQL type maps to the Python type users expect.

    text as str (quietfetch reports SQL_VARCHAR with UTF-8 data, which
    pyodbc decodes as UTF-8 by default: no setdecoding needed), uuid as
    uuid.UUID (SQL_GUID, with pyodbc.native_uuid = True), timestamps as
    datetime, numeric as Decimal, bytea as bytes, bool as bool, json as str.
    Reading a time keeps its microseconds (pyodbc reads time columns through
    SQL_C_TYPE_TIMESTAMP).
    """
    if type_code is bool:
        deviates(qfpy.PSQL_BOOL_AS_CHAR)
    cursor = cnxn.cursor()
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.execute(f"SELECT {expression} AS col")
    name, code, _display, internal_size, precision, actual_scale, nullable = cursor.description[0]
    assert name == "col"
    assert code is type_code
    if size is not None:
        assert (internal_size, precision) == (size, size)
    if scale is not None:
        assert actual_scale == scale
    assert nullable in (True, None)  # an expression may be NULL or unknown
    result = cursor.fetchone()[0]
    if type_code is bytearray:
        type_code = bytes  # description says bytearray, values are bytes
    assert type(result) is type_code
    assert result == value


def test_uuid_without_native_uuid_is_str(cnxn):
    """With pyodbc's default (native_uuid False) SQL_GUID comes back as str.

    pyodbc then reads the column as text, so the case is the driver's:
    quietfetch gives PostgreSQL's own (lower-case) form, psqlODBC upper
    case. Users who want uuid.UUID set ``pyodbc.native_uuid = True``.
    """
    assert pyodbc.native_uuid is False
    cursor = cnxn.cursor()
    cursor.execute("SELECT CAST('12345678-1234-5678-9abc-def012345678' AS uuid)")
    assert cursor.description[0][1] is str
    value = cursor.fetchval()
    assert value.lower() == "12345678-1234-5678-9abc-def012345678"


def test_description_of_table_columns(cnxn, make_table):
    """Names, type codes, sizes and nullability of real table columns."""
    table = make_table(
        "described",
        "id integer NOT NULL PRIMARY KEY, name varchar(40), price numeric(12, 3), "
        "created timestamp, payload bytea",
    )
    cursor = cnxn.cursor().execute(f"SELECT id, name, price, created, payload FROM {table}")
    description = cursor.description
    assert [d[0] for d in description] == ["id", "name", "price", "created", "payload"]
    assert [d[1] for d in description] == [int, str, Decimal, datetime.datetime, bytearray]
    assert description[1][3] == 40
    assert (description[2][4], description[2][5]) == (12, 3)
    assert description[1][6] is True  # nullable (NOT NULL may be reported as unknown)


def test_description_names_keep_case_and_unicode(cnxn):
    cursor = cnxn.cursor().execute('SELECT 1 AS "MixedCase", 2 AS "naïve 😀", 3 AS plain')
    assert [d[0] for d in cursor.description] == ["MixedCase", "naïve 😀", "plain"]


def test_text_needs_no_decoding_setup(cnxn):
    """Non-ASCII text reads correctly with pyodbc's default decodings.

    Nothing like ``cnxn.setdecoding(...)`` is needed: quietfetch reports
    text as SQL_VARCHAR carrying UTF-8, which is pyodbc's default for
    SQL_CHAR, or as SQL_WVARCHAR carrying UTF-16.
    """
    sample = "Grüße, мир, 世界, 😀𝄞"
    cursor = cnxn.cursor().execute(
        "SELECT ?, CAST(? AS varchar(50)), length(?)", sample, sample, sample
    )
    assert tuple(cursor.fetchone()) == (sample, sample, len(sample))  # code points


# --------------------------------------------------------------------------
# rowcount
# --------------------------------------------------------------------------


def test_rowcount_for_dml(cnxn, make_table):
    table = make_table("counted", "id integer, v text")
    cursor = cnxn.cursor()
    cursor.execute(f"INSERT INTO {table} VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    assert cursor.rowcount == 3
    cursor.execute(f"INSERT INTO {table} VALUES (?, ?)", 4, "d")
    assert cursor.rowcount == 1
    cursor.execute(f"UPDATE {table} SET v = 'x' WHERE id >= ?", 2)
    assert cursor.rowcount == 3
    cursor.execute(f"UPDATE {table} SET v = 'y' WHERE id > 100")
    assert cursor.rowcount == 0
    cursor.execute(f"DELETE FROM {table} WHERE id IN (1, 2)")
    assert cursor.rowcount == 2
    cursor.execute(f"DELETE FROM {table}")
    assert cursor.rowcount == 2


def test_rowcount_for_select_is_unknown(cnxn, deviates):
    """A streaming driver cannot know a SELECT's size at execute time: -1.

    pyodbc reads SQLRowCount once, right after execute; DB-API says -1 when
    the count is not determined.
    """
    deviates(qfpy.PSQL_SELECT_ROWCOUNT)
    cursor = cnxn.cursor().execute(SERIES.format(n=5))
    assert cursor.rowcount == -1


# --------------------------------------------------------------------------
# Several cursors, closing early, reuse
# --------------------------------------------------------------------------


def test_interleaved_cursors_on_one_connection(cnxn):
    """Two open results on one connection, fetched alternately.

    A driver streaming from one libpq connection must still deliver both
    (e.g. by buffering the older result when a newer statement starts, or by
    using portals), without mixing their rows.
    """
    first = cnxn.cursor().execute(SERIES.format(n=30_000))
    second = cnxn.cursor().execute("SELECT -i FROM generate_series(1, 30000) AS s(i) ORDER BY i")
    seen_first, seen_second = [], []
    for _ in range(3):
        seen_first.extend(plain(first.fetchmany(10_000)))
        seen_second.extend(r[0] for r in second.fetchmany(10_000))
    assert seen_first == expected_rows(1, 30_000)
    assert seen_second == [-i for i in range(1, 30_001)]
    assert first.fetchone() is None and second.fetchone() is None


def test_third_cursor_runs_dml_while_two_results_are_open(cnxn, make_table):
    """Writing on one cursor while others hold unfinished results."""
    table = make_table("interleave", "id integer")
    reader_a = cnxn.cursor().execute(SERIES.format(n=5000))
    reader_b = cnxn.cursor().execute(SERIES.format(n=5000))
    writer = cnxn.cursor()
    for _ in range(5):
        number, _label = reader_a.fetchone()
        writer.execute(f"INSERT INTO {table} VALUES (?)", number)
        reader_b.fetchone()
    assert writer.execute(f"SELECT count(*) FROM {table}").fetchval() == 5
    assert len(reader_a.fetchall()) == 4995
    assert len(reader_b.fetchall()) == 4995


def test_close_cursor_mid_result_then_query(cnxn):
    """Closing a cursor in the middle of a large result frees the connection."""
    big = cnxn.cursor().execute(
        "SELECT i, repeat('x', 50) FROM generate_series(1, 500000) AS s(i)"
    )
    assert big.fetchone()[0] == 1
    big.close()
    with pytest.raises(pyodbc.ProgrammingError):
        big.fetchone()
    assert cnxn.cursor().execute("SELECT 'next'").fetchval() == "next"


def test_reexecute_cursor_before_result_is_drained(cnxn):
    """Running a new statement on a cursor discards the rest of the old result."""
    cursor = cnxn.cursor()
    cursor.execute("SELECT i FROM generate_series(1, 500000) AS s(i)")
    assert cursor.fetchone()[0] == 1
    cursor.execute(SERIES.format(n=3))
    assert plain(cursor.fetchall()) == expected_rows(1, 3)


def test_many_cursors_opened_and_dropped(cnxn):
    """Cursors created and garbage collected in a loop do not leak or break."""
    for number in range(200):
        cursor = cnxn.cursor()
        assert cursor.execute("SELECT ?", str(number)).fetchval() == str(number)
        if number % 2:
            cursor.close()


@pytest.mark.parametrize("autocommit", [False, True], ids=["manual-commit", "autocommit"])
def test_cursor_reuse_after_error(connector, autocommit):
    """After a failed statement the same cursor keeps working.

    With autocommit off PostgreSQL aborts the transaction, so the
    application rolls back first (as DB-API code does); with autocommit on
    no clean-up is needed.
    """
    connection = connector.connect(autocommit=autocommit)
    cursor = connection.cursor()
    with pytest.raises(pyodbc.DataError):
        cursor.execute("SELECT 1 / 0").fetchall()
    if not autocommit:
        connection.rollback()
    assert cursor.execute("SELECT 'ok'").fetchval() == "ok"
    with pytest.raises(pyodbc.ProgrammingError):
        cursor.execute("SELECT * FROM qfpy_no_such_table")
    if not autocommit:
        connection.rollback()
    assert plain(cursor.execute(SERIES.format(n=2)).fetchall()) == expected_rows(1, 2)


def test_error_in_the_middle_of_a_result(cnxn):
    """An error after some rows were produced still surfaces as DataError 22012.

    A buffering driver reports it at execute; a streaming driver may deliver
    the first rows and raise during the fetch. Either way it must not be lost.
    """
    cursor = cnxn.cursor()
    with pytest.raises(pyodbc.DataError) as caught:
        cursor.execute("SELECT 1 / (50000 - i) FROM generate_series(1, 100000) AS s(i)")
        cursor.fetchall()
    assert caught.value.args[0] == "22012"
    cnxn.rollback()
    assert cursor.execute("SELECT 1").fetchval() == 1
