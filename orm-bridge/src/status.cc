#include "quietfetch/orm/status.h"

#include "driver/core/status.h"

namespace quietfetch::orm {

std::string SqlState(const absl::Status& status) {
  if (status.ok()) return "00000";
  return core::SqlStateOf(status);
}

absl::Status SqlError(std::string_view sqlstate, std::string_view message) {
  return core::SqlError(sqlstate, message);
}

}  // namespace quietfetch::orm
