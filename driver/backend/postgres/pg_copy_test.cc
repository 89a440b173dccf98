// Integration tests of the COPY fetch path: when it is chosen, that it
// returns what the prepared path returns, and how it copes with errors,
// early close, other statements, stale statements and refusals. (The
// streaming tests in pg_cursor_test.cc run on both paths as well.)
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "driver/backend/postgres/pg_connection.h"
#include "driver/backend/postgres/pg_connection_internal.h"
#include "driver/backend/postgres/pg_test_util.h"
#include "driver/core/status.h"

namespace quietfetch::pg {
namespace {

using backend::LogicalType;
using testing::Double;
using testing::FillUntilError;
using testing::Int;
using testing::P;
using testing::PgServerTest;
using testing::Query;
using testing::QueryResult;
using testing::ReadAll;
using testing::Str;

class CopyTest : public PgServerTest {
 protected:
  void SetUp() override {
    PgServerTest::SetUp();
    // These tests are about the COPY path itself: take it on every run.
    if (connection_ != nullptr) pg().set_copy_min_rows(0);
  }
  PgConnection& pg() { return *static_cast<PgConnection*>(connection_.get()); }

  // Runs `sql` and tells whether its rows came through COPY.
  absl::StatusOr<QueryResult> Run(std::string_view sql, bool* copy,
                                  std::vector<backend::Param> params = {}) {
    QF_ASSIGN_OR_RETURN(std::unique_ptr<backend::Cursor> cursor, connection_->Execute(sql, params));
    *copy = static_cast<PgCursor*>(cursor.get())->uses_copy();
    return ReadAll(*cursor);
  }

  bool UsesCopy(std::string_view sql, std::vector<backend::Param> params = {}) {
    bool copy = false;
    absl::StatusOr<QueryResult> result = Run(sql, &copy, std::move(params));
    EXPECT_TRUE(result.ok()) << sql << ": " << result.status();
    return copy;
  }

  // The same statement through both paths must agree on columns and rows.
  void ExpectSameOnBothPaths(const std::string& sql) {
    bool copy = false;
    pg().set_copy_enabled(true);
    absl::StatusOr<QueryResult> through_copy = Run(sql, &copy);
    ASSERT_TRUE(through_copy.ok()) << sql << ": " << through_copy.status();
    EXPECT_TRUE(copy) << sql;
    pg().set_copy_enabled(false);
    absl::StatusOr<QueryResult> prepared = Run(sql, &copy);
    pg().set_copy_enabled(true);
    ASSERT_TRUE(prepared.ok()) << sql << ": " << prepared.status();
    EXPECT_FALSE(copy) << sql;
    ASSERT_EQ(through_copy->columns.size(), prepared->columns.size());
    for (size_t i = 0; i < prepared->columns.size(); ++i) {
      const backend::ColumnInfo& a = through_copy->columns[i];
      const backend::ColumnInfo& b = prepared->columns[i];
      EXPECT_EQ(a.name, b.name);
      EXPECT_EQ(a.type, b.type) << a.name;
      EXPECT_EQ(a.type_name, b.type_name) << a.name;
      EXPECT_EQ(a.size, b.size) << a.name;
      EXPECT_EQ(a.precision, b.precision) << a.name;
      EXPECT_EQ(a.scale, b.scale) << a.name;
      EXPECT_EQ(a.nullable, b.nullable) << a.name;
    }
    ASSERT_EQ(through_copy->rows.size(), prepared->rows.size()) << sql;
    for (size_t row = 0; row < prepared->rows.size(); ++row) {
      for (size_t i = 0; i < prepared->columns.size(); ++i) {
        EXPECT_EQ(through_copy->rows[row][i], prepared->rows[row][i])
            << "row " << row << ", column " << i + 1 << " (" << prepared->columns[i].type_name
            << ")";
      }
    }
    EXPECT_EQ(through_copy->rows_affected, prepared->rows_affected);
  }

