#include "driver/backend/mongo/schema.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "driver/backend/mongo/bson_util.h"
#include "driver/core/status.h"

namespace quietfetch::mongo {
namespace {

using backend::ColumnInfo;
using backend::LogicalType;

BsonPtr Doc(std::string_view json) {
  auto doc = ParseJson(json);
  EXPECT_TRUE(doc.ok()) << doc.status();
  return std::move(*doc);
}

TEST(SchemaTest, SampleGivesFlattenedTypedColumns) {
  SchemaBuilder schema;
  schema.Add(*Doc(R"({"_id": {"$oid": "65a1b2c3d4e5f60718293a4b"}, "n": 1, "l": 1, "s": "x",
      "b": {"c": 1, "d": "e"}, "arr": [1, 2], "t": true,
      "dt": {"$date": "2024-01-01T00:00:00Z"}, "dec": {"$numberDecimal": "1.5"},
      "u": {"$binary": {"base64": "ASNFZ4mrze8BI0VniavN7w==", "subType": "04"}},
      "bin": {"$binary": {"base64": "AAE=", "subType": "00"}}, "nul": null})"));
  schema.Add(*Doc(R"({"n": 2, "l": {"$numberLong": "3000000000"}, "mixed": 1, "b": {"c": 2}})"));
  schema.Add(*Doc(R"({"mixed": "x", "f": 1, "g": {"h": 1}, "empty": {}})"));
  schema.Add(*Doc(R"({"f": 1.5, "g": 5})"));
  std::vector<ColumnInfo> columns = schema.Columns("coll");
  std::vector<std::pair<std::string, LogicalType>> got;
  for (const auto& c : columns) got.emplace_back(c.name, c.type);
  std::vector<std::pair<std::string, LogicalType>> want = {
      {"_id", LogicalType::kText},     {"n", LogicalType::kInt32},
      {"l", LogicalType::kInt64},      {"s", LogicalType::kText},
      {"b.c", LogicalType::kInt32},    {"b.d", LogicalType::kText},
      {"arr", LogicalType::kJson},     {"t", LogicalType::kBool},
      {"dt", LogicalType::kTimestamp}, {"dec", LogicalType::kNumeric},
      {"u", LogicalType::kUuid},       {"bin", LogicalType::kBytes},
      {"nul", LogicalType::kText},     {"mixed", LogicalType::kText},
      {"f", LogicalType::kFloat64},    {"g", LogicalType::kJson},
      {"empty", LogicalType::kJson},
  };
  EXPECT_EQ(got, want);
  EXPECT_EQ(columns[0].type_name, "objectId");
  EXPECT_EQ(columns[0].size, 24);
  EXPECT_EQ(columns[0].table_name, "coll");
  EXPECT_EQ(columns[4].base_column_name, "b.c");
  EXPECT_EQ(columns[13].type_name, "mixed");
  // A projection's field: typed by the sample, named as the query says.
  ColumnInfo projected = schema.Column("b.c", "x", "coll");
  EXPECT_EQ(projected.name, "x");
  EXPECT_EQ(projected.type, LogicalType::kInt32);
  EXPECT_EQ(schema.Column("b", "b", "coll").type, LogicalType::kJson);
  EXPECT_EQ(schema.Column("never", "never", "coll").type, LogicalType::kText);
}

ColumnInfo Col(LogicalType type, std::string type_name = "t") {
  ColumnInfo c;
  c.name = "f";
  c.base_column_name = "f";
  c.type = type;
  c.type_name = std::move(type_name);
  return c;
}

// Appends field "f" of `json` to a one-column batch.
absl::Status Append(std::string_view json, const ColumnInfo& column, rowstore::RowBatch& batch) {
  BsonPtr doc = Doc(json);
  bson_iter_t it;
  const bson_iter_t* value = nullptr;
  if (bson_iter_init_find(&it, doc.get(), "f")) value = &it;
  absl::Status status = AppendField(value, column, batch);
  if (status.ok()) batch.FinishRow();
  return status;
}

TEST(SchemaTest, LosslessConversions) {
  rowstore::RowBatch batch;
  batch.Clear(1);
  ColumnInfo int64 = Col(LogicalType::kInt64);
  ASSERT_TRUE(Append(R"({"f": 7})", int64, batch).ok());
  ASSERT_TRUE(Append(R"({"f": 2.0})", int64, batch).ok());
  ASSERT_TRUE(Append(R"({})", int64, batch).ok());
  ASSERT_TRUE(Append(R"({"f": null})", int64, batch).ok());
  EXPECT_EQ(batch.at(0, 0).i64, 7);
  EXPECT_EQ(batch.at(1, 0).i64, 2);
  EXPECT_TRUE(batch.at(2, 0).is_null());
  EXPECT_TRUE(batch.at(3, 0).is_null());

  batch.Clear(1);
  ColumnInfo dbl = Col(LogicalType::kFloat64);
  ASSERT_TRUE(Append(R"({"f": 3})", dbl, batch).ok());
  ASSERT_TRUE(Append(R"({"f": {"$numberLong": "9007199254740992"}})", dbl, batch).ok());
  EXPECT_EQ(batch.at(0, 0).f64, 3.0);
  EXPECT_EQ(batch.at(1, 0).f64, 9007199254740992.0);

  batch.Clear(1);
  ColumnInfo text = Col(LogicalType::kText);
  ASSERT_TRUE(Append(R"({"f": "héllo"})", text, batch).ok());
  ASSERT_TRUE(Append(R"({"f": 7})", text, batch).ok());
  ASSERT_TRUE(Append(R"({"f": 0.1})", text, batch).ok());
  ASSERT_TRUE(Append(R"({"f": {"$oid": "65a1b2c3d4e5f60718293a4b"}})", text, batch).ok());
  ASSERT_TRUE(Append(R"({"f": false})", text, batch).ok());
  ASSERT_TRUE(Append(R"({"f": {"$date": "2024-02-29T23:59:58.123Z"}})", text, batch).ok());
  ASSERT_TRUE(Append(R"({"f": {"a": [1, "x"]}})", text, batch).ok());
  EXPECT_EQ(batch.at(0, 0).bytes(), "héllo");
  EXPECT_EQ(batch.at(1, 0).bytes(), "7");
  EXPECT_EQ(batch.at(2, 0).bytes(), "0.1");
  EXPECT_EQ(batch.at(3, 0).bytes(), "65a1b2c3d4e5f60718293a4b");
  EXPECT_EQ(batch.at(4, 0).bytes(), "false");
  EXPECT_EQ(batch.at(5, 0).bytes(), "2024-02-29T23:59:58.123Z");
  EXPECT_EQ(batch.at(6, 0).bytes(), R"({ "a" : [ 1, "x" ] })");

  batch.Clear(1);
  ColumnInfo json = Col(LogicalType::kJson);
  ASSERT_TRUE(Append(R"({"f": [1, {"b": true}]})", json, batch).ok());
  ASSERT_TRUE(Append(R"({"f": "s"})", json, batch).ok());
  ASSERT_TRUE(Append(R"({"f": 5})", json, batch).ok());
  EXPECT_EQ(batch.at(0, 0).bytes(), R"([ 1, { "b" : true } ])");
  EXPECT_EQ(batch.at(1, 0).bytes(), R"("s")");
  EXPECT_EQ(batch.at(2, 0).bytes(), "5");

  batch.Clear(1);
  ColumnInfo numeric = Col(LogicalType::kNumeric);
  ASSERT_TRUE(Append(R"({"f": {"$numberDecimal": "-12.340"}})", numeric, batch).ok());
  ASSERT_TRUE(Append(R"({"f": 5})", numeric, batch).ok());
  ASSERT_TRUE(Append(R"({"f": 2.5})", numeric, batch).ok());
  EXPECT_EQ(batch.at(0, 0).bytes(), "-12.340");
  EXPECT_EQ(batch.at(1, 0).bytes(), "5");
  EXPECT_EQ(batch.at(2, 0).bytes(), "2.5");

  batch.Clear(1);
  ColumnInfo ts = Col(LogicalType::kTimestamp);
  ASSERT_TRUE(Append(R"({"f": {"$date": "1969-12-31T23:59:59.999Z"}})", ts, batch).ok());
  ASSERT_TRUE(Append(R"({"f": {"$date": "2024-01-01T00:00:00.001Z"}})", ts, batch).ok());
  EXPECT_EQ(batch.at(0, 0).i64, -1000);
  EXPECT_EQ(batch.at(1, 0).i64, 1704067200001000);

  batch.Clear(1);
  ColumnInfo uuid = Col(LogicalType::kUuid);
  ASSERT_TRUE(
      Append(R"({"f": {"$binary": {"base64": "ASNFZ4mrze8BI0VniavN7w==", "subType": "04"}}})", uuid,
             batch)
          .ok());
  EXPECT_EQ(batch.at(0, 0).bytes().size(), 16u);
  EXPECT_EQ(static_cast<unsigned char>(batch.at(0, 0).bytes()[1]), 0x23);

  batch.Clear(1);
  ColumnInfo boolean = Col(LogicalType::kBool);
  ASSERT_TRUE(Append(R"({"f": true})", boolean, batch).ok());
  EXPECT_EQ(batch.at(0, 0).i64, 1);
}

TEST(SchemaTest, LossyValuesAre22018) {
  rowstore::RowBatch batch;
  batch.Clear(1);
  auto state = [&](std::string_view json, LogicalType type) {
    absl::Status status = Append(json, Col(type, "int"), batch);
    return status.ok() ? std::string("ok") : core::SqlStateOf(status);
  };
  EXPECT_EQ(state(R"({"f": "12"})", LogicalType::kInt64), "22018");
  EXPECT_EQ(state(R"({"f": 2.5})", LogicalType::kInt64), "22018");
  EXPECT_EQ(state(R"({"f": {"$numberLong": "3000000000"}})", LogicalType::kInt32), "22018");
  EXPECT_EQ(state(R"({"f": {"$numberLong": "9007199254740993"}})", LogicalType::kFloat64), "22018");
  EXPECT_EQ(state(R"({"f": 1})", LogicalType::kBool), "22018");
  EXPECT_EQ(state(R"({"f": "2024-01-01"})", LogicalType::kTimestamp), "22018");
  EXPECT_EQ(state(R"({"f": {"$binary": {"base64": "AAE=", "subType": "00"}}})", LogicalType::kUuid),
            "22018");
  EXPECT_EQ(state(R"({"f": [1]})", LogicalType::kNumeric), "22018");
  EXPECT_EQ(batch.num_rows(), 0u);  // nothing half-appended
  absl::Status status = Append(R"({"f": "12"})", Col(LogicalType::kInt64, "long"), batch);
  EXPECT_EQ(status.message(),
            "field 'f' holds a string value where the column is long (from the collection's "
            "sample); select it with a native command or raise MongoSampleSize");
}

}  // namespace
}  // namespace quietfetch::mongo
