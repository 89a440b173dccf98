// Catalog functions (SQLTables, SQLColumns, SQLPrimaryKeys, SQLForeignKeys,
// SQLStatistics, SQLSpecialColumns, SQLProcedures, SQLProcedureColumns,
// SQLTablePrivileges, SQLColumnPrivileges) on a schema each test creates:
// quietfetch against the ODBC 3 specification (CatalogApiTest), and quietfetch
// against psqlODBC where the two should agree (CatalogDifferentialTest).
//
// Intended differences from psqlODBC (the differential tests compare around
// them):
//  - Result column names are upper case as ODBC lists them (psqlODBC: lower
//    case, and "procedur_schem" in SQLProcedureColumns); psqlODBC also adds
//    driver-specific columns after the ODBC ones in SQLColumns.
//  - REMARKS without a comment is NULL (psqlODBC: ""); NUM_INPUT_PARAMS etc.
//    of SQLProcedures are NULL (psqlODBC: "").
//  - Character types are SQL_VARCHAR/SQL_LONGVARCHAR and text is
//    MaxVarcharSize long, as SQLDescribeCol reports them (psqlODBC: wide
//    types to Unicode applications and 8190 for text).
//  - SQLStatistics starts with the SQL_TABLE_STAT row ODBC defines
//    (psqlODBC leaves it out) and reports index PAGES.
//  - A table type list of TABLE or VIEW does not bring materialized views
//    (psqlODBC adds them as "MATVIEW").
//  - The schema enumeration (SchemaName "%") lists pg_catalog and
//    information_schema too; temporary relations are "LOCAL TEMPORARY" and
//    materialized views "MATERIALIZED VIEW" (psqlODBC: "TABLE", "MATVIEW").
//  - SQLSpecialColumns(SQL_BEST_ROWID) returns the primary key (or a unique
//    index over NOT NULL columns); psqlODBC returns only an oid column,
//    which tables no longer have. SQL_ROWVER's xmin is described as
//    SQLDescribeCol describes an xid (SQL_VARCHAR), not as SQL_INTEGER.
//  - SQLProcedures reports procedures (CREATE PROCEDURE) as SQL_PT_PROCEDURE
//    (psqlODBC: SQL_PT_FUNCTION), and psqlODBC's SQLGetTypeInfo is not
//    ordered by DATA_TYPE.
//  - SQLProcedureColumns includes the return value (SQL_RETURN_VALUE,
//    ordinal 0) and result set columns of RETURNS TABLE functions.
#include <sql.h>
#include <sqlext.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "conformance/odbc/backend.h"
#include "conformance/odbc/odbc_util.h"

namespace quietfetch::conformance {
namespace {

// A null name argument.
constexpr SQLCHAR* kNull = nullptr;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct Result {
  std::vector<std::string> names;
  std::vector<SQLSMALLINT> types;
  Rows rows;
};

// Runs `call` on a new statement of `dbc` and reads its whole result.
template <typename F>
::testing::AssertionResult RunCatalog(const Dbc& dbc, F&& call, Result* out) {
  Stmt stmt = AllocStmt(dbc);
  SQLRETURN rc = call(stmt.get());
  if (!SQL_SUCCEEDED(rc)) return SqlSucceeded("catalog function", rc, stmt);
  SQLSMALLINT count = 0;
  SQLNumResultCols(stmt.get(), &count);
  out->names.clear();
  out->types.clear();
  for (SQLSMALLINT i = 1; i <= count; ++i) {
    SQLCHAR name[256] = {};
    SQLSMALLINT length = 0;
    SQLSMALLINT type = 0;
    SQLULEN size = 0;
    SQLSMALLINT digits = 0;
    SQLSMALLINT nullable = 0;
    rc = SQLDescribeCol(stmt.get(), static_cast<SQLUSMALLINT>(i), name, sizeof(name), &length,
                        &type, &size, &digits, &nullable);
    if (!SQL_SUCCEEDED(rc)) return SqlSucceeded("SQLDescribeCol", rc, stmt);
    out->names.push_back(reinterpret_cast<char*>(name));
    out->types.push_back(type);
  }
  return FetchAll(stmt, &out->rows);
}

// The values of `columns` (0-based) of every row.
Rows Project(const Rows& rows, const std::vector<size_t>& columns) {
  Rows out;
  for (const Row& row : rows) {
    Row r;
    for (size_t c : columns) r.push_back(c < row.size() ? row[c] : Cell());
    out.push_back(r);
  }
  return out;
}

Cell V(const char* text) { return Cell(text); }

// Creates the test's schema (unique per process) and drops it afterwards.
class CatalogFixture {
 protected:
  static std::string SchemaName() { return "qf_cat_" + std::to_string(::getpid()); }

