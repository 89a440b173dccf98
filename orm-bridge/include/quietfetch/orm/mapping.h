// Declaring how a struct maps to columns, once, with no code generator:
//
//   struct Entry {
//     std::string id;
//     quietfetch::orm::Timestamp created_date;
//     std::optional<int> some_random_number;
//   };
//   template <>
//   struct quietfetch::orm::Mapping<Entry> {
//     static constexpr auto kFields = quietfetch::orm::Fields(
//         quietfetch::orm::Field("id", &Entry::id),
//         quietfetch::orm::Field("created_date", &Entry::created_date),
//         quietfetch::orm::Field("some_random_number", &Entry::some_random_number));
//   };
//
// Columns are matched to fields by name once per result (exactly, then
// ignoring ASCII case); result columns no field names are ignored, a field
// without a column is 07009. Every field's column type is checked then too
// (07006 naming column, server type and C++ type), so a mismatch fails
// before the first row instead of producing wrong values. A type without a
// Mapping but with FieldTraits (int64_t, std::string, ...) reads a result of
// exactly one column.
//
// RowReader<T> is what Connection uses; it is public so that other front
// ends (the pool, benchmarks) can decode batches the same way.
#ifndef QUIETFETCH_ORM_MAPPING_H_
#define QUIETFETCH_ORM_MAPPING_H_

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "quietfetch/orm/field_traits.h"
#include "quietfetch/orm/types.h"

namespace quietfetch::orm {

template <class Class, class Member>
struct FieldDef {
  using ClassType = Class;
  using MemberType = Member;
  std::string_view name;
  Member Class::*member;
};

template <class Class, class Member>
constexpr FieldDef<Class, Member> Field(std::string_view name, Member Class::*member) {
  return FieldDef<Class, Member>{name, member};
}

template <class... Defs>
constexpr std::tuple<Defs...> Fields(Defs... defs) {
  return std::tuple<Defs...>(defs...);
}

// Specialize with `static constexpr auto kFields = Fields(Field(...), ...);`.
template <class T>
struct Mapping;

template <class T>
concept Mapped = requires {
  std::tuple_size<std::decay_t<decltype(Mapping<T>::kFields)>>::value;
};

// What Query/Stream can produce: a mapped struct or a single readable value.
template <class T>
concept RowType = Mapped<T> || Readable<T>;

namespace detail {

template <class T>
constexpr size_t FieldCount() {
  if constexpr (Mapped<T>) {
    return std::tuple_size_v<std::decay_t<decltype(Mapping<T>::kFields)>>;
  } else {
    return 1;
  }
}

template <class T>
constexpr bool BorrowsBatch() {
  if constexpr (Mapped<T>) {
    return std::apply(
        [](const auto&... defs) {
          return (FieldTraits<typename std::decay_t<decltype(defs)>::MemberType>::kBorrowsBatch ||
                  ... || false);
        },
        Mapping<T>::kFields);
  } else {
    return FieldTraits<T>::kBorrowsBatch;
  }
}

// Column lookup and the error texts, out of line.
absl::StatusOr<size_t> FindColumn(const std::vector<ColumnInfo>& columns, std::string_view name);
absl::Status TypeMismatch(const ColumnInfo& column, std::string_view cpp_type);
absl::Status NullIntoNonOptional(const ColumnInfo& column, std::string_view cpp_type);
absl::Status InColumn(const absl::Status& status, const ColumnInfo& column);
absl::Status WrongColumnCount(size_t columns, std::string_view cpp_type);

template <class M>
absl::Status Check(const ColumnInfo& column) {
  if (!FieldTraits<M>::Accepts(column.type)) {
    return TypeMismatch(column, FieldTraits<M>::kTypeName);
  }
  return absl::OkStatus();
}

template <class M>
inline absl::Status ReadValue(const Cell& cell, const ColumnInfo& column, M& out) {
  if (cell.is_null()) {
    if constexpr (FieldTraits<M>::kNullable) {
      out.reset();
      return absl::OkStatus();
    } else {
      return NullIntoNonOptional(column, FieldTraits<M>::kTypeName);
    }
  }
  absl::Status status = FieldTraits<M>::Read(cell, column.type, out);
  if (!status.ok()) [[unlikely]]
    return InColumn(status, column);
  return status;
}

}  // namespace detail

// Decodes rows of one result into T. Bind() once per result; Read() per row.
// Holds a pointer to the column list, which must outlive it.
template <RowType T>
class RowReader {
 public:
  static constexpr size_t kFields = detail::FieldCount<T>();

  static absl::StatusOr<RowReader> Bind(const std::vector<ColumnInfo>& columns) {
    RowReader reader;
    reader.columns_ = &columns;
    if constexpr (Mapped<T>) {
      absl::Status status = absl::OkStatus();
      size_t i = 0;
      std::apply(
          [&](const auto&... defs) {
            auto bind_one = [&](const auto& def) {
              if (!status.ok()) return;
              using M = typename std::decay_t<decltype(def)>::MemberType;
              absl::StatusOr<size_t> index = detail::FindColumn(columns, def.name);
              if (!index.ok()) {
                status = index.status();
                return;
              }
              status = detail::Check<M>(columns[*index]);
              reader.index_[i++] = *index;
            };
            (bind_one(defs), ...);
          },
          Mapping<T>::kFields);
      if (!status.ok()) return status;
    } else {
      if (columns.size() != 1)
        return detail::WrongColumnCount(columns.size(), FieldTraits<T>::kTypeName);
      absl::Status status = detail::Check<T>(columns[0]);
      if (!status.ok()) return status;
      reader.index_[0] = 0;
    }
    return reader;
  }

  // Reads row `row` of `batch` into `out`, assigning every mapped field (so a
  // reused T keeps its strings' capacity).
  absl::Status Read(const BatchView& batch, size_t row, T& out) const {
    if constexpr (Mapped<T>) {
      absl::Status status = absl::OkStatus();
      size_t i = 0;
      std::apply(
          [&](const auto&... defs) {
            auto read_one = [&](const auto& def) {
              const size_t column = index_[i++];
              if (!status.ok()) return;
              status =
                  detail::ReadValue(batch.at(row, column), (*columns_)[column], out.*(def.member));
            };
            (read_one(defs), ...);
          },
          Mapping<T>::kFields);
      return status;
    } else {
      return detail::ReadValue(batch.at(row, 0), (*columns_)[0], out);
    }
  }

 private:
  std::array<size_t, kFields> index_{};
  const std::vector<ColumnInfo>* columns_ = nullptr;
};

// The column names of a mapped struct, in declaration order.
template <Mapped T>
std::vector<std::string_view> ColumnNames() {
  return std::apply([](const auto&... defs) { return std::vector<std::string_view>{defs.name...}; },
                    Mapping<T>::kFields);
}

// The parameters for every field of `value`, in declaration order.
template <Mapped T>
void AppendParams(const T& value, std::vector<Param>& out) {
  std::apply([&](const auto&... defs) { (out.push_back(ToParam(value.*(defs.member))), ...); },
             Mapping<T>::kFields);
}

}  // namespace quietfetch::orm

#endif  // QUIETFETCH_ORM_MAPPING_H_
