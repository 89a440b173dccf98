"""JSON and JSONB: values, index and path access, containment, and the
operators spelled with '?' (which the driver reads as parameter markers)
compiled to their functions."""

import pytest
from sqlalchemy import Column
from sqlalchemy import exc
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import not_
from sqlalchemy import select
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import text
from sqlalchemy.dialects import postgresql as pg

from quietfetch_sqlalchemy.dialect import QuietfetchDialect

DOCS = [
    {"name": "a", "tags": ["x", "y"], "n": 1, "deep": {"k": "v"}},
    {"name": "b", "tags": ["y"], "n": 2},
    {"name": "c", "n": None},
]


@pytest.fixture
def docs(engine, names):
    metadata = MetaData()
    table = Table(
        names.table("docs"),
        metadata,
        Column("id", Integer, primary_key=True),
        Column("doc", pg.JSONB),
        Column("js", pg.JSON),
    )
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(table), [{"doc": d, "js": d} for d in DOCS])
    return table


def ids(engine, table, where):
    with engine.connect() as connection:
        return connection.execute(select(table.c.id).where(where).order_by(table.c.id)).scalars().all()


def sql_of(expression):
    return str(expression.compile(dialect=QuietfetchDialect()))


def test_qmark_operators_compile_to_functions(docs):
    c = docs.c.doc
    assert sql_of(c.has_key("tags")) == f"jsonb_exists({c}, ?)"
    assert sql_of(c.has_any(pg.array(["x", "z"]))) == f"jsonb_exists_any({c}, ARRAY[?, ?])"
    assert sql_of(c.has_all(pg.array(["x", "y"]))) == f"jsonb_exists_all({c}, ARRAY[?, ?])"
    # Exactly one '?' per parameter: no operator left that contains one.
    statement = select(docs.c.id).where(c.has_key("n"), c.has_all(pg.array(["x"])))
    compiled = statement.compile(dialect=QuietfetchDialect())
    assert str(compiled).count("?") == len(compiled.positiontup)


def test_has_key(engine, docs):
    assert ids(engine, docs, docs.c.doc.has_key("tags")) == [1, 2]
    assert ids(engine, docs, docs.c.doc.has_key("deep")) == [1]
    assert ids(engine, docs, not_(docs.c.doc.has_key("tags"))) == [3]


def test_has_any_and_has_all(engine, docs):
    tags = docs.c.doc["tags"]
    assert ids(engine, docs, tags.has_any(pg.array(["x", "zzz"]))) == [1]
    assert ids(engine, docs, tags.has_all(pg.array(["x", "y"]))) == [1]
    assert ids(engine, docs, tags.has_all(pg.array(["y"]))) == [1, 2]


def test_custom_qmark_operator(engine, docs):
    assert ids(engine, docs, docs.c.doc.op("?")("n")) == [1, 2, 3]


def test_jsonpath_exists_operator(engine, docs):
    """@? (jsonb_path_exists): SQLAlchemy 2.0's path_exists(), or op('@?')."""
    expression = docs.c.doc.op("@?", is_comparison=True)(
        text("'$.tags[*] ? (@ == \"x\")'"))
    assert "@?" not in sql_of(expression)
    assert ids(engine, docs, expression) == [1]


def test_containment(engine, docs):
    assert ids(engine, docs, docs.c.doc.contains({"tags": ["y"]})) == [1, 2]
    assert ids(engine, docs, docs.c.doc.contained_by({"name": "c", "n": None, "extra": 1})) == [3]


def test_index_and_path_access(engine, docs):
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                docs.c.doc["name"].astext,
                docs.c.doc["n"].as_integer(),
                docs.c.doc[("deep", "k")].astext,
                docs.c.doc["tags"][0].astext,
                docs.c.js["name"].astext,
            ).order_by(docs.c.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("a", 1, "v", "x", "a"),
        ("b", 2, None, "y", "b"),
        ("c", None, None, None, "c"),
    ]
    assert ids(engine, docs, docs.c.doc["name"].astext == "b") == [2]
    assert ids(engine, docs, docs.c.doc["n"].as_integer() > 1) == [2]


def test_json_values_and_nulls(engine, names):
    metadata = MetaData()
    table = Table(
        names.table("jnull"), metadata,
        Column("id", Integer, primary_key=True),
        Column("doc", pg.JSONB(none_as_null=False)),
        Column("label", String(10)),
    )
    metadata.create_all(engine)
    from sqlalchemy import JSON, null

    with engine.begin() as connection:
        connection.execute(insert(table), [
            {"doc": None, "label": "json-null"},
            {"doc": null(), "label": "sql-null"},
            {"doc": JSON.NULL, "label": "json-null2"},
        ])
    with engine.connect() as connection:
        got = connection.execute(
            select(table.c.label, table.c.doc.is_(None), func.jsonb_typeof(table.c.doc))
            .order_by(table.c.id)).all()
    assert [tuple(r) for r in got] == [
        ("json-null", False, "null"), ("sql-null", True, None), ("json-null2", False, "null")]


def test_jsonb_functions_with_parameters(engine):
    with engine.connect() as connection:
        value = connection.execute(
            select(func.jsonb_build_object("k", 1, "s", "t", type_=pg.JSONB)["s"].astext)).scalar()
        assert value == "t"


def test_raw_qmark_operator_in_text_is_a_parameter(engine):
    """Documented limitation: in text() SQL a '?' operator is a marker."""
    with engine.connect() as connection:
        with pytest.raises(exc.DBAPIError):
            connection.exec_driver_sql("""SELECT '{"a":1}'::jsonb ? 'a'""")


def test_hstore_qmark_operators_compile_to_functions():
    from sqlalchemy import MetaData, Table, Column, Integer

    table = Table("h", MetaData(), Column("id", Integer), Column("h", pg.HSTORE))
    assert sql_of(table.c.h.has_key("k")) == "exist(h.h, ?)"
    assert sql_of(table.c.h.has_all(pg.array(["a"]))) == "exists_all(h.h, ARRAY[?])"
    assert sql_of(table.c.h.has_any(pg.array(["a"]))) == "exists_any(h.h, ARRAY[?])"
