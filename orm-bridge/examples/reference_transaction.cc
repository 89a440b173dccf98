// The reference workload writing back: load the rows whose number is below a
// parameter, keep every fifth, and store the kept rows in a table of their
// own inside one transaction (batched multi-row INSERTs), then read the count
// back. The table is temporary: nothing outlives the session.
//
//   reference_transaction [CONNECTION_STRING]
//   -> "reference_transaction: loaded 100000 rows, inserted 20000, committed 20000"
#include <cstdio>
#include <vector>

#include "some_entry.h"

namespace orm = quietfetch::orm;

namespace {

int Fail(const char* what, const absl::Status& status) {
  std::fprintf(stderr, "reference_transaction: %s [%s]: %s\n", what, orm::SqlState(status).c_str(),
               std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::StatusOr<orm::Connection> conn = orm::Connection::Open(ExampleConnectionString(argc, argv));
  if (!conn.ok()) return Fail("cannot connect", conn.status());

  absl::StatusOr<std::vector<SomeEntry>> rows = conn->Query<SomeEntry>(
      "SELECT * FROM some_entries WHERE some_random_number <= ?", int32_t{10'000});
  if (!rows.ok()) return Fail("query failed", rows.status());
  std::vector<SomeEntry> kept;
  for (size_t i = 0; i < rows->size(); i += 5) kept.push_back((*rows)[i]);

  absl::StatusOr<int64_t> created = conn->Execute(
      "CREATE TEMP TABLE kept_entries (LIKE some_entries INCLUDING ALL) ON COMMIT PRESERVE ROWS");
  if (!created.ok()) return Fail("cannot create kept_entries", created.status());

  absl::StatusOr<orm::Transaction> tx = conn->Begin();  // rolls back unless committed
  if (!tx.ok()) return Fail("cannot begin", tx.status());
  absl::StatusOr<int64_t> inserted = conn->Insert("kept_entries", kept);
  if (!inserted.ok()) return Fail("insert failed", inserted.status());
  if (absl::Status status = tx->Commit(); !status.ok()) return Fail("commit failed", status);

  absl::StatusOr<int64_t> stored = conn->QueryOne<int64_t>("SELECT count(*) FROM kept_entries");
  if (!stored.ok()) return Fail("count failed", stored.status());
  std::printf("reference_transaction: loaded %zu rows, inserted %lld, committed %lld\n",
              rows->size(), static_cast<long long>(*inserted), static_cast<long long>(*stored));
  return 0;
}
