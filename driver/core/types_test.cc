#include "driver/core/types.h"

#include <gtest/gtest.h>

#include <string>

namespace quietfetch::core {
namespace {

using backend::ColumnInfo;
using backend::LogicalType;

constexpr SQLULEN kMaxVarchar = 8190;

ColumnInfo Column(LogicalType type, std::string type_name = "", int32_t size = -1,
                  int16_t precision = -1, int16_t scale = -1) {
  ColumnInfo column;
  column.name = "c";
  column.type = type;
  column.type_name = std::move(type_name);
  column.size = size;
  column.precision = precision;
  column.scale = scale;
  return column;
}

struct Expected {
  const char* name;
  ColumnInfo column;
  SQLSMALLINT sql_type;
  SQLSMALLINT verbose_type;
  SQLSMALLINT subcode;
  SQLULEN column_size;
  SQLSMALLINT decimal_digits;
  SQLLEN display_size;
  SQLLEN octet_length;
  SQLSMALLINT default_c_type;
  SQLSMALLINT radix;
  bool is_unsigned;
  bool case_sensitive;
  std::string_view literal_prefix;
};

TEST(DescribeType, Table) {
  using LT = LogicalType;
  const Expected cases[] = {
      {"bool", Column(LT::kBool, "bool"), SQL_BIT, SQL_BIT, 0, 1, 0, 1, 1, SQL_C_BIT, 0, true,
       false, ""},
      {"int2", Column(LT::kInt16, "int2"), SQL_SMALLINT, SQL_SMALLINT, 0, 5, 0, 6, 2, SQL_C_SSHORT,
       10, false, false, ""},
      {"int4", Column(LT::kInt32, "int4"), SQL_INTEGER, SQL_INTEGER, 0, 10, 0, 11, 4, SQL_C_SLONG,
       10, false, false, ""},
      {"int8", Column(LT::kInt64, "int8"), SQL_BIGINT, SQL_BIGINT, 0, 19, 0, 20, 8, SQL_C_SBIGINT,
       10, false, false, ""},
      {"float4", Column(LT::kFloat32, "float4"), SQL_REAL, SQL_REAL, 0, 7, 0, 14, 4, SQL_C_FLOAT,
       10, false, false, ""},
      {"float8", Column(LT::kFloat64, "float8"), SQL_DOUBLE, SQL_DOUBLE, 0, 15, 0, 24, 8,
       SQL_C_DOUBLE, 10, false, false, ""},
      {"numeric_declared", Column(LT::kNumeric, "numeric", -1, 10, 2), SQL_NUMERIC, SQL_NUMERIC, 0,
       10, 2, 12, 12, SQL_C_CHAR, 10, false, false, ""},
      {"numeric_precision_only", Column(LT::kNumeric, "numeric", -1, 12), SQL_NUMERIC, SQL_NUMERIC,
       0, 12, 0, 14, 14, SQL_C_CHAR, 10, false, false, ""},
      {"numeric_unbounded", Column(LT::kNumeric, "numeric"), SQL_NUMERIC, SQL_NUMERIC, 0, 28, 6, 30,
       30, SQL_C_CHAR, 10, false, false, ""},
      {"varchar_n", Column(LT::kText, "varchar", 36), SQL_VARCHAR, SQL_VARCHAR, 0, 36, 0, 36, 144,
       SQL_C_CHAR, 0, true, true, "'"},
      {"bpchar_n", Column(LT::kText, "bpchar", 3), SQL_CHAR, SQL_CHAR, 0, 3, 0, 3, 12, SQL_C_CHAR,
       0, true, true, "'"},
      {"text", Column(LT::kText, "text"), SQL_LONGVARCHAR, SQL_LONGVARCHAR, 0, kMaxVarchar, 0, 8190,
       32760, SQL_C_CHAR, 0, true, true, "'"},
      {"varchar_unbounded", Column(LT::kText, "varchar"), SQL_LONGVARCHAR, SQL_LONGVARCHAR, 0,
       kMaxVarchar, 0, 8190, 32760, SQL_C_CHAR, 0, true, true, "'"},
      {"json", Column(LT::kJson, "jsonb"), SQL_LONGVARCHAR, SQL_LONGVARCHAR, 0, kMaxVarchar, 0,
       8190, 32760, SQL_C_CHAR, 0, true, true, "'"},
      {"unknown", Column(LT::kUnknown, "interval"), SQL_VARCHAR, SQL_VARCHAR, 0, kMaxVarchar, 0,
       8190, 32760, SQL_C_CHAR, 0, true, true, "'"},
      {"bytea", Column(LT::kBytes, "bytea"), SQL_LONGVARBINARY, SQL_LONGVARBINARY, 0, kMaxVarchar,
       0, 16380, 8190, SQL_C_BINARY, 0, true, false, ""},
      {"bytes_sized", Column(LT::kBytes, "bytea", 16), SQL_VARBINARY, SQL_VARBINARY, 0, 16, 0, 32,
       16, SQL_C_BINARY, 0, true, false, ""},
      {"date", Column(LT::kDate, "date"), SQL_TYPE_DATE, SQL_DATETIME, SQL_CODE_DATE, 10, 0, 10, 6,
       SQL_C_TYPE_DATE, 0, true, false, "'"},
      {"time", Column(LT::kTime, "time"), SQL_TYPE_TIME, SQL_DATETIME, SQL_CODE_TIME, 15, 6, 15, 6,
       SQL_C_TYPE_TIME, 0, true, false, "'"},
      {"time_0", Column(LT::kTime, "time", -1, -1, 0), SQL_TYPE_TIME, SQL_DATETIME, SQL_CODE_TIME,
       8, 0, 8, 6, SQL_C_TYPE_TIME, 0, true, false, "'"},
      {"timestamp", Column(LT::kTimestamp, "timestamp"), SQL_TYPE_TIMESTAMP, SQL_DATETIME,
       SQL_CODE_TIMESTAMP, 26, 6, 26, 16, SQL_C_TYPE_TIMESTAMP, 0, true, false, "'"},
      {"timestamp_3", Column(LT::kTimestamp, "timestamp", -1, -1, 3), SQL_TYPE_TIMESTAMP,
       SQL_DATETIME, SQL_CODE_TIMESTAMP, 23, 3, 23, 16, SQL_C_TYPE_TIMESTAMP, 0, true, false, "'"},
      {"timestamp_0", Column(LT::kTimestamp, "timestamp", -1, -1, 0), SQL_TYPE_TIMESTAMP,
       SQL_DATETIME, SQL_CODE_TIMESTAMP, 19, 0, 19, 16, SQL_C_TYPE_TIMESTAMP, 0, true, false, "'"},
      {"timestamptz", Column(LT::kTimestampTz, "timestamptz"), SQL_TYPE_TIMESTAMP, SQL_DATETIME,
       SQL_CODE_TIMESTAMP, 26, 6, 26, 16, SQL_C_TYPE_TIMESTAMP, 0, true, false, "'"},
      {"uuid", Column(LT::kUuid, "uuid"), SQL_GUID, SQL_GUID, 0, 36, 0, 36, 16, SQL_C_GUID, 0, true,
       false, "'"},
  };
  for (const Expected& c : cases) {
    SCOPED_TRACE(c.name);
    SqlTypeInfo info = DescribeType(c.column, kMaxVarchar);
    EXPECT_EQ(info.sql_type, c.sql_type);
    EXPECT_EQ(info.verbose_type, c.verbose_type);
    EXPECT_EQ(info.datetime_subcode, c.subcode);
    EXPECT_EQ(info.column_size, c.column_size);
    EXPECT_EQ(info.decimal_digits, c.decimal_digits);
    EXPECT_EQ(info.display_size, c.display_size);
    EXPECT_EQ(info.octet_length, c.octet_length);
    EXPECT_EQ(info.default_c_type, c.default_c_type);
    EXPECT_EQ(info.num_prec_radix, c.radix);
    EXPECT_EQ(info.is_unsigned, c.is_unsigned);
    EXPECT_EQ(info.case_sensitive, c.case_sensitive);
    EXPECT_TRUE(info.searchable);
    EXPECT_EQ(info.literal_prefix, c.literal_prefix);
  }
}

TEST(DescribeType, HugeMaxVarcharSaturatesOctetLength) {
  SqlTypeInfo info = DescribeType(Column(LogicalType::kText, "text"), 1'500'000'000);
  EXPECT_EQ(info.column_size, 1'500'000'000u);
  EXPECT_EQ(info.display_size, 1'500'000'000);
  EXPECT_EQ(info.octet_length, 2147483647);
  SqlTypeInfo bytes = DescribeType(Column(LogicalType::kBytes, "bytea"), 4'000'000'000);
  EXPECT_EQ(bytes.octet_length, 2147483647);
  EXPECT_EQ(bytes.display_size, 2147483647);
}

TEST(DescribeType, SizedUnknownKeepsItsSize) {
  SqlTypeInfo info = DescribeType(Column(LogicalType::kUnknown, "bit", 5), kMaxVarchar);
  EXPECT_EQ(info.sql_type, SQL_VARCHAR);
  EXPECT_EQ(info.column_size, 5u);
}

TEST(Odbc2TypeCodeTest, MapsOnlyTheDateTimeTypes) {
  EXPECT_EQ(Odbc2TypeCode(SQL_TYPE_DATE), SQL_DATE);
  EXPECT_EQ(Odbc2TypeCode(SQL_TYPE_TIME), SQL_TIME);
  EXPECT_EQ(Odbc2TypeCode(SQL_TYPE_TIMESTAMP), SQL_TIMESTAMP);
  EXPECT_EQ(Odbc2TypeCode(SQL_VARCHAR), SQL_VARCHAR);
  EXPECT_EQ(Odbc2TypeCode(SQL_INTEGER), SQL_INTEGER);
  EXPECT_EQ(Odbc2TypeCode(SQL_GUID), SQL_GUID);
}

}  // namespace
}  // namespace quietfetch::core
