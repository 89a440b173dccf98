// A connection of the ORM bridge: typed queries straight over the driver's
// C++ core (backend cursor -> row batch -> struct), with no ODBC call.
//
//   auto conn = Connection::Open("Server=db;Port=5432;Database=app;UID=u;PWD=p");
//   absl::StatusOr<std::vector<Entry>> rows =
//       conn->Query<Entry>("SELECT * FROM some_entries WHERE some_random_number < ?", 100);
//   auto stream = conn->Stream<Entry>("SELECT * FROM some_entries");
//   for (const Entry& e : stream) { ... }    // one batch in memory at a time
//   if (!stream.status().ok()) { ... }       // an error ends the loop early
//
// Open() takes the driver's connection-string keywords (Server, Port,
// Database, UID, PWD, SSLMode, PQOpt, FetchRows, FetchBytes, Gc*, DSN; see
// the project README); unknown keywords are errors. The session runs with
// TimeZone UTC so that timestamptz values are UTC instants.
//
// Parameters are '?' markers bound to real server parameters (never spliced
// into the text), converted by FieldTraits<P>::ToParam.
//
// Rules: a Connection is used by one thread at a time (moving it is fine;
// streams and transactions keep its session alive). One result streams at a
// time: running another statement while a stream is open makes the open
// stream buffer the rest of its rows (correct, but no longer bounded).
//
// The collector policy (gc-policy) applies as in the driver: a result that
// reaches GcBulkRows opens a window, which lasts until the transaction ends,
// the next statement in autocommit mode, or the connection closes
// (GcWindow=unit), or until the result ends (GcWindow=statement).
#ifndef QUIETFETCH_ORM_CONNECTION_H_
#define QUIETFETCH_ORM_CONNECTION_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "quietfetch/orm/field_traits.h"
#include "quietfetch/orm/mapping.h"
#include "quietfetch/orm/status.h"
#include "quietfetch/orm/types.h"

namespace quietfetch::orm {

namespace detail {

class Session;
class Result;

// One batch of rows as the driver filled it (its storage stays inside the
// library); view() reads it in place. Movable, reused across fills.
class Batch {
 public:
  Batch();
  Batch(Batch&&) noexcept;
  Batch& operator=(Batch&&) noexcept;
  ~Batch();

  const BatchView& view() const { return view_; }
  size_t num_rows() const { return view_.num_rows(); }
  // Memory held: cells and the arena their bytes live in.
  size_t MemoryUsage() const;

 private:
  friend class Result;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  BatchView view_;
};

// One result being read: the backend cursor plus the collector bookkeeping.
class Result {
 public:
  Result();
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  ~Result();  // closes an unfinished cursor, ends a statement-scope window

  const std::vector<ColumnInfo>& columns() const;
  // Empties `batch` and refills it with the next rows. False once the result
  // is exhausted (the batch may still hold the last rows).
  absl::StatusOr<bool> Fill(Batch& batch);
  int64_t rows_affected() const;
  // Reads the rest of the result, discarding rows.
  absl::Status Drain();

 private:
  friend class Session;
  struct State;
  std::unique_ptr<State> state_;
};

// Turns (sql, params...) into the backend's parameter list.
template <class... P>
std::vector<Param> MakeParams(const P&... params) {
  std::vector<Param> out;
  out.reserve(sizeof...(P));
  (out.push_back(ToParam(params)), ...);
  return out;
}

absl::Status InvalidName(std::string_view what, std::string_view name);
bool IsSafeTableName(std::string_view table);
std::string QuoteIdentifier(std::string_view name);

}  // namespace detail

// Rows of one query, read batch by batch. Iterating yields `const T&` to one
// reused object; an error ends iteration and shows in status(). Single-pass.
template <RowType T>
class RowStream {
 public:
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    Iterator() = default;
    const T& operator*() const { return stream_->row_; }
    const T* operator->() const { return &stream_->row_; }
    Iterator& operator++() {
      if (!stream_->Advance()) stream_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.stream_ == b.stream_; }

