#include "driver/backend/postgres/pg_connection.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "driver/backend/postgres/pg_connection_internal.h"
#include "driver/backend/postgres/pg_error.h"
#include "driver/core/status.h"

namespace quietfetch::pg {
namespace {

// Catalog lookup for types outside the built-in table: enums and text-like
// extension types (citext, ...) send their text as their binary form.
constexpr const char* kTypeQuery =
    "SELECT t.oid, t.typname, t.typtype, p.proname FROM pg_catalog.pg_type t "
    "LEFT JOIN pg_catalog.pg_proc p ON p.oid = t.typsend "
    "WHERE t.oid = ANY($1::pg_catalog.oid[])";

bool IsTextSendFunction(std::string_view name) {
  return name == "textsend" || name == "varcharsend" || name == "bpcharsend" ||
         name == "citextsend" || name == "namesend";
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool IsAuthenticationFailure(std::string_view message) {
  return Contains(message, "authentication failed") || Contains(message, "no password supplied") ||
         Contains(message, "pg_hba.conf") ||
         (Contains(message, "role \"") && Contains(message, "does not exist"));
}

// Statements a cancel can stop without undoing work the application wanted
// (see pg_connection_internal.h).
bool IsPlainQuery(std::string_view keyword) {
  return keyword == "SELECT" || keyword == "VALUES" || keyword == "TABLE" || keyword == "SHOW";
}

// Statements that can run inside COPY (...) TO STDOUT: SELECT INTO cannot,
// but it has no result columns, so it never gets that far.
bool IsCopyableQuery(std::string_view keyword) {
  return keyword == "SELECT" || keyword == "VALUES" || keyword == "TABLE";
}

// Errors with which the server refuses to run a statement inside COPY that
// it would run on its own: unsupported forms (0A000), text that does not fit
// the wrapping (42601), a type without binary output (42883).
bool IsCopyRefusal(const absl::Status& status) {
  const std::string state = core::SqlStateOf(status);
  return (state == "0A000" || state == "42601" || state == "42883") &&
         !IsStaleStatementError(status);
}

// Statements worth a named prepared statement. Others (DDL, SET, BEGIN,
// ...) run through the simple protocol, or the unnamed statement when they
// have parameters, so that they neither fill the cache nor pay for a prepare.
bool IsCacheable(std::string_view keyword) {
  return keyword == "SELECT" || keyword == "INSERT" || keyword == "UPDATE" || keyword == "DELETE" ||
         keyword == "MERGE" || keyword == "VALUES" || keyword == "WITH" || keyword == "TABLE";
}

// libpq prints server notices to stderr by default; a driver must not.
void IgnoreNotice(void*, const char*) {}

std::string Scrub(std::string message, std::string_view secret) {
  if (secret.empty()) return message;
  for (size_t at = message.find(secret); at != std::string::npos;
       at = message.find(secret, at + 8)) {
    message.replace(at, secret.size(), "********");
  }
  return message;
}

bool ContainsIgnoreCase(std::string_view text, std::string_view lower_part) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return Contains(lower, lower_part);
}

}  // namespace

absl::StatusOr<std::unique_ptr<backend::BackendConnection>> Connect(
    const backend::ConnectionSettings& settings) {
  std::vector<std::pair<std::string, std::string>> params;
  auto add = [&params](const char* keyword, const std::string& value) {
    if (!value.empty()) params.emplace_back(keyword, value);
  };
  add("host", settings.host);
  add("port", settings.port);
  add("dbname", settings.database);
  add("user", settings.user);
  add("password", settings.password);
  add("sslmode", settings.sslmode);
  add("application_name", settings.application_name);
  if (settings.connect_timeout_seconds > 0) {
    params.emplace_back("connect_timeout", std::to_string(settings.connect_timeout_seconds));
  }
  if (!settings.libpq_options.empty()) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(settings.libpq_options.c_str(), &error);
    if (options == nullptr) {
      std::string detail = error != nullptr ? CleanMessage(error) : "out of memory";
      if (error != nullptr) PQfreemem(error);
      // libpq quotes the text it could not parse, which may be a password.
      if (ContainsIgnoreCase(settings.libpq_options, "password")) {
        detail = "details withheld because the text mentions a password";
      }
      return core::SqlError(core::sqlstate::kUnableToConnect,
                            absl::StrCat("invalid libpq options: ", detail));
    }
    for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
      if (option->val != nullptr) params.emplace_back(option->keyword, option->val);
    }
    PQconninfoFree(options);
  }
  // Every decoder expects UTF-8, so this one is not negotiable.
  params.emplace_back("client_encoding", "UTF8");

  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (const auto& [keyword, value] : params) {
    keywords.push_back(keyword.c_str());
    values.push_back(value.c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);

  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/0);
  if (conn == nullptr) {
    return core::SqlError(core::sqlstate::kMemoryAllocation,
                          "libpq could not allocate a connection");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = Scrub(CleanMessage(PQerrorMessage(conn)), settings.password);
    PQfinish(conn);
    if (message.empty()) message = "could not connect to the server";
    return core::SqlError(IsAuthenticationFailure(message) ? core::sqlstate::kInvalidAuthorization
                                                           : core::sqlstate::kUnableToConnect,
                          message);
  }
  auto connection = std::make_unique<PgConnection>(conn);
  QF_RETURN_IF_ERROR(connection->Initialize());
  return std::unique_ptr<backend::BackendConnection>(std::move(connection));
}

