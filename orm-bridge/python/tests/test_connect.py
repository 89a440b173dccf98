"""Connecting: URL forms, keyword pass-through, server version, ping,
disconnect detection, and the dialect's SQLAlchemy 1.4/2.0 surface."""

import os
import urllib.parse

import pytest
import sqlalchemy
from sqlalchemy import exc
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import make_url

from conftest import url_dsn
from conftest import url_dsnless
from quietfetch_sqlalchemy.dialect import QuietfetchDialect


def connect_args(url, **kw):
    dialect = QuietfetchDialect(**kw)
    cargs, cparams = dialect.create_connect_args(make_url(url))
    assert len(cargs) == 1
    return cargs[0], cparams


# -- the connection string built from a URL (no server needed) ---------------


def test_dsnless_url_builds_keyword_string(monkeypatch):
    monkeypatch.setenv("QF_DRIVER_PATH", "/opt/qf/libquietfetch.so")
    connstr, cparams = connect_args("postgresql+quietfetch://app:secret@db.example:6543/appdb")
    assert connstr == (
        "Driver={/opt/qf/libquietfetch.so};Server=db.example;Port=6543;"
        "Database=appdb;UID=app;PWD=secret"
    )
    assert cparams == {}


def test_driver_defaults_to_the_odbcinst_name(monkeypatch):
    monkeypatch.delenv("QF_DRIVER_PATH", raising=False)
    connstr, _ = connect_args("postgresql+quietfetch://app@db/appdb")
    assert connstr == "Driver={quietfetch};Server=db;Database=appdb;UID=app"


def test_driver_query_parameter_wins(monkeypatch):
    monkeypatch.setenv("QF_DRIVER_PATH", "/ignored.so")
    connstr, _ = connect_args("postgresql+quietfetch://app@db/appdb?driver=qf-prod")
    assert connstr.startswith("Driver={qf-prod};")
    assert "ignored" not in connstr


def test_special_characters_are_braced():
    password = "p;a}ss word"
    url = "postgresql+quietfetch://app:%s@db/appdb" % urllib.parse.quote(password, safe="")
    connstr, _ = connect_args(url)
    assert connstr.endswith("PWD={p;a}}ss word}")


def test_dsn_forms():
    assert connect_args("postgresql+quietfetch://@qf_test")[0] == "DSN=qf_test"
    assert connect_args("postgresql+quietfetch://?dsn=qf_test")[0] == "DSN=qf_test"
    connstr, _ = connect_args("postgresql+quietfetch://bob:pw@qf_test?FetchRows=64")
    assert connstr == "DSN=qf_test;UID=bob;PWD=pw;FetchRows=64"


def test_keywords_and_pyodbc_arguments_are_separated():
    dialect = QuietfetchDialect()
    cargs, cparams = dialect.create_connect_args(
        make_url(
            "postgresql+quietfetch://@qf_test?GcPolicy=off&GcThreshold=50000"
            "&FetchRows=4096&autocommit=true&timeout=7&fast_executemany=yes"
        )
    )
    assert cargs == ("DSN=qf_test;GcPolicy=off;GcThreshold=50000;FetchRows=4096",)
    assert cparams == {"autocommit": True, "timeout": 7}
    assert dialect.fast_executemany is True


def test_odbc_connect_is_used_as_given():
    raw = "DSN=qf_test;PQOpt={application_name=a+b}"
    connstr, _ = connect_args(
        "postgresql+quietfetch://?odbc_connect=" + urllib.parse.quote_plus(raw)
    )
    assert connstr == raw


# -- the same URL forms against the server -----------------------------------


def current(connection, setting):
    return connection.execute(text("SELECT current_setting(:s)"), {"s": setting}).scalar()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: url_dsnless(), id="dsnless"),
        pytest.param(lambda: url_dsn(), id="dsn-as-host"),
        pytest.param(lambda: "postgresql+quietfetch://?dsn=" + os.environ["QF_DSN"], id="dsn-query"),
        pytest.param(
            lambda: "postgresql+quietfetch://?odbc_connect="
            + urllib.parse.quote_plus("DSN=%s;ApplicationName=qf odbc_connect" % os.environ["QF_DSN"]),
            id="odbc_connect",
        ),
    ],
)
def test_every_url_form_connects(engines, make):
    engine = engines(make())
    with engine.connect() as connection:
        assert connection.execute(select(sqlalchemy.literal(41) + 1)).scalar() == 42
        assert current(connection, "server_version_num") is not None


