// Conversions from each PostgreSQL type to its natural C type and to
// SQL_C_CHAR / SQL_C_WCHAR, and the SQLSTATEs for values that do not fit.
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "conformance/odbc/backend.h"
#include "conformance/odbc/odbc_util.h"

namespace quietfetch::conformance {
namespace {

template <typename T>
std::string Bytes(const T& value) {
  return std::string(reinterpret_cast<const char*>(&value), sizeof(value));
}

// How a fetched text is compared with the expected one. Exact unless the
// specification leaves the spelling open (hex case, float formatting, the
// offset PostgreSQL appends to a timestamptz).
enum class Match { kExact, kIgnoreCase, kSameDouble, kPrefix };

struct ConversionCase {
  const char* name;
  const char* expression;
  SQLSMALLINT natural_type;
  std::string natural;  // raw bytes of the natural C value; empty for NULL
  const char* text;     // expected SQL_C_CHAR / SQL_C_WCHAR value (UTF-8); null for NULL
  Match match = Match::kExact;
};

SQL_TIMESTAMP_STRUCT Timestamp(SQLSMALLINT y, SQLUSMALLINT mo, SQLUSMALLINT d, SQLUSMALLINT h,
                               SQLUSMALLINT mi, SQLUSMALLINT s, SQLUINTEGER fraction) {
  return {y, mo, d, h, mi, s, fraction};
}

std::vector<ConversionCase> Cases() {
  const SQLGUID guid = {
      0xa0eebc99, 0x9c0b, 0x4ef8, {0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}};
  return {
      {"bool_true", "CAST(true AS bool)", SQL_C_BIT, Bytes<SQLCHAR>(1), "1"},
      {"bool_false", "CAST(false AS bool)", SQL_C_BIT, Bytes<SQLCHAR>(0), "0"},
      {"int2_min", "CAST(-32768 AS int2)", SQL_C_SSHORT, Bytes<SQLSMALLINT>(-32768), "-32768"},
      {"int4_max", "CAST(2147483647 AS int4)", SQL_C_SLONG, Bytes<SQLINTEGER>(2147483647),
       "2147483647"},
      {"int8_min", "CAST(-9223372036854775808 AS int8)", SQL_C_SBIGINT, Bytes<SQLBIGINT>(INT64_MIN),
       "-9223372036854775808"},
      {"float4", "CAST(1.5 AS float4)", SQL_C_FLOAT, Bytes<float>(1.5f), "1.5", Match::kSameDouble},
      {"float8", "CAST(-2.25e-5 AS float8)", SQL_C_DOUBLE, Bytes<double>(-2.25e-5), "-2.25e-05",
       Match::kSameDouble},
      {"float8_big", "CAST(1.7976931348623157e308 AS float8)", SQL_C_DOUBLE,
       Bytes<double>(1.7976931348623157e308), "1.7976931348623157e+308", Match::kSameDouble},
      // SQL_C_CHAR is the default C type for SQL_NUMERIC.
      {"numeric", "CAST(-12345.6789 AS numeric(10,4))", SQL_C_CHAR, "-12345.6789", "-12345.6789"},
      {"numeric_unconstrained", "CAST('123456789012345678901234567890.5' AS numeric)", SQL_C_CHAR,
       "123456789012345678901234567890.5", "123456789012345678901234567890.5"},
      {"char_padded", "CAST('ab' AS char(4))", SQL_C_CHAR, "ab  ", "ab  "},
      {"varchar_utf8", "CAST(U&'h\\00e9llo' AS varchar(10))", SQL_C_CHAR, "h\xC3\xA9llo",
       "h\xC3\xA9llo"},
      {"text_long", "repeat('abc', 400)", SQL_C_CHAR, std::string(), nullptr},
      {"text_empty", "CAST('' AS text)", SQL_C_CHAR, "", ""},
      {"bytea", "CAST('\\x00ff10' AS bytea)", SQL_C_BINARY, std::string("\x00\xff\x10", 3),
       "00FF10", Match::kIgnoreCase},
      {"date", "DATE '2024-02-29'", SQL_C_TYPE_DATE, Bytes(SQL_DATE_STRUCT{2024, 2, 29}),
       "2024-02-29"},
      {"time", "TIME '13:14:15'", SQL_C_TYPE_TIME, Bytes(SQL_TIME_STRUCT{13, 14, 15}), "13:14:15"},
      {"timestamp", "TIMESTAMP '2024-02-29 13:14:15.123456'", SQL_C_TYPE_TIMESTAMP,
       Bytes(Timestamp(2024, 2, 29, 13, 14, 15, 123456000)), "2024-02-29 13:14:15.123456"},
      {"timestamp_whole_second", "TIMESTAMP '1970-01-01 00:00:00'", SQL_C_TYPE_TIMESTAMP,
       Bytes(Timestamp(1970, 1, 1, 0, 0, 0, 0)), "1970-01-01 00:00:00"},
      // The session runs in UTC, so the value is converted to it.
      {"timestamptz", "TIMESTAMPTZ '2024-02-29 13:14:15.5+02'", SQL_C_TYPE_TIMESTAMP,
       Bytes(Timestamp(2024, 2, 29, 11, 14, 15, 500000000)), "2024-02-29 11:14:15.5",
       Match::kPrefix},
      {"uuid", "CAST('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' AS uuid)", SQL_C_GUID, Bytes(guid),
       "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", Match::kIgnoreCase},
      {"json", "CAST('{\"a\": [1, 2]}' AS json)", SQL_C_CHAR, "{\"a\": [1, 2]}", "{\"a\": [1, 2]}"},
      {"jsonb", "CAST('{\"b\": 2, \"a\": 1}' AS jsonb)", SQL_C_CHAR, "{\"a\": 1, \"b\": 2}",
       "{\"a\": 1, \"b\": 2}"},
      {"null_int4", "CAST(NULL AS int4)", SQL_C_SLONG, std::string(), nullptr},
      {"null_text", "CAST(NULL AS text)", SQL_C_CHAR, std::string(), nullptr},
      {"null_timestamp", "CAST(NULL AS timestamp)", SQL_C_TYPE_TIMESTAMP, std::string(), nullptr},
  };
}

bool IsNullCase(const ConversionCase& c) { return std::string_view(c.name).rfind("null_", 0) == 0; }

std::string ExpectedText(const ConversionCase& c) {
  if (std::string_view(c.name) == "text_long") {
    std::string s;
    for (int i = 0; i < 400; ++i) s += "abc";
    return s;
  }
  return c.text;
}

::testing::AssertionResult TextMatches(const ConversionCase& c, const std::string& actual) {
  std::string expected = ExpectedText(c);
  bool ok = false;
  switch (c.match) {
    case Match::kExact:
      ok = actual == expected;
      break;
    case Match::kIgnoreCase:
      ok = ToLower(actual) == ToLower(expected);
      break;
    case Match::kSameDouble:
      ok = std::strtod(actual.c_str(), nullptr) == std::strtod(expected.c_str(), nullptr);
      break;
    case Match::kPrefix:
      ok = actual.rfind(expected, 0) == 0;
      break;
  }
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "got \"" << actual << "\", expected \"" << expected << "\"";
}

bool IsVariableLength(SQLSMALLINT c_type) {
  return c_type == SQL_C_CHAR || c_type == SQL_C_WCHAR || c_type == SQL_C_BINARY;
}

class ConversionTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    // Fixed so timestamptz values have one expected form.
    ASSERT_TRUE(Exec(dbc_, "SET TIME ZONE 'UTC'"));
  }

