// ODBC API scenarios run against every backend: connecting, executing,
// parameters, fetching, metadata, transactions, info, attributes, diagnostics.
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "conformance/odbc/backend.h"
#include "conformance/odbc/odbc_util.h"

namespace quietfetch::conformance {
namespace {

// Whether `text` begins with `shape`, where '#' stands for any digit: the
// version formats SQLGetInfo prescribes.
bool StartsWithShape(std::string_view text, std::string_view shape) {
  if (text.size() < shape.size()) return false;
  for (size_t i = 0; i < shape.size(); ++i) {
    bool digit = text[i] >= '0' && text[i] <= '9';
    if (shape[i] == '#' ? !digit : text[i] != shape[i]) return false;
  }
  return true;
}

class ApiTest : public BackendTest {
 protected:
  // Prepares `sql` on a new statement.
  Stmt Prepare(std::string_view sql) {
    Stmt stmt = AllocStmt(dbc_);
    std::string text(sql);
    EXPECT_TRUE(SqlSucceeded(
        "SQLPrepare", SQLPrepare(stmt.get(), reinterpret_cast<SQLCHAR*>(text.data()), SQL_NTS),
        stmt));
    return stmt;
  }

  // Binds one input parameter to `sql` (holding one marker), executes it and
  // returns the single value of its single row.
  ::testing::AssertionResult RoundTrip(std::string_view sql, SQLSMALLINT c_type,
                                       SQLSMALLINT sql_type, SQLULEN column_size,
                                       SQLSMALLINT digits, SQLPOINTER value, SQLLEN buffer_length,
                                       SQLLEN* indicator, Cell* result) {
    Stmt stmt = Prepare(sql);
    SQLRETURN rc = SQLBindParameter(stmt.get(), 1, SQL_PARAM_INPUT, c_type, sql_type, column_size,
                                    digits, value, buffer_length, indicator);
    if (!SQL_SUCCEEDED(rc)) return SqlSucceeded("SQLBindParameter", rc, stmt);
    rc = SQLExecute(stmt.get());
    if (!SQL_SUCCEEDED(rc)) return SqlSucceeded("SQLExecute", rc, stmt) << "(query: " << sql << ")";
    Rows rows;
    auto fetched = FetchAll(stmt, &rows);
    if (!fetched) return fetched;
    if (rows.size() != 1 || rows[0].size() != 1) {
      return ::testing::AssertionFailure() << "expected one value, got " << rows.size() << " rows";
    }
    *result = rows[0][0];
    return ::testing::AssertionSuccess();
  }

  std::string InfoString(SQLUSMALLINT info) {
    char buffer[512] = {};
    SQLSMALLINT length = 0;
    SQLRETURN rc = SQLGetInfo(dbc_.get(), info, buffer, sizeof(buffer), &length);
    EXPECT_TRUE(SqlSucceeded(("SQLGetInfo " + std::to_string(info)).c_str(), rc, dbc_));
    EXPECT_EQ(length, static_cast<SQLSMALLINT>(std::strlen(buffer))) << "info type " << info;
    return buffer;
  }

  SQLUINTEGER InfoUInt(SQLUSMALLINT info) {
    SQLUINTEGER value = 0;
    SQLRETURN rc = SQLGetInfo(dbc_.get(), info, &value, sizeof(value), nullptr);
    EXPECT_TRUE(SqlSucceeded(("SQLGetInfo " + std::to_string(info)).c_str(), rc, dbc_));
    return value;
  }

  SQLUSMALLINT InfoUShort(SQLUSMALLINT info) {
    SQLUSMALLINT value = 0;
    SQLRETURN rc = SQLGetInfo(dbc_.get(), info, &value, sizeof(value), nullptr);
    EXPECT_TRUE(SqlSucceeded(("SQLGetInfo " + std::to_string(info)).c_str(), rc, dbc_));
    return value;
  }
};

// --- Connecting -------------------------------------------------------------

TEST_P(ApiTest, ConnectsThroughDsn) {
  Cell user;
  ASSERT_TRUE(QueryScalar(dbc_, "SELECT current_user", &user));
  EXPECT_EQ(user, test_env_.server.user);
  Cell database;
  ASSERT_TRUE(QueryScalar(dbc_, "SELECT current_database()", &database));
  EXPECT_EQ(database, test_env_.server.database);
}

TEST_P(ApiTest, ConnectsThroughDriverConnectString) {
  Dbc dbc = AllocDbc(env_);
  ASSERT_TRUE(dbc);
  std::string completed;
  std::string connection_string = backend().ConnectionString(test_env_.server);
  QF_ASSERT_OK(dbc, DriverConnect(dbc, connection_string, &completed));
  EXPECT_FALSE(completed.empty()) << "SQLDriverConnect must return the completed string";
  Cell value;
  ASSERT_TRUE(QueryScalar(dbc, "SELECT current_user || '@' || current_database()", &value));
  EXPECT_EQ(value, test_env_.server.user + "@" + test_env_.server.database);
}

// An ODBC 3.8 application gets a clean SQL_SUCCESS: the driver accepts
// SQL_OV_ODBC3_80, so the driver manager has nothing to warn about.
TEST_P(ApiTest, ConnectsWithoutWarningsUnderOdbc38) {
  Dbc dbc = AllocDbc(env_);
  ASSERT_TRUE(dbc);
  SQLRETURN rc = DriverConnect(dbc, backend().ConnectionString(test_env_.server));
  if (backend().quirks.no_odbc_380) {
    NoteQuirk(backend(), "ODBC 3.80 is not accepted; the driver manager warns on connect");
    EXPECT_TRUE(SqlReturned("SQLDriverConnect", rc, dbc, SQL_SUCCESS_WITH_INFO, "01000"));
    return;
  }
  EXPECT_TRUE(SqlReturned("SQLDriverConnect", rc, dbc, SQL_SUCCESS, ""));
  Dbc through_dsn = AllocDbc(env_);
  std::string dsn = backend().Dsn();
  EXPECT_TRUE(SqlReturned(
      "SQLConnect", SQLConnect(through_dsn.get(), SqlText(dsn), SQL_NTS, nullptr, 0, nullptr, 0),
      through_dsn, SQL_SUCCESS, ""));
}

TEST_P(ApiTest, DisconnectAndReconnectOnSameHandle) {
  QF_ASSERT_OK(dbc_, SQLDisconnect(dbc_.get()));
  std::string dsn = backend().Dsn();
  QF_ASSERT_OK(dbc_, SQLConnect(dbc_.get(), reinterpret_cast<SQLCHAR*>(dsn.data()), SQL_NTS,
                                nullptr, 0, nullptr, 0));
  Cell one;
  ASSERT_TRUE(QueryScalar(dbc_, "SELECT 1", &one));
  EXPECT_EQ(one, "1");
}

// --- Executing --------------------------------------------------------------

TEST_P(ApiTest, ExecDirectReturnsRows) {
  Rows rows;
  ASSERT_TRUE(Query(dbc_, "SELECT g, 'row ' || g FROM generate_series(1, 3) g ORDER BY g", &rows));
  Rows expected = {{"1", "row 1"}, {"2", "row 2"}, {"3", "row 3"}};
  EXPECT_EQ(rows, expected);
}

TEST_P(ApiTest, ExecDirectWithoutResultSetHasNoColumns) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, "SET application_name = 'qf_conformance'"));
  SQLSMALLINT columns = -1;
  QF_ASSERT_OK(stmt, SQLNumResultCols(stmt.get(), &columns));
  EXPECT_EQ(columns, 0);
}

TEST_P(ApiTest, PreparedStatementExecutesRepeatedlyWithNewParameterValues) {
  Stmt stmt = Prepare("SELECT CAST(? AS int4) * 2");
  SQLINTEGER value = 21;
  SQLLEN indicator = 0;
  QF_ASSERT_OK(stmt, SQLBindParameter(stmt.get(), 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0,
                                      0, &value, 0, &indicator));
  for (SQLINTEGER v : {21, -5, 0}) {
    value = v;
    QF_ASSERT_OK(stmt, SQLExecute(stmt.get()));
    Rows rows;
    ASSERT_TRUE(FetchAll(stmt, &rows));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0], std::to_string(v * 2));
    QF_ASSERT_OK(stmt, SQLCloseCursor(stmt.get()));
  }
}

TEST_P(ApiTest, NumParamsCountsMarkers) {
  Stmt stmt = Prepare("SELECT CAST(? AS int4) + CAST(? AS int4), CAST(? AS text)");
  SQLSMALLINT params = -1;
  QF_ASSERT_OK(stmt, SQLNumParams(stmt.get(), &params));
  EXPECT_EQ(params, 3);
  Stmt none = Prepare("SELECT '?' AS not_a_marker");
  QF_ASSERT_OK(none, SQLNumParams(none.get(), &params));
  EXPECT_EQ(params, 0) << "a question mark inside a string literal is not a parameter marker";
}

