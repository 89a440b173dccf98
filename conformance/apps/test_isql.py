"""unixODBC's own clients, isql and iusql, browsing the DSN.

isql is the interactive client every unixODBC installation has, so it is the
first thing a person tries against a new DSN:

* ``help`` lists tables (SQLTables with every argument NULL);
* ``help TABLE`` lists a table's columns (SQLColumns with the table name as a
  pattern and no schema);
* ``help CATALOG SCHEMA TABLE TYPE`` calls SQLTables with those arguments,
  which reaches the special enumerations of catalogs, schemas and types;
* any other line is SQL, prepared and executed.

Without -3 it declares itself an ODBC 2 application; with -3 ODBC 3. iusql
is the same program over the wide (W) functions; it renders each UTF-16 code
unit of a result as its low byte, so what it prints for non-ASCII text is
predictable byte for byte (`iusql_rendering`) and shows whether the driver
returned the right UTF-16.

Every listing is checked three ways: against what the server's catalog says,
against psqlODBC through the same isql command (where the two should agree),
and against ODBC's rules (ordering, ODBC 2 type codes).
"""

import atexit
import os
import subprocess
import tempfile

import pytest

from conftest import SCHEMA, UNICODE_ROWS

SEP = "\x1f"  # isql -x0x1f: a column delimiter no test value contains
TIMEOUT = 60

SQL_TYPE_TIMESTAMP = 93
SQL_TIMESTAMP = 11  # the ODBC 2 code for the same type


def dsn(driver):
    return os.environ["QF_DSN" if driver == "quietfetch" else "QF_PSQL_DSN"]


_suppressions = []


def client_environment(program):
    """The environment for isql/iusql. Under the sanitizer run (the ASan runtime
    preloaded, as scripts/test.sh does for a sanitized driver) iusql needs one
    suppression: iusql 2.3.11 strncpy()s a buffer onto itself at start-up, which
    is unixODBC's bug, not the driver's (the driver calls no strncpy)."""
    env = dict(os.environ, LC_ALL="C.UTF-8")
    if program == "iusql" and "libasan" in env.get("LD_PRELOAD", ""):
        if not _suppressions:
            fd, path = tempfile.mkstemp(prefix="qf-apps-", suffix=".supp")
            with os.fdopen(fd, "w") as f:
                f.write("interceptor_name:strncpy\n")
            atexit.register(os.unlink, path)
            _suppressions.append(path)
        options = env.get("ASAN_OPTIONS", "")
        env["ASAN_OPTIONS"] = ":".join(filter(None, [options, f"suppressions={_suppressions[0]}"]))
    return env


def run_client(driver, lines, *options, program="isql", check=True):
    """Run isql/iusql on the DSN with `lines` as its input; (stdout, stderr) as bytes."""
    env = client_environment(program)
    text = "".join(line + "\n" for line in lines)
    done = subprocess.run(
        [program, dsn(driver), *options],
        input=text.encode("utf-8"),
        capture_output=True,
        timeout=TIMEOUT,
        env=env,
        check=False,
    )
    if check:
        assert done.returncode == 0, (
            f"{program} {dsn(driver)} {' '.join(options)} exited with {done.returncode}\n"
            f"stdout: {done.stdout!r}\nstderr: {done.stderr!r}"
        )
        assert b"[ISQL]ERROR" not in done.stderr, done.stderr.decode("utf-8", "replace")
    return done.stdout, done.stderr


def listing(driver, command, *options, program="isql"):
    """One command in batch mode with delimited output: a list of dicts, one per row."""
    out, _ = run_client(driver, [command], "-b", "-v", "-x0x1f", "-c", *options, program=program)
    text = out.decode("latin-1" if program == "iusql" else "utf-8")
    lines = [line for line in text.split("\n") if line]
    assert lines, f"{program} printed nothing for {command!r}"
    header = lines[0].split(SEP)
    rows = []
    for line in lines[1:]:
        fields = line.split(SEP)
        assert len(fields) == len(header), f"row {line!r} does not fit header {header!r}"
        rows.append(dict(zip(header, fields)))
    return header, rows


