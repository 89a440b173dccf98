// Connection configuration: the keywords of a connection string
// ("Server=h;Port=5432;PWD={a;b}") and of a DSN's odbc.ini section, resolved
// into one ConnectionConfig. Keywords are case-insensitive; the connection
// string wins over the DSN. An unknown keyword is an error that names it, so a
// typo ("Pasword") never silently connects with defaults.
#ifndef QUIETFETCH_DRIVER_CORE_CONNECTION_STRING_H_
#define QUIETFETCH_DRIVER_CORE_CONNECTION_STRING_H_

#include <sql.h>
#include <sqlext.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "driver/backend/backend.h"
#include "driver/rowstore/row_batch.h"
#include "gc-policy/policy.h"

namespace quietfetch::core {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct ConnectionConfig {
  std::string dsn;
  std::string driver;
  backend::ConnectionSettings backend;
  rowstore::BatchLimits limits;
  SQLULEN max_varchar = 65535;  // column size reported for text without a length
  gc::PolicyConfig gc;          // the collector policy (Gc* keywords)
  // Every keyword as given (for SQLDriverConnect's output string).
  KeyValues given;
};

// Splits a connection string into pairs. Values may be braced ({...}, with
// "}}" for a literal brace) to contain ';'. Errors: HY000 on unbalanced braces
// or a pair without '='.
absl::StatusOr<KeyValues> ParseConnectionString(std::string_view text);

// Reads a DSN's keys from odbc.ini (through the driver manager's
// SQLGetPrivateProfileString). Empty when the DSN does not exist.
KeyValues ReadDsn(std::string_view dsn);

using DsnReader = std::function<KeyValues(std::string_view dsn)>;

// Resolves the connection string pairs (plus the DSN they name, read with
// `read_dsn`) into a configuration. Errors name the offending keyword.
absl::StatusOr<ConnectionConfig> ResolveConfig(const KeyValues& pairs, const DsnReader& read_dsn);

// The connection string to hand back from SQLDriverConnect.
std::string CompletedConnectionString(const ConnectionConfig& config);

// The documented keywords (for error messages and README).
std::string KnownKeywords();

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_CONNECTION_STRING_H_