TEST_P(ApiTest, PreparedStatementDescribesResultBeforeExecute) {
  Stmt stmt = Prepare("SELECT CAST(1 AS int4) AS a, CAST('x' AS varchar(7)) AS b");
  SQLSMALLINT columns = 0;
  QF_ASSERT_OK(stmt, SQLNumResultCols(stmt.get(), &columns));
  EXPECT_EQ(columns, 2);
  SQLCHAR name[32] = {};
  SQLSMALLINT name_len = 0, type = 0, digits = 0, nullable = 0;
  SQLULEN size = 0;
  QF_ASSERT_OK(stmt, SQLDescribeCol(stmt.get(), 2, name, sizeof(name), &name_len, &type, &size,
                                    &digits, &nullable));
  EXPECT_STREQ(reinterpret_cast<char*>(name), "b");
  EXPECT_EQ(type, SQL_VARCHAR);
  EXPECT_EQ(size, 7u);
}

// Applications using the W API (pyodbc does) see the types the driver
// reports to Unicode applications.
TEST_P(ApiTest, UnicodeApplicationSeesCharacterTypes) {
  Dbc dbc = AllocDbc(env_);
  ASSERT_TRUE(dbc);
  std::u16string connection = Utf8ToUtf16(backend().ConnectionString(test_env_.server));
  QF_ASSERT_OK(dbc, SQLDriverConnectW(dbc.get(), nullptr, AsSqlWchar(connection), SQL_NTS, nullptr,
                                      0, nullptr, SQL_DRIVER_NOPROMPT));
  Stmt stmt = AllocStmt(dbc);
  std::u16string sql = u"SELECT CAST('x' AS varchar(9)), CAST('y' AS char(2)), CAST(1 AS int4)";
  QF_ASSERT_OK(stmt, SQLExecDirectW(stmt.get(), AsSqlWchar(sql), SQL_NTS));
  SQLSMALLINT types[3] = {};
  for (SQLUSMALLINT c = 1; c <= 3; ++c) {
    SQLWCHAR name[32];
    SQLSMALLINT name_len = 0, digits = 0, nullable = 0;
    SQLULEN size = 0;
    QF_ASSERT_OK(stmt, SQLDescribeColW(stmt.get(), c, name, 32, &name_len, &types[c - 1], &size,
                                       &digits, &nullable));
  }
  EXPECT_EQ(types[2], SQL_INTEGER);
  if (backend().quirks.reports_text_as_wide_to_unicode_apps) {
    NoteQuirk(backend(), "Unicode applications see SQL_WVARCHAR/SQL_WCHAR");
    EXPECT_EQ(types[0], SQL_WVARCHAR);
    EXPECT_EQ(types[1], SQL_WCHAR);
  } else {
    EXPECT_EQ(types[0], SQL_VARCHAR);
    EXPECT_EQ(types[1], SQL_CHAR);
  }
}

// --- Parameters ---------------------------------------------------------------

TEST_P(ApiTest, BindParameterChar) {
  char value[] = "hello, world";
  SQLLEN indicator = SQL_NTS;
  Cell result;
  ASSERT_TRUE(RoundTrip("SELECT CAST(? AS text) || '!'", SQL_C_CHAR, SQL_VARCHAR, 50, 0, value,
                        sizeof(value), &indicator, &result));
  EXPECT_EQ(result, "hello, world!");
  // An explicit length rather than SQL_NTS: only the first five bytes count.
  indicator = 5;
  ASSERT_TRUE(RoundTrip("SELECT CAST(? AS text) || '!'", SQL_C_CHAR, SQL_VARCHAR, 50, 0, value,
                        sizeof(value), &indicator, &result));
  EXPECT_EQ(result, "hello!");
}

TEST_P(ApiTest, BindParameterWchar) {
  // U+00E9 inside the BMP and U+1F600 outside it, as a surrogate pair.
  std::u16string value = u"h\u00e9llo \U0001F600";
  SQLLEN indicator = SQL_NTS;
  Stmt stmt = Prepare("SELECT CAST(? AS text), length(CAST(? AS text))");
  for (SQLUSMALLINT i : {1, 2}) {
    QF_ASSERT_OK(stmt, SQLBindParameter(stmt.get(), i, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR,
                                        20, 0, AsSqlWchar(value), 0, &indicator));
  }
  QF_ASSERT_OK(stmt, SQLExecute(stmt.get()));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  Cell text, length;
  ASSERT_TRUE(GetDataAll(stmt, 1, SQL_C_WCHAR, &text));
  ASSERT_TRUE(GetDataAll(stmt, 2, SQL_C_CHAR, &length));
  EXPECT_EQ(text, "h\xC3\xA9llo \xF0\x9F\x98\x80");
  EXPECT_EQ(length, "7") << "the server must see 7 characters, one for the surrogate pair";
}

TEST_P(ApiTest, BindParameterIntegers) {
  Cell result;
  SQLLEN indicator = 0;
  SQLSCHAR tiny = -128;
  ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS int2) AS text)", SQL_C_STINYINT, SQL_TINYINT, 0, 0,
                        &tiny, 0, &indicator, &result));
  EXPECT_EQ(result, "-128");
  SQLCHAR utiny = 255;
  ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS int2) AS text)", SQL_C_UTINYINT, SQL_SMALLINT, 0, 0,
                        &utiny, 0, &indicator, &result));
  EXPECT_EQ(result, "255");
  SQLSMALLINT small = -32768;
  ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS int2) AS text)", SQL_C_SSHORT, SQL_SMALLINT, 0, 0,
                        &small, 0, &indicator, &result));
  EXPECT_EQ(result, "-32768");
  SQLINTEGER integer = 2147483647;
  ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS int4) AS text)", SQL_C_SLONG, SQL_INTEGER, 0, 0,
                        &integer, 0, &indicator, &result));
  EXPECT_EQ(result, "2147483647");
  SQLUINTEGER uinteger = 4294967295u;
  ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS int8) AS text)", SQL_C_ULONG, SQL_BIGINT, 0, 0,
                        &uinteger, 0, &indicator, &result));
  EXPECT_EQ(result, "4294967295");
  SQLBIGINT big = INT64_MIN;
  ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS int8) AS text)", SQL_C_SBIGINT, SQL_BIGINT, 0, 0,
                        &big, 0, &indicator, &result));
  EXPECT_EQ(result, "-9223372036854775808");
}

TEST_P(ApiTest, BindParameterDouble) {
  SQLLEN indicator = 0;
  for (double value : {1.0 / 3.0, -1.5e300, 0.0, 4.9e-324}) {
    Cell result;
    ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS float8) AS text)", SQL_C_DOUBLE, SQL_DOUBLE, 0, 0,
                          &value, 0, &indicator, &result));
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(std::strtod(result->c_str(), nullptr), value) << *result;
  }
}

TEST_P(ApiTest, BindParameterNumericAsChar) {
  char value[] = "-12345678901234567890.123456789";
  SQLLEN indicator = SQL_NTS;
  Cell result;
  ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS numeric) AS text)", SQL_C_CHAR, SQL_NUMERIC, 29, 9,
                        value, sizeof(value), &indicator, &result));
  EXPECT_EQ(result, value);
}

