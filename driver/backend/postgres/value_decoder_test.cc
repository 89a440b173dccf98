// Binary inputs were recorded once from PostgreSQL 15 with the types' send
// functions (SELECT int4send(42), numeric_send(12.340), ...); text inputs are
// the server's output with DateStyle ISO.
#include "driver/backend/postgres/value_decoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>

namespace quietfetch::pg {
namespace {

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

class DecoderTest : public ::testing::Test {
 protected:
  // Decodes one value into a fresh one-column batch.
  DecodeResult Binary(ValueKind kind, std::string_view hex, const TimeZone* zone = nullptr) {
    const std::string bytes = Unhex(hex);
    batch_.Clear(1);
    DecodeContext context;
    context.zone = zone;
    return DecodeBinary(kind, bytes.data(), bytes.size(), context, batch_);
  }
  DecodeResult Text(ValueKind kind, std::string_view text) {
    const std::string copy(text);  // no terminator beyond the value
    batch_.Clear(1);
    return DecodeText(kind, copy.data(), copy.size(), batch_);
  }
  const rowstore::Cell& cell() const { return batch_.at(0, 0); }
  int64_t Int() const { return cell().i64; }
  double Double() const { return cell().f64; }
  std::string Bytes() const { return std::string(cell().bytes()); }

