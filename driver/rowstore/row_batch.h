// A batch of rows produced by a backend cursor and read by the statement.
// Cells are stored row-major. A cell is either NULL, a fixed-width value (an
// int64 or a double, see backend::LogicalType for what each type stores), or a
// variable-length value whose bytes live in the batch's arena. Clear() keeps
// the arena's blocks so refilling a batch allocates nothing after warm-up.
#ifndef QUIETFETCH_DRIVER_ROWSTORE_ROW_BATCH_H_
#define QUIETFETCH_DRIVER_ROWSTORE_ROW_BATCH_H_

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "driver/rowstore/arena.h"

namespace quietfetch::rowstore {

struct Cell {
  static constexpr int32_t kNull = -1;
  static constexpr int32_t kFixed = -2;
  union {
    int64_t i64;
    double f64;
    const char* data;
  };
  // kNull, kFixed, or the byte length of `data`.
  int32_t length;

  bool is_null() const { return length == kNull; }
  bool is_fixed() const { return length == kFixed; }
  std::string_view bytes() const {
    return length >= 0 ? std::string_view(data, static_cast<size_t>(length)) : std::string_view();
  }
};

// Limits a cursor respects when filling a batch. A batch always takes at least
// one row, so a single value larger than max_bytes still goes through.
struct BatchLimits {
  size_t max_rows = 1024;
  size_t max_bytes = 8 * 1024 * 1024;
};

class RowBatch {
 public:
  RowBatch() = default;
  RowBatch(const RowBatch&) = delete;
  RowBatch& operator=(const RowBatch&) = delete;

  // Empties the batch and sets its width. Keeps allocated memory.
  void Clear(size_t num_columns) {
    num_columns_ = num_columns;
    num_rows_ = 0;
    cells_.clear();
    arena_.Reset();
  }

  // Builder side: append exactly num_columns() cells, then FinishRow().
  void AppendNull() { cells_.push_back(MakeCell(int64_t{0}, Cell::kNull)); }
  void AppendInt(int64_t value) { cells_.push_back(MakeCell(value, Cell::kFixed)); }
  void AppendDouble(double value) {
    Cell cell;
    cell.f64 = value;
    cell.length = Cell::kFixed;
    cells_.push_back(cell);
  }
  // Copies the bytes into the arena.
  void AppendBytes(const char* data, size_t size) {
    Cell cell;
    cell.data = arena_.Copy(data, size);
    cell.length = static_cast<int32_t>(size);
    cells_.push_back(cell);
  }
  // Reserves `size` bytes in the arena for the caller to fill (decoders that
  // rewrite a value, e.g. numeric to text), appends the cell and returns the
  // storage.
  char* AppendUninitialized(size_t size) {
    Cell cell;
    char* out = arena_.Allocate(size);
    cell.data = out;
    cell.length = static_cast<int32_t>(size);
    cells_.push_back(cell);
    return out;
  }
  // Shrinks the last appended variable-length cell (after AppendUninitialized).
  void TrimLast(size_t size) { cells_.back().length = static_cast<int32_t>(size); }
  void FinishRow() { ++num_rows_; }
  // Drops cells appended after the last FinishRow() (a row that failed to decode).
  void AbandonRow() { cells_.resize(num_rows_ * num_columns_); }

  // Reader side.
  size_t num_rows() const { return num_rows_; }
  size_t num_columns() const { return num_columns_; }
  const Cell& at(size_t row, size_t column) const { return cells_[row * num_columns_ + column]; }
  // Approximate memory held by the rows in the batch (cells plus arena bytes).
  size_t BytesUsed() const { return cells_.size() * sizeof(Cell) + arena_.BytesUsed(); }
  size_t MemoryUsage() const { return cells_.capacity() * sizeof(Cell) + arena_.MemoryUsage(); }

 private:
  static Cell MakeCell(int64_t value, int32_t length) {
    Cell cell;
    cell.i64 = value;
    cell.length = length;
    return cell;
  }

  size_t num_columns_ = 0;
  size_t num_rows_ = 0;
  std::vector<Cell> cells_;
  Arena arena_;
};

}  // namespace quietfetch::rowstore

#endif  // QUIETFETCH_DRIVER_ROWSTORE_ROW_BATCH_H_
