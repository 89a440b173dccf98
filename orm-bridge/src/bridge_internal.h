// Where the bridge's public types meet the driver's internal ones. Only the
// library's sources (and in-tree tests) include this; the installed headers
// never do.
#ifndef QUIETFETCH_ORM_SRC_BRIDGE_INTERNAL_H_
#define QUIETFETCH_ORM_SRC_BRIDGE_INTERNAL_H_

#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "driver/backend/backend.h"
#include "driver/rowstore/row_batch.h"
#include "quietfetch/orm/types.h"

namespace quietfetch::orm::detail {

// BatchView reads the driver's cells in place: the layouts must agree.
static_assert(sizeof(Cell) == sizeof(rowstore::Cell));
static_assert(alignof(Cell) == alignof(rowstore::Cell));
static_assert(offsetof(Cell, i64) == offsetof(rowstore::Cell, i64));
static_assert(offsetof(Cell, length) == offsetof(rowstore::Cell, length));
static_assert(Cell::kNull == rowstore::Cell::kNull && Cell::kFixed == rowstore::Cell::kFixed);
static_assert(std::is_trivially_copyable_v<Cell> && std::is_trivially_copyable_v<rowstore::Cell>);

// ColumnType is cast to and from backend::LogicalType.
#define QF_ORM_SAME_TYPE(name) \
  static_assert(static_cast<int>(ColumnType::name) == static_cast<int>(backend::LogicalType::name))
QF_ORM_SAME_TYPE(kBool);
QF_ORM_SAME_TYPE(kInt16);
QF_ORM_SAME_TYPE(kInt32);
QF_ORM_SAME_TYPE(kInt64);
QF_ORM_SAME_TYPE(kFloat32);
QF_ORM_SAME_TYPE(kFloat64);
QF_ORM_SAME_TYPE(kNumeric);
QF_ORM_SAME_TYPE(kText);
QF_ORM_SAME_TYPE(kBytes);
QF_ORM_SAME_TYPE(kDate);
QF_ORM_SAME_TYPE(kTime);
QF_ORM_SAME_TYPE(kTimestamp);
QF_ORM_SAME_TYPE(kTimestampTz);
QF_ORM_SAME_TYPE(kUuid);
QF_ORM_SAME_TYPE(kJson);
QF_ORM_SAME_TYPE(kUnknown);
#undef QF_ORM_SAME_TYPE

inline BatchView ViewOf(const rowstore::RowBatch& batch) {
  if (batch.num_rows() == 0) return BatchView(nullptr, 0, batch.num_columns());
  // Only the address is taken here; BatchView::at() copies the bytes out.
  return BatchView(reinterpret_cast<const Cell*>(&batch.at(0, 0)), batch.num_rows(),
                   batch.num_columns());
}

inline ColumnInfo ToColumnInfo(const backend::ColumnInfo& in) {
  ColumnInfo out;
  out.name = in.name;
  out.type = static_cast<ColumnType>(in.type);
  out.type_name = in.type_name;
  out.type_oid = in.type_oid;
  out.size = in.size;
  out.precision = in.precision;
  out.scale = in.scale;
  return out;
}

inline std::vector<backend::Param> ToBackendParams(std::vector<Param> params) {
  std::vector<backend::Param> out(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    out[i].type = static_cast<backend::LogicalType>(params[i].type);
    out[i].is_null = params[i].is_null;
    out[i].data = std::move(params[i].data);
  }
  return out;
}

}  // namespace quietfetch::orm::detail

#endif  // QUIETFETCH_ORM_SRC_BRIDGE_INTERNAL_H_
