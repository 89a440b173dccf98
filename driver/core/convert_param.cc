// Parameter-side conversions (application buffer -> backend::Param), the
// ReadParam/ReadParamBytes half of convert.h.
//
// Choices:
//  - Character data bound to a number, date, time, uuid or interval SQL type
//    is passed through unchanged with that type: the server parses it and
//    reports its own error (22P02 etc.), which is more precise than ours.
//    Only SQL_BIT parses it here ("1"/"0"/"t"/"f"/"true"/"yes"/"on"... ->
//    "t"/"f") because ODBC's bit rules (22001/22003) differ from PG's.
//  - Character data bound to a binary SQL type is sent as its raw bytes (not
//    hex-decoded); binary data bound to a character type likewise.
//  - Numbers into integer SQL types drop a fraction silently (ODBC's "n/a"
//    case) and are 22003 when out of the SQL type's range. SQL_TINYINT takes
//    -128..255: PostgreSQL has no tinyint, and both signed and unsigned
//    applications should work.
//  - Floats are sent as PostgreSQL would print them (shortest round-trip);
//    SQL_C_FLOAT values keep float precision ("0.1", not "0.100000001490116").
//  - SQL_NUMERIC_STRUCT uses the struct's own scale (ParamSource carries no
//    APD scale) and keeps it: val 12340, scale 3 -> "12.340".
//  - Timestamps are "YYYY-MM-DD HH:MM:SS[.fffffffff]" with the fraction's
//    trailing zeros trimmed; nanoseconds beyond PG's microseconds are sent
//    and the server rounds them. A timestamp struct bound to SQL_TYPE_TIME
//    keeps its fraction (PG's time has microseconds), to SQL_TYPE_DATE it is
//    22008 unless the time is midnight (ODBC). A time struct bound to a
//    timestamp takes today's local date (ODBC).
//  - Invalid structs: dates and times 22008, timestamps 22007 (ODBC's
//    tables); years below 1 are invalid (the structs cannot say BC).
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>

#include "driver/core/convert.h"
#include "driver/core/convert_format.h"
#include "driver/core/status.h"
#include "driver/core/unicode.h"

