// Catalog queries over pg_catalog (PostgreSQL 12 and later: attgenerated,
// prokind, name = text comparisons).
//
// Choices, each shared with psqlODBC unless noted:
//  - TABLE_CAT is the current database; a catalog argument is compared with it.
//  - Relations of pg_catalog and information_schema are "SYSTEM TABLE" (views
//    too), listed only when the table types ask for them or the schema
//    argument names a schema without wildcards. Temporary relations are
//    "LOCAL TEMPORARY" (psqlODBC: "TABLE"), materialized views
//    "MATERIALIZED VIEW" (psqlODBC: "MATVIEW"), partitioned tables "TABLE".
//  - A null schema for the functions about one table (SQLPrimaryKeys,
//    SQLStatistics, SQLSpecialColumns, SQLForeignKeys, SQLColumnPrivileges)
//    means the table an unqualified name finds (search_path).
//  - SQLSpecialColumns(SQL_BEST_ROWID) gives the primary key, else the
//    narrowest unique index over NOT NULL columns, else no rows;
//    SQL_ROWVER gives the xmin pseudo column.
//  - Long REMARKS are cut at 254 characters; a COLUMN_DEF that does not fit
//    is "TRUNCATED", as ODBC says.
#include "driver/core/catalog.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "driver/backend/postgres/pg_types.h"
#include "driver/core/status.h"

namespace quietfetch::core {
namespace {

constexpr const char* kCatalog = "pg_catalog.current_database()::pg_catalog.varchar(128)";
constexpr const char* kRelationKinds = "('r', 'p', 'v', 'm', 'f')";
constexpr const char* kSystemSchemas = "('pg_catalog', 'information_schema')";

// Text of the query and its parameters, in marker order.
class Builder {
 public:
  // Adds a text parameter; returns its marker.
  std::string Param(std::string value) {
    backend::Param param;
    param.type = backend::LogicalType::kText;
    param.data = std::move(value);
    params_.push_back(std::move(param));
    return "?";
  }
  std::vector<backend::Param> TakeParams() { return std::move(params_); }

 private:
  std::vector<backend::Param> params_;
};

// Conditions AND-ed together, each prefixed with " AND ".
class Conditions {
 public:
  void Add(std::string condition) { text_ += absl::StrCat(" AND ", condition); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

enum class ArgKind { kPattern, kOrdinary };

// An identifier argument (SQL_ATTR_METADATA_ID): trailing blanks go; a quoted
// one keeps its case ("" stands for "), an unquoted one is folded as
// PostgreSQL folds unquoted identifiers.
std::string IdentifierValue(absl::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    std::string out;
    absl::string_view inner = text.substr(1, text.size() - 2);
    for (size_t i = 0; i < inner.size(); ++i) {
      out.push_back(inner[i]);
      if (inner[i] == '"' && i + 1 < inner.size() && inner[i + 1] == '"') ++i;
    }
    return out;
  }
  return absl::AsciiStrToLower(text);
}

bool HasWildcard(absl::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
    } else if (pattern[i] == '%' || pattern[i] == '_') {
      return true;
    }
  }
  return false;
}

// A pattern without wildcards, its escapes removed.
std::string Unescape(absl::string_view pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) ++i;
    out.push_back(pattern[i]);
  }
  return out;
}

// PostgreSQL's LIKE escapes with '\' as ODBC does, but rejects a pattern
// ending in a lone escape; ODBC leaves that undefined, so it stands for itself.
std::string LikePattern(absl::string_view pattern) {
  std::string out(pattern);
  size_t escapes = 0;
  for (size_t i = out.size(); i > 0 && out[i - 1] == '\\'; --i) ++escapes;
  if (escapes % 2 == 1) out.push_back('\\');
  return out;
}

void Restrict(Builder& b, Conditions& where, absl::string_view column, const CatalogArg& arg,
              ArgKind kind, bool metadata_id) {
  if (!arg.has_value()) return;
  if (metadata_id) {
    where.Add(absl::StrCat(column, " = ", b.Param(IdentifierValue(*arg))));
  } else if (kind == ArgKind::kOrdinary) {
    where.Add(absl::StrCat(column, " = ", b.Param(*arg)));
  } else if (*arg == "%") {
    // Matches every name.
  } else if (!HasWildcard(*arg)) {
    // Equality lets the server use the catalogs' name indexes.
    where.Add(absl::StrCat(column, " = ", b.Param(Unescape(*arg))));
  } else {
    where.Add(absl::StrCat(column, " LIKE ", b.Param(LikePattern(*arg))));
  }
}

absl::Status NullArgument(absl::string_view function, absl::string_view argument) {
  return SqlError(sqlstate::kInvalidNullPointer,
                  absl::StrCat(function, ": ", argument, " must not be a null pointer"));
}

// SQL_ATTR_METADATA_ID makes every name argument an identifier, which cannot
// be null (catalog names are supported: SQL_CATALOG_NAME is "Y").
absl::Status RequireIdentifiers(
    absl::string_view function,
    std::initializer_list<std::pair<const char*, const CatalogArg*>> args, bool metadata_id) {
  if (!metadata_id) return absl::OkStatus();
  for (const auto& [name, arg] : args) {
    if (!arg->has_value()) {
      return NullArgument(function, absl::StrCat(name, " (SQL_ATTR_METADATA_ID is SQL_TRUE)"));
    }
  }
  return absl::OkStatus();
}

// Restricts one table named by ordinary arguments; a null schema means the
// table the search path finds.
void RestrictTable(Builder& b, Conditions& where, const CatalogArg& catalog,
                   const CatalogArg& schema, const CatalogArg& table, bool metadata_id,
                   absl::string_view nsp, absl::string_view rel, absl::string_view class_oid) {
  Restrict(b, where, "pg_catalog.current_database()", catalog, ArgKind::kOrdinary, metadata_id);
  if (schema.has_value()) {
    Restrict(b, where, nsp, schema, ArgKind::kOrdinary, metadata_id);
  } else {
    where.Add(absl::StrCat("pg_catalog.pg_table_is_visible(", class_oid, ")"));
  }
  Restrict(b, where, rel, table, ArgKind::kOrdinary, metadata_id);
}

// The three helper columns CatalogCursor reads (see CatalogQuery), for the
// type `t` (a pg_type alias) with typmod `typmod`. Domains report their base
// type, as the server's result descriptions do.
std::string TypeInputs(absl::string_view t, absl::string_view typmod) {
  std::string base = absl::StrCat("(CASE WHEN ", t, ".typtype = 'd' THEN ", t, ".typbasetype ELSE ",
                                  t, ".oid END)");
  return absl::StrCat(
      base, "::pg_catalog.int8 AS qf_type_oid, (CASE WHEN ", t, ".typtype = 'd' THEN ", t,
      ".typtypmod ELSE ", typmod, " END)::pg_catalog.int4 AS qf_typmod, ",
      "EXISTS (SELECT 1 FROM pg_catalog.pg_type qf_b "
      "LEFT JOIN pg_catalog.pg_proc qf_s ON qf_s.oid = qf_b.typsend WHERE qf_b.oid = ",
      base,
      " AND (qf_b.typtype = 'e' OR qf_s.proname IN ('textsend', 'varcharsend', "
      "'bpcharsend', 'citextsend', 'namesend'))) AS qf_text_like");
}