PgConnection::PgConnection(PGconn* conn) : conn_(conn) {}

PgConnection::~PgConnection() {
  if (active_cursor_ != nullptr) active_cursor_->Orphan();
  if (cancel_ != nullptr) PQfreeCancel(cancel_);
  PQfinish(conn_);
}

absl::Status PgConnection::Initialize() {
  PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
  cancel_ = PQgetCancel(conn_);
  std::string settings;
  const char* date_style = PQparameterStatus(conn_, "DateStyle");
  if (date_style == nullptr || !absl::StartsWith(date_style, "ISO")) {
    settings += "SET DateStyle = 'ISO, MDY';";
  }
  // Before PostgreSQL 12 text floats were rounded unless asked otherwise.
  if (PQserverVersion(conn_) < 120000) settings += "SET extra_float_digits = 3;";
  if (!settings.empty()) QF_RETURN_IF_ERROR(Exec(settings.c_str()));
  const char* integer_datetimes = PQparameterStatus(conn_, "integer_datetimes");
  integer_datetimes_ = integer_datetimes == nullptr || std::strcmp(integer_datetimes, "on") == 0;
  RefreshSessionState();
  return absl::OkStatus();
}

absl::Status PgConnection::CheckUsable() const {
  if (PQstatus(conn_) == CONNECTION_BAD) {
    return core::SqlError(core::sqlstate::kCommunicationLinkFailure,
                          "the connection to the server was lost");
  }
  return absl::OkStatus();
}

absl::Status PgConnection::DetachActiveCursor() {
  if (active_cursor_ != nullptr) active_cursor_->BufferRemaining();
  return CheckUsable();
}

void PgConnection::CursorFinished(PgCursor* cursor) {
  if (active_cursor_ != cursor) return;
  active_cursor_ = nullptr;
  if (active_statement_ != nullptr) {
    active_statement_->last_rows = cursor->rows_affected();
    active_statement_.reset();
  }
}

void PgConnection::SendCancel() {
  if (cancel_ == nullptr) return;
  char error[256];
  PQcancel(cancel_, error, sizeof error);
}

void PgConnection::RefreshSessionState() {
  // The server reports these whenever they change (SET TIME ZONE, ...).
  const char* zone = PQparameterStatus(conn_, "TimeZone");
  const std::string_view zone_name = zone != nullptr ? zone : "";
  if (zone_name != zone_name_ || !zone_checked_) {
    zone_checked_ = true;
    zone_name_ = std::string(zone_name);
    absl::StatusOr<TimeZone> loaded = TimeZone::Load(zone_name_);
    zone_ = loaded.ok() ? std::make_shared<const TimeZone>(*std::move(loaded)) : nullptr;
  }
  const char* scs = PQparameterStatus(conn_, "standard_conforming_strings");
  lex_options_.standard_conforming_strings = scs == nullptr || std::strcmp(scs, "off") != 0;
}

absl::Status PgConnection::Exec(const char* sql) {
  PGresult* result = PQexec(conn_, sql);
  if (result == nullptr) return ConnectionError(conn_, "running a command");
  const ExecStatusType status = PQresultStatus(result);
  absl::Status error;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) error = ResultError(result);
  PQclear(result);
  return CheckConnectionLost(conn_, std::move(error));
}

absl::Status PgConnection::BeginIfNeeded() {
  if (autocommit_ || PQtransactionStatus(conn_) != PQTRANS_IDLE) return absl::OkStatus();
  return Exec("BEGIN");
}

