#!/usr/bin/python3
"""LibreOffice Base, headless, browsing an ODBC DSN through its ODBC connector.

Starts a throwaway soffice (its own profile, a private pipe), then from
Python UNO does what Base does when a person opens a database that points at
the DSN (sdbc:odbc:DSN):

* makes a Base document (.odb) for the DSN, saves it, opens it again, and
  connects through it;
* reads the catalog through XDatabaseMetaData: getTables, getColumns,
  getPrimaryKeys, getImportedKeys/getExportedKeys, getIndexInfo,
  getTypeInfo (and getTableTypes, getSchemas);
* walks the Tables container that Base's table list and table designer show
  (columns, keys and indexes, which LibreOffice builds from the same metadata);
* opens a table's rows through a RowSet, reads them, scrolls to the end and
  counts them (also for the 100,000-row reference table);
* runs queries with a parameter: "?" set on the RowSet, a named ":parameter"
  answered through the interaction handler (what Base's parameter dialog
  does), and prepared statements.

Every answer is checked against the server's own catalog and data (read with
psycopg2). It prints one line per check and closes with "N passed, N failed".
Lines starting with "note" record how LibreOffice itself behaves where that
limits what a driver can show (the same with psqlODBC).

Exit status: 0 all passed, 1 something failed, 77 LibreOffice or Python UNO
is not installed (ctest reports the test as skipped).

Needs the test environment (QF_PG_*, ODBCSYSINI, ODBCINI) as
scripts/pg.sh writes it; the DSN is --dsn or $QF_DSN.
"""

import argparse
import datetime
import decimal
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

# The same psycopg2 admin connection as the pyodbc suite (conformance/python).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "python"))
from qfpy import admin_connection  # noqa: E402

SKIP = 77
SOFFICE = os.environ.get("QF_SOFFICE", "/usr/lib/libreoffice/program/soffice")
SCHEMA = "QfBase"  # needs quoting: case must survive every layer


def keep_asan_for_soffice():
    """Under the sanitizer run (the ASan runtime in LD_PRELOAD, as scripts/test.sh
    sets it for a sanitized driver) the driver runs inside soffice.bin, not here:
    pass the preload on to soffice only. In this Python process it would abort
    at pyuno's first C++ exception (ASan cannot find __cxa_throw in a process
    that loaded libstdc++ after it), so start again without it."""
    preload = os.environ.get("LD_PRELOAD", "")
    if "libasan" in preload:
        env = dict(os.environ, QF_SOFFICE_PRELOAD=preload)
        del env["LD_PRELOAD"]
        sys.stdout.flush()
        os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *sys.argv[1:]], env)


if __name__ == "__main__":
    keep_asan_for_soffice()

try:
    import uno  # Debian's python3-uno, importable only from /usr/bin/python3
    import unohelper
    from com.sun.star.beans import PropertyValue
    from com.sun.star.connection import NoConnectException
    from com.sun.star.task import XInteractionHandler
except ImportError:
    uno = None

# com.sun.star.sdbc.DataType
INTEGER, VARCHAR, NUMERIC, TIMESTAMP, LONGVARCHAR = 4, 12, 2, 93, -1
# com.sun.star.sdb.CommandType
TABLE, COMMAND = 0, 2
# com.sun.star.sdbc.KeyRule, com.sun.star.sdbcx.KeyType, com.sun.star.sdbc.ColumnValue
CASCADE, NO_ACTION = 0, 3
PRIMARY, FOREIGN = 1, 3
NO_NULLS, NULLABLE = 0, 1

