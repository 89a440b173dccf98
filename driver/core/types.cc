// Column metadata per ODBC's appendix D ("Column Size", "Decimal Digits",
// "Transfer Octet Length", "Display Size").
//
// Choices:
//  - Character sizes are in characters; their octet length assumes UTF-8's
//    worst case of 4 bytes a character and saturates at INT32_MAX, because
//    applications often keep it in a 32-bit int.
//  - numeric without a declared precision reports 28 digits with scale 6,
//    as psqlODBC does; numeric(p) without a scale has scale 0, as in PG.
//  - Floating types report decimal column sizes (REAL 7, DOUBLE 15) with
//    radix 10, so size and radix agree.
//  - time/timestamp without a declared precision have PG's 6 fractional
//    digits: TIME 15 = "HH:MM:SS.ffffff", TIMESTAMP 26.
//  - SQL_DESC_UNSIGNED is true for every non-numeric type (ODBC defines it so).
#include "driver/core/types.h"

#include <cstdint>

#include "driver/core/convert.h"

namespace quietfetch::core {
namespace {

using backend::LogicalType;

constexpr SQLLEN kMaxOctetLength = INT32_MAX;

SQLLEN SaturatingOctets(SQLULEN characters, SQLULEN bytes_per_character) {
  if (characters > static_cast<SQLULEN>(kMaxOctetLength) / bytes_per_character) {
    return kMaxOctetLength;
  }
  return static_cast<SQLLEN>(characters * bytes_per_character);
}

SQLLEN SaturatingLength(SQLULEN value) {
  return value > static_cast<SQLULEN>(kMaxOctetLength) ? kMaxOctetLength
                                                       : static_cast<SQLLEN>(value);
}

SqlTypeInfo Base(LogicalType type, SQLSMALLINT sql_type) {
  SqlTypeInfo info{};
  info.sql_type = sql_type;
  info.verbose_type = sql_type;
  info.datetime_subcode = 0;
  info.default_c_type = DefaultCType(type);
  info.num_prec_radix = 0;
  info.is_unsigned = true;
  info.case_sensitive = false;
  info.searchable = true;
  info.literal_prefix = "";
  info.literal_suffix = "";
  return info;
}

SqlTypeInfo Exact(LogicalType type, SQLSMALLINT sql_type, SQLULEN digits, SQLLEN octets) {
  SqlTypeInfo info = Base(type, sql_type);
  info.column_size = digits;
  info.decimal_digits = 0;
  info.display_size = static_cast<SQLLEN>(digits) + 1;  // sign
  info.octet_length = octets;
  info.num_prec_radix = 10;
  info.is_unsigned = false;
  return info;
}

SqlTypeInfo Character(LogicalType type, SQLSMALLINT sql_type, SQLULEN size) {
  SqlTypeInfo info = Base(type, sql_type);
  info.column_size = size;
  info.decimal_digits = 0;
  info.display_size = SaturatingLength(size);
  info.octet_length = SaturatingOctets(size, 4);
  info.case_sensitive = true;
  info.literal_prefix = "'";
  info.literal_suffix = "'";
  return info;
}

SqlTypeInfo DateTime(LogicalType type, SQLSMALLINT sql_type, SQLSMALLINT subcode, SQLULEN size,
                     SQLSMALLINT digits, SQLLEN octets) {
  SqlTypeInfo info = Base(type, sql_type);
  info.verbose_type = SQL_DATETIME;
  info.datetime_subcode = subcode;
  info.column_size = size;
  info.decimal_digits = digits;
  info.display_size = static_cast<SQLLEN>(size);
  info.octet_length = octets;
  info.literal_prefix = "'";
  info.literal_suffix = "'";
  return info;
}

SQLSMALLINT FractionDigits(const backend::ColumnInfo& column) {
  return column.scale >= 0 && column.scale <= 9 ? column.scale : 6;
}

SQLULEN WithFraction(SQLULEN base, SQLSMALLINT digits) {
  return digits > 0 ? base + 1 + static_cast<SQLULEN>(digits) : base;
}

}  // namespace

SqlTypeInfo DescribeType(const backend::ColumnInfo& column, SQLULEN max_varchar) {
  LogicalType type = column.type;
  bool sized = column.size > 0;
  auto declared = static_cast<SQLULEN>(sized ? column.size : 0);
  switch (type) {
    case LogicalType::kBool: {
      SqlTypeInfo info = Base(type, SQL_BIT);
      info.column_size = 1;
      info.decimal_digits = 0;
      info.display_size = 1;
      info.octet_length = 1;
      return info;
    }
    case LogicalType::kInt16:
      return Exact(type, SQL_SMALLINT, 5, 2);
    case LogicalType::kInt32:
      return Exact(type, SQL_INTEGER, 10, 4);
    case LogicalType::kInt64: {
      SqlTypeInfo info = Exact(type, SQL_BIGINT, 19, 8);
      info.display_size = 20;
      return info;
    }
    case LogicalType::kFloat32:
    case LogicalType::kFloat64: {
      bool single = type == LogicalType::kFloat32;
      SqlTypeInfo info = Base(type, single ? SQL_REAL : SQL_DOUBLE);
      info.column_size = single ? 7 : 15;
      info.decimal_digits = 0;
      info.display_size = single ? 14 : 24;
      info.octet_length = single ? 4 : 8;
      info.num_prec_radix = 10;
      info.is_unsigned = false;
      return info;
    }
    case LogicalType::kNumeric: {
      bool known = column.precision > 0;
      SQLULEN precision = known ? static_cast<SQLULEN>(column.precision) : 28;
      SQLSMALLINT scale = column.scale >= 0 ? column.scale : (known ? 0 : 6);
      SqlTypeInfo info = Base(type, SQL_NUMERIC);
      info.column_size = precision;
      info.decimal_digits = scale;
      // Sign and decimal point.
      info.display_size = static_cast<SQLLEN>(precision) + 2;
      info.octet_length = static_cast<SQLLEN>(precision) + 2;
      info.num_prec_radix = 10;
      info.is_unsigned = false;
      return info;
    }
    case LogicalType::kText: {
      if (!sized) return Character(type, SQL_LONGVARCHAR, max_varchar);
      bool fixed = column.type_name == "bpchar" || column.type_name == "char";
      return Character(type, fixed ? SQL_CHAR : SQL_VARCHAR, declared);
    }
    case LogicalType::kJson:
      return Character(type, SQL_LONGVARCHAR, max_varchar);
    case LogicalType::kUnknown:
      return Character(type, SQL_VARCHAR, sized ? declared : max_varchar);
    case LogicalType::kBytes: {
      SQLULEN size = sized ? declared : max_varchar;
      SqlTypeInfo info = Base(type, sized ? SQL_VARBINARY : SQL_LONGVARBINARY);
      info.column_size = size;
      info.decimal_digits = 0;
      // Two hex digits a byte when shown as characters.
      info.display_size = SaturatingOctets(size, 2);
      info.octet_length = SaturatingLength(size);
      return info;
    }
    case LogicalType::kDate:
      return DateTime(type, SQL_TYPE_DATE, SQL_CODE_DATE, 10, 0, sizeof(SQL_DATE_STRUCT));
    case LogicalType::kTime: {
      SQLSMALLINT digits = FractionDigits(column);
      return DateTime(type, SQL_TYPE_TIME, SQL_CODE_TIME, WithFraction(8, digits), digits,
                      sizeof(SQL_TIME_STRUCT));
    }
    case LogicalType::kTimestamp:
    case LogicalType::kTimestampTz: {
      SQLSMALLINT digits = FractionDigits(column);
      return DateTime(type, SQL_TYPE_TIMESTAMP, SQL_CODE_TIMESTAMP, WithFraction(19, digits),
                      digits, sizeof(SQL_TIMESTAMP_STRUCT));
    }
    case LogicalType::kUuid: {
      SqlTypeInfo info = Base(type, SQL_GUID);
      info.column_size = 36;
      info.decimal_digits = 0;
      info.display_size = 36;
      info.octet_length = sizeof(SQLGUID);
      info.literal_prefix = "'";
      info.literal_suffix = "'";
      return info;
    }
  }
  return Character(LogicalType::kUnknown, SQL_VARCHAR, max_varchar);
}

SQLSMALLINT Odbc2TypeCode(SQLSMALLINT sql_type) {
  switch (sql_type) {
    case SQL_TYPE_DATE:
      return SQL_DATE;
    case SQL_TYPE_TIME:
      return SQL_TIME;
    case SQL_TYPE_TIMESTAMP:
      return SQL_TIMESTAMP;
    default:
      return sql_type;
  }
}

}  // namespace quietfetch::core
