// Descriptors (SQLGetDescField, SQLSetDescField, SQLGetDescRec,
// SQLSetDescRec, SQLCopyDesc), explicitly allocated descriptors, the implicit
// ARD/APD/IRD/IPD as SQLBindCol/SQLBindParameter and the statement
// attributes see them, and SQLDescribeParam. Every scenario runs against
// quietfetch and psqlODBC; where the two should agree the same assertions
// hold for both.
//
// Intended differences from psqlODBC (checked for quietfetch, noted as a
// quirk for psqlODBC):
//  - A field that does not apply to the descriptor's type (SQL_DESC_NAME of
//    an ARD, SQL_DESC_ARRAY_SIZE of an IRD, SQL_DESC_PARAMETER_TYPE of an
//    APD, ...) is HY091 for SQLGetDescField and SQLSetDescField; psqlODBC
//    answers some of them and accepts others.
//  - Setting SQL_DESC_DATA_PTR runs ODBC's consistency check (HY021 for a
//    datetime type without a subcode, an SQL type in an application
//    descriptor, a numeric scale above its precision); psqlODBC stores the
//    pointer without checking.
//  - Record 0 (the bookmark record) is 07009 everywhere: quietfetch does not
//    support bookmarks.
//  - SQLCopyDesc from an IRD gives the target the IRD's SQL types as
//    concise types (ODBC's definition); an application then sets the C types
//    it wants before binding.
//  - SQLDescribeParam reports text parameters as SQL_LONGVARCHAR with
//    MaxVarcharSize, as SQLDescribeCol does for unbounded text, and booleans
//    as SQL_BIT; psqlODBC reports SQL_VARCHAR (SQL_WVARCHAR to Unicode
//    applications) for both.
//
// psqlODBC's own gaps, noted as quirks where a scenario meets them (these
// are not choices of quietfetch):
//  - Its SQLGetFunctions does not report SQLGetDescRec/SQLSetDescRec, so the
//    driver manager refuses them (IM001 or SQL_ERROR without a record); the
//    scenarios bind through SQLSetDescField for it instead.
//  - Header fields with record number 0 (SQL_DESC_ALLOC_TYPE) are 07009, an
//    unknown field is 07009, and changing an IRD is HY091 rather than HY016.
//  - Unbinding a column does not lower SQL_DESC_COUNT, and a record above
//    SQL_DESC_COUNT is SQL_ERROR rather than SQL_NO_DATA.
//  - SQLBindParameter's column size and digits are not visible in the IPD
//    (SQL_DESC_LENGTH is HY091, SQL_DESC_PRECISION 0).
//  - SQLCopyDesc from an IRD fails (HY000 "invalid descriptor type"), and
//    explicitly allocated descriptors answer HY000 "Error not implemented".
//  - SQLColAttribute does not answer SQL_DESC_DATETIME_INTERVAL_CODE, and
//    SQLGetDescField writes 32 bits of SQLLEN fields (DISPLAY_SIZE, LENGTH,
//    OCTET_LENGTH).
//  - An IPD's SQL_DESC_DATETIME_INTERVAL_CODE cannot be set (HY091).
//
// The driver manager (unixODBC) answers HY007 itself for any field of the
// IRD of a statement that is neither prepared nor executed (so the driver's
// own HY007 is covered by the unit tests), refuses SQLGetDescRec and
// SQLSetDescRec when the driver's SQLGetFunctions does not report them, and
// keeps answering SQL_ATTR_APP_ROW_DESC with an explicit descriptor after
// the application set SQL_NULL_HDESC, so that scenario checks which ARD is
// in use by fetching.
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "conformance/odbc/backend.h"
#include "conformance/odbc/odbc_util.h"

