// The connection pool under concurrent use, against the test server.
#include "quietfetch/orm/pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "orm-bridge/src/test_connection.h"

namespace quietfetch::orm {
namespace {

TEST(PoolTest, ManyThreadsShareFewConnections) {
  const std::string text = ConnectionString();
  ASSERT_FALSE(text.empty()) << "live tests need the QF_PG_* environment of scripts/pg.sh";
  absl::StatusOr<std::unique_ptr<Pool>> pool = Pool::Create(text, {.max_size = 3});
  ASSERT_TRUE(pool.ok()) << pool.status();

  std::atomic<int> in_use{0};
  std::atomic<int> peak{0};
  std::atomic<int> failures{0};
  std::mutex pids_mutex;
  std::set<int64_t> pids;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        absl::StatusOr<PooledConnection> conn = (*pool)->Acquire();
        if (!conn.ok()) {
          ++failures;
          continue;
        }
        const int now = ++in_use;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        const int64_t expected = int64_t{t} * 1000 + i;
        absl::StatusOr<std::vector<int64_t>> rows = (*conn)->Query<int64_t>(
            "SELECT ?::int8 + g - g FROM generate_series(1, 50) g", expected);
        if (!rows.ok() || rows->size() != 50 ||
            std::any_of(rows->begin(), rows->end(), [&](int64_t v) { return v != expected; })) {
          ++failures;
        }
        absl::StatusOr<int64_t> pid = (*conn)->QueryOne<int64_t>("SELECT pg_backend_pid()::int8");
        if (pid.ok()) {
          std::lock_guard<std::mutex> lock(pids_mutex);
          pids.insert(*pid);
        }
        --in_use;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(peak.load(), 3);
  EXPECT_LE(pids.size(), 3u);
  EXPECT_LE((*pool)->open_connections(), 3u);
  EXPECT_EQ((*pool)->idle_connections(), (*pool)->open_connections());
}

TEST(PoolTest, TimesOutAndDiscardsConnectionsInTransaction) {
  const std::string text = ConnectionString();
  ASSERT_FALSE(text.empty());
  absl::StatusOr<std::unique_ptr<Pool>> pool =
      Pool::Create(text, {.max_size = 1, .acquire_timeout = std::chrono::milliseconds(100)});
  ASSERT_TRUE(pool.ok());
  {
    absl::StatusOr<PooledConnection> held = (*pool)->Acquire();
    ASSERT_TRUE(held.ok()) << held.status();
    absl::StatusOr<PooledConnection> second = (*pool)->Acquire();
    EXPECT_EQ(SqlState(second.status()), "HYT00") << second.status();
    // Returned while its transaction is still open: closed, not pooled.
    absl::StatusOr<Transaction> tx = (*held)->Begin();
    ASSERT_TRUE(tx.ok());
    { PooledConnection gone = *std::move(held); }
    EXPECT_EQ((*pool)->open_connections(), 0u);
  }
  absl::StatusOr<PooledConnection> fresh = (*pool)->Acquire();
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_FALSE((*fresh)->InTransaction());
  EXPECT_EQ(*(*fresh)->QueryOne<int>("SELECT 1"), 1);
}

TEST(PoolTest, ConnectErrorsFreeTheSlot) {
  absl::StatusOr<std::unique_ptr<Pool>> pool =
      Pool::Create(ConnectionString() + "Pasword=typo", {.max_size = 1});
  ASSERT_TRUE(pool.ok());
  EXPECT_FALSE((*pool)->Acquire().ok());
  EXPECT_EQ((*pool)->open_connections(), 0u);
  EXPECT_FALSE((*pool)->Acquire().ok());  // no HYT00: the failed slot was released
  EXPECT_FALSE(Pool::Create("", {.max_size = 0}).ok());
}

}  // namespace
}  // namespace quietfetch::orm
