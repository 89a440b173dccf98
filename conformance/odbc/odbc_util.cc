#include "conformance/odbc/odbc_util.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace quietfetch::conformance {
namespace {

// Small on purpose: values longer than this exercise the piecewise path of
// SQLGetData in every test that reads results through these helpers.
constexpr SQLLEN kPieceBytes = 512;

SQLLEN TerminatorBytes(SQLSMALLINT c_type) {
  switch (c_type) {
    case SQL_C_CHAR:
      return 1;
    case SQL_C_WCHAR:
      return sizeof(SQLWCHAR);
    default:
      return 0;
  }
}

}  // namespace

std::vector<DiagRecord> GetDiagRecords(HandleRef handle) {
  std::vector<DiagRecord> records;
  if (handle.handle == nullptr) return records;
  for (SQLSMALLINT i = 1;; ++i) {
    SQLCHAR state[6] = {};
    SQLINTEGER native = 0;
    std::string message(1024, '\0');
    SQLSMALLINT message_len = 0;
    SQLRETURN rc = SQLGetDiagRec(handle.type, handle.handle, i, state, &native,
                                 reinterpret_cast<SQLCHAR*>(message.data()),
                                 static_cast<SQLSMALLINT>(message.size()), &message_len);
    if (rc == SQL_SUCCESS_WITH_INFO && message_len >= static_cast<SQLSMALLINT>(message.size())) {
      message.assign(static_cast<size_t>(message_len) + 1, '\0');
      rc = SQLGetDiagRec(handle.type, handle.handle, i, state, &native,
                         reinterpret_cast<SQLCHAR*>(message.data()),
                         static_cast<SQLSMALLINT>(message.size()), &message_len);
    }
    if (!SQL_SUCCEEDED(rc)) break;
    message.resize(std::strlen(message.c_str()));
    records.push_back({reinterpret_cast<char*>(state), native, message});
  }
  return records;
}

std::string FormatDiag(HandleRef handle) {
  std::ostringstream out;
  auto records = GetDiagRecords(handle);
  if (records.empty()) return "  (no diagnostic records)\n";
  for (const DiagRecord& r : records) {
    out << "  [" << r.sqlstate << "] (native " << r.native_error << ") " << r.message << "\n";
  }
  return out.str();
}

bool HasSqlState(HandleRef handle, std::string_view sqlstate) {
  for (const DiagRecord& r : GetDiagRecords(handle)) {
    if (r.sqlstate == sqlstate) return true;
  }
  return false;
}

std::string ReturnCodeName(SQLRETURN rc) {
  switch (rc) {
    case SQL_SUCCESS:
      return "SQL_SUCCESS";
    case SQL_SUCCESS_WITH_INFO:
      return "SQL_SUCCESS_WITH_INFO";
    case SQL_ERROR:
      return "SQL_ERROR";
    case SQL_INVALID_HANDLE:
      return "SQL_INVALID_HANDLE";
    case SQL_NO_DATA:
      return "SQL_NO_DATA";
    case SQL_NEED_DATA:
      return "SQL_NEED_DATA";
    case SQL_STILL_EXECUTING:
      return "SQL_STILL_EXECUTING";
    default:
      return "SQLRETURN " + std::to_string(rc);
  }
}

::testing::AssertionResult SqlSucceeded(const char* expr, SQLRETURN rc, HandleRef handle) {
  if (SQL_SUCCEEDED(rc)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << expr << " returned " << ReturnCodeName(rc) << "\n"
                                       << FormatDiag(handle);
}

::testing::AssertionResult SqlReturned(const char* expr, SQLRETURN rc, HandleRef handle,
                                       SQLRETURN expected_rc, std::string_view sqlstate) {
  bool state_ok = sqlstate.empty() || HasSqlState(handle, sqlstate);
  if (rc == expected_rc && state_ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << expr << " returned " << ReturnCodeName(rc) << ", expected "
         << ReturnCodeName(expected_rc)
         << (sqlstate.empty() ? std::string() : " with SQLSTATE " + std::string(sqlstate))
         << "; diagnostics:\n"
         << FormatDiag(handle);
}

Env MakeEnv() {
  SQLHANDLE handle = nullptr;
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &handle))) {
    ADD_FAILURE() << "SQLAllocHandle(SQL_HANDLE_ENV) failed";
    return Env();
  }
  Env env(handle);
  SQLRETURN rc = SQLSetEnvAttr(handle, SQL_ATTR_ODBC_VERSION,
                               reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3_80), 0);
  if (!SQL_SUCCEEDED(rc)) {
    ADD_FAILURE() << "SQLSetEnvAttr(SQL_ATTR_ODBC_VERSION, 3.80) failed\n" << FormatDiag(env);
    return Env();
  }
  return env;
}

