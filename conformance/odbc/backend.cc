#include "conformance/odbc/backend.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace quietfetch::conformance {
namespace {

std::string GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// Braces protect values holding ';' or braces, as the connection-string
// grammar requires.
std::string QuoteValue(std::string_view value) {
  if (value.find_first_of(";{}= ") == std::string_view::npos) return std::string(value);
  std::string out = "{";
  for (char c : value) {
    out.push_back(c);
    if (c == '}') out.push_back('}');
  }
  out.push_back('}');
  return out;
}

Backend MakeQuietfetch() {
  Backend b;
  b.name = "quietfetch";
  b.driver = "quietfetch";
  b.dsn_variable = "QF_DSN";
  b.server_key = "Server";
  b.port_key = "Port";
  b.database_key = "Database";
  b.user_key = "UID";
  b.password_key = "PWD";
  return b;
}

Backend MakePsqlodbc() {
  Backend b;
  b.name = "psqlodbc";
  b.driver = "psqlodbc";
  b.dsn_variable = "QF_PSQL_DSN";
  b.server_key = "Servername";
  b.port_key = "Port";
  b.database_key = "Database";
  b.user_key = "Username";
  b.password_key = "Password";
  b.quirks.ignores_unknown_keywords = true;
  b.quirks.reports_text_as_wide_to_unicode_apps = true;
  b.quirks.buffers_whole_result = true;
  b.quirks.login_failure_is_08001 = true;
  b.quirks.null_without_indicator_is_hy000 = true;
  b.quirks.dbms_ver_not_odbc_format = true;
  b.quirks.statement_level_rollback = true;
  b.quirks.query_timeout_is_57014 = true;
  b.quirks.unchecked_numeric_fetch = true;
  b.quirks.numeric_struct_ignores_ard_precision = true;
  b.quirks.get_connect_attr_ignores_negative_length = true;
  b.quirks.unchecked_parameter_indicator = true;
  b.quirks.bind_col_unchecked_column = true;
  b.quirks.no_odbc_380 = true;
  return b;
}

}  // namespace

bool LoadTestEnvironment(TestEnvironment* env, std::string* error) {
  struct Var {
    const char* name;
    std::string* target;
  };
  const Var vars[] = {
      {"QF_PG_HOST", &env->server.host},
      {"QF_PG_PORT", &env->server.port},
      {"QF_PG_USER", &env->server.user},
      {"QF_PG_PASSWORD", &env->server.password},
      {"QF_PG_DATABASE", &env->server.database},
      {"QF_DSN", &env->quietfetch_dsn},
      {"QF_PSQL_DSN", &env->psqlodbc_dsn},
      {"QF_DRIVER_PATH", &env->driver_path},
      {"ODBCSYSINI", nullptr},
      {"ODBCINI", nullptr},
  };
  std::string missing;
  for (const Var& var : vars) {
    std::string value = GetEnv(var.name);
    if (value.empty()) missing += std::string(missing.empty() ? "" : ", ") + var.name;
    if (var.target != nullptr) *var.target = value;
  }
  if (missing.empty()) return true;
  *error = "missing environment variable(s): " + missing +
           ". The conformance suite needs the test PostgreSQL server and the ODBC ini files "
           "the project's test script sets up; run it through that script, or source "
           "build/test-env/env.sh after scripts/pg.sh start.";
  return false;
}

std::string Backend::Dsn() const { return GetEnv(dsn_variable.c_str()); }

std::string Backend::ConnectionString(const ServerSettings& server, std::string_view extra) const {
  std::string out = "DRIVER={" + driver + "};";
  out += server_key + "=" + QuoteValue(server.host) + ";";
  out += port_key + "=" + QuoteValue(server.port) + ";";
  out += database_key + "=" + QuoteValue(server.database) + ";";
  out += user_key + "=" + QuoteValue(server.user) + ";";
  out += password_key + "=" + QuoteValue(server.password) + ";";
  out += extra;
  return out;
}

const Backend& QuietfetchBackend() {
  static const Backend* const kBackend = new Backend(MakeQuietfetch());
  return *kBackend;
}

const Backend& PsqlodbcBackend() {
  static const Backend* const kBackend = new Backend(MakePsqlodbc());
  return *kBackend;
}

std::vector<Backend> AllBackends() { return {QuietfetchBackend(), PsqlodbcBackend()}; }

void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param.name;
}

void NoteQuirk(const Backend& backend, std::string_view what) {
  std::cout << "[  QUIRK   ] " << backend.name << ": " << what << std::endl;
  ::testing::Test::RecordProperty("quirk", backend.name + ": " + std::string(what));
}

::testing::AssertionResult CheckEnvironmentFor(const Backend& backend, TestEnvironment* env) {
  std::string error;
  if (!LoadTestEnvironment(env, &error)) return ::testing::AssertionFailure() << error;
  if (backend.is_quietfetch() && !std::filesystem::exists(env->driver_path)) {
    return ::testing::AssertionFailure()
           << "the quietfetch driver is not at QF_DRIVER_PATH=" << env->driver_path
           << "; build the `quietfetch` target first";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult ConnectDsn(const Env& env, const Backend& backend, Dbc* dbc) {
  *dbc = AllocDbc(env);
  if (!*dbc) return ::testing::AssertionFailure() << "no connection handle";
  std::string dsn = backend.Dsn();
  SQLRETURN rc = SQLConnect(dbc->get(), reinterpret_cast<SQLCHAR*>(dsn.data()), SQL_NTS, nullptr, 0,
                            nullptr, 0);
  if (SQL_SUCCEEDED(rc)) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure()
                 << "SQLConnect(DSN=" << dsn << ") for " << backend.name << " returned "
                 << ReturnCodeName(rc) << "\n"
                 << FormatDiag(*dbc);
  *dbc = Dbc();
  return failure;
}

SQLRETURN DriverConnect(const Dbc& dbc, const std::string& connection_string,
                        std::string* completed) {
  std::string in = connection_string;
  SQLCHAR out[2048] = {};
  SQLSMALLINT out_len = 0;
  SQLRETURN rc = SQLDriverConnect(dbc.get(), nullptr, reinterpret_cast<SQLCHAR*>(in.data()),
                                  SQL_NTS, out, sizeof(out), &out_len, SQL_DRIVER_NOPROMPT);
  if (completed != nullptr && SQL_SUCCEEDED(rc)) *completed = reinterpret_cast<char*>(out);
  return rc;
}

void BackendTest::SetUp() {
  ASSERT_TRUE(CheckEnvironmentFor(backend(), &test_env_));
  env_ = MakeEnv();
  ASSERT_TRUE(env_);
  ASSERT_TRUE(ConnectDsn(env_, backend(), &dbc_));
}

Dbc BackendTest::ConnectAnother() const {
  Dbc dbc;
  EXPECT_TRUE(ConnectDsn(env_, backend(), &dbc));
  return dbc;
}

std::string BackendTest::UniqueName(std::string_view stem) const {
  return "qf_conf_" + std::string(stem) + "_" + backend().name + "_" + std::to_string(::getpid());
}

}  // namespace quietfetch::conformance
