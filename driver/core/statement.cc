#include "driver/core/statement.h"

#include <cctype>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "driver/core/buffered_result.h"
#include "driver/core/connection.h"
#include "driver/core/status.h"
#include "driver/core/unicode.h"

namespace quietfetch::core {
namespace {

SQLULEN AsULen(SQLPOINTER value) { return reinterpret_cast<SQLULEN>(value); }

bool IsKnownCType(SQLSMALLINT c_type) {
  switch (c_type) {
    case SQL_C_CHAR:
    case SQL_C_WCHAR:
    case SQL_C_BINARY:
    case SQL_C_DEFAULT:
    case SQL_ARD_TYPE:
      return true;
    default:
      return FixedCTypeSize(c_type) > 0;
  }
}

// SQLBindParameter's SQL types: those of descriptors, without intervals
// (which no conversion sends yet), plus SQL_UNKNOWN_TYPE.
bool IsKnownSqlType(SQLSMALLINT sql_type) {
  return sql_type == SQL_UNKNOWN_TYPE ||
         (IsValidSqlType(sql_type) && VerboseTypeOf(sql_type) != SQL_INTERVAL);
}

// What SQL_C_DEFAULT means for a parameter of the given SQL type.
SQLSMALLINT DefaultCTypeForSql(SQLSMALLINT sql_type) {
  switch (sql_type) {
    case SQL_WCHAR:
    case SQL_WVARCHAR:
    case SQL_WLONGVARCHAR:
      return SQL_C_WCHAR;
    case SQL_SMALLINT:
      return SQL_C_SSHORT;
    case SQL_INTEGER:
      return SQL_C_SLONG;
    case SQL_BIGINT:
      return SQL_C_SBIGINT;
    case SQL_TINYINT:
      return SQL_C_STINYINT;
    case SQL_REAL:
      return SQL_C_FLOAT;
    case SQL_FLOAT:
    case SQL_DOUBLE:
      return SQL_C_DOUBLE;
    case SQL_BIT:
      return SQL_C_BIT;
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY:
      return SQL_C_BINARY;
    case SQL_TYPE_DATE:
    case SQL_DATE:
      return SQL_C_TYPE_DATE;
    case SQL_TYPE_TIME:
    case SQL_TIME:
      return SQL_C_TYPE_TIME;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
      return SQL_C_TYPE_TIMESTAMP;
    case SQL_GUID:
      return SQL_C_GUID;
    default:
      return SQL_C_CHAR;
  }
}

// The C type of a bound parameter, SQL_C_DEFAULT resolved from its SQL type.
SQLSMALLINT ParamCType(const DescRecord& app, const DescRecord& imp) {
  return app.concise_type == SQL_C_DEFAULT ? DefaultCTypeForSql(imp.concise_type)
                                           : app.concise_type;
}

template <typename T>
T* Offset(T* base, SQLLEN* offset_ptr, size_t extra) {
  if (base == nullptr) return nullptr;
  char* p = reinterpret_cast<char*>(base) + extra;
  if (offset_ptr != nullptr) p += *offset_ptr;
  return reinterpret_cast<T*>(p);
}

// ODBC 3: a searched UPDATE/DELETE (or an INSERT/MERGE) that affects no
// rows makes SQLExecute/SQLExecDirect return SQL_NO_DATA.
bool IsRowChangingStatement(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '(') {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) return false;
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i);
      if (i == std::string_view::npos) return false;
      i += 2;
    } else {
      break;
    }
  }
  size_t end = i;
  while (end < sql.size() && std::isalpha(static_cast<unsigned char>(sql[end]))) ++end;
  std::string word(sql.substr(i, end - i));
  for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word == "UPDATE" || word == "DELETE" || word == "INSERT" || word == "MERGE";
}

// The server ends a cancelled statement with 57014, for SQLCancel ("user
// request") as for one that outlives SQL_ATTR_QUERY_TIMEOUT's
// statement_timeout. ODBC calls the first HY008 and the second HYT00.
absl::Status MapTimeout(absl::Status status, SQLULEN query_timeout) {
  if (status.ok() || SqlStateOf(status) != "57014") return status;
  const bool user_request = absl::StrContains(status.message(), "user request");
  if (query_timeout == 0 || user_request) {
    return SqlError(sqlstate::kOperationCanceled,
                    absl::StrCat("operation canceled: ", status.message()));
  }
  return SqlError(sqlstate::kTimeoutExpired,
                  absl::StrCat("query timeout expired (SQL_ATTR_QUERY_TIMEOUT = ", query_timeout,
                               " s): ", status.message()));
}

// Copies a possibly unaligned SQLLEN into `out`; null stays null.
const SQLLEN* ReadLength(const SQLLEN* source, SQLLEN* out) {
  if (source == nullptr) return nullptr;
  std::memcpy(out, source, sizeof(SQLLEN));
  return out;
}

absl::Status InvalidCursorState(std::string_view why) {
  return SqlError(sqlstate::kInvalidCursorState, why);
}

absl::Status SequenceError(std::string_view why) {
  return SqlError(sqlstate::kFunctionSequenceError, why);
}

// The orientations a static cursor accepts.
absl::Status CheckScrollOrientation(SQLSMALLINT orientation) {
  switch (orientation) {
    case SQL_FETCH_NEXT:
    case SQL_FETCH_PRIOR:
    case SQL_FETCH_FIRST:
    case SQL_FETCH_LAST:
    case SQL_FETCH_ABSOLUTE:
    case SQL_FETCH_RELATIVE:
      return absl::OkStatus();
    case SQL_FETCH_BOOKMARK:
      return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                      "bookmarks are not supported: SQL_FETCH_BOOKMARK cannot be used");
    default:
      return SqlError(sqlstate::kFetchTypeOutOfRange,
                      absl::StrCat("invalid fetch orientation ", orientation));
  }
}

}  // namespace

Statement::Statement(Connection* connection)
    : Handle(kKind),
      connection_(connection),
      implicit_ard_(connection, DescKind::kArd, false),
      implicit_apd_(connection, DescKind::kApd, false),
      ird_(connection, DescKind::kIrd, false, this),
      ipd_(connection, DescKind::kIpd, false),
      ard_(&implicit_ard_),
      apd_(&implicit_apd_) {
  set_call_mutex(&connection->call_mutex());
}

Statement::~Statement() {
  if (cursor_ != nullptr) (void)cursor_->Close();
  EndStatementWindow(gc::EndReason::kStatementClosed);
}

void Statement::CountFetchedRows(int64_t rows) {
  const auto& policy = connection_->gc_policy();
  if (policy == nullptr) return;
  gc_result_rows_ += rows;
  gc::Window* window = connection_->unit_window();
  if (window == nullptr) {
    if (statement_window_ == nullptr) {
      if (gc_result_rows_ < policy->config().bulk_rows) return;
      statement_window_ = std::make_unique<gc::Window>(policy);
    }
    window = statement_window_.get();
  }
  if (window->open()) {
    window->AddRows(rows);
  } else if (gc_result_rows_ >= policy->config().bulk_rows) {
    window->Open(gc_result_rows_);
  }
}

void Statement::EndStatementWindow(gc::EndReason reason) {
  if (statement_window_ != nullptr) statement_window_->End(reason);
}

SQLULEN Statement::max_varchar() const { return connection_->config().max_varchar; }

absl::Status Statement::RequireConnection() { return connection_->Backend().status(); }

void Statement::ResetCursorState() {
  cursor_.reset();
  rest_.reset();
  columns_ = nullptr;
  batch_.Clear(0);
  row_ = 0;
  next_row_ = 0;
  on_row_ = false;
  exhausted_ = false;
  rows_returned_ = 0;
  gc_result_rows_ = 0;
  count_known_ = false;
  pieces_.Reset();
  pieces_column_ = 0;
  scroll_ = nullptr;
  static_batch_ = nullptr;
  scroll_position_ = RowsetPosition();
  scroll_rowset_rows_ = 0;
  scroll_last_rowset_size_ = 0;
}

absl::Status Statement::Prepare(std::string sql) {
  QF_RETURN_IF_ERROR(RequireConnection());
  if (cursor_ != nullptr) return InvalidCursorState("a cursor is open: close it before SQLPrepare");
  if (state_ == State::kNeedData) return SequenceError("SQLParamData/SQLPutData is in progress");
  ResetCursorState();
  sql_ = std::move(sql);
  prepared_ = true;
  prepared_described_ = false;
  prepared_columns_.clear();
  prepared_parameter_types_.clear();
  param_count_ = -1;
  state_ = State::kPrepared;
  return absl::OkStatus();
}

