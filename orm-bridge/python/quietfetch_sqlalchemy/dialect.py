"""The ``postgresql+quietfetch`` SQLAlchemy dialect: PostgreSQL through pyodbc
and the quietfetch ODBC driver.

It is SQLAlchemy's own PostgreSQL dialect (SQL generation, reflection, types)
on top of its pyodbc connector, adapted to what the driver gives and takes:

* parameters are ``?`` (qmark); the driver treats every ``?`` outside quotes
  and comments as a parameter marker, so the jsonb/hstore operators ``?``,
  ``?|``, ``?&`` and ``@?`` are compiled to their functions;
* character parameters reach the server untyped (it infers the type), so
  arguments of functions declared with ``"any"`` parameters
  (``json_build_object``, ``concat``, ...) get a CAST;
* values the driver returns as text (interval, arrays, timetz, uuid) and types
  pyodbc cannot bind (timedelta, lists, microseconds of a time) are handled by
  the types in :mod:`.datatypes`;
* every new connection runs with ``TimeZone=UTC``, and ``timestamptz`` values
  come back as UTC-aware datetimes.

Written for SQLAlchemy 1.4 and 2.0: ``import_dbapi()`` (2.0) and ``dbapi()``
(1.4) classmethods, ``supports_statement_cache``, isolation levels through
``get_isolation_level_values``.
"""

import os
import re
from urllib.parse import unquote_plus

from sqlalchemy import exc
from sqlalchemy import types as sqltypes
from sqlalchemy import util
from sqlalchemy.connectors.pyodbc import PyODBCConnector
from sqlalchemy.dialects.postgresql import base as pg_base
from sqlalchemy.dialects.postgresql import HSTORE
from sqlalchemy.dialects.postgresql import JSON as PG_JSON
from sqlalchemy.dialects.postgresql import JSONB as PG_JSONB
from sqlalchemy.dialects.postgresql.base import PGCompiler
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.postgresql.base import PGExecutionContext
from sqlalchemy.engine import cursor as _cursor
from sqlalchemy.sql import elements

from . import datatypes as qftypes

import sqlalchemy as _sqlalchemy

# SQLAlchemy 1.4 reflects with text() queries whose result columns carry no
# types; 2.0 reflects with typed Core queries over pg_catalog tables.
_TEXT_REFLECTION = _sqlalchemy.__version__.startswith("1.")

# The odbcinst.ini name the driver is registered under (README: "Installing the
# driver for real use").
DEFAULT_DRIVER_NAME = "quietfetch"

_ISOLATION_LEVELS = (
    "SERIALIZABLE",
    "READ UNCOMMITTED",
    "READ COMMITTED",
    "REPEATABLE READ",
)

# SQLSTATEs after which the connection is unusable: connection exceptions
# (08xxx; the driver reports a lost server as 08S01) and operator intervention
# (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now).
_DISCONNECT_SQLSTATES = frozenset(
    ["08S01", "08001", "08003", "08004", "08006", "08007", "57P01", "57P02", "57P03"]
)
_DISCONNECT_MESSAGES = (
    "The cursor's connection has been closed.",
    "Attempt to use a closed connection.",
)

# pyodbc.connect() keyword arguments that may come in the URL's query string.
_PYODBC_BOOL_ARGS = ("ansi", "unicode_results", "autocommit", "readonly")
_PYODBC_INT_ARGS = ("timeout",)

# Functions declared with "any" / VARIADIC "any" parameters: PostgreSQL cannot
# infer the type of an untyped parameter there ("could not determine data type
# of parameter $1"), so string parameters given directly to them are CAST.
_ANY_ARG_FUNCTIONS = frozenset(
    [
        "concat",
        "concat_ws",
        "format",
        "json_build_array",
        "json_build_object",
        "jsonb_build_array",
        "jsonb_build_object",
        "num_nonnulls",
        "num_nulls",
        "pg_typeof",
        "to_json",
        "to_jsonb",
    ]
)

# jsonb / hstore operators containing "?" and the functions behind them.
_JSONB_QMARK_FUNCTIONS = {
    "?": "jsonb_exists",
    "?|": "jsonb_exists_any",
    "?&": "jsonb_exists_all",
}
_HSTORE_QMARK_FUNCTIONS = {
    "?": "exist",
    "?|": "exists_any",
    "?&": "exists_all",
}