namespace quietfetch::conformance {
namespace {

#define QF_EXPECT_REFUSED(handle, call, sqlstate) \
  EXPECT_TRUE(Refused(#call, (call), HandleRef(handle), sqlstate))

SQLPOINTER Int(intptr_t v) { return reinterpret_cast<SQLPOINTER>(v); }

HandleRef DescRef(SQLHDESC desc) { return {SQL_HANDLE_DESC, desc}; }

class DescriptorTest : public BackendTest {
 protected:
  bool strict() const { return backend().is_quietfetch(); }

  // `rc` must be SQL_ERROR with `sqlstate`; for psqlODBC any SQLSTATE, with
  // the difference noted.
  ::testing::AssertionResult Refused(const char* expr, SQLRETURN rc, HandleRef handle,
                                     std::string_view sqlstate) {
    if (strict() || rc != SQL_ERROR) return SqlReturned(expr, rc, handle, SQL_ERROR, sqlstate);
    if (!HasSqlState(handle, sqlstate)) {
      NoteQuirk(backend(), std::string(expr) + " refused with another SQLSTATE than " +
                               std::string(sqlstate) + ": " + FormatDiag(handle));
    }
    return ::testing::AssertionSuccess();
  }

  // SQLSetDescRec, or the same fields one by one where the driver manager
  // does not pass SQLSetDescRec on (psqlODBC).
  SQLRETURN SetRec(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT type, SQLSMALLINT subcode,
                   SQLLEN length, SQLSMALLINT precision, SQLSMALLINT scale, SQLPOINTER data,
                   SQLLEN* octet_length_ptr, SQLLEN* indicator) {
    if (strict()) {
      return SQLSetDescRec(desc, record, type, subcode, length, precision, scale, data,
                           octet_length_ptr, indicator);
    }
    NoteQuirk(backend(), "SQLSetDescRec is not available: set field by field");
    SQLRETURN rc = SQLSetDescField(desc, record, SQL_DESC_TYPE, Int(type), 0);
    if (SQL_SUCCEEDED(rc) && (type == SQL_DATETIME || type == SQL_INTERVAL)) {
      rc = SQLSetDescField(desc, record, SQL_DESC_DATETIME_INTERVAL_CODE, Int(subcode), 0);
    }
    if (SQL_SUCCEEDED(rc))
      rc = SQLSetDescField(desc, record, SQL_DESC_OCTET_LENGTH, Int(length), 0);
    if (SQL_SUCCEEDED(rc) && precision != 0) {
      rc = SQLSetDescField(desc, record, SQL_DESC_PRECISION, Int(precision), 0);
    }
    if (SQL_SUCCEEDED(rc) && scale != 0) {
      rc = SQLSetDescField(desc, record, SQL_DESC_SCALE, Int(scale), 0);
    }
    if (SQL_SUCCEEDED(rc)) {
      rc = SQLSetDescField(desc, record, SQL_DESC_OCTET_LENGTH_PTR, octet_length_ptr, 0);
    }
    if (SQL_SUCCEEDED(rc)) rc = SQLSetDescField(desc, record, SQL_DESC_INDICATOR_PTR, indicator, 0);
    if (SQL_SUCCEEDED(rc) && data != nullptr) {
      rc = SQLSetDescField(desc, record, SQL_DESC_DATA_PTR, data, 0);
    }
    return rc;
  }

  SQLHDESC StmtDesc(const Stmt& stmt, SQLINTEGER attribute) {
    SQLHDESC desc = nullptr;
    EXPECT_TRUE(SqlSucceeded("SQLGetStmtAttr(desc)",
                             SQLGetStmtAttr(stmt.get(), attribute, &desc, 0, nullptr), stmt));
    return desc;
  }

  // A numeric field of any width, widened.
  template <typename T>
  T Field(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field) {
    T value{};
    SQLRETURN rc = SQLGetDescField(desc, record, field, &value, sizeof(value), nullptr);
    EXPECT_TRUE(
        SqlSucceeded(("SQLGetDescField " + std::to_string(field)).c_str(), rc, DescRef(desc)));
    return value;
  }
  SQLSMALLINT Small(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field) {
    return Field<SQLSMALLINT>(desc, record, field);
  }
  SQLPOINTER Pointer(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field) {
    return Field<SQLPOINTER>(desc, record, field);
  }
  std::string Text(SQLHDESC desc, SQLSMALLINT record, SQLSMALLINT field) {
    char buffer[256] = {};
    SQLINTEGER length = 0;
    SQLRETURN rc = SQLGetDescField(desc, record, field, buffer, sizeof(buffer), &length);
    EXPECT_TRUE(
        SqlSucceeded(("SQLGetDescField " + std::to_string(field)).c_str(), rc, DescRef(desc)));
    return buffer;
  }

  Stmt Prepared(std::string_view sql) {
    Stmt stmt = AllocStmt(dbc_);
    std::string text(sql);
    EXPECT_TRUE(SqlSucceeded("SQLPrepare", SQLPrepare(stmt.get(), SqlText(text), SQL_NTS), stmt));
    return stmt;
  }

  void MakeTypesTable(const std::string& table) {
    ASSERT_TRUE(Exec(dbc_, "DROP TABLE IF EXISTS " + table));
    ASSERT_TRUE(Exec(dbc_, "CREATE TABLE " + table +
                               " (i4 integer NOT NULL, i8 bigint, i2 smallint, n numeric(10,2),"
                               " t text, v varchar(20), b boolean, d date, ts timestamp,"
                               " f8 double precision, by bytea, u uuid)"));
  }
};

TEST_P(DescriptorTest, ImplicitAndExplicitDescriptors) {
  Stmt stmt = AllocStmt(dbc_);
  SQLHDESC ard = StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC);
  SQLHDESC apd = StmtDesc(stmt, SQL_ATTR_APP_PARAM_DESC);
  SQLHDESC ird = StmtDesc(stmt, SQL_ATTR_IMP_ROW_DESC);
  SQLHDESC ipd = StmtDesc(stmt, SQL_ATTR_IMP_PARAM_DESC);
  for (SQLHDESC desc : {ard, apd, ird, ipd}) ASSERT_NE(desc, nullptr);
  EXPECT_EQ(Field<SQLULEN>(ard, 0, SQL_DESC_ARRAY_SIZE), 1u);
  EXPECT_EQ(Field<SQLULEN>(apd, 0, SQL_DESC_ARRAY_SIZE), 1u);
  EXPECT_EQ(Field<SQLINTEGER>(ard, 0, SQL_DESC_BIND_TYPE), SQL_BIND_BY_COLUMN);
  EXPECT_EQ(Small(ard, 0, SQL_DESC_COUNT), 0);
  EXPECT_EQ(Small(ipd, 0, SQL_DESC_COUNT), 0);
  // The driver manager itself refuses an IRD before there is a statement.
  SQLSMALLINT count = 0;
  QF_EXPECT_DIAG(DescRef(ird), SQLGetDescField(ird, 0, SQL_DESC_COUNT, &count, 0, nullptr),
                 SQL_ERROR, "HY007");
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 1, 2"));
  EXPECT_EQ(Small(ird, 0, SQL_DESC_COUNT), 2);

  SQLHDESC user = nullptr;
  QF_ASSERT_OK(dbc_, SQLAllocHandle(SQL_HANDLE_DESC, dbc_.get(), &user));
  if (strict()) {
    for (SQLHDESC desc : {ard, apd, ird, ipd}) {
      EXPECT_EQ(Small(desc, 0, SQL_DESC_ALLOC_TYPE), SQL_DESC_ALLOC_AUTO);
    }
    EXPECT_EQ(Small(user, 0, SQL_DESC_ALLOC_TYPE), SQL_DESC_ALLOC_USER);
  } else {
    NoteQuirk(backend(), "SQL_DESC_ALLOC_TYPE (record 0) is 07009");
  }
  SQLINTEGER value = 0;
  SQLLEN indicator = 0;
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, &value, 0, &indicator));
  QF_EXPECT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_APP_ROW_DESC, user, 0));
  EXPECT_EQ(StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC), user);
  if (strict()) {
    EXPECT_EQ(Small(user, 0, SQL_DESC_COUNT), 0);
  }
  // Implementation descriptors cannot be replaced, nor freed.
  QF_EXPECT_DIAG(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_IMP_ROW_DESC, user, 0), SQL_ERROR,
                 "HY017");
  QF_EXPECT_DIAG(DescRef(ird), SQLFreeHandle(SQL_HANDLE_DESC, ird), SQL_ERROR, "HY017");
  // Back to the implicit ARD, with its binding, through SQL_NULL_HDESC. (The
  // driver manager keeps answering SQL_ATTR_APP_ROW_DESC with the explicit
  // handle, so the fetch shows which ARD is in use.)
  QF_EXPECT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_APP_ROW_DESC, SQL_NULL_HDESC, 0));
  QF_ASSERT_OK(stmt, SQLCloseCursor(stmt.get()));
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 31"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  EXPECT_EQ(value, 31);
  EXPECT_EQ(SQLFreeHandle(SQL_HANDLE_DESC, user), SQL_SUCCESS);
}

TEST_P(DescriptorTest, BindColIsTheArd) {
  Stmt stmt = AllocStmt(dbc_);
  SQLHDESC ard = StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC);
  SQLINTEGER number = 0;
  SQLLEN number_ind = 0;
  SQL_TIMESTAMP_STRUCT stamp{};
  SQLLEN stamp_ind = 0;
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, &number, sizeof(number), &number_ind));
  QF_ASSERT_OK(stmt,
               SQLBindCol(stmt.get(), 3, SQL_C_TYPE_TIMESTAMP, &stamp, sizeof(stamp), &stamp_ind));
  EXPECT_EQ(Small(ard, 0, SQL_DESC_COUNT), 3);
  EXPECT_EQ(Small(ard, 1, SQL_DESC_TYPE), SQL_C_SLONG);
  EXPECT_EQ(Small(ard, 1, SQL_DESC_CONCISE_TYPE), SQL_C_SLONG);
  EXPECT_EQ(Pointer(ard, 1, SQL_DESC_DATA_PTR), &number);
  EXPECT_EQ(Pointer(ard, 1, SQL_DESC_INDICATOR_PTR), &number_ind);
  EXPECT_EQ(Pointer(ard, 1, SQL_DESC_OCTET_LENGTH_PTR), &number_ind);
  EXPECT_EQ(Small(ard, 3, SQL_DESC_TYPE), SQL_DATETIME);
  EXPECT_EQ(Small(ard, 3, SQL_DESC_CONCISE_TYPE), SQL_C_TYPE_TIMESTAMP);
  EXPECT_EQ(Small(ard, 3, SQL_DESC_DATETIME_INTERVAL_CODE), SQL_CODE_TIMESTAMP);
  EXPECT_EQ(Field<SQLLEN>(ard, 3, SQL_DESC_OCTET_LENGTH),
            static_cast<SQLLEN>(sizeof(SQL_TIMESTAMP_STRUCT)));
  if (!strict()) {
    NoteQuirk(backend(), "unbinding does not lower SQL_DESC_COUNT; above it is SQL_ERROR");
    return;
  }
  // Unbinding the highest column lowers SQL_DESC_COUNT.
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 3, SQL_C_TYPE_TIMESTAMP, nullptr, 0, nullptr));
  EXPECT_EQ(Small(ard, 0, SQL_DESC_COUNT), 1);
  // Above SQL_DESC_COUNT: SQL_NO_DATA.
  SQLSMALLINT type = 0;
  EXPECT_EQ(SQLGetDescField(ard, 5, SQL_DESC_TYPE, &type, 0, nullptr), SQL_NO_DATA);
  QF_ASSERT_OK(stmt, SQLFreeStmt(stmt.get(), SQL_UNBIND));
  EXPECT_EQ(Small(ard, 0, SQL_DESC_COUNT), 0);
}

