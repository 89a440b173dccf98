// Static cursors without a server: the SQLFetchScroll positioning rules,
// case by case from the tables of the SQLFetchScroll reference, and the
// held result read back by row number across batch boundaries.
#include "driver/core/scroll_cursor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "driver/core/local_result.h"

namespace quietfetch::core {
namespace {

using Place = RowsetPosition::Place;

const RowsetPosition kBefore{Place::kBeforeStart, 0};
const RowsetPosition kAfter{Place::kAfterEnd, 0};
RowsetPosition At(int64_t start) { return {Place::kOnRowset, start}; }

std::string Describe(const RowsetPosition& p) {
  switch (p.place) {
    case Place::kBeforeStart:
      return "before start";
    case Place::kAfterEnd:
      return "after end";
    case Place::kOnRowset:
      return "rowset at " + std::to_string(p.start);
  }
  return "?";
}

struct Case {
  const char* what;
  RowsetPosition from;
  SQLSMALLINT orientation;
  SQLLEN offset;
  size_t rowset_size;
  size_t previous_rowset_size;
  int64_t rows;
  RowsetPosition to;
  bool warns = false;  // 01S06
};

constexpr SQLLEN kMin = std::numeric_limits<SQLLEN>::min();
constexpr SQLLEN kMax = std::numeric_limits<SQLLEN>::max();

const Case kCases[] = {
    // SQL_FETCH_NEXT.
    {"next from before start", kBefore, SQL_FETCH_NEXT, 0, 5, 0, 20, At(1)},
    {"next inside", At(1), SQL_FETCH_NEXT, 0, 5, 5, 20, At(6)},
    {"next onto the last partial rowset", At(16), SQL_FETCH_NEXT, 0, 5, 5, 18, kAfter},
    {"next reaching the partial rowset", At(11), SQL_FETCH_NEXT, 0, 5, 5, 18, At(16)},
    {"next past the end", At(16), SQL_FETCH_NEXT, 0, 5, 5, 20, kAfter},
    {"next from after end", kAfter, SQL_FETCH_NEXT, 0, 5, 5, 20, kAfter},
    {"next uses the previous rowset size", At(1), SQL_FETCH_NEXT, 0, 10, 3, 20, At(4)},
    {"next on an empty result", kBefore, SQL_FETCH_NEXT, 0, 5, 0, 0, kAfter},
    // SQL_FETCH_PRIOR.
    {"prior from before start", kBefore, SQL_FETCH_PRIOR, 0, 5, 0, 20, kBefore},
    {"prior from the first rowset", At(1), SQL_FETCH_PRIOR, 0, 5, 5, 20, kBefore},
    {"prior overlapping row 1", At(3), SQL_FETCH_PRIOR, 0, 5, 5, 20, At(1), true},
    {"prior at exactly the rowset size", At(5), SQL_FETCH_PRIOR, 0, 5, 5, 20, At(1), true},
    {"prior inside", At(11), SQL_FETCH_PRIOR, 0, 5, 5, 20, At(6)},
    {"prior uses the new rowset size", At(11), SQL_FETCH_PRIOR, 0, 3, 5, 20, At(8)},
    {"prior from after end", kAfter, SQL_FETCH_PRIOR, 0, 5, 5, 18, At(14)},
    {"prior from after end, small result", kAfter, SQL_FETCH_PRIOR, 0, 5, 5, 3, At(1), true},
    {"prior from after end, result of one rowset", kAfter, SQL_FETCH_PRIOR, 0, 5, 5, 5, At(1)},
    {"prior from after end, empty result", kAfter, SQL_FETCH_PRIOR, 0, 5, 5, 0, kAfter},
    // SQL_FETCH_RELATIVE.
    {"relative forward from before start is absolute", kBefore, SQL_FETCH_RELATIVE, 7, 5, 0, 20,
     At(7)},
    {"relative back from after end is absolute", kAfter, SQL_FETCH_RELATIVE, -3, 5, 5, 20, At(18)},
    {"relative 0 from before start", kBefore, SQL_FETCH_RELATIVE, 0, 5, 0, 20, kBefore},
    {"relative back from before start", kBefore, SQL_FETCH_RELATIVE, -2, 5, 0, 20, kBefore},
    {"relative forward from after end", kAfter, SQL_FETCH_RELATIVE, 2, 5, 5, 20, kAfter},
    {"relative 0 from after end", kAfter, SQL_FETCH_RELATIVE, 0, 5, 5, 20, kAfter},
    {"relative back from row 1", At(1), SQL_FETCH_RELATIVE, -1, 5, 5, 20, kBefore},
    {"relative far back", At(4), SQL_FETCH_RELATIVE, -9, 5, 5, 20, kBefore},
    {"relative back within a rowset of row 1", At(4), SQL_FETCH_RELATIVE, -5, 5, 5, 20, At(1),
     true},
    {"relative back to row 1 exactly", At(4), SQL_FETCH_RELATIVE, -3, 5, 5, 20, At(1)},
    {"relative 0 refetches", At(9), SQL_FETCH_RELATIVE, 0, 5, 5, 20, At(9)},
    {"relative forward", At(9), SQL_FETCH_RELATIVE, 4, 5, 5, 20, At(13)},
    {"relative to the last row", At(9), SQL_FETCH_RELATIVE, 11, 5, 5, 20, At(20)},
    {"relative past the end", At(9), SQL_FETCH_RELATIVE, 12, 5, 5, 20, kAfter},
    {"relative with the largest offset", At(9), SQL_FETCH_RELATIVE, kMax, 5, 5, 20, kAfter},
    {"relative with the smallest offset", At(9), SQL_FETCH_RELATIVE, kMin, 5, 5, 20, kBefore},
    // SQL_FETCH_ABSOLUTE.
    {"absolute from the end", At(3), SQL_FETCH_ABSOLUTE, -1, 5, 5, 20, At(20)},
    {"absolute -rows", At(3), SQL_FETCH_ABSOLUTE, -20, 5, 5, 20, At(1)},
    {"absolute before row 1, within a rowset", At(3), SQL_FETCH_ABSOLUTE, -4, 5, 5, 3, At(1), true},
    {"absolute before row 1, beyond a rowset", At(3), SQL_FETCH_ABSOLUTE, -26, 5, 5, 20, kBefore},
    {"absolute 0", At(3), SQL_FETCH_ABSOLUTE, 0, 5, 5, 20, kBefore},
    {"absolute 1", kAfter, SQL_FETCH_ABSOLUTE, 1, 5, 5, 20, At(1)},
    {"absolute last row", kBefore, SQL_FETCH_ABSOLUTE, 20, 5, 0, 20, At(20)},
    {"absolute past the end", kBefore, SQL_FETCH_ABSOLUTE, 21, 5, 0, 20, kAfter},
    {"absolute smallest offset", kBefore, SQL_FETCH_ABSOLUTE, kMin, 5, 0, 20, kBefore},
    {"absolute on an empty result", kBefore, SQL_FETCH_ABSOLUTE, -2, 5, 0, 0, kAfter},
    // SQL_FETCH_FIRST and SQL_FETCH_LAST.
    {"first", At(11), SQL_FETCH_FIRST, 0, 5, 5, 20, At(1)},
    {"first on an empty result", kBefore, SQL_FETCH_FIRST, 0, 5, 0, 0, kAfter},
    {"last", kBefore, SQL_FETCH_LAST, 0, 5, 0, 20, At(16)},
    {"last of an uneven result", kBefore, SQL_FETCH_LAST, 0, 5, 0, 18, At(14)},
    {"last when the rowset exceeds the result", kBefore, SQL_FETCH_LAST, 0, 50, 0, 18, At(1)},
    {"last on an empty result", kBefore, SQL_FETCH_LAST, 0, 5, 0, 0, kAfter},
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.what; }

class MoveRowsetTest : public ::testing::TestWithParam<Case> {};

TEST_P(MoveRowsetTest, FollowsTheSpecification) {
  const Case& c = GetParam();
  ScrollMove move =
      MoveRowset(c.from, c.orientation, c.offset, c.rowset_size, c.previous_rowset_size, c.rows);
  EXPECT_TRUE(move.position == c.to)
      << "got " << Describe(move.position) << ", want " << Describe(c.to);
  EXPECT_EQ(move.clamped_to_first, c.warns);
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name;
  for (const char* p = info.param.what; *p != '\0'; ++p) {
    name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Rules, MoveRowsetTest, ::testing::ValuesIn(kCases), CaseName);

TEST(RowsInRowsetTest, CountsPartialRowsets) {
  EXPECT_EQ(RowsInRowset(At(1), 5, 20), 5u);
  EXPECT_EQ(RowsInRowset(At(16), 5, 18), 3u);
  EXPECT_EQ(RowsInRowset(At(18), 5, 18), 1u);
  EXPECT_EQ(RowsInRowset(At(19), 5, 18), 0u);
  EXPECT_EQ(RowsInRowset(kBefore, 5, 18), 0u);
  EXPECT_EQ(RowsInRowset(kAfter, 5, 18), 0u);
}

std::unique_ptr<backend::Cursor> Numbers(int count) {
  std::vector<std::vector<LocalValue>> rows;
  for (int i = 1; i <= count; ++i) {
    rows.push_back(
        {int64_t{i}, i % 3 == 0 ? LocalValue() : LocalValue("row " + std::to_string(i))});
  }
  return std::make_unique<LocalResult>(
      std::vector<backend::ColumnInfo>{LocalResult::IntColumn("n"),
                                       LocalResult::TextColumn("text")},
      std::move(rows));
}

TEST(ScrollCursorTest, HoldsEveryRowAcrossBatches) {
  rowstore::BatchLimits limits;
  limits.max_rows = 7;
  std::vector<int64_t> batches;
  auto held =
      ScrollCursor::ReadAll(Numbers(30), limits, 0, [&](int64_t rows) { batches.push_back(rows); });
  ASSERT_TRUE(held.ok()) << held.status();
  ScrollCursor& cursor = **held;
  EXPECT_EQ(cursor.row_count(), 30);
  EXPECT_EQ(cursor.rows_affected(), 30);
  EXPECT_EQ(batches, (std::vector<int64_t>{7, 7, 7, 7, 2}));
  EXPECT_EQ(cursor.columns().size(), 2u);
  // Read backwards, crossing every batch boundary.
  for (int64_t n = 30; n >= 1; --n) {
    auto [batch, row] = cursor.Row(n);
    EXPECT_EQ(batch->at(row, 0).i64, n);
    if (n % 3 == 0) {
      EXPECT_TRUE(batch->at(row, 1).is_null());
    } else {
      EXPECT_EQ(batch->at(row, 1).bytes(), "row " + std::to_string(n));
    }
  }
  EXPECT_GT(cursor.MemoryUsage(), 0u);
  EXPECT_TRUE(cursor.Close().ok());
  EXPECT_EQ(cursor.row_count(), 0);
  EXPECT_EQ(cursor.MemoryUsage(), 0u);
}

TEST(ScrollCursorTest, StopsAtMaxRows) {
  rowstore::BatchLimits limits;
  limits.max_rows = 4;
  auto held = ScrollCursor::ReadAll(Numbers(30), limits, 10, nullptr);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ((*held)->row_count(), 10);
  auto [batch, row] = (*held)->Row(10);
  EXPECT_EQ(batch->at(row, 0).i64, 10);
}

TEST(ScrollCursorTest, HoldsAnEmptyResult) {
  auto held = ScrollCursor::ReadAll(Numbers(0), rowstore::BatchLimits(), 0, nullptr);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ((*held)->row_count(), 0);
  EXPECT_EQ((*held)->MemoryUsage(), 0u);
}

TEST(ScrollCursorTest, IsNotReadByFill) {
  auto held = ScrollCursor::ReadAll(Numbers(3), rowstore::BatchLimits(), 0, nullptr);
  ASSERT_TRUE(held.ok()) << held.status();
  rowstore::RowBatch batch;
  batch.Clear(2);
  EXPECT_FALSE((*held)->Fill(batch, rowstore::BatchLimits()).ok());
}

}  // namespace
}  // namespace quietfetch::core
