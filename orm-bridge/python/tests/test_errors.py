"""PostgreSQL errors arrive as SQLAlchemy's exception classes, with the
SQLSTATE of the server in ``orig.args[0]``."""

import pytest
from sqlalchemy import CheckConstraint
from sqlalchemy import Column
from sqlalchemy import exc
from sqlalchemy import ForeignKey
from sqlalchemy import insert
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import select
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import text


@pytest.fixture
def tables(engine, names):
    metadata = MetaData()
    parent = Table(names.table("p"), metadata,
                   Column("id", Integer, primary_key=True, autoincrement=False),
                   Column("code", String(5), unique=True, nullable=False),
                   Column("n", Integer, CheckConstraint("n >= 0")))
    child = Table(names.table("c"), metadata,
                  Column("id", Integer, primary_key=True),
                  Column("pid", Integer, ForeignKey(parent.c.id)))
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(parent), {"id": 1, "code": "a", "n": 1})
    return parent, child


@pytest.mark.parametrize(
    "values, sqlstate",
    [
        ({"id": 2, "code": "a", "n": 1}, "23505"),   # unique_violation
        ({"id": 1, "code": "b", "n": 1}, "23505"),   # primary key
        ({"id": 3, "code": None, "n": 1}, "23502"),  # not_null_violation
        ({"id": 4, "code": "d", "n": -1}, "23514"),  # check_violation
    ],
)
def test_integrity_errors(engine, tables, values, sqlstate):
    parent, _ = tables
    with engine.connect() as connection:
        with pytest.raises(exc.IntegrityError) as raised:
            connection.execute(insert(parent), values)
        assert raised.value.orig.args[0] == sqlstate
        assert raised.value.connection_invalidated is False
        connection.rollback()
        # The connection stays usable.
        assert connection.execute(select(parent.c.code)).scalars().all() == ["a"]


def test_foreign_key_violation(engine, tables):
    _, child = tables
    with engine.connect() as connection:
        with pytest.raises(exc.IntegrityError) as raised:
            connection.execute(insert(child), {"pid": 99})
        connection.rollback()
    assert raised.value.orig.args[0] == "23503"


def test_commit_of_a_failed_transaction_is_an_error(engine, tables, admin):
    """PostgreSQL turns COMMIT of a failed transaction into a rollback; the
    driver says so (SQLSTATE 40000) instead of reporting success."""
    parent, _ = tables
    with engine.connect() as connection:
        connection.execute(insert(parent), {"id": 7, "code": "g", "n": 1})
        with pytest.raises(exc.IntegrityError):
            connection.execute(insert(parent), {"id": 8, "code": "a", "n": 1})
        with pytest.raises(exc.DBAPIError) as raised:
            connection.commit()
        assert raised.value.orig.args[0] == "40000"
    with admin.cursor() as cursor:
        cursor.execute(f'SELECT id FROM "{parent.name}" ORDER BY id')
        assert cursor.fetchall() == [(1,)]


@pytest.mark.parametrize(
    "sql, error, sqlstate",
    [
        ("SELECT 1/0", exc.DataError, "22012"),
        ("SELECT 'abc'::int", exc.DataError, "22P02"),
        ("SELECT * FROM no_such_table_qf", exc.ProgrammingError, "42P01"),
        ("SELEC 1", exc.ProgrammingError, "42601"),
    ],
)
def test_statement_errors(engine, sql, error, sqlstate):
    with engine.connect() as connection:
        with pytest.raises(error) as raised:
            connection.execute(text(sql))
        assert raised.value.orig.args[0] == sqlstate
        assert sqlstate in str(raised.value)


def test_error_in_a_transaction_needs_rollback(engine, tables):
    parent, _ = tables
    with engine.connect() as connection:
        with pytest.raises(exc.IntegrityError):
            connection.execute(insert(parent), {"id": 1, "code": "x", "n": 0})
        with pytest.raises(exc.DBAPIError) as raised:  # in_failed_sql_transaction
            connection.execute(select(parent.c.id))
        assert raised.value.orig.args[0] == "25P02"
        connection.rollback()
        assert connection.execute(select(parent.c.id)).scalars().all() == [1]


def test_statement_is_in_the_message(engine):
    with engine.connect() as connection:
        with pytest.raises(exc.DBAPIError) as raised:
            connection.execute(text("SELECT :x / 0"), {"x": 5})
    assert "SELECT ? / 0" in str(raised.value)
    assert raised.value.params == (5,)
