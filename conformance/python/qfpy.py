"""Shared helpers for the pyodbc conformance tests (imported by conftest.py).

The tests run the same scenarios against two ODBC drivers:

* ``quietfetch`` -- the driver under test; every assertion is its spec.
* ``psqlodbc``   -- the reference driver (Debian's odbc-postgresql). It shows
  that a scenario is sound today, before quietfetch can run it.

Where psqlODBC behaves differently from what quietfetch must do, the test
says so through one of the ``Deviation`` records below, so that every
difference is written down in one place instead of being hidden by a
weakened assertion.
"""

import configparser
import dataclasses
import os
import socket

ENV_VARS = (
    "QF_PG_HOST",
    "QF_PG_PORT",
    "QF_PG_USER",
    "QF_PG_PASSWORD",
    "QF_PG_DATABASE",
    "ODBCSYSINI",
    "ODBCINI",
    "QF_DSN",
    "QF_PSQL_DSN",
)

DRIVER_NAMES = ("quietfetch", "psqlodbc")


def missing_environment(extra=()):
    """Return the names of the environment variables the suite needs but lacks."""
    return [name for name in ENV_VARS + tuple(extra) if not os.environ.get(name)]


def admin_connection(*setup):
    """A psycopg2 autocommit connection, independent of any ODBC driver, for
    DDL and independent checks. `setup` statements run first (e.g. SET)."""
    import psycopg2

    connection = psycopg2.connect(
        host=os.environ["QF_PG_HOST"],
        port=os.environ["QF_PG_PORT"],
        user=os.environ["QF_PG_USER"],
        password=os.environ["QF_PG_PASSWORD"],
        dbname=os.environ["QF_PG_DATABASE"],
        connect_timeout=10,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        # Never wait forever behind a lock a failed test left behind.
        cursor.execute("SET lock_timeout = '10s'")
        for statement in setup:
            cursor.execute(statement)
    return connection


@dataclasses.dataclass(frozen=True)
class Driver:
    """One ODBC driver as the tests reach it: by DSN or by connection string."""

    name: str  # "quietfetch" or "psqlodbc"
    odbc_driver: str  # the section name in odbcinst.ini
    dsn: str

    def dsn_string(self, **extra):
        """Connection string naming the DSN, plus keyword overrides."""
        return join_keywords({"DSN": self.dsn, **extra})

    def keyword_string(self, **extra):
        """DSN-less connection string naming the driver and every setting."""
        keywords = {
            "DRIVER": "{%s}" % self.odbc_driver,
            "Server": os.environ["QF_PG_HOST"],
            "Port": os.environ["QF_PG_PORT"],
            "Database": os.environ["QF_PG_DATABASE"],
            "UID": os.environ["QF_PG_USER"],
            "PWD": os.environ["QF_PG_PASSWORD"],
        }
        keywords.update(extra)
        return join_keywords(keywords)

    def connection_string(self, access, **extra):
        """Connection string for ``access`` ("dsn" or "connstr")."""
        if access == "dsn":
            return self.dsn_string(**extra)
        if access == "connstr":
            return self.keyword_string(**extra)
        raise ValueError(f"unknown access kind {access!r}")


def join_keywords(keywords):
    """Render a dict as an ODBC connection string ``K=V;K=V``."""
    return ";".join(f"{key}={value}" for key, value in keywords.items())


def make_driver(name):
    """The Driver record for ``name`` built from the environment contract."""
    if name == "quietfetch":
        return Driver("quietfetch", "quietfetch", os.environ["QF_DSN"])
    if name == "psqlodbc":
        return Driver("psqlodbc", "psqlodbc", os.environ["QF_PSQL_DSN"])
    raise ValueError(f"unknown driver {name!r}")


def driver_library(driver):
    """The shared library odbcinst.ini names for ``driver``, or None if unknown."""
    path = os.path.join(
        os.environ.get("ODBCSYSINI", "/etc"), os.environ.get("ODBCINSTINI", "odbcinst.ini")
    )
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read(path)
        return parser.get(driver.odbc_driver, "Driver")
    except (configparser.Error, OSError):
        return None


def free_loopback_port():
    """A TCP port on 127.0.0.1 that nothing listens on (closed right away)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def table_name(driver, suffix):
    """A table name unique to this driver and process so parallel runs never collide."""
    return f"qfpy_{driver.name}_{os.getpid()}_{suffix}".lower()


# --------------------------------------------------------------------------
# Known, accepted differences of the reference driver. quietfetch must not
# show any of them; the tests mark them as strict xfail for the named driver
# only, so a fixed deviation shows up as XPASS (a failure) and gets noticed.
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Deviation:
    """A documented way in which a driver differs from quietfetch's spec."""

    driver: str
    summary: str


PSQL_BOOL_AS_CHAR = Deviation(
    "psqlodbc",
    "reports boolean columns as SQL_VARCHAR and returns '1'/'0' "
    "(psqlODBC's BoolsAsChar=1 default; BoolsAsChar=0 gives SQL_BIT/bool)",
)
PSQL_UNTYPED_PARAMETERS = Deviation(
    "psqlodbc",
    "sends every parameter as an untyped literal, so `SELECT ?` comes back "
    "as a str (and bytes fail with 22021) instead of the parameter's own type",
)
PSQL_SELECT_ROWCOUNT = Deviation(
    "psqlodbc",
    "buffers the whole result at execute time and so reports a SELECT's "
    "row count; a streaming driver cannot know it and reports -1",
)
PSQL_UNKNOWN_KEYWORD_ACCEPTED = Deviation(
    "psqlodbc",
    "silently ignores unknown connection-string keywords",
)
PSQL_DESCRIBE_PARAM_BYTEA = Deviation(
    "psqlodbc",
    "SQLDescribeParam reports a bytea parameter's size as SQL_NO_TOTAL (-4), "
    "which pyodbc's fast_executemany passes on as a buffer length: HY090 from "
    "the driver manager for any statement with a bytea parameter",
)
PSQL_FAST_EXECUTEMANY_MICROSECONDS = Deviation(
    "psqlodbc",
    "with fast_executemany (parameter arrays bound after SQLDescribeParam) "
    "timestamps are stored without their microseconds",
)