CatalogQuery Finish(std::string sql, Builder& b, size_t visible, std::vector<size_t> not_null,
                    std::vector<DerivedColumn> derived = {}) {
  CatalogQuery query;
  query.sql = std::move(sql);
  query.params = b.TakeParams();
  query.visible_columns = visible;
  query.not_null = std::move(not_null);
  query.derived = std::move(derived);
  return query;
}

// The derived columns of the SQLColumns/SQLProcedureColumns layout
// (DATA_TYPE at `data_type`, the rest at their fixed offsets from it).
std::vector<DerivedColumn> ColumnsLayout(size_t data_type) {
  return {{data_type, TypeField::kDataType},         {data_type + 2, TypeField::kColumnSize},
          {data_type + 3, TypeField::kBufferLength}, {data_type + 4, TypeField::kDecimalDigits},
          {data_type + 5, TypeField::kNumPrecRadix}, {data_type + 9, TypeField::kSqlDataType},
          {data_type + 10, TypeField::kDatetimeSub}, {data_type + 11, TypeField::kCharOctetLength}};
}

std::string TableTypeExpression() {
  return absl::StrCat(
      "(CASE WHEN n.nspname IN ", kSystemSchemas,
      " THEN 'SYSTEM TABLE' WHEN c.relpersistence = 't' THEN 'LOCAL TEMPORARY' "
      "WHEN c.relkind IN ('r', 'p') THEN 'TABLE' WHEN c.relkind = 'v' THEN 'VIEW' "
      "WHEN c.relkind = 'm' THEN 'MATERIALIZED VIEW' WHEN c.relkind = 'f' THEN 'FOREIGN TABLE' "
      "END)");
}

// "'TABLE','VIEW'" or "TABLE, VIEW" -> {"TABLE", "VIEW"}.
std::vector<std::string> ParseTableTypes(absl::string_view list) {
  std::vector<std::string> types;
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.size() >= 2 && item.front() == '\'' && item.back() == '\'') {
      item = absl::StripAsciiWhitespace(item.substr(1, item.size() - 2));
    }
    if (!item.empty()) types.push_back(absl::AsciiStrToUpper(item));
  }
  return types;
}

}  // namespace

absl::StatusOr<CatalogQuery> TablesQuery(const CatalogArg& catalog, const CatalogArg& schema,
                                         const CatalogArg& table, const CatalogArg& table_type,
                                         bool metadata_id) {
  QF_RETURN_IF_ERROR(RequireIdentifiers(
      "SQLTables", {{"CatalogName", &catalog}, {"SchemaName", &schema}, {"TableName", &table}},
      metadata_id));
  Builder b;
  auto is = [](const CatalogArg& arg, absl::string_view text) {
    return arg.has_value() && *arg == text;
  };
  // The special enumerations ODBC defines for SQLTables.
  if (is(catalog, "%") && is(schema, "") && is(table, "")) {
    return Finish(
        absl::StrCat("SELECT ", kCatalog,
                     " AS \"TABLE_CAT\", NULL::pg_catalog.varchar(128) AS \"TABLE_SCHEM\", "
                     "NULL::pg_catalog.varchar(128) AS \"TABLE_NAME\", "
                     "NULL::pg_catalog.varchar(128) AS \"TABLE_TYPE\", "
                     "NULL::pg_catalog.varchar(254) AS \"REMARKS\""),
        b, 5, {});
  }
  if (is(schema, "%") && is(catalog, "") && is(table, "")) {
    return Finish(
        "SELECT NULL::pg_catalog.varchar(128) AS \"TABLE_CAT\", "
        "n.nspname::pg_catalog.varchar(128) AS \"TABLE_SCHEM\", "
        "NULL::pg_catalog.varchar(128) AS \"TABLE_NAME\", "
        "NULL::pg_catalog.varchar(128) AS \"TABLE_TYPE\", "
        "NULL::pg_catalog.varchar(254) AS \"REMARKS\" FROM pg_catalog.pg_namespace n "
        "WHERE n.nspname !~ '^pg_toast' AND NOT pg_catalog.pg_is_other_temp_schema(n.oid) "
        "ORDER BY 2",
        b, 5, {1});
  }
  if (is(table_type, "%") && is(catalog, "") && is(schema, "") && is(table, "")) {
    return Finish(
        "SELECT NULL::pg_catalog.varchar(128) AS \"TABLE_CAT\", "
        "NULL::pg_catalog.varchar(128) AS \"TABLE_SCHEM\", "
        "NULL::pg_catalog.varchar(128) AS \"TABLE_NAME\", "
        "v.t::pg_catalog.varchar(128) AS \"TABLE_TYPE\", "
        "NULL::pg_catalog.varchar(254) AS \"REMARKS\" FROM (VALUES ('FOREIGN TABLE'), "
        "('LOCAL TEMPORARY'), ('MATERIALIZED VIEW'), ('SYSTEM TABLE'), ('TABLE'), ('VIEW')) "
        "AS v(t) ORDER BY 4",
        b, 5, {3});
  }
  Conditions where;
  Restrict(b, where, "pg_catalog.current_database()", catalog, ArgKind::kPattern, metadata_id);
  Restrict(b, where, "n.nspname", schema, ArgKind::kPattern, metadata_id);
  Restrict(b, where, "c.relname", table, ArgKind::kPattern, metadata_id);
  std::vector<std::string> types;
  if (table_type.has_value() && *table_type != "%") types = ParseTableTypes(*table_type);
  bool system = metadata_id ? schema.has_value() : schema.has_value() && !HasWildcard(*schema);
  if (!types.empty()) {
    std::vector<std::string> markers;
    for (std::string& type : types) {
      if (type == "SYSTEM TABLE") system = true;
      markers.push_back(b.Param(std::move(type)));
    }
    where.Add(absl::StrCat(TableTypeExpression(), " IN (", absl::StrJoin(markers, ", "), ")"));
  }
  if (!system) where.Add(absl::StrCat("n.nspname NOT IN ", kSystemSchemas));
  return Finish(absl::StrCat("SELECT ", kCatalog, " AS \"TABLE_CAT\", ",
                             "n.nspname::pg_catalog.varchar(128) AS \"TABLE_SCHEM\", "
                             "c.relname::pg_catalog.varchar(128) AS \"TABLE_NAME\", ",
                             TableTypeExpression(), "::pg_catalog.varchar(128) AS \"TABLE_TYPE\", ",
                             "d.description::pg_catalog.varchar(254) AS \"REMARKS\" "
                             "FROM pg_catalog.pg_class c "
                             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                             "LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid "
                             "AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass "
                             "AND d.objsubid = 0 WHERE c.relkind IN ",
                             kRelationKinds,
                             " AND n.nspname !~ '^pg_toast' "
                             "AND NOT pg_catalog.pg_is_other_temp_schema(n.oid)",
                             where.text(), " ORDER BY 4, 1, 2, 3"),
                b, 5, {2});
}

