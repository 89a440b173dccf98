#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "driver/backend/postgres/pg_connection_internal.h"
#include "driver/backend/postgres/pg_error.h"
#include "driver/core/status.h"

namespace quietfetch::pg {
namespace {

constexpr std::string_view kQueryCanceled = "57014";

int64_t ParseCount(const char* text) {
  const size_t size = std::strlen(text);
  int64_t value = -1;
  if (size == 0 || std::from_chars(text, text + size, value).ec != std::errc()) return -1;
  return value;
}

bool IsErrorResult(ExecStatusType status) {
  return status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE ||
         status == PGRES_NONFATAL_ERROR;
}

absl::Status CopyNotSupported() {
  return core::SqlError(core::sqlstate::kOptionalFeatureNotImplemented,
                        "COPY to or from the client is not supported by this driver");
}

// Reads and drops COPY data up to its end. False when reading failed
// (-2): then libpq may still be in the COPY state.
bool SkipCopyData(PGconn* conn) {
  char* buffer = nullptr;
  int size;
  while ((size = PQgetCopyData(conn, &buffer, 0)) > 0) PQfreemem(buffer);
  return size == -1;
}

// Gets libpq out of a COPY state so that results can be read again. False
// when it could not.
bool AbortCopy(PGconn* conn, ExecStatusType status) {
  if (status == PGRES_COPY_OUT) return SkipCopyData(conn);
  return PQputCopyEnd(conn, "COPY is not supported by this driver") == 1;
}

absl::Status CopyReadError(PGconn* conn) { return ConnectionError(conn, "reading COPY data"); }

absl::Status MalformedCopy(std::string_view detail) {
  return core::SqlError(
      core::sqlstate::kGeneralError,
      absl::StrCat("malformed COPY data from the server: ", core::ToAbsl(detail)));
}

bool IsCopy(ExecStatusType status) {
  return status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH;
}

bool IsDateTime(ValueKind kind) {
  return kind == ValueKind::kDate || kind == ValueKind::kTime || kind == ValueKind::kTimestamp ||
         kind == ValueKind::kTimestampTz;
}

// 08S01 when the connection died before the result was complete (or with an
// error that the lost connection explains).
absl::Status LostConnectionCheck(PGconn* conn, absl::Status status, bool complete) {
  if (PQstatus(conn) != CONNECTION_BAD || (status.ok() && complete)) return status;
  if (status.ok()) status = ConnectionError(conn, "reading the result");
  return CheckConnectionLost(conn, std::move(status));
}

// Reads and frees every remaining result. Keeps the first error (ignoring
// `ignored_state`), and reports a lost connection as 08S01.
absl::Status DrainRemaining(PGconn* conn, absl::Status status, bool complete,
                            std::string_view ignored_state = {}) {
  while (PGresult* result = PQgetResult(conn)) {
    const ExecStatusType result_status = PQresultStatus(result);
    if (IsCopy(result_status)) {
      PQclear(result);
      if (!AbortCopy(conn, result_status)) {
        // Asking again would only return the same COPY state.
        if (status.ok()) status = CopyReadError(conn);
        break;
      }
      if (status.ok()) status = CopyNotSupported();
      continue;
    }
    if (IsErrorResult(result_status)) {
      absl::Status error = ResultError(result);
      if (status.ok() && core::SqlStateOf(error) != ignored_state) status = std::move(error);
      complete = true;
    } else if (result_status != PGRES_SINGLE_TUPLE) {
      complete = true;
    }
    PQclear(result);
  }
  return LostConnectionCheck(conn, std::move(status), complete);
}

// Consumes whatever already arrived without waiting. True when the result
// ended that way (so no cancel is needed).
bool DrainAvailable(PGconn* conn) {
  for (int round = 0; round < 2; ++round) {
    while (!PQisBusy(conn)) {
      PGresult* result = PQgetResult(conn);
      if (result == nullptr) return true;
      const bool copy = IsCopy(PQresultStatus(result));
      PQclear(result);
      if (copy) return false;
    }
    if (!PQconsumeInput(conn)) return false;
  }
  return false;
}

// Consumes COPY data that already arrived without waiting. True when the
// data ended that way (so no cancel is needed).
bool CopyEndsWithoutWaiting(PGconn* conn) {
  for (int round = 0; round < 2; ++round) {
    char* buffer = nullptr;
    int size;
    while ((size = PQgetCopyData(conn, &buffer, /*async=*/1)) > 0) PQfreemem(buffer);
    if (size < 0) return true;
    if (!PQconsumeInput(conn)) return false;
  }
  return false;
}

// Copy data kept by BufferRemaining is packed into blocks of about this
// size: far less memory than one allocation per row.
constexpr size_t kCopyBlockSize = size_t{1} << 20;

}  // namespace

PgCursor::CopyState::~CopyState() { ReleaseChunk(); }

void PgCursor::CopyState::ReleaseChunk() {
  if (chunk != nullptr) {
    PQfreemem(chunk);
    chunk = nullptr;
  }
  block.clear();
  need_chunk = true;
}

PgCursor::PgCursor(PgConnection* connection, std::shared_ptr<const ResultShape> shape,
                   std::shared_ptr<const TimeZone> zone, bool binary, bool cancel_on_close,
                   bool copy)
    : connection_(connection),
      owner_(connection),
      shape_(std::move(shape)),
      zone_(std::move(zone)),
      binary_(binary),
      cancel_on_close_(cancel_on_close) {
  context_.zone = zone_.get();
  if (shape_ == nullptr) shape_ = std::make_shared<ResultShape>();
  if (copy) copy_ = std::make_unique<CopyState>(shape_->kinds, &context_);
}

PgCursor::~PgCursor() { (void)Close(); }

absl::Status PgCursor::Start(PGresult* first) {
  if (copy_ != nullptr) return StartCopy();
  if (first == nullptr) first = PQgetResult(connection_->pg());
  if (first == nullptr) return FinishStreaming(absl::OkStatus(), /*complete=*/false);
  const ExecStatusType status = PQresultStatus(first);
  if ((status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK) && shape_->columns.empty() &&
      PQnfields(first) > 0 && !binary_) {
    // Columns not known in advance (simple protocol, or a statement the
    // server could not describe): learn them from the result.
    shape_ = connection_->ShapeFromResult(first);
  }
  if (status == PGRES_SINGLE_TUPLE) {
    pending_ = first;
    return absl::OkStatus();
  }
  return HandleEnd(first);
}

PGresult* PgCursor::TakeResult() {
  if (pending_ != nullptr) {
    PGresult* result = pending_;
    pending_ = nullptr;
    return result;
  }
  if (state_ == State::kStreaming) return PQgetResult(connection_->pg());
  if (state_ == State::kBuffered && !buffered_.empty()) {
    PGresult* result = buffered_.front();
    buffered_.pop_front();
    return result;
  }
  return nullptr;
}

absl::Status PgCursor::HandleEnd(PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  absl::Status error;
  switch (status) {
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
      rows_affected_ = ParseCount(PQcmdTuples(result));
      break;
    case PGRES_EMPTY_QUERY:
      break;
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH:
      error = CopyNotSupported();
      if (state_ == State::kStreaming) (void)AbortCopy(connection_->pg(), status);
      break;
    default:
      error = ResultError(result);
      break;
  }
  PQclear(result);
  if (multi_ && error.ok()) {
    // The next statement's result follows (NextResult), or the end.
    result_ended_ = true;
    return error;
  }
  if (state_ == State::kStreaming) return FinishStreaming(std::move(error), /*complete=*/true);
  return error;
}

absl::Status PgCursor::SkipToResultEnd() {
  if (!deferred_error_.ok()) {
    absl::Status error = std::move(deferred_error_);
    deferred_error_ = absl::OkStatus();
    return error;
  }
  while (!result_ended_ && (state_ == State::kStreaming || state_ == State::kBuffered)) {
    PGresult* result = TakeResult();
    if (result == nullptr) return EndOfResults();
    if (PQresultStatus(result) == PGRES_SINGLE_TUPLE) {
      PQclear(result);
      continue;
    }
    QF_RETURN_IF_ERROR(HandleEnd(result));
  }
  return absl::OkStatus();
}

absl::Status PgCursor::EndOfResults() {
  if (state_ == State::kStreaming) return FinishStreaming(absl::OkStatus(), /*complete=*/false);
  absl::Status status;
  if (state_ == State::kBuffered) {
    status = std::move(tail_error_);
    tail_error_ = absl::OkStatus();
  }
  if (state_ != State::kOrphaned) state_ = State::kDone;
  return status;
}

absl::StatusOr<bool> PgCursor::NextResult() {
  if (!multi_) return false;
  if (state_ == State::kOrphaned) {
    return core::SqlError(core::sqlstate::kConnectionNotOpen,
                          "the connection this result was read from has been closed");
  }
  QF_RETURN_IF_ERROR(SkipToResultEnd());
  if (state_ != State::kStreaming && state_ != State::kBuffered) return false;
  result_ended_ = false;
  rows_affected_ = -1;
  PGresult* first = TakeResult();
  if (first == nullptr) {
    QF_RETURN_IF_ERROR(EndOfResults());
    return false;
  }
  const ExecStatusType status = PQresultStatus(first);
  if ((status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK) && PQnfields(first) > 0 &&
      owner_ != nullptr) {
    shape_ = owner_->ShapeFromResult(first);
  } else {
    shape_ = std::make_shared<ResultShape>();
  }
  if (status == PGRES_SINGLE_TUPLE) {
    pending_ = first;
    return true;
  }
  QF_RETURN_IF_ERROR(HandleEnd(first));
  return true;
}

absl::Status PgCursor::FinishStreaming(absl::Status status, bool complete) {
  if (state_ != State::kStreaming) return status;
  status = DrainRemaining(connection_->pg(), std::move(status), complete);
  connection_->CursorFinished(this);
  connection_ = nullptr;
  state_ = State::kDone;
  return status;
}

absl::Status PgCursor::RowError(DecodeResult result, int column) const {
  const backend::ColumnInfo& info = shape_->columns[static_cast<size_t>(column)];
  if (result == DecodeResult::kOutOfRange) {
    const bool datetime = IsDateTime(shape_->kinds[static_cast<size_t>(column)]);
    return core::SqlError(
        datetime ? core::sqlstate::kDatetimeOverflow : core::sqlstate::kNumericOutOfRange,
        absl::StrCat("value of column ", column + 1, " (\"", info.name, "\", ", info.type_name,
                     ") is out of range"));
  }
  return core::SqlError(
      core::sqlstate::kGeneralError,
      absl::StrCat("malformed ", binary_ ? "binary " : "text ", info.type_name, " value in column ",
                   column + 1, " (\"", info.name, "\") from the server"));
}

absl::StatusOr<bool> PgCursor::Fill(rowstore::RowBatch& batch,
                                    const rowstore::BatchLimits& limits) {
  if (!deferred_error_.ok()) {
    absl::Status error = std::move(deferred_error_);
    deferred_error_ = absl::OkStatus();
    return error;
  }
  if (state_ == State::kOrphaned) {
    return core::SqlError(core::sqlstate::kConnectionNotOpen,
                          "the connection this result was read from has been closed");
  }
  if (state_ == State::kDone || result_ended_) return false;
  if (copy_ != nullptr) return FillCopy(batch, limits);

  const size_t max_rows = limits.max_rows > 0 ? limits.max_rows : 1;
  const int num_columns = static_cast<int>(shape_->kinds.size());
  const ValueKind* const kinds = shape_->kinds.data();
  size_t rows = 0;
  absl::Status status;
  while (true) {
    PGresult* result = TakeResult();
    if (result == nullptr) {
      if (state_ == State::kStreaming) {
        // Without a final result: fine unless the server went away.
        status = FinishStreaming(absl::OkStatus(), /*complete=*/false);
      } else if (state_ == State::kBuffered) {
        status = std::move(tail_error_);
        tail_error_ = absl::OkStatus();
        state_ = State::kDone;
      }
      break;
    }
    if (PQresultStatus(result) != PGRES_SINGLE_TUPLE) {
      status = HandleEnd(result);
      if (!status.ok() || result_ended_) break;
      continue;
    }
    if (PQnfields(result) != num_columns) {
      PQclear(result);
      status = core::SqlError(core::sqlstate::kGeneralError,
                              "a row does not have the columns the statement described");
      (void)Close();
      break;
    }
    DecodeResult decoded = DecodeResult::kOk;
    int column = 0;
    if (binary_) {
      for (; column < num_columns; ++column) {
        if (PQgetisnull(result, 0, column)) {
          batch.AppendNull();
          continue;
        }
        decoded =
            DecodeBinary(kinds[column], PQgetvalue(result, 0, column),
                         static_cast<size_t>(PQgetlength(result, 0, column)), context_, batch);
        if (decoded != DecodeResult::kOk) break;
      }
    } else {
      for (; column < num_columns; ++column) {
        if (PQgetisnull(result, 0, column)) {
          batch.AppendNull();
          continue;
        }
        decoded = DecodeText(kinds[column], PQgetvalue(result, 0, column),
                             static_cast<size_t>(PQgetlength(result, 0, column)), batch);
        if (decoded != DecodeResult::kOk) break;
      }
    }
    PQclear(result);
    if (decoded != DecodeResult::kOk) {
      batch.AbandonRow();
      status = RowError(decoded, column);
      (void)Close();
      break;
    }
    batch.FinishRow();
    if (++rows >= max_rows || batch.BytesUsed() >= limits.max_bytes) return true;
  }
  return EndOfFill(std::move(status), rows);
}

absl::StatusOr<bool> PgCursor::EndOfFill(absl::Status status, size_t rows) {
  if (status.ok()) return false;
  // Rows already in the batch are delivered; the error comes next.
  if (rows > 0) {
    deferred_error_ = std::move(status);
    return true;
  }
  return status;
}

absl::Status PgCursor::Close() {
  absl::Status status;
  if (pending_ != nullptr) {
    PQclear(pending_);
    pending_ = nullptr;
  }
  if (copy_ != nullptr) copy_->ReleaseChunk();
  if (state_ == State::kStreaming) {
    PGconn* conn = connection_->pg();
    if (copy_ != nullptr) {
      if (cancel_on_close_ && !CopyEndsWithoutWaiting(conn)) connection_->SendCancel();
      // A failed read leaves the lost connection (or libpq's COPY state) for
      // DrainRemaining to report.
      (void)SkipCopyData(conn);
    } else if (cancel_on_close_ && !DrainAvailable(conn)) {
      connection_->SendCancel();
    }
    status = DrainRemaining(conn, absl::OkStatus(), /*complete=*/false, kQueryCanceled);
    if (core::SqlStateOf(status) != core::sqlstate::kCommunicationLinkFailure) {
      // Errors of a statement the application abandoned are of no interest.
      status = absl::OkStatus();
    }
    connection_->CursorFinished(this);
    connection_ = nullptr;
  }
  for (PGresult* result : buffered_) PQclear(result);
  buffered_.clear();
  if (copy_ != nullptr) copy_->buffered.clear();
  tail_error_ = absl::OkStatus();
  state_ = State::kDone;
  return status;
}

void PgCursor::BufferRemaining() {
  if (state_ != State::kStreaming) return;
  if (copy_ != nullptr) {
    BufferRemainingCopy();
    return;
  }
  PGconn* conn = connection_->pg();
  absl::Status error;
  bool complete = false;
  while (PGresult* result = PQgetResult(conn)) {
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK ||
        status == PGRES_EMPTY_QUERY) {
      complete = complete || status != PGRES_SINGLE_TUPLE;
      buffered_.push_back(result);
      continue;
    }
    if (IsCopy(status)) {
      PQclear(result);
      if (!AbortCopy(conn, status)) {
        if (error.ok()) error = CopyReadError(conn);
        break;
      }
      if (error.ok()) error = CopyNotSupported();
      continue;
    }
    if (error.ok()) error = ResultError(result);
    complete = true;
    PQclear(result);
  }
  tail_error_ = LostConnectionCheck(conn, std::move(error), complete);
  connection_->CursorFinished(this);
  connection_ = nullptr;
  state_ = State::kBuffered;
}