void PgConnection::FlushDeallocations() {
  // Only outside a transaction block: a failing DEALLOCATE (the application
  // may have run DEALLOCATE ALL) must not abort the application's transaction.
  if (pending_deallocations_.empty() || PQtransactionStatus(conn_) != PQTRANS_IDLE) return;
  std::string sql;
  for (const std::string& name : pending_deallocations_)
    absl::StrAppend(&sql, "DEALLOCATE ", name, ";");
  pending_deallocations_.clear();
  PGresult* result = PQexec(conn_, sql.c_str());
  PQclear(result);
}

std::shared_ptr<ResultShape> PgConnection::BuildShape(const PGresult* result) const {
  auto shape = std::make_shared<ResultShape>();
  const int num_fields = PQnfields(result);
  shape->columns.reserve(static_cast<size_t>(num_fields));
  shape->kinds.reserve(static_cast<size_t>(num_fields));
  for (int i = 0; i < num_fields; ++i) {
    backend::ColumnInfo column;
    column.name = PQfname(result, i);
    column.type_oid = PQftype(result, i);
    ValueKind kind = ValueKind::kUnknownText;
    if (const TypeInfo* builtin = FindBuiltinType(column.type_oid)) {
      kind = builtin->kind;
      column.type_name = std::string(builtin->name);
    } else if (auto it = types_.find(column.type_oid); it != types_.end()) {
      kind = it->second.kind;
      column.type_name = it->second.name;
    } else {
      column.type_name = "unknown";
    }
    column.type = LogicalTypeOf(kind);
    ApplyTypmod(column.type_oid, PQfmod(result, i), column);
    shape->columns.push_back(std::move(column));
    shape->kinds.push_back(kind);
  }
  return shape;
}

std::shared_ptr<const ResultShape> PgConnection::ShapeFromResult(const PGresult* result) const {
  return BuildShape(result);
}

void PgConnection::DescribeBaseColumns(const PGresult* result, ResultShape& shape) {
  auto key_of = [](uint32_t table, int column) {
    return (uint64_t{table} << 16) | static_cast<uint16_t>(column);
  };
  std::vector<std::string> missing;
  for (int i = 0; i < PQnfields(result); ++i) {
    const uint32_t table = PQftable(result, i);
    const int column = PQftablecol(result, i);
    if (table == 0 || column <= 0) continue;
    if (!base_columns_.contains(key_of(table, column))) {
      missing.push_back(absl::StrCat("(", table, ",", column, ")"));
    }
  }
  if (!missing.empty()) {
    const std::string sql = absl::StrCat(
        "SELECT a.attrelid, a.attnum, a.attnotnull, c.relname, n.nspname, a.attname "
        "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE (a.attrelid::int8, a.attnum::int8) IN (VALUES ",
        absl::StrJoin(missing, ","), ")");
    PGresult* rows = PQexec(conn_, sql.c_str());
    if (rows != nullptr && PQresultStatus(rows) == PGRES_TUPLES_OK) {
      for (int row = 0; row < PQntuples(rows); ++row) {
        const auto table =
            static_cast<uint32_t>(std::strtoul(PQgetvalue(rows, row, 0), nullptr, 10));
        const int column = std::atoi(PQgetvalue(rows, row, 1));
        BaseColumn& base = base_columns_[key_of(table, column)];
        base.not_null = PQgetvalue(rows, row, 2)[0] == 't';
        base.table = PQgetvalue(rows, row, 3);
        base.schema = PQgetvalue(rows, row, 4);
        base.column = PQgetvalue(rows, row, 5);
      }
    }
    // A failed lookup only costs metadata; the statement itself is fine.
    PQclear(rows);
  }
  for (int i = 0; i < PQnfields(result) && static_cast<size_t>(i) < shape.columns.size(); ++i) {
    auto it = base_columns_.find(key_of(PQftable(result, i), PQftablecol(result, i)));
    if (PQftable(result, i) == 0 || it == base_columns_.end()) continue;
    backend::ColumnInfo& column = shape.columns[static_cast<size_t>(i)];
    column.nullable_known = true;
    column.nullable = !it->second.not_null;
    column.table_name = it->second.table;
    column.schema_name = it->second.schema;
    column.base_column_name = it->second.column;
  }
}

