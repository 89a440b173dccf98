"""Driver behaviour the dialect works around, pinned at the pyodbc level.

Each test states what the driver does (PostgreSQL's own text form, and what
psqlODBC does). Both were driver bugs found while writing the dialect, since
fixed in the driver; the dialect's guards (QFChar, the RETURNING row count in
QuietfetchExecutionContext) only act when a driver still behaves the old way.
"""

import os

import pytest


@pytest.fixture
def cursor():
    import pyodbc

    connection = pyodbc.connect("DSN=" + os.environ["QF_DSN"], autocommit=True, timeout=15)
    yield connection.cursor()
    connection.close()


def test_empty_char_is_an_empty_string(cursor):
    cursor.execute("""SELECT ''::"char", attgenerated FROM pg_attribute
                      WHERE attrelid = 'pg_class'::regclass AND attnum = 1""")
    assert tuple(cursor.fetchone()) == ("", "")


def test_rowcount_of_update_returning(cursor):
    cursor.execute("CREATE TEMP TABLE qf_rc (id int)")
    cursor.execute("INSERT INTO qf_rc SELECT generate_series(1, 3)")
    assert cursor.rowcount == 3
    cursor.execute("UPDATE qf_rc SET id = id + 10 WHERE id < 3 RETURNING id")
    assert cursor.rowcount == 2