def _quote_value(value):
    """A connection-string value, braced when it needs to be (README)."""
    text = str(value)
    if not text or any(c in text for c in ";{}") or text != text.strip():
        return "{" + text.replace("}", "}}") + "}"
    return text


def _last(value):
    """URL query values repeat as tuples; the last one wins."""
    if isinstance(value, (list, tuple)):
        return value[-1]
    return value


class QuietfetchCompiler(PGCompiler):
    """PostgreSQL's compiler, minus the ``?`` operators."""

    def visit_custom_op_binary(self, element, operator, **kw):
        opstring = operator.opstring
        if "?" not in opstring:
            return super().visit_custom_op_binary(element, operator, **kw)
        left = self.process(element.left, **kw)
        right = self.process(element.right, **kw)
        if opstring == "@?":
            # jsonb @? jsonpath suppresses errors, as does silent => true.
            return "jsonb_path_exists(%s, %s, '{}', true)" % (left, right)
        if isinstance(element.left.type, HSTORE):
            functions = _HSTORE_QMARK_FUNCTIONS
        else:
            functions = _JSONB_QMARK_FUNCTIONS
        if opstring not in functions:
            raise exc.CompileError(
                "operator %r cannot be used through the quietfetch driver, "
                "which reads every '?' as a parameter marker; call the "
                "function behind it instead" % opstring
            )
        return "%s(%s, %s)" % (functions[opstring], left, right)

    def visit_regexp_match_op_binary(self, binary, operator, **kw):
        text = self._qf_regexp_match("~", binary, kw)
        if text is None:
            return super().visit_regexp_match_op_binary(binary, operator, **kw)
        return text

    def visit_not_regexp_match_op_binary(self, binary, operator, **kw):
        text = self._qf_regexp_match("!~", binary, kw)
        if text is None:
            return super().visit_not_regexp_match_op_binary(binary, operator, **kw)
        return text

    def _qf_regexp_match(self, base_op, binary, kw):
        """regexp_match(pattern, flags) with flags other than 'i'.

        PostgreSQL's compiler renders ``CONCAT('(?', flags, ')', pattern)``,
        and CONCAT's "any" arguments cannot take an untyped parameter; ``||``
        with a text operand can. (None: leave it to PostgreSQL's compiler.)
        """
        flags = binary.modifiers.get("flags")
        if isinstance(flags, elements.BindParameter):
            flags = flags.value
        if flags is None or flags == "i":
            return None
        return "%s %s ('(?' || %s || ')' || %s)" % (
            self.process(binary.left, **kw),
            base_op,
            self.render_literal_value(flags, sqltypes.STRINGTYPE),
            self.process(binary.right, **kw),
        )

    def visit_function(self, func, **kw):
        if func.name.lower() in _ANY_ARG_FUNCTIONS:
            marked = self.__dict__.setdefault("_qf_any_arg_binds", set())
            for argument in func.clauses.clauses:
                if isinstance(argument, elements.BindParameter):
                    marked.add(id(argument))
        return super().visit_function(func, **kw)

    def visit_bindparam(self, bindparam, **kw):
        text = super().visit_bindparam(bindparam, **kw)
        marked = self.__dict__.get("_qf_any_arg_binds")
        if (
            marked
            and id(bindparam) in marked
            and not bindparam.expanding
            and not kw.get("skip_bind_expression")
        ):
            type_ = bindparam.type
            if type_._isnull:
                return "CAST(%s AS TEXT)" % text
            if isinstance(type_, sqltypes.String) and not isinstance(type_, sqltypes.Enum):
                return "CAST(%s AS VARCHAR)" % text
        return text


# Result columns of SQLAlchemy 1.4's PostgreSQL reflection queries that
# psycopg2 turns into Python lists/dicts by itself and the driver returns as
# text: (a marker in the SQL, the column, the type that converts it).
_REFLECTION_COLUMN_TYPES = (
    ("cons.conkey as key", "key", lambda: qftypes.QFArray(sqltypes.SmallInteger())),
    ("i.reloptions", "reloptions", lambda: qftypes.QFArray(sqltypes.Text())),
    ("as identity_options", "identity_options", lambda: sqltypes.JSON()),
    ("as generated", "generated", lambda: qftypes.QFChar()),
)


