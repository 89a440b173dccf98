// The reference workload with bounded memory: stream some_entries batch by
// batch (one RowBatch and one reused SomeEntry in memory), keep every fifth
// row's id and number. Memory does not grow with the table; only what the
// service keeps does.
//
//   reference_stream [CONNECTION_STRING]
//   -> "reference_stream: streamed 100000 rows, kept 20000, batch memory <= N KiB"
#include <algorithm>
#include <cstdio>
#include <vector>

#include "some_entry.h"

namespace orm = quietfetch::orm;

struct Kept {
  std::string id;
  int32_t some_random_number;
};

int main(int argc, char** argv) {
  // FetchRows bounds each batch (the driver's keyword; FetchBytes too).
  absl::StatusOr<orm::Connection> conn =
      orm::Connection::Open(ExampleConnectionString(argc, argv) + "FetchRows=2000;");
  if (!conn.ok()) {
    std::fprintf(stderr, "reference_stream: cannot connect [%s]: %s\n",
                 orm::SqlState(conn.status()).c_str(),
                 std::string(conn.status().message()).c_str());
    return 1;
  }
  auto stream = conn->Stream<SomeEntry>("SELECT * FROM some_entries");
  std::vector<Kept> kept;
  size_t batch_memory = 0;
  int64_t seen = 0;
  for (const SomeEntry& entry : stream) {
    if (seen++ % 5 == 0) kept.push_back({entry.id, entry.some_random_number});
    batch_memory = std::max(batch_memory, stream.batch_memory());
  }
  if (!stream.status().ok()) {
    std::fprintf(stderr, "reference_stream: failed after %lld rows [%s]: %s\n",
                 static_cast<long long>(stream.rows()), orm::SqlState(stream.status()).c_str(),
                 std::string(stream.status().message()).c_str());
    return 1;
  }
  std::printf("reference_stream: streamed %lld rows, kept %zu, batch memory <= %zu KiB\n",
              static_cast<long long>(stream.rows()), kept.size(), batch_memory / 1024);
  return 0;
}
