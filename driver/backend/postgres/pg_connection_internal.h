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
#ifndef QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_CONNECTION_INTERNAL_H_
#define QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_CONNECTION_INTERNAL_H_

#include <libpq-fe.h>

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "driver/backend/backend.h"
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
  // when `cached`, else as the unnamed statement.
  absl::StatusOr<std::shared_ptr<const PreparedStatement>> Prepare(
      const std::string& key, const std::string& text, std::span<const uint32_t> param_oids,
      bool cached);
  void LookUpTypes(std::vector<uint32_t> oids);
  // Fills nullability and base table/column names for result columns that
  // come straight from a table (one catalog query per table column never
  // seen before on this connection).
  void DescribeBaseColumns(const PGresult* result, ResultShape& shape);
  std::shared_ptr<ResultShape> BuildShape(const PGresult* result) const;
  bool UsesBinary(const ResultShape& shape) const;
  absl::StatusOr<std::unique_ptr<backend::Cursor>> ExecuteSimple(const RewrittenSql& sql);
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
  bool autocommit_ = true;
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
  PgCursor(PgConnection* connection, std::shared_ptr<const ResultShape> shape,
           std::shared_ptr<const TimeZone> zone, bool binary, bool cancel_on_close);
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

  // For the connection.
  void BufferRemaining();
  void Orphan();

 private:
  enum class State : uint8_t { kStreaming, kBuffered, kDone, kOrphaned };

  PGresult* NextResult();
  // Handles a result that is not a row: the end of the result or an error.
  absl::Status HandleEnd(PGresult* result);
  // Reads what is left on the connection and lets go of it.
  // `complete`: the result's final (or error) result was seen.
  absl::Status FinishStreaming(absl::Status status, bool complete);
  absl::Status RowError(DecodeResult result, int column) const;

  PgConnection* connection_;  // set while streaming
  std::shared_ptr<const ResultShape> shape_;
  std::shared_ptr<const TimeZone> zone_;
  DecodeContext context_;
  bool binary_;
  bool cancel_on_close_;
  State state_ = State::kStreaming;
  PGresult* pending_ = nullptr;     // read but not yet consumed
  std::deque<PGresult*> buffered_;  // after BufferRemaining
  absl::Status tail_error_;         // reported once buffered rows are consumed
  absl::Status deferred_error_;     // reported by the next Fill
  int64_t rows_affected_ = -1;
};

}  // namespace quietfetch::pg

#endif  // QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_CONNECTION_INTERNAL_H_
