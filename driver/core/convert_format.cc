#include "driver/core/convert_format.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

namespace quietfetch::core::convert_internal {
namespace {

constexpr int64_t kMaxExponent = 1'000'000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != b[i]) return false;
  }
  return true;
}

size_t Copy(std::string_view text, char* out) {
  std::memcpy(out, text.data(), text.size());
  return text.size();
}

// Writes `value` zero-padded to at least `width` digits.
char* PutPadded(char* out, uint64_t value, int width) {
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof(digits), value);
  auto length = static_cast<int>(result.ptr - digits);
  for (int i = length; i < width; ++i) *out++ = '0';
  std::memcpy(out, digits, static_cast<size_t>(length));
  return out + length;
}

// Writes "YYYY-MM-DD" with the year as PostgreSQL shows it (BC years count
// from 1); returns whether the " BC" suffix is due.
char* PutYmd(char* out, int64_t year, int month, int day, bool* bc) {
  *bc = year <= 0;
  uint64_t shown = *bc ? static_cast<uint64_t>(1 - year) : static_cast<uint64_t>(year);
  out = PutPadded(out, shown, 4);
  *out++ = '-';
  out = PutPadded(out, static_cast<uint64_t>(month), 2);
  *out++ = '-';
  return PutPadded(out, static_cast<uint64_t>(day), 2);
}

char* PutHms(char* out, int hour, int minute, int second, uint32_t nanos) {
  out = PutPadded(out, static_cast<uint64_t>(hour), 2);
  *out++ = ':';
  out = PutPadded(out, static_cast<uint64_t>(minute), 2);
  *out++ = ':';
  out = PutPadded(out, static_cast<uint64_t>(second), 2);
  if (nanos != 0) {
    char digits[9];
    uint32_t rest = nanos;
    for (int i = 8; i >= 0; --i) {
      digits[i] = static_cast<char>('0' + rest % 10);
      rest /= 10;
    }
    int length = 9;
    while (digits[length - 1] == '0') --length;
    *out++ = '.';
    std::memcpy(out, digits, static_cast<size_t>(length));
    out += length;
  }
  return out;
}

char* PutMicrosOfDay(char* out, int64_t micros) {
  auto seconds = micros / 1'000'000;
  auto fraction = static_cast<uint32_t>(micros % 1'000'000);
  return PutHms(out, static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60),
                static_cast<int>(seconds % 60), fraction * 1000);
}

// Traits of the two binary formats PostgreSQL prints.
template <typename T>
struct FloatTraits;
template <>
struct FloatTraits<double> {
  static constexpr int kMantissaBits = 53;  // with the hidden bit
  static constexpr int kMinExponent = -1074;
  static constexpr int kMaxDigits = 17;
  static constexpr int kFixedLimit = 15;  // DBL_DIG
};
template <>
struct FloatTraits<float> {
  static constexpr int kMantissaBits = 24;
  static constexpr int kMinExponent = -149;
  static constexpr int kMaxDigits = 9;
  static constexpr int kFixedLimit = 6;  // FLT_DIG
};

// Whether digits * 10^exponent == odd * 2^power exactly.
bool DecimalEqualsDyadic(uint64_t digits, int exponent, uint64_t odd, int power) {
  int twos = std::countr_zero(digits);
  uint64_t digits_odd = digits >> twos;
  // Both sides' odd parts: digits_odd * 5^exponent vs odd (exponent >= 0), or
  // digits_odd vs odd * 5^-exponent; and the powers of two must agree.
  if (twos + exponent != power) return false;
  uint64_t small = exponent >= 0 ? odd : digits_odd;
  uint64_t big = exponent >= 0 ? digits_odd : odd;
  int fives = exponent >= 0 ? exponent : -exponent;
  // 5^27 < 2^63; the odd parts are below 2^57, so more fives cannot match.
  if (fives > 27) return false;
  uint64_t scale = 1;
  for (int i = 0; i < fives; ++i) scale *= 5;
  __extension__ unsigned __int128 product = static_cast<unsigned __int128>(big) * scale;
  return product == small;
}

// Splits "d.ddde+XX" (std::to_chars scientific, no sign) into an integer and
// a power of ten.
void SplitScientific(const char* text, const char* end, uint64_t* digits, int* exponent) {
  uint64_t value = 0;
  int count = 0;
  const char* p = text;
  for (; p < end && *p != 'e'; ++p) {
    if (*p == '.') continue;
    value = value * 10 + static_cast<uint64_t>(*p - '0');
    ++count;
  }
  int e10 = 0;
  std::from_chars(p + (p[1] == '+' ? 2 : 1), end, e10);
  *digits = value;
  *exponent = e10 - (count - 1);
}

