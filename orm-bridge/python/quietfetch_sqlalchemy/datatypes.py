"""Type implementations of the ``postgresql+quietfetch`` dialect.

The quietfetch driver hands pyodbc most PostgreSQL values in native Python
types (int, Decimal, float, bool, str, bytes, date, time, naive datetime), but
some arrive as their PostgreSQL text form, and pyodbc cannot send some Python
types at all. The classes here close those gaps; they are the dialect-level
"impl" types that SQLAlchemy substitutes for the generic ones (``colspecs``).

=====================  =========================  ================================
SQLAlchemy type        the driver gives           this module
=====================  =========================  ================================
DateTime(timezone=T)   naive, in session TimeZone attaches UTC (the dialect pins
                                                  the session to UTC); binds aware
                                                  values converted to UTC
Time                   datetime.time              binds text + CAST (pyodbc drops
                                                  microseconds)
Time(timezone=True)    text '03:04:05+02'         parsed to an aware time
Interval               text '1 day 02:00:03.5'    parsed to timedelta; binds ISO
                                                  8601 text + CAST
ARRAY                  text '{1,2,NULL}'          parsed to lists; binds an array
                                                  literal + CAST
UUID / Uuid            str                        uuid.UUID when as_uuid
JSON / JSONB           str                        (SQLAlchemy parses); binds + CAST
=====================  =========================  ================================

Everything here must work with SQLAlchemy 1.4 and 2.0.
"""

import datetime as dt
import decimal
import json
import re
import uuid as _uuid

from sqlalchemy import types as sqltypes
from sqlalchemy.dialects import postgresql as _pg
from sqlalchemy.sql import expression

try:  # SQLAlchemy 2.0: postgresql.UUID is sqltypes.UUID, implemented by PGUuid
    from sqlalchemy.dialects.postgresql.types import PGUuid as _UUIDBase
except ImportError:  # SQLAlchemy 1.4
    _UUIDBase = _pg.UUID

_UTC = dt.timezone.utc


def _cast(bindvalue, type_):
    """CAST(? AS type_): the parameter reaches the server as text (or untyped)."""
    return expression.cast(bindvalue, type_)


# ---------------------------------------------------------------------------
# date and time


class QFDateTime(sqltypes.DateTime):
    """``timestamp`` / ``timestamptz``.

    The driver returns ``timestamptz`` as a naive datetime in the session's
    TimeZone, which the dialect sets to UTC on every new connection; for
    ``DateTime(timezone=True)`` the value gets ``tzinfo=UTC``. pyodbc drops the
    tzinfo of aware datetimes it binds, so aware values are converted to UTC
    first. ``DateTime()`` (no time zone) is left alone: no per-value cost.
    """

    render_bind_cast = False

    def bind_processor(self, dialect):
        if not self.timezone:
            return None

        def process(value):
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                return value.astimezone(_UTC).replace(tzinfo=None)
            return value

        return process

    def result_processor(self, dialect, coltype):
        if not self.timezone:
            return None

        def process(value):
            if isinstance(value, dt.datetime):
                if value.tzinfo is None:
                    return value.replace(tzinfo=_UTC)
                return value
            if isinstance(value, str):
                return _parse_timestamp(value, aware=True)
            return value

        return process


class QFTime(sqltypes.Time):
    """``time`` / ``timetz``.

    pyodbc binds ``datetime.time`` as SQL_TIME_STRUCT, which has no fractional
    seconds, so values are sent as ISO text with a CAST instead. The driver
    returns ``timetz`` as text; it is parsed into an aware ``datetime.time``.
    """

    render_bind_cast = False

    def bind_expression(self, bindvalue):
        return _cast(bindvalue, sqltypes.TIME(timezone=bool(self.timezone)))

    def bind_processor(self, dialect):
        def process(value):
            if isinstance(value, dt.time):
                return value.isoformat()
            return value

        return process

    def result_processor(self, dialect, coltype):
        def process(value):
            if isinstance(value, str):
                return _parse_time(value)
            return value

        return process


_TZ_SUFFIX = re.compile(r"([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$")


