// Result-side conversions (cell -> application buffer).
//
// Choices where ODBC leaves room or PostgreSQL differs, in one place:
//  - Character renderings are PostgreSQL's own output (DateStyle ISO,
//    extra_float_digits=1): bool "1"/"0" (ODBC's bit -> char rule, not PG's
//    "t"/"f"), floats shortest round-trip with PG's switch to e-notation
//    (float8 outside [1e-4, 1e15), float4 outside [1e-4, 1e6)), "NaN",
//    "Infinity", numeric text as the server sent it, "YYYY-MM-DD",
//    "HH:MM:SS[.ffffff]" with trailing zeros trimmed, BC years as " BC",
//    "infinity"/"-infinity" for PG's infinite dates and timestamps, uuid in
//    lowercase. timestamptz cells are already in the session zone and are
//    shown without an offset.
//  - bytea as character data is two UPPERCASE hex digits per byte with no
//    "\x" prefix (ODBC's binary -> char rule; psqlODBC does the same).
//  - Character targets follow ODBC's "whole digits must fit" rule: numbers,
//    dates, times, timestamps and uuids whose integral/date part does not fit
//    the buffer are 22003; only fractional digits may be cut off (01004, and
//    SQLGetData continues with the rest). Text and bytea are cut anywhere.
//    SQL_C_CHAR pieces may end inside a UTF-8 sequence (ODBC counts bytes);
//    SQL_C_WCHAR pieces never end between the two halves of a surrogate pair,
//    except when the buffer holds a single code unit, where no progress could
//    be made otherwise.
//  - SQL_C_WCHAR lengths are in bytes, as unixODBC applications expect.
//  - Fixed-size targets from a value with a fraction they cannot hold return
//    01S07: integers from 1.5, dates from a timestamp with a time of day,
//    SQL_TIME_STRUCT from a time with microseconds, SQL_C_NUMERIC beyond its
//    scale (truncated, not rounded, as ODBC describes).
//  - SQL_C_NUMERIC precision 0 means 38 (the struct's maximum), scale 0 is
//    ODBC's default. The struct's precision field reports that precision.
//  - float4 cells read as SQL_C_DOUBLE / SQL_C_NUMERIC take the value PG
//    prints (0.1, not 0.100000001490116), like drivers that parse the text.
//  - Character -> date/time targets: text that is not a date/time at all is
//    22018 (ODBC's table); a well-formed value with an impossible field
//    (2023-02-30, 25:00) is 22007. Infinite dates/timestamps and years that a
//    SQL_DATE_STRUCT cannot hold (BC, > 32767) are 22008.
//  - time -> SQL_C_TYPE_TIMESTAMP uses today's local date (ODBC) and keeps
//    the microseconds.
//  - SQL_C_BINARY: bytea and uuid give their raw bytes, text its UTF-8 bytes,
//    other types the bytes of their default C type (22003 if that does not
//    fit).
#include "driver/core/convert.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>

#include "driver/core/convert_format.h"
#include "driver/core/status.h"
#include "driver/core/unicode.h"

