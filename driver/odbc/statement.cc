// Statement entry points: preparing, executing, parameters, results, fetching.
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include "driver/core/connection.h"
#include "driver/core/info.h"
#include "driver/core/output.h"
#include "driver/core/statement.h"
#include "driver/core/types.h"
#include "driver/odbc/dispatch.h"

namespace quietfetch::odbc {
namespace {

using core::Outcome;
using core::Statement;

SQLRETURN Prepare(SQLHSTMT stmt, const void* text, SQLINTEGER length, bool wide) {
  return Call<Statement>(stmt, [&](Statement& s) -> absl::Status {
    if (text == nullptr) {
      return core::SqlError(core::sqlstate::kInvalidNullPointer, "the statement text is null");
    }
    QF_ASSIGN_OR_RETURN(std::string sql, core::ReadString(text, length, wide));
    return s.Prepare(std::move(sql));
  });
}

SQLRETURN ExecDirect(SQLHSTMT stmt, const void* text, SQLINTEGER length, bool wide) {
  return Call<Statement>(stmt, [&](Statement& s) -> absl::StatusOr<Outcome> {
    if (text == nullptr) {
      return core::SqlError(core::sqlstate::kInvalidNullPointer, "the statement text is null");
    }
    QF_ASSIGN_OR_RETURN(std::string sql, core::ReadString(text, length, wide));
    return s.ExecDirect(std::move(sql));
  });
}

SQLRETURN DescribeCol(SQLHSTMT stmt, SQLUSMALLINT column, void* name, SQLSMALLINT buffer_length,
                      SQLSMALLINT* name_length, SQLSMALLINT* data_type, SQLULEN* column_size,
                      SQLSMALLINT* decimal_digits, SQLSMALLINT* nullable, bool wide) {
  return Call<Statement>(stmt, [&](Statement& s) -> absl::Status {
    QF_ASSIGN_OR_RETURN(const backend::ColumnInfo* info, s.Column(column));
    core::SqlTypeInfo type = core::DescribeType(*info, s.max_varchar());
    QF_ASSIGN_OR_RETURN(
        SQLLEN length,
        core::WriteString(info->name, {name, buffer_length, wide, false}, &s.diag()));
    if (name_length != nullptr) *name_length = static_cast<SQLSMALLINT>(length);
    if (data_type != nullptr) *data_type = type.sql_type;
    if (column_size != nullptr) *column_size = type.column_size;
    if (decimal_digits != nullptr) *decimal_digits = type.decimal_digits;
    if (nullable != nullptr) {
      *nullable = !info->nullable_known ? SQL_NULLABLE_UNKNOWN
                                        : (info->nullable ? SQL_NULLABLE : SQL_NO_NULLS);
    }
    return absl::OkStatus();
  });
}

SQLRETURN ColAttribute(SQLHSTMT stmt, SQLUSMALLINT column, SQLUSMALLINT field, SQLPOINTER text,
                       SQLSMALLINT buffer_length, SQLSMALLINT* string_length, SQLLEN* number,
                       bool wide) {
  return Call<Statement>(stmt, [&](Statement& s) -> absl::Status {
    if (field == SQL_DESC_COUNT || field == SQL_COLUMN_COUNT) {
      QF_ASSIGN_OR_RETURN(SQLSMALLINT count, s.NumResultCols());
      if (number != nullptr) *number = count;
      return absl::OkStatus();
    }
    QF_ASSIGN_OR_RETURN(const backend::ColumnInfo* info, s.Column(column));
    QF_ASSIGN_OR_RETURN(core::InfoValue value,
                        core::ColumnAttribute(*info, column, field, s.max_varchar()));
    if (value.is_string) {
      QF_ASSIGN_OR_RETURN(
          SQLLEN length,
          core::WriteString(value.text, {text, buffer_length, wide, true}, &s.diag()));
      if (string_length != nullptr) *string_length = static_cast<SQLSMALLINT>(length);
    } else if (number != nullptr) {
      *number = static_cast<SQLLEN>(value.number);
    }
    return absl::OkStatus();
  });
}

SQLRETURN SetStmtAttr(SQLHSTMT stmt, SQLINTEGER attribute, SQLPOINTER value, SQLINTEGER length) {
  return Call<Statement>(stmt,
                         [&](Statement& s) { return s.SetAttribute(attribute, value, length); });
}

SQLRETURN GetStmtAttr(SQLHSTMT stmt, SQLINTEGER attribute, SQLPOINTER value,
                      SQLINTEGER buffer_length, SQLINTEGER* string_length) {
  return Call<Statement>(stmt, [&](Statement& s) {
    return s.GetAttribute(attribute, value, buffer_length, string_length);
  });
}

SQLRETURN GetTypeInfo(SQLHSTMT stmt, SQLSMALLINT data_type) {
  return Call<Statement>(stmt, [&](Statement& s) -> absl::Status {
    QF_ASSIGN_OR_RETURN(auto result,
                        core::TypeInfoResult(data_type, s.max_varchar(), s.connection()->odbc2()));
    return s.OpenLocalResult(std::move(result));
  });
}

}  // namespace

SQLRETURN FreeStatementHandle(SQLHSTMT stmt);

}  // namespace quietfetch::odbc

