// Writing driver strings (UTF-8 internally) into application buffers for the
// ANSI and W entry points: NUL termination, 01004 truncation, and lengths in
// characters or bytes as each ODBC function defines them.
#ifndef QUIETFETCH_DRIVER_CORE_OUTPUT_H_
#define QUIETFETCH_DRIVER_CORE_OUTPUT_H_

#include <sql.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "driver/core/diagnostics.h"

namespace quietfetch::core {

struct OutputTarget {
  void* buffer = nullptr;
  SQLLEN buffer_length = 0;  // bytes when length_in_bytes, else characters
  bool wide = false;         // SQLWCHAR (UTF-16) output
  bool length_in_bytes = false;
};

// Writes `utf8` and returns its full length (excluding the terminator) in
// the target's unit. Truncation adds warning 01004 to `diag`; a negative
// buffer length is HY090.
absl::StatusOr<SQLLEN> WriteString(std::string_view utf8, const OutputTarget& target,
                                   Diagnostics* diag = nullptr);

// Reads an input string of an ANSI (UTF-8) or W (UTF-16) entry point. `length`
// is SQL_NTS or a length in characters. Null with length 0 is "".
absl::StatusOr<std::string> ReadString(const void* text, SQLLEN length, bool wide);

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_OUTPUT_H_
