#include "driver/backend/mongo/sql_translate.h"

#include <gtest/gtest.h>

#include <vector>

#include "driver/core/status.h"

namespace quietfetch::mongo {
namespace {

using backend::LogicalType;
using backend::Param;

struct Case {
  const char* sql;
  const char* json;     // the command, when the text translates
  const char* state;    // the SQLSTATE, when it does not
  const char* message;  // the exact message
};

// Recorded inputs and outputs: SQL text -> MongoDB command (relaxed JSON).
const Case kCases[] = {
    {"SELECT * FROM c x WHERE a = 1",
     "{ \"find\" : \"c\", \"filter\" : { \"a\" : { \"$eq\" : 1 } } }", "", ""},
    {"SELECT n, COUNT(*) FROM c GROUP BY n", "", "HYC00",
     "COUNT(*) together with other columns (GROUP BY) is not supported by the MongoDB backend"},
    {"SELECT * FROM c x JOIN d y ON x.a = y.a", "", "HYC00",
     "JOIN is not supported by the MongoDB backend"},
    {"SELECT * FROM some_entries", "{ \"find\" : \"some_entries\", \"filter\" : {  } }", "", ""},
    {"select a, b.c from coll",
     "{ \"find\" : \"coll\", \"filter\" : {  }, \"projection\" : { \"a\" : 1, \"b.c\" : 1, \"_id\" "
     ": 0 } }",
     "", ""},
    {"SELECT a AS x, \"weird name\", `b`.c FROM coll WHERE a = 1",
     "{ \"find\" : \"coll\", \"filter\" : { \"a\" : { \"$eq\" : 1 } }, \"projection\" : { \"a\" : "
     "1, \"weird name\" : 1, \"b.c\" : 1, \"_id\" : 0 } }",
     "", ""},
    {"SELECT * FROM c WHERE a = 1 AND b <> 'x' OR c != 2.5",
     "{ \"find\" : \"c\", \"filter\" : { \"$or\" : [ { \"$and\" : [ { \"a\" : { \"$eq\" : 1 } }, { "
     "\"b\" : { \"$nin\" : [ \"x\", null ] } } ] }, { \"c\" : { \"$nin\" : [ 2.5, null ] } } ] } }",
     "", ""},
    {"SELECT * FROM c WHERE a < 1 AND a <= 2 AND a > -3 AND a >= 4000000000",
     "{ \"find\" : \"c\", \"filter\" : { \"$and\" : [ { \"a\" : { \"$lt\" : 1 } }, { \"a\" : { "
     "\"$lte\" : 2 } }, { \"a\" : { \"$gt\" : -3 } }, { \"a\" : { \"$gte\" : 4000000000 } } ] } }",
     "", ""},
    {"SELECT * FROM c WHERE NOT (a = 1 OR b < 2)",
     "{ \"find\" : \"c\", \"filter\" : { \"$and\" : [ { \"a\" : { \"$nin\" : [ 1, null ] } }, { "
     "\"b\" : { \"$gte\" : 2 } } ] } }",
     "", ""},
    {"SELECT * FROM c WHERE NOT a = 1",
     "{ \"find\" : \"c\", \"filter\" : { \"a\" : { \"$nin\" : [ 1, null ] } } }", "", ""},
    {"SELECT * FROM c WHERE a IN (1, 'two', TRUE, NULL)",
     "{ \"find\" : \"c\", \"filter\" : { \"a\" : { \"$in\" : [ 1, \"two\", true ] } } }", "", ""},
    {"SELECT * FROM c WHERE a NOT IN (1, 2)",
     "{ \"find\" : \"c\", \"filter\" : { \"a\" : { \"$nin\" : [ 1, 2, null ] } } }", "", ""},
    {"SELECT * FROM c WHERE a NOT IN (1, NULL)",
     "{ \"find\" : \"c\", \"filter\" : { \"a\" : { \"$in\" : [  ] } } }", "", ""},
    {"SELECT * FROM c WHERE a IS NULL AND b IS NOT NULL",
     "{ \"find\" : \"c\", \"filter\" : { \"$and\" : [ { \"a\" : { \"$eq\" : null } }, { \"b\" : { "
     "\"$ne\" : null } } ] } }",
     "", ""},
    {"SELECT * FROM c WHERE NOT a IS NULL",
     "{ \"find\" : \"c\", \"filter\" : { \"a\" : { \"$ne\" : null } } }", "", ""},
    {"SELECT * FROM c WHERE name LIKE 'abc%'",
     "{ \"find\" : \"c\", \"filter\" : { \"name\" : { \"$regex\" : \"^abc\", \"$options\" : \"s\" "
     "} } }",
     "", ""},
    {"SELECT * FROM c WHERE name LIKE 'a_c%d'",
     "{ \"find\" : \"c\", \"filter\" : { \"name\" : { \"$regex\" : \"^a.c.*d$\", \"$options\" : "
     "\"s\" } } }",
     "", ""},
    {"SELECT * FROM c WHERE name LIKE 'a.b\\%%'",
     "{ \"find\" : \"c\", \"filter\" : { \"name\" : { \"$regex\" : \"^a\\\\.b%\", \"$options\" : "
     "\"s\" } } }",
     "", ""},
    {"SELECT * FROM c WHERE name NOT LIKE 'abc%'",
     "{ \"find\" : \"c\", \"filter\" : { \"name\" : { \"$not\" : { \"$regularExpression\" : { "
     "\"pattern\" : \"^abc\", \"options\" : \"s\" } }, \"$ne\" : null } } }",
     "", ""},
    {"SELECT * FROM c WHERE a = NULL",
     "{ \"find\" : \"c\", \"filter\" : { \"a\" : { \"$in\" : [  ] } } }", "", ""},
    {"SELECT * FROM c WHERE a BETWEEN 1 AND 5",
     "{ \"find\" : \"c\", \"filter\" : { \"$and\" : [ { \"a\" : { \"$gte\" : 1 } }, { \"a\" : { "
     "\"$lte\" : 5 } } ] } }",
     "", ""},
    {"SELECT * FROM c WHERE a NOT BETWEEN 1 AND 5",
     "{ \"find\" : \"c\", \"filter\" : { \"$or\" : [ { \"a\" : { \"$lt\" : 1 } }, { \"a\" : { "
     "\"$gt\" : 5 } } ] } }",
     "", ""},
    {"SELECT * FROM c ORDER BY a DESC, b ASC, c",
     "{ \"find\" : \"c\", \"filter\" : {  }, \"sort\" : { \"a\" : -1, \"b\" : 1, \"c\" : 1 } }", "",
     ""},
    {"SELECT a AS x FROM c ORDER BY x DESC",
     "{ \"find\" : \"c\", \"filter\" : {  }, \"projection\" : { \"a\" : 1, \"_id\" : 0 }, \"sort\" "
     ": { \"a\" : -1 } }",
     "", ""},
    {"SELECT * FROM c LIMIT 10 OFFSET 20",
     "{ \"find\" : \"c\", \"filter\" : {  }, \"skip\" : 20, \"limit\" : 10 }", "", ""},
    {"SELECT * FROM c LIMIT 0",
     "{ \"find\" : \"c\", \"filter\" : { \"_id\" : { \"$in\" : [  ] } } }", "", ""},
    {"SELECT * FROM c OFFSET 5", "{ \"find\" : \"c\", \"filter\" : {  }, \"skip\" : 5 }", "", ""},
    {"SELECT COUNT(*) FROM c",
     "{ \"aggregate\" : \"c\", \"pipeline\" : [ { \"$match\" : {  } }, { \"$group\" : { \"_id\" : "
     "null, \"count\" : { \"$sum\" : 1 } } } ] }",
     "", ""},
    {"SELECT count(*) AS n FROM c WHERE a > 3;",
     "{ \"aggregate\" : \"c\", \"pipeline\" : [ { \"$match\" : { \"a\" : { \"$gt\" : 3 } } }, { "
     "\"$group\" : { \"_id\" : null, \"count\" : { \"$sum\" : 1 } } } ] }",
     "", ""},
    {"SELECT b, b.c FROM c",
     "{ \"find\" : \"c\", \"filter\" : {  }, \"projection\" : { \"b\" : 1, \"_id\" : 0 } }", "",
     ""},
    {"SELECT _id, a FROM c",
     "{ \"find\" : \"c\", \"filter\" : {  }, \"projection\" : { \"_id\" : 1, \"a\" : 1 } }", "",
     ""},
    {"{\"find\": \"c\", \"filter\": {\"a\": 1}, \"limit\": 3}",
     "{ \"find\" : \"c\", \"filter\" : { \"a\" : 1 }, \"limit\" : 3 }", "", ""},
    {"{\"aggregate\": \"c\", \"pipeline\": [{\"$match\": {}}], \"cursor\": {}}",
     "{ \"aggregate\" : \"c\", \"pipeline\" : [ { \"$match\" : {  } } ], \"cursor\" : {  } }", "",
     ""},
    {"{\"insert\": \"c\"}", "", "HYC00",
     "the command \"insert\" (native commands are find and aggregate) is not supported by the "
     "MongoDB backend"},
    {"{\"aggregate\": \"c\"}", "", "42000", "an aggregate command needs a \"pipeline\" array"},
    {"{bad json", "", "42000",
     "the MongoDB command is not valid JSON: Got parse error at \"b\", position 1: "
     "\"SPECIAL_EXPECTED\""},
    {"SELECT * FROM a JOIN b ON a.x = b.x", "", "HYC00",
     "JOIN is not supported by the MongoDB backend"},
    {"SELECT * FROM a, b", "", "HYC00",
     "selecting from several collections (JOIN) is not supported by the MongoDB backend"},
    {"SELECT a FROM c GROUP BY a", "", "HYC00", "GROUP BY is not supported by the MongoDB backend"},
    {"SELECT DISTINCT a FROM c", "", "HYC00",
     "SELECT DISTINCT is not supported by the MongoDB backend"},
    {"SELECT max(a) FROM c", "", "HYC00",
     "the function MAX() is not supported by the MongoDB backend"},
    {"SELECT a + 1 FROM c", "", "HYC00",
     "an expression in the select list (only field names) is not supported by the MongoDB backend"},
    {"SELECT * FROM c WHERE a = b", "", "HYC00",
     "comparing a field with another field or an expression is not supported by the MongoDB "
     "backend"},
    {"SELECT * FROM c WHERE 1 = a", "", "HYC00",
     "a value on the left of a comparison (write the field first) is not supported by the MongoDB "
     "backend"},
    {"SELECT * FROM c WHERE a IN (SELECT x FROM d)", "", "HYC00",
     "a subquery is not supported by the MongoDB backend"},
    {"SELECT * FROM c UNION SELECT * FROM d", "", "HYC00",
     "UNION is not supported by the MongoDB backend"},
    {"INSERT INTO c VALUES (1)", "", "HYC00",
     "INSERT is not supported by the MongoDB backend: it reads collections with SELECT or a native "
     "find/aggregate command"},
    {"UPDATE c SET a = 1", "", "HYC00",
     "UPDATE is not supported by the MongoDB backend: it reads collections with SELECT or a native "
     "find/aggregate command"},
    {"WITH x AS (SELECT 1) SELECT * FROM x", "", "HYC00",
     "WITH (common table expressions) is not supported by the MongoDB backend"},
    {"SELECT * FROM c WHERE", "", "42000",
     "expected a field name but found the end of the statement at offset 21"},
    {"SELECT * FROM c LIMIT 5 WHERE a = 1", "", "42000",
     "clause out of order at offset 24: write WHERE, ORDER BY, LIMIT, OFFSET in this order"},
    {"SELECT * FROM c WHERE a = 'unterminated", "", "42000", "unterminated string literal"},
    {"SELECT * FROM", "", "42000",
     "expected a collection name but found the end of the statement at offset 13"},
    {"SELECT * FROM c; SELECT 1", "", "HYC00",
     "several statements in one call is not supported by the MongoDB backend"},
    {"SELECT COUNT(a) FROM c", "", "HYC00",
     "COUNT of an expression (only COUNT(*)) is not supported by the MongoDB backend"},
    {"SELECT COUNT(*) FROM c LIMIT 1", "", "HYC00",
     "ORDER BY, LIMIT or OFFSET with COUNT(*) is not supported by the MongoDB backend"},
    {"SELECT * FROM c ORDER BY a NULLS LAST", "", "HYC00",
     "NULLS FIRST/LAST (MongoDB sorts nulls and missing fields first) is not supported by the "
     "MongoDB backend"},
    {"SELECT a, * FROM c", "", "HYC00",
     "'*' together with named columns is not supported by the MongoDB backend"},
    {"SELECT * FROM c WHERE a = ?", "", "07002", "parameter 1 is not bound"},
};

TEST(SqlTranslateTest, RecordedCases) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.sql);
    absl::StatusOr<Plan> plan = Translate(c.sql, {});
    if (*c.state == '\0') {
      ASSERT_TRUE(plan.ok()) << plan.status();
      EXPECT_EQ(PlanToJson(*plan), c.json);
    } else {
      ASSERT_FALSE(plan.ok());
      EXPECT_EQ(core::SqlStateOf(plan.status()), c.state);
      EXPECT_EQ(plan.status().message(), c.message);
    }
  }
}

