// A result read to its end before the application sees it. Used for
// INSERT/UPDATE/DELETE ... RETURNING, whose SQLRowCount applications read
// right after SQLExecute (pyodbc's cursor.rowcount): a streamed result only
// knows its count at the end. Such results are as large as the change, which
// the application chose, so holding them is bounded by its own statement.
#ifndef QUIETFETCH_DRIVER_CORE_BUFFERED_RESULT_H_
#define QUIETFETCH_DRIVER_CORE_BUFFERED_RESULT_H_

#include <deque>
#include <memory>

#include "absl/status/statusor.h"
#include "driver/backend/backend.h"

namespace quietfetch::core {

class BufferedResult : public backend::Cursor {
 public:
  // Reads `cursor` to its end; an error while reading is the caller's.
  static absl::StatusOr<std::unique_ptr<BufferedResult>> ReadAll(
      std::unique_ptr<backend::Cursor> cursor, const rowstore::BatchLimits& limits);

  const std::vector<backend::ColumnInfo>& columns() const override { return source_->columns(); }
  absl::StatusOr<bool> Fill(rowstore::RowBatch& batch,
                            const rowstore::BatchLimits& limits) override;
  int64_t rows_affected() const override { return source_->rows_affected(); }
  absl::Status Close() override {
    batches_.clear();
    return absl::OkStatus();
  }

 private:
  explicit BufferedResult(std::unique_ptr<backend::Cursor> source) : source_(std::move(source)) {}

  std::unique_ptr<backend::Cursor> source_;  // finished; kept for columns and count
  std::deque<std::unique_ptr<rowstore::RowBatch>> batches_;
};

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_BUFFERED_RESULT_H_
