// Small helpers over libbson: an owning pointer for bson_t, JSON rendering of
// documents and single values, and parsing of JSON text into a document.
// Pure functions; nothing here talks to a server.
#ifndef QUIETFETCH_DRIVER_BACKEND_MONGO_BSON_UTIL_H_
#define QUIETFETCH_DRIVER_BACKEND_MONGO_BSON_UTIL_H_

#include <bson/bson.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace quietfetch::mongo {

// Owns a heap bson_t (bson_new, bson_copy, ...). A class rather than
// std::unique_ptr because bson_t's alignment attribute cannot be a template
// argument without a warning.
class BsonPtr {
 public:
  BsonPtr() = default;
  explicit BsonPtr(bson_t* doc) : doc_(doc) {}
  BsonPtr(BsonPtr&& other) noexcept : doc_(other.doc_) { other.doc_ = nullptr; }
  BsonPtr& operator=(BsonPtr&& other) noexcept {
    if (this != &other) {
      reset(other.doc_);
      other.doc_ = nullptr;
    }
    return *this;
  }
  BsonPtr(const BsonPtr&) = delete;
  BsonPtr& operator=(const BsonPtr&) = delete;
  ~BsonPtr() { reset(); }

  bson_t* get() const { return doc_; }
  bson_t& operator*() const { return *doc_; }
  explicit operator bool() const { return doc_ != nullptr; }
  void reset(bson_t* doc = nullptr) {
    if (doc_ != nullptr) bson_destroy(doc_);
    doc_ = doc;
  }

 private:
  bson_t* doc_ = nullptr;
};

inline BsonPtr NewBson() { return BsonPtr(bson_new()); }
inline BsonPtr CopyBson(const bson_t* doc) { return BsonPtr(bson_copy(doc)); }

// Relaxed extended JSON of a document ("{ "a" : 1 }").
std::string ToJson(const bson_t& doc);

// Relaxed extended JSON of the value `iter` points at: documents and arrays
// as JSON text, strings quoted, numbers bare, other types in their extended
// JSON form ({"$oid": ...}, {"$date": ...}).
std::string ValueToJson(const bson_iter_t& iter);

// Parses JSON (relaxed or canonical extended JSON) into a document; 42000
// with libbson's message when the text is not a JSON object.
absl::StatusOr<BsonPtr> ParseJson(std::string_view json);

}  // namespace quietfetch::mongo

#endif  // QUIETFETCH_DRIVER_BACKEND_MONGO_BSON_UTIL_H_