def _split_offset(text):
    """'03:04:05+05:30' -> ('03:04:05', tzinfo)."""
    m = _TZ_SUFFIX.search(text)
    if not m:
        return text, None
    sign = -1 if m.group(1) == "-" else 1
    offset = dt.timedelta(
        hours=int(m.group(2)), minutes=int(m.group(3) or 0), seconds=int(m.group(4) or 0)
    )
    return text[: m.start()], dt.timezone(sign * offset)


def _parse_time(text):
    body, tz = _split_offset(text.strip())
    value = dt.time.fromisoformat(_pad_fraction(body))
    return value.replace(tzinfo=tz) if tz is not None else value


def _pad_fraction(text):
    """fromisoformat of Python < 3.11 wants 3 or 6 fraction digits."""
    head, dot, frac = text.partition(".")
    if not dot:
        return text
    return head + "." + (frac + "000000")[:6]


def _parse_timestamp(text, aware):
    text = text.strip()
    date_part, _, time_part = text.partition(" ")
    if not time_part:
        value = dt.datetime.fromisoformat(date_part)
    else:
        body, tz = _split_offset(time_part)
        value = dt.datetime.combine(
            dt.date.fromisoformat(date_part), dt.time.fromisoformat(_pad_fraction(body))
        )
        if tz is not None:
            value = value.replace(tzinfo=tz)
    if aware and value.tzinfo is None:
        value = value.replace(tzinfo=_UTC)
    return value


# ---------------------------------------------------------------------------
# "char"


class QFChar(sqltypes.CHAR):
    """``char(n)`` and the catalogs' one-byte ``"char"``.

    The driver returns a ``"char"`` holding NUL (PostgreSQL's empty "char",
    e.g. ``pg_attribute.attgenerated``) as ``'\\x00'`` where PostgreSQL's
    text form and psqlODBC give ``''``; SQLAlchemy's reflection compares it
    with ``''``. Text values cannot contain NUL, so nothing else is affected.
    """

    def result_processor(self, dialect, coltype):
        def process(value):
            if value == "\x00":
                return ""
            return value

        return process


# ---------------------------------------------------------------------------
# interval

_PG_INTERVAL_UNIT = re.compile(r"([+-]?\d+) (year|years|mon|mons|day|days)\b")
_PG_INTERVAL_TIME = re.compile(r"([+-])?(\d+):(\d{2}):(\d{2})(?:\.(\d+))?")
_ISO_INTERVAL = re.compile(
    r"^P(?:(-?\d+)Y)?(?:(-?\d+)M)?(?:(-?\d+)W)?(?:(-?\d+)D)?"
    r"(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?)(\d+)(?:\.(\d+))?S)?)?$"
)

# psycopg2's convention: a year is 365 days, a month 30 days.
_DAYS_PER_YEAR = 365
_DAYS_PER_MONTH = 30


def _micros(fraction):
    return int((fraction or "").ljust(6, "0")[:6] or 0)


def parse_interval(text):
    """An interval in IntervalStyle 'postgres' (the default) or 'iso_8601'.

    Years and months become 365 and 30 days (as psycopg2 does).
    """
    text = text.strip()
    if text.startswith("P"):
        m = _ISO_INTERVAL.match(text)
        if not m:
            raise ValueError("cannot parse interval %r" % text)
        years, months, weeks, days, hours, minutes, sec_sign, secs, frac = m.groups()
        seconds = dt.timedelta(seconds=int(secs or 0), microseconds=_micros(frac))
        if sec_sign == "-":
            seconds = -seconds
        return (
            dt.timedelta(
                days=int(years or 0) * _DAYS_PER_YEAR
                + int(months or 0) * _DAYS_PER_MONTH
                + int(weeks or 0) * 7
                + int(days or 0),
                hours=int(hours or 0),
                minutes=int(minutes or 0),
            )
            + seconds
        )
    days = 0
    rest = text
    for m in _PG_INTERVAL_UNIT.finditer(text):
        n, unit = int(m.group(1)), m.group(2)
        if unit.startswith("year"):
            days += n * _DAYS_PER_YEAR
        elif unit.startswith("mon"):
            days += n * _DAYS_PER_MONTH
        else:
            days += n
        rest = rest.replace(m.group(0), "", 1)
    rest = rest.strip()
    clock = dt.timedelta()
    if rest:
        m = _PG_INTERVAL_TIME.fullmatch(rest)
        if not m:
            raise ValueError(
                "cannot parse interval %r: the dialect reads IntervalStyle "
                "'postgres' (the server default) and 'iso_8601'" % text
            )
        sign, h, mi, s, frac = m.groups()
        clock = dt.timedelta(
            hours=int(h), minutes=int(mi), seconds=int(s), microseconds=_micros(frac)
        )
        if sign == "-":
            clock = -clock
    return dt.timedelta(days=days) + clock


