"""Every common type round-tripped through the dialect, with what the server
stored checked independently through psycopg2, and values the server wrote
read back through the dialect."""

import datetime as dt
import decimal
import enum
import uuid

import pytest
from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import cast
from sqlalchemy import CHAR
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Enum
from sqlalchemy import Float
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import Integer
from sqlalchemy import Interval
from sqlalchemy import LargeBinary
from sqlalchemy import literal
from sqlalchemy import MetaData
from sqlalchemy import Numeric
from sqlalchemy import select
from sqlalchemy import SmallInteger
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import Time
from sqlalchemy import Unicode
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import declarative_base
from sqlalchemy.orm import Session

UTC = dt.timezone.utc
PLUS2 = dt.timezone(dt.timedelta(hours=2))
MINUS0530 = dt.timezone(-dt.timedelta(hours=5, minutes=30))
U1 = uuid.UUID("12345678-1234-5678-1234-567812345678")
U2 = uuid.uuid4()


class Mood(enum.Enum):
    happy = "happy"
    sad = "sad"


def same(value):
    return value


def _roundtrip_cases():
    D = decimal.Decimal
    return [
        # id, type factory, values written, values read (None: same), what psycopg2 reads
        ("integer", Integer, [0, -2147483648, 2147483647], None, same),
        ("biginteger", BigInteger, [2**62, -(2**63)], None, same),
        ("smallinteger", SmallInteger, [-32768, 32767], None, same),
        ("numeric", lambda: Numeric(30, 6),
         [D("12345678901234567890.123456"), D("-0.000001"), D("0")], None, same),
        ("numeric-as-float", lambda: Numeric(10, 2, asdecimal=False), [1.25, -3.5], None,
         lambda v: D(str(v))),
        ("float", Float, [1.5e300, -0.0, 3.25], None, same),
        ("float-asdecimal", lambda: Float(asdecimal=True), [2.5], [D("2.5")], lambda v: 2.5),
        ("string", lambda: String(50), ["héllo wörld 😀", "", "with 'quotes' and ?"], None, same),
        ("text", Text, ["x" * 100_000, "line1\nline2\ttab\\"], None, same),
        ("unicode", lambda: Unicode(20), ["日本語テキスト"], None, same),
        ("boolean", Boolean, [True, False], None, same),
        ("date", Date, [dt.date(2024, 2, 29), dt.date(1, 1, 1), dt.date(9999, 12, 31)], None, same),
        ("datetime", DateTime,
         [dt.datetime(2024, 1, 2, 3, 4, 5, 123456), dt.datetime(1970, 1, 1)], None, same),
        ("datetime-tz", lambda: DateTime(timezone=True),
         [dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=PLUS2),
          dt.datetime(2024, 7, 1, 12, 0, tzinfo=MINUS0530),
          dt.datetime(2024, 1, 2, 3, 4, 5)],  # naive: taken as UTC
         [dt.datetime(2024, 1, 2, 1, 4, 5, 123456, tzinfo=UTC),
          dt.datetime(2024, 7, 1, 17, 30, tzinfo=UTC),
          dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)],
         same),
        ("time", Time, [dt.time(3, 4, 5, 123456), dt.time(0, 0), dt.time(23, 59, 59, 999999)],
         None, same),
        ("time-tz", lambda: Time(timezone=True),
         [dt.time(3, 4, 5, 250000, tzinfo=PLUS2), dt.time(10, 0, tzinfo=MINUS0530)], None,
         same),
        ("interval", Interval,
         [dt.timedelta(days=1, seconds=5, microseconds=7), dt.timedelta(days=-1, seconds=86399),
          dt.timedelta(0), dt.timedelta(days=400, hours=5), -dt.timedelta(microseconds=1)],
         None, same),
        ("pg-interval", pg.INTERVAL, [dt.timedelta(hours=-30, minutes=-1)], None, same),
        ("largebinary", LargeBinary, [bytes(range(256)) * 40, b"", b"\x00\x00"], None, same),
        ("bytea", pg.BYTEA, [b"\xde\xad\xbe\xef"], None, same),
        ("uuid-as-uuid", lambda: pg.UUID(as_uuid=True), [U1, U2], None, str),
        ("uuid-as-str", lambda: pg.UUID(as_uuid=False), [str(U1), str(U2)], None, same),
        ("json", pg.JSON, [{"a": [1, 2.5, None, True], "ü": "x?"}, [1, "two"], "just a string"],
         None, same),
        ("jsonb", pg.JSONB, [{"k": {"nested": [1, {"deep": None}]}}, 42], None, same),
        ("array-int", lambda: pg.ARRAY(Integer), [[1, 2, 3], [], [None, -7]], None, same),
        ("array-text", lambda: pg.ARRAY(Text),
         [["plain", "with space", 'quo"te', "back\\slash", "comma,here", "{brace}", "", "NULL", None]],
         None, same),
        ("array-2d", lambda: pg.ARRAY(Integer, dimensions=2), [[[1, 2], [3, 4]]], None, same),
        ("array-numeric", lambda: pg.ARRAY(Numeric(10, 2)), [[decimal.Decimal("1.50"), None]],
         None, same),
        ("array-bool", lambda: pg.ARRAY(Boolean), [[True, False, None]], None, same),
        ("array-date", lambda: pg.ARRAY(Date), [[dt.date(2024, 1, 2), dt.date(1999, 12, 31)]],
         None, same),
        # psycopg2 reads uuid[] as its text form
        ("array-uuid", lambda: pg.ARRAY(pg.UUID(as_uuid=True)), [[U1, U2]], None,
         lambda v: "{" + ",".join(str(x) for x in v) + "}"),
        ("array-float", lambda: pg.ARRAY(Float), [[1.5, -2.25, float("inf")]], None, same),
        # JSON elements that are lists: declare dimensions=1
        ("array-jsonb", lambda: pg.ARRAY(pg.JSONB, dimensions=1),
         [[{"a": "x,y"}, [1, 2], None, "s"]], None, same),
        ("array-interval", lambda: pg.ARRAY(Interval),
         [[dt.timedelta(days=2, microseconds=3), dt.timedelta(hours=-1)]], None, same),
        ("array-timestamp", lambda: pg.ARRAY(DateTime),
         [[dt.datetime(2024, 1, 2, 3, 4, 5, 6), dt.datetime(1999, 12, 31, 23, 59)]], None, same),
        ("array-timestamptz", lambda: pg.ARRAY(DateTime(timezone=True)),
         [[dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=PLUS2)]],
         [[dt.datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)]], same),
        ("array-bytea", lambda: pg.ARRAY(LargeBinary), [[b"\x00\xff", b""]], None, same),
    ]