void PgCursor::Orphan() {
  owner_ = nullptr;
  if (pending_ != nullptr) {
    PQclear(pending_);
    pending_ = nullptr;
  }
  if (copy_ != nullptr) copy_->ReleaseChunk();
  connection_ = nullptr;
  state_ = State::kOrphaned;
}

// ---- COPY cursors ----

absl::Status PgCursor::StartCopy() {
  PGresult* first = PQgetResult(connection_->pg());
  if (first == nullptr) return FinishStreaming(absl::OkStatus(), /*complete=*/false);
  // Anything else is an error (or the impossible), which HandleEnd reports.
  if (PQresultStatus(first) != PGRES_COPY_OUT) return HandleEnd(first);
  copy_->started = true;
  const bool as_described =
      static_cast<size_t>(PQnfields(first)) == shape_->kinds.size() && PQbinaryTuples(first) == 1;
  PQclear(first);
  if (!as_described) {
    // Only a concurrent change between the describe and the COPY gets here;
    // the wording makes the connection prepare the statement again.
    (void)Close();
    return core::SqlError("0A000",
                          "the result's columns changed after the statement was described "
                          "(cached plan must not change result type)");
  }
  // Like the prepared path, wait for the first row so that a statement
  // failing before it fails here.
  absl::Status end;
  if (!NextCopyChunk(&end)) return end;
  return absl::OkStatus();
}

