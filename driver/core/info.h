// What the driver says about itself and the server: SQLGetInfo values (one
// table, not a switch), SQLGetFunctions, SQLGetTypeInfo rows, and the column
// attributes of SQLColAttribute/SQLDescribeCol.
#ifndef QUIETFETCH_DRIVER_CORE_INFO_H_
#define QUIETFETCH_DRIVER_CORE_INFO_H_

#include <sql.h>
#include <sqlext.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "driver/backend/backend.h"

namespace quietfetch::core {

class Connection;

// An info or attribute value: a string, or a number of the given byte size.
struct InfoValue {
  bool is_string = false;
  std::string text;
  uint64_t number = 0;
  int size = 4;  // 2 (SQLUSMALLINT), 4 (SQLUINTEGER) or 8 (SQLLEN/SQLULEN)
};

// HY096 for an unknown info type.
absl::StatusOr<InfoValue> GetInfo(Connection& connection, SQLUSMALLINT info_type);

// SQLGetFunctions: fills `supported` (one SQLUSMALLINT, or the
// SQL_API_ALL_FUNCTIONS / SQL_API_ODBC3_ALL_FUNCTIONS arrays).
absl::Status GetFunctions(SQLUSMALLINT function_id, SQLUSMALLINT* supported);

// SQLGetTypeInfo's result for `data_type` (SQL_ALL_TYPES for every type).
// `odbc2`: the application declared SQL_OV_ODBC2, so DATA_TYPE carries the
// ODBC 2 date/time codes.
absl::StatusOr<std::unique_ptr<backend::Cursor>> TypeInfoResult(SQLSMALLINT data_type,
                                                                SQLULEN max_varchar,
                                                                bool odbc2 = false);

// SQLColAttribute field `field` of a result column (1-based `number`).
absl::StatusOr<InfoValue> ColumnAttribute(const backend::ColumnInfo& column, SQLUSMALLINT number,
                                          SQLUSMALLINT field, SQLULEN max_varchar);

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_INFO_H_