namespace quietfetch::core {
namespace {

using backend::LogicalType;
using rowstore::Cell;
namespace ci = convert_internal;

__extension__ typedef unsigned __int128 Uint128;

enum class TargetClass {
  kChar,
  kWChar,
  kBinary,
  kBit,
  kInteger,
  kFloat,
  kDouble,
  kNumeric,
  kDate,
  kTime,
  kTimestamp,
  kGuid,
  kUnsupported,  // a valid C type this driver does not convert to (intervals)
  kInvalid,
};

TargetClass ClassifyCType(SQLSMALLINT c_type) {
  switch (c_type) {
    case SQL_C_CHAR:
      return TargetClass::kChar;
    case SQL_C_WCHAR:
      return TargetClass::kWChar;
    case SQL_C_BINARY:
      return TargetClass::kBinary;
    case SQL_C_BIT:
      return TargetClass::kBit;
    case SQL_C_STINYINT:
    case SQL_C_UTINYINT:
    case SQL_C_TINYINT:
    case SQL_C_SSHORT:
    case SQL_C_USHORT:
    case SQL_C_SHORT:
    case SQL_C_SLONG:
    case SQL_C_ULONG:
    case SQL_C_LONG:
    case SQL_C_SBIGINT:
    case SQL_C_UBIGINT:
      return TargetClass::kInteger;
    case SQL_C_FLOAT:
      return TargetClass::kFloat;
    case SQL_C_DOUBLE:
      return TargetClass::kDouble;
    case SQL_C_NUMERIC:
      return TargetClass::kNumeric;
    case SQL_C_TYPE_DATE:
    case SQL_C_DATE:
      return TargetClass::kDate;
    case SQL_C_TYPE_TIME:
    case SQL_C_TIME:
      return TargetClass::kTime;
    case SQL_C_TYPE_TIMESTAMP:
    case SQL_C_TIMESTAMP:
      return TargetClass::kTimestamp;
    case SQL_C_GUID:
      return TargetClass::kGuid;
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
      return TargetClass::kUnsupported;
    default:
      return TargetClass::kInvalid;
  }
}

bool IsTextLike(LogicalType type) {
  return type == LogicalType::kText || type == LogicalType::kJson ||
         type == LogicalType::kUnknown || type == LogicalType::kNumeric;
}

// Text a date/time/uuid parser may be given (numeric text never is one).
bool IsFreeText(LogicalType type) {
  return type == LogicalType::kText || type == LogicalType::kJson || type == LogicalType::kUnknown;
}

bool IsNumber(LogicalType type) {
  switch (type) {
    case LogicalType::kBool:
    case LogicalType::kInt16:
    case LogicalType::kInt32:
    case LogicalType::kInt64:
    case LogicalType::kFloat32:
    case LogicalType::kFloat64:
      return true;
    default:
      return IsTextLike(type);
  }
}

bool IsTimestamp(LogicalType type) {
  return type == LogicalType::kTimestamp || type == LogicalType::kTimestampTz;
}

bool Supports(TargetClass target, LogicalType type) {
  switch (target) {
    case TargetClass::kChar:
    case TargetClass::kWChar:
    case TargetClass::kBinary:
      return true;
    case TargetClass::kBit:
    case TargetClass::kInteger:
    case TargetClass::kFloat:
    case TargetClass::kDouble:
    case TargetClass::kNumeric:
      return IsNumber(type);
    case TargetClass::kDate:
      return type == LogicalType::kDate || IsTimestamp(type) || IsFreeText(type);
    case TargetClass::kTime:
      return type == LogicalType::kTime || IsTimestamp(type) || IsFreeText(type);
    case TargetClass::kTimestamp:
      return type == LogicalType::kDate || type == LogicalType::kTime || IsTimestamp(type) ||
             IsFreeText(type);
    case TargetClass::kGuid:
      return type == LogicalType::kUuid || IsFreeText(type);
    default:
      return false;
  }
}

absl::Status Restricted(SQLSMALLINT c_type) {
  return SqlError(sqlstate::kRestrictedDataType,
                  "Restricted data type attribute violation: the column's value cannot be "
                  "converted to C type " +
                      std::to_string(c_type));
}

absl::Status OutOfRange() {
  return SqlError(sqlstate::kNumericOutOfRange, "Numeric value out of range");
}

absl::Status NotANumber() {
  return SqlError(sqlstate::kInvalidCharacterValue,
                  "Invalid character value for cast specification: not a number");
}

absl::Status DatetimeOverflow() {
  return SqlError(sqlstate::kDatetimeOverflow,
                  "Datetime field overflow: the value does not fit the C date/time structure");
}

// Row-wise bound buffers may put lengths at unaligned addresses.
void StoreLength(SQLLEN* where, SQLLEN value) { std::memcpy(where, &value, sizeof(value)); }

void SetLength(const CellTarget& target, SQLLEN length) {
  if (target.length != nullptr) StoreLength(target.length, length);
  // With separate indicator and length buffers, a value that is not NULL
  // leaves 0 in the indicator.
  if (target.indicator != nullptr && target.indicator != target.length) {
    StoreLength(target.indicator, 0);
  }
}

template <typename T>
ConvertOutcome StoreFixed(const T& value, const CellTarget& target, ConvertOutcome outcome) {
  if (target.buffer != nullptr) std::memcpy(target.buffer, &value, sizeof(T));
  SetLength(target, static_cast<SQLLEN>(sizeof(T)));
  return outcome;
}

// ---- character, wide character and binary targets -------------------------

constexpr char kUpperHex[] = "0123456789ABCDEF";

// The character form of a value: its own bytes, hex of its bytes, or a
// rendering. `must_fit` characters (the integral/date part) may not be cut.
struct CharForm {
  std::string_view text;
  bool hex = false;
  size_t must_fit = 0;
  size_t size() const { return hex ? text.size() * 2 : text.size(); }
  char At(size_t i) const {
    if (!hex) return text[i];
    auto byte = static_cast<unsigned char>(text[i / 2]);
    return kUpperHex[i % 2 == 0 ? byte >> 4 : byte & 0xF];
  }
};

size_t UpToPoint(std::string_view text) {
  size_t point = text.find('.');
  return point == std::string_view::npos ? text.size() : point;
}

absl::Status CharFormOf(const Cell& cell, LogicalType type, char* scratch, CharForm* form) {
  size_t length = 0;
  switch (type) {
    case LogicalType::kText:
    case LogicalType::kJson:
    case LogicalType::kUnknown:
      form->text = cell.bytes();
      return absl::OkStatus();
    case LogicalType::kNumeric:
      form->text = cell.bytes();
      form->must_fit = UpToPoint(form->text);
      return absl::OkStatus();
    case LogicalType::kBytes:
      form->text = cell.bytes();
      form->hex = true;
      return absl::OkStatus();
    case LogicalType::kBool:
      scratch[0] = cell.i64 != 0 ? '1' : '0';
      form->text = std::string_view(scratch, 1);
      form->must_fit = 1;
      return absl::OkStatus();
    case LogicalType::kInt16:
    case LogicalType::kInt32:
    case LogicalType::kInt64:
      length = ci::FormatInt(cell.i64, scratch);
      form->text = std::string_view(scratch, length);
      form->must_fit = length;
      return absl::OkStatus();
    case LogicalType::kFloat32:
    case LogicalType::kFloat64:
      length = type == LogicalType::kFloat32
                   ? ci::FormatFloat(static_cast<float>(cell.f64), scratch)
                   : ci::FormatDouble(cell.f64, scratch);
      form->text = std::string_view(scratch, length);
      form->must_fit =
          form->text.find('e') == std::string_view::npos ? UpToPoint(form->text) : length;
      return absl::OkStatus();
    case LogicalType::kDate:
      length = ci::FormatDate(cell.i64, scratch);
      form->text = std::string_view(scratch, length);
      form->must_fit = length;
      return absl::OkStatus();
    case LogicalType::kTime:
      length = ci::FormatTime(cell.i64, scratch);
      form->text = std::string_view(scratch, length);
      form->must_fit = UpToPoint(form->text);
      return absl::OkStatus();
    case LogicalType::kTimestamp:
    case LogicalType::kTimestampTz:
      length = ci::FormatTimestamp(cell.i64, scratch);
      form->text = std::string_view(scratch, length);
      form->must_fit = UpToPoint(form->text);
      return absl::OkStatus();
    case LogicalType::kUuid:
      if (cell.length != 16) {
        return SqlError(sqlstate::kGeneralError, "Malformed uuid value from the backend");
      }
      length = ci::FormatUuid(reinterpret_cast<const unsigned char*>(cell.data), scratch);
      form->text = std::string_view(scratch, length);
      form->must_fit = length;
      return absl::OkStatus();
  }
  return SqlError(sqlstate::kGeneralError, "Unknown column type");
}

absl::StatusOr<ConvertOutcome> WriteChars(const CharForm& form, const CellTarget& target,
                                          PieceState* pieces) {
  size_t total = form.size();
  size_t offset = pieces != nullptr ? pieces->offset : 0;
  if (pieces != nullptr && pieces->started && offset >= total) return ConvertOutcome::kNoData;
  size_t remaining = total - offset;
  bool writable = target.buffer != nullptr && target.buffer_length > 0;
  size_t capacity = writable ? static_cast<size_t>(target.buffer_length) - 1 : 0;
  if (target.buffer != nullptr && offset == 0 && form.must_fit > capacity) return OutOfRange();
  size_t count = remaining < capacity ? remaining : capacity;
  if (writable) {
    auto* out = static_cast<char*>(target.buffer);
    if (form.hex) {
      for (size_t i = 0; i < count; ++i) out[i] = form.At(offset + i);
    } else {
      if (count > 0) std::memcpy(out, form.text.data() + offset, count);
    }
    out[count] = '\0';
  }
  SetLength(target, static_cast<SQLLEN>(remaining));
  if (pieces != nullptr) {
    pieces->started = true;
    pieces->offset = offset + count;
  }
  return count < remaining ? ConvertOutcome::kTruncated : ConvertOutcome::kOk;
}

// `unit_at(i)` gives code unit i of a value `total` units long.
template <typename UnitAt>
absl::StatusOr<ConvertOutcome> WriteWideUnits(size_t total, size_t must_fit, UnitAt unit_at,
                                              const CellTarget& target, PieceState* pieces) {
  size_t offset = pieces != nullptr ? pieces->offset : 0;
  if (pieces != nullptr && pieces->started && offset >= total) return ConvertOutcome::kNoData;
  size_t remaining = total - offset;
  bool writable = target.buffer != nullptr && target.buffer_length >= 2;
  size_t capacity = writable ? static_cast<size_t>(target.buffer_length) / 2 - 1 : 0;
  if (target.buffer != nullptr && offset == 0 && must_fit > capacity) return OutOfRange();
  size_t count = remaining < capacity ? remaining : capacity;
  // Pieces fill the buffer exactly, even between the halves of a surrogate
  // pair: applications (pyodbc among them) concatenate pieces assuming a
  // truncated piece used the whole buffer.
  if (writable) {
    auto* out = static_cast<char*>(target.buffer);
    for (size_t i = 0; i < count; ++i) {
      char16_t unit = unit_at(offset + i);
      std::memcpy(out + 2 * i, &unit, 2);
    }
    char16_t nul = 0;
    std::memcpy(out + 2 * count, &nul, 2);
  }
  SetLength(target, static_cast<SQLLEN>(remaining * 2));
  if (pieces != nullptr) {
    pieces->started = true;
    pieces->offset = offset + count;
  }
  return count < remaining ? ConvertOutcome::kTruncated : ConvertOutcome::kOk;
}

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

absl::StatusOr<ConvertOutcome> WriteWide(const CharForm& form, LogicalType type,
                                         const CellTarget& target, PieceState* pieces) {
  if (pieces != nullptr && pieces->wide_ready) {
    const std::u16string& wide = pieces->wide;
    return WriteWideUnits(
        wide.size(), 0, [&wide](size_t i) { return wide[i]; }, target, pieces);
  }
  bool free_text = IsFreeText(type);
  // A text value whose first piece did not finish was cached in
  // pieces->wide; without a cache, the first call returned all of it.
  if (free_text && pieces != nullptr && pieces->started) return ConvertOutcome::kNoData;
  if (!free_text || IsAscii(form.text)) {
    auto result = WriteWideUnits(
        form.size(), form.must_fit,
        [&form](size_t i) { return static_cast<char16_t>(static_cast<unsigned char>(form.At(i))); },
        target, pieces);
    if (free_text && pieces != nullptr && result.ok() && *result == ConvertOutcome::kTruncated) {
      pieces->wide.assign(form.text.begin(), form.text.end());
      pieces->wide_ready = true;
    }
    return result;
  }
  std::u16string local;
  std::u16string& wide = pieces != nullptr ? pieces->wide : local;
  wide = Utf8ToUtf16(form.text);
  if (pieces != nullptr) pieces->wide_ready = true;
  return WriteWideUnits(
      wide.size(), 0, [&wide](size_t i) { return wide[i]; }, target, pieces);
}

absl::StatusOr<ConvertOutcome> WriteBytes(std::string_view bytes, size_t must_fit,
                                          const CellTarget& target, PieceState* pieces,
                                          ConvertOutcome done = ConvertOutcome::kOk) {
  size_t total = bytes.size();
  size_t offset = pieces != nullptr ? pieces->offset : 0;
  if (pieces != nullptr && pieces->started && offset >= total) return ConvertOutcome::kNoData;
  size_t remaining = total - offset;
  size_t capacity = target.buffer != nullptr ? static_cast<size_t>(target.buffer_length) : 0;
  if (target.buffer != nullptr && offset == 0 && must_fit > capacity) return OutOfRange();
  size_t count = remaining < capacity ? remaining : capacity;
  if (count > 0) std::memcpy(target.buffer, bytes.data() + offset, count);
  SetLength(target, static_cast<SQLLEN>(remaining));
  if (pieces != nullptr) {
    pieces->started = true;
    pieces->offset = offset + count;
  }
  return count < remaining ? ConvertOutcome::kTruncated : done;
}

absl::StatusOr<ConvertOutcome> WriteCellImpl(const Cell& cell, LogicalType type,
                                             const CellTarget& target, PieceState* pieces,
                                             TargetClass target_class);

absl::StatusOr<ConvertOutcome> WriteBinary(const Cell& cell, LogicalType type,
                                           const CellTarget& target, PieceState* pieces) {
  if (IsTextLike(type) || type == LogicalType::kBytes) {
    return WriteBytes(cell.bytes(), 0, target, pieces);
  }
  if (type == LogicalType::kUuid)
    return WriteBytes(cell.bytes(), cell.bytes().size(), target, pieces);
  // Other values go out as the bytes of their default C type.
  alignas(16) char scratch[32];
  SQLLEN size = 0;
  CellTarget inner;
  inner.c_type = DefaultCType(type);
  inner.buffer = scratch;
  inner.buffer_length = sizeof(scratch);
  inner.length = &size;
  QF_ASSIGN_OR_RETURN(ConvertOutcome outcome,
                      WriteCellImpl(cell, type, inner, nullptr, ClassifyCType(inner.c_type)));
  auto bytes = std::string_view(scratch, static_cast<size_t>(size));
  return WriteBytes(bytes, bytes.size(), target, pieces, outcome);
}

// ---- numeric targets ------------------------------------------------------

// The value of a number-like cell as sign + integral magnitude + whether a
// fraction was dropped.
absl::Status IntegerPartOf(const Cell& cell, LogicalType type, ci::IntegerPart* part) {
  switch (type) {
    case LogicalType::kBool:
    case LogicalType::kInt16:
    case LogicalType::kInt32:
    case LogicalType::kInt64:
      part->negative = cell.i64 < 0;
      part->magnitude =
          part->negative ? 0 - static_cast<uint64_t>(cell.i64) : static_cast<uint64_t>(cell.i64);
      return absl::OkStatus();
    case LogicalType::kFloat32:
    case LogicalType::kFloat64: {
      double value = cell.f64;
      if (!std::isfinite(value)) return OutOfRange();
      double whole = std::trunc(value);
      double magnitude = std::fabs(whole);
      if (magnitude >= 18446744073709551616.0) return OutOfRange();
      part->negative = value < 0;
      part->magnitude = static_cast<uint64_t>(magnitude);
      part->fraction = whole != value;
      return absl::OkStatus();
    }
    default: {
      ci::Decimal decimal;
      if (!ci::ParseDecimal(cell.bytes(), &decimal)) return NotANumber();
      if (decimal.kind != ci::Decimal::Kind::kFinite) return OutOfRange();
      *part = ci::DecimalToInteger(decimal);
      if (part->overflow) return OutOfRange();
      return absl::OkStatus();
    }
  }
}

template <typename T>
absl::StatusOr<ConvertOutcome> StoreInteger(const ci::IntegerPart& part, const CellTarget& target) {
  using Limits = std::numeric_limits<T>;
  T value;
  if (part.negative && part.magnitude != 0) {
    if constexpr (!Limits::is_signed) {
      return OutOfRange();
    } else {
      if (part.magnitude > static_cast<uint64_t>(Limits::max()) + 1) return OutOfRange();
      value = static_cast<T>(0 - part.magnitude);
    }
  } else {
    if (part.magnitude > static_cast<uint64_t>(Limits::max())) return OutOfRange();
    value = static_cast<T>(part.magnitude);
  }
  return StoreFixed(value, target,
                    part.fraction ? ConvertOutcome::kFractionalTruncation : ConvertOutcome::kOk);
}

absl::StatusOr<ConvertOutcome> WriteInteger(const Cell& cell, LogicalType type,
                                            const CellTarget& target) {
  ci::IntegerPart part;
  QF_RETURN_IF_ERROR(IntegerPartOf(cell, type, &part));
  switch (target.c_type) {
    case SQL_C_STINYINT:
    case SQL_C_TINYINT:
      return StoreInteger<SQLSCHAR>(part, target);
    case SQL_C_UTINYINT:
      return StoreInteger<SQLCHAR>(part, target);
    case SQL_C_SSHORT:
    case SQL_C_SHORT:
      return StoreInteger<SQLSMALLINT>(part, target);
    case SQL_C_USHORT:
      return StoreInteger<SQLUSMALLINT>(part, target);
    case SQL_C_SLONG:
    case SQL_C_LONG:
      return StoreInteger<SQLINTEGER>(part, target);
    case SQL_C_ULONG:
      return StoreInteger<SQLUINTEGER>(part, target);
    case SQL_C_SBIGINT:
      return StoreInteger<SQLBIGINT>(part, target);
    default:
      return StoreInteger<SQLUBIGINT>(part, target);
  }
}

absl::StatusOr<ConvertOutcome> WriteBit(const Cell& cell, LogicalType type,
                                        const CellTarget& target) {
  if (IsTextLike(type)) {
    int word = ci::ParseBoolWord(cell.bytes());
    if (word >= 0) return StoreFixed(static_cast<SQLCHAR>(word), target, ConvertOutcome::kOk);
  }
  ci::IntegerPart part;
  QF_RETURN_IF_ERROR(IntegerPartOf(cell, type, &part));
  // ODBC: 0 and 1 convert; values in (0, 2) truncate with 01S07; the rest are
  // out of range.
  bool below_zero = part.negative && (part.magnitude != 0 || part.fraction);
  if (below_zero || part.magnitude > 1) return OutOfRange();
  return StoreFixed(static_cast<SQLCHAR>(part.magnitude), target,
                    part.fraction ? ConvertOutcome::kFractionalTruncation : ConvertOutcome::kOk);
}

// Parses a number from text with from_chars after ParseDecimal vetted it, so
// both directions accept the same literals.
template <typename T>
absl::StatusOr<T> ParseFloating(std::string_view text) {
  ci::Decimal decimal;
  if (!ci::ParseDecimal(text, &decimal)) return NotANumber();
  switch (decimal.kind) {
    case ci::Decimal::Kind::kNaN:
      return std::numeric_limits<T>::quiet_NaN();
    case ci::Decimal::Kind::kPositiveInfinity:
      return std::numeric_limits<T>::infinity();
    case ci::Decimal::Kind::kNegativeInfinity:
      return -std::numeric_limits<T>::infinity();
    case ci::Decimal::Kind::kFinite:
      break;
  }
  text = ci::TrimSpaces(text);
  if (text[0] == '+') text.remove_prefix(1);
  T value{};
  auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec == std::errc::result_out_of_range) {
    // Too large is an error; too small rounds to zero as C's strtod does.
    int64_t first_nonzero = 0;
    auto size = static_cast<int64_t>(decimal.size());
    while (first_nonzero < size && decimal.DigitAt(first_nonzero) == '0') ++first_nonzero;
    if (decimal.Point() - first_nonzero > 0) return OutOfRange();
    return decimal.negative ? -T{0} : T{0};
  }
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return NotANumber();
  return value;
}

// A float4 cell as the double PostgreSQL's text for it denotes.
double Float32AsShownDouble(double value) {
  if (!std::isfinite(value)) return value;
  char text[ci::kRenderBufferSize];
  size_t length = ci::FormatFloat(static_cast<float>(value), text);
  double result = value;
  std::from_chars(text, text + length, result);
  return result;
}

absl::StatusOr<ConvertOutcome> WriteFloating(const Cell& cell, LogicalType type,
                                             const CellTarget& target, bool single) {
  double value = 0;
  switch (type) {
    case LogicalType::kBool:
    case LogicalType::kInt16:
    case LogicalType::kInt32:
    case LogicalType::kInt64:
      value = static_cast<double>(cell.i64);
      break;
    case LogicalType::kFloat32:
      if (single) return StoreFixed(static_cast<SQLREAL>(cell.f64), target, ConvertOutcome::kOk);
      value = Float32AsShownDouble(cell.f64);
      break;
    case LogicalType::kFloat64:
      value = cell.f64;
      break;
    default:
      if (single) {
        QF_ASSIGN_OR_RETURN(float parsed, ParseFloating<float>(cell.bytes()));
        return StoreFixed(static_cast<SQLREAL>(parsed), target, ConvertOutcome::kOk);
      } else {
        QF_ASSIGN_OR_RETURN(value, ParseFloating<double>(cell.bytes()));
      }
      break;
  }
  if (!single) return StoreFixed(static_cast<SQLDOUBLE>(value), target, ConvertOutcome::kOk);
  auto narrowed = static_cast<float>(value);
  if (std::isinf(narrowed) && std::isfinite(value)) return OutOfRange();
  return StoreFixed(static_cast<SQLREAL>(narrowed), target, ConvertOutcome::kOk);
}

absl::StatusOr<ConvertOutcome> WriteNumeric(const Cell& cell, LogicalType type,
                                            const CellTarget& target) {
  char scratch[ci::kRenderBufferSize];
  std::string_view text;
  switch (type) {
    case LogicalType::kBool:
    case LogicalType::kInt16:
    case LogicalType::kInt32:
    case LogicalType::kInt64:
      text = std::string_view(scratch, ci::FormatInt(cell.i64, scratch));
      break;
    case LogicalType::kFloat32:
      text = std::string_view(scratch, ci::FormatFloat(static_cast<float>(cell.f64), scratch));
      break;
    case LogicalType::kFloat64:
      text = std::string_view(scratch, ci::FormatDouble(cell.f64, scratch));
      break;
    default:
      text = cell.bytes();
      break;
  }
  ci::Decimal decimal;
  if (!ci::ParseDecimal(text, &decimal)) return NotANumber();
  if (decimal.kind != ci::Decimal::Kind::kFinite) return OutOfRange();

  int precision = target.precision > 0 && target.precision <= 38 ? target.precision : 38;
  int scale = target.scale;
  if (scale < -128 || scale > 127) {
    return SqlError(sqlstate::kInvalidPrecisionOrScale, "Invalid SQL_C_NUMERIC scale");
  }
  int64_t point = decimal.Point();
  int64_t scaled_point = point + scale;
  auto size = static_cast<int64_t>(decimal.size());
  Uint128 value = 0;
  int digits = 0;
  for (int64_t i = 0; i < scaled_point; ++i) {
    if (i >= size && value == 0) break;
    int digit = decimal.DigitAt(i) - '0';
    if (digits == 0 && digit == 0) continue;
    if (++digits > precision) return OutOfRange();
    value = value * 10 + static_cast<unsigned>(digit);
  }
  ConvertOutcome outcome = ConvertOutcome::kOk;
  for (int64_t i = scaled_point < 0 ? 0 : scaled_point; i < size; ++i) {
    if (decimal.DigitAt(i) == '0') continue;
    // A negative scale drops digits left of the point: those are whole digits.
    if (i < point) return OutOfRange();
    outcome = ConvertOutcome::kFractionalTruncation;
    break;
  }
  SQL_NUMERIC_STRUCT numeric;
  std::memset(&numeric, 0, sizeof(numeric));
  numeric.precision = static_cast<SQLCHAR>(precision);
  numeric.scale = static_cast<SQLSCHAR>(scale);
  numeric.sign = decimal.negative && value != 0 ? 0 : 1;
  for (int i = 0; i < SQL_MAX_NUMERIC_LEN; ++i) {
    numeric.val[i] = static_cast<SQLCHAR>(value & 0xFF);
    value >>= 8;
  }
  return StoreFixed(numeric, target, outcome);
}

// ---- date, time, timestamp and GUID targets -------------------------------

struct DateTimeValue {
  ci::CivilDate date{1970, 1, 1};
  int64_t micros_of_day = 0;  // only for cells
  int hour = 0;
  int minute = 0;
  int second = 0;
  uint32_t nanos = 0;
  bool has_date = false;
  bool has_time = false;
};

void SetTimeOfDay(int64_t micros, DateTimeValue* value) {
  int64_t seconds = micros / 1'000'000;
  value->hour = static_cast<int>(seconds / 3600);
  value->minute = static_cast<int>(seconds / 60 % 60);
  value->second = static_cast<int>(seconds % 60);
  value->nanos = static_cast<uint32_t>(micros % 1'000'000) * 1000;
  value->has_time = true;
}

absl::Status DateTimeOf(const Cell& cell, LogicalType type, DateTimeValue* value) {
  switch (type) {
    case LogicalType::kDate:
      if (cell.i64 == ci::kDateInfinity || cell.i64 == ci::kDateMinusInfinity) {
        return DatetimeOverflow();
      }
      value->date = ci::CivilFromDays(cell.i64);
      value->has_date = true;
      return absl::OkStatus();
    case LogicalType::kTime:
      SetTimeOfDay(cell.i64, value);
      return absl::OkStatus();
    case LogicalType::kTimestamp:
    case LogicalType::kTimestampTz: {
      if (cell.i64 == ci::kTimestampInfinity || cell.i64 == ci::kTimestampMinusInfinity) {
        return DatetimeOverflow();
      }
      int64_t days = 0;
      int64_t time_of_day = 0;
      ci::SplitTimestamp(cell.i64, &days, &time_of_day);
      value->date = ci::CivilFromDays(days);
      value->has_date = true;
      SetTimeOfDay(time_of_day, value);
      return absl::OkStatus();
    }
    default: {
      ci::DateTimeFields fields;
      switch (ci::ParseDateTime(cell.bytes(), &fields)) {
        case ci::DateTimeParse::kJunk:
          return SqlError(sqlstate::kInvalidCharacterValue,
                          "Invalid character value for cast specification: not a date/time");
        case ci::DateTimeParse::kBadField:
          return SqlError(sqlstate::kInvalidDatetimeFormat,
                          "Invalid datetime format: a date/time field is out of range");
        case ci::DateTimeParse::kOk:
          break;
      }
      value->date = {fields.year, fields.month, fields.day};
      value->has_date = fields.has_date;
      value->hour = fields.hour;
      value->minute = fields.minute;
      value->second = fields.second;
      value->nanos = fields.nanos;
      value->has_time = fields.has_time;
      return absl::OkStatus();
    }
  }
}

absl::Status CheckStructYear(int64_t year) {
  if (year < 1 || year > std::numeric_limits<SQLSMALLINT>::max()) return DatetimeOverflow();
  return absl::OkStatus();
}

ci::CivilDate Today() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return {local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

absl::Status NotA(std::string_view what) {
  return SqlError(
      sqlstate::kInvalidCharacterValue,
      std::string("Invalid character value for cast specification: not a ") + std::string(what));
}

absl::StatusOr<ConvertOutcome> WriteDate(const Cell& cell, LogicalType type,
                                         const CellTarget& target) {
  DateTimeValue value;
  QF_RETURN_IF_ERROR(DateTimeOf(cell, type, &value));
  if (!value.has_date) return NotA("date");
  QF_RETURN_IF_ERROR(CheckStructYear(value.date.year));
  SQL_DATE_STRUCT date;
  date.year = static_cast<SQLSMALLINT>(value.date.year);
  date.month = static_cast<SQLUSMALLINT>(value.date.month);
  date.day = static_cast<SQLUSMALLINT>(value.date.day);
  bool time_lost = value.has_time && (value.hour | value.minute | value.second | value.nanos) != 0;
  return StoreFixed(date, target,
                    time_lost ? ConvertOutcome::kFractionalTruncation : ConvertOutcome::kOk);
}

absl::StatusOr<ConvertOutcome> WriteTime(const Cell& cell, LogicalType type,
                                         const CellTarget& target) {
  DateTimeValue value;
  QF_RETURN_IF_ERROR(DateTimeOf(cell, type, &value));
  if (!value.has_time) return NotA("time");
  SQL_TIME_STRUCT time;
  time.hour = static_cast<SQLUSMALLINT>(value.hour);
  time.minute = static_cast<SQLUSMALLINT>(value.minute);
  time.second = static_cast<SQLUSMALLINT>(value.second);
  return StoreFixed(time, target,
                    value.nanos != 0 ? ConvertOutcome::kFractionalTruncation : ConvertOutcome::kOk);
}

absl::StatusOr<ConvertOutcome> WriteTimestamp(const Cell& cell, LogicalType type,
                                              const CellTarget& target) {
  DateTimeValue value;
  QF_RETURN_IF_ERROR(DateTimeOf(cell, type, &value));
  if (!value.has_date) value.date = Today();
  QF_RETURN_IF_ERROR(CheckStructYear(value.date.year));
  SQL_TIMESTAMP_STRUCT timestamp;
  timestamp.year = static_cast<SQLSMALLINT>(value.date.year);
  timestamp.month = static_cast<SQLUSMALLINT>(value.date.month);
  timestamp.day = static_cast<SQLUSMALLINT>(value.date.day);
  timestamp.hour = static_cast<SQLUSMALLINT>(value.hour);
  timestamp.minute = static_cast<SQLUSMALLINT>(value.minute);
  timestamp.second = static_cast<SQLUSMALLINT>(value.second);
  timestamp.fraction = value.nanos;
  return StoreFixed(timestamp, target, ConvertOutcome::kOk);
}

absl::StatusOr<ConvertOutcome> WriteGuid(const Cell& cell, LogicalType type,
                                         const CellTarget& target) {
  unsigned char bytes[16];
  if (type == LogicalType::kUuid) {
    if (cell.length != 16) {
      return SqlError(sqlstate::kGeneralError, "Malformed uuid value from the backend");
    }
    std::memcpy(bytes, cell.data, 16);
  } else if (!ci::ParseUuid(cell.bytes(), bytes)) {
    return NotA("uuid");
  }
  // SQLGUID holds the first three groups as native integers; the UUID's
  // bytes are big-endian.
  SQLGUID guid;
  guid.Data1 = static_cast<decltype(guid.Data1)>(
      uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 | uint32_t{bytes[2]} << 8 | bytes[3]);
  guid.Data2 = static_cast<decltype(guid.Data2)>(bytes[4] << 8 | bytes[5]);
  guid.Data3 = static_cast<decltype(guid.Data3)>(bytes[6] << 8 | bytes[7]);
  std::memcpy(guid.Data4, bytes + 8, 8);
  return StoreFixed(guid, target, ConvertOutcome::kOk);
}

absl::StatusOr<ConvertOutcome> WriteCellImpl(const Cell& cell, LogicalType type,
                                             const CellTarget& target, PieceState* pieces,
                                             TargetClass target_class) {
  switch (target_class) {
    case TargetClass::kChar:
    case TargetClass::kWChar: {
      char scratch[ci::kRenderBufferSize];
      CharForm form;
      QF_RETURN_IF_ERROR(CharFormOf(cell, type, scratch, &form));
      if (target_class == TargetClass::kChar) return WriteChars(form, target, pieces);
      return WriteWide(form, type, target, pieces);
    }
    case TargetClass::kBinary:
      return WriteBinary(cell, type, target, pieces);
    default:
      break;
  }
  // Fixed-size targets: one call returns the whole value.
  if (pieces != nullptr && pieces->started) return ConvertOutcome::kNoData;
  auto mark_started = [pieces](absl::StatusOr<ConvertOutcome> result) {
    if (pieces != nullptr && result.ok()) pieces->started = true;
    return result;
  };
  switch (target_class) {
    case TargetClass::kBit:
      return mark_started(WriteBit(cell, type, target));
    case TargetClass::kInteger:
      return mark_started(WriteInteger(cell, type, target));
    case TargetClass::kFloat:
    case TargetClass::kDouble:
      return mark_started(WriteFloating(cell, type, target, target_class == TargetClass::kFloat));
    case TargetClass::kNumeric:
      return mark_started(WriteNumeric(cell, type, target));
    case TargetClass::kDate:
      return mark_started(WriteDate(cell, type, target));
    case TargetClass::kTime:
      return mark_started(WriteTime(cell, type, target));
    case TargetClass::kTimestamp:
      return mark_started(WriteTimestamp(cell, type, target));
    case TargetClass::kGuid:
      return mark_started(WriteGuid(cell, type, target));
    default:
      return Restricted(target.c_type);
  }
}

bool IsInteger(LogicalType type) {
  return type == LogicalType::kInt32 || type == LogicalType::kInt64 ||
         type == LogicalType::kInt16 || type == LogicalType::kBool;
}

// WriteChars for a value's own text, the hottest path of the driver: no
// rendering, no whole-part rule.
absl::StatusOr<ConvertOutcome> WriteTextChars(std::string_view text, const CellTarget& target,
                                              PieceState* pieces) {
  size_t offset = 0;
  if (pieces != nullptr) {
    offset = pieces->offset;
    if (pieces->started && offset >= text.size()) return ConvertOutcome::kNoData;
    pieces->started = true;
  }
  size_t remaining = text.size() - offset;
  size_t count = 0;
  if (target.buffer != nullptr && target.buffer_length > 0) {
    auto capacity = static_cast<size_t>(target.buffer_length) - 1;
    count = remaining < capacity ? remaining : capacity;
    auto* out = static_cast<char*>(target.buffer);
    if (count > 0) std::memcpy(out, text.data() + offset, count);  // data() may be null when empty
    out[count] = '\0';
  }
  SetLength(target, static_cast<SQLLEN>(remaining));
  if (pieces != nullptr) pieces->offset = offset + count;
  return count < remaining ? ConvertOutcome::kTruncated : ConvertOutcome::kOk;
}

template <typename T>
absl::StatusOr<ConvertOutcome> WriteIntegerFast(int64_t value, const CellTarget& target,
                                                PieceState* pieces) {
  if (pieces != nullptr && pieces->started) return ConvertOutcome::kNoData;
  if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
    return OutOfRange();
  }
  auto narrowed = static_cast<T>(value);
  if (target.buffer != nullptr) std::memcpy(target.buffer, &narrowed, sizeof(T));
  SetLength(target, static_cast<SQLLEN>(sizeof(T)));
  if (pieces != nullptr) pieces->started = true;
  return ConvertOutcome::kOk;
}

}  // namespace