void PgConnection::LookUpTypes(std::vector<uint32_t> oids) {
  std::sort(oids.begin(), oids.end());
  oids.erase(std::unique(oids.begin(), oids.end()), oids.end());
  const std::string array = absl::StrCat("{", absl::StrJoin(oids, ","), "}");
  const char* values[1] = {array.c_str()};
  PGresult* result = PQexecParams(conn_, kTypeQuery, 1, nullptr, values, nullptr, nullptr, 0);
  if (result != nullptr && PQresultStatus(result) == PGRES_TUPLES_OK) {
    for (int row = 0; row < PQntuples(result); ++row) {
      const uint32_t type_oid =
          static_cast<uint32_t>(std::strtoul(PQgetvalue(result, row, 0), nullptr, 10));
      const std::string_view typtype = PQgetvalue(result, row, 2);
      const bool text_like = typtype == "e" || IsTextSendFunction(PQgetvalue(result, row, 3));
      types_[type_oid] = {PQgetvalue(result, row, 1),
                          text_like ? ValueKind::kText : ValueKind::kUnknownText};
    }
  }
  PQclear(result);
  // Types the catalog did not return are remembered too, to ask only once.
  for (uint32_t type_oid : oids)
    types_.try_emplace(type_oid, KnownType{"unknown", ValueKind::kUnknownText});
}

absl::StatusOr<std::shared_ptr<const PreparedStatement>> PgConnection::Prepare(
    const std::string& key, const std::string& text, std::span<const uint32_t> param_oids,
    bool cached, bool* fresh) {
  if (fresh != nullptr) *fresh = false;
  if (cached) {
    if (std::shared_ptr<const PreparedStatement> hit = cache_.Find(key)) return hit;
  }
  if (fresh != nullptr) *fresh = true;
  auto statement = std::make_shared<PreparedStatement>();
  // The unnamed statement ("") is replaced by the next one and needs no
  // DEALLOCATE.
  if (cached) statement->name = absl::StrCat("qf_stmt_", ++next_statement_id_);
  PGresult* result = PQprepare(conn_, statement->name.c_str(), text.c_str(),
                               static_cast<int>(param_oids.size()), param_oids.data());
  if (result == nullptr) return ConnectionError(conn_, "preparing the statement");
  if (PQresultStatus(result) != PGRES_COMMAND_OK) {
    absl::Status error = CheckConnectionLost(conn_, ResultError(result));
    PQclear(result);
    return error;
  }
  PQclear(result);

  result = PQdescribePrepared(conn_, statement->name.c_str());
  if (result == nullptr || PQresultStatus(result) != PGRES_COMMAND_OK) {
    absl::Status error = result == nullptr ? ConnectionError(conn_, "describing the statement")
                                           : CheckConnectionLost(conn_, ResultError(result));
    PQclear(result);
    if (cached) pending_deallocations_.push_back(statement->name);
    return error;
  }
  std::vector<uint32_t> unknown;
  for (int i = 0; i < PQnfields(result); ++i) {
    const uint32_t type_oid = PQftype(result, i);
    if (FindBuiltinType(type_oid) == nullptr && !types_.contains(type_oid)) {
      unknown.push_back(type_oid);
    }
  }
  if (!unknown.empty()) LookUpTypes(std::move(unknown));
  std::shared_ptr<ResultShape> shape = BuildShape(result);
  DescribeBaseColumns(result, *shape);
  statement->shape = std::move(shape);
  for (int i = 0; i < PQnparams(result); ++i) {
    const TypeInfo* info = FindBuiltinType(PQparamtype(result, i));
    const auto known = types_.find(PQparamtype(result, i));
    statement->parameter_types.push_back(info != nullptr         ? LogicalTypeOf(info->kind)
                                         : known != types_.end() ? LogicalTypeOf(known->second.kind)
                                                                 : backend::LogicalType::kUnknown);
  }
  PQclear(result);
  if (cached) {
    for (std::string& evicted : cache_.Insert(key, statement)) {
      pending_deallocations_.push_back(std::move(evicted));
    }
  }
  return std::shared_ptr<const PreparedStatement>(std::move(statement));
}