TEST(SqlTranslateTest, PlanShape) {
  auto star = Translate("SELECT * FROM some_entries", {});
  ASSERT_TRUE(star.ok());
  EXPECT_TRUE(star->star);
  EXPECT_EQ(star->collection, "some_entries");

  auto named = Translate("SELECT a AS x, b.c FROM coll", {});
  ASSERT_TRUE(named.ok());
  EXPECT_FALSE(named->star);
  ASSERT_EQ(named->columns.size(), 2u);
  EXPECT_EQ(named->columns[0].name, "x");
  EXPECT_EQ(named->columns[0].path, "a");
  EXPECT_EQ(named->columns[1].name, "b.c");
  EXPECT_EQ(named->columns[1].path, "b.c");

  auto count = Translate("SELECT COUNT(*) AS n FROM c", {});
  ASSERT_TRUE(count.ok());
  EXPECT_TRUE(count->count);
  ASSERT_EQ(count->columns.size(), 1u);
  EXPECT_EQ(count->columns[0].name, "n");

  auto native = Translate("  {\"find\": \"c\"}", {});
  ASSERT_TRUE(native.ok());
  EXPECT_TRUE(native->native);
  EXPECT_EQ(native->collection, "c");
}

Param P(LogicalType type, std::string data) {
  Param p;
  p.type = type;
  p.data = std::move(data);
  return p;
}