namespace quietfetch::core {
namespace {

using backend::LogicalType;
using backend::Param;
namespace ci = convert_internal;

__extension__ typedef unsigned __int128 Uint128;

enum class SqlClass {
  kChar,
  kBit,
  kInteger,
  kReal,
  kDouble,
  kNumeric,
  kDate,
  kTime,
  kTimestamp,
  kBinary,
  kGuid,
  kInterval,
  kInvalid,
};

SqlClass ClassifySqlType(SQLSMALLINT sql_type) {
  switch (sql_type) {
    case SQL_CHAR:
    case SQL_VARCHAR:
    case SQL_LONGVARCHAR:
    case SQL_WCHAR:
    case SQL_WVARCHAR:
    case SQL_WLONGVARCHAR:
      return SqlClass::kChar;
    case SQL_BIT:
      return SqlClass::kBit;
    case SQL_TINYINT:
    case SQL_SMALLINT:
    case SQL_INTEGER:
    case SQL_BIGINT:
      return SqlClass::kInteger;
    case SQL_REAL:
      return SqlClass::kReal;
    case SQL_FLOAT:
    case SQL_DOUBLE:
      return SqlClass::kDouble;
    case SQL_NUMERIC:
    case SQL_DECIMAL:
      return SqlClass::kNumeric;
    case SQL_TYPE_DATE:
    case SQL_DATE:
      return SqlClass::kDate;
    case SQL_TYPE_TIME:
    case SQL_TIME:
      return SqlClass::kTime;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
      return SqlClass::kTimestamp;
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY:
      return SqlClass::kBinary;
    case SQL_GUID:
      return SqlClass::kGuid;
    case SQL_INTERVAL_YEAR:
    case SQL_INTERVAL_MONTH:
    case SQL_INTERVAL_DAY:
    case SQL_INTERVAL_HOUR:
    case SQL_INTERVAL_MINUTE:
    case SQL_INTERVAL_SECOND:
    case SQL_INTERVAL_YEAR_TO_MONTH:
    case SQL_INTERVAL_DAY_TO_HOUR:
    case SQL_INTERVAL_DAY_TO_MINUTE:
    case SQL_INTERVAL_DAY_TO_SECOND:
    case SQL_INTERVAL_HOUR_TO_MINUTE:
    case SQL_INTERVAL_HOUR_TO_SECOND:
    case SQL_INTERVAL_MINUTE_TO_SECOND:
      return SqlClass::kInterval;
    default:
      return SqlClass::kInvalid;
  }
}

LogicalType ParamTypeFor(SQLSMALLINT sql_type) {
  switch (sql_type) {
    case SQL_BIT:
      return LogicalType::kBool;
    case SQL_TINYINT:
    case SQL_SMALLINT:
      return LogicalType::kInt16;
    case SQL_INTEGER:
      return LogicalType::kInt32;
    case SQL_BIGINT:
      return LogicalType::kInt64;
    case SQL_REAL:
      return LogicalType::kFloat32;
    case SQL_FLOAT:
    case SQL_DOUBLE:
      return LogicalType::kFloat64;
    case SQL_NUMERIC:
    case SQL_DECIMAL:
      return LogicalType::kNumeric;
    case SQL_TYPE_DATE:
    case SQL_DATE:
      return LogicalType::kDate;
    case SQL_TYPE_TIME:
    case SQL_TIME:
      return LogicalType::kTime;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
      return LogicalType::kTimestamp;
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY:
      return LogicalType::kBytes;
    case SQL_GUID:
      return LogicalType::kUuid;
    default:
      return LogicalType::kUnknown;
  }
}

// The C type SQL_C_DEFAULT stands for with a parameter of `sql_type`.
SQLSMALLINT DefaultCTypeForSql(SQLSMALLINT sql_type) {
  switch (sql_type) {
    case SQL_WCHAR:
    case SQL_WVARCHAR:
    case SQL_WLONGVARCHAR:
      return SQL_C_WCHAR;
    case SQL_BIT:
      return SQL_C_BIT;
    case SQL_TINYINT:
      return SQL_C_STINYINT;
    case SQL_SMALLINT:
      return SQL_C_SSHORT;
    case SQL_INTEGER:
      return SQL_C_SLONG;
    case SQL_BIGINT:
      return SQL_C_SBIGINT;
    case SQL_REAL:
      return SQL_C_FLOAT;
    case SQL_FLOAT:
    case SQL_DOUBLE:
      return SQL_C_DOUBLE;
    case SQL_TYPE_DATE:
    case SQL_DATE:
      return SQL_C_TYPE_DATE;
    case SQL_TYPE_TIME:
    case SQL_TIME:
      return SQL_C_TYPE_TIME;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
      return SQL_C_TYPE_TIMESTAMP;
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY:
      return SQL_C_BINARY;
    case SQL_GUID:
      return SQL_C_GUID;
    default:
      return SQL_C_CHAR;
  }
}

// Byte size of a fixed-size C type; 0 for character/binary; -1 for a C type
// that is valid but not supported here; -2 for an invalid one.
int FixedSize(SQLSMALLINT c_type) {
  switch (c_type) {
    case SQL_C_CHAR:
    case SQL_C_WCHAR:
    case SQL_C_BINARY:
      return 0;
    case SQL_C_BIT:
    case SQL_C_STINYINT:
    case SQL_C_UTINYINT:
    case SQL_C_TINYINT:
      return 1;
    case SQL_C_SSHORT:
    case SQL_C_USHORT:
    case SQL_C_SHORT:
      return 2;
    case SQL_C_SLONG:
    case SQL_C_ULONG:
    case SQL_C_LONG:
      return 4;
    case SQL_C_SBIGINT:
    case SQL_C_UBIGINT:
      return 8;
    case SQL_C_FLOAT:
      return sizeof(SQLREAL);
    case SQL_C_DOUBLE:
      return sizeof(SQLDOUBLE);
    case SQL_C_NUMERIC:
      return sizeof(SQL_NUMERIC_STRUCT);
    case SQL_C_TYPE_DATE:
    case SQL_C_DATE:
      return sizeof(SQL_DATE_STRUCT);
    case SQL_C_TYPE_TIME:
    case SQL_C_TIME:
      return sizeof(SQL_TIME_STRUCT);
    case SQL_C_TYPE_TIMESTAMP:
    case SQL_C_TIMESTAMP:
      return sizeof(SQL_TIMESTAMP_STRUCT);
    case SQL_C_GUID:
      return sizeof(SQLGUID);
    case SQL_C_INTERVAL_YEAR:
    case SQL_C_INTERVAL_MONTH:
    case SQL_C_INTERVAL_DAY:
    case SQL_C_INTERVAL_HOUR:
    case SQL_C_INTERVAL_MINUTE:
    case SQL_C_INTERVAL_SECOND:
    case SQL_C_INTERVAL_YEAR_TO_MONTH:
    case SQL_C_INTERVAL_DAY_TO_HOUR:
    case SQL_C_INTERVAL_DAY_TO_MINUTE:
    case SQL_C_INTERVAL_DAY_TO_SECOND:
    case SQL_C_INTERVAL_HOUR_TO_MINUTE:
    case SQL_C_INTERVAL_HOUR_TO_SECOND:
    case SQL_C_INTERVAL_MINUTE_TO_SECOND:
      return -1;
    default:
      return -2;
  }
}

absl::Status Restricted(SQLSMALLINT c_type, SQLSMALLINT sql_type) {
  return SqlError(sqlstate::kRestrictedDataType,
                  "Restricted data type attribute violation: C type " + std::to_string(c_type) +
                      " cannot be sent as SQL type " + std::to_string(sql_type));
}

absl::Status OutOfRange() {
  return SqlError(sqlstate::kNumericOutOfRange, "Numeric value out of range");
}

absl::Status InvalidLength() {
  return SqlError(sqlstate::kInvalidBufferLength, "Invalid string or buffer length");
}

// What the application's buffer holds, before it meets the SQL type.
struct CValue {
  enum class Kind { kText, kBytes, kExact, kDouble, kDecimal, kDate, kTime, kTimestamp, kGuid };
  Kind kind = Kind::kText;
  std::string text;             // kText (UTF-8), kBytes (raw), kDecimal (decimal text)
  ci::IntegerPart exact;        // kExact
  double real = 0;              // kDouble
  bool single = false;          // kDouble held a float
  ci::DateTimeFields fields;    // kDate, kTime, kTimestamp
  unsigned char guid[16] = {};  // kGuid
};

template <typename T>
T Load(std::string_view data) {
  T value;
  std::memcpy(&value, data.data(), sizeof(T));
  return value;
}

template <typename T>
ci::IntegerPart ExactOf(T value) {
  ci::IntegerPart part;
  if constexpr (std::numeric_limits<T>::is_signed) {
    part.negative = value < 0;
    part.magnitude = part.negative ? 0 - static_cast<uint64_t>(static_cast<int64_t>(value))
                                   : static_cast<uint64_t>(value);
  } else {
    part.magnitude = static_cast<uint64_t>(value);
  }
  return part;
}

std::string NumericStructText(const SQL_NUMERIC_STRUCT& numeric) {
  Uint128 value = 0;
  for (int i = SQL_MAX_NUMERIC_LEN - 1; i >= 0; --i) value = value << 8 | numeric.val[i];
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  bool zero = digits == "0";
  int scale = numeric.scale;
  if (scale > 0) {
    while (digits.size() <= static_cast<size_t>(scale)) digits.push_back('0');
    digits.insert(digits.begin() + scale, '.');
  }
  std::string text = numeric.sign == 0 && !zero ? "-" : "";
  text.append(digits.rbegin(), digits.rend());
  if (scale < 0 && !zero) text.append(static_cast<size_t>(-scale), '0');
  return text;
}

absl::StatusOr<CValue> ReadCValue(SQLSMALLINT c_type, std::string_view data) {
  int size = FixedSize(c_type);
  if (size > 0 && data.size() < static_cast<size_t>(size)) return InvalidLength();
  CValue value;
  switch (c_type) {
    case SQL_C_CHAR:
      value.text.assign(data);
      return value;
    case SQL_C_WCHAR: {
      if (data.size() % 2 != 0) return InvalidLength();
      std::u16string units(data.size() / 2, u'\0');
      if (!data.empty()) std::memcpy(units.data(), data.data(), data.size());
      value.text = Utf16ToUtf8(units.data(), units.size());
      return value;
    }
    case SQL_C_BINARY:
      value.kind = CValue::Kind::kBytes;
      value.text.assign(data);
      return value;
    case SQL_C_BIT:
    case SQL_C_UTINYINT:
      value.kind = CValue::Kind::kExact;
      value.exact = ExactOf(Load<SQLCHAR>(data));
      return value;
    case SQL_C_STINYINT:
    case SQL_C_TINYINT:
      value.kind = CValue::Kind::kExact;
      value.exact = ExactOf(Load<SQLSCHAR>(data));
      return value;
    case SQL_C_SSHORT:
    case SQL_C_SHORT:
      value.kind = CValue::Kind::kExact;
      value.exact = ExactOf(Load<SQLSMALLINT>(data));
      return value;
    case SQL_C_USHORT:
      value.kind = CValue::Kind::kExact;
      value.exact = ExactOf(Load<SQLUSMALLINT>(data));
      return value;
    case SQL_C_SLONG:
    case SQL_C_LONG:
      value.kind = CValue::Kind::kExact;
      value.exact = ExactOf(Load<SQLINTEGER>(data));
      return value;
    case SQL_C_ULONG:
      value.kind = CValue::Kind::kExact;
      value.exact = ExactOf(Load<SQLUINTEGER>(data));
      return value;
    case SQL_C_SBIGINT:
      value.kind = CValue::Kind::kExact;
      value.exact = ExactOf(Load<SQLBIGINT>(data));
      return value;
    case SQL_C_UBIGINT:
      value.kind = CValue::Kind::kExact;
      value.exact = ExactOf(Load<SQLUBIGINT>(data));
      return value;
    case SQL_C_FLOAT:
      value.kind = CValue::Kind::kDouble;
      value.real = Load<SQLREAL>(data);
      value.single = true;
      return value;
    case SQL_C_DOUBLE:
      value.kind = CValue::Kind::kDouble;
      value.real = Load<SQLDOUBLE>(data);
      return value;
    case SQL_C_NUMERIC:
      value.kind = CValue::Kind::kDecimal;
      value.text = NumericStructText(Load<SQL_NUMERIC_STRUCT>(data));
      return value;
    case SQL_C_TYPE_DATE:
    case SQL_C_DATE: {
      auto date = Load<SQL_DATE_STRUCT>(data);
      value.kind = CValue::Kind::kDate;
      value.fields.has_date = true;
      value.fields.year = date.year;
      value.fields.month = date.month;
      value.fields.day = date.day;
      return value;
    }
    case SQL_C_TYPE_TIME:
    case SQL_C_TIME: {
      auto time = Load<SQL_TIME_STRUCT>(data);
      value.kind = CValue::Kind::kTime;
      value.fields.has_time = true;
      value.fields.hour = time.hour;
      value.fields.minute = time.minute;
      value.fields.second = time.second;
      return value;
    }
    case SQL_C_TYPE_TIMESTAMP:
    case SQL_C_TIMESTAMP: {
      auto timestamp = Load<SQL_TIMESTAMP_STRUCT>(data);
      value.kind = CValue::Kind::kTimestamp;
      value.fields.has_date = true;
      value.fields.has_time = true;
      value.fields.year = timestamp.year;
      value.fields.month = timestamp.month;
      value.fields.day = timestamp.day;
      value.fields.hour = timestamp.hour;
      value.fields.minute = timestamp.minute;
      value.fields.second = timestamp.second;
      value.fields.nanos = timestamp.fraction;
      return value;
    }
    case SQL_C_GUID: {
      auto guid = Load<SQLGUID>(data);
      value.kind = CValue::Kind::kGuid;
      auto data1 = static_cast<uint32_t>(guid.Data1);
      value.guid[0] = static_cast<unsigned char>(data1 >> 24);
      value.guid[1] = static_cast<unsigned char>(data1 >> 16);
      value.guid[2] = static_cast<unsigned char>(data1 >> 8);
      value.guid[3] = static_cast<unsigned char>(data1);
      value.guid[4] = static_cast<unsigned char>(guid.Data2 >> 8);
      value.guid[5] = static_cast<unsigned char>(guid.Data2);
      value.guid[6] = static_cast<unsigned char>(guid.Data3 >> 8);
      value.guid[7] = static_cast<unsigned char>(guid.Data3);
      std::memcpy(value.guid + 8, guid.Data4, 8);
      return value;
    }
    default:
      return SqlError(sqlstate::kGeneralError, "Unhandled C type");
  }
}

bool ValidDateFields(const ci::DateTimeFields& f) {
  return f.year >= 1 && ci::IsValidDate(f.year, f.month, f.day);
}

bool ValidTimeFields(const ci::DateTimeFields& f) {
  return f.hour <= 23 && f.minute <= 59 && f.second <= 59 && f.nanos <= 999'999'999;
}

std::string DateText(const ci::DateTimeFields& f) {
  char buffer[ci::kRenderBufferSize];
  return std::string(buffer, ci::FormatDateFields(f.year, f.month, f.day, buffer));
}

std::string TimeText(const ci::DateTimeFields& f) {
  char buffer[ci::kRenderBufferSize];
  return std::string(buffer, ci::FormatTimeFields(f.hour, f.minute, f.second, f.nanos, buffer));
}

absl::Status ValidateDateTime(const CValue& value) {
  const ci::DateTimeFields& f = value.fields;
  switch (value.kind) {
    case CValue::Kind::kDate:
      if (!ValidDateFields(f)) {
        return SqlError(sqlstate::kDatetimeOverflow, "Datetime field overflow: invalid date");
      }
      break;
    case CValue::Kind::kTime:
      if (!ValidTimeFields(f)) {
        return SqlError(sqlstate::kDatetimeOverflow, "Datetime field overflow: invalid time");
      }
      break;
    case CValue::Kind::kTimestamp:
      if (!ValidDateFields(f) || !ValidTimeFields(f)) {
        return SqlError(sqlstate::kInvalidDatetimeFormat,
                        "Invalid datetime format: invalid timestamp");
      }
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

// Character form of any C value, for character SQL types.
std::string TextOf(const CValue& value) {
  char buffer[ci::kRenderBufferSize];
  switch (value.kind) {
    case CValue::Kind::kText:
    case CValue::Kind::kBytes:
    case CValue::Kind::kDecimal:
      return value.text;
    case CValue::Kind::kExact:
      if (value.exact.negative && value.exact.magnitude != 0) {
        buffer[0] = '-';
        return std::string(buffer, 1 + ci::FormatUint(value.exact.magnitude, buffer + 1));
      }
      return std::string(buffer, ci::FormatUint(value.exact.magnitude, buffer));
    case CValue::Kind::kDouble:
      return std::string(buffer, value.single
                                     ? ci::FormatFloat(static_cast<float>(value.real), buffer)
                                     : ci::FormatDouble(value.real, buffer));
    case CValue::Kind::kDate:
      return DateText(value.fields);
    case CValue::Kind::kTime:
      return TimeText(value.fields);
    case CValue::Kind::kTimestamp:
      return DateText(value.fields) + " " + TimeText(value.fields);
    case CValue::Kind::kGuid:
      return std::string(buffer, ci::FormatUuid(value.guid, buffer));
  }
  return value.text;
}

// The integral part of a numeric C value.
absl::StatusOr<ci::IntegerPart> IntegerPartOf(const CValue& value) {
  switch (value.kind) {
    case CValue::Kind::kExact:
      return value.exact;
    case CValue::Kind::kDouble: {
      if (!std::isfinite(value.real)) return OutOfRange();
      double whole = std::trunc(value.real);
      double magnitude = std::fabs(whole);
      if (magnitude >= 18446744073709551616.0) return OutOfRange();
      ci::IntegerPart part;
      part.negative = value.real < 0;
      part.magnitude = static_cast<uint64_t>(magnitude);
      part.fraction = whole != value.real;
      return part;
    }
    default: {
      ci::Decimal decimal;
      if (!ci::ParseDecimal(value.text, &decimal)) {
        return SqlError(sqlstate::kInvalidCharacterValue,
                        "Invalid character value for cast specification: not a number");
      }
      if (decimal.kind != ci::Decimal::Kind::kFinite) return OutOfRange();
      ci::IntegerPart part = ci::DecimalToInteger(decimal);
      if (part.overflow) return OutOfRange();
      return part;
    }
  }
}

absl::StatusOr<std::string> IntegerText(const CValue& value, SQLSMALLINT sql_type) {
  QF_ASSIGN_OR_RETURN(ci::IntegerPart part, IntegerPartOf(value));
  bool negative = part.negative && part.magnitude != 0;
  uint64_t max_positive = 0;
  uint64_t max_negative = 0;
  switch (sql_type) {
    case SQL_TINYINT:
      max_positive = 255;
      max_negative = 128;
      break;
    case SQL_SMALLINT:
      max_positive = 32767;
      max_negative = 32768;
      break;
    case SQL_INTEGER:
      max_positive = 2147483647;
      max_negative = 2147483648;
      break;
    default:
      max_positive = 9223372036854775807;
      max_negative = 9223372036854775808u;
      break;
  }
  if (part.magnitude > (negative ? max_negative : max_positive)) return OutOfRange();
  char buffer[ci::kRenderBufferSize];
  size_t length = 0;
  if (negative) buffer[length++] = '-';
  length += ci::FormatUint(part.magnitude, buffer + length);
  return std::string(buffer, length);
}

absl::StatusOr<std::string> BitText(const CValue& value) {
  if (value.kind == CValue::Kind::kText) {
    int word = ci::ParseBoolWord(value.text);
    if (word >= 0) return std::string(word != 0 ? "t" : "f");
  }
  QF_ASSIGN_OR_RETURN(ci::IntegerPart part, IntegerPartOf(value));
  bool below_zero = part.negative && (part.magnitude != 0 || part.fraction);
  if (below_zero || part.magnitude > 1) return OutOfRange();
  if (part.fraction) {
    return SqlError(sqlstate::kStringRightTruncated,
                    "String data, right truncated: a bit parameter must be 0 or 1");
  }
  return std::string(part.magnitude != 0 ? "t" : "f");
}

absl::StatusOr<std::string> FloatingText(const CValue& value, bool single) {
  char buffer[ci::kRenderBufferSize];
  switch (value.kind) {
    case CValue::Kind::kText:
    case CValue::Kind::kDecimal:
      return value.text;
    case CValue::Kind::kExact:
      return TextOf(value);
    default: {
      if (!single) return TextOf(value);
      auto narrowed = static_cast<float>(value.real);
      if (std::isinf(narrowed) && std::isfinite(value.real)) return OutOfRange();
      return std::string(buffer, ci::FormatFloat(narrowed, buffer));
    }
  }
}

ci::DateTimeFields WithToday(ci::DateTimeFields fields) {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  fields.year = local.tm_year + 1900;
  fields.month = local.tm_mon + 1;
  fields.day = local.tm_mday;
  return fields;
}

absl::StatusOr<Param> Convert(SQLSMALLINT c_type, SQLSMALLINT sql_type, std::string_view data) {
  QF_ASSIGN_OR_RETURN(CValue value, ReadCValue(c_type, data));
  QF_RETURN_IF_ERROR(ValidateDateTime(value));
  Param param;
  param.type = ParamTypeFor(sql_type);
  using Kind = CValue::Kind;
  Kind kind = value.kind;
  bool numeric_source = kind == Kind::kExact || kind == Kind::kDouble || kind == Kind::kDecimal;
  // Character data goes to the server as it is for every type it can parse.
  if (kind == Kind::kText && ClassifySqlType(sql_type) != SqlClass::kBit) {
    param.data = std::move(value.text);
    return param;
  }
  switch (ClassifySqlType(sql_type)) {
    case SqlClass::kChar:
      param.data = TextOf(value);
      return param;
    case SqlClass::kBit: {
      if (!numeric_source && kind != Kind::kText) break;
      QF_ASSIGN_OR_RETURN(param.data, BitText(value));
      return param;
    }
    case SqlClass::kInteger: {
      if (!numeric_source) break;
      QF_ASSIGN_OR_RETURN(param.data, IntegerText(value, sql_type));
      return param;
    }
    case SqlClass::kReal:
    case SqlClass::kDouble: {
      if (!numeric_source) break;
      bool single = ClassifySqlType(sql_type) == SqlClass::kReal;
      QF_ASSIGN_OR_RETURN(param.data, FloatingText(value, single));
      return param;
    }
    case SqlClass::kNumeric:
      if (!numeric_source) break;
      param.data = TextOf(value);
      return param;
    case SqlClass::kDate:
      if (kind == Kind::kDate) {
        param.data = DateText(value.fields);
        return param;
      }
      if (kind == Kind::kTimestamp) {
        const ci::DateTimeFields& f = value.fields;
        if ((f.hour | f.minute | f.second | f.nanos) != 0) {
          return SqlError(sqlstate::kDatetimeOverflow,
                          "Datetime field overflow: the timestamp has a time of day");
        }
        param.data = DateText(f);
        return param;
      }
      break;
    case SqlClass::kTime:
      if (kind == Kind::kTime || kind == Kind::kTimestamp) {
        param.data = TimeText(value.fields);
        return param;
      }
      break;
    case SqlClass::kTimestamp:
      if (kind == Kind::kDate) {
        param.data = DateText(value.fields) + " 00:00:00";
        return param;
      }
      if (kind == Kind::kTime) {
        ci::DateTimeFields today = WithToday(value.fields);
        param.data = DateText(today) + " " + TimeText(today);
        return param;
      }
      if (kind == Kind::kTimestamp) {
        param.data = TextOf(value);
        return param;
      }
      break;
    case SqlClass::kBinary:
      if (kind == Kind::kBytes) {
        param.data = std::move(value.text);
        return param;
      }
      if (kind == Kind::kGuid) {
        param.data.assign(reinterpret_cast<const char*>(value.guid), 16);
        return param;
      }
      break;
    case SqlClass::kGuid:
      if (kind == Kind::kGuid) {
        param.data = TextOf(value);
        return param;
      }
      if (kind == Kind::kBytes) {
        if (value.text.size() != 16) {
          return SqlError(sqlstate::kInvalidCharacterValue,
                          "Invalid character value for cast specification: a GUID needs 16 bytes");
        }
        char buffer[ci::kRenderBufferSize];
        param.data.assign(
            buffer,
            ci::FormatUuid(reinterpret_cast<const unsigned char*>(value.text.data()), buffer));
        return param;
      }
      break;
    case SqlClass::kInterval:
    case SqlClass::kInvalid:
      break;
  }
  return Restricted(c_type, sql_type);
}

absl::Status CheckTypes(SQLSMALLINT* c_type, SQLSMALLINT sql_type) {
  if (ClassifySqlType(sql_type) == SqlClass::kInvalid) {
    return SqlError(sqlstate::kInvalidSqlType, "Invalid SQL data type " + std::to_string(sql_type));
  }
  if (*c_type == SQL_C_DEFAULT) *c_type = DefaultCTypeForSql(sql_type);
  int size = FixedSize(*c_type);
  if (size == -2) {
    return SqlError(sqlstate::kInvalidCType,
                    "Invalid application buffer type " + std::to_string(*c_type));
  }
  if (size == -1) return Restricted(*c_type, sql_type);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Param> ReadParam(const ParamSource& source) {
  SQLSMALLINT c_type = source.c_type;
  QF_RETURN_IF_ERROR(CheckTypes(&c_type, source.sql_type));
  if ((source.indicator != nullptr && *source.indicator == SQL_NULL_DATA) ||
      (source.octet_length != nullptr && *source.octet_length == SQL_NULL_DATA)) {
    Param param;
    param.type = ParamTypeFor(source.sql_type);
    param.is_null = true;
    return param;
  }
  const auto* buffer = static_cast<const char*>(source.buffer);
  int size = FixedSize(c_type);
  size_t length = 0;
  if (size > 0) {
    length = static_cast<size_t>(size);
  } else {
    SQLLEN given = source.octet_length != nullptr ? *source.octet_length
                   : c_type == SQL_C_BINARY       ? source.buffer_length
                                                  : SQL_NTS;
    if (given == SQL_NTS) {
      if (c_type == SQL_C_BINARY) return InvalidLength();
      if (buffer == nullptr) {
        length = 0;
      } else if (c_type == SQL_C_WCHAR) {
        length = Utf16Length(reinterpret_cast<const char16_t*>(buffer)) * 2;
      } else {
        length = std::strlen(buffer);
      }
    } else if (given >= 0) {
      length = static_cast<size_t>(given);
    } else {
      return InvalidLength();
    }
  }
  if (buffer == nullptr && length > 0) {
    return SqlError(sqlstate::kInvalidNullPointer, "Invalid use of null pointer");
  }
  return Convert(c_type, source.sql_type,
                 length > 0 ? std::string_view(buffer, length) : std::string_view());
}

absl::StatusOr<Param> ReadParamBytes(SQLSMALLINT c_type, SQLSMALLINT sql_type,
                                     std::string_view data, bool is_null) {
  QF_RETURN_IF_ERROR(CheckTypes(&c_type, sql_type));
  if (is_null) {
    Param param;
    param.type = ParamTypeFor(sql_type);
    param.is_null = true;
    return param;
  }
  return Convert(c_type, sql_type, data);
}

}  // namespace quietfetch::core