// Whether a decimal lies exactly on the boundary between `value` (> 0) and a
// neighbour, where C++'s shortest digits rely on round-half-even when read
// back. PostgreSQL's copy of Ryu excludes those bounds (STRICTLY_SHORTEST is
// off), so such digits are not what it prints.
template <typename T>
bool IsOnBoundary(T value, const char* text, const char* end) {
  using Traits = FloatTraits<T>;
  uint64_t digits = 0;
  int exponent = 0;
  SplitScientific(text, end, &digits, &exponent);
  // A midpoint's odd part is at least 2^23 (normal numbers), so a decimal
  // with more than two fractional digits or a huge power of ten cannot be
  // one (subnormal midpoints need ~2^-1075): most values stop here.
  if (exponent < -2 || exponent > 27) return false;
  int binary_exponent = 0;
  T fraction = std::frexp(value, &binary_exponent);
  int e2 = std::max(binary_exponent - Traits::kMantissaBits, Traits::kMinExponent);
  auto mantissa = static_cast<uint64_t>(std::ldexp(fraction, binary_exponent - e2));
  if (DecimalEqualsDyadic(digits, exponent, 2 * mantissa + 1, e2 - 1)) return true;
  bool narrow_below =
      mantissa == uint64_t{1} << (Traits::kMantissaBits - 1) && e2 > Traits::kMinExponent;
  if (narrow_below) return DecimalEqualsDyadic(digits, exponent, 4 * mantissa - 1, e2 - 2);
  return DecimalEqualsDyadic(digits, exponent, 2 * mantissa - 1, e2 - 1);
}