absl::StatusOr<Outcome> Statement::Execute() {
  QF_RETURN_IF_ERROR(RequireConnection());
  if (state_ == State::kNeedData) return SequenceError("SQLParamData/SQLPutData is in progress");
  if (!prepared_) return SequenceError("SQLExecute needs a statement prepared with SQLPrepare");
  if (cursor_ != nullptr) return InvalidCursorState("a cursor is open: close it before SQLExecute");
  return Run();
}

absl::StatusOr<Outcome> Statement::ExecDirect(std::string sql) {
  QF_RETURN_IF_ERROR(RequireConnection());
  if (state_ == State::kNeedData) return SequenceError("SQLParamData/SQLPutData is in progress");
  if (cursor_ != nullptr) {
    return InvalidCursorState("a cursor is open: close it before SQLExecDirect");
  }
  ResetCursorState();
  sql_ = std::move(sql);
  prepared_ = false;
  prepared_described_ = false;
  prepared_columns_.clear();
  prepared_parameter_types_.clear();
  param_count_ = -1;
  return Run();
}

absl::StatusOr<int> Statement::ParamCount() {
  if (param_count_ < 0) {
    QF_ASSIGN_OR_RETURN(backend::BackendConnection * backend, connection_->Backend());
    param_count_ = backend->CountParameters(sql_);
  }
  return param_count_;
}

absl::StatusOr<Outcome> Statement::Run() {
  // In autocommit mode every statement is its own unit of work, so the next
  // one ends the window the previous bulk result opened.
  if (connection_->autocommit()) connection_->EndUnitWindow(gc::EndReason::kNextStatement);
  size_t sets = apd_->array_size == 0 ? 1 : apd_->array_size;
  if (ipd_.rows_processed_ptr != nullptr) *ipd_.rows_processed_ptr = 0;
  row_count_ = -1;
  if (sets > 1) {
    absl::StatusOr<std::optional<Outcome>> batched = RunBatch(sets);
    if (!batched.ok() || batched->has_value()) {
      if (!batched.ok()) state_ = prepared_ ? State::kPrepared : State::kAllocated;
      if (!batched.ok()) return batched.status();
      return **batched;
    }
  }
  int64_t total_rows = 0;
  bool any_count = false;
  size_t processed = 0;
  for (size_t set = 0; set < sets; ++set) {
    param_set_ = set;
    if (sets > 1 && IgnoredSet(set)) {
      if (ipd_.array_status_ptr != nullptr) ipd_.array_status_ptr[set] = SQL_PARAM_UNUSED;
      continue;
    }
    absl::StatusOr<Outcome> outcome = RunOneParamSet(set);
    processed = set + 1;
    if (ipd_.rows_processed_ptr != nullptr) *ipd_.rows_processed_ptr = processed;
    if (ipd_.array_status_ptr != nullptr) {
      ipd_.array_status_ptr[set] = outcome.ok() ? SQL_PARAM_SUCCESS : SQL_PARAM_ERROR;
    }
    if (!outcome.ok()) {
      state_ = prepared_ ? State::kPrepared : State::kAllocated;
      if (sets == 1) return outcome.status();
      // As psqlODBC does, the sets after a failed one are not run.
      for (size_t rest = set + 1; rest < sets && ipd_.array_status_ptr != nullptr; ++rest) {
        ipd_.array_status_ptr[rest] = SQL_PARAM_UNUSED;
      }
      return SetError(set, outcome.status());
    }
    if (*outcome == Outcome::kNeedData) {
      if (sets > 1) {
        state_ = prepared_ ? State::kPrepared : State::kAllocated;
        return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                        "data-at-execution parameters are not supported with parameter arrays");
      }
      return outcome;
    }
    if (row_count_ >= 0) {
      total_rows += row_count_;
      any_count = true;
    }
    // Only the last parameter set's result stays open.
    if (set + 1 < sets && cursor_ != nullptr) QF_RETURN_IF_ERROR(CloseCursor(false));
  }
  if (sets > 1 && processed == 0) {
    // Every set was ignored: nothing ran.
    state_ = State::kExecuted;
    row_count_ = 0;
    return Outcome::kOk;
  }
  if (sets > 1 && any_count && cursor_ == nullptr) row_count_ = total_rows;
  return FinishedOutcome();
}

bool Statement::IgnoredSet(size_t set) const {
  return apd_->array_status_ptr != nullptr && apd_->array_status_ptr[set] == SQL_PARAM_IGNORE;
}

absl::Status Statement::SetError(size_t set, const absl::Status& status) const {
  return WithRowNumber(
      WithNativeError(SqlError(SqlStateOf(status),
                               absl::StrCat("parameter set ", set + 1, ": ", status.message())),
                      NativeErrorOf(status)),
      static_cast<int64_t>(set + 1));
}

absl::StatusOr<std::optional<Outcome>> Statement::RunBatch(size_t sets) {
  // Collect every set first: the backend sends them all at once.
  std::vector<std::vector<backend::Param>> collected;
  std::vector<size_t> numbers;  // set index of each collected set
  std::vector<absl::Status> collect_errors(sets);
  collected.reserve(sets);
  numbers.reserve(sets);
  for (size_t set = 0; set < sets; ++set) {
    if (IgnoredSet(set)) continue;
    bool needs_data = false;
    absl::Status collected_ok = CollectParams(set, &needs_data);
    if (needs_data) return std::optional<Outcome>();  // the per-set path reports it
    if (!collected_ok.ok()) {
      collect_errors[set] = collected_ok;
      continue;
    }
    collected.push_back(std::move(params_));
    numbers.push_back(set);
  }
  params_.clear();
  QF_ASSIGN_OR_RETURN(backend::BackendConnection * backend, connection_->Backend());
  QF_RETURN_IF_ERROR(connection_->ApplyStatementTimeout(query_timeout_));
  absl::StatusOr<std::vector<backend::BackendConnection::ParamSetResult>> results =
      backend->ExecuteBatch(sql_, collected);
  if (!results.ok()) {
    if (results.status().code() == absl::StatusCode::kUnimplemented &&
        SqlStateOf(results.status()) == "HY000") {
      return std::optional<Outcome>();
    }
    return MapTimeout(results.status(), query_timeout_);
  }
  ResetCursorState();
  state_ = State::kExecuted;
  std::vector<backend::BackendConnection::ParamSetResult> by_set(sets);
  for (size_t i = 0; i < numbers.size() && i < results->size(); ++i) {
    by_set[numbers[i]] = std::move((*results)[i]);
  }
  int64_t total_rows = 0;
  size_t processed = 0;
  absl::Status last_error;
  size_t last_error_set = 0;
  for (size_t set = 0; set < sets; ++set) {
    SQLUSMALLINT status = SQL_PARAM_UNUSED;
    absl::Status error = collect_errors[set];
    if (error.ok()) error = by_set[set].status;
    if (!error.ok()) {
      status = SQL_PARAM_ERROR;
      if (!last_error.ok()) diag().AddError(SetError(last_error_set, last_error));
      last_error = MapTimeout(error, query_timeout_);
      last_error_set = set;
    } else if (by_set[set].ran && !IgnoredSet(set)) {
      status = SQL_PARAM_SUCCESS;
      if (by_set[set].rows_affected > 0) total_rows += by_set[set].rows_affected;
    }
    if (status != SQL_PARAM_UNUSED) processed = set + 1;
    if (ipd_.array_status_ptr != nullptr) ipd_.array_status_ptr[set] = status;
  }
  if (ipd_.rows_processed_ptr != nullptr) *ipd_.rows_processed_ptr = processed;
  row_count_ = total_rows;
  if (!last_error.ok()) {
    state_ = prepared_ ? State::kPrepared : State::kAllocated;
    return SetError(last_error_set, last_error);
  }
  return std::optional<Outcome>(Outcome::kOk);
}

Outcome Statement::FinishedOutcome() const {
  if (cursor_ == nullptr && row_count_ == 0 && IsRowChangingStatement(sql_)) {
    return Outcome::kNoData;
  }
  return Outcome::kOk;
}

absl::StatusOr<std::unique_ptr<backend::Cursor>> Statement::ExecuteOnServer() {
  QF_ASSIGN_OR_RETURN(backend::BackendConnection * backend, connection_->Backend());
  QF_RETURN_IF_ERROR(connection_->ApplyStatementTimeout(query_timeout_));
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor = backend->Execute(sql_, params_);
  if (!cursor.ok()) return MapTimeout(cursor.status(), query_timeout_);
  return cursor;
}

