// Catalog entry points: SQLTables, SQLColumns, SQLPrimaryKeys,
// SQLForeignKeys, SQLStatistics, SQLSpecialColumns, SQLProcedures,
// SQLProcedureColumns, SQLTablePrivileges, SQLColumnPrivileges (ANSI and W).
// Each reads its name arguments, has core/catalog.h build the query and runs
// it as the statement's result.
#include <sql.h>
#include <sqlext.h>
#include <sqlucode.h>

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "driver/core/catalog.h"
#include "driver/core/connection.h"
#include "driver/core/output.h"
#include "driver/core/own_catalog.h"
#include "driver/core/statement.h"
#include "driver/core/status.h"
#include "driver/odbc/dispatch.h"

namespace quietfetch::odbc {
namespace {

using core::CatalogArg;
using core::Statement;

// One name argument as the application passed it (length in characters for
// the W functions).
struct Name {
  const void* text;
  SQLSMALLINT length;
};

absl::StatusOr<CatalogArg> ReadName(Name name, bool wide) {
  if (name.text == nullptr) return CatalogArg();
  if (name.length < 0 && name.length != SQL_NTS) {
    return core::SqlError(core::sqlstate::kInvalidBufferLength,
                          "a name length must be SQL_NTS or non-negative");
  }
  QF_ASSIGN_OR_RETURN(std::string text, core::ReadString(name.text, name.length, wide));
  return CatalogArg(std::move(text));
}

// The backend when it answers the catalog itself (MongoDB), else null.
backend::BackendConnection* OwnCatalogBackend(Statement& s) {
  backend::BackendConnection* backend = s.connection()->backend_or_null();
  return backend != nullptr && backend->HasOwnCatalog() ? backend : nullptr;
}

// Reads the names, builds the query with `build(statement, args)` and runs it.
// A backend with its own catalog answers through `own(backend, statement,
// args)`, or, for the functions without one (`own` is null), with HYC00.
template <size_t N, typename Build, typename Own = std::nullptr_t>
SQLRETURN RunCatalog(SQLHSTMT stmt, const Name (&names)[N], bool wide, Build&& build,
                     const char* function = "", Own&& own = nullptr) {
  return Call<Statement>(stmt, [&](Statement& s) -> absl::Status {
    std::array<CatalogArg, N> args;
    for (size_t i = 0; i < N; ++i) {
      QF_ASSIGN_OR_RETURN(args[i], ReadName(names[i], wide));
    }
    if (backend::BackendConnection* backend = OwnCatalogBackend(s); backend != nullptr) {
      if constexpr (std::is_same_v<std::decay_t<Own>, std::nullptr_t>) {
        return core::SqlError(
            core::sqlstate::kOptionalFeatureNotImplemented,
            absl::StrCat(function, " is not supported by the ", backend->DbmsName(), " backend"));
      } else {
        QF_ASSIGN_OR_RETURN(auto cursor, own(*backend, s, args));
        // A catalog call is a statement of its own (as in ExecuteCatalog).
        if (s.connection()->autocommit()) {
          s.connection()->EndUnitWindow(gc::EndReason::kNextStatement);
        }
        return s.OpenLocalResult(std::move(cursor));
      }
    }
    QF_ASSIGN_OR_RETURN(core::CatalogQuery query, build(s.metadata_id(), args));
    SQLULEN max_varchar = s.max_varchar();
    const bool odbc2 = s.connection()->odbc2();
    core::CatalogQuery shape = query;
    shape.params.clear();
    return s.ExecuteCatalog(std::move(query.sql), std::move(query.params),
                            [shape = std::move(shape), max_varchar, odbc2](auto server) {
                              return core::CatalogCursor(std::move(server), shape, max_varchar,
                                                         odbc2);
                            });
  });
}

SQLRETURN Tables(SQLHSTMT stmt, Name catalog, Name schema, Name table, Name type, bool wide) {
  return RunCatalog(
      stmt, {catalog, schema, table, type}, wide,
      [](bool id, const auto& a) { return core::TablesQuery(a[0], a[1], a[2], a[3], id); },
      "SQLTables",
      [](backend::BackendConnection& b, Statement& s, const auto& a) {
        return core::OwnTables(b, a[0], a[1], a[2], a[3], s.metadata_id());
      });
}

SQLRETURN Columns(SQLHSTMT stmt, Name catalog, Name schema, Name table, Name column, bool wide) {
  return RunCatalog(
      stmt, {catalog, schema, table, column}, wide,
      [](bool id, const auto& a) { return core::ColumnsQuery(a[0], a[1], a[2], a[3], id); },
      "SQLColumns",
      [](backend::BackendConnection& b, Statement& s, const auto& a) {
        return core::OwnColumns(b, a[0], a[1], a[2], a[3], s.metadata_id(), s.max_varchar());
      });
}

SQLRETURN PrimaryKeys(SQLHSTMT stmt, Name catalog, Name schema, Name table, bool wide) {
  return RunCatalog(
      stmt, {catalog, schema, table}, wide,
      [](bool id, const auto& a) { return core::PrimaryKeysQuery(a[0], a[1], a[2], id); },
      "SQLPrimaryKeys");
}

SQLRETURN ForeignKeys(SQLHSTMT stmt, Name pk_catalog, Name pk_schema, Name pk_table,
                      Name fk_catalog, Name fk_schema, Name fk_table, bool wide) {
  return RunCatalog(
      stmt, {pk_catalog, pk_schema, pk_table, fk_catalog, fk_schema, fk_table}, wide,
      [](bool id, const auto& a) {
        return core::ForeignKeysQuery(a[0], a[1], a[2], a[3], a[4], a[5], id);
      },
      "SQLForeignKeys");
}

SQLRETURN Statistics(SQLHSTMT stmt, Name catalog, Name schema, Name table, SQLUSMALLINT unique,
                     SQLUSMALLINT reserved, bool wide) {
  return RunCatalog(
      stmt, {catalog, schema, table}, wide,
      [&](bool id, const auto& a) {
        return core::StatisticsQuery(a[0], a[1], a[2], unique, reserved, id);
      },
      "SQLStatistics");
}

SQLRETURN SpecialColumns(SQLHSTMT stmt, SQLUSMALLINT identifier_type, Name catalog, Name schema,
                         Name table, SQLUSMALLINT scope, SQLUSMALLINT nullable, bool wide) {
  return RunCatalog(
      stmt, {catalog, schema, table}, wide,
      [&](bool id, const auto& a) {
        return core::SpecialColumnsQuery(identifier_type, a[0], a[1], a[2], scope, nullable, id);
      },
      "SQLSpecialColumns");
}

SQLRETURN Procedures(SQLHSTMT stmt, Name catalog, Name schema, Name procedure, bool wide) {
  return RunCatalog(
      stmt, {catalog, schema, procedure}, wide,
      [](bool id, const auto& a) { return core::ProceduresQuery(a[0], a[1], a[2], id); },
      "SQLProcedures");
}

SQLRETURN ProcedureColumns(SQLHSTMT stmt, Name catalog, Name schema, Name procedure, Name column,
                           bool wide) {
  return RunCatalog(
      stmt, {catalog, schema, procedure, column}, wide,
      [](bool id, const auto& a) {
        return core::ProcedureColumnsQuery(a[0], a[1], a[2], a[3], id);
      },
      "SQLProcedureColumns");
}

SQLRETURN TablePrivileges(SQLHSTMT stmt, Name catalog, Name schema, Name table, bool wide) {
  return RunCatalog(
      stmt, {catalog, schema, table}, wide,
      [](bool id, const auto& a) { return core::TablePrivilegesQuery(a[0], a[1], a[2], id); },
      "SQLTablePrivileges");
}

SQLRETURN ColumnPrivileges(SQLHSTMT stmt, Name catalog, Name schema, Name table, Name column,
                           bool wide) {
  return RunCatalog(
      stmt, {catalog, schema, table, column}, wide,
      [](bool id, const auto& a) {
        return core::ColumnPrivilegesQuery(a[0], a[1], a[2], a[3], id);
      },
      "SQLColumnPrivileges");
}

}  // namespace
}  // namespace quietfetch::odbc

