// A plain ODBC client with no Python in the process: the driver's windows
// still run (they count bulk results) but must never touch a collector.
//
// Connects with DSN=$QF_DSN through unixODBC, fetches every row of
// some_entries with SQLFetch/SQLGetData inside a transaction, commits, then
// does the same in autocommit mode (the window ends at the next statement).
// Then it looks up the gc-policy C API in the driver library unixODBC loaded
// ($QF_DRIVER_PATH, opened with RTLD_NOLOAD so it is that very object) and
// checks the process stats: collector "none", collector_entries 0,
// windows_opened >= 2, windows_open 0. Prints the stats; exits non-zero on any
// violation.
#include <dlfcn.h>
#include <sql.h>
#include <sqlext.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "gc-policy/quietfetch_gc.h"

namespace {

constexpr int64_t kTableRows = 100000;
int failures = 0;

void Fail(const std::string& what) {
  std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  ++failures;
}

std::string Diagnostics(SQLSMALLINT type, SQLHANDLE handle) {
  std::string out;
  SQLCHAR state[6];
  SQLCHAR message[1024];
  SQLINTEGER native = 0;
  SQLSMALLINT length = 0;
  for (SQLSMALLINT i = 1; SQLGetDiagRec(type, handle, i, state, &native, message, sizeof(message),
                                        &length) == SQL_SUCCESS;
       ++i) {
    out += " [";
    out += reinterpret_cast<const char*>(state);
    out += "] ";
    out += reinterpret_cast<const char*>(message);
  }
  return out;
}

// Exits at once: nothing after a failed ODBC call would mean anything.
void Check(SQLRETURN rc, SQLSMALLINT type, SQLHANDLE handle, const char* what) {
  if (SQL_SUCCEEDED(rc)) return;
  std::fprintf(stderr, "FAIL: %s returned %d:%s\n", what, static_cast<int>(rc),
               Diagnostics(type, handle).c_str());
  std::exit(1);
}

// Fetches the whole reference table with SQLFetch + one SQLGetData per column.
int64_t FetchAll(SQLHDBC dbc) {
  SQLHSTMT stmt = SQL_NULL_HSTMT;
  Check(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &stmt), SQL_HANDLE_DBC, dbc, "SQLAllocHandle(STMT)");
  const char* sql = "SELECT id, created_date, some_random_number FROM some_entries";
  Check(SQLExecDirect(stmt, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql)), SQL_NTS),
        SQL_HANDLE_STMT, stmt, "SQLExecDirect");
  int64_t rows = 0;
  int64_t bad = 0;
  for (;;) {
    SQLRETURN rc = SQLFetch(stmt);
    if (rc == SQL_NO_DATA) break;
    Check(rc, SQL_HANDLE_STMT, stmt, "SQLFetch");
    char id[64];
    SQLLEN id_len = 0;
    SQL_TIMESTAMP_STRUCT created{};
    SQLLEN created_len = 0;
    SQLINTEGER number = 0;
    SQLLEN number_len = 0;
    Check(SQLGetData(stmt, 1, SQL_C_CHAR, id, sizeof(id), &id_len), SQL_HANDLE_STMT, stmt,
          "SQLGetData(id)");
    Check(SQLGetData(stmt, 2, SQL_C_TYPE_TIMESTAMP, &created, sizeof(created), &created_len),
          SQL_HANDLE_STMT, stmt, "SQLGetData(created_date)");
    Check(SQLGetData(stmt, 3, SQL_C_SLONG, &number, sizeof(number), &number_len), SQL_HANDLE_STMT,
          stmt, "SQLGetData(some_random_number)");
    if (id_len != 36 || created_len == SQL_NULL_DATA || created.year < 1970 ||
        number_len == SQL_NULL_DATA || number < 1 || number > 10000) {
      ++bad;
    }
    ++rows;
  }
  if (bad != 0) Fail(std::to_string(bad) + " rows with unexpected values");
  Check(SQLFreeStmt(stmt, SQL_CLOSE), SQL_HANDLE_STMT, stmt, "SQLFreeStmt(SQL_CLOSE)");
  Check(SQLFreeHandle(SQL_HANDLE_STMT, stmt), SQL_HANDLE_STMT, stmt, "SQLFreeHandle(STMT)");
  return rows;
}

