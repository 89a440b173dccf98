#include "driver/backend/postgres/time_zone.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "driver/core/status.h"

namespace quietfetch::pg {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
// Offsets beyond a day mean a corrupt file or string.
constexpr int32_t kMaxOffset = 26 * 3600;

absl::Status ZoneError(std::string_view what) {
  return core::SqlError(core::sqlstate::kGeneralError,
                        absl::StrCat("time zone: ", std::string(what)));
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// std::chrono::year only spans +-32767; rules far outside that range are
// evaluated for the nearest representable year.
int ClampYear(int64_t year) { return static_cast<int>(std::clamp<int64_t>(year, -30000, 30000)); }

int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
  using namespace std::chrono;
  return sys_days(std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day})
      .time_since_epoch()
      .count();
}

int YearOfDay(int64_t days) {
  using namespace std::chrono;
  days = std::clamp<int64_t>(days, -10'000'000, 10'000'000);
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  return static_cast<int>(ymd.year());
}

bool IsLeap(int year) { return std::chrono::year{year}.is_leap(); }

// Local seconds (as if UTC) at which `date` falls in `year`.
int64_t RuleLocalSeconds(int year, const TimeZone::RuleDate& date) {
  int64_t days = 0;
  switch (date.kind) {
    case TimeZone::RuleDate::Kind::kJulian1: {
      // Jn counts 1..365 and never counts February 29.
      int day_of_year = date.day - 1;
      if (IsLeap(year) && date.day >= 60) ++day_of_year;
      days = DaysFromCivil(year, 1, 1) + day_of_year;
      break;
    }
    case TimeZone::RuleDate::Kind::kJulian0:
      days = DaysFromCivil(year, 1, 1) + date.day;
      break;
    case TimeZone::RuleDate::Kind::kMonthWeekDay: {
      const int64_t first = DaysFromCivil(year, static_cast<unsigned>(date.month), 1);
      // 1970-01-01 was a Thursday (4).
      const int first_weekday = static_cast<int>(((first % 7) + 7 + 4) % 7);
      int day = 1 + (date.day - first_weekday + 7) % 7 + (date.week - 1) * 7;
      const int month_days = static_cast<int>(static_cast<unsigned>(
          (std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(date.month)} /
           std::chrono::last)
              .day()));
      while (day > month_days) day -= 7;
      days = first + day - 1;
      break;
    }
  }
  return days * kSecondsPerDay + date.time;
}

class PosixParser {
 public:
  explicit PosixParser(std::string_view spec) : s_(spec) {}

  absl::StatusOr<TimeZone::Rule> Parse() {
    TimeZone::Rule rule;
    const std::string_view std_name = Name();
    const bool numeric_start = !AtEnd() && (Cur() == '+' || Cur() == '-' || IsDigit(Cur()));
    if (std_name.empty() && !numeric_start) return Bad();
    std::optional<int32_t> std_west = Duration(24);
    if (!std_west) return Bad();
    rule.std_offset = -*std_west;
    if (AtEnd()) return rule;
    const std::string_view dst_name = Name();
    if (dst_name.empty()) return Bad();
    rule.has_dst = true;
    rule.dst_offset = rule.std_offset + 3600;
    if (!AtEnd() && Cur() != ',') {
      std::optional<int32_t> dst_west = Duration(24);
      if (!dst_west) return Bad();
      rule.dst_offset = -*dst_west;
    }
    if (AtEnd()) {
      // No rules given: tzcode's default, the US rules.
      rule.start = {TimeZone::RuleDate::Kind::kMonthWeekDay, 0, 2, 3, 7200};
      rule.end = {TimeZone::RuleDate::Kind::kMonthWeekDay, 0, 1, 11, 7200};
      return rule;
    }
    if (Cur() != ',') return Bad();
    ++i_;
    std::optional<TimeZone::RuleDate> start = Date();
    if (!start || AtEnd() || Cur() != ',') return Bad();
    ++i_;
    std::optional<TimeZone::RuleDate> end = Date();
    if (!end || !AtEnd()) return Bad();
    rule.start = *start;
    rule.end = *end;
    return rule;
  }

