// Errors of the ORM bridge. Every fallible call returns absl::Status or
// absl::StatusOr<T>; the SQLSTATE rides on the status as the driver's payload,
// so PostgreSQL's own codes (23505 unique violation, 42P01 undefined table,
// ...) pass through unchanged and the bridge's own errors use ODBC's codes
// (22002 NULL into a non-optional field, 07006 type mismatch, 22003 out of
// range, 22018 bad text, 25000 transaction state). Read it with SqlState().
#ifndef QUIETFETCH_ORM_STATUS_H_
#define QUIETFETCH_ORM_STATUS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace quietfetch::orm {

// The five-character SQLSTATE of `status`: "00000" when it is OK, "HY000"
// when an error carries none.
std::string SqlState(const absl::Status& status);

// An error with the given SQLSTATE (what the bridge raises itself; also for
// user-written FieldTraits specializations).
absl::Status SqlError(std::string_view sqlstate, std::string_view message);

}  // namespace quietfetch::orm

#endif  // QUIETFETCH_ORM_STATUS_H_
