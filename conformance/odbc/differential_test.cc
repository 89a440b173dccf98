// Differential tests: the same queries through quietfetch and psqlODBC, over
// Unicode (W API) connections as pyodbc makes them. Values must agree as text
// (SQL_C_CHAR and SQL_C_WCHAR); column names and SQL types must agree except
// for the differences listed below, each with its reason.
#include <cmath>
#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "conformance/odbc/backend.h"
#include "conformance/odbc/odbc_util.h"

namespace quietfetch::conformance {
namespace {

struct DiffQuery {
  const char* name;
  const char* sql;
  // One letter per column: 'e' exact text, 'd' same double (ODBC leaves the
  // spelling of approximate numbers open), 'i' ignoring case (hex digits).
  // Empty means every column exact.
  const char* compare;
};

const DiffQuery kQueries[] = {
    {"bool_values", "SELECT true, false, CAST(NULL AS bool)", ""},
    {"int2_extremes",
     "SELECT CAST(-32768 AS int2), CAST(32767 AS int2), CAST(0 AS int2), CAST(-1 AS int2)", ""},
    {"int4_extremes",
     "SELECT CAST(-2147483648 AS int4), CAST(2147483647 AS int4), CAST(0 AS int4), "
     "CAST(-1 AS int4)",
     ""},
    {"int8_extremes",
     "SELECT CAST(-9223372036854775808 AS int8), CAST(9223372036854775807 AS int8), "
     "CAST(0 AS int8), CAST(-1 AS int8)",
     ""},
    {"float4_values",
     "SELECT CAST(1.5 AS float4), CAST(-0.25 AS float4), CAST(3.4028235e38 AS float4), "
     "CAST(1.17549435e-38 AS float4)",
     "dddd"},
    {"float8_values",
     "SELECT CAST(0.1 AS float8), CAST(-1e308 AS float8), CAST(5e-324 AS float8), "
     "CAST(1.0 / 3 AS float8), CAST(1e16 AS float8), CAST(-0.0 AS float8)",
     "dddddd"},
    {"float_specials",
     "SELECT CAST('NaN' AS float8), CAST('Infinity' AS float8), CAST('-Infinity' AS float4)",
     "ddd"},
    {"numeric_values",
     "SELECT CAST(0 AS numeric), CAST(-0.000001 AS numeric), "
     "CAST('123456789012345678901234567890.123456789' AS numeric), "
     "CAST(1.10 AS numeric(10,2)), CAST('NaN' AS numeric)",
     ""},
    {"numeric_extremes",
     "SELECT CAST(-99999999.99 AS numeric(10,2)), CAST(1e-20 AS numeric), "
     "CAST(1e30 AS numeric)",
     ""},
    {"char_padded", "SELECT CAST('ab' AS char(4)), CAST('' AS char(3)), CAST('x' AS char(1))", ""},
    {"varchar_values",
     "SELECT CAST('plain' AS varchar(10)), CAST('' AS varchar), "
     "CAST(U&'h\\00e9llo' AS varchar(5))",
     ""},
    {"text_special_chars",
     "SELECT E'tab\\there', E'line\\nbreak', 'quote''s \"double\"', E'back\\\\slash', ' '", ""},
    {"text_unicode",
     "SELECT U&'\\+01F600', U&'\\4e2d\\6587', U&'e\\0301', U&'\\+01F468\\200D\\+01F469 x'", ""},
    {"text_long", "SELECT repeat('0123456789', 1000), repeat(U&'\\00e9\\+01F600', 3000)", ""},
    {"bytea_values",
     "SELECT CAST('\\x' AS bytea), CAST('\\x00ff10' AS bytea), "
     "decode(repeat('ab', 300), 'hex')",
     "iii"},
    {"bytea_every_byte",
     "SELECT decode(string_agg(lpad(to_hex(g), 2, '0'), '' ORDER BY g), 'hex') "
     "FROM generate_series(0, 255) g",
     "i"},
    {"date_values",
     "SELECT DATE '0001-01-01', DATE '9999-12-31', DATE '2000-02-29', DATE '1970-01-01'", ""},
    {"time_values",
     "SELECT TIME '00:00:00', TIME '23:59:59.999999', TIME '12:34:56.5', TIME '24:00:00'", ""},
    {"timestamp_values",
     "SELECT TIMESTAMP '1900-01-01 00:00:00', TIMESTAMP '2024-02-29 13:14:15.1', "
     "TIMESTAMP '1999-12-31 23:59:59.999999', TIMESTAMP '2038-01-19 03:14:08'",
     ""},
    {"timestamptz_values",
     "SELECT TIMESTAMPTZ '2024-02-29 13:14:15.5+02', TIMESTAMPTZ '1970-01-01 00:00:00+00', "
     "TIMESTAMPTZ '2000-06-30 23:59:59.000001-07'",
     ""},
    {"uuid_values",
     "SELECT CAST('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' AS uuid), "
     "CAST('00000000-0000-0000-0000-000000000000' AS uuid), "
     "CAST('FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF' AS uuid)",
     "iii"},
    {"json_values",
     "SELECT CAST('{\"a\":  [1, 2]}' AS json), CAST('{\"b\": 2, \"a\": 1}' AS jsonb), "
     "CAST('null' AS json), CAST('[1, \"x\", null]' AS jsonb)",
     ""},
    {"nulls_of_every_type",
     "SELECT CAST(NULL AS bool), CAST(NULL AS int2), CAST(NULL AS int4), CAST(NULL AS int8), "
     "CAST(NULL AS float4), CAST(NULL AS float8), CAST(NULL AS numeric), CAST(NULL AS char(2)), "
     "CAST(NULL AS varchar(3)), CAST(NULL AS text), CAST(NULL AS bytea), CAST(NULL AS date), "
     "CAST(NULL AS time), CAST(NULL AS timestamp), CAST(NULL AS timestamptz), "
     "CAST(NULL AS uuid), CAST(NULL AS json), CAST(NULL AS jsonb)",
     ""},
    {"mixed_row",
     "SELECT 1, 'a', CAST(2.5 AS numeric), NULL, true, DATE '2020-01-02', CAST('' AS text)", ""},
    {"many_rows",
     "SELECT g, 'row ' || g, CAST(g AS numeric) * 1.5, g % 3 = 0, "
     "CASE WHEN g % 7 = 0 THEN NULL ELSE g END FROM generate_series(1, 2000) g ORDER BY 1",
     ""},
    {"empty_result", "SELECT 1 AS a, 'x' AS b WHERE false", ""},
    {"column_names",
     "SELECT 1 AS \"MixedCase\", 2 AS lower_case, 3 AS \"with space\", 4 AS U&\"\\00e9t\\00e9\"",
     ""},
    {"types_without_odbc_counterpart",
     "SELECT ARRAY[1, 2, 3], INTERVAL '1 day 2 hours', TIMETZ '12:00:00+02', current_user, "
     "CAST('10.0.0.1/8' AS inet)",
     ""},
    {"negative_values",
     "SELECT CAST(-1 AS int8), CAST(-0.5 AS numeric), CAST(-1.5 AS float8), "
     "CAST('-1 day' AS interval)",
     "eede"},
    {"infinite_and_bc_dates", "SELECT DATE 'infinity', TIMESTAMP '-infinity', DATE '0044-03-15 BC'",
     ""},
    {"expressions",
     "SELECT 7 / 2, 7.0 / 2, length('abc'), upper('abc'), 2 ^ 10, 10 % 3, 'a' || NULL", "eeeede"},
};

// Cells whose values legitimately differ: quietfetch's value is checked, and
// psqlODBC's is reported as a quirk.
struct KnownValueDifference {
  const char* query;
  int column;  // 1-based
  const char* quietfetch;
  const char* reason;
};

const KnownValueDifference kValueDifferences[] = {
    // Infinity has no ODBC date or timestamp value; quietfetch clamps it to
    // the ends of the ODBC range (driver/backend/postgres/value_decoder.h),
    // the same value whichever C type the application asks for.
    {"infinite_and_bc_dates", 1, "9999-12-31", "psqlODBC turns an infinite date into 0000-00-00"},
    {"infinite_and_bc_dates", 2, "0001-01-01 00:00:00",
     "psqlODBC turns -infinity into 9999-01-01 00:00:00 BC"},
    {"infinite_and_bc_dates", 3, "0044-03-15 BC",
     "psqlODBC drops the era of BC dates, naming a different day"},
};

// SQL types that legitimately differ, by PostgreSQL type name (as quietfetch
// reports it in SQL_DESC_TYPE_NAME) and, where the difference is narrower
// than the type, by query and column. Character types the Unicode psqlODBC
// reports as SQL_W* are handled by the reports_text_as_wide_to_unicode_apps
// quirk rather than listed here.
struct KnownTypeDifference {
  const char* pg_type;
  SQLSMALLINT quietfetch;
  SQLSMALLINT psqlodbc;
  const char* reason;
  const char* query = nullptr;  // any query when null
  int column = 0;               // any column when 0
};

const KnownTypeDifference kTypeDifferences[] = {
    {"bool", SQL_BIT, SQL_VARCHAR, "psqlODBC's BoolsAsChar=1 default describes bool as text"},
    {"float8", SQL_DOUBLE, SQL_FLOAT,
     "both are 53-bit doubles; quietfetch uses the fixed-precision SQL_DOUBLE"},
    {"json", SQL_LONGVARCHAR, SQL_VARCHAR,
     "psqlODBC does not know json (type name \"unknown\", 255 characters); it is unbounded text"},
    {"jsonb", SQL_LONGVARCHAR, SQL_VARCHAR, "as json"},
    {"varchar", SQL_LONGVARCHAR, SQL_VARCHAR,
     "varchar without a length is unbounded; psqlODBC claims 255 characters (MaxVarcharSize)",
     "varchar_values", 2},
};

SQLSMALLINT NarrowType(SQLSMALLINT type) {
  switch (type) {
    case SQL_WCHAR:
      return SQL_CHAR;
    case SQL_WVARCHAR:
      return SQL_VARCHAR;
    case SQL_WLONGVARCHAR:
      return SQL_LONGVARCHAR;
    default:
      return type;
  }
}

bool SameDouble(const std::string& a, const std::string& b) {
  double x = std::strtod(a.c_str(), nullptr);
  double y = std::strtod(b.c_str(), nullptr);
  return x == y || (std::isnan(x) && std::isnan(y));
}

void PrintTo(const DiffQuery& query, std::ostream* os) { *os << query.name; }

struct ColumnInfo {
  std::string name;
  SQLSMALLINT type = 0;
  std::string type_name;
};

class DifferentialTest : public ::testing::TestWithParam<DiffQuery> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(CheckEnvironmentFor(QuietfetchBackend(), &test_env_));
    env_ = MakeEnv();
    ASSERT_TRUE(env_);
    ASSERT_NO_FATAL_FAILURE(ConnectUnicode(QuietfetchBackend(), &quietfetch_));
    ASSERT_NO_FATAL_FAILURE(ConnectUnicode(PsqlodbcBackend(), &psqlodbc_));
  }

