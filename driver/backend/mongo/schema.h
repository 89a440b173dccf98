// Result columns for MongoDB documents, and the copy of a document's fields
// into a row.
//
// SchemaBuilder looks at sample documents and gives each field path a
// LogicalType: sub-documents are flattened into dotted names ("b.c"),
// arrays become JSON text (kJson). Per path the BSON types seen decide:
//   int32 -> kInt32; int32+int64 -> kInt64; with double -> kFloat64; with
//   decimal128 -> kNumeric; string -> kText; ObjectId -> kText (24 hex
//   chars); bool -> kBool; date -> kTimestamp (UTC); binary -> kBytes
//   (UUID subtype 4 alone -> kUuid); arrays, documents and rare types ->
//   kJson; other mixes of scalars -> kText; only nulls/never seen -> kText.
// A path seen both as a sub-document and as a scalar is one kJson column.
//
// AppendField copies one value into the batch (its arena), converting only
// when the conversion is lossless (int32 into kInt64, an integral double into
// an integer column, any scalar into kText, anything into kJson); otherwise
// the row is refused with 22018 naming the field and both types. A missing
// field, null and undefined are NULL.
#ifndef QUIETFETCH_DRIVER_BACKEND_MONGO_SCHEMA_H_
#define QUIETFETCH_DRIVER_BACKEND_MONGO_SCHEMA_H_

#include <bson/bson.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "driver/backend/backend.h"
#include "driver/rowstore/row_batch.h"

namespace quietfetch::mongo {

class SchemaBuilder {
 public:
  void Add(const bson_t& doc);

  // Every flattened path, in the order first seen.
  std::vector<backend::ColumnInfo> Columns(const std::string& collection) const;
  // The column for one path (a projection's field), named `name`.
  backend::ColumnInfo Column(const std::string& path, const std::string& name,
                             const std::string& collection) const;

 private:
  void AddDocument(const bson_t& doc, const std::string& prefix, int depth);
  void Note(const std::string& path, uint32_t kind);

  std::vector<std::string> order_;
  std::map<std::string, uint32_t> seen_;  // path -> bit set of kinds
};

// The name MongoDB's $type uses for the value's BSON type ("int", "string").
const char* BsonTypeName(bson_type_t type);

// Appends the cell for `column` from `value` (nullptr when the field is
// missing) to `batch`.
absl::Status AppendField(const bson_iter_t* value, const backend::ColumnInfo& column,
                         rowstore::RowBatch& batch);

}  // namespace quietfetch::mongo

#endif  // QUIETFETCH_DRIVER_BACKEND_MONGO_SCHEMA_H_