  // Executes `sql` and positions on its first row.
  Stmt ExecAndFetch(const std::string& sql) {
    Stmt stmt = AllocStmt(dbc_);
    EXPECT_TRUE(ExecDirect(stmt, sql));
    EXPECT_TRUE(SqlSucceeded("SQLFetch", SQLFetch(stmt.get()), stmt)) << sql;
    return stmt;
  }
};

class TypeConversionTest : public ConversionTest {};

// --- Per-type conversions: natural C type, SQL_C_CHAR, SQL_C_WCHAR ----------

TEST_P(TypeConversionTest, EveryTypeToNaturalCharAndWchar) {
  for (const ConversionCase& c : Cases()) {
    SCOPED_TRACE(std::string(c.name) + ": " + c.expression);
    std::string sql =
        std::string("SELECT ") + c.expression + ", " + c.expression + ", " + c.expression;
    Stmt stmt = ExecAndFetch(sql);
    if (HasFailure()) return;

    // Natural C type.
    if (IsVariableLength(c.natural_type)) {
      Cell value;
      ASSERT_TRUE(GetDataAll(stmt, 1, c.natural_type, &value));
      if (IsNullCase(c)) {
        EXPECT_FALSE(value.has_value());
      } else {
        ASSERT_TRUE(value.has_value());
        if (c.natural_type == SQL_C_BINARY) {
          EXPECT_EQ(ToHex(*value), ToHex(c.natural));
        } else {
          EXPECT_TRUE(TextMatches(c, *value));
        }
      }
    } else {
      alignas(16) char buffer[64];
      std::memset(buffer, 0x5A, sizeof(buffer));
      SQLLEN indicator = 0;
      QF_ASSERT_OK(stmt,
                   SQLGetData(stmt.get(), 1, c.natural_type, buffer, sizeof(buffer), &indicator));
      if (IsNullCase(c)) {
        EXPECT_EQ(indicator, SQL_NULL_DATA);
      } else {
        EXPECT_EQ(indicator, static_cast<SQLLEN>(c.natural.size()));
        EXPECT_EQ(ToHex(std::string_view(buffer, c.natural.size())), ToHex(c.natural))
            << "natural C type " << c.natural_type;
      }
    }

    // SQL_C_CHAR (UTF-8) and SQL_C_WCHAR (UTF-16), compared as UTF-8.
    for (SQLSMALLINT c_type : {SQL_C_CHAR, SQL_C_WCHAR}) {
      Cell value;
      SQLUSMALLINT column = c_type == SQL_C_CHAR ? 2 : 3;
      ASSERT_TRUE(GetDataAll(stmt, column, c_type, &value));
      if (IsNullCase(c)) {
        EXPECT_FALSE(value.has_value());
      } else {
        ASSERT_TRUE(value.has_value());
        EXPECT_TRUE(TextMatches(c, *value)) << "as C type " << c_type;
      }
    }
  }
}

