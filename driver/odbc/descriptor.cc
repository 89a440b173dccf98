// Descriptor entry points: SQLGetDescField, SQLSetDescField, SQLGetDescRec,
// SQLSetDescRec and SQLCopyDesc (ANSI and W over one implementation each).
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include "driver/core/descriptor.h"
#include "driver/core/output.h"
#include "driver/core/status.h"
#include "driver/odbc/dispatch.h"

namespace quietfetch::odbc {
namespace {

using core::Descriptor;

// Runs a descriptor body whose absl::StatusCode::kNotFound means SQL_NO_DATA.
template <typename Body>
SQLRETURN CallWithNoData(SQLHDESC desc, Body&& body) {
  bool no_data = false;
  SQLRETURN rc = Call<Descriptor>(desc, [&](Descriptor& d) -> absl::Status {
    absl::Status status = body(d);
    if (status.code() == absl::StatusCode::kNotFound) {
      no_data = true;
      return absl::OkStatus();
    }
    return status;
  });
  return no_data && SQL_SUCCEEDED(rc) ? SQL_NO_DATA : rc;
}

SQLRETURN GetDescField(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field, SQLPOINTER value,
                       SQLINTEGER buffer_length, SQLINTEGER* string_length, bool wide) {
  return CallWithNoData(desc, [&](Descriptor& d) {
    return d.GetField(record, field, value, buffer_length, string_length, wide);
  });
}

SQLRETURN SetDescField(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field, SQLPOINTER value,
                       SQLINTEGER buffer_length, bool wide) {
  return Call<Descriptor>(
      desc, [&](Descriptor& d) { return d.SetField(record, field, value, buffer_length, wide); });
}

SQLRETURN GetDescRec(SQLHDESC desc, SQLSMALLINT record, void* name, SQLSMALLINT buffer_length,
                     SQLSMALLINT* string_length, SQLSMALLINT* type, SQLSMALLINT* subcode,
                     SQLLEN* length, SQLSMALLINT* precision, SQLSMALLINT* scale,
                     SQLSMALLINT* nullable, bool wide) {
  return CallWithNoData(desc, [&](Descriptor& d) -> absl::Status {
    Descriptor::RecordView view;
    QF_RETURN_IF_ERROR(d.GetRecord(record, &view));
    // BufferLength is in characters here (SQLGetDescRecW: SQLWCHARs).
    QF_ASSIGN_OR_RETURN(
        SQLLEN name_length,
        core::WriteString(view.name, {name, name == nullptr ? 0 : buffer_length, wide, false},
                          &d.diag()));
    if (string_length != nullptr) *string_length = static_cast<SQLSMALLINT>(name_length);
    if (type != nullptr) *type = view.type;
    if (subcode != nullptr) *subcode = view.subcode;
    if (length != nullptr) *length = view.octet_length;
    if (precision != nullptr) *precision = view.precision;
    if (scale != nullptr) *scale = view.scale;
    if (nullable != nullptr) *nullable = view.nullable;
    return absl::OkStatus();
  });
}

}  // namespace
}  // namespace quietfetch::odbc

using quietfetch::core::Descriptor;
using quietfetch::odbc::Call;

extern "C" {

SQLRETURN SQL_API SQLSetDescField(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field,
                                  SQLPOINTER value, SQLINTEGER buffer_length) {
  return quietfetch::odbc::SetDescField(desc, record, field, value, buffer_length, false);
}

SQLRETURN SQL_API SQLSetDescFieldW(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field,
                                   SQLPOINTER value, SQLINTEGER buffer_length) {
  return quietfetch::odbc::SetDescField(desc, record, field, value, buffer_length, true);
}

SQLRETURN SQL_API SQLGetDescField(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field,
                                  SQLPOINTER value, SQLINTEGER buffer_length,
                                  SQLINTEGER* string_length) {
  return quietfetch::odbc::GetDescField(desc, record, field, value, buffer_length, string_length,
                                        false);
}

SQLRETURN SQL_API SQLGetDescFieldW(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field,
                                   SQLPOINTER value, SQLINTEGER buffer_length,
                                   SQLINTEGER* string_length) {
  return quietfetch::odbc::GetDescField(desc, record, field, value, buffer_length, string_length,
                                        true);
}

SQLRETURN SQL_API SQLGetDescRec(SQLHDESC desc, SQLSMALLINT record, SQLCHAR* name,
                                SQLSMALLINT buffer_length, SQLSMALLINT* string_length,
                                SQLSMALLINT* type, SQLSMALLINT* subcode, SQLLEN* length,
                                SQLSMALLINT* precision, SQLSMALLINT* scale, SQLSMALLINT* nullable) {
  return quietfetch::odbc::GetDescRec(desc, record, name, buffer_length, string_length, type,
                                      subcode, length, precision, scale, nullable, false);
}

SQLRETURN SQL_API SQLGetDescRecW(SQLHDESC desc, SQLSMALLINT record, SQLWCHAR* name,
                                 SQLSMALLINT buffer_length, SQLSMALLINT* string_length,
                                 SQLSMALLINT* type, SQLSMALLINT* subcode, SQLLEN* length,
                                 SQLSMALLINT* precision, SQLSMALLINT* scale,
                                 SQLSMALLINT* nullable) {
  return quietfetch::odbc::GetDescRec(desc, record, name, buffer_length, string_length, type,
                                      subcode, length, precision, scale, nullable, true);
}

// No string arguments: one entry point serves ANSI and Unicode applications.
SQLRETURN SQL_API SQLSetDescRec(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT type,
                                SQLSMALLINT subcode, SQLLEN length, SQLSMALLINT precision,
                                SQLSMALLINT scale, SQLPOINTER data, SQLLEN* string_length,
                                SQLLEN* indicator) {
  return Call<Descriptor>(desc, [&](Descriptor& d) {
    return d.SetRecord(record, type, subcode, length, precision, scale, data, string_length,
                       indicator);
  });
}

SQLRETURN SQL_API SQLCopyDesc(SQLHDESC source, SQLHDESC target) {
  // Errors belong to the target handle, as ODBC says; both descriptors
  // belong to connections whose lock Call takes for the target.
  auto* from = quietfetch::core::Handle::Cast<Descriptor>(source);
  if (from == nullptr) return SQL_INVALID_HANDLE;
  return Call<Descriptor>(target, [&](Descriptor& d) -> absl::Status {
    std::lock_guard<std::recursive_mutex> lock(from->call_mutex());
    return d.CopyFrom(*from);
  });
}

}  // extern "C"
