#include "driver/backend/mongo/schema.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "driver/backend/mongo/bson_util.h"
#include "driver/core/status.h"

namespace quietfetch::mongo {
namespace {

using backend::ColumnInfo;
using backend::LogicalType;

enum Kind : uint32_t {
  kInt32 = 1 << 0,
  kInt64 = 1 << 1,
  kDouble = 1 << 2,
  kDecimal = 1 << 3,
  kString = 1 << 4,
  kObjectId = 1 << 5,
  kBool = 1 << 6,
  kDate = 1 << 7,
  kBinary = 1 << 8,
  kUuid = 1 << 9,
  kDocument = 1 << 10,
  kArray = 1 << 11,
  kOther = 1 << 12,
};

constexpr int kMaxDepth = 16;
constexpr uint32_t kIntegers = kInt32 | kInt64;
constexpr uint32_t kNumbers = kInt32 | kInt64 | kDouble | kDecimal;

uint32_t KindOf(const bson_iter_t& it) {
  switch (bson_iter_type(&it)) {
    case BSON_TYPE_INT32:
      return kInt32;
    case BSON_TYPE_INT64:
      return kInt64;
    case BSON_TYPE_DOUBLE:
      return kDouble;
    case BSON_TYPE_DECIMAL128:
      return kDecimal;
    case BSON_TYPE_UTF8:
      return kString;
    case BSON_TYPE_OID:
      return kObjectId;
    case BSON_TYPE_BOOL:
      return kBool;
    case BSON_TYPE_DATE_TIME:
      return kDate;
    case BSON_TYPE_BINARY: {
      bson_subtype_t subtype;
      uint32_t length = 0;
      const uint8_t* data = nullptr;
      bson_iter_binary(&it, &subtype, &length, &data);
      return subtype == BSON_SUBTYPE_UUID && length == 16 ? kUuid : kBinary;
    }
    case BSON_TYPE_DOCUMENT:
      return kDocument;
    case BSON_TYPE_ARRAY:
      return kArray;
    case BSON_TYPE_NULL:
    case BSON_TYPE_UNDEFINED:
      return 0;
    default:
      return kOther;
  }
}

ColumnInfo TypedColumn(uint32_t kinds) {
  ColumnInfo c;
  auto only = [&](uint32_t allowed) { return kinds != 0 && (kinds & ~allowed) == 0; };
  if (kinds == 0) {
    c.type = LogicalType::kText;
    c.type_name = "null";
  } else if (only(kInt32)) {
    c.type = LogicalType::kInt32;
    c.type_name = "int";
  } else if (only(kIntegers)) {
    c.type = LogicalType::kInt64;
    c.type_name = "long";
  } else if (only(kIntegers | kDouble)) {
    c.type = LogicalType::kFloat64;
    c.type_name = "double";
  } else if (only(kNumbers)) {
    c.type = LogicalType::kNumeric;
    c.type_name = "decimal";
  } else if (only(kString)) {
    c.type = LogicalType::kText;
    c.type_name = "string";
  } else if (only(kObjectId)) {
    c.type = LogicalType::kText;
    c.type_name = "objectId";
    c.size = 24;
  } else if (only(kBool)) {
    c.type = LogicalType::kBool;
    c.type_name = "bool";
  } else if (only(kDate)) {
    c.type = LogicalType::kTimestamp;
    c.type_name = "date";
    c.scale = 3;
  } else if (only(kUuid)) {
    c.type = LogicalType::kUuid;
    c.type_name = "uuid";
  } else if (only(kBinary | kUuid)) {
    c.type = LogicalType::kBytes;
    c.type_name = "binData";
  } else if (kinds & (kDocument | kArray | kOther)) {
    c.type = LogicalType::kJson;
    c.type_name = only(kArray) ? "array" : only(kDocument) ? "object" : "mixed";
  } else {
    c.type = LogicalType::kText;
    c.type_name = "mixed";
  }
  return c;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

void AppendText(rowstore::RowBatch& batch, std::string_view text) {
  batch.AppendBytes(text.data(), text.size());
}

template <typename T>
void AppendNumberText(rowstore::RowBatch& batch, T value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  batch.AppendBytes(buffer, static_cast<size_t>(end - buffer));
}

void AppendDoubleText(rowstore::RowBatch& batch, double v) {
  if (std::isnan(v)) return AppendText(batch, "NaN");
  if (std::isinf(v)) return AppendText(batch, v > 0 ? "Infinity" : "-Infinity");
  AppendNumberText(batch, v);
}

absl::Status Mismatch(const bson_iter_t& it, const ColumnInfo& column, std::string_view detail) {
  return core::SqlError(
      core::sqlstate::kInvalidCharacterValue,
      absl::StrCat("field '",
                   column.base_column_name.empty() ? column.name : column.base_column_name,
                   "' holds a ", BsonTypeName(bson_iter_type(&it)), " value", std::string(detail),
                   " where the column is ", column.type_name,
                   " (from the collection's sample); select it with a native command or raise "
                   "MongoSampleSize"));
}

}  // namespace

const char* BsonTypeName(bson_type_t type) {
  switch (type) {
    case BSON_TYPE_DOUBLE:
      return "double";
    case BSON_TYPE_UTF8:
      return "string";
    case BSON_TYPE_DOCUMENT:
      return "object";
    case BSON_TYPE_ARRAY:
      return "array";
    case BSON_TYPE_BINARY:
      return "binData";
    case BSON_TYPE_UNDEFINED:
      return "undefined";
    case BSON_TYPE_OID:
      return "objectId";
    case BSON_TYPE_BOOL:
      return "bool";
    case BSON_TYPE_DATE_TIME:
      return "date";
    case BSON_TYPE_NULL:
      return "null";
    case BSON_TYPE_REGEX:
      return "regex";
    case BSON_TYPE_INT32:
      return "int";
    case BSON_TYPE_TIMESTAMP:
      return "timestamp";
    case BSON_TYPE_INT64:
      return "long";
    case BSON_TYPE_DECIMAL128:
      return "decimal";
    default:
      return "other";
  }
}

void SchemaBuilder::Note(const std::string& path, uint32_t kind) {
  auto [it, inserted] = seen_.emplace(path, 0);
  if (inserted) order_.push_back(path);
  it->second |= kind;
}

void SchemaBuilder::AddDocument(const bson_t& doc, const std::string& prefix, int depth) {
  bson_iter_t it;
  if (!bson_iter_init(&it, &doc)) return;
  while (bson_iter_next(&it)) {
    std::string path = prefix + bson_iter_key(&it);
    uint32_t kind = KindOf(it);
    if (kind == kDocument && depth < kMaxDepth) {
      Note(path, kDocument);
      uint32_t length = 0;
      const uint8_t* data = nullptr;
      bson_iter_document(&it, &length, &data);
      bson_t sub;
      if (bson_init_static(&sub, data, length)) AddDocument(sub, path + ".", depth + 1);
    } else {
      Note(path, kind == kDocument ? kOther : kind);
    }
  }
}

void SchemaBuilder::Add(const bson_t& doc) { AddDocument(doc, "", 0); }

std::vector<ColumnInfo> SchemaBuilder::Columns(const std::string& collection) const {
  std::vector<ColumnInfo> out;
  std::vector<std::string> json_parents;  // paths that are whole columns
  for (const auto& path : order_) {
    bool under_parent = false;
    for (const auto& parent : json_parents) {
      if (path.compare(0, parent.size() + 1, parent + ".") == 0) under_parent = true;
    }
    if (under_parent) continue;
    uint32_t kinds = seen_.at(path);
    if (kinds & kDocument) {
      bool has_children = false;
      std::string prefix = path + ".";
      auto next = seen_.lower_bound(prefix);
      has_children = next != seen_.end() && next->first.compare(0, prefix.size(), prefix) == 0;
      if ((kinds & ~kDocument) == 0 && has_children) continue;  // flattened
      json_parents.push_back(path);                             // mixed, or always {}
    }
    out.push_back(Column(path, path, collection));
  }
  return out;
}

ColumnInfo SchemaBuilder::Column(const std::string& path, const std::string& name,
                                 const std::string& collection) const {
  auto it = seen_.find(path);
  uint32_t kinds = it == seen_.end() ? 0 : it->second;
  if (kinds & kDocument) kinds = (kinds & ~kDocument) | kOther;
  ColumnInfo column = TypedColumn(kinds);
  if (kinds & kDocument) column.type_name = "object";
  column.name = name;
  column.base_column_name = path;
  column.table_name = collection;
  column.nullable_known = true;
  column.nullable = true;
  return column;
}

absl::Status AppendField(const bson_iter_t* value, const ColumnInfo& column,
                         rowstore::RowBatch& batch) {
  if (value == nullptr) {
    batch.AppendNull();
    return absl::OkStatus();
  }
  const bson_iter_t& it = *value;
  bson_type_t type = bson_iter_type(&it);
  if (type == BSON_TYPE_NULL || type == BSON_TYPE_UNDEFINED) {
    batch.AppendNull();
    return absl::OkStatus();
  }
  switch (column.type) {
    case LogicalType::kInt32:
    case LogicalType::kInt64: {
      int64_t v = 0;
      if (type == BSON_TYPE_INT32) {
        v = bson_iter_int32(&it);
      } else if (type == BSON_TYPE_INT64) {
        v = bson_iter_int64(&it);
      } else if (type == BSON_TYPE_DOUBLE) {
        double d = bson_iter_double(&it);
        if (!(d == std::trunc(d) && d >= -9.2e18 && d <= 9.2e18)) {
          return Mismatch(it, column, " that is not an integer");
        }
        v = static_cast<int64_t>(d);
      } else {
        return Mismatch(it, column, "");
      }
      if (column.type == LogicalType::kInt32 && (v < INT32_MIN || v > INT32_MAX)) {
        return Mismatch(it, column, " out of the int range");
      }
      batch.AppendInt(v);
      return absl::OkStatus();
    }
    case LogicalType::kFloat64: {
      double d = 0;
      if (type == BSON_TYPE_DOUBLE) {
        d = bson_iter_double(&it);
      } else if (type == BSON_TYPE_INT32) {
        d = bson_iter_int32(&it);
      } else if (type == BSON_TYPE_INT64) {
        int64_t v = bson_iter_int64(&it);
        if (v > (int64_t{1} << 53) || v < -(int64_t{1} << 53)) {
          return Mismatch(it, column, " too large to be exact as a double");
        }
        d = static_cast<double>(v);
      } else {
        return Mismatch(it, column, "");
      }
      batch.AppendDouble(d);
      return absl::OkStatus();
    }
    case LogicalType::kNumeric: {
      if (type == BSON_TYPE_DECIMAL128) {
        bson_decimal128_t dec;
        bson_iter_decimal128(&it, &dec);
        char text[BSON_DECIMAL128_STRING];
        bson_decimal128_to_string(&dec, text);
        std::string_view s(text);
        if (s == "Inf") s = "Infinity";
        if (s == "-Inf") s = "-Infinity";
        AppendText(batch, s);
      } else if (type == BSON_TYPE_INT32) {
        AppendNumberText(batch, bson_iter_int32(&it));
      } else if (type == BSON_TYPE_INT64) {
        AppendNumberText(batch, bson_iter_int64(&it));
      } else if (type == BSON_TYPE_DOUBLE) {
        AppendDoubleText(batch, bson_iter_double(&it));
      } else {
        return Mismatch(it, column, "");
      }
      return absl::OkStatus();
    }
    case LogicalType::kBool:
      if (type != BSON_TYPE_BOOL) return Mismatch(it, column, "");
      batch.AppendInt(bson_iter_bool(&it) ? 1 : 0);
      return absl::OkStatus();
    case LogicalType::kTimestamp:
      if (type != BSON_TYPE_DATE_TIME) return Mismatch(it, column, "");
      batch.AppendInt(bson_iter_date_time(&it) * 1000);
      return absl::OkStatus();
    case LogicalType::kUuid:
    case LogicalType::kBytes: {
      if (type != BSON_TYPE_BINARY) return Mismatch(it, column, "");
      bson_subtype_t subtype;
      uint32_t length = 0;
      const uint8_t* data = nullptr;
      bson_iter_binary(&it, &subtype, &length, &data);
      if (column.type == LogicalType::kUuid && length != 16) {
        return Mismatch(it, column, " that is not a 16-byte UUID");
      }
      batch.AppendBytes(reinterpret_cast<const char*>(data), length);
      return absl::OkStatus();
    }
    case LogicalType::kJson: {
      AppendText(batch, ValueToJson(it));
      return absl::OkStatus();
    }
    default: {  // kText and anything else: every value has a lossless text form
      switch (type) {
        case BSON_TYPE_UTF8: {
          uint32_t length = 0;
          const char* s = bson_iter_utf8(&it, &length);
          batch.AppendBytes(s, length);
          return absl::OkStatus();
        }
        case BSON_TYPE_OID: {
          char hex[25];
          bson_oid_to_string(bson_iter_oid(&it), hex);
          batch.AppendBytes(hex, 24);
          return absl::OkStatus();
        }
        case BSON_TYPE_INT32:
          AppendNumberText(batch, bson_iter_int32(&it));
          return absl::OkStatus();
        case BSON_TYPE_INT64:
          AppendNumberText(batch, bson_iter_int64(&it));
          return absl::OkStatus();
        case BSON_TYPE_DOUBLE:
          AppendDoubleText(batch, bson_iter_double(&it));
          return absl::OkStatus();
        case BSON_TYPE_BOOL:
          AppendText(batch, bson_iter_bool(&it) ? "true" : "false");
          return absl::OkStatus();
        case BSON_TYPE_DATE_TIME: {
          int64_t ms = bson_iter_date_time(&it);
          int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
          int64_t rest = ms - days * 86400000;
          int64_t y;
          unsigned m, d;
          CivilFromDays(days, &y, &m, &d);
          std::string text =
              absl::StrFormat("%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d, rest / 3600000,
                              rest / 60000 % 60, rest / 1000 % 60, rest % 1000);
          AppendText(batch, text);
          return absl::OkStatus();
        }
        default:
          AppendText(batch, ValueToJson(it));
          return absl::OkStatus();
      }
    }
  }
}

}  // namespace quietfetch::mongo