absl::StatusOr<CatalogQuery> ColumnsQuery(const CatalogArg& catalog, const CatalogArg& schema,
                                          const CatalogArg& table, const CatalogArg& column,
                                          bool metadata_id) {
  QF_RETURN_IF_ERROR(RequireIdentifiers("SQLColumns",
                                        {{"CatalogName", &catalog},
                                         {"SchemaName", &schema},
                                         {"TableName", &table},
                                         {"ColumnName", &column}},
                                        metadata_id));
  Builder b;
  Conditions where;
  Restrict(b, where, "pg_catalog.current_database()", catalog, ArgKind::kPattern, metadata_id);
  Restrict(b, where, "n.nspname", schema, ArgKind::kPattern, metadata_id);
  Restrict(b, where, "c.relname", table, ArgKind::kPattern, metadata_id);
  Restrict(b, where, "a.attname", column, ArgKind::kPattern, metadata_id);
  std::string not_null = "(a.attnotnull OR (t.typtype = 'd' AND t.typnotnull))";
  std::string def = "pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)";
  return Finish(
      absl::StrCat(
          "SELECT ", kCatalog, " AS \"TABLE_CAT\", ",
          "n.nspname::pg_catalog.varchar(128) AS \"TABLE_SCHEM\", "
          "c.relname::pg_catalog.varchar(128) AS \"TABLE_NAME\", "
          "a.attname::pg_catalog.varchar(128) AS \"COLUMN_NAME\", "
          "NULL::pg_catalog.int2 AS \"DATA_TYPE\", "
          "t.typname::pg_catalog.varchar(128) AS \"TYPE_NAME\", "
          "NULL::pg_catalog.int4 AS \"COLUMN_SIZE\", NULL::pg_catalog.int4 AS \"BUFFER_LENGTH\", "
          "NULL::pg_catalog.int2 AS \"DECIMAL_DIGITS\", "
          "NULL::pg_catalog.int2 AS \"NUM_PREC_RADIX\", "
          "(CASE WHEN ",
          not_null, " THEN 0 ELSE 1 END)::pg_catalog.int2 AS \"NULLABLE\", ",
          "d.description::pg_catalog.varchar(254) AS \"REMARKS\", "
          "(CASE WHEN a.attgenerated <> '' THEN NULL WHEN pg_catalog.length(",
          def, ") > 254 THEN 'TRUNCATED' ELSE ", def,
          " END)::pg_catalog.varchar(254) AS \"COLUMN_DEF\", "
          "NULL::pg_catalog.int2 AS \"SQL_DATA_TYPE\", "
          "NULL::pg_catalog.int2 AS \"SQL_DATETIME_SUB\", "
          "NULL::pg_catalog.int4 AS \"CHAR_OCTET_LENGTH\", "
          "a.position::pg_catalog.int4 AS \"ORDINAL_POSITION\", (CASE WHEN ",
          not_null, " THEN 'NO' ELSE 'YES' END)::pg_catalog.varchar(3) AS \"IS_NULLABLE\", ",
          TypeInputs("t", "a.atttypmod"),
          " FROM pg_catalog.pg_class c "
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          // Positions count the columns a SELECT * shows, so dropped ones leave no gaps.
          "CROSS JOIN LATERAL (SELECT x.attname, x.atttypid, x.atttypmod, x.attnotnull, "
          "x.attgenerated, x.attnum, x.attrelid, "
          "pg_catalog.row_number() OVER (ORDER BY x.attnum) AS position "
          "FROM pg_catalog.pg_attribute x WHERE x.attrelid = c.oid AND x.attnum > 0 "
          "AND NOT x.attisdropped) a "
          "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
          "LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
          "LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid "
          "AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass "
          "AND d.objsubid = a.attnum WHERE c.relkind IN ",
          kRelationKinds,
          " AND n.nspname !~ '^pg_toast' AND NOT pg_catalog.pg_is_other_temp_schema(n.oid)",
          where.text(), " ORDER BY 2, 3, 17"),
      b, 18, {2, 3, 4, 5, 10, 13, 16}, ColumnsLayout(4));
}

absl::StatusOr<CatalogQuery> PrimaryKeysQuery(const CatalogArg& catalog, const CatalogArg& schema,
                                              const CatalogArg& table, bool metadata_id) {
  if (!table.has_value()) return NullArgument("SQLPrimaryKeys", "TableName");
  QF_RETURN_IF_ERROR(RequireIdentifiers(
      "SQLPrimaryKeys", {{"CatalogName", &catalog}, {"SchemaName", &schema}}, metadata_id));
  Builder b;
  Conditions where;
  RestrictTable(b, where, catalog, schema, table, metadata_id, "n.nspname", "c.relname", "c.oid");
  return Finish(absl::StrCat("SELECT ", kCatalog, " AS \"TABLE_CAT\", ",
                             "n.nspname::pg_catalog.varchar(128) AS \"TABLE_SCHEM\", "
                             "c.relname::pg_catalog.varchar(128) AS \"TABLE_NAME\", "
                             "a.attname::pg_catalog.varchar(128) AS \"COLUMN_NAME\", "
                             "k.n::pg_catalog.int2 AS \"KEY_SEQ\", "
                             "con.conname::pg_catalog.varchar(128) AS \"PK_NAME\" "
                             "FROM pg_catalog.pg_constraint con "
                             "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
                             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                             "CROSS JOIN LATERAL pg_catalog.unnest(con.conkey) "
                             "WITH ORDINALITY AS k(attnum, n) "
                             "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
                             "AND a.attnum = k.attnum WHERE con.contype = 'p'",
                             where.text(), " ORDER BY 1, 2, 3, 5"),
                b, 6, {2, 3, 4});
}