bool PgCursor::NextCopyChunk(absl::Status* end) {
  CopyState& copy = *copy_;
  copy.ReleaseChunk();
  if (state_ == State::kStreaming) {
    char* buffer = nullptr;
    const int size = PQgetCopyData(connection_->pg(), &buffer, /*async=*/0);
    if (size <= 0) {
      *end = FinishCopy(/*read_failed=*/size != -1);
      return false;
    }
    copy.chunk = buffer;
    copy.decoder.Feed(buffer, static_cast<size_t>(size));
  } else if (state_ == State::kBuffered && !copy.buffered.empty()) {
    copy.block = std::move(copy.buffered.front());
    copy.buffered.pop_front();
    copy.decoder.Feed(copy.block.data(), copy.block.size());
  } else {
    if (state_ == State::kBuffered) {
      *end = std::move(tail_error_);
      tail_error_ = absl::OkStatus();
      rows_affected_ = copy.buffered_rows_affected;
      if (end->ok() && !copy.decoder.finished()) {
        *end = MalformedCopy("the data ended before its trailer");
      }
    }
    state_ = State::kDone;
    return false;
  }
  copy.need_chunk = false;
  return true;
}

absl::Status PgCursor::ReadCopyEnd(bool read_failed, int64_t* rows_affected) {
  PGconn* conn = connection_->pg();
  absl::Status error;
  bool complete = false;
  while (PGresult* result = PQgetResult(conn)) {
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_COMMAND_OK) {
      *rows_affected = ParseCount(PQcmdTuples(result));
      complete = true;
    } else if (IsErrorResult(status)) {
      if (error.ok()) error = ResultError(result);
      complete = true;
    } else if (IsCopy(status)) {
      // Still in the COPY after a failed read: asking again would loop.
      PQclear(result);
      if (error.ok()) error = CopyReadError(conn);
      break;
    }
    PQclear(result);
  }
  // The server's own error explains a failed read better than libpq's.
  if (read_failed && error.ok()) error = CopyReadError(conn);
  return LostConnectionCheck(conn, std::move(error), complete);
}

