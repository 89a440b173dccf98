#include "driver/backend/postgres/pg_types.h"

#include <algorithm>
#include <array>

namespace quietfetch::pg {
namespace {

using K = ValueKind;

// Sorted by OID for binary search. Types without a canonical form are listed
// so that they still get their proper name without a catalog lookup.
constexpr std::array kBuiltinTypes = std::to_array<TypeInfo>({
    {16, "bool", K::kBool},
    {17, "bytea", K::kBytes},
    {18, "char", K::kChar},
    {19, "name", K::kText},
    {20, "int8", K::kInt8},
    {21, "int2", K::kInt2},
    {23, "int4", K::kInt4},
    {24, "regproc", K::kUnknownText},
    {25, "text", K::kText},
    {26, "oid", K::kOid},
    {27, "tid", K::kUnknownText},
    {28, "xid", K::kUnknownText},
    {29, "cid", K::kUnknownText},
    {114, "json", K::kJson},
    {142, "xml", K::kText},
    {143, "_xml", K::kUnknownText},
    {199, "_json", K::kUnknownText},
    {600, "point", K::kUnknownText},
    {601, "lseg", K::kUnknownText},
    {602, "path", K::kUnknownText},
    {603, "box", K::kUnknownText},
    {604, "polygon", K::kUnknownText},
    {628, "line", K::kUnknownText},
    {650, "cidr", K::kUnknownText},
    {651, "_cidr", K::kUnknownText},
    {700, "float4", K::kFloat4},
    {701, "float8", K::kFloat8},
    {705, "unknown", K::kText},
    {718, "circle", K::kUnknownText},
    {774, "macaddr8", K::kUnknownText},
    {790, "money", K::kUnknownText},
    {791, "_money", K::kUnknownText},
    {829, "macaddr", K::kUnknownText},
    {869, "inet", K::kUnknownText},
    {1000, "_bool", K::kUnknownText},
    {1001, "_bytea", K::kUnknownText},
    {1002, "_char", K::kUnknownText},
    {1003, "_name", K::kUnknownText},
    {1005, "_int2", K::kUnknownText},
    {1007, "_int4", K::kUnknownText},
    {1009, "_text", K::kUnknownText},
    {1014, "_bpchar", K::kUnknownText},
    {1015, "_varchar", K::kUnknownText},
    {1016, "_int8", K::kUnknownText},
    {1021, "_float4", K::kUnknownText},
    {1022, "_float8", K::kUnknownText},
    {1028, "_oid", K::kUnknownText},
    {1040, "_macaddr", K::kUnknownText},
    {1041, "_inet", K::kUnknownText},
    {1042, "bpchar", K::kText},
    {1043, "varchar", K::kText},
    {1082, "date", K::kDate},
    {1083, "time", K::kTime},
    {1114, "timestamp", K::kTimestamp},
    {1115, "_timestamp", K::kUnknownText},
    {1182, "_date", K::kUnknownText},
    {1183, "_time", K::kUnknownText},
    {1184, "timestamptz", K::kTimestampTz},
    {1185, "_timestamptz", K::kUnknownText},
    {1186, "interval", K::kUnknownText},
    {1187, "_interval", K::kUnknownText},
    {1231, "_numeric", K::kUnknownText},
    {1266, "timetz", K::kUnknownText},
    {1270, "_timetz", K::kUnknownText},
    {1560, "bit", K::kUnknownText},
    {1562, "varbit", K::kUnknownText},
    {1700, "numeric", K::kNumeric},
    {1790, "refcursor", K::kText},
    {2202, "regprocedure", K::kUnknownText},
    {2203, "regoper", K::kUnknownText},
    {2204, "regoperator", K::kUnknownText},
    {2205, "regclass", K::kUnknownText},
    {2206, "regtype", K::kUnknownText},
    {2249, "record", K::kUnknownText},
    {2275, "cstring", K::kUnknownText},
    {2278, "void", K::kUnknownText},
    {2287, "_record", K::kUnknownText},
    {2950, "uuid", K::kUuid},
    {2951, "_uuid", K::kUnknownText},
    {3220, "pg_lsn", K::kUnknownText},
    {3614, "tsvector", K::kUnknownText},
    {3615, "tsquery", K::kUnknownText},
    {3734, "regconfig", K::kUnknownText},
    {3769, "regdictionary", K::kUnknownText},
    {3802, "jsonb", K::kJsonb},
    {3807, "_jsonb", K::kUnknownText},
    {3904, "int4range", K::kUnknownText},
    {3906, "numrange", K::kUnknownText},
    {3908, "tsrange", K::kUnknownText},
    {3910, "tstzrange", K::kUnknownText},
    {3912, "daterange", K::kUnknownText},
    {3926, "int8range", K::kUnknownText},
    {4072, "jsonpath", K::kUnknownText},
    {4089, "regnamespace", K::kUnknownText},
    {4096, "regrole", K::kUnknownText},
    {4451, "int4multirange", K::kUnknownText},
    {4532, "nummultirange", K::kUnknownText},
    {4533, "tsmultirange", K::kUnknownText},
    {4534, "tstzmultirange", K::kUnknownText},
    {4535, "datemultirange", K::kUnknownText},
    {4536, "int8multirange", K::kUnknownText},
    {5069, "xid8", K::kUnknownText},
});

static_assert(std::is_sorted(kBuiltinTypes.begin(), kBuiltinTypes.end(),
                             [](const TypeInfo& a, const TypeInfo& b) { return a.oid < b.oid; }));

// PostgreSQL stores a typmod of varchar(n)/numeric(p,s) offset by the varlena
// header size.
constexpr int32_t kVarHeaderSize = 4;
// Unconstrained time and timestamp values keep microseconds.
constexpr int16_t kDefaultSecondsDigits = 6;

}  // namespace

const TypeInfo* FindBuiltinType(uint32_t type_oid) {
  const auto it =
      std::lower_bound(kBuiltinTypes.begin(), kBuiltinTypes.end(), type_oid,
                       [](const TypeInfo& info, uint32_t value) { return info.oid < value; });
  if (it == kBuiltinTypes.end() || it->oid != type_oid) return nullptr;
  return &*it;
}

backend::LogicalType LogicalTypeOf(ValueKind kind) {
  using L = backend::LogicalType;
  switch (kind) {
    case K::kBool:
      return L::kBool;
    case K::kInt2:
      return L::kInt16;
    case K::kInt4:
      return L::kInt32;
    case K::kInt8:
    case K::kOid:
      return L::kInt64;
    case K::kFloat4:
      return L::kFloat32;
    case K::kFloat8:
      return L::kFloat64;
    case K::kNumeric:
      return L::kNumeric;
    case K::kText:
    case K::kChar:
      return L::kText;
    case K::kBytes:
      return L::kBytes;
    case K::kDate:
      return L::kDate;
    case K::kTime:
      return L::kTime;
    case K::kTimestamp:
      return L::kTimestamp;
    case K::kTimestampTz:
      return L::kTimestampTz;
    case K::kUuid:
      return L::kUuid;
    case K::kJson:
    case K::kJsonb:
      return L::kJson;
    case K::kUnknownText:
      return L::kUnknown;
  }
  return L::kUnknown;
}

void ApplyTypmod(uint32_t type_oid, int32_t typmod, backend::ColumnInfo& column) {
  switch (type_oid) {
    case oid::kVarchar:
    case oid::kBpchar:
      if (typmod >= kVarHeaderSize) column.size = typmod - kVarHeaderSize;
      break;
    case oid::kName:
      column.size = 63;  // NAMEDATALEN - 1
      break;
    case oid::kChar:
      column.size = 1;
      break;
    case oid::kBit:
    case oid::kVarbit:
      if (typmod > 0) column.size = typmod;
      break;
    case oid::kNumeric:
      if (typmod >= kVarHeaderSize) {
        const int32_t packed = typmod - kVarHeaderSize;
        column.precision = static_cast<int16_t>((packed >> 16) & 0xffff);
        // The scale is an 11-bit signed field (negative scales since PG 15).
        column.scale = static_cast<int16_t>(((packed & 0x7ff) ^ 1024) - 1024);
      }
      break;
    case oid::kTime:
    case oid::kTimeTz:
    case oid::kTimestamp:
    case oid::kTimestampTz:
      column.scale = typmod >= 0 ? static_cast<int16_t>(typmod) : kDefaultSecondsDigits;
      break;
    case oid::kInterval: {
      // Low 16 bits: fractional digits, 0xffff when unconstrained.
      const int32_t digits = typmod >= 0 ? (typmod & 0xffff) : 0xffff;
      column.scale = digits == 0xffff ? kDefaultSecondsDigits : static_cast<int16_t>(digits);
      break;
    }
    default:
      break;
  }
}

uint32_t ParamTypeOid(backend::LogicalType type) {
  using L = backend::LogicalType;
  switch (type) {
    case L::kUnknown:
      return 0;
    case L::kBool:
      return oid::kBool;
    case L::kInt16:
      return oid::kInt2;
    case L::kInt32:
      return oid::kInt4;
    case L::kInt64:
      return oid::kInt8;
    case L::kFloat32:
      return oid::kFloat4;
    case L::kFloat64:
      return oid::kFloat8;
    case L::kNumeric:
      return oid::kNumeric;
    case L::kText:
      return oid::kText;
    case L::kBytes:
      return oid::kBytea;
    case L::kDate:
      return oid::kDate;
    case L::kTime:
      return oid::kTime;
    case L::kTimestamp:
      return oid::kTimestamp;
    case L::kTimestampTz:
      return oid::kTimestampTz;
    case L::kUuid:
      return oid::kUuid;
    case L::kJson:
      return oid::kJson;
  }
  return 0;
}

}  // namespace quietfetch::pg