std::string Filter(std::string_view sql, const std::vector<Param>& params) {
  auto plan = Translate(sql, params);
  if (!plan.ok()) return std::string("ERR ") + core::SqlStateOf(plan.status());
  return PlanToJson(*plan);
}

TEST(SqlTranslateTest, ParametersBecomeTypedBsonValues) {
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a = ?", {P(LogicalType::kInt32, "42")}),
            R"({ "find" : "c", "filter" : { "a" : { "$eq" : 42 } } })");
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a = ?", {P(LogicalType::kInt64, "42")}),
            R"({ "find" : "c", "filter" : { "a" : { "$eq" : 42 } } })");
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a = ?", {P(LogicalType::kUnknown, "it's")}),
            R"({ "find" : "c", "filter" : { "a" : { "$eq" : "it's" } } })");
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a = ?", {P(LogicalType::kFloat64, "2.5")}),
            R"({ "find" : "c", "filter" : { "a" : { "$eq" : 2.5 } } })");
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a = ?", {P(LogicalType::kBool, "t")}),
            R"({ "find" : "c", "filter" : { "a" : { "$eq" : true } } })");
  EXPECT_EQ(
      Filter("SELECT * FROM c WHERE a = ?", {P(LogicalType::kNumeric, "12.340")}),
      R"({ "find" : "c", "filter" : { "a" : { "$eq" : { "$numberDecimal" : "12.340" } } } })");
  EXPECT_EQ(
      Filter("SELECT * FROM c WHERE d >= ?", {P(LogicalType::kTimestamp, "2024-01-31 12:00:00.5")}),
      R"({ "find" : "c", "filter" : { "d" : { "$gte" : { "$date" : "2024-01-31T12:00:00.500Z" } } } })");
  EXPECT_EQ(
      Filter("SELECT * FROM c WHERE d < ?", {P(LogicalType::kDate, "1969-12-31")}),
      R"({ "find" : "c", "filter" : { "d" : { "$lt" : { "$date" : { "$numberLong" : "-86400000" } } } } })");
  EXPECT_EQ(
      Filter("SELECT * FROM c WHERE u = ?",
             {P(LogicalType::kUuid, "01234567-89ab-cdef-0123-456789abcdef")}),
      R"({ "find" : "c", "filter" : { "u" : { "$eq" : { "$binary" : { "base64" : "ASNFZ4mrze8BI0VniavN7w==", "subType" : "04" } } } } })");
  EXPECT_EQ(
      Filter("SELECT * FROM c WHERE b = ?", {P(LogicalType::kBytes, std::string("\0\1", 2))}),
      R"({ "find" : "c", "filter" : { "b" : { "$eq" : { "$binary" : { "base64" : "AAE=", "subType" : "00" } } } } })");
  Param null_param;
  null_param.is_null = true;
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a = ?", {null_param}),
            R"({ "find" : "c", "filter" : { "a" : { "$in" : [  ] } } })");
  EXPECT_EQ(
      Filter("SELECT * FROM c WHERE a IN (?, ?) AND n LIKE ?",
             {P(LogicalType::kInt32, "1"), P(LogicalType::kInt32, "2"),
              P(LogicalType::kUnknown, "x_%")}),
      R"({ "find" : "c", "filter" : { "$and" : [ { "a" : { "$in" : [ 1, 2 ] } }, { "n" : { "$regex" : "^x..*$", "$options" : "s" } } ] } })");
}

