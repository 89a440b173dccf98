// Turning libpq failures into statuses carrying a SQLSTATE.
//
// Server errors keep the server's SQLSTATE and read "primary message; detail:
// ...; hint: ..." (the parts present). Once a connection is gone
// (PQstatus == CONNECTION_BAD) every error on it becomes 08S01, keeping the
// server's or libpq's own explanation in the message. Messages are trimmed
// of libpq's trailing newlines and tab-indented continuation lines are
// joined into one line.
#ifndef QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_ERROR_H_
#define QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_ERROR_H_

#include <libpq-fe.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace quietfetch::pg {

// One line of text from a libpq message.
std::string CleanMessage(std::string_view message);

// The error a failed result reports (server fields when present, otherwise
// libpq's message; SQLSTATE HY000 when the server gave none).
absl::Status ResultError(const PGresult* result);

// `status`, or 08S01 (with the same message) when `conn` has lost its
// connection to the server.
absl::Status CheckConnectionLost(PGconn* conn, absl::Status status);

// The error for a libpq call that failed without a result (PQerrorMessage).
absl::Status ConnectionError(PGconn* conn, std::string_view what);

// Whether a statement failed because its server-side prepared statement is
// stale (26000, or 0A000 "cached plan must not change result type"), so that
// preparing it again may succeed.
bool IsStaleStatementError(const absl::Status& status);

}  // namespace quietfetch::pg

#endif  // QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_ERROR_H_