  void ConnectUnicode(const Backend& backend, Dbc* dbc) {
    *dbc = AllocDbc(env_);
    ASSERT_TRUE(*dbc);
    std::u16string connection = Utf8ToUtf16(backend.ConnectionString(test_env_.server));
    QF_ASSERT_OK(*dbc, SQLDriverConnectW(dbc->get(), nullptr, AsSqlWchar(connection), SQL_NTS,
                                         nullptr, 0, nullptr, SQL_DRIVER_NOPROMPT))
        << backend.name;
    ASSERT_TRUE(Exec(*dbc, "SET TIME ZONE 'UTC'"));
  }

  // Runs the query through the W API and reads its columns and rows.
  void Run(const Dbc& dbc, SQLSMALLINT c_type, std::vector<ColumnInfo>* columns, Rows* rows) {
    Stmt stmt = AllocStmt(dbc);
    ASSERT_TRUE(stmt);
    std::u16string sql = Utf8ToUtf16(GetParam().sql);
    QF_ASSERT_OK(stmt, SQLExecDirectW(stmt.get(), AsSqlWchar(sql), SQL_NTS));
    SQLSMALLINT count = 0;
    QF_ASSERT_OK(stmt, SQLNumResultCols(stmt.get(), &count));
    columns->assign(static_cast<size_t>(count), ColumnInfo());
    for (SQLUSMALLINT c = 1; c <= count; ++c) {
      ColumnInfo& info = (*columns)[c - 1];
      SQLWCHAR name[128] = {};
      SQLSMALLINT name_len = 0, digits = 0, nullable = 0;
      SQLULEN size = 0;
      QF_ASSERT_OK(stmt, SQLDescribeColW(stmt.get(), c, name, 128, &name_len, &info.type, &size,
                                         &digits, &nullable));
      info.name = Utf16ToUtf8(std::u16string(reinterpret_cast<char16_t*>(name)));
      char type_name[128] = {};
      QF_ASSERT_OK(stmt, SQLColAttribute(stmt.get(), c, SQL_DESC_TYPE_NAME, type_name,
                                         sizeof(type_name), nullptr, nullptr));
      info.type_name = type_name;
    }
    ASSERT_TRUE(FetchAll(stmt, rows, c_type));
  }

