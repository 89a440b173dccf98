// A statement handle: prepares and executes SQL through the connection's
// backend, streams the result batch by batch (memory bounded by the batch
// limits, never by the result size), and copies values into the
// application's buffers (bound columns, row arrays, SQLGetData in pieces).
//
// States follow ODBC's statement transition table in simplified form:
// allocated -> prepared -> executed (with or without a cursor) -> need-data
// (during SQLParamData/SQLPutData). Calls out of order fail with HY010 or
// 24000 as the spec says.
#ifndef QUIETFETCH_DRIVER_CORE_STATEMENT_H_
#define QUIETFETCH_DRIVER_CORE_STATEMENT_H_

#include <sql.h>
#include <sqlext.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "driver/backend/backend.h"
#include "driver/core/convert.h"
#include "driver/core/descriptor.h"
#include "driver/core/handle.h"
#include "driver/core/scroll_cursor.h"
#include "driver/rowstore/row_batch.h"
#include "gc-policy/window.h"

namespace quietfetch::core {

class Connection;

// How a successful call ended, besides plain success (warnings are in the
// diagnostics and turn SQL_SUCCESS into SQL_SUCCESS_WITH_INFO).
enum class Outcome { kOk, kNoData, kNeedData };

class Statement : public Handle {
 public:
  static constexpr HandleKind kKind = HandleKind::kStatement;
  explicit Statement(Connection* connection);
  ~Statement() override;

  Connection* connection() const { return connection_; }

  absl::Status Prepare(std::string sql);
  absl::StatusOr<Outcome> Execute();
  absl::StatusOr<Outcome> ExecDirect(std::string sql);
  absl::StatusOr<Outcome> ParamData(SQLPOINTER* value);
  absl::Status PutData(SQLPOINTER data, SQLLEN length);
  absl::Status Cancel();
  // Ends this statement's own collector window (GcWindow=statement), if
  // open. Called before the statement is destroyed, so that a thread ended
  // while it waits for the host's collector (pthread_exit) unwinds through
  // ordinary frames rather than a destructor.
  void EndStatementWindow(gc::EndReason reason);

  absl::StatusOr<SQLSMALLINT> NumParams();
  // SQLDescribeParam: the server's type for parameter `number` (1-based).
  absl::StatusOr<backend::ColumnInfo> DescribeParam(SQLUSMALLINT number);
  absl::StatusOr<SQLSMALLINT> NumResultCols();
  // Column metadata (IRD); 07009 for a bad number.
  absl::StatusOr<const backend::ColumnInfo*> Column(SQLUSMALLINT number);
  absl::StatusOr<SQLLEN> RowCount();

  absl::Status BindCol(SQLUSMALLINT column, SQLSMALLINT c_type, SQLPOINTER value,
                       SQLLEN buffer_length, SQLLEN* indicator);
  absl::Status BindParameter(SQLUSMALLINT number, SQLSMALLINT io_type, SQLSMALLINT c_type,
                             SQLSMALLINT sql_type, SQLULEN column_size, SQLSMALLINT digits,
                             SQLPOINTER value, SQLLEN buffer_length, SQLLEN* indicator);

  absl::StatusOr<Outcome> Fetch(SQLSMALLINT orientation, SQLLEN offset);
  // SQLSetPos: SQL_POSITION on a row of the current rowset of a static
  // cursor (SQLGetData then reads that row); every other operation is HYC00.
  absl::Status SetPos(SQLSETPOSIROW row, SQLUSMALLINT operation, SQLUSMALLINT lock_type);
  // SQLExtendedFetch (ODBC 2): SQLFetchScroll with its own row count and
  // row status pointers.
  absl::StatusOr<Outcome> ExtendedFetch(SQLUSMALLINT orientation, SQLLEN offset, SQLULEN* row_count,
                                        SQLUSMALLINT* row_status);
  absl::StatusOr<Outcome> GetData(SQLUSMALLINT column, SQLSMALLINT c_type, SQLPOINTER value,
                                  SQLLEN buffer_length, SQLLEN* indicator);
  absl::Status CloseCursor(bool must_be_open);
  // SQLMoreResults: moves to the next result of a multi-statement batch
  // (unread rows of the current one are dropped); kNoData after the last,
  // which leaves the statement closed. A later statement's error is
  // returned here.
  absl::StatusOr<Outcome> MoreResults();
  absl::Status FreeStmt(SQLUSMALLINT option);