TEST_P(ApiTest, BindParameterNumericStruct) {
  SQL_NUMERIC_STRUCT value = {};
  value.precision = 10;
  value.scale = 3;
  value.sign = 0;  // negative
  uint64_t magnitude = 1234567891;
  for (int i = 0; i < 8; ++i) value.val[i] = static_cast<SQLCHAR>(magnitude >> (8 * i));
  SQLLEN indicator = sizeof(value);
  Stmt stmt = Prepare("SELECT CAST(CAST(? AS numeric) AS text)");
  QF_ASSERT_OK(stmt, SQLBindParameter(stmt.get(), 1, SQL_PARAM_INPUT, SQL_C_NUMERIC, SQL_NUMERIC,
                                      10, 3, &value, sizeof(value), &indicator));
  // The APD's precision and scale govern SQL_C_NUMERIC, not the struct's, and
  // SQLBindParameter leaves them at their defaults; the data pointer is set
  // last because setting other fields unbinds it.
  SQLHDESC apd = nullptr;
  QF_ASSERT_OK(stmt, SQLGetStmtAttr(stmt.get(), SQL_ATTR_APP_PARAM_DESC, &apd, 0, nullptr));
  const HandleRef desc{SQL_HANDLE_DESC, apd};
  QF_ASSERT_OK(
      desc, SQLSetDescField(apd, 1, SQL_DESC_TYPE, reinterpret_cast<SQLPOINTER>(SQL_C_NUMERIC), 0));
  QF_ASSERT_OK(desc,
               SQLSetDescField(apd, 1, SQL_DESC_PRECISION, reinterpret_cast<SQLPOINTER>(10), 0));
  QF_ASSERT_OK(desc, SQLSetDescField(apd, 1, SQL_DESC_SCALE, reinterpret_cast<SQLPOINTER>(3), 0));
  QF_ASSERT_OK(desc, SQLSetDescField(apd, 1, SQL_DESC_DATA_PTR, &value, 0));
  QF_ASSERT_OK(stmt, SQLExecute(stmt.get()));
  Rows rows;
  ASSERT_TRUE(FetchAll(stmt, &rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "-1234567.891");
}

TEST_P(ApiTest, BindParameterDateTimeTimestamp) {
  SQLLEN indicator = 0;
  Cell result;
  SQL_DATE_STRUCT date = {2024, 2, 29};
  ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS date) AS text)", SQL_C_TYPE_DATE, SQL_TYPE_DATE, 10,
                        0, &date, 0, &indicator, &result));
  EXPECT_EQ(result, "2024-02-29");
  SQL_TIME_STRUCT time = {23, 59, 58};
  ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS time) AS text)", SQL_C_TYPE_TIME, SQL_TYPE_TIME, 8,
                        0, &time, 0, &indicator, &result));
  EXPECT_EQ(result, "23:59:58");
  SQL_TIMESTAMP_STRUCT timestamp = {1999, 12, 31, 13, 14, 15, 123456000};
  ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS timestamp) AS text)", SQL_C_TYPE_TIMESTAMP,
                        SQL_TYPE_TIMESTAMP, 26, 6, &timestamp, 0, &indicator, &result));
  EXPECT_EQ(result, "1999-12-31 13:14:15.123456");
}

TEST_P(ApiTest, BindParameterBinary) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) bytes.push_back(static_cast<char>(i * 7));
  bytes[5] = '\0';
  SQLLEN indicator = static_cast<SQLLEN>(bytes.size());
  Cell result;
  ASSERT_TRUE(RoundTrip("SELECT encode(CAST(? AS bytea), 'hex')", SQL_C_BINARY, SQL_VARBINARY,
                        bytes.size(), 0, bytes.data(), indicator, &indicator, &result));
  EXPECT_EQ(result, ToHex(bytes));
}

TEST_P(ApiTest, BindParameterBit) {
  SQLLEN indicator = 0;
  for (unsigned char bit : {1, 0}) {
    Cell result;
    ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS boolean) AS text)", SQL_C_BIT, SQL_BIT, 1, 0, &bit,
                          0, &indicator, &result));
    EXPECT_EQ(result, bit ? "true" : "false");
  }
}

TEST_P(ApiTest, BindParameterGuid) {
  SQLGUID guid = {0xa0eebc99, 0x9c0b, 0x4ef8, {0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}};
  SQLLEN indicator = sizeof(guid);
  Cell result;
  ASSERT_TRUE(RoundTrip("SELECT CAST(CAST(? AS uuid) AS text)", SQL_C_GUID, SQL_GUID, 16, 0, &guid,
                        sizeof(guid), &indicator, &result));
  EXPECT_EQ(result, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
}

TEST_P(ApiTest, BindParameterNullOfEveryType) {
  struct NullCase {
    SQLSMALLINT c_type;
    SQLSMALLINT sql_type;
    const char* pg_type;
  };
  const NullCase cases[] = {
      {SQL_C_CHAR, SQL_VARCHAR, "text"},
      {SQL_C_WCHAR, SQL_WVARCHAR, "text"},
      {SQL_C_STINYINT, SQL_TINYINT, "int2"},
      {SQL_C_SSHORT, SQL_SMALLINT, "int2"},
      {SQL_C_SLONG, SQL_INTEGER, "int4"},
      {SQL_C_SBIGINT, SQL_BIGINT, "int8"},
      {SQL_C_DOUBLE, SQL_DOUBLE, "float8"},
      {SQL_C_CHAR, SQL_NUMERIC, "numeric"},
      {SQL_C_NUMERIC, SQL_NUMERIC, "numeric"},
      {SQL_C_TYPE_DATE, SQL_TYPE_DATE, "date"},
      {SQL_C_TYPE_TIME, SQL_TYPE_TIME, "time"},
      {SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP, "timestamp"},
      {SQL_C_BINARY, SQL_VARBINARY, "bytea"},
      {SQL_C_BIT, SQL_BIT, "boolean"},
      {SQL_C_GUID, SQL_GUID, "uuid"},
  };
  for (const NullCase& c : cases) {
    SCOPED_TRACE(std::string("C type ") + std::to_string(c.c_type) + " as " + c.pg_type);
    alignas(16) char buffer[64] = {};
    SQLLEN indicator = SQL_NULL_DATA;
    Cell result;
    std::string sql = std::string("SELECT CASE WHEN CAST(? AS ") + c.pg_type +
                      ") IS NULL THEN 'null' ELSE 'value' END";
    ASSERT_TRUE(
        RoundTrip(sql, c.c_type, c.sql_type, 10, 0, buffer, sizeof(buffer), &indicator, &result));
    EXPECT_EQ(result, "null");
  }
}

// --- Fetching -----------------------------------------------------------------

TEST_P(ApiTest, GetDataReturnsLongCharInPieces) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT repeat('0123456789', 100)"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  std::string expected;
  for (int i = 0; i < 100; ++i) expected += "0123456789";
  std::string assembled;
  char buffer[100];
  SQLLEN indicator = 0;
  // Each truncated piece holds 99 bytes and a terminator; the reported length
  // is what remained before the call.
  for (SQLLEN remaining = 1000; remaining > 99; remaining -= 99) {
    QF_ASSERT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_CHAR, buffer, sizeof(buffer), &indicator),
                   SQL_SUCCESS_WITH_INFO, "01004");
    EXPECT_EQ(indicator, remaining);
    ASSERT_EQ(std::strlen(buffer), 99u);
    assembled += buffer;
  }
  QF_ASSERT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_CHAR, buffer, sizeof(buffer), &indicator),
                 SQL_SUCCESS, "");
  EXPECT_EQ(indicator, 10);
  assembled += buffer;
  EXPECT_EQ(assembled, expected);
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_CHAR, buffer, sizeof(buffer), &indicator),
                 SQL_NO_DATA, "");
}

TEST_P(ApiTest, GetDataReturnsLongWcharInPieces) {
  Stmt stmt = AllocStmt(dbc_);
  // 1000 characters, each two bytes in UTF-16 and in UTF-8 (U+00E9).
  ASSERT_TRUE(ExecDirect(stmt, "SELECT repeat(U&'abcd\\00e9', 200)"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  SQLWCHAR buffer[101];
  SQLLEN indicator = 0;
  std::u16string assembled;
  // 100 characters fit beside the terminator; the last piece fills the buffer
  // exactly, which is not a truncation.
  for (SQLLEN remaining = 2000; remaining > 200; remaining -= 200) {
    QF_ASSERT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_WCHAR, buffer, sizeof(buffer), &indicator),
                   SQL_SUCCESS_WITH_INFO, "01004");
    EXPECT_EQ(indicator, remaining);
    ASSERT_EQ(buffer[100], 0) << "a truncated piece must be null-terminated";
    assembled.append(reinterpret_cast<char16_t*>(buffer), 100);
  }
  QF_ASSERT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_WCHAR, buffer, sizeof(buffer), &indicator),
                 SQL_SUCCESS, "");
  EXPECT_EQ(indicator, 200);
  assembled.append(reinterpret_cast<char16_t*>(buffer), 100);
  std::u16string expected;
  for (int i = 0; i < 200; ++i) expected += u"abcd\u00e9";
  EXPECT_TRUE(assembled == expected);
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_WCHAR, buffer, sizeof(buffer), &indicator),
                 SQL_NO_DATA, "");
}

