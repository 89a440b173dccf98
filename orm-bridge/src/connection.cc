#include "quietfetch/orm/connection.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"
#include "driver/core/connection.h"
#include "driver/core/connection_string.h"
#include "driver/core/status.h"
#include "gc-policy/policy.h"
#include "gc-policy/window.h"
#include "orm-bridge/src/bridge_internal.h"

namespace quietfetch::orm {
namespace detail {

// What a Connection, its streams and its transactions share. Destroyed with
// the last of them, so a stream never outlives the backend it reads.
class Session {
 public:
  ~Session() {
    // Cursors are gone (they hold the session); end the unit of work as a
    // disconnect does, then drop the server connection.
    if (unit_window != nullptr) unit_window->End(gc::EndReason::kDisconnect);
    backend.reset();
  }

  absl::StatusOr<Result> Run(const std::shared_ptr<Session>& self, std::string_view sql,
                             std::span<const backend::Param> params);
  void EndUnitWindow(gc::EndReason reason) {
    if (unit_window != nullptr) unit_window->End(reason);
  }

  // Ends the transaction either way; the first error wins.
  absl::Status Finish(bool commit) {
    absl::Status status = commit ? backend->Commit() : backend->Rollback();
    if (!status.ok() && commit) (void)backend->Rollback();
    absl::Status autocommit = backend->SetAutocommit(true);
    in_transaction = false;
    EndUnitWindow(gc::EndReason::kEndTransaction);
    return status.ok() ? autocommit : status;
  }

  std::unique_ptr<backend::BackendConnection> backend;
  core::ConnectionConfig config;
  std::shared_ptr<const gc::Policy> gc_policy;
  std::unique_ptr<gc::Window> unit_window;
  bool in_transaction = false;
};

struct Batch::Impl {
  rowstore::RowBatch rows;
};

Batch::Batch() : impl_(std::make_unique<Impl>()) {}
Batch::Batch(Batch&&) noexcept = default;
Batch& Batch::operator=(Batch&&) noexcept = default;
Batch::~Batch() = default;

size_t Batch::MemoryUsage() const { return impl_ == nullptr ? 0 : impl_->rows.MemoryUsage(); }

struct Result::State {
  std::shared_ptr<Session> session;  // first: outlives the cursor below
  std::unique_ptr<backend::Cursor> cursor;
  std::vector<ColumnInfo> columns;  // the cursor's, in the public form
  std::unique_ptr<gc::Window> statement_window;
  gc::Window* window = nullptr;  // the unit window or statement_window
  bool exhausted = false;

  ~State() {
    if (cursor != nullptr && !exhausted) (void)cursor->Close();
    cursor.reset();
    if (statement_window != nullptr) statement_window->End(gc::EndReason::kStatementClosed);
  }
};

Result::Result() = default;
Result::Result(Result&&) noexcept = default;
Result& Result::operator=(Result&&) noexcept = default;
Result::~Result() = default;

const std::vector<ColumnInfo>& Result::columns() const { return state_->columns; }

absl::StatusOr<bool> Result::Fill(Batch& batch) {
  State& state = *state_;
  if (batch.impl_ == nullptr) batch.impl_ = std::make_unique<Batch::Impl>();  // moved from
  rowstore::RowBatch& rows = batch.impl_->rows;
  rows.Clear(state.columns.size());
  batch.view_ = ViewOf(rows);
  if (state.exhausted) return false;
  absl::StatusOr<bool> more = state.cursor->Fill(rows, state.session->config.limits);
  if (!more.ok()) {
    state.exhausted = true;  // the backend has ended the result
    rows.Clear(state.columns.size());
    batch.view_ = ViewOf(rows);
    return more.status();
  }
  state.exhausted = !*more;
  batch.view_ = ViewOf(rows);
  if (state.window != nullptr && rows.num_rows() > 0) {
    state.window->AddRows(static_cast<int64_t>(rows.num_rows()));
  }
  return *more;
}

int64_t Result::rows_affected() const { return state_->cursor->rows_affected(); }

absl::Status Result::Drain() {
  Batch scratch;
  while (true) {
    absl::StatusOr<bool> more = Fill(scratch);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
  }
}

absl::StatusOr<Result> Session::Run(const std::shared_ptr<Session>& self, std::string_view sql,
                                    std::span<const backend::Param> params) {
  // In autocommit mode each statement is its own unit of work: it ends the
  // window the previous bulk result opened (as the driver's statements do).
  if (!in_transaction) EndUnitWindow(gc::EndReason::kNextStatement);
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor = backend->Execute(sql, params);
  if (!cursor.ok()) return cursor.status();
  Result result;
  result.state_ = std::make_unique<Result::State>();
  Result::State& state = *result.state_;
  state.session = self;
  state.cursor = *std::move(cursor);
  state.columns.reserve(state.cursor->columns().size());
  for (const backend::ColumnInfo& column : state.cursor->columns()) {
    state.columns.push_back(ToColumnInfo(column));
  }
  if (unit_window != nullptr) {
    unit_window->StartResult();
    state.window = unit_window.get();
  } else if (gc_policy != nullptr) {
    state.statement_window = std::make_unique<gc::Window>(gc_policy);
    state.window = state.statement_window.get();
  }
  return result;
}

absl::Status InvalidName(std::string_view what, std::string_view name) {
  return SqlError("42602",
                  absl::StrCat("invalid ", core::ToAbsl(what), " name '", core::ToAbsl(name), "'"));
}

bool IsSafeTableName(std::string_view table) {
  // Identifiers, optionally schema-qualified and double-quoted; nothing that
  // could end the statement or start another.
  if (table.empty()) return false;
  bool quoted = false;
  for (char c : table) {
    if (c == '"') {
      quoted = !quoted;
    } else if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '.' ||
                 static_cast<unsigned char>(c) >= 0x80 || (quoted && c == ' '))) {
      return false;
    }
  }
  return !quoted;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace detail

Transaction::Transaction(std::shared_ptr<detail::Session> session) : session_(std::move(session)) {}
Transaction::Transaction(Transaction&& other) noexcept = default;
Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    if (active()) (void)Rollback();
    session_ = std::move(other.session_);
  }
  return *this;
}
Transaction::~Transaction() {
  if (active()) (void)Rollback();
}

