#include "driver/core/diagnostics.h"

#include "driver/core/status.h"

namespace quietfetch::core {
namespace {
constexpr size_t kMaxRecords = 64;  // keep a runaway loop of warnings bounded

std::string Prefixed(std::string_view message) {
  std::string out = "[quietfetch] ";
  out.append(message);
  return out;
}
}  // namespace

void Diagnostics::Add(std::string_view sqlstate, std::string_view message,
                      SQLINTEGER native_error) {
  if (records_.size() >= kMaxRecords) return;
  DiagRecord record;
  record.sqlstate = std::string(sqlstate.substr(0, 5));
  while (record.sqlstate.size() < 5) record.sqlstate.push_back('0');
  record.native_error = native_error;
  record.message = Prefixed(message);
  if (record.sqlstate.starts_with("01")) has_warning_ = true;
  records_.push_back(std::move(record));
}

void Diagnostics::AddError(const absl::Status& status) {
  std::string_view message = FromAbsl(status.message());
  Add(SqlStateOf(status), message.empty() ? "unknown error" : message, NativeErrorOf(status));
  const int64_t row = RowNumberOf(status);
  if (row > 0 && !records_.empty()) records_.back().row_number = static_cast<SQLLEN>(row);
}

void Diagnostics::AddWarning(std::string_view sqlstate, std::string_view message) {
  Add(sqlstate, message);
}

}  // namespace quietfetch::core