TEST_P(TypeConversionTest, NumericToNumericStructUsesArdPrecisionAndScale) {
  Stmt stmt = AllocStmt(dbc_);
  SQL_NUMERIC_STRUCT value = {};
  SQLLEN indicator = 0;
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_NUMERIC, &value, sizeof(value), &indicator));
  SQLHDESC ard = nullptr;
  QF_ASSERT_OK(stmt, SQLGetStmtAttr(stmt.get(), SQL_ATTR_APP_ROW_DESC, &ard, 0, nullptr));
  const HandleRef desc{SQL_HANDLE_DESC, ard};
  QF_ASSERT_OK(
      desc, SQLSetDescField(ard, 1, SQL_DESC_TYPE, reinterpret_cast<SQLPOINTER>(SQL_C_NUMERIC), 0));
  QF_ASSERT_OK(desc,
               SQLSetDescField(ard, 1, SQL_DESC_PRECISION, reinterpret_cast<SQLPOINTER>(10), 0));
  QF_ASSERT_OK(desc, SQLSetDescField(ard, 1, SQL_DESC_SCALE, reinterpret_cast<SQLPOINTER>(4), 0));
  // Setting the fields above unbinds the data pointer; bind it again last.
  QF_ASSERT_OK(desc, SQLSetDescField(ard, 1, SQL_DESC_DATA_PTR, &value, 0));
  QF_ASSERT_OK(desc, SQLSetDescField(ard, 1, SQL_DESC_INDICATOR_PTR, &indicator, 0));
  QF_ASSERT_OK(desc, SQLSetDescField(ard, 1, SQL_DESC_OCTET_LENGTH_PTR, &indicator, 0));
  ASSERT_TRUE(ExecDirect(stmt, "SELECT CAST(-12345.6789 AS numeric(10,4))"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  if (backend().quirks.numeric_struct_ignores_ard_precision) {
    NoteQuirk(backend(), "SQL_C_NUMERIC precision is " + std::to_string(value.precision) +
                             ", not the ARD's 10");
  } else {
    EXPECT_EQ(value.precision, 10);
  }
  EXPECT_EQ(value.scale, 4);
  EXPECT_EQ(value.sign, 0) << "negative";
  uint64_t magnitude = 0;
  for (int i = 7; i >= 0; --i) magnitude = (magnitude << 8) | value.val[i];
  EXPECT_EQ(magnitude, 123456789u);
  for (int i = 8; i < SQL_MAX_NUMERIC_LEN; ++i) EXPECT_EQ(value.val[i], 0);
}

TEST_P(TypeConversionTest, NumericToDoubleAndBigint) {
  Stmt stmt =
      ExecAndFetch("SELECT CAST(-12345.6789 AS numeric(10,4)), CAST(9007199254740993 AS numeric)");
  double d = 0;
  SQLLEN indicator = 0;
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_DOUBLE, &d, 0, &indicator));
  EXPECT_EQ(d, -12345.6789);
  SQLBIGINT big = 0;
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 2, SQL_C_SBIGINT, &big, 0, &indicator));
  EXPECT_EQ(big, 9007199254740993LL) << "the conversion must not pass through a double";
}