absl::Status Transaction::Commit() {
  if (!active()) return SqlError("25000", "the transaction has already ended");
  std::shared_ptr<detail::Session> session = std::move(session_);
  return session->Finish(/*commit=*/true);
}

absl::Status Transaction::Rollback() {
  if (!active()) return SqlError("25000", "the transaction has already ended");
  std::shared_ptr<detail::Session> session = std::move(session_);
  return session->Finish(/*commit=*/false);
}

absl::StatusOr<Connection> Connection::Open(std::string_view connection_string) {
  QF_ASSIGN_OR_RETURN(core::KeyValues pairs, core::ParseConnectionString(connection_string));
  QF_ASSIGN_OR_RETURN(core::ConnectionConfig config, core::ResolveConfig(pairs, core::ReadDsn));
  auto session = std::make_shared<detail::Session>();
  QF_ASSIGN_OR_RETURN(session->backend, core::ConnectBackend(config));
  const bool postgres = config.backend.mongo_uri.empty();
  session->config = std::move(config);
  // timestamptz cells arrive in the session's zone; UTC makes them the
  // instants a system_clock time_point means. (MongoDB dates are UTC.)
  if (postgres) {
    QF_ASSIGN_OR_RETURN(std::unique_ptr<backend::Cursor> cursor,
                        session->backend->Execute("SET TimeZone TO 'UTC'", {}));
    QF_RETURN_IF_ERROR(backend::DrainCursor(*cursor, session->config.limits));
  }
  if (session->config.gc.kind != gc::PolicyKind::kOff) {
    session->gc_policy = gc::MakePolicy(session->config.gc);
    if (session->config.gc.scope == gc::Scope::kUnitOfWork) {
      session->unit_window = std::make_unique<gc::Window>(session->gc_policy);
    }
  }
  return Connection(std::move(session));
}

