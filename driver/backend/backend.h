// The contract between the ODBC core and a database backend.
//
//   Backend::Connect(settings) -> BackendConnection
//   BackendConnection::Execute(sql, params) -> Cursor
//   Cursor::Fill(batch, limits) streams rows into a RowBatch.
//
// Values cross this boundary in a canonical form (LogicalType) so the core's
// C-type conversion knows nothing of any server's wire format. A connection
// runs one statement at a time; executing a new statement while a cursor is
// still streaming first makes that cursor buffer its remaining rows
// (Cursor::Detach), so both stay readable.
#ifndef QUIETFETCH_DRIVER_BACKEND_BACKEND_H_
#define QUIETFETCH_DRIVER_BACKEND_BACKEND_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "driver/rowstore/row_batch.h"

namespace quietfetch::backend {

// What a cell holds, per type (see rowstore::Cell):
enum class LogicalType : uint8_t {
  kBool,         // fixed i64: 0 or 1
  kInt16,        // fixed i64
  kInt32,        // fixed i64
  kInt64,        // fixed i64
  kFloat32,      // fixed f64 (exactly the float's value)
  kFloat64,      // fixed f64
  kNumeric,      // bytes: decimal text, e.g. "-12.340", "NaN", "Infinity"
  kText,         // bytes: UTF-8
  kBytes,        // bytes: raw
  kDate,         // fixed i64: days since 1970-01-01
  kTime,         // fixed i64: microseconds since midnight
  kTimestamp,    // fixed i64: microseconds since 1970-01-01 00:00:00 (no zone)
  kTimestampTz,  // fixed i64: microseconds since 1970-01-01 00:00:00, already shifted
                 //   to the session's time zone (what the user would see in psql)
  kUuid,         // bytes: 16 raw bytes
  kJson,         // bytes: UTF-8 JSON text
  kUnknown,      // bytes: UTF-8 text of a type without a canonical form (the
                 //   server's text output, e.g. interval, inet, arrays)
};

struct ColumnInfo {
  std::string name;
  LogicalType type = LogicalType::kUnknown;
  std::string type_name;   // the server's name, e.g. "int4", "varchar"
  uint32_t type_oid = 0;   // the server's type id (0 when none)
  int32_t size = -1;       // declared length for char types (varchar(n)), else -1
  int16_t precision = -1;  // numeric(p,s): p, else -1
  int16_t scale = -1;      // numeric(p,s): s; time/timestamp fractional digits; else -1
  bool nullable_known = false;
  bool nullable = true;
  std::string table_name;  // base table when known (may be empty)
  std::string schema_name;
  std::string base_column_name;
};

// A parameter value, already converted by the core from the application's C
// type. `type` says how the server should read it; kUnknown means "let the
// server infer the type from context" (what character data uses). `data` is
// the value's text (e.g. "42", "2024-01-31 12:00:00.5", "t", a UUID string),
// except for kBytes, where it is the raw bytes.
struct Param {
  LogicalType type = LogicalType::kUnknown;
  bool is_null = false;
  std::string data;
};

// Connection settings, parsed by the core from a DSN and/or connection string.
struct ConnectionSettings {
  std::string host;  // may list several hosts, comma-separated (libpq multi-host)
  std::string port;  // may list several ports, comma-separated
  std::string database;
  std::string user;
  std::string password;  // never logged
  std::string sslmode;
  std::string libpq_options;  // extra "key=value key=value" conninfo text passed through
  std::string application_name = "quietfetch";
  int connect_timeout_seconds = 0;  // 0: libpq default
  // MongoDB (MongoUri keyword): when set, the mongo backend is used and the
  // URI carries hosts, replica set, TLS and authentication.
  std::string mongo_uri;
  int mongo_sample_size = 100;       // documents sampled to find a collection's columns
  uint32_t mongo_batch_size = 1024;  // cursor batchSize (the core sets FetchRows)
};

// A result being streamed. Not thread-safe.
class Cursor {
 public:
  virtual ~Cursor() = default;

  // Result columns. Empty for statements that return no rows.
  virtual const std::vector<ColumnInfo>& columns() const = 0;

  // Appends up to limits.max_rows rows (stopping early once limits.max_bytes
  // is exceeded) to `batch`, which the caller has cleared to columns().size().
  // Returns true while more rows may follow, false once the result is
  // exhausted. Errors from the server (including a lost connection: 08S01)
  // come back as statuses carrying the SQLSTATE.
  virtual absl::StatusOr<bool> Fill(rowstore::RowBatch& batch,
                                    const rowstore::BatchLimits& limits) = 0;

  // Rows inserted/updated/deleted, or -1 when not applicable/known. For a
  // query, known only after the result is exhausted.
  virtual int64_t rows_affected() const = 0;

  // Stops the result early (SQLCloseCursor/SQLFreeStmt(SQL_CLOSE)): must leave
  // the connection ready for the next statement, cheaply (cancel, not drain,
  // when many rows remain).
  virtual absl::Status Close() = 0;