  static std::vector<std::string> SchemaDdl(const std::string& s) {
    return {
        "DROP SCHEMA IF EXISTS " + s + " CASCADE",
        "CREATE SCHEMA " + s,
        "CREATE TABLE " + s +
            ".parent (id int PRIMARY KEY, code varchar(20) NOT NULL UNIQUE, "
            "amount numeric(10,2) DEFAULT 0, note text, created timestamp(3))",
        "COMMENT ON TABLE " + s + ".parent IS 'parent rows'",
        "CREATE TABLE " + s + ".child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES " + s +
            ".parent (id) ON DELETE CASCADE, parent_code varchar(20))",
        "CREATE INDEX child_parent ON " + s + ".child (parent_id DESC)",
        "CREATE TABLE " + s + ".a_b (x int)",
        "CREATE TABLE " + s + ".axb (x int)",
        "CREATE TABLE " + s + ".\"MixedCase\" (\"Col\" int)",
        "CREATE TABLE " + s + ".mixedcase (col int)",
        "CREATE VIEW " + s + ".parent_view AS SELECT id, code FROM " + s + ".parent",
        "CREATE MATERIALIZED VIEW " + s + ".mv AS SELECT 1 AS one",
        "CREATE TABLE " + s + ".multi (a int, b int, PRIMARY KEY (a, b))",
        "CREATE TABLE " + s + ".multi_ref (id int, ra int, rb int, CONSTRAINT multi_fk " +
            "FOREIGN KEY (ra, rb) REFERENCES " + s + ".multi (a, b))",
        "CREATE FUNCTION " + s +
            ".add_one(a int, b int DEFAULT 1) RETURNS int LANGUAGE sql AS 'SELECT a + b'",
        "CREATE FUNCTION " + s +
            ".pairs(n int) RETURNS TABLE (k int, v text) LANGUAGE sql AS 'SELECT 1, ''x'''",
        "CREATE PROCEDURE " + s + ".noop(x int) LANGUAGE sql AS 'SELECT 1'",
    };
  }
};

class CatalogApiTest : public ::testing::Test, public CatalogFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(CheckEnvironmentFor(QuietfetchBackend(), &test_env_));
    env_ = MakeEnv();
    ASSERT_TRUE(env_);
    ASSERT_TRUE(ConnectDsn(env_, QuietfetchBackend(), &dbc_));
    schema_ = SchemaName();
    for (const std::string& sql : SchemaDdl(schema_)) ASSERT_TRUE(Exec(dbc_, sql));
  }
  void TearDown() override {
    if (dbc_) {
      EXPECT_TRUE(Exec(dbc_, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE"));
    }
  }

  SQLCHAR* S() { return SqlText(schema_); }

  // TABLE_NAME (column 3) of SQLTables rows.
  std::vector<std::string> TableNames(const char* table, const char* types = nullptr) {
    Result r;
    EXPECT_TRUE(RunCatalog(
        dbc_,
        [&](SQLHSTMT h) {
          return SQLTables(h, kNull, 0, S(), SQL_NTS, SqlText(table), SQL_NTS,
                           types == nullptr ? kNull : SqlText(types), SQL_NTS);
        },
        &r));
    std::vector<std::string> names;
    for (const Row& row : r.rows) names.push_back(row[2].value_or("<null>"));
    return names;
  }

  TestEnvironment test_env_;
  Env env_;
  Dbc dbc_;
  std::string schema_;
};

TEST_F(CatalogApiTest, ResultColumnsAreOdbcs) {
  struct Expected {
    const char* function;
    std::vector<std::string> names;
    std::vector<SQLSMALLINT> types;  // concise SQL types, 0: any character type
  };
  auto t = [&](SQLHSTMT h) { return SQLTables(h, kNull, 0, S(), SQL_NTS, kNull, 0, kNull, 0); };
  Result r;
  ASSERT_TRUE(RunCatalog(dbc_, t, &r));
  EXPECT_EQ(r.names, (std::vector<std::string>{"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME",
                                               "TABLE_TYPE", "REMARKS"}));
  EXPECT_EQ(r.types, std::vector<SQLSMALLINT>(5, SQL_VARCHAR));

  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLColumns(h, kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS, kNull, 0);
      },
      &r));
  EXPECT_EQ(r.names,
            (std::vector<std::string>{"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME",
                                      "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE", "BUFFER_LENGTH",
                                      "DECIMAL_DIGITS", "NUM_PREC_RADIX", "NULLABLE", "REMARKS",
                                      "COLUMN_DEF", "SQL_DATA_TYPE", "SQL_DATETIME_SUB",
                                      "CHAR_OCTET_LENGTH", "ORDINAL_POSITION", "IS_NULLABLE"}));
  EXPECT_EQ(r.types,
            (std::vector<SQLSMALLINT>{
                SQL_VARCHAR, SQL_VARCHAR, SQL_VARCHAR, SQL_VARCHAR, SQL_SMALLINT, SQL_VARCHAR,
                SQL_INTEGER, SQL_INTEGER, SQL_SMALLINT, SQL_SMALLINT, SQL_SMALLINT, SQL_VARCHAR,
                SQL_VARCHAR, SQL_SMALLINT, SQL_SMALLINT, SQL_INTEGER, SQL_INTEGER, SQL_VARCHAR}));

  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLStatistics(h, kNull, 0, S(), SQL_NTS, SqlText("child"), SQL_NTS, SQL_INDEX_ALL,
                             SQL_QUICK);
      },
      &r));
  EXPECT_EQ(r.names, (std::vector<std::string>{
                         "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "NON_UNIQUE", "INDEX_QUALIFIER",
                         "INDEX_NAME", "TYPE", "ORDINAL_POSITION", "COLUMN_NAME", "ASC_OR_DESC",
                         "CARDINALITY", "PAGES", "FILTER_CONDITION"}));
  EXPECT_EQ(r.types[9], SQL_CHAR);

  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLForeignKeys(h, kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS, kNull, 0,
                              kNull, 0, kNull, 0);
      },
      &r));
  EXPECT_EQ(r.names, (std::vector<std::string>{
                         "PKTABLE_CAT", "PKTABLE_SCHEM", "PKTABLE_NAME", "PKCOLUMN_NAME",
                         "FKTABLE_CAT", "FKTABLE_SCHEM", "FKTABLE_NAME", "FKCOLUMN_NAME", "KEY_SEQ",
                         "UPDATE_RULE", "DELETE_RULE", "FK_NAME", "PK_NAME", "DEFERRABILITY"}));

  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLSpecialColumns(h, SQL_BEST_ROWID, kNull, 0, S(), SQL_NTS, SqlText("parent"),
                                 SQL_NTS, SQL_SCOPE_CURROW, SQL_NULLABLE);
      },
      &r));
  EXPECT_EQ(r.names, (std::vector<std::string>{"SCOPE", "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME",
                                               "COLUMN_SIZE", "BUFFER_LENGTH", "DECIMAL_DIGITS",
                                               "PSEUDO_COLUMN"}));

  ASSERT_TRUE(RunCatalog(
      dbc_, [&](SQLHSTMT h) { return SQLProcedures(h, kNull, 0, S(), SQL_NTS, kNull, 0); }, &r));
  EXPECT_EQ(r.names, (std::vector<std::string>{"PROCEDURE_CAT", "PROCEDURE_SCHEM", "PROCEDURE_NAME",
                                               "NUM_INPUT_PARAMS", "NUM_OUTPUT_PARAMS",
                                               "NUM_RESULT_SETS", "REMARKS", "PROCEDURE_TYPE"}));

  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLProcedureColumns(h, kNull, 0, S(), SQL_NTS, kNull, 0, kNull, 0);
      },
      &r));
  EXPECT_EQ(r.names.size(), 19u);
  EXPECT_EQ(r.names[4], "COLUMN_TYPE");
  EXPECT_EQ(r.names[17], "ORDINAL_POSITION");

  ASSERT_TRUE(RunCatalog(
      dbc_, [&](SQLHSTMT h) { return SQLTablePrivileges(h, kNull, 0, S(), SQL_NTS, kNull, 0); },
      &r));
  EXPECT_EQ(r.names, (std::vector<std::string>{"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "GRANTOR",
                                               "GRANTEE", "PRIVILEGE", "IS_GRANTABLE"}));
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLColumnPrivileges(h, kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS, kNull, 0);
      },
      &r));
  EXPECT_EQ(r.names,
            (std::vector<std::string>{"TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME",
                                      "GRANTOR", "GRANTEE", "PRIVILEGE", "IS_GRANTABLE"}));
}