TEST_P(ApiTest, GetDataReturnsLongBinaryInPieces) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(
      stmt, "SELECT decode(repeat('00ff7f80', 250), 'hex')"));  // 1000 bytes, no terminator
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  unsigned char buffer[300];
  SQLLEN indicator = 0;
  std::string assembled;
  for (SQLLEN remaining = 1000; remaining > 300; remaining -= 300) {
    QF_ASSERT_DIAG(stmt,
                   SQLGetData(stmt.get(), 1, SQL_C_BINARY, buffer, sizeof(buffer), &indicator),
                   SQL_SUCCESS_WITH_INFO, "01004");
    EXPECT_EQ(indicator, remaining);
    assembled.append(reinterpret_cast<char*>(buffer), sizeof(buffer));
  }
  QF_ASSERT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_BINARY, buffer, sizeof(buffer), &indicator),
                 SQL_SUCCESS, "");
  EXPECT_EQ(indicator, 100);
  assembled.append(reinterpret_cast<char*>(buffer), 100);
  std::string expected;
  for (int i = 0; i < 250; ++i) expected += std::string("\x00\xff\x7f\x80", 4);
  EXPECT_EQ(ToHex(assembled), ToHex(expected));
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_BINARY, buffer, sizeof(buffer), &indicator),
                 SQL_NO_DATA, "");
}

TEST_P(ApiTest, GetDataEmptyAndNullValues) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT CAST('' AS text), CAST(NULL AS text), CAST(NULL AS int4)"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  char buffer[16] = "garbage";
  SQLLEN indicator = 12345;
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_CHAR, buffer, sizeof(buffer), &indicator),
                 SQL_SUCCESS, "");
  EXPECT_EQ(indicator, 0);
  EXPECT_STREQ(buffer, "");
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 2, SQL_C_CHAR, buffer, sizeof(buffer), &indicator),
                 SQL_SUCCESS, "");
  EXPECT_EQ(indicator, SQL_NULL_DATA);
  SQLINTEGER number = 7;
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 3, SQL_C_SLONG, &number, 0, &indicator), SQL_SUCCESS,
                 "");
  EXPECT_EQ(indicator, SQL_NULL_DATA);
}

TEST_P(ApiTest, GetDataWithoutIndicatorOnNullIs22002) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT CAST(NULL AS int4)"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  SQLINTEGER number = 0;
  if (backend().quirks.null_without_indicator_is_hy000) {
    NoteQuirk(backend(), "NULL without an indicator pointer is HY000, not 22002");
    QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &number, 0, nullptr), SQL_ERROR,
                   "HY000");
    return;
  }
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &number, 0, nullptr), SQL_ERROR,
                 "22002");
}

TEST_P(ApiTest, GetDataOnFixedLengthColumnTwiceReturnsNoData) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT CAST(42 AS int4)"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  SQLINTEGER number = 0;
  SQLLEN indicator = 0;
  QF_ASSERT_OK(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &number, 0, &indicator));
  EXPECT_EQ(number, 42);
  EXPECT_EQ(indicator, static_cast<SQLLEN>(sizeof(SQLINTEGER)));
  QF_EXPECT_DIAG(stmt, SQLGetData(stmt.get(), 1, SQL_C_SLONG, &number, 0, &indicator), SQL_NO_DATA,
                 "");
}

TEST_P(ApiTest, BindColFetchesEveryRow) {
  Stmt stmt = AllocStmt(dbc_);
  SQLINTEGER id = 0;
  char name[16] = {};
  SQLLEN id_ind = 0, name_ind = 0;
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, &id, 0, &id_ind));
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 2, SQL_C_CHAR, name, sizeof(name), &name_ind));
  ASSERT_TRUE(ExecDirect(
      stmt, "SELECT g, CASE WHEN g = 2 THEN NULL ELSE 'n' || g END FROM generate_series(1, 3) g"));
  for (int expected = 1; expected <= 3; ++expected) {
    QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
    EXPECT_EQ(id, expected);
    if (expected == 2) {
      EXPECT_EQ(name_ind, SQL_NULL_DATA);
    } else {
      EXPECT_EQ(name_ind, 2);
      EXPECT_EQ(std::string(name), "n" + std::to_string(expected));
    }
  }
  QF_EXPECT_DIAG(stmt, SQLFetch(stmt.get()), SQL_NO_DATA, "");
}

TEST_P(ApiTest, BindColAndGetDataOnLaterColumn) {
  Stmt stmt = AllocStmt(dbc_);
  SQLINTEGER id = 0;
  SQLLEN id_ind = 0;
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, &id, 0, &id_ind));
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 5, 'five'"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  EXPECT_EQ(id, 5);
  Cell name;
  ASSERT_TRUE(GetDataAll(stmt, 2, SQL_C_CHAR, &name));
  EXPECT_EQ(name, "five");
}

TEST_P(ApiTest, BindColTruncatesWith01004AndFullLength) {
  Stmt stmt = AllocStmt(dbc_);
  char name[4] = {};
  SQLLEN name_ind = 0;
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_CHAR, name, sizeof(name), &name_ind));
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 'abcdefgh'"));
  QF_EXPECT_DIAG(stmt, SQLFetch(stmt.get()), SQL_SUCCESS_WITH_INFO, "01004");
  EXPECT_STREQ(name, "abc");
  EXPECT_EQ(name_ind, 8);
}

// Rows 1..10 fetched four at a time: two full rowsets, one partial, then none.
TEST_P(ApiTest, FetchScrollColumnWiseRowArray) {
  constexpr SQLULEN kArraySize = 4;
  Stmt stmt = AllocStmt(dbc_);
  SQLINTEGER ids[kArraySize] = {};
  SQLLEN id_ind[kArraySize] = {};
  char names[kArraySize][8] = {};
  SQLLEN name_ind[kArraySize] = {};
  SQLUSMALLINT status[kArraySize] = {};
  SQLULEN fetched = 0;
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_BIND_TYPE,
                                    reinterpret_cast<SQLPOINTER>(SQL_BIND_BY_COLUMN), 0));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_ARRAY_SIZE,
                                    reinterpret_cast<SQLPOINTER>(kArraySize), 0));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_STATUS_PTR, status, 0));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0));
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, ids, 0, id_ind));
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 2, SQL_C_CHAR, names, sizeof(names[0]), name_ind));
  ASSERT_TRUE(ExecDirect(stmt, "SELECT g, 'r' || g FROM generate_series(1, 10) g ORDER BY g"));
  int next = 1;
  for (SQLULEN expected_rows : {4, 4, 2}) {
    QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0));
    ASSERT_EQ(fetched, expected_rows);
    for (SQLULEN i = 0; i < kArraySize; ++i) {
      if (i < expected_rows) {
        EXPECT_EQ(status[i], SQL_ROW_SUCCESS);
        EXPECT_EQ(ids[i], next);
        EXPECT_EQ(std::string(names[i]), "r" + std::to_string(next));
        EXPECT_EQ(name_ind[i], static_cast<SQLLEN>(std::strlen(names[i])));
        ++next;
      } else {
        EXPECT_EQ(status[i], SQL_ROW_NOROW) << "row " << i << " of the last, partial rowset";
      }
    }
  }
  QF_EXPECT_DIAG(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0), SQL_NO_DATA, "");
}

struct BoundRow {
  SQLINTEGER id;
  SQLLEN id_ind;
  char name[12];
  SQLLEN name_ind;
  double value;
  SQLLEN value_ind;
};

void BindRowWise(const Stmt& stmt, BoundRow* rows, SQLULEN count) {
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_BIND_TYPE,
                                    reinterpret_cast<SQLPOINTER>(sizeof(BoundRow)), 0));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_ARRAY_SIZE,
                                    reinterpret_cast<SQLPOINTER>(count), 0));
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, &rows[0].id, 0, &rows[0].id_ind));
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 2, SQL_C_CHAR, rows[0].name, sizeof(rows[0].name),
                                &rows[0].name_ind));
  QF_ASSERT_OK(stmt,
               SQLBindCol(stmt.get(), 3, SQL_C_DOUBLE, &rows[0].value, 0, &rows[0].value_ind));
}

TEST_P(ApiTest, FetchScrollRowWiseRowArray) {
  constexpr SQLULEN kArraySize = 3;
  Stmt stmt = AllocStmt(dbc_);
  BoundRow rows[kArraySize] = {};
  SQLUSMALLINT status[kArraySize] = {};
  SQLULEN fetched = 0;
  ASSERT_NO_FATAL_FAILURE(BindRowWise(stmt, rows, kArraySize));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_STATUS_PTR, status, 0));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0));
  ASSERT_TRUE(ExecDirect(stmt,
                         "SELECT g, CASE WHEN g = 4 THEN NULL ELSE 'x' || g END, g * 0.5 "
                         "FROM generate_series(1, 5) g ORDER BY g"));
  QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0));
  ASSERT_EQ(fetched, 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(rows[i].id, i + 1);
    EXPECT_EQ(std::string(rows[i].name), "x" + std::to_string(i + 1));
    EXPECT_EQ(rows[i].value, (i + 1) * 0.5);
    EXPECT_EQ(status[i], SQL_ROW_SUCCESS);
  }
  QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0));
  ASSERT_EQ(fetched, 2u);
  EXPECT_EQ(rows[0].id, 4);
  EXPECT_EQ(rows[0].name_ind, SQL_NULL_DATA);
  EXPECT_EQ(rows[1].id, 5);
  EXPECT_EQ(rows[1].value, 2.5);
  EXPECT_EQ(status[2], SQL_ROW_NOROW);
  QF_EXPECT_DIAG(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0), SQL_NO_DATA, "");
}

