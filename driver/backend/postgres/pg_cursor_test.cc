// Integration tests of result streaming: batch limits, early close,
// interleaved cursors, lost connections and bounded memory. Each runs with
// plain queries fetched through COPY and through the prepared statement.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "driver/backend/postgres/pg_connection.h"
#include "driver/backend/postgres/pg_connection_internal.h"
#include "driver/backend/postgres/pg_test_util.h"
#include "driver/core/status.h"

namespace quietfetch::pg {
namespace {

using backend::LogicalType;
using testing::Int;
using testing::PgServerTest;
using testing::Query;
using testing::QueryResult;
using testing::ReadAll;
using testing::Str;

// The parameter: whether plain queries may run through COPY.
class CursorTest : public PgServerTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    PgServerTest::SetUp();
    if (connection_ != nullptr) {
      static_cast<PgConnection*>(connection_.get())->set_copy_enabled(GetParam());
    }
  }

  std::unique_ptr<backend::Cursor> Open(std::string_view sql) {
    absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor = connection_->Execute(sql, {});
    EXPECT_TRUE(cursor.ok()) << sql << ": " << cursor.status();
    if (!cursor.ok()) return nullptr;
    // Every SELECT here has binary columns, so the parameter picks the path.
    const bool copy = static_cast<PgCursor*>(cursor->get())->uses_copy();
    EXPECT_EQ(copy, GetParam() && sql.starts_with("SELECT")) << sql;
    return std::move(*cursor);
  }

  // Fills one batch and returns its first column's integers.
  std::vector<int64_t> FillInts(backend::Cursor& cursor, size_t max_rows, bool* more = nullptr) {
    batch_.Clear(cursor.columns().size());
    absl::StatusOr<bool> result = cursor.Fill(batch_, {.max_rows = max_rows});
    EXPECT_TRUE(result.ok()) << result.status();
    if (more != nullptr) *more = result.ok() && *result;
    std::vector<int64_t> values;
    for (size_t row = 0; row < batch_.num_rows(); ++row) values.push_back(batch_.at(row, 0).i64);
    return values;
  }

  void ExpectUsable(backend::BackendConnection& connection) {
    absl::StatusOr<QueryResult> result = Query(connection, "SELECT 41 + 1");
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->rows.size(), 1u);
    EXPECT_EQ(result->rows[0][0], Int(42));
  }

  rowstore::RowBatch batch_;
};

TEST_P(CursorTest, RespectsRowAndByteLimits) {
  std::unique_ptr<backend::Cursor> cursor =
      Open("SELECT i, repeat('x', 1000) FROM generate_series(1, 100) i");
  ASSERT_NE(cursor, nullptr);
  batch_.Clear(2);
  absl::StatusOr<bool> more = cursor->Fill(batch_, {.max_rows = 30});
  ASSERT_TRUE(more.ok());
  EXPECT_TRUE(*more);
  EXPECT_EQ(batch_.num_rows(), 30u);
  batch_.Clear(2);
  more = cursor->Fill(batch_, {.max_rows = 1000, .max_bytes = 10000});
  ASSERT_TRUE(more.ok());
  EXPECT_GE(batch_.BytesUsed(), 10000u);
  EXPECT_LE(batch_.num_rows(), 10u);
  EXPECT_EQ(batch_.at(0, 0).i64, 31);
  // A single row larger than the byte limit still goes through.
  batch_.Clear(2);
  more = cursor->Fill(batch_, {.max_rows = 1000, .max_bytes = 1});
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(batch_.num_rows(), 1u);
  absl::StatusOr<QueryResult> rest = ReadAll(*cursor);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->rows.back()[0], Int(100));
  EXPECT_EQ(cursor->rows_affected(), 100);
  // Exhausted cursors keep saying so.
  batch_.Clear(2);
  more = cursor->Fill(batch_, {});
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

TEST_P(CursorTest, EmptyResultsAndCommands) {
  std::unique_ptr<backend::Cursor> empty = Open("SELECT 1 AS one WHERE false");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->columns().size(), 1u);
  EXPECT_EQ(empty->columns()[0].name, "one");
  absl::StatusOr<QueryResult> rows = ReadAll(*empty);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->rows.empty());
  EXPECT_EQ(empty->rows_affected(), 0);

  std::unique_ptr<backend::Cursor> command = Open("SET application_name = 'x'");
  ASSERT_NE(command, nullptr);
  EXPECT_TRUE(command->columns().empty());
  EXPECT_EQ(command->rows_affected(), -1);
  std::unique_ptr<backend::Cursor> nothing = Open("  ");
  ASSERT_NE(nothing, nullptr);
  EXPECT_TRUE(nothing->columns().empty());
}

