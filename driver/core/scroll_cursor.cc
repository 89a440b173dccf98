#include "driver/core/scroll_cursor.h"

#include <algorithm>

#include "driver/core/status.h"

namespace quietfetch::core {
namespace {

// Offsets come from the application and may be anywhere in SQLLEN's range:
// the arithmetic is done wide enough that no sum or negation overflows.
using Wide = __int128;

RowsetPosition BeforeStart() { return {RowsetPosition::Place::kBeforeStart, 0}; }
RowsetPosition AfterEnd() { return {RowsetPosition::Place::kAfterEnd, 0}; }
RowsetPosition At(Wide start) {
  return {RowsetPosition::Place::kOnRowset, static_cast<int64_t>(start)};
}

ScrollMove Absolute(Wide offset, Wide rowset_size, Wide rows) {
  if (offset < 0) {
    Wide distance = -offset;
    if (distance <= rows) return {At(rows + offset + 1)};
    if (distance > rowset_size) return {BeforeStart()};
    return {At(1), true};
  }
  if (offset == 0) return {BeforeStart()};
  if (offset <= rows) return {At(offset)};
  return {AfterEnd()};
}

ScrollMove Move(const RowsetPosition& current, SQLSMALLINT orientation, Wide offset,
                Wide rowset_size, Wide previous_rowset_size, Wide rows) {
  using Place = RowsetPosition::Place;
  const Wide start = current.start;
  switch (orientation) {
    case SQL_FETCH_NEXT: {
      if (current.place == Place::kBeforeStart) return {At(1)};
      if (current.place == Place::kAfterEnd) return {AfterEnd()};
      Wide step = previous_rowset_size > 0 ? previous_rowset_size : rowset_size;
      return start + step > rows ? ScrollMove{AfterEnd()} : ScrollMove{At(start + step)};
    }
    case SQL_FETCH_PRIOR:
      if (current.place == Place::kBeforeStart) return {BeforeStart()};
      if (current.place == Place::kAfterEnd) {
        return rows < rowset_size ? ScrollMove{At(1), true}
                                  : ScrollMove{At(rows - rowset_size + 1)};
      }
      if (start == 1) return {BeforeStart()};
      if (start <= rowset_size) return {At(1), true};
      return {At(start - rowset_size)};
    case SQL_FETCH_RELATIVE:
      if ((current.place == Place::kBeforeStart && offset > 0) ||
          (current.place == Place::kAfterEnd && offset < 0)) {
        return Absolute(offset, rowset_size, rows);
      }
      if (current.place == Place::kBeforeStart) return {BeforeStart()};
      if (current.place == Place::kAfterEnd) return {AfterEnd()};
      if (start + offset < 1) {
        if (start == 1) return {BeforeStart()};
        return -offset > rowset_size ? ScrollMove{BeforeStart()} : ScrollMove{At(1), true};
      }
      if (start + offset > rows) return {AfterEnd()};
      return {At(start + offset)};
    case SQL_FETCH_ABSOLUTE:
      return Absolute(offset, rowset_size, rows);
    case SQL_FETCH_FIRST:
      return {At(1)};
    case SQL_FETCH_LAST:
      return rowset_size <= rows ? ScrollMove{At(rows - rowset_size + 1)} : ScrollMove{At(1)};
    default:
      return {current};
  }
}

}  // namespace

ScrollMove MoveRowset(const RowsetPosition& current, SQLSMALLINT orientation, SQLLEN offset,
                      size_t rowset_size, size_t previous_rowset_size, int64_t row_count) {
  if (rowset_size == 0) rowset_size = 1;
  ScrollMove move = Move(current, orientation, offset, static_cast<Wide>(rowset_size),
                         static_cast<Wide>(previous_rowset_size), row_count);
  // A rowset can only start on a row that exists (an empty result has none).
  if (move.position.on_rowset() && move.position.start > row_count) {
    move.position = AfterEnd();
    move.clamped_to_first = false;
  }
  return move;
}

size_t RowsInRowset(const RowsetPosition& position, size_t rowset_size, int64_t row_count) {
  if (!position.on_rowset() || position.start > row_count) return 0;
  int64_t left = row_count - position.start + 1;
  return std::min(rowset_size, static_cast<size_t>(left));
}

absl::StatusOr<std::unique_ptr<ScrollCursor>> ScrollCursor::ReadAll(
    std::unique_ptr<backend::Cursor> source, const rowstore::BatchLimits& limits, uint64_t max_rows,
    const std::function<void(int64_t)>& on_batch) {
  std::unique_ptr<ScrollCursor> result(new ScrollCursor(std::move(source)));
  const size_t width = result->source_->columns().size();
  rowstore::BatchLimits batch_limits = limits;
  for (;;) {
    if (max_rows > 0) {
      uint64_t left = max_rows - static_cast<uint64_t>(result->row_count_);
      if (left == 0) {
        // SQL_ATTR_MAX_ROWS reached: the rest of the result is not wanted.
        (void)result->source_->Close();
        result->source_closed_ = true;
        return result;
      }
      batch_limits.max_rows = static_cast<size_t>(std::min<uint64_t>(limits.max_rows, left));
    }
    auto batch = std::make_unique<rowstore::RowBatch>();
    batch->Clear(width);
    absl::StatusOr<bool> more = result->source_->Fill(*batch, batch_limits);
    if (!more.ok()) return more.status();
    const auto rows = static_cast<int64_t>(batch->num_rows());
    if (rows > 0) {
      result->first_row_.push_back(result->row_count_);
      result->batches_.push_back(std::move(batch));
      result->row_count_ += rows;
      if (on_batch) on_batch(rows);
    }
    if (!*more) return result;
  }
}

absl::StatusOr<bool> ScrollCursor::Fill(rowstore::RowBatch& batch,
                                        const rowstore::BatchLimits& limits) {
  if (streaming_) return source_->Fill(batch, limits);
  return SqlError(sqlstate::kGeneralError, "internal error: a static cursor is read by position");
}

absl::Status ScrollCursor::Close() {
  batches_.clear();
  batches_.shrink_to_fit();
  first_row_.clear();
  first_row_.shrink_to_fit();
  row_count_ = 0;
  if (source_closed_) return absl::OkStatus();
  source_closed_ = true;
  return source_->Close();
}

absl::StatusOr<bool> ScrollCursor::NextResult() {
  batches_.clear();
  first_row_.clear();
  row_count_ = 0;
  streaming_ = true;
  if (source_closed_) return false;
  return source_->NextResult();
}

std::pair<const rowstore::RowBatch*, size_t> ScrollCursor::Row(int64_t number) const {
  const int64_t index = number - 1;
  // The last batch whose first row is at or before `index`.
  auto it = std::upper_bound(first_row_.begin(), first_row_.end(), index);
  const size_t batch = static_cast<size_t>(it - first_row_.begin()) - 1;
  return {batches_[batch].get(), static_cast<size_t>(index - first_row_[batch])};
}

size_t ScrollCursor::MemoryUsage() const {
  size_t total = 0;
  for (const auto& batch : batches_) total += batch->MemoryUsage();
  return total;
}

}  // namespace quietfetch::core