 private:
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  static bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
  bool AtEnd() const { return i_ >= s_.size(); }
  char Cur() const { return s_[i_]; }
  absl::Status Bad() const {
    return ZoneError(absl::StrCat("cannot parse \"", std::string(s_), "\""));
  }

  std::string_view Name() {
    const size_t begin = i_;
    if (!AtEnd() && Cur() == '<') {
      const size_t close = s_.find('>', i_);
      if (close == std::string_view::npos) {
        i_ = s_.size();
        return {};
      }
      i_ = close + 1;
      return s_.substr(begin + 1, close - begin - 1);
    }
    while (!AtEnd() && IsAlpha(Cur())) ++i_;
    return s_.substr(begin, i_ - begin);
  }

  std::optional<int> Number(int max_digits) {
    int value = 0;
    int digits = 0;
    while (!AtEnd() && IsDigit(Cur()) && digits < max_digits) {
      value = value * 10 + (Cur() - '0');
      ++i_;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    return value;
  }

  // [+-]hh[:mm[:ss]], in seconds.
  std::optional<int32_t> Duration(int max_hours) {
    int sign = 1;
    if (!AtEnd() && (Cur() == '+' || Cur() == '-')) {
      if (Cur() == '-') sign = -1;
      ++i_;
    }
    std::optional<int> hours = Number(3);
    if (!hours || *hours > max_hours) return std::nullopt;
    int32_t seconds = *hours * 3600;
    for (int part = 0; part < 2 && !AtEnd() && Cur() == ':'; ++part) {
      ++i_;
      std::optional<int> n = Number(2);
      if (!n || *n > 59) return std::nullopt;
      seconds += *n * (part == 0 ? 60 : 1);
    }
    return sign * seconds;
  }

  std::optional<TimeZone::RuleDate> Date() {
    TimeZone::RuleDate date;
    if (AtEnd()) return std::nullopt;
    if (Cur() == 'J') {
      ++i_;
      std::optional<int> n = Number(3);
      if (!n || *n < 1 || *n > 365) return std::nullopt;
      date.kind = TimeZone::RuleDate::Kind::kJulian1;
      date.day = *n;
    } else if (Cur() == 'M') {
      ++i_;
      std::optional<int> month = Number(2);
      if (!month || *month < 1 || *month > 12 || AtEnd() || Cur() != '.') return std::nullopt;
      ++i_;
      std::optional<int> week = Number(1);
      if (!week || *week < 1 || *week > 5 || AtEnd() || Cur() != '.') return std::nullopt;
      ++i_;
      std::optional<int> day = Number(1);
      if (!day || *day > 6) return std::nullopt;
      date.kind = TimeZone::RuleDate::Kind::kMonthWeekDay;
      date.month = *month;
      date.week = *week;
      date.day = *day;
    } else {
      std::optional<int> n = Number(3);
      if (!n || *n > 365) return std::nullopt;
      date.kind = TimeZone::RuleDate::Kind::kJulian0;
      date.day = *n;
    }
    if (!AtEnd() && Cur() == '/') {
      ++i_;
      // RFC 8536 allows -167..167 hours here.
      std::optional<int32_t> time = Duration(167);
      if (!time) return std::nullopt;
      date.time = *time;
    }
    return date;
  }

  std::string_view s_;
  size_t i_ = 0;
};

// Bounds-checked big-endian reads over a TZif file.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool Has(size_t n) const { return n <= bytes_.size() - pos_; }
  size_t pos() const { return pos_; }
  void Skip(size_t n) { pos_ += n; }
  uint8_t U8() { return static_cast<uint8_t>(bytes_[pos_++]); }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | U8();
    return v;
  }
  int64_t I64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | U8();
    return static_cast<int64_t>(v);
  }
  std::string_view Rest() const { return bytes_.substr(pos_); }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