TEST_P(DescriptorTest, BindByDescriptorFieldsThenFetch) {
  Stmt stmt = AllocStmt(dbc_);
  SQLHDESC ard = StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC);
  SQLINTEGER number = 0;
  SQLLEN number_ind = 0;
  char text[16] = {};
  SQLLEN text_ind = 0;
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_TYPE, Int(SQL_C_SLONG), 0));
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_INDICATOR_PTR, &number_ind, 0));
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_OCTET_LENGTH_PTR, &number_ind, 0));
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_DATA_PTR, &number, 0));
  // SQLSetDescRec: type, length, buffers in one call.
  QF_ASSERT_OK(DescRef(ard),
               SetRec(ard, 2, SQL_C_CHAR, 0, sizeof(text), 0, 0, text, &text_ind, &text_ind));
  EXPECT_EQ(Small(ard, 0, SQL_DESC_COUNT), 2);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 42, 'descriptor' UNION ALL SELECT 7, NULL ORDER BY 1 DESC"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  EXPECT_EQ(number, 42);
  EXPECT_EQ(number_ind, static_cast<SQLLEN>(sizeof(SQLINTEGER)));
  EXPECT_STREQ(text, "descriptor");
  EXPECT_EQ(text_ind, 10);
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  EXPECT_EQ(number, 7);
  EXPECT_EQ(text_ind, SQL_NULL_DATA);
  EXPECT_EQ(SQLFetch(stmt.get()), SQL_NO_DATA);
}

// The idiom from ODBC's "Retrieve Numeric Data with SQL_NUMERIC_STRUCT":
// the ARD record gets only its type, precision and scale (never bound), and
// SQLGetData reads with SQL_ARD_TYPE.
TEST_P(DescriptorTest, GetDataWithArdTypeOfAnUnboundRecord) {
  Stmt stmt = AllocStmt(dbc_);
  SQLHDESC ard = StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT CAST(123.45 AS numeric(10,2))"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_TYPE, Int(SQL_C_NUMERIC), 0));
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_PRECISION, Int(10), 0));
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_SCALE, Int(2), 0));
  SQL_NUMERIC_STRUCT numeric = {};
  SQLLEN indicator = 0;
  QF_ASSERT_OK(stmt,
               SQLGetData(stmt.get(), 1, SQL_ARD_TYPE, &numeric, sizeof(numeric), &indicator));
  EXPECT_EQ(numeric.sign, 1);
  EXPECT_EQ(numeric.scale, 2);
  // 12345 little-endian in the 16-byte mantissa.
  EXPECT_EQ(numeric.val[0] | (numeric.val[1] << 8), 12345);
  for (int i = 2; i < SQL_MAX_NUMERIC_LEN; ++i) EXPECT_EQ(numeric.val[i], 0) << i;
}

TEST_P(DescriptorTest, StatementAttributesAreHeaderFields) {
  Stmt stmt = AllocStmt(dbc_);
  SQLHDESC ard = StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC);
  SQLHDESC apd = StmtDesc(stmt, SQL_ATTR_APP_PARAM_DESC);
  SQLHDESC ird = StmtDesc(stmt, SQL_ATTR_IMP_ROW_DESC);
  SQLHDESC ipd = StmtDesc(stmt, SQL_ATTR_IMP_PARAM_DESC);
  SQLUSMALLINT row_status[4] = {};
  SQLULEN rows_fetched = 0;
  SQLLEN offset = 0;
  SQLUSMALLINT param_status[4] = {};
  SQLULEN params_processed = 0;
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_ARRAY_SIZE, Int(4), 0));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_STATUS_PTR, row_status, 0));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_BIND_OFFSET_PTR, &offset, 0));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_PARAMSET_SIZE, Int(3), 0));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_PARAM_STATUS_PTR, param_status, 0));
  QF_ASSERT_OK(stmt,
               SQLSetStmtAttr(stmt.get(), SQL_ATTR_PARAMS_PROCESSED_PTR, &params_processed, 0));
  EXPECT_EQ(Field<SQLULEN>(ard, 0, SQL_DESC_ARRAY_SIZE), 4u);
  EXPECT_EQ(Pointer(ard, 0, SQL_DESC_BIND_OFFSET_PTR), &offset);
  EXPECT_EQ(Field<SQLULEN>(apd, 0, SQL_DESC_ARRAY_SIZE), 3u);
  EXPECT_EQ(Pointer(ipd, 0, SQL_DESC_ARRAY_STATUS_PTR), param_status);
  EXPECT_EQ(Pointer(ipd, 0, SQL_DESC_ROWS_PROCESSED_PTR), &params_processed);
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_PARAMSET_SIZE, Int(1), 0));

  // And the other way: fields set on the descriptors are the attributes.
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 0, SQL_DESC_ARRAY_SIZE, Int(2), 0));
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 0, SQL_DESC_BIND_OFFSET_PTR, nullptr, 0));
  SQLULEN size = 0;
  QF_ASSERT_OK(stmt, SQLGetStmtAttr(stmt.get(), SQL_ATTR_ROW_ARRAY_SIZE, &size, 0, nullptr));
  EXPECT_EQ(size, 2u);
  SQLLEN* offset_ptr = &offset;
  QF_ASSERT_OK(stmt,
               SQLGetStmtAttr(stmt.get(), SQL_ATTR_ROW_BIND_OFFSET_PTR, &offset_ptr, 0, nullptr));
  EXPECT_EQ(offset_ptr, nullptr);
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_ROW_ARRAY_SIZE, Int(4), 0));

  // A row array bound through the ARD fills the IRD's status array.
  SQLINTEGER values[4] = {};
  SQLLEN indicators[4] = {};
  QF_ASSERT_OK(stmt,
               SQLBindCol(stmt.get(), 1, SQL_C_SLONG, values, sizeof(SQLINTEGER), indicators));
  ASSERT_TRUE(ExecDirect(stmt, "SELECT g FROM generate_series(1, 3) g ORDER BY g"));
  EXPECT_EQ(Pointer(ird, 0, SQL_DESC_ARRAY_STATUS_PTR), row_status);
  QF_ASSERT_OK(DescRef(ird),
               SQLSetDescField(ird, 0, SQL_DESC_ROWS_PROCESSED_PTR, &rows_fetched, 0));
  SQLULEN* fetched_ptr = nullptr;
  QF_ASSERT_OK(stmt,
               SQLGetStmtAttr(stmt.get(), SQL_ATTR_ROWS_FETCHED_PTR, &fetched_ptr, 0, nullptr));
  EXPECT_EQ(fetched_ptr, &rows_fetched);
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  EXPECT_EQ(rows_fetched, 3u);
  EXPECT_EQ(values[2], 3);
  EXPECT_EQ(row_status[0], SQL_ROW_SUCCESS);
  EXPECT_EQ(row_status[3], SQL_ROW_NOROW);
}