class _TypedReflectionConnection:
    """A Connection for SQLAlchemy 1.4's reflection methods that gives their
    text() queries result types for the columns listed above."""

    def __init__(self, connection):
        self._qf_connection = connection

    def __getattr__(self, name):
        return getattr(self._qf_connection, name)

    def execute(self, statement, *args, **kw):
        return self._qf_connection.execute(_type_reflection_columns(statement), *args, **kw)


def _type_reflection_columns(statement):
    from sqlalchemy.sql.elements import TextClause
    from sqlalchemy.sql.selectable import TextualSelect

    if isinstance(statement, TextualSelect):
        clause = statement.element
        types = {column.key: column.type for column in statement.column_args}
    elif isinstance(statement, TextClause):
        clause = statement
        types = {}
    else:
        return statement
    extra = {
        column: make_type()
        for marker, column, make_type in _REFLECTION_COLUMN_TYPES
        if marker in clause.text and column not in types
    }
    if not extra:
        return statement
    types.update(extra)
    return clause.columns(**types)


class QuietfetchExecutionContext(PGExecutionContext):
    """Gives INSERT/UPDATE/DELETE ... RETURNING a row count.

    quietfetch buffers DML ... RETURNING results and reports the count at
    execute time, as psqlODBC does; a driver that streams them reports -1.
    Then, for a single DML statement with RETURNING, the rows are read here
    at once, which gives SQLAlchemy and the ORM the count they check (e.g. to
    detect stale rows).
    """

    _qf_rowcount = None

    def post_exec(self):
        super().post_exec()
        if (
            (self.isinsert or self.isupdate or self.isdelete)
            and not self.executemany
            # SQLAlchemy 2.0's "insertmanyvalues" has read the rows itself.
            and getattr(getattr(self, "execute_style", None), "name", "EXECUTE") == "EXECUTE"
            and self.cursor.description is not None
        ):
            if self.cursor.rowcount != -1:
                # pyodbc resets rowcount to -1 once the rows are read, and
                # SQLAlchemy asks after reading them: keep the count now.
                self._qf_rowcount = self.cursor.rowcount
                return
            rows = self.cursor.fetchall()
            self._qf_rowcount = len(rows)
            self.cursor_fetch_strategy = _cursor.FullyBufferedCursorFetchStrategy(
                self.cursor, self.cursor.description, rows
            )

    @property
    def rowcount(self):
        if self._qf_rowcount is not None:
            return self._qf_rowcount
        return super().rowcount