absl::StatusOr<CatalogQuery> ForeignKeysQuery(const CatalogArg& pk_catalog,
                                              const CatalogArg& pk_schema,
                                              const CatalogArg& pk_table,
                                              const CatalogArg& fk_catalog,
                                              const CatalogArg& fk_schema,
                                              const CatalogArg& fk_table, bool metadata_id) {
  if (!pk_table.has_value() && !fk_table.has_value()) {
    return NullArgument("SQLForeignKeys", "PKTableName or FKTableName");
  }
  // Under SQL_ATTR_METADATA_ID, the side that names a table must name its
  // catalog and schema too; the other side may stay open.
  if (pk_table.has_value()) {
    QF_RETURN_IF_ERROR(RequireIdentifiers(
        "SQLForeignKeys", {{"PKCatalogName", &pk_catalog}, {"PKSchemaName", &pk_schema}},
        metadata_id));
  }
  if (fk_table.has_value()) {
    QF_RETURN_IF_ERROR(RequireIdentifiers(
        "SQLForeignKeys", {{"FKCatalogName", &fk_catalog}, {"FKSchemaName", &fk_schema}},
        metadata_id));
  }
  Builder b;
  Conditions where;
  if (pk_table.has_value()) {
    RestrictTable(b, where, pk_catalog, pk_schema, pk_table, metadata_id, "pn.nspname",
                  "pc.relname", "pc.oid");
  } else {
    Restrict(b, where, "pg_catalog.current_database()", pk_catalog, ArgKind::kOrdinary,
             metadata_id);
    Restrict(b, where, "pn.nspname", pk_schema, ArgKind::kOrdinary, metadata_id);
  }
  if (fk_table.has_value()) {
    RestrictTable(b, where, fk_catalog, fk_schema, fk_table, metadata_id, "fn.nspname",
                  "fc.relname", "fc.oid");
  } else {
    Restrict(b, where, "pg_catalog.current_database()", fk_catalog, ArgKind::kOrdinary,
             metadata_id);
    Restrict(b, where, "fn.nspname", fk_schema, ArgKind::kOrdinary, metadata_id);
  }
  auto rule = [](absl::string_view column) {
    // SQL_CASCADE 0, SQL_RESTRICT 1, SQL_SET_NULL 2, SQL_NO_ACTION 3, SQL_SET_DEFAULT 4.
    return absl::StrCat("(CASE con.", column,
                        " WHEN 'c' THEN 0 WHEN 'r' THEN 1 WHEN 'n' THEN 2 WHEN 'a' THEN 3 "
                        "WHEN 'd' THEN 4 END)::pg_catalog.int2");
  };
  // Rows of one referenced table are ordered by the referencing tables, and
  // the other way round.
  std::string order = pk_table.has_value() ? "5, 6, 7, 12, 9" : "1, 2, 3, 12, 9";
  return Finish(
      absl::StrCat(
          "SELECT ", kCatalog, " AS \"PKTABLE_CAT\", ",
          "pn.nspname::pg_catalog.varchar(128) AS \"PKTABLE_SCHEM\", "
          "pc.relname::pg_catalog.varchar(128) AS \"PKTABLE_NAME\", "
          "pa.attname::pg_catalog.varchar(128) AS \"PKCOLUMN_NAME\", ",
          kCatalog, " AS \"FKTABLE_CAT\", ",
          "fn.nspname::pg_catalog.varchar(128) AS \"FKTABLE_SCHEM\", "
          "fc.relname::pg_catalog.varchar(128) AS \"FKTABLE_NAME\", "
          "fa.attname::pg_catalog.varchar(128) AS \"FKCOLUMN_NAME\", "
          "k.n::pg_catalog.int2 AS \"KEY_SEQ\", ",
          rule("confupdtype"), " AS \"UPDATE_RULE\", ", rule("confdeltype"),
          " AS \"DELETE_RULE\", con.conname::pg_catalog.varchar(128) AS \"FK_NAME\", "
          "COALESCE(pk.conname, pi.relname)::pg_catalog.varchar(128) AS \"PK_NAME\", "
          // SQL_INITIALLY_DEFERRED 5, SQL_INITIALLY_IMMEDIATE 6, SQL_NOT_DEFERRABLE 7.
          "(CASE WHEN con.condeferrable AND con.condeferred THEN 5 "
          "WHEN con.condeferrable THEN 6 ELSE 7 END)::pg_catalog.int2 AS \"DEFERRABILITY\" "
          "FROM pg_catalog.pg_constraint con "
          "CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(con.conkey), "
          "pg_catalog.unnest(con.confkey)) "
          "WITH ORDINALITY AS k(fk_attnum, pk_attnum, n) "
          "JOIN pg_catalog.pg_class fc ON fc.oid = con.conrelid "
          "JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace "
          "JOIN pg_catalog.pg_class pc ON pc.oid = con.confrelid "
          "JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace "
          "JOIN pg_catalog.pg_attribute fa ON fa.attrelid = fc.oid AND fa.attnum = k.fk_attnum "
          "JOIN pg_catalog.pg_attribute pa ON pa.attrelid = pc.oid AND pa.attnum = k.pk_attnum "
          "LEFT JOIN pg_catalog.pg_class pi ON pi.oid = con.conindid "
          "LEFT JOIN pg_catalog.pg_constraint pk ON pk.conrelid = con.confrelid "
          "AND pk.conindid = con.conindid AND pk.contype IN ('p', 'u') "
          "WHERE con.contype = 'f'",
          where.text(), " ORDER BY ", order),
      b, 14, {2, 3, 6, 7, 8, 13});
}