TEST_P(DescriptorTest, IrdAgreesWithColAttributeAndDescribeCol) {
  const std::string table = UniqueName("desc_ird");
  MakeTypesTable(table);
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt,
                         "SELECT i4, i8, i2, n, t, v, b, d, ts, f8, by, u, i4 + 1 AS expr "
                         "FROM " +
                             table));
  SQLHDESC ird = StmtDesc(stmt, SQL_ATTR_IMP_ROW_DESC);
  SQLSMALLINT columns = 0;
  QF_ASSERT_OK(stmt, SQLNumResultCols(stmt.get(), &columns));
  ASSERT_EQ(columns, 13);
  EXPECT_EQ(Small(ird, 0, SQL_DESC_COUNT), columns);

  struct NumberField {
    SQLSMALLINT id;
    int width;  // bytes SQLGetDescField writes
  };
  const NumberField numbers[] = {
      {SQL_DESC_AUTO_UNIQUE_VALUE, 4},
      {SQL_DESC_CASE_SENSITIVE, 4},
      {SQL_DESC_CONCISE_TYPE, 2},
      {SQL_DESC_DATETIME_INTERVAL_CODE, 2},
      {SQL_DESC_DISPLAY_SIZE, 8},
      {SQL_DESC_FIXED_PREC_SCALE, 2},
      {SQL_DESC_LENGTH, 8},
      {SQL_DESC_NULLABLE, 2},
      {SQL_DESC_NUM_PREC_RADIX, 4},
      {SQL_DESC_OCTET_LENGTH, 8},
      {SQL_DESC_PRECISION, 2},
      {SQL_DESC_SCALE, 2},
      {SQL_DESC_SEARCHABLE, 2},
      {SQL_DESC_TYPE, 2},
      {SQL_DESC_UNNAMED, 2},
      {SQL_DESC_UNSIGNED, 2},
      {SQL_DESC_UPDATABLE, 2},
  };
  const SQLSMALLINT strings[] = {
      SQL_DESC_BASE_COLUMN_NAME, SQL_DESC_BASE_TABLE_NAME, SQL_DESC_CATALOG_NAME,    SQL_DESC_LABEL,
      SQL_DESC_LITERAL_PREFIX,   SQL_DESC_LITERAL_SUFFIX,  SQL_DESC_LOCAL_TYPE_NAME, SQL_DESC_NAME,
      SQL_DESC_SCHEMA_NAME,      SQL_DESC_TABLE_NAME,      SQL_DESC_TYPE_NAME,
  };
  std::set<SQLSMALLINT> noted;  // quirks already reported
  for (SQLSMALLINT c = 1; c <= columns; ++c) {
    SCOPED_TRACE("column " + std::to_string(c));
    for (const NumberField& field : numbers) {
      SCOPED_TRACE("field " + std::to_string(field.id));
      SQLLEN attribute = 0;
      SQLRETURN rc = SQLColAttribute(stmt.get(), c, field.id, nullptr, 0, nullptr, &attribute);
      if (!strict() && rc == SQL_ERROR) {
        if (noted.insert(field.id).second) {
          NoteQuirk(backend(), "SQLColAttribute does not answer field " + std::to_string(field.id));
        }
        continue;
      }
      QF_ASSERT_OK(stmt, rc);
      int64_t from_desc = 0;
      switch (field.width) {
        case 2:
          from_desc = Field<SQLSMALLINT>(ird, c, field.id);
          attribute = static_cast<SQLSMALLINT>(attribute);
          break;
        case 4:
          from_desc = Field<SQLINTEGER>(ird, c, field.id);
          attribute = static_cast<SQLINTEGER>(attribute);
          break;
        default:
          from_desc = Field<SQLLEN>(ird, c, field.id);
          break;
      }
      if (strict() || from_desc == attribute) {
        EXPECT_EQ(from_desc, attribute);
      } else {
        // psqlODBC writes 32 bits of some SQLLEN fields.
        EXPECT_EQ(static_cast<SQLINTEGER>(from_desc), static_cast<SQLINTEGER>(attribute));
        if (noted.insert(field.id).second) {
          NoteQuirk(backend(),
                    "SQLGetDescField writes field " + std::to_string(field.id) + " as 32 bits");
        }
      }
    }
    for (SQLSMALLINT field : strings) {
      SCOPED_TRACE("field " + std::to_string(field));
      char attribute[256] = {};
      SQLSMALLINT length = 0;
      QF_ASSERT_OK(stmt, SQLColAttribute(stmt.get(), c, field, attribute, sizeof(attribute),
                                         &length, nullptr));
      EXPECT_EQ(Text(ird, c, field), std::string(attribute));
    }
    if (!strict()) continue;  // SQLGetDescRec is not available
    // SQLGetDescRec against SQLDescribeCol.
    char name[64] = {};
    SQLSMALLINT name_length = 0;
    SQLSMALLINT data_type = 0;
    SQLULEN size = 0;
    SQLSMALLINT digits = 0;
    SQLSMALLINT nullable = 0;
    QF_ASSERT_OK(stmt, SQLDescribeCol(stmt.get(), c, SqlText(name), sizeof(name), &name_length,
                                      &data_type, &size, &digits, &nullable));
    char rec_name[64] = {};
    SQLSMALLINT rec_name_length = 0;
    SQLSMALLINT type = 0;
    SQLSMALLINT subcode = 0;
    SQLLEN octets = 0;
    SQLSMALLINT precision = 0;
    SQLSMALLINT scale = 0;
    SQLSMALLINT rec_nullable = 0;
    QF_ASSERT_OK(DescRef(ird),
                 SQLGetDescRec(ird, c, SqlText(rec_name), sizeof(rec_name), &rec_name_length, &type,
                               &subcode, &octets, &precision, &scale, &rec_nullable));
    EXPECT_STREQ(rec_name, name);
    EXPECT_EQ(rec_name_length, name_length);
    EXPECT_EQ(rec_nullable, nullable);
    EXPECT_EQ(type, Small(ird, c, SQL_DESC_TYPE));
    EXPECT_EQ(subcode, Small(ird, c, SQL_DESC_DATETIME_INTERVAL_CODE));
    EXPECT_EQ(octets, Field<SQLLEN>(ird, c, SQL_DESC_OCTET_LENGTH));
    EXPECT_EQ(Small(ird, c, SQL_DESC_CONCISE_TYPE), data_type);
  }
  // The NOT NULL column and the datetime triple.
  EXPECT_EQ(Small(ird, 1, SQL_DESC_NULLABLE), SQL_NO_NULLS);
  EXPECT_EQ(Small(ird, 9, SQL_DESC_TYPE), SQL_DATETIME);
  EXPECT_EQ(Small(ird, 9, SQL_DESC_CONCISE_TYPE), SQL_TYPE_TIMESTAMP);
  if (strict()) {
    EXPECT_EQ(Small(ird, 9, SQL_DESC_DATETIME_INTERVAL_CODE), SQL_CODE_TIMESTAMP);
  }
  EXPECT_EQ(Text(ird, 13, SQL_DESC_NAME), "expr");
  EXPECT_EQ(Text(ird, 1, SQL_DESC_BASE_TABLE_NAME), table);

  // A prepared statement has an IRD before it runs.
  Stmt prepared = Prepared("SELECT i8, d FROM " + table);
  SQLHDESC prepared_ird = StmtDesc(prepared, SQL_ATTR_IMP_ROW_DESC);
  EXPECT_EQ(Small(prepared_ird, 0, SQL_DESC_COUNT), 2);
  EXPECT_EQ(Small(prepared_ird, 1, SQL_DESC_CONCISE_TYPE), SQL_BIGINT);
  EXPECT_EQ(Small(prepared_ird, 2, SQL_DESC_CONCISE_TYPE), SQL_TYPE_DATE);
  ASSERT_TRUE(Exec(dbc_, "DROP TABLE " + table));
}

TEST_P(DescriptorTest, IrdWideNames) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 1 AS \"näme\""));
  SQLHDESC ird = StmtDesc(stmt, SQL_ATTR_IMP_ROW_DESC);
  SQLWCHAR name[32] = {};
  SQLINTEGER length = 0;
  QF_ASSERT_OK(DescRef(ird), SQLGetDescFieldW(ird, 1, SQL_DESC_NAME, name, sizeof(name), &length));
  EXPECT_EQ(length, static_cast<SQLINTEGER>(4 * sizeof(SQLWCHAR)));
  EXPECT_EQ(Utf16ToUtf8(std::u16string_view(reinterpret_cast<char16_t*>(name), 4)), "näme");
  if (!strict()) {
    NoteQuirk(backend(), "SQLGetDescRecW is not available");
    return;
  }
  SQLWCHAR rec_name[32] = {};
  SQLSMALLINT rec_length = 0;
  SQLSMALLINT type = 0;
  QF_ASSERT_OK(DescRef(ird), SQLGetDescRecW(ird, 1, rec_name, 32, &rec_length, &type, nullptr,
                                            nullptr, nullptr, nullptr, nullptr));
  EXPECT_EQ(rec_length, 4);
  EXPECT_EQ(type, SQL_INTEGER);
  // Truncation is 01004 with the full length.
  SQLWCHAR small[3] = {};
  EXPECT_EQ(SQLGetDescFieldW(ird, 1, SQL_DESC_NAME, small, sizeof(small), &length),
            SQL_SUCCESS_WITH_INFO);
  EXPECT_TRUE(HasSqlState(DescRef(ird), "01004"));
}