namespace qf = quietfetch::odbc;

extern "C" {

SQLRETURN SQL_API SQLTables(SQLHSTMT stmt, SQLCHAR* catalog, SQLSMALLINT catalog_length,
                            SQLCHAR* schema, SQLSMALLINT schema_length, SQLCHAR* table,
                            SQLSMALLINT table_length, SQLCHAR* type, SQLSMALLINT type_length) {
  return qf::Tables(stmt, {catalog, catalog_length}, {schema, schema_length}, {table, table_length},
                    {type, type_length}, false);
}

SQLRETURN SQL_API SQLTablesW(SQLHSTMT stmt, SQLWCHAR* catalog, SQLSMALLINT catalog_length,
                             SQLWCHAR* schema, SQLSMALLINT schema_length, SQLWCHAR* table,
                             SQLSMALLINT table_length, SQLWCHAR* type, SQLSMALLINT type_length) {
  return qf::Tables(stmt, {catalog, catalog_length}, {schema, schema_length}, {table, table_length},
                    {type, type_length}, true);
}

SQLRETURN SQL_API SQLColumns(SQLHSTMT stmt, SQLCHAR* catalog, SQLSMALLINT catalog_length,
                             SQLCHAR* schema, SQLSMALLINT schema_length, SQLCHAR* table,
                             SQLSMALLINT table_length, SQLCHAR* column, SQLSMALLINT column_length) {
  return qf::Columns(stmt, {catalog, catalog_length}, {schema, schema_length},
                     {table, table_length}, {column, column_length}, false);
}

SQLRETURN SQL_API SQLColumnsW(SQLHSTMT stmt, SQLWCHAR* catalog, SQLSMALLINT catalog_length,
                              SQLWCHAR* schema, SQLSMALLINT schema_length, SQLWCHAR* table,
                              SQLSMALLINT table_length, SQLWCHAR* column,
                              SQLSMALLINT column_length) {
  return qf::Columns(stmt, {catalog, catalog_length}, {schema, schema_length},
                     {table, table_length}, {column, column_length}, true);
}

SQLRETURN SQL_API SQLPrimaryKeys(SQLHSTMT stmt, SQLCHAR* catalog, SQLSMALLINT catalog_length,
                                 SQLCHAR* schema, SQLSMALLINT schema_length, SQLCHAR* table,
                                 SQLSMALLINT table_length) {
  return qf::PrimaryKeys(stmt, {catalog, catalog_length}, {schema, schema_length},
                         {table, table_length}, false);
}

SQLRETURN SQL_API SQLPrimaryKeysW(SQLHSTMT stmt, SQLWCHAR* catalog, SQLSMALLINT catalog_length,
                                  SQLWCHAR* schema, SQLSMALLINT schema_length, SQLWCHAR* table,
                                  SQLSMALLINT table_length) {
  return qf::PrimaryKeys(stmt, {catalog, catalog_length}, {schema, schema_length},
                         {table, table_length}, true);
}

SQLRETURN SQL_API SQLForeignKeys(SQLHSTMT stmt, SQLCHAR* pk_catalog, SQLSMALLINT pk_catalog_length,
                                 SQLCHAR* pk_schema, SQLSMALLINT pk_schema_length,
                                 SQLCHAR* pk_table, SQLSMALLINT pk_table_length,
                                 SQLCHAR* fk_catalog, SQLSMALLINT fk_catalog_length,
                                 SQLCHAR* fk_schema, SQLSMALLINT fk_schema_length,
                                 SQLCHAR* fk_table, SQLSMALLINT fk_table_length) {
  return qf::ForeignKeys(stmt, {pk_catalog, pk_catalog_length}, {pk_schema, pk_schema_length},
                         {pk_table, pk_table_length}, {fk_catalog, fk_catalog_length},
                         {fk_schema, fk_schema_length}, {fk_table, fk_table_length}, false);
}

SQLRETURN SQL_API SQLForeignKeysW(SQLHSTMT stmt, SQLWCHAR* pk_catalog,
                                  SQLSMALLINT pk_catalog_length, SQLWCHAR* pk_schema,
                                  SQLSMALLINT pk_schema_length, SQLWCHAR* pk_table,
                                  SQLSMALLINT pk_table_length, SQLWCHAR* fk_catalog,
                                  SQLSMALLINT fk_catalog_length, SQLWCHAR* fk_schema,
                                  SQLSMALLINT fk_schema_length, SQLWCHAR* fk_table,
                                  SQLSMALLINT fk_table_length) {
  return qf::ForeignKeys(stmt, {pk_catalog, pk_catalog_length}, {pk_schema, pk_schema_length},
                         {pk_table, pk_table_length}, {fk_catalog, fk_catalog_length},
                         {fk_schema, fk_schema_length}, {fk_table, fk_table_length}, true);
}

SQLRETURN SQL_API SQLStatistics(SQLHSTMT stmt, SQLCHAR* catalog, SQLSMALLINT catalog_length,
                                SQLCHAR* schema, SQLSMALLINT schema_length, SQLCHAR* table,
                                SQLSMALLINT table_length, SQLUSMALLINT unique,
                                SQLUSMALLINT reserved) {
  return qf::Statistics(stmt, {catalog, catalog_length}, {schema, schema_length},
                        {table, table_length}, unique, reserved, false);
}

SQLRETURN SQL_API SQLStatisticsW(SQLHSTMT stmt, SQLWCHAR* catalog, SQLSMALLINT catalog_length,
                                 SQLWCHAR* schema, SQLSMALLINT schema_length, SQLWCHAR* table,
                                 SQLSMALLINT table_length, SQLUSMALLINT unique,
                                 SQLUSMALLINT reserved) {
  return qf::Statistics(stmt, {catalog, catalog_length}, {schema, schema_length},
                        {table, table_length}, unique, reserved, true);
}

SQLRETURN SQL_API SQLSpecialColumns(SQLHSTMT stmt, SQLUSMALLINT identifier_type, SQLCHAR* catalog,
                                    SQLSMALLINT catalog_length, SQLCHAR* schema,
                                    SQLSMALLINT schema_length, SQLCHAR* table,
                                    SQLSMALLINT table_length, SQLUSMALLINT scope,
                                    SQLUSMALLINT nullable) {
  return qf::SpecialColumns(stmt, identifier_type, {catalog, catalog_length},
                            {schema, schema_length}, {table, table_length}, scope, nullable, false);
}

SQLRETURN SQL_API SQLSpecialColumnsW(SQLHSTMT stmt, SQLUSMALLINT identifier_type, SQLWCHAR* catalog,
                                     SQLSMALLINT catalog_length, SQLWCHAR* schema,
                                     SQLSMALLINT schema_length, SQLWCHAR* table,
                                     SQLSMALLINT table_length, SQLUSMALLINT scope,
                                     SQLUSMALLINT nullable) {
  return qf::SpecialColumns(stmt, identifier_type, {catalog, catalog_length},
                            {schema, schema_length}, {table, table_length}, scope, nullable, true);
}

SQLRETURN SQL_API SQLProcedures(SQLHSTMT stmt, SQLCHAR* catalog, SQLSMALLINT catalog_length,
                                SQLCHAR* schema, SQLSMALLINT schema_length, SQLCHAR* procedure,
                                SQLSMALLINT procedure_length) {
  return qf::Procedures(stmt, {catalog, catalog_length}, {schema, schema_length},
                        {procedure, procedure_length}, false);
}

SQLRETURN SQL_API SQLProceduresW(SQLHSTMT stmt, SQLWCHAR* catalog, SQLSMALLINT catalog_length,
                                 SQLWCHAR* schema, SQLSMALLINT schema_length, SQLWCHAR* procedure,
                                 SQLSMALLINT procedure_length) {
  return qf::Procedures(stmt, {catalog, catalog_length}, {schema, schema_length},
                        {procedure, procedure_length}, true);
}

SQLRETURN SQL_API SQLProcedureColumns(SQLHSTMT stmt, SQLCHAR* catalog, SQLSMALLINT catalog_length,
                                      SQLCHAR* schema, SQLSMALLINT schema_length,
                                      SQLCHAR* procedure, SQLSMALLINT procedure_length,
                                      SQLCHAR* column, SQLSMALLINT column_length) {
  return qf::ProcedureColumns(stmt, {catalog, catalog_length}, {schema, schema_length},
                              {procedure, procedure_length}, {column, column_length}, false);
}

SQLRETURN SQL_API SQLProcedureColumnsW(SQLHSTMT stmt, SQLWCHAR* catalog, SQLSMALLINT catalog_length,
                                       SQLWCHAR* schema, SQLSMALLINT schema_length,
                                       SQLWCHAR* procedure, SQLSMALLINT procedure_length,
                                       SQLWCHAR* column, SQLSMALLINT column_length) {
  return qf::ProcedureColumns(stmt, {catalog, catalog_length}, {schema, schema_length},
                              {procedure, procedure_length}, {column, column_length}, true);
}

SQLRETURN SQL_API SQLTablePrivileges(SQLHSTMT stmt, SQLCHAR* catalog, SQLSMALLINT catalog_length,
                                     SQLCHAR* schema, SQLSMALLINT schema_length, SQLCHAR* table,
                                     SQLSMALLINT table_length) {
  return qf::TablePrivileges(stmt, {catalog, catalog_length}, {schema, schema_length},
                             {table, table_length}, false);
}

SQLRETURN SQL_API SQLTablePrivilegesW(SQLHSTMT stmt, SQLWCHAR* catalog, SQLSMALLINT catalog_length,
                                      SQLWCHAR* schema, SQLSMALLINT schema_length, SQLWCHAR* table,
                                      SQLSMALLINT table_length) {
  return qf::TablePrivileges(stmt, {catalog, catalog_length}, {schema, schema_length},
                             {table, table_length}, true);
}

SQLRETURN SQL_API SQLColumnPrivileges(SQLHSTMT stmt, SQLCHAR* catalog, SQLSMALLINT catalog_length,
                                      SQLCHAR* schema, SQLSMALLINT schema_length, SQLCHAR* table,
                                      SQLSMALLINT table_length, SQLCHAR* column,
                                      SQLSMALLINT column_length) {
  return qf::ColumnPrivileges(stmt, {catalog, catalog_length}, {schema, schema_length},
                              {table, table_length}, {column, column_length}, false);
}

SQLRETURN SQL_API SQLColumnPrivilegesW(SQLHSTMT stmt, SQLWCHAR* catalog, SQLSMALLINT catalog_length,
                                       SQLWCHAR* schema, SQLSMALLINT schema_length, SQLWCHAR* table,
                                       SQLSMALLINT table_length, SQLWCHAR* column,
                                       SQLSMALLINT column_length) {
  return qf::ColumnPrivileges(stmt, {catalog, catalog_length}, {schema, schema_length},
                              {table, table_length}, {column, column_length}, true);
}

}  // extern "C"
