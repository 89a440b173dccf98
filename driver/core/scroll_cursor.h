// Static (scrollable) cursors: the whole result held in arena-backed row
// batches so that SQLFetchScroll can move in every direction, and the
// rowset arithmetic of SQLFetchScroll as the ODBC specification defines it.
//
// A static cursor exists only when the application asked for one
// (SQL_ATTR_CURSOR_TYPE other than forward-only, or SQL_ATTR_CURSOR_SCROLLABLE
// = SQL_SCROLLABLE); forward-only results keep streaming batch by batch. A
// static cursor over N rows holds N rows (the batches as the backend filled
// them, nothing copied), until the cursor is closed.
#ifndef QUIETFETCH_DRIVER_CORE_SCROLL_CURSOR_H_
#define QUIETFETCH_DRIVER_CORE_SCROLL_CURSOR_H_

#include <sql.h>
#include <sqlext.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "driver/backend/backend.h"
#include "driver/rowstore/row_batch.h"

namespace quietfetch::core {

// Where a scrollable cursor is: before the first row, on a rowset starting
// at `start` (1-based row number), or after the last row.
struct RowsetPosition {
  enum class Place { kBeforeStart, kOnRowset, kAfterEnd };
  Place place = Place::kBeforeStart;
  int64_t start = 0;  // meaningful for kOnRowset only

  bool on_rowset() const { return place == Place::kOnRowset; }
  bool operator==(const RowsetPosition& other) const {
    return place == other.place && (place != Place::kOnRowset || start == other.start);
  }
};

struct ScrollMove {
  RowsetPosition position;
  // SQLSTATE 01S06: the move asked for a rowset that would begin before row
  // 1 and was given the first rowset instead.
  bool clamped_to_first = false;
};

// The new position after SQLFetchScroll(orientation, offset), by the tables
// in the SQLFetchScroll reference ("Cursor positioning rules").
// `rowset_size` is the current SQL_ATTR_ROW_ARRAY_SIZE; `previous_rowset_size`
// the size used by the previous fetch (0 if none), which SQL_FETCH_NEXT uses
// when the size has changed. `row_count` is the number of rows in the result.
// SQL_FETCH_BOOKMARK and unknown orientations are the caller's to reject.
ScrollMove MoveRowset(const RowsetPosition& current, SQLSMALLINT orientation, SQLLEN offset,
                      size_t rowset_size, size_t previous_rowset_size, int64_t row_count);

// Rows present in the rowset at `position` (fewer than `rowset_size` at the
// end of the result; 0 off the result).
size_t RowsInRowset(const RowsetPosition& position, size_t rowset_size, int64_t row_count);

// A result read to its end (up to a row limit) and kept in the batches the
// source filled. It is also the statement's backend::Cursor, so the rest of
// the statement (columns, SQLRowCount, close) treats it like any result;
// rows are read by position with Row(), never with Fill().
class ScrollCursor : public backend::Cursor {
 public:
  // Reads `source` to its end, or until `max_rows` rows when it is not 0
  // (SQL_ATTR_MAX_ROWS). `on_batch` is told the row count of each batch as
  // it arrives. An error while reading is returned as is.
  static absl::StatusOr<std::unique_ptr<ScrollCursor>> ReadAll(
      std::unique_ptr<backend::Cursor> source, const rowstore::BatchLimits& limits,
      uint64_t max_rows, const std::function<void(int64_t)>& on_batch);

  const std::vector<backend::ColumnInfo>& columns() const override { return source_->columns(); }
  // Not used: a static cursor is read by position.
  absl::StatusOr<bool> Fill(rowstore::RowBatch& batch,
                            const rowstore::BatchLimits& limits) override;
  // The number of rows held: what SQLRowCount reports for a static cursor.
  int64_t rows_affected() const override {
    return streaming_ ? source_->rows_affected() : row_count_;
  }
  // Frees every batch.
  absl::Status Close() override;
  // A later result of a multi-statement text is not held: the held rows are
  // freed and the cursor streams the source's next result from then on.
  absl::StatusOr<bool> NextResult() override;

  int64_t row_count() const { return row_count_; }
  // The batch holding 1-based row `number` (1 <= number <= row_count()) and
  // the row's index within it.
  std::pair<const rowstore::RowBatch*, size_t> Row(int64_t number) const;
  size_t MemoryUsage() const;

 private:
  explicit ScrollCursor(std::unique_ptr<backend::Cursor> source) : source_(std::move(source)) {}

  std::unique_ptr<backend::Cursor> source_;  // finished; kept for its columns
  std::vector<std::unique_ptr<rowstore::RowBatch>> batches_;
  std::vector<int64_t> first_row_;  // 0-based number of each batch's first row
  int64_t row_count_ = 0;
  bool streaming_ = false;      // moved on to a later result (NextResult)
  bool source_closed_ = false;  // stopped early (SQL_ATTR_MAX_ROWS) or closed
};

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_SCROLL_CURSOR_H_
