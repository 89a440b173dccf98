// The libpq connection and cursor behind pg::Connect (internal to the
// backend; exposed for tests).
//
// One statement runs at a time. A cursor streams from the connection until
// its result ends; if another statement starts first, the cursor pulls its
// remaining results into memory (BufferRemaining) and keeps serving them.
// The connection knows its streaming cursor only: destroying the connection
// orphans that cursor, whose next Fill fails with 08003; buffered cursors
// own their data and stay readable.
//
// Close() (and destroying a cursor) stops a result early and leaves the
// connection idle: a single plain query (SELECT, VALUES, TABLE, SHOW) run
// outside a transaction block is cancelled on the server unless its rest has
// already arrived; anything else is drained, because a cancel would roll back
// its effects or abort the transaction it runs in.
//
// COPY cursors: a single SELECT, VALUES or TABLE statement without
// parameters whose columns all have binary decoders runs as
// COPY (<statement>) TO STDOUT (FORMAT binary), which costs libpq far less
// per row than single-row mode (no PGresult per row). The columns come from
// the cached prepared statement, as on the prepared path; because COPY plans
// the text afresh, a cached statement is described again first, which fails
// (0A000/26000, and is prepared again) whenever the prepared statement would
// have. That costs a repeated statement one round trip more than the
// prepared path, which is why COPY is not always faster for tiny results.
// Errors the server raises only because of the COPY wrapping (0A000,
// 42601, 42883 before any data) send the statement through the prepared path
// instead, now and from then on, outside a transaction block (inside one the
// error has already aborted the transaction, so it is reported). A COPY
// cursor behaves like any other: batch limits, rows then error, cancel or
// drain on Close(), buffering (as raw COPY data) when another statement
// starts, rows_affected from the "COPY n" tag.
#ifndef QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_CONNECTION_INTERNAL_H_
#define QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_CONNECTION_INTERNAL_H_

#include <libpq-fe.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "driver/backend/backend.h"
#include "driver/backend/postgres/copy_decoder.h"
#include "driver/backend/postgres/sql_lexer.h"
#include "driver/backend/postgres/statement_cache.h"
#include "driver/backend/postgres/time_zone.h"
#include "driver/backend/postgres/value_decoder.h"

namespace quietfetch::pg {

class PgCursor;

class PgConnection final : public backend::BackendConnection {
 public:
  // Takes ownership of an open connection.
  explicit PgConnection(PGconn* conn);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Settings the decoders rely on (DateStyle ISO, ...), run once after connect.
  absl::Status Initialize();

  absl::StatusOr<std::unique_ptr<backend::Cursor>> Execute(
      std::string_view sql, std::span<const backend::Param> params) override;
  absl::StatusOr<std::vector<ParamSetResult>> ExecuteBatch(
      std::string_view sql, std::span<const std::vector<backend::Param>> sets) override;
  std::string NativeSql(std::string_view sql) const override;
  absl::StatusOr<backend::StatementDescription> Describe(std::string_view sql) override;
  int CountParameters(std::string_view sql) const override;
  absl::Status SetAutocommit(bool on) override;
  absl::Status Commit() override;
  absl::Status Rollback() override;
  absl::Status SetIsolationLevel(uint32_t sql_txn_level) override;
  bool InTransaction() const override;
  absl::Status Cancel() override;
  bool IsAlive() const override;
  std::string ServerVersion() const override;
  std::string DatabaseName() const override;
  std::string UserName() const override;
  std::string ServerName() const override;

  // For cursors.
  PGconn* pg() const { return conn_; }
  void CursorFinished(PgCursor* cursor);
  void SendCancel();
  // Column descriptions for a result, using only types already known (no
  // queries: the connection may be busy streaming).
  std::shared_ptr<const ResultShape> ShapeFromResult(const PGresult* result) const;

  size_t cached_statement_count() const { return cache_.size(); }
  // On by default; tests turn it off to compare both paths.
  void set_copy_enabled(bool on) { copy_enabled_ = on; }
  // A cached statement reruns through COPY only if its last run returned
  // at least this many rows (tests set 0 to force COPY).
  void set_copy_min_rows(int64_t rows) { copy_min_rows_ = rows; }