   private:
    friend class RowStream;
    explicit Iterator(RowStream* stream) : stream_(stream) {}
    RowStream* stream_ = nullptr;
  };

  RowStream(RowStream&&) noexcept = default;
  RowStream& operator=(RowStream&&) noexcept = default;

  Iterator begin() {
    if (started_) return Iterator(done_ ? nullptr : this);
    started_ = true;
    return Iterator(Advance() ? this : nullptr);
  }
  Iterator end() { return Iterator(); }

  // OK after a complete iteration; the first error otherwise.
  const absl::Status& status() const { return status_; }
  // Rows delivered so far.
  int64_t rows() const { return rows_; }
  // Memory held by the current batch (cells and arena), for memory checks.
  size_t batch_memory() const { return batch_.MemoryUsage(); }

 private:
  friend class Connection;
  explicit RowStream(absl::Status status) : done_(true), status_(std::move(status)) {}
  explicit RowStream(detail::Result result) : result_(std::move(result)) {}

  bool Advance() {
    if (done_) return false;
    while (next_ >= batch_.num_rows()) {
      if (exhausted_) return Finish(absl::OkStatus());
      next_ = 0;
      absl::StatusOr<bool> more = result_.Fill(batch_);
      if (!more.ok()) return Finish(more.status());
      exhausted_ = !*more;
      if (!reader_bound_) {
        absl::StatusOr<RowReader<T>> reader = RowReader<T>::Bind(result_.columns());
        if (!reader.ok()) return Finish(reader.status());
        reader_ = *reader;
        reader_bound_ = true;
      }
    }
    absl::Status status = reader_.Read(batch_.view(), next_++, row_);
    if (!status.ok()) return Finish(std::move(status));
    ++rows_;
    return true;
  }

  bool Finish(absl::Status status) {
    status_ = std::move(status);
    done_ = true;
    result_ = detail::Result();  // closes the cursor early, ends a statement window
    return false;
  }

  detail::Result result_;
  detail::Batch batch_;
  RowReader<T> reader_;
  bool reader_bound_ = false;
  size_t next_ = 0;
  bool exhausted_ = false;
  bool started_ = false;
  bool done_ = false;
  int64_t rows_ = 0;
  T row_{};
  absl::Status status_;
};

// A transaction. Destroying it while active rolls back (errors ignored):
// call Commit() to keep the work.
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) noexcept;
  ~Transaction();

  absl::Status Commit();
  absl::Status Rollback();
  bool active() const { return session_ != nullptr; }

 private:
  friend class Connection;
  explicit Transaction(std::shared_ptr<detail::Session> session);
  std::shared_ptr<detail::Session> session_;
};

class Connection {
 public:
  static absl::StatusOr<Connection> Open(std::string_view connection_string);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // All rows into a vector. T may not borrow from the batch (string_view).
  template <RowType T, class... P>
  absl::StatusOr<std::vector<T>> Query(std::string_view sql, const P&... params) {
    static_assert(!detail::BorrowsBatch<T>(),
                  "std::string_view fields are valid only for one batch: use Stream<T>()");
    absl::StatusOr<detail::Result> result = Run(sql, detail::MakeParams(params...));
    if (!result.ok()) return result.status();
    detail::Batch batch;
    std::vector<T> rows;
    std::optional<RowReader<T>> reader;
    for (bool more = true; more;) {
      absl::StatusOr<bool> filled = result->Fill(batch);
      if (!filled.ok()) return filled.status();
      more = *filled;
      if (!reader.has_value()) {
        absl::StatusOr<RowReader<T>> bound = RowReader<T>::Bind(result->columns());
        if (!bound.ok()) return bound.status();
        reader = *bound;
      }
      const BatchView& view = batch.view();
      // Grow geometrically: reserving exactly one more batch each time would
      // reallocate (and move every row so far) once per batch.
      if (rows.capacity() < rows.size() + view.num_rows()) {
        rows.reserve(std::max(rows.size() + view.num_rows(), 2 * rows.capacity()));
      }
      for (size_t row = 0; row < view.num_rows(); ++row) {
        absl::Status status = reader->Read(view, row, rows.emplace_back());
        if (!status.ok()) return status;
      }
    }
    return rows;
  }

