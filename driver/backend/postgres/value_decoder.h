// Decoders from PostgreSQL's wire formats (binary and text) to the canonical
// cell values of backend::LogicalType, appended to a RowBatch.
//
// Every read is bounds-checked: a short, long or malformed value yields
// kMalformed and never reads outside [data, data + size). On failure a cell
// may or may not have been appended; the caller abandons the row.
//
// Choices the canonical form forces:
//  - date/timestamp +-infinity have no ODBC value; they are clamped to
//    9999-12-31 (23:59:59.999999) and 0001-01-01 (00:00:00). Finite values
//    outside that range pass through unchanged.
//  - timestamptz is shifted into the session zone (DecodeContext::zone) in
//    binary mode; the server's text output already is local time, so the
//    text decoder drops the printed offset.
//  - a finite timestamp that does not fit int64 microseconds since 1970 is
//    kOutOfRange (22008).
// Text decoders expect DateStyle ISO and bytea in hex or escape output.
#ifndef QUIETFETCH_DRIVER_BACKEND_POSTGRES_VALUE_DECODER_H_
#define QUIETFETCH_DRIVER_BACKEND_POSTGRES_VALUE_DECODER_H_

#include <cstddef>
#include <cstdint>

#include "driver/backend/postgres/pg_types.h"
#include "driver/backend/postgres/time_zone.h"
#include "driver/rowstore/row_batch.h"

namespace quietfetch::pg {

enum class DecodeResult : uint8_t { kOk, kMalformed, kOutOfRange };

struct DecodeContext {
  const TimeZone* zone = nullptr;  // required for binary kTimestampTz
};

// Clamped values for +-infinity (see above).
inline constexpr int64_t kMaxDateDays = 2932896;                    // 9999-12-31
inline constexpr int64_t kMinDateDays = -719162;                    // 0001-01-01
inline constexpr int64_t kMaxTimestampMicros = 253402300799999999;  // 9999-12-31 23:59:59.999999
inline constexpr int64_t kMinTimestampMicros = -62135596800000000;  // 0001-01-01 00:00:00

// `kind` must have a binary decoder (HasBinaryDecoder).
DecodeResult DecodeBinary(ValueKind kind, const char* data, size_t size,
                          const DecodeContext& context, rowstore::RowBatch& batch);

DecodeResult DecodeText(ValueKind kind, const char* data, size_t size, rowstore::RowBatch& batch);

}  // namespace quietfetch::pg

#endif  // QUIETFETCH_DRIVER_BACKEND_POSTGRES_VALUE_DECODER_H_