  rowstore::RowBatch batch_;
};

TEST_F(DecoderTest, BinaryBool) {
  ASSERT_EQ(Binary(ValueKind::kBool, "01"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 1);
  ASSERT_EQ(Binary(ValueKind::kBool, "00"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 0);
  EXPECT_EQ(Binary(ValueKind::kBool, ""), DecodeResult::kMalformed);
  EXPECT_EQ(Binary(ValueKind::kBool, "0100"), DecodeResult::kMalformed);
}

TEST_F(DecoderTest, BinaryIntegers) {
  ASSERT_EQ(Binary(ValueKind::kInt2, "fffe"), DecodeResult::kOk);
  EXPECT_EQ(Int(), -2);
  ASSERT_EQ(Binary(ValueKind::kInt4, "0000002a"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 42);
  ASSERT_EQ(Binary(ValueKind::kInt8, "fffffffde78ee600"), DecodeResult::kOk);
  EXPECT_EQ(Int(), -9000000000);
  ASSERT_EQ(Binary(ValueKind::kOid, "ee6b2800"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 4000000000);
  EXPECT_EQ(Binary(ValueKind::kInt2, "ff"), DecodeResult::kMalformed);
  EXPECT_EQ(Binary(ValueKind::kInt4, "00002a"), DecodeResult::kMalformed);
  EXPECT_EQ(Binary(ValueKind::kInt8, "0000002a"), DecodeResult::kMalformed);
  EXPECT_EQ(Binary(ValueKind::kOid, ""), DecodeResult::kMalformed);
}

TEST_F(DecoderTest, BinaryFloats) {
  ASSERT_EQ(Binary(ValueKind::kFloat4, "3fc00000"), DecodeResult::kOk);
  EXPECT_EQ(Double(), 1.5);
  ASSERT_EQ(Binary(ValueKind::kFloat4, "bdcccccd"), DecodeResult::kOk);
  EXPECT_EQ(Double(), static_cast<double>(-0.1f));
  ASSERT_EQ(Binary(ValueKind::kFloat8, "400921fb54442d18"), DecodeResult::kOk);
  EXPECT_EQ(Double(), 3.141592653589793);
  ASSERT_EQ(Binary(ValueKind::kFloat8, "7ff8000000000000"), DecodeResult::kOk);
  EXPECT_TRUE(std::isnan(Double()));
  ASSERT_EQ(Binary(ValueKind::kFloat8, "fff0000000000000"), DecodeResult::kOk);
  EXPECT_EQ(Double(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(Binary(ValueKind::kFloat4, "3fc000"), DecodeResult::kMalformed);
  EXPECT_EQ(Binary(ValueKind::kFloat8, "3fc00000"), DecodeResult::kMalformed);
}

TEST_F(DecoderTest, BinaryNumeric) {
  const std::pair<const char*, const char*> cases[] = {
      {"0002000000000003000c0d48", "12.340"},
      {"0002ffff40000005000107d0", "-0.00012"},
      {"0004000200000001000109291a851388", "123456789.5"},
      {"0000000000000000", "0"},
      {"0000000000000002", "0.00"},
      {"00000000c0000000", "NaN"},
      {"00000000d0000020", "Infinity"},
      {"00000000f0000020", "-Infinity"},
      {"00010001000000000001", "10000"},
      {"00010005000000000001", "100000000000000000000"},
      {"00010000400000000005", "-5"},
  };
  for (const auto& [hex, text] : cases) {
    ASSERT_EQ(Binary(ValueKind::kNumeric, hex), DecodeResult::kOk) << hex;
    EXPECT_EQ(Bytes(), text) << hex;
  }
}

TEST_F(DecoderTest, BinaryNumericRejectsMalformed) {
  // Too short for the header; digit count larger than the data; a digit of
  // 10000; an unknown sign; display scale out of range; trailing bytes.
  for (const char* hex : {"000200000000", "0002000000000003000c",
                          "0001000000000000"
                          "2710",
                          "0001000012340000"
                          "0001",
                          "000000000000ffff",
                          "0000000000000000"
                          "00"}) {
    EXPECT_EQ(Binary(ValueKind::kNumeric, hex), DecodeResult::kMalformed) << hex;
  }
}

TEST_F(DecoderTest, BinaryText) {
  ASSERT_EQ(Binary(ValueKind::kText, "68c3a96c6c6f"), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), "h\xc3\xa9llo");
  ASSERT_EQ(Binary(ValueKind::kText, "6162202020"), DecodeResult::kOk);  // bpchar(5)
  EXPECT_EQ(Bytes(), "ab   ");
  ASSERT_EQ(Binary(ValueKind::kChar, "78"), DecodeResult::kOk);  // "char"
  EXPECT_EQ(Bytes(), "x");
  ASSERT_EQ(Binary(ValueKind::kChar, "00"), DecodeResult::kOk);  // ''::"char"
  EXPECT_EQ(Bytes(), "");
  ASSERT_EQ(Binary(ValueKind::kText, "70675f636c617373"), DecodeResult::kOk);  // name
  EXPECT_EQ(Bytes(), "pg_class");
  ASSERT_EQ(Binary(ValueKind::kText, "3c613e623c2f613e"), DecodeResult::kOk);  // xml
  EXPECT_EQ(Bytes(), "<a>b</a>");
  ASSERT_EQ(Binary(ValueKind::kText, ""), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), "");
}

TEST_F(DecoderTest, BinaryBytesUuidJson) {
  ASSERT_EQ(Binary(ValueKind::kBytes, "00ff"), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), std::string("\x00\xff", 2));
  ASSERT_EQ(Binary(ValueKind::kUuid, "a0eebc999c0b4ef8bb6d6bb9bd380a11"), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), Unhex("a0eebc999c0b4ef8bb6d6bb9bd380a11"));
  EXPECT_EQ(Binary(ValueKind::kUuid, "a0eebc999c0b4ef8bb6d6bb9bd380a"), DecodeResult::kMalformed);
  ASSERT_EQ(Binary(ValueKind::kJson, "7b2261223a317d"), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), R"({"a":1})");
  ASSERT_EQ(Binary(ValueKind::kJsonb, "017b2261223a205b312c20325d7d"), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), R"({"a": [1, 2]})");
  EXPECT_EQ(Binary(ValueKind::kJsonb, "027b7d"), DecodeResult::kMalformed);
  EXPECT_EQ(Binary(ValueKind::kJsonb, ""), DecodeResult::kMalformed);
}

TEST_F(DecoderTest, BinaryDate) {
  ASSERT_EQ(Binary(ValueKind::kDate, "0000225c"), DecodeResult::kOk);  // 2024-01-31
  EXPECT_EQ(Int(), 19753);
  ASSERT_EQ(Binary(ValueKind::kDate, "ffffd533"), DecodeResult::kOk);  // 1970-01-01
  EXPECT_EQ(Int(), 0);
  ASSERT_EQ(Binary(ValueKind::kDate, "fff49d7b"), DecodeResult::kOk);  // 0044-03-15 BC
  EXPECT_EQ(Int(), -735160);
  ASSERT_EQ(Binary(ValueKind::kDate, "7fffffff"), DecodeResult::kOk);  // infinity
  EXPECT_EQ(Int(), kMaxDateDays);
  ASSERT_EQ(Binary(ValueKind::kDate, "80000000"), DecodeResult::kOk);  // -infinity
  EXPECT_EQ(Int(), kMinDateDays);
  EXPECT_EQ(Binary(ValueKind::kDate, "00225c"), DecodeResult::kMalformed);
}

TEST_F(DecoderTest, BinaryTime) {
  ASSERT_EQ(Binary(ValueKind::kTime, "0000000b8839b4c0"), DecodeResult::kOk);  // 13:45:30.123456
  EXPECT_EQ(Int(), 49530123456);
  ASSERT_EQ(Binary(ValueKind::kTime, "000000141dd76000"), DecodeResult::kOk);  // 24:00:00
  EXPECT_EQ(Int(), 86400000000);
  EXPECT_EQ(Binary(ValueKind::kTime, "ffffffffffffffff"), DecodeResult::kMalformed);
  EXPECT_EQ(Binary(ValueKind::kTime, "000000141dd76001"), DecodeResult::kMalformed);
  EXPECT_EQ(Binary(ValueKind::kTime, "0000000b"), DecodeResult::kMalformed);
}

TEST_F(DecoderTest, BinaryTimestamp) {
  ASSERT_EQ(Binary(ValueKind::kTimestamp, "0002b33b6319d120"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 1706702400500000);  // 2024-01-31 12:00:00.5
  ASSERT_EQ(Binary(ValueKind::kTimestamp, "fff4c9ee7c0b8000"), DecodeResult::kOk);
  EXPECT_EQ(Int(), -2208988800000000);  // 1900-01-01
  ASSERT_EQ(Binary(ValueKind::kTimestamp, "7fffffffffffffff"), DecodeResult::kOk);
  EXPECT_EQ(Int(), kMaxTimestampMicros);
  ASSERT_EQ(Binary(ValueKind::kTimestamp, "8000000000000000"), DecodeResult::kOk);
  EXPECT_EQ(Int(), kMinTimestampMicros);
  // Finite, but beyond int64 microseconds since 1970.
  EXPECT_EQ(Binary(ValueKind::kTimestamp, "7ffffffffffffff0"), DecodeResult::kOutOfRange);
  EXPECT_EQ(Binary(ValueKind::kTimestamp, "0002b33b"), DecodeResult::kMalformed);
}

TEST_F(DecoderTest, BinaryTimestampTzShiftsToSessionZone) {
  // 2024-07-01 12:00:00+00.
  const TimeZone utc = TimeZone::Fixed(0);
  ASSERT_EQ(Binary(ValueKind::kTimestampTz, "0002bf2d1af33000", &utc), DecodeResult::kOk);
  EXPECT_EQ(Int(), 1719835200000000);
  const TimeZone plus_two = TimeZone::Fixed(7200);
  ASSERT_EQ(Binary(ValueKind::kTimestampTz, "0002bf2d1af33000", &plus_two), DecodeResult::kOk);
  EXPECT_EQ(Int(), 1719835200000000 + 7200000000);
  absl::StatusOr<TimeZone> new_york = TimeZone::Load("America/New_York");
  ASSERT_TRUE(new_york.ok());
  ASSERT_EQ(Binary(ValueKind::kTimestampTz, "0002bf2d1af33000", &*new_york), DecodeResult::kOk);
  EXPECT_EQ(Int(), 1719835200000000 - 4 * 3600000000LL);
  // Infinity is not shifted.
  ASSERT_EQ(Binary(ValueKind::kTimestampTz, "7fffffffffffffff", &plus_two), DecodeResult::kOk);
  EXPECT_EQ(Int(), kMaxTimestampMicros);
  // Without a zone binary timestamptz cannot be decoded.
  EXPECT_EQ(Binary(ValueKind::kTimestampTz, "0002bf2d1af33000"), DecodeResult::kMalformed);
}

TEST_F(DecoderTest, TextScalars) {
  ASSERT_EQ(Text(ValueKind::kBool, "t"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 1);
  ASSERT_EQ(Text(ValueKind::kBool, "f"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 0);
  EXPECT_EQ(Text(ValueKind::kBool, "x"), DecodeResult::kMalformed);
  ASSERT_EQ(Text(ValueKind::kInt2, "-2"), DecodeResult::kOk);
  EXPECT_EQ(Int(), -2);
  ASSERT_EQ(Text(ValueKind::kInt8, "-9000000000"), DecodeResult::kOk);
  EXPECT_EQ(Int(), -9000000000);
  ASSERT_EQ(Text(ValueKind::kOid, "4000000000"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 4000000000);
  EXPECT_EQ(Text(ValueKind::kInt4, "42x"), DecodeResult::kMalformed);
  EXPECT_EQ(Text(ValueKind::kInt4, ""), DecodeResult::kMalformed);
  EXPECT_EQ(Text(ValueKind::kInt8, "99999999999999999999"), DecodeResult::kOutOfRange);
}

TEST_F(DecoderTest, TextFloats) {
  ASSERT_EQ(Text(ValueKind::kFloat4, "-0.1"), DecodeResult::kOk);
  EXPECT_EQ(Double(), static_cast<double>(-0.1f));
  ASSERT_EQ(Text(ValueKind::kFloat8, "3.141592653589793"), DecodeResult::kOk);
  EXPECT_EQ(Double(), 3.141592653589793);
  ASSERT_EQ(Text(ValueKind::kFloat8, "1e+300"), DecodeResult::kOk);
  EXPECT_EQ(Double(), 1e300);
  ASSERT_EQ(Text(ValueKind::kFloat8, "NaN"), DecodeResult::kOk);
  EXPECT_TRUE(std::isnan(Double()));
  ASSERT_EQ(Text(ValueKind::kFloat8, "Infinity"), DecodeResult::kOk);
  EXPECT_EQ(Double(), std::numeric_limits<double>::infinity());
  ASSERT_EQ(Text(ValueKind::kFloat4, "-Infinity"), DecodeResult::kOk);
  EXPECT_EQ(Double(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(Text(ValueKind::kFloat8, "1.5.2"), DecodeResult::kMalformed);
}

TEST_F(DecoderTest, TextPassThrough) {
  ASSERT_EQ(Text(ValueKind::kNumeric, "-12.340"), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), "-12.340");
  ASSERT_EQ(Text(ValueKind::kJsonb, R"({"a": [1, 2]})"), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), R"({"a": [1, 2]})");
  ASSERT_EQ(Text(ValueKind::kUnknownText, "1 day 02:00:00"), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), "1 day 02:00:00");
}

TEST_F(DecoderTest, TextBytea) {
  ASSERT_EQ(Text(ValueKind::kBytes, "\\x00ff"), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), std::string("\x00\xff", 2));
  ASSERT_EQ(Text(ValueKind::kBytes, "\\x"), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), "");
  // bytea_output = escape, for '\x610062ff5c'.
  ASSERT_EQ(Text(ValueKind::kBytes, "a\\000b\\377\\\\"), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), std::string("a\0b\xff\\", 5));
  EXPECT_EQ(Text(ValueKind::kBytes, "\\x0"), DecodeResult::kMalformed);
  EXPECT_EQ(Text(ValueKind::kBytes, "\\xzz"), DecodeResult::kMalformed);
  EXPECT_EQ(Text(ValueKind::kBytes, "a\\01"), DecodeResult::kMalformed);
  EXPECT_EQ(Text(ValueKind::kBytes, "a\\9"), DecodeResult::kMalformed);
}

TEST_F(DecoderTest, TextUuid) {
  ASSERT_EQ(Text(ValueKind::kUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), DecodeResult::kOk);
  EXPECT_EQ(Bytes(), Unhex("a0eebc999c0b4ef8bb6d6bb9bd380a11"));
  EXPECT_EQ(Text(ValueKind::kUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"),
            DecodeResult::kMalformed);
  EXPECT_EQ(Text(ValueKind::kUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111"),
            DecodeResult::kMalformed);
}

TEST_F(DecoderTest, TextDates) {
  ASSERT_EQ(Text(ValueKind::kDate, "2024-01-31"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 19753);
  ASSERT_EQ(Text(ValueKind::kDate, "0044-03-15 BC"), DecodeResult::kOk);
  EXPECT_EQ(Int(), -735160);
  ASSERT_EQ(Text(ValueKind::kDate, "infinity"), DecodeResult::kOk);
  EXPECT_EQ(Int(), kMaxDateDays);
  ASSERT_EQ(Text(ValueKind::kDate, "-infinity"), DecodeResult::kOk);
  EXPECT_EQ(Int(), kMinDateDays);
  ASSERT_EQ(Text(ValueKind::kDate, "12345-01-01"), DecodeResult::kOk);
  EXPECT_EQ(Text(ValueKind::kDate, "2024-02-30"), DecodeResult::kMalformed);
  EXPECT_EQ(Text(ValueKind::kDate, "01/31/2024"), DecodeResult::kMalformed);
  EXPECT_EQ(Text(ValueKind::kDate, "2024-01-31x"), DecodeResult::kMalformed);
}

TEST_F(DecoderTest, TextTimes) {
  ASSERT_EQ(Text(ValueKind::kTime, "13:45:30.123456"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 49530123456);
  ASSERT_EQ(Text(ValueKind::kTime, "13:45:30.5"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 49530500000);
  ASSERT_EQ(Text(ValueKind::kTime, "24:00:00"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 86400000000);
  EXPECT_EQ(Text(ValueKind::kTime, "13:45"), DecodeResult::kMalformed);
  EXPECT_EQ(Text(ValueKind::kTime, "13:45:30.1234567"), DecodeResult::kMalformed);
  EXPECT_EQ(Text(ValueKind::kTime, "25:00:00"), DecodeResult::kMalformed);
}

TEST_F(DecoderTest, TextTimestamps) {
  ASSERT_EQ(Text(ValueKind::kTimestamp, "2024-01-31 12:00:00.5"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 1706702400500000);
  ASSERT_EQ(Text(ValueKind::kTimestamp, "infinity"), DecodeResult::kOk);
  EXPECT_EQ(Int(), kMaxTimestampMicros);
  EXPECT_EQ(Text(ValueKind::kTimestamp, "2024-01-31 12:00:00+00"), DecodeResult::kMalformed);
  // timestamptz text is already local time; the offset is dropped.
  ASSERT_EQ(Text(ValueKind::kTimestampTz, "2024-07-01 17:30:00+05:30"), DecodeResult::kOk);
  EXPECT_EQ(Int(), 1719835200000000 + 5 * 3600000000LL + 1800000000LL);
  ASSERT_EQ(Text(ValueKind::kTimestampTz, "1799-12-31 19:03:58-04:56:02"), DecodeResult::kOk);
  EXPECT_EQ(Int(), -5364680162000000);
  ASSERT_EQ(Text(ValueKind::kTimestampTz, "0044-03-15 07:03:58-04:56:02 BC"), DecodeResult::kOk);
  EXPECT_EQ(Int(), -735160 * 86400000000LL + (7 * 3600 + 3 * 60 + 58) * 1000000LL);
  EXPECT_EQ(Text(ValueKind::kTimestampTz, "2024-07-01 17:30:00+5"), DecodeResult::kMalformed);
}

}  // namespace
}  // namespace quietfetch::pg