using quietfetch::core::Outcome;
using quietfetch::core::Statement;
using quietfetch::odbc::Call;

extern "C" {

SQLRETURN SQL_API SQLPrepare(SQLHSTMT stmt, SQLCHAR* text, SQLINTEGER length) {
  return quietfetch::odbc::Prepare(stmt, text, length, false);
}

SQLRETURN SQL_API SQLPrepareW(SQLHSTMT stmt, SQLWCHAR* text, SQLINTEGER length) {
  return quietfetch::odbc::Prepare(stmt, text, length, true);
}

SQLRETURN SQL_API SQLExecDirect(SQLHSTMT stmt, SQLCHAR* text, SQLINTEGER length) {
  return quietfetch::odbc::ExecDirect(stmt, text, length, false);
}

SQLRETURN SQL_API SQLExecDirectW(SQLHSTMT stmt, SQLWCHAR* text, SQLINTEGER length) {
  return quietfetch::odbc::ExecDirect(stmt, text, length, true);
}

SQLRETURN SQL_API SQLExecute(SQLHSTMT stmt) {
  return Call<Statement>(stmt, [](Statement& s) { return s.Execute(); });
}

SQLRETURN SQL_API SQLBindParameter(SQLHSTMT stmt, SQLUSMALLINT number, SQLSMALLINT io_type,
                                   SQLSMALLINT c_type, SQLSMALLINT sql_type, SQLULEN column_size,
                                   SQLSMALLINT digits, SQLPOINTER value, SQLLEN buffer_length,
                                   SQLLEN* indicator) {
  return Call<Statement>(stmt, [&](Statement& s) {
    return s.BindParameter(number, io_type, c_type, sql_type, column_size, digits, value,
                           buffer_length, indicator);
  });
}

SQLRETURN SQL_API SQLNumParams(SQLHSTMT stmt, SQLSMALLINT* count) {
  return Call<Statement>(stmt, [&](Statement& s) -> absl::Status {
    QF_ASSIGN_OR_RETURN(SQLSMALLINT n, s.NumParams());
    if (count != nullptr) *count = n;
    return absl::OkStatus();
  });
}

SQLRETURN SQL_API SQLDescribeParam(SQLHSTMT stmt, SQLUSMALLINT number, SQLSMALLINT* data_type,
                                   SQLULEN* size, SQLSMALLINT* digits, SQLSMALLINT* nullable) {
  return Call<Statement>(stmt, [&](Statement& s) -> absl::Status {
    QF_ASSIGN_OR_RETURN(quietfetch::backend::ColumnInfo param, s.DescribeParam(number));
    quietfetch::core::SqlTypeInfo type = quietfetch::core::DescribeType(param, s.max_varchar());
    if (data_type != nullptr) *data_type = type.sql_type;
    if (size != nullptr) *size = type.column_size;
    if (digits != nullptr) *digits = type.decimal_digits;
    if (nullable != nullptr) *nullable = SQL_NULLABLE;
    return absl::OkStatus();
  });
}

SQLRETURN SQL_API SQLParamData(SQLHSTMT stmt, SQLPOINTER* value) {
  return Call<Statement>(stmt, [&](Statement& s) { return s.ParamData(value); });
}

SQLRETURN SQL_API SQLPutData(SQLHSTMT stmt, SQLPOINTER data, SQLLEN length) {
  return Call<Statement>(stmt, [&](Statement& s) { return s.PutData(data, length); });
}

SQLRETURN SQL_API SQLCancel(SQLHSTMT stmt) {
  // No lock: SQLCancel exists to interrupt a call running on another thread.
  return Call<Statement>(
      stmt, [](Statement& s) { return s.Cancel(); }, quietfetch::odbc::Lock::kNo);
}

SQLRETURN SQL_API SQLNumResultCols(SQLHSTMT stmt, SQLSMALLINT* count) {
  return Call<Statement>(stmt, [&](Statement& s) -> absl::Status {
    QF_ASSIGN_OR_RETURN(SQLSMALLINT n, s.NumResultCols());
    if (count != nullptr) *count = n;
    return absl::OkStatus();
  });
}

SQLRETURN SQL_API SQLDescribeCol(SQLHSTMT stmt, SQLUSMALLINT column, SQLCHAR* name,
                                 SQLSMALLINT buffer_length, SQLSMALLINT* name_length,
                                 SQLSMALLINT* data_type, SQLULEN* column_size,
                                 SQLSMALLINT* decimal_digits, SQLSMALLINT* nullable) {
  return quietfetch::odbc::DescribeCol(stmt, column, name, buffer_length, name_length, data_type,
                                       column_size, decimal_digits, nullable, false);
}

SQLRETURN SQL_API SQLDescribeColW(SQLHSTMT stmt, SQLUSMALLINT column, SQLWCHAR* name,
                                  SQLSMALLINT buffer_length, SQLSMALLINT* name_length,
                                  SQLSMALLINT* data_type, SQLULEN* column_size,
                                  SQLSMALLINT* decimal_digits, SQLSMALLINT* nullable) {
  return quietfetch::odbc::DescribeCol(stmt, column, name, buffer_length, name_length, data_type,
                                       column_size, decimal_digits, nullable, true);
}

SQLRETURN SQL_API SQLColAttribute(SQLHSTMT stmt, SQLUSMALLINT column, SQLUSMALLINT field,
                                  SQLPOINTER text, SQLSMALLINT buffer_length,
                                  SQLSMALLINT* string_length, SQLLEN* number) {
  return quietfetch::odbc::ColAttribute(stmt, column, field, text, buffer_length, string_length,
                                        number, false);
}

SQLRETURN SQL_API SQLColAttributeW(SQLHSTMT stmt, SQLUSMALLINT column, SQLUSMALLINT field,
                                   SQLPOINTER text, SQLSMALLINT buffer_length,
                                   SQLSMALLINT* string_length, SQLLEN* number) {
  return quietfetch::odbc::ColAttribute(stmt, column, field, text, buffer_length, string_length,
                                        number, true);
}

SQLRETURN SQL_API SQLRowCount(SQLHSTMT stmt, SQLLEN* count) {
  return Call<Statement>(stmt, [&](Statement& s) -> absl::Status {
    QF_ASSIGN_OR_RETURN(SQLLEN n, s.RowCount());
    if (count != nullptr) *count = n;
    return absl::OkStatus();
  });
}

SQLRETURN SQL_API SQLBindCol(SQLHSTMT stmt, SQLUSMALLINT column, SQLSMALLINT c_type,
                             SQLPOINTER value, SQLLEN buffer_length, SQLLEN* indicator) {
  return Call<Statement>(stmt, [&](Statement& s) {
    return s.BindCol(column, c_type, value, buffer_length, indicator);
  });
}

SQLRETURN SQL_API SQLFetch(SQLHSTMT stmt) {
  return Call<Statement>(stmt, [](Statement& s) { return s.Fetch(SQL_FETCH_NEXT, 0); });
}

SQLRETURN SQL_API SQLFetchScroll(SQLHSTMT stmt, SQLSMALLINT orientation, SQLLEN offset) {
  return Call<Statement>(stmt, [&](Statement& s) { return s.Fetch(orientation, offset); });
}

SQLRETURN SQL_API SQLGetData(SQLHSTMT stmt, SQLUSMALLINT column, SQLSMALLINT c_type,
                             SQLPOINTER value, SQLLEN buffer_length, SQLLEN* indicator) {
  return Call<Statement>(stmt, [&](Statement& s) {
    return s.GetData(column, c_type, value, buffer_length, indicator);
  });
}

SQLRETURN SQL_API SQLCloseCursor(SQLHSTMT stmt) {
  return Call<Statement>(stmt, [](Statement& s) { return s.CloseCursor(true); });
}

SQLRETURN SQL_API SQLFreeStmt(SQLHSTMT stmt, SQLUSMALLINT option) {
  if (option == SQL_DROP) return quietfetch::odbc::FreeStatementHandle(stmt);
  return Call<Statement>(stmt, [&](Statement& s) { return s.FreeStmt(option); });
}

SQLRETURN SQL_API SQLMoreResults(SQLHSTMT stmt) {
  return Call<Statement>(stmt, [](Statement& s) { return s.MoreResults(); });
}

SQLRETURN SQL_API SQLSetStmtAttr(SQLHSTMT stmt, SQLINTEGER attribute, SQLPOINTER value,
                                 SQLINTEGER length) {
  return quietfetch::odbc::SetStmtAttr(stmt, attribute, value, length);
}

SQLRETURN SQL_API SQLSetStmtAttrW(SQLHSTMT stmt, SQLINTEGER attribute, SQLPOINTER value,
                                  SQLINTEGER length) {
  return quietfetch::odbc::SetStmtAttr(stmt, attribute, value, length);
}

SQLRETURN SQL_API SQLGetStmtAttr(SQLHSTMT stmt, SQLINTEGER attribute, SQLPOINTER value,
                                 SQLINTEGER buffer_length, SQLINTEGER* string_length) {
  return quietfetch::odbc::GetStmtAttr(stmt, attribute, value, buffer_length, string_length);
}

SQLRETURN SQL_API SQLGetStmtAttrW(SQLHSTMT stmt, SQLINTEGER attribute, SQLPOINTER value,
                                  SQLINTEGER buffer_length, SQLINTEGER* string_length) {
  return quietfetch::odbc::GetStmtAttr(stmt, attribute, value, buffer_length, string_length);
}

SQLRETURN SQL_API SQLGetTypeInfo(SQLHSTMT stmt, SQLSMALLINT data_type) {
  return quietfetch::odbc::GetTypeInfo(stmt, data_type);
}

SQLRETURN SQL_API SQLGetTypeInfoW(SQLHSTMT stmt, SQLSMALLINT data_type) {
  return quietfetch::odbc::GetTypeInfo(stmt, data_type);
}

}  // extern "C"

// Scrollable cursors: positioning within a rowset and the ODBC 2 block
// fetch. SQLBulkOperations is not exported: SQLGetFunctions reports it
// unsupported, and the driver manager then answers IM001 for it anyway.
extern "C" {

SQLRETURN SQL_API SQLSetPos(SQLHSTMT stmt, SQLSETPOSIROW row, SQLUSMALLINT operation,
                            SQLUSMALLINT lock_type) {
  return Call<Statement>(stmt, [&](Statement& s) { return s.SetPos(row, operation, lock_type); });
}

SQLRETURN SQL_API SQLExtendedFetch(SQLHSTMT stmt, SQLUSMALLINT orientation, SQLLEN offset,
                                   SQLULEN* row_count, SQLUSMALLINT* row_status) {
  return Call<Statement>(stmt, [&](Statement& s) {
    return s.ExtendedFetch(orientation, offset, row_count, row_status);
  });
}

}  // extern "C"