absl::StatusOr<Outcome> Statement::RunOneParamSet(size_t set) {
  bool needs_data = false;
  QF_RETURN_IF_ERROR(CollectParams(set, &needs_data));
  if (needs_data) {
    state_ = State::kNeedData;
    dae_index_ = 0;
    dae_current_ = false;
    return Outcome::kNeedData;
  }
  QF_ASSIGN_OR_RETURN(auto cursor, ExecuteOnServer());
  QF_RETURN_IF_ERROR(StartCursor(std::move(cursor)));
  return Outcome::kOk;
}

absl::Status Statement::CollectParams(size_t set, bool* needs_data) {
  QF_ASSIGN_OR_RETURN(int count, ParamCount());
  params_.clear();
  params_.resize(static_cast<size_t>(count));
  dae_params_.clear();
  for (int i = 1; i <= count; ++i) {
    const DescRecord* app = apd_->Find(static_cast<SQLUSMALLINT>(i));
    const DescRecord* imp = ipd_.Find(static_cast<SQLUSMALLINT>(i));
    if (app == nullptr || !app->bound || imp == nullptr) {
      return SqlError(sqlstate::kWrongNumberOfParameters,
                      absl::StrCat("the statement has ", count, " parameter markers but parameter ",
                                   i, " is not bound (SQLBindParameter)"));
    }
    SQLSMALLINT c_type = ParamCType(*app, *imp);
    SQLLEN element = FixedCTypeSize(c_type);
    if (element == 0) element = app->octet_length;
    size_t data_step = apd_->bind_type == SQL_PARAM_BIND_BY_COLUMN
                           ? set * static_cast<size_t>(element)
                           : set * apd_->bind_type;
    size_t ind_step =
        apd_->bind_type == SQL_PARAM_BIND_BY_COLUMN ? set * sizeof(SQLLEN) : set * apd_->bind_type;
    // Row-wise binding may pack rows so that lengths sit at unaligned
    // addresses (pyodbc's fast_executemany does): copy them out.
    SQLLEN indicator_value = 0;
    SQLLEN octets_value = 0;
    const SQLLEN* indicator =
        ReadLength(Offset(app->indicator_ptr, apd_->bind_offset_ptr, ind_step), &indicator_value);
    const SQLLEN* octets =
        ReadLength(Offset(app->octet_length_ptr, apd_->bind_offset_ptr, ind_step), &octets_value);
    const void* data = Offset(static_cast<char*>(app->data_ptr), apd_->bind_offset_ptr, data_step);
    if (octets != nullptr &&
        (*octets == SQL_DATA_AT_EXEC || *octets <= SQL_LEN_DATA_AT_EXEC_OFFSET)) {
      dae_params_.push_back(static_cast<SQLUSMALLINT>(i));
      continue;
    }
    ParamSource source;
    source.c_type = c_type;
    source.sql_type = imp->concise_type;
    source.column_size = imp->length;
    source.decimal_digits = imp->scale;
    source.buffer = data;
    source.buffer_length = app->octet_length;
    source.octet_length = octets;
    source.indicator = indicator;
    absl::StatusOr<backend::Param> param = ReadParam(source);
    if (!param.ok()) {
      return SqlError(SqlStateOf(param.status()),
                      absl::StrCat("parameter ", i, ": ", param.status().message()));
    }
    params_[static_cast<size_t>(i - 1)] = *std::move(param);
  }
  *needs_data = !dae_params_.empty();
  return absl::OkStatus();
}

absl::StatusOr<Outcome> Statement::ParamData(SQLPOINTER* value) {
  if (state_ != State::kNeedData) {
    return SequenceError("SQLParamData is only valid after SQLExecute returned SQL_NEED_DATA");
  }
  if (dae_current_) {
    // Finish the parameter the application just sent.
    SQLUSMALLINT number = dae_params_[dae_index_];
    const DescRecord* app = apd_->Find(number);
    const DescRecord* imp = ipd_.Find(number);
    SQLSMALLINT c_type = ParamCType(*app, *imp);
    absl::StatusOr<backend::Param> param =
        ReadParamBytes(c_type, imp->concise_type, dae_buffer_, dae_is_null_);
    if (!param.ok()) {
      state_ = prepared_ ? State::kPrepared : State::kAllocated;
      return param.status();
    }
    params_[number - 1] = *std::move(param);
    ++dae_index_;
    dae_current_ = false;
  }
  if (dae_index_ < dae_params_.size()) {
    const DescRecord* app = apd_->Find(dae_params_[dae_index_]);
    if (value != nullptr) *value = app->data_ptr;
    dae_current_ = true;
    dae_put_started_ = false;
    dae_is_null_ = false;
    dae_buffer_.clear();
    return Outcome::kNeedData;
  }
  // Every parameter has its data: run the statement.
  state_ = prepared_ ? State::kPrepared : State::kAllocated;
  QF_ASSIGN_OR_RETURN(auto cursor, ExecuteOnServer());
  QF_RETURN_IF_ERROR(StartCursor(std::move(cursor)));
  if (ipd_.rows_processed_ptr != nullptr) *ipd_.rows_processed_ptr = 1;
  if (ipd_.array_status_ptr != nullptr) ipd_.array_status_ptr[0] = SQL_PARAM_SUCCESS;
  return FinishedOutcome();
}

absl::Status Statement::PutData(SQLPOINTER data, SQLLEN length) {
  if (state_ != State::kNeedData || !dae_current_) {
    return SequenceError("SQLPutData must follow an SQLParamData that returned SQL_NEED_DATA");
  }
  const DescRecord* app = apd_->Find(dae_params_[dae_index_]);
  const DescRecord* imp = ipd_.Find(dae_params_[dae_index_]);
  SQLSMALLINT c_type = ParamCType(*app, *imp);
  if (length == SQL_NULL_DATA) {
    if (dae_put_started_) {
      return SequenceError("SQL_NULL_DATA after data was already sent for this parameter");
    }
    dae_is_null_ = true;
    dae_put_started_ = true;
    return absl::OkStatus();
  }
  if (dae_is_null_) return SequenceError("data sent after SQL_NULL_DATA for this parameter");
  if (data == nullptr && length != 0) {
    return SqlError(sqlstate::kInvalidNullPointer, "SQLPutData: null data with a non-zero length");
  }
  SQLLEN fixed = FixedCTypeSize(c_type);
  if (fixed > 0) {
    if (dae_put_started_) {
      return SqlError(sqlstate::kGeneralError,
                      "a fixed-size parameter cannot be sent in several SQLPutData calls");
    }
    length = fixed;
  } else if (length == SQL_NTS) {
    if (c_type == SQL_C_WCHAR) {
      length = static_cast<SQLLEN>(Utf16Length(static_cast<const char16_t*>(data)) * 2);
    } else {
      length = static_cast<SQLLEN>(std::strlen(static_cast<const char*>(data)));
    }
  } else if (length < 0) {
    return SqlError(sqlstate::kInvalidBufferLength,
                    "SQLPutData length must be non-negative, SQL_NTS or SQL_NULL_DATA");
  }
  if (length > 0) dae_buffer_.append(static_cast<const char*>(data), static_cast<size_t>(length));
  dae_put_started_ = true;
  return absl::OkStatus();
}

absl::Status Statement::Cancel() {
  if (state_ == State::kNeedData) {
    state_ = prepared_ ? State::kPrepared : State::kAllocated;
    return absl::OkStatus();
  }
  backend::BackendConnection* backend = connection_->backend_or_null();
  if (backend == nullptr) return absl::OkStatus();
  return backend->Cancel();
}

absl::Status Statement::StartCursor(std::unique_ptr<backend::Cursor> cursor, bool later_result) {
  ResetCursorState();
  state_ = State::kExecuted;
  if (cursor->columns().empty()) {
    // No result set: run the statement to completion for its row count.
    QF_RETURN_IF_ERROR(
        MapTimeout(backend::DrainCursor(*cursor, connection_->config().limits), query_timeout_));
    row_count_ = cursor->rows_affected();
    // Text with several statements may have further results.
    rest_ = std::move(cursor);
    return absl::OkStatus();
  }
  if (!later_result && IsRowChangingStatement(sql_)) {
    // DML ... RETURNING: applications read SQLRowCount right after execute.
    auto buffered = BufferedResult::ReadAll(std::move(cursor), connection_->config().limits);
    if (!buffered.ok()) return MapTimeout(buffered.status(), query_timeout_);
    cursor = std::move(*buffered);
    count_known_ = true;
  }
  cursor_ = std::move(cursor);
  columns_ = &cursor_->columns();
  batch_.Clear(columns_->size());
  row_count_ = -1;
  if (cursor_type_ != SQL_CURSOR_FORWARD_ONLY) return OpenStaticCursor();
  return absl::OkStatus();
}