struct TzifHeader {
  char version = 0;
  uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

std::optional<TzifHeader> ReadHeader(Reader& r) {
  if (!r.Has(44)) return std::nullopt;
  if (r.U8() != 'T' || r.U8() != 'Z' || r.U8() != 'i' || r.U8() != 'f') return std::nullopt;
  TzifHeader h;
  h.version = static_cast<char>(r.U8());
  r.Skip(15);
  h.isutcnt = r.U32();
  h.isstdcnt = r.U32();
  h.leapcnt = r.U32();
  h.timecnt = r.U32();
  h.typecnt = r.U32();
  h.charcnt = r.U32();
  // Sizes far beyond any real zone are a corrupt file.
  if (h.timecnt > 100000 || h.typecnt > 256 || h.charcnt > 100000 || h.leapcnt > 100000 ||
      h.isutcnt > 256 || h.isstdcnt > 256) {
    return std::nullopt;
  }
  return h;
}

size_t BlockSize(const TzifHeader& h, size_t time_size) {
  return h.timecnt * time_size + h.timecnt + h.typecnt * 6 + h.charcnt +
         h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt;
}

}  // namespace

TimeZone TimeZone::Fixed(int32_t offset_seconds) {
  TimeZone zone;
  zone.fixed_ = true;
  zone.fixed_offset_ = offset_seconds;
  return zone;
}

absl::StatusOr<TimeZone> TimeZone::FromPosix(std::string_view spec) {
  QF_ASSIGN_OR_RETURN(Rule rule, PosixParser(spec).Parse());
  if (std::abs(rule.std_offset) > kMaxOffset || std::abs(rule.dst_offset) > kMaxOffset) {
    return ZoneError(absl::StrCat("offset out of range in \"", std::string(spec), "\""));
  }
  if (!rule.has_dst) return Fixed(rule.std_offset);
  TimeZone zone;
  zone.fixed_ = false;
  zone.has_rule_ = true;
  zone.rule_ = rule;
  zone.initial_offset_ = rule.std_offset;
  return zone;
}

absl::StatusOr<TimeZone> TimeZone::FromTzif(std::string_view bytes) {
  const absl::Status corrupt = ZoneError("malformed TZif data");
  Reader r(bytes);
  std::optional<TzifHeader> header = ReadHeader(r);
  if (!header) return corrupt;
  size_t time_size = 4;
  if (header->version >= '2') {
    // Skip the 32-bit block; the 64-bit one after it is complete.
    const size_t v1 = BlockSize(*header, 4);
    if (!r.Has(v1)) return corrupt;
    r.Skip(v1);
    header = ReadHeader(r);
    if (!header) return corrupt;
    time_size = 8;
  }
  const TzifHeader& h = *header;
  if (h.typecnt == 0 || !r.Has(BlockSize(h, time_size))) return corrupt;

  std::vector<int64_t> times(h.timecnt);
  for (int64_t& t : times) t = time_size == 8 ? r.I64() : static_cast<int32_t>(r.U32());
  std::vector<uint8_t> indices(h.timecnt);
  for (uint8_t& index : indices) index = r.U8();
  std::vector<int32_t> type_offsets(h.typecnt);
  for (int32_t& offset : type_offsets) {
    offset = static_cast<int32_t>(r.U32());
    r.Skip(2);  // isdst, abbreviation index
    if (std::abs(offset) > kMaxOffset) return corrupt;
  }
  r.Skip(h.charcnt + h.leapcnt * (time_size + 4) + h.isstdcnt + h.isutcnt);

  TimeZone zone;
  zone.fixed_ = false;
  zone.initial_offset_ = type_offsets[0];
  zone.transitions_.reserve(times.size());
  zone.offsets_.reserve(times.size());
  for (size_t i = 0; i < times.size(); ++i) {
    if (indices[i] >= h.typecnt) return corrupt;
    if (i > 0 && times[i] <= times[i - 1]) return corrupt;
    zone.transitions_.push_back(times[i]);
    zone.offsets_.push_back(type_offsets[indices[i]]);
  }

  if (time_size == 8) {
    // Footer: "\n" POSIX-TZ "\n"; an empty string means no rule.
    std::string_view rest = r.Rest();
    if (rest.size() < 2 || rest[0] != '\n') return corrupt;
    const size_t close = rest.find('\n', 1);
    if (close == std::string_view::npos) return corrupt;
    const std::string_view footer = rest.substr(1, close - 1);
    if (!footer.empty()) {
      QF_ASSIGN_OR_RETURN(Rule rule, PosixParser(footer).Parse());
      zone.has_rule_ = true;
      zone.rule_ = rule;
    }
  }

  // A zone that never changes offset takes the fast path.
  bool constant = std::all_of(zone.offsets_.begin(), zone.offsets_.end(),
                              [&](int32_t o) { return o == zone.initial_offset_; });
  if (zone.has_rule_) {
    constant = constant && !zone.rule_.has_dst && zone.rule_.std_offset == zone.initial_offset_;
  }
  if (constant) return Fixed(zone.initial_offset_);
  return zone;
}