TEST_P(DescriptorTest, IpdNamesAndCount) {
  Stmt stmt = Prepared("SELECT CAST(? AS integer)");
  SQLHDESC ipd = StmtDesc(stmt, SQL_ATTR_IMP_PARAM_DESC);
  SQLHDESC ard = StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC);
  QF_ASSERT_OK(DescRef(ipd), SQLSetDescField(ipd, 1, SQL_DESC_CONCISE_TYPE, Int(SQL_INTEGER), 0));
  if (!strict()) {
    NoteQuirk(backend(), "SQL_DESC_NAME/UNNAMED of an IPD are not checked against psqlODBC");
    return;
  }
  std::u16string name = Utf8ToUtf16("größe");
  QF_ASSERT_OK(DescRef(ipd), SQLSetDescFieldW(ipd, 1, SQL_DESC_NAME, AsSqlWchar(name),
                                              static_cast<SQLINTEGER>(name.size() * 2)));
  EXPECT_EQ(Text(ipd, 1, SQL_DESC_NAME), "größe");
  EXPECT_EQ(Small(ipd, 1, SQL_DESC_UNNAMED), SQL_NAMED);
  EXPECT_EQ(Small(ipd, 1, SQL_DESC_NULLABLE), SQL_NULLABLE);
  QF_EXPECT_DIAG(DescRef(ipd), SQLSetDescField(ipd, 1, SQL_DESC_UNNAMED, Int(SQL_NAMED), 0),
                 SQL_ERROR, "HY091");
  QF_ASSERT_OK(DescRef(ipd), SQLSetDescField(ipd, 1, SQL_DESC_UNNAMED, Int(SQL_UNNAMED), 0));
  EXPECT_EQ(Text(ipd, 1, SQL_DESC_NAME), "");
  // SQL_DESC_COUNT 0 unbinds every column.
  SQLINTEGER value = -1;
  SQLLEN indicator = 0;
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, &value, 0, &indicator));
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 0, SQL_DESC_COUNT, Int(0), 0));
  SQLINTEGER param = 8;
  QF_ASSERT_OK(stmt, SQLBindParameter(stmt.get(), 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0,
                                      0, &param, 0, nullptr));
  QF_ASSERT_OK(stmt, SQLExecute(stmt.get()));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  EXPECT_EQ(value, -1);
  Cell cell;
  ASSERT_TRUE(GetDataAll(stmt, 1, SQL_C_CHAR, &cell));
  EXPECT_EQ(cell, Cell("8"));
}

TEST_P(DescriptorTest, IrdCannotBeModified) {
  Stmt stmt = AllocStmt(dbc_);
  SQLHDESC ird = StmtDesc(stmt, SQL_ATTR_IMP_ROW_DESC);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 1"));
  QF_EXPECT_REFUSED(DescRef(ird), SQLSetDescField(ird, 1, SQL_DESC_TYPE, Int(SQL_C_CHAR), 0),
                    "HY016");
  QF_EXPECT_REFUSED(DescRef(ird),
                    SetRec(ird, 1, SQL_C_CHAR, 0, 10, 0, 0, nullptr, nullptr, nullptr), "HY016");
  SQLHDESC ard = StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC);
  QF_EXPECT_REFUSED(DescRef(ird), SQLCopyDesc(ard, ird), "HY016");
  // Its status pointers are statement attributes, so they may be set.
  SQLUSMALLINT status[1];
  QF_EXPECT_OK(DescRef(ird), SQLSetDescField(ird, 0, SQL_DESC_ARRAY_STATUS_PTR, status, 0));
  // Above SQL_DESC_COUNT: SQL_NO_DATA.
  SQLSMALLINT type = 0;
  if (strict()) {
    EXPECT_EQ(SQLGetDescField(ird, 2, SQL_DESC_TYPE, &type, 0, nullptr), SQL_NO_DATA);
  }
}

TEST_P(DescriptorTest, BadRecordNumbersAndFields) {
  Stmt stmt = AllocStmt(dbc_);
  SQLHDESC ard = StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC);
  SQLHDESC apd = StmtDesc(stmt, SQL_ATTR_APP_PARAM_DESC);
  SQLHDESC ird = StmtDesc(stmt, SQL_ATTR_IMP_ROW_DESC);
  SQLHDESC ipd = StmtDesc(stmt, SQL_ATTR_IMP_PARAM_DESC);
  SQLSMALLINT value = 0;
  QF_EXPECT_DIAG(DescRef(ard), SQLSetDescField(ard, -1, SQL_DESC_TYPE, Int(SQL_C_CHAR), 0),
                 SQL_ERROR, "07009");
  QF_EXPECT_DIAG(DescRef(ipd), SQLSetDescField(ipd, 0, SQL_DESC_TYPE, Int(SQL_INTEGER), 0),
                 SQL_ERROR, "07009");
  QF_EXPECT_DIAG(DescRef(apd), SQLSetDescField(apd, 0, SQL_DESC_TYPE, Int(SQL_C_LONG), 0),
                 SQL_ERROR, "07009");
  QF_EXPECT_REFUSED(DescRef(ard), SQLSetDescField(ard, 1, 30000, Int(1), 0), "HY091");
  QF_EXPECT_REFUSED(DescRef(ard), SQLGetDescField(ard, 0, 30000, &value, 0, nullptr), "HY091");
  // Read-only fields.
  QF_EXPECT_REFUSED(DescRef(ard),
                    SQLSetDescField(ard, 0, SQL_DESC_ALLOC_TYPE, Int(SQL_DESC_ALLOC_USER), 0),
                    "HY091");

  if (!backend().is_quietfetch()) {
    NoteQuirk(backend(),
              "fields that do not apply to a descriptor type, record 0 of an ARD, and an "
              "unprepared statement's IRD are not refused");
    return;
  }
  QF_EXPECT_DIAG(DescRef(ard), SQLGetDescField(ard, 0, SQL_DESC_TYPE, &value, 0, nullptr),
                 SQL_ERROR, "07009");
  // Fields of other descriptor types.
  char name[8];
  QF_EXPECT_DIAG(DescRef(ard), SQLGetDescField(ard, 1, SQL_DESC_NAME, name, sizeof(name), nullptr),
                 SQL_ERROR, "HY091");
  QF_EXPECT_DIAG(DescRef(apd),
                 SQLSetDescField(apd, 1, SQL_DESC_PARAMETER_TYPE, Int(SQL_PARAM_INPUT), 0),
                 SQL_ERROR, "HY091");
  QF_EXPECT_DIAG(DescRef(ipd), SQLSetDescField(ipd, 0, SQL_DESC_ARRAY_SIZE, Int(4), 0), SQL_ERROR,
                 "HY091");
  SQLULEN* processed = nullptr;
  QF_EXPECT_DIAG(DescRef(ard),
                 SQLGetDescField(ard, 0, SQL_DESC_ROWS_PROCESSED_PTR, &processed, 0, nullptr),
                 SQL_ERROR, "HY091");
  QF_EXPECT_DIAG(DescRef(ipd), SQLSetDescField(ipd, 1, SQL_DESC_NULLABLE, Int(SQL_NO_NULLS), 0),
                 SQL_ERROR, "HY091");

  ASSERT_TRUE(ExecDirect(stmt, "SELECT 1"));
  QF_EXPECT_DIAG(DescRef(ird), SQLGetDescField(ird, 0, SQL_DESC_ARRAY_SIZE, &processed, 0, nullptr),
                 SQL_ERROR, "HY091");
  QF_EXPECT_DIAG(DescRef(ird), SQLGetDescField(ird, 0, SQL_DESC_TYPE, &value, 0, nullptr),
                 SQL_ERROR, "07009");
}