  TestEnvironment test_env_;
  Env env_;
  Dbc quietfetch_;
  Dbc psqlodbc_;
};

TEST_P(DifferentialTest, DriversAgree) {
  const DiffQuery& query = GetParam();
  const Backend& psql = PsqlodbcBackend();
  for (SQLSMALLINT c_type : {SQL_C_CHAR, SQL_C_WCHAR}) {
    SCOPED_TRACE(c_type == SQL_C_CHAR ? "as SQL_C_CHAR" : "as SQL_C_WCHAR");
    std::vector<ColumnInfo> qf_columns, psql_columns;
    Rows qf_rows, psql_rows;
    ASSERT_NO_FATAL_FAILURE(Run(quietfetch_, c_type, &qf_columns, &qf_rows));
    ASSERT_NO_FATAL_FAILURE(Run(psqlodbc_, c_type, &psql_columns, &psql_rows));
    ASSERT_EQ(qf_columns.size(), psql_columns.size());
    ASSERT_EQ(qf_rows.size(), psql_rows.size());

    for (size_t c = 0; c < qf_columns.size(); ++c) {
      const ColumnInfo& qf = qf_columns[c];
      const ColumnInfo& ps = psql_columns[c];
      SCOPED_TRACE("column " + std::to_string(c + 1) + " (" + qf.type_name + ")");
      EXPECT_EQ(qf.name, ps.name);
      SQLSMALLINT ps_type = ps.type;
      if (psql.quirks.reports_text_as_wide_to_unicode_apps && NarrowType(ps_type) != ps_type) {
        ps_type = NarrowType(ps_type);
      }
      if (qf.type == ps_type) continue;
      const KnownTypeDifference* known = nullptr;
      for (const KnownTypeDifference& d : kTypeDifferences) {
        if (qf.type_name == d.pg_type && qf.type == d.quietfetch && ps_type == d.psqlodbc &&
            (d.query == nullptr || query.name == std::string_view(d.query)) &&
            (d.column == 0 || static_cast<size_t>(d.column) == c + 1)) {
          known = &d;
        }
      }
      if (known == nullptr) {
        ADD_FAILURE() << "SQL types differ: quietfetch " << qf.type << ", psqlODBC " << ps.type
                      << "; not a listed difference";
        continue;
      }
      if (c_type == SQL_C_CHAR) {
        NoteQuirk(psql, std::string(known->pg_type) + " is SQL type " + std::to_string(ps.type) +
                            ": " + known->reason);
      }
    }

    std::string compare = query.compare;
    for (size_t r = 0; r < qf_rows.size(); ++r) {
      for (size_t c = 0; c < qf_rows[r].size(); ++c) {
        const Cell& qf = qf_rows[r][c];
        const Cell& ps = psql_rows[r][c];
        SCOPED_TRACE("row " + std::to_string(r + 1) + ", column " + std::to_string(c + 1));
        const KnownValueDifference* known = nullptr;
        for (const KnownValueDifference& d : kValueDifferences) {
          if (query.name == std::string_view(d.query) && static_cast<size_t>(d.column) == c + 1) {
            known = &d;
          }
        }
        if (known != nullptr) {
          EXPECT_EQ(qf, std::string(known->quietfetch));
          if (c_type == SQL_C_CHAR) {
            NoteQuirk(psql, "gives \"" + ps.value_or("NULL") + "\": " + known->reason);
          }
          continue;
        }
        if (!qf.has_value() || !ps.has_value()) {
          EXPECT_EQ(qf.has_value(), ps.has_value())
              << "quietfetch " << qf.value_or("NULL") << ", psqlODBC " << ps.value_or("NULL");
          continue;
        }
        char mode = c < compare.size() ? compare[c] : 'e';
        if (mode == 'd') {
          EXPECT_TRUE(SameDouble(*qf, *ps)) << "quietfetch " << *qf << ", psqlODBC " << *ps;
        } else if (mode == 'i') {
          EXPECT_EQ(ToLower(*qf), ToLower(*ps));
        } else {
          EXPECT_EQ(*qf, *ps);
        }
      }
    }
  }
}

std::string QueryName(const ::testing::TestParamInfo<DiffQuery>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Queries, DifferentialTest, ::testing::ValuesIn(kQueries), QueryName);

}  // namespace
}  // namespace quietfetch::conformance
