// Handle lifetime, environment attributes, transactions and diagnostics.
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include <cstring>

#include "driver/core/connection.h"
#include "driver/core/descriptor.h"
#include "driver/core/environment.h"
#include "driver/core/output.h"
#include "driver/core/statement.h"
#include "driver/odbc/dispatch.h"

namespace quietfetch::odbc {

using core::Connection;
using core::Descriptor;
using core::Environment;
using core::Handle;
using core::Statement;

core::Handle* HandleOfType(SQLSMALLINT handle_type, SQLHANDLE handle) {
  switch (handle_type) {
    case SQL_HANDLE_ENV:
      return Handle::Cast<Environment>(handle);
    case SQL_HANDLE_DBC:
      return Handle::Cast<Connection>(handle);
    case SQL_HANDLE_STMT:
      return Handle::Cast<Statement>(handle);
    case SQL_HANDLE_DESC:
      return Handle::Cast<Descriptor>(handle);
    default:
      return nullptr;
  }
}

namespace {

absl::Status NullOutput() {
  return core::SqlError(core::sqlstate::kInvalidNullPointer, "the output handle pointer is null");
}

SQLRETURN AllocHandle(SQLSMALLINT type, SQLHANDLE input, SQLHANDLE* output) {
  switch (type) {
    case SQL_HANDLE_ENV: {
      if (output == nullptr) return SQL_ERROR;
      try {
        *output = static_cast<Handle*>(new Environment());
      } catch (...) {
        *output = SQL_NULL_HENV;
        return SQL_ERROR;
      }
      return SQL_SUCCESS;
    }
    case SQL_HANDLE_DBC:
      return Call<Environment>(input, [&](Environment& env) -> absl::Status {
        if (output == nullptr) return NullOutput();
        *output = SQL_NULL_HDBC;
        QF_ASSIGN_OR_RETURN(Connection * connection, env.AllocConnection());
        *output = static_cast<Handle*>(connection);
        return absl::OkStatus();
      });
    case SQL_HANDLE_STMT:
      return Call<Connection>(input, [&](Connection& connection) -> absl::Status {
        if (output == nullptr) return NullOutput();
        *output = SQL_NULL_HSTMT;
        QF_ASSIGN_OR_RETURN(Statement * statement, connection.AllocStatement());
        *output = static_cast<Handle*>(statement);
        return absl::OkStatus();
      });
    case SQL_HANDLE_DESC:
      return Call<Connection>(input, [&](Connection& connection) -> absl::Status {
        if (output == nullptr) return NullOutput();
        *output = SQL_NULL_HDESC;
        QF_ASSIGN_OR_RETURN(Descriptor * descriptor, connection.AllocDescriptor());
        *output = static_cast<Handle*>(descriptor);
        return absl::OkStatus();
      });
    default: {
      Handle* parent = HandleOfType(SQL_HANDLE_ENV, input);
      if (parent == nullptr) parent = HandleOfType(SQL_HANDLE_DBC, input);
      if (parent == nullptr) return SQL_INVALID_HANDLE;
      parent->diag().Clear();
      parent->diag().Add(core::sqlstate::kInvalidHandleType, "invalid handle type");
      return SQL_ERROR;
    }
  }
}

SQLRETURN FreeHandle(SQLSMALLINT type, SQLHANDLE handle) {
  switch (type) {
    case SQL_HANDLE_ENV: {
      auto* env = Handle::Cast<Environment>(handle);
      if (env == nullptr) return SQL_INVALID_HANDLE;
      {
        std::lock_guard lock(env->call_mutex());
        env->diag().Clear();
        if (env->HasConnections()) {
          env->diag().Add(core::sqlstate::kFunctionSequenceError,
                          "free every connection before the environment");
          return SQL_ERROR;
        }
      }
      delete env;
      return SQL_SUCCESS;
    }
    case SQL_HANDLE_DBC: {
      auto* connection = Handle::Cast<Connection>(handle);
      if (connection == nullptr) return SQL_INVALID_HANDLE;
      Environment* env = connection->environment();
      std::lock_guard env_lock(env->call_mutex());
      {
        std::lock_guard lock(connection->call_mutex());
        connection->diag().Clear();
        if (connection->connected()) {
          connection->diag().Add(core::sqlstate::kFunctionSequenceError,
                                 "the connection is still open: call SQLDisconnect first");
          return SQL_ERROR;
        }
      }
      return env->FreeConnection(connection).ok() ? SQL_SUCCESS : SQL_ERROR;
    }
    case SQL_HANDLE_STMT: {
      auto* statement = Handle::Cast<Statement>(handle);
      if (statement == nullptr) return SQL_INVALID_HANDLE;
      Connection* connection = statement->connection();
      std::lock_guard lock(connection->call_mutex());
      connection->FreeStatement(statement);
      return SQL_SUCCESS;
    }
    case SQL_HANDLE_DESC: {
      auto* descriptor = Handle::Cast<Descriptor>(handle);
      if (descriptor == nullptr) return SQL_INVALID_HANDLE;
      Connection* connection = descriptor->connection();
      std::lock_guard lock(connection->call_mutex());
      if (!descriptor->is_explicit()) {
        descriptor->diag().Clear();
        descriptor->diag().Add("HY017", "an implicitly allocated descriptor cannot be freed");
        return SQL_ERROR;
      }
      connection->FreeDescriptor(descriptor);
      return SQL_SUCCESS;
    }
    default:
      return SQL_INVALID_HANDLE;
  }
}

const char* ClassOrigin(const std::string& state) {
  // States defined by ODBC itself rather than ISO SQL.
  static constexpr const char* kOdbcClasses[] = {"01S", "07S", "08S", "21S", "25S",
                                                 "42S", "HY",  "HZ",  "IM"};
  for (const char* prefix : kOdbcClasses) {
    if (state.starts_with(prefix)) return "ODBC 3.0";
  }
  return "ISO 9075";
}

SQLRETURN GetDiagRec(SQLSMALLINT handle_type, SQLHANDLE handle, SQLSMALLINT record, void* sqlstate,
                     SQLINTEGER* native, void* message, SQLSMALLINT buffer_length,
                     SQLSMALLINT* text_length, bool wide) {
  Handle* target = HandleOfType(handle_type, handle);
  if (target == nullptr) return SQL_INVALID_HANDLE;
  if (record <= 0 || buffer_length < 0) return SQL_ERROR;
  const auto& records = target->diag().records();
  if (static_cast<size_t>(record) > records.size()) return SQL_NO_DATA;
  const core::DiagRecord& rec = records[static_cast<size_t>(record - 1)];
  if (sqlstate != nullptr) {
    (void)core::WriteString(rec.sqlstate, {sqlstate, 6, wide, false});
  }
  if (native != nullptr) *native = rec.native_error;
  core::Diagnostics scratch;
  auto length = core::WriteString(rec.message, {message, buffer_length, wide, false}, &scratch);
  if (!length.ok()) return SQL_ERROR;
  if (text_length != nullptr) *text_length = static_cast<SQLSMALLINT>(*length);
  return scratch.has_warning() ? SQL_SUCCESS_WITH_INFO : SQL_SUCCESS;
}

SQLRETURN GetDiagField(SQLSMALLINT handle_type, SQLHANDLE handle, SQLSMALLINT record,
                       SQLSMALLINT field, SQLPOINTER value, SQLSMALLINT buffer_length,
                       SQLSMALLINT* string_length, bool wide) {
  Handle* target = HandleOfType(handle_type, handle);
  if (target == nullptr) return SQL_INVALID_HANDLE;
  const core::Diagnostics& diag = target->diag();
  auto write_text = [&](const std::string& text) -> SQLRETURN {
    core::Diagnostics scratch;
    auto length =
        core::WriteString(text, {value, buffer_length, wide, /*length_in_bytes=*/true}, &scratch);
    if (!length.ok()) return SQL_ERROR;
    if (string_length != nullptr) *string_length = static_cast<SQLSMALLINT>(*length);
    return scratch.has_warning() ? SQL_SUCCESS_WITH_INFO : SQL_SUCCESS;
  };
  // Header fields.
  switch (field) {
    case SQL_DIAG_NUMBER:
      if (value != nullptr)
        *static_cast<SQLINTEGER*>(value) = static_cast<SQLINTEGER>(diag.records().size());
      return SQL_SUCCESS;
    case SQL_DIAG_RETURNCODE:
      if (value != nullptr) *static_cast<SQLRETURN*>(value) = diag.return_code;
      return SQL_SUCCESS;
    case SQL_DIAG_ROW_COUNT:
      if (handle_type != SQL_HANDLE_STMT) return SQL_ERROR;
      if (value != nullptr) *static_cast<SQLLEN*>(value) = diag.row_count;
      return SQL_SUCCESS;
    case SQL_DIAG_CURSOR_ROW_COUNT:
      if (handle_type != SQL_HANDLE_STMT) return SQL_ERROR;
      if (value != nullptr) *static_cast<SQLLEN*>(value) = diag.cursor_row_count;
      return SQL_SUCCESS;
    case SQL_DIAG_DYNAMIC_FUNCTION:
      if (handle_type != SQL_HANDLE_STMT) return SQL_ERROR;
      return write_text(diag.dynamic_function);
    case SQL_DIAG_DYNAMIC_FUNCTION_CODE:
      if (handle_type != SQL_HANDLE_STMT) return SQL_ERROR;
      if (value != nullptr) *static_cast<SQLINTEGER*>(value) = diag.dynamic_function_code;
      return SQL_SUCCESS;
    default:
      break;
  }
  if (record <= 0) return SQL_ERROR;
  if (static_cast<size_t>(record) > diag.records().size()) return SQL_NO_DATA;
  const core::DiagRecord& rec = diag.records()[static_cast<size_t>(record - 1)];
  switch (field) {
    case SQL_DIAG_SQLSTATE:
      return write_text(rec.sqlstate);
    case SQL_DIAG_NATIVE:
      if (value != nullptr) *static_cast<SQLINTEGER*>(value) = rec.native_error;
      return SQL_SUCCESS;
    case SQL_DIAG_MESSAGE_TEXT:
      return write_text(rec.message);
    case SQL_DIAG_CLASS_ORIGIN:
      return write_text(ClassOrigin(rec.sqlstate.substr(0, 2)));
    case SQL_DIAG_SUBCLASS_ORIGIN:
      return write_text(ClassOrigin(rec.sqlstate));
    case SQL_DIAG_CONNECTION_NAME:
    case SQL_DIAG_SERVER_NAME:
      return write_text("");
    case SQL_DIAG_ROW_NUMBER:
      if (handle_type != SQL_HANDLE_STMT) return SQL_ERROR;
      if (value != nullptr) *static_cast<SQLLEN*>(value) = rec.row_number;
      return SQL_SUCCESS;
    case SQL_DIAG_COLUMN_NUMBER:
      if (handle_type != SQL_HANDLE_STMT) return SQL_ERROR;
      if (value != nullptr) *static_cast<SQLINTEGER*>(value) = rec.column_number;
      return SQL_SUCCESS;
    default:
      return SQL_ERROR;
  }
}

SQLRETURN EndTran(SQLSMALLINT handle_type, SQLHANDLE handle, SQLSMALLINT completion) {
  if (handle_type == SQL_HANDLE_ENV) {
    return Call<Environment>(handle,
                             [&](Environment& env) { return env.EndTransaction(completion); });
  }
  if (handle_type == SQL_HANDLE_DBC) {
    return Call<Connection>(handle, [&](Connection& c) { return c.EndTransaction(completion); });
  }
  return SQL_INVALID_HANDLE;
}

}  // namespace

SQLRETURN FreeStatementHandle(SQLHSTMT stmt) { return FreeHandle(SQL_HANDLE_STMT, stmt); }

}  // namespace quietfetch::odbc