def format_interval(value):
    """timedelta -> ISO 8601 text that PostgreSQL reads whatever its IntervalStyle."""
    return "P%dDT%d.%06dS" % (value.days, value.seconds, value.microseconds)


class QFInterval(_pg.INTERVAL):
    """``interval`` <-> ``datetime.timedelta``.

    pyodbc cannot bind timedelta; values go as ISO 8601 text with a CAST. The
    driver returns intervals as text, parsed here.
    """

    render_bind_cast = False

    @classmethod
    def adapt_emulated_to_native(cls, interval, **kw):
        # sqltypes.Interval -> this class (INTERVAL's version would return INTERVAL)
        return cls(precision=interval.second_precision)

    def bind_expression(self, bindvalue):
        return _cast(bindvalue, _pg.INTERVAL())

    def bind_processor(self, dialect):
        def process(value):
            if isinstance(value, dt.timedelta):
                return format_interval(value)
            return value

        return process

    def result_processor(self, dialect, coltype):
        def process(value):
            if isinstance(value, str):
                return parse_interval(value)
            return value

        return process


# ---------------------------------------------------------------------------
# uuid


class QFUUID(_UUIDBase):
    """``uuid``: the driver returns text (SQL_GUID read as a string by pyodbc).

    Binding a ``uuid.UUID`` is left to pyodbc (SQL_GUID, sent typed as uuid);
    strings go untyped and the server takes them as uuid from context.
    """

    # SQLAlchemy 2.0 renders ?::UUID for this type; 1.4 ignores the flag.
    render_bind_cast = True

    def bind_processor(self, dialect):
        return None

    def _sentinel_value_resolver(self, dialect):
        """SQLAlchemy 2.0 "insertmanyvalues": a parameter value (after bind
        processing) as the driver returns it from RETURNING (before result
        processing): a lower-case string, or uuid.UUID with pyodbc.native_uuid."""
        dbapi = dialect.dbapi

        def resolve(value):
            if value is None:
                return None
            as_uuid = value if isinstance(value, _uuid.UUID) else _uuid.UUID(str(value))
            return as_uuid if getattr(dbapi, "native_uuid", False) else str(as_uuid)

        return resolve

    def result_processor(self, dialect, coltype):
        if self.as_uuid:

            def process(value):
                if value is None or isinstance(value, _uuid.UUID):
                    return value
                return _uuid.UUID(value)

        else:

            def process(value):
                if isinstance(value, _uuid.UUID):
                    return str(value)
                return value

        return process


# ---------------------------------------------------------------------------
# json


class QFJSON(_pg.JSON):
    """``json``: serialized by SQLAlchemy, sent as text with CAST(? AS JSON)."""

    render_bind_cast = False

    def bind_expression(self, bindvalue):
        return _cast(bindvalue, _pg.JSON())


class QFJSONB(_pg.JSONB):
    """``jsonb``: as QFJSON, with CAST(? AS JSONB)."""

    render_bind_cast = False

    def bind_expression(self, bindvalue):
        return _cast(bindvalue, _pg.JSONB())


# ---------------------------------------------------------------------------
# arrays


