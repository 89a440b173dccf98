// quietfetch streams results: fetching a result far larger than its batch
// limits must not grow the process by more than a bounded amount. psqlODBC is
// not run here, because by default it holds the whole result in memory.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "conformance/odbc/backend.h"
#include "conformance/odbc/odbc_util.h"

namespace quietfetch::conformance {
namespace {

constexpr int64_t kRows = 3'000'000;
constexpr int64_t kMaxGrowthBytes = 64LL * 1024 * 1024;
// Often enough to see growth long before the end, cheap next to the fetches.
constexpr int64_t kSampleEveryRows = 16384;

TEST(StreamingTest, FetchingThreeMillionRowsKeepsRssGrowthUnder64MB) {
  const Backend& backend = QuietfetchBackend();
  TestEnvironment test_env;
  ASSERT_TRUE(CheckEnvironmentFor(backend, &test_env));
  Env env = MakeEnv();
  ASSERT_TRUE(env);
  Dbc dbc;
  ASSERT_TRUE(ConnectDsn(env, backend, &dbc));

  // One small query first, so the driver's one-time allocations (loading,
  // connection set-up, the first batch) belong to the baseline.
  Rows warmup;
  ASSERT_TRUE(Query(dbc, "SELECT g, 'warm ' || g FROM generate_series(1, 20000) g", &warmup));
  ASSERT_EQ(warmup.size(), 20000u);

  Stmt stmt = AllocStmt(dbc);
  SQLINTEGER id = 0;
  char text[48] = {};
  SQLLEN id_ind = 0, text_ind = 0;
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 1, SQL_C_SLONG, &id, 0, &id_ind));
  QF_ASSERT_OK(stmt, SQLBindCol(stmt.get(), 2, SQL_C_CHAR, text, sizeof(text), &text_ind));

  const int64_t baseline = CurrentRssBytes();
  ASSERT_GT(baseline, 0) << "VmRSS unreadable from /proc/self/status";
  int64_t peak = baseline;

  Watchdog watchdog(std::chrono::minutes(3), "streaming 3,000,000 rows");
  ASSERT_TRUE(ExecDirect(stmt, "SELECT g, 'row number ' || g FROM generate_series(1, " +
                                   std::to_string(kRows) + ") g"));
  peak = std::max(peak, CurrentRssBytes());
  int64_t rows = 0;
  int64_t sum = 0;
  SQLRETURN rc;
  while ((rc = SQLFetch(stmt.get())) == SQL_SUCCESS) {
    ++rows;
    sum += id;
    if (rows % kSampleEveryRows == 0) peak = std::max(peak, CurrentRssBytes());
  }
  peak = std::max(peak, CurrentRssBytes());
  ASSERT_EQ(rc, SQL_NO_DATA) << ReturnCodeName(rc) << " after " << rows << " rows\n"
                             << FormatDiag(stmt);
  EXPECT_EQ(rows, kRows);
  EXPECT_EQ(sum, kRows * (kRows + 1) / 2);
  EXPECT_EQ(std::string(text), "row number " + std::to_string(kRows));

  const int64_t growth = peak - baseline;
  RecordProperty("rss_baseline_bytes", std::to_string(baseline));
  RecordProperty("rss_growth_bytes", std::to_string(growth));
  EXPECT_LT(growth, kMaxGrowthBytes)
      << "RSS grew from " << baseline / (1024 * 1024) << " MB by " << growth / (1024 * 1024)
      << " MB while fetching " << kRows << " rows";
}

}  // namespace
}  // namespace quietfetch::conformance
