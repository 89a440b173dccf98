#include "driver/backend/postgres/value_decoder.h"

#include <charconv>
#include <chrono>
#include <cstring>
#include <limits>
#include <string_view>

namespace quietfetch::pg {
namespace {

using rowstore::RowBatch;
using R = DecodeResult;

// PostgreSQL counts dates and timestamps from 2000-01-01.
constexpr int64_t kPgEpochDays = 10957;
constexpr int64_t kPgEpochMicros = kPgEpochDays * 86400 * 1'000'000;
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1'000'000;

uint16_t Load16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap16(v);
}
uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap32(v);
}
uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap64(v);
}

// Binary numeric: ndigits, weight, sign, dscale, then base-10000 digits with
// the first one weighted 10000^weight.
R NumericToText(const char* data, size_t size, RowBatch& batch) {
  constexpr uint16_t kPositive = 0x0000;
  constexpr uint16_t kNegative = 0x4000;
  constexpr uint16_t kNaN = 0xC000;
  constexpr uint16_t kPlusInfinity = 0xD000;
  constexpr uint16_t kMinusInfinity = 0xF000;
  constexpr uint16_t kMaxDisplayScale = 0x3FFF;
  if (size < 8) return R::kMalformed;
  const size_t ndigits = Load16(data);
  const int weight = static_cast<int16_t>(Load16(data + 2));
  const uint16_t sign = Load16(data + 4);
  const size_t dscale = Load16(data + 6);
  if (size != 8 + 2 * ndigits) return R::kMalformed;
  std::string_view special;
  if (sign == kNaN) special = "NaN";
  if (sign == kPlusInfinity) special = "Infinity";
  if (sign == kMinusInfinity) special = "-Infinity";
  if (!special.empty()) {
    batch.AppendBytes(special.data(), special.size());
    return R::kOk;
  }
  if ((sign != kPositive && sign != kNegative) || dscale > kMaxDisplayScale) return R::kMalformed;
  const char* digits = data + 8;
  auto digit_at = [&](long i) -> int {
    if (i < 0 || static_cast<size_t>(i) >= ndigits) return 0;
    return Load16(digits + 2 * i);
  };
  for (size_t i = 0; i < ndigits; ++i) {
    if (Load16(digits + 2 * i) > 9999) return R::kMalformed;
  }

  const size_t int_groups = weight >= 0 ? static_cast<size_t>(weight) + 1 : 0;
  const size_t max_length = 1 + (int_groups == 0 ? 1 : int_groups * 4) + 1 + dscale + 4;
  char* const out = batch.AppendUninitialized(max_length);
  char* p = out;
  if (sign == kNegative) *p++ = '-';
  if (int_groups == 0) {
    *p++ = '0';
  } else {
    // The leading group without leading zeros, then four digits per group.
    char leading[4];
    int count = 0;
    for (int group = digit_at(0); count == 0 || group > 0; group /= 10) {
      leading[count++] = static_cast<char>('0' + group % 10);
    }
    while (count > 0) *p++ = leading[--count];
    for (size_t i = 1; i < int_groups; ++i) {
      const int group = digit_at(static_cast<long>(i));
      *p++ = static_cast<char>('0' + group / 1000);
      *p++ = static_cast<char>('0' + group / 100 % 10);
      *p++ = static_cast<char>('0' + group / 10 % 10);
      *p++ = static_cast<char>('0' + group % 10);
    }
  }
  if (dscale > 0) {
    *p++ = '.';
    size_t written = 0;
    for (long i = weight + 1; written < dscale; ++i) {
      const int group = digit_at(i);
      const char four[4] = {
          static_cast<char>('0' + group / 1000), static_cast<char>('0' + group / 100 % 10),
          static_cast<char>('0' + group / 10 % 10), static_cast<char>('0' + group % 10)};
      for (int k = 0; k < 4 && written < dscale; ++k, ++written) *p++ = four[k];
    }
  }
  batch.TrimLast(static_cast<size_t>(p - out));
  return R::kOk;
}

R AppendTimestamp(int64_t pg_micros, const TimeZone* zone, RowBatch& batch) {
  if (pg_micros == std::numeric_limits<int64_t>::max()) {
    batch.AppendInt(kMaxTimestampMicros);
    return R::kOk;
  }
  if (pg_micros == std::numeric_limits<int64_t>::min()) {
    batch.AppendInt(kMinTimestampMicros);
    return R::kOk;
  }
  int64_t micros;
  if (__builtin_add_overflow(pg_micros, kPgEpochMicros, &micros)) return R::kOutOfRange;
  if (zone != nullptr && __builtin_add_overflow(micros, zone->OffsetMicrosAt(micros), &micros)) {
    return R::kOutOfRange;
  }
  batch.AppendInt(micros);
  return R::kOk;
}