CASES = _roundtrip_cases()


def make_table(engine, names, type_factory):
    metadata = MetaData()
    table = Table(
        names.table("types"),
        metadata,
        Column("id", Integer, primary_key=True),
        Column("v", type_factory()),
    )
    metadata.create_all(engine)
    return table


def _bytes_of_memoryviews(value):
    """psycopg2 reads bytea as memoryview (also inside arrays)."""
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, list):
        return [_bytes_of_memoryviews(v) for v in value]
    return value


def admin_values(admin, table):
    with admin.cursor() as cursor:
        cursor.execute(f'SELECT v FROM "{table.name}" ORDER BY id')
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_roundtrip(engine, names, admin, case):
    _, type_factory, written, expected, admin_view = case
    expected = written if expected is None else expected
    table = make_table(engine, names, type_factory)
    with engine.begin() as connection:
        # one row per execute() and the same rows again through executemany()
        for value in written:
            connection.execute(insert(table).values(v=value))
        connection.execute(insert(table), [{"v": value} for value in written] + [{"v": None}])
    with engine.connect() as connection:
        got = connection.execute(select(table.c.v).order_by(table.c.id)).scalars().all()
    assert got == expected + expected + [None]
    for value, read in zip(expected, got):
        assert type(read) is type(value)
        if isinstance(value, (dt.datetime, dt.time)):
            assert (read.tzinfo is None) == (value.tzinfo is None)
    # What the server stored, as psycopg2 (the reference) reads it.
    stored = admin_values(admin, table)
    want = [admin_view(v) if v is not None else None for v in expected]
    if want and isinstance(want[0], dt.datetime) and want[0].tzinfo is not None:
        stored = [s.astimezone(UTC) if s is not None else None for s in stored]
    assert _bytes_of_memoryviews(stored) == want + want + [None]


