"""Catalog functions through pyodbc: cursor.tables(), columns(), primaryKeys(),
foreignKeys(), statistics(), procedures(), procedureColumns(), rowIdColumns(),
rowVerColumns() and getTypeInfo() on a schema each test creates.

pyodbc names the columns of catalog results in lower case, whatever the
driver calls them, so rows are read by those names. Where psqlODBC answers
differently on purpose (see conformance/odbc/catalog_test.cc for the list),
the assertion is quietfetch's and psqlODBC is checked on what the two share.
"""

import os

import pyodbc
import pytest

import qfpy
from conftest import close_connections

# ODBC constants pyodbc does not export.
SQL_CASCADE = 0
SQL_TABLE_STAT = 0
SQL_PT_PROCEDURE = 1
SQL_PT_FUNCTION = 2

PSQL_TYPE_INFO_UNORDERED = qfpy.Deviation(
    "psqlodbc",
    "SQLGetTypeInfo(SQL_ALL_TYPES) rows are not ordered by DATA_TYPE as ODBC requires",
)
PSQL_PROCEDURE_AS_FUNCTION = qfpy.Deviation(
    "psqlodbc",
    "SQLProcedures reports a PostgreSQL procedure (CREATE PROCEDURE) as SQL_PT_FUNCTION",
)
PSQL_NO_BEST_ROWID = qfpy.Deviation(
    "psqlodbc",
    "SQLSpecialColumns(SQL_BEST_ROWID) returns only an oid column, which tables "
    "no longer have, so a table with a primary key has no best row identifier",
)
PSQL_NO_TABLE_STAT_ROW = qfpy.Deviation(
    "psqlodbc",
    "SQLStatistics leaves out the SQL_TABLE_STAT row ODBC puts first",
)


@pytest.fixture
def schema(admin, driver, open_connections):
    """A schema of tables, keys, indexes, a view and routines; dropped afterwards."""
    name = f"qfpy_cat_{driver.name}_{os.getpid()}"
    ddl = [
        f"DROP SCHEMA IF EXISTS {name} CASCADE",
        f"CREATE SCHEMA {name}",
        f"CREATE TABLE {name}.parent (id int PRIMARY KEY, code varchar(20) NOT NULL, "
        "amount numeric(10,2), note text)",
        f"CREATE TABLE {name}.child (id int PRIMARY KEY, parent_id int NOT NULL "
        f"REFERENCES {name}.parent (id) ON DELETE CASCADE)",
        f"CREATE INDEX child_parent ON {name}.child (parent_id)",
        f"CREATE TABLE {name}.a_b (x int)",
        f"CREATE TABLE {name}.axb (x int)",
        f"CREATE TABLE {name}.multi (a int, b int, PRIMARY KEY (a, b))",
        f"CREATE TABLE {name}.multi_ref (ra int, rb int, CONSTRAINT multi_fk "
        f"FOREIGN KEY (ra, rb) REFERENCES {name}.multi (a, b))",
        f"CREATE VIEW {name}.parent_view AS SELECT id FROM {name}.parent",
        f"CREATE FUNCTION {name}.add_one(a int, b int DEFAULT 1) RETURNS int "
        "LANGUAGE sql AS 'SELECT a + b'",
        f"CREATE PROCEDURE {name}.noop(x int) LANGUAGE sql AS 'SELECT 1'",
    ]
    with admin.cursor() as cursor:
        for statement in ddl:
            cursor.execute(statement)
    yield name
    close_connections(open_connections)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def test_tables_of_a_schema(cnxn, schema):
    rows = cnxn.cursor().tables(schema=schema, tableType="TABLE,VIEW").fetchall()
    found = {(row.table_schem, row.table_name, row.table_type) for row in rows}
    expected = {(schema, t, "TABLE") for t in ("parent", "child", "a_b", "axb", "multi", "multi_ref")}
    expected.add((schema, "parent_view", "VIEW"))
    assert found == expected
    assert {row.table_cat for row in rows} == {os.environ["QF_PG_DATABASE"]}
    # Ordered by TABLE_TYPE, then the names.
    assert [row.table_type for row in rows][-1] == "VIEW"