  void ExpectUsable() {
    absl::StatusOr<QueryResult> result = Query(*connection_, "SELECT 41 + 1");
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->rows.at(0)[0], Int(42));
  }
};

TEST_F(CopyTest, UsedForPlainQueriesWithoutParameters) {
  ASSERT_TRUE(Query(*connection_, "CREATE TEMP TABLE plain (a int, b text)").ok());
  ASSERT_TRUE(Query(*connection_, "INSERT INTO plain VALUES (1, 'x')").ok());
  for (const char* sql :
       {"SELECT 1", "select a, b from plain", "VALUES (1, 'a'), (2, 'b')", "TABLE plain",
        "(SELECT 1) UNION ALL (SELECT 2)", "SELECT 1;", "SELECT a FROM plain -- trailing comment",
        "/* lead */ SELECT a FROM plain ; ; -- done", "SELECT * FROM plain FOR UPDATE",
        "SELECT {fn ucase(b)} FROM plain"}) {
    EXPECT_TRUE(UsesCopy(sql)) << sql;
  }
  EXPECT_FALSE(UsesCopy("SELECT ?", {P(LogicalType::kInt32, "1")}));
  EXPECT_FALSE(UsesCopy("SELECT a FROM plain WHERE b = ?", {P(LogicalType::kUnknown, "x")}));
  EXPECT_FALSE(UsesCopy("WITH w AS (SELECT 1) SELECT * FROM w"));
  EXPECT_FALSE(UsesCopy("SELECT '1 day'::interval"));  // a column without a binary decoder
  EXPECT_FALSE(UsesCopy("SELECT 1 FROM plain LIMIT 0; SELECT 2"));
  EXPECT_FALSE(UsesCopy("INSERT INTO plain VALUES (2, 'y') RETURNING a"));
  EXPECT_FALSE(UsesCopy("SHOW work_mem"));
  EXPECT_FALSE(UsesCopy("SELECT a INTO TEMP made FROM plain"));  // no result columns
  EXPECT_TRUE(Query(*connection_, "SELECT * FROM made").ok());
  pg().set_copy_enabled(false);
  EXPECT_FALSE(UsesCopy("SELECT 1"));
}

TEST_F(CopyTest, RerunsUseCopyOnlyForResultsThatWereLarge) {
  pg().set_copy_min_rows(1000);
  // First runs take COPY; a statement whose last run was small goes back to
  // the prepared path (no revalidating describe), a large one stays on COPY.
  EXPECT_TRUE(UsesCopy("SELECT g FROM generate_series(1, 10) g"));
  EXPECT_FALSE(UsesCopy("SELECT g FROM generate_series(1, 10) g"));
  EXPECT_FALSE(UsesCopy("SELECT g FROM generate_series(1, 10) g"));
  EXPECT_TRUE(UsesCopy("SELECT g FROM generate_series(1, 5000) g"));
  EXPECT_TRUE(UsesCopy("SELECT g FROM generate_series(1, 5000) g"));
}

TEST_F(CopyTest, SameValuesAsThePreparedPath) {
  const std::string columns =
      "true AS b, 's'::\"char\", 'n'::name, 42::int2, 42::int4, -42::int8, 4000000000::oid, "
      "1.5::float4, 0.1::float8, 'NaN'::float8, '-Infinity'::float4, 12.340::numeric, "
      "'-0.00012'::numeric, 'Infinity'::numeric, 0.00::numeric, 'x'::text, 'ab'::char(4), "
      "'h\xc3\xa9'::varchar(7), '\\x00ff'::bytea, '2024-01-31'::date, '0044-03-15 BC'::date, "
      "'-infinity'::date, '13:45:30.123456'::time, '2024-01-31 12:00:00.5'::timestamp, "
      "'infinity'::timestamp, '1900-01-01 00:00:00'::timestamp, "
      "'2024-07-01 12:00:00+00'::timestamptz, '1800-01-01 00:00:00+00'::timestamptz, "
      "'2024-01-15 12:00:00+00'::timestamptz, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, "
      "'{\"a\":1}'::json, '{\"b\": [1, 2]}'::jsonb, NULL::int4, NULL::text";
  for (const char* zone :
       {"UTC", "Europe/Berlin", "America/New_York", "+05:30", "Australia/Sydney"}) {
    ASSERT_TRUE(Query(*connection_, std::string("SET TIME ZONE '") + zone + "'").ok());
    SCOPED_TRACE(zone);
    ExpectSameOnBothPaths("SELECT " + columns);
  }

  ASSERT_TRUE(Query(*connection_,
                    "CREATE TEMP TABLE mixed AS SELECT i, i::text || 'x' AS t, "
                    "CASE WHEN i % 3 = 0 THEN NULL ELSE i * 1.25 END::numeric(10,2) AS n, "
                    "'2020-01-01'::timestamptz + i * interval '1 hour' AS ts, "
                    "md5(i::text)::uuid AS u, decode(md5(i::text), 'hex') AS raw, "
                    "CASE WHEN i % 2 = 0 THEN 'long ' || repeat('y', i % 500) END AS maybe "
                    "FROM generate_series(1, 5000) i")
                  .ok());
  ExpectSameOnBothPaths("SELECT * FROM mixed ORDER BY i");
  ExpectSameOnBothPaths("SELECT i FROM mixed WHERE false");
}

TEST_F(CopyTest, RowsAffectedComesFromTheCopyTag) {
  bool copy = false;
  absl::StatusOr<QueryResult> result = Run("SELECT i FROM generate_series(1, 1234) i", &copy);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(copy);
  EXPECT_EQ(result->rows.size(), 1234u);
  EXPECT_EQ(result->rows_affected, 1234);

  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor =
      connection_->Execute("SELECT i FROM generate_series(1, 10) i", {});
  ASSERT_TRUE(cursor.ok());
  rowstore::RowBatch batch;
  batch.Clear(1);
  ASSERT_TRUE((*cursor)->Fill(batch, {.max_rows = 5}).ok());
  EXPECT_EQ((*cursor)->rows_affected(), -1);  // known once the result is read
}

TEST_F(CopyTest, ErrorsBeforeTheFirstRowFailTheStatement) {
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor =
      connection_->Execute("SELECT 1 / (i - 1) FROM generate_series(1, 3) i", {});
  ASSERT_FALSE(cursor.ok());
  EXPECT_EQ(core::SqlStateOf(cursor.status()), "22012") << cursor.status();
  ExpectUsable();
}

TEST_F(CopyTest, ServerErrorMidStreamFollowsTheRowsBeforeIt) {
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor =
      connection_->Execute("SELECT 10 / (5000 - i) FROM generate_series(1, 10000) i", {});
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_TRUE(static_cast<PgCursor*>(cursor->get())->uses_copy());
  size_t rows = 0;
  absl::Status error = FillUntilError(**cursor, 1, 700, &rows);
  EXPECT_EQ(rows, 4999u);
  EXPECT_EQ(core::SqlStateOf(error), "22012") << error;
  ExpectUsable();
}

TEST_F(CopyTest, LargeValuesAndByteLimits) {
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor = connection_->Execute(
      "SELECT i, repeat(chr(64 + i), 3000000) FROM generate_series(1, 5) i", {});
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  rowstore::RowBatch batch;
  for (int i = 1; i <= 5; ++i) {
    batch.Clear(2);
    absl::StatusOr<bool> more = (*cursor)->Fill(batch, {.max_rows = 100, .max_bytes = 1 << 20});
    ASSERT_TRUE(more.ok()) << more.status();
    ASSERT_EQ(batch.num_rows(), 1u);
    EXPECT_EQ(batch.at(0, 0).i64, i);
    EXPECT_EQ(batch.at(0, 1).bytes(), std::string(3000000, static_cast<char>(64 + i)));
  }
  batch.Clear(2);
  absl::StatusOr<bool> more = (*cursor)->Fill(batch, {});
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ((*cursor)->rows_affected(), 5);
}

TEST_F(CopyTest, EarlyCloseOfAMillionRowsIsFast) {
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor = connection_->Execute(
      "SELECT id, ts, n FROM (SELECT md5(i::text) AS id, now()::timestamp AS ts, i AS n "
      "FROM generate_series(1, 1000000) i) s",
      {});
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_TRUE(static_cast<PgCursor*>(cursor->get())->uses_copy());
  rowstore::RowBatch batch;
  batch.Clear(3);
  ASSERT_TRUE((*cursor)->Fill(batch, {.max_rows = 10}).ok());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE((*cursor)->Close().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_FALSE(connection_->InTransaction());
  ExpectUsable();
}

TEST_F(CopyTest, AnotherStatementBuffersTheRestOfTheCopy) {
  absl::StatusOr<std::unique_ptr<backend::Cursor>> first =
      connection_->Execute("SELECT i, 'v' || i FROM generate_series(1, 100000) i", {});
  ASSERT_TRUE(first.ok()) << first.status();
  rowstore::RowBatch batch;
  batch.Clear(2);
  ASSERT_TRUE((*first)->Fill(batch, {.max_rows = 3}).ok());
  ASSERT_EQ(batch.num_rows(), 3u);
  // The second COPY statement on the connection makes the first buffer.
  bool copy = false;
  absl::StatusOr<QueryResult> second = Run("SELECT 'other'", &copy);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(copy);
  EXPECT_EQ(second->rows.at(0)[0], Str("other"));
  EXPECT_EQ((*first)->rows_affected(), -1);
  absl::StatusOr<QueryResult> rest = ReadAll(**first, {.max_rows = 999});
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->rows.size(), 100000u - 3);
  for (size_t row = 0; row < rest->rows.size(); ++row) {
    const int64_t i = static_cast<int64_t>(row) + 4;
    ASSERT_EQ(rest->rows[row][0], Int(i));
    ASSERT_EQ(rest->rows[row][1], Str("v" + std::to_string(i)));
  }
  EXPECT_EQ((*first)->rows_affected(), 100000);
  ExpectUsable();
}

TEST_F(CopyTest, BufferedCopyKeepsItsErrorForLast) {
  absl::StatusOr<std::unique_ptr<backend::Cursor>> first =
      connection_->Execute("SELECT 10 / (50 - i) FROM generate_series(1, 100) i", {});
  ASSERT_TRUE(first.ok()) << first.status();
  ExpectUsable();  // buffers `first`
  size_t rows = 0;
  absl::Status error = FillUntilError(**first, 1, 7, &rows);
  EXPECT_EQ(rows, 49u);
  EXPECT_EQ(core::SqlStateOf(error), "22012") << error;

  // A buffered COPY closed early lets go of its data.
  absl::StatusOr<std::unique_ptr<backend::Cursor>> big =
      connection_->Execute("SELECT i FROM generate_series(1, 50000) i", {});
  ASSERT_TRUE(big.ok());
  ExpectUsable();
  EXPECT_TRUE((*big)->Close().ok());
  rowstore::RowBatch batch;
  batch.Clear(1);
  absl::StatusOr<bool> more = (*big)->Fill(batch, {});
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

TEST_F(CopyTest, ManualCommitRunsTheCopyInTheTransaction) {
  ASSERT_TRUE(Query(*connection_, "CREATE TEMP TABLE txn (v int)").ok());
  ASSERT_TRUE(connection_->SetAutocommit(false).ok());
  ASSERT_TRUE(Query(*connection_, "INSERT INTO txn SELECT generate_series(1, 100000)").ok());
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor =
      connection_->Execute("SELECT v FROM txn", {});
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_TRUE(static_cast<PgCursor*>(cursor->get())->uses_copy());
  EXPECT_TRUE(connection_->InTransaction());
  rowstore::RowBatch batch;
  batch.Clear(1);
  ASSERT_TRUE((*cursor)->Fill(batch, {.max_rows = 10}).ok());
  // Drained, not cancelled: a cancel would abort the transaction.
  EXPECT_TRUE((*cursor)->Close().ok());
  EXPECT_TRUE(connection_->InTransaction());
  absl::StatusOr<QueryResult> count = Query(*connection_, "SELECT count(*) FROM txn");
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(count->rows[0][0], Int(100000));
  ASSERT_TRUE(connection_->Rollback().ok());
  absl::StatusOr<QueryResult> after = Query(*connection_, "SELECT count(*) FROM txn");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->rows[0][0], Int(0));
  ASSERT_TRUE(connection_->Commit().ok());
}

TEST_F(CopyTest, CancelFromAnotherThreadStopsTheCopy) {
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor =
      connection_->Execute("SELECT generate_series(1, 200000000)", {});
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_TRUE(static_cast<PgCursor*>(cursor->get())->uses_copy());
  std::thread canceller([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_TRUE(connection_->Cancel().ok());
  });
  rowstore::RowBatch batch;
  absl::Status error;
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(60)) {
    batch.Clear(1);
    absl::StatusOr<bool> more = (*cursor)->Fill(batch, {.max_rows = 10000});
    if (!more.ok()) {
      error = more.status();
      break;
    }
    ASSERT_TRUE(*more);
  }
  canceller.join();
  EXPECT_EQ(core::SqlStateOf(error), "57014") << error;
  ExpectUsable();
}