 private:
  struct KnownType {
    std::string name;
    ValueKind kind;
  };

  absl::Status CheckUsable() const;
  absl::Status DetachActiveCursor();
  void RefreshSessionState();
  absl::Status Exec(const char* sql);
  absl::Status BeginIfNeeded();
  void FlushDeallocations();
  // Prepares and describes `text`: through the cache as a named statement
  // when `cached`, else as the unnamed statement. `fresh` (optional) tells
  // whether it was prepared now rather than found in the cache.
  absl::StatusOr<std::shared_ptr<const PreparedStatement>> Prepare(
      const std::string& key, const std::string& text, std::span<const uint32_t> param_oids,
      bool cached, bool* fresh = nullptr);
  void LookUpTypes(std::vector<uint32_t> oids);
  // Fills nullability and base table/column names for result columns that
  // come straight from a table (one catalog query per table column never
  // seen before on this connection).
  void DescribeBaseColumns(const PGresult* result, ResultShape& shape);
  std::shared_ptr<ResultShape> BuildShape(const PGresult* result) const;
  bool UsesBinary(const ResultShape& shape) const;
  absl::StatusOr<std::unique_ptr<backend::Cursor>> ExecuteSimple(const RewrittenSql& sql);
  // Runs `sql` as COPY ... TO STDOUT (FORMAT binary). Nothing (no value)
  // when the server refused the COPY without effect, so that the prepared
  // path should run the statement.
  std::optional<absl::StatusOr<std::unique_ptr<backend::Cursor>>> ExecuteCopy(
      const RewrittenSql& sql, const PreparedStatement& statement, bool fresh, bool in_block);
  // Creates the cursor for the statement just sent. `first` is its first
  // result when already read (else the cursor reads it).
  absl::StatusOr<std::unique_ptr<backend::Cursor>> StartCursor(
      std::shared_ptr<const ResultShape> shape, bool binary, bool cancel_on_close,
      PGresult* first = nullptr);

  PGconn* conn_;
  PGcancel* cancel_ = nullptr;
  StatementCache cache_;
  uint64_t next_statement_id_ = 0;
  std::vector<std::string> pending_deallocations_;
  PgCursor* active_cursor_ = nullptr;
  int64_t copy_min_rows_ = 1000;
  // The cached statement the active cursor runs (to learn its row count).
  std::shared_ptr<const PreparedStatement> active_statement_;
  bool autocommit_ = true;
  bool copy_enabled_ = true;
  bool in_block_while_active_ = false;  // transaction block when the active statement began
  bool integer_datetimes_ = true;
  LexOptions lex_options_;
  bool zone_checked_ = false;
  std::string zone_name_;
  std::shared_ptr<const TimeZone> zone_;           // null when the session zone is not understood
  std::unordered_map<uint32_t, KnownType> types_;  // non-built-in types seen
  struct BaseColumn {
    bool not_null = false;
    std::string table;
    std::string schema;
    std::string column;
  };
  // Keyed by table oid << 16 | attribute number.
  std::unordered_map<uint64_t, BaseColumn> base_columns_;
};

class PgCursor final : public backend::Cursor {
 public:
  // A cursor streaming the statement just sent on `connection`. `shape` may
  // be null when the result's columns are learned from its first result.
  // With `copy`, the statement is a COPY ... TO STDOUT (FORMAT binary) of a
  // result with `shape`'s columns.
  PgCursor(PgConnection* connection, std::shared_ptr<const ResultShape> shape,
           std::shared_ptr<const TimeZone> zone, bool binary, bool cancel_on_close,
           bool copy = false);
  ~PgCursor() override;
  PgCursor(const PgCursor&) = delete;
  PgCursor& operator=(const PgCursor&) = delete;

  // Waits for the first result (unless given `first`, which it takes over),
  // so that statements failing before their first row fail here and DML
  // reports rows_affected at once.
  absl::Status Start(PGresult* first = nullptr);