TEST_F(CatalogApiTest, TablesPatternsEscapesAndTypes) {
  using Names = std::vector<std::string>;
  EXPECT_EQ(TableNames("a\\_b"), Names{"a_b"});
  EXPECT_EQ(TableNames("a_b"), (Names{"a_b", "axb"}));
  EXPECT_EQ(TableNames("%cas%"), Names{"mixedcase"});  // patterns are case-sensitive
  EXPECT_EQ(TableNames("%", "'VIEW'"), Names{"parent_view"});
  EXPECT_EQ(TableNames("p%", "TABLE, VIEW"), (Names{"parent", "parent_view"}));
  EXPECT_EQ(TableNames("%", "MATERIALIZED VIEW"), Names{"mv"});
  EXPECT_TRUE(TableNames("%", "'SYNONYM'").empty());
  // Views sort after tables: ordered by TABLE_TYPE first.
  Names all = TableNames("%");
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.back(), "parent_view");
  // An empty string is a name no object has.
  Result r;
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) { return SQLTables(h, kNull, 0, SqlText(""), SQL_NTS, kNull, 0, kNull, 0); },
      &r));
  EXPECT_TRUE(r.rows.empty());
  // REMARKS carries the table's comment.
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLTables(h, kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS, kNull, 0);
      },
      &r));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0], (Row{V(test_env_.server.database.c_str()), V(schema_.c_str()), V("parent"),
                            V("TABLE"), V("parent rows")}));
  // System tables only when asked for.
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLTables(h, kNull, 0, SqlText("pg_catalog"), SQL_NTS, SqlText("pg_class"), SQL_NTS,
                         SqlText("SYSTEM TABLE"), SQL_NTS);
      },
      &r));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][3], V("SYSTEM TABLE"));
}

