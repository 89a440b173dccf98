// The bridge's view of a result: column types, column descriptions, cells,
// parameters and a read-only window onto one batch of rows.
//
// These mirror the driver's internal backend/rowstore types so that the
// installed headers need nothing from the driver's source tree. Cell and
// ColumnType match the driver's layout and values exactly (checked at compile
// time in the library), so a batch the driver filled is read in place, with
// no copy per cell. What each ColumnType stores in its cell:
//   kBool, kInt16, kInt32, kInt64     i64 (bool: 0 or 1)
//   kFloat32, kFloat64                f64 (a float's exact value)
//   kDate                             i64, days since 1970-01-01
//   kTime                             i64, microseconds since midnight
//   kTimestamp, kTimestampTz          i64, microseconds since 1970-01-01
//                                     (timestamptz in the session's zone: UTC)
//   kNumeric                          bytes, decimal text ("-12.340", "NaN")
//   kText, kJson, kUnknown            bytes, UTF-8 (kUnknown: the server's text)
//   kBytes                            bytes, raw
//   kUuid                             bytes, the 16 raw bytes
#ifndef QUIETFETCH_ORM_TYPES_H_
#define QUIETFETCH_ORM_TYPES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace quietfetch::orm {

enum class ColumnType : uint8_t {
  kBool,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kNumeric,
  kText,
  kBytes,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
  kUuid,
  kJson,
  kUnknown,
};

// One value of a row: NULL, a fixed-width number, or bytes owned by the batch
// (valid until the batch is refilled).
struct Cell {
  static constexpr int32_t kNull = -1;
  static constexpr int32_t kFixed = -2;
  union {
    int64_t i64;
    double f64;
    const char* data;
  };
  int32_t length;  // kNull, kFixed, or the byte length of `data`

  bool is_null() const { return length == kNull; }
  bool is_fixed() const { return length == kFixed; }
  std::string_view bytes() const {
    return length >= 0 ? std::string_view(data, static_cast<size_t>(length)) : std::string_view();
  }
};

// A result column as the server describes it.
struct ColumnInfo {
  std::string name;
  ColumnType type = ColumnType::kUnknown;
  std::string type_name;   // the server's name: "int4", "varchar", ...
  uint32_t type_oid = 0;   // the server's type id (0 when none)
  int32_t size = -1;       // declared length of char types, else -1
  int16_t precision = -1;  // numeric(p,s): p, else -1
  int16_t scale = -1;      // numeric(p,s): s; fractional digits of times; else -1
};

// A parameter as sent to the server: `data` is the value's text (raw bytes
// for kBytes); kUnknown lets the server infer the type, as for a literal.
struct Param {
  ColumnType type = ColumnType::kUnknown;
  bool is_null = false;
  std::string data;
};

// How many rows and bytes one batch holds at most (FetchRows, FetchBytes).
struct BatchLimits {
  size_t max_rows = 0;
  size_t max_bytes = 0;
};

// Rows of one batch, row-major, read-only. Does not own the cells.
class BatchView {
 public:
  BatchView() = default;
  BatchView(const Cell* cells, size_t num_rows, size_t num_columns)
      : cells_(cells), num_rows_(num_rows), num_columns_(num_columns) {}

  size_t num_rows() const { return num_rows_; }
  size_t num_columns() const { return num_columns_; }
  // Copied out bytewise: the driver wrote these cells as its own
  // (layout-identical) type, and memcpy is the defined way to read them as
  // ours. It compiles to two loads.
  Cell at(size_t row, size_t column) const {
    Cell cell;
    std::memcpy(static_cast<void*>(&cell), cells_ + row * num_columns_ + column, sizeof(Cell));
    return cell;
  }

 private:
  const Cell* cells_ = nullptr;
  size_t num_rows_ = 0;
  size_t num_columns_ = 0;
};

}  // namespace quietfetch::orm

#endif  // QUIETFETCH_ORM_TYPES_H_