void RunStatement(SQLHDBC dbc, const char* sql) {
  SQLHSTMT stmt = SQL_NULL_HSTMT;
  Check(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &stmt), SQL_HANDLE_DBC, dbc, "SQLAllocHandle(STMT)");
  Check(SQLExecDirect(stmt, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql)), SQL_NTS),
        SQL_HANDLE_STMT, stmt, sql);
  Check(SQLFreeHandle(SQL_HANDLE_STMT, stmt), SQL_HANDLE_STMT, stmt, "SQLFreeHandle(STMT)");
}

using StatsGet = int (*)(quietfetch_gc_process_stats*);

quietfetch_gc_process_stats Stats(StatsGet get, const char* when) {
  quietfetch_gc_process_stats stats;
  std::memset(&stats, 0, sizeof(stats));
  if (get(&stats) != 0) {
    std::fprintf(stderr, "FAIL: quietfetch_gc_process_stats_get failed (%s)\n", when);
    std::exit(1);
  }
  std::printf("%s: collector=%s windows_opened=%" PRId64 " windows_open=%" PRId64 " nests=%" PRId64
              " writes=%" PRId64 " restores=%" PRId64 " collector_entries=%" PRId64
              " untouchable=%" PRId64 " collections_in_windows=%" PRId64 " hook_installed=%d\n",
              when, stats.collector, stats.windows_opened, stats.windows_open, stats.nests,
              stats.writes, stats.restores, stats.collector_entries, stats.untouchable,
              stats.collections_in_windows, static_cast<int>(stats.hook_installed));
  return stats;
}

void CheckNoCollector(const quietfetch_gc_process_stats& stats, const char* when) {
  const std::string prefix = std::string(when) + ": ";
  if (std::strcmp(stats.collector, "none") != 0) {
    Fail(prefix + "collector is \"" + stats.collector + "\", expected \"none\"");
  }
  if (stats.collector_entries != 0) {
    Fail(prefix + "collector_entries=" + std::to_string(stats.collector_entries) +
         ", expected 0 (a process without Python must never enter a collector)");
  }
  if (stats.writes != 0) Fail(prefix + "writes=" + std::to_string(stats.writes) + ", expected 0");
  if (stats.hook_installed != 0) Fail(prefix + "hook_installed, expected none");
}

}  // namespace