TEST_F(CopyTest, ChangedColumnTypesAreDescribedAgain) {
  ASSERT_TRUE(Query(*connection_, "CREATE TEMP TABLE morph (v int4)").ok());
  ASSERT_TRUE(Query(*connection_, "INSERT INTO morph VALUES (1)").ok());
  bool copy = false;
  absl::StatusOr<QueryResult> before = Run("SELECT v FROM morph", &copy);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_TRUE(copy);
  EXPECT_EQ(before->rows.at(0)[0], Int(1));
  // Same width, other type: decoding with the old shape would go unnoticed.
  ASSERT_TRUE(Query(*connection_, "ALTER TABLE morph ALTER COLUMN v TYPE float4").ok());
  absl::StatusOr<QueryResult> after = Run("SELECT v FROM morph", &copy);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(copy);
  EXPECT_EQ(after->columns[0].type, LogicalType::kFloat32);
  EXPECT_EQ(after->rows.at(0)[0], Double(1.0));

  ASSERT_TRUE(Query(*connection_, "DEALLOCATE ALL").ok());
  absl::StatusOr<QueryResult> again = Run("SELECT v FROM morph", &copy);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->rows.at(0)[0], Double(1.0));
}

TEST_F(CopyTest, SearchPathChangesAreDescribedAgain) {
  const std::string suffix =
      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000000);
  const std::string a = "qf_copy_a_" + suffix;
  const std::string b = "qf_copy_b_" + suffix;
  ASSERT_TRUE(Query(*connection_, "CREATE SCHEMA " + a + "; CREATE SCHEMA " + b + "; " +
                                      "CREATE TABLE " + a + ".item AS SELECT 7::int4 AS v; " +
                                      "CREATE TABLE " + b + ".item AS SELECT 7::float4 AS v")
                  .ok());
  std::vector<testing::Value> seen;
  for (const std::string& schema : {a, b, a}) {
    ASSERT_TRUE(Query(*connection_, "SET search_path = " + schema).ok());
    bool copy = false;
    absl::StatusOr<QueryResult> result = Run("SELECT v FROM item", &copy);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(copy);
    seen.push_back(result->rows.at(0)[0]);
  }
  ASSERT_TRUE(Query(*connection_, "RESET search_path").ok());
  ASSERT_TRUE(
      Query(*connection_, "DROP SCHEMA " + a + " CASCADE; DROP SCHEMA " + b + " CASCADE").ok());
  EXPECT_EQ(seen, (std::vector<testing::Value>{Int(7), Double(7.0), Int(7)}));
}

