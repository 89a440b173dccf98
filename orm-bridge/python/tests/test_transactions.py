"""Transactions: commit, rollback, savepoints, isolation levels, AUTOCOMMIT,
read-only and deferrable, each checked from an independent connection."""

import pytest
import sqlalchemy
from sqlalchemy import Column
from sqlalchemy import exc
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import select
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import text


@pytest.fixture
def items(engine, names):
    metadata = MetaData()
    table = Table(
        names.table("items"),
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("v", String(20), unique=True),
    )
    metadata.create_all(engine)
    return table


def seen_by_admin(admin, table):
    with admin.cursor() as cursor:
        cursor.execute(f'SELECT id FROM "{table.name}" ORDER BY id')
        return [row[0] for row in cursor.fetchall()]


def test_commit_is_visible_elsewhere(engine, admin, items):
    with engine.connect() as connection:
        connection.execute(items.insert(), {"id": 1, "v": "a"})
        assert seen_by_admin(admin, items) == []
        connection.commit()
    assert seen_by_admin(admin, items) == [1]


def test_rollback_discards(engine, admin, items):
    with engine.connect() as connection:
        connection.execute(items.insert(), {"id": 1, "v": "a"})
        assert connection.execute(select(items.c.id)).scalars().all() == [1]
        connection.rollback()
        assert connection.execute(select(items.c.id)).scalars().all() == []
    assert seen_by_admin(admin, items) == []


def test_begin_block_commits_and_rolls_back_on_error(engine, admin, items):
    with engine.begin() as connection:
        connection.execute(items.insert(), {"id": 1, "v": "a"})
    with pytest.raises(ZeroDivisionError):
        with engine.begin() as connection:
            connection.execute(items.insert(), {"id": 2, "v": "b"})
            1 / 0
    assert seen_by_admin(admin, items) == [1]


def test_closing_without_commit_rolls_back(engine, admin, items):
    with engine.connect() as connection:
        connection.execute(items.insert(), {"id": 1, "v": "a"})
    assert seen_by_admin(admin, items) == []


def test_savepoint_rollback_and_release(engine, admin, items):
    with engine.connect() as connection:
        with connection.begin():
            connection.execute(items.insert(), {"id": 1, "v": "a"})
            savepoint = connection.begin_nested()
            connection.execute(items.insert(), {"id": 2, "v": "b"})
            savepoint.rollback()
            with connection.begin_nested():
                connection.execute(items.insert(), {"id": 3, "v": "c"})
            assert connection.execute(select(items.c.id).order_by(items.c.id)).scalars().all() == [1, 3]
    assert seen_by_admin(admin, items) == [1, 3]


def test_savepoint_recovers_from_an_error(engine, admin, items):
    with engine.connect() as connection:
        with connection.begin():
            connection.execute(items.insert(), {"id": 1, "v": "a"})
            savepoint = connection.begin_nested()
            with pytest.raises(exc.IntegrityError):
                connection.execute(items.insert(), {"id": 2, "v": "a"})
            savepoint.rollback()
            # The outer transaction is usable again.
            connection.execute(items.insert(), {"id": 2, "v": "b"})
    assert seen_by_admin(admin, items) == [1, 2]


def test_orm_begin_nested(engine, admin, items):
    from sqlalchemy.orm import Session

    with Session(engine, future=True) as session:
        session.execute(items.insert(), {"id": 1, "v": "a"})
        with pytest.raises(exc.IntegrityError):
            with session.begin_nested():
                session.execute(items.insert(), {"id": 2, "v": "a"})
        session.execute(items.insert(), {"id": 3, "v": "c"})
        session.commit()
    assert seen_by_admin(admin, items) == [1, 3]


def server_isolation(connection):
    return connection.execute(text("SHOW transaction_isolation")).scalar()


@pytest.mark.parametrize("level", ["SERIALIZABLE", "REPEATABLE READ", "READ UNCOMMITTED"])
def test_isolation_level_per_connection(engine, level):
    with engine.connect() as connection:
        connection.execution_options(isolation_level=level)
        assert connection.get_isolation_level() == level
        assert server_isolation(connection) == level.lower()
    # Back in the pool the connection is reset to the default.
    with engine.connect() as connection:
        assert server_isolation(connection) == "read committed"
        assert connection.get_isolation_level() == "READ COMMITTED"


def test_isolation_level_per_engine(engines):
    engine = engines(isolation_level="REPEATABLE READ")
    with engine.connect() as connection:
        assert server_isolation(connection) == "repeatable read"
        connection.rollback()
        assert server_isolation(connection) == "repeatable read"


def test_isolation_level_with_underscores_and_bad_values(engine):
    with engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE_READ")
        assert server_isolation(connection) == "repeatable read"
    with pytest.raises(exc.ArgumentError):
        with engine.connect() as connection:
            connection.execution_options(isolation_level="SOMETIMES")


def test_repeatable_read_sees_a_snapshot(engine, admin, items):
    with engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ")
        assert connection.execute(select(sqlalchemy.func.count()).select_from(items)).scalar() == 0
        with admin.cursor() as cursor:
            cursor.execute(f'INSERT INTO "{items.name}" VALUES (1, %s)', ("x",))
        assert connection.execute(select(sqlalchemy.func.count()).select_from(items)).scalar() == 0
        connection.rollback()
        assert connection.execute(select(sqlalchemy.func.count()).select_from(items)).scalar() == 1


def test_autocommit(engine, admin, items):
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        assert connection.connection.dbapi_connection.autocommit is True
        connection.execute(items.insert(), {"id": 1, "v": "a"})
        # Visible at once, without a commit ...
        assert seen_by_admin(admin, items) == [1]
        # ... and a rollback does not undo it.
        connection.rollback()
    assert seen_by_admin(admin, items) == [1]
    # Returned to the pool, the connection is transactional again.
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection.autocommit is False
        connection.execute(items.insert(), {"id": 2, "v": "b"})
        connection.rollback()
    assert seen_by_admin(admin, items) == [1]


def test_autocommit_engine(engines, admin, items):
    engine = engines(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(items.insert(), {"id": 5, "v": "e"})
    assert seen_by_admin(admin, items) == [5]


def test_postgresql_readonly(engine, items):
    with engine.connect() as connection:
        connection.execution_options(postgresql_readonly=True)
        assert connection.execute(text("SHOW transaction_read_only")).scalar() == "on"
        with pytest.raises(exc.DBAPIError) as raised:
            connection.execute(items.insert(), {"id": 1, "v": "a"})
        assert raised.value.orig.args[0] == "25006"  # read_only_sql_transaction
    with engine.connect() as connection:
        assert connection.execute(text("SHOW transaction_read_only")).scalar() == "off"


def test_postgresql_deferrable(engine):
    with engine.connect() as connection:
        connection.execution_options(postgresql_deferrable=True)
        assert connection.execute(text("SHOW transaction_deferrable")).scalar() == "on"


def test_legacy_1_4_engine_commits(names, admin):
    """SQLAlchemy 1.4's default (non-future) engine, as most 1.4 apps use it."""
    from conftest import url_dsnless

    if not sqlalchemy.__version__.startswith("1."):
        pytest.skip("SQLAlchemy 2.0 has only the future-style engine")
    engine = sqlalchemy.create_engine(url_dsnless())
    try:
        metadata = MetaData()
        table = Table(names.table("legacy"), metadata, Column("id", Integer, primary_key=True))
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(table.insert(), [{"id": 1}, {"id": 2}])
        assert seen_by_admin(admin, table) == [1, 2]
    finally:
        engine.dispose()