TEST_F(CatalogApiTest, TablesSpecialEnumerations) {
  Result r;
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLTables(h, SqlText(SQL_ALL_CATALOGS), SQL_NTS, SqlText(""), 0, SqlText(""), 0,
                         kNull, 0);
      },
      &r));
  EXPECT_EQ(r.rows, (Rows{{V(test_env_.server.database.c_str()), {}, {}, {}, {}}}));

  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLTables(h, SqlText(""), 0, SqlText(SQL_ALL_SCHEMAS), SQL_NTS, SqlText(""), 0,
                         kNull, 0);
      },
      &r));
  Rows schemas = Project(r.rows, {1});
  EXPECT_NE(std::find(schemas.begin(), schemas.end(), Row{V(schema_.c_str())}), schemas.end());
  EXPECT_NE(std::find(schemas.begin(), schemas.end(), Row{V("public")}), schemas.end());
  for (const Row& row : r.rows) {
    EXPECT_FALSE(row[0] || row[2] || row[3]) << "only TABLE_SCHEM is set";
  }

  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLTables(h, SqlText(""), 0, SqlText(""), 0, SqlText(""), 0,
                         SqlText(SQL_ALL_TABLE_TYPES), SQL_NTS);
      },
      &r));
  EXPECT_EQ(Project(r.rows, {3}), (Rows{{V("FOREIGN TABLE")},
                                        {V("LOCAL TEMPORARY")},
                                        {V("MATERIALIZED VIEW")},
                                        {V("SYSTEM TABLE")},
                                        {V("TABLE")},
                                        {V("VIEW")}}));
}

TEST_F(CatalogApiTest, MetadataIdMakesArgumentsIdentifiers) {
  Stmt stmt = AllocStmt(dbc_);
  QF_ASSERT_OK(stmt, SQLSetStmtAttr(stmt.get(), SQL_ATTR_METADATA_ID,
                                    reinterpret_cast<SQLPOINTER>(SQL_TRUE), 0));
  std::string catalog = test_env_.server.database;
  std::string schema_upper = Upper(schema_);
  auto tables = [&](const char* table) -> Rows {
    QF_EXPECT_OK(stmt, SQLTables(stmt.get(), SqlText(catalog), SQL_NTS, SqlText(schema_upper),
                                 SQL_NTS, SqlText(table), SQL_NTS, kNull, 0));
    Rows rows;
    EXPECT_TRUE(FetchAll(stmt, &rows));
    SQLFreeStmt(stmt.get(), SQL_CLOSE);
    return Project(rows, {2});
  };
  // Unquoted: folded as PostgreSQL folds identifiers; quoted: exact.
  EXPECT_EQ(tables("MIXEDCASE"), (Rows{{V("mixedcase")}}));
  EXPECT_EQ(tables("\"MixedCase\""), (Rows{{V("MixedCase")}}));
  EXPECT_EQ(tables("mixedcase   "), (Rows{{V("mixedcase")}}));
  // No pattern characters.
  EXPECT_EQ(tables("A_B"), (Rows{{V("a_b")}}));
  EXPECT_TRUE(tables("a%").empty());
  // Identifiers cannot be null.
  QF_EXPECT_DIAG(stmt,
                 SQLTables(stmt.get(), SqlText(catalog), SQL_NTS, S(), SQL_NTS, kNull, 0, kNull, 0),
                 SQL_ERROR, "HY009");
  QF_EXPECT_DIAG(stmt,
                 SQLColumns(stmt.get(), kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS,
                            SqlText("id"), SQL_NTS),
                 SQL_ERROR, "HY009");
  QF_EXPECT_OK(stmt, SQLColumns(stmt.get(), SqlText(catalog), SQL_NTS, S(), SQL_NTS,
                                SqlText("\"MixedCase\""), SQL_NTS, SqlText("\"Col\""), SQL_NTS));
  Rows rows;
  EXPECT_TRUE(FetchAll(stmt, &rows));
  EXPECT_EQ(Project(rows, {3}), (Rows{{V("Col")}}));
}

