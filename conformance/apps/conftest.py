"""Fixtures for the application tests: the environment, a psycopg2 connection
for set-up and for the server's own view of the catalog, and a small set of
objects to browse.

The objects are created and dropped through psycopg2, never through an ODBC
driver, so that set-up keeps working while the driver under test is broken.
Their names are unique to this suite (other suites create tables in the same
database at the same time), and every listing the tests compare is narrowed
to them.
"""

import os
import sys

import pytest

# The same psycopg2 admin connection as the pyodbc suite (conformance/python).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "python"))
from qfpy import admin_connection, missing_environment  # noqa: E402

# A schema whose name needs quoting, so that case is kept end to end.
SCHEMA = "QfApps"

# (schema, name, type) of every object the suite creates.
OBJECTS = (
    ("public", "AppsMixed", "TABLE"),
    ("public", "appsmixed", "TABLE"),
    (SCHEMA, "Orders", "TABLE"),
    (SCHEMA, "tëst_ünï", "TABLE"),
    (SCHEMA, "order_totals", "VIEW"),
)

# Text that crosses every width: Latin-1, the rest of the BMP, and a
# character outside it (a surrogate pair in UTF-16).
UNICODE_ROWS = (
    (1, "Grüße", "日本語のテキスト"),
    (2, "naïve café", "😀 emoji"),
    (3, "plain", None),
)

DDL = f"""
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE;
DROP TABLE IF EXISTS public."AppsMixed", public.appsmixed;
CREATE SCHEMA "{SCHEMA}";
CREATE TABLE public."AppsMixed" (
  "Id"    integer PRIMARY KEY,
  "Label" varchar(20) NOT NULL,
  "Notes" text
);
CREATE TABLE public.appsmixed (only_lower integer);
CREATE TABLE "{SCHEMA}"."Orders" (
  "OrderId"  integer PRIMARY KEY,
  customer   varchar(40) NOT NULL,
  amount     numeric(10,2),
  placed_at  timestamp NOT NULL,
  mixed_id   integer REFERENCES public."AppsMixed" ("Id")
);
CREATE INDEX orders_customer ON "{SCHEMA}"."Orders" (customer);
CREATE TABLE "{SCHEMA}"."tëst_ünï" ("çolumn" text, "ñ" integer NOT NULL);
CREATE VIEW "{SCHEMA}".order_totals AS
  SELECT customer, sum(amount) AS total FROM "{SCHEMA}"."Orders" GROUP BY customer;
INSERT INTO "{SCHEMA}"."tëst_ünï" VALUES ('ü', 1);
"""


def pytest_sessionstart(session):
    missing = missing_environment()
    if missing:
        raise pytest.UsageError(
            "the application tests need these environment variables, normally "
            "set by scripts/test.sh (for a manual run: `set -a; . "
            "build/test-env/env.sh; set +a` after scripts/pg.sh start): " + ", ".join(missing)
        )


@pytest.fixture(scope="session")
def admin():
    connection = admin_connection()
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def browse_objects(admin):
    """Create the objects to browse; drop them at the end of the session."""
    with admin.cursor() as cursor:
        cursor.execute(DDL)
        cursor.executemany('INSERT INTO public."AppsMixed" VALUES (%s, %s, %s)', UNICODE_ROWS)
        cursor.execute(
            f'INSERT INTO "{SCHEMA}"."Orders" VALUES '
            "(10, 'Grüße GmbH', 12.50, '2024-02-29 13:14:15', 1),"
            "(11, 'Grüße GmbH', 7.25, '2024-03-01 00:00:00', 2),"
            "(12, 'Ōsaka 商店', 100.00, '2024-03-02 08:00:00', NULL)"
        )
    yield OBJECTS
    with admin.cursor() as cursor:
        cursor.execute(
            f'SET client_min_messages = warning; DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE;'
            ' DROP TABLE IF EXISTS public."AppsMixed", public.appsmixed'
        )
