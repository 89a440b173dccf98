// SQLSetCursorName/SQLGetCursorName, ANSI and W over one function each.
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include <string>

#include "driver/core/output.h"
#include "driver/core/statement.h"
#include "driver/core/status.h"
#include "driver/odbc/dispatch.h"

namespace quietfetch::odbc {
namespace {

using core::Statement;

SQLRETURN SetCursorName(SQLHSTMT stmt, const void* name, SQLSMALLINT length, bool wide) {
  return Call<Statement>(stmt, [&](Statement& s) -> absl::Status {
    if (name == nullptr) {
      return core::SqlError(core::sqlstate::kInvalidNullPointer,
                            "SQLSetCursorName: the cursor name pointer is null");
    }
    if (length < 0 && length != SQL_NTS) {
      return core::SqlError(core::sqlstate::kInvalidBufferLength,
                            "SQLSetCursorName: the name length must be SQL_NTS or non-negative");
    }
    QF_ASSIGN_OR_RETURN(std::string text, core::ReadString(name, length, wide));
    return s.SetCursorName(std::move(text));
  });
}

SQLRETURN GetCursorName(SQLHSTMT stmt, void* name, SQLSMALLINT buffer_length,
                        SQLSMALLINT* name_length, bool wide) {
  return Call<Statement>(stmt, [&](Statement& s) -> absl::Status {
    QF_ASSIGN_OR_RETURN(
        SQLLEN length,
        core::WriteString(s.CursorName(), {name, buffer_length, wide, false}, &s.diag()));
    if (name_length != nullptr) *name_length = static_cast<SQLSMALLINT>(length);
    return absl::OkStatus();
  });
}

}  // namespace
}  // namespace quietfetch::odbc

extern "C" {

SQLRETURN SQL_API SQLSetCursorName(SQLHSTMT stmt, SQLCHAR* name, SQLSMALLINT length) {
  return quietfetch::odbc::SetCursorName(stmt, name, length, false);
}

SQLRETURN SQL_API SQLSetCursorNameW(SQLHSTMT stmt, SQLWCHAR* name, SQLSMALLINT length) {
  return quietfetch::odbc::SetCursorName(stmt, name, length, true);
}

SQLRETURN SQL_API SQLGetCursorName(SQLHSTMT stmt, SQLCHAR* name, SQLSMALLINT buffer_length,
                                   SQLSMALLINT* name_length) {
  return quietfetch::odbc::GetCursorName(stmt, name, buffer_length, name_length, false);
}

SQLRETURN SQL_API SQLGetCursorNameW(SQLHSTMT stmt, SQLWCHAR* name, SQLSMALLINT buffer_length,
                                    SQLSMALLINT* name_length) {
  return quietfetch::odbc::GetCursorName(stmt, name, buffer_length, name_length, true);
}

}  // extern "C"
