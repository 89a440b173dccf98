#include "quietfetch/orm/field_traits.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace quietfetch::orm {

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kBool:
      return "bool";
    case ColumnType::kInt16:
      return "int16";
    case ColumnType::kInt32:
      return "int32";
    case ColumnType::kInt64:
      return "int64";
    case ColumnType::kFloat32:
      return "float32";
    case ColumnType::kFloat64:
      return "float64";
    case ColumnType::kNumeric:
      return "numeric";
    case ColumnType::kText:
      return "text";
    case ColumnType::kBytes:
      return "bytes";
    case ColumnType::kDate:
      return "date";
    case ColumnType::kTime:
      return "time";
    case ColumnType::kTimestamp:
      return "timestamp";
    case ColumnType::kTimestampTz:
      return "timestamptz";
    case ColumnType::kUuid:
      return "uuid";
    case ColumnType::kJson:
      return "json";
    case ColumnType::kUnknown:
      return "unknown";
  }
  return "unknown";
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::Status NotANumber(std::string_view text, std::string_view what) {
  return SqlError("22018", absl::StrCat("'", absl::string_view(text.data(), text.size()),
                                        "' is not ", absl::string_view(what.data(), what.size())));
}

}  // namespace

absl::StatusOr<Uuid> Uuid::Parse(std::string_view text) {
  std::string_view body = text;
  if (body.size() == 38 && body.front() == '{' && body.back() == '}') {
    body = body.substr(1, 36);
  }
  Uuid uuid;
  if (body.size() != 36) return NotANumber(text, "a uuid");
  size_t out = 0;
  for (size_t i = 0; i < body.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (body[i] != '-') return NotANumber(text, "a uuid");
      ++i;
      continue;
    }
    const int high = HexValue(body[i]);
    const int low = HexValue(body[i + 1]);
    if (high < 0 || low < 0) return NotANumber(text, "a uuid");
    uuid.bytes[out++] = static_cast<unsigned char>(high * 16 + low);
    i += 2;
  }
  return uuid;
}

std::string Uuid::ToString() const {
  std::string out(36, '\0');
  detail::FormatUuid(bytes.data(), out.data());
  return out;
}

namespace detail {

void FormatUuid(const unsigned char* bytes, char* out36) {
  static constexpr char kHex[] = "0123456789abcdef";
  char* out = out36;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *out++ = '-';
    *out++ = kHex[bytes[i] >> 4];
    *out++ = kHex[bytes[i] & 15];
  }
}

absl::Status OutOfRange(std::string_view what, std::string_view target) {
  return SqlError("22003", absl::StrCat("value ", absl::string_view(what.data(), what.size()),
                                        " is out of range for ",
                                        absl::string_view(target.data(), target.size())));
}

absl::Status NotExactTime(std::string_view target) {
  return SqlError("22008",
                  absl::StrCat("the value has a finer time part than ",
                               absl::string_view(target.data(), target.size()), " can hold"));
}

absl::StatusOr<int64_t> NumericToInteger(std::string_view text) {
  // Numeric text is "-123", "123.000", "NaN" or "[-]Infinity"; only integral
  // values convert, and trailing zeros after the point are integral.
  std::string_view whole = text;
  const size_t point = text.find('.');
  if (point != std::string_view::npos) {
    whole = text.substr(0, point);
    for (char c : text.substr(point + 1)) {
      if (c != '0') {
        return SqlError("22018",
                        absl::StrCat("numeric ", absl::string_view(text.data(), text.size()),
                                     " is not an integer"));
      }
    }
  }
  int64_t value = 0;
  const auto [end, error] = std::from_chars(whole.data(), whole.data() + whole.size(), value);
  if (error == std::errc::result_out_of_range) return OutOfRange(text, "int64_t");
  if (error != std::errc() || end != whole.data() + whole.size() || whole.empty()) {
    return NotANumber(text, "an integer");
  }
  return value;
}

absl::StatusOr<double> NumericToDouble(std::string_view text) {
  if (text == "NaN") return std::nan("");
  if (text == "Infinity") return HUGE_VAL;
  if (text == "-Infinity") return -HUGE_VAL;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) return OutOfRange(text, "double");
  if (error != std::errc() || end != text.data() + text.size()) return NotANumber(text, "a number");
  return value;
}

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[32];
  // Shortest text that reads back as the same double.
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, error == std::errc() ? end : buffer);
}

std::string FormatDate(int64_t days) {
  const std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(days))};
  const int year = static_cast<int>(date.year());
  // PostgreSQL has no year 0: 1 BC is year 0 of the proleptic calendar.
  if (year <= 0) {
    return absl::StrFormat("%04d-%02u-%02u BC", 1 - year, static_cast<unsigned>(date.month()),
                           static_cast<unsigned>(date.day()));
  }
  return absl::StrFormat("%04d-%02u-%02u", year, static_cast<unsigned>(date.month()),
                         static_cast<unsigned>(date.day()));
}

std::string FormatTimestamp(int64_t micros) {
  constexpr int64_t kPerDay = int64_t{86'400'000'000};
  int64_t days = micros / kPerDay;
  int64_t rest = micros % kPerDay;
  if (rest < 0) {
    rest += kPerDay;
    --days;
  }
  std::string date = FormatDate(days);
  std::string bc;
  if (date.size() > 3 && date.compare(date.size() - 3, 3, " BC") == 0) {
    date.resize(date.size() - 3);
    bc = " BC";
  }
  const int64_t seconds = rest / 1'000'000;
  return absl::StrFormat("%s %02d:%02d:%02d.%06d%s", date, seconds / 3600, seconds / 60 % 60,
                         seconds % 60, rest % 1'000'000, bc);
}

}  // namespace detail
}  // namespace quietfetch::orm