TEST(SqlTranslateTest, ParameterErrors) {
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a = ?", {}), "ERR 07002");
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a = 1", {P(LogicalType::kInt32, "1")}), "ERR 07002");
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a = ?", {P(LogicalType::kInt32, "x")}), "ERR 22018");
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a = ?", {P(LogicalType::kTime, "12:00:00")}),
            "ERR HYC00");
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a = ?",
                   {P(LogicalType::kTimestamp, "2024-01-01 00:00:00.000001")}),
            "ERR 22008");
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a = ?", {P(LogicalType::kUuid, "nope")}), "ERR 22018");
  EXPECT_EQ(Filter("SELECT * FROM c WHERE a LIKE ?", {P(LogicalType::kInt32, "1")}), "ERR 22018");
  EXPECT_EQ(Filter("{\"find\": \"c\"}", {P(LogicalType::kInt32, "1")}), "ERR 07002");
  // Describing does not need the values.
  auto described = Translate("SELECT * FROM c WHERE a = ? AND b IN (?, ?)", {}, true);
  EXPECT_TRUE(described.ok());
}

TEST(SqlTranslateTest, CountParameters) {
  EXPECT_EQ(CountParameters("SELECT * FROM c WHERE a = ? AND b = '?' AND \"?\" = ?"), 2);
  EXPECT_EQ(CountParameters("SELECT * FROM c -- ?\nWHERE a = ?"), 1);
  EXPECT_EQ(CountParameters("{\"find\": \"c\", \"filter\": {\"a\": \"?\"}}"), 0);
  EXPECT_EQ(CountParameters("SELECT * FROM c"), 0);
}

}  // namespace
}  // namespace quietfetch::mongo
