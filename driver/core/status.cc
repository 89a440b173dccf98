#include "driver/core/status.h"

#include <cstdlib>

namespace quietfetch::core {
namespace {
constexpr std::string_view kStatePayload = "quietfetch/sqlstate";
constexpr std::string_view kNativePayload = "quietfetch/native";
constexpr std::string_view kRowPayload = "quietfetch/row";

absl::StatusCode CodeFor(std::string_view state) {
  // Callers of the C++ API (the ORM bridge) branch on the absl code; the
  // SQLSTATE stays in the payload for those who need the detail.
  if (state == "HYC00" || state == "IM001") return absl::StatusCode::kUnimplemented;
  if (state == "HY008" || state == "57014") return absl::StatusCode::kCancelled;
  if (state == "HYT00" || state == "HYT01") return absl::StatusCode::kDeadlineExceeded;
  if (state == "HY010" || state == "24000" || state == "HY011") {
    return absl::StatusCode::kFailedPrecondition;
  }
  if (state == "23505") return absl::StatusCode::kAlreadyExists;
  if (state == "42501") return absl::StatusCode::kPermissionDenied;
  if (state == "42P01" || state == "42703" || state == "42883") {
    return absl::StatusCode::kNotFound;  // undefined table, column, function
  }
  const std::string_view state_class = state.substr(0, 2);
  if (state_class == "08" || state_class == "57") return absl::StatusCode::kUnavailable;
  if (state_class == "22") return absl::StatusCode::kOutOfRange;
  if (state_class == "28") return absl::StatusCode::kUnauthenticated;
  if (state_class == "23" || state_class == "25" || state_class == "55") {
    return absl::StatusCode::kFailedPrecondition;  // integrity, transaction state, object state
  }
  if (state_class == "40") return absl::StatusCode::kAborted;  // serialization, deadlock
  if (state_class == "53") return absl::StatusCode::kResourceExhausted;
  if (state_class == "HY" || state_class == "07" || state_class == "42" || state_class == "21" ||
      state_class == "0A") {
    return absl::StatusCode::kInvalidArgument;
  }
  return absl::StatusCode::kUnknown;
}
}  // namespace

absl::Status SqlError(std::string_view state, std::string_view message) {
  // Debian's Abseil has its own string_view type, distinct from std's.
  absl::Status status(CodeFor(state), absl::string_view(message.data(), message.size()));
  status.SetPayload(ToAbsl(kStatePayload), absl::Cord(ToAbsl(state)));
  return status;
}

std::string SqlStateOf(const absl::Status& status) {
  auto payload = status.GetPayload(ToAbsl(kStatePayload));
  if (!payload.has_value()) return "HY000";
  return std::string(*payload);
}

int NativeErrorOf(const absl::Status& status) {
  auto payload = status.GetPayload(ToAbsl(kNativePayload));
  if (!payload.has_value()) return 0;
  return std::atoi(std::string(*payload).c_str());
}

absl::Status WithNativeError(absl::Status status, int native_error) {
  status.SetPayload(ToAbsl(kNativePayload), absl::Cord(std::to_string(native_error)));
  return status;
}

int64_t RowNumberOf(const absl::Status& status) {
  auto payload = status.GetPayload(ToAbsl(kRowPayload));
  if (!payload.has_value()) return 0;
  return std::atoll(std::string(*payload).c_str());
}

absl::Status WithRowNumber(absl::Status status, int64_t row_number) {
  status.SetPayload(ToAbsl(kRowPayload), absl::Cord(std::to_string(row_number)));
  return status;
}

}  // namespace quietfetch::core
