// SQLTables and SQLColumns for a backend that answers them itself
// (BackendConnection::HasOwnCatalog, e.g. MongoDB): the backend lists tables
// and their columns; this applies the ODBC argument rules and builds the
// result with exactly the columns ODBC 3 specifies, served as a LocalResult.
//
// Rules: TABLE_CAT is the backend's database, TABLE_SCHEM is NULL (no
// schemas). Pattern arguments take '%' and '_' with '\' as escape; with
// SQL_ATTR_METADATA_ID they are identifiers compared exactly (surrounding
// double quotes removed). A null argument does not restrict. A catalog other
// than the database, or a schema other than "", "%" or null, matches nothing.
// SQLTables' enumerations (catalog "%" -> catalogs, schema "%" -> no rows,
// table type "%" -> TABLE and VIEW) follow the ODBC special cases.
#ifndef QUIETFETCH_DRIVER_CORE_OWN_CATALOG_H_
#define QUIETFETCH_DRIVER_CORE_OWN_CATALOG_H_

#include <sql.h>
#include <sqlext.h>

#include <memory>

#include "absl/status/statusor.h"
#include "driver/backend/backend.h"
#include "driver/core/catalog.h"

namespace quietfetch::core {

absl::StatusOr<std::unique_ptr<backend::Cursor>> OwnTables(
    backend::BackendConnection& backend, const CatalogArg& catalog, const CatalogArg& schema,
    const CatalogArg& table, const CatalogArg& table_type, bool metadata_id);

absl::StatusOr<std::unique_ptr<backend::Cursor>> OwnColumns(
    backend::BackendConnection& backend, const CatalogArg& catalog, const CatalogArg& schema,
    const CatalogArg& table, const CatalogArg& column, bool metadata_id, SQLULEN max_varchar);

// True when `name` matches the pattern argument (LIKE with '\' escapes), or
// equals it as an identifier with `metadata_id`.
bool CatalogNameMatches(const CatalogArg& pattern, const std::string& name, bool metadata_id);

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_OWN_CATALOG_H_