def test_keywords_pass_through_to_the_driver(engines):
    engine = engines(url_dsnless(ApplicationName="qf-sa-passthrough", FetchRows="3"))
    with engine.connect() as connection:
        assert current(connection, "application_name") == "qf-sa-passthrough"
        # FetchRows=3: batches of three rows must still yield every row.
        rows = connection.execute(text("SELECT g FROM generate_series(1, 10) g")).scalars().all()
        assert rows == list(range(1, 11))


def test_unknown_keyword_is_reported_by_the_driver(engines):
    engine = engines(url_dsn(NoSuchKeyword="1"))
    with pytest.raises(exc.DBAPIError) as raised:
        engine.connect()
    assert "NoSuchKeyword" in str(raised.value)


def test_wrong_password_is_an_error(engines):
    engine = engines(url_dsnless().set(password="definitely-wrong"))
    with pytest.raises(exc.DBAPIError) as raised:
        engine.connect()
    assert raised.value.connection_invalidated is False
    assert "password" in str(raised.value).lower()


# -- what the dialect detects on first connect ------------------------------


def test_server_version_matches_the_server(engine):
    with engine.connect() as connection:
        num = int(current(connection, "server_version_num"))
        expected = (num // 10000, num % 10000) if num >= 100000 else (
            num // 10000, num // 100 % 100, num % 100)
        assert engine.dialect.server_version_info == expected
        assert engine.dialect.default_schema_name == connection.execute(
            text("SELECT current_schema()")).scalar()
        assert engine.dialect.default_isolation_level == "READ COMMITTED"
        assert engine.dialect._backslash_escapes is False


def test_session_runs_in_utc(engine):
    with engine.connect() as connection:
        assert current(connection, "TimeZone") == "UTC"
        # ... and stays so after a rollback (SET is transactional).
        connection.rollback()
        assert current(connection, "TimeZone") == "UTC"


def test_paramstyle_is_qmark(engine):
    assert engine.dialect.paramstyle == "qmark"
    assert engine.dialect.positional
    compiled = select(sqlalchemy.literal(1)).compile(dialect=engine.dialect)
    assert "?" in str(compiled)


def test_sqlalchemy_1_4_and_2_0_surface():
    cls = QuietfetchDialect
    assert cls.__dict__["supports_statement_cache"] is True
    # SQLAlchemy 2.0 looks for import_dbapi in the class's own __dict__ ...
    assert "import_dbapi" in cls.__dict__
    # ... 1.4 calls dbapi(); both give pyodbc.
    import pyodbc

    assert cls.import_dbapi() is pyodbc
    assert cls.dbapi() is pyodbc
    assert not getattr(cls, "use_setinputsizes", False)
    assert set(cls().get_isolation_level_values(None)) == {
        "SERIALIZABLE", "READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "AUTOCOMMIT"}


def test_entry_point_name_resolves():
    dialect_cls = make_url("postgresql+quietfetch://").get_dialect()
    assert dialect_cls is QuietfetchDialect


# -- liveness -----------------------------------------------------------------


def test_do_ping(engine):
    with engine.connect() as connection:
        assert engine.dialect.do_ping(connection.connection.dbapi_connection) is True


def backend_pid(connection):
    return connection.execute(text("SELECT pg_backend_pid()")).scalar()


def test_killed_connection_is_detected_as_disconnect(engine, admin):
    with engine.connect() as connection:
        pid = backend_pid(connection)
        connection.rollback()
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(exc.DBAPIError) as raised:
            connection.execute(text("SELECT 1"))
        assert raised.value.connection_invalidated is True
    # The pool replaced the dead connection.
    with engine.connect() as connection:
        assert backend_pid(connection) != pid


def test_pre_ping_replaces_a_dead_connection(engines, admin):
    engine = engines(pool_pre_ping=True, pool_size=1)
    with engine.connect() as connection:
        pid = backend_pid(connection)
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))
    # The ping at checkout fails, the pool reconnects, the query succeeds.
    with engine.connect() as connection:
        assert backend_pid(connection) != pid
        assert connection.execute(text("SELECT 7")).scalar() == 7


def test_is_disconnect_classification():
    import pyodbc

    dialect = QuietfetchDialect()
    dialect.dbapi = pyodbc
    assert dialect.is_disconnect(pyodbc.OperationalError("08S01", "[08S01] lost"), None, None)
    assert dialect.is_disconnect(pyodbc.Error("57P01", "[57P01] admin shutdown"), None, None)
    assert dialect.is_disconnect(
        pyodbc.ProgrammingError("Attempt to use a closed connection."), None, None)
    assert not dialect.is_disconnect(pyodbc.IntegrityError("23505", "[23505] dup"), None, None)
    assert not dialect.is_disconnect(ValueError("08S01"), None, None)
