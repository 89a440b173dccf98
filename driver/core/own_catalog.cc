#include "driver/core/own_catalog.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "driver/core/local_result.h"
#include "driver/core/status.h"
#include "driver/core/types.h"

namespace quietfetch::core {
namespace {

bool LikeMatch(std::string_view pattern, std::string_view text) {
  // Iterative wildcard match with backtracking to the last '%'.
  size_t p = 0, t = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char c = pattern[p];
      if (c == '%') {
        star_p = p++;
        star_t = t;
        continue;
      }
      bool escaped = c == '\\' && p + 1 < pattern.size();
      char literal = escaped ? pattern[p + 1] : c;
      if ((!escaped && c == '_') || literal == text[t]) {
        p += escaped ? 2 : 1;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

std::string Unquote(const std::string& name) {
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    return name.substr(1, name.size() - 2);
  }
  return name;
}

bool CatalogOk(const CatalogArg& catalog, const std::string& database, bool metadata_id) {
  if (!catalog.has_value()) return true;
  return CatalogNameMatches(catalog, database, metadata_id);
}

bool SchemaOk(const CatalogArg& schema) {
  return !schema.has_value() || schema->empty() || *schema == "%";
}

std::vector<std::string> TableTypes(const CatalogArg& types) {
  std::vector<std::string> out;
  if (!types.has_value()) return out;
  for (absl::string_view part : absl::StrSplit(*types, ',')) {
    std::string t(absl::StripAsciiWhitespace(part));
    if (t.size() >= 2 && t.front() == '\'' && t.back() == '\'') t = t.substr(1, t.size() - 2);
    if (!t.empty()) out.push_back(absl::AsciiStrToUpper(t));
  }
  return out;
}

}  // namespace

bool CatalogNameMatches(const CatalogArg& pattern, const std::string& name, bool metadata_id) {
  if (!pattern.has_value()) return true;
  if (metadata_id) return Unquote(*pattern) == name;
  return LikeMatch(*pattern, name);
}

absl::StatusOr<std::unique_ptr<backend::Cursor>> OwnTables(
    backend::BackendConnection& backend, const CatalogArg& catalog, const CatalogArg& schema,
    const CatalogArg& table, const CatalogArg& table_type, bool metadata_id) {
  std::vector<backend::ColumnInfo> columns = {
      LocalResult::TextColumn("TABLE_CAT"), LocalResult::TextColumn("TABLE_SCHEM"),
      LocalResult::TextColumn("TABLE_NAME"), LocalResult::TextColumn("TABLE_TYPE"),
      LocalResult::TextColumn("REMARKS")};
  std::vector<std::vector<LocalValue>> rows;
  std::string database = backend.DatabaseName();
  auto is = [](const CatalogArg& a, std::string_view v) { return a.has_value() && *a == v; };
  auto empty = [](const CatalogArg& a) { return a.has_value() && a->empty(); };
  if (!metadata_id && is(catalog, "%") && empty(schema) && empty(table)) {
    rows.push_back(
        {database, std::monostate(), std::monostate(), std::monostate(), std::monostate()});
  } else if (!metadata_id && is(schema, "%") && empty(catalog) && empty(table)) {
    // No schemas.
  } else if (!metadata_id && is(table_type, "%") && empty(catalog) && empty(schema) &&
             empty(table)) {
    for (const char* type : {"TABLE", "VIEW"}) {
      rows.push_back(
          {std::monostate(), std::monostate(), std::monostate(), type, std::monostate()});
    }
  } else if (CatalogOk(catalog, database, metadata_id) && SchemaOk(schema)) {
    std::vector<std::string> types = TableTypes(table_type);
    QF_ASSIGN_OR_RETURN(auto tables, backend.ListTables());
    for (const auto& t : tables) {
      if (!CatalogNameMatches(table, t.name, metadata_id)) continue;
      if (!types.empty() && std::find(types.begin(), types.end(), t.type) == types.end()) continue;
      rows.push_back({database, std::monostate(), t.name, t.type, std::monostate()});
    }
  }
  return std::unique_ptr<backend::Cursor>(
      std::make_unique<LocalResult>(std::move(columns), std::move(rows)));
}

absl::StatusOr<std::unique_ptr<backend::Cursor>> OwnColumns(
    backend::BackendConnection& backend, const CatalogArg& catalog, const CatalogArg& schema,
    const CatalogArg& table, const CatalogArg& column, bool metadata_id, SQLULEN max_varchar) {
  std::vector<backend::ColumnInfo> columns = {
      LocalResult::TextColumn("TABLE_CAT"),
      LocalResult::TextColumn("TABLE_SCHEM"),
      LocalResult::TextColumn("TABLE_NAME", false),
      LocalResult::TextColumn("COLUMN_NAME", false),
      LocalResult::SmallIntColumn("DATA_TYPE", false),
      LocalResult::TextColumn("TYPE_NAME", false),
      LocalResult::IntColumn("COLUMN_SIZE"),
      LocalResult::IntColumn("BUFFER_LENGTH"),
      LocalResult::SmallIntColumn("DECIMAL_DIGITS"),
      LocalResult::SmallIntColumn("NUM_PREC_RADIX"),
      LocalResult::SmallIntColumn("NULLABLE", false),
      LocalResult::TextColumn("REMARKS"),
      LocalResult::TextColumn("COLUMN_DEF"),
      LocalResult::SmallIntColumn("SQL_DATA_TYPE", false),
      LocalResult::SmallIntColumn("SQL_DATETIME_SUB"),
      LocalResult::IntColumn("CHAR_OCTET_LENGTH"),
      LocalResult::IntColumn("ORDINAL_POSITION", false),
      LocalResult::TextColumn("IS_NULLABLE"),
  };
  std::vector<std::vector<LocalValue>> rows;
  std::string database = backend.DatabaseName();
  if (CatalogOk(catalog, database, metadata_id) && SchemaOk(schema)) {
    QF_ASSIGN_OR_RETURN(auto tables, backend.ListTables());
    for (const auto& t : tables) {
      if (!CatalogNameMatches(table, t.name, metadata_id)) continue;
      QF_ASSIGN_OR_RETURN(auto table_columns, backend.ListColumns(t.name));
      int64_t ordinal = 0;
      for (const auto& c : table_columns) {
        ++ordinal;
        if (!CatalogNameMatches(column, c.name, metadata_id)) continue;
        SqlTypeInfo info = DescribeType(c, max_varchar);
        auto field = [&](TypeField f) -> LocalValue {
          std::optional<int64_t> v = TypeFieldValue(info, f);
          if (!v.has_value()) return std::monostate();
          return *v;
        };
        rows.push_back({database, std::monostate(), t.name, c.name, field(TypeField::kDataType),
                        c.type_name, field(TypeField::kColumnSize), field(TypeField::kBufferLength),
                        field(TypeField::kDecimalDigits), field(TypeField::kNumPrecRadix),
                        int64_t{SQL_NULLABLE}, std::monostate(), std::monostate(),
                        field(TypeField::kSqlDataType), field(TypeField::kDatetimeSub),
                        field(TypeField::kCharOctetLength), ordinal, std::string("YES")});
      }
    }
  }
  return std::unique_ptr<backend::Cursor>(
      std::make_unique<LocalResult>(std::move(columns), std::move(rows)));
}

}  // namespace quietfetch::core
