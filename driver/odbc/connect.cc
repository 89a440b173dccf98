// Connecting, connection attributes, SQLGetInfo and SQLGetFunctions.
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include "driver/core/connection.h"
#include "driver/core/info.h"
#include "driver/core/output.h"
#include "driver/odbc/dispatch.h"

namespace quietfetch::odbc {
namespace {

using core::Connection;

SQLRETURN Connect(SQLHDBC dbc, const void* dsn, SQLSMALLINT dsn_length, const void* user,
                  SQLSMALLINT user_length, const void* password, SQLSMALLINT password_length,
                  bool wide) {
  return Call<Connection>(dbc, [&](Connection& c) -> absl::Status {
    QF_ASSIGN_OR_RETURN(std::string dsn_text, core::ReadString(dsn, dsn_length, wide));
    QF_ASSIGN_OR_RETURN(std::string user_text, core::ReadString(user, user_length, wide));
    QF_ASSIGN_OR_RETURN(std::string password_text,
                        core::ReadString(password, password_length, wide));
    return c.ConnectDsn(dsn_text, user == nullptr ? nullptr : &user_text,
                        password == nullptr ? nullptr : &password_text);
  });
}

SQLRETURN DriverConnect(SQLHDBC dbc, const void* in, SQLSMALLINT in_length, void* out,
                        SQLSMALLINT out_max, SQLSMALLINT* out_length, SQLUSMALLINT completion,
                        bool wide) {
  return Call<Connection>(dbc, [&](Connection& c) -> absl::Status {
    if (completion != SQL_DRIVER_NOPROMPT && completion != SQL_DRIVER_COMPLETE &&
        completion != SQL_DRIVER_PROMPT && completion != SQL_DRIVER_COMPLETE_REQUIRED) {
      return core::SqlError("HY110", "invalid driver completion");
    }
    if (out_max < 0) {
      return core::SqlError(core::sqlstate::kInvalidBufferLength,
                            "output buffer length must not be negative");
    }
    QF_ASSIGN_OR_RETURN(std::string text, core::ReadString(in, in_length, wide));
    QF_ASSIGN_OR_RETURN(std::string completed, c.ConnectString(text));
    QF_ASSIGN_OR_RETURN(SQLLEN length,
                        core::WriteString(completed, {out, out_max, wide, false}, &c.diag()));
    if (out_length != nullptr) *out_length = static_cast<SQLSMALLINT>(length);
    return absl::OkStatus();
  });
}

SQLRETURN GetInfo(SQLHDBC dbc, SQLUSMALLINT info_type, SQLPOINTER value, SQLSMALLINT buffer_length,
                  SQLSMALLINT* string_length, bool wide) {
  return Call<Connection>(dbc, [&](Connection& c) -> absl::Status {
    QF_ASSIGN_OR_RETURN(core::InfoValue info, core::GetInfo(c, info_type));
    if (info.is_string) {
      QF_ASSIGN_OR_RETURN(
          SQLLEN length,
          core::WriteString(info.text, {value, buffer_length, wide, true}, &c.diag()));
      if (string_length != nullptr) *string_length = static_cast<SQLSMALLINT>(length);
      return absl::OkStatus();
    }
    if (value != nullptr) {
      if (info.size == 2) {
        *static_cast<SQLUSMALLINT*>(value) = static_cast<SQLUSMALLINT>(info.number);
      } else {
        *static_cast<SQLUINTEGER*>(value) = static_cast<SQLUINTEGER>(info.number);
      }
    }
    if (string_length != nullptr) *string_length = static_cast<SQLSMALLINT>(info.size);
    return absl::OkStatus();
  });
}

SQLRETURN NativeSql(SQLHDBC dbc, const void* in, SQLINTEGER in_length, void* out,
                    SQLINTEGER out_max, SQLINTEGER* out_length, bool wide) {
  return Call<Connection>(dbc, [&](Connection& c) -> absl::Status {
    if (in == nullptr) {
      return core::SqlError(core::sqlstate::kInvalidNullPointer, "SQLNativeSql: null input");
    }
    QF_ASSIGN_OR_RETURN(std::string text, core::ReadString(in, in_length, wide));
    // The text the server will run: escapes translated, '?' markers kept.
    QF_ASSIGN_OR_RETURN(backend::BackendConnection * backend, c.Backend());
    text = backend->NativeSql(text);
    QF_ASSIGN_OR_RETURN(SQLLEN length,
                        core::WriteString(text, {out, out_max, wide, false}, &c.diag()));
    if (out_length != nullptr) *out_length = static_cast<SQLINTEGER>(length);
    return absl::OkStatus();
  });
}

}  // namespace
}  // namespace quietfetch::odbc

using quietfetch::core::Connection;
using quietfetch::odbc::Call;

