#ifndef QUIETFETCH_CONFORMANCE_PERF_FETCH_CASES_H_
#define QUIETFETCH_CONFORMANCE_PERF_FETCH_CASES_H_

// The benchmark's data set and the ways of fetching it: raw libpq, libpqxx and
// ODBC (through the driver manager, so any driver behind a DSN can be measured).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace quietfetch::perf {

// Row count plus a checksum over every value a case read. Each case reduces a
// row to the same canonical values (id bytes, ts in microseconds since
// PostgreSQL's 2000-01-01 epoch, n), and the per-row digests are summed, so the
// checksum does not depend on row order (a seq scan may start mid-table when
// synchronize_seqscans kicks in) and agreement across cases shows each one read
// the whole result correctly.
struct FetchTotals {
  int64_t rows = 0;
  uint64_t checksum = 0;

  friend bool operator==(const FetchTotals&, const FetchTotals&) = default;
};

void AddRow(FetchTotals& totals, std::string_view id, int64_t ts_micros, int32_t n);

// What to fetch. `sql` is the query for everything that runs SQL; `table` is
// for peers that can only stream a whole table (libpqxx 6's stream_from).
struct FetchQuery {
  std::string table;
  std::string sql;
  std::optional<int64_t> limit;  // the LIMIT inside `sql`, if any
};

FetchQuery MakeFetchQuery(std::string_view table, std::optional<int64_t> limit);

// One connection's worth of a case. Connect() stays outside the timed region:
// the benchmark compares fetch paths, not connection set-up.
class FetchSession {
 public:
  virtual ~FetchSession() = default;
  virtual absl::Status Connect() = 0;
  // Runs the query and reads every value of every row.
  virtual absl::StatusOr<FetchTotals> FetchAll(const FetchQuery& query) = 0;
};

// libpq connection keywords (host, port, user, password, dbname).
using PgKeywords = std::vector<std::pair<std::string, std::string>>;

// Builds the keywords from QF_PG_HOST/PORT/USER/PASSWORD/DATABASE; unset ones
// are left to libpq's own defaults (PGHOST and friends).
PgKeywords PgKeywordsFromEnvironment();

// Makes sure `table` holds exactly `rows` rows of the benchmark's shape,
// (re)creating it otherwise, so repeated runs reuse the data. Sets `created`.
absl::Status EnsureBenchTable(const PgKeywords& keywords, std::string_view table, int64_t rows,
                              bool& created);

// Reads the whole table once so the first timed case does not pay for a cold
// cache; returns the server's version string.
absl::StatusOr<std::string> WarmUpAndDescribeServer(const PgKeywords& keywords,
                                                    std::string_view table);

// Whole result in client memory, values read as text.
std::unique_ptr<FetchSession> MakePqExecSession(PgKeywords keywords);
// One PGresult per row, binary values: the fastest streaming libpq 15 offers.
std::unique_ptr<FetchSession> MakePqSingleRowBinarySession(PgKeywords keywords);
// libpqxx stream_from (COPY ... TO STDOUT, text); nullptr if built without libpqxx.
std::unique_ptr<FetchSession> MakePqxxStreamSession(PgKeywords keywords);

enum class OdbcPattern {
  kGetData,   // SQLFetch, then SQLGetData per cell: how pyodbc reads
  kRowArray,  // column-wise SQLBindCol + SQLFetchScroll over a row array
};

// `connection_string` goes to SQLDriverConnect as is ("DSN=...;" or keywords).
std::unique_ptr<FetchSession> MakeOdbcSession(std::string connection_string, OdbcPattern pattern,
                                              int64_t array_size);

}  // namespace quietfetch::perf

#endif  // QUIETFETCH_CONFORMANCE_PERF_FETCH_CASES_H_
