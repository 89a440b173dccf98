// The per-connection cache of named server-side prepared statements.
//
// Keyed by the rewritten SQL text together with the parameter type OIDs it
// was prepared with (the same text with other parameter types is a different
// statement). Least recently used entries are evicted beyond the capacity;
// the caller DEALLOCATEs the names Insert() hands back. Entries are shared
// with the cursors using them, so an evicted statement's result shape stays
// valid for a cursor still reading it. Not thread-safe.
#ifndef QUIETFETCH_DRIVER_BACKEND_POSTGRES_STATEMENT_CACHE_H_
#define QUIETFETCH_DRIVER_BACKEND_POSTGRES_STATEMENT_CACHE_H_

#include <cstdint>
#include <list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "driver/backend/backend.h"
#include "driver/backend/postgres/pg_types.h"

namespace quietfetch::pg {

// The columns of a result and how to decode each.
struct ResultShape {
  std::vector<backend::ColumnInfo> columns;
  std::vector<ValueKind> kinds;  // one per column
};

struct PreparedStatement {
  std::string name;
  std::shared_ptr<const ResultShape> shape;
  std::vector<backend::LogicalType> parameter_types;  // as the server resolved them
  // The server refused to run the statement inside COPY (...) TO STDOUT; it
  // goes through the prepared statement from then on. Mutable: learned while
  // the entry is shared.
  mutable bool copy_refused = false;
  // Rows the statement's last complete run returned on this connection (-1:
  // unknown). COPY pays a describe round trip on reuse, worth it only for
  // results that are not tiny.
  mutable int64_t last_rows = -1;
};

class StatementCache {
 public:
  static constexpr size_t kDefaultCapacity = 100;

  explicit StatementCache(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  static std::string Key(std::string_view sql, std::span<const uint32_t> param_oids);

  // The cached statement, now the most recently used; null when absent.
  std::shared_ptr<const PreparedStatement> Find(const std::string& key);

  // Adds a statement (replacing one with the same key) and returns the names
  // of statements evicted to make room (including a replaced one).
  std::vector<std::string> Insert(const std::string& key,
                                  std::shared_ptr<const PreparedStatement> statement);

  // Forgets a statement; returns its name, or "" when absent.
  std::string Erase(const std::string& key);

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const PreparedStatement> statement;
  };

  size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace quietfetch::pg

#endif  // QUIETFETCH_DRIVER_BACKEND_POSTGRES_STATEMENT_CACHE_H_