absl::StatusOr<TimeZone> TimeZone::Load(std::string_view name, std::string_view zoneinfo_dir) {
  if (name.empty()) return ZoneError("empty time zone name");
  // Only plain relative names are looked up as files.
  const bool file_like = name.find("..") == std::string_view::npos && name.front() != '/' &&
                         std::all_of(name.begin(), name.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                  (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' ||
                                  c == '+';
                         });
  if (file_like) {
    std::ifstream file(absl::StrCat(std::string(zoneinfo_dir), "/", std::string(name)),
                       std::ios::binary);
    if (file) {
      std::ostringstream contents;
      contents << file.rdbuf();
      absl::StatusOr<TimeZone> zone = FromTzif(contents.str());
      if (zone.ok()) return zone;
    }
  }
  absl::StatusOr<TimeZone> zone = FromPosix(name);
  if (!zone.ok()) {
    return ZoneError(absl::StrCat("unknown time zone \"", std::string(name), "\""));
  }
  return zone;
}

int32_t TimeZone::RuleOffsetAt(const Rule& rule, int64_t utc_seconds) {
  if (!rule.has_dst) return rule.std_offset;
  const int year = ClampYear(YearOfDay(FloorDiv(utc_seconds + rule.std_offset, kSecondsPerDay)));
  const int64_t start = RuleLocalSeconds(year, rule.start) - rule.std_offset;
  const int64_t end = RuleLocalSeconds(year, rule.end) - rule.dst_offset;
  bool dst;
  if (start < end) {
    dst = utc_seconds >= start && utc_seconds < end;
  } else {
    // Southern hemisphere: daylight time spans the new year.
    dst = !(utc_seconds >= end && utc_seconds < start);
  }
  return dst ? rule.dst_offset : rule.std_offset;
}

int32_t TimeZone::OffsetAt(int64_t utc_seconds) const {
  if (fixed_) return fixed_offset_;
  if (transitions_.empty()) return has_rule_ ? RuleOffsetAt(rule_, utc_seconds) : initial_offset_;
  if (utc_seconds < transitions_.front()) return initial_offset_;
  if (has_rule_ && utc_seconds >= transitions_.back()) return RuleOffsetAt(rule_, utc_seconds);
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  return offsets_[static_cast<size_t>(std::distance(transitions_.begin(), it)) - 1];
}

int64_t TimeZone::OffsetMicrosSlow(int64_t utc_micros) const {
  return int64_t{OffsetAt(FloorDiv(utc_micros, 1'000'000))} * 1'000'000;
}

}  // namespace quietfetch::pg