TEST_P(CursorTest, EarlyCloseCancelsAndLeavesTheConnectionUsable) {
  // A set-returning function in the select list streams (in FROM it would
  // be materialized before the first row).
  std::unique_ptr<backend::Cursor> cursor = Open("SELECT generate_series(1, 1000000)");
  ASSERT_NE(cursor, nullptr);
  EXPECT_EQ(FillInts(*cursor, 10), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(cursor->Close().ok());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  std::cout << "Close() after 10 of 1M rows took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms\n";
  bool more = true;
  EXPECT_TRUE(FillInts(*cursor, 10, &more).empty());
  EXPECT_FALSE(more);
  ExpectUsable(*connection_);
}

TEST_P(CursorTest, DestroyingAnOpenCursorLeavesTheConnectionUsable) {
  {
    std::unique_ptr<backend::Cursor> cursor = Open("SELECT i FROM generate_series(1, 1000000) i");
    ASSERT_NE(cursor, nullptr);
    FillInts(*cursor, 5);
  }
  ExpectUsable(*connection_);
}

TEST_P(CursorTest, EarlyCloseInsideATransactionKeepsTheTransaction) {
  ASSERT_TRUE(Query(*connection_, "CREATE TEMP TABLE kept (v int)").ok());
  ASSERT_TRUE(connection_->SetAutocommit(false).ok());
  ASSERT_TRUE(Query(*connection_, "INSERT INTO kept VALUES (1)").ok());
  std::unique_ptr<backend::Cursor> cursor = Open("SELECT i FROM generate_series(1, 200000) i");
  ASSERT_NE(cursor, nullptr);
  FillInts(*cursor, 10);
  EXPECT_TRUE(cursor->Close().ok());
  EXPECT_TRUE(connection_->InTransaction());
  absl::StatusOr<QueryResult> count = Query(*connection_, "SELECT count(*) FROM kept");
  ASSERT_TRUE(count.ok()) << count.status();
  ASSERT_TRUE(connection_->Commit().ok());
}

TEST_P(CursorTest, EarlyCloseOfDataChangingStatementsKeepsTheirEffect) {
  ASSERT_TRUE(Query(*connection_, "CREATE TEMP TABLE target (v int)").ok());
  std::unique_ptr<backend::Cursor> cursor =
      Open("INSERT INTO target SELECT i FROM generate_series(1, 50000) i RETURNING v");
  ASSERT_NE(cursor, nullptr);
  FillInts(*cursor, 3);
  EXPECT_TRUE(cursor->Close().ok());
  absl::StatusOr<QueryResult> count = Query(*connection_, "SELECT count(*) FROM target");
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(count->rows[0][0], Int(50000));
}

TEST_P(CursorTest, NewStatementBuffersTheStreamingCursor) {
  std::unique_ptr<backend::Cursor> first = Open("SELECT i FROM generate_series(1, 10000) i");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(FillInts(*first, 3), (std::vector<int64_t>{1, 2, 3}));
  std::unique_ptr<backend::Cursor> second = Open("SELECT i * 10 FROM generate_series(1, 5) i");
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(FillInts(*second, 2), (std::vector<int64_t>{10, 20}));
  // A third statement buffers the second; all three stay readable in order.
  absl::StatusOr<QueryResult> third = Query(*connection_, "SELECT 7");
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(third->rows[0][0], Int(7));
  EXPECT_EQ(FillInts(*first, 4), (std::vector<int64_t>{4, 5, 6, 7}));
  absl::StatusOr<QueryResult> second_rest = ReadAll(*second);
  ASSERT_TRUE(second_rest.ok());
  ASSERT_EQ(second_rest->rows.size(), 3u);
  EXPECT_EQ(second_rest->rows[2][0], Int(50));
  EXPECT_EQ(second->rows_affected(), 5);
  absl::StatusOr<QueryResult> first_rest = ReadAll(*first);
  ASSERT_TRUE(first_rest.ok());
  ASSERT_EQ(first_rest->rows.size(), 10000u - 7);
  EXPECT_EQ(first_rest->rows.back()[0], Int(10000));
  EXPECT_EQ(first->rows_affected(), 10000);
}

TEST_P(CursorTest, BufferedErrorsArriveAfterTheBufferedRows) {
  std::unique_ptr<backend::Cursor> first =
      Open("SELECT 10 / (50 - i) FROM generate_series(1, 100) i");
  ASSERT_NE(first, nullptr);
  ExpectUsable(*connection_);  // buffers `first`
  size_t rows = 0;
  absl::Status error = testing::FillUntilError(*first, 1, 7, &rows);
  EXPECT_EQ(rows, 49u);
  EXPECT_EQ(core::SqlStateOf(error), "22012") << error;
}

TEST_P(CursorTest, CursorOutlivingItsConnectionFailsCleanly) {
  std::unique_ptr<backend::Cursor> buffered = Open("SELECT i FROM generate_series(1, 100) i");
  ASSERT_NE(buffered, nullptr);
  std::unique_ptr<backend::Cursor> streaming = Open("SELECT i FROM generate_series(1, 100000) i");
  ASSERT_NE(streaming, nullptr);
  FillInts(*streaming, 2);
  connection_.reset();
  batch_.Clear(1);
  absl::StatusOr<bool> more = streaming->Fill(batch_, {});
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(core::SqlStateOf(more.status()), "08003") << more.status();
  EXPECT_TRUE(streaming->Close().ok());
  // The cursor that had been buffered owns its rows.
  absl::StatusOr<QueryResult> rows = ReadAll(*buffered);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->rows.size(), 100u);
}

