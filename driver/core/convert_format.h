// Text renderings and parsers shared by the two conversion directions
// (convert.cc, convert_param.cc). Renderings match what PostgreSQL prints with
// DateStyle=ISO and extra_float_digits=1 (its defaults), so a value reads the
// same through the driver as in psql. Private to the conversion code.
#ifndef QUIETFETCH_DRIVER_CORE_CONVERT_FORMAT_H_
#define QUIETFETCH_DRIVER_CORE_CONVERT_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace quietfetch::core::convert_internal {

// Large enough for every fixed-width rendering below (the longest is a
// timestamp far in the future or BC, about 32 characters).
inline constexpr size_t kRenderBufferSize = 64;

// Each Format* writes into `out` (kRenderBufferSize bytes, not NUL-terminated)
// and returns the length written.
size_t FormatInt(int64_t value, char* out);
size_t FormatUint(uint64_t value, char* out);
size_t FormatDouble(double value, char* out);  // like float8out
size_t FormatFloat(float value, char* out);    // like float4out
size_t FormatDate(int64_t days, char* out);    // days since 1970-01-01
size_t FormatTime(int64_t micros, char* out);  // microseconds since midnight
size_t FormatTimestamp(int64_t micros, char* out);
size_t FormatUuid(const unsigned char* bytes, char* out);  // 16 bytes -> 36 chars
// "YYYY-MM-DD" / "HH:MM:SS[.f]" from fields; nanos trimmed of trailing zeros.
size_t FormatDateFields(int64_t year, int month, int day, char* out);
size_t FormatTimeFields(int hour, int minute, int second, uint32_t nanos, char* out);

// PostgreSQL's sentinels for +/-infinity in its binary date/timestamp forms.
inline constexpr int64_t kDateInfinity = 2147483647;
inline constexpr int64_t kDateMinusInfinity = -2147483647 - 1;
inline constexpr int64_t kTimestampInfinity = INT64_MAX;
inline constexpr int64_t kTimestampMinusInfinity = INT64_MIN;
inline constexpr int64_t kMicrosPerDay = 86'400'000'000;

struct CivilDate {
  int64_t year;  // astronomical: 0 is 1 BC
  int month;
  int day;
};
CivilDate CivilFromDays(int64_t days);
int64_t DaysFromCivil(int64_t year, int month, int day);
bool IsValidDate(int64_t year, int month, int day);
// Splits a timestamp into whole days and microseconds of that day (floor).
void SplitTimestamp(int64_t micros, int64_t* days, int64_t* time_of_day);

std::string_view TrimSpaces(std::string_view text);

// A numeric literal: [sign] digits [. digits] [e [sign] digits], or NaN /
// [+-]Infinity (also "inf"). Digits are kept as views into the text.
struct Decimal {
  enum class Kind { kFinite, kNaN, kPositiveInfinity, kNegativeInfinity };
  Kind kind = Kind::kFinite;
  bool negative = false;
  std::string_view int_digits;   // leading zeros removed
  std::string_view frac_digits;  // as written
  int64_t exponent = 0;          // clamped to +/- 1e6

  size_t size() const { return int_digits.size() + frac_digits.size(); }
  // Digit i of int_digits followed by frac_digits ('0' past the end).
  char DigitAt(int64_t i) const;
  // Index in that digit sequence where the value's decimal point falls.
  int64_t Point() const { return static_cast<int64_t>(int_digits.size()) + exponent; }
};
bool ParseDecimal(std::string_view text, Decimal* out);

// The integer part of a finite decimal multiplied by 10^shift.
struct IntegerPart {
  bool negative = false;
  uint64_t magnitude = 0;
  bool overflow = false;  // more than 64 bits
  bool fraction = false;  // nonzero digits were dropped
};
IntegerPart DecimalToInteger(const Decimal& decimal);

// "t", "true", "y", "yes", "on", "1" -> 1 and their opposites -> 0, any case,
// as PostgreSQL's boolin takes them; -1 for anything else.
int ParseBoolWord(std::string_view text);

struct DateTimeFields {
  bool has_date = false;
  bool has_time = false;
  int64_t year = 0;  // astronomical (BC years are <= 0)
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  uint32_t nanos = 0;
};
enum class DateTimeParse { kOk, kJunk, kBadField };
// ISO forms: "YYYY-MM-DD", "HH:MM[:SS[.f]]", "YYYY-MM-DD[ T]HH:MM[:SS[.f]]",
// optionally followed by a zone ("Z", "+02", "-05:30") that is ignored and
// " BC"/" AD". kBadField: the shape is right but a field is out of range.
DateTimeParse ParseDateTime(std::string_view text, DateTimeFields* out);

// Canonical, braced, or 32 hex digits; any case.
bool ParseUuid(std::string_view text, unsigned char* out);

}  // namespace quietfetch::core::convert_internal

#endif  // QUIETFETCH_DRIVER_CORE_CONVERT_FORMAT_H_