  const std::vector<backend::ColumnInfo>& columns() const override { return shape_->columns; }
  absl::StatusOr<bool> Fill(rowstore::RowBatch& batch,
                            const rowstore::BatchLimits& limits) override;
  int64_t rows_affected() const override { return rows_affected_; }
  absl::Status Close() override;
  absl::StatusOr<bool> NextResult() override;

  // Text with several statements (simple protocol): each statement's result
  // ends the cursor's current result, and NextResult moves to the next.
  void set_multi(bool on) { multi_ = on; }

  // Whether the rows come through COPY rather than the prepared statement.
  bool uses_copy() const { return copy_ != nullptr; }

  // For the connection.
  void BufferRemaining();
  void Orphan();
  // A COPY cursor whose Start() failed: whether the server had begun the
  // COPY (else it refused the statement before running it).
  bool copy_started() const { return copy_ != nullptr && copy_->started; }

 private:
  enum class State : uint8_t { kStreaming, kBuffered, kDone, kOrphaned };

  struct CopyState {
    CopyState(std::span<const ValueKind> kinds, const DecodeContext* context)
        : decoder(kinds, context) {}
    ~CopyState();
    CopyState(const CopyState&) = delete;
    CopyState& operator=(const CopyState&) = delete;
    // Frees the chunk the decoder has finished with.
    void ReleaseChunk();

    CopyBinaryDecoder decoder;
    bool started = false;              // the server answered with CopyOutResponse
    bool need_chunk = true;            // the decoder has used up its chunk
    char* chunk = nullptr;             // from PQgetCopyData, being decoded
    std::string block;                 // from `buffered`, being decoded
    std::deque<std::string> buffered;  // the rest of the data, after BufferRemaining
    int64_t buffered_rows_affected = -1;
  };

  PGresult* TakeResult();
  // Multi-statement text: skips the unread rows of the current result.
  absl::Status SkipToResultEnd();
  // No result is left: lets go of the connection; the buffered tail error.
  absl::Status EndOfResults();
  // Handles a result that is not a row: the end of the result or an error.
  absl::Status HandleEnd(PGresult* result);
  // Reads what is left on the connection and lets go of it.
  // `complete`: the result's final (or error) result was seen.
  absl::Status FinishStreaming(absl::Status status, bool complete);
  absl::Status RowError(DecodeResult result, int column) const;

  absl::Status StartCopy();
  absl::StatusOr<bool> FillCopy(rowstore::RowBatch& batch, const rowstore::BatchLimits& limits);
  // Gives the decoder its next chunk. False at the end of the data, with
  // `end` set to how the result ended (the cursor is then done).
  bool NextCopyChunk(absl::Status* end);
  // After PQgetCopyData returned -1 (`read_failed`: -2): reads the COPY's
  // final results and lets go of the connection.
  absl::Status FinishCopy(bool read_failed);
  // Reads the final results after the COPY data into `rows_affected`; the
  // error they report, if any.
  absl::Status ReadCopyEnd(bool read_failed, int64_t* rows_affected);
  void BufferRemainingCopy();

  PgConnection* connection_;  // set while streaming
  PgConnection* owner_;       // until orphaned: learns later results' columns
  bool multi_ = false;
  bool result_ended_ = false;  // multi: the current statement's result is complete
  std::shared_ptr<const ResultShape> shape_;
  std::shared_ptr<const TimeZone> zone_;
  DecodeContext context_;
  bool binary_;
  bool cancel_on_close_;
  State state_ = State::kStreaming;
  PGresult* pending_ = nullptr;     // read but not yet consumed
  std::deque<PGresult*> buffered_;  // after BufferRemaining
  absl::Status tail_error_;         // reported once buffered rows are consumed
  // How a Fill that read `rows` rows ends once the stream is over or
  // `status` failed: rows first, the error on the next call.
  absl::StatusOr<bool> EndOfFill(absl::Status status, size_t rows);
  absl::Status deferred_error_;  // reported by the next Fill
  int64_t rows_affected_ = -1;
  std::unique_ptr<CopyState> copy_;  // set for COPY cursors
};

}  // namespace quietfetch::pg

#endif  // QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_CONNECTION_INTERNAL_H_
