"""Server errors reach Python as pyodbc exceptions carrying PostgreSQL's SQLSTATE.

pyodbc puts the first diagnostic record's SQLSTATE in ``args[0]`` and picks
the exception class from its first two characters (42 -> ProgrammingError,
23 -> IntegrityError, 22 -> DataError, 08 -> OperationalError). So the driver
must pass PG_DIAG_SQLSTATE through unchanged, with PostgreSQL's message in
the text, for applications to handle errors by class or by code.
"""

import pyodbc
import pytest


@pytest.fixture
def unique_table(make_table):
    return make_table("uniq", "id integer PRIMARY KEY, v integer CHECK (v >= 0) NOT NULL")


def assert_error(caught, sqlstate, fragment):
    """The SQLSTATE is args[0] and PostgreSQL's message text is preserved."""
    args = caught.value.args
    assert args[0] == sqlstate, args
    assert fragment in args[1], args


def test_undefined_table_42P01(cnxn):
    with pytest.raises(pyodbc.ProgrammingError) as caught:
        cnxn.cursor().execute("SELECT * FROM qfpy_table_that_does_not_exist")
    assert_error(caught, "42P01", 'relation "qfpy_table_that_does_not_exist" does not exist')


def test_syntax_error_42601(cnxn):
    with pytest.raises(pyodbc.ProgrammingError) as caught:
        cnxn.cursor().execute("SELEC 1")
    assert_error(caught, "42601", 'syntax error at or near "SELEC"')


def test_undefined_column_42703(cnxn):
    with pytest.raises(pyodbc.ProgrammingError) as caught:
        cnxn.cursor().execute("SELECT no_such_column FROM generate_series(1, 2)")
    assert_error(caught, "42703", "no_such_column")


def test_unique_violation_23505(cnxn, unique_table):
    cursor = cnxn.cursor()
    cursor.execute(f"INSERT INTO {unique_table} VALUES (?, ?)", 1, 1)
    with pytest.raises(pyodbc.IntegrityError) as caught:
        cursor.execute(f"INSERT INTO {unique_table} VALUES (?, ?)", 1, 2)
    assert_error(caught, "23505", "duplicate key value violates unique constraint")


def test_not_null_violation_23502(cnxn, unique_table):
    with pytest.raises(pyodbc.IntegrityError) as caught:
        cnxn.cursor().execute(f"INSERT INTO {unique_table} VALUES (?, ?)", 1, None)
    assert_error(caught, "23502", "null value")


def test_check_violation_23514(cnxn, unique_table):
    with pytest.raises(pyodbc.IntegrityError) as caught:
        cnxn.cursor().execute(f"INSERT INTO {unique_table} VALUES (?, ?)", 1, -1)
    assert_error(caught, "23514", "check constraint")


def test_division_by_zero_22012(cnxn):
    with pytest.raises(pyodbc.DataError) as caught:
        cnxn.cursor().execute("SELECT 1 / 0").fetchall()
    assert_error(caught, "22012", "division by zero")


def test_division_by_zero_with_parameter_22012(cnxn):
    with pytest.raises(pyodbc.DataError) as caught:
        cnxn.cursor().execute("SELECT 10 / CAST(? AS integer)", 0).fetchall()
    assert_error(caught, "22012", "division by zero")


def test_invalid_text_representation_22P02(cnxn):
    with pytest.raises(pyodbc.DataError) as caught:
        cnxn.cursor().execute("SELECT CAST(? AS integer)", "twelve").fetchall()
    assert_error(caught, "22P02", "invalid input syntax for type integer")


def test_numeric_out_of_range_22003(cnxn):
    with pytest.raises(pyodbc.DataError) as caught:
        cnxn.cursor().execute("SELECT CAST(40000 AS smallint)").fetchall()
    assert_error(caught, "22003", "smallint out of range")


def test_raise_exception_with_custom_sqlstate(cnxn):
    """A SQLSTATE chosen by application code (PL/pgSQL RAISE) passes through."""
    with pytest.raises(pyodbc.Error) as caught:
        cnxn.cursor().execute(
            "DO $$ BEGIN RAISE EXCEPTION 'custom failure' USING ERRCODE = 'P0042'; END $$"
        )
    assert_error(caught, "P0042", "custom failure")


def test_error_after_error_reports_the_new_one(connector):
    """Diagnostics are per statement: the second error is not the first again."""
    connection = connector.connect(autocommit=True)
    cursor = connection.cursor()
    with pytest.raises(pyodbc.ProgrammingError) as first:
        cursor.execute("SELECT * FROM qfpy_missing_one")
    with pytest.raises(pyodbc.DataError) as second:
        cursor.execute("SELECT 1 / 0").fetchall()
    assert first.value.args[0] == "42P01"
    assert second.value.args[0] == "22012"


def test_statement_in_aborted_transaction(cnxn):
    """After an error with autocommit off, rollback restores a working session.

    (psqlODBC by default rolls back just the failed statement; PostgreSQL
    itself aborts the transaction. Only the path every application takes,
    rollback then continue, is required here.)
    """
    cursor = cnxn.cursor()
    with pytest.raises(pyodbc.ProgrammingError):
        cursor.execute("SELECT * FROM qfpy_missing_two")
    cnxn.rollback()
    assert cursor.execute("SELECT 5").fetchval() == 5
