"""Core: bound parameters, executemany (plain and fast), RETURNING, IN lists,
operators with special characters, and the functions whose arguments the
server cannot type by itself."""

import pytest
import sqlalchemy
from sqlalchemy import bindparam
from sqlalchemy import Column
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import Integer
from sqlalchemy import literal
from sqlalchemy import MetaData
from sqlalchemy import select
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import text
from sqlalchemy import update


@pytest.fixture
def people(engine, names):
    metadata = MetaData()
    table = Table(
        names.table("people"),
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(50), nullable=False),
        Column("age", Integer),
    )
    metadata.create_all(engine)
    return table


ROWS = [
    {"name": "ada", "age": 36},
    {"name": "grace", "age": 85},
    {"name": "alan", "age": 41},
    {"name": "edsger", "age": None},
]


def fill(engine, table, rows=ROWS):
    with engine.begin() as connection:
        connection.execute(insert(table), rows)


def test_insert_select_with_bound_parameters(engine, people, statements):
    fill(engine, people)
    with engine.connect() as connection:
        rows = connection.execute(
            select(people.c.name, people.c.age)
            .where(people.c.age > bindparam("min_age"), people.c.name.like("a%"))
            .order_by(people.c.name),
            {"min_age": 37},
        ).all()
        assert rows == [("alan", 41)]
        assert any("?" in s and "LIKE" in s for s in statements)


def test_null_parameters_and_results(engine, people):
    fill(engine, people)
    with engine.connect() as connection:
        assert connection.execute(
            select(people.c.name).where(people.c.age.is_(None))).scalars().all() == ["edsger"]
        connection.execute(update(people).where(people.c.name == "ada").values(age=None))
        assert connection.execute(
            select(func.count()).select_from(people).where(people.c.age == None)  # noqa: E711
        ).scalar() == 2


def test_executemany_inserts_every_row(engine, people, statements):
    rows = [{"name": f"n{i}", "age": i} for i in range(500)]
    with engine.begin() as connection:
        result = connection.execute(insert(people), rows)
        # pyodbc reports no row count for executemany (supports_sane_multi_rowcount=False).
        assert engine.dialect.supports_sane_multi_rowcount is False
        assert result.rowcount in (-1, 500)
    with engine.connect() as connection:
        assert connection.execute(select(func.count(), func.sum(people.c.age))).one() == (500, sum(range(500)))
    assert sum(1 for s in statements if s.startswith("INSERT")) == 1


def test_fast_executemany_round_trip(engines, people):
    engine = engines(fast_executemany=True)
    assert engine.dialect.fast_executemany is True
    rows = [{"name": f"n{i}", "age": i % 7 or None} for i in range(2000)]
    with engine.begin() as connection:
        connection.execute(insert(people), rows)
    with engine.connect() as connection:
        got = connection.execute(select(people.c.name, people.c.age).order_by(people.c.id)).all()
    assert [tuple(r) for r in got] == [(r["name"], r["age"]) for r in rows]


def test_fast_executemany_sets_the_cursor_flag(engines, people):
    captured = []
    engine = engines(fast_executemany=True)

    @sqlalchemy.event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        if executemany:
            captured.append(cursor.fast_executemany)

    with engine.begin() as connection:
        connection.execute(insert(people), [{"name": "a", "age": 1}, {"name": "b", "age": 2}])
    assert captured == [True]

    captured.clear()
    plain = engines()
    sqlalchemy.event.listen(plain, "after_cursor_execute", after)
    with plain.begin() as connection:
        connection.execute(insert(people), [{"name": "c", "age": 3}, {"name": "d", "age": 4}])
    assert captured == [False]


def test_insert_returning(engine, people):
    with engine.begin() as connection:
        result = connection.execute(
            insert(people).returning(people.c.id, people.c.name), {"name": "ada", "age": 36})
        row = result.one()
        assert row.name == "ada" and isinstance(row.id, int)
        result = connection.execute(insert(people).values(name="bob"))
        assert result.inserted_primary_key[0] == row.id + 1


def test_update_and_delete_returning_with_rowcount(engine, people):
    fill(engine, people)
    with engine.begin() as connection:
        result = connection.execute(
            update(people).where(people.c.age > 40).values(age=people.c.age + 1)
            .returning(people.c.name, people.c.age))
        assert result.rowcount == 2
        assert sorted(result.all()) == [("alan", 42), ("grace", 86)]
        result = connection.execute(
            delete(people).where(people.c.age.is_(None)).returning(people.c.name))
        assert result.rowcount == 1
        assert result.scalars().all() == ["edsger"]
        # Without RETURNING the driver's own count is used.
        result = connection.execute(delete(people).where(people.c.age < 40))
        assert result.rowcount == 1