def test_tables_pattern_with_escape(cnxn, schema):
    cursor = cnxn.cursor()
    assert [r.table_name for r in cursor.tables(table="a\\_b", schema=schema)] == ["a_b"]
    assert [r.table_name for r in cursor.tables(table="a_b", schema=schema)] == ["a_b", "axb"]
    assert cnxn.getinfo(pyodbc.SQL_SEARCH_PATTERN_ESCAPE) == "\\"


def test_tables_special_enumerations(cnxn, schema):
    cursor = cnxn.cursor()
    catalogs = [row.table_cat for row in cursor.tables(catalog="%", schema="", table="")]
    assert catalogs == [os.environ["QF_PG_DATABASE"]]
    schemas = [row.table_schem for row in cursor.tables(catalog="", schema="%", table="")]
    assert schema in schemas and "public" in schemas
    types = [row.table_type for row in cursor.tables(catalog="", schema="", table="", tableType="%")]
    assert "TABLE" in types and "VIEW" in types


def test_columns(cnxn, schema):
    rows = cnxn.cursor().columns(table="parent", schema=schema).fetchall()
    assert [(r.column_name, r.ordinal_position, r.type_name, r.nullable) for r in rows] == [
        ("id", 1, "int4", 0),
        ("code", 2, "varchar", 0),
        ("amount", 3, "numeric", 1),
        ("note", 4, "text", 1),
    ]
    by_name = {r.column_name: r for r in rows}
    assert (by_name["id"].data_type, by_name["id"].column_size) == (pyodbc.SQL_INTEGER, 10)
    amount = by_name["amount"]
    assert (amount.data_type, amount.column_size, amount.decimal_digits) == (
        pyodbc.SQL_NUMERIC,
        10,
        2,
    )
    assert by_name["code"].column_size == 20
    only = cnxn.cursor().columns(table="parent", schema=schema, column="co%").fetchall()
    assert [r.column_name for r in only] == ["code"]


def test_columns_match_cursor_description(cnxn, driver, schema):
    """SQLColumns types are those of the same columns in a result."""
    if driver.name != "quietfetch":
        pytest.skip("psqlODBC reports wide character types to Unicode applications")
    rows = cnxn.cursor().columns(table="parent", schema=schema).fetchall()
    cursor = cnxn.cursor().execute(f"SELECT * FROM {schema}.parent")
    described = [(d[0], d[3]) for d in cursor.description]  # name, internal size
    assert described == [(r.column_name, r.column_size) for r in rows]


def test_primary_keys(cnxn, schema):
    rows = cnxn.cursor().primaryKeys("multi", schema=schema).fetchall()
    assert [(r.column_name, r.key_seq, r.pk_name) for r in rows] == [
        ("a", 1, "multi_pkey"),
        ("b", 2, "multi_pkey"),
    ]


def test_foreign_keys(cnxn, schema):
    cursor = cnxn.cursor()
    referencing = cursor.foreignKeys(table="parent", schema=schema).fetchall()
    assert [
        (r.pktable_name, r.pkcolumn_name, r.fktable_name, r.fkcolumn_name, r.delete_rule)
        for r in referencing
    ] == [("parent", "id", "child", "parent_id", SQL_CASCADE)]
    referenced = cursor.foreignKeys(foreignTable="multi_ref", foreignSchema=schema).fetchall()
    assert [(r.pkcolumn_name, r.fkcolumn_name, r.key_seq, r.fk_name) for r in referenced] == [
        ("a", "ra", 1, "multi_fk"),
        ("b", "rb", 2, "multi_fk"),
    ]