TEST_P(DescriptorTest, TypeFieldsStayConsistent) {
  Stmt stmt = AllocStmt(dbc_);
  SQLHDESC ard = StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC);
  SQLHDESC ipd = StmtDesc(stmt, SQL_ATTR_IMP_PARAM_DESC);
  QF_ASSERT_OK(DescRef(ard),
               SQLSetDescField(ard, 1, SQL_DESC_CONCISE_TYPE, Int(SQL_C_TYPE_DATE), 0));
  EXPECT_EQ(Small(ard, 1, SQL_DESC_TYPE), SQL_DATETIME);
  EXPECT_EQ(Small(ard, 1, SQL_DESC_DATETIME_INTERVAL_CODE), SQL_CODE_DATE);
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_TYPE, Int(SQL_DATETIME), 0));
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_DATETIME_INTERVAL_CODE,
                                             Int(SQL_CODE_TIMESTAMP), 0));
  EXPECT_EQ(Small(ard, 1, SQL_DESC_CONCISE_TYPE), SQL_C_TYPE_TIMESTAMP);
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_TYPE, Int(SQL_C_DOUBLE), 0));
  EXPECT_EQ(Small(ard, 1, SQL_DESC_CONCISE_TYPE), SQL_C_DOUBLE);
  EXPECT_EQ(Small(ard, 1, SQL_DESC_DATETIME_INTERVAL_CODE), 0);

  if (!strict()) {
    NoteQuirk(backend(), "an IPD's SQL_DESC_DATETIME_INTERVAL_CODE cannot be set (HY091)");
    return;
  }
  QF_ASSERT_OK(DescRef(ipd),
               SetRec(ipd, 1, SQL_DATETIME, SQL_CODE_TIME, 0, 0, 0, nullptr, nullptr, nullptr));
  EXPECT_EQ(Small(ipd, 1, SQL_DESC_CONCISE_TYPE), SQL_TYPE_TIME);
  SQLSMALLINT type = 0;
  SQLSMALLINT subcode = 0;
  QF_ASSERT_OK(DescRef(ipd), SQLGetDescRec(ipd, 1, nullptr, 0, nullptr, &type, &subcode, nullptr,
                                           nullptr, nullptr, nullptr));
  EXPECT_EQ(type, SQL_DATETIME);
  EXPECT_EQ(subcode, SQL_CODE_TIME);
}

TEST_P(DescriptorTest, ConsistencyCheckOnDataPtr) {
  if (!backend().is_quietfetch()) {
    NoteQuirk(backend(), "SQL_DESC_DATA_PTR is stored without ODBC's consistency check");
    return;
  }
  Stmt stmt = AllocStmt(dbc_);
  SQLHDESC ard = StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC);
  SQLHDESC ipd = StmtDesc(stmt, SQL_ATTR_IMP_PARAM_DESC);
  char buffer[32];
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_TYPE, Int(SQL_DATETIME), 0));
  QF_EXPECT_DIAG(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_DATA_PTR, buffer, 0), SQL_ERROR,
                 "HY021");
  EXPECT_EQ(Pointer(ard, 1, SQL_DESC_DATA_PTR), nullptr);
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_TYPE, Int(SQL_C_NUMERIC), 0));
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_PRECISION, Int(4), 0));
  QF_ASSERT_OK(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_SCALE, Int(6), 0));
  QF_EXPECT_DIAG(DescRef(ard), SQLSetDescField(ard, 1, SQL_DESC_DATA_PTR, buffer, 0), SQL_ERROR,
                 "HY021");
  QF_EXPECT_DIAG(DescRef(ard),
                 SQLSetDescRec(ard, 2, SQL_INTERVAL, 99, 0, 0, 0, buffer, nullptr, nullptr),
                 SQL_ERROR, "HY021");
  // The IPD's DATA_PTR exists only to run the check.
  QF_ASSERT_OK(DescRef(ipd), SQLSetDescField(ipd, 1, SQL_DESC_CONCISE_TYPE, Int(SQL_INTEGER), 0));
  QF_EXPECT_OK(DescRef(ipd), SQLSetDescField(ipd, 1, SQL_DESC_DATA_PTR, buffer, 0));
  QF_ASSERT_OK(DescRef(ipd), SQLSetDescField(ipd, 1, SQL_DESC_CONCISE_TYPE, Int(SQL_C_SBIGINT), 0));
  QF_EXPECT_DIAG(DescRef(ipd), SQLSetDescField(ipd, 1, SQL_DESC_DATA_PTR, buffer, 0), SQL_ERROR,
                 "HY021");
}

TEST_P(DescriptorTest, BindParameterIsTheApdAndIpd) {
  Stmt stmt = Prepared("SELECT CAST(? AS numeric(12,3)), CAST(? AS varchar(30))");
  SQLHDESC apd = StmtDesc(stmt, SQL_ATTR_APP_PARAM_DESC);
  SQLHDESC ipd = StmtDesc(stmt, SQL_ATTR_IMP_PARAM_DESC);
  char amount[] = "1234.5";
  SQLLEN amount_ind = SQL_NTS;
  char label[] = "label";
  SQLLEN label_ind = SQL_NTS;
  QF_ASSERT_OK(stmt, SQLBindParameter(stmt.get(), 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_NUMERIC, 12,
                                      3, amount, sizeof(amount), &amount_ind));
  QF_ASSERT_OK(stmt, SQLBindParameter(stmt.get(), 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 30,
                                      0, label, sizeof(label), &label_ind));
  EXPECT_EQ(Small(apd, 0, SQL_DESC_COUNT), 2);
  EXPECT_EQ(Small(ipd, 0, SQL_DESC_COUNT), 2);
  EXPECT_EQ(Small(apd, 1, SQL_DESC_CONCISE_TYPE), SQL_C_CHAR);
  EXPECT_EQ(Pointer(apd, 1, SQL_DESC_DATA_PTR), amount);
  EXPECT_EQ(Pointer(apd, 1, SQL_DESC_INDICATOR_PTR), &amount_ind);
  EXPECT_EQ(Field<SQLLEN>(apd, 1, SQL_DESC_OCTET_LENGTH), static_cast<SQLLEN>(sizeof(amount)));
  EXPECT_EQ(Small(ipd, 1, SQL_DESC_CONCISE_TYPE), SQL_NUMERIC);
  EXPECT_EQ(Small(ipd, 1, SQL_DESC_PARAMETER_TYPE), SQL_PARAM_INPUT);
  EXPECT_EQ(Small(ipd, 2, SQL_DESC_CONCISE_TYPE), SQL_VARCHAR);
  if (strict()) {
    EXPECT_EQ(Small(ipd, 1, SQL_DESC_PRECISION), 12);
    EXPECT_EQ(Small(ipd, 1, SQL_DESC_SCALE), 3);
    EXPECT_EQ(Field<SQLULEN>(ipd, 2, SQL_DESC_LENGTH), 30u);
  } else {
    NoteQuirk(backend(), "the IPD does not show SQLBindParameter's column size and digits");
  }

  // Rebinding parameter 2 through the descriptors, then executing.
  char other[] = "from the APD";
  SQLLEN other_ind = SQL_NTS;
  QF_ASSERT_OK(DescRef(apd),
               SetRec(apd, 2, SQL_C_CHAR, 0, sizeof(other), 0, 0, other, &other_ind, &other_ind));
  QF_ASSERT_OK(stmt, SQLExecute(stmt.get()));
  Rows rows;
  ASSERT_TRUE(FetchAll(stmt, &rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], Cell("1234.500"));
  EXPECT_EQ(rows[0][1], Cell("from the APD"));
}

