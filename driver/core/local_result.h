// A result set the driver builds itself (SQLGetTypeInfo, later the catalog
// functions), served through the same Cursor interface as a server result so
// fetching, binding and conversion have one code path.
#ifndef QUIETFETCH_DRIVER_CORE_LOCAL_RESULT_H_
#define QUIETFETCH_DRIVER_CORE_LOCAL_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "driver/backend/backend.h"

namespace quietfetch::core {

// One cell: NULL, an integer (for integer/bool columns) or text.
using LocalValue = std::variant<std::monostate, int64_t, std::string>;

class LocalResult : public backend::Cursor {
 public:
  LocalResult(std::vector<backend::ColumnInfo> columns, std::vector<std::vector<LocalValue>> rows)
      : columns_(std::move(columns)), rows_(std::move(rows)) {}

  const std::vector<backend::ColumnInfo>& columns() const override { return columns_; }
  absl::StatusOr<bool> Fill(rowstore::RowBatch& batch,
                            const rowstore::BatchLimits& limits) override;
  int64_t rows_affected() const override { return static_cast<int64_t>(rows_.size()); }
  absl::Status Close() override {
    next_ = rows_.size();
    return absl::OkStatus();
  }

  // Column helpers for building result descriptions.
  static backend::ColumnInfo TextColumn(std::string name, bool nullable = true);
  static backend::ColumnInfo SmallIntColumn(std::string name, bool nullable = true);
  static backend::ColumnInfo IntColumn(std::string name, bool nullable = true);

 private:
  std::vector<backend::ColumnInfo> columns_;
  std::vector<std::vector<LocalValue>> rows_;
  size_t next_ = 0;
};

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_LOCAL_RESULT_H_