absl::Status Statement::OpenLocalResult(std::unique_ptr<backend::Cursor> cursor) {
  if (cursor_ != nullptr) return InvalidCursorState("a cursor is open: close it first");
  if (state_ == State::kNeedData) return SequenceError("SQLParamData/SQLPutData is in progress");
  sql_.clear();
  prepared_ = false;
  return StartCursor(std::move(cursor));
}

absl::Status Statement::ExecuteCatalog(std::string sql, std::vector<backend::Param> params,
                                       const CursorWrapper& wrap) {
  QF_RETURN_IF_ERROR(RequireConnection());
  if (state_ == State::kNeedData) return SequenceError("SQLParamData/SQLPutData is in progress");
  if (cursor_ != nullptr) return InvalidCursorState("a cursor is open: close it first");
  // A catalog call is a statement of its own, like SQLExecDirect (Run()).
  if (connection_->autocommit()) connection_->EndUnitWindow(gc::EndReason::kNextStatement);
  ResetCursorState();
  sql_ = std::move(sql);
  params_ = std::move(params);
  prepared_ = false;
  prepared_described_ = false;
  prepared_columns_.clear();
  prepared_parameter_types_.clear();
  param_count_ = -1;
  row_count_ = -1;
  absl::StatusOr<std::unique_ptr<backend::Cursor>> cursor = ExecuteOnServer();
  absl::Status status = cursor.status();
  if (status.ok()) status = StartCursor(wrap ? wrap(*std::move(cursor)) : *std::move(cursor));
  // The query is the driver's, not the application's: SQLNumParams and
  // SQLExecute must not see it.
  sql_.clear();
  params_.clear();
  if (!status.ok()) state_ = State::kAllocated;
  return status;
}

absl::StatusOr<SQLSMALLINT> Statement::NumParams() {
  if (state_ == State::kAllocated && sql_.empty()) {
    return SequenceError("SQLNumParams needs a prepared or executed statement");
  }
  QF_ASSIGN_OR_RETURN(int count, ParamCount());
  return static_cast<SQLSMALLINT>(count);
}

absl::StatusOr<backend::ColumnInfo> Statement::DescribeParam(SQLUSMALLINT number) {
  if (sql_.empty()) return SequenceError("SQLDescribeParam needs a prepared statement");
  QF_ASSIGN_OR_RETURN(int count, ParamCount());
  if (number == 0 || number > count) {
    return SqlError(sqlstate::kInvalidDescriptorIndex,
                    absl::StrCat("parameter ", number, " does not exist: the statement has ", count,
                                 " parameter marker(s)"));
  }
  if (!prepared_described_) {
    QF_ASSIGN_OR_RETURN(backend::BackendConnection * backend, connection_->Backend());
    QF_ASSIGN_OR_RETURN(backend::StatementDescription description, backend->Describe(sql_));
    // Keep the description only for a prepared statement: an executed one
    // reports its columns from the open result.
    if (state_ == State::kPrepared) prepared_columns_ = std::move(description.columns);
    prepared_parameter_types_ = std::move(description.parameter_types);
    prepared_described_ = state_ == State::kPrepared;
  }
  backend::ColumnInfo param;
  param.type = number <= prepared_parameter_types_.size() ? prepared_parameter_types_[number - 1]
                                                          : backend::LogicalType::kUnknown;
  return param;
}

absl::StatusOr<const std::vector<backend::ColumnInfo>*> Statement::ResultColumns() {
  if (state_ == State::kExecuted) {
    static const std::vector<backend::ColumnInfo> kNone;
    return columns_ != nullptr ? columns_ : &kNone;
  }
  if (state_ == State::kPrepared) {
    if (!prepared_described_) {
      QF_ASSIGN_OR_RETURN(backend::BackendConnection * backend, connection_->Backend());
      QF_ASSIGN_OR_RETURN(backend::StatementDescription description, backend->Describe(sql_));
      prepared_columns_ = std::move(description.columns);
      prepared_parameter_types_ = std::move(description.parameter_types);
      prepared_described_ = true;
    }
    return &prepared_columns_;
  }
  if (state_ == State::kNeedData) return SequenceError("SQLParamData/SQLPutData is in progress");
  return SequenceError("no statement has been prepared or executed");
}

absl::StatusOr<SQLSMALLINT> Statement::NumResultCols() {
  QF_ASSIGN_OR_RETURN(const auto* columns, ResultColumns());
  return static_cast<SQLSMALLINT>(columns->size());
}

absl::StatusOr<const backend::ColumnInfo*> Statement::Column(SQLUSMALLINT number) {
  QF_ASSIGN_OR_RETURN(const auto* columns, ResultColumns());
  if (number == 0) {
    return SqlError(sqlstate::kInvalidDescriptorIndex,
                    "column 0 is the bookmark column, and bookmarks are not enabled");
  }
  if (number > columns->size()) {
    return SqlError(sqlstate::kInvalidDescriptorIndex,
                    absl::StrCat("column ", number, " does not exist: the result has ",
                                 columns->size(), " column(s)"));
  }
  return &(*columns)[number - 1];
}

absl::StatusOr<SQLLEN> Statement::RowCount() {
  if (state_ != State::kExecuted) {
    return SequenceError("SQLRowCount needs an executed statement");
  }
  if (cursor_ != nullptr) {
    return exhausted_ || count_known_ ? cursor_->rows_affected() : SQLLEN{-1};
  }
  return row_count_;
}

absl::Status Statement::BindCol(SQLUSMALLINT column, SQLSMALLINT c_type, SQLPOINTER value,
                                SQLLEN buffer_length, SQLLEN* indicator) {
  if (state_ == State::kNeedData) return SequenceError("SQLParamData/SQLPutData is in progress");
  if (column == 0) {
    return SqlError(sqlstate::kInvalidDescriptorIndex,
                    "column 0 is the bookmark column, and bookmarks are not enabled");
  }
  if (value == nullptr && indicator == nullptr) {
    ard_->Unbind(column);
    return absl::OkStatus();
  }
  if (!IsKnownCType(c_type) || c_type == SQL_ARD_TYPE) {
    return SqlError(sqlstate::kInvalidCType, absl::StrCat("unknown C type ", c_type));
  }
  if (buffer_length < 0) {
    return SqlError(sqlstate::kInvalidBufferLength, "buffer length must not be negative");
  }
  if (columns_ != nullptr && column > columns_->size()) {
    return SqlError(sqlstate::kInvalidDescriptorIndex,
                    absl::StrCat("column ", column, " does not exist: the result has ",
                                 columns_->size(), " column(s)"));
  }
  DescRecord& record = ard_->Record(column);
  record.concise_type = c_type;
  record.data_ptr = value;
  record.octet_length = buffer_length;
  record.indicator_ptr = indicator;
  record.octet_length_ptr = indicator;
  record.bound = true;
  return absl::OkStatus();
}

absl::Status Statement::BindParameter(SQLUSMALLINT number, SQLSMALLINT io_type, SQLSMALLINT c_type,
                                      SQLSMALLINT sql_type, SQLULEN column_size, SQLSMALLINT digits,
                                      SQLPOINTER value, SQLLEN buffer_length, SQLLEN* indicator) {
  if (state_ == State::kNeedData) return SequenceError("SQLParamData/SQLPutData is in progress");
  if (number == 0) {
    return SqlError(sqlstate::kInvalidDescriptorIndex, "parameters are numbered from 1");
  }
  if (io_type != SQL_PARAM_INPUT) {
    if (io_type == SQL_PARAM_OUTPUT || io_type == SQL_PARAM_INPUT_OUTPUT) {
      return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                      "output parameters are not supported yet");
    }
    return SqlError(sqlstate::kInvalidParameterType, "invalid parameter type (InputOutputType)");
  }
  if (!IsKnownCType(c_type) || c_type == SQL_ARD_TYPE) {
    return SqlError(sqlstate::kInvalidCType, absl::StrCat("unknown C type ", c_type));
  }
  if (!IsKnownSqlType(sql_type)) {
    return SqlError(sqlstate::kInvalidSqlType, absl::StrCat("unknown SQL type ", sql_type));
  }
  if (buffer_length < 0) {
    return SqlError(sqlstate::kInvalidBufferLength, "buffer length must not be negative");
  }
  DescRecord& app = apd_->Record(number);
  app.concise_type = c_type;
  app.data_ptr = value;
  app.octet_length = buffer_length;
  app.octet_length_ptr = indicator;
  app.indicator_ptr = indicator;
  app.bound = true;
  DescRecord& imp = ipd_.Record(number);
  imp.concise_type = sql_type;
  imp.length = column_size;
  imp.scale = digits;
  imp.precision = static_cast<SQLSMALLINT>(column_size);
  imp.parameter_type = io_type;
  imp.bound = true;
  return absl::OkStatus();
}