SERVER_WRITTEN = [
    ("timestamptz", "timestamptz '2024-01-02 03:04:05.5+02'", lambda: DateTime(timezone=True),
     dt.datetime(2024, 1, 2, 1, 4, 5, 500000, tzinfo=UTC)),
    ("timetz", "timetz '23:59:59.25-08'", lambda: Time(timezone=True),
     dt.time(23, 59, 59, 250000, tzinfo=dt.timezone(-dt.timedelta(hours=8)))),
    ("interval-units", "interval '1 year 2 mons 3 days 04:05:06.789'", Interval,
     dt.timedelta(days=365 + 60 + 3, hours=4, minutes=5, seconds=6, microseconds=789000)),
    ("interval-negative", "interval '-3 days +02:00:00'", Interval,
     dt.timedelta(days=-3, hours=2)),
    ("array-lower-bound", "'[0:1]={5,6}'::int[]", lambda: pg.ARRAY(Integer), [5, 6]),
    ("array-nested-text", "ARRAY[ARRAY['a','b c'],ARRAY[NULL,'\"']]", lambda: pg.ARRAY(Text),
     [["a", "b c"], [None, '"']]),
    ("uuid", "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid", lambda: pg.UUID(as_uuid=True),
     uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
    ("json", "'{\"a\": [1, 2]}'::jsonb", pg.JSONB, {"a": [1, 2]}),
    # the catalogs' one-byte "char": empty (NUL) and not (driver finding 1)
    ("char-empty", "''::\"char\"", CHAR, ""),
    ("char-a", "'a'::\"char\"", CHAR, "a"),
    ("bpchar", "'ab'::char(3)", lambda: CHAR(3), "ab "),
]


@pytest.mark.parametrize("case", SERVER_WRITTEN, ids=[c[0] for c in SERVER_WRITTEN])
def test_values_written_by_the_server(engine, case):
    _, sql, type_factory, expected = case
    from sqlalchemy import text

    with engine.connect() as connection:
        value = connection.execute(
            text(f"SELECT {sql} AS v").columns(v=type_factory())).scalar()
    assert value == expected
    assert type(value) is type(expected)


def test_interval_style_iso_8601_is_read(engine):
    from sqlalchemy import text

    with engine.connect() as connection:
        connection.exec_driver_sql("SET IntervalStyle = 'iso_8601'")
        value = connection.execute(
            text("SELECT interval '-1 days 23:59:55.5' AS v").columns(v=Interval())).scalar()
        assert value == dt.timedelta(days=-1, hours=23, minutes=59, seconds=55, microseconds=500000)
        connection.rollback()


def test_literal_parameters_of_typed_values(engine):
    """Parameters in select lists: the CASTs give the server the type."""
    with engine.connect() as connection:
        row = connection.execute(select(
            literal(dt.timedelta(hours=1, microseconds=5), Interval),
            literal([1, 2, None], pg.ARRAY(Integer)),
            literal(dt.time(1, 2, 3, 456789), Time),
            literal({"a": 1}, pg.JSONB),
            literal(U1, pg.UUID(as_uuid=True)),
            literal(dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=PLUS2), DateTime(timezone=True)),
        )).one()
        assert tuple(row) == (
            dt.timedelta(hours=1, microseconds=5), [1, 2, None], dt.time(1, 2, 3, 456789),
            {"a": 1}, U1, dt.datetime(2024, 5, 6, 5, 8, 9, tzinfo=UTC))


def test_interval_arithmetic_with_parameters(engine):
    with engine.connect() as connection:
        when = connection.execute(select(
            literal(dt.datetime(2024, 1, 31, 12), DateTime) + literal(dt.timedelta(days=1, hours=13), Interval)
        )).scalar()
        assert when == dt.datetime(2024, 2, 2, 1)