// PostgreSQL's float4out/float8out: the shortest digits that read back as the
// value without relying on tie-breaking, in positional notation while the
// decimal exponent is in [-4, kFixedLimit), in %e style otherwise.
template <typename T>
size_t FormatFloating(T value, char* out) {
  using Traits = FloatTraits<T>;
  if (std::isnan(value)) return Copy("NaN", out);
  if (std::isinf(value)) return Copy(value > 0 ? "Infinity" : "-Infinity", out);
  if (value == 0) return Copy(std::signbit(value) ? "-0" : "0", out);
  bool negative = value < 0;
  T magnitude = negative ? -value : value;
  char sci[48];
  auto result = std::to_chars(sci, sci + sizeof(sci), magnitude, std::chars_format::scientific);
  if (IsOnBoundary(magnitude, sci, result.ptr)) {
    int shortest = 0;
    for (const char* p = sci; p < result.ptr && *p != 'e'; ++p) shortest += *p != '.';
    for (int precision = shortest + 1; precision <= Traits::kMaxDigits; ++precision) {
      result = std::to_chars(sci, sci + sizeof(sci), magnitude, std::chars_format::scientific,
                             precision - 1);
      T parsed{};
      std::from_chars(sci, result.ptr, parsed);
      if (parsed == magnitude && !IsOnBoundary(magnitude, sci, result.ptr)) break;
    }
    // Digits with more precision than needed may end in zeros; drop them.
    char* e = static_cast<char*>(std::memchr(sci, 'e', static_cast<size_t>(result.ptr - sci)));
    char* last = e - 1;
    while (*last == '0') --last;
    if (*last == '.') --last;
    size_t tail = static_cast<size_t>(result.ptr - e);
    std::memmove(last + 1, e, tail);
    result.ptr = last + 1 + tail;
  }
  auto sci_length = static_cast<size_t>(result.ptr - sci);
  const char* e = static_cast<const char*>(std::memchr(sci, 'e', sci_length));
  int exponent = 0;
  std::from_chars(e + (e[1] == '+' ? 2 : 1), result.ptr, exponent);
  char* p = out;
  if (negative) *p++ = '-';
  if (exponent < -4 || exponent >= Traits::kFixedLimit) {
    std::memcpy(p, sci, sci_length);
    return static_cast<size_t>(p + sci_length - out);
  }
  char digits[24];
  int digit_count = 0;
  for (const char* d = sci; d < e; ++d) {
    if (*d != '.') digits[digit_count++] = *d;
  }
  if (exponent >= 0) {
    int int_length = exponent + 1;
    for (int i = 0; i < int_length; ++i) *p++ = i < digit_count ? digits[i] : '0';
    if (digit_count > int_length) {
      *p++ = '.';
      for (int i = int_length; i < digit_count; ++i) *p++ = digits[i];
    }
  } else {
    *p++ = '0';
    *p++ = '.';
    for (int i = 0; i < -exponent - 1; ++i) *p++ = '0';
    for (int i = 0; i < digit_count; ++i) *p++ = digits[i];
  }
  return static_cast<size_t>(p - out);
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

// Reads between min_digits and max_digits digits at text[*pos].
bool ReadNumber(std::string_view text, size_t* pos, int min_digits, int max_digits,
                int64_t* value) {
  int count = 0;
  int64_t result = 0;
  while (*pos < text.size() && IsDigit(text[*pos]) && count < max_digits) {
    result = result * 10 + (text[*pos] - '0');
    ++*pos;
    ++count;
  }
  if (count < min_digits) return false;
  if (*pos < text.size() && IsDigit(text[*pos])) return false;  // too many digits
  *value = result;
  return true;
}

bool Consume(std::string_view text, size_t* pos, char c) {
  if (*pos < text.size() && text[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

bool ParseTimePart(std::string_view text, size_t* pos, DateTimeFields* out) {
  int64_t hour = 0;
  int64_t minute = 0;
  int64_t second = 0;
  if (!ReadNumber(text, pos, 1, 2, &hour) || !Consume(text, pos, ':') ||
      !ReadNumber(text, pos, 2, 2, &minute)) {
    return false;
  }
  if (Consume(text, pos, ':')) {
    if (!ReadNumber(text, pos, 2, 2, &second)) return false;
    if (Consume(text, pos, '.')) {
      uint32_t nanos = 0;
      int count = 0;
      while (*pos < text.size() && IsDigit(text[*pos])) {
        // Digits beyond nanoseconds cannot be represented anywhere; drop them.
        if (count < 9) nanos = nanos * 10 + static_cast<uint32_t>(text[*pos] - '0');
        ++count;
        ++*pos;
      }
      if (count == 0) return false;
      for (int i = count; i < 9; ++i) nanos *= 10;
      out->nanos = nanos;
    }
  }
  out->hour = static_cast<int>(hour);
  out->minute = static_cast<int>(minute);
  out->second = static_cast<int>(second);
  out->has_time = true;
  return true;
}

// "Z", "+HH", "+HH:MM", "+HHMM", "+HH:MM:SS", optionally after one space.
bool SkipZone(std::string_view text, size_t* pos) {
  size_t p = *pos;
  if (p < text.size() && text[p] == ' ' && p + 1 < text.size() &&
      (text[p + 1] == '+' || text[p + 1] == '-' || text[p + 1] == 'Z')) {
    ++p;
  }
  if (p < text.size() && (text[p] == 'Z' || text[p] == 'z')) {
    *pos = p + 1;
    return true;
  }
  if (p >= text.size() || (text[p] != '+' && text[p] != '-')) return true;
  ++p;
  int64_t unused = 0;
  if (!ReadNumber(text, &p, 1, 4, &unused)) return false;
  while (p < text.size() && text[p] == ':') {
    ++p;
    if (!ReadNumber(text, &p, 2, 2, &unused)) return false;
  }
  *pos = p;
  return true;
}

}  // namespace

size_t FormatInt(int64_t value, char* out) {
  return static_cast<size_t>(std::to_chars(out, out + kRenderBufferSize, value).ptr - out);
}

size_t FormatUint(uint64_t value, char* out) {
  return static_cast<size_t>(std::to_chars(out, out + kRenderBufferSize, value).ptr - out);
}

size_t FormatDouble(double value, char* out) { return FormatFloating(value, out); }

size_t FormatFloat(float value, char* out) { return FormatFloating(value, out); }

size_t FormatDate(int64_t days, char* out) {
  if (days == kDateInfinity) return Copy("infinity", out);
  if (days == kDateMinusInfinity) return Copy("-infinity", out);
  CivilDate date = CivilFromDays(days);
  return FormatDateFields(date.year, date.month, date.day, out);
}

size_t FormatDateFields(int64_t year, int month, int day, char* out) {
  bool bc = false;
  char* p = PutYmd(out, year, month, day, &bc);
  if (bc) p += Copy(" BC", p);
  return static_cast<size_t>(p - out);
}

size_t FormatTime(int64_t micros, char* out) {
  return static_cast<size_t>(PutMicrosOfDay(out, micros) - out);
}

size_t FormatTimeFields(int hour, int minute, int second, uint32_t nanos, char* out) {
  return static_cast<size_t>(PutHms(out, hour, minute, second, nanos) - out);
}

size_t FormatTimestamp(int64_t micros, char* out) {
  if (micros == kTimestampInfinity) return Copy("infinity", out);
  if (micros == kTimestampMinusInfinity) return Copy("-infinity", out);
  int64_t days = 0;
  int64_t time_of_day = 0;
  SplitTimestamp(micros, &days, &time_of_day);
  CivilDate date = CivilFromDays(days);
  bool bc = false;
  char* p = PutYmd(out, date.year, date.month, date.day, &bc);
  *p++ = ' ';
  p = PutMicrosOfDay(p, time_of_day);
  if (bc) p += Copy(" BC", p);
  return static_cast<size_t>(p - out);
}

size_t FormatUuid(const unsigned char* bytes, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  char* p = out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
    *p++ = kHex[bytes[i] >> 4];
    *p++ = kHex[bytes[i] & 0xF];
  }
  return 36;
}

// Howard Hinnant's civil calendar algorithms (proleptic Gregorian, any sign).
CivilDate CivilFromDays(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  auto day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  auto month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  int64_t yoe = year - era * 400;
  int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool IsValidDate(int64_t year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

void SplitTimestamp(int64_t micros, int64_t* days, int64_t* time_of_day) {
  *days = micros / kMicrosPerDay;
  *time_of_day = micros % kMicrosPerDay;
  if (*time_of_day < 0) {
    *time_of_day += kMicrosPerDay;
    --*days;
  }
}

std::string_view TrimSpaces(std::string_view text) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

char Decimal::DigitAt(int64_t i) const {
  if (i < 0) return '0';
  auto index = static_cast<size_t>(i);
  if (index < int_digits.size()) return int_digits[index];
  index -= int_digits.size();
  return index < frac_digits.size() ? frac_digits[index] : '0';
}

bool ParseDecimal(std::string_view text, Decimal* out) {
  text = TrimSpaces(text);
  *out = Decimal();
  if (EqualsIgnoreCase(text, "nan")) {
    out->kind = Decimal::Kind::kNaN;
    return true;
  }
  std::string_view unsigned_text = text;
  bool negative = false;
  if (!unsigned_text.empty() && (unsigned_text[0] == '+' || unsigned_text[0] == '-')) {
    negative = unsigned_text[0] == '-';
    unsigned_text.remove_prefix(1);
  }
  if (EqualsIgnoreCase(unsigned_text, "infinity") || EqualsIgnoreCase(unsigned_text, "inf")) {
    out->kind = negative ? Decimal::Kind::kNegativeInfinity : Decimal::Kind::kPositiveInfinity;
    out->negative = negative;
    return true;
  }
  out->negative = negative;
  std::string_view s = unsigned_text;
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i])) ++i;
  std::string_view int_digits = s.substr(0, i);
  std::string_view frac_digits;
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    frac_digits = s.substr(start, i - start);
  }
  if (int_digits.empty() && frac_digits.empty()) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) exponent_negative = s[i++] == '-';
    size_t start = i;
    int64_t exponent = 0;
    while (i < s.size() && IsDigit(s[i])) {
      if (exponent < kMaxExponent) exponent = exponent * 10 + (s[i] - '0');
      ++i;
    }
    if (i == start) return false;
    if (exponent > kMaxExponent) exponent = kMaxExponent;
    out->exponent = exponent_negative ? -exponent : exponent;
  }
  if (i != s.size()) return false;
  while (!int_digits.empty() && int_digits[0] == '0') int_digits.remove_prefix(1);
  out->int_digits = int_digits;
  out->frac_digits = frac_digits;
  return true;
}

