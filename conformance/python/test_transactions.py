"""Transactions as pyodbc exposes them: autocommit off by default, commit,
rollback, and autocommit on.

Visibility is checked from a second connection, because a driver that
silently autocommits (or never commits) looks right from the first one.
"""

import pyodbc
import pytest


@pytest.fixture
def ledger(make_table):
    return make_table("ledger", "id integer PRIMARY KEY, note text")


def count_from(connection, table):
    """Rows visible to ``connection`` (which must see committed data only)."""
    return connection.cursor().execute(f"SELECT count(*) FROM {table}").fetchval()


def test_autocommit_is_off_by_default(cnxn):
    """pyodbc's default; SQLAlchemy and DB-API code rely on it."""
    assert cnxn.autocommit is False


def test_commit_makes_changes_visible(connector, ledger):
    writer = connector.connect()
    observer = connector.connect(autocommit=True)
    writer.cursor().execute(f"INSERT INTO {ledger} VALUES (1, 'pending')")
    assert count_from(observer, ledger) == 0, "uncommitted row visible to another session"
    assert count_from(writer, ledger) == 1, "own uncommitted row must be visible"
    writer.commit()
    assert count_from(observer, ledger) == 1


def test_rollback_discards_changes(connector, ledger):
    writer = connector.connect()
    observer = connector.connect(autocommit=True)
    cursor = writer.cursor()
    cursor.execute(f"INSERT INTO {ledger} VALUES (1, 'kept')")
    writer.commit()
    cursor.execute(f"INSERT INTO {ledger} VALUES (2, 'discarded')")
    cursor.execute(f"UPDATE {ledger} SET note = 'changed' WHERE id = 1")
    writer.rollback()
    assert count_from(writer, ledger) == 1
    assert cursor.execute(f"SELECT note FROM {ledger}").fetchval() == "kept"
    assert count_from(observer, ledger) == 1


def test_each_commit_starts_a_new_transaction(connector, ledger):
    """After commit(), later statements are again inside an open transaction."""
    writer = connector.connect()
    observer = connector.connect(autocommit=True)
    cursor = writer.cursor()
    cursor.execute(f"INSERT INTO {ledger} VALUES (1, 'a')")
    writer.commit()
    cursor.execute(f"INSERT INTO {ledger} VALUES (2, 'b')")
    assert count_from(observer, ledger) == 1
    writer.rollback()
    assert count_from(observer, ledger) == 1


def test_autocommit_on_makes_each_statement_visible(connector, ledger):
    writer = connector.connect(autocommit=True)
    observer = connector.connect(autocommit=True)
    writer.cursor().execute(f"INSERT INTO {ledger} VALUES (1, 'now')")
    assert count_from(observer, ledger) == 1
    writer.rollback()  # nothing to roll back; must not fail or undo
    assert count_from(observer, ledger) == 1


def test_switching_autocommit_on_commits_pending_work(connector, ledger):
    """ODBC: turning autocommit on commits the open transaction."""
    writer = connector.connect()
    observer = connector.connect(autocommit=True)
    writer.cursor().execute(f"INSERT INTO {ledger} VALUES (1, 'x')")
    writer.autocommit = True
    assert writer.autocommit is True
    assert count_from(observer, ledger) == 1
    writer.autocommit = False
    writer.cursor().execute(f"INSERT INTO {ledger} VALUES (2, 'y')")
    assert count_from(observer, ledger) == 1
    writer.rollback()
    assert count_from(writer, ledger) == 1


def test_close_without_commit_rolls_back(connector, ledger):
    writer = connector.connect()
    observer = connector.connect(autocommit=True)
    writer.cursor().execute(f"INSERT INTO {ledger} VALUES (1, 'lost')")
    writer.close()
    assert count_from(observer, ledger) == 0


def test_context_manager_commits(connector, ledger):
    """pyodbc's ``with connection:`` commits on success."""
    writer = connector.connect()
    observer = connector.connect(autocommit=True)
    with writer:
        writer.cursor().execute(f"INSERT INTO {ledger} VALUES (1, 'ctx')")
    assert count_from(observer, ledger) == 1


def test_integrity_error_then_rollback_keeps_connection_usable(connector, ledger):
    writer = connector.connect()
    cursor = writer.cursor()
    cursor.execute(f"INSERT INTO {ledger} VALUES (1, 'first')")
    writer.commit()
    with pytest.raises(pyodbc.IntegrityError):
        cursor.execute(f"INSERT INTO {ledger} VALUES (1, 'duplicate')")
    writer.rollback()
    cursor.execute(f"INSERT INTO {ledger} VALUES (2, 'second')")
    writer.commit()
    assert count_from(writer, ledger) == 2


def test_transaction_spans_open_result(connector, ledger):
    """Committing while a cursor still has unread rows must not lose the commit."""
    writer = connector.connect()
    observer = connector.connect(autocommit=True)
    reader = writer.cursor().execute("SELECT i FROM generate_series(1, 100000) AS s(i)")
    assert reader.fetchone()[0] == 1
    writer.cursor().execute(f"INSERT INTO {ledger} VALUES (1, 'during read')")
    writer.commit()
    assert count_from(observer, ledger) == 1