absl::Status PgCursor::FinishCopy(bool read_failed) {
  absl::Status status = ReadCopyEnd(read_failed, &rows_affected_);
  if (status.ok() && !copy_->decoder.finished()) {
    status = MalformedCopy("the data ended before its trailer");
  }
  connection_->CursorFinished(this);
  connection_ = nullptr;
  state_ = State::kDone;
  return status;
}

absl::StatusOr<bool> PgCursor::FillCopy(rowstore::RowBatch& batch,
                                        const rowstore::BatchLimits& limits) {
  using Step = CopyBinaryDecoder::Step;
  CopyState& copy = *copy_;
  const size_t max_rows = limits.max_rows > 0 ? limits.max_rows : 1;
  size_t rows = 0;
  absl::Status status;
  while (true) {
    if (copy.need_chunk && !NextCopyChunk(&status)) break;
    const Step step = copy.decoder.Next(batch);
    if (step == Step::kRow) {
      if (++rows >= max_rows || batch.BytesUsed() >= limits.max_bytes) return true;
      continue;
    }
    if (step == Step::kNeedData || step == Step::kEnd) {
      // After the trailer the next read should report the end of the data.
      copy.need_chunk = true;
      continue;
    }
    status = step == Step::kBadValue
                 ? RowError(copy.decoder.bad_result(), copy.decoder.bad_column())
                 : MalformedCopy(copy.decoder.error());
    (void)Close();
    break;
  }
  return EndOfFill(std::move(status), rows);
}

void PgCursor::BufferRemainingCopy() {
  PGconn* conn = connection_->pg();
  CopyState& copy = *copy_;
  char* buffer = nullptr;
  int size;
  while ((size = PQgetCopyData(conn, &buffer, /*async=*/0)) > 0) {
    const auto length = static_cast<size_t>(size);
    if (copy.buffered.empty() || copy.buffered.back().size() + length > kCopyBlockSize) {
      copy.buffered.emplace_back().reserve(std::max(kCopyBlockSize, length));
    }
    copy.buffered.back().append(buffer, length);
    PQfreemem(buffer);
  }
  tail_error_ = ReadCopyEnd(/*read_failed=*/size != -1, &copy.buffered_rows_affected);
  connection_->CursorFinished(this);
  connection_ = nullptr;
  state_ = State::kBuffered;
}

}  // namespace quietfetch::pg