def mine(rows, objects):
    """Rows about the suite's own objects (other suites share the database)."""
    names = {(schema, name) for schema, name, _ in objects}
    return [r for r in rows if (r["TABLE_SCHEM"], r["TABLE_NAME"]) in names]


def iusql_rendering(value):
    """What iusql prints for a string: each UTF-16 code unit's low byte, up to a zero byte."""
    units = value.encode("utf-16-le")
    out = bytearray()
    for i in range(0, len(units), 2):
        if units[i] == 0:
            break
        out.append(units[i])
    return out.decode("latin-1")


def server_columns(admin, schema, table):
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, ordinal_position, is_nullable, udt_name,"
            " character_maximum_length, numeric_precision, numeric_scale"
            " FROM information_schema.columns WHERE table_schema = %s AND table_name = %s"
            " ORDER BY ordinal_position",
            (schema, table),
        )
        return cursor.fetchall()


def server_objects(admin, objects):
    """(schema, name, ODBC table type) of the suite's objects, as pg_class has them."""
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.relname,"
            " CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'v' THEN 'VIEW' END"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind IN ('r', 'p', 'v')"
        )
        wanted = {(s, n) for s, n, _ in objects}
        return sorted(r for r in cursor.fetchall() if (r[0], r[1]) in wanted)


# --- help: SQLTables -----------------------------------------------------------------


@pytest.mark.parametrize("version", ["-3", None], ids=["odbc3", "odbc2"])
def test_help_lists_tables_and_views_as_the_server_has_them(admin, browse_objects, version):
    options = [version] if version else []
    _, rows = listing("quietfetch", "help", *options)
    got = sorted(
        (r["TABLE_SCHEM"], r["TABLE_NAME"], r["TABLE_TYPE"]) for r in mine(rows, browse_objects)
    )
    assert got == server_objects(admin, browse_objects)
    assert got == sorted(browse_objects)
    database = os.environ["QF_PG_DATABASE"]
    assert {r["TABLE_CAT"] for r in mine(rows, browse_objects)} == {database}
    # The reference table is there too.
    assert ("public", "some_entries", "TABLE") in {
        (r["TABLE_SCHEM"], r["TABLE_NAME"], r["TABLE_TYPE"]) for r in rows
    }


def test_help_orders_tables_as_odbc_specifies(browse_objects):
    # SQLTables: ordered by TABLE_TYPE, TABLE_CAT, TABLE_SCHEM, TABLE_NAME.
    _, rows = listing("quietfetch", "help", "-3")
    keys = [(r["TABLE_TYPE"], r["TABLE_CAT"], r["TABLE_SCHEM"], r["TABLE_NAME"]) for r in rows]
    assert keys == sorted(keys, key=lambda k: tuple(part.encode("utf-8") for part in k))


def test_help_agrees_with_psqlodbc(browse_objects):
    _, ours = listing("quietfetch", "help", "-3")
    _, theirs = listing("psqlodbc", "help", "-3")

    def key(r):
        return (r["TABLE_CAT"], r["TABLE_SCHEM"], r["TABLE_NAME"], r["TABLE_TYPE"])

    assert sorted(map(key, mine(ours, browse_objects))) == sorted(
        map(key, mine(theirs, browse_objects))
    )


def test_help_with_arguments_enumerates_catalogs_schemas_and_types(browse_objects):
    database = os.environ["QF_PG_DATABASE"]
    for driver in ("quietfetch", "psqlodbc"):
        _, catalogs = listing(driver, 'help % "" "" ""', "-3")
        assert [r["TABLE_CAT"] for r in catalogs] == [database], driver
        assert all(r["TABLE_SCHEM"] == r["TABLE_NAME"] == "" for r in catalogs), driver

        _, schemas = listing(driver, 'help "" % "" ""', "-3")
        names = [r["TABLE_SCHEM"] for r in schemas]
        assert {SCHEMA, "public"} <= set(names), driver
        assert all(r["TABLE_CAT"] == r["TABLE_NAME"] == "" for r in schemas), driver

        _, types = listing(driver, 'help "" "" "" %', "-3")
        assert {"TABLE", "VIEW"} <= {r["TABLE_TYPE"] for r in types}, driver
    # ODBC orders the special enumerations by the column they list.
    _, schemas = listing("quietfetch", 'help "" % "" ""', "-3")
    names = [r["TABLE_SCHEM"] for r in schemas]
    assert names == sorted(names, key=lambda n: n.encode("utf-8"))
    assert len(names) == len(set(names))