// ---- Text parsing helpers (ISO DateStyle) ----

class TextScanner {
 public:
  TextScanner(const char* data, size_t size) : s_(data, size) {}
  bool AtEnd() const { return i_ >= s_.size(); }
  bool Consume(char c) {
    if (AtEnd() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool ConsumeWord(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  // Exactly `digits` digits, or (with digits == 0) one or more.
  bool Digits(size_t digits, int64_t* value) {
    size_t count = 0;
    int64_t v = 0;
    while (!AtEnd() && s_[i_] >= '0' && s_[i_] <= '9' && (digits == 0 || count < digits)) {
      if (count >= 12) return false;
      v = v * 10 + (s_[i_] - '0');
      ++i_;
      ++count;
    }
    if (count == 0 || (digits != 0 && count != digits)) return false;
    *value = v;
    return true;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

// Packs year/month/day into one value until the era (" BC") is known.
bool ParseDatePart(TextScanner& scan, int64_t* packed) {
  int64_t year, month, day;
  if (!scan.Digits(0, &year) || !scan.Consume('-') || !scan.Digits(2, &month) ||
      !scan.Consume('-') || !scan.Digits(2, &day)) {
    return false;
  }
  if (year > 30000 || month < 1 || month > 12 || day < 1 || day > 31) return false;
  *packed = (year << 16) | (month << 8) | day;
  return true;
}

// Resolves ParseDatePart's packed value; `bc` years count 1 BC as year 0.
bool ResolveDate(int64_t packed, bool bc, int64_t* days) {
  int64_t year = packed >> 16;
  const unsigned month = static_cast<unsigned>((packed >> 8) & 0xff);
  const unsigned day = static_cast<unsigned>(packed & 0xff);
  if (bc) year = 1 - year;
  const std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(year)},
                                        std::chrono::month{month}, std::chrono::day{day}};
  if (!ymd.ok()) return false;
  *days = std::chrono::sys_days(ymd).time_since_epoch().count();
  return true;
}

bool ParseTimePart(TextScanner& scan, int64_t* micros) {
  int64_t hour, minute, second;
  if (!scan.Digits(2, &hour) || !scan.Consume(':') || !scan.Digits(2, &minute) ||
      !scan.Consume(':') || !scan.Digits(2, &second)) {
    return false;
  }
  if (hour > 24 || minute > 59 || second > 60) return false;
  int64_t fraction = 0;
  if (scan.Consume('.')) {
    int64_t scale = 100000;
    int digits = 0;
    while (scan.Peek() >= '0' && scan.Peek() <= '9') {
      if (++digits > 6) return false;
      fraction += (scan.Peek() - '0') * scale;
      scale /= 10;
      scan.Consume(scan.Peek());
    }
    if (digits == 0) return false;
  }
  *micros = ((hour * 60 + minute) * 60 + second) * 1'000'000 + fraction;
  return *micros <= kMicrosPerDay;
}

// "+05", "-03:30", "+00:53:28": consumed and ignored (the text is local time).
bool SkipOffset(TextScanner& scan) {
  if (!scan.Consume('+') && !scan.Consume('-')) return true;
  int64_t part;
  if (!scan.Digits(2, &part)) return false;
  for (int i = 0; i < 2 && scan.Consume(':'); ++i) {
    if (!scan.Digits(2, &part)) return false;
  }
  return true;
}

R ParseTextDate(const char* data, size_t size, RowBatch& batch) {
  const std::string_view text(data, size);
  if (text == "infinity") {
    batch.AppendInt(kMaxDateDays);
    return R::kOk;
  }
  if (text == "-infinity") {
    batch.AppendInt(kMinDateDays);
    return R::kOk;
  }
  TextScanner scan(data, size);
  int64_t packed, days;
  if (!ParseDatePart(scan, &packed)) return R::kMalformed;
  const bool bc = scan.ConsumeWord(" BC");
  if (!scan.AtEnd() || !ResolveDate(packed, bc, &days)) return R::kMalformed;
  batch.AppendInt(days);
  return R::kOk;
}

R ParseTextTimestamp(const char* data, size_t size, bool with_offset, RowBatch& batch) {
  const std::string_view text(data, size);
  if (text == "infinity") {
    batch.AppendInt(kMaxTimestampMicros);
    return R::kOk;
  }
  if (text == "-infinity") {
    batch.AppendInt(kMinTimestampMicros);
    return R::kOk;
  }
  TextScanner scan(data, size);
  int64_t packed, days, time;
  if (!ParseDatePart(scan, &packed) || !scan.Consume(' ') || !ParseTimePart(scan, &time)) {
    return R::kMalformed;
  }
  if (with_offset && !SkipOffset(scan)) return R::kMalformed;
  const bool bc = scan.ConsumeWord(" BC");
  if (!scan.AtEnd() || !ResolveDate(packed, bc, &days)) return R::kMalformed;
  batch.AppendInt(days * kMicrosPerDay + time);
  return R::kOk;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

R ParseTextBytea(const char* data, size_t size, RowBatch& batch) {
  if (size >= 2 && data[0] == '\\' && data[1] == 'x') {
    if (size % 2 != 0) return R::kMalformed;
    const size_t out_size = (size - 2) / 2;
    char* out = batch.AppendUninitialized(out_size);
    for (size_t i = 0; i < out_size; ++i) {
      const int hi = HexValue(data[2 + 2 * i]);
      const int lo = HexValue(data[3 + 2 * i]);
      if (hi < 0 || lo < 0) return R::kMalformed;
      out[i] = static_cast<char>(hi << 4 | lo);
    }
    return R::kOk;
  }
  // bytea_output = escape: "\\" is a backslash, "\ooo" an octal byte.
  char* out = batch.AppendUninitialized(size);
  size_t n = 0;
  for (size_t i = 0; i < size;) {
    if (data[i] != '\\') {
      out[n++] = data[i++];
      continue;
    }
    if (i + 1 < size && data[i + 1] == '\\') {
      out[n++] = '\\';
      i += 2;
      continue;
    }
    if (i + 4 > size) return R::kMalformed;
    int value = 0;
    for (size_t k = 1; k <= 3; ++k) {
      const char c = data[i + k];
      if (c < '0' || c > '7') return R::kMalformed;
      value = value * 8 + (c - '0');
    }
    if (value > 255) return R::kMalformed;
    out[n++] = static_cast<char>(value);
    i += 4;
  }
  batch.TrimLast(n);
  return R::kOk;
}

R ParseTextUuid(const char* data, size_t size, RowBatch& batch) {
  char bytes[16];
  size_t nibbles = 0;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '-') continue;
    const int v = HexValue(data[i]);
    if (v < 0 || nibbles >= 32) return R::kMalformed;
    if (nibbles % 2 == 0) {
      bytes[nibbles / 2] = static_cast<char>(v << 4);
    } else {
      bytes[nibbles / 2] = static_cast<char>(bytes[nibbles / 2] | v);
    }
    ++nibbles;
  }
  if (nibbles != 32) return R::kMalformed;
  batch.AppendBytes(bytes, sizeof bytes);
  return R::kOk;
}

template <typename T>
R ParseTextNumber(const char* data, size_t size, T* value) {
  const char* end = data + size;
  auto [ptr, ec] = std::from_chars(data, end, *value);
  if (ec == std::errc::result_out_of_range) return R::kOutOfRange;
  if (ec != std::errc() || ptr != end) return R::kMalformed;
  return R::kOk;
}

}  // namespace

DecodeResult DecodeBinary(ValueKind kind, const char* data, size_t size,
                          const DecodeContext& context, RowBatch& batch) {
  switch (kind) {
    case ValueKind::kBool:
      if (size != 1) return R::kMalformed;
      batch.AppendInt(data[0] != 0 ? 1 : 0);
      return R::kOk;
    case ValueKind::kInt2:
      if (size != 2) return R::kMalformed;
      batch.AppendInt(static_cast<int16_t>(Load16(data)));
      return R::kOk;
    case ValueKind::kInt4:
      if (size != 4) return R::kMalformed;
      batch.AppendInt(static_cast<int32_t>(Load32(data)));
      return R::kOk;
    case ValueKind::kOid:
      if (size != 4) return R::kMalformed;
      batch.AppendInt(Load32(data));
      return R::kOk;
    case ValueKind::kInt8:
      if (size != 8) return R::kMalformed;
      batch.AppendInt(static_cast<int64_t>(Load64(data)));
      return R::kOk;
    case ValueKind::kFloat4: {
      if (size != 4) return R::kMalformed;
      const uint32_t bits = Load32(data);
      float value;
      std::memcpy(&value, &bits, sizeof value);
      batch.AppendDouble(static_cast<double>(value));
      return R::kOk;
    }
    case ValueKind::kFloat8: {
      if (size != 8) return R::kMalformed;
      const uint64_t bits = Load64(data);
      double value;
      std::memcpy(&value, &bits, sizeof value);
      batch.AppendDouble(value);
      return R::kOk;
    }
    case ValueKind::kNumeric:
      return NumericToText(data, size, batch);
    case ValueKind::kChar:
      // The server's text form of the byte 0 is '', not a NUL character.
      batch.AppendBytes(data, size == 1 && data[0] == 0 ? 0 : size);
      return R::kOk;
    case ValueKind::kText:
    case ValueKind::kBytes:
    case ValueKind::kJson:
      batch.AppendBytes(data, size);
      return R::kOk;
    case ValueKind::kJsonb:
      // Version 1 is the only one: the JSON text follows.
      if (size < 1 || data[0] != 1) return R::kMalformed;
      batch.AppendBytes(data + 1, size - 1);
      return R::kOk;
    case ValueKind::kDate: {
      if (size != 4) return R::kMalformed;
      const int32_t days = static_cast<int32_t>(Load32(data));
      if (days == std::numeric_limits<int32_t>::max()) {
        batch.AppendInt(kMaxDateDays);
      } else if (days == std::numeric_limits<int32_t>::min()) {
        batch.AppendInt(kMinDateDays);
      } else {
        batch.AppendInt(int64_t{days} + kPgEpochDays);
      }
      return R::kOk;
    }
    case ValueKind::kTime: {
      if (size != 8) return R::kMalformed;
      const int64_t micros = static_cast<int64_t>(Load64(data));
      if (micros < 0 || micros > kMicrosPerDay) return R::kMalformed;
      batch.AppendInt(micros);
      return R::kOk;
    }
    case ValueKind::kTimestamp:
      if (size != 8) return R::kMalformed;
      return AppendTimestamp(static_cast<int64_t>(Load64(data)), nullptr, batch);
    case ValueKind::kTimestampTz:
      if (size != 8 || context.zone == nullptr) return R::kMalformed;
      return AppendTimestamp(static_cast<int64_t>(Load64(data)), context.zone, batch);
    case ValueKind::kUuid:
      if (size != 16) return R::kMalformed;
      batch.AppendBytes(data, size);
      return R::kOk;
    case ValueKind::kUnknownText:
      return R::kMalformed;
  }
  return R::kMalformed;
}

DecodeResult DecodeText(ValueKind kind, const char* data, size_t size, RowBatch& batch) {
  switch (kind) {
    case ValueKind::kBool:
      if (size == 1 && (data[0] == 't' || data[0] == 'f')) {
        batch.AppendInt(data[0] == 't' ? 1 : 0);
        return R::kOk;
      }
      return R::kMalformed;
    case ValueKind::kInt2:
    case ValueKind::kInt4:
    case ValueKind::kInt8:
    case ValueKind::kOid: {
      int64_t value;
      const R result = ParseTextNumber(data, size, &value);
      if (result == R::kOk) batch.AppendInt(value);
      return result;
    }
    case ValueKind::kFloat4: {
      float value;
      const R result = ParseTextNumber(data, size, &value);
      if (result == R::kOk) batch.AppendDouble(static_cast<double>(value));
      return result;
    }
    case ValueKind::kFloat8: {
      double value;
      const R result = ParseTextNumber(data, size, &value);
      if (result == R::kOk) batch.AppendDouble(value);
      return result;
    }
    case ValueKind::kNumeric:
      if (size == 0) return R::kMalformed;
      batch.AppendBytes(data, size);
      return R::kOk;
    case ValueKind::kText:
    case ValueKind::kChar:
    case ValueKind::kJson:
    case ValueKind::kJsonb:
    case ValueKind::kUnknownText:
      batch.AppendBytes(data, size);
      return R::kOk;
    case ValueKind::kBytes:
      return ParseTextBytea(data, size, batch);
    case ValueKind::kDate:
      return ParseTextDate(data, size, batch);
    case ValueKind::kTime: {
      TextScanner scan(data, size);
      int64_t micros;
      if (!ParseTimePart(scan, &micros) || !scan.AtEnd()) return R::kMalformed;
      batch.AppendInt(micros);
      return R::kOk;
    }
    case ValueKind::kTimestamp:
      return ParseTextTimestamp(data, size, false, batch);
    case ValueKind::kTimestampTz:
      return ParseTextTimestamp(data, size, true, batch);
    case ValueKind::kUuid:
      return ParseTextUuid(data, size, batch);
  }
  return R::kMalformed;
}

}  // namespace quietfetch::pg
