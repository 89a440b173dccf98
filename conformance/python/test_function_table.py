"""README's table of ODBC functions against the driver itself.

The table (between the ``odbc-functions`` markers in README.md) promises a
support level for every ODBC function. This test holds the driver to it:

- every function marked full or partial is exported by libquietfetch.so
  (with its ``W`` twin when sqlucode.h declares one) and reported as
  supported by the driver's own SQLGetFunctions, asked directly (the driver
  manager would add the functions it maps itself);
- every function marked "not supported" or "driver manager" is neither
  exported nor reported;
- every function the driver exports appears in the table.

It loads the driver with ctypes (never connecting) and reads its exports with
nm, so it needs only QF_DRIVER_PATH.
"""

import ctypes
import os
import re
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = os.path.join(ROOT, "README.md")

SQL_HANDLE_ENV = 1
SQL_HANDLE_DBC = 2
SQL_ATTR_ODBC_VERSION = 200
SQL_OV_ODBC3 = 3
SQL_API_ODBC3_ALL_FUNCTIONS = 999
SQL_API_ODBC3_ALL_FUNCTIONS_SIZE = 250

# SQL_API_* numbers from sql.h/sqlext.h for the functions in the table.
API_IDS = {
    "SQLAllocConnect": 1, "SQLAllocEnv": 2, "SQLAllocStmt": 3, "SQLBindCol": 4,
    "SQLCancel": 5, "SQLColAttributes": 6, "SQLConnect": 7, "SQLDescribeCol": 8,
    "SQLDisconnect": 9, "SQLError": 10, "SQLExecDirect": 11, "SQLExecute": 12,
    "SQLFetch": 13, "SQLFreeConnect": 14, "SQLFreeEnv": 15, "SQLFreeStmt": 16,
    "SQLGetCursorName": 17, "SQLNumResultCols": 18, "SQLPrepare": 19, "SQLRowCount": 20,
    "SQLSetCursorName": 21, "SQLSetParam": 22, "SQLTransact": 23, "SQLBulkOperations": 24,
    "SQLColumns": 40, "SQLDriverConnect": 41, "SQLGetConnectOption": 42, "SQLGetData": 43,
    "SQLGetFunctions": 44, "SQLGetInfo": 45, "SQLGetStmtOption": 46, "SQLGetTypeInfo": 47,
    "SQLParamData": 48, "SQLPutData": 49, "SQLSetConnectOption": 50, "SQLSetStmtOption": 51,
    "SQLSpecialColumns": 52, "SQLStatistics": 53, "SQLTables": 54, "SQLBrowseConnect": 55,
    "SQLColumnPrivileges": 56, "SQLDataSources": 57, "SQLDescribeParam": 58,
    "SQLExtendedFetch": 59, "SQLForeignKeys": 60, "SQLMoreResults": 61, "SQLNativeSql": 62,
    "SQLNumParams": 63, "SQLParamOptions": 64, "SQLPrimaryKeys": 65,
    "SQLProcedureColumns": 66, "SQLProcedures": 67, "SQLSetPos": 68,
    "SQLSetScrollOptions": 69, "SQLTablePrivileges": 70, "SQLDrivers": 71,
    "SQLBindParameter": 72, "SQLAllocHandle": 1001, "SQLBindParam": 1002,
    "SQLCloseCursor": 1003, "SQLCopyDesc": 1004, "SQLEndTran": 1005, "SQLFreeHandle": 1006,
    "SQLGetConnectAttr": 1007, "SQLGetDescField": 1008, "SQLGetDescRec": 1009,
    "SQLGetDiagField": 1010, "SQLGetDiagRec": 1011, "SQLGetEnvAttr": 1012,
    "SQLGetStmtAttr": 1014, "SQLSetConnectAttr": 1016, "SQLSetDescField": 1017,
    "SQLSetDescRec": 1018, "SQLSetEnvAttr": 1019, "SQLSetStmtAttr": 1020,
    "SQLFetchScroll": 1021, "SQLCancelHandle": 1022, "SQLColAttribute": 6,
}

# Functions whose Unicode twin (xxxW) sqlucode.h declares.
WIDE = {
    "SQLColAttribute", "SQLColAttributes", "SQLConnect", "SQLDescribeCol", "SQLError",
    "SQLExecDirect", "SQLGetConnectAttr", "SQLGetCursorName", "SQLSetDescField",
    "SQLGetDescField", "SQLGetDescRec", "SQLGetDiagField", "SQLGetDiagRec", "SQLPrepare",
    "SQLSetConnectAttr", "SQLSetCursorName", "SQLColumns", "SQLGetConnectOption",
    "SQLGetInfo", "SQLGetTypeInfo", "SQLSetConnectOption", "SQLSpecialColumns",
    "SQLStatistics", "SQLTables", "SQLDataSources", "SQLDriverConnect", "SQLBrowseConnect",
    "SQLColumnPrivileges", "SQLGetStmtAttr", "SQLSetStmtAttr", "SQLForeignKeys",
    "SQLNativeSql", "SQLPrimaryKeys", "SQLProcedureColumns", "SQLProcedures",
    "SQLTablePrivileges", "SQLDrivers",
}