class TestEnum:
    def test_native_enum_with_python_enum(self, engine, names, admin):
        metadata = MetaData()
        table = Table(
            names.table("enum"), metadata,
            Column("id", Integer, primary_key=True),
            Column("mood", Enum(Mood, name=names.type("mood"))),
            Column("plain", Enum("a", "b", name=names.type("ab"))),
        )
        metadata.create_all(engine)
        with admin.cursor() as cursor:
            cursor.execute("SELECT typname FROM pg_type WHERE typname = %s", (table.c.mood.type.name,))
            assert cursor.fetchone() is not None  # created as a real PostgreSQL enum
        with engine.begin() as connection:
            connection.execute(insert(table), [{"mood": Mood.happy, "plain": "b"}, {"mood": Mood.sad, "plain": None}])
        with engine.connect() as connection:
            rows = connection.execute(select(table.c.mood, table.c.plain).order_by(table.c.id)).all()
            assert rows == [(Mood.happy, "b"), (Mood.sad, None)]
            assert connection.execute(
                select(func.count()).select_from(table).where(table.c.mood == Mood.sad)).scalar() == 1

    def test_array_of_native_enum(self, engine, names):
        metadata = MetaData()
        mood = pg.ENUM("happy", "sad", name=names.type("mood"))
        table = Table(names.table("enumarr"), metadata,
                      Column("id", Integer, primary_key=True), Column("moods", pg.ARRAY(mood)))
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(insert(table).values(moods=["sad", "happy", "sad"]))
        with engine.connect() as connection:
            assert connection.execute(select(table.c.moods)).scalar() == ["sad", "happy", "sad"]


def test_array_operators(engine, names):
    table = make_table(engine, names, lambda: pg.ARRAY(Integer))
    with engine.begin() as connection:
        connection.execute(insert(table), [{"v": [1, 2, 3]}, {"v": [4]}, {"v": []}])
    with engine.connect() as connection:
        def ids(where):
            return connection.execute(select(table.c.id).where(where).order_by(table.c.id)).scalars().all()

        assert ids(table.c.v.contains([2, 3])) == [1]
        assert ids(table.c.v.contained_by([1, 2, 3, 4])) == [1, 2, 3]
        assert ids(table.c.v.overlap([4, 5])) == [2]
        assert ids(table.c.v.any(4)) == [2]
        assert ids(table.c.v[1] == 1) == [1]
        assert connection.execute(select(func.array_length(table.c.v, 1)).where(table.c.id == 1)).scalar() == 3
        assert connection.execute(select(table.c.v[2:3]).where(table.c.id == 1)).scalar() == [2, 3]


def test_orm_model_with_special_types(engine, names):
    Base = declarative_base()

    class Thing(Base):
        __tablename__ = names.table("things")
        id = Column(pg.UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
        seen = Column(DateTime(timezone=True), nullable=False)
        took = Column(Interval)
        tags = Column(pg.ARRAY(String(20)))
        attrs = Column(pg.JSONB)
        at = Column(Time)

    Base.metadata.create_all(engine)
    when = dt.datetime(2030, 3, 4, 5, 6, 7, 890123, tzinfo=PLUS2)
    with Session(engine, future=True) as session:
        thing = Thing(seen=when, took=dt.timedelta(minutes=90), tags=["a", "b,c"],
                      attrs={"x": [1]}, at=dt.time(12, 30, 0, 1))
        session.add(thing)
        session.commit()
        key = thing.id
        assert isinstance(key, uuid.UUID)
    with Session(engine, future=True) as session:
        got = session.get(Thing, key)
        assert got.seen == when and got.seen.tzinfo is UTC
        assert got.took == dt.timedelta(minutes=90)
        assert got.tags == ["a", "b,c"]
        assert got.attrs == {"x": [1]}
        assert got.at == dt.time(12, 30, 0, 1)
        got.tags = got.tags + ["d"]
        got.took = dt.timedelta(0)
        session.commit()
        found = session.execute(
            select(Thing).where(Thing.tags.any("d"), Thing.id == key,
                                Thing.seen > dt.datetime(2030, 3, 4, 3, 6, 7, tzinfo=UTC))).scalar_one()
        assert found.took == dt.timedelta(0)


def test_cast_to_uuid_and_date(engine):
    with engine.connect() as connection:
        value = connection.execute(select(cast(literal(str(U1)), pg.UUID(as_uuid=True)))).scalar()
        assert value == U1
        assert connection.execute(select(cast("2024-03-01", Date))).scalar() == dt.date(2024, 3, 1)


def test_timestamptz_when_the_server_default_is_not_utc(engines, names, admin):
    """The dialect pins the session to UTC whatever the server/role default."""
    from conftest import url_dsnless
    from sqlalchemy import text

    engine = engines(url_dsnless(PQOpt="options='-c TimeZone=America/New_York'"))
    table = make_table(engine, names, lambda: DateTime(timezone=True))
    aware = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=PLUS2)
    with engine.begin() as connection:
        assert connection.execute(text("SHOW TimeZone")).scalar() == "UTC"
        connection.execute(insert(table), [{"v": aware}, {"v": dt.datetime(2024, 1, 2, 3, 4, 5)}])
        noon = connection.execute(
            text("SELECT timestamptz '2024-06-01 12:00:00-04' AS v").columns(
                v=DateTime(timezone=True))).scalar()
    assert noon == dt.datetime(2024, 6, 1, 16, 0, tzinfo=UTC)
    with admin.cursor() as cursor:
        cursor.execute(f'SELECT v FROM "{table.name}" ORDER BY id')
        stored = [row[0] for row in cursor.fetchall()]
    # the aware value keeps its instant; a naive one is taken as UTC
    assert stored == [aware, dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)]
    with engine.connect() as connection:
        assert connection.execute(select(table.c.v).order_by(table.c.id)).scalars().all() == [
            aware.astimezone(UTC), dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)]


