// The ODBC catalog functions (SQLTables, SQLColumns, ...) as PostgreSQL
// queries over pg_catalog.
//
// Contract: each *Query function checks the arguments the way ODBC defines
// them (HY009 for a required null, HY097..HY101 for out-of-range options) and
// returns SQL text with '?' markers plus its parameters: application strings
// are only ever sent as parameters. The result has exactly the columns ODBC
// 3 specifies, in its order and with its row ordering; the statement runs it
// through its normal execution path and wraps the server's cursor with
// CatalogCursor(), which fills the type columns (DATA_TYPE, COLUMN_SIZE, ...)
// from the same type tables SQLDescribeCol uses and hides the helper columns
// the query carries for that.
//
// Arguments follow ODBC's "Arguments in Catalog Functions": pattern value
// arguments take '%' and '_' with '\' as the escape (SQL_SEARCH_PATTERN_ESCAPE),
// ordinary arguments are compared literally, and with SQL_ATTR_METADATA_ID both
// are identifiers: a quoted one keeps its case, an unquoted one is folded
// the way PostgreSQL folds identifiers (to lower case, SQL_IDENTIFIER_CASE).
// A null pattern does not restrict; an empty string matches nothing (PostgreSQL
// has no objects without a catalog or schema).
#ifndef QUIETFETCH_DRIVER_CORE_CATALOG_H_
#define QUIETFETCH_DRIVER_CORE_CATALOG_H_

#include <sql.h>
#include <sqlext.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "driver/backend/backend.h"
#include "driver/core/types.h"

namespace quietfetch::core {

// One string argument: nullopt for a null pointer.
using CatalogArg = std::optional<std::string>;

// A result column the driver computes from the row's type (see
// CatalogCursor) instead of taking it from the server.
enum class TypeField : uint8_t {
  kDataType,         // concise SQL type
  kColumnSize,       //
  kBufferLength,     // octets transferred with SQL_C_DEFAULT
  kDecimalDigits,    // NULL where not applicable
  kNumPrecRadix,     // NULL for non-numeric types
  kSqlDataType,      // verbose SQL type (SQL_DATETIME for date/time)
  kDatetimeSub,      // NULL for non-date/time types
  kCharOctetLength,  // NULL for non-character, non-binary types
};

struct DerivedColumn {
  size_t column;  // 0-based result column
  TypeField field;
};

struct CatalogQuery {
  std::string sql;  // '?' markers
  std::vector<backend::Param> params;
  // Columns the application sees; the server's result has three more after
  // them when `derived` is not empty: the type's OID (int8; a domain's base
  // type), its typmod (int4) and whether it is text-like (bool: enums and
  // types that send text, which SQLDescribeCol reports as text).
  size_t visible_columns = 0;
  std::vector<DerivedColumn> derived;
  // 0-based columns ODBC declares NOT NULL (the others are nullable).
  std::vector<size_t> not_null;
};

absl::StatusOr<CatalogQuery> TablesQuery(const CatalogArg& catalog, const CatalogArg& schema,
                                         const CatalogArg& table, const CatalogArg& table_type,
                                         bool metadata_id);
absl::StatusOr<CatalogQuery> ColumnsQuery(const CatalogArg& catalog, const CatalogArg& schema,
                                          const CatalogArg& table, const CatalogArg& column,
                                          bool metadata_id);
absl::StatusOr<CatalogQuery> PrimaryKeysQuery(const CatalogArg& catalog, const CatalogArg& schema,
                                              const CatalogArg& table, bool metadata_id);
absl::StatusOr<CatalogQuery> ForeignKeysQuery(const CatalogArg& pk_catalog,
                                              const CatalogArg& pk_schema,
                                              const CatalogArg& pk_table,
                                              const CatalogArg& fk_catalog,
                                              const CatalogArg& fk_schema,
                                              const CatalogArg& fk_table, bool metadata_id);
absl::StatusOr<CatalogQuery> StatisticsQuery(const CatalogArg& catalog, const CatalogArg& schema,
                                             const CatalogArg& table, SQLUSMALLINT unique,
                                             SQLUSMALLINT reserved, bool metadata_id);
absl::StatusOr<CatalogQuery> SpecialColumnsQuery(SQLUSMALLINT identifier_type,
                                                 const CatalogArg& catalog,
                                                 const CatalogArg& schema, const CatalogArg& table,
                                                 SQLUSMALLINT scope, SQLUSMALLINT nullable,
                                                 bool metadata_id);
absl::StatusOr<CatalogQuery> ProceduresQuery(const CatalogArg& catalog, const CatalogArg& schema,
                                             const CatalogArg& procedure, bool metadata_id);
absl::StatusOr<CatalogQuery> ProcedureColumnsQuery(const CatalogArg& catalog,
                                                   const CatalogArg& schema,
                                                   const CatalogArg& procedure,
                                                   const CatalogArg& column, bool metadata_id);
absl::StatusOr<CatalogQuery> TablePrivilegesQuery(const CatalogArg& catalog,
                                                  const CatalogArg& schema, const CatalogArg& table,
                                                  bool metadata_id);
absl::StatusOr<CatalogQuery> ColumnPrivilegesQuery(const CatalogArg& catalog,
                                                   const CatalogArg& schema,
                                                   const CatalogArg& table,
                                                   const CatalogArg& column, bool metadata_id);

// What SQLDescribeCol reports for a column of this PostgreSQL type.
SqlTypeInfo CatalogTypeInfo(uint32_t type_oid, int32_t typmod, bool text_like, SQLULEN max_varchar);

// The value of `field` for `info`; nullopt where ODBC says NULL.
std::optional<int64_t> TypeFieldValue(const SqlTypeInfo& info, TypeField field);

// Serves `server` (the result of query.sql) as the catalog result: the
// visible columns, with derived ones computed, streamed batch by batch.
// `odbc2`: DATA_TYPE carries the ODBC 2 date/time codes (Odbc2TypeCode).
std::unique_ptr<backend::Cursor> CatalogCursor(std::unique_ptr<backend::Cursor> server,
                                               const CatalogQuery& query, SQLULEN max_varchar,
                                               bool odbc2 = false);

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_CATALOG_H_