def test_in_lists(engine, people):
    fill(engine, people)
    with engine.connect() as connection:
        stmt = select(people.c.name).where(people.c.name.in_(bindparam("names", expanding=True)))
        assert sorted(connection.execute(stmt, {"names": ["ada", "alan", "zed"]}).scalars()) == ["ada", "alan"]
        assert connection.execute(stmt, {"names": []}).scalars().all() == []
        assert sorted(connection.execute(
            select(people.c.age).where(people.c.age.not_in([36, 85]))).scalars()) == [41]


def test_limit_offset_and_modulo(engine, people):
    fill(engine, people)
    with engine.connect() as connection:
        names = connection.execute(
            select(people.c.name).order_by(people.c.name).limit(2).offset(1)).scalars().all()
        assert names == ["alan", "edsger"]
        odd = connection.execute(
            select(people.c.name).where(people.c.age % 2 == 1).order_by(people.c.name)).scalars().all()
        assert odd == ["alan", "grace"]


def test_percent_and_question_marks_in_literals(engine):
    with engine.connect() as connection:
        assert connection.execute(text("SELECT '100% sure?', :p"), {"p": "x?"}).one() == ("100% sure?", "x?")
        assert connection.execute(select(literal("what?") + literal("%"))).scalar() == "what?%"


def test_text_with_bind_parameters(engine):
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT :a + :b AS s, :c || 'z' AS t"), {"a": 2, "b": 3, "c": "y"}).one()
        assert (row.s, row.t) == (5, "yz")


@pytest.mark.parametrize(
    "expression, expected",
    [
        (lambda: func.concat(literal("a"), "b", 1), "ab1"),
        (lambda: func.concat_ws("-", "x", "y"), "x-y"),
        (lambda: func.format("%s=%s", "k", 5), "k=5"),
        (lambda: func.pg_typeof("x").cast(String), "character varying"),
        (lambda: func.json_build_object("k", "v", "n", 1).cast(String), '{"k" : "v", "n" : 1}'),
        (lambda: func.jsonb_build_array("a", None, 2).cast(String), '["a", null, 2]'),
        (lambda: func.num_nulls(None, "a", None), 2),
        (lambda: func.to_jsonb("q").cast(String), '"q"'),
    ],
)
def test_any_argument_functions_get_typed_parameters(engine, expression, expected):
    """The server cannot infer an untyped parameter's type for "any" arguments."""
    with engine.connect() as connection:
        assert connection.execute(select(expression())).scalar() == expected


def test_untyped_string_parameter_in_any_function_fails_without_cast(engine):
    """Why the cast above is needed: the same SQL without it is rejected."""
    with engine.connect() as connection:
        with pytest.raises(sqlalchemy.exc.DBAPIError) as raised:
            connection.exec_driver_sql("SELECT concat(?, 'x')", ("a",))
        assert raised.value.orig.args[0] == "42P18"


def test_statement_cache_is_used(engine, people):
    fill(engine, people)
    stmt = select(people.c.name).where(people.c.age == bindparam("a"))
    with engine.connect() as connection:
        first = connection.execute(stmt, {"a": 36})
        assert first.scalars().all() == ["ada"]
        second = connection.execute(stmt, {"a": 85})
        assert second.scalars().all() == ["grace"]
        assert "cached since" in second.context._get_cache_stats()


@pytest.mark.parametrize(
    "flags, pattern, expected",
    [(None, "^a", ["ada", "alan"]), ("i", "^A", ["ada", "alan"]), ("x", "^a d a", ["ada"]),
     ("ix", "^A L", ["alan"])],
)
def test_regexp_match_with_flags(engine, people, flags, pattern, expected):
    fill(engine, people)
    with engine.connect() as connection:
        got = connection.execute(
            select(people.c.name).where(people.c.name.regexp_match(pattern, flags=flags))
            .order_by(people.c.name)).scalars().all()
        assert got == expected
        negated = connection.execute(
            select(func.count()).select_from(people)
            .where(~people.c.name.regexp_match(pattern, flags=flags))).scalar()
        assert negated == len(ROWS) - len(expected)


def test_regexp_replace(engine):
    with engine.connect() as connection:
        assert connection.execute(select(literal("Hello").regexp_replace("l+", "L", flags="g"))).scalar() == "HeLo"


def test_on_conflict(engine, people):
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    fill(engine, people)
    with engine.begin() as connection:
        ada = connection.execute(select(people.c.id).where(people.c.name == "ada")).scalar()
        stmt = pg_insert(people).values(id=ada, name="ada", age=37)
        stmt = stmt.on_conflict_do_update(index_elements=[people.c.id],
                                          set_={"age": stmt.excluded.age + 100})
        connection.execute(stmt)
        connection.execute(pg_insert(people).values(id=ada, name="x").on_conflict_do_nothing())
        assert connection.execute(select(people.c.name, people.c.age).where(people.c.id == ada)).one() == ("ada", 137)
