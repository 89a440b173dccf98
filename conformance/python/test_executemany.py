"""executemany: pyodbc's two paths for bulk inserts.

With ``fast_executemany = False`` (the default) pyodbc executes the prepared
statement once per row. With ``fast_executemany = True`` it binds arrays of
parameters (SQL_ATTR_PARAMSET_SIZE, row-wise binding) and executes once per
batch; the driver must apply every row of the array, with NULLs in any row.
"""

import datetime
from decimal import Decimal

import pyodbc
import pytest

import qfpy

ROWS = 10_000


def make_rows(count):
    """Deterministic rows that exercise each parameter type, with some NULLs."""
    base = datetime.datetime(2024, 1, 1, 0, 0, 0)
    rows = []
    for i in range(count):
        rows.append(
            (
                i,
                f"name {i} é😀" if i % 7 else None,
                Decimal(i) / 100 if i % 11 else None,
                i * 0.5,
                base + datetime.timedelta(seconds=i, microseconds=i % 1000),
                bytes([i % 256, (i * 7) % 256]) if i % 13 else None,
            )
        )
    return rows


@pytest.fixture
def bulk_table(make_table):
    return make_table(
        "bulk",
        "id integer PRIMARY KEY, name text, amount numeric(12, 2), "
        "score double precision, created timestamp, blob bytea",
    )


ALL_COLUMNS = ("id", "name", "amount", "score", "created", "blob")


@pytest.mark.parametrize(
    "fast, columns",
    [(False, ALL_COLUMNS), (True, ALL_COLUMNS), (True, ALL_COLUMNS[:4])],
    ids=["row-by-row", "fast", "fast-no-timestamp-no-bytea"],
)
def test_executemany_inserts_every_row(dsn_cnxn, bulk_table, deviates, fast, columns):
    """10,000 rows of up to six types, NULLs sprinkled in, all stored exactly.

    The reduced column set shows the fast path working with psqlODBC too.
    """
    if fast and "created" in columns:
        deviates(qfpy.PSQL_FAST_EXECUTEMANY_MICROSECONDS)
    if fast and "blob" in columns:
        deviates(qfpy.PSQL_DESCRIBE_PARAM_BYTEA)
    rows = [row[: len(columns)] for row in make_rows(ROWS)]
    names = ", ".join(columns)
    cursor = dsn_cnxn.cursor()
    cursor.fast_executemany = fast
    cursor.executemany(
        f"INSERT INTO {bulk_table} ({names}) VALUES ({', '.join('?' * len(columns))})", rows
    )
    dsn_cnxn.commit()
    cursor.execute(f"SELECT {names} FROM {bulk_table} ORDER BY id")
    fetched = [tuple(row) for row in cursor.fetchall()]
    assert len(fetched) == ROWS
    for expected, actual in zip(rows, fetched):
        assert actual == expected, f"row {expected[0]} differs"


@pytest.mark.parametrize("fast", [False, True], ids=["row-by-row", "fast"])
def test_executemany_update_and_delete(dsn_cnxn, bulk_table, fast):
    """executemany with UPDATE/DELETE, not only INSERT."""
    cursor = dsn_cnxn.cursor()
    cursor.fast_executemany = fast
    cursor.executemany(
        f"INSERT INTO {bulk_table} (id, name) VALUES (?, ?)",
        [(i, "old") for i in range(100)],
    )
    cursor.executemany(
        f"UPDATE {bulk_table} SET name = ? WHERE id = ?",
        [("new", i) for i in range(0, 100, 2)],
    )
    cursor.executemany(f"DELETE FROM {bulk_table} WHERE id = ?", [(i,) for i in range(0, 100, 4)])
    cursor.execute(f"SELECT name, count(*) FROM {bulk_table} GROUP BY name ORDER BY name")
    assert [tuple(row) for row in cursor.fetchall()] == [("new", 25), ("old", 50)]


@pytest.mark.parametrize("fast", [False, True], ids=["row-by-row", "fast"])
def test_executemany_failure_raises_and_rolls_back(dsn_cnxn, bulk_table, fast):
    """A duplicate key in the middle raises IntegrityError; rollback undoes all."""
    cursor = dsn_cnxn.cursor()
    cursor.fast_executemany = fast
    rows = [(i, "x") for i in range(50)] + [(10, "duplicate")] + [(i, "y") for i in range(50, 60)]
    with pytest.raises(pyodbc.IntegrityError) as caught:
        cursor.executemany(f"INSERT INTO {bulk_table} (id, name) VALUES (?, ?)", rows)
    assert caught.value.args[0] == "23505"
    dsn_cnxn.rollback()
    assert cursor.execute(f"SELECT count(*) FROM {bulk_table}").fetchval() == 0


def test_executemany_with_long_values(dsn_cnxn, bulk_table):
    """Values past pyodbc's inline limits (SQLPutData path) in a row-by-row batch."""
    long_text = "é😀" * 5000
    long_blob = bytes(range(256)) * 100
    cursor = dsn_cnxn.cursor()
    cursor.executemany(
        f"INSERT INTO {bulk_table} (id, name, blob) VALUES (?, ?, ?)",
        [(i, long_text + str(i), long_blob) for i in range(20)],
    )
    cursor.execute(f"SELECT id, name, blob FROM {bulk_table} ORDER BY id")
    for i, row in enumerate(cursor.fetchall()):
        assert tuple(row) == (i, long_text + str(i), long_blob)