  absl::Status SetAttribute(SQLINTEGER attribute, SQLPOINTER value, SQLINTEGER length);
  absl::Status GetAttribute(SQLINTEGER attribute, SQLPOINTER value, SQLINTEGER buffer_length,
                            SQLINTEGER* string_length);

  // Runs a result produced by the driver itself (SQLGetTypeInfo).
  absl::Status OpenLocalResult(std::unique_ptr<backend::Cursor> cursor);
  // Runs a catalog function's query (catalog.h) on the server as this
  // statement's result, with its own parameters (the application's bound
  // parameters are left alone); `wrap` turns the server's cursor into the
  // result the application reads. Same state rules as SQLExecDirect.
  using CursorWrapper =
      std::function<std::unique_ptr<backend::Cursor>(std::unique_ptr<backend::Cursor>)>;
  absl::Status ExecuteCatalog(std::string sql, std::vector<backend::Param> params,
                              const CursorWrapper& wrap);
  // SQL_ATTR_METADATA_ID: catalog arguments are identifiers, not patterns.
  bool metadata_id() const { return metadata_id_ == SQL_TRUE; }

  // SQLSetCursorName/SQLGetCursorName (cursor_name.cc). Names are kept and
  // returned, generated as SQL_CUR<n> when the application set none;
  // positioned UPDATE/DELETE ... WHERE CURRENT OF is not supported.
  absl::Status SetCursorName(std::string name);
  const std::string& CursorName();
  bool HasCursorName(std::string_view name) const { return cursor_name_ == name; }

  bool has_cursor() const { return cursor_ != nullptr; }
  // The IRD describes a statement only once it is prepared or executed.
  bool HasResultDescription() const {
    return state_ == State::kPrepared || state_ == State::kExecuted;
  }
  Descriptor& ard() { return *ard_; }
  Descriptor& apd() { return *apd_; }
  Descriptor& ird() { return ird_; }
  Descriptor& ipd() { return ipd_; }
  SQLULEN max_varchar() const;

 private:
  enum class State { kAllocated, kPrepared, kExecuted, kNeedData };

  absl::StatusOr<Outcome> Run();
  // Runs sql_ with params_ on the server, honouring SQL_ATTR_QUERY_TIMEOUT.
  absl::StatusOr<std::unique_ptr<backend::Cursor>> ExecuteOnServer();
  // kNoData for a row-changing statement that changed nothing, else kOk.
  Outcome FinishedOutcome() const;
  absl::StatusOr<Outcome> RunOneParamSet(size_t set);
  absl::Status CollectParams(size_t set, bool* needs_data);
  // `later_result`: a further result of a multi-statement batch
  // (SQLMoreResults), whose statement is not the text's first.
  absl::Status StartCursor(std::unique_ptr<backend::Cursor> cursor, bool later_result = false);
  // Parameter arrays sent as one batch (BackendConnection::ExecuteBatch).
  // No value when the backend cannot batch this statement: the caller runs
  // the sets one by one.
  absl::StatusOr<std::optional<Outcome>> RunBatch(size_t sets);
  // SQL_ATTR_PARAM_OPERATION_PTR says SQL_PARAM_IGNORE for this set.
  bool IgnoredSet(size_t set) const;
  // A parameter set's error, numbered for the application.
  absl::Status SetError(size_t set, const absl::Status& status) const;
  absl::Status RequireConnection();
  // Moves to the next row, refilling the batch when it is used up.
  absl::StatusOr<bool> NextRow();
  // Copies the current row into the bound buffers of rowset row
  // `rowset_index`; returns its SQL_ROW_* status. The first cell error goes
  // to `row_error`, warnings to diag.
  SQLUSMALLINT WriteBoundRow(const rowstore::RowBatch& batch, size_t row, size_t rowset_index,
                             absl::Status* row_error);
  // Static cursors (scroll_cursor.h): reads the whole result when the
  // application asked for a scrollable cursor; fetches a rowset by position.
  absl::Status OpenStaticCursor();
  absl::StatusOr<Outcome> FetchStatic(SQLSMALLINT orientation, SQLLEN offset, size_t array_size);
  // Makes 1-based row `number` of the static cursor current for SQLGetData.
  void PositionOnRow(int64_t number);
  void ResetCursorState();
  absl::StatusOr<int> ParamCount();
  // The result columns: of the open result, or described from the server
  // for a prepared statement not yet executed.
  absl::StatusOr<const std::vector<backend::ColumnInfo>*> ResultColumns();