TEST_F(CatalogApiTest, ColumnsAgreeWithDescribeCol) {
  Result r;
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLColumns(h, kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS, kNull, 0);
      },
      &r));
  // COLUMN_NAME, DATA_TYPE, TYPE_NAME, COLUMN_SIZE, DECIMAL_DIGITS, NULLABLE,
  // COLUMN_DEF, ORDINAL_POSITION, IS_NULLABLE.
  EXPECT_EQ(
      Project(r.rows, {3, 4, 5, 6, 8, 10, 12, 16, 17}),
      (Rows{
          {V("id"), V("4"), V("int4"), V("10"), V("0"), V("0"), {}, V("1"), V("NO")},
          {V("code"), V("12"), V("varchar"), V("20"), {}, V("0"), {}, V("2"), V("NO")},
          {V("amount"), V("2"), V("numeric"), V("10"), V("2"), V("1"), V("0"), V("3"), V("YES")},
          {V("note"), V("-1"), V("text"), V("65535"), {}, V("1"), {}, V("4"), V("YES")},
          {V("created"), V("93"), V("timestamp"), V("23"), V("3"), V("1"), {}, V("5"), V("YES")}}));
  // The same columns described by a query.
  Stmt stmt = AllocStmt(dbc_);
  ASSERT_TRUE(ExecDirect(stmt, "SELECT * FROM " + schema_ + ".parent"));
  for (size_t i = 0; i < r.rows.size(); ++i) {
    SQLCHAR name[128];
    SQLSMALLINT name_length = 0;
    SQLSMALLINT type = 0;
    SQLULEN size = 0;
    SQLSMALLINT digits = 0;
    SQLSMALLINT nullable = 0;
    QF_ASSERT_OK(stmt,
                 SQLDescribeCol(stmt.get(), static_cast<SQLUSMALLINT>(i + 1), name, sizeof(name),
                                &name_length, &type, &size, &digits, &nullable));
    EXPECT_EQ(r.rows[i][4], V(std::to_string(type).c_str())) << name;
    EXPECT_EQ(r.rows[i][6], V(std::to_string(size).c_str())) << name;
    EXPECT_EQ(r.rows[i][10], V(std::to_string(nullable).c_str())) << name;
  }
  // Column patterns with an escape.
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLColumns(h, kNull, 0, S(), SQL_NTS, SqlText("child"), SQL_NTS,
                          SqlText("parent\\_%"), SQL_NTS);
      },
      &r));
  EXPECT_EQ(Project(r.rows, {3, 16}), (Rows{{V("parent_id"), V("2")}, {V("parent_code"), V("3")}}));
}

TEST_F(CatalogApiTest, KeysAndIndexes) {
  Result r;
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLPrimaryKeys(h, kNull, 0, S(), SQL_NTS, SqlText("multi"), SQL_NTS);
      },
      &r));
  EXPECT_EQ(Project(r.rows, {2, 3, 4, 5}), (Rows{{V("multi"), V("a"), V("1"), V("multi_pkey")},
                                                 {V("multi"), V("b"), V("2"), V("multi_pkey")}}));
  // Ordinary arguments are not patterns; a null schema means the search path.
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLPrimaryKeys(h, kNull, 0, S(), SQL_NTS, SqlText("mult%"), SQL_NTS);
      },
      &r));
  EXPECT_TRUE(r.rows.empty());
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) { return SQLPrimaryKeys(h, kNull, 0, kNull, 0, SqlText("multi"), SQL_NTS); },
      &r));
  EXPECT_TRUE(r.rows.empty());

  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLForeignKeys(h, kNull, 0, kNull, 0, kNull, 0, kNull, 0, S(), SQL_NTS,
                              SqlText("multi_ref"), SQL_NTS);
      },
      &r));
  EXPECT_EQ(Project(r.rows, {2, 3, 6, 7, 8, 9, 10, 11, 12, 13}),
            (Rows{{V("multi"), V("a"), V("multi_ref"), V("ra"), V("1"), V("3"), V("3"),
                   V("multi_fk"), V("multi_pkey"), V("7")},
                  {V("multi"), V("b"), V("multi_ref"), V("rb"), V("2"), V("3"), V("3"),
                   V("multi_fk"), V("multi_pkey"), V("7")}}));
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLForeignKeys(h, kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS, kNull, 0,
                              kNull, 0, kNull, 0);
      },
      &r));
  EXPECT_EQ(Project(r.rows, {3, 6, 7, 10}), (Rows{{V("id"), V("child"), V("parent_id"), V("0")}}));

  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLStatistics(h, kNull, 0, S(), SQL_NTS, SqlText("child"), SQL_NTS, SQL_INDEX_ALL,
                             SQL_QUICK);
      },
      &r));
  EXPECT_EQ(Project(r.rows, {3, 5, 6, 7, 8, 9}),
            (Rows{{{}, {}, V("0"), {}, {}, {}},
                  {V("0"), V("child_pkey"), V("3"), V("1"), V("id"), V("A")},
                  {V("1"), V("child_parent"), V("3"), V("1"), V("parent_id"), V("D")}}));
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLStatistics(h, kNull, 0, S(), SQL_NTS, SqlText("child"), SQL_NTS, SQL_INDEX_UNIQUE,
                             SQL_ENSURE);
      },
      &r));
  EXPECT_EQ(r.rows.size(), 2u);

  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLSpecialColumns(h, SQL_BEST_ROWID, kNull, 0, S(), SQL_NTS, SqlText("parent"),
                                 SQL_NTS, SQL_SCOPE_SESSION, SQL_NO_NULLS);
      },
      &r));
  EXPECT_EQ(r.rows, (Rows{{V("2"), V("id"), V("4"), V("int4"), V("10"), V("4"), V("0"), V("1")}}));
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLSpecialColumns(h, SQL_ROWVER, kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS,
                                 SQL_SCOPE_CURROW, SQL_NULLABLE);
      },
      &r));
  EXPECT_EQ(Project(r.rows, {0, 1, 7}), (Rows{{{}, V("xmin"), V("2")}}));
  // A table without a key has no best row identifier.
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLSpecialColumns(h, SQL_BEST_ROWID, kNull, 0, S(), SQL_NTS, SqlText("a_b"), SQL_NTS,
                                 SQL_SCOPE_CURROW, SQL_NULLABLE);
      },
      &r));
  EXPECT_TRUE(r.rows.empty());
}