def test_help_schema_pattern_keeps_case(browse_objects):
    _, rows = listing("quietfetch", f"help null {SCHEMA} null null", "-3")
    got = sorted((r["TABLE_SCHEM"], r["TABLE_NAME"], r["TABLE_TYPE"]) for r in rows)
    assert got == sorted(o for o in browse_objects if o[0] == SCHEMA)
    # PostgreSQL names are case-sensitive once quoted: another case matches nothing.
    _, rows = listing("quietfetch", f"help null {SCHEMA.lower()} null null", "-3")
    assert rows == []


def test_help_type_argument_lists_only_views(browse_objects):
    for driver in ("quietfetch", "psqlodbc"):
        _, rows = listing(driver, "help null null null VIEW", "-3")
        assert {r["TABLE_TYPE"] for r in rows} <= {"VIEW"}, driver
        assert [r["TABLE_NAME"] for r in mine(rows, browse_objects)] == ["order_totals"], driver


# --- help TABLE: SQLColumns ---------------------------------------------------------------

# IS_NULLABLE is left out: psqlODBC leaves it empty (quietfetch says YES/NO, as ODBC
# asks, and the test above checks it against the server).
COMPARED_WITH_PSQLODBC = ("COLUMN_NAME", "ORDINAL_POSITION", "NULLABLE", "TYPE_NAME")


@pytest.mark.parametrize("version", ["-3", None], ids=["odbc3", "odbc2"])
def test_help_table_lists_columns_like_the_server(admin, browse_objects, version):
    options = [version] if version else []
    _, rows = listing("quietfetch", "help AppsMixed", *options)
    # Case-sensitive: "appsmixed" is another table and must not leak in.
    assert {(r["TABLE_SCHEM"], r["TABLE_NAME"]) for r in rows} == {("public", "AppsMixed")}
    server = server_columns(admin, "public", "AppsMixed")
    assert [
        (r["COLUMN_NAME"], int(r["ORDINAL_POSITION"]), r["IS_NULLABLE"], r["TYPE_NAME"])
        for r in rows
    ] == [(name, pos, nullable, udt) for name, pos, nullable, udt, *_ in server]
    by_name = {r["COLUMN_NAME"]: r for r in rows}
    assert by_name["Id"]["DATA_TYPE"] == "4"  # SQL_INTEGER
    assert by_name["Label"]["DATA_TYPE"] == "12"  # SQL_VARCHAR
    assert by_name["Label"]["COLUMN_SIZE"] == "20"
    assert [r["NULLABLE"] for r in rows] == ["0", "0", "1"]


def test_help_table_agrees_with_psqlodbc(admin, browse_objects):
    for table in ("AppsMixed", "appsmixed", "some_entries"):
        _, ours = listing("quietfetch", f"help {table}", "-3")
        _, theirs = listing("psqlodbc", f"help {table}", "-3")
        assert [tuple(r[c] for c in COMPARED_WITH_PSQLODBC) for r in ours] == [
            tuple(r[c] for c in COMPARED_WITH_PSQLODBC) for r in theirs
        ], table
        # Type codes and sizes where both drivers should map alike: everything
        # but text and varchar without a length (quietfetch says SQL_LONGVARCHAR,
        # psqlODBC SQL_VARCHAR of its MaxVarcharSize, 255).
        unbounded = {
            name
            for name, _, _, udt, length, *_ in server_columns(admin, "public", table)
            if udt == "text" or (udt == "varchar" and length is None)
        }

        def sized(rows):
            return [
                (r["COLUMN_NAME"], r["DATA_TYPE"], r["COLUMN_SIZE"], r["DECIMAL_DIGITS"])
                for r in rows
                if r["COLUMN_NAME"] not in unbounded
            ]

        assert sized(ours) == sized(theirs), table