Dbc AllocDbc(const Env& env) {
  SQLHANDLE handle = nullptr;
  SQLRETURN rc = SQLAllocHandle(SQL_HANDLE_DBC, env.get(), &handle);
  if (!SQL_SUCCEEDED(rc)) {
    ADD_FAILURE() << "SQLAllocHandle(SQL_HANDLE_DBC) failed\n" << FormatDiag(env);
    return Dbc();
  }
  return Dbc(handle);
}

Stmt AllocStmt(const Dbc& dbc) {
  SQLHANDLE handle = nullptr;
  SQLRETURN rc = SQLAllocHandle(SQL_HANDLE_STMT, dbc.get(), &handle);
  if (!SQL_SUCCEEDED(rc)) {
    ADD_FAILURE() << "SQLAllocHandle(SQL_HANDLE_STMT) failed\n" << FormatDiag(dbc);
    return Stmt();
  }
  return Stmt(handle);
}

::testing::AssertionResult GetDataAll(HandleRef stmt, SQLUSMALLINT column, SQLSMALLINT c_type,
                                      Cell* out) {
  const SQLLEN terminator = TerminatorBytes(c_type);
  std::string bytes;
  char buffer[kPieceBytes];
  for (int piece = 0;; ++piece) {
    SQLLEN indicator = 0;
    SQLRETURN rc = SQLGetData(stmt.handle, column, c_type, buffer, kPieceBytes, &indicator);
    if (rc == SQL_NO_DATA) {
      if (piece == 0) {
        return ::testing::AssertionFailure()
               << "SQLGetData(column " << column << ") returned SQL_NO_DATA on the first call";
      }
      break;
    }
    if (!SQL_SUCCEEDED(rc)) {
      return ::testing::AssertionFailure() << "SQLGetData(column " << column << ", C type "
                                           << c_type << ") returned " << ReturnCodeName(rc) << "\n"
                                           << FormatDiag(stmt);
    }
    if (indicator == SQL_NULL_DATA) {
      *out = std::nullopt;
      return ::testing::AssertionSuccess();
    }
    if (indicator < 0 && indicator != SQL_NO_TOTAL) {
      return ::testing::AssertionFailure()
             << "SQLGetData(column " << column << ") reported length " << indicator;
    }
    const SQLLEN room = kPieceBytes - terminator;
    bool truncated = indicator == SQL_NO_TOTAL || indicator > room;
    SQLLEN got = truncated ? room : indicator;
    if (c_type == SQL_C_WCHAR) got -= got % static_cast<SQLLEN>(sizeof(SQLWCHAR));
    bytes.append(buffer, static_cast<size_t>(got));
    if (!truncated) break;
    if (rc != SQL_SUCCESS_WITH_INFO) {
      return ::testing::AssertionFailure()
             << "SQLGetData(column " << column << ") truncated a value (length " << indicator
             << ", buffer " << kPieceBytes << ") but returned " << ReturnCodeName(rc);
    }
  }
  if (c_type == SQL_C_WCHAR) {
    std::u16string wide(bytes.size() / 2, u'\0');
    std::memcpy(wide.data(), bytes.data(), wide.size() * 2);
    *out = Utf16ToUtf8(wide);
  } else {
    *out = std::move(bytes);
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult FetchAll(HandleRef stmt, Rows* rows, SQLSMALLINT c_type) {
  SQLSMALLINT columns = 0;
  SQLRETURN rc = SQLNumResultCols(stmt.handle, &columns);
  if (!SQL_SUCCEEDED(rc)) return SqlSucceeded("SQLNumResultCols", rc, stmt);
  rows->clear();
  for (;;) {
    rc = SQLFetch(stmt.handle);
    if (rc == SQL_NO_DATA) break;
    if (!SQL_SUCCEEDED(rc)) return SqlSucceeded("SQLFetch", rc, stmt);
    Row row(static_cast<size_t>(columns));
    for (SQLSMALLINT c = 1; c <= columns; ++c) {
      auto result = GetDataAll(stmt, static_cast<SQLUSMALLINT>(c), c_type, &row[c - 1]);
      if (!result) return result;
    }
    rows->push_back(std::move(row));
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult ExecDirect(HandleRef stmt, std::string_view sql) {
  std::string text(sql);
  SQLRETURN rc = SQLExecDirect(stmt.handle, reinterpret_cast<SQLCHAR*>(text.data()), SQL_NTS);
  if (SQL_SUCCEEDED(rc) || rc == SQL_NO_DATA) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "SQLExecDirect(\"" << sql << "\") returned " << ReturnCodeName(rc) << "\n"
         << FormatDiag(stmt);
}

::testing::AssertionResult Query(const Dbc& dbc, std::string_view sql, Rows* rows,
                                 SQLSMALLINT c_type) {
  Stmt stmt = AllocStmt(dbc);
  if (!stmt) return ::testing::AssertionFailure() << "no statement handle";
  auto result = ExecDirect(stmt, sql);
  if (!result) return result;
  result = FetchAll(stmt, rows, c_type);
  if (!result) return result << "(query: " << sql << ")";
  return result;
}

::testing::AssertionResult Exec(const Dbc& dbc, std::string_view sql) {
  Stmt stmt = AllocStmt(dbc);
  if (!stmt) return ::testing::AssertionFailure() << "no statement handle";
  return ExecDirect(stmt, sql);
}

::testing::AssertionResult QueryScalar(const Dbc& dbc, std::string_view sql, Cell* value) {
  Rows rows;
  auto result = Query(dbc, sql, &rows);
  if (!result) return result;
  if (rows.size() != 1 || rows[0].size() != 1) {
    return ::testing::AssertionFailure()
           << "expected one value from \"" << sql << "\", got " << rows.size() << " rows";
  }
  *value = rows[0][0];
  return ::testing::AssertionSuccess();
}

std::u16string Utf8ToUtf16(std::string_view utf8) {
  std::u16string out;
  for (size_t i = 0; i < utf8.size();) {
    auto byte = static_cast<unsigned char>(utf8[i]);
    char32_t code = 0;
    size_t extra = 0;
    if (byte < 0x80) {
      code = byte;
    } else if ((byte >> 5) == 0x6) {
      code = byte & 0x1F;
      extra = 1;
    } else if ((byte >> 4) == 0xE) {
      code = byte & 0x0F;
      extra = 2;
    } else {
      code = byte & 0x07;
      extra = 3;
    }
    for (size_t k = 1; k <= extra && i + k < utf8.size(); ++k) {
      code = (code << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    }
    i += extra + 1;
    if (code >= 0x10000) {
      code -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (code >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (code & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(code));
    }
  }
  return out;
}

std::string Utf16ToUtf8(std::u16string_view utf16) {
  std::string out;
  for (size_t i = 0; i < utf16.size(); ++i) {
    char32_t code = utf16[i];
    if (code >= 0xD800 && code < 0xDC00 && i + 1 < utf16.size() && utf16[i + 1] >= 0xDC00 &&
        utf16[i + 1] < 0xE000) {
      code = 0x10000 + ((code - 0xD800) << 10) + (utf16[i + 1] - 0xDC00);
      ++i;
    }
    if (code < 0x80) {
      out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code >> 6)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (code >> 18)));
      out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

int64_t CurrentRssBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::strtoll(line.c_str() + 6, nullptr, 10) * 1024;
    }
  }
  return -1;
}

Watchdog::Watchdog(std::chrono::milliseconds limit, std::string what) {
  thread_ = std::thread([this, limit, what = std::move(what)] {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, limit, [this] { return done_; })) {
      std::fprintf(stderr, "\nWATCHDOG: %s did not finish within %lld ms; aborting the test.\n",
                   what.c_str(), static_cast<long long>(limit.count()));
      std::fflush(stderr);
      std::abort();
    }
  });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

}  // namespace quietfetch::conformance