// A function that fails only when run inside COPY stands in for statements
// the server refuses to COPY. IMMUTABLE: evaluated while planning, so that
// the failure comes before the COPY starts.
constexpr const char* kRefuseCopy =
    "CREATE FUNCTION pg_temp.refuse_copy() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ "
    "BEGIN "
    "  IF current_query() LIKE 'COPY%' THEN "
    "    RAISE EXCEPTION USING ERRCODE = 'feature_not_supported', MESSAGE = 'not in COPY'; "
    "  END IF; "
    "  RETURN 7; "
    "END $$";

TEST_F(CopyTest, RefusedStatementsFallBackToThePreparedPath) {
  ASSERT_TRUE(Query(*connection_, kRefuseCopy).ok());
  for (int run = 0; run < 2; ++run) {
    bool copy = true;
    absl::StatusOr<QueryResult> result = Run("SELECT pg_temp.refuse_copy()", &copy);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_FALSE(copy) << run;
    EXPECT_EQ(result->rows.at(0)[0], Int(7));
  }
  // Other statements still use COPY.
  EXPECT_TRUE(UsesCopy("SELECT 1"));
}

TEST_F(CopyTest, RefusalInsideATransactionIsReportedAndRemembered) {
  ASSERT_TRUE(Query(*connection_, kRefuseCopy).ok());
  ASSERT_TRUE(connection_->SetAutocommit(false).ok());
  absl::StatusOr<QueryResult> refused = Query(*connection_, "SELECT pg_temp.refuse_copy()");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(core::SqlStateOf(refused.status()), "0A000") << refused.status();
  ASSERT_TRUE(connection_->Rollback().ok());
  bool copy = true;
  absl::StatusOr<QueryResult> result = Run("SELECT pg_temp.refuse_copy()", &copy);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(copy);
  EXPECT_EQ(result->rows.at(0)[0], Int(7));
  ASSERT_TRUE(connection_->Commit().ok());
}