  // Exactly one row: 02000 when there is none, 21000 when there are more.
  template <RowType T, class... P>
  absl::StatusOr<T> QueryOne(std::string_view sql, const P&... params) {
    absl::StatusOr<std::vector<T>> rows = Query<T>(sql, params...);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return SqlError("02000", "the query returned no row");
    if (rows->size() > 1) return SqlError("21000", "the query returned more than one row");
    return std::move(rows->front());
  }

  // Rows batch by batch with bounded memory; see RowStream. Errors at the
  // start (bad SQL, wrong parameters) also show in the stream's status().
  template <RowType T, class... P>
  [[nodiscard]] RowStream<T> Stream(std::string_view sql, const P&... params) {
    absl::StatusOr<detail::Result> result = Run(sql, detail::MakeParams(params...));
    if (!result.ok()) return RowStream<T>(result.status());
    return RowStream<T>(*std::move(result));
  }

  // A statement run for its effect; returns rows affected (-1 when none apply).
  template <class... P>
  absl::StatusOr<int64_t> Execute(std::string_view sql, const P&... params) {
    return ExecuteParams(sql, detail::MakeParams(params...));
  }

  // Starts a transaction (25000 if one is already active on this connection).
  absl::StatusOr<Transaction> Begin();
  bool InTransaction() const;

  // Inserts `rows` into `table` with multi-row INSERTs (every mapped field is
  // a column). Atomic: runs in the current transaction, or in its own.
  // Returns rows inserted.
  template <Mapped T>
  absl::StatusOr<int64_t> Insert(std::string_view table, std::span<const T> rows) {
    const std::vector<std::string_view> names = ColumnNames<T>();
    return InsertRows(table, names, rows.size(),
                      [&](size_t i, std::vector<Param>& out) { AppendParams(rows[i], out); });
  }
  template <Mapped T>
  absl::StatusOr<int64_t> Insert(std::string_view table, const std::vector<T>& rows) {
    return Insert<T>(table, std::span<const T>(rows));
  }

  // Updates every mapped column but `key_column` of the row whose
  // `key_column` equals the struct's, for each struct. Atomic like Insert.
  // Returns rows updated (a struct whose key matches nothing adds 0).
  template <Mapped T>
  absl::StatusOr<int64_t> Update(std::string_view table, std::span<const T> rows,
                                 std::string_view key_column) {
    const std::vector<std::string_view> names = ColumnNames<T>();
    return UpdateRows(table, names, key_column, rows.size(),
                      [&](size_t i, std::vector<Param>& out) { AppendParams(rows[i], out); });
  }
  template <Mapped T>
  absl::StatusOr<int64_t> Update(std::string_view table, const std::vector<T>& rows,
                                 std::string_view key_column) {
    return Update<T>(table, std::span<const T>(rows), key_column);
  }

  // Whether the server connection is still up (as last seen; no round trip).
  bool IsAlive() const;

  // The batch limits from FetchRows / FetchBytes.
  BatchLimits limits() const;

 private:
  using ParamFiller = std::function<void(size_t, std::vector<Param>&)>;

  explicit Connection(std::shared_ptr<detail::Session> session);
  absl::StatusOr<detail::Result> Run(std::string_view sql, std::vector<Param> params);
  absl::StatusOr<int64_t> ExecuteParams(std::string_view sql, std::vector<Param> params);
  absl::StatusOr<int64_t> InsertRows(std::string_view table,
                                     const std::vector<std::string_view>& columns, size_t count,
                                     const ParamFiller& fill);
  absl::StatusOr<int64_t> UpdateRows(std::string_view table,
                                     const std::vector<std::string_view>& columns,
                                     std::string_view key_column, size_t count,
                                     const ParamFiller& fill);

  std::shared_ptr<detail::Session> session_;
};

}  // namespace quietfetch::orm

#endif  // QUIETFETCH_ORM_CONNECTION_H_