class QuietfetchDialect(PyODBCConnector, PGDialect):
    """PostgreSQL over pyodbc and the quietfetch ODBC driver.

    Keyword arguments to ``create_engine()`` besides PostgreSQL's:

    ``fast_executemany`` (default False)
        set ``cursor.fast_executemany`` for ``executemany()``: pyodbc sends
        all parameter rows in arrays instead of one execution per row.
    """

    name = "postgresql"
    driver = "quietfetch"

    supports_statement_cache = True
    default_paramstyle = "qmark"
    statement_compiler = QuietfetchCompiler
    execution_ctx_cls = QuietfetchExecutionContext

    # pyodbc reports no row count for executemany().
    supports_sane_multi_rowcount = False
    supports_server_side_cursors = False

    colspecs = util.update_copy(
        PGDialect.colspecs,
        {
            sqltypes.DateTime: qftypes.QFDateTime,
            sqltypes.Time: qftypes.QFTime,
            sqltypes.Interval: qftypes.QFInterval,
            pg_base.INTERVAL: qftypes.QFInterval,
            sqltypes.ARRAY: qftypes.QFArray,
            sqltypes.JSON: qftypes.QFJSON,
            PG_JSON: qftypes.QFJSON,
            PG_JSONB: qftypes.QFJSONB,
            pg_base.UUID: qftypes.QFUUID,
            sqltypes.CHAR: qftypes.QFChar,
        },
    )
    if hasattr(sqltypes, "Uuid"):  # SQLAlchemy 2.0
        colspecs[sqltypes.Uuid] = qftypes.QFUUID

    def __init__(self, fast_executemany=False, **kw):
        super().__init__(**kw)
        self.fast_executemany = fast_executemany

    # -- the DBAPI ---------------------------------------------------------

    @classmethod
    def import_dbapi(cls):  # SQLAlchemy 2.0
        import pyodbc

        return pyodbc

    @classmethod
    def dbapi(cls):  # SQLAlchemy 1.4 (2.0 uses import_dbapi)
        return cls.import_dbapi()

    # -- connecting ----------------------------------------------------------

    def create_connect_args(self, url):
        """URL -> (ODBC connection string,), pyodbc.connect() keyword arguments.

        * ``postgresql+quietfetch://user:pass@host:port/db`` - DSN-less;
          ``Driver`` comes from ``?driver=``, else $QF_DRIVER_PATH, else the
          odbcinst name "quietfetch";
        * ``postgresql+quietfetch://@dsn_name`` (a host but no database) or
          ``?dsn=name`` - a DSN from odbc.ini; user and password in the URL
          override the DSN's;
        * ``?odbc_connect=<url-encoded connection string>`` - used as given.

        Other query parameters are driver keywords passed through
        (``FetchRows=4096``, ``SSLMode=require``, ...), except pyodbc's own
        ``autocommit``, ``ansi``, ``unicode_results``, ``readonly`` and
        ``timeout``, and this dialect's ``fast_executemany``.
        """
        query = {key: _last(value) for key, value in url.query.items()}
        connect_args = {}
        for key in list(query):
            lowered = key.lower()
            if lowered in _PYODBC_BOOL_ARGS:
                connect_args[lowered] = util.asbool(query.pop(key))
            elif lowered in _PYODBC_INT_ARGS:
                connect_args[lowered] = int(query.pop(key))
            elif lowered == "fast_executemany":
                self.fast_executemany = util.asbool(query.pop(key))

        keywords = {}  # lower-cased keyword -> (keyword, value)

        def put(keyword, value, quote=True):
            keywords[keyword.lower()] = (keyword, _quote_value(value) if quote else value)

        odbc_connect = None
        for key in list(query):
            if key.lower() == "odbc_connect":
                odbc_connect = query.pop(key)
            elif key.lower() == "dsn":
                put("DSN", query.pop(key))

        if odbc_connect is not None:
            # SQLAlchemy already decoded the query string once; decode again
            # only if the text still looks percent-encoded.
            if "=" not in odbc_connect:
                odbc_connect = unquote_plus(odbc_connect)
            parts = [odbc_connect.strip().rstrip(";")]
        else:
            parts = []
            if "dsn" not in keywords and url.host and not url.database:
                put("DSN", url.host)
            if "dsn" not in keywords:
                driver = None
                for key in list(query):
                    if key.lower() == "driver":
                        driver = query.pop(key)
                if not driver:
                    driver = os.environ.get("QF_DRIVER_PATH") or DEFAULT_DRIVER_NAME
                put("Driver", "{%s}" % driver.strip("{}").replace("}", "}}"), quote=False)
                if url.host:
                    put("Server", url.host)
            if url.port:
                put("Port", url.port)
            if url.database:
                put("Database", url.database)
            if url.username:
                put("UID", url.username)
            if url.password is not None and url.username:
                put("PWD", url.password)
        for key, value in query.items():
            put(key, value)
        parts.extend("%s=%s" % pair for pair in keywords.values())
        return (";".join(parts),), connect_args

    def on_connect(self):
        inherited = super().on_connect()

        def connect(dbapi_connection):
            self._setup_session(dbapi_connection)
            if inherited is not None:
                inherited(dbapi_connection)

        return connect

    def _setup_session(self, dbapi_connection):
        """Pin TimeZone to UTC: timestamptz values come back as UTC."""
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SET TIME ZONE 'UTC'")
        finally:
            cursor.close()
        if not dbapi_connection.autocommit:
            # SET is transactional: a later rollback would undo it.
            dbapi_connection.commit()

    def _get_server_version_info(self, connection):
        """From SQL_DBMS_VER ('15.20.0000'; no round trip), else version()."""
        dbapi_connection = connection.connection
        dbapi_connection = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        try:
            text = dbapi_connection.getinfo(self.dbapi.SQL_DBMS_VER)
            numbers = [int(part) for part in re.split(r"[.\-]", text.strip())]
        except (self.dbapi.Error, ValueError, AttributeError):
            numbers = []
        if len(numbers) >= 2:
            # PostgreSQL >= 10 numbers its versions major.minor.
            return tuple(numbers[:2] if numbers[0] >= 10 else numbers[:3])
        return PGDialect._get_server_version_info(self, connection)

    def is_disconnect(self, e, connection, cursor):
        if isinstance(e, self.dbapi.Error):
            state = e.args[0] if e.args else None
            if isinstance(state, str) and state in _DISCONNECT_SQLSTATES:
                return True
            message = str(e)
            return any(text in message for text in _DISCONNECT_MESSAGES)
        return False

    def do_ping(self, dbapi_connection):
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
            cursor.fetchall()
        except self.dbapi.Error as err:
            if self.is_disconnect(err, dbapi_connection, cursor):
                return False
            raise
        finally:
            try:
                cursor.close()
            except self.dbapi.Error:
                pass
        return True

    # -- reflection (SQLAlchemy 1.4) -------------------------------------------

    if _TEXT_REFLECTION:

        def get_columns(self, connection, table_name, schema=None, **kw):
            return PGDialect.get_columns(
                self, _TypedReflectionConnection(connection), table_name, schema, **kw
            )

        def get_indexes(self, connection, table_name, schema=None, **kw):
            return PGDialect.get_indexes(
                self, _TypedReflectionConnection(connection), table_name, schema, **kw
            )

        def get_unique_constraints(self, connection, table_name, schema=None, **kw):
            return PGDialect.get_unique_constraints(
                self, _TypedReflectionConnection(connection), table_name, schema, **kw
            )

    # -- executing -----------------------------------------------------------

    def do_executemany(self, cursor, statement, parameters, context=None):
        if self.fast_executemany:
            cursor.fast_executemany = True
        cursor.executemany(statement, parameters)

    # -- transactions and session characteristics ---------------------------

    def get_isolation_level_values(self, dbapi_connection):
        return list(_ISOLATION_LEVELS) + ["AUTOCOMMIT"]

    def set_isolation_level(self, dbapi_connection, level):
        # SQLAlchemy 1.4 may hand over the pool's proxy.
        dbapi_connection = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        level = level.replace("_", " ").upper()
        if level == "AUTOCOMMIT":
            dbapi_connection.autocommit = True
            return
        if level not in _ISOLATION_LEVELS:
            raise exc.ArgumentError(
                "Invalid value '%s' for isolation_level. Valid isolation "
                "levels for %s are %s"
                % (level, self.name, ", ".join(self.get_isolation_level_values(dbapi_connection)))
            )
        dbapi_connection.autocommit = False
        self._set_session_characteristic(dbapi_connection, "ISOLATION LEVEL " + level)

    def get_isolation_level(self, dbapi_connection):
        return self._show(dbapi_connection, "transaction isolation level").upper()

    def set_readonly(self, connection, value):
        self._set_session_characteristic(connection, "READ ONLY" if value else "READ WRITE")

    def get_readonly(self, connection):
        return self._show(connection, "transaction_read_only") == "on"

    def set_deferrable(self, connection, value):
        self._set_session_characteristic(connection, "DEFERRABLE" if value else "NOT DEFERRABLE")

    def get_deferrable(self, connection):
        return self._show(connection, "transaction_deferrable") == "on"

    def _set_session_characteristic(self, dbapi_connection, characteristic):
        dbapi_connection = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION " + characteristic)
        finally:
            cursor.close()
        # End the transaction through ODBC (not a COMMIT statement) so that the
        # driver's idea of the transaction state stays right; the setting
        # applies from the next transaction on.
        if not dbapi_connection.autocommit:
            dbapi_connection.commit()

    def _show(self, dbapi_connection, name):
        dbapi_connection = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SHOW " + name)
            return cursor.fetchone()[0]
        finally:
            cursor.close()


dialect = QuietfetchDialect