bool PgConnection::UsesBinary(const ResultShape& shape) const {
  // With no described columns, text lets the cursor learn them from the rows.
  if (shape.kinds.empty()) return false;
  for (ValueKind kind : shape.kinds) {
    if (!HasBinaryDecoder(kind)) return false;
    if (kind == ValueKind::kTimestampTz && zone_ == nullptr) return false;
    if (!integer_datetimes_ && (kind == ValueKind::kTime || kind == ValueKind::kTimestamp ||
                                kind == ValueKind::kTimestampTz)) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::unique_ptr<backend::Cursor>> PgConnection::StartCursor(
    std::shared_ptr<const ResultShape> shape, bool binary, bool cancel_on_close, PGresult* first) {
  auto cursor = std::make_unique<PgCursor>(this, std::move(shape), zone_, binary, cancel_on_close);
  active_cursor_ = cursor.get();
  QF_RETURN_IF_ERROR(cursor->Start(first));
  return std::unique_ptr<backend::Cursor>(std::move(cursor));
}

absl::StatusOr<std::unique_ptr<backend::Cursor>> PgConnection::Execute(
    std::string_view sql, std::span<const backend::Param> params) {
  QF_RETURN_IF_ERROR(DetachActiveCursor());
  RefreshSessionState();
  const RewrittenSql rewritten = RewriteSql(sql, lex_options_);
  if (static_cast<size_t>(rewritten.parameter_count) != params.size()) {
    return core::SqlError(
        core::sqlstate::kWrongNumberOfParameters,
        absl::StrCat("the statement has ", rewritten.parameter_count, " parameter markers but ",
                     params.size(), " parameters were supplied"));
  }
  const bool cacheable = IsCacheable(rewritten.first_keyword);
  if (rewritten.statement_count > 1) {
    if (!params.empty()) {
      return core::SqlError(core::sqlstate::kOptionalFeatureNotImplemented,
                            "parameters are not supported in text with several statements");
    }
    return ExecuteSimple(rewritten);
  }
  if (params.empty() && !cacheable) return ExecuteSimple(rewritten);

  const size_t count = params.size();
  std::vector<uint32_t> oids(count);
  std::vector<const char*> values(count);
  std::vector<int> lengths(count);
  std::vector<int> formats(count);
  for (size_t i = 0; i < count; ++i) {
    const backend::Param& param = params[i];
    oids[i] = ParamTypeOid(param.type);
    if (param.is_null) continue;
    if (SendsBinary(param.type)) {
      values[i] = param.data.data();
      lengths[i] = static_cast<int>(param.data.size());
      formats[i] = 1;
    } else {
      if (param.data.find('\0') != std::string::npos) {
        return core::SqlError(core::sqlstate::kInvalidCharacterValue,
                              absl::StrCat("parameter ", i + 1,
                                           " contains a NUL character, which PostgreSQL text "
                                           "cannot hold"));
      }
      values[i] = param.data.c_str();
    }
  }

  FlushDeallocations();
  QF_RETURN_IF_ERROR(BeginIfNeeded());
  const std::string key = StatementCache::Key(rewritten.text, oids);
  for (int attempt = 0;; ++attempt) {
    bool fresh = false;
    QF_ASSIGN_OR_RETURN(std::shared_ptr<const PreparedStatement> statement,
                        Prepare(key, rewritten.text, oids, cacheable, &fresh));
    const bool binary = UsesBinary(*statement->shape);
    const bool in_block = PQtransactionStatus(conn_) != PQTRANS_IDLE;
    std::optional<absl::StatusOr<std::unique_ptr<backend::Cursor>>> started;
    // COPY for a statement's first run and for statements whose last run
    // returned many rows; small repeated queries keep the prepared path,
    // which needs no revalidating describe.
    if (copy_enabled_ && binary && count == 0 && cacheable &&
        IsCopyableQuery(rewritten.first_keyword) && !statement->copy_refused &&
        (fresh || statement->last_rows < 0 || statement->last_rows >= copy_min_rows_)) {
      started = ExecuteCopy(rewritten, *statement, fresh, in_block);
    }
    if (!started.has_value()) {
      if (!PQsendQueryPrepared(conn_, statement->name.c_str(), static_cast<int>(count),
                               values.data(), lengths.data(), formats.data(), binary ? 1 : 0)) {
        return ConnectionError(conn_, "sending the statement");
      }
      PQsetSingleRowMode(conn_);
      in_block_while_active_ = in_block;
      started =
          StartCursor(statement->shape, binary, IsPlainQuery(rewritten.first_keyword) && !in_block);
    }
    absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor = *std::move(started);
    if (cursor.ok() && cacheable && active_cursor_ != nullptr) active_statement_ = statement;
    if (cursor.ok() || !cacheable || !IsStaleStatementError(cursor.status())) return cursor;
    // The server no longer has the statement or its result type changed
    // (DDL, DISCARD ALL): prepare it again, unless that error has just
    // aborted the application's transaction.
    std::string name = cache_.Erase(key);
    if (core::SqlStateOf(cursor.status()) != "26000" && !name.empty()) {
      pending_deallocations_.push_back(std::move(name));
    }
    if (attempt > 0 || PQtransactionStatus(conn_) != PQTRANS_IDLE) return cursor;
  }
}

std::optional<absl::StatusOr<std::unique_ptr<backend::Cursor>>> PgConnection::ExecuteCopy(
    const RewrittenSql& sql, const PreparedStatement& statement, bool fresh, bool in_block) {
  if (!fresh) {
    // COPY plans the text afresh, so a change since the statement was
    // described (DDL, search_path) would go unnoticed and its rows decoded
    // with the old column types. Describing the prepared statement
    // revalidates it and fails exactly when executing it would. (Outside a
    // transaction block, another session's DDL committed between the two
    // round trips slips through unless it changes the number of columns or
    // a value's size; inside one, the describe's locks rule that out.)
    PGresult* described = PQdescribePrepared(conn_, statement.name.c_str());
    if (described == nullptr) return ConnectionError(conn_, "describing the statement");
    absl::Status error;
    if (PQresultStatus(described) != PGRES_COMMAND_OK) {
      error = CheckConnectionLost(conn_, ResultError(described));
    }
    PQclear(described);
    if (!error.ok()) return error;
  }
  const std::string copy_sql =
      "COPY (" + sql.text.substr(0, sql.content_end) + "\n) TO STDOUT (FORMAT binary)";
  if (!PQsendQuery(conn_, copy_sql.c_str())) return ConnectionError(conn_, "sending the statement");
  in_block_while_active_ = in_block;
  auto cursor = std::make_unique<PgCursor>(this, statement.shape, zone_, /*binary=*/true,
                                           /*cancel_on_close=*/!in_block, /*copy=*/true);
  active_cursor_ = cursor.get();
  absl::Status status = cursor->Start();
  if (status.ok()) return std::unique_ptr<backend::Cursor>(std::move(cursor));
  if (!cursor->copy_started() && IsCopyRefusal(status)) {
    statement.copy_refused = true;
    // Outside a transaction block the refusal changed nothing.
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return std::nullopt;
  }
  return status;
}

absl::StatusOr<std::unique_ptr<backend::Cursor>> PgConnection::ExecuteSimple(
    const RewrittenSql& sql) {
  FlushDeallocations();
  QF_RETURN_IF_ERROR(BeginIfNeeded());
  in_block_while_active_ = PQtransactionStatus(conn_) != PQTRANS_IDLE;
  if (!PQsendQuery(conn_, sql.text.c_str()))
    return ConnectionError(conn_, "sending the statements");
  PQsetSingleRowMode(conn_);
  // Each statement's result in turn (Cursor::NextResult).
  auto cursor = std::make_unique<PgCursor>(this, nullptr, zone_, /*binary=*/false,
                                           /*cancel_on_close=*/false);
  cursor->set_multi(sql.statement_count > 1);
  active_cursor_ = cursor.get();
  QF_RETURN_IF_ERROR(cursor->Start());
  return std::unique_ptr<backend::Cursor>(std::move(cursor));
}

std::string PgConnection::NativeSql(std::string_view sql) const {
  LexOptions options = lex_options_;
  options.keep_markers = true;
  return RewriteSql(sql, options).text;
}

absl::StatusOr<std::vector<backend::BackendConnection::ParamSetResult>> PgConnection::ExecuteBatch(
    std::string_view sql, std::span<const std::vector<backend::Param>> sets) {
  const auto not_here = [] { return absl::UnimplementedError("not a batchable statement"); };
  if (sets.empty()) return std::vector<ParamSetResult>();
  QF_RETURN_IF_ERROR(DetachActiveCursor());
  RefreshSessionState();
  const RewrittenSql rewritten = RewriteSql(sql, lex_options_);
  const std::string& keyword = rewritten.first_keyword;
  if (rewritten.statement_count != 1 ||
      !(keyword == "INSERT" || keyword == "UPDATE" || keyword == "DELETE" || keyword == "MERGE")) {
    return not_here();
  }
  const size_t count = sets[0].size();
  std::vector<uint32_t> oids(count);
  for (size_t i = 0; i < count; ++i) oids[i] = ParamTypeOid(sets[0][i].type);
  for (const std::vector<backend::Param>& set : sets) {
    if (set.size() != count || static_cast<size_t>(rewritten.parameter_count) != count) {
      return not_here();
    }
    for (size_t i = 0; i < count; ++i) {
      if (ParamTypeOid(set[i].type) != oids[i]) return not_here();
    }
  }
  FlushDeallocations();
  QF_RETURN_IF_ERROR(BeginIfNeeded());
  const std::string key = StatementCache::Key(rewritten.text, oids);
  bool fresh = false;
  QF_ASSIGN_OR_RETURN(std::shared_ptr<const PreparedStatement> statement,
                      Prepare(key, rewritten.text, oids, /*cached=*/true, &fresh));
  // DML ... RETURNING has rows for the application: one set at a time.
  if (!statement->shape->columns.empty()) return not_here();

  std::vector<ParamSetResult> results(sets.size());
  // Outside a transaction block each set is its own transaction (a Sync
  // after each), so a failed set leaves the others alone; inside one, a
  // failure aborts the transaction and the server skips the rest of the
  // pipeline up to the Sync.
  const bool sync_each = PQtransactionStatus(conn_) == PQTRANS_IDLE;
  if (!PQenterPipelineMode(conn_)) return ConnectionError(conn_, "entering pipeline mode");
  std::vector<const char*> values(count);
  std::vector<int> lengths(count);
  std::vector<int> formats(count);
  absl::Status fatal;
  bool aborted = false;
  // Chunks keep what the server writes back well under the socket buffers,
  // so that neither side blocks while the other is still writing.
  constexpr size_t kChunk = 512;
  for (size_t begin = 0; begin < sets.size() && fatal.ok() && !aborted; begin += kChunk) {
    const size_t end = std::min(sets.size(), begin + kChunk);
    size_t sent = begin;
    for (; sent < end; ++sent) {
      const std::vector<backend::Param>& set = sets[sent];
      bool bad = false;
      for (size_t i = 0; i < count; ++i) {
        values[i] = nullptr;
        lengths[i] = 0;
        formats[i] = 0;
        if (set[i].is_null) continue;
        if (SendsBinary(set[i].type)) {
          values[i] = set[i].data.data();
          lengths[i] = static_cast<int>(set[i].data.size());
          formats[i] = 1;
        } else if (set[i].data.find('\0') != std::string::npos) {
          results[sent].status = core::SqlError(
              core::sqlstate::kInvalidCharacterValue,
              absl::StrCat("parameter ", i + 1,
                           " contains a NUL character, which PostgreSQL text cannot hold"));
          bad = true;
          break;
        } else {
          values[i] = set[i].data.c_str();
        }
      }
      if (bad) continue;
      if (!PQsendQueryPrepared(conn_, statement->name.c_str(), static_cast<int>(count),
                               values.data(), lengths.data(), formats.data(), 0) ||
          (sync_each && !PQpipelineSync(conn_))) {
        fatal = ConnectionError(conn_, "sending a parameter set");
        break;
      }
    }
    if (fatal.ok() && !sync_each && !PQpipelineSync(conn_)) {
      fatal = ConnectionError(conn_, "sending a parameter set");
    }
    if (fatal.ok() && PQflush(conn_) != 0) fatal = ConnectionError(conn_, "sending the batch");
    // Read back every set sent in this chunk (and its Sync).
    for (size_t i = begin; i < sent; ++i) {
      if (!results[i].status.ok()) continue;  // never sent
      bool got_result = false;
      while (PGresult* result = PQgetResult(conn_)) {
        const ExecStatusType status = PQresultStatus(result);
        if (!got_result) {
          got_result = true;
          if (status == PGRES_COMMAND_OK) {
            results[i].ran = true;
            const char* tuples = PQcmdTuples(result);
            results[i].rows_affected = tuples[0] != '\0' ? std::atoll(tuples) : -1;
          } else if (status == PGRES_PIPELINE_ABORTED) {
            aborted = true;
          } else {
            results[i].ran = true;
            results[i].status = ResultError(result);
            if (!sync_each) aborted = true;
          }
        }
        PQclear(result);
      }
      if (!got_result && PQstatus(conn_) == CONNECTION_BAD) {
        fatal = ConnectionError(conn_, "reading the batch's results");
        break;
      }
      if (sync_each) {
        PGresult* sync = PQgetResult(conn_);
        PQclear(sync);
      }
    }
    if (!sync_each && fatal.ok()) {
      // The chunk's Sync.
      while (PGresult* result = PQgetResult(conn_)) {
        const bool done = PQresultStatus(result) == PGRES_PIPELINE_SYNC;
        PQclear(result);
        if (done) break;
      }
    }
  }
  if (!PQexitPipelineMode(conn_) && fatal.ok()) {
    fatal = ConnectionError(conn_, "leaving pipeline mode");
  }
  QF_RETURN_IF_ERROR(CheckConnectionLost(conn_, std::move(fatal)));
  if (!fresh && sync_each && IsStaleStatementError(results[0].status)) {
    // The server lost the cached statement (DISCARD ALL, DEALLOCATE): every
    // set failed the same way and nothing ran, so prepare it again, once
    // (the statement is fresh then).
    std::string name = cache_.Erase(key);
    if (core::SqlStateOf(results[0].status) != "26000" && !name.empty()) {
      pending_deallocations_.push_back(std::move(name));
    }
    return ExecuteBatch(sql, sets);
  }
  return results;
}

absl::StatusOr<backend::StatementDescription> PgConnection::Describe(std::string_view sql) {
  QF_RETURN_IF_ERROR(DetachActiveCursor());
  RefreshSessionState();
  const RewrittenSql rewritten = RewriteSql(sql, lex_options_);
  backend::StatementDescription description;
  // Several statements cannot be prepared; their columns are learned when
  // they run.
  if (rewritten.statement_count > 1) return description;
  const std::vector<uint32_t> oids(static_cast<size_t>(rewritten.parameter_count), 0);
  FlushDeallocations();
  QF_ASSIGN_OR_RETURN(std::shared_ptr<const PreparedStatement> statement,
                      Prepare(StatementCache::Key(rewritten.text, oids), rewritten.text, oids,
                              IsCacheable(rewritten.first_keyword)));
  description.columns = statement->shape->columns;
  description.parameter_types = statement->parameter_types;
  return description;
}

int PgConnection::CountParameters(std::string_view sql) const {
  return pg::CountParameters(sql, lex_options_);
}

absl::Status PgConnection::SetAutocommit(bool on) {
  if (on == autocommit_) return absl::OkStatus();
  autocommit_ = on;
  // ODBC: switching autocommit on commits the open transaction.
  if (on) return Commit();
  return absl::OkStatus();
}

absl::Status PgConnection::Commit() {
  QF_RETURN_IF_ERROR(DetachActiveCursor());
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return absl::OkStatus();
  PGresult* result = PQexec(conn_, "COMMIT");
  if (result == nullptr) return ConnectionError(conn_, "committing");
  absl::Status status;
  if (PQresultStatus(result) != PGRES_COMMAND_OK) {
    status = ResultError(result);
  } else if (std::strcmp(PQcmdStatus(result), "ROLLBACK") == 0) {
    // The server answers COMMIT of a failed transaction by rolling it back.
    status = core::SqlError("40000",
                            "the transaction was aborted by an earlier error and has been rolled "
                            "back instead of committed");
  }
  PQclear(result);
  return CheckConnectionLost(conn_, std::move(status));
}

absl::Status PgConnection::Rollback() {
  QF_RETURN_IF_ERROR(DetachActiveCursor());
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return absl::OkStatus();
  return Exec("ROLLBACK");
}

absl::Status PgConnection::SetIsolationLevel(uint32_t sql_txn_level) {
  const char* level = nullptr;
  switch (sql_txn_level) {
    case 1:
      level = "READ UNCOMMITTED";
      break;
    case 2:
      level = "READ COMMITTED";
      break;
    case 4:
      level = "REPEATABLE READ";
      break;
    case 8:
      level = "SERIALIZABLE";
      break;
    default:
      return core::SqlError(core::sqlstate::kInvalidAttributeValue,
                            absl::StrCat("unknown transaction isolation level ", sql_txn_level));
  }
  QF_RETURN_IF_ERROR(DetachActiveCursor());
  return Exec(
      absl::StrCat("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL ", level).c_str());
}

bool PgConnection::InTransaction() const {
  switch (PQtransactionStatus(conn_)) {
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
      return true;
    case PQTRANS_ACTIVE:
      return in_block_while_active_;
    default:
      return false;
  }
}

absl::Status PgConnection::Cancel() {
  if (cancel_ == nullptr) {
    return core::SqlError(core::sqlstate::kConnectionNotOpen, "no connection to cancel on");
  }
  char error[256] = {};
  if (!PQcancel(cancel_, error, sizeof error)) {
    return core::SqlError(core::sqlstate::kGeneralError,
                          absl::StrCat("the cancel request failed: ", CleanMessage(error)));
  }
  return absl::OkStatus();
}

bool PgConnection::IsAlive() const { return PQstatus(conn_) == CONNECTION_OK; }

std::string PgConnection::ServerVersion() const {
  const int version = PQserverVersion(conn_);
  if (version >= 100000) return absl::StrCat(version / 10000, ".", version % 10000);
  return absl::StrCat(version / 10000, ".", version / 100 % 100, ".", version % 100);
}

std::string PgConnection::DatabaseName() const {
  const char* name = PQdb(conn_);
  return name != nullptr ? name : "";
}

std::string PgConnection::UserName() const {
  const char* name = PQuser(conn_);
  return name != nullptr ? name : "";
}

std::string PgConnection::ServerName() const {
  const char* name = PQhost(conn_);
  return name != nullptr ? name : "";
}

}  // namespace quietfetch::pg