absl::StatusOr<bool> Statement::NextRow() {
  while (next_row_ >= batch_.num_rows()) {
    if (exhausted_) {
      on_row_ = false;
      return false;
    }
    on_row_ = false;
    batch_.Clear(columns_->size());
    next_row_ = 0;
    absl::StatusOr<bool> more = cursor_->Fill(batch_, connection_->config().limits);
    if (!more.ok()) {
      batch_.Clear(columns_->size());
      return MapTimeout(more.status(), query_timeout_);
    }
    exhausted_ = !*more;
    CountFetchedRows(static_cast<int64_t>(batch_.num_rows()));
  }
  row_ = next_row_++;
  on_row_ = true;
  return true;
}

absl::StatusOr<Outcome> Statement::Fetch(SQLSMALLINT orientation, SQLLEN offset) {
  if (state_ == State::kNeedData) return SequenceError("SQLParamData/SQLPutData is in progress");
  if (cursor_ == nullptr) {
    if (state_ == State::kExecuted) {
      return InvalidCursorState("the statement did not produce a result set");
    }
    return SequenceError("no result set: execute a query before fetching");
  }
  if (scroll_ != nullptr) {
    QF_RETURN_IF_ERROR(CheckScrollOrientation(orientation));
  } else if (orientation != SQL_FETCH_NEXT) {
    return SqlError(sqlstate::kFetchTypeOutOfRange,
                    "the cursor is forward-only: only SQL_FETCH_NEXT is supported (set "
                    "SQL_ATTR_CURSOR_SCROLLABLE to SQL_SCROLLABLE before executing to scroll)");
  }
  pieces_.Reset();
  pieces_column_ = 0;
  const size_t array_size = ard_->array_size == 0 ? 1 : ard_->array_size;
  SQLUSMALLINT* status = ird_.array_status_ptr;
  size_t fetched = 0;
  bool row_errors = false;

  // Resolve the bound columns once per rowset.
  bound_.clear();
  SQLSMALLINT bound_count = ard_->Count();
  for (SQLSMALLINT c = 1; c <= bound_count; ++c) {
    const DescRecord* record = ard_->Find(static_cast<SQLUSMALLINT>(c));
    if (record == nullptr || !record->bound) continue;
    if (static_cast<size_t>(c) > columns_->size()) {
      return SqlError(sqlstate::kInvalidDescriptorIndex,
                      absl::StrCat("column ", c, " is bound but the result has only ",
                                   columns_->size(), " column(s)"));
    }
    BoundColumn bound;
    bound.index = static_cast<size_t>(c - 1);
    bound.type = (*columns_)[bound.index].type;
    bound.c_type =
        record->concise_type == SQL_C_DEFAULT ? DefaultCType(bound.type) : record->concise_type;
    bound.record = record;
    SQLLEN fixed = FixedCTypeSize(bound.c_type);
    bound.element_size =
        fixed > 0 ? static_cast<size_t>(fixed) : static_cast<size_t>(record->octet_length);
    bound_.push_back(bound);
  }
  if (scroll_ != nullptr) return FetchStatic(orientation, offset, array_size);

  for (size_t i = 0; i < array_size; ++i) {
    if (max_rows_ > 0 && rows_returned_ >= max_rows_) {
      on_row_ = false;
      break;
    }
    absl::StatusOr<bool> has_row = NextRow();
    if (!has_row.ok()) {
      if (fetched == 0) return has_row.status();
      diag().AddError(has_row.status());
      row_errors = true;
      break;
    }
    if (!*has_row) break;
    ++rows_returned_;
    absl::Status row_error;
    SQLUSMALLINT row_status = WriteBoundRow(batch_, row_, i, &row_error);
    if (row_status == SQL_ROW_ERROR) {
      // A single-row fetch whose row failed is an error; in a rowset the row
      // is marked and the error becomes a diagnostic record.
      if (array_size == 1) {
        if (status != nullptr) status[0] = SQL_ROW_ERROR;
        if (ird_.rows_processed_ptr != nullptr) *ird_.rows_processed_ptr = 1;
        return row_error;
      }
      diag().AddError(row_error);
      row_errors = true;
    }
    if (status != nullptr) status[i] = row_status;
    ++fetched;
  }
  if (ird_.rows_processed_ptr != nullptr) *ird_.rows_processed_ptr = fetched;
  if (status != nullptr) {
    for (size_t i = fetched; i < array_size; ++i) status[i] = SQL_ROW_NOROW;
  }
  if (fetched == 0) {
    if (exhausted_ && cursor_ != nullptr) row_count_ = cursor_->rows_affected();
    return row_errors ? absl::StatusOr<Outcome>(Outcome::kOk) : Outcome::kNoData;
  }
  // With array fetches, keep the last row current for SQLGetData only if the
  // rowset is a single row (SQL_GD_BLOCK is not supported).
  if (array_size > 1) on_row_ = false;
  return Outcome::kOk;
}

SQLUSMALLINT Statement::WriteBoundRow(const rowstore::RowBatch& batch, size_t row,
                                      size_t rowset_index, absl::Status* row_error) {
  SQLUSMALLINT row_status = SQL_ROW_SUCCESS;
  const bool by_column = ard_->bind_type == SQL_BIND_BY_COLUMN;
  for (const BoundColumn& bound : bound_) {
    const DescRecord& record = *bound.record;
    size_t data_step =
        by_column ? rowset_index * bound.element_size : rowset_index * ard_->bind_type;
    size_t ind_step = by_column ? rowset_index * sizeof(SQLLEN) : rowset_index * ard_->bind_type;
    CellTarget target;
    target.c_type = bound.c_type;
    target.buffer = Offset(static_cast<char*>(record.data_ptr), ard_->bind_offset_ptr, data_step);
    target.buffer_length = record.octet_length;
    target.length = Offset(record.octet_length_ptr, ard_->bind_offset_ptr, ind_step);
    target.indicator = Offset(record.indicator_ptr, ard_->bind_offset_ptr, ind_step);
    target.precision = record.precision;
    target.scale = record.scale;
    absl::StatusOr<ConvertOutcome> outcome =
        WriteCell(batch.at(row, bound.index), bound.type, target, nullptr);
    if (!outcome.ok()) {
      if (row_error->ok()) *row_error = outcome.status();
      row_status = SQL_ROW_ERROR;
      continue;
    }
    if (*outcome == ConvertOutcome::kTruncated) {
      diag().AddWarning(
          sqlstate::kStringTruncated,
          absl::StrCat("string data, right truncated (column ", bound.index + 1, ")"));
      if (row_status == SQL_ROW_SUCCESS) row_status = SQL_ROW_SUCCESS_WITH_INFO;
    } else if (*outcome == ConvertOutcome::kFractionalTruncation) {
      diag().AddWarning(sqlstate::kFractionalTruncation,
                        absl::StrCat("fractional truncation (column ", bound.index + 1, ")"));
      if (row_status == SQL_ROW_SUCCESS) row_status = SQL_ROW_SUCCESS_WITH_INFO;
    }
  }
  return row_status;
}

absl::Status Statement::OpenStaticCursor() {
  absl::StatusOr<std::unique_ptr<ScrollCursor>> held =
      ScrollCursor::ReadAll(std::move(cursor_), connection_->config().limits, max_rows_,
                            [this](int64_t rows) { CountFetchedRows(rows); });
  if (!held.ok()) {
    ResetCursorState();
    return MapTimeout(held.status(), query_timeout_);
  }
  scroll_ = held->get();
  cursor_ = *std::move(held);
  columns_ = &cursor_->columns();
  count_known_ = true;
  return absl::OkStatus();
}