absl::StatusOr<CatalogQuery> StatisticsQuery(const CatalogArg& catalog, const CatalogArg& schema,
                                             const CatalogArg& table, SQLUSMALLINT unique,
                                             SQLUSMALLINT reserved, bool metadata_id) {
  if (!table.has_value()) return NullArgument("SQLStatistics", "TableName");
  QF_RETURN_IF_ERROR(RequireIdentifiers(
      "SQLStatistics", {{"CatalogName", &catalog}, {"SchemaName", &schema}}, metadata_id));
  if (unique != SQL_INDEX_UNIQUE && unique != SQL_INDEX_ALL) {
    return SqlError("HY100", absl::StrCat("SQLStatistics: Unique must be SQL_INDEX_UNIQUE or "
                                          "SQL_INDEX_ALL, not ",
                                          unique));
  }
  if (reserved != SQL_ENSURE && reserved != SQL_QUICK) {
    return SqlError("HY101", absl::StrCat("SQLStatistics: Reserved must be SQL_ENSURE or "
                                          "SQL_QUICK, not ",
                                          reserved));
  }
  // SQL_ENSURE is answered like SQL_QUICK: the statistics the server keeps
  // (refreshing them would mean an ANALYZE, with its cost and locks).
  Builder b;
  Conditions table_where;
  RestrictTable(b, table_where, catalog, schema, table, metadata_id, "n.nspname", "c.relname",
                "c.oid");
  Conditions index_where;
  RestrictTable(b, index_where, catalog, schema, table, metadata_id, "n.nspname", "c.relname",
                "c.oid");
  if (unique == SQL_INDEX_UNIQUE) index_where.Add("i.indisunique");
  return Finish(
      absl::StrCat(
          "SELECT * FROM (SELECT ", kCatalog, " AS \"TABLE_CAT\", ",
          "n.nspname::pg_catalog.varchar(128) AS \"TABLE_SCHEM\", "
          "c.relname::pg_catalog.varchar(128) AS \"TABLE_NAME\", "
          "NULL::pg_catalog.int2 AS \"NON_UNIQUE\", "
          "NULL::pg_catalog.varchar(128) AS \"INDEX_QUALIFIER\", "
          "NULL::pg_catalog.varchar(128) AS \"INDEX_NAME\", "
          "0::pg_catalog.int2 AS \"TYPE\", NULL::pg_catalog.int2 AS \"ORDINAL_POSITION\", "
          "NULL::pg_catalog.varchar(128) AS \"COLUMN_NAME\", "
          "NULL::pg_catalog.bpchar(1) AS \"ASC_OR_DESC\", "
          "(CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples END)::pg_catalog.int4 "
          "AS \"CARDINALITY\", c.relpages::pg_catalog.int4 AS \"PAGES\", "
          "NULL::pg_catalog.varchar(254) AS \"FILTER_CONDITION\" "
          "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "WHERE c.relkind IN ('r', 'p', 'm', 'f')",
          table_where.text(), " UNION ALL SELECT ", kCatalog, ", ",
          "n.nspname::pg_catalog.varchar(128), c.relname::pg_catalog.varchar(128), "
          "(NOT i.indisunique)::pg_catalog.int4::pg_catalog.int2, "
          "n.nspname::pg_catalog.varchar(128), ic.relname::pg_catalog.varchar(128), "
          // SQL_INDEX_CLUSTERED 1, SQL_INDEX_HASHED 2, SQL_INDEX_OTHER 3.
          "(CASE WHEN i.indisclustered THEN 1 WHEN am.amname = 'hash' THEN 2 ELSE 3 END)"
          "::pg_catalog.int2, k.n::pg_catalog.int2, "
          "COALESCE(a.attname::pg_catalog.text, "
          "pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true))::pg_catalog.varchar(128), "
          "(CASE WHEN am.amname <> 'btree' THEN NULL "
          "WHEN i.indoption[k.n - 1] & 1 = 1 THEN 'D' ELSE 'A' END)::pg_catalog.bpchar(1), "
          "NULL::pg_catalog.int4, ic.relpages::pg_catalog.int4, "
          "pg_catalog.pg_get_expr(i.indpred, i.indrelid)::pg_catalog.varchar(254) "
          "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
          "JOIN pg_catalog.pg_am am ON am.oid = ic.relam "
          "CROSS JOIN LATERAL pg_catalog.generate_series(1, i.indnkeyatts::pg_catalog.int4) "
          "AS k(n) LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
          "AND a.attnum = i.indkey[k.n - 1] AND i.indkey[k.n - 1] <> 0 WHERE true",
          index_where.text(),
          ") s ORDER BY \"NON_UNIQUE\" NULLS FIRST, \"TYPE\", \"INDEX_QUALIFIER\", "
          "\"INDEX_NAME\", \"ORDINAL_POSITION\""),
      b, 13, {2, 6});
}

absl::StatusOr<CatalogQuery> SpecialColumnsQuery(SQLUSMALLINT identifier_type,
                                                 const CatalogArg& catalog,
                                                 const CatalogArg& schema, const CatalogArg& table,
                                                 SQLUSMALLINT scope, SQLUSMALLINT nullable,
                                                 bool metadata_id) {
  if (!table.has_value()) return NullArgument("SQLSpecialColumns", "TableName");
  QF_RETURN_IF_ERROR(RequireIdentifiers(
      "SQLSpecialColumns", {{"CatalogName", &catalog}, {"SchemaName", &schema}}, metadata_id));
  if (identifier_type != SQL_BEST_ROWID && identifier_type != SQL_ROWVER) {
    return SqlError(sqlstate::kColumnTypeOutOfRange,
                    absl::StrCat("SQLSpecialColumns: IdentifierType must be SQL_BEST_ROWID or "
                                 "SQL_ROWVER, not ",
                                 identifier_type));
  }
  if (scope != SQL_SCOPE_CURROW && scope != SQL_SCOPE_TRANSACTION && scope != SQL_SCOPE_SESSION) {
    return SqlError("HY098", absl::StrCat("SQLSpecialColumns: Scope ", scope, " is out of range"));
  }
  if (nullable != SQL_NO_NULLS && nullable != SQL_NULLABLE) {
    return SqlError("HY099",
                    absl::StrCat("SQLSpecialColumns: Nullable ", nullable, " is out of range"));
  }
  // Every column returned is NOT NULL and valid for the session, so Scope and
  // Nullable never filter anything out.
  Builder b;
  Conditions where;
  RestrictTable(b, where, catalog, schema, table, metadata_id, "n.nspname", "c.relname", "c.oid");
  std::string columns =
      "NULL::pg_catalog.int2 AS \"DATA_TYPE\", t.typname::pg_catalog.varchar(128) AS "
      "\"TYPE_NAME\", NULL::pg_catalog.int4 AS \"COLUMN_SIZE\", "
      "NULL::pg_catalog.int4 AS \"BUFFER_LENGTH\", NULL::pg_catalog.int2 AS \"DECIMAL_DIGITS\", ";
  std::vector<DerivedColumn> derived = {{2, TypeField::kDataType},
                                        {4, TypeField::kColumnSize},
                                        {5, TypeField::kBufferLength},
                                        {6, TypeField::kDecimalDigits}};
  if (identifier_type == SQL_ROWVER) {
    return Finish(
        absl::StrCat("SELECT NULL::pg_catalog.int2 AS \"SCOPE\", "
                     "'xmin'::pg_catalog.varchar(128) AS \"COLUMN_NAME\", ",
                     columns, "2::pg_catalog.int2 AS \"PSEUDO_COLUMN\", ", TypeInputs("t", "-1"),
                     " FROM pg_catalog.pg_class c "
                     "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                     "JOIN pg_catalog.pg_type t ON t.oid = "
                     "'pg_catalog.xid'::pg_catalog.regtype "
                     "WHERE c.relkind IN ('r', 'p', 'm')",
                     where.text()),
        b, 8, {1, 2, 3}, std::move(derived));
  }
  return Finish(
      absl::StrCat(
          "SELECT 2::pg_catalog.int2 AS \"SCOPE\", "
          "a.attname::pg_catalog.varchar(128) AS \"COLUMN_NAME\", ",
          columns, "1::pg_catalog.int2 AS \"PSEUDO_COLUMN\", ", TypeInputs("t", "a.atttypmod"),
          " FROM pg_catalog.pg_class c "
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "CROSS JOIN LATERAL (SELECT i.indkey, i.indnkeyatts FROM pg_catalog.pg_index i "
          "WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid AND i.indpred IS NULL "
          "AND i.indexprs IS NULL AND (i.indisprimary OR NOT EXISTS (SELECT 1 FROM "
          "pg_catalog.pg_attribute x WHERE x.attrelid = c.oid AND NOT x.attnotnull AND "
          "x.attnum = ANY ((i.indkey::pg_catalog.int2[])[0:i.indnkeyatts - 1]))) "
          "ORDER BY i.indisprimary DESC, i.indnkeyatts, i.indexrelid LIMIT 1) best "
          "CROSS JOIN LATERAL pg_catalog.generate_series(1, best.indnkeyatts::pg_catalog.int4) "
          "AS k(n) JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
          "AND a.attnum = best.indkey[k.n - 1] "
          "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid WHERE c.relkind IN ('r', 'p', 'm')",
          where.text(), " ORDER BY k.n"),
      b, 8, {1, 2, 3}, std::move(derived));
}

