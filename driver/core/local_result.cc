#include "driver/core/local_result.h"

namespace quietfetch::core {

absl::StatusOr<bool> LocalResult::Fill(rowstore::RowBatch& batch,
                                       const rowstore::BatchLimits& limits) {
  size_t taken = 0;
  while (next_ < rows_.size() && taken < limits.max_rows) {
    for (const LocalValue& value : rows_[next_]) {
      if (std::holds_alternative<std::monostate>(value)) {
        batch.AppendNull();
      } else if (const auto* number = std::get_if<int64_t>(&value)) {
        batch.AppendInt(*number);
      } else {
        const auto& text = std::get<std::string>(value);
        batch.AppendBytes(text.data(), text.size());
      }
    }
    batch.FinishRow();
    ++next_;
    ++taken;
  }
  return next_ < rows_.size();
}

namespace {
backend::ColumnInfo MakeColumn(std::string name, backend::LogicalType type, std::string type_name,
                               bool nullable) {
  backend::ColumnInfo column;
  column.name = std::move(name);
  column.type = type;
  column.type_name = std::move(type_name);
  column.nullable_known = true;
  column.nullable = nullable;
  if (type == backend::LogicalType::kText) column.size = 128;
  return column;
}
}  // namespace

backend::ColumnInfo LocalResult::TextColumn(std::string name, bool nullable) {
  return MakeColumn(std::move(name), backend::LogicalType::kText, "varchar", nullable);
}
backend::ColumnInfo LocalResult::SmallIntColumn(std::string name, bool nullable) {
  return MakeColumn(std::move(name), backend::LogicalType::kInt16, "int2", nullable);
}
backend::ColumnInfo LocalResult::IntColumn(std::string name, bool nullable) {
  return MakeColumn(std::move(name), backend::LogicalType::kInt32, "int4", nullable);
}

}  // namespace quietfetch::core