void Statement::PositionOnRow(int64_t number) {
  auto [batch, row] = scroll_->Row(number);
  static_batch_ = batch;
  row_ = row;
  rows_returned_ = static_cast<SQLULEN>(number);  // SQL_ATTR_ROW_NUMBER
  on_row_ = true;
  pieces_.Reset();
  pieces_column_ = 0;
}

absl::StatusOr<Outcome> Statement::FetchStatic(SQLSMALLINT orientation, SQLLEN offset,
                                               size_t array_size) {
  SQLUSMALLINT* status = ird_.array_status_ptr;
  const int64_t rows = scroll_->row_count();
  ScrollMove move =
      MoveRowset(scroll_position_, orientation, offset, array_size, scroll_last_rowset_size_, rows);
  scroll_position_ = move.position;
  scroll_last_rowset_size_ = array_size;
  const size_t fetched = RowsInRowset(scroll_position_, array_size, rows);
  scroll_rowset_rows_ = fetched;
  if (fetched == 0) {
    on_row_ = false;
    static_batch_ = nullptr;
    if (ird_.rows_processed_ptr != nullptr) *ird_.rows_processed_ptr = 0;
    if (status != nullptr) {
      for (size_t i = 0; i < array_size; ++i) status[i] = SQL_ROW_NOROW;
    }
    return Outcome::kNoData;
  }
  if (move.clamped_to_first) {
    diag().AddWarning("01S06",
                      "attempt to fetch before the result set returned the first rowset: the "
                      "first rowset was returned");
  }
  for (size_t i = 0; i < fetched; ++i) {
    auto [batch, row] = scroll_->Row(scroll_position_.start + static_cast<int64_t>(i));
    absl::Status row_error;
    SQLUSMALLINT row_status = WriteBoundRow(*batch, row, i, &row_error);
    if (row_status == SQL_ROW_ERROR) {
      if (array_size == 1) {
        PositionOnRow(scroll_position_.start);
        if (status != nullptr) status[0] = SQL_ROW_ERROR;
        if (ird_.rows_processed_ptr != nullptr) *ird_.rows_processed_ptr = 1;
        return row_error;
      }
      diag().AddError(row_error);
    }
    if (status != nullptr) status[i] = row_status;
  }
  if (ird_.rows_processed_ptr != nullptr) *ird_.rows_processed_ptr = fetched;
  if (status != nullptr) {
    for (size_t i = fetched; i < array_size; ++i) status[i] = SQL_ROW_NOROW;
  }
  // The cursor is on the first row of the rowset until SQLSetPos moves it.
  PositionOnRow(scroll_position_.start);
  return Outcome::kOk;
}

absl::Status Statement::SetPos(SQLSETPOSIROW row, SQLUSMALLINT operation, SQLUSMALLINT lock_type) {
  switch (operation) {
    case SQL_POSITION:
      break;
    case SQL_REFRESH:
      return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                      "SQLSetPos(SQL_REFRESH) is not supported: static cursors hold the result "
                      "as it was when the statement ran; execute it again to refresh");
    case SQL_UPDATE:
    case SQL_DELETE:
    case SQL_ADD:
      return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                      "SQLSetPos cannot change rows: cursors are read-only "
                      "(SQL_CONCUR_READ_ONLY); use UPDATE, DELETE or INSERT statements");
    default:
      return SqlError(sqlstate::kInvalidAttributeIdentifier,
                      absl::StrCat("invalid SQLSetPos operation ", operation));
  }
  switch (lock_type) {
    case SQL_LOCK_NO_CHANGE:
      break;
    case SQL_LOCK_EXCLUSIVE:
    case SQL_LOCK_UNLOCK:
      return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                      "SQLSetPos row locks are not supported: use SQL_LOCK_NO_CHANGE");
    default:
      return SqlError(sqlstate::kInvalidAttributeIdentifier,
                      absl::StrCat("invalid SQLSetPos lock type ", lock_type));
  }
  if (state_ == State::kNeedData) return SequenceError("SQLParamData/SQLPutData is in progress");
  if (cursor_ == nullptr) {
    if (state_ == State::kExecuted) {
      return InvalidCursorState("the statement did not produce a result set");
    }
    return SequenceError("no result set: execute a query and fetch a rowset first");
  }
  if (scroll_ == nullptr) {
    return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                    "SQLSetPos needs a static cursor: set SQL_ATTR_CURSOR_SCROLLABLE to "
                    "SQL_SCROLLABLE (or SQL_ATTR_CURSOR_TYPE to SQL_CURSOR_STATIC) before "
                    "executing");
  }
  if (!scroll_position_.on_rowset() || scroll_rowset_rows_ == 0) {
    return InvalidCursorState("no rowset: the cursor is before the first or after the last row");
  }
  if (row == 0) {
    return SqlError("HY109",
                    "SQLSetPos(SQL_POSITION) needs a row number from 1 to the rows in "
                    "the rowset; 0 (every row) does not name one row");
  }
  if (row > scroll_rowset_rows_) {
    return SqlError("HY107", absl::StrCat("row ", row, " is not in the rowset, which has ",
                                          scroll_rowset_rows_, " row(s)"));
  }
  PositionOnRow(scroll_position_.start + static_cast<int64_t>(row) - 1);
  return absl::OkStatus();
}

absl::StatusOr<Outcome> Statement::ExtendedFetch(SQLUSMALLINT orientation, SQLLEN offset,
                                                 SQLULEN* row_count, SQLUSMALLINT* row_status) {
  // SQLExtendedFetch reports through its own arguments, not the statement
  // attributes: lend them to the IRD for this one call.
  SQLULEN* saved_count = std::exchange(ird_.rows_processed_ptr, row_count);
  SQLUSMALLINT* saved_status = std::exchange(ird_.array_status_ptr, row_status);
  absl::StatusOr<Outcome> outcome = Fetch(static_cast<SQLSMALLINT>(orientation), offset);
  ird_.rows_processed_ptr = saved_count;
  ird_.array_status_ptr = saved_status;
  return outcome;
}

absl::StatusOr<Outcome> Statement::GetData(SQLUSMALLINT column, SQLSMALLINT c_type,
                                           SQLPOINTER value, SQLLEN buffer_length,
                                           SQLLEN* indicator) {
  if (state_ == State::kNeedData) return SequenceError("SQLParamData/SQLPutData is in progress");
  if (cursor_ == nullptr) {
    if (state_ == State::kExecuted) {
      return InvalidCursorState("the statement did not produce a result set");
    }
    return SequenceError("no result set: execute a query and fetch a row first");
  }
  if (!on_row_) {
    if (ard_->array_size > 1) {
      return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                      "SQLGetData is not supported with a row array size above 1");
    }
    return InvalidCursorState("no current row: call SQLFetch first");
  }
  if (column == 0) {
    return SqlError(sqlstate::kInvalidDescriptorIndex,
                    "column 0 is the bookmark column, and bookmarks are not enabled");
  }
  if (column > columns_->size()) {
    return SqlError(sqlstate::kInvalidDescriptorIndex,
                    absl::StrCat("column ", column, " does not exist: the result has ",
                                 columns_->size(), " column(s)"));
  }
  const backend::LogicalType type = (*columns_)[column - 1].type;
  SQLSMALLINT precision = 0;
  SQLSMALLINT scale = 0;
  if (c_type == SQL_ARD_TYPE) {
    const DescRecord* record = ard_->Find(column);
    // The record need not be bound: SQLSetDescField of its type fields alone
    // is the documented way to ask for, say, SQL_C_NUMERIC with a scale.
    if (record == nullptr) {
      return SqlError(sqlstate::kInvalidDescriptorIndex,
                      "SQL_ARD_TYPE needs the column's type in the ARD (set or bind it first)");
    }
    c_type = record->concise_type;
    precision = record->precision;
    scale = record->scale;
  }
  if (c_type == SQL_C_DEFAULT) c_type = DefaultCType(type);
  if (!IsKnownCType(c_type)) {
    return SqlError(sqlstate::kInvalidCType, absl::StrCat("unknown C type ", c_type));
  }
  if (column != pieces_column_) {
    pieces_.Reset();
    pieces_column_ = column;
  }
  CellTarget target;
  target.c_type = c_type;
  target.buffer = value;
  target.buffer_length = buffer_length;
  target.length = indicator;
  target.indicator = indicator;
  target.precision = precision;
  target.scale = scale;
  const rowstore::RowBatch& batch = static_batch_ != nullptr ? *static_batch_ : batch_;
  QF_ASSIGN_OR_RETURN(ConvertOutcome outcome,
                      WriteCell(batch.at(row_, column - 1), type, target, &pieces_));
  switch (outcome) {
    case ConvertOutcome::kOk:
      return Outcome::kOk;
    case ConvertOutcome::kTruncated:
      diag().AddWarning(sqlstate::kStringTruncated, "string data, right truncated");
      return Outcome::kOk;
    case ConvertOutcome::kFractionalTruncation:
      diag().AddWarning(sqlstate::kFractionalTruncation, "fractional truncation");
      return Outcome::kOk;
    case ConvertOutcome::kNoData:
      return Outcome::kNoData;
  }
  return Outcome::kOk;
}

