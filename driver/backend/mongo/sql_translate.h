// Translates the SQL subset the MongoDB backend accepts into a MongoDB
// command document, or passes a native JSON command through.
//
// Accepted SQL (keywords case-insensitive, one statement, optional ';'):
//   SELECT * | col [AS name], ... | COUNT(*) [AS name]
//   FROM collection
//   [WHERE cond] [ORDER BY col [ASC|DESC], ...] [LIMIT n] [OFFSET m]
// where `col` is a field name, dotted for nested fields (b.c), optionally
// "quoted" or `quoted`, and `cond` combines with AND, OR, NOT and parentheses:
//   col = <> != < <= > >= value | col [NOT] IN (value, ...) |
//   col IS [NOT] NULL | col [NOT] LIKE value | col [NOT] BETWEEN v AND v
// A value is a number, a 'string', TRUE, FALSE, NULL or a '?' marker, which
// takes the bound parameter as a BSON value of the parameter's type.
//
// SQL's three-valued logic is kept: a comparison with NULL matches nothing,
// `<>` and NOT never match documents where the field is null or missing,
// NOT is pushed down to the comparisons (De Morgan). LIKE becomes an anchored
// regular expression ('abc%' -> ^abc), '\' escapes % and _.
//
// Output: {"find": coll, "filter", "projection", "sort", "skip", "limit"}
// (projection, sort, skip and limit only when present), or for COUNT(*)
// {"aggregate": coll, "pipeline": [{"$match": ...}, {"$group": {"_id": null,
// "count": {"$sum": 1}}}]}. Text that starts with '{' is a native command:
// a JSON document whose first key is "find" or "aggregate", passed through.
//
// Errors: 42000 for malformed text, HYC00 naming the unsupported construct
// (JOIN, GROUP BY, INSERT, functions, ...), 07002 when parameters are missing,
// 22018/22008 for a parameter that has no BSON form.
#ifndef QUIETFETCH_DRIVER_BACKEND_MONGO_SQL_TRANSLATE_H_
#define QUIETFETCH_DRIVER_BACKEND_MONGO_SQL_TRANSLATE_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "driver/backend/backend.h"
#include "driver/backend/mongo/bson_util.h"

namespace quietfetch::mongo {

struct OutputColumn {
  std::string name;  // what the application sees
  std::string path;  // dotted path in the result documents
};

struct Plan {
  std::string collection;
  BsonPtr command;                    // {"find": ...} or {"aggregate": ...}
  bool native = false;                // a JSON command: columns come from its first results
  bool star = false;                  // SELECT *: columns come from a sample of the collection
  bool count = false;                 // COUNT(*): exactly one row (0 when nothing matched)
  std::vector<OutputColumn> columns;  // the named columns (neither star nor native)
};

// The number of '?' markers outside string literals and quoted names (0 for
// a native command).
int CountParameters(std::string_view text);

// With `describe_only`, missing parameters stand for NULL (the plan's shape
// does not depend on their values).
absl::StatusOr<Plan> Translate(std::string_view text, std::span<const backend::Param> params,
                               bool describe_only = false);

// The command as relaxed extended JSON (for tests and messages).
std::string PlanToJson(const Plan& plan);

}  // namespace quietfetch::mongo

#endif  // QUIETFETCH_DRIVER_BACKEND_MONGO_SQL_TRANSLATE_H_
