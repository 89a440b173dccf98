// ODBC metadata for the canonical value types: what SQL type a column reports,
// its size, digits and display size, and which C type SQL_C_DEFAULT means.
// Used by SQLDescribeCol, SQLColAttribute and SQLGetTypeInfo.
#ifndef QUIETFETCH_DRIVER_CORE_TYPES_H_
#define QUIETFETCH_DRIVER_CORE_TYPES_H_

#include <sql.h>
#include <sqlext.h>

#include <string_view>

#include "driver/backend/backend.h"

namespace quietfetch::core {

struct SqlTypeInfo {
  SQLSMALLINT sql_type;          // concise SQL type, e.g. SQL_INTEGER, SQL_TYPE_TIMESTAMP
  SQLSMALLINT verbose_type;      // SQL_DATETIME for date/time types, else == sql_type
  SQLSMALLINT datetime_subcode;  // SQL_CODE_DATE etc., 0 otherwise
  SQLULEN column_size;           // ODBC "column size" (chars for text, digits for numbers)
  SQLSMALLINT decimal_digits;
  SQLLEN display_size;
  SQLLEN octet_length;         // bytes to hold the value in its default C type
  SQLSMALLINT default_c_type;  // what SQL_C_DEFAULT means for this column
  SQLSMALLINT num_prec_radix;  // 10 or 2 for numbers, 0 otherwise
  bool is_unsigned;
  bool case_sensitive;
  bool searchable;
  std::string_view literal_prefix;  // "'" for character/date types, "" otherwise
  std::string_view literal_suffix;  // what closes the literal: the same quote
};

// Text columns report SQL_VARCHAR with UTF-8 data (fast for pyodbc, which then
// reads them as SQL_C_CHAR); unbounded text reports SQL_LONGVARCHAR.
// `max_varchar` is the column size used for text without a declared length.
SqlTypeInfo DescribeType(const backend::ColumnInfo& column, SQLULEN max_varchar);

// The ODBC 2 code of a date/time type (SQL_TYPE_DATE -> SQL_DATE, ...); other
// types unchanged. Result sets (catalog functions, SQLGetTypeInfo) use it for
// an application that declared SQL_OV_ODBC2; the driver manager maps only
// SQLDescribeCol/SQLColAttribute.
SQLSMALLINT Odbc2TypeCode(SQLSMALLINT sql_type);

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_TYPES_H_
