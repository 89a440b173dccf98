// Errors inside the driver are absl::Status values carrying an ODBC SQLSTATE as
// a payload. They are turned into SQLRETURN + diagnostic records only at the C
// boundary (odbc/). PostgreSQL's own SQLSTATE passes through unchanged.
#ifndef QUIETFETCH_DRIVER_CORE_STATUS_H_
#define QUIETFETCH_DRIVER_CORE_STATUS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace quietfetch::core {

// SQLSTATEs the driver raises itself. Backends may also use any five-character
// state they receive from the server.
namespace sqlstate {
inline constexpr std::string_view kGeneralWarning = "01000";
inline constexpr std::string_view kStringTruncated = "01004";
inline constexpr std::string_view kOptionValueChanged = "01S02";
inline constexpr std::string_view kInvalidConnectionStringAttribute = "01S00";
inline constexpr std::string_view kFractionalTruncation = "01S07";
inline constexpr std::string_view kWrongNumberOfParameters = "07002";
inline constexpr std::string_view kRestrictedDataType = "07006";
inline constexpr std::string_view kInvalidDescriptorIndex = "07009";
inline constexpr std::string_view kUnableToConnect = "08001";
inline constexpr std::string_view kConnectionInUse = "08002";
inline constexpr std::string_view kConnectionNotOpen = "08003";
inline constexpr std::string_view kServerRejectedConnection = "08004";
inline constexpr std::string_view kCommunicationLinkFailure = "08S01";
inline constexpr std::string_view kStringRightTruncated = "22001";
inline constexpr std::string_view kIndicatorRequired = "22002";
inline constexpr std::string_view kNumericOutOfRange = "22003";
inline constexpr std::string_view kInvalidDatetimeFormat = "22007";
inline constexpr std::string_view kDatetimeOverflow = "22008";
inline constexpr std::string_view kInvalidCharacterValue = "22018";
inline constexpr std::string_view kInvalidCursorState = "24000";
inline constexpr std::string_view kInvalidTransactionState = "25000";
inline constexpr std::string_view kInvalidAuthorization = "28000";
inline constexpr std::string_view kCursorNameInvalid = "34000";
inline constexpr std::string_view kDuplicateCursorName = "3C000";
inline constexpr std::string_view kSyntaxError = "42000";
inline constexpr std::string_view kGeneralError = "HY000";
inline constexpr std::string_view kMemoryAllocation = "HY001";
inline constexpr std::string_view kInvalidCType = "HY003";
inline constexpr std::string_view kInvalidSqlType = "HY004";
inline constexpr std::string_view kOperationCanceled = "HY008";
inline constexpr std::string_view kInvalidNullPointer = "HY009";
inline constexpr std::string_view kFunctionSequenceError = "HY010";
inline constexpr std::string_view kAttributeCannotBeSetNow = "HY011";
inline constexpr std::string_view kInvalidTransactionOperation = "HY012";
inline constexpr std::string_view kInvalidHandleType = "HY092";
inline constexpr std::string_view kNonCharacterAsString = "HY021";
inline constexpr std::string_view kInvalidBufferLength = "HY090";
inline constexpr std::string_view kInvalidDescriptorField = "HY091";
inline constexpr std::string_view kInvalidAttributeValue = "HY024";
inline constexpr std::string_view kInvalidPrecisionOrScale = "HY104";
inline constexpr std::string_view kInvalidParameterType = "HY105";
inline constexpr std::string_view kFetchTypeOutOfRange = "HY106";
inline constexpr std::string_view kInvalidInformationType = "HY096";
inline constexpr std::string_view kColumnTypeOutOfRange = "HY097";
inline constexpr std::string_view kInvalidAttributeIdentifier = "HY092";
inline constexpr std::string_view kOptionalFeatureNotImplemented = "HYC00";
inline constexpr std::string_view kTimeoutExpired = "HYT00";
inline constexpr std::string_view kDriverDoesNotSupport = "IM001";
}  // namespace sqlstate

// Debian's Abseil (20220623) defines absl::string_view as its own type, not
// std::string_view; these convert at the few places the two meet.
inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
inline std::string_view FromAbsl(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

// An error with the given SQLSTATE and a message a person can act on.
absl::Status SqlError(std::string_view state, std::string_view message);

// The SQLSTATE of an error status; "HY000" when none was attached.
std::string SqlStateOf(const absl::Status& status);

// The server's native error code (0 when none).
int NativeErrorOf(const absl::Status& status);
absl::Status WithNativeError(absl::Status status, int native_error);

// The parameter set (1-based) or row an error belongs to, for
// SQL_DIAG_ROW_NUMBER; 0 when none was attached.
int64_t RowNumberOf(const absl::Status& status);
absl::Status WithRowNumber(absl::Status status, int64_t row_number);

}  // namespace quietfetch::core

// Abseil 20220623 has no status macros; these are the small ones we need.
#define QF_STATUS_CONCAT_INNER_(a, b) a##b
#define QF_STATUS_CONCAT_(a, b) QF_STATUS_CONCAT_INNER_(a, b)

#define QF_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status qf_status_ = (expr);      \
    if (!qf_status_.ok()) return qf_status_; \
  } while (false)

#define QF_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).status();  \
  lhs = std::move(*tmp)

#define QF_ASSIGN_OR_RETURN(lhs, expr) \
  QF_ASSIGN_OR_RETURN_IMPL_(QF_STATUS_CONCAT_(qf_statusor_, __LINE__), lhs, expr)

#endif  // QUIETFETCH_DRIVER_CORE_STATUS_H_
