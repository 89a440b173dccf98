#include "driver/backend/postgres/pg_types.h"

#include <gtest/gtest.h>

#include "driver/backend/postgres/statement_cache.h"

namespace quietfetch::pg {
namespace {

using backend::LogicalType;

TEST(PgTypesTest, BuiltinTypes) {
  const TypeInfo* int4 = FindBuiltinType(oid::kInt4);
  ASSERT_NE(int4, nullptr);
  EXPECT_EQ(int4->name, "int4");
  EXPECT_EQ(LogicalTypeOf(int4->kind), LogicalType::kInt32);
  EXPECT_EQ(LogicalTypeOf(FindBuiltinType(oid::kOid)->kind), LogicalType::kInt64);
  EXPECT_EQ(LogicalTypeOf(FindBuiltinType(oid::kJsonb)->kind), LogicalType::kJson);
  EXPECT_EQ(LogicalTypeOf(FindBuiltinType(oid::kBpchar)->kind), LogicalType::kText);
  EXPECT_EQ(LogicalTypeOf(FindBuiltinType(oid::kInterval)->kind), LogicalType::kUnknown);
  EXPECT_EQ(FindBuiltinType(1007)->name, "_int4");
  EXPECT_EQ(FindBuiltinType(99999), nullptr);
  EXPECT_EQ(FindBuiltinType(0), nullptr);
  EXPECT_FALSE(HasBinaryDecoder(FindBuiltinType(oid::kTimeTz)->kind));
  EXPECT_TRUE(HasBinaryDecoder(FindBuiltinType(oid::kNumeric)->kind));
}

TEST(PgTypesTest, Typmods) {
  backend::ColumnInfo varchar;
  ApplyTypmod(oid::kVarchar, 20 + 4, varchar);  // varchar(20)
  EXPECT_EQ(varchar.size, 20);
  backend::ColumnInfo unbounded;
  ApplyTypmod(oid::kVarchar, -1, unbounded);
  EXPECT_EQ(unbounded.size, -1);

  backend::ColumnInfo numeric;
  ApplyTypmod(oid::kNumeric, ((10 << 16) | 3) + 4, numeric);  // numeric(10,3)
  EXPECT_EQ(numeric.precision, 10);
  EXPECT_EQ(numeric.scale, 3);
  backend::ColumnInfo negative_scale;
  ApplyTypmod(oid::kNumeric, ((5 << 16) | (-2 & 0x7ff)) + 4, negative_scale);  // numeric(5,-2)
  EXPECT_EQ(negative_scale.precision, 5);
  EXPECT_EQ(negative_scale.scale, -2);
  backend::ColumnInfo plain_numeric;
  ApplyTypmod(oid::kNumeric, -1, plain_numeric);
  EXPECT_EQ(plain_numeric.precision, -1);

  backend::ColumnInfo timestamp;
  ApplyTypmod(oid::kTimestamp, 3, timestamp);
  EXPECT_EQ(timestamp.scale, 3);
  backend::ColumnInfo time;
  ApplyTypmod(oid::kTime, -1, time);
  EXPECT_EQ(time.scale, 6);
}

TEST(PgTypesTest, ParameterTypes) {
  EXPECT_EQ(ParamTypeOid(LogicalType::kUnknown), 0u);
  EXPECT_EQ(ParamTypeOid(LogicalType::kInt32), oid::kInt4);
  EXPECT_EQ(ParamTypeOid(LogicalType::kBytes), oid::kBytea);
  EXPECT_EQ(ParamTypeOid(LogicalType::kTimestampTz), oid::kTimestampTz);
  EXPECT_TRUE(SendsBinary(LogicalType::kBytes));
  EXPECT_FALSE(SendsBinary(LogicalType::kText));
}

std::shared_ptr<const PreparedStatement> Statement(const std::string& name) {
  auto statement = std::make_shared<PreparedStatement>();
  statement->name = name;
  return statement;
}

TEST(StatementCacheTest, KeyIncludesParameterTypes) {
  const uint32_t int4[] = {oid::kInt4};
  const uint32_t text[] = {oid::kText};
  EXPECT_NE(StatementCache::Key("SELECT $1", int4), StatementCache::Key("SELECT $1", text));
  EXPECT_EQ(StatementCache::Key("SELECT $1", int4), StatementCache::Key("SELECT $1", int4));
  EXPECT_NE(StatementCache::Key("SELECT 1", {}), StatementCache::Key("SELECT 2", {}));
}

TEST(StatementCacheTest, EvictsLeastRecentlyUsed) {
  StatementCache cache(2);
  EXPECT_TRUE(cache.Insert("a", Statement("s1")).empty());
  EXPECT_TRUE(cache.Insert("b", Statement("s2")).empty());
  ASSERT_NE(cache.Find("a"), nullptr);  // "b" is now the oldest
  const std::vector<std::string> evicted = cache.Insert("c", Statement("s3"));
  EXPECT_EQ(evicted, std::vector<std::string>{"s2"});
  EXPECT_EQ(cache.Find("b"), nullptr);
  EXPECT_NE(cache.Find("a"), nullptr);
  EXPECT_NE(cache.Find("c"), nullptr);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(StatementCacheTest, EraseAndReplace) {
  StatementCache cache(4);
  cache.Insert("a", Statement("s1"));
  EXPECT_EQ(cache.Insert("a", Statement("s2")), std::vector<std::string>{"s1"});
  EXPECT_EQ(cache.Find("a")->name, "s2");
  EXPECT_EQ(cache.Erase("a"), "s2");
  EXPECT_EQ(cache.Erase("a"), "");
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace quietfetch::pg