def test_statistics_index_rows(cnxn, schema):
    rows = cnxn.cursor().statistics("child", schema=schema).fetchall()
    index_rows = [r for r in rows if r.type != SQL_TABLE_STAT]
    assert [(r.index_name, r.column_name, r.non_unique, r.ordinal_position) for r in index_rows] == [
        ("child_pkey", "id", 0, 1),
        ("child_parent", "parent_id", 1, 1),
    ]
    unique = cnxn.cursor().statistics("child", schema=schema, unique=True).fetchall()
    assert [r.index_name for r in unique if r.type != SQL_TABLE_STAT] == ["child_pkey"]


def test_statistics_starts_with_table_stat(cnxn, schema, deviates):
    deviates(PSQL_NO_TABLE_STAT_ROW)
    rows = cnxn.cursor().statistics("child", schema=schema).fetchall()
    assert rows[0].type == SQL_TABLE_STAT
    assert rows[0].index_name is None


def test_procedures(cnxn, schema):
    rows = cnxn.cursor().procedures(schema=schema).fetchall()
    assert [r.procedure_name for r in rows] == ["add_one", "noop"]


def test_procedure_types(cnxn, schema, deviates):
    deviates(PSQL_PROCEDURE_AS_FUNCTION)
    rows = cnxn.cursor().procedures(schema=schema).fetchall()
    assert [(r.procedure_name, r.procedure_type) for r in rows] == [
        ("add_one", SQL_PT_FUNCTION),
        ("noop", SQL_PT_PROCEDURE),
    ]


def test_procedure_columns(cnxn, driver, schema):
    rows = cnxn.cursor().procedureColumns(procedure="add_one", schema=schema).fetchall()
    params = [r for r in rows if r.column_type == pyodbc.SQL_PARAM_INPUT]
    assert [(r.column_name, r.data_type, r.ordinal_position) for r in params] == [
        ("a", pyodbc.SQL_INTEGER, 1),
        ("b", pyodbc.SQL_INTEGER, 2),
    ]
    if driver.name == "quietfetch":
        assert (rows[0].column_type, rows[0].ordinal_position) == (pyodbc.SQL_RETURN_VALUE, 0)
        assert params[1].column_def == "1"


def test_row_id_columns(cnxn, schema, deviates):
    deviates(PSQL_NO_BEST_ROWID)
    rows = cnxn.cursor().rowIdColumns("parent", schema=schema).fetchall()
    assert [(r.column_name, r.data_type, r.scope) for r in rows] == [
        ("id", pyodbc.SQL_INTEGER, pyodbc.SQL_SCOPE_SESSION)
    ]


def test_row_version_columns(cnxn, schema):
    rows = cnxn.cursor().rowVerColumns("parent", schema=schema).fetchall()
    assert [r.column_name for r in rows] == ["xmin"]


def test_get_type_info(cnxn):
    cursor = cnxn.cursor()
    rows = cursor.getTypeInfo().fetchall()
    assert [d[0].lower() for d in cursor.description][:19] == [
        "type_name", "data_type", "column_size", "literal_prefix", "literal_suffix",
        "create_params", "nullable", "case_sensitive", "searchable", "unsigned_attribute",
        "fixed_prec_scale", "auto_unique_value", "local_type_name", "minimum_scale",
        "maximum_scale", "sql_data_type", "sql_datetime_sub", "num_prec_radix",
        "interval_precision",
    ]  # fmt: skip
    assert rows
    integers = cursor.getTypeInfo(pyodbc.SQL_INTEGER).fetchall()
    assert [(r[0], r[1], r[2]) for r in integers] == [("int4", pyodbc.SQL_INTEGER, 10)]


def test_get_type_info_ordered_by_data_type(cnxn, deviates):
    deviates(PSQL_TYPE_INFO_UNORDERED)
    data_types = [row[1] for row in cnxn.cursor().getTypeInfo().fetchall()]
    assert data_types == sorted(data_types)