extern "C" {

SQLRETURN SQL_API SQLConnect(SQLHDBC dbc, SQLCHAR* dsn, SQLSMALLINT dsn_length, SQLCHAR* user,
                             SQLSMALLINT user_length, SQLCHAR* password,
                             SQLSMALLINT password_length) {
  return quietfetch::odbc::Connect(dbc, dsn, dsn_length, user, user_length, password,
                                   password_length, false);
}

SQLRETURN SQL_API SQLConnectW(SQLHDBC dbc, SQLWCHAR* dsn, SQLSMALLINT dsn_length, SQLWCHAR* user,
                              SQLSMALLINT user_length, SQLWCHAR* password,
                              SQLSMALLINT password_length) {
  return quietfetch::odbc::Connect(dbc, dsn, dsn_length, user, user_length, password,
                                   password_length, true);
}

SQLRETURN SQL_API SQLDriverConnect(SQLHDBC dbc, SQLHWND, SQLCHAR* in, SQLSMALLINT in_length,
                                   SQLCHAR* out, SQLSMALLINT out_max, SQLSMALLINT* out_length,
                                   SQLUSMALLINT completion) {
  return quietfetch::odbc::DriverConnect(dbc, in, in_length, out, out_max, out_length, completion,
                                         false);
}

SQLRETURN SQL_API SQLDriverConnectW(SQLHDBC dbc, SQLHWND, SQLWCHAR* in, SQLSMALLINT in_length,
                                    SQLWCHAR* out, SQLSMALLINT out_max, SQLSMALLINT* out_length,
                                    SQLUSMALLINT completion) {
  return quietfetch::odbc::DriverConnect(dbc, in, in_length, out, out_max, out_length, completion,
                                         true);
}

SQLRETURN SQL_API SQLDisconnect(SQLHDBC dbc) {
  return Call<Connection>(dbc, [](Connection& c) { return c.Disconnect(); });
}

SQLRETURN SQL_API SQLSetConnectAttr(SQLHDBC dbc, SQLINTEGER attribute, SQLPOINTER value,
                                    SQLINTEGER length) {
  return Call<Connection>(
      dbc, [&](Connection& c) { return c.SetAttribute(attribute, value, length, false); });
}

SQLRETURN SQL_API SQLSetConnectAttrW(SQLHDBC dbc, SQLINTEGER attribute, SQLPOINTER value,
                                     SQLINTEGER length) {
  return Call<Connection>(
      dbc, [&](Connection& c) { return c.SetAttribute(attribute, value, length, true); });
}

SQLRETURN SQL_API SQLGetConnectAttr(SQLHDBC dbc, SQLINTEGER attribute, SQLPOINTER value,
                                    SQLINTEGER buffer_length, SQLINTEGER* string_length) {
  return Call<Connection>(dbc, [&](Connection& c) {
    return c.GetAttribute(attribute, value, buffer_length, string_length, false);
  });
}

SQLRETURN SQL_API SQLGetConnectAttrW(SQLHDBC dbc, SQLINTEGER attribute, SQLPOINTER value,
                                     SQLINTEGER buffer_length, SQLINTEGER* string_length) {
  return Call<Connection>(dbc, [&](Connection& c) {
    return c.GetAttribute(attribute, value, buffer_length, string_length, true);
  });
}

SQLRETURN SQL_API SQLGetInfo(SQLHDBC dbc, SQLUSMALLINT info_type, SQLPOINTER value,
                             SQLSMALLINT buffer_length, SQLSMALLINT* string_length) {
  return quietfetch::odbc::GetInfo(dbc, info_type, value, buffer_length, string_length, false);
}

SQLRETURN SQL_API SQLGetInfoW(SQLHDBC dbc, SQLUSMALLINT info_type, SQLPOINTER value,
                              SQLSMALLINT buffer_length, SQLSMALLINT* string_length) {
  return quietfetch::odbc::GetInfo(dbc, info_type, value, buffer_length, string_length, true);
}

SQLRETURN SQL_API SQLGetFunctions(SQLHDBC dbc, SQLUSMALLINT function_id, SQLUSMALLINT* supported) {
  return Call<Connection>(
      dbc, [&](Connection&) { return quietfetch::core::GetFunctions(function_id, supported); });
}

SQLRETURN SQL_API SQLNativeSql(SQLHDBC dbc, SQLCHAR* in, SQLINTEGER in_length, SQLCHAR* out,
                               SQLINTEGER out_max, SQLINTEGER* out_length) {
  return quietfetch::odbc::NativeSql(dbc, in, in_length, out, out_max, out_length, false);
}

SQLRETURN SQL_API SQLNativeSqlW(SQLHDBC dbc, SQLWCHAR* in, SQLINTEGER in_length, SQLWCHAR* out,
                                SQLINTEGER out_max, SQLINTEGER* out_length) {
  return quietfetch::odbc::NativeSql(dbc, in, in_length, out, out_max, out_length, true);
}

}  // extern "C"