TEST_F(CatalogApiTest, ProceduresAndTheirColumns) {
  Result r;
  ASSERT_TRUE(RunCatalog(
      dbc_, [&](SQLHSTMT h) { return SQLProcedures(h, kNull, 0, S(), SQL_NTS, kNull, 0); }, &r));
  EXPECT_EQ(Project(r.rows, {2, 3, 7}),
            (Rows{{V("add_one"), {}, V("2")}, {V("noop"), {}, V("1")}, {V("pairs"), {}, V("2")}}));
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLProcedureColumns(h, kNull, 0, S(), SQL_NTS, kNull, 0, kNull, 0);
      },
      &r));
  // PROCEDURE_NAME, COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, COLUMN_DEF, ORDINAL_POSITION.
  EXPECT_EQ(Project(r.rows, {2, 3, 4, 5, 13, 17}),
            (Rows{{V("add_one"), V(""), V("5"), V("4"), {}, V("0")},
                  {V("add_one"), V("a"), V("1"), V("4"), {}, V("1")},
                  {V("add_one"), V("b"), V("1"), V("4"), V("1"), V("2")},
                  {V("noop"), V("x"), V("1"), V("4"), {}, V("1")},
                  {V("pairs"), V("n"), V("1"), V("4"), {}, V("1")},
                  {V("pairs"), V("k"), V("3"), V("4"), {}, V("1")},
                  {V("pairs"), V("v"), V("3"), V("-1"), {}, V("2")}}));
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLProcedureColumns(h, kNull, 0, S(), SQL_NTS, SqlText("pa%"), SQL_NTS, SqlText("v"),
                                   SQL_NTS);
      },
      &r));
  EXPECT_EQ(r.rows.size(), 1u);
}

TEST_F(CatalogApiTest, Privileges) {
  Result r;
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLTablePrivileges(h, kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS);
      },
      &r));
  Rows privileges = Project(r.rows, {4, 5});
  EXPECT_NE(std::find(privileges.begin(), privileges.end(),
                      Row{V(test_env_.server.user.c_str()), V("SELECT")}),
            privileges.end());
  ASSERT_TRUE(RunCatalog(
      dbc_,
      [&](SQLHSTMT h) {
        return SQLColumnPrivileges(h, kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS,
                                   SqlText("co%"), SQL_NTS);
      },
      &r));
  ASSERT_FALSE(r.rows.empty());
  for (const Row& row : r.rows) {
    EXPECT_EQ(row[3], V("code"));
    EXPECT_TRUE(row[6] == V("SELECT") || row[6] == V("INSERT") || row[6] == V("UPDATE") ||
                row[6] == V("REFERENCES"));
  }
}

TEST_F(CatalogApiTest, BadInputAndStates) {
  Stmt stmt = AllocStmt(dbc_);
  QF_EXPECT_DIAG(stmt, SQLTables(stmt.get(), kNull, 0, S(), -5, kNull, 0, kNull, 0), SQL_ERROR,
                 "HY090");
  QF_EXPECT_DIAG(stmt, SQLPrimaryKeys(stmt.get(), kNull, 0, S(), SQL_NTS, kNull, 0), SQL_ERROR,
                 "HY009");
  QF_EXPECT_DIAG(
      stmt, SQLForeignKeys(stmt.get(), kNull, 0, kNull, 0, kNull, 0, kNull, 0, kNull, 0, kNull, 0),
      SQL_ERROR, "HY009");
  QF_EXPECT_DIAG(
      stmt,
      SQLStatistics(stmt.get(), kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS, 5, SQL_QUICK),
      SQL_ERROR, "HY100");
  QF_EXPECT_DIAG(stmt,
                 SQLStatistics(stmt.get(), kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS,
                               SQL_INDEX_ALL, 5),
                 SQL_ERROR, "HY101");
  QF_EXPECT_DIAG(stmt,
                 SQLSpecialColumns(stmt.get(), 9, kNull, 0, S(), SQL_NTS, SqlText("parent"),
                                   SQL_NTS, SQL_SCOPE_SESSION, SQL_NULLABLE),
                 SQL_ERROR, "HY097");
  QF_EXPECT_DIAG(stmt,
                 SQLSpecialColumns(stmt.get(), SQL_BEST_ROWID, kNull, 0, S(), SQL_NTS,
                                   SqlText("parent"), SQL_NTS, 9, SQL_NULLABLE),
                 SQL_ERROR, "HY098");
  QF_EXPECT_DIAG(stmt,
                 SQLSpecialColumns(stmt.get(), SQL_BEST_ROWID, kNull, 0, S(), SQL_NTS,
                                   SqlText("parent"), SQL_NTS, SQL_SCOPE_SESSION, 9),
                 SQL_ERROR, "HY099");
  // An open cursor must be closed first, as for SQLExecDirect.
  QF_ASSERT_OK(stmt, SQLTables(stmt.get(), kNull, 0, S(), SQL_NTS, kNull, 0, kNull, 0));
  QF_EXPECT_DIAG(stmt, SQLColumns(stmt.get(), kNull, 0, S(), SQL_NTS, kNull, 0, kNull, 0),
                 SQL_ERROR, "24000");
  // unixODBC forgets the open cursor after that error (its SQLCloseCursor
  // then says 24000 itself); SQL_CLOSE always reaches the driver.
  QF_ASSERT_OK(stmt, SQLFreeStmt(stmt.get(), SQL_CLOSE));
  QF_EXPECT_OK(stmt, SQLColumns(stmt.get(), kNull, 0, S(), SQL_NTS, kNull, 0, kNull, 0));
  // The catalog query is not the statement's: SQLExecute has nothing prepared.
  QF_ASSERT_OK(stmt, SQLCloseCursor(stmt.get()));
  QF_EXPECT_DIAG(stmt, SQLExecute(stmt.get()), SQL_ERROR, "HY010");
}