TEST_P(ApiTest, RowBindOffsetMovesEveryBoundAddress) {
  constexpr SQLULEN kArraySize = 2;
  Stmt stmt = AllocStmt(dbc_);
  // Two rowset-sized areas; binding describes the first, the offset selects.
  BoundRow areas[2][kArraySize] = {};
  SQLLEN offset = 0;
  ASSERT_NO_FATAL_FAILURE(BindRowWise(stmt, areas[0], kArraySize));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_BIND_OFFSET_PTR, &offset, 0));
  ASSERT_TRUE(ExecDirect(stmt, "SELECT g, 'v' || g, g FROM generate_series(1, 4) g ORDER BY g"));
  QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0));
  offset = sizeof(areas[0]);
  QF_ASSERT_OK(stmt, SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0));
  EXPECT_EQ(areas[0][0].id, 1);
  EXPECT_EQ(areas[0][1].id, 2);
  EXPECT_EQ(areas[1][0].id, 3);
  EXPECT_EQ(areas[1][1].id, 4);
  EXPECT_EQ(std::string(areas[1][1].name), "v4");
  EXPECT_EQ(areas[1][1].name_ind, 2) << "the indicator pointer is offset too";
  EXPECT_EQ(areas[1][0].value, 3.0);
}

TEST_P(ApiTest, CloseCursorAllowsReexecution) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT g FROM generate_series(1, 100) g"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  QF_ASSERT_OK(stmt, SQLCloseCursor(stmt.get()));
  QF_EXPECT_DIAG(stmt, SQLCloseCursor(stmt.get()), SQL_ERROR, "24000");
  Rows rows;
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 'again'"));
  ASSERT_TRUE(FetchAll(stmt, &rows));
  EXPECT_EQ(rows, Rows{{"again"}});
}

TEST_P(ApiTest, FreeStmtCloseUnbindResetParams) {
  Stmt stmt = AllocStmt(dbc_);
  SQLINTEGER param = 7;
  SQLLEN param_ind = 0;
  SQLINTEGER bound = 0;
  SQLLEN bound_ind = 0;
  QF_ASSERT_OK(stmt, SQLPrepare(stmt.get(), SqlText("SELECT CAST(? AS int4) + 1"), SQL_NTS));
  QF_ASSERT_OK(stmt, SQLBindParameter(stmt.get(), 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0,
                                      0, &param, 0, &param_ind));
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, &bound, 0, &bound_ind));
  QF_ASSERT_OK(stmt, SQLExecute(stmt.get()));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  EXPECT_EQ(bound, 8);

  // SQL_CLOSE keeps the prepared statement, its parameters and bindings.
  QF_ASSERT_OK(stmt, SQLFreeStmt(stmt.get(), SQL_CLOSE));
  param = 9;
  QF_ASSERT_OK(stmt, SQLExecute(stmt.get()));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  EXPECT_EQ(bound, 10);

  // SQL_UNBIND: the old buffer is no longer written.
  QF_ASSERT_OK(stmt, SQLFreeStmt(stmt.get(), SQL_CLOSE));
  QF_ASSERT_OK(stmt, SQLFreeStmt(stmt.get(), SQL_UNBIND));
  param = 20;
  QF_ASSERT_OK(stmt, SQLExecute(stmt.get()));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  EXPECT_EQ(bound, 10);
  Cell value;
  ASSERT_TRUE(GetDataAll(stmt, 1, SQL_C_CHAR, &value));
  EXPECT_EQ(value, "21");

  // SQL_RESET_PARAMS: executing without parameters bound is 07002.
  QF_ASSERT_OK(stmt, SQLFreeStmt(stmt.get(), SQL_CLOSE));
  QF_ASSERT_OK(stmt, SQLFreeStmt(stmt.get(), SQL_RESET_PARAMS));
  QF_EXPECT_DIAG(stmt, SQLExecute(stmt.get()), SQL_ERROR, "07002");
}

// --- Metadata -----------------------------------------------------------------

constexpr char kDescribedQuery[] =
    "SELECT CAST(1 AS int4) AS i, CAST('x' AS varchar(20)) AS v, "
    "CAST(1.5 AS numeric(10,2)) AS n, CAST(NULL AS int8) AS b, CAST('y' AS char(3)) AS c";

TEST_P(ApiTest, NumResultColsAndDescribeCol) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, kDescribedQuery));
  SQLSMALLINT columns = 0;
  QF_ASSERT_OK(stmt, SQLNumResultCols(stmt.get(), &columns));
  ASSERT_EQ(columns, 5);
  struct Expected {
    const char* name;
    SQLSMALLINT type;
    SQLULEN size;
    SQLSMALLINT digits;
  };
  const Expected expected[] = {
      {"i", SQL_INTEGER, 10, 0}, {"v", SQL_VARCHAR, 20, 0}, {"n", SQL_NUMERIC, 10, 2},
      {"b", SQL_BIGINT, 19, 0},  {"c", SQL_CHAR, 3, 0},
  };
  for (SQLUSMALLINT c = 1; c <= 5; ++c) {
    const Expected& e = expected[c - 1];
    SCOPED_TRACE(e.name);
    SQLCHAR name[32] = {};
    SQLSMALLINT name_len = 0, type = 0, digits = -1, nullable = -1;
    SQLULEN size = 0;
    QF_ASSERT_OK(stmt, SQLDescribeCol(stmt.get(), c, name, sizeof(name), &name_len, &type, &size,
                                      &digits, &nullable));
    EXPECT_STREQ(reinterpret_cast<char*>(name), e.name);
    EXPECT_EQ(name_len, 1);
    EXPECT_EQ(type, e.type);
    EXPECT_EQ(size, e.size);
    EXPECT_EQ(digits, e.digits);
    EXPECT_NE(nullable, SQL_NO_NULLS) << "an expression may be NULL";
  }
}

// A driver may answer SQL_NULLABLE_UNKNOWN, but a definite answer must be right.
TEST_P(ApiTest, DescribeColNullabilityOfTableColumns) {
  std::string table = UniqueName("notnull");
  ASSERT_TRUE(Exec(dbc_, "CREATE TEMP TABLE " + table + " (id int4 NOT NULL, note text)"));
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT id, note FROM " + table));
  SQLSMALLINT nullable = -1;
  SQLSMALLINT type = 0;
  QF_ASSERT_OK(
      stmt, SQLDescribeCol(stmt.get(), 1, nullptr, 0, nullptr, &type, nullptr, nullptr, &nullable));
  EXPECT_EQ(type, SQL_INTEGER);
  EXPECT_TRUE(nullable == SQL_NO_NULLS || nullable == SQL_NULLABLE_UNKNOWN) << nullable;
  QF_ASSERT_OK(
      stmt, SQLDescribeCol(stmt.get(), 2, nullptr, 0, nullptr, &type, nullptr, nullptr, &nullable));
  EXPECT_TRUE(nullable == SQL_NULLABLE || nullable == SQL_NULLABLE_UNKNOWN) << nullable;
}