absl::StatusOr<CatalogQuery> ProceduresQuery(const CatalogArg& catalog, const CatalogArg& schema,
                                             const CatalogArg& procedure, bool metadata_id) {
  QF_RETURN_IF_ERROR(RequireIdentifiers(
      "SQLProcedures",
      {{"CatalogName", &catalog}, {"SchemaName", &schema}, {"ProcName", &procedure}}, metadata_id));
  Builder b;
  Conditions where;
  Restrict(b, where, "pg_catalog.current_database()", catalog, ArgKind::kPattern, metadata_id);
  Restrict(b, where, "n.nspname", schema, ArgKind::kPattern, metadata_id);
  Restrict(b, where, "p.proname", procedure, ArgKind::kPattern, metadata_id);
  return Finish(absl::StrCat("SELECT ", kCatalog, " AS \"PROCEDURE_CAT\", ",
                             "n.nspname::pg_catalog.varchar(128) AS \"PROCEDURE_SCHEM\", "
                             "p.proname::pg_catalog.varchar(128) AS \"PROCEDURE_NAME\", "
                             "NULL::pg_catalog.int4 AS \"NUM_INPUT_PARAMS\", "
                             "NULL::pg_catalog.int4 AS \"NUM_OUTPUT_PARAMS\", "
                             "NULL::pg_catalog.int4 AS \"NUM_RESULT_SETS\", "
                             "d.description::pg_catalog.varchar(254) AS \"REMARKS\", "
                             // SQL_PT_PROCEDURE 1, SQL_PT_FUNCTION 2.
                             "(CASE WHEN p.prokind = 'p' THEN 1 ELSE 2 END)::pg_catalog.int2 "
                             "AS \"PROCEDURE_TYPE\" FROM pg_catalog.pg_proc p "
                             "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
                             "LEFT JOIN pg_catalog.pg_description d ON d.objoid = p.oid "
                             "AND d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
                             "AND d.objsubid = 0 WHERE p.prokind IN ('f', 'p') "
                             "AND NOT pg_catalog.pg_is_other_temp_schema(n.oid)",
                             where.text(), " ORDER BY 1, 2, 3, p.oid"),
                b, 8, {2});
}

absl::StatusOr<CatalogQuery> ProcedureColumnsQuery(const CatalogArg& catalog,
                                                   const CatalogArg& schema,
                                                   const CatalogArg& procedure,
                                                   const CatalogArg& column, bool metadata_id) {
  QF_RETURN_IF_ERROR(RequireIdentifiers("SQLProcedureColumns",
                                        {{"CatalogName", &catalog},
                                         {"SchemaName", &schema},
                                         {"ProcName", &procedure},
                                         {"ColumnName", &column}},
                                        metadata_id));
  Builder b;
  Conditions where;
  Restrict(b, where, "pg_catalog.current_database()", catalog, ArgKind::kPattern, metadata_id);
  Restrict(b, where, "n.nspname", schema, ArgKind::kPattern, metadata_id);
  Restrict(b, where, "p.proname", procedure, ArgKind::kPattern, metadata_id);
  Restrict(b, where, "x.name", column, ArgKind::kPattern, metadata_id);
  // Functions whose result the OUT, INOUT or TABLE parameters describe.
  std::string described =
      "COALESCE('o' = ANY (p.proargmodes) OR 'b' = ANY (p.proargmodes) OR "
      "'t' = ANY (p.proargmodes), false)";
  // Rows per routine: its return value (ordinal 0), its parameters in call
  // order, then its result set's columns, as ODBC orders them.
  // COLUMN_TYPE: SQL_PARAM_INPUT 1, SQL_PARAM_INPUT_OUTPUT 2, SQL_RESULT_COL 3,
  // SQL_PARAM_OUTPUT 4, SQL_RETURN_VALUE 5.
  std::string rows = absl::StrCat(
      "SELECT 0 AS grp, ''::pg_catalog.text AS name, 5 AS kind, p.prorettype AS typ, "
      "0::pg_catalog.int8 AS ordinal, NULL::pg_catalog.text AS def "
      "WHERE p.prokind = 'f' AND NOT p.proretset "
      "AND p.prorettype <> 'pg_catalog.void'::pg_catalog.regtype AND NOT ",
      described,
      " UNION ALL SELECT 2, '', 3, p.prorettype, 1, NULL WHERE p.prokind = 'f' "
      "AND p.proretset AND NOT ",
      described,
      " UNION ALL SELECT (CASE WHEN y.mode = 't' THEN 2 ELSE 1 END), COALESCE(y.name, ''), "
      "(CASE y.mode WHEN 'o' THEN 4 WHEN 'b' THEN 2 WHEN 't' THEN 3 ELSE 1 END), y.typ, "
      "pg_catalog.row_number() OVER (PARTITION BY y.mode = 't' ORDER BY y.pos), "
      "(CASE WHEN y.mode IN ('i', 'b', 'v') THEN "
      "pg_catalog.pg_get_function_arg_default(p.oid, y.pos::pg_catalog.int4) END) "
      "FROM (SELECT z.typ, COALESCE(z.mode, 'i') AS mode, z.name, z.pos "
      "FROM ROWS FROM (pg_catalog.unnest(COALESCE(p.proallargtypes, "
      "p.proargtypes::pg_catalog.oid[])), pg_catalog.unnest(p.proargmodes::pg_catalog.text[]), "
      "pg_catalog.unnest(p.proargnames)) WITH ORDINALITY "
      "AS z(typ, mode, name, pos)) y");
  return Finish(
      absl::StrCat(
          "SELECT ", kCatalog, " AS \"PROCEDURE_CAT\", ",
          "n.nspname::pg_catalog.varchar(128) AS \"PROCEDURE_SCHEM\", "
          "p.proname::pg_catalog.varchar(128) AS \"PROCEDURE_NAME\", "
          "x.name::pg_catalog.varchar(128) AS \"COLUMN_NAME\", "
          "x.kind::pg_catalog.int2 AS \"COLUMN_TYPE\", NULL::pg_catalog.int2 AS \"DATA_TYPE\", "
          "t.typname::pg_catalog.varchar(128) AS \"TYPE_NAME\", "
          "NULL::pg_catalog.int4 AS \"COLUMN_SIZE\", NULL::pg_catalog.int4 AS \"BUFFER_LENGTH\", "
          "NULL::pg_catalog.int2 AS \"DECIMAL_DIGITS\", "
          "NULL::pg_catalog.int2 AS \"NUM_PREC_RADIX\", "
          // SQL_NULLABLE_UNKNOWN: PostgreSQL does not say whether parameters take NULL.
          "2::pg_catalog.int2 AS \"NULLABLE\", NULL::pg_catalog.varchar(254) AS \"REMARKS\", "
          "(CASE WHEN pg_catalog.length(x.def) > 254 THEN 'TRUNCATED' ELSE x.def END)"
          "::pg_catalog.varchar(254) AS \"COLUMN_DEF\", "
          "NULL::pg_catalog.int2 AS \"SQL_DATA_TYPE\", "
          "NULL::pg_catalog.int2 AS \"SQL_DATETIME_SUB\", "
          "NULL::pg_catalog.int4 AS \"CHAR_OCTET_LENGTH\", "
          "x.ordinal::pg_catalog.int4 AS \"ORDINAL_POSITION\", "
          "''::pg_catalog.varchar(3) AS \"IS_NULLABLE\", ",
          TypeInputs("t", "-1"),
          " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
          "CROSS JOIN LATERAL (",
          rows,
          ") x JOIN pg_catalog.pg_type t ON t.oid = x.typ WHERE p.prokind IN ('f', 'p') "
          "AND NOT pg_catalog.pg_is_other_temp_schema(n.oid)",
          where.text(), " ORDER BY 1, 2, 3, p.oid, x.grp, x.ordinal"),
      b, 19, {2, 3, 4, 5, 6, 11, 14}, ColumnsLayout(5));
}