def test_help_table_in_another_schema(admin, browse_objects):
    # isql's "help TABLE" passes no schema, so the table is found in any schema.
    # (psqlODBC looks only at the search path when no schema is given, and
    # finds nothing here; quietfetch follows ODBC: no schema means all schemas.)
    _, rows = listing("quietfetch", "help Orders", "-3")
    assert {(r["TABLE_SCHEM"], r["TABLE_NAME"]) for r in rows} == {(SCHEMA, "Orders")}
    server = server_columns(admin, SCHEMA, "Orders")
    assert [r["COLUMN_NAME"] for r in rows] == [c[0] for c in server]
    by_name = {r["COLUMN_NAME"]: r for r in rows}
    assert (
        by_name["amount"]["DATA_TYPE"],
        by_name["amount"]["COLUMN_SIZE"],
        by_name["amount"]["DECIMAL_DIGITS"],
    ) == (
        "2",
        "10",
        "2",
    )  # SQL_NUMERIC(10,2)
    assert by_name["customer"]["COLUMN_SIZE"] == "40"
    assert int(by_name["placed_at"]["DATA_TYPE"]) == SQL_TYPE_TIMESTAMP
    assert by_name["placed_at"]["NULLABLE"] == "0"


def test_help_table_gives_odbc2_type_codes_to_an_odbc2_client(browse_objects):
    _, rows = listing("quietfetch", "help Orders")  # no -3: an ODBC 2 application
    by_name = {r["COLUMN_NAME"]: r for r in rows}
    assert int(by_name["placed_at"]["DATA_TYPE"]) == SQL_TIMESTAMP


def test_psqlodbc_gives_odbc2_type_codes_to_an_odbc2_client(browse_objects):
    # The reference for the test above (a public table: psqlODBC sees only the search path).
    _, rows = listing("psqlodbc", "help some_entries")
    by_name = {r["COLUMN_NAME"]: r for r in rows}
    assert int(by_name["created_date"]["DATA_TYPE"]) == SQL_TIMESTAMP


def test_help_table_with_unicode_names(admin, browse_objects):
    _, rows = listing("quietfetch", "help tëst_ünï", "-3")
    assert [
        (r["TABLE_SCHEM"], r["TABLE_NAME"], r["COLUMN_NAME"], r["IS_NULLABLE"]) for r in rows
    ] == [
        (SCHEMA, "tëst_ünï", "çolumn", "YES"),
        (SCHEMA, "tëst_ünï", "ñ", "NO"),
    ]


def test_help_pattern_underscore_is_a_wildcard(browse_objects):
    # "help TABLE" passes a pattern: "_" matches any one character, in both drivers.
    for driver in ("quietfetch", "psqlodbc"):
        _, rows = listing(driver, "help Apps_ixed", "-3")
        assert {r["TABLE_NAME"] for r in rows} == {"AppsMixed"}, driver


def test_help_unknown_table_lists_nothing(browse_objects):
    for driver in ("quietfetch", "psqlodbc"):
        header, rows = listing(driver, "help no_such_table_anywhere", "-3")
        assert rows == [] and "COLUMN_NAME" in header, driver


# --- queries ------------------------------------------------------------------------------


def test_queries_return_what_the_server_has(admin, browse_objects):
    with admin.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM some_entries")
        (count,) = cursor.fetchone()
        cursor.execute("SELECT id, some_random_number FROM some_entries ORDER BY id LIMIT 5")
        first = [(i, str(n)) for i, n in cursor.fetchall()]
    for driver in ("quietfetch", "psqlodbc"):
        _, rows = listing(driver, "SELECT count(*) AS n FROM some_entries")
        assert rows == [{"n": str(count)}], driver
        _, rows = listing(
            driver, "SELECT id, some_random_number FROM some_entries ORDER BY id LIMIT 5"
        )
        assert [(r["id"], r["some_random_number"]) for r in rows] == first, driver


def test_unicode_text_through_isql(browse_objects):
    query = 'SELECT "Id", "Label", "Notes" FROM "AppsMixed" ORDER BY "Id"'
    expected = [(str(i), label, notes or "") for i, label, notes in UNICODE_ROWS]
    for driver in ("quietfetch", "psqlodbc"):
        _, rows = listing(driver, query, "-3")
        assert [(r["Id"], r["Label"], r["Notes"]) for r in rows] == expected, driver