int main() {
  const char* dsn = std::getenv("QF_DSN");
  const char* driver_path = std::getenv("QF_DRIVER_PATH");
  if (dsn == nullptr || *dsn == '\0' || driver_path == nullptr || *driver_path == '\0') {
    std::fprintf(stderr,
                 "FAIL: QF_DSN and QF_DRIVER_PATH must be set (with ODBCSYSINI and ODBCINI), "
                 "normally by scripts/test.sh; by hand: . build/test-env/env.sh\n");
    return 1;
  }
  if (dlsym(RTLD_DEFAULT, "Py_IsInitialized") != nullptr) {
    std::fprintf(stderr, "FAIL: this process exports CPython's API; the test means nothing\n");
    return 1;
  }

  SQLHENV env = SQL_NULL_HENV;
  SQLHDBC dbc = SQL_NULL_HDBC;
  Check(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env), SQL_HANDLE_ENV, env,
        "SQLAllocHandle(ENV)");
  Check(SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0),
        SQL_HANDLE_ENV, env, "SQLSetEnvAttr(ODBC3)");
  Check(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc), SQL_HANDLE_ENV, env, "SQLAllocHandle(DBC)");
  std::string connect = std::string("DSN=") + dsn;
  Check(SQLDriverConnect(dbc, nullptr, reinterpret_cast<SQLCHAR*>(connect.data()), SQL_NTS, nullptr,
                         0, nullptr, SQL_DRIVER_NOPROMPT),
        SQL_HANDLE_DBC, dbc, "SQLDriverConnect");

  // The driver library unixODBC loaded, and nothing else: RTLD_NOLOAD fails
  // unless that file is already mapped into the process.
  void* library = dlopen(driver_path, RTLD_NOW | RTLD_NOLOAD);
  if (library == nullptr) {
    std::fprintf(stderr, "FAIL: %s is not the library the driver manager loaded for DSN=%s: %s\n",
                 driver_path, dsn, dlerror());
    return 1;
  }
  auto get = reinterpret_cast<StatsGet>(dlsym(library, "quietfetch_gc_process_stats_get"));
  if (get == nullptr) {
    std::fprintf(stderr, "FAIL: %s does not export quietfetch_gc_process_stats_get\n", driver_path);
    return 1;
  }
  const quietfetch_gc_process_stats at_start = Stats(get, "connected");

  // A transaction: the window lasts until the commit.
  Check(SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT,
                          reinterpret_cast<SQLPOINTER>(static_cast<uintptr_t>(SQL_AUTOCOMMIT_OFF)),
                          0),
        SQL_HANDLE_DBC, dbc, "SQLSetConnectAttr(AUTOCOMMIT_OFF)");
  int64_t rows = FetchAll(dbc);
  std::printf("transaction: fetched %" PRId64 " rows\n", rows);
  if (rows != kTableRows) {
    Fail("fetched " + std::to_string(rows) + " rows, expected " + std::to_string(kTableRows));
  }
  const quietfetch_gc_process_stats in_transaction = Stats(get, "before commit");
  if (in_transaction.windows_open != 1) {
    Fail("before commit: windows_open=" + std::to_string(in_transaction.windows_open) +
         ", expected 1 (the bulk result opened the unit-of-work window)");
  }
  Check(SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_COMMIT), SQL_HANDLE_DBC, dbc, "SQLEndTran(COMMIT)");
  const quietfetch_gc_process_stats committed = Stats(get, "after commit");
  if (committed.windows_opened < at_start.windows_opened + 1) {
    Fail("after commit: windows_opened=" + std::to_string(committed.windows_opened) +
         ", expected at least " + std::to_string(at_start.windows_opened + 1));
  }
  if (committed.windows_open != 0) {
    Fail("after commit: windows_open=" + std::to_string(committed.windows_open) + ", expected 0");
  }
  CheckNoCollector(committed, "after commit");

  // Autocommit: the window outlives the cursor, the next statement ends it.
  Check(
      SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT,
                        reinterpret_cast<SQLPOINTER>(static_cast<uintptr_t>(SQL_AUTOCOMMIT_ON)), 0),
      SQL_HANDLE_DBC, dbc, "SQLSetConnectAttr(AUTOCOMMIT_ON)");
  rows = FetchAll(dbc);
  std::printf("autocommit: fetched %" PRId64 " rows\n", rows);
  if (rows != kTableRows) {
    Fail("fetched " + std::to_string(rows) + " rows, expected " + std::to_string(kTableRows));
  }
  const quietfetch_gc_process_stats autocommit_open = Stats(get, "autocommit, cursor closed");
  if (autocommit_open.windows_open != 1) {
    Fail("autocommit, cursor closed: windows_open=" + std::to_string(autocommit_open.windows_open) +
         ", expected 1");
  }
  RunStatement(dbc, "SELECT 1");
  const quietfetch_gc_process_stats autocommit_done = Stats(get, "autocommit, next statement");
  if (autocommit_done.windows_open != 0) {
    Fail("autocommit, next statement: windows_open=" +
         std::to_string(autocommit_done.windows_open) + ", expected 0");
  }
  if (autocommit_done.windows_opened < at_start.windows_opened + 2) {
    Fail("windows_opened=" + std::to_string(autocommit_done.windows_opened) +
         ", expected at least " + std::to_string(at_start.windows_opened + 2));
  }
  CheckNoCollector(autocommit_done, "autocommit");

  Check(SQLDisconnect(dbc), SQL_HANDLE_DBC, dbc, "SQLDisconnect");
  SQLFreeHandle(SQL_HANDLE_DBC, dbc);
  SQLFreeHandle(SQL_HANDLE_ENV, env);
  // The library is linked -z nodelete, so the pointer stays valid.
  CheckNoCollector(Stats(get, "disconnected"), "disconnected");
  dlclose(library);

  if (failures != 0) {
    std::fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  std::printf("OK: no collector entered, windows ran\n");
  return 0;
}
