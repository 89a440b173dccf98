// The diagnostic area of one handle: the records SQLGetDiagRec/SQLGetDiagField
// read, plus the header fields (return code, row count). Cleared at the start
// of every call on the handle (ODBC rule), except the diagnostic functions.
#ifndef QUIETFETCH_DRIVER_CORE_DIAGNOSTICS_H_
#define QUIETFETCH_DRIVER_CORE_DIAGNOSTICS_H_

#include <sql.h>
#include <sqlext.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace quietfetch::core {

struct DiagRecord {
  std::string sqlstate;  // five characters
  SQLINTEGER native_error = 0;
  std::string message;  // already prefixed with "[quietfetch]..."
  SQLLEN row_number = SQL_NO_ROW_NUMBER;
  SQLINTEGER column_number = SQL_NO_COLUMN_NUMBER;
};

class Diagnostics {
 public:
  void Clear() {
    if (!records_.empty()) records_.clear();
    has_warning_ = false;
  }
  // Records an error (from a status) or a warning.
  void AddError(const absl::Status& status);
  void AddWarning(std::string_view sqlstate, std::string_view message);
  void Add(std::string_view sqlstate, std::string_view message, SQLINTEGER native_error = 0);

  bool has_warning() const { return has_warning_; }
  const std::vector<DiagRecord>& records() const { return records_; }

  SQLRETURN return_code = SQL_SUCCESS;
  SQLLEN cursor_row_count = 0;
  SQLLEN row_count = 0;
  std::string dynamic_function;
  SQLINTEGER dynamic_function_code = 0;

 private:
  std::vector<DiagRecord> records_;
  bool has_warning_ = false;
};

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_DIAGNOSTICS_H_