TEST_P(ApiTest, ColAttributeReportsEveryCommonField) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, kDescribedQuery));
  auto numeric = [&](SQLUSMALLINT column, SQLUSMALLINT field) {
    SQLLEN value = -999;
    EXPECT_TRUE(
        SqlSucceeded("SQLColAttribute",
                     SQLColAttribute(stmt.get(), column, field, nullptr, 0, nullptr, &value), stmt))
        << "column " << column << " field " << field;
    return value;
  };
  auto text = [&](SQLUSMALLINT column, SQLUSMALLINT field) {
    char buffer[64] = {};
    SQLSMALLINT length = -1;
    EXPECT_TRUE(SqlSucceeded(
        "SQLColAttribute",
        SQLColAttribute(stmt.get(), column, field, buffer, sizeof(buffer), &length, nullptr), stmt))
        << "column " << column << " field " << field;
    EXPECT_EQ(length, static_cast<SQLSMALLINT>(std::strlen(buffer)));
    return std::string(buffer);
  };
  EXPECT_EQ(numeric(1, SQL_DESC_COUNT), 5);
  EXPECT_EQ(text(1, SQL_DESC_NAME), "i");
  EXPECT_EQ(text(2, SQL_DESC_LABEL), "v");
  EXPECT_EQ(numeric(1, SQL_DESC_CONCISE_TYPE), SQL_INTEGER);
  EXPECT_EQ(numeric(2, SQL_DESC_CONCISE_TYPE), SQL_VARCHAR);
  EXPECT_EQ(numeric(3, SQL_DESC_CONCISE_TYPE), SQL_NUMERIC);
  EXPECT_EQ(numeric(2, SQL_DESC_LENGTH), 20);
  EXPECT_EQ(numeric(3, SQL_DESC_PRECISION), 10);
  EXPECT_EQ(numeric(3, SQL_DESC_SCALE), 2);
  EXPECT_NE(numeric(1, SQL_DESC_NULLABLE), SQL_NO_NULLS);
  EXPECT_EQ(numeric(1, SQL_DESC_DISPLAY_SIZE), 11);
  EXPECT_EQ(numeric(2, SQL_DESC_DISPLAY_SIZE), 20);
  EXPECT_EQ(numeric(3, SQL_DESC_DISPLAY_SIZE), 12);
  EXPECT_EQ(numeric(4, SQL_DESC_DISPLAY_SIZE), 20);
  EXPECT_EQ(numeric(1, SQL_DESC_UNSIGNED), SQL_FALSE);
  EXPECT_EQ(text(1, SQL_DESC_TYPE_NAME), "int4");
  EXPECT_EQ(text(2, SQL_DESC_TYPE_NAME), "varchar");
  EXPECT_EQ(text(3, SQL_DESC_TYPE_NAME), "numeric");
  EXPECT_EQ(text(4, SQL_DESC_TYPE_NAME), "int8");
}

TEST_P(ApiTest, RowCountForInsertUpdateDelete) {
  std::string table = UniqueName("rowcount");
  ASSERT_TRUE(Exec(dbc_, "CREATE TEMP TABLE " + table + " (id int4 PRIMARY KEY, v text)"));
  Stmt stmt = AllocStmt(dbc_);
  SQLLEN count = -2;
  ASSERT_TRUE(ExecDirect(stmt, "INSERT INTO " + table + " VALUES (1, 'a'), (2, 'b'), (3, 'c')"));
  QF_ASSERT_OK(stmt, SQLRowCount(stmt.get(), &count));
  EXPECT_EQ(count, 3);
  ASSERT_TRUE(ExecDirect(stmt, "UPDATE " + table + " SET v = 'z' WHERE id > 1"));
  QF_ASSERT_OK(stmt, SQLRowCount(stmt.get(), &count));
  EXPECT_EQ(count, 2);
  // A searched update touching no row returns SQL_NO_DATA (ODBC 3.x).
  std::string none = "UPDATE " + table + " SET v = 'q' WHERE id > 100";
  QF_EXPECT_DIAG(stmt, SQLExecDirect(stmt.get(), SqlText(none), SQL_NTS), SQL_NO_DATA, "");
  QF_ASSERT_OK(stmt, SQLRowCount(stmt.get(), &count));
  EXPECT_EQ(count, 0);
  ASSERT_TRUE(ExecDirect(stmt, "DELETE FROM " + table));
  QF_ASSERT_OK(stmt, SQLRowCount(stmt.get(), &count));
  EXPECT_EQ(count, 3);
}

// --- Transactions -------------------------------------------------------------

// Drops a shared table at the end of a test, after rolling back the session
// under test: a failed assertion can leave that session inside a transaction
// holding locks on the table, and the DROP would wait for them forever.
class TableGuard {
 public:
  TableGuard(const Dbc& tested, const Dbc& owner, std::string name)
      : tested_(tested), owner_(owner), name_(std::move(name)) {}
  ~TableGuard() {
    SQLEndTran(SQL_HANDLE_DBC, tested_.get(), SQL_ROLLBACK);
    (void)Exec(owner_, "DROP TABLE IF EXISTS " + name_);
  }

 private:
  const Dbc& tested_;
  const Dbc& owner_;
  std::string name_;
};

TEST_P(ApiTest, ManualCommitAndRollbackAreVisibleFromAnotherSession) {
  std::string table = UniqueName("txn");
  Dbc observer = ConnectAnother();
  ASSERT_TRUE(observer);
  ASSERT_TRUE(Exec(observer, "DROP TABLE IF EXISTS " + table));
  ASSERT_TRUE(Exec(observer, "CREATE TABLE " + table + " (id int4)"));
  TableGuard guard(dbc_, observer, table);
  std::string count_sql = "SELECT count(*) FROM " + table;
  Cell count;

  SQLULEN autocommit = 0;
  QF_ASSERT_OK(dbc_, SQLGetConnectAttr(dbc_.get(), SQL_ATTR_AUTOCOMMIT, &autocommit, 0, nullptr));
  EXPECT_EQ(autocommit, static_cast<SQLULEN>(SQL_AUTOCOMMIT_ON));
  QF_ASSERT_OK(dbc_, SQLSetConnectAttr(dbc_.get(), SQL_ATTR_AUTOCOMMIT,
                                       reinterpret_cast<SQLPOINTER>(SQL_AUTOCOMMIT_OFF), 0));
  QF_ASSERT_OK(dbc_, SQLGetConnectAttr(dbc_.get(), SQL_ATTR_AUTOCOMMIT, &autocommit, 0, nullptr));
  EXPECT_EQ(autocommit, static_cast<SQLULEN>(SQL_AUTOCOMMIT_OFF));

  ASSERT_TRUE(Exec(dbc_, "INSERT INTO " + table + " VALUES (1)"));
  ASSERT_TRUE(QueryScalar(observer, count_sql, &count));
  EXPECT_EQ(count, "0") << "uncommitted row visible to another session";
  QF_ASSERT_OK(dbc_, SQLEndTran(SQL_HANDLE_DBC, dbc_.get(), SQL_COMMIT));
  ASSERT_TRUE(QueryScalar(observer, count_sql, &count));
  EXPECT_EQ(count, "1") << "committed row not visible";

  ASSERT_TRUE(Exec(dbc_, "INSERT INTO " + table + " VALUES (2)"));
  QF_ASSERT_OK(dbc_, SQLEndTran(SQL_HANDLE_DBC, dbc_.get(), SQL_ROLLBACK));
  ASSERT_TRUE(QueryScalar(dbc_, count_sql, &count));
  EXPECT_EQ(count, "1") << "rolled-back row still visible in its own session";
  QF_ASSERT_OK(dbc_, SQLEndTran(SQL_HANDLE_DBC, dbc_.get(), SQL_COMMIT));

  // SQLEndTran on the environment ends the transactions of its connections.
  ASSERT_TRUE(Exec(dbc_, "INSERT INTO " + table + " VALUES (3)"));
  QF_ASSERT_OK(env_, SQLEndTran(SQL_HANDLE_ENV, env_.get(), SQL_COMMIT));
  ASSERT_TRUE(QueryScalar(observer, count_sql, &count));
  EXPECT_EQ(count, "2");

  // Turning autocommit back on commits the open transaction.
  ASSERT_TRUE(Exec(dbc_, "INSERT INTO " + table + " VALUES (4)"));
  QF_ASSERT_OK(dbc_, SQLSetConnectAttr(dbc_.get(), SQL_ATTR_AUTOCOMMIT,
                                       reinterpret_cast<SQLPOINTER>(SQL_AUTOCOMMIT_ON), 0));
  ASSERT_TRUE(QueryScalar(observer, count_sql, &count));
  EXPECT_EQ(count, "3");
  ASSERT_TRUE(Exec(dbc_, "INSERT INTO " + table + " VALUES (5)"));
  ASSERT_TRUE(QueryScalar(observer, count_sql, &count));
  EXPECT_EQ(count, "4") << "autocommit statement not committed";
}

