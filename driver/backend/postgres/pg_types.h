// PostgreSQL type knowledge: which built-in type OIDs map to which canonical
// backend::LogicalType and decoder, what a column's typmod says about its
// size/precision/scale, and which OID and format a parameter is sent with.
//
// Every ValueKind has a text decoder; all but kUnknownText have a binary one
// (see value_decoder.h). Types outside the built-in table are resolved by the
// connection (enums and text-like extension types become kText) or fall back
// to kUnknownText, the server's text output.
#ifndef QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_TYPES_H_
#define QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_TYPES_H_

#include <cstdint>
#include <string_view>

#include "driver/backend/backend.h"

namespace quietfetch::pg {

enum class ValueKind : uint8_t {
  kBool,
  kInt2,
  kInt4,
  kInt8,
  kOid,  // unsigned 32-bit, reported as kInt64
  kFloat4,
  kFloat8,
  kNumeric,
  kText,  // also json text in text mode, enums, xml, name, bpchar
  kChar,  // "char": one byte, where the byte 0 is the empty string
  kBytes,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
  kUuid,
  kJson,
  kJsonb,        // binary form has a leading version byte
  kUnknownText,  // text mode only: the server's output, as kUnknown
};

// Type OIDs the backend refers to by name.
namespace oid {
inline constexpr uint32_t kBool = 16;
inline constexpr uint32_t kBytea = 17;
inline constexpr uint32_t kChar = 18;
inline constexpr uint32_t kName = 19;
inline constexpr uint32_t kInt8 = 20;
inline constexpr uint32_t kInt2 = 21;
inline constexpr uint32_t kInt4 = 23;
inline constexpr uint32_t kText = 25;
inline constexpr uint32_t kOid = 26;
inline constexpr uint32_t kJson = 114;
inline constexpr uint32_t kXml = 142;
inline constexpr uint32_t kFloat4 = 700;
inline constexpr uint32_t kFloat8 = 701;
inline constexpr uint32_t kUnknown = 705;
inline constexpr uint32_t kBpchar = 1042;
inline constexpr uint32_t kVarchar = 1043;
inline constexpr uint32_t kDate = 1082;
inline constexpr uint32_t kTime = 1083;
inline constexpr uint32_t kTimestamp = 1114;
inline constexpr uint32_t kTimestampTz = 1184;
inline constexpr uint32_t kInterval = 1186;
inline constexpr uint32_t kTimeTz = 1266;
inline constexpr uint32_t kBit = 1560;
inline constexpr uint32_t kVarbit = 1562;
inline constexpr uint32_t kNumeric = 1700;
inline constexpr uint32_t kUuid = 2950;
inline constexpr uint32_t kJsonb = 3802;
}  // namespace oid

struct TypeInfo {
  uint32_t oid = 0;
  std::string_view name;
  ValueKind kind = ValueKind::kUnknownText;
};

// The built-in type with this OID, or null.
const TypeInfo* FindBuiltinType(uint32_t type_oid);

backend::LogicalType LogicalTypeOf(ValueKind kind);

inline bool HasBinaryDecoder(ValueKind kind) { return kind != ValueKind::kUnknownText; }

// Fills size/precision/scale of `column` from its type OID and typmod.
void ApplyTypmod(uint32_t type_oid, int32_t typmod, backend::ColumnInfo& column);

// The OID a parameter of `type` is declared with (0: the server infers it).
uint32_t ParamTypeOid(backend::LogicalType type);

// Whether a parameter of `type` is sent in binary format (its raw bytes).
inline bool SendsBinary(backend::LogicalType type) { return type == backend::LogicalType::kBytes; }

}  // namespace quietfetch::pg

#endif  // QUIETFETCH_DRIVER_BACKEND_POSTGRES_PG_TYPES_H_