TEST_P(CursorTest, TerminatedBackendIsACommunicationFailure) {
  const int64_t pid = [&] {
    absl::StatusOr<QueryResult> result = Query(*connection_, "SELECT pg_backend_pid()");
    EXPECT_TRUE(result.ok());
    return result.ok() ? result->rows[0][0].i64 : 0;
  }();
  std::unique_ptr<backend::Cursor> cursor =
      Open("SELECT generate_series(1, 100000000), repeat('y', 100)");
  ASSERT_NE(cursor, nullptr);
  FillInts(*cursor, 100);

  absl::StatusOr<std::unique_ptr<backend::BackendConnection>> killer = Reconnect();
  ASSERT_TRUE(killer.ok()) << killer.status();
  ASSERT_TRUE(Query(**killer, "SELECT pg_terminate_backend(" + std::to_string(pid) + ")").ok());

  // The result is far too long to end on its own: only the lost connection
  // (or the time limit, a test failure too) stops it.
  size_t rows = 0;
  absl::Status error = testing::FillUntilError(*cursor, 2, 10000, &rows, std::chrono::seconds(60));
  EXPECT_EQ(core::SqlStateOf(error), "08S01") << error;
  EXPECT_FALSE(connection_->IsAlive());
  absl::StatusOr<std::unique_ptr<backend::Cursor>> next = connection_->Execute("SELECT 1", {});
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(core::SqlStateOf(next.status()), "08S01");
  EXPECT_TRUE(cursor->Close().ok());
}

TEST_P(CursorTest, TerminatedIdleBackendIsACommunicationFailure) {
  for (const char* next_sql : {"SELECT pg_backend_pid()", "SET work_mem = '4MB'"}) {
    absl::StatusOr<QueryResult> pid = Query(*connection_, "SELECT pg_backend_pid()");
    ASSERT_TRUE(pid.ok()) << pid.status();
    absl::StatusOr<std::unique_ptr<backend::BackendConnection>> killer = Reconnect();
    ASSERT_TRUE(killer.ok()) << killer.status();
    ASSERT_TRUE(Query(**killer, "SELECT pg_terminate_backend(" +
                                    std::to_string(pid->rows[0][0].i64) + ", 5000)")
                    .ok());
    absl::StatusOr<QueryResult> next = Query(*connection_, next_sql);
    ASSERT_FALSE(next.ok()) << next_sql;
    EXPECT_EQ(core::SqlStateOf(next.status()), "08S01") << next_sql << ": " << next.status();
    EXPECT_FALSE(connection_->IsAlive());
    absl::StatusOr<std::unique_ptr<backend::BackendConnection>> fresh = Reconnect();
    ASSERT_TRUE(fresh.ok()) << fresh.status();
    connection_ = std::move(*fresh);
  }
}

TEST_P(CursorTest, StreamingUsesBoundedMemory) {
  std::unique_ptr<backend::Cursor> cursor = Open(
      "SELECT i, md5(i::text), now()::timestamp FROM (SELECT generate_series(1, 2000000) i) s");
  ASSERT_NE(cursor, nullptr);
  rowstore::RowBatch batch;
  size_t rows = 0;
  size_t peak = 0;
  int64_t last = 0;
  while (true) {
    batch.Clear(3);
    absl::StatusOr<bool> more = cursor->Fill(batch, {.max_rows = 1000, .max_bytes = 1 << 20});
    ASSERT_TRUE(more.ok()) << more.status();
    rows += batch.num_rows();
    if (batch.num_rows() > 0) last = batch.at(batch.num_rows() - 1, 0).i64;
    peak = std::max(peak, batch.MemoryUsage());
    if (!*more) break;
  }
  EXPECT_EQ(rows, 2000000u);
  EXPECT_EQ(last, 2000000);
  EXPECT_LT(peak, size_t{4} << 20);
  EXPECT_EQ(cursor->rows_affected(), 2000000);
}

INSTANTIATE_TEST_SUITE_P(Paths, CursorTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Copy" : "Prepared";
                         });

}  // namespace
}  // namespace quietfetch::pg