@pytest.fixture
def native_uuid():
    """pyodbc.native_uuid=True makes pyodbc return uuid.UUID objects."""
    import pyodbc

    saved = pyodbc.native_uuid
    pyodbc.native_uuid = True
    yield
    pyodbc.native_uuid = saved


@pytest.mark.parametrize("as_uuid", [True, False])
def test_uuid_with_pyodbc_native_uuid(engine, names, native_uuid, as_uuid):
    table = make_table(engine, names, lambda: pg.UUID(as_uuid=as_uuid))
    value = U1 if as_uuid else str(U1)
    with engine.begin() as connection:
        connection.execute(insert(table).values(v=value))
    with engine.connect() as connection:
        got = connection.execute(select(table.c.v)).scalar()
    assert got == value and type(got) is type(value)


def test_json_parameters_are_typed(engine):
    """JSON parameters carry a CAST: in "any" arguments and operators the
    server could not otherwise tell them from text."""
    with engine.connect() as connection:
        merged = connection.execute(select(
            literal({"a": 1}, pg.JSONB).op("||", return_type=pg.JSONB)(literal({"b": [2]}, pg.JSONB))
        )).scalar()
        assert merged == {"a": 1, "b": [2]}
        built = connection.execute(select(
            func.jsonb_build_array(literal({"k": None}, pg.JSONB), literal([1], pg.JSON)).cast(String)
        )).scalar()
        assert built == '[{"k": null}, [1]]'


@pytest.mark.parametrize("native", [False, True])
def test_uuid_sentinel_resolver_matches_what_the_driver_returns(engine, names, native):
    """SQLAlchemy 2.0's insertmanyvalues matches RETURNING rows to parameters
    through this resolver; its output must equal the driver's raw value."""
    import pyodbc

    from quietfetch_sqlalchemy.datatypes import QFUUID

    table = make_table(engine, names, lambda: pg.UUID(as_uuid=True))
    saved = pyodbc.native_uuid
    pyodbc.native_uuid = native
    try:
        with engine.begin() as connection:
            cursor = connection.connection.dbapi_connection.cursor()
            cursor.execute(f'INSERT INTO "{table.name}" (v) VALUES (?), (?) RETURNING v', U1, str(U2).upper())
            raw = [row[0] for row in cursor.fetchall()]
            cursor.close()
        for as_uuid, params in ((True, [U1, U2]), (False, [str(U1), str(U2).upper()])):
            resolve = QFUUID(as_uuid=as_uuid)._sentinel_value_resolver(engine.dialect)
            assert [resolve(p) for p in params] == raw
    finally:
        pyodbc.native_uuid = saved
