// Descriptor entry points.
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include "driver/core/descriptor.h"
#include "driver/odbc/dispatch.h"

namespace quietfetch::odbc {
namespace {

using core::Descriptor;

SQLRETURN GetDescField(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field, SQLPOINTER value,
                       SQLINTEGER buffer_length, SQLINTEGER* string_length) {
  bool no_data = false;
  SQLRETURN rc = Call<Descriptor>(desc, [&](Descriptor& d) -> absl::Status {
    absl::Status status = d.GetField(record, field, value, buffer_length, string_length);
    if (status.code() == absl::StatusCode::kNotFound) {
      no_data = true;
      return absl::OkStatus();
    }
    return status;
  });
  return no_data ? SQL_NO_DATA : rc;
}

}  // namespace
}  // namespace quietfetch::odbc

using quietfetch::core::Descriptor;
using quietfetch::odbc::Call;

extern "C" {

SQLRETURN SQL_API SQLSetDescField(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field,
                                  SQLPOINTER value, SQLINTEGER) {
  return Call<Descriptor>(desc, [&](Descriptor& d) { return d.SetField(record, field, value); });
}

SQLRETURN SQL_API SQLSetDescFieldW(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field,
                                   SQLPOINTER value, SQLINTEGER) {
  return Call<Descriptor>(desc, [&](Descriptor& d) { return d.SetField(record, field, value); });
}

SQLRETURN SQL_API SQLGetDescField(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field,
                                  SQLPOINTER value, SQLINTEGER buffer_length,
                                  SQLINTEGER* string_length) {
  return quietfetch::odbc::GetDescField(desc, record, field, value, buffer_length, string_length);
}

SQLRETURN SQL_API SQLGetDescFieldW(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field,
                                   SQLPOINTER value, SQLINTEGER buffer_length,
                                   SQLINTEGER* string_length) {
  return quietfetch::odbc::GetDescField(desc, record, field, value, buffer_length, string_length);
}

}  // extern "C"
