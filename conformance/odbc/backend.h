// The drivers the conformance suites run against, and what is known to differ
// between them. One scenario is written once, to the ODBC 3.8 specification;
// where psqlODBC is known to deviate, the deviation is a named quirk here so
// the test states it instead of being weakened for every driver.
#ifndef QUIETFETCH_CONFORMANCE_ODBC_BACKEND_H_
#define QUIETFETCH_CONFORMANCE_ODBC_BACKEND_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "conformance/odbc/odbc_util.h"

namespace quietfetch::conformance {

// Where the test server is, as the project's test script exports it.
struct ServerSettings {
  std::string host;
  std::string port;
  std::string user;
  std::string password;
  std::string database;
};

struct TestEnvironment {
  ServerSettings server;
  std::string quietfetch_dsn;  // QF_DSN
  std::string psqlodbc_dsn;    // QF_PSQL_DSN
  std::string driver_path;     // QF_DRIVER_PATH
};

// Reads the environment contract. Every missing variable is named in `error`,
// because a suite that silently skips when CI forgot to start the server would
// report success for nothing.
bool LoadTestEnvironment(TestEnvironment* env, std::string* error);

// Known deviations of a driver from the ODBC specification or from
// quietfetch's documented choices. Each is false for quietfetch.
struct Quirks {
  // SQLDriverConnect accepts keywords it does not know, without a warning.
  bool ignores_unknown_keywords = false;
  // Applications that connect through the W API see character columns as
  // SQL_WCHAR/SQL_WVARCHAR/SQL_WLONGVARCHAR (ANSI applications see narrow
  // types). quietfetch reports narrow types to both, its SQL_C_CHAR being UTF-8.
  bool reports_text_as_wide_to_unicode_apps = false;
  // The whole result is read into memory when the statement executes
  // (UseDeclareFetch=0), so a connection lost during the fetch goes unnoticed.
  bool buffers_whole_result = false;
  // A failed login is reported as 08001 rather than 28000.
  bool login_failure_is_08001 = false;
  // A NULL fetched without an indicator pointer fails with HY000 instead of
  // 22002.
  bool null_without_indicator_is_hy000 = false;
  // SQL_DBMS_VER is PostgreSQL's own "15.0.20", not ##.##.####.
  bool dbms_ver_not_odbc_format = false;
  // A failing statement in a manual-commit transaction is rolled back to a
  // savepoint the driver set before it (its default rollback-on-error mode),
  // so the transaction continues; PostgreSQL itself aborts it (25P02).
  bool statement_level_rollback = false;
  // Fetch conversions to numeric C types are unchecked (C library parsing and
  // casts): out-of-range values wrap or overflow to infinity and non-numeric
  // text becomes 0, with neither 22003 nor 22018.
  bool unchecked_numeric_fetch = false;
  // SQL_C_NUMERIC results carry the value's own digit count as precision
  // instead of the ARD's SQL_DESC_PRECISION.
  bool numeric_struct_ignores_ard_precision = false;
  // SQLGetConnectAttr accepts a negative length for a string attribute (no
  // HY090) and answers 01004.
  bool get_connect_attr_ignores_negative_length = false;
  // A parameter length/indicator that is negative but none of the special
  // values is not rejected with HY090 at execute time.
  bool unchecked_parameter_indicator = false;
  // SQLBindCol does not check the column number against the open result set
  // (no 07009), and column 0 without bookmarks fails with SQLSTATE "?????".
  bool bind_col_unchecked_column = false;
  // The driver refuses SQL_OV_ODBC3_80 at its environment, so the driver
  // manager adds 01000 "Driver does not support the requested version" to
  // every connect.
  bool no_odbc_380 = false;
  // A query timeout is reported with the server's 57014, not HYT00.
  bool query_timeout_is_57014 = false;
};

struct Backend {
  std::string name;          // suffix of the test names
  std::string driver;        // section name in odbcinst.ini
  std::string dsn_variable;  // environment variable holding the DSN
  // Connection-string keywords this driver understands.
  std::string server_key;
  std::string port_key;
  std::string database_key;
  std::string user_key;
  std::string password_key;
  Quirks quirks;

  bool is_quietfetch() const { return name == "quietfetch"; }
  // The DSN from the environment (empty if unset).
  std::string Dsn() const;
  // "DRIVER={...};Server=...;..." for `server`, with `extra` appended as
  // further keyword=value pairs.
  std::string ConnectionString(const ServerSettings& server, std::string_view extra = {}) const;
};

// Test names show the backend instead of the struct's bytes.
void PrintTo(const Backend& backend, std::ostream* os);

const Backend& QuietfetchBackend();
const Backend& PsqlodbcBackend();
std::vector<Backend> AllBackends();
std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info);

// Reports, in the test log and XML output, that a check was adapted to a
// recorded quirk, so no deviation is accepted silently.
void NoteQuirk(const Backend& backend, std::string_view what);

// Connects `dbc` through the backend's DSN with SQLConnect.
::testing::AssertionResult ConnectDsn(const Env& env, const Backend& backend, Dbc* dbc);
// SQLDriverConnect with SQL_DRIVER_NOPROMPT; returns the driver's result.
SQLRETURN DriverConnect(const Dbc& dbc, const std::string& connection_string,
                        std::string* completed = nullptr);

// Fixture for scenarios that run once per backend: the environment contract is
// checked, and `dbc_` is connected through the backend's DSN.
class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;

  const Backend& backend() const { return GetParam(); }
  // Another session through the DSN, for tests that watch from outside.
  Dbc ConnectAnother() const;
  // A table name no other test, backend or concurrent ctest process uses.
  std::string UniqueName(std::string_view stem) const;

  TestEnvironment test_env_;
  Env env_;
  Dbc dbc_;
};

// Fails the current test when the environment contract is not met, or the
// backend's driver library is missing; returns whether it may proceed.
::testing::AssertionResult CheckEnvironmentFor(const Backend& backend, TestEnvironment* env);

}  // namespace quietfetch::conformance

#endif  // QUIETFETCH_CONFORMANCE_ODBC_BACKEND_H_
