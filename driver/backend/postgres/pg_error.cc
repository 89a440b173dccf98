#include "driver/backend/postgres/pg_error.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "driver/core/status.h"

namespace quietfetch::pg {

std::string CleanMessage(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  bool pending_space = false;
  for (char c : message) {
    if (c == '\n' || c == '\r' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      if (out.back() != ' ') out += ' ';
      pending_space = false;
    }
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

absl::Status ResultError(const PGresult* result) {
  if (result == nullptr) {
    return core::SqlError(core::sqlstate::kGeneralError, "no result from the server");
  }
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  std::string message;
  if (primary != nullptr && *primary != '\0') {
    message = CleanMessage(primary);
    if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) {
      absl::StrAppend(&message, "; detail: ", CleanMessage(detail));
    }
    if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT)) {
      absl::StrAppend(&message, "; hint: ", CleanMessage(hint));
    }
  } else {
    message = CleanMessage(PQresultErrorMessage(result));
    if (message.empty())
      message = absl::StrCat("unexpected result ", PQresStatus(PQresultStatus(result)));
  }
  const bool has_state = state != nullptr && std::string_view(state).size() == 5;
  return core::SqlError(has_state ? std::string_view(state) : core::sqlstate::kGeneralError,
                        message);
}

absl::Status CheckConnectionLost(PGconn* conn, absl::Status status) {
  if (conn == nullptr || PQstatus(conn) != CONNECTION_BAD) return status;
  std::string message(status.message());
  if (message.empty()) message = CleanMessage(PQerrorMessage(conn));
  if (message.empty()) message = "the connection to the server was lost";
  return core::SqlError(core::sqlstate::kCommunicationLinkFailure,
                        absl::StrCat(message, " (connection lost)"));
}

absl::Status ConnectionError(PGconn* conn, std::string_view what) {
  std::string message = CleanMessage(PQerrorMessage(conn));
  if (message.empty()) message = "unknown libpq error";
  return CheckConnectionLost(conn, core::SqlError(core::sqlstate::kGeneralError,
                                                  absl::StrCat(std::string(what), ": ", message)));
}

bool IsStaleStatementError(const absl::Status& status) {
  const std::string state = core::SqlStateOf(status);
  if (state == "26000") return true;  // prepared statement does not exist
  return state == "0A000" &&
         status.message().find("cached plan must not change result type") != std::string::npos;
}

}  // namespace quietfetch::pg