TEST_P(DescriptorTest, ParametersBoundOnlyThroughDescriptors) {
  Stmt stmt = Prepared("SELECT CAST(? AS integer) * 2");
  SQLHDESC apd = StmtDesc(stmt, SQL_ATTR_APP_PARAM_DESC);
  SQLHDESC ipd = StmtDesc(stmt, SQL_ATTR_IMP_PARAM_DESC);
  SQLINTEGER value = 21;
  SQLLEN indicator = sizeof(value);
  QF_ASSERT_OK(DescRef(ipd), SQLSetDescField(ipd, 1, SQL_DESC_CONCISE_TYPE, Int(SQL_INTEGER), 0));
  QF_ASSERT_OK(DescRef(ipd),
               SQLSetDescField(ipd, 1, SQL_DESC_PARAMETER_TYPE, Int(SQL_PARAM_INPUT), 0));
  QF_ASSERT_OK(DescRef(apd), SQLSetDescField(apd, 1, SQL_DESC_CONCISE_TYPE, Int(SQL_C_SLONG), 0));
  QF_ASSERT_OK(DescRef(apd), SQLSetDescField(apd, 1, SQL_DESC_INDICATOR_PTR, &indicator, 0));
  QF_ASSERT_OK(DescRef(apd), SQLSetDescField(apd, 1, SQL_DESC_OCTET_LENGTH_PTR, &indicator, 0));
  QF_ASSERT_OK(DescRef(apd), SQLSetDescField(apd, 1, SQL_DESC_DATA_PTR, &value, 0));
  QF_ASSERT_OK(stmt, SQLExecute(stmt.get()));
  Rows rows;
  ASSERT_TRUE(FetchAll(stmt, &rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], Cell("42"));
}

TEST_P(DescriptorTest, ExplicitDescriptorAsArdAndApdThenFreed) {
  if (!strict()) {
    NoteQuirk(backend(), "explicitly allocated descriptors answer HY000 \"Error not implemented\"");
    return;
  }
  SQLHDESC user = nullptr;
  QF_ASSERT_OK(dbc_, SQLAllocHandle(SQL_HANDLE_DESC, dbc_.get(), &user));
  Stmt stmt = AllocStmt(dbc_);
  SQLHDESC implicit_ard = StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC);
  // The implicit ARD keeps its own binding while the explicit one is in use.
  SQLINTEGER implicit_value = 0;
  SQLLEN implicit_ind = 0;
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, &implicit_value, sizeof(implicit_value),
                                &implicit_ind));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_APP_ROW_DESC, user, 0));
  SQLINTEGER value = 0;
  SQLLEN indicator = 0;
  QF_ASSERT_OK(DescRef(user), SetRec(user, 1, SQL_C_SLONG, 0, sizeof(value), 0, 0, &value,
                                     &indicator, &indicator));
  // SQLBindCol now writes the explicit descriptor.
  char text[8] = {};
  SQLLEN text_ind = 0;
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 2, SQL_C_CHAR, text, sizeof(text), &text_ind));
  EXPECT_EQ(Small(user, 0, SQL_DESC_COUNT), 2);
  EXPECT_EQ(Small(implicit_ard, 0, SQL_DESC_COUNT), 1);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 5, 'five'"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  EXPECT_EQ(value, 5);
  EXPECT_STREQ(text, "five");
  EXPECT_EQ(implicit_value, 0);
  QF_ASSERT_OK(stmt, SQLCloseCursor(stmt.get()));

  // Freed while in use: the statement goes back to its implicit ARD.
  ASSERT_EQ(SQLFreeHandle(SQL_HANDLE_DESC, user), SQL_SUCCESS);
  EXPECT_EQ(StmtDesc(stmt, SQL_ATTR_APP_ROW_DESC), implicit_ard);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 6"));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  EXPECT_EQ(implicit_value, 6);
  QF_ASSERT_OK(stmt, SQLCloseCursor(stmt.get()));

  // As an APD.
  QF_ASSERT_OK(dbc_, SQLAllocHandle(SQL_HANDLE_DESC, dbc_.get(), &user));
  Stmt params = Prepared("SELECT CAST(? AS integer) + 1");
  SQLINTEGER placeholder = 0;
  QF_ASSERT_OK(params, SQLBindParameter(params.get(), 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER,
                                        0, 0, &placeholder, 0, nullptr));
  SQLINTEGER input = 99;
  QF_ASSERT_OK(DescRef(user),
               SetRec(user, 1, SQL_C_SLONG, 0, sizeof(input), 0, 0, &input, nullptr, nullptr));
  QF_ASSERT_OK(params, SQLSetStmtAttr(params.get(), SQL_ATTR_APP_PARAM_DESC, user, 0));
  QF_ASSERT_OK(params, SQLExecute(params.get()));
  Rows rows;
  ASSERT_TRUE(FetchAll(params, &rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], Cell("100"));
  QF_ASSERT_OK(params, SQLFreeStmt(params.get(), SQL_CLOSE));
  // Freed while it is the APD: the implicit APD (placeholder 0) is used again.
  ASSERT_EQ(SQLFreeHandle(SQL_HANDLE_DESC, user), SQL_SUCCESS);
  QF_ASSERT_OK(params, SQLExecute(params.get()));
  ASSERT_TRUE(FetchAll(params, &rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], Cell("1"));
}

TEST_P(DescriptorTest, CopyIrdToExplicitArdThenFetch) {
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT 11 AS a, 'eleven'::varchar(10) AS b, 2.5::float8 AS c"));
  SQLHDESC ird = StmtDesc(stmt, SQL_ATTR_IMP_ROW_DESC);
  SQLHDESC user = nullptr;
  QF_ASSERT_OK(dbc_, SQLAllocHandle(SQL_HANDLE_DESC, dbc_.get(), &user));
  if (!strict()) {
    NoteQuirk(backend(), "SQLCopyDesc from an IRD fails");
    EXPECT_EQ(SQLFreeHandle(SQL_HANDLE_DESC, user), SQL_SUCCESS);
    return;
  }
  QF_ASSERT_OK(DescRef(user), SQLCopyDesc(ird, user));
  EXPECT_EQ(Small(user, 0, SQL_DESC_COUNT), 3);
  EXPECT_EQ(Small(user, 0, SQL_DESC_ALLOC_TYPE), SQL_DESC_ALLOC_USER);
  EXPECT_EQ(Small(user, 1, SQL_DESC_CONCISE_TYPE), Small(ird, 1, SQL_DESC_CONCISE_TYPE));
  EXPECT_EQ(Small(user, 3, SQL_DESC_CONCISE_TYPE), SQL_DOUBLE);
  // The idiom: keep what fits, choose C types where needed, bind, fetch.
  SQLINTEGER a = 0;
  char b[16] = {};
  SQLLEN b_ind = 0;
  double c = 0;
  QF_ASSERT_OK(DescRef(user), SQLSetDescField(user, 1, SQL_DESC_DATA_PTR, &a, 0));
  QF_ASSERT_OK(DescRef(user), SQLSetDescField(user, 2, SQL_DESC_TYPE, Int(SQL_C_CHAR), 0));
  QF_ASSERT_OK(DescRef(user), SQLSetDescField(user, 2, SQL_DESC_OCTET_LENGTH, Int(sizeof(b)), 0));
  QF_ASSERT_OK(DescRef(user), SQLSetDescField(user, 2, SQL_DESC_INDICATOR_PTR, &b_ind, 0));
  QF_ASSERT_OK(DescRef(user), SQLSetDescField(user, 2, SQL_DESC_OCTET_LENGTH_PTR, &b_ind, 0));
  QF_ASSERT_OK(DescRef(user), SQLSetDescField(user, 2, SQL_DESC_DATA_PTR, b, 0));
  QF_ASSERT_OK(DescRef(user), SQLSetDescField(user, 3, SQL_DESC_DATA_PTR, &c, 0));
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_APP_ROW_DESC, user, 0));
  QF_ASSERT_OK(stmt, SQLFetch(stmt.get()));
  EXPECT_EQ(a, 11);
  EXPECT_STREQ(b, "eleven");
  EXPECT_EQ(b_ind, 6);
  EXPECT_EQ(c, 2.5);
  QF_ASSERT_OK(stmt, SQLCloseCursor(stmt.get()));
  EXPECT_EQ(SQLFreeHandle(SQL_HANDLE_DESC, user), SQL_SUCCESS);
}

