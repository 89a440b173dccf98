#include "quietfetch/orm/mapping.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "driver/core/status.h"

namespace quietfetch::orm::detail {
namespace {

absl::string_view A(std::string_view s) { return core::ToAbsl(s); }

std::string Describe(const ColumnInfo& column) {
  return absl::StrCat("column '", column.name, "' (",
                      column.type_name.empty() ? "?" : column.type_name, ", read as ",
                      A(ColumnTypeName(column.type)), ")");
}

}  // namespace

absl::StatusOr<size_t> FindColumn(const std::vector<ColumnInfo>& columns, std::string_view name) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  // Unquoted identifiers come back folded to lower case; a field spelled
  // "createdDate" should still find "createddate".
  for (size_t i = 0; i < columns.size(); ++i) {
    if (absl::EqualsIgnoreCase(columns[i].name, A(name))) return i;
  }
  std::string names;
  for (const auto& column : columns)
    absl::StrAppend(&names, names.empty() ? "" : ", ", column.name);
  return SqlError("07009", absl::StrCat("the result has no column '", A(name),
                                        "' for the mapped field; its columns are: ", names));
}

absl::Status TypeMismatch(const ColumnInfo& column, std::string_view cpp_type) {
  return SqlError("07006", absl::StrCat(Describe(column), " cannot be read into ", A(cpp_type)));
}

absl::Status NullIntoNonOptional(const ColumnInfo& column, std::string_view cpp_type) {
  return SqlError("22002", absl::StrCat(Describe(column), " is NULL but its field is ", A(cpp_type),
                                        ", not std::optional"));
}

absl::Status InColumn(const absl::Status& status, const ColumnInfo& column) {
  return SqlError(SqlState(status), absl::StrCat(Describe(column), ": ", status.message()));
}

absl::Status WrongColumnCount(size_t columns, std::string_view cpp_type) {
  return SqlError("07009", absl::StrCat("a query read into ", A(cpp_type),
                                        " must return exactly one column, not ", columns));
}

}  // namespace quietfetch::orm::detail