absl::Status Statement::CloseCursor(bool must_be_open) {
  if (state_ == State::kNeedData) {
    state_ = prepared_ ? State::kPrepared : State::kAllocated;
    return absl::OkStatus();
  }
  if (cursor_ == nullptr) {
    if (must_be_open) return InvalidCursorState("no cursor is open");
    if (rest_ != nullptr) {
      // The rest of a multi-statement batch is discarded.
      (void)rest_->Close();
      rest_.reset();
    }
    if (state_ == State::kExecuted) state_ = prepared_ ? State::kPrepared : State::kAllocated;
    return absl::OkStatus();
  }
  absl::Status closed = cursor_->Close();
  ResetCursorState();
  EndStatementWindow(gc::EndReason::kStatementClosed);
  state_ = prepared_ ? State::kPrepared : State::kAllocated;
  // A failure to cancel the rest of a result leaves nothing for the
  // application to act on, except a dead connection, which the next call
  // reports anyway.
  (void)closed;
  return absl::OkStatus();
}

absl::StatusOr<Outcome> Statement::MoreResults() {
  if (state_ == State::kNeedData) return SequenceError("SQLParamData/SQLPutData is in progress");
  if (state_ != State::kExecuted) return Outcome::kNoData;
  std::unique_ptr<backend::Cursor> source =
      cursor_ != nullptr ? std::move(cursor_) : std::move(rest_);
  if (source == nullptr) {
    QF_RETURN_IF_ERROR(CloseCursor(false));
    return Outcome::kNoData;
  }
  ResetCursorState();
  EndStatementWindow(gc::EndReason::kStatementClosed);
  absl::StatusOr<bool> next = source->NextResult();
  if (!next.ok() || !*next) {
    (void)source->Close();
    state_ = prepared_ ? State::kPrepared : State::kAllocated;
    if (!next.ok()) return MapTimeout(next.status(), query_timeout_);
    return Outcome::kNoData;
  }
  absl::Status started = StartCursor(std::move(source), /*later_result=*/true);
  if (!started.ok()) {
    state_ = prepared_ ? State::kPrepared : State::kAllocated;
    return started;
  }
  return Outcome::kOk;
}

absl::Status Statement::FreeStmt(SQLUSMALLINT option) {
  switch (option) {
    case SQL_CLOSE:
      return CloseCursor(false);
    case SQL_UNBIND:
      ard_->Clear();
      return absl::OkStatus();
    case SQL_RESET_PARAMS:
      apd_->Clear();
      ipd_.Clear();
      return absl::OkStatus();
    default:
      return SqlError(sqlstate::kInvalidAttributeIdentifier,
                      absl::StrCat("invalid SQLFreeStmt option ", option));
  }
}

absl::Status Statement::SetAttribute(SQLINTEGER attribute, SQLPOINTER value, SQLINTEGER) {
  SQLULEN number = AsULen(value);
  switch (attribute) {
    case SQL_ATTR_ROW_ARRAY_SIZE:
    case SQL_ROWSET_SIZE:
      if (number == 0) {
        return SqlError(sqlstate::kInvalidAttributeValue, "the row array size must be at least 1");
      }
      ard_->array_size = number;
      return absl::OkStatus();
    case SQL_ATTR_ROW_BIND_TYPE:
      ard_->bind_type = number;
      return absl::OkStatus();
    case SQL_ATTR_ROW_BIND_OFFSET_PTR:
      ard_->bind_offset_ptr = static_cast<SQLLEN*>(value);
      return absl::OkStatus();
    case SQL_ATTR_ROW_STATUS_PTR:
      ird_.array_status_ptr = static_cast<SQLUSMALLINT*>(value);
      return absl::OkStatus();
    case SQL_ATTR_ROWS_FETCHED_PTR:
      ird_.rows_processed_ptr = static_cast<SQLULEN*>(value);
      return absl::OkStatus();
    case SQL_ATTR_ROW_OPERATION_PTR:
      ard_->array_status_ptr = static_cast<SQLUSMALLINT*>(value);
      return absl::OkStatus();
    case SQL_ATTR_PARAMSET_SIZE:
      if (number == 0) {
        return SqlError(sqlstate::kInvalidAttributeValue,
                        "the parameter set size must be at least 1");
      }
      apd_->array_size = number;
      return absl::OkStatus();
    case SQL_ATTR_PARAM_BIND_TYPE:
      apd_->bind_type = number;
      return absl::OkStatus();
    case SQL_ATTR_PARAM_BIND_OFFSET_PTR:
      apd_->bind_offset_ptr = static_cast<SQLLEN*>(value);
      return absl::OkStatus();
    case SQL_ATTR_PARAM_STATUS_PTR:
      ipd_.array_status_ptr = static_cast<SQLUSMALLINT*>(value);
      return absl::OkStatus();
    case SQL_ATTR_PARAMS_PROCESSED_PTR:
      ipd_.rows_processed_ptr = static_cast<SQLULEN*>(value);
      return absl::OkStatus();
    case SQL_ATTR_PARAM_OPERATION_PTR:
      apd_->array_status_ptr = static_cast<SQLUSMALLINT*>(value);
      return absl::OkStatus();
    case SQL_ATTR_CURSOR_TYPE:
      if (cursor_ != nullptr) {
        return InvalidCursorState("the cursor type cannot change while a cursor is open");
      }
      switch (number) {
        case SQL_CURSOR_FORWARD_ONLY:
        case SQL_CURSOR_STATIC:
          cursor_type_ = number;
          return absl::OkStatus();
        case SQL_CURSOR_KEYSET_DRIVEN:
        case SQL_CURSOR_DYNAMIC:
          cursor_type_ = SQL_CURSOR_STATIC;
          diag().AddWarning(sqlstate::kOptionValueChanged,
                            "keyset-driven and dynamic cursors are not supported; "
                            "SQL_ATTR_CURSOR_TYPE is SQL_CURSOR_STATIC (scrollable, insensitive)");
          return absl::OkStatus();
        default:
          return SqlError(sqlstate::kInvalidAttributeValue,
                          absl::StrCat("invalid SQL_ATTR_CURSOR_TYPE ", number));
      }
    case SQL_ATTR_CONCURRENCY:
      if (number != SQL_CONCUR_READ_ONLY) {
        diag().AddWarning(sqlstate::kOptionValueChanged,
                          "only read-only cursors are supported; SQL_ATTR_CONCURRENCY stays "
                          "SQL_CONCUR_READ_ONLY");
      }
      return absl::OkStatus();
    case SQL_ATTR_CURSOR_SCROLLABLE:
      if (cursor_ != nullptr) {
        return InvalidCursorState("scrollability cannot change while a cursor is open");
      }
      if (number == SQL_NONSCROLLABLE) {
        cursor_type_ = SQL_CURSOR_FORWARD_ONLY;
      } else if (number == SQL_SCROLLABLE) {
        // The one scrollable cursor type there is.
        cursor_type_ = SQL_CURSOR_STATIC;
      } else {
        return SqlError(sqlstate::kInvalidAttributeValue,
                        absl::StrCat("invalid SQL_ATTR_CURSOR_SCROLLABLE ", number));
      }
      return absl::OkStatus();
    case SQL_ATTR_CURSOR_SENSITIVITY:
      // Both cursor types are insensitive: a forward-only result streams
      // from one snapshot, a static one is held. So the cursor type stays.
      if (number == SQL_SENSITIVE) {
        return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                        "sensitive cursors are not supported: cursors are insensitive");
      }
      if (number != SQL_UNSPECIFIED && number != SQL_INSENSITIVE) {
        return SqlError(sqlstate::kInvalidAttributeValue,
                        absl::StrCat("invalid SQL_ATTR_CURSOR_SENSITIVITY ", number));
      }
      return absl::OkStatus();
    case SQL_ATTR_QUERY_TIMEOUT:
      query_timeout_ = number;
      return absl::OkStatus();
    case SQL_ATTR_MAX_ROWS:
      max_rows_ = number;
      return absl::OkStatus();
    case SQL_ATTR_MAX_LENGTH:
      if (number != 0) {
        diag().AddWarning(sqlstate::kOptionValueChanged,
                          "SQL_ATTR_MAX_LENGTH is not supported and stays 0 (no limit)");
      }
      return absl::OkStatus();
    case SQL_ATTR_NOSCAN:
      noscan_ = number;
      return absl::OkStatus();
    case SQL_ATTR_RETRIEVE_DATA:
      retrieve_data_ = number;
      return absl::OkStatus();
    case SQL_ATTR_METADATA_ID:
      metadata_id_ = number;
      return absl::OkStatus();
    case SQL_ATTR_USE_BOOKMARKS:
      if (number != SQL_UB_OFF) {
        return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                        "bookmarks are not supported: SQL_ATTR_USE_BOOKMARKS stays SQL_UB_OFF");
      }
      return absl::OkStatus();
    case SQL_ATTR_FETCH_BOOKMARK_PTR:
      if (value != nullptr) {
        return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                        "bookmarks are not supported: SQL_ATTR_FETCH_BOOKMARK_PTR stays null");
      }
      return absl::OkStatus();
    case SQL_ATTR_ASYNC_ENABLE:
      if (number != SQL_ASYNC_ENABLE_OFF) {
        return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                        "asynchronous execution is not supported");
      }
      return absl::OkStatus();
    case SQL_ATTR_ENABLE_AUTO_IPD:
      if (number != SQL_FALSE) {
        return SqlError(sqlstate::kOptionalFeatureNotImplemented,
                        "automatic IPD population is not supported");
      }
      return absl::OkStatus();
    case SQL_ATTR_KEYSET_SIZE:
    case SQL_ATTR_SIMULATE_CURSOR:
      return absl::OkStatus();
    case SQL_ATTR_APP_ROW_DESC:
    case SQL_ATTR_APP_PARAM_DESC: {
      Descriptor** slot = attribute == SQL_ATTR_APP_ROW_DESC ? &ard_ : &apd_;
      Descriptor* fallback = attribute == SQL_ATTR_APP_ROW_DESC ? &implicit_ard_ : &implicit_apd_;
      if (value == nullptr || value == static_cast<SQLPOINTER>(fallback)) {
        *slot = fallback;
        return absl::OkStatus();
      }
      auto* descriptor = Handle::Cast<Descriptor>(value);
      if (descriptor == nullptr || !descriptor->is_explicit() ||
          descriptor->connection() != connection_) {
        return SqlError(sqlstate::kInvalidAttributeValue,
                        "not an explicitly allocated descriptor of this connection");
      }
      *slot = descriptor;
      return absl::OkStatus();
    }
    case SQL_ATTR_IMP_ROW_DESC:
    case SQL_ATTR_IMP_PARAM_DESC:
    case SQL_ATTR_ROW_NUMBER:
      return SqlError("HY017", "this statement attribute is read-only");
    default:
      return SqlError(sqlstate::kInvalidAttributeIdentifier,
                      absl::StrCat("unknown or unsupported statement attribute ", attribute));
  }
}