TEST_P(DescriptorTest, CopyApdToApd) {
  Stmt first = Prepared("SELECT CAST(? AS integer) + 1");
  SQLINTEGER value = 41;
  QF_ASSERT_OK(first, SQLBindParameter(first.get(), 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0,
                                       0, &value, 0, nullptr));
  SQLHDESC first_apd = StmtDesc(first, SQL_ATTR_APP_PARAM_DESC);
  QF_ASSERT_OK(DescRef(first_apd),
               SQLSetDescField(first_apd, 0, SQL_DESC_BIND_TYPE, Int(SQL_PARAM_BIND_BY_COLUMN), 0));
  Stmt second = Prepared("SELECT CAST(? AS integer) + 1");
  SQLINTEGER unused = 0;
  QF_ASSERT_OK(second, SQLBindParameter(second.get(), 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER,
                                        0, 0, &unused, 0, nullptr));
  SQLHDESC second_apd = StmtDesc(second, SQL_ATTR_APP_PARAM_DESC);
  QF_ASSERT_OK(DescRef(second_apd), SQLCopyDesc(first_apd, second_apd));
  EXPECT_EQ(Pointer(second_apd, 1, SQL_DESC_DATA_PTR), &value);
  EXPECT_EQ(Field<SQLULEN>(second_apd, 0, SQL_DESC_ARRAY_SIZE), 1u);
  QF_ASSERT_OK(second, SQLExecute(second.get()));
  Rows rows;
  ASSERT_TRUE(FetchAll(second, &rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], Cell("42"));
}

TEST_P(DescriptorTest, DescribeParamReportsTheServersTypes) {
  const std::string table = UniqueName("desc_param");
  MakeTypesTable(table);
  Stmt stmt = Prepared("INSERT INTO " + table +
                       " (i4, i8, i2, n, t, v, b, d, ts, f8, by, u)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLSMALLINT count = 0;
  QF_ASSERT_OK(stmt, SQLNumParams(stmt.get(), &count));
  ASSERT_EQ(count, 12);
  struct Expected {
    SQLSMALLINT type;
    SQLSMALLINT alternative;  // another answer ODBC allows for the server type
  };
  const Expected expected[] = {
      {SQL_INTEGER, SQL_INTEGER},     {SQL_BIGINT, SQL_BIGINT},
      {SQL_SMALLINT, SQL_SMALLINT},   {SQL_NUMERIC, SQL_NUMERIC},
      {SQL_LONGVARCHAR, SQL_VARCHAR},  // text
      {SQL_LONGVARCHAR, SQL_VARCHAR},  // varchar: the parameter has no length
      {SQL_BIT, SQL_VARCHAR},          // psqlODBC: BoolsAsChar
      {SQL_TYPE_DATE, SQL_TYPE_DATE}, {SQL_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP},
      {SQL_DOUBLE, SQL_FLOAT},        {SQL_LONGVARBINARY, SQL_VARBINARY},
      {SQL_GUID, SQL_GUID},
  };
  for (SQLUSMALLINT i = 1; i <= count; ++i) {
    SCOPED_TRACE("parameter " + std::to_string(i));
    SQLSMALLINT type = 0;
    SQLULEN size = 0;
    SQLSMALLINT digits = 0;
    SQLSMALLINT nullable = -1;
    QF_ASSERT_OK(stmt, SQLDescribeParam(stmt.get(), i, &type, &size, &digits, &nullable));
    const Expected& e = expected[i - 1];
    if (backend().is_quietfetch()) {
      EXPECT_EQ(type, e.type);
      EXPECT_EQ(nullable, SQL_NULLABLE);
    } else if (type != e.type) {
      // psqlODBC: wide character types to Unicode applications.
      EXPECT_TRUE(type == e.alternative || type == SQL_WVARCHAR || type == SQL_WLONGVARCHAR)
          << type;
    }
  }
  // The same types as the columns they go into, where the column has no
  // length of its own.
  if (backend().is_quietfetch()) {
    Stmt select = Prepared("SELECT i4, i8, i2, b, d, ts, f8, u FROM " + table);
    const SQLUSMALLINT param_of_column[] = {1, 2, 3, 7, 8, 9, 10, 12};
    for (SQLUSMALLINT c = 1; c <= 8; ++c) {
      SQLSMALLINT column_type = 0;
      SQLULEN column_size = 0;
      QF_ASSERT_OK(select, SQLDescribeCol(select.get(), c, nullptr, 0, nullptr, &column_type,
                                          &column_size, nullptr, nullptr));
      SQLSMALLINT param_type = 0;
      SQLULEN param_size = 0;
      QF_ASSERT_OK(stmt, SQLDescribeParam(stmt.get(), param_of_column[c - 1], &param_type,
                                          &param_size, nullptr, nullptr));
      EXPECT_EQ(param_type, column_type) << "column " << c;
      EXPECT_EQ(param_size, column_size) << "column " << c;
    }
  }
  // A WHERE clause's parameter takes the compared column's type.
  Stmt where = Prepared("SELECT 1 FROM " + table + " WHERE i8 = ? AND d < ?");
  SQLSMALLINT type = 0;
  QF_ASSERT_OK(where, SQLDescribeParam(where.get(), 1, &type, nullptr, nullptr, nullptr));
  EXPECT_EQ(type, SQL_BIGINT);
  QF_ASSERT_OK(where, SQLDescribeParam(where.get(), 2, &type, nullptr, nullptr, nullptr));
  EXPECT_EQ(type, SQL_TYPE_DATE);
  // Bad parameter numbers.
  QF_EXPECT_DIAG(where, SQLDescribeParam(where.get(), 3, &type, nullptr, nullptr, nullptr),
                 SQL_ERROR, "07009");
  QF_EXPECT_DIAG(where, SQLDescribeParam(where.get(), 0, &type, nullptr, nullptr, nullptr),
                 SQL_ERROR, "07009");
  // Before SQLPrepare.
  Stmt fresh = AllocStmt(dbc_);
  QF_EXPECT_DIAG(fresh, SQLDescribeParam(fresh.get(), 1, &type, nullptr, nullptr, nullptr),
                 SQL_ERROR, "HY010");
  ASSERT_TRUE(Exec(dbc_, "DROP TABLE " + table));
}

TEST_P(DescriptorTest, GetFunctionsReportsDescriptorFunctions) {
  SQLUSMALLINT supported[SQL_API_ODBC3_ALL_FUNCTIONS_SIZE] = {};
  QF_ASSERT_OK(dbc_, SQLGetFunctions(dbc_.get(), SQL_API_ODBC3_ALL_FUNCTIONS, supported));
  for (SQLUSMALLINT function : {SQL_API_SQLGETDESCFIELD, SQL_API_SQLSETDESCFIELD,
                                SQL_API_SQLCOPYDESC, SQL_API_SQLDESCRIBEPARAM}) {
    EXPECT_TRUE(SQL_FUNC_EXISTS(supported, function)) << "function " << function;
  }
  // The driver manager refuses functions the driver does not report.
  for (SQLUSMALLINT function : {SQL_API_SQLGETDESCREC, SQL_API_SQLSETDESCREC}) {
    if (strict()) {
      EXPECT_TRUE(SQL_FUNC_EXISTS(supported, function)) << "function " << function;
    } else if (!SQL_FUNC_EXISTS(supported, function)) {
      NoteQuirk(backend(), "SQLGetFunctions does not report function " + std::to_string(function));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DescriptorTest, ::testing::ValuesIn(AllBackends()),
                         BackendParamName);

}  // namespace
}  // namespace quietfetch::conformance