  struct BoundColumn {
    size_t index;
    backend::LogicalType type;
    SQLSMALLINT c_type;
    const DescRecord* record;
    size_t element_size;
  };

  Connection* connection_;
  State state_ = State::kAllocated;
  std::string cursor_name_;  // empty until set or first asked for
  std::string sql_;
  bool prepared_ = false;  // by SQLPrepare (re-executable), not SQLExecDirect
  int param_count_ = -1;   // cached marker count of sql_
  bool prepared_described_ = false;
  std::vector<backend::ColumnInfo> prepared_columns_;
  std::vector<backend::LogicalType> prepared_parameter_types_;

  // Descriptors: implicit ones owned here; the application may swap in
  // explicit ARD/APD (owned by the connection).
  Descriptor implicit_ard_;
  Descriptor implicit_apd_;
  Descriptor ird_;
  Descriptor ipd_;
  Descriptor* ard_;
  Descriptor* apd_;

  // Parameters collected for the next execution.
  std::vector<backend::Param> params_;
  size_t param_set_ = 0;
  // Data-at-execution: which parameters still need data, and what was put.
  std::vector<SQLUSMALLINT> dae_params_;
  size_t dae_index_ = 0;
  bool dae_current_ = false;  // dae_params_[dae_index_] is receiving SQLPutData
  bool dae_put_started_ = false;
  bool dae_is_null_ = false;
  std::string dae_buffer_;

  // The open result.
  std::unique_ptr<backend::Cursor> cursor_;
  // A finished result without columns (row count only) whose cursor may
  // still hold the further results of a multi-statement batch.
  std::unique_ptr<backend::Cursor> rest_;
  const std::vector<backend::ColumnInfo>* columns_ = nullptr;
  rowstore::RowBatch batch_;
  size_t row_ = 0;       // current row within batch_
  size_t next_row_ = 0;  // next row of batch_ to deliver
  std::vector<BoundColumn> bound_;
  bool on_row_ = false;     // SQLGetData may read batch_ row_
  bool exhausted_ = false;  // the cursor has no more rows
  int64_t row_count_ = -1;
  PieceState pieces_;
  SQLUSMALLINT pieces_column_ = 0;
  // A static cursor: cursor_ itself, seen as what it is (null when the
  // result streams forward-only). SQLGetData reads static_batch_ row_.
  ScrollCursor* scroll_ = nullptr;
  const rowstore::RowBatch* static_batch_ = nullptr;
  RowsetPosition scroll_position_;
  size_t scroll_rowset_rows_ = 0;  // rows in the current rowset
  size_t scroll_last_rowset_size_ = 0;

  // Statement attributes that are not descriptor fields.
  SQLULEN query_timeout_ = 0;
  SQLULEN max_rows_ = 0;
  SQLULEN max_length_ = 0;
  SQLULEN noscan_ = SQL_NOSCAN_OFF;
  SQLULEN retrieve_data_ = SQL_RD_ON;
  SQLULEN cursor_type_ = SQL_CURSOR_FORWARD_ONLY;
  SQLULEN concurrency_ = SQL_CONCUR_READ_ONLY;
  SQLULEN metadata_id_ = SQL_FALSE;
  SQLULEN rows_returned_ = 0;  // for SQL_ATTR_MAX_ROWS
  bool count_known_ = false;   // the result was buffered: SQLRowCount is known

  // gc-policy: rows fetched by the current result, which opens the
  // collector window once it reaches the policy's bulk row count; the window
  // is the connection's (unit of work) or this statement's own.
  void CountFetchedRows(int64_t rows);
  int64_t gc_result_rows_ = 0;
  std::unique_ptr<gc::Window> statement_window_;
};

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_STATEMENT_H_