# Relations and parameter queries use tables in public: LibreOffice 7.4's ODBC
# connector passes no schema to SQLForeignKeys, and its query composer finds
# no parameters in a schema-qualified query (see the notes it prints).
DDL = f"""
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE;
DROP TABLE IF EXISTS public."BaseOrders", public."BaseCustomers";
CREATE TABLE public."BaseCustomers" (
  "CustomerId" integer CONSTRAINT base_customers_pk PRIMARY KEY,
  name         varchar(40) NOT NULL,
  city         text
);
CREATE UNIQUE INDEX base_customers_name ON public."BaseCustomers" (name);
CREATE TABLE public."BaseOrders" (
  "OrderId"    integer,
  "CustomerId" integer NOT NULL,
  amount       numeric(10,2),
  placed_at    timestamp NOT NULL,
  note         text,
  CONSTRAINT base_orders_pk PRIMARY KEY ("OrderId"),
  CONSTRAINT base_orders_customer_fk FOREIGN KEY ("CustomerId")
    REFERENCES public."BaseCustomers" ("CustomerId") ON DELETE CASCADE
);
CREATE INDEX base_orders_placed ON public."BaseOrders" (placed_at, amount);
CREATE SCHEMA "{SCHEMA}";
CREATE TABLE "{SCHEMA}"."Archive" (
  "ArchiveId" integer CONSTRAINT archive_pk PRIMARY KEY,
  "OrderId"   integer NOT NULL CONSTRAINT archive_order_fk REFERENCES public."BaseOrders",
  "Grund"     varchar(12)
);
CREATE VIEW "{SCHEMA}".big_orders AS
  SELECT "OrderId", amount FROM public."BaseOrders" WHERE amount > 50;
INSERT INTO public."BaseCustomers" VALUES
  (1, 'Grüße GmbH', 'München'), (2, 'Ōsaka 商店', '大阪'), (3, 'Plain Ltd', NULL);
INSERT INTO public."BaseOrders" VALUES
  (10, 1, 12.50, '2024-02-29 13:14:15', 'first'),
  (11, 1, 7.25, '2024-03-01 00:00:00', NULL),
  (12, 2, 100.00, '2024-03-02 08:00:00', '😀 emoji'),
  (13, 3, 999.99, '2024-03-03 23:59:59', 'last');
INSERT INTO "{SCHEMA}"."Archive" VALUES (1, 13, 'Prüfung');
"""

DROP = (
    f'SET client_min_messages = warning; DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE;'
    ' DROP TABLE IF EXISTS public."BaseOrders", public."BaseCustomers"'
)


class Report:
    """Collects checks; prints each as it happens."""

    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, what, got, expected):
        if got == expected:
            self.passed += 1
            print(f"ok   {what}")
        else:
            self.failed.append(what)
            print(f"FAIL {what}\n       got:      {got!r}\n       expected: {expected!r}")
        sys.stdout.flush()

    def error(self, section, exc):
        self.failed.append(f"{section}: {exc}")
        print(f"FAIL {section}: {type(exc).__name__}: {getattr(exc, 'Message', exc)}")
        traceback.print_exc(file=sys.stdout)
        sys.stdout.flush()

    def info(self, text):
        print(f"     {text}")
        sys.stdout.flush()

    def note(self, text):
        print(f"note {text}")
        sys.stdout.flush()


def query(admin, sql, *args):
    with admin.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


