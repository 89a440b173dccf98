// Catalog query building without a server: which arguments become which
// conditions and parameters, the argument errors ODBC defines, and the
// derived type columns computed from recorded server rows.
#include "driver/core/catalog.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "driver/core/local_result.h"
#include "driver/core/status.h"

namespace quietfetch::core {
namespace {

std::vector<std::string> ParamTexts(const CatalogQuery& query) {
  std::vector<std::string> out;
  for (const backend::Param& p : query.params) {
    EXPECT_EQ(p.type, backend::LogicalType::kText);
    out.push_back(p.data);
  }
  return out;
}

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

const CatalogArg kNull;
CatalogArg A(const char* text) { return CatalogArg(text); }

TEST(CatalogQueryTest, MarkersMatchParameters) {
  auto q = ColumnsQuery(A("qf"), A("pub%"), A("t\\_1"), A("c_"), false);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(Count(q->sql, "?"), q->params.size());
  // Catalog without wildcards is compared as a name, escapes are removed
  // where no wildcard remains, and real patterns go to LIKE.
  EXPECT_EQ(ParamTexts(*q), (std::vector<std::string>{"qf", "pub%", "t_1", "c_"}));
  EXPECT_NE(q->sql.find("n.nspname LIKE ?"), std::string::npos);
  EXPECT_NE(q->sql.find("c.relname = ?"), std::string::npos);
  EXPECT_NE(q->sql.find("a.attname LIKE ?"), std::string::npos);
  EXPECT_EQ(q->visible_columns, 18u);
  EXPECT_EQ(q->derived.size(), 8u);
}

TEST(CatalogQueryTest, NullAndPercentPatternsDoNotRestrict) {
  auto q = TablesQuery(kNull, A("%"), kNull, kNull, false);
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->params.empty());
  EXPECT_EQ(Count(q->sql, "?"), 0u);
  // System schemas are left out unless asked for.
  EXPECT_NE(q->sql.find("n.nspname NOT IN ('pg_catalog', 'information_schema')"),
            std::string::npos);
}

TEST(CatalogQueryTest, LoneTrailingEscapeStandsForItself) {
  auto q = TablesQuery(kNull, kNull, A("a%\\"), kNull, false);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(ParamTexts(*q), (std::vector<std::string>{"a%\\\\"}));
}

TEST(CatalogQueryTest, MetadataIdFoldsUnquotedAndKeepsQuoted) {
  auto q = ColumnsQuery(A("QF"), A("\"My\"\"Schema\""), A("Parent  "), A("\"Id\""), true);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(ParamTexts(*q), (std::vector<std::string>{"qf", "My\"Schema", "parent", "Id"}));
  // Identifiers are never patterns.
  EXPECT_EQ(q->sql.find("LIKE"), std::string::npos);
}

TEST(CatalogQueryTest, MetadataIdRejectsNullNames) {
  auto q = TablesQuery(kNull, A("s"), A("t"), kNull, true);
  EXPECT_EQ(SqlStateOf(q.status()), "HY009");
  q = ColumnsQuery(A("qf"), A("s"), A("t"), kNull, true);
  EXPECT_EQ(SqlStateOf(q.status()), "HY009");
  q = TablesQuery(kNull, A("s"), A("t"), kNull, false);
  EXPECT_TRUE(q.ok());
}

TEST(CatalogQueryTest, SpecialEnumerations) {
  auto catalogs = TablesQuery(A("%"), A(""), A(""), kNull, false);
  ASSERT_TRUE(catalogs.ok());
  EXPECT_NE(catalogs->sql.find("current_database()"), std::string::npos);
  EXPECT_EQ(catalogs->sql.find("pg_class"), std::string::npos);
  auto schemas = TablesQuery(A(""), A("%"), A(""), kNull, false);
  ASSERT_TRUE(schemas.ok());
  EXPECT_NE(schemas->sql.find("FROM pg_catalog.pg_namespace n"), std::string::npos);
  EXPECT_EQ(schemas->sql.find("pg_class"), std::string::npos);
  auto types = TablesQuery(A(""), A(""), A(""), A("%"), false);
  ASSERT_TRUE(types.ok());
  EXPECT_NE(types->sql.find("('SYSTEM TABLE')"), std::string::npos);
  // Not special: a null schema is not the empty string.
  auto plain = TablesQuery(A("%"), kNull, A(""), kNull, false);
  ASSERT_TRUE(plain.ok());
  EXPECT_NE(plain->sql.find("pg_class"), std::string::npos);
}

TEST(CatalogQueryTest, TableTypeLists) {
  for (const char* list : {"'TABLE','VIEW'", "TABLE, VIEW", " 'table' ,view,"}) {
    auto q = TablesQuery(kNull, kNull, kNull, A(list), false);
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(ParamTexts(*q), (std::vector<std::string>{"TABLE", "VIEW"})) << list;
  }
  auto system = TablesQuery(kNull, kNull, kNull, A("'SYSTEM TABLE'"), false);
  ASSERT_TRUE(system.ok());
  EXPECT_EQ(system->sql.find("NOT IN ('pg_catalog'"), std::string::npos);
}

TEST(CatalogQueryTest, OneTableFunctionsNeedATable) {
  EXPECT_EQ(SqlStateOf(PrimaryKeysQuery(kNull, kNull, kNull, false).status()), "HY009");
  EXPECT_EQ(
      SqlStateOf(StatisticsQuery(kNull, kNull, kNull, SQL_INDEX_ALL, SQL_QUICK, false).status()),
      "HY009");
  EXPECT_EQ(SqlStateOf(SpecialColumnsQuery(SQL_BEST_ROWID, kNull, kNull, kNull, SQL_SCOPE_SESSION,
                                           SQL_NULLABLE, false)
                           .status()),
            "HY009");
  EXPECT_EQ(SqlStateOf(ForeignKeysQuery(kNull, kNull, kNull, kNull, kNull, kNull, false).status()),
            "HY009");
  EXPECT_EQ(SqlStateOf(ColumnPrivilegesQuery(kNull, kNull, kNull, kNull, false).status()), "HY009");
}

TEST(CatalogQueryTest, OrdinaryArgumentsAreLiteral) {
  auto q = PrimaryKeysQuery(kNull, A("s%"), A("t_"), false);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(ParamTexts(*q), (std::vector<std::string>{"s%", "t_"}));
  EXPECT_EQ(q->sql.find("LIKE"), std::string::npos);
  // Without a schema, the table the search path finds.
  auto visible = PrimaryKeysQuery(kNull, kNull, A("t"), false);
  ASSERT_TRUE(visible.ok());
  EXPECT_NE(visible->sql.find("pg_table_is_visible(c.oid)"), std::string::npos);
}

TEST(CatalogQueryTest, OptionRanges) {
  EXPECT_EQ(SqlStateOf(StatisticsQuery(kNull, kNull, A("t"), 7, SQL_QUICK, false).status()),
            "HY100");
  EXPECT_EQ(SqlStateOf(StatisticsQuery(kNull, kNull, A("t"), SQL_INDEX_ALL, 9, false).status()),
            "HY101");
  EXPECT_EQ(SqlStateOf(
                SpecialColumnsQuery(9, kNull, kNull, A("t"), SQL_SCOPE_SESSION, SQL_NULLABLE, false)
                    .status()),
            "HY097");
  EXPECT_EQ(
      SqlStateOf(SpecialColumnsQuery(SQL_BEST_ROWID, kNull, kNull, A("t"), 9, SQL_NULLABLE, false)
                     .status()),
      "HY098");
  EXPECT_EQ(SqlStateOf(SpecialColumnsQuery(SQL_BEST_ROWID, kNull, kNull, A("t"), SQL_SCOPE_SESSION,
                                           9, false)
                           .status()),
            "HY099");
}

TEST(CatalogQueryTest, ForeignKeyOrderingFollowsTheGivenSide) {
  auto by_pk = ForeignKeysQuery(kNull, A("s"), A("p"), kNull, kNull, kNull, false);
  ASSERT_TRUE(by_pk.ok());
  EXPECT_NE(by_pk->sql.find("ORDER BY 5, 6, 7"), std::string::npos);
  auto by_fk = ForeignKeysQuery(kNull, kNull, kNull, kNull, A("s"), A("c"), false);
  ASSERT_TRUE(by_fk.ok());
  EXPECT_NE(by_fk->sql.find("ORDER BY 1, 2, 3"), std::string::npos);
}

// Type columns agree with what SQLDescribeCol reports for the same types.
TEST(CatalogQueryTest, TypeFields) {
  SqlTypeInfo int4 = CatalogTypeInfo(23, -1, false, 65535);
  EXPECT_EQ(TypeFieldValue(int4, TypeField::kDataType), SQL_INTEGER);
  EXPECT_EQ(TypeFieldValue(int4, TypeField::kColumnSize), 10);
  EXPECT_EQ(TypeFieldValue(int4, TypeField::kBufferLength), 4);
  EXPECT_EQ(TypeFieldValue(int4, TypeField::kDecimalDigits), 0);
  EXPECT_EQ(TypeFieldValue(int4, TypeField::kNumPrecRadix), 10);
  EXPECT_EQ(TypeFieldValue(int4, TypeField::kCharOctetLength), std::nullopt);

  SqlTypeInfo varchar20 = CatalogTypeInfo(1043, 24, false, 65535);
  EXPECT_EQ(TypeFieldValue(varchar20, TypeField::kDataType), SQL_VARCHAR);
  EXPECT_EQ(TypeFieldValue(varchar20, TypeField::kColumnSize), 20);
  EXPECT_EQ(TypeFieldValue(varchar20, TypeField::kDecimalDigits), std::nullopt);
  EXPECT_EQ(TypeFieldValue(varchar20, TypeField::kNumPrecRadix), std::nullopt);
  EXPECT_EQ(TypeFieldValue(varchar20, TypeField::kCharOctetLength), 80);

  // numeric(10,2): typmod ((10 << 16) | 2) + 4.
  SqlTypeInfo numeric = CatalogTypeInfo(1700, (10 << 16 | 2) + 4, false, 65535);
  EXPECT_EQ(TypeFieldValue(numeric, TypeField::kDataType), SQL_NUMERIC);
  EXPECT_EQ(TypeFieldValue(numeric, TypeField::kColumnSize), 10);
  EXPECT_EQ(TypeFieldValue(numeric, TypeField::kDecimalDigits), 2);

  SqlTypeInfo timestamp3 = CatalogTypeInfo(1114, 3, false, 65535);
  EXPECT_EQ(TypeFieldValue(timestamp3, TypeField::kDataType), SQL_TYPE_TIMESTAMP);
  EXPECT_EQ(TypeFieldValue(timestamp3, TypeField::kSqlDataType), SQL_DATETIME);
  EXPECT_EQ(TypeFieldValue(timestamp3, TypeField::kDatetimeSub), SQL_CODE_TIMESTAMP);
  EXPECT_EQ(TypeFieldValue(timestamp3, TypeField::kColumnSize), 23);
  EXPECT_EQ(TypeFieldValue(timestamp3, TypeField::kDecimalDigits), 3);

  SqlTypeInfo text = CatalogTypeInfo(25, -1, false, 4000);
  EXPECT_EQ(TypeFieldValue(text, TypeField::kDataType), SQL_LONGVARCHAR);
  EXPECT_EQ(TypeFieldValue(text, TypeField::kColumnSize), 4000);

  // An enum (OID outside the built-in table) is text; another unknown type
  // is the server's text output, as in result descriptions.
  EXPECT_EQ(TypeFieldValue(CatalogTypeInfo(90000, -1, true, 100), TypeField::kDataType),
            SQL_LONGVARCHAR);
  EXPECT_EQ(TypeFieldValue(CatalogTypeInfo(90000, -1, false, 100), TypeField::kDataType),
            SQL_VARCHAR);
}

// Recorded server rows of an SQLSpecialColumns query: SCOPE, COLUMN_NAME,
// DATA_TYPE, TYPE_NAME, COLUMN_SIZE, BUFFER_LENGTH, DECIMAL_DIGITS,
// PSEUDO_COLUMN, then the three helper columns.
TEST(CatalogQueryTest, CursorDerivesTypeColumnsAndHidesHelpers) {
  auto query = SpecialColumnsQuery(SQL_BEST_ROWID, kNull, A("s"), A("t"), SQL_SCOPE_SESSION,
                                   SQL_NULLABLE, false);
  ASSERT_TRUE(query.ok());
  std::vector<backend::ColumnInfo> columns = {
      LocalResult::SmallIntColumn("SCOPE"),          LocalResult::TextColumn("COLUMN_NAME"),
      LocalResult::SmallIntColumn("DATA_TYPE"),      LocalResult::TextColumn("TYPE_NAME"),
      LocalResult::IntColumn("COLUMN_SIZE"),         LocalResult::IntColumn("BUFFER_LENGTH"),
      LocalResult::SmallIntColumn("DECIMAL_DIGITS"), LocalResult::SmallIntColumn("PSEUDO_COLUMN"),
      LocalResult::IntColumn("qf_type_oid"),         LocalResult::IntColumn("qf_typmod"),
      LocalResult::SmallIntColumn("qf_text_like")};
  std::vector<std::vector<LocalValue>> rows = {
      {int64_t{2}, std::string("id"), LocalValue(), std::string("int4"), LocalValue(), LocalValue(),
       LocalValue(), int64_t{1}, int64_t{23}, int64_t{-1}, int64_t{0}},
      {int64_t{2}, std::string("code"), LocalValue(), std::string("varchar"), LocalValue(),
       LocalValue(), LocalValue(), int64_t{1}, int64_t{1043}, int64_t{14}, int64_t{0}},
  };
  auto cursor = CatalogCursor(std::make_unique<LocalResult>(columns, rows), *query, 65535);
  ASSERT_EQ(cursor->columns().size(), 8u);
  EXPECT_FALSE(cursor->columns()[1].nullable);  // COLUMN_NAME is NOT NULL
  EXPECT_TRUE(cursor->columns()[4].nullable);
  rowstore::RowBatch batch;
  batch.Clear(8);
  auto more = cursor->Fill(batch, rowstore::BatchLimits{});
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  ASSERT_EQ(batch.num_rows(), 2u);
  EXPECT_EQ(batch.at(0, 1).bytes(), "id");
  EXPECT_EQ(batch.at(0, 2).i64, SQL_INTEGER);
  EXPECT_EQ(batch.at(0, 4).i64, 10);
  EXPECT_EQ(batch.at(0, 5).i64, 4);
  EXPECT_EQ(batch.at(0, 6).i64, 0);
  EXPECT_EQ(batch.at(0, 7).i64, 1);
  EXPECT_EQ(batch.at(1, 2).i64, SQL_VARCHAR);
  EXPECT_EQ(batch.at(1, 4).i64, 10);
  EXPECT_TRUE(batch.at(1, 6).is_null());
}

}  // namespace
}  // namespace quietfetch::core