using quietfetch::core::Environment;
using quietfetch::odbc::Call;

extern "C" {

SQLRETURN SQL_API SQLAllocHandle(SQLSMALLINT type, SQLHANDLE input, SQLHANDLE* output) {
  return quietfetch::odbc::AllocHandle(type, input, output);
}

SQLRETURN SQL_API SQLFreeHandle(SQLSMALLINT type, SQLHANDLE handle) {
  return quietfetch::odbc::FreeHandle(type, handle);
}

SQLRETURN SQL_API SQLSetEnvAttr(SQLHENV env, SQLINTEGER attribute, SQLPOINTER value,
                                SQLINTEGER length) {
  return Call<Environment>(
      env, [&](Environment& e) { return e.SetAttribute(attribute, value, length); });
}

SQLRETURN SQL_API SQLGetEnvAttr(SQLHENV env, SQLINTEGER attribute, SQLPOINTER value,
                                SQLINTEGER buffer_length, SQLINTEGER* string_length) {
  return Call<Environment>(env, [&](Environment& e) {
    return e.GetAttribute(attribute, value, buffer_length, string_length);
  });
}

SQLRETURN SQL_API SQLEndTran(SQLSMALLINT handle_type, SQLHANDLE handle, SQLSMALLINT completion) {
  return quietfetch::odbc::EndTran(handle_type, handle, completion);
}

SQLRETURN SQL_API SQLGetDiagRec(SQLSMALLINT handle_type, SQLHANDLE handle, SQLSMALLINT record,
                                SQLCHAR* sqlstate, SQLINTEGER* native, SQLCHAR* message,
                                SQLSMALLINT buffer_length, SQLSMALLINT* text_length) {
  return quietfetch::odbc::GetDiagRec(handle_type, handle, record, sqlstate, native, message,
                                      buffer_length, text_length, false);
}

SQLRETURN SQL_API SQLGetDiagRecW(SQLSMALLINT handle_type, SQLHANDLE handle, SQLSMALLINT record,
                                 SQLWCHAR* sqlstate, SQLINTEGER* native, SQLWCHAR* message,
                                 SQLSMALLINT buffer_length, SQLSMALLINT* text_length) {
  return quietfetch::odbc::GetDiagRec(handle_type, handle, record, sqlstate, native, message,
                                      buffer_length, text_length, true);
}

SQLRETURN SQL_API SQLGetDiagField(SQLSMALLINT handle_type, SQLHANDLE handle, SQLSMALLINT record,
                                  SQLSMALLINT field, SQLPOINTER value, SQLSMALLINT buffer_length,
                                  SQLSMALLINT* string_length) {
  return quietfetch::odbc::GetDiagField(handle_type, handle, record, field, value, buffer_length,
                                        string_length, false);
}

SQLRETURN SQL_API SQLGetDiagFieldW(SQLSMALLINT handle_type, SQLHANDLE handle, SQLSMALLINT record,
                                   SQLSMALLINT field, SQLPOINTER value, SQLSMALLINT buffer_length,
                                   SQLSMALLINT* string_length) {
  return quietfetch::odbc::GetDiagField(handle_type, handle, record, field, value, buffer_length,
                                        string_length, true);
}

}  // extern "C"
