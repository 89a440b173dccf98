#include "driver/core/buffered_result.h"

namespace quietfetch::core {
namespace {

void CopyRows(const rowstore::RowBatch& from, rowstore::RowBatch& to) {
  for (size_t row = 0; row < from.num_rows(); ++row) {
    for (size_t column = 0; column < from.num_columns(); ++column) {
      const rowstore::Cell& cell = from.at(row, column);
      if (cell.is_null()) {
        to.AppendNull();
      } else if (cell.is_fixed()) {
        to.AppendInt(cell.i64);  // the same bits for doubles
      } else {
        to.AppendBytes(cell.data, static_cast<size_t>(cell.length));
      }
    }
    to.FinishRow();
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<BufferedResult>> BufferedResult::ReadAll(
    std::unique_ptr<backend::Cursor> cursor, const rowstore::BatchLimits& limits) {
  std::unique_ptr<BufferedResult> result(new BufferedResult(std::move(cursor)));
  const size_t width = result->source_->columns().size();
  for (;;) {
    auto batch = std::make_unique<rowstore::RowBatch>();
    batch->Clear(width);
    absl::StatusOr<bool> more = result->source_->Fill(*batch, limits);
    if (!more.ok()) return more.status();
    if (batch->num_rows() > 0) result->batches_.push_back(std::move(batch));
    if (!*more) return result;
  }
}

absl::StatusOr<bool> BufferedResult::Fill(rowstore::RowBatch& batch, const rowstore::BatchLimits&) {
  if (batches_.empty()) return false;
  CopyRows(*batches_.front(), batch);
  batches_.pop_front();
  return !batches_.empty();
}

}  // namespace quietfetch::core
