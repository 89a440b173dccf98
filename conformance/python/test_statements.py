"""Statement features through pyodbc: cancel, timeout, fast executemany,
multiple result sets.

Runs against quietfetch and psqlODBC. Where the two differ on purpose (see
conformance/odbc/statement_test.cc for the full list) the test says so and
checks each driver's documented behaviour.
"""

import threading
import time

import pyodbc
import pytest


def sqlstate(error):
    return error.args[0] if error.args else ""


def test_cancel_from_another_thread(cnxn, driver):
    """cursor.cancel() from a second thread ends a long query (HY008)."""
    cursor = cnxn.cursor()
    done = threading.Event()
    outcome = {}

    def run():
        try:
            cursor.execute("SELECT pg_sleep(30)")
            outcome["result"] = "finished"
        except pyodbc.Error as error:
            outcome["error"] = error
        finally:
            done.set()

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 20
    # Repeated: a cancel that arrives before the query starts has nothing to cancel.
    while not done.wait(0.1) and time.monotonic() < deadline:
        cursor.cancel()
    worker.join(30)
    assert not worker.is_alive()
    assert "error" in outcome, outcome
    # psqlODBC passes the server's 57014 through; ODBC says HY008.
    expected = "57014" if driver.name == "psqlodbc" else "HY008"
    assert sqlstate(outcome["error"]) == expected, outcome["error"]
    cnxn.rollback()
    assert cnxn.execute("SELECT 42").fetchval() == 42


def test_cancel_idle_cursor(cnxn):
    cursor = cnxn.cursor()
    cursor.cancel()
    assert cursor.execute("SELECT 1").fetchval() == 1


def test_connection_timeout_ends_long_query(connector, driver):
    """cnxn.timeout is SQL_ATTR_QUERY_TIMEOUT: HYT00, and 0 means none."""
    cnxn = connector.connect(autocommit=True)
    if driver.name == "psqlodbc":
        # pyodbc sets SQL_ATTR_CONNECTION_TIMEOUT on the connection first,
        # which psqlODBC refuses.
        with pytest.raises(pyodbc.Error):
            cnxn.timeout = 1
        return
    cnxn.timeout = 1
    with pytest.raises(pyodbc.Error) as raised:
        cnxn.execute("SELECT pg_sleep(10)")
    assert sqlstate(raised.value) == "HYT00"
    assert cnxn.execute("SELECT 'still usable'").fetchval() == "still usable"
    cnxn.timeout = 0
    assert cnxn.execute("SELECT pg_sleep(1.2), 5").fetchone()[1] == 5


@pytest.mark.parametrize("rows", [1, 999, 5000])
def test_fast_executemany_stores_every_row(dsn_connector, make_table, rows):
    table = make_table("fastexec", "id int PRIMARY KEY, name text, amount float8")
    cnxn = dsn_connector.connect()
    cursor = cnxn.cursor()
    cursor.fast_executemany = True
    data = [(i, None if i % 10 == 3 else f"n{i}", i / 4) for i in range(rows)]
    cursor.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", data)
    cnxn.commit()
    got = cnxn.execute(f"SELECT id, name, amount FROM {table} ORDER BY id").fetchall()
    assert [tuple(row) for row in got] == data


def test_fast_executemany_update(dsn_connector, make_table):
    table = make_table("fastupd", "id int PRIMARY KEY, v int")
    cnxn = dsn_connector.connect(autocommit=True)
    cursor = cnxn.cursor()
    cursor.fast_executemany = True
    cursor.executemany(f"INSERT INTO {table} VALUES (?, 0)", [(i,) for i in range(100)])
    cursor.executemany(f"UPDATE {table} SET v = ? WHERE id = ?", [(i * 2, i) for i in range(100)])
    assert cnxn.execute(f"SELECT sum(v) FROM {table}").fetchval() == 9900


def test_fast_executemany_failure_in_a_transaction_rolls_back(dsn_connector, make_table):
    table = make_table("fastfail", "id int PRIMARY KEY")
    cnxn = dsn_connector.connect()
    cursor = cnxn.cursor()
    cursor.fast_executemany = True
    with pytest.raises(pyodbc.IntegrityError):
        cursor.executemany(f"INSERT INTO {table} VALUES (?)", [(1,), (2,), (2,), (3,)])
    cnxn.rollback()
    assert cnxn.execute(f"SELECT count(*) FROM {table}").fetchval() == 0


def test_nextset_walks_a_batch(connector, make_table):
    table = make_table("nextset", "id int, v text")
    cnxn = connector.connect(autocommit=True)
    cnxn.execute(f"INSERT INTO {table} VALUES (1, 'a'), (2, 'b')")
    cursor = cnxn.cursor()
    cursor.execute(
        f"SELECT 1 AS one; SELECT 2 AS two, 3 AS three; UPDATE {table} SET v = 'x'; "
        f"SELECT id, v FROM {table} ORDER BY id"
    )
    assert [d[0] for d in cursor.description] == ["one"]
    assert [tuple(r) for r in cursor.fetchall()] == [(1,)]
    assert cursor.nextset()
    assert [d[0] for d in cursor.description] == ["two", "three"]
    assert [tuple(r) for r in cursor.fetchall()] == [(2, 3)]
    assert cursor.nextset()
    assert cursor.description is None
    assert cursor.rowcount == 2
    assert cursor.nextset()
    assert [tuple(r) for r in cursor.fetchall()] == [(1, "x"), (2, "x")]
    assert not cursor.nextset()


def test_nextset_reports_a_later_error(connector, driver):
    cnxn = connector.connect(autocommit=True)
    cursor = cnxn.cursor()
    if driver.name == "psqlodbc":
        # psqlODBC runs the whole text before returning (intended difference).
        with pytest.raises(pyodbc.Error) as raised:
            cursor.execute("SELECT 1; SELECT 1/0; SELECT 3")
    else:
        cursor.execute("SELECT 1; SELECT 1/0; SELECT 3")
        assert cursor.fetchall()[0][0] == 1
        with pytest.raises(pyodbc.Error) as raised:
            cursor.nextset()
    assert sqlstate(raised.value) == "22012"
    assert cnxn.execute("SELECT 5").fetchval() == 5
