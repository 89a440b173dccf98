#include "driver/core/status.h"

#include <cstdlib>

namespace quietfetch::core {
namespace {
constexpr std::string_view kStatePayload = "quietfetch/sqlstate";
constexpr std::string_view kNativePayload = "quietfetch/native";

absl::StatusCode CodeFor(std::string_view state) {
  if (state.starts_with("08")) return absl::StatusCode::kUnavailable;
  if (state.starts_with("22")) return absl::StatusCode::kOutOfRange;
  if (state.starts_with("28")) return absl::StatusCode::kUnauthenticated;
  if (state == "HY010" || state == "24000" || state == "HY011") {
    return absl::StatusCode::kFailedPrecondition;
  }
  if (state == "HYC00" || state == "IM001") return absl::StatusCode::kUnimplemented;
  if (state.starts_with("HY") || state.starts_with("07")) {
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

}  // namespace quietfetch::core