SUPPORTED = ("full", "partial")
LEVELS = SUPPORTED + ("not supported", "driver manager")


def read_table():
    """{function name: level} from README's table."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"<!-- odbc-functions:begin -->(.*?)<!-- odbc-functions:end -->", text, re.S)
    assert match, "README.md has no odbc-functions table"
    table = {}
    for line in match.group(1).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].startswith("`"):
            continue
        for name in re.findall(r"`(SQL\w+)`", cells[0]):
            assert name not in table, f"{name} is listed twice"
            table[name] = cells[1]
    return table


@pytest.fixture(scope="module")
def table():
    return read_table()


@pytest.fixture(scope="module")
def driver():
    path = os.environ.get("QF_DRIVER_PATH")
    if not path:
        pytest.fail("QF_DRIVER_PATH is not set (source the build's test-env/env.sh)")
    return ctypes.CDLL(path)


@pytest.fixture(scope="module")
def reported(driver):
    """The set of SQL_API ids the driver's own SQLGetFunctions reports."""
    env = ctypes.c_void_p()
    dbc = ctypes.c_void_p()
    assert driver.SQLAllocHandle(SQL_HANDLE_ENV, None, ctypes.byref(env)) == 0
    assert driver.SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, ctypes.c_void_p(SQL_OV_ODBC3), 0) == 0
    assert driver.SQLAllocHandle(SQL_HANDLE_DBC, env, ctypes.byref(dbc)) == 0
    bits = (ctypes.c_ushort * SQL_API_ODBC3_ALL_FUNCTIONS_SIZE)()
    try:
        assert driver.SQLGetFunctions(dbc, SQL_API_ODBC3_ALL_FUNCTIONS, bits) == 0
        single = ctypes.c_ushort(0)
        assert driver.SQLGetFunctions(dbc, API_IDS["SQLFetch"], ctypes.byref(single)) == 0
        assert single.value == 1
    finally:
        driver.SQLFreeHandle(SQL_HANDLE_DBC, dbc)
        driver.SQLFreeHandle(SQL_HANDLE_ENV, env)
    return {i for i in range(SQL_API_ODBC3_ALL_FUNCTIONS_SIZE * 16) if bits[i >> 4] & (1 << (i & 15))}


@pytest.fixture(scope="module")
def exports():
    """The functions libquietfetch.so itself defines. Not dlsym: that also
    finds symbols of the libraries the driver depends on (the sanitizer build
    keeps libodbc.so among them)."""
    output = subprocess.run(["nm", "-D", "--defined-only", os.environ["QF_DRIVER_PATH"]],
                            check=True, capture_output=True, text=True).stdout
    return {line.split()[-1] for line in output.splitlines() if line.strip()}


def test_table_lists_every_function_once_with_a_known_level(table):
    assert set(table) == set(API_IDS), (
        f"missing: {sorted(set(API_IDS) - set(table))}, unknown: {sorted(set(table) - set(API_IDS))}")
    bad = {name: level for name, level in table.items() if level not in LEVELS}
    assert not bad, f"unknown support levels: {bad}"


def test_supported_functions_are_exported_and_reported(table, exports, reported):
    problems = []
    for name, level in sorted(table.items()):
        if level not in SUPPORTED:
            continue
        if name not in exports:
            problems.append(f"{name} is {level} but not exported")
        if name in WIDE and name + "W" not in exports:
            problems.append(f"{name} is {level} but {name}W is not exported")
        if API_IDS[name] not in reported:
            problems.append(f"{name} is {level} but SQLGetFunctions does not report it")
    assert not problems, "\n".join(problems)


def test_other_functions_are_neither_exported_nor_reported(table, exports, reported):
    problems = []
    for name, level in sorted(table.items()):
        if level in SUPPORTED:
            continue
        # SQLColAttributes shares SQL_API id 6 with SQLColAttribute.
        if API_IDS[name] in reported and name != "SQLColAttributes":
            problems.append(f"{name} is '{level}' but SQLGetFunctions reports it")
        if name in exports:
            problems.append(f"{name} is '{level}' but the driver exports it")
    assert not problems, "\n".join(problems)


def test_every_reported_function_is_in_the_table(table, reported):
    known = {API_IDS[name] for name, level in table.items() if level in SUPPORTED}
    unknown = sorted(reported - known)
    assert not unknown, f"SQLGetFunctions reports SQL_API ids missing from the table: {unknown}"
