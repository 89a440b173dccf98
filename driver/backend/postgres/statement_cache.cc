#include "driver/backend/postgres/statement_cache.h"

#include <utility>

namespace quietfetch::pg {

std::string StatementCache::Key(std::string_view sql, std::span<const uint32_t> param_oids) {
  // Fixed-width OIDs first, with their count, so no SQL text can collide with
  // another text/OID combination.
  std::string key;
  key.reserve(4 + param_oids.size() * 4 + sql.size());
  auto append32 = [&key](uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) key += static_cast<char>((v >> shift) & 0xff);
  };
  append32(static_cast<uint32_t>(param_oids.size()));
  for (uint32_t oid : param_oids) append32(oid);
  key.append(sql);
  return key;
}

std::shared_ptr<const PreparedStatement> StatementCache::Find(const std::string& key) {
  const auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->statement;
}

std::vector<std::string> StatementCache::Insert(
    const std::string& key, std::shared_ptr<const PreparedStatement> statement) {
  std::vector<std::string> evicted;
  if (std::string replaced = Erase(key); !replaced.empty()) evicted.push_back(std::move(replaced));
  entries_.push_front(Entry{key, std::move(statement)});
  index_[key] = entries_.begin();
  while (entries_.size() > capacity_ && entries_.size() > 1) {
    Entry& last = entries_.back();
    evicted.push_back(last.statement->name);
    index_.erase(last.key);
    entries_.pop_back();
  }
  return evicted;
}

std::string StatementCache::Erase(const std::string& key) {
  const auto it = index_.find(key);
  if (it == index_.end()) return "";
  std::string name = it->second->statement->name;
  entries_.erase(it->second);
  index_.erase(it);
  return name;
}

}  // namespace quietfetch::pg