class Office:
    """A headless soffice of our own, reached over a private pipe."""

    def __init__(self, workdir):
        self.profile = os.path.join(workdir, "profile")
        self.pipe = f"qf_apps_{os.getpid()}"
        # soffice's own messages; a sanitizer report from the driver lands here.
        self.log_path = os.path.join(workdir, "soffice.log")
        self.log = open(self.log_path, "wb")
        env = dict(os.environ, HOME=workdir, SAL_USE_VCLPLUGIN="svp")
        if os.environ.get("QF_SOFFICE_PRELOAD"):
            env["LD_PRELOAD"] = os.environ["QF_SOFFICE_PRELOAD"]
        self.proc = subprocess.Popen(
            [
                SOFFICE,
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                f"-env:UserInstallation=file://{self.profile}",
                f"--accept=pipe,name={self.pipe};urp;",
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,  # so that stop() can end soffice.bin with it
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                self.ctx = resolver.resolve(
                    f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext"
                )
                break
            except NoConnectException:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"soffice exited with status {self.proc.returncode}")
                if time.monotonic() > deadline:
                    raise RuntimeError("soffice did not accept a connection within 120 s")
                time.sleep(0.2)
        self.smgr = self.ctx.ServiceManager

    def create(self, name):
        return self.smgr.createInstanceWithContext(name, self.ctx)

    def stop(self):
        try:
            self.create("com.sun.star.frame.Desktop").terminate()
        except Exception:  # the bridge goes away while terminate() returns
            pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything soffice left behind
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.log.close()

    def sanitizer_report(self):
        """The sanitizer's report from soffice's output, or "" if there is none."""
        with open(self.log_path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        markers = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
        start = min((text.find(m) for m in markers if m in text), default=-1)
        return text[max(0, text.rfind("\n", 0, start)) :] if start >= 0 else ""


if uno is not None:

    class ParameterDialog(unohelper.Base, XInteractionHandler):
        """Answers Base's parameter request the way its dialog does when a person
        types the values: through XInteractionSupplyParameters, in the order of
        the parameters the RowSet reports (its XParametersSupplier). The request
        itself is not read: Debian's pyuno cannot convert the ParametersRequest
        exception struct under Python 3.11 (AttributeError: args)."""

        def __init__(self, names, values):
            self.names = names
            self.values = values
            self.asked = 0

        def handle(self, request):
            self.asked += 1
            supply = uno.getTypeByName("com.sun.star.sdb.XInteractionSupplyParameters")
            for continuation in request.getContinuations():
                if continuation.queryInterface(supply):
                    continuation.setParameters(tuple(prop(n, self.values[n]) for n in self.names))
                    continuation.select()
                    return
            raise RuntimeError("the parameter request offers no way to supply parameters")


def rows_of(result, columns):
    """Read a UNO result set: a list of tuples of the given 1-based columns as strings
    (None for SQL NULL)."""
    out = []
    while result.next():
        row = []
        for c in columns:
            value = result.getString(c)
            row.append(None if result.wasNull() else value)
        out.append(tuple(row))
    return out


def unqualified(name):
    """An element name of a LibreOffice container without its qualifiers."""
    return name.rsplit(".", 1)[-1]


class Browser:
    """One Base session on the DSN; each method is one area of Base's UI."""

    def __init__(self, office, dsn, workdir, admin, report):
        self.office = office
        self.dsn = dsn
        self.workdir = workdir
        self.admin = admin
        self.report = report
        self.database = os.environ["QF_PG_DATABASE"]
        self.conn = None
        self.md = None

    def check(self, what, got, expected):
        self.report.check(what, got, expected)

    def connect(self):
        user, password = os.environ["QF_PG_USER"], os.environ["QF_PG_PASSWORD"]
        dbctx = self.office.create("com.sun.star.sdb.DatabaseContext")
        source = dbctx.createInstance()
        source.URL = f"sdbc:odbc:{self.dsn}"
        source.User = user
        # Base's "Replace named parameters with '?'" (Advanced settings), which
        # Base turns on for ODBC sources.
        source.Settings.ParameterNameSubstitution = True
        odb = uno.systemPathToFileUrl(os.path.join(self.workdir, "quietfetch.odb"))
        source.DatabaseDocument.storeAsURL(odb, ())
        source = dbctx.getByName(odb)
        self.check(
            "Base document (.odb) keeps the data source URL", source.URL, f"sdbc:odbc:{self.dsn}"
        )
        self.conn = source.getConnection(user, password)
        self.md = self.conn.getMetaData()
        md = self.md
        self.report.info(
            f"connected: {md.getURL()}, {md.getDatabaseProductName()}, "
            f"driver {md.getDriverName()} {md.getDriverVersion()}"
        )
        self.check("getDatabaseProductName", md.getDatabaseProductName(), "PostgreSQL")
        self.check("getIdentifierQuoteString", md.getIdentifierQuoteString(), '"')

    def tables(self):
        md = self.md
        types = [r[0] for r in rows_of(md.getTableTypes(), [1])]
        self.report.info(f"getTableTypes: {types}")
        self.check("getTableTypes has TABLE and VIEW", {"TABLE", "VIEW"} <= set(types), True)
        schemas = [r[0] for r in rows_of(md.getSchemas(), [1])]
        self.check(
            f"getSchemas lists {SCHEMA} and public", {SCHEMA, "public"} <= set(schemas), True
        )

        server = query(
            self.admin,
            "SELECT n.nspname, c.relname, CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'p', 'v') AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
        )
        expected = sorted((self.database, s, n, k) for s, n, k in server if s == SCHEMA)
        got = rows_of(md.getTables(None, SCHEMA, "%", ("TABLE", "VIEW")), [1, 2, 3, 4])
        self.check(f"getTables(null, {SCHEMA}, %, [TABLE, VIEW])", sorted(got), expected)
        # Other suites create and drop tables in the same database meanwhile:
        # compare only this script's objects and the reference table.
        mine = {
            ("public", "BaseOrders"),
            ("public", "BaseCustomers"),
            ("public", "some_entries"),
            (SCHEMA, "Archive"),
            (SCHEMA, "big_orders"),
        }
        got = rows_of(md.getTables(None, "%", "%", ("TABLE", "VIEW")), [2, 3, 4])
        self.check(
            "getTables(null, %, %, [TABLE, VIEW]): the tables and the view as the server has them",
            sorted(g for g in got if g[:2] in mine),
            sorted(s for s in server if s[:2] in mine),
        )
        views = rows_of(md.getTables(None, "%", "%", ("VIEW",)), [2, 3])
        self.check(
            "getTables(null, %, %, [VIEW]) lists the view and none of the tables",
            [v for v in views if v in mine],
            [(SCHEMA, "big_orders")],
        )
        # The SDBC way to ask for every type is an empty list, which LibreOffice's
        # ODBC connector turns into TableType "%" (SQL_ALL_TABLE_TYPES).
        got = rows_of(md.getTables(None, "%", "BaseOrders", ()), [2, 3, 4])
        if got:
            self.check(
                "getTables(null, %, BaseOrders, []) (all types)",
                got,
                [("public", "BaseOrders", "TABLE")],
            )
        else:
            self.report.note(
                "getTables(null, %, BaseOrders, []) found nothing: LibreOffice sends TableType "
                '"%" for "every type"; the driver takes it literally'
            )

    def columns(self):
        md = self.md
        result = md.getColumns(None, "public", "BaseOrders", "%")
        got = []
        while result.next():
            got.append(
                (
                    result.getString(4),  # COLUMN_NAME
                    result.getInt(5),  # DATA_TYPE
                    result.getString(6),  # TYPE_NAME
                    result.getInt(7),  # COLUMN_SIZE
                    result.getInt(9),  # DECIMAL_DIGITS
                    result.getInt(11),  # NULLABLE
                    result.getInt(17),  # ORDINAL_POSITION
                    result.getString(18),  # IS_NULLABLE
                )
            )
        server = query(
            self.admin,
            "SELECT column_name, udt_name, is_nullable, ordinal_position"
            " FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'BaseOrders'"
            " ORDER BY ordinal_position",
        )
        self.check(
            "getColumns(null, public, BaseOrders, %): names, order and nullability as the server has them",
            [(g[0], g[6], g[7], g[5]) for g in got],
            [(s[0], s[3], s[2], NULLABLE if s[2] == "YES" else NO_NULLS) for s in server],
        )
        self.check(
            "getColumns: TYPE_NAME as the server names the types",
            [g[2] for g in got],
            [s[1] for s in server],
        )
        by_name = {g[0]: g for g in got}
        self.check("getColumns: OrderId is INTEGER", by_name["OrderId"][1], INTEGER)
        self.check(
            "getColumns: amount is NUMERIC(10,2)",
            by_name["amount"][1:5],
            (NUMERIC, "numeric", 10, 2),
        )
        self.check("getColumns: placed_at is TIMESTAMP", by_name["placed_at"][1], TIMESTAMP)
        self.check("getColumns: note (text) is LONGVARCHAR", by_name["note"][1], LONGVARCHAR)
        archive = rows_of(md.getColumns(None, SCHEMA, "Archive", "%"), [2, 3, 4, 5, 7, 17])
        self.check(
            f"getColumns(null, {SCHEMA}, Archive, %) in another schema",
            archive,
            [
                (SCHEMA, "Archive", "ArchiveId", str(INTEGER), "10", "1"),
                (SCHEMA, "Archive", "OrderId", str(INTEGER), "10", "2"),
                (SCHEMA, "Archive", "Grund", str(VARCHAR), "12", "3"),
            ],
        )

    def keys(self):
        md = self.md
        self.check(
            "getPrimaryKeys(null, public, BaseOrders)",
            rows_of(md.getPrimaryKeys(None, "public", "BaseOrders"), [2, 3, 4, 5, 6]),
            [("public", "BaseOrders", "OrderId", "1", "base_orders_pk")],
        )
        self.check(
            f"getPrimaryKeys(null, {SCHEMA}, Archive)",
            rows_of(md.getPrimaryKeys(None, SCHEMA, "Archive"), [2, 3, 4, 5, 6]),
            [(SCHEMA, "Archive", "ArchiveId", "1", "archive_pk")],
        )
        # PKTABLE_SCHEM, PKTABLE_NAME, PKCOLUMN_NAME, FKTABLE_SCHEM, FKTABLE_NAME,
        # FKCOLUMN_NAME, KEY_SEQ, UPDATE_RULE, DELETE_RULE, FK_NAME, PK_NAME
        columns = [2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13]
        want = [
            (
                "public",
                "BaseCustomers",
                "CustomerId",
                "public",
                "BaseOrders",
                "CustomerId",
                "1",
                str(NO_ACTION),
                str(CASCADE),
                "base_orders_customer_fk",
                "base_customers_pk",
            )
        ]
        self.check(
            "getImportedKeys(null, public, BaseOrders)",
            rows_of(md.getImportedKeys(None, "public", "BaseOrders"), columns),
            want,
        )
        exported = rows_of(md.getExportedKeys(None, "public", "BaseCustomers"), columns)
        self.check("getExportedKeys(null, public, BaseCustomers)", exported, want)
        archive = rows_of(md.getImportedKeys(None, SCHEMA, "Archive"), columns)
        if archive:
            self.check(
                f"getImportedKeys(null, {SCHEMA}, Archive)",
                archive,
                [
                    (
                        "public",
                        "BaseOrders",
                        "OrderId",
                        SCHEMA,
                        "Archive",
                        "OrderId",
                        "1",
                        str(NO_ACTION),
                        str(NO_ACTION),
                        "archive_order_fk",
                        "base_orders_pk",
                    )
                ],
            )
        else:
            self.report.note(
                f"getImportedKeys(null, {SCHEMA}, Archive) found nothing: LibreOffice passes "
                "SQLForeignKeys no schema, and without one the driver looks in the search path"
            )

    def indexes(self):
        md = self.md
        result = md.getIndexInfo(None, "public", "BaseOrders", False, False)
        got = []
        while result.next():
            kind = result.getShort(7)
            if kind == 0:  # TABLE_STATISTIC: not an index
                continue
            got.append(
                (
                    result.getBoolean(4),  # NON_UNIQUE
                    result.getString(6),  # INDEX_NAME
                    result.getShort(8),  # ORDINAL_POSITION
                    result.getString(9),  # COLUMN_NAME
                )
            )
        server = query(
            self.admin,
            "SELECT NOT ix.indisunique, i.relname, k.n::int, a.attname::text"
            " FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid"
            " JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace"
            " CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
            " WHERE ns.nspname = 'public' AND t.relname = 'BaseOrders'",
        )
        self.check(
            "getIndexInfo(null, public, BaseOrders, false, false): every index column",
            sorted(got),
            sorted(tuple(s) for s in server),
        )
        order = [(g[0], g[1], g[2]) for g in got]
        self.check(
            "getIndexInfo: ordered by NON_UNIQUE, INDEX_NAME, ORDINAL_POSITION",
            order,
            sorted(order),
        )
        unique = rows_of(md.getIndexInfo(None, "public", "BaseCustomers", True, False), [6, 9])
        self.check(
            "getIndexInfo(null, public, BaseCustomers, unique=true)",
            sorted(u for u in unique if u[0] is not None),
            [("base_customers_name", "name"), ("base_customers_pk", "CustomerId")],
        )

    def type_info(self):
        type_info = rows_of(self.md.getTypeInfo(), [1, 2])
        self.report.info(
            f"getTypeInfo: {len(type_info)} types: " + ", ".join(f"{n} ({c})" for n, c in type_info)
        )
        codes = {int(code) for _, code in type_info}
        self.check(
            "getTypeInfo covers INTEGER, VARCHAR, NUMERIC, TIMESTAMP, LONGVARCHAR",
            {INTEGER, VARCHAR, NUMERIC, TIMESTAMP, LONGVARCHAR} <= codes,
            True,
        )
        known = {r[0] for r in query(self.admin, "SELECT typname::text FROM pg_type")}
        self.check(
            "getTypeInfo: every TYPE_NAME is a type the server has",
            sorted({n for n, _ in type_info if n not in known}),
            [],
        )
        column_types = {
            r[0] for r in rows_of(self.md.getColumns(None, "public", "BaseOrders", "%"), [6])
        }
        self.check(
            "getTypeInfo lists every type getColumns reports",
            sorted(column_types - {n for n, _ in type_info}),
            [],
        )

    def designer(self):
        container = self.conn.getTables()
        names = container.getElementNames()
        found = {}
        for name in names:
            parts = name.split(".")
            if len(parts) >= 2:
                found[tuple(parts[-2:])] = name
        self.report.info(
            f"Tables container: {len(names)} tables, e.g. {found.get(('public', 'BaseOrders'))}"
        )
        self.check(
            "Tables container (Base's table list) has the tables and the view",
            all(
                k in found
                for k in [
                    ("public", "BaseOrders"),
                    ("public", "BaseCustomers"),
                    (SCHEMA, "Archive"),
                    (SCHEMA, "big_orders"),
                ]
            ),
            True,
        )
        table = container.getByName(found[("public", "BaseOrders")])
        cols = table.getColumns()
        self.check(
            "table designer: columns in order",
            list(cols.getElementNames()),
            ["OrderId", "CustomerId", "amount", "placed_at", "note"],
        )
        amount = cols.getByName("amount")
        self.check(
            "table designer: amount's type, precision, scale, nullability",
            (amount.Type, amount.TypeName, amount.Precision, amount.Scale, amount.IsNullable),
            (NUMERIC, "numeric", 10, 2, NULLABLE),
        )
        placed = cols.getByName("placed_at")
        self.check(
            "table designer: placed_at's type and nullability",
            (placed.Type, placed.TypeName, placed.IsNullable),
            (TIMESTAMP, "timestamp", NO_NULLS),
        )
        keys = table.getKeys()
        key_list = []
        for i in range(keys.getCount()):
            key = keys.getByIndex(i)
            key_list.append(
                (
                    key.Type,
                    key.Name,
                    unqualified(key.ReferencedTable),
                    tuple(key.getColumns().getElementNames()),
                )
            )
        self.check(
            "table designer: primary and foreign key",
            sorted(key_list),
            [
                (PRIMARY, "base_orders_pk", "", ("OrderId",)),
                (FOREIGN, "base_orders_customer_fk", "BaseCustomers", ("CustomerId",)),
            ],
        )
        indexes = table.getIndexes()
        self.check(
            "table designer: indexes",
            sorted(
                (unqualified(name), tuple(indexes.getByName(name).getColumns().getElementNames()))
                for name in indexes.getElementNames()
            ),
            [("base_orders_pk", ("OrderId",)), ("base_orders_placed", ("placed_at", "amount"))],
        )
        self.orders_name = found[("public", "BaseOrders")]
        self.customers_name = found[("public", "BaseCustomers")]

    def rowsets(self):
        rowset = self.office.create("com.sun.star.sdb.RowSet")
        rowset.ActiveConnection = self.conn
        rowset.CommandType = TABLE
        rowset.Command = self.orders_name
        rowset.execute()
        got = []
        while rowset.next():
            order_id, customer_id = rowset.getInt(1), rowset.getInt(2)
            amount = decimal.Decimal(rowset.getString(3))
            ts = rowset.getTimestamp(4)
            note = rowset.getString(5)
            if rowset.wasNull():
                note = None
            placed = datetime.datetime(ts.Year, ts.Month, ts.Day, ts.Hours, ts.Minutes, ts.Seconds)
            got.append((order_id, customer_id, amount, placed, note))
        server = query(
            self.admin, 'SELECT "OrderId", "CustomerId", amount, placed_at, note FROM "BaseOrders"'
        )
        self.check("RowSet over BaseOrders: every row and value", sorted(got), sorted(server))
        self.check(
            "RowSet: last(), getRow() and RowCount",
            (rowset.last(), rowset.getRow(), rowset.RowCount),
            (True, 4, 4),
        )
        self.check(
            "RowSet: back to first()",
            (rowset.first(), rowset.getRow(), rowset.getInt(1)),
            (True, 1, got[0][0]),
        )
        rowset.dispose()

        rowset = self.office.create("com.sun.star.sdb.RowSet")
        rowset.ActiveConnection = self.conn
        rowset.CommandType = TABLE
        rowset.Command = self.customers_name
        rowset.execute()
        self.check(
            "RowSet over BaseCustomers: unicode text and NULL",
            sorted(rows_of(rowset, [1, 2, 3])),
            sorted(
                (str(a), b, c) for a, b, c in query(self.admin, 'SELECT * FROM "BaseCustomers"')
            ),
        )
        rowset.dispose()

        (count,) = query(self.admin, "SELECT count(*) FROM some_entries")[0]
        started = time.monotonic()
        rowset = self.office.create("com.sun.star.sdb.RowSet")
        rowset.ActiveConnection = self.conn
        rowset.CommandType = TABLE
        rowset.Command = next(
            n for n in self.conn.getTables().getElementNames() if n.endswith("public.some_entries")
        )
        rowset.execute()
        rowset.last()
        self.check(
            "RowSet over some_entries: scrolled to the end, counted",
            (rowset.getRow(), rowset.RowCount, rowset.IsRowCountFinal),
            (count, count, True),
        )
        self.report.info(
            f"some_entries: {count} rows, scrolled to the end in {time.monotonic() - started:.1f} s"
        )
        rowset.dispose()

    def parameters(self):
        expected = [
            (str(a), str(b))
            for a, b in query(
                self.admin,
                'SELECT "OrderId", amount FROM "BaseOrders" WHERE "CustomerId" = 1 ORDER BY "OrderId"',
            )
        ]
        rowset = self.office.create("com.sun.star.sdb.RowSet")
        rowset.ActiveConnection = self.conn
        rowset.CommandType = COMMAND
        rowset.Command = (
            'SELECT "OrderId", "amount" FROM "BaseOrders" WHERE "CustomerId" = ? ORDER BY "OrderId"'
        )
        rowset.setInt(1, 1)
        rowset.execute()
        self.check("query with a ? parameter set on the RowSet", rows_of(rowset, [1, 2]), expected)
        rowset.dispose()

        rowset = self.office.create("com.sun.star.sdb.RowSet")
        rowset.ActiveConnection = self.conn
        rowset.CommandType = COMMAND
        rowset.Command = 'SELECT "OrderId", "amount" FROM "BaseOrders" WHERE "CustomerId" = :customer ORDER BY "OrderId"'
        params = rowset.getParameters()
        names = [params.getByIndex(i).Name for i in range(params.getCount())]
        self.check("query with a named :parameter: Base finds it by name", names, ["customer"])
        dialog = ParameterDialog(names, {"customer": 1})
        rowset.executeWithCompletion(dialog)
        self.check("query with a named :parameter: Base asks for it once", dialog.asked, 1)
        self.check("query with a named :parameter: rows", rows_of(rowset, [1, 2]), expected)
        rowset.dispose()

        statement = self.conn.prepareStatement(
            'SELECT "CustomerId", city FROM "BaseCustomers" WHERE name = ?'
        )
        statement.setString(1, "Ōsaka 商店")
        self.check(
            "prepared statement with a unicode string parameter",
            rows_of(statement.executeQuery(), [1, 2]),
            [("2", "大阪")],
        )
        statement.close()

        statement = self.conn.prepareStatement(
            "SELECT count(*) FROM some_entries WHERE some_random_number BETWEEN ? AND ?"
        )
        statement.setInt(1, 1)
        statement.setInt(2, 5000)
        (n,) = query(
            self.admin,
            "SELECT count(*) FROM some_entries WHERE some_random_number BETWEEN 1 AND 5000",
        )[0]
        self.check(
            "prepared statement with two integer parameters",
            rows_of(statement.executeQuery(), [1]),
            [(str(n),)],
        )
        statement.close()

        rowset = self.office.create("com.sun.star.sdb.RowSet")
        rowset.ActiveConnection = self.conn
        rowset.CommandType = COMMAND
        rowset.Command = f'SELECT "OrderId" FROM "{SCHEMA}"."Archive" WHERE "ArchiveId" = ?'
        if rowset.getParameters().getCount() == 0:
            self.report.note(
                "LibreOffice's query composer finds no parameter in a schema-qualified query "
                "(the same with psqlODBC), so parameter queries above use public tables"
            )
        rowset.dispose()


def run(office, args, workdir, admin, report):
    browser = Browser(office, args.dsn, workdir, admin, report)
    browser.connect()  # nothing else can run without a connection
    for section in (
        "tables",
        "columns",
        "keys",
        "indexes",
        "type_info",
        "designer",
        "rowsets",
        "parameters",
    ):
        try:
            getattr(browser, section)()
        except Exception as e:  # a UNO exception: one failure, then the next area
            report.error(section, e)
    browser.conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dsn", default=os.environ.get("QF_DSN"), help="ODBC DSN (default $QF_DSN)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the work directory (.odb, profile)"
    )
    args = parser.parse_args()

    if uno is None:
        print(f"skipped: {sys.executable} cannot import uno (apt-get install python3-uno)")
        return SKIP
    if not os.access(SOFFICE, os.X_OK):
        print(f"skipped: {SOFFICE} not found (apt-get install libreoffice-base-nogui)")
        return SKIP
    needed = (
        "QF_PG_HOST",
        "QF_PG_PORT",
        "QF_PG_USER",
        "QF_PG_PASSWORD",
        "QF_PG_DATABASE",
        "ODBCSYSINI",
        "ODBCINI",
    )
    missing = [v for v in needed if not os.environ.get(v)]
    if missing or not args.dsn:
        print(
            "error: the test environment is missing "
            + ", ".join(missing or ["QF_DSN"])
            + " (set -a; . <build>/test-env/env.sh; set +a after scripts/pg.sh start)"
        )
        return 1

    report = Report()
    workdir = tempfile.mkdtemp(prefix="qf-lo.")
    admin = admin_connection()
    office = None
    started = time.monotonic()
    try:
        with admin.cursor() as cursor:
            cursor.execute(DDL)
        office = Office(workdir)
        report.info(f"LibreOffice up in {time.monotonic() - started:.1f} s; DSN {args.dsn}")
        run(office, args, workdir, admin, report)
    except Exception as e:
        report.error("session", e)
    finally:
        if office is not None:
            office.stop()
            report_text = office.sanitizer_report()
            if report_text:
                report.failed.append("sanitizer report from soffice")
                print("FAIL the sanitizer reported an error inside soffice:\n" + report_text)
        with admin.cursor() as cursor:
            cursor.execute(DROP)
        admin.close()
        if args.keep:
            print(f"     kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"     took {time.monotonic() - started:.1f} s")
    print(f"libreoffice: {report.passed} passed, {len(report.failed)} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