def test_unicode_text_through_iusql(browse_objects):
    # iusql fetches SQL_C_WCHAR; its rendering is lossy but exact (see iusql_rendering).
    query = 'SELECT "Id", "Label", "Notes" FROM "AppsMixed" ORDER BY "Id"'
    expected = [
        (str(i), iusql_rendering(label), iusql_rendering(notes or ""))
        for i, label, notes in UNICODE_ROWS
    ]
    outputs = {}
    for driver in ("quietfetch", "psqlodbc"):
        _, rows = listing(driver, query, program="iusql")
        assert [(r["Id"], r["Label"], r["Notes"]) for r in rows] == expected, driver
        outputs[driver] = run_client(driver, [query], "-b", "-x0x1f", program="iusql")[0]
    assert outputs["quietfetch"] == outputs["psqlodbc"]


def test_iusql_browses_tables_and_columns(admin, browse_objects):
    _, rows = listing("quietfetch", "help", program="iusql")
    got = sorted((r["TABLE_SCHEM"], r["TABLE_NAME"], r["TABLE_TYPE"]) for r in rows)
    expected = sorted((iusql_rendering(s), iusql_rendering(n), t) for s, n, t in browse_objects)
    assert [g for g in got if g in expected] == expected
    _, rows = listing("quietfetch", "help AppsMixed", program="iusql")
    assert [r["COLUMN_NAME"] for r in rows] == [
        c[0] for c in server_columns(admin, "public", "AppsMixed")
    ]
    # Both drivers list the public tables alike through the W functions.
    _, theirs = listing("psqlodbc", "help AppsMixed", program="iusql")
    assert [tuple(r[c] for c in COMPARED_WITH_PSQLODBC) for r in rows] == [
        tuple(r[c] for c in COMPARED_WITH_PSQLODBC) for r in theirs
    ]


def test_errors_reach_the_user(browse_objects):
    for driver in ("quietfetch", "psqlodbc"):
        out, err = run_client(
            driver, ["SELECT * FROM no_such_table_anywhere"], "-b", "-v", check=False
        )
        message = (out + err).decode("utf-8", "replace")
        assert 'relation "no_such_table_anywhere" does not exist' in message, (driver, message)
        assert "[ISQL]ERROR" in message, (driver, message)


# --- the interactive session and batch mode ------------------------------------------------


def test_interactive_session(browse_objects):
    # No -b: the banner, a prompt per line, and the boxed result tables a person reads.
    out, _ = run_client(
        "quietfetch",
        ["help AppsMixed", "SELECT count(*) AS n FROM some_entries", "quit"],
        "-v",
    )
    text = out.decode("utf-8")
    assert "Connected!" in text
    assert text.count("SQL> ") == 3
    boxed = [line for line in text.split("\n") if line.startswith("| ")]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in boxed]
    assert ["n"] in cells and ["100000"] in cells
    assert any(row[3:4] == ["Label"] for row in cells), cells
    assert "3 rows fetched" in text  # the three columns of "AppsMixed"


def test_batch_mode_runs_a_script(browse_objects):
    # -b: no banner, no prompts; one statement per line, each result in turn.
    script = [
        "CREATE TEMPORARY TABLE apps_batch (k integer, v varchar(10))",
        "INSERT INTO apps_batch VALUES (1, 'eins')",
        "INSERT INTO apps_batch VALUES (2, 'zwei')",
        "SELECT k, v FROM apps_batch ORDER BY k",
    ]
    results = {}
    for driver in ("quietfetch", "psqlodbc"):
        out, _ = run_client(driver, script, "-b", "-v", "-x0x1f")
        text = out.decode("utf-8")
        assert "Connected!" not in text and "SQL>" not in text, driver
        results[driver] = [line for line in text.split("\n") if SEP in line]
    assert results["quietfetch"] == [f"1{SEP}eins", f"2{SEP}zwei"]
    assert results["quietfetch"] == results["psqlodbc"]