IntegerPart DecimalToInteger(const Decimal& decimal) {
  IntegerPart result;
  result.negative = decimal.negative;
  int64_t point = decimal.Point();
  auto size = static_cast<int64_t>(decimal.size());
  for (int64_t i = 0; i < point; ++i) {
    // Past the written digits only zeros follow: a zero stays zero.
    if (i >= size && result.magnitude == 0) break;
    auto digit = static_cast<uint64_t>(decimal.DigitAt(i) - '0');
    if (result.magnitude > (UINT64_MAX - digit) / 10) {
      result.overflow = true;
      return result;
    }
    result.magnitude = result.magnitude * 10 + digit;
  }
  for (int64_t i = point < 0 ? 0 : point; i < size; ++i) {
    if (decimal.DigitAt(i) != '0') {
      result.fraction = true;
      break;
    }
  }
  return result;
}

int ParseBoolWord(std::string_view text) {
  text = TrimSpaces(text);
  static constexpr std::string_view kTrue[] = {"t", "true", "y", "yes", "on", "1"};
  static constexpr std::string_view kFalse[] = {"f", "false", "n", "no", "off", "0"};
  for (auto word : kTrue) {
    if (EqualsIgnoreCase(text, word)) return 1;
  }
  for (auto word : kFalse) {
    if (EqualsIgnoreCase(text, word)) return 0;
  }
  return -1;
}

