// Test helpers for the PostgreSQL backend's integration tests: connection
// settings from the QF_PG_* environment (which the project's test script
// always sets, so their absence is a failure, not a reason to skip) and a
// reader that collects a cursor's rows into plain values.
#ifndef QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_TEST_UTIL_H_
#define QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_TEST_UTIL_H_

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <chrono>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "driver/backend/backend.h"
#include "driver/backend/postgres/pg_connection.h"
#include "driver/core/status.h"

namespace quietfetch::pg::testing {

// Reads QF_PG_HOST, QF_PG_PORT, QF_PG_USER, QF_PG_PASSWORD, QF_PG_DATABASE.
// Returns the names of missing variables in `missing`.
inline backend::ConnectionSettings SettingsFromEnv(std::string* missing) {
  backend::ConnectionSettings settings;
  const std::pair<const char*, std::string*> vars[] = {
      {"QF_PG_HOST", &settings.host},         {"QF_PG_PORT", &settings.port},
      {"QF_PG_USER", &settings.user},         {"QF_PG_PASSWORD", &settings.password},
      {"QF_PG_DATABASE", &settings.database},
  };
  for (const auto& [name, field] : vars) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
      *missing += *missing == "" ? name : std::string(" ") + name;
    } else {
      *field = value;
    }
  }
  settings.application_name = "quietfetch-pg-test";
  settings.connect_timeout_seconds = 10;
  return settings;
}

// A loopback TCP port nothing listens on (bound, then released).
inline int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return 1;
  }
  close(fd);
  return ntohs(address.sin_port);
}

// A copy of one cell.
struct Value {
  bool null = false;
  bool fixed = false;
  int64_t i64 = 0;
  double f64 = 0;
  std::string bytes;

  static Value Of(const rowstore::Cell& cell) {
    Value value;
    value.null = cell.is_null();
    value.fixed = cell.is_fixed();
    if (value.fixed) {
      value.i64 = cell.i64;
      value.f64 = cell.f64;
    } else if (!value.null) {
      value.bytes = std::string(cell.bytes());
    }
    return value;
  }
  bool operator==(const Value& other) const {
    return null == other.null && fixed == other.fixed && i64 == other.i64 && bytes == other.bytes;
  }
};

inline std::ostream& operator<<(std::ostream& out, const Value& value) {
  if (value.null) return out << "NULL";
  if (value.fixed) return out << value.i64 << "/" << value.f64;
  return out << '"' << value.bytes << '"';
}

struct QueryResult {
  std::vector<backend::ColumnInfo> columns;
  std::vector<std::vector<Value>> rows;
  int64_t rows_affected = -1;
};

// Reads a cursor to its end.
// Reads batches of `max_rows` rows until the cursor ends or fails, or
// `limit` passes (then DeadlineExceeded). Returns the failure (OK at a clean
// end); `rows` counts the rows delivered before it.
inline absl::Status FillUntilError(backend::Cursor& cursor, size_t columns, size_t max_rows,
                                   size_t* rows,
                                   std::chrono::seconds limit = std::chrono::seconds(600)) {
  rowstore::RowBatch batch;
  *rows = 0;
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < limit) {
    batch.Clear(columns);
    absl::StatusOr<bool> more = cursor.Fill(batch, {.max_rows = max_rows});
    if (!more.ok()) return more.status();
    *rows += batch.num_rows();
    if (!*more) return absl::OkStatus();
  }
  return absl::DeadlineExceededError("the cursor was still delivering rows");
}

inline absl::StatusOr<QueryResult> ReadAll(backend::Cursor& cursor,
                                           rowstore::BatchLimits limits = {}) {
  QueryResult result;
  result.columns = cursor.columns();
  rowstore::RowBatch batch;
  while (true) {
    batch.Clear(result.columns.size());
    absl::StatusOr<bool> more = cursor.Fill(batch, limits);
    if (!more.ok()) return more.status();
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      std::vector<Value> values;
      for (size_t column = 0; column < batch.num_columns(); ++column) {
        values.push_back(Value::Of(batch.at(row, column)));
      }
      result.rows.push_back(std::move(values));
    }
    if (!*more) break;
  }
  result.rows_affected = cursor.rows_affected();
  return result;
}

inline absl::StatusOr<QueryResult> Query(backend::BackendConnection& connection,
                                         std::string_view sql,
                                         std::vector<backend::Param> params = {}) {
  QF_ASSIGN_OR_RETURN(std::unique_ptr<backend::Cursor> cursor, connection.Execute(sql, params));
  return ReadAll(*cursor);
}

inline backend::Param P(backend::LogicalType type, std::string data) {
  backend::Param param;
  param.type = type;
  param.data = std::move(data);
  return param;
}

inline backend::Param Null(backend::LogicalType type) {
  backend::Param param;
  param.type = type;
  param.is_null = true;
  return param;
}

inline Value Int(int64_t v) {
  Value value;
  value.fixed = true;
  value.i64 = v;
  std::memcpy(&value.f64, &v, sizeof v);
  return value;
}

inline Value Double(double v) {
  Value value;
  value.fixed = true;
  value.f64 = v;
  std::memcpy(&value.i64, &v, sizeof v);
  return value;
}

inline Value Str(std::string s) {
  Value value;
  value.bytes = std::move(s);
  return value;
}

inline Value NullValue() {
  Value value;
  value.null = true;
  return value;
}

// Fixture with one connection to the dev server.
class PgServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string missing;
    settings_ = SettingsFromEnv(&missing);
    ASSERT_TRUE(missing.empty())
        << "integration tests need the dev PostgreSQL server; missing environment: " << missing
        << " (run through the project's test script or source build/test-env/env.sh after "
           "scripts/pg.sh start)";
    absl::StatusOr<std::unique_ptr<backend::BackendConnection>> connection = Connect(settings_);
    ASSERT_TRUE(connection.ok()) << connection.status();
    connection_ = std::move(*connection);
  }

  absl::StatusOr<std::unique_ptr<backend::BackendConnection>> Reconnect() {
    return Connect(settings_);
  }

  backend::ConnectionSettings settings_;
  std::unique_ptr<backend::BackendConnection> connection_;
};

}  // namespace quietfetch::pg::testing

#endif  // QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_TEST_UTIL_H_
