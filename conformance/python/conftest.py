"""pytest fixtures for the pyodbc conformance tests.

Every test that takes ``cnxn`` runs once per driver (quietfetch, psqlodbc)
and per way of connecting (a DSN from odbc.ini, and a DSN-less connection
string with DRIVER={...};Server=...). ``--qf-driver`` narrows the run to one
driver so that ctest can show quietfetch and psqlODBC results separately.

Tables are created and dropped through psycopg2, not through the driver under
test: set-up and clean-up must keep working while the driver is broken.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import qfpy  # noqa: E402  (needs the path above)

try:
    import pyodbc
except ImportError:  # pragma: no cover - reported as a test failure below
    pyodbc = None

try:
    import psycopg2
except ImportError:  # pragma: no cover - reported as a test failure below
    psycopg2 = None


def pytest_addoption(parser):
    parser.addoption(
        "--qf-driver",
        action="append",
        choices=qfpy.DRIVER_NAMES,
        help="run only against this driver (repeatable; default: all)",
    )
    parser.addoption(
        "--qf-memory-rows",
        type=int,
        default=10_000_000,
        help="rows the memory test iterates (default 10,000,000)",
    )


def pytest_generate_tests(metafunc):
    """Parametrize ``driver_name`` over the drivers chosen on the command line."""
    if "driver_name" in metafunc.fixturenames:
        names = metafunc.config.getoption("--qf-driver") or list(qfpy.DRIVER_NAMES)
        metafunc.parametrize("driver_name", names, scope="session")


def contract_problems():
    """What is missing for the suite to run at all, as sentences (empty: ready)."""
    problems = []
    missing = qfpy.missing_environment()
    if missing:
        problems.append(
            "the pyodbc conformance tests need these environment variables, "
            "normally set by the project's test script (for a manual run: "
            "`. build/test-env/env.sh` (written by scripts/pg.sh start)): " + ", ".join(missing)
        )
    if pyodbc is None:
        problems.append(
            f"pyodbc is not importable from {sys.executable}; run the tests "
            "with Debian's /usr/bin/python3 (package python3-pyodbc)"
        )
    if psycopg2 is None:
        problems.append(
            f"psycopg2 is not importable from {sys.executable}; install "
            "Debian's python3-psycopg2"
        )
    return problems


def pytest_sessionstart(session):
    """Stop at once, with one clear message, when the test contract is not met."""
    problems = contract_problems()
    if problems:
        pytest.exit("\n".join(problems), returncode=1)


@pytest.fixture(scope="session")
def environment():
    """The checked environment (pytest_sessionstart already failed if incomplete)."""
    problems = contract_problems()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
    return os.environ


@pytest.fixture(scope="session")
def driver(environment, driver_name):
    """The driver under test; fails every test at once if its library is missing."""
    selected = qfpy.make_driver(driver_name)
    library = qfpy.driver_library(selected)
    if library and not os.path.exists(library):
        pytest.fail(
            f"{selected.name}: the driver library {library} does not exist "
            f"(is it built? odbcinst.ini section [{selected.odbc_driver}])",
            pytrace=False,
        )
    return selected


@pytest.fixture(params=["dsn", "connstr"])
def access(request):
    """How the application names the data source: DSN=... or DRIVER=...;Server=..."""
    return request.param


@pytest.fixture
def native_uuid():
    """Turn on pyodbc.native_uuid for the test and restore it afterwards.

    pyodbc 4 returns SQL_GUID columns as upper-case str unless the
    application sets this module-level switch; with it, uuid.UUID.
    """
    saved = pyodbc.native_uuid
    pyodbc.native_uuid = True
    yield
    pyodbc.native_uuid = saved


class Connector:
    """Opens pyodbc connections for one test and closes them all afterwards."""

    def __init__(self, driver, access, registry):
        self.driver = driver
        self.access = access
        self._open = registry

    def connection_string(self, **extra):
        return self.driver.connection_string(self.access, **extra)

    def connect(self, autocommit=False, **extra):
        """Connect the way an application would (pyodbc's default: autocommit off)."""
        connection = pyodbc.connect(
            self.connection_string(**extra), autocommit=autocommit, timeout=15
        )
        self._open.append(connection)
        return connection


def close_connections(registry):
    """Close (and so roll back) every connection in ``registry``."""
    while registry:
        connection = registry.pop()
        try:
            connection.close()
        except pyodbc.Error:
            pass


@pytest.fixture
def open_connections():
    """Every ODBC connection the running test opened; closed at its end."""
    registry = []
    yield registry
    close_connections(registry)


@pytest.fixture
def connector(driver, access, open_connections):
    """Factory for extra connections (e.g. a second session to check visibility)."""
    return Connector(driver, access, open_connections)


@pytest.fixture
def cnxn(connector):
    """A connection with pyodbc's defaults (autocommit off), as users get it."""
    return connector.connect()


@pytest.fixture
def dsn_connector(driver, open_connections):
    """Connections through the DSN only, for heavy tests not worth running twice."""
    return Connector(driver, "dsn", open_connections)


@pytest.fixture
def dsn_cnxn(dsn_connector):
    return dsn_connector.connect()


admin_connection = qfpy.admin_connection


@pytest.fixture(scope="session")
def admin(environment):
    """Session-wide psycopg2 connection (see admin_connection)."""
    connection = admin_connection()
    yield connection
    connection.close()


@pytest.fixture
def make_table(admin, driver, open_connections):
    """Create uniquely named tables for a test and drop them afterwards.

    Usage: ``name = make_table("items", "id int PRIMARY KEY, v text")``.
    Before dropping, every ODBC connection the test opened is closed, so the
    DROP never waits on a transaction the test left open.
    """
    created = []

    def create(suffix, columns):
        name = qfpy.table_name(driver, suffix)
        with admin.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(f"CREATE TABLE {name} ({columns})")
        created.append(name)
        return name

    yield create

    close_connections(open_connections)
    with admin.cursor() as cursor:
        for name in created:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")


@pytest.fixture
def deviates(request, driver):
    """Mark the running test as a known deviation of one driver.

    ``deviates(qfpy.PSQL_BOOL_AS_CHAR)`` turns the test into a strict xfail
    for psqlODBC only; quietfetch still has to pass the unchanged assertion.
    """

    def mark(*deviations):
        for deviation in deviations:
            if deviation.driver == driver.name:
                request.node.add_marker(
                    pytest.mark.xfail(
                        reason=f"{deviation.driver}: {deviation.summary}", strict=True
                    )
                )

    return mark
