// Test-side helpers over the ODBC API as the driver manager exposes it: owning
// handles, diagnostics that explain a failure, and whole-result readers.
#ifndef QUIETFETCH_CONFORMANCE_ODBC_ODBC_UTIL_H_
#define QUIETFETCH_CONFORMANCE_ODBC_ODBC_UTIL_H_

#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace quietfetch::conformance {

// Non-owning view of any handle, so diagnostics helpers accept every kind.
struct HandleRef {
  SQLSMALLINT type;
  SQLHANDLE handle;
};

// Owns one ODBC handle. A connection is rolled back and disconnected before it
// is freed, so a failed assertion in a transaction test never leaks a session
// holding locks on the tables other tests use.
template <SQLSMALLINT kType>
class OdbcHandle {
 public:
  OdbcHandle() = default;
  explicit OdbcHandle(SQLHANDLE handle) : handle_(handle) {}
  OdbcHandle(const OdbcHandle&) = delete;
  OdbcHandle& operator=(const OdbcHandle&) = delete;
  OdbcHandle(OdbcHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  OdbcHandle& operator=(OdbcHandle&& other) noexcept {
    if (this != &other) {
      Reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  ~OdbcHandle() { Reset(); }

  SQLHANDLE get() const { return handle_; }
  explicit operator bool() const { return handle_ != nullptr; }
  operator HandleRef() const { return {kType, handle_}; }  // NOLINT: used as a view

  // Gives up ownership without freeing, for tests that free the handle
  // themselves and then use the stale value on purpose.
  SQLHANDLE Release() { return std::exchange(handle_, nullptr); }

  void Reset() {
    if (handle_ == nullptr) return;
    if constexpr (kType == SQL_HANDLE_DBC) {
      SQLEndTran(SQL_HANDLE_DBC, handle_, SQL_ROLLBACK);
      SQLDisconnect(handle_);
    }
    SQLFreeHandle(kType, handle_);
    handle_ = nullptr;
  }

 private:
  SQLHANDLE handle_ = nullptr;
};

using Env = OdbcHandle<SQL_HANDLE_ENV>;
using Dbc = OdbcHandle<SQL_HANDLE_DBC>;
using Stmt = OdbcHandle<SQL_HANDLE_STMT>;

struct DiagRecord {
  std::string sqlstate;
  SQLINTEGER native_error = 0;
  std::string message;
};

std::vector<DiagRecord> GetDiagRecords(HandleRef handle);
// All records of `handle` on one line each, for failure messages.
std::string FormatDiag(HandleRef handle);
bool HasSqlState(HandleRef handle, std::string_view sqlstate);
std::string ReturnCodeName(SQLRETURN rc);

// Succeeds for SQL_SUCCESS and SQL_SUCCESS_WITH_INFO; on failure the message
// carries the expression and every diagnostic record of `handle`.
::testing::AssertionResult SqlSucceeded(const char* expr, SQLRETURN rc, HandleRef handle);
// Succeeds when `rc` is `expected_rc` and, for a non-empty `sqlstate`, the
// handle holds a record with that SQLSTATE.
::testing::AssertionResult SqlReturned(const char* expr, SQLRETURN rc, HandleRef handle,
                                       SQLRETURN expected_rc, std::string_view sqlstate);

#define QF_ASSERT_OK(handle, call)                     \
  ASSERT_TRUE(::quietfetch::conformance::SqlSucceeded( \
      #call, (call), ::quietfetch::conformance::HandleRef(handle)))
#define QF_EXPECT_OK(handle, call)                     \
  EXPECT_TRUE(::quietfetch::conformance::SqlSucceeded( \
      #call, (call), ::quietfetch::conformance::HandleRef(handle)))
#define QF_EXPECT_DIAG(handle, call, rc, sqlstate)    \
  EXPECT_TRUE(::quietfetch::conformance::SqlReturned( \
      #call, (call), ::quietfetch::conformance::HandleRef(handle), rc, sqlstate))
#define QF_ASSERT_DIAG(handle, call, rc, sqlstate)    \
  ASSERT_TRUE(::quietfetch::conformance::SqlReturned( \
      #call, (call), ::quietfetch::conformance::HandleRef(handle), rc, sqlstate))

// A connection handle allocated on `env`, not yet connected.
Dbc AllocDbc(const Env& env);
Stmt AllocStmt(const Dbc& dbc);
// An environment declared as ODBC 3.80; empty (with a test failure) if the
// driver manager refuses.
Env MakeEnv();

// One fetched value; nullopt is SQL NULL.
using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;
using Rows = std::vector<Row>;

// Reads one column of the current row completely with SQLGetData, in pieces
// when it is long. SQL_C_WCHAR values are returned as UTF-8; SQL_C_BINARY as
// raw bytes.
::testing::AssertionResult GetDataAll(HandleRef stmt, SQLUSMALLINT column, SQLSMALLINT c_type,
                                      Cell* out);
// Fetches every remaining row of the open cursor as strings.
::testing::AssertionResult FetchAll(HandleRef stmt, Rows* rows, SQLSMALLINT c_type = SQL_C_CHAR);
// Executes `sql` directly on `stmt`.
::testing::AssertionResult ExecDirect(HandleRef stmt, std::string_view sql);
// Runs `sql` on a fresh statement of `dbc` and returns its whole result.
::testing::AssertionResult Query(const Dbc& dbc, std::string_view sql, Rows* rows,
                                 SQLSMALLINT c_type = SQL_C_CHAR);
// Runs a statement that returns no rows (DDL, SET, ...).
::testing::AssertionResult Exec(const Dbc& dbc, std::string_view sql);
// The single value of a one-row, one-column query.
::testing::AssertionResult QueryScalar(const Dbc& dbc, std::string_view sql, Cell* value);

std::u16string Utf8ToUtf16(std::string_view utf8);
std::string Utf16ToUtf8(std::u16string_view utf16);
// The ODBC prototypes take non-const text they never modify.
inline SQLCHAR* SqlText(const char* text) {
  return reinterpret_cast<SQLCHAR*>(const_cast<char*>(text));
}
inline SQLCHAR* SqlText(const std::string& text) { return SqlText(text.c_str()); }
inline SQLWCHAR* AsSqlWchar(std::u16string& s) { return reinterpret_cast<SQLWCHAR*>(s.data()); }

// Lower-case hex of raw bytes, to compare binary values readably.
std::string ToHex(std::string_view bytes);
std::string ToLower(std::string_view s);

// Resident set size of this process in bytes (VmRSS), or -1 if unreadable.
int64_t CurrentRssBytes();

// Aborts the whole test process with a message when a scope lasts longer than
// its limit, because a hung driver call cannot be interrupted any other way and
// a hang must fail loudly rather than stall CI until ctest's timeout.
class Watchdog {
 public:
  Watchdog(std::chrono::milliseconds limit, std::string what);
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace quietfetch::conformance

#endif  // QUIETFETCH_CONFORMANCE_ODBC_ODBC_UTIL_H_