  // Text holding several statements has one result per statement
  // (SQLMoreResults). Moves past the current result, discarding its unread
  // rows, to the next one; columns() and rows_affected() then describe it.
  // False when there is no further result (the cursor is then finished).
  // An error of a later statement comes back here, when it is reached.
  virtual absl::StatusOr<bool> NextResult() { return false; }
};

// Runs a result to its end, discarding any rows: for statements executed for
// their effect (DML without a result set, SET).
inline absl::Status DrainCursor(Cursor& cursor, const rowstore::BatchLimits& limits) {
  rowstore::RowBatch scratch;
  while (true) {
    scratch.Clear(cursor.columns().size());
    absl::StatusOr<bool> more = cursor.Fill(scratch, limits);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
  }
}

// What the server says about a statement before it runs (for SQLPrepare +
// SQLNumResultCols/SQLDescribeCol before SQLExecute).
struct StatementDescription {
  std::vector<ColumnInfo> columns;
  std::vector<LogicalType> parameter_types;
};

class BackendConnection {
 public:
  virtual ~BackendConnection() = default;

  // Runs `sql` (ODBC syntax: '?' parameter markers, possibly escapes) with the
  // given parameters and returns a cursor streaming its result. Parameters are
  // always sent to the server as parameters, never spliced into the text.
  virtual absl::StatusOr<std::unique_ptr<Cursor>> Execute(std::string_view sql,
                                                          std::span<const Param> params) = 0;

  // One parameter set's outcome in ExecuteBatch.
  struct ParamSetResult {
    absl::Status status;         // the set's error, if it failed
    int64_t rows_affected = -1;  // when it ran
    bool ran = false;            // false: skipped after an earlier error
  };
  // Runs `sql`, a statement without result columns, once per parameter set,
  // as efficiently as the backend can (PostgreSQL: one pipeline). Outside a
  // transaction each set commits on its own and a failed set does not stop
  // the others; inside one, the first failure ends the batch. An
  // absl::StatusCode::kUnimplemented status without SQLSTATE means "not
  // here" (several statements, a result set, mixed parameter types): the
  // caller then runs the sets one by one with Execute. Any other status is
  // an error of the whole batch (a statement the server rejects).
  virtual absl::StatusOr<std::vector<ParamSetResult>> ExecuteBatch(
      std::string_view /*sql*/, std::span<const std::vector<Param>> /*sets*/) {
    return absl::UnimplementedError("no batch execution");
  }

  // SQLNativeSql: `sql` as the server will run it (escapes translated),
  // with its '?' markers left in place so that the text can be prepared
  // again through ODBC.
  virtual std::string NativeSql(std::string_view sql) const { return std::string(sql); }

  // Asks the server to describe `sql` without running it.
  virtual absl::StatusOr<StatementDescription> Describe(std::string_view sql) = 0;

  // Number of '?' parameter markers in `sql` (outside literals and comments).
  virtual int CountParameters(std::string_view sql) const = 0;

  // Transactions. With autocommit off, a transaction begins implicitly before
  // the first statement and ends with Commit/Rollback.
  virtual absl::Status SetAutocommit(bool on) = 0;
  virtual absl::Status Commit() = 0;
  virtual absl::Status Rollback() = 0;
  // ODBC SQL_TXN_* bit values.
  virtual absl::Status SetIsolationLevel(uint32_t sql_txn_level) = 0;
  virtual bool InTransaction() const = 0;

  // Cancels the statement currently running (SQLCancel), from any thread.
  virtual absl::Status Cancel() = 0;

  virtual bool IsAlive() const = 0;
  virtual std::string ServerVersion() const = 0;  // e.g. "15.18"
  virtual std::string DatabaseName() const = 0;
  virtual std::string UserName() const = 0;
  virtual std::string ServerName() const = 0;  // host actually connected to

  // ---- Optional hooks; the defaults are PostgreSQL's behaviour. ----

  // SQLGetInfo(SQL_DBMS_NAME).
  virtual std::string DbmsName() const { return "PostgreSQL"; }

  // Applies SQL_ATTR_QUERY_TIMEOUT (seconds; 0 = none) to the statements that
  // follow. Returns false when the backend leaves it to the core, which then
  // sets PostgreSQL's statement_timeout with SQL.
  virtual bool SetQueryTimeout(uint64_t /*seconds*/) { return false; }

  // A backend whose server has no SQL catalog answers SQLTables and
  // SQLColumns itself (the core applies the name patterns and builds the
  // ODBC result); the other catalog functions then return HYC00.
  struct CatalogTable {
    std::string name;
    std::string type;  // "TABLE" or "VIEW"
  };
  virtual bool HasOwnCatalog() const { return false; }
  virtual absl::StatusOr<std::vector<CatalogTable>> ListTables() {
    return absl::UnimplementedError("ListTables");
  }
  // The columns of `table` (names, types; table_name set).
  virtual absl::StatusOr<std::vector<ColumnInfo>> ListColumns(const std::string& /*table*/) {
    return absl::UnimplementedError("ListColumns");
  }
};

}  // namespace quietfetch::backend

#endif  // QUIETFETCH_DRIVER_BACKEND_BACKEND_H_