TEST_P(TypeConversionTest, TextDigitsToInteger) {
  Stmt stmt = ExecAndFetch("SELECT CAST(' 42' AS text), CAST('-7' AS varchar(5))");
  SQLINTEGER value = 0;
  SQLLEN indicator = 0;
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &value, 0, &indicator));
  EXPECT_EQ(value, 42);
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 2, SQL_C_SLONG, &value, 0, &indicator));
  EXPECT_EQ(value, -7);
}

// --- Values that do not fit ---------------------------------------------------

TEST_P(TypeConversionTest, OutOfRangeIntegerIs22003) {
  Stmt stmt = ExecAndFetch("SELECT CAST(70000 AS int8), CAST(1e300 AS float8)");
  SQLSMALLINT small = 0;
  SQLLEN indicator = 0;
  float f = 0;
  if (backend().quirks.unchecked_numeric_fetch) {
    QF_EXPECT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_SSHORT, &small, 0, &indicator));
    QF_EXPECT_OK(stmt, SQLGetData(stmt.get(), 2, SQL_C_FLOAT, &f, 0, &indicator));
    NoteQuirk(backend(), "int8 70000 fetched as SQL_C_SSHORT gives " + std::to_string(small) +
                             " and 1e300 as SQL_C_FLOAT gives " + std::to_string(f) +
                             ", without 22003");
    return;
  }
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_SSHORT, &small, 0, &indicator), SQL_ERROR,
                 "22003");
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 2, SQL_C_FLOAT, &f, 0, &indicator), SQL_ERROR,
                 "22003");
}

TEST_P(TypeConversionTest, NonNumericTextToIntegerIs22018) {
  Stmt stmt = ExecAndFetch("SELECT CAST('abc' AS text)");
  SQLINTEGER value = 0;
  SQLLEN indicator = 0;
  if (backend().quirks.unchecked_numeric_fetch) {
    QF_EXPECT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &value, 0, &indicator));
    NoteQuirk(backend(),
              "'abc' fetched as SQL_C_SLONG gives " + std::to_string(value) + " without 22018");
    return;
  }
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &value, 0, &indicator), SQL_ERROR,
                 "22018");
}