def parse_array(text):
    """PostgreSQL array text ('{1,"a b",NULL,{2,3}}') -> nested lists of str/None.

    A leading dimension decoration ('[0:1]={1,2}') is dropped.
    """
    if text.startswith("["):
        text = text[text.index("=") + 1 :]
    elif not text.startswith("{"):
        # int2vector / oidvector (pg_index.indkey, ...): '1 2 3'
        return text.split()
    pos = 0
    n = len(text)

    def parse_level():
        nonlocal pos
        if text[pos] != "{":
            raise ValueError("malformed array literal %r" % text)
        pos += 1
        items = []
        if pos < n and text[pos] == "}":
            pos += 1
            return items
        while True:
            ch = text[pos]
            if ch == "{":
                items.append(parse_level())
            elif ch == '"':
                pos += 1
                buf = []
                while True:
                    ch = text[pos]
                    if ch == "\\":
                        buf.append(text[pos + 1])
                        pos += 2
                    elif ch == '"':
                        pos += 1
                        break
                    else:
                        buf.append(ch)
                        pos += 1
                items.append("".join(buf))
            else:
                start = pos
                while text[pos] not in ",}":
                    pos += 1
                token = text[start:pos].strip()
                items.append(None if token.upper() == "NULL" else token)
            if text[pos] == ",":
                pos += 1
                continue
            if text[pos] == "}":
                pos += 1
                return items
            raise ValueError("malformed array literal %r" % text)

    result = parse_level()
    return result


def _quote_element(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _format_element(value):
    if value is None:
        return "NULL"
    if isinstance(value, (list, tuple)):
        return "{" + ",".join(_format_element(v) for v in value) + "}"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _quote_element("\\x" + bytes(value).hex())
    if isinstance(value, dt.timedelta):
        return _quote_element(format_interval(value))
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return _quote_element(value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat())
    if isinstance(value, dict):
        return _quote_element(json.dumps(value))
    return _quote_element(str(value))


def format_array(value):
    """Nested lists -> PostgreSQL array text."""
    return "{" + ",".join(_format_element(v) for v in value) + "}"


def _element_converter(item_type):
    """str from an array's text form -> what the driver would have returned."""
    if isinstance(item_type, sqltypes.Boolean):
        return lambda s: s in ("t", "true")
    if isinstance(item_type, (sqltypes.Integer, _pg.OID)):
        return int
    if isinstance(item_type, sqltypes.Float):
        return float
    if isinstance(item_type, sqltypes.Numeric):
        return decimal.Decimal
    if isinstance(item_type, sqltypes.DateTime):
        return lambda s: _parse_timestamp(s, aware=False)
    if isinstance(item_type, sqltypes.Date):
        return dt.date.fromisoformat
    if isinstance(item_type, sqltypes.Time):
        return _parse_time
    if isinstance(item_type, sqltypes.LargeBinary):
        return lambda s: bytes.fromhex(s[2:]) if s.startswith("\\x") else s.encode()
    if isinstance(item_type, sqltypes.Interval) or isinstance(item_type, _pg.INTERVAL):
        return parse_interval
    return None  # strings stay strings (text, enum, uuid, json, ...)


class QFArray(_pg.ARRAY):
    """``type[]``: the driver returns arrays as text, pyodbc cannot bind lists.

    Lists are sent as an array literal with CAST(? AS type[]); results are
    parsed, each element converted to the Python type the driver would return
    for a scalar, then through the item type's own result processing.
    """

    render_bind_cast = False

    def bind_expression(self, bindvalue):
        return _cast(bindvalue, _pg.ARRAY(self.item_type, dimensions=self.dimensions))

    def bind_processor(self, dialect):
        item_proc = self.item_type.dialect_impl(dialect).bind_processor(dialect)

        def process(value):
            if value is None or isinstance(value, str):
                return value
            return format_array(self._qf_apply(value, item_proc, list))

        return process

    def result_processor(self, dialect, coltype):
        item_proc = self.item_type.dialect_impl(dialect).result_processor(dialect, coltype)
        convert = _element_converter(self.item_type)
        collection = tuple if self.as_tuple else list

        def leaf(x):
            if x is None:
                return None
            if convert is not None:
                x = convert(x)
            return item_proc(x) if item_proc else x

        def process(value):
            if value is None:
                return None
            if isinstance(value, str):
                value = parse_array(value)
            return self._qf_apply(value, leaf, collection)

        return process

    def _qf_apply(self, value, fn, collection):
        """Apply fn to the leaves: ``dimensions`` levels deep if declared,
        else through every nested list or tuple."""

        def walk(v, depth):
            nested = depth > 1 if depth is not None else isinstance(v, (list, tuple))
            if nested:
                return collection(walk(x, None if depth is None else depth - 1) for x in v)
            return fn(v) if fn else v

        return collection(walk(x, self.dimensions) for x in value)
