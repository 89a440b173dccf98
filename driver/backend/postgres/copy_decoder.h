// Decodes the stream of COPY ... TO STDOUT (FORMAT binary) into RowBatch
// rows, one tuple at a time, with the binary value decoders (a field's bytes
// are what the type's send function produces, as in binary results).
//
// The stream is an 11-byte signature, an int32 flags word and an int32
// header extension length (the extension is skipped), then per tuple an
// int16 field count (-1: the trailer, which ends the stream) and per field
// an int32 length (-1: NULL) followed by that many bytes; integers are in
// network byte order.
//
// The server sends one CopyData message per tuple (the header rides with the
// first), but the protocol lets message boundaries fall anywhere, so a
// header or tuple cut short at the end of a chunk is kept until the next
// chunk completes it. Every read is bounds-checked: malformed input is
// reported, never read past.
#ifndef QUIETFETCH_DRIVER_BACKEND_POSTGRES_COPY_DECODER_H_
#define QUIETFETCH_DRIVER_BACKEND_POSTGRES_COPY_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "driver/backend/postgres/pg_types.h"
#include "driver/backend/postgres/value_decoder.h"
#include "driver/rowstore/row_batch.h"

namespace quietfetch::pg {

class CopyBinaryDecoder {
 public:
  enum class Step : uint8_t {
    kRow,        // one row appended to the batch and finished
    kNeedData,   // the chunk is used up: Feed the next one
    kEnd,        // the trailer was read; nothing may follow
    kMalformed,  // the stream is not valid binary COPY data (see error())
    kBadValue,   // a field did not decode (see bad_column(), bad_result())
  };

  // `kinds` (one per column, each with a binary decoder) and `context` must
  // outlive the decoder.
  CopyBinaryDecoder(std::span<const ValueKind> kinds, const DecodeContext* context);
  CopyBinaryDecoder(const CopyBinaryDecoder&) = delete;
  CopyBinaryDecoder& operator=(const CopyBinaryDecoder&) = delete;

  // Sets the next chunk of the stream, once Next() has asked for it (or
  // before the first call). The bytes must stay valid until Next() returns
  // anything but kRow; an incomplete tail is copied, so the caller may free
  // the chunk then.
  void Feed(const char* data, size_t size);

  // Decodes the next tuple of the current chunk. After kMalformed or
  // kBadValue the decoder stays failed. A kBadValue row is abandoned.
  Step Next(rowstore::RowBatch& batch);

  // The trailer was read (bytes after it make Next() fail).
  bool finished() const { return state_ == State::kEnded; }
  // Bytes of an unfinished header or tuple are waiting for more data.
  bool has_partial_data() const { return !carry_.empty(); }
  const std::string& error() const { return error_; }
  int bad_column() const { return bad_column_; }
  DecodeResult bad_result() const { return bad_result_; }
  int64_t rows() const { return rows_; }

 private:
  enum class State : uint8_t { kHeader, kTuples, kEnded, kFailed };

  Step Fail(std::string message);
  Step BadValue(rowstore::RowBatch& batch, int column, DecodeResult result);
  // Consumes the header if all of it is in the input (then returns kRow,
  // meaning "go on"); kNeedData or kMalformed otherwise.
  Step ReadHeader();
  // Keeps the unread rest of the input for the next chunk.
  Step KeepRest();

  std::span<const ValueKind> kinds_;
  const DecodeContext* context_;
  State state_ = State::kHeader;
  Step failure_ = Step::kMalformed;  // what Next() keeps returning once failed
  const char* input_ = nullptr;      // current chunk, or carry_
  size_t input_size_ = 0;
  size_t pos_ = 0;
  std::string carry_;  // an incomplete header or tuple, then the chunks completing it
  std::vector<std::pair<size_t, int32_t>> fields_;  // offset and length of each field
  std::string error_;
  int bad_column_ = -1;
  DecodeResult bad_result_ = DecodeResult::kOk;
  int64_t rows_ = 0;
};

}  // namespace quietfetch::pg

#endif  // QUIETFETCH_DRIVER_BACKEND_POSTGRES_COPY_DECODER_H_