SQLSMALLINT DefaultCType(LogicalType type) {
  switch (type) {
    case LogicalType::kBool:
      return SQL_C_BIT;
    case LogicalType::kInt16:
      return SQL_C_SSHORT;
    case LogicalType::kInt32:
      return SQL_C_SLONG;
    case LogicalType::kInt64:
      return SQL_C_SBIGINT;
    case LogicalType::kFloat32:
      return SQL_C_FLOAT;
    case LogicalType::kFloat64:
      return SQL_C_DOUBLE;
    case LogicalType::kBytes:
      return SQL_C_BINARY;
    case LogicalType::kDate:
      return SQL_C_TYPE_DATE;
    case LogicalType::kTime:
      return SQL_C_TYPE_TIME;
    case LogicalType::kTimestamp:
    case LogicalType::kTimestampTz:
      return SQL_C_TYPE_TIMESTAMP;
    case LogicalType::kUuid:
      return SQL_C_GUID;
    case LogicalType::kNumeric:
    case LogicalType::kText:
    case LogicalType::kJson:
    case LogicalType::kUnknown:
      return SQL_C_CHAR;
  }
  return SQL_C_CHAR;
}

absl::StatusOr<ConvertOutcome> WriteCell(const Cell& cell, LogicalType type,
                                         const CellTarget& target, PieceState* pieces) {
  // The conversions applications do most (pyodbc reads every varchar as
  // SQL_C_CHAR, every int4 as SQL_C_SLONG and every timestamp as the
  // struct) skip the general dispatch.
  if (!cell.is_null()) {
    if (target.c_type == SQL_C_CHAR && IsFreeText(type) && target.buffer_length >= 0) {
      return WriteTextChars(cell.bytes(), target, pieces);
    }
    if (IsInteger(type)) {
      if (target.c_type == SQL_C_SLONG || target.c_type == SQL_C_LONG) {
        return WriteIntegerFast<SQLINTEGER>(cell.i64, target, pieces);
      }
      if (target.c_type == SQL_C_SBIGINT) {
        return WriteIntegerFast<SQLBIGINT>(cell.i64, target, pieces);
      }
    }
    if (target.c_type == SQL_C_TYPE_TIMESTAMP && IsTimestamp(type)) {
      if (pieces != nullptr && pieces->started) return ConvertOutcome::kNoData;
      auto result = WriteTimestamp(cell, type, target);
      if (pieces != nullptr && result.ok()) pieces->started = true;
      return result;
    }
  }
  SQLSMALLINT c_type = target.c_type;
  if (c_type == SQL_C_DEFAULT) c_type = DefaultCType(type);
  TargetClass target_class = ClassifyCType(c_type);
  if (target_class == TargetClass::kInvalid) {
    return SqlError(sqlstate::kInvalidCType,
                    "Invalid application buffer type " + std::to_string(target.c_type));
  }
  if (target_class == TargetClass::kUnsupported || !Supports(target_class, type)) {
    return Restricted(c_type);
  }
  bool variable = target_class == TargetClass::kChar || target_class == TargetClass::kWChar ||
                  target_class == TargetClass::kBinary;
  if (variable && target.buffer_length < 0) {
    return SqlError(sqlstate::kInvalidBufferLength, "Invalid string or buffer length");
  }
  if (cell.is_null()) {
    if (pieces != nullptr && pieces->started) return ConvertOutcome::kNoData;
    if (target.indicator == nullptr) {
      return SqlError(sqlstate::kIndicatorRequired, "Indicator variable required but not supplied");
    }
    StoreLength(target.indicator, SQL_NULL_DATA);
    if (pieces != nullptr) pieces->started = true;
    return ConvertOutcome::kOk;
  }
  if (c_type == target.c_type) return WriteCellImpl(cell, type, target, pieces, target_class);
  CellTarget resolved = target;
  resolved.c_type = c_type;
  return WriteCellImpl(cell, type, resolved, pieces, target_class);
}

}  // namespace quietfetch::core