TEST_F(CopyTest, TerminatedBackendMidCopyIs08S01) {
  absl::StatusOr<QueryResult> pid = Query(*connection_, "SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok()) << pid.status();
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor =
      connection_->Execute("SELECT generate_series(1, 100000000), repeat('y', 100)", {});
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_TRUE(static_cast<PgCursor*>(cursor->get())->uses_copy());
  rowstore::RowBatch batch;
  batch.Clear(2);
  ASSERT_TRUE((*cursor)->Fill(batch, {.max_rows = 100}).ok());

  absl::StatusOr<std::unique_ptr<backend::BackendConnection>> killer = Reconnect();
  ASSERT_TRUE(killer.ok()) << killer.status();
  ASSERT_TRUE(
      Query(**killer, "SELECT pg_terminate_backend(" + std::to_string(pid->rows[0][0].i64) + ")")
          .ok());
  // The result is far too long to end on its own: only the lost connection
  // (or the time limit, a test failure too) stops it.
  size_t rows = 0;
  absl::Status error = testing::FillUntilError(**cursor, 2, 10000, &rows, std::chrono::seconds(60));
  EXPECT_EQ(core::SqlStateOf(error), "08S01") << error;
  EXPECT_FALSE(connection_->IsAlive());
  EXPECT_TRUE((*cursor)->Close().ok());
}

}  // namespace
}  // namespace quietfetch::pg
