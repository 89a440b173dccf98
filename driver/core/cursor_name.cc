// Statement cursor names (SQLSetCursorName/SQLGetCursorName). Kept apart from
// statement.cc: names touch nothing of execution or fetching.
#include <atomic>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "driver/core/connection.h"
#include "driver/core/statement.h"
#include "driver/core/status.h"

namespace quietfetch::core {
namespace {

// SQL_MAX_CURSOR_NAME_LEN in info.cc.
constexpr size_t kMaxCursorNameLength = 63;

// Generated names must be unique per connection; a process-wide counter is
// simplest and never repeats.
std::atomic<uint64_t> next_generated_name{1};

bool HasReservedPrefix(const std::string& name) {
  const std::string upper = absl::AsciiStrToUpper(name);
  return upper.starts_with("SQL_CUR") || upper.starts_with("SQLCUR");
}

}  // namespace

absl::Status Statement::SetCursorName(std::string name) {
  if (has_cursor()) {
    return SqlError(sqlstate::kInvalidCursorState,
                    "SQLSetCursorName: the statement has an open cursor (close it first)");
  }
  if (name.empty() || name.size() > kMaxCursorNameLength) {
    return SqlError(sqlstate::kCursorNameInvalid,
                    absl::StrCat("SQLSetCursorName: a cursor name has 1 to ", kMaxCursorNameLength,
                                 " characters, not ", name.size()));
  }
  if (HasReservedPrefix(name)) {
    return SqlError(sqlstate::kCursorNameInvalid,
                    absl::StrCat("SQLSetCursorName: \"", name,
                                 "\" starts with SQL_CUR or SQLCUR, which are reserved for "
                                 "generated names"));
  }
  if (connection_->CursorNameInUse(name, this)) {
    return SqlError(sqlstate::kDuplicateCursorName,
                    absl::StrCat("SQLSetCursorName: another statement of this connection is "
                                 "already named \"",
                                 name, "\""));
  }
  cursor_name_ = std::move(name);
  return absl::OkStatus();
}

const std::string& Statement::CursorName() {
  if (cursor_name_.empty()) {
    cursor_name_ = absl::StrCat("SQL_CUR", next_generated_name.fetch_add(1));
  }
  return cursor_name_;
}

}  // namespace quietfetch::core