TEST_P(ApiTest, TransactionIsolationAttribute) {
  SQLUINTEGER isolation = 0;
  QF_ASSERT_OK(dbc_, SQLGetConnectAttr(dbc_.get(), SQL_ATTR_TXN_ISOLATION, &isolation, 0, nullptr));
  EXPECT_EQ(isolation, static_cast<SQLUINTEGER>(SQL_TXN_READ_COMMITTED));
  QF_ASSERT_OK(dbc_, SQLSetConnectAttr(dbc_.get(), SQL_ATTR_TXN_ISOLATION,
                                       reinterpret_cast<SQLPOINTER>(SQL_TXN_SERIALIZABLE), 0));
  QF_ASSERT_OK(dbc_, SQLGetConnectAttr(dbc_.get(), SQL_ATTR_TXN_ISOLATION, &isolation, 0, nullptr));
  EXPECT_EQ(isolation, static_cast<SQLUINTEGER>(SQL_TXN_SERIALIZABLE));
  QF_ASSERT_OK(dbc_, SQLSetConnectAttr(dbc_.get(), SQL_ATTR_AUTOCOMMIT,
                                       reinterpret_cast<SQLPOINTER>(SQL_AUTOCOMMIT_OFF), 0));
  Cell level;
  ASSERT_TRUE(QueryScalar(dbc_, "SELECT current_setting('transaction_isolation')", &level));
  EXPECT_EQ(level, "serializable");
  QF_ASSERT_OK(dbc_, SQLEndTran(SQL_HANDLE_DBC, dbc_.get(), SQL_ROLLBACK));
  QF_ASSERT_OK(dbc_, SQLSetConnectAttr(dbc_.get(), SQL_ATTR_TXN_ISOLATION,
                                       reinterpret_cast<SQLPOINTER>(SQL_TXN_REPEATABLE_READ), 0));
  ASSERT_TRUE(QueryScalar(dbc_, "SELECT current_setting('transaction_isolation')", &level));
  EXPECT_EQ(level, "repeatable read");
}

// --- SQLGetInfo, SQLGetFunctions, attributes ---------------------------------

TEST_P(ApiTest, GetInfoDescribesServerAndDriver) {
  EXPECT_EQ(InfoString(SQL_DBMS_NAME), "PostgreSQL");
  Cell server_version;
  ASSERT_TRUE(QueryScalar(dbc_, "SELECT current_setting('server_version_num')", &server_version));
  int version_num = std::stoi(server_version.value_or("0"));
  std::string dbms_ver = InfoString(SQL_DBMS_VER);
  if (backend().quirks.dbms_ver_not_odbc_format) {
    NoteQuirk(backend(), "SQL_DBMS_VER is " + dbms_ver + ", not ##.##.####");
  } else {
    EXPECT_TRUE(StartsWithShape(dbms_ver, "##.##.####"))
        << "SQL_DBMS_VER must be ##.##.####, got " << dbms_ver;
  }
  EXPECT_EQ(std::stoi(dbms_ver.substr(0, 2)), version_num / 10000) << dbms_ver;
  std::string odbc_ver = InfoString(SQL_DRIVER_ODBC_VER);
  EXPECT_TRUE(odbc_ver.size() == 5 && StartsWithShape(odbc_ver, "##.##") && odbc_ver >= "03.00")
      << odbc_ver;
  std::string driver_ver = InfoString(SQL_DRIVER_VER);
  EXPECT_TRUE(StartsWithShape(driver_ver, "##.##.####")) << driver_ver;
  EXPECT_FALSE(InfoString(SQL_DRIVER_NAME).empty());
  EXPECT_EQ(InfoString(SQL_IDENTIFIER_QUOTE_CHAR), "\"");
  EXPECT_EQ(InfoString(SQL_DATA_SOURCE_NAME), backend().Dsn());
  EXPECT_EQ(InfoString(SQL_DATABASE_NAME), test_env_.server.database);
  EXPECT_EQ(InfoString(SQL_USER_NAME), test_env_.server.user);
  EXPECT_FALSE(InfoString(SQL_SERVER_NAME).empty());
  EXPECT_EQ(InfoString(SQL_DATA_SOURCE_READ_ONLY), "N");
  EXPECT_EQ(InfoUShort(SQL_TXN_CAPABLE), SQL_TC_ALL);
  EXPECT_EQ(InfoUInt(SQL_DEFAULT_TXN_ISOLATION), static_cast<SQLUINTEGER>(SQL_TXN_READ_COMMITTED));
  SQLUINTEGER isolations = InfoUInt(SQL_TXN_ISOLATION_OPTION);
  for (SQLUINTEGER level :
       {SQL_TXN_READ_COMMITTED, SQL_TXN_REPEATABLE_READ, SQL_TXN_SERIALIZABLE}) {
    EXPECT_TRUE(isolations & level) << "isolation " << level;
  }
  EXPECT_TRUE(InfoUInt(SQL_SCROLL_OPTIONS) & SQL_SO_FORWARD_ONLY);
  EXPECT_GE(InfoUInt(SQL_ODBC_INTERFACE_CONFORMANCE), static_cast<SQLUINTEGER>(SQL_OIC_CORE));
  EXPECT_GE(InfoUShort(SQL_MAX_COLUMN_NAME_LEN), 63);
}

TEST_P(ApiTest, GetFunctionsListsWhatTheDriverImplements) {
  std::array<SQLUSMALLINT, SQL_API_ODBC3_ALL_FUNCTIONS_SIZE> bitmap{};
  QF_ASSERT_OK(dbc_, SQLGetFunctions(dbc_.get(), SQL_API_ODBC3_ALL_FUNCTIONS, bitmap.data()));
  const SQLUSMALLINT required[] = {
      SQL_API_SQLALLOCHANDLE,   SQL_API_SQLBINDCOL,        SQL_API_SQLBINDPARAMETER,
      SQL_API_SQLCANCEL,        SQL_API_SQLCLOSECURSOR,    SQL_API_SQLCOLATTRIBUTE,
      SQL_API_SQLCONNECT,       SQL_API_SQLDESCRIBECOL,    SQL_API_SQLDISCONNECT,
      SQL_API_SQLDRIVERCONNECT, SQL_API_SQLENDTRAN,        SQL_API_SQLEXECDIRECT,
      SQL_API_SQLEXECUTE,       SQL_API_SQLFETCH,          SQL_API_SQLFETCHSCROLL,
      SQL_API_SQLFREEHANDLE,    SQL_API_SQLFREESTMT,       SQL_API_SQLGETCONNECTATTR,
      SQL_API_SQLGETDATA,       SQL_API_SQLGETDIAGFIELD,   SQL_API_SQLGETDIAGREC,
      SQL_API_SQLGETFUNCTIONS,  SQL_API_SQLGETINFO,        SQL_API_SQLGETSTMTATTR,
      SQL_API_SQLNUMPARAMS,     SQL_API_SQLNUMRESULTCOLS,  SQL_API_SQLPREPARE,
      SQL_API_SQLROWCOUNT,      SQL_API_SQLSETCONNECTATTR, SQL_API_SQLSETENVATTR,
      SQL_API_SQLSETSTMTATTR,   SQL_API_SQLGETENVATTR,
  };
  for (SQLUSMALLINT function : required) {
    EXPECT_TRUE(SQL_FUNC_EXISTS(bitmap.data(), function)) << "function id " << function;
    SQLUSMALLINT one = SQL_FALSE;
    QF_EXPECT_OK(dbc_, SQLGetFunctions(dbc_.get(), function, &one));
    EXPECT_EQ(one, SQL_TRUE) << "function id " << function;
  }
}

TEST_P(ApiTest, EnvironmentAttributes) {
  SQLINTEGER version = 0;
  QF_ASSERT_OK(env_, SQLGetEnvAttr(env_.get(), SQL_ATTR_ODBC_VERSION, &version, 0, nullptr));
  EXPECT_EQ(version, static_cast<SQLINTEGER>(SQL_OV_ODBC3_80));
  SQLINTEGER nts = 0;
  QF_ASSERT_OK(env_, SQLGetEnvAttr(env_.get(), SQL_ATTR_OUTPUT_NTS, &nts, 0, nullptr));
  EXPECT_EQ(nts, SQL_TRUE);
}

TEST_P(ApiTest, ConnectionAttributes) {
  SQLUINTEGER value = 99;
  QF_ASSERT_OK(dbc_, SQLGetConnectAttr(dbc_.get(), SQL_ATTR_CONNECTION_DEAD, &value, 0, nullptr));
  EXPECT_EQ(value, static_cast<SQLUINTEGER>(SQL_CD_FALSE));
  QF_ASSERT_OK(dbc_, SQLGetConnectAttr(dbc_.get(), SQL_ATTR_ACCESS_MODE, &value, 0, nullptr));
  EXPECT_EQ(value, static_cast<SQLUINTEGER>(SQL_MODE_READ_WRITE));
  char catalog[64] = {};
  SQLINTEGER length = 0;
  QF_ASSERT_OK(dbc_, SQLGetConnectAttr(dbc_.get(), SQL_ATTR_CURRENT_CATALOG, catalog,
                                       sizeof(catalog), &length));
  EXPECT_EQ(std::string(catalog), test_env_.server.database);
  EXPECT_EQ(length, static_cast<SQLINTEGER>(test_env_.server.database.size()));
  QF_ASSERT_OK(dbc_, SQLSetConnectAttr(dbc_.get(), SQL_ATTR_LOGIN_TIMEOUT,
                                       reinterpret_cast<SQLPOINTER>(7), 0));
}