TEST_F(CatalogApiTest, WideEntryPointsAndInfo) {
  Stmt stmt = AllocStmt(dbc_);
  std::u16string schema = Utf8ToUtf16(schema_);
  std::u16string table = u"a\\_b";
  QF_ASSERT_OK(stmt, SQLTablesW(stmt.get(), nullptr, 0, AsSqlWchar(schema),
                                static_cast<SQLSMALLINT>(schema.size()), AsSqlWchar(table), SQL_NTS,
                                nullptr, 0));
  Rows rows;
  ASSERT_TRUE(FetchAll(stmt, &rows));
  EXPECT_EQ(Project(rows, {2}), (Rows{{V("a_b")}}));

  char text[16] = {};
  SQLSMALLINT length = 0;
  QF_EXPECT_OK(dbc_,
               SQLGetInfo(dbc_.get(), SQL_SEARCH_PATTERN_ESCAPE, text, sizeof(text), &length));
  EXPECT_STREQ(text, "\\");
  QF_EXPECT_OK(dbc_, SQLGetInfo(dbc_.get(), SQL_CATALOG_NAME, text, sizeof(text), &length));
  EXPECT_STREQ(text, "Y");
  QF_EXPECT_OK(dbc_,
               SQLGetInfo(dbc_.get(), SQL_CATALOG_NAME_SEPARATOR, text, sizeof(text), &length));
  EXPECT_STREQ(text, ".");
  for (SQLUSMALLINT function :
       {SQL_API_SQLTABLES, SQL_API_SQLCOLUMNS, SQL_API_SQLPRIMARYKEYS, SQL_API_SQLFOREIGNKEYS,
        SQL_API_SQLSTATISTICS, SQL_API_SQLSPECIALCOLUMNS, SQL_API_SQLPROCEDURES,
        SQL_API_SQLPROCEDURECOLUMNS, SQL_API_SQLTABLEPRIVILEGES, SQL_API_SQLCOLUMNPRIVILEGES}) {
    SQLUSMALLINT supported = SQL_FALSE;
    QF_EXPECT_OK(dbc_, SQLGetFunctions(dbc_.get(), function, &supported));
    EXPECT_EQ(supported, SQL_TRUE) << "function " << function;
  }
}