absl::Status Statement::GetAttribute(SQLINTEGER attribute, SQLPOINTER value, SQLINTEGER,
                                     SQLINTEGER* string_length) {
  SQLULEN number = 0;
  SQLPOINTER pointer = nullptr;
  bool is_pointer = false;
  switch (attribute) {
    case SQL_ATTR_ROW_ARRAY_SIZE:
    case SQL_ROWSET_SIZE:
      number = ard_->array_size;
      break;
    case SQL_ATTR_ROW_BIND_TYPE:
      number = ard_->bind_type;
      break;
    case SQL_ATTR_ROW_BIND_OFFSET_PTR:
      pointer = ard_->bind_offset_ptr, is_pointer = true;
      break;
    case SQL_ATTR_ROW_STATUS_PTR:
      pointer = ird_.array_status_ptr, is_pointer = true;
      break;
    case SQL_ATTR_ROWS_FETCHED_PTR:
      pointer = ird_.rows_processed_ptr, is_pointer = true;
      break;
    case SQL_ATTR_ROW_OPERATION_PTR:
      pointer = ard_->array_status_ptr, is_pointer = true;
      break;
    case SQL_ATTR_PARAMSET_SIZE:
      number = apd_->array_size;
      break;
    case SQL_ATTR_PARAM_BIND_TYPE:
      number = apd_->bind_type;
      break;
    case SQL_ATTR_PARAM_BIND_OFFSET_PTR:
      pointer = apd_->bind_offset_ptr, is_pointer = true;
      break;
    case SQL_ATTR_PARAM_STATUS_PTR:
      pointer = ipd_.array_status_ptr, is_pointer = true;
      break;
    case SQL_ATTR_PARAMS_PROCESSED_PTR:
      pointer = ipd_.rows_processed_ptr, is_pointer = true;
      break;
    case SQL_ATTR_PARAM_OPERATION_PTR:
      pointer = apd_->array_status_ptr, is_pointer = true;
      break;
    case SQL_ATTR_CURSOR_TYPE:
      number = cursor_type_;
      break;
    case SQL_ATTR_CONCURRENCY:
      number = concurrency_;
      break;
    case SQL_ATTR_CURSOR_SCROLLABLE:
      number = cursor_type_ == SQL_CURSOR_FORWARD_ONLY ? SQL_NONSCROLLABLE : SQL_SCROLLABLE;
      break;
    case SQL_ATTR_CURSOR_SENSITIVITY:
      number = SQL_INSENSITIVE;
      break;
    case SQL_ATTR_QUERY_TIMEOUT:
      number = query_timeout_;
      break;
    case SQL_ATTR_MAX_ROWS:
      number = max_rows_;
      break;
    case SQL_ATTR_MAX_LENGTH:
      number = max_length_;
      break;
    case SQL_ATTR_NOSCAN:
      number = noscan_;
      break;
    case SQL_ATTR_RETRIEVE_DATA:
      number = retrieve_data_;
      break;
    case SQL_ATTR_METADATA_ID:
      number = metadata_id_;
      break;
    case SQL_ATTR_USE_BOOKMARKS:
      number = SQL_UB_OFF;
      break;
    case SQL_ATTR_FETCH_BOOKMARK_PTR:
      pointer = nullptr, is_pointer = true;
      break;
    case SQL_ATTR_ASYNC_ENABLE:
      number = SQL_ASYNC_ENABLE_OFF;
      break;
    case SQL_ATTR_ENABLE_AUTO_IPD:
      number = SQL_FALSE;
      break;
    case SQL_ATTR_KEYSET_SIZE:
      number = 0;
      break;
    case SQL_ATTR_SIMULATE_CURSOR:
      number = SQL_SC_UNIQUE;
      break;
    case SQL_ATTR_ROW_NUMBER:
      if (!on_row_) return InvalidCursorState("no current row");
      number = rows_returned_;
      break;
    case SQL_ATTR_APP_ROW_DESC:
      pointer = static_cast<Handle*>(ard_), is_pointer = true;
      break;
    case SQL_ATTR_APP_PARAM_DESC:
      pointer = static_cast<Handle*>(apd_), is_pointer = true;
      break;
    case SQL_ATTR_IMP_ROW_DESC:
      pointer = static_cast<Handle*>(&ird_), is_pointer = true;
      break;
    case SQL_ATTR_IMP_PARAM_DESC:
      pointer = static_cast<Handle*>(&ipd_), is_pointer = true;
      break;
    default:
      return SqlError(sqlstate::kInvalidAttributeIdentifier,
                      absl::StrCat("unknown or unsupported statement attribute ", attribute));
  }
  if (value == nullptr) {
    return SqlError(sqlstate::kInvalidNullPointer, "SQLGetStmtAttr: null value pointer");
  }
  if (is_pointer) {
    *static_cast<SQLPOINTER*>(value) = pointer;
    if (string_length != nullptr) *string_length = sizeof(SQLPOINTER);
  } else {
    *static_cast<SQLULEN*>(value) = number;
    if (string_length != nullptr) *string_length = sizeof(SQLULEN);
  }
  return absl::OkStatus();
}

}  // namespace quietfetch::core