DateTimeParse ParseDateTime(std::string_view text, DateTimeFields* out) {
  text = TrimSpaces(text);
  *out = DateTimeFields();
  size_t pos = 0;
  // A date starts with its year and a '-'; a time with an hour and a ':'.
  size_t digits = 0;
  while (digits < text.size() && IsDigit(text[digits])) ++digits;
  if (digits == 0 || digits >= text.size()) return DateTimeParse::kJunk;
  if (text[digits] == '-') {
    int64_t year = 0;
    int64_t month = 0;
    int64_t day = 0;
    if (!ReadNumber(text, &pos, 1, 7, &year) || !Consume(text, &pos, '-') ||
        !ReadNumber(text, &pos, 1, 2, &month) || !Consume(text, &pos, '-') ||
        !ReadNumber(text, &pos, 1, 2, &day)) {
      return DateTimeParse::kJunk;
    }
    out->has_date = true;
    out->year = year;
    out->month = static_cast<int>(month);
    out->day = static_cast<int>(day);
    if (pos + 1 < text.size() && (text[pos] == ' ' || text[pos] == 'T' || text[pos] == 't') &&
        IsDigit(text[pos + 1])) {
      ++pos;
      if (!ParseTimePart(text, &pos, out)) return DateTimeParse::kJunk;
    }
  } else if (text[digits] == ':') {
    if (!ParseTimePart(text, &pos, out)) return DateTimeParse::kJunk;
  } else {
    return DateTimeParse::kJunk;
  }
  if (out->has_time && !SkipZone(text, &pos)) return DateTimeParse::kJunk;
  bool bc = false;
  if (out->has_date && pos < text.size()) {
    std::string_view rest = TrimSpaces(text.substr(pos));
    if (rest.size() == text.size() - pos) return DateTimeParse::kJunk;  // no space before era
    if (EqualsIgnoreCase(rest, "bc")) {
      bc = true;
    } else if (!EqualsIgnoreCase(rest, "ad")) {
      return DateTimeParse::kJunk;
    }
    pos = text.size();
  }
  if (pos != text.size()) return DateTimeParse::kJunk;

  if (out->has_date) {
    if (out->year == 0) return DateTimeParse::kBadField;  // there is no year 0
    if (bc) out->year = 1 - out->year;
    if (!IsValidDate(out->year, out->month, out->day)) return DateTimeParse::kBadField;
  }
  if (out->has_time) {
    bool end_of_day = out->hour == 24 && out->minute == 0 && out->second == 0 && out->nanos == 0;
    if ((out->hour > 23 && !end_of_day) || out->minute > 59 || out->second > 59) {
      return DateTimeParse::kBadField;
    }
  }
  return DateTimeParse::kOk;
}

bool ParseUuid(std::string_view text, unsigned char* out) {
  text = TrimSpaces(text);
  if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
    text = text.substr(1, text.size() - 2);
  }
  bool canonical = text.size() == 36;
  if (!canonical && text.size() != 32) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  size_t pos = 0;
  for (int i = 0; i < 16; ++i) {
    if (canonical && (i == 4 || i == 6 || i == 8 || i == 10)) {
      if (text[pos++] != '-') return false;
    }
    int high = nibble(text[pos]);
    int low = nibble(text[pos + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<unsigned char>(high << 4 | low);
    pos += 2;
  }
  return true;
}

}  // namespace quietfetch::core::convert_internal
