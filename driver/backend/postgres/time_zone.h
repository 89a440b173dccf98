// The session time zone, used to shift binary timestamptz values (UTC
// instants) to the wall-clock time the server itself would print, which is
// what backend::LogicalType::kTimestampTz carries.
//
// Zones are built from what PostgreSQL reports as its TimeZone parameter:
//  - a zone name, read from the TZif file under the zoneinfo directory (the
//    same system tzdata Debian's server uses); past the file's last
//    transition its footer rule applies;
//  - otherwise a POSIX TZ string ("UTC+3", "<+05>-05", "+05:30",
//    "EST5EDT4,M3.2.0,M11.1.0"), with the POSIX sign convention (positive is
//    west of Greenwich) exactly as the server interprets it.
// Anything else is an error; the caller then falls back to text results for
// timestamptz, which are exact by construction.
// Immutable after construction, so it can be shared between threads.
#ifndef QUIETFETCH_DRIVER_BACKEND_POSTGRES_TIME_ZONE_H_
#define QUIETFETCH_DRIVER_BACKEND_POSTGRES_TIME_ZONE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace quietfetch::pg {

class TimeZone {
 public:
  // A zone that is always `offset_seconds` east of UTC.
  static TimeZone Fixed(int32_t offset_seconds);
  // From a zone name or POSIX TZ string (see above).
  static absl::StatusOr<TimeZone> Load(std::string_view name,
                                       std::string_view zoneinfo_dir = "/usr/share/zoneinfo");
  // From the bytes of a TZif file (RFC 8536, versions 1 to 4).
  static absl::StatusOr<TimeZone> FromTzif(std::string_view bytes);
  // From a POSIX TZ string.
  static absl::StatusOr<TimeZone> FromPosix(std::string_view spec);

  // Seconds east of UTC in effect at the instant `utc_seconds` (Unix time).
  int32_t OffsetAt(int64_t utc_seconds) const;

  // The offset, in microseconds, to add to the UTC instant `utc_micros`
  // (microseconds since 1970) to get local wall-clock time.
  int64_t OffsetMicrosAt(int64_t utc_micros) const {
    if (fixed_) return int64_t{fixed_offset_} * 1'000'000;
    return OffsetMicrosSlow(utc_micros);
  }

  bool is_fixed() const { return fixed_; }

  // A POSIX rule: standard time, and optionally daylight time between two
  // yearly transitions.
  struct RuleDate {
    enum class Kind : uint8_t { kJulian1, kJulian0, kMonthWeekDay };
    Kind kind = Kind::kMonthWeekDay;
    int day = 0;          // Jn: 1..365; n: 0..365; Mm.w.d: d (0 = Sunday)
    int week = 0;         // Mm.w.d: 1..5 (5 = last)
    int month = 0;        // Mm.w.d: 1..12
    int32_t time = 7200;  // seconds after local midnight (may be negative or > 24 h)
  };
  struct Rule {
    int32_t std_offset = 0;  // seconds east of UTC
    bool has_dst = false;
    int32_t dst_offset = 0;
    RuleDate start;  // given in local standard time
    RuleDate end;    // given in local daylight time
  };

 private:
  int64_t OffsetMicrosSlow(int64_t utc_micros) const;
  static int32_t RuleOffsetAt(const Rule& rule, int64_t utc_seconds);

  bool fixed_ = true;
  int32_t fixed_offset_ = 0;
  // TZif data: offsets_[i] applies from transitions_[i]; before the first
  // transition initial_offset_ applies; after the last one, the rule (if any).
  std::vector<int64_t> transitions_;
  std::vector<int32_t> offsets_;
  int32_t initial_offset_ = 0;
  bool has_rule_ = false;
  Rule rule_;
};

}  // namespace quietfetch::pg

#endif  // QUIETFETCH_DRIVER_BACKEND_POSTGRES_TIME_ZONE_H_
