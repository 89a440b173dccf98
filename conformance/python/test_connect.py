"""Connecting: through a DSN, through a connection string, and failing to.

An application either names a DSN from odbc.ini or spells every setting in
a DSN-less connection string; both must reach the same server. Failed
connections must raise promptly with a SQLSTATE and a message a person can
act on, never hang or crash.
"""

import os
import time

import pyodbc
import pytest

import qfpy


def test_connects_and_queries(cnxn):
    """The most basic round trip works for both kinds of connection string."""
    cursor = cnxn.cursor()
    cursor.execute("SELECT current_user, current_database(), 1 + 1")
    user, database, two = cursor.fetchone()
    assert user == os.environ["QF_PG_USER"]
    assert database == os.environ["QF_PG_DATABASE"]
    assert two == 2


def test_keywords_are_case_insensitive(driver):
    """ODBC keywords are case-insensitive; users write server= as often as Server=."""
    text = driver.keyword_string().replace("Server=", "server=").replace("Port=", "PORT=")
    with pyodbc.connect(text, timeout=15) as connection:
        assert connection.cursor().execute("SELECT 42").fetchval() == 42


def test_connection_string_overrides_dsn(driver):
    """A keyword given after DSN= wins over odbc.ini, so a DSN can be reused."""
    bad = driver.dsn_string(PWD="certainly-not-the-password")
    with pytest.raises(pyodbc.Error):
        pyodbc.connect(bad, timeout=15)


def test_getinfo_basics(cnxn):
    """pyodbc and SQLAlchemy query these at connect time; they must answer."""
    assert cnxn.getinfo(pyodbc.SQL_DBMS_NAME) == "PostgreSQL"
    assert cnxn.getinfo(pyodbc.SQL_DBMS_VER)
    assert cnxn.getinfo(pyodbc.SQL_DRIVER_NAME)
    assert cnxn.getinfo(pyodbc.SQL_DATA_SOURCE_NAME) is not None


def test_wrong_password(driver, access):
    """Authentication failures name the cause (PostgreSQL's own message).

    libpq does not expose the server's SQLSTATE (28P01) for a failed
    connection, so 08001 is accepted as well.
    """
    text = driver.connection_string(access, PWD="certainly-not-the-password")
    with pytest.raises(pyodbc.Error) as caught:
        pyodbc.connect(text, timeout=15)
    sqlstate, message = caught.value.args[0], caught.value.args[1]
    assert sqlstate in ("08001", "28000", "28P01"), caught.value.args
    assert "password authentication failed" in message


def test_no_server_listening_fails_fast(driver):
    """A refused connection is an immediate 08001, not a wait for a timeout."""
    text = driver.keyword_string(Port=str(qfpy.free_loopback_port()))
    started = time.monotonic()
    with pytest.raises(pyodbc.OperationalError) as caught:
        pyodbc.connect(text, timeout=15)
    elapsed = time.monotonic() - started
    assert caught.value.args[0] == "08001", caught.value.args
    assert elapsed < 5, f"refused connection took {elapsed:.1f} s"


def test_unknown_keyword_is_an_error_naming_it(driver, access, deviates):
    """A misspelt keyword must not be ignored silently: the user would never
    learn that their setting has no effect."""
    deviates(qfpy.PSQL_UNKNOWN_KEYWORD_ACCEPTED)
    text = driver.connection_string(access, NoSuchQuietfetchKeyword="1")
    with pytest.raises(pyodbc.Error) as caught:
        pyodbc.connect(text, timeout=15).close()
    assert "NoSuchQuietfetchKeyword".lower() in str(caught.value).lower()


def test_closed_connection_raises(connector):
    """Using a closed connection (or its cursors) raises instead of crashing."""
    connection = connector.connect()
    cursor = connection.cursor()
    connection.close()
    with pytest.raises(pyodbc.ProgrammingError):
        cursor.execute("SELECT 1")
    with pytest.raises(pyodbc.ProgrammingError):
        connection.cursor()
