"""pytest set-up for the collector-policy tests.

Every scenario runs in a fresh child process (gcscen.py); this process only
starts children and asserts on their JSON reports. The test contract (the
environment written by scripts/pg.sh, Debian's Python packages, the
SQLAlchemy dialect) is checked once, at session start, with one message that
names everything missing.
"""

import importlib.util
import os
import sys

import pytest

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gcscen  # noqa: E402  (needs the path above)


def contract_problems():
    problems = []
    missing = gcscen.missing_environment()
    if missing:
        problems.append(
            "the gc-policy tests need these environment variables, normally set by "
            "scripts/test.sh (for a manual run: `. build/test-env/env.sh`, written by "
            "scripts/pg.sh start): " + ", ".join(missing)
        )
    elif not os.path.exists(os.environ["QF_DRIVER_PATH"]):
        problems.append(
            f"QF_DRIVER_PATH={os.environ['QF_DRIVER_PATH']} does not exist (is the driver built?)"
        )
    absent = [
        name
        for name in ("pyodbc", "psycopg2", "sqlalchemy")
        if importlib.util.find_spec(name) is None
    ]
    if absent:
        problems.append(
            f"{sys.executable} cannot import {', '.join(absent)}; run the tests with Debian's "
            "/usr/bin/python3 (packages python3-pyodbc, python3-psycopg2, python3-sqlalchemy)"
        )
    return problems


def pytest_sessionstart(session):
    problems = contract_problems()
    if problems:
        pytest.exit("\n".join(problems), returncode=1)


@pytest.fixture
def original():
    """The distinctive collector thresholds every child starts from."""
    return list(gcscen.ORIGINAL)


@pytest.fixture
def dialect():
    """The postgresql+quietfetch dialect must be importable (orm-bridge/python)."""
    package = os.path.join(gcscen.ORM_BRIDGE_PYTHON, "quietfetch_sqlalchemy")
    if not os.path.isdir(package):
        pytest.fail(f"the SQLAlchemy dialect package is missing: {package}", pytrace=False)