TEST_P(TypeConversionTest, CharacterTruncationIs01004WithFullLength) {
  Stmt stmt = ExecAndFetch("SELECT CAST('abcdefghij' AS varchar(20)), CAST('abcdefghij' AS text)");
  char buffer[5];
  SQLLEN indicator = 0;
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_CHAR, buffer, sizeof(buffer), &indicator),
                 SQL_SUCCESS_WITH_INFO, "01004");
  EXPECT_STREQ(buffer, "abcd");
  EXPECT_EQ(indicator, 10);
  SQLWCHAR wide[5];
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 2, SQL_C_WCHAR, wide, sizeof(wide), &indicator),
                 SQL_SUCCESS_WITH_INFO, "01004");
  EXPECT_EQ(Utf16ToUtf8(std::u16string_view(reinterpret_cast<char16_t*>(wide), 4)), "abcd");
  EXPECT_EQ(wide[4], 0);
  EXPECT_EQ(indicator, 20) << "SQL_C_WCHAR lengths are in bytes";
}

// --- Unicode outside the Basic Multilingual Plane -----------------------------

TEST_P(TypeConversionTest, SupplementaryCharactersThroughWcharAndUtf8) {
  // U+1F600 (4 bytes in UTF-8, a surrogate pair in UTF-16), space, 'x', U+00E9.
  const std::string kUtf8 = "\xF0\x9F\x98\x80 x\xC3\xA9";
  Stmt stmt = ExecAndFetch("SELECT U&'\\+01F600 x\\00e9', U&'\\+01F600 x\\00e9'");
  SQLWCHAR wide[16] = {};
  SQLLEN indicator = 0;
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_WCHAR, wide, sizeof(wide), &indicator));
  EXPECT_EQ(indicator, 10) << "five UTF-16 code units";
  const SQLWCHAR expected_wide[] = {0xD83D, 0xDE00, 0x20, 0x78, 0xE9, 0};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(wide[i], expected_wide[i]) << "code unit " << i;
  char narrow[16] = {};
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 2, SQL_C_CHAR, narrow, sizeof(narrow), &indicator));
  EXPECT_EQ(indicator, 8) << "eight UTF-8 bytes";
  EXPECT_EQ(ToHex(narrow), ToHex(kUtf8));
}

TEST_P(TypeConversionTest, SupplementaryCharactersAsWcharParameter) {
  std::u16string value = Utf8ToUtf16("\xF0\x9F\x98\x80\xF0\x9F\x8E\x89");  // two emoji
  SQLLEN indicator = SQL_NTS;
  Stmt stmt = AllocStmt(dbc_);
  QF_ASSERT_OK(stmt, SQLPrepare(stmt.get(),
                                SqlText("SELECT length(CAST(? AS text)), "
                                        "CAST(? AS text) = U&'\\+01F600\\+01F389'"),
                                SQL_NTS));
  for (SQLUSMALLINT i : {1, 2}) {
    QF_ASSERT_OK(stmt, SQLBindParameter(stmt.get(), i, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR,
                                        4, 0, AsSqlWchar(value), 0, &indicator));
  }
  QF_ASSERT_OK(stmt, SQLExecute(stmt.get()));
  Rows rows;
  ASSERT_TRUE(FetchAll(stmt, &rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "2");
  EXPECT_EQ(rows[0][1], "1");
}

TEST_P(TypeConversionTest, Utf8CharParameter) {
  char value[] = "\xF0\x9F\x98\x80 \xC3\xA9";
  SQLLEN indicator = SQL_NTS;
  Stmt stmt = AllocStmt(dbc_);
  QF_ASSERT_OK(stmt, SQLPrepare(stmt.get(), SqlText("SELECT length(CAST(? AS text))"), SQL_NTS));
  QF_ASSERT_OK(stmt, SQLBindParameter(stmt.get(), 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 10,
                                      0, value, sizeof(value), &indicator));
  QF_ASSERT_OK(stmt, SQLExecute(stmt.get()));
  Rows rows;
  ASSERT_TRUE(FetchAll(stmt, &rows));
  EXPECT_EQ(rows, Rows{{"3"}}) << "SQL_C_CHAR parameters are UTF-8";
}

INSTANTIATE_TEST_SUITE_P(Backends, TypeConversionTest, ::testing::ValuesIn(AllBackends()),
                         BackendParamName);

}  // namespace
}  // namespace quietfetch::conformance