absl::StatusOr<CatalogQuery> TablePrivilegesQuery(const CatalogArg& catalog,
                                                  const CatalogArg& schema, const CatalogArg& table,
                                                  bool metadata_id) {
  QF_RETURN_IF_ERROR(RequireIdentifiers(
      "SQLTablePrivileges",
      {{"CatalogName", &catalog}, {"SchemaName", &schema}, {"TableName", &table}}, metadata_id));
  Builder b;
  Conditions where;
  Restrict(b, where, "pg_catalog.current_database()", catalog, ArgKind::kPattern, metadata_id);
  Restrict(b, where, "n.nspname", schema, ArgKind::kPattern, metadata_id);
  Restrict(b, where, "c.relname", table, ArgKind::kPattern, metadata_id);
  return Finish(
      absl::StrCat("SELECT ", kCatalog, " AS \"TABLE_CAT\", ",
                   "n.nspname::pg_catalog.varchar(128) AS \"TABLE_SCHEM\", "
                   "c.relname::pg_catalog.varchar(128) AS \"TABLE_NAME\", "
                   "pg_catalog.pg_get_userbyid(acl.grantor)::pg_catalog.varchar(128) "
                   "AS \"GRANTOR\", (CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE "
                   "pg_catalog.pg_get_userbyid(acl.grantee) END)::pg_catalog.varchar(128) "
                   "AS \"GRANTEE\", acl.privilege_type::pg_catalog.varchar(128) AS \"PRIVILEGE\", "
                   "(CASE WHEN acl.is_grantable THEN 'YES' ELSE 'NO' END)::pg_catalog.varchar(3) "
                   "AS \"IS_GRANTABLE\" FROM pg_catalog.pg_class c "
                   "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                   "CROSS JOIN LATERAL pg_catalog.aclexplode(COALESCE(c.relacl, "
                   "pg_catalog.acldefault('r', c.relowner))) acl WHERE c.relkind IN ",
                   kRelationKinds,
                   " AND n.nspname !~ '^pg_toast' "
                   "AND NOT pg_catalog.pg_is_other_temp_schema(n.oid)",
                   where.text(), " ORDER BY 1, 2, 3, 6, 5"),
      b, 7, {2, 4, 5});
}

absl::StatusOr<CatalogQuery> ColumnPrivilegesQuery(const CatalogArg& catalog,
                                                   const CatalogArg& schema,
                                                   const CatalogArg& table,
                                                   const CatalogArg& column, bool metadata_id) {
  if (!table.has_value()) return NullArgument("SQLColumnPrivileges", "TableName");
  QF_RETURN_IF_ERROR(RequireIdentifiers(
      "SQLColumnPrivileges",
      {{"CatalogName", &catalog}, {"SchemaName", &schema}, {"ColumnName", &column}}, metadata_id));
  Builder b;
  Conditions where;
  RestrictTable(b, where, catalog, schema, table, metadata_id, "n.nspname", "c.relname", "c.oid");
  Restrict(b, where, "a.attname", column, ArgKind::kPattern, metadata_id);
  // A column privilege comes from a grant on the column or, for the
  // privileges that exist per column, on its table.
  return Finish(
      absl::StrCat(
          "SELECT ", kCatalog, " AS \"TABLE_CAT\", ",
          "n.nspname::pg_catalog.varchar(128) AS \"TABLE_SCHEM\", "
          "c.relname::pg_catalog.varchar(128) AS \"TABLE_NAME\", "
          "a.attname::pg_catalog.varchar(128) AS \"COLUMN_NAME\", "
          "pg_catalog.pg_get_userbyid(acl.grantor)::pg_catalog.varchar(128) AS \"GRANTOR\", "
          "(CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE "
          "pg_catalog.pg_get_userbyid(acl.grantee) END)::pg_catalog.varchar(128) "
          "AS \"GRANTEE\", acl.privilege_type::pg_catalog.varchar(128) AS \"PRIVILEGE\", "
          "(CASE WHEN acl.is_grantable THEN 'YES' ELSE 'NO' END)::pg_catalog.varchar(3) "
          "AS \"IS_GRANTABLE\" FROM pg_catalog.pg_class c "
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
          "AND NOT a.attisdropped CROSS JOIN LATERAL (SELECT * FROM "
          "pg_catalog.aclexplode(COALESCE(c.relacl, pg_catalog.acldefault('r', c.relowner))) "
          "WHERE privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES') "
          "UNION SELECT * FROM pg_catalog.aclexplode(a.attacl)) acl WHERE c.relkind IN ",
          kRelationKinds, where.text(), " ORDER BY 1, 2, 3, 4, 7, 6"),
      b, 8, {2, 3, 5, 6});
}

SqlTypeInfo CatalogTypeInfo(uint32_t type_oid, int32_t typmod, bool text_like,
                            SQLULEN max_varchar) {
  // The same resolution as the backend's result descriptions: built-in
  // types by OID, then enums and text-sending types as text.
  backend::ColumnInfo column;
  column.type_oid = type_oid;
  if (const pg::TypeInfo* builtin = pg::FindBuiltinType(type_oid)) {
    column.type = pg::LogicalTypeOf(builtin->kind);
    column.type_name = std::string(builtin->name);
  } else {
    column.type = text_like ? backend::LogicalType::kText : backend::LogicalType::kUnknown;
  }
  pg::ApplyTypmod(type_oid, typmod, column);
  return DescribeType(column, max_varchar);
}

std::optional<int64_t> TypeFieldValue(const SqlTypeInfo& info, TypeField field) {
  auto bounded = [](uint64_t n) {
    return static_cast<int64_t>(std::min<uint64_t>(n, std::numeric_limits<int32_t>::max()));
  };
  switch (field) {
    case TypeField::kDataType:
      return info.sql_type;
    case TypeField::kColumnSize:
      return bounded(info.column_size);
    case TypeField::kBufferLength:
      return bounded(static_cast<uint64_t>(info.octet_length));
    case TypeField::kDecimalDigits:
      switch (info.sql_type) {
        case SQL_BIT:
        case SQL_TINYINT:
        case SQL_SMALLINT:
        case SQL_INTEGER:
        case SQL_BIGINT:
        case SQL_NUMERIC:
        case SQL_DECIMAL:
        case SQL_TYPE_TIME:
        case SQL_TYPE_TIMESTAMP:
          return info.decimal_digits;
        default:
          return std::nullopt;  // not applicable (ODBC appendix D)
      }
    case TypeField::kNumPrecRadix:
      if (info.num_prec_radix == 0) return std::nullopt;
      return info.num_prec_radix;
    case TypeField::kSqlDataType:
      return info.verbose_type;
    case TypeField::kDatetimeSub:
      if (info.datetime_subcode == 0) return std::nullopt;
      return info.datetime_subcode;
    case TypeField::kCharOctetLength:
      switch (info.sql_type) {
        case SQL_CHAR:
        case SQL_VARCHAR:
        case SQL_LONGVARCHAR:
        case SQL_WCHAR:
        case SQL_WVARCHAR:
        case SQL_WLONGVARCHAR:
        case SQL_BINARY:
        case SQL_VARBINARY:
        case SQL_LONGVARBINARY:
          return bounded(static_cast<uint64_t>(info.octet_length));
        default:
          return std::nullopt;
      }
  }
  return std::nullopt;
}

namespace {

class CatalogResult : public backend::Cursor {
 public:
  CatalogResult(std::unique_ptr<backend::Cursor> server, const CatalogQuery& query,
                SQLULEN max_varchar, bool odbc2)
      : server_(std::move(server)), max_varchar_(max_varchar), odbc2_(odbc2) {
    const auto& all = server_->columns();
    size_t visible = std::min(query.visible_columns, all.size());
    columns_.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(visible));
    for (size_t i = 0; i < columns_.size(); ++i) {
      columns_[i].nullable_known = true;
      columns_[i].nullable =
          std::find(query.not_null.begin(), query.not_null.end(), i) == query.not_null.end();
    }
    fields_.resize(columns_.size());
    // The helper columns follow the visible ones; without them (a server
    // result of another shape) the derived cells stay as the server sent them.
    if (all.size() >= visible + 3) {
      for (const DerivedColumn& d : query.derived) {
        if (d.column < fields_.size()) fields_[d.column] = d.field;
      }
    }
  }

  const std::vector<backend::ColumnInfo>& columns() const override { return columns_; }

  absl::StatusOr<bool> Fill(rowstore::RowBatch& batch,
                            const rowstore::BatchLimits& limits) override {
    scratch_.Clear(server_->columns().size());
    absl::StatusOr<bool> more = server_->Fill(scratch_, limits);
    if (!more.ok()) return more.status();
    const size_t visible = columns_.size();
    for (size_t row = 0; row < scratch_.num_rows(); ++row) {
      SqlTypeInfo info{};
      bool have_info = false;
      for (size_t column = 0; column < visible; ++column) {
        if (fields_[column].has_value()) {
          if (!have_info) {
            info = TypeOfRow(row, visible);
            have_info = true;
          }
          std::optional<int64_t> value = TypeFieldValue(info, *fields_[column]);
          if (odbc2_ && *fields_[column] == TypeField::kDataType && value.has_value()) {
            value = Odbc2TypeCode(static_cast<SQLSMALLINT>(*value));
          }
          if (value.has_value()) {
            batch.AppendInt(*value);
          } else {
            batch.AppendNull();
          }
          continue;
        }
        const rowstore::Cell& cell = scratch_.at(row, column);
        if (cell.is_null()) {
          batch.AppendNull();
        } else if (cell.is_fixed()) {
          // Same bits for integers and doubles.
          batch.AppendInt(cell.i64);
        } else {
          batch.AppendBytes(cell.data, static_cast<size_t>(cell.length));
        }
      }
      batch.FinishRow();
    }
    return *more;
  }

  int64_t rows_affected() const override { return server_->rows_affected(); }
  absl::Status Close() override { return server_->Close(); }

 private:
  SqlTypeInfo TypeOfRow(size_t row, size_t visible) const {
    const rowstore::Cell& type_oid = scratch_.at(row, visible);
    const rowstore::Cell& typmod = scratch_.at(row, visible + 1);
    const rowstore::Cell& text_like = scratch_.at(row, visible + 2);
    return CatalogTypeInfo(type_oid.is_fixed() ? static_cast<uint32_t>(type_oid.i64) : 0,
                           typmod.is_fixed() ? static_cast<int32_t>(typmod.i64) : -1,
                           text_like.is_fixed() && text_like.i64 != 0, max_varchar_);
  }

  std::unique_ptr<backend::Cursor> server_;
  SQLULEN max_varchar_;
  bool odbc2_;
  std::vector<backend::ColumnInfo> columns_;
  std::vector<std::optional<TypeField>> fields_;
  rowstore::RowBatch scratch_;
};

}  // namespace

std::unique_ptr<backend::Cursor> CatalogCursor(std::unique_ptr<backend::Cursor> server,
                                               const CatalogQuery& query, SQLULEN max_varchar,
                                               bool odbc2) {
  return std::make_unique<CatalogResult>(std::move(server), query, max_varchar, odbc2);
}

}  // namespace quietfetch::core