TEST_P(ApiTest, StatementAttributesDefaultsAndRoundTrip) {
  Stmt stmt = AllocStmt(dbc_);
  auto get = [&](SQLINTEGER attribute) {
    SQLULEN value = 12345;
    EXPECT_TRUE(SqlSucceeded("SQLGetStmtAttr",
                             SQLGetStmtAttr(stmt.get(), attribute, &value, 0, nullptr), stmt))
        << "attribute " << attribute;
    return value;
  };
  EXPECT_EQ(get(SQL_ATTR_ROW_ARRAY_SIZE), 1u);
  EXPECT_EQ(get(SQL_ATTR_CURSOR_TYPE), static_cast<SQLULEN>(SQL_CURSOR_FORWARD_ONLY));
  EXPECT_EQ(get(SQL_ATTR_CONCURRENCY), static_cast<SQLULEN>(SQL_CONCUR_READ_ONLY));
  EXPECT_EQ(get(SQL_ATTR_ROW_BIND_TYPE), static_cast<SQLULEN>(SQL_BIND_BY_COLUMN));
  EXPECT_EQ(get(SQL_ATTR_PARAMSET_SIZE), 1u);
  EXPECT_EQ(get(SQL_ATTR_USE_BOOKMARKS), static_cast<SQLULEN>(SQL_UB_OFF));
  EXPECT_EQ(get(SQL_ATTR_MAX_ROWS), 0u);
  EXPECT_EQ(get(SQL_ATTR_QUERY_TIMEOUT), 0u);
  EXPECT_NE(get(SQL_ATTR_APP_ROW_DESC), 0u);
  EXPECT_NE(get(SQL_ATTR_IMP_ROW_DESC), 0u);
  EXPECT_NE(get(SQL_ATTR_APP_PARAM_DESC), 0u);
  EXPECT_NE(get(SQL_ATTR_IMP_PARAM_DESC), 0u);
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_ARRAY_SIZE,
                                    reinterpret_cast<SQLPOINTER>(25), 0));
  EXPECT_EQ(get(SQL_ATTR_ROW_ARRAY_SIZE), 25u);
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_QUERY_TIMEOUT,
                                    reinterpret_cast<SQLPOINTER>(30), 0));
  EXPECT_EQ(get(SQL_ATTR_QUERY_TIMEOUT), 30u);
}

TEST_P(ApiTest, MaxRowsLimitsTheResult) {
  Stmt stmt = AllocStmt(dbc_);
  QF_ASSERT_OK(stmt,
               SQLSetStmtAttr(stmt.get(), SQL_ATTR_MAX_ROWS, reinterpret_cast<SQLPOINTER>(3), 0));
  ASSERT_TRUE(ExecDirect(stmt, "SELECT g FROM generate_series(1, 10) g"));
  Rows rows;
  ASSERT_TRUE(FetchAll(stmt, &rows));
  EXPECT_EQ(rows.size(), 3u);
}

TEST_P(ApiTest, QueryTimeoutEndsLongStatement) {
  Stmt stmt = AllocStmt(dbc_);
  QF_ASSERT_OK(
      stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_QUERY_TIMEOUT, reinterpret_cast<SQLPOINTER>(1), 0));
  Watchdog watchdog(std::chrono::seconds(20), "a 1 s query timeout");
  // Short enough that a driver ignoring the timeout fails in a few seconds.
  auto start = std::chrono::steady_clock::now();
  SQLRETURN rc = SQLExecDirect(stmt.get(), SqlText("SELECT pg_sleep(4)"), SQL_NTS);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(rc, SQL_ERROR);
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  if (backend().quirks.query_timeout_is_57014) {
    NoteQuirk(backend(), "a query timeout is reported as 57014, not HYT00");
    EXPECT_TRUE(HasSqlState(stmt, "57014")) << FormatDiag(stmt);
  } else {
    EXPECT_TRUE(HasSqlState(stmt, "HYT00")) << FormatDiag(stmt);
  }
}

// --- Diagnostics --------------------------------------------------------------

struct ServerError {
  const char* sqlstate;
  const char* sql;
  const char* message_part;
};

TEST_P(ApiTest, ServerSqlStatesPassThrough) {
  std::string table = UniqueName("dup");
  std::string create = "CREATE TEMP TABLE " + table + " (id int4 PRIMARY KEY)";
  std::string insert = "INSERT INTO " + table + " VALUES (1)";
  ASSERT_TRUE(Exec(dbc_, create));
  ASSERT_TRUE(Exec(dbc_, insert));
  const ServerError cases[] = {
      {"42P01", "SELECT * FROM qf_conf_no_such_table", "qf_conf_no_such_table"},
      {"23505", insert.c_str(), table.c_str()},
      {"22012", "SELECT 1 / 0", "division by zero"},
      {"42601", "SELEC 1", "syntax error"},
  };
  for (const ServerError& c : cases) {
    SCOPED_TRACE(c.sql);
    Stmt stmt = AllocStmt(dbc_);
    std::string sql = c.sql;
    QF_EXPECT_DIAG(stmt, SQLExecDirect(stmt.get(), SqlText(sql), SQL_NTS), SQL_ERROR, c.sqlstate);
    auto records = GetDiagRecords(stmt);
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records[0].sqlstate, c.sqlstate) << "the server's SQLSTATE comes first";
    EXPECT_NE(records[0].message.find(c.message_part), std::string::npos) << records[0].message;

    SQLINTEGER count = 0;
    QF_EXPECT_OK(
        stmt, SQLGetDiagField(SQL_HANDLE_STMT, stmt.get(), 0, SQL_DIAG_NUMBER, &count, 0, nullptr));
    EXPECT_GE(count, 1);
    SQLRETURN returncode = 0;
    QF_EXPECT_OK(stmt, SQLGetDiagField(SQL_HANDLE_STMT, stmt.get(), 0, SQL_DIAG_RETURNCODE,
                                       &returncode, 0, nullptr));
    EXPECT_EQ(returncode, SQL_ERROR);
    char state[6] = {};
    SQLSMALLINT length = 0;
    QF_EXPECT_OK(stmt, SQLGetDiagField(SQL_HANDLE_STMT, stmt.get(), 1, SQL_DIAG_SQLSTATE, state,
                                       sizeof(state), &length));
    EXPECT_STREQ(state, c.sqlstate);
    char message[512] = {};
    QF_EXPECT_OK(stmt, SQLGetDiagField(SQL_HANDLE_STMT, stmt.get(), 1, SQL_DIAG_MESSAGE_TEXT,
                                       message, sizeof(message), &length));
    EXPECT_EQ(std::string(message), records[0].message);
    EXPECT_EQ(length, static_cast<SQLSMALLINT>(records[0].message.size()));

    // The connection stays usable in autocommit mode, and the next call on
    // the statement clears its diagnostics.
    ASSERT_TRUE(ExecDirect(stmt, "SELECT 1"));
    EXPECT_TRUE(GetDiagRecords(stmt).empty()) << FormatDiag(stmt);
  }
}

TEST_P(ApiTest, ErrorInManualTransactionIsRecoverableByRollback) {
  QF_ASSERT_OK(dbc_, SQLSetConnectAttr(dbc_.get(), SQL_ATTR_AUTOCOMMIT,
                                       reinterpret_cast<SQLPOINTER>(SQL_AUTOCOMMIT_OFF), 0));
  Stmt stmt = AllocStmt(dbc_);
  QF_EXPECT_DIAG(stmt, SQLExecDirect(stmt.get(), SqlText("SELECT 1 / 0"), SQL_NTS), SQL_ERROR,
                 "22012");
  if (backend().quirks.statement_level_rollback) {
    NoteQuirk(backend(), "statement-level rollback: the transaction survives an error");
    QF_EXPECT_OK(stmt, SQLExecDirect(stmt.get(), SqlText("SELECT 1"), SQL_NTS));
    QF_EXPECT_OK(stmt, SQLCloseCursor(stmt.get()));
  } else {
    // PostgreSQL's own semantics pass through: no hidden savepoints.
    QF_EXPECT_DIAG(stmt, SQLExecDirect(stmt.get(), SqlText("SELECT 1"), SQL_NTS), SQL_ERROR,
                   "25P02");
  }
  QF_ASSERT_OK(dbc_, SQLEndTran(SQL_HANDLE_DBC, dbc_.get(), SQL_ROLLBACK));
  Rows rows;
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 1"));
  ASSERT_TRUE(FetchAll(stmt, &rows));
  EXPECT_EQ(rows, Rows{{"1"}});
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiTest, ::testing::ValuesIn(AllBackends()), BackendParamName);

}  // namespace
}  // namespace quietfetch::conformance
