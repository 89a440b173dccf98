"""Fixtures for the ``postgresql+quietfetch`` dialect tests.

They run under Debian's /usr/bin/python3 (SQLAlchemy 1.4, pyodbc, psycopg2)
against the test server of scripts/pg.sh, read only the environment contract
(QF_PG_*, QF_DSN, QF_DRIVER_PATH, ODBCSYSINI, ODBCINI) and use the dialect
without installing it: the package directory goes on sys.path and the dialect
is registered here.

Tables get unique names and are dropped afterwards through psycopg2, so that
clean-up works even while the dialect or the driver is broken.
"""

import itertools
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
sys.path.insert(0, PACKAGE_ROOT)

# The shared test helpers (environment contract, psycopg2 side connection).
sys.path.insert(0, os.path.join(PACKAGE_ROOT, "..", "..", "conformance", "python"))
import qfpy  # noqa: E402  (needs the path above)

ENV_VARS = qfpy.ENV_VARS + ("QF_DRIVER_PATH",)

_imports = {}
for _module in ("sqlalchemy", "pyodbc", "psycopg2"):
    try:
        _imports[_module] = __import__(_module)
    except ImportError:  # reported by contract_problems()
        _imports[_module] = None


def contract_problems():
    """What is missing for the suite to run at all, as sentences (empty: ready)."""
    problems = []
    missing = qfpy.missing_environment(extra=("QF_DRIVER_PATH",))
    if missing:
        problems.append(
            "the SQLAlchemy dialect tests need these environment variables, "
            "normally set by scripts/test.sh (by hand: `scripts/pg.sh start; "
            ". build/test-env/env.sh`): " + ", ".join(missing)
        )
    for module, package in (
        ("sqlalchemy", "python3-sqlalchemy"),
        ("pyodbc", "python3-pyodbc"),
        ("psycopg2", "python3-psycopg2"),
    ):
        if _imports[module] is None:
            problems.append(
                f"{module} is not importable from {sys.executable}; run the "
                f"tests with Debian's /usr/bin/python3 (package {package})"
            )
    driver = os.environ.get("QF_DRIVER_PATH")
    if driver and not os.path.exists(driver):
        problems.append(f"QF_DRIVER_PATH={driver} does not exist (is the driver built?)")
    return problems


def pytest_sessionstart(session):
    """Stop at once, with one clear message, when the test contract is not met."""
    problems = contract_problems()
    if problems:
        pytest.exit("\n".join(problems), returncode=1)
    import quietfetch_sqlalchemy

    quietfetch_sqlalchemy.register()
    drop_leftovers()


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def drop_leftovers():
    """Drop objects of earlier runs whose process died before clean-up (a
    crash, a sanitizer abort, a kill). Names carry the pid: qfsa_<pid>_..."""
    import re

    pattern = re.compile(r"^qfsa_(\d+)_")
    connection = admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                r"""SELECT 'SCHEMA', quote_ident(nspname), nspname
                      FROM pg_namespace WHERE nspname LIKE 'qfsa\_%'
                    UNION ALL
                    SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
                           quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relname
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind IN ('r', 'v') AND c.relname LIKE 'qfsa\_%'
                    UNION ALL
                    SELECT 'TYPE', quote_ident(n.nspname) || '.' || quote_ident(t.typname), t.typname
                      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                     WHERE t.typtype = 'e' AND t.typname LIKE 'qfsa\_%'"""
            )
            for kind, quoted, bare in cursor.fetchall():
                match = pattern.match(bare)
                if match and not _pid_alive(int(match.group(1))):
                    cursor.execute(f"DROP {kind} IF EXISTS {quoted} CASCADE")
    finally:
        connection.close()


# ---------------------------------------------------------------------------
# URLs and engines


def url_dsnless(**query):
    from sqlalchemy.engine import URL

    return URL.create(
        "postgresql+quietfetch",
        username=os.environ["QF_PG_USER"],
        password=os.environ["QF_PG_PASSWORD"],
        host=os.environ["QF_PG_HOST"],
        port=int(os.environ["QF_PG_PORT"]),
        database=os.environ["QF_PG_DATABASE"],
        query=query,
    )


def url_dsn(**query):
    return "postgresql+quietfetch://@%s%s" % (
        os.environ["QF_DSN"],
        ("?" + "&".join(f"{k}={v}" for k, v in query.items())) if query else "",
    )


@pytest.fixture
def engines(names):
    """Factory for engines that are disposed at the end of the test.

    (It depends on ``names`` so that engines are disposed before the test's
    tables are dropped.)
    """
    import sqlalchemy

    made = []

    def make(url=None, **kw):
        # 2.0-style Connection/Session API on 1.4 too (future=True is 2.0's
        # only mode).
        kw.setdefault("future", True)
        engine = sqlalchemy.create_engine(url if url is not None else url_dsnless(), **kw)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.dispose()


@pytest.fixture
def engine(engines):
    """A DSN-less engine with default settings."""
    return engines()


# ---------------------------------------------------------------------------
# the independent admin connection and unique names

_counter = itertools.count()


def admin_connection():
    return qfpy.admin_connection("SET TimeZone = 'UTC'")


@pytest.fixture(scope="session")
def admin():
    """psycopg2, autocommit: DDL, clean-up and independent checks."""
    connection = admin_connection()
    yield connection
    connection.close()


class Names:
    """Unique object names for one test; everything is dropped afterwards."""

    def __init__(self):
        self.tables = []
        self.views = []
        self.types = []
        self.schemas = []

    @staticmethod
    def _unique(base):
        return "qfsa_%d_%d_%s" % (os.getpid(), next(_counter), base)

    def table(self, base):
        name = self._unique(base)
        self.tables.append(name)
        return name

    def view(self, base):
        name = self._unique(base)
        self.views.append(name)
        return name

    def type(self, base):
        name = self._unique(base)
        self.types.append(name)
        return name

    def schema(self, base):
        name = self._unique(base)
        self.schemas.append(name)
        return name


@pytest.fixture
def names(admin):
    created = Names()
    yield created
    with admin.cursor() as cursor:
        for view in created.views:
            cursor.execute(f'DROP VIEW IF EXISTS "{view}" CASCADE')
        for table in created.tables:
            cursor.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        for type_ in created.types:
            cursor.execute(f'DROP TYPE IF EXISTS "{type_}" CASCADE')
        for schema in created.schemas:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def statements(engine):
    """The SQL text of every statement the default engine sends, in order."""
    from sqlalchemy import event

    seen = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    yield seen
    event.remove(engine, "before_cursor_execute", capture)
