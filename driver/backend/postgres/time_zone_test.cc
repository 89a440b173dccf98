#include "driver/backend/postgres/time_zone.h"

#include <gtest/gtest.h>

#include <string>

namespace quietfetch::pg {
namespace {

// 2024-07-01 12:00:00 UTC and 2024-01-15 12:00:00 UTC.
constexpr int64_t kSummer = 1719835200;
constexpr int64_t kWinter = 1705320000;

TEST(TimeZoneTest, FixedOffset) {
  const TimeZone zone = TimeZone::Fixed(3600);
  EXPECT_TRUE(zone.is_fixed());
  EXPECT_EQ(zone.OffsetAt(kSummer), 3600);
  EXPECT_EQ(zone.OffsetMicrosAt(0), 3'600'000'000);
}

TEST(TimeZoneTest, PosixSignIsWestPositive) {
  // What the server reports after SET TIME ZONE 'UTC+3', 5, '+05:30'.
  absl::StatusOr<TimeZone> utc_plus_3 = TimeZone::FromPosix("UTC+3");
  ASSERT_TRUE(utc_plus_3.ok()) << utc_plus_3.status();
  EXPECT_EQ(utc_plus_3->OffsetAt(kSummer), -3 * 3600);

  absl::StatusOr<TimeZone> bracketed = TimeZone::FromPosix("<+05>-05");
  ASSERT_TRUE(bracketed.ok()) << bracketed.status();
  EXPECT_EQ(bracketed->OffsetAt(kSummer), 5 * 3600);

  absl::StatusOr<TimeZone> bare = TimeZone::FromPosix("+05:30");
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(bare->OffsetAt(kSummer), -(5 * 3600 + 1800));

  absl::StatusOr<TimeZone> minutes = TimeZone::FromPosix("<+0330>-3:30");
  ASSERT_TRUE(minutes.ok()) << minutes.status();
  EXPECT_EQ(minutes->OffsetAt(kSummer), 3 * 3600 + 1800);
}

TEST(TimeZoneTest, PosixRules) {
  absl::StatusOr<TimeZone> us = TimeZone::FromPosix("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(us.ok()) << us.status();
  EXPECT_EQ(us->OffsetAt(kSummer), -4 * 3600);
  EXPECT_EQ(us->OffsetAt(kWinter), -5 * 3600);
  // 2024-03-10 is the second Sunday of March: 02:00 EST = 07:00 UTC.
  EXPECT_EQ(us->OffsetAt(1710054000 - 1), -5 * 3600);
  EXPECT_EQ(us->OffsetAt(1710054000), -4 * 3600);
  // 2024-11-03 02:00 EDT = 06:00 UTC.
  EXPECT_EQ(us->OffsetAt(1730613600 - 1), -4 * 3600);
  EXPECT_EQ(us->OffsetAt(1730613600), -5 * 3600);

  // Southern hemisphere: daylight time spans the new year.
  absl::StatusOr<TimeZone> sydney = TimeZone::FromPosix("AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(sydney.ok()) << sydney.status();
  EXPECT_EQ(sydney->OffsetAt(kWinter), 11 * 3600);
  EXPECT_EQ(sydney->OffsetAt(kSummer), 10 * 3600);

  // Julian days and times beyond 24 hours (RFC 8536).
  absl::StatusOr<TimeZone> julian = TimeZone::FromPosix("XST3XDT,J60/26,300");
  ASSERT_TRUE(julian.ok()) << julian.status();
  EXPECT_EQ(julian->OffsetAt(kSummer), -2 * 3600);
  EXPECT_EQ(julian->OffsetAt(kWinter), -3 * 3600);

  // A daylight name without rules uses the US rules.
  absl::StatusOr<TimeZone> defaulted = TimeZone::FromPosix("EST5EDT4");
  ASSERT_TRUE(defaulted.ok());
  EXPECT_EQ(defaulted->OffsetAt(kSummer), -4 * 3600);
}

TEST(TimeZoneTest, RejectsGarbage) {
  EXPECT_FALSE(TimeZone::FromPosix("").ok());
  EXPECT_FALSE(TimeZone::FromPosix("Nowhere/Special").ok());
  EXPECT_FALSE(TimeZone::FromPosix("EST5EDT,M13.1.0,M11.1.0").ok());
  EXPECT_FALSE(TimeZone::FromPosix("EST99").ok());
  EXPECT_FALSE(TimeZone::Load("../../etc/passwd").ok());
  EXPECT_FALSE(TimeZone::Load("No/Such_Zone").ok());
}

// A version 2 TZif file with two transitions and a footer rule, built by hand:
// offsets -18000 (before 2000-01-01), then +3600, then +7200 from 2001-01-01,
// and "<+02>-2" afterwards.
std::string HandMadeTzif() {
  auto be32 = [](std::string& s, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((v >> shift) & 0xff);
  };
  auto be64 = [](std::string& s, uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) s += static_cast<char>((v >> shift) & 0xff);
  };
  auto header = [&](std::string& s, uint32_t timecnt, uint32_t typecnt, uint32_t charcnt) {
    s += "TZif2";
    s += std::string(15, '\0');
    be32(s, 0);  // isutcnt
    be32(s, 0);  // isstdcnt
    be32(s, 0);  // leapcnt
    be32(s, timecnt);
    be32(s, typecnt);
    be32(s, charcnt);
  };
  auto types = [&](std::string& s) {
    for (int32_t offset : {-18000, 3600, 7200}) {
      be32(s, static_cast<uint32_t>(offset));
      s += '\0';  // isdst
      s += '\0';  // abbreviation index
    }
    s += std::string("ABC\0", 4);
  };
  std::string file;
  header(file, 2, 3, 4);
  be32(file, 946684800);
  be32(file, 978307200);
  file += '\1';
  file += '\2';
  types(file);
  header(file, 2, 3, 4);
  be64(file, 946684800);
  be64(file, 978307200);
  file += '\1';
  file += '\2';
  types(file);
  file += "\n<+02>-2\n";
  return file;
}

TEST(TimeZoneTest, ParsesTzif) {
  absl::StatusOr<TimeZone> zone = TimeZone::FromTzif(HandMadeTzif());
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_FALSE(zone->is_fixed());
  EXPECT_EQ(zone->OffsetAt(0), -18000);
  EXPECT_EQ(zone->OffsetAt(946684799), -18000);
  EXPECT_EQ(zone->OffsetAt(946684800), 3600);
  EXPECT_EQ(zone->OffsetAt(978307200), 7200);
  EXPECT_EQ(zone->OffsetAt(kSummer), 7200);
}

TEST(TimeZoneTest, RejectsTruncatedTzif) {
  const std::string file = HandMadeTzif();
  for (size_t size : {size_t{0}, size_t{10}, size_t{44}, size_t{60}, file.size() - 3}) {
    EXPECT_FALSE(TimeZone::FromTzif(file.substr(0, size)).ok()) << size;
  }
  // The 64-bit block's first type index: before 2 indices, 3 types, 4
  // abbreviation bytes and the 9-byte footer.
  std::string bad_index = file;
  bad_index[file.size() - 9 - 4 - 18 - 2] = '\7';
  EXPECT_FALSE(TimeZone::FromTzif(bad_index).ok());
  std::string bad_magic = file;
  bad_magic[0] = 'X';
  EXPECT_FALSE(TimeZone::FromTzif(bad_magic).ok());
}

TEST(TimeZoneTest, LoadsSystemZones) {
  absl::StatusOr<TimeZone> utc = TimeZone::Load("Etc/UTC");
  ASSERT_TRUE(utc.ok()) << utc.status();
  EXPECT_TRUE(utc->is_fixed());
  EXPECT_EQ(utc->OffsetAt(kSummer), 0);

  absl::StatusOr<TimeZone> berlin = TimeZone::Load("Europe/Berlin");
  ASSERT_TRUE(berlin.ok()) << berlin.status();
  EXPECT_EQ(berlin->OffsetAt(kSummer), 7200);
  EXPECT_EQ(berlin->OffsetAt(kWinter), 3600);
  // Far beyond the file's transitions the footer rule applies.
  EXPECT_EQ(berlin->OffsetAt(kSummer + int64_t{100} * 365 * 86400), 7200);

  absl::StatusOr<TimeZone> new_york = TimeZone::Load("America/New_York");
  ASSERT_TRUE(new_york.ok()) << new_york.status();
  EXPECT_EQ(new_york->OffsetAt(kSummer), -4 * 3600);
  // Local mean time before 1883 (as the server prints it: -04:56:02).
  EXPECT_EQ(new_york->OffsetAt(-3000000000), -(4 * 3600 + 56 * 60 + 2));

  // POSIX strings are accepted where no file exists.
  absl::StatusOr<TimeZone> posix = TimeZone::Load("<+05>-05");
  ASSERT_TRUE(posix.ok()) << posix.status();
  EXPECT_EQ(posix->OffsetAt(kSummer), 5 * 3600);
}

}  // namespace
}  // namespace quietfetch::pg
