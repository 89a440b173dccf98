#include "driver/backend/mongo/bson_util.h"

#include "absl/strings/str_cat.h"
#include "driver/core/status.h"

namespace quietfetch::mongo {

std::string ToJson(const bson_t& doc) {
  size_t length = 0;
  char* json = bson_as_relaxed_extended_json(&doc, &length);
  if (json == nullptr) return "{}";
  std::string out(json, length);
  bson_free(json);
  return out;
}

std::string ValueToJson(const bson_iter_t& iter) {
  bson_iter_t copy = iter;
  if (BSON_ITER_HOLDS_DOCUMENT(&copy) || BSON_ITER_HOLDS_ARRAY(&copy)) {
    uint32_t length = 0;
    const uint8_t* data = nullptr;
    if (BSON_ITER_HOLDS_DOCUMENT(&copy)) {
      bson_iter_document(&copy, &length, &data);
    } else {
      bson_iter_array(&copy, &length, &data);
    }
    bson_t sub;
    if (!bson_init_static(&sub, data, length)) return "null";
    size_t json_length = 0;
    char* json = BSON_ITER_HOLDS_DOCUMENT(&copy) ? bson_as_relaxed_extended_json(&sub, &json_length)
                                                 : bson_array_as_json(&sub, &json_length);
    if (json == nullptr) return "null";
    std::string out(json, json_length);
    bson_free(json);
    return out;
  }
  // A scalar: render {"v": value} and keep what follows the key.
  bson_t wrapper;
  bson_init(&wrapper);
  bson_append_iter(&wrapper, "v", 1, &copy);
  std::string json = ToJson(wrapper);
  bson_destroy(&wrapper);
  constexpr std::string_view kPrefix = "{ \"v\" : ";
  constexpr std::string_view kSuffix = " }";
  if (json.size() >= kPrefix.size() + kSuffix.size() &&
      json.compare(0, kPrefix.size(), kPrefix) == 0) {
    return json.substr(kPrefix.size(), json.size() - kPrefix.size() - kSuffix.size());
  }
  return json;
}

absl::StatusOr<BsonPtr> ParseJson(std::string_view json) {
  bson_error_t error;
  bson_t* doc = bson_new_from_json(reinterpret_cast<const uint8_t*>(json.data()),
                                   static_cast<ssize_t>(json.size()), &error);
  if (doc == nullptr) {
    return core::SqlError(core::sqlstate::kSyntaxError,
                          absl::StrCat("the MongoDB command is not valid JSON: ", error.message));
  }
  return BsonPtr(doc);
}

}  // namespace quietfetch::mongo
