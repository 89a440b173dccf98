// Conversion between canonical cell values (backend::LogicalType) and the
// application's C types, following the ODBC conversion tables
// ("Converting Data from SQL to C Data Types" / "from C to SQL").
//
// Result direction (WriteCell) serves both SQLGetData and bound columns:
//  - character/binary targets are written in pieces when `pieces` is given
//    (SQLGetData): each call continues where the last stopped; the length
//    reported is the remaining total in bytes; kTruncated means "01004, call
//    again"; kNoData means every piece was already returned.
//  - NULL writes SQL_NULL_DATA to the indicator, or fails with 22002 when the
//    application gave no indicator.
//  - a value that does not fit a numeric target is 22003; text that does not
//    parse as the target's type is 22018 (22007 for dates); fractional digits
//    dropped are 01S07 (kFractionalTruncation); an unsupported pair is 07006.
// Parameter direction (ReadParam) turns an application's bound value into a
// backend::Param text (or raw bytes for binary), honouring SQL_NULL_DATA,
// SQL_NTS and the octet length pointer.
#ifndef QUIETFETCH_DRIVER_CORE_CONVERT_H_
#define QUIETFETCH_DRIVER_CORE_CONVERT_H_

#include <sql.h>
#include <sqlext.h>

#include <string>

#include "absl/status/statusor.h"
#include "driver/backend/backend.h"
#include "driver/rowstore/row_batch.h"

namespace quietfetch::core {

enum class ConvertOutcome {
  kOk,
  kTruncated,             // 01004: string data, right truncated (more remains)
  kFractionalTruncation,  // 01S07: digits after the decimal point were dropped
  kNoData,                // SQLGetData: all pieces were already returned
};

// Where one value goes.
struct CellTarget {
  SQLSMALLINT c_type = SQL_C_CHAR;  // never SQL_C_DEFAULT: the caller resolves it
  void* buffer = nullptr;           // may be null: then only the length is reported
  SQLLEN buffer_length = 0;         // bytes, for character/binary targets
  SQLLEN* length = nullptr;         // may be null
  SQLLEN* indicator = nullptr;      // may be null or == length
  // For SQL_C_NUMERIC targets (from the ARD; 0 means the default).
  SQLSMALLINT precision = 0;
  SQLSMALLINT scale = 0;
};

// State of SQLGetData on one column of the current row. Reset() it when the
// column or row changes.
struct PieceState {
  bool started = false;  // at least one call returned data
  size_t offset = 0;     // bytes (char/binary) or code units (wchar) already returned
  std::string text;      // rendered text of a non-text value (kept between pieces)
  std::u16string wide;   // UTF-16 form of the value for SQL_C_WCHAR pieces
  bool wide_ready = false;
  bool text_ready = false;
  void Reset() {
    started = false;
    offset = 0;
    text.clear();
    wide.clear();
    wide_ready = false;
    text_ready = false;
  }
};

absl::StatusOr<ConvertOutcome> WriteCell(const rowstore::Cell& cell, backend::LogicalType type,
                                         const CellTarget& target, PieceState* pieces);

// The C type SQL_C_DEFAULT stands for, for a column of `type`.
SQLSMALLINT DefaultCType(backend::LogicalType type);

// An application's parameter buffer, as SQLBindParameter described it.
struct ParamSource {
  SQLSMALLINT c_type = SQL_C_CHAR;  // SQL_C_DEFAULT already resolved by the caller
  SQLSMALLINT sql_type = SQL_VARCHAR;
  SQLULEN column_size = 0;
  SQLSMALLINT decimal_digits = 0;
  const void* buffer = nullptr;
  SQLLEN buffer_length = 0;
  const SQLLEN* octet_length = nullptr;  // SQL_NTS, a length, or null
  const SQLLEN* indicator = nullptr;     // SQL_NULL_DATA, or null
};

// Reads one parameter value. The Param's type follows the SQL type (integers
// -> kInt16/32/64, SQL_DOUBLE/FLOAT -> kFloat64, SQL_REAL -> kFloat32,
// SQL_BIT -> kBool, dates/times -> kDate/kTime/kTimestamp, binary ->
// kBytes, SQL_GUID -> kUuid, numeric/decimal -> kNumeric, character types ->
// kUnknown so the server infers from context). Errors: 22003, 22018, 22007,
// HY090 for an invalid length, HY003/HY004 for unknown types, 07006 for an
// unsupported pair.
absl::StatusOr<backend::Param> ReadParam(const ParamSource& source);

// As ReadParam, for a value gathered by SQLPutData (already concatenated;
// `data` holds the bytes as the application's C type gave them).
absl::StatusOr<backend::Param> ReadParamBytes(SQLSMALLINT c_type, SQLSMALLINT sql_type,
                                              std::string_view data, bool is_null);

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_CONVERT_H_