// quietfetch and psqlODBC on the same schema, compared where they agree.
class CatalogDifferentialTest : public ::testing::Test, public CatalogFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(CheckEnvironmentFor(QuietfetchBackend(), &test_env_));
    ASSERT_TRUE(CheckEnvironmentFor(PsqlodbcBackend(), &test_env_));
    env_ = MakeEnv();
    ASSERT_TRUE(env_);
    ASSERT_TRUE(ConnectDsn(env_, QuietfetchBackend(), &qf_));
    ASSERT_TRUE(ConnectDsn(env_, PsqlodbcBackend(), &psql_));
    schema_ = SchemaName();
    for (const std::string& sql : SchemaDdl(schema_)) ASSERT_TRUE(Exec(qf_, sql));
  }
  void TearDown() override {
    if (qf_) {
      EXPECT_TRUE(Exec(qf_, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE"));
    }
  }

  // Runs `call` through both drivers; compares the names of the first
  // `odbc_columns` columns (ignoring case) and the values of `columns`.
  // psqlODBC rows that `skip` accepts are left out (intended differences).
  template <typename F>
  void Compare(F&& call, size_t odbc_columns, const std::vector<size_t>& columns,
               const std::function<bool(const Row&)>& skip = nullptr) {
    Result mine;
    Result theirs;
    ASSERT_TRUE(RunCatalog(qf_, call, &mine));
    ASSERT_TRUE(RunCatalog(psql_, call, &theirs));
    if (skip) std::erase_if(theirs.rows, skip);
    ASSERT_EQ(mine.names.size(), odbc_columns);
    ASSERT_GE(theirs.names.size(), odbc_columns);
    for (size_t i = 0; i < odbc_columns; ++i) {
      EXPECT_EQ(mine.names[i], Upper(theirs.names[i])) << "column " << i + 1;
    }
    EXPECT_FALSE(mine.rows.empty()) << "a comparison of nothing proves nothing";
    EXPECT_EQ(Project(mine.rows, columns), Project(theirs.rows, columns));
  }

  SQLCHAR* S() { return SqlText(schema_); }

  TestEnvironment test_env_;
  Env env_;
  Dbc qf_;
  Dbc psql_;
  std::string schema_;
};

TEST_F(CatalogDifferentialTest, Tables) {
  Compare(
      [&](SQLHSTMT h) {
        return SQLTables(h, kNull, 0, S(), SQL_NTS, kNull, 0, SqlText("TABLE,VIEW"), SQL_NTS);
      },
      5, {0, 1, 2, 3}, [](const Row& row) { return row[3] == Cell("MATVIEW"); });
  Compare(
      [&](SQLHSTMT h) {
        return SQLTables(h, kNull, 0, S(), SQL_NTS, SqlText("a\\_b"), SQL_NTS, kNull, 0);
      },
      5, {0, 1, 2, 3});
  Compare(
      [&](SQLHSTMT h) {
        return SQLTables(h, SqlText(SQL_ALL_CATALOGS), SQL_NTS, SqlText(""), 0, SqlText(""), 0,
                         kNull, 0);
      },
      5, {0, 1, 2, 3});
}

TEST_F(CatalogDifferentialTest, Columns) {
  // Names, nullability and positions of every column; types where both
  // drivers describe them alike (not character types, see the top).
  Compare(
      [&](SQLHSTMT h) {
        return SQLColumns(h, kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS, kNull, 0);
      },
      18, {0, 1, 2, 3, 5, 10, 16});
  Compare(
      [&](SQLHSTMT h) {
        return SQLColumns(h, kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS, SqlText("%i%"),
                          SQL_NTS);
      },
      18, {3, 4, 5, 6, 7, 8, 9, 10, 13, 16});
}

TEST_F(CatalogDifferentialTest, PrimaryAndForeignKeys) {
  Compare(
      [&](SQLHSTMT h) {
        return SQLPrimaryKeys(h, kNull, 0, S(), SQL_NTS, SqlText("multi"), SQL_NTS);
      },
      6, {0, 1, 2, 3, 4, 5});
  std::vector<size_t> all(14);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  Compare(
      [&](SQLHSTMT h) {
        return SQLForeignKeys(h, kNull, 0, S(), SQL_NTS, SqlText("parent"), SQL_NTS, kNull, 0,
                              kNull, 0, kNull, 0);
      },
      14, all);
  Compare(
      [&](SQLHSTMT h) {
        return SQLForeignKeys(h, kNull, 0, kNull, 0, kNull, 0, kNull, 0, S(), SQL_NTS,
                              SqlText("multi_ref"), SQL_NTS);
      },
      14, all);
}

TEST_F(CatalogDifferentialTest, StatisticsIndexRows) {
  Result mine;
  Result theirs;
  auto call = [&](SQLHSTMT h) {
    return SQLStatistics(h, kNull, 0, S(), SQL_NTS, SqlText("child"), SQL_NTS, SQL_INDEX_ALL,
                         SQL_QUICK);
  };
  ASSERT_TRUE(RunCatalog(qf_, call, &mine));
  ASSERT_TRUE(RunCatalog(psql_, call, &theirs));
  // psqlODBC leaves out the SQL_TABLE_STAT row.
  ASSERT_FALSE(mine.rows.empty());
  EXPECT_EQ(mine.rows[0][6], V("0"));
  Rows index_rows(mine.rows.begin() + 1, mine.rows.end());
  std::vector<size_t> columns = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_EQ(Project(index_rows, columns), Project(theirs.rows, columns));
}

TEST_F(CatalogDifferentialTest, ProcedureParameters) {
  Result mine;
  Result theirs;
  auto call = [&](SQLHSTMT h) {
    return SQLProcedureColumns(h, kNull, 0, S(), SQL_NTS, SqlText("add_one"), SQL_NTS, kNull, 0);
  };
  ASSERT_TRUE(RunCatalog(qf_, call, &mine));
  ASSERT_TRUE(RunCatalog(psql_, call, &theirs));
  // The parameters (COLUMN_TYPE SQL_PARAM_INPUT); see the top for the return value.
  auto inputs = [](const Rows& rows) {
    Rows out;
    for (const Row& row : rows) {
      if (row[4] == Cell("1")) out.push_back(row);
    }
    return out;
  };
  std::vector<size_t> columns = {0, 1, 2, 3, 4, 5, 6, 7, 17};
  EXPECT_EQ(Project(inputs(mine.rows), columns), Project(inputs(theirs.rows), columns));
  EXPECT_EQ(inputs(mine.rows).size(), 2u);
}

}  // namespace
}  // namespace quietfetch::conformance
