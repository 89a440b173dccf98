#include "driver/core/info.h"

#include <algorithm>
#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "driver/core/connection.h"
#include "driver/core/local_result.h"
#include "driver/core/status.h"
#include "driver/core/types.h"

namespace quietfetch::core {
namespace {

using Dynamic = std::function<absl::StatusOr<std::string>(Connection&)>;

struct InfoEntry {
  SQLUSMALLINT id;
  InfoValue value;
  Dynamic dynamic;  // for values that depend on the connection
};

InfoValue Str(std::string text) {
  InfoValue v;
  v.is_string = true;
  v.text = std::move(text);
  return v;
}
InfoValue U16(uint64_t n) {
  InfoValue v;
  v.number = n;
  v.size = 2;
  return v;
}
InfoValue U32(uint64_t n) {
  InfoValue v;
  v.number = n;
  v.size = 4;
  return v;
}

absl::StatusOr<backend::BackendConnection*> Live(Connection& c) { return c.Backend(); }

// "15.20" -> "15.20.0000"-style ##.##.#### that ODBC asks for.
std::string OdbcVersion(const std::string& version) {
  std::vector<std::string> parts = absl::StrSplit(version, '.');
  int major = parts.size() > 0 ? std::atoi(parts[0].c_str()) : 0;
  int minor = parts.size() > 1 ? std::atoi(parts[1].c_str()) : 0;
  int patch = parts.size() > 2 ? std::atoi(parts[2].c_str()) : 0;
  char out[32];
  std::snprintf(out, sizeof(out), "%02d.%02d.%04d", major, minor, patch);
  return out;
}

const std::vector<InfoEntry>& InfoTable() {
  static const std::vector<InfoEntry> kTable = [] {
    std::vector<InfoEntry> t;
    auto add = [&](SQLUSMALLINT id, InfoValue v) { t.push_back({id, std::move(v), nullptr}); };
    auto dyn = [&](SQLUSMALLINT id, Dynamic d) { t.push_back({id, Str(""), std::move(d)}); };
    // The driver.
    add(SQL_DRIVER_NAME, Str("libquietfetch.so"));
    add(SQL_DRIVER_VER, Str("00.01.0000"));
    add(SQL_DRIVER_ODBC_VER, Str("03.80"));
    add(SQL_ODBC_INTERFACE_CONFORMANCE, U32(SQL_OIC_CORE));
    add(SQL_ODBC_API_CONFORMANCE, U16(SQL_OAC_LEVEL1));
    add(SQL_ODBC_SQL_CONFORMANCE, U16(SQL_OSC_CORE));
    add(SQL_ODBC_SAG_CLI_CONFORMANCE, U16(SQL_OSCC_COMPLIANT));
    add(SQL_STANDARD_CLI_CONFORMANCE, U32(SQL_SCC_ISO92_CLI));
    add(SQL_XOPEN_CLI_YEAR, Str("1995"));
    add(SQL_SQL_CONFORMANCE, U32(SQL_SC_SQL92_ENTRY));
    add(SQL_ACTIVE_ENVIRONMENTS, U16(0));
    add(SQL_MAX_DRIVER_CONNECTIONS, U16(0));
    add(SQL_MAX_CONCURRENT_ACTIVITIES, U16(0));
    add(SQL_ASYNC_MODE, U32(SQL_AM_NONE));
    add(SQL_MAX_ASYNC_CONCURRENT_STATEMENTS, U32(0));
    add(SQL_ASYNC_DBC_FUNCTIONS, U32(SQL_ASYNC_DBC_NOT_CAPABLE));
    add(SQL_DRIVER_AWARE_POOLING_SUPPORTED, U32(SQL_DRIVER_AWARE_POOLING_NOT_CAPABLE));
    add(SQL_FILE_USAGE, U16(SQL_FILE_NOT_SUPPORTED));
    // SQL_GD_BLOCK: after SQLSetPos(SQL_POSITION), which static cursors
    // support (SQL_STATIC_CURSOR_ATTRIBUTES1 below; forward-only ones do not).
    add(SQL_GETDATA_EXTENSIONS,
        U32(SQL_GD_ANY_COLUMN | SQL_GD_ANY_ORDER | SQL_GD_BOUND | SQL_GD_BLOCK));
    add(SQL_DESCRIBE_PARAMETER, Str("Y"));
    add(SQL_NEED_LONG_DATA_LEN, Str("N"));
    add(SQL_MULT_RESULT_SETS, Str("Y"));
    add(SQL_MULTIPLE_ACTIVE_TXN, Str("Y"));
    // One row count, the sum over the parameter sets.
    add(SQL_PARAM_ARRAY_ROW_COUNTS, U32(SQL_PARC_NO_BATCH));
    add(SQL_PARAM_ARRAY_SELECTS, U32(SQL_PAS_NO_SELECT));
    // Text with several statements: one result (or row count) each, read
    // with SQLMoreResults.
    add(SQL_BATCH_ROW_COUNT, U32(SQL_BRC_EXPLICIT));
    add(SQL_BATCH_SUPPORT, U32(SQL_BS_SELECT_EXPLICIT | SQL_BS_ROW_COUNT_EXPLICIT));
    add(SQL_ROW_UPDATES, Str("N"));
    add(SQL_PROCEDURES, Str("Y"));
    add(SQL_ACCESSIBLE_TABLES, Str("N"));
    add(SQL_ACCESSIBLE_PROCEDURES, Str("N"));
    add(SQL_DATA_SOURCE_READ_ONLY, Str("N"));
    // Cursors: forward-only (streaming) and static (held, scrollable), both
    // read-only and insensitive; no bookmarks, no positioned changes.
    add(SQL_SCROLL_OPTIONS, U32(SQL_SO_FORWARD_ONLY | SQL_SO_STATIC));
    add(SQL_FETCH_DIRECTION,
        U32(SQL_FD_FETCH_NEXT | SQL_FD_FETCH_FIRST | SQL_FD_FETCH_LAST | SQL_FD_FETCH_PRIOR |
            SQL_FD_FETCH_ABSOLUTE | SQL_FD_FETCH_RELATIVE));
    add(SQL_SCROLL_CONCURRENCY, U32(SQL_SCCO_READ_ONLY));
    add(SQL_CURSOR_SENSITIVITY, U32(SQL_INSENSITIVE));
    add(SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES1, U32(SQL_CA1_NEXT));
    add(SQL_FORWARD_ONLY_CURSOR_ATTRIBUTES2,
        U32(SQL_CA2_READ_ONLY_CONCURRENCY | SQL_CA2_MAX_ROWS_SELECT));
    add(SQL_STATIC_CURSOR_ATTRIBUTES1, U32(SQL_CA1_NEXT | SQL_CA1_ABSOLUTE | SQL_CA1_RELATIVE |
                                           SQL_CA1_LOCK_NO_CHANGE | SQL_CA1_POS_POSITION));
    add(SQL_STATIC_CURSOR_ATTRIBUTES2,
        U32(SQL_CA2_READ_ONLY_CONCURRENCY | SQL_CA2_MAX_ROWS_SELECT));
    add(SQL_KEYSET_CURSOR_ATTRIBUTES1, U32(0));
    add(SQL_KEYSET_CURSOR_ATTRIBUTES2, U32(0));
    add(SQL_DYNAMIC_CURSOR_ATTRIBUTES1, U32(0));
    add(SQL_DYNAMIC_CURSOR_ATTRIBUTES2, U32(0));
    add(SQL_CURSOR_COMMIT_BEHAVIOR, U16(SQL_CB_CLOSE));
    add(SQL_CURSOR_ROLLBACK_BEHAVIOR, U16(SQL_CB_CLOSE));
    add(SQL_BOOKMARK_PERSISTENCE, U32(0));
    add(SQL_LOCK_TYPES, U32(SQL_LCK_NO_CHANGE));
    add(SQL_POS_OPERATIONS, U32(SQL_POS_POSITION));
    add(SQL_POSITIONED_STATEMENTS, U32(0));
    add(SQL_STATIC_SENSITIVITY, U32(0));
    add(SQL_MAX_CURSOR_NAME_LEN, U16(63));
    // Transactions.
    add(SQL_TXN_CAPABLE, U16(SQL_TC_ALL));
    add(SQL_DEFAULT_TXN_ISOLATION, U32(SQL_TXN_READ_COMMITTED));
    add(SQL_TXN_ISOLATION_OPTION, U32(SQL_TXN_READ_UNCOMMITTED | SQL_TXN_READ_COMMITTED |
                                      SQL_TXN_REPEATABLE_READ | SQL_TXN_SERIALIZABLE));
    // The DBMS and its SQL.
    dyn(SQL_DBMS_NAME, [](Connection& c) -> absl::StatusOr<std::string> {
      // Before connecting, the driver's first backend answers.
      backend::BackendConnection* b = c.backend_or_null();
      return b != nullptr ? b->DbmsName() : std::string("PostgreSQL");
    });
    dyn(SQL_DBMS_VER, [](Connection& c) -> absl::StatusOr<std::string> {
      QF_ASSIGN_OR_RETURN(auto* b, Live(c));
      return OdbcVersion(b->ServerVersion());
    });
    dyn(SQL_DATABASE_NAME, [](Connection& c) -> absl::StatusOr<std::string> {
      QF_ASSIGN_OR_RETURN(auto* b, Live(c));
      return b->DatabaseName();
    });
    dyn(SQL_USER_NAME, [](Connection& c) -> absl::StatusOr<std::string> {
      QF_ASSIGN_OR_RETURN(auto* b, Live(c));
      return b->UserName();
    });
    dyn(SQL_SERVER_NAME, [](Connection& c) -> absl::StatusOr<std::string> {
      QF_ASSIGN_OR_RETURN(auto* b, Live(c));
      return b->ServerName();
    });
    dyn(SQL_DATA_SOURCE_NAME,
        [](Connection& c) -> absl::StatusOr<std::string> { return c.config().dsn; });
    add(SQL_IDENTIFIER_QUOTE_CHAR, Str("\""));
    add(SQL_IDENTIFIER_CASE, U16(SQL_IC_LOWER));
    add(SQL_QUOTED_IDENTIFIER_CASE, U16(SQL_IC_SENSITIVE));
    add(SQL_SEARCH_PATTERN_ESCAPE, Str("\\"));
    add(SQL_LIKE_ESCAPE_CLAUSE, Str("Y"));
    add(SQL_SPECIAL_CHARACTERS, Str("_$"));
    add(SQL_KEYWORDS, Str(""));
    // The catalog is the current database, as the catalog functions report
    // it; PostgreSQL accepts it as a qualifier in DML (db.schema.table).
    add(SQL_CATALOG_NAME, Str("Y"));
    add(SQL_CATALOG_TERM, Str("catalog"));
    add(SQL_CATALOG_NAME_SEPARATOR, Str("."));
    add(SQL_CATALOG_LOCATION, U16(SQL_CL_START));
    add(SQL_CATALOG_USAGE, U32(SQL_CU_DML_STATEMENTS));
    add(SQL_SCHEMA_TERM, Str("schema"));
    add(SQL_SCHEMA_USAGE,
        U32(SQL_SU_DML_STATEMENTS | SQL_SU_PROCEDURE_INVOCATION | SQL_SU_TABLE_DEFINITION |
            SQL_SU_INDEX_DEFINITION | SQL_SU_PRIVILEGE_DEFINITION));
    add(SQL_TABLE_TERM, Str("table"));
    add(SQL_PROCEDURE_TERM, Str("function"));
    add(SQL_COLLATION_SEQ, Str(""));
    add(SQL_COLUMN_ALIAS, Str("Y"));
    add(SQL_CONCAT_NULL_BEHAVIOR, U16(SQL_CB_NULL));
    add(SQL_CORRELATION_NAME, U16(SQL_CN_ANY));
    add(SQL_EXPRESSIONS_IN_ORDERBY, Str("Y"));
    add(SQL_ORDER_BY_COLUMNS_IN_SELECT, Str("N"));
    add(SQL_GROUP_BY, U16(SQL_GB_GROUP_BY_CONTAINS_SELECT));
    add(SQL_NON_NULLABLE_COLUMNS, U16(SQL_NNC_NON_NULL));
    add(SQL_NULL_COLLATION, U16(SQL_NC_HIGH));
    add(SQL_OUTER_JOINS, Str("Y"));
    add(SQL_OJ_CAPABILITIES, U32(SQL_OJ_LEFT | SQL_OJ_RIGHT | SQL_OJ_FULL | SQL_OJ_NESTED |
                                 SQL_OJ_NOT_ORDERED | SQL_OJ_INNER | SQL_OJ_ALL_COMPARISON_OPS));
    add(SQL_INTEGRITY, Str("Y"));
    add(SQL_UNION, U32(SQL_U_UNION | SQL_U_UNION_ALL));
    add(SQL_SUBQUERIES, U32(SQL_SQ_COMPARISON | SQL_SQ_EXISTS | SQL_SQ_IN | SQL_SQ_QUANTIFIED |
                            SQL_SQ_CORRELATED_SUBQUERIES));
    add(SQL_ALTER_TABLE, U32(SQL_AT_ADD_COLUMN | SQL_AT_DROP_COLUMN | SQL_AT_ADD_CONSTRAINT |
                             SQL_AT_ADD_COLUMN_SINGLE | SQL_AT_ADD_COLUMN_DEFAULT |
                             SQL_AT_DROP_COLUMN_CASCADE | SQL_AT_DROP_COLUMN_RESTRICT));
    add(SQL_CREATE_TABLE, U32(SQL_CT_CREATE_TABLE | SQL_CT_COLUMN_CONSTRAINT |
                              SQL_CT_COLUMN_DEFAULT | SQL_CT_TABLE_CONSTRAINT));
    add(SQL_DROP_TABLE, U32(SQL_DT_DROP_TABLE | SQL_DT_CASCADE | SQL_DT_RESTRICT));
    add(SQL_CREATE_VIEW, U32(SQL_CV_CREATE_VIEW | SQL_CV_CHECK_OPTION));
    add(SQL_DROP_VIEW, U32(SQL_DV_DROP_VIEW | SQL_DV_CASCADE | SQL_DV_RESTRICT));
    add(SQL_CREATE_SCHEMA, U32(SQL_CS_CREATE_SCHEMA | SQL_CS_AUTHORIZATION));
    add(SQL_DROP_SCHEMA, U32(SQL_DS_DROP_SCHEMA | SQL_DS_CASCADE | SQL_DS_RESTRICT));
    add(SQL_DDL_INDEX, U32(SQL_DI_CREATE_INDEX | SQL_DI_DROP_INDEX));
    add(SQL_INDEX_KEYWORDS, U32(SQL_IK_ALL));
    add(SQL_INSERT_STATEMENT,
        U32(SQL_IS_INSERT_LITERALS | SQL_IS_INSERT_SEARCHED | SQL_IS_SELECT_INTO));
    add(SQL_INFO_SCHEMA_VIEWS, U32(0));
    add(SQL_AGGREGATE_FUNCTIONS, U32(SQL_AF_ALL | SQL_AF_AVG | SQL_AF_COUNT | SQL_AF_DISTINCT |
                                     SQL_AF_MAX | SQL_AF_MIN | SQL_AF_SUM));
    add(SQL_DATETIME_LITERALS, U32(SQL_DL_SQL92_DATE | SQL_DL_SQL92_TIME | SQL_DL_SQL92_TIMESTAMP));
    add(SQL_NUMERIC_FUNCTIONS,
        U32(SQL_FN_NUM_ABS | SQL_FN_NUM_CEILING | SQL_FN_NUM_FLOOR | SQL_FN_NUM_MOD |
            SQL_FN_NUM_ROUND | SQL_FN_NUM_SIGN | SQL_FN_NUM_SQRT | SQL_FN_NUM_POWER |
            SQL_FN_NUM_EXP | SQL_FN_NUM_LOG | SQL_FN_NUM_PI | SQL_FN_NUM_TRUNCATE |
            SQL_FN_NUM_ACOS | SQL_FN_NUM_ASIN | SQL_FN_NUM_ATAN | SQL_FN_NUM_ATAN2 |
            SQL_FN_NUM_COS | SQL_FN_NUM_COT | SQL_FN_NUM_SIN | SQL_FN_NUM_TAN | SQL_FN_NUM_DEGREES |
            SQL_FN_NUM_RADIANS | SQL_FN_NUM_LOG10 | SQL_FN_NUM_RAND));
    add(SQL_STRING_FUNCTIONS,
        U32(SQL_FN_STR_CONCAT | SQL_FN_STR_LCASE | SQL_FN_STR_UCASE | SQL_FN_STR_LENGTH |
            SQL_FN_STR_LTRIM | SQL_FN_STR_RTRIM | SQL_FN_STR_REPLACE | SQL_FN_STR_SUBSTRING |
            SQL_FN_STR_ASCII | SQL_FN_STR_CHAR | SQL_FN_STR_LEFT | SQL_FN_STR_RIGHT |
            SQL_FN_STR_OCTET_LENGTH | SQL_FN_STR_BIT_LENGTH | SQL_FN_STR_CHAR_LENGTH |
            SQL_FN_STR_CHARACTER_LENGTH | SQL_FN_STR_POSITION));
    add(SQL_SYSTEM_FUNCTIONS, U32(SQL_FN_SYS_DBNAME | SQL_FN_SYS_IFNULL | SQL_FN_SYS_USERNAME));
    add(SQL_TIMEDATE_FUNCTIONS,
        U32(SQL_FN_TD_NOW | SQL_FN_TD_CURDATE | SQL_FN_TD_CURTIME | SQL_FN_TD_CURRENT_DATE |
            SQL_FN_TD_CURRENT_TIME | SQL_FN_TD_CURRENT_TIMESTAMP | SQL_FN_TD_EXTRACT |
            SQL_FN_TD_YEAR | SQL_FN_TD_MONTH | SQL_FN_TD_DAYOFMONTH | SQL_FN_TD_DAYOFYEAR |
            SQL_FN_TD_HOUR | SQL_FN_TD_MINUTE | SQL_FN_TD_SECOND | SQL_FN_TD_QUARTER |
            SQL_FN_TD_WEEK));
    add(SQL_TIMEDATE_ADD_INTERVALS, U32(0));
    add(SQL_TIMEDATE_DIFF_INTERVALS, U32(0));
    add(SQL_CONVERT_FUNCTIONS, U32(SQL_FN_CVT_CAST));
    add(SQL_SQL92_PREDICATES,
        U32(SQL_SP_BETWEEN | SQL_SP_COMPARISON | SQL_SP_EXISTS | SQL_SP_IN | SQL_SP_ISNOTNULL |
            SQL_SP_ISNULL | SQL_SP_LIKE | SQL_SP_QUANTIFIED_COMPARISON));
    add(SQL_SQL92_RELATIONAL_JOIN_OPERATORS,
        U32(SQL_SRJO_CROSS_JOIN | SQL_SRJO_FULL_OUTER_JOIN | SQL_SRJO_INNER_JOIN |
            SQL_SRJO_LEFT_OUTER_JOIN | SQL_SRJO_RIGHT_OUTER_JOIN | SQL_SRJO_NATURAL_JOIN));
    add(SQL_SQL92_VALUE_EXPRESSIONS,
        U32(SQL_SVE_CASE | SQL_SVE_CAST | SQL_SVE_COALESCE | SQL_SVE_NULLIF));
    add(SQL_SQL92_STRING_FUNCTIONS,
        U32(SQL_SSF_LOWER | SQL_SSF_UPPER | SQL_SSF_SUBSTRING | SQL_SSF_TRIM_BOTH |
            SQL_SSF_TRIM_LEADING | SQL_SSF_TRIM_TRAILING));
    add(SQL_SQL92_DATETIME_FUNCTIONS,
        U32(SQL_SDF_CURRENT_DATE | SQL_SDF_CURRENT_TIME | SQL_SDF_CURRENT_TIMESTAMP));
    add(SQL_SQL92_NUMERIC_VALUE_FUNCTIONS,
        U32(SQL_SNVF_CHAR_LENGTH | SQL_SNVF_EXTRACT | SQL_SNVF_OCTET_LENGTH | SQL_SNVF_POSITION));
    add(SQL_SQL92_GRANT, U32(SQL_SG_DELETE_TABLE | SQL_SG_INSERT_TABLE | SQL_SG_SELECT_TABLE |
                             SQL_SG_UPDATE_TABLE | SQL_SG_REFERENCES_TABLE));
    add(SQL_SQL92_REVOKE, U32(SQL_SR_DELETE_TABLE | SQL_SR_INSERT_TABLE | SQL_SR_SELECT_TABLE |
                              SQL_SR_UPDATE_TABLE | SQL_SR_REFERENCES_TABLE));
    add(SQL_SQL92_ROW_VALUE_CONSTRUCTOR,
        U32(SQL_SRVC_VALUE_EXPRESSION | SQL_SRVC_NULL | SQL_SRVC_DEFAULT));
    add(SQL_SQL92_FOREIGN_KEY_DELETE_RULE,
        U32(SQL_SFKD_CASCADE | SQL_SFKD_NO_ACTION | SQL_SFKD_SET_DEFAULT | SQL_SFKD_SET_NULL));
    add(SQL_SQL92_FOREIGN_KEY_UPDATE_RULE,
        U32(SQL_SFKU_CASCADE | SQL_SFKU_NO_ACTION | SQL_SFKU_SET_DEFAULT | SQL_SFKU_SET_NULL));
    // Limits (0: no fixed limit).
    add(SQL_MAX_IDENTIFIER_LEN, U16(63));
    add(SQL_MAX_COLUMN_NAME_LEN, U16(63));
    add(SQL_MAX_SCHEMA_NAME_LEN, U16(63));
    add(SQL_MAX_TABLE_NAME_LEN, U16(63));
    add(SQL_MAX_CATALOG_NAME_LEN, U16(63));
    add(SQL_MAX_PROCEDURE_NAME_LEN, U16(63));
    add(SQL_MAX_USER_NAME_LEN, U16(63));
    add(SQL_MAX_COLUMNS_IN_GROUP_BY, U16(0));
    add(SQL_MAX_COLUMNS_IN_INDEX, U16(32));
    add(SQL_MAX_COLUMNS_IN_ORDER_BY, U16(0));
    add(SQL_MAX_COLUMNS_IN_SELECT, U16(1664));
    add(SQL_MAX_COLUMNS_IN_TABLE, U16(1600));
    add(SQL_MAX_TABLES_IN_SELECT, U16(0));
    add(SQL_MAX_ROW_SIZE, U32(0));
    add(SQL_MAX_ROW_SIZE_INCLUDES_LONG, Str("Y"));
    add(SQL_MAX_STATEMENT_LEN, U32(0));
    add(SQL_MAX_CHAR_LITERAL_LEN, U32(0));
    add(SQL_MAX_BINARY_LITERAL_LEN, U32(0));
    add(SQL_MAX_INDEX_SIZE, U32(0));
    // Conversions through CONVERT/CAST are not advertised.
    for (SQLUSMALLINT id : {SQL_CONVERT_BIGINT,        SQL_CONVERT_BINARY,    SQL_CONVERT_BIT,
                            SQL_CONVERT_CHAR,          SQL_CONVERT_DATE,      SQL_CONVERT_DECIMAL,
                            SQL_CONVERT_DOUBLE,        SQL_CONVERT_FLOAT,     SQL_CONVERT_INTEGER,
                            SQL_CONVERT_LONGVARCHAR,   SQL_CONVERT_NUMERIC,   SQL_CONVERT_REAL,
                            SQL_CONVERT_SMALLINT,      SQL_CONVERT_TIME,      SQL_CONVERT_TIMESTAMP,
                            SQL_CONVERT_TINYINT,       SQL_CONVERT_VARBINARY, SQL_CONVERT_VARCHAR,
                            SQL_CONVERT_LONGVARBINARY, SQL_CONVERT_WCHAR,     SQL_CONVERT_WVARCHAR,
                            SQL_CONVERT_WLONGVARCHAR,  SQL_CONVERT_GUID}) {
      add(id, U32(0));
    }
    return t;
  }();
  return kTable;
}

}  // namespace

absl::StatusOr<InfoValue> GetInfo(Connection& connection, SQLUSMALLINT info_type) {
  for (const InfoEntry& entry : InfoTable()) {
    if (entry.id != info_type) continue;
    if (!entry.dynamic) return entry.value;
    QF_ASSIGN_OR_RETURN(std::string text, entry.dynamic(connection));
    return Str(std::move(text));
  }
  return SqlError(sqlstate::kInvalidInformationType,
                  absl::StrCat("unknown or unsupported SQLGetInfo type ", info_type));
}

namespace {
constexpr SQLUSMALLINT kSupportedFunctions[] = {
    SQL_API_SQLALLOCHANDLE,      SQL_API_SQLFREEHANDLE,      SQL_API_SQLFREESTMT,
    SQL_API_SQLSETENVATTR,       SQL_API_SQLGETENVATTR,      SQL_API_SQLCONNECT,
    SQL_API_SQLDRIVERCONNECT,    SQL_API_SQLDISCONNECT,      SQL_API_SQLSETCONNECTATTR,
    SQL_API_SQLGETCONNECTATTR,   SQL_API_SQLGETINFO,         SQL_API_SQLGETFUNCTIONS,
    SQL_API_SQLENDTRAN,          SQL_API_SQLEXECDIRECT,      SQL_API_SQLPREPARE,
    SQL_API_SQLEXECUTE,          SQL_API_SQLBINDPARAMETER,   SQL_API_SQLNUMPARAMS,
    SQL_API_SQLNUMRESULTCOLS,    SQL_API_SQLDESCRIBECOL,     SQL_API_SQLCOLATTRIBUTE,
    SQL_API_SQLROWCOUNT,         SQL_API_SQLFETCH,           SQL_API_SQLFETCHSCROLL,
    SQL_API_SQLSETPOS,           SQL_API_SQLEXTENDEDFETCH,   SQL_API_SQLBINDCOL,
    SQL_API_SQLGETDATA,          SQL_API_SQLCLOSECURSOR,     SQL_API_SQLCANCEL,
    SQL_API_SQLSETSTMTATTR,      SQL_API_SQLGETSTMTATTR,     SQL_API_SQLPARAMDATA,
    SQL_API_SQLPUTDATA,          SQL_API_SQLMORERESULTS,     SQL_API_SQLGETTYPEINFO,
    SQL_API_SQLGETDIAGREC,       SQL_API_SQLGETDIAGFIELD,    SQL_API_SQLNATIVESQL,
    SQL_API_SQLDESCRIBEPARAM,    SQL_API_SQLSETCURSORNAME,   SQL_API_SQLGETCURSORNAME,
    SQL_API_SQLSETDESCFIELD,     SQL_API_SQLGETDESCFIELD,    SQL_API_SQLGETDESCREC,
    SQL_API_SQLSETDESCREC,       SQL_API_SQLCOPYDESC,        SQL_API_SQLTABLES,
    SQL_API_SQLCOLUMNS,          SQL_API_SQLPRIMARYKEYS,     SQL_API_SQLFOREIGNKEYS,
    SQL_API_SQLSTATISTICS,       SQL_API_SQLSPECIALCOLUMNS,  SQL_API_SQLPROCEDURES,
    SQL_API_SQLPROCEDURECOLUMNS, SQL_API_SQLTABLEPRIVILEGES, SQL_API_SQLCOLUMNPRIVILEGES,
};
}  // namespace

absl::Status GetFunctions(SQLUSMALLINT function_id, SQLUSMALLINT* supported) {
  if (supported == nullptr) {
    return SqlError(sqlstate::kInvalidNullPointer, "SQLGetFunctions: null output pointer");
  }
  if (function_id == SQL_API_ODBC3_ALL_FUNCTIONS) {
    std::fill(supported, supported + SQL_API_ODBC3_ALL_FUNCTIONS_SIZE, 0);
    for (SQLUSMALLINT id : kSupportedFunctions) {
      supported[id >> 4] |= static_cast<SQLUSMALLINT>(1 << (id & 0xF));
    }
    return absl::OkStatus();
  }
  if (function_id == SQL_API_ALL_FUNCTIONS) {
    std::fill(supported, supported + 100, 0);
    for (SQLUSMALLINT id : kSupportedFunctions) {
      if (id < 100) supported[id] = SQL_TRUE;
    }
    return absl::OkStatus();
  }
  *supported = SQL_FALSE;
  for (SQLUSMALLINT id : kSupportedFunctions) {
    if (id == function_id) *supported = SQL_TRUE;
  }
  return absl::OkStatus();
}

namespace {

struct TypeRow {
  const char* name;
  SQLSMALLINT data_type;
  backend::LogicalType logical;
  int64_t column_size;  // -1: max_varchar
  const char* prefix;
  const char* suffix;
  const char* create_params;
  bool case_sensitive;
  SQLSMALLINT searchable;
  int unsigned_attr;  // -1: NULL
  bool fixed_prec_scale;
  int auto_unique;  // -1: NULL
  int min_scale;    // -1: NULL
  int max_scale;
  int radix;  // 0: NULL
};

// The PostgreSQL types each ODBC type maps to, ordered by DATA_TYPE as
// SQLGetTypeInfo requires (then by closeness of the mapping).
const std::vector<TypeRow>& TypeRows() {
  using L = backend::LogicalType;
  static const std::vector<TypeRow> kRows = {
      {"uuid", SQL_GUID, L::kUuid, 36, "'", "'", nullptr, false, SQL_ALL_EXCEPT_LIKE, -1, false, -1,
       -1, -1, 0},
      {"text", SQL_WLONGVARCHAR, L::kText, -1, "'", "'", nullptr, true, SQL_SEARCHABLE, -1, false,
       -1, -1, -1, 0},
      {"varchar", SQL_WVARCHAR, L::kText, -1, "'", "'", "max length", true, SQL_SEARCHABLE, -1,
       false, -1, -1, -1, 0},
      {"bpchar", SQL_WCHAR, L::kText, -1, "'", "'", "length", true, SQL_SEARCHABLE, -1, false, -1,
       -1, -1, 0},
      {"bool", SQL_BIT, L::kBool, 1, nullptr, nullptr, nullptr, false, SQL_ALL_EXCEPT_LIKE, -1,
       false, -1, -1, -1, 0},
      {"int8", SQL_BIGINT, L::kInt64, 19, nullptr, nullptr, nullptr, false, SQL_ALL_EXCEPT_LIKE, 0,
       false, 0, 0, 0, 10},
      {"bytea", SQL_LONGVARBINARY, L::kBytes, -1, "'\\x", "'", nullptr, false, SQL_ALL_EXCEPT_LIKE,
       -1, false, -1, -1, -1, 0},
      {"bytea", SQL_VARBINARY, L::kBytes, -1, "'\\x", "'", nullptr, false, SQL_ALL_EXCEPT_LIKE, -1,
       false, -1, -1, -1, 0},
      {"bytea", SQL_BINARY, L::kBytes, -1, "'\\x", "'", nullptr, false, SQL_ALL_EXCEPT_LIKE, -1,
       false, -1, -1, -1, 0},
      {"text", SQL_LONGVARCHAR, L::kText, -1, "'", "'", nullptr, true, SQL_SEARCHABLE, -1, false,
       -1, -1, -1, 0},
      {"bpchar", SQL_CHAR, L::kText, -1, "'", "'", "length", true, SQL_SEARCHABLE, -1, false, -1,
       -1, -1, 0},
      {"numeric", SQL_NUMERIC, L::kNumeric, 1000, nullptr, nullptr, "precision,scale", false,
       SQL_ALL_EXCEPT_LIKE, 0, false, 0, 0, 1000, 10},
      {"numeric", SQL_DECIMAL, L::kNumeric, 1000, nullptr, nullptr, "precision,scale", false,
       SQL_ALL_EXCEPT_LIKE, 0, false, 0, 0, 1000, 10},
      {"int4", SQL_INTEGER, L::kInt32, 10, nullptr, nullptr, nullptr, false, SQL_ALL_EXCEPT_LIKE, 0,
       false, 0, 0, 0, 10},
      {"int2", SQL_SMALLINT, L::kInt16, 5, nullptr, nullptr, nullptr, false, SQL_ALL_EXCEPT_LIKE, 0,
       false, 0, 0, 0, 10},
      {"float8", SQL_FLOAT, L::kFloat64, 15, nullptr, nullptr, nullptr, false, SQL_ALL_EXCEPT_LIKE,
       0, false, 0, -1, -1, 10},
      {"float4", SQL_REAL, L::kFloat32, 7, nullptr, nullptr, nullptr, false, SQL_ALL_EXCEPT_LIKE, 0,
       false, 0, -1, -1, 10},
      {"float8", SQL_DOUBLE, L::kFloat64, 15, nullptr, nullptr, nullptr, false, SQL_ALL_EXCEPT_LIKE,
       0, false, 0, -1, -1, 10},
      {"varchar", SQL_VARCHAR, L::kText, -1, "'", "'", "max length", true, SQL_SEARCHABLE, -1,
       false, -1, -1, -1, 0},
      {"date", SQL_TYPE_DATE, L::kDate, 10, "'", "'", nullptr, false, SQL_ALL_EXCEPT_LIKE, -1,
       false, -1, -1, -1, 0},
      {"time", SQL_TYPE_TIME, L::kTime, 15, "'", "'", nullptr, false, SQL_ALL_EXCEPT_LIKE, -1,
       false, -1, 0, 6, 0},
      {"timestamp", SQL_TYPE_TIMESTAMP, L::kTimestamp, 26, "'", "'", nullptr, false,
       SQL_ALL_EXCEPT_LIKE, -1, false, -1, 0, 6, 0},
  };
  return kRows;
}

LocalValue NullOr(int value) {
  return value < 0 ? LocalValue() : LocalValue(static_cast<int64_t>(value));
}
LocalValue TextOrNull(const char* text) {
  return text == nullptr ? LocalValue() : LocalValue(std::string(text));
}

}  // namespace

absl::StatusOr<std::unique_ptr<backend::Cursor>> TypeInfoResult(SQLSMALLINT data_type,
                                                                SQLULEN max_varchar, bool odbc2) {
  // ODBC 2 date/time codes ask for the same rows as their ODBC 3 forms.
  if (data_type == SQL_DATE) data_type = SQL_TYPE_DATE;
  if (data_type == SQL_TIME) data_type = SQL_TYPE_TIME;
  if (data_type == SQL_TIMESTAMP) data_type = SQL_TYPE_TIMESTAMP;
  std::vector<backend::ColumnInfo> columns = {
      LocalResult::TextColumn("TYPE_NAME", false),
      LocalResult::SmallIntColumn("DATA_TYPE", false),
      LocalResult::IntColumn("COLUMN_SIZE"),
      LocalResult::TextColumn("LITERAL_PREFIX"),
      LocalResult::TextColumn("LITERAL_SUFFIX"),
      LocalResult::TextColumn("CREATE_PARAMS"),
      LocalResult::SmallIntColumn("NULLABLE", false),
      LocalResult::SmallIntColumn("CASE_SENSITIVE", false),
      LocalResult::SmallIntColumn("SEARCHABLE", false),
      LocalResult::SmallIntColumn("UNSIGNED_ATTRIBUTE"),
      LocalResult::SmallIntColumn("FIXED_PREC_SCALE", false),
      LocalResult::SmallIntColumn("AUTO_UNIQUE_VALUE"),
      LocalResult::TextColumn("LOCAL_TYPE_NAME"),
      LocalResult::SmallIntColumn("MINIMUM_SCALE"),
      LocalResult::SmallIntColumn("MAXIMUM_SCALE"),
      LocalResult::SmallIntColumn("SQL_DATA_TYPE", false),
      LocalResult::SmallIntColumn("SQL_DATETIME_SUB"),
      LocalResult::IntColumn("NUM_PREC_RADIX"),
      LocalResult::SmallIntColumn("INTERVAL_PRECISION"),
  };
  bool known = data_type == SQL_ALL_TYPES;
  std::vector<std::vector<LocalValue>> rows;
  for (const TypeRow& row : TypeRows()) {
    bool matches = data_type == SQL_ALL_TYPES || row.data_type == data_type;
    if (!matches) continue;
    known = true;
    bool datetime = row.data_type == SQL_TYPE_DATE || row.data_type == SQL_TYPE_TIME ||
                    row.data_type == SQL_TYPE_TIMESTAMP;
    SQLSMALLINT verbose = datetime ? SQL_DATETIME : row.data_type;
    LocalValue subcode;
    if (row.data_type == SQL_TYPE_DATE) subcode = int64_t{SQL_CODE_DATE};
    if (row.data_type == SQL_TYPE_TIME) subcode = int64_t{SQL_CODE_TIME};
    if (row.data_type == SQL_TYPE_TIMESTAMP) subcode = int64_t{SQL_CODE_TIMESTAMP};
    int64_t size = row.column_size < 0 ? static_cast<int64_t>(max_varchar) : row.column_size;
    const SQLSMALLINT reported_type = odbc2 ? Odbc2TypeCode(row.data_type) : row.data_type;
    rows.push_back({std::string(row.name), int64_t{reported_type}, size, TextOrNull(row.prefix),
                    TextOrNull(row.suffix), TextOrNull(row.create_params), int64_t{SQL_NULLABLE},
                    int64_t{row.case_sensitive ? 1 : 0}, int64_t{row.searchable},
                    NullOr(row.unsigned_attr), int64_t{row.fixed_prec_scale ? 1 : 0},
                    NullOr(row.auto_unique), std::string(row.name), NullOr(row.min_scale),
                    NullOr(row.max_scale), int64_t{verbose}, subcode,
                    row.radix == 0 ? LocalValue() : LocalValue(int64_t{row.radix}), LocalValue()});
  }
  if (!known) {
    static constexpr SQLSMALLINT kOther[] = {SQL_TINYINT, SQL_INTERVAL_YEAR, SQL_INTERVAL_DAY,
                                             SQL_INTERVAL_SECOND, SQL_INTERVAL_DAY_TO_SECOND};
    bool valid = std::find(std::begin(kOther), std::end(kOther), data_type) != std::end(kOther);
    if (!valid) {
      return SqlError(sqlstate::kInvalidSqlType,
                      absl::StrCat("SQLGetTypeInfo: unknown SQL data type ", data_type));
    }
  }
  return std::unique_ptr<backend::Cursor>(new LocalResult(std::move(columns), std::move(rows)));
}

absl::StatusOr<InfoValue> ColumnAttribute(const backend::ColumnInfo& column, SQLUSMALLINT number,
                                          SQLUSMALLINT field, SQLULEN max_varchar) {
  SqlTypeInfo type = DescribeType(column, max_varchar);
  auto len = [](int64_t n) {
    InfoValue v;
    v.number = static_cast<uint64_t>(n);
    v.size = 8;
    return v;
  };
  switch (field) {
    case SQL_DESC_NAME:
    case SQL_COLUMN_NAME:
    case SQL_DESC_LABEL:
      return Str(column.name);
    case SQL_DESC_BASE_COLUMN_NAME:
      return Str(column.base_column_name);
    case SQL_DESC_TABLE_NAME:
    case SQL_DESC_BASE_TABLE_NAME:
      return Str(column.table_name);
    case SQL_DESC_SCHEMA_NAME:
      return Str(column.schema_name);
    case SQL_DESC_CATALOG_NAME:
      return Str("");
    case SQL_DESC_TYPE_NAME:
      return Str(column.type_name);
    case SQL_DESC_LOCAL_TYPE_NAME:
      return Str(column.type_name);
    case SQL_DESC_LITERAL_PREFIX:
      return Str(std::string(type.literal_prefix));
    case SQL_DESC_LITERAL_SUFFIX:
      return Str(std::string(type.literal_suffix));
    case SQL_DESC_CONCISE_TYPE:  // == SQL_COLUMN_TYPE
      return len(type.sql_type);
    case SQL_DESC_TYPE:
      return len(type.verbose_type);
    case SQL_DESC_DATETIME_INTERVAL_CODE:
      return len(type.datetime_subcode);
    case SQL_DESC_COUNT:
      return len(number);
    case SQL_DESC_LENGTH:
    case SQL_COLUMN_LENGTH:
      return len(static_cast<int64_t>(type.column_size));
    case SQL_DESC_OCTET_LENGTH:
      return len(type.octet_length);
    case SQL_DESC_PRECISION:
    case SQL_COLUMN_PRECISION:
      return len(type.sql_type == SQL_NUMERIC || type.sql_type == SQL_DECIMAL ||
                         type.num_prec_radix != 0
                     ? static_cast<int64_t>(type.column_size)
                     : static_cast<int64_t>(type.decimal_digits));
    case SQL_DESC_SCALE:
    case SQL_COLUMN_SCALE:
      return len(type.decimal_digits);
    case SQL_DESC_DISPLAY_SIZE:
      return len(type.display_size);
    case SQL_DESC_NULLABLE:
    case SQL_COLUMN_NULLABLE:
      return len(!column.nullable_known ? SQL_NULLABLE_UNKNOWN
                                        : (column.nullable ? SQL_NULLABLE : SQL_NO_NULLS));
    case SQL_DESC_UNSIGNED:
      return len(type.is_unsigned ? SQL_TRUE : SQL_FALSE);
    case SQL_DESC_FIXED_PREC_SCALE:
      return len(SQL_FALSE);
    case SQL_DESC_AUTO_UNIQUE_VALUE:
      return len(SQL_FALSE);
    case SQL_DESC_CASE_SENSITIVE:
      return len(type.case_sensitive ? SQL_TRUE : SQL_FALSE);
    case SQL_DESC_SEARCHABLE:
      return len(type.searchable ? SQL_PRED_SEARCHABLE : SQL_PRED_NONE);
    case SQL_DESC_UPDATABLE:
      return len(SQL_ATTR_READWRITE_UNKNOWN);
    case SQL_DESC_NUM_PREC_RADIX:
      return len(type.num_prec_radix);
    case SQL_DESC_UNNAMED:
      return len(column.name.empty() ? SQL_UNNAMED : SQL_NAMED);
    default:
      return SqlError(sqlstate::kInvalidDescriptorField,
                      absl::StrCat("unknown SQLColAttribute field ", field));
  }
}

}  // namespace quietfetch::core
