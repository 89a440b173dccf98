#include "driver/core/status.h"

#include "driver/core/diagnostics.h"

#include <gtest/gtest.h>

namespace quietfetch::core {
namespace {

TEST(SqlErrorTest, KeepsStateAndMessage) {
  absl::Status status = SqlError("42P01", "relation \"nope\" does not exist");
  EXPECT_EQ(SqlStateOf(status), "42P01");
  EXPECT_EQ(status.message(), "relation \"nope\" does not exist");
  EXPECT_EQ(NativeErrorOf(status), 0);
  EXPECT_EQ(NativeErrorOf(WithNativeError(status, 7)), 7);
}

TEST(SqlErrorTest, RowNumberTravelsWithTheStatus) {
  absl::Status status = SqlError("23505", "duplicate key");
  EXPECT_EQ(RowNumberOf(status), 0);
  status = WithRowNumber(status, 3);
  EXPECT_EQ(RowNumberOf(status), 3);
  EXPECT_EQ(SqlStateOf(status), "23505");
}

TEST(SqlErrorTest, DiagnosticsKeepTheRowNumber) {
  Diagnostics diag;
  diag.AddError(WithRowNumber(SqlError("23505", "duplicate key"), 4));
  diag.AddError(SqlError("42601", "syntax error"));
  ASSERT_EQ(diag.records().size(), 2u);
  EXPECT_EQ(diag.records()[0].row_number, 4);
  EXPECT_EQ(diag.records()[1].row_number, SQL_NO_ROW_NUMBER);
}

TEST(SqlErrorTest, StatusWithoutStateReadsAsGeneralError) {
  EXPECT_EQ(SqlStateOf(absl::InternalError("boom")), "HY000");
}

TEST(SqlErrorTest, AbslCodeFollowsTheState) {
  struct Case {
    const char* state;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {"08001", absl::StatusCode::kUnavailable},
      {"08S01", absl::StatusCode::kUnavailable},
      {"57P01", absl::StatusCode::kUnavailable},
      {"22003", absl::StatusCode::kOutOfRange},
      {"22018", absl::StatusCode::kOutOfRange},
      {"28P01", absl::StatusCode::kUnauthenticated},
      {"HY010", absl::StatusCode::kFailedPrecondition},
      {"24000", absl::StatusCode::kFailedPrecondition},
      {"23502", absl::StatusCode::kFailedPrecondition},
      {"25P02", absl::StatusCode::kFailedPrecondition},
      {"23505", absl::StatusCode::kAlreadyExists},
      {"42501", absl::StatusCode::kPermissionDenied},
      {"42P01", absl::StatusCode::kNotFound},
      {"42703", absl::StatusCode::kNotFound},
      {"42601", absl::StatusCode::kInvalidArgument},
      {"07009", absl::StatusCode::kInvalidArgument},
      {"HY000", absl::StatusCode::kInvalidArgument},
      {"HYC00", absl::StatusCode::kUnimplemented},
      {"IM001", absl::StatusCode::kUnimplemented},
      {"HY008", absl::StatusCode::kCancelled},
      {"57014", absl::StatusCode::kCancelled},
      {"HYT00", absl::StatusCode::kDeadlineExceeded},
      {"40001", absl::StatusCode::kAborted},
      {"40P01", absl::StatusCode::kAborted},
      {"53200", absl::StatusCode::kResourceExhausted},
      {"XX000", absl::StatusCode::kUnknown},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(SqlError(c.state, "m").code(), c.code) << c.state;
    EXPECT_EQ(SqlStateOf(SqlError(c.state, "m")), c.state);
  }
}

}  // namespace
}  // namespace quietfetch::core
