// The reference workload as a C++ service writes it: load every row of
// some_entries into structs, keep every fifth.
//
//   reference_load [CONNECTION_STRING]
//   -> "reference_load: loaded 100000 rows, kept 20000"
#include <cstdio>
#include <vector>

#include "some_entry.h"

namespace orm = quietfetch::orm;

int main(int argc, char** argv) {
  absl::StatusOr<orm::Connection> conn = orm::Connection::Open(ExampleConnectionString(argc, argv));
  if (!conn.ok()) {
    std::fprintf(stderr, "reference_load: cannot connect [%s]: %s\n",
                 orm::SqlState(conn.status()).c_str(),
                 std::string(conn.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<std::vector<SomeEntry>> rows =
      conn->Query<SomeEntry>("SELECT id, created_date, some_random_number FROM some_entries");
  if (!rows.ok()) {
    std::fprintf(stderr, "reference_load: query failed [%s]: %s\n",
                 orm::SqlState(rows.status()).c_str(),
                 std::string(rows.status().message()).c_str());
    return 1;
  }
  std::vector<SomeEntry> kept;
  kept.reserve(rows->size() / 5 + 1);
  for (size_t i = 0; i < rows->size(); i += 5) kept.push_back(std::move((*rows)[i]));
  std::printf("reference_load: loaded %zu rows, kept %zu\n", rows->size(), kept.size());
  return 0;
}