Connection::Connection(std::shared_ptr<detail::Session> session) : session_(std::move(session)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

BatchLimits Connection::limits() const {
  return BatchLimits{session_->config.limits.max_rows, session_->config.limits.max_bytes};
}

bool Connection::InTransaction() const { return session_ != nullptr && session_->in_transaction; }

bool Connection::IsAlive() const { return session_ != nullptr && session_->backend->IsAlive(); }

absl::StatusOr<detail::Result> Connection::Run(std::string_view sql, std::vector<Param> params) {
  if (session_ == nullptr) return SqlError("08003", "the connection was moved from");
  const std::vector<backend::Param> converted = detail::ToBackendParams(std::move(params));
  return session_->Run(session_, sql, converted);
}

absl::StatusOr<int64_t> Connection::ExecuteParams(std::string_view sql, std::vector<Param> params) {
  QF_ASSIGN_OR_RETURN(detail::Result result, Run(sql, std::move(params)));
  QF_RETURN_IF_ERROR(result.Drain());
  return result.rows_affected();
}

absl::StatusOr<Transaction> Connection::Begin() {
  if (session_ == nullptr) return SqlError("08003", "the connection was moved from");
  if (session_->in_transaction) {
    return SqlError("25000", "a transaction is already active on this connection");
  }
  // A new unit of work: the previous statement's window ends here.
  session_->EndUnitWindow(gc::EndReason::kNextStatement);
  QF_RETURN_IF_ERROR(session_->backend->SetAutocommit(false));
  session_->in_transaction = true;
  return Transaction(session_);
}

namespace {

// PostgreSQL takes at most 65535 parameters per statement; past about a
// thousand rows a longer statement no longer pays for itself.
constexpr size_t kMaxParams = 65535;
constexpr size_t kMaxRowsPerInsert = 1000;

absl::Status CheckNames(std::string_view table, const std::vector<std::string_view>& columns) {
  if (!detail::IsSafeTableName(table)) return detail::InvalidName("table", table);
  if (columns.empty()) return SqlError("07009", "the mapping has no fields");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> Connection::InsertRows(std::string_view table,
                                               const std::vector<std::string_view>& columns,
                                               size_t count, const ParamFiller& fill) {
  QF_RETURN_IF_ERROR(CheckNames(table, columns));
  if (count == 0) return 0;
  const size_t per_statement =
      std::max<size_t>(1, std::min(kMaxRowsPerInsert, kMaxParams / columns.size()));
  std::string head = absl::StrCat("INSERT INTO ", core::ToAbsl(table), " (");
  std::string tuple = "(";
  for (size_t i = 0; i < columns.size(); ++i) {
    absl::StrAppend(&head, i == 0 ? "" : ", ", detail::QuoteIdentifier(columns[i]));
    absl::StrAppend(&tuple, i == 0 ? "?" : ", ?");
  }
  absl::StrAppend(&head, ") VALUES ");
  absl::StrAppend(&tuple, ")");

  std::optional<Transaction> own;
  if (!InTransaction() && count > per_statement) {
    QF_ASSIGN_OR_RETURN(own, Begin());
  }
  int64_t inserted = 0;
  std::string sql;
  std::vector<Param> params;
  for (size_t start = 0; start < count; start += per_statement) {
    const size_t rows = std::min(per_statement, count - start);
    // Full chunks share one statement text, so the server prepares it once.
    if (rows != per_statement || sql.empty()) {
      sql = head;
      for (size_t r = 0; r < rows; ++r) absl::StrAppend(&sql, r == 0 ? "" : ", ", tuple);
    }
    params.clear();
    for (size_t r = 0; r < rows; ++r) fill(start + r, params);
    QF_ASSIGN_OR_RETURN(int64_t affected, ExecuteParams(sql, params));
    inserted += std::max<int64_t>(affected, 0);
  }
  if (own.has_value()) QF_RETURN_IF_ERROR(own->Commit());
  return inserted;
}

absl::StatusOr<int64_t> Connection::UpdateRows(std::string_view table,
                                               const std::vector<std::string_view>& columns,
                                               std::string_view key_column, size_t count,
                                               const ParamFiller& fill) {
  QF_RETURN_IF_ERROR(CheckNames(table, columns));
  const auto key = std::find(columns.begin(), columns.end(), key_column);
  if (key == columns.end()) {
    return SqlError("07009", absl::StrCat("the key column '", core::ToAbsl(key_column),
                                          "' is not a mapped field"));
  }
  const size_t key_index = static_cast<size_t>(key - columns.begin());
  if (columns.size() < 2) return SqlError("07009", "the mapping has no column to update");
  if (count == 0) return 0;
  std::string sql = absl::StrCat("UPDATE ", core::ToAbsl(table), " SET ");
  bool first = true;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i == key_index) continue;
    absl::StrAppend(&sql, first ? "" : ", ", detail::QuoteIdentifier(columns[i]), " = ?");
    first = false;
  }
  absl::StrAppend(&sql, " WHERE ", detail::QuoteIdentifier(key_column), " = ?");

  std::optional<Transaction> own;
  if (!InTransaction() && count > 1) {
    QF_ASSIGN_OR_RETURN(own, Begin());
  }
  int64_t updated = 0;
  std::vector<Param> fields;
  std::vector<Param> params;
  for (size_t r = 0; r < count; ++r) {
    fields.clear();
    fill(r, fields);
    params.clear();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i != key_index) params.push_back(std::move(fields[i]));
    }
    params.push_back(std::move(fields[key_index]));
    // One prepared statement, run once per struct.
    QF_ASSIGN_OR_RETURN(int64_t affected, ExecuteParams(sql, params));
    updated += std::max<int64_t>(affected, 0);
  }
  if (own.has_value()) QF_RETURN_IF_ERROR(own->Commit());
  return updated;
}

}  // namespace quietfetch::orm
