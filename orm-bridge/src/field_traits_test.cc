// Conversions of canonical cells (as the PostgreSQL backend records them)
// into C++ values and of C++ values into parameters. No server needed.
#include "quietfetch/orm/field_traits.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace quietfetch::orm {
namespace {

using std::chrono::days;
using std::chrono::microseconds;
using std::chrono::sys_days;

// Cells as the driver builds them; the bytes stay alive for the test.
class Cells {
 public:
  Cell Int(int64_t value) {
    Cell cell;
    cell.i64 = value;
    cell.length = Cell::kFixed;
    return cell;
  }
  Cell Double(double value) {
    Cell cell;
    cell.f64 = value;
    cell.length = Cell::kFixed;
    return cell;
  }
  Cell Bytes(std::string_view bytes) {
    const std::string& kept = kept_.emplace_back(bytes);
    Cell cell;
    cell.data = kept.data();
    cell.length = static_cast<int32_t>(kept.size());
    return cell;
  }

 private:
  std::deque<std::string> kept_;
};

template <class T>
absl::StatusOr<T> ReadAs(const Cell& cell, ColumnType type) {
  if (!FieldTraits<T>::Accepts(type)) return SqlError("07006", "not accepted");
  T out{};
  absl::Status status = FieldTraits<T>::Read(cell, type, out);
  if (!status.ok()) return status;
  return out;
}

TEST(FieldTraitsTest, Integers) {
  Cells cells;
  EXPECT_EQ(*ReadAs<int32_t>(cells.Int(42), ColumnType::kInt32), 42);
  EXPECT_EQ(*ReadAs<int64_t>(cells.Int(-9'000'000'000), ColumnType::kInt64), -9'000'000'000);
  EXPECT_EQ(*ReadAs<int16_t>(cells.Int(-32768), ColumnType::kInt16), -32768);
  absl::StatusOr<int32_t> too_big =
      ReadAs<int32_t>(cells.Int(int64_t{1} << 40), ColumnType::kInt64);
  EXPECT_EQ(SqlState(too_big.status()), "22003");
  EXPECT_EQ(SqlState(ReadAs<uint32_t>(cells.Int(-1), ColumnType::kInt32).status()), "22003");
  EXPECT_EQ(*ReadAs<uint64_t>(cells.Int(7), ColumnType::kInt64), 7u);
  // Only ints and numerics: never text, floats or booleans.
  EXPECT_FALSE(FieldTraits<int>::Accepts(ColumnType::kText));
  EXPECT_FALSE(FieldTraits<int>::Accepts(ColumnType::kFloat64));
  EXPECT_FALSE(FieldTraits<int>::Accepts(ColumnType::kBool));
}

TEST(FieldTraitsTest, NumericIntoIntegersOnlyWhenExact) {
  Cells cells;
  EXPECT_EQ(*ReadAs<int64_t>(cells.Bytes("123"), ColumnType::kNumeric), 123);
  EXPECT_EQ(*ReadAs<int64_t>(cells.Bytes("-5.000"), ColumnType::kNumeric), -5);
  EXPECT_EQ(SqlState(ReadAs<int64_t>(cells.Bytes("1.5"), ColumnType::kNumeric).status()), "22018");
  EXPECT_EQ(SqlState(ReadAs<int64_t>(cells.Bytes("NaN"), ColumnType::kNumeric).status()), "22018");
  EXPECT_EQ(
      SqlState(ReadAs<int64_t>(cells.Bytes("99999999999999999999"), ColumnType::kNumeric).status()),
      "22003");
  EXPECT_EQ(SqlState(ReadAs<int16_t>(cells.Bytes("70000"), ColumnType::kNumeric).status()),
            "22003");
}

TEST(FieldTraitsTest, Floating) {
  Cells cells;
  EXPECT_EQ(*ReadAs<double>(cells.Double(2.5), ColumnType::kFloat64), 2.5);
  EXPECT_EQ(*ReadAs<double>(cells.Bytes("12.340"), ColumnType::kNumeric), 12.34);
  EXPECT_TRUE(std::isnan(*ReadAs<double>(cells.Bytes("NaN"), ColumnType::kNumeric)));
  EXPECT_EQ(*ReadAs<double>(cells.Bytes("-Infinity"), ColumnType::kNumeric), -HUGE_VAL);
  EXPECT_EQ(*ReadAs<double>(cells.Int(1 << 20), ColumnType::kInt32), 1 << 20);
  EXPECT_EQ(
      SqlState(ReadAs<double>(cells.Int((int64_t{1} << 53) + 1), ColumnType::kInt64).status()),
      "22003");
  EXPECT_EQ(SqlState(ReadAs<float>(cells.Double(1e300), ColumnType::kFloat64).status()), "22003");
  EXPECT_EQ(*ReadAs<float>(cells.Double(0.5), ColumnType::kFloat32), 0.5f);
  EXPECT_FALSE(FieldTraits<double>::Accepts(ColumnType::kText));
}

TEST(FieldTraitsTest, Bool) {
  Cells cells;
  EXPECT_TRUE(*ReadAs<bool>(cells.Int(1), ColumnType::kBool));
  EXPECT_FALSE(*ReadAs<bool>(cells.Int(0), ColumnType::kBool));
  EXPECT_FALSE(FieldTraits<bool>::Accepts(ColumnType::kInt32));
}

TEST(FieldTraitsTest, Strings) {
  Cells cells;
  EXPECT_EQ(*ReadAs<std::string>(cells.Bytes("h\xC3\xA9llo"), ColumnType::kText), "h\xC3\xA9llo");
  EXPECT_EQ(*ReadAs<std::string>(cells.Bytes("{\"a\": 1}"), ColumnType::kJson), "{\"a\": 1}");
  EXPECT_EQ(*ReadAs<std::string>(cells.Bytes("-12.340"), ColumnType::kNumeric), "-12.340");
  EXPECT_EQ(*ReadAs<std::string>(cells.Bytes(std::string("a\0b", 3)), ColumnType::kBytes),
            std::string("a\0b", 3));
  // The 16 raw bytes of a uuid cell become its text form.
  const std::string raw = "\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef";
  EXPECT_EQ(*ReadAs<std::string>(cells.Bytes(raw), ColumnType::kUuid),
            "12345678-9abc-def0-0123-456789abcdef");
  EXPECT_FALSE(FieldTraits<std::string>::Accepts(ColumnType::kInt32));
  EXPECT_FALSE(FieldTraits<std::string>::Accepts(ColumnType::kTimestamp));

  const Cell& cell = cells.Bytes("view");
  std::string_view view = *ReadAs<std::string_view>(cell, ColumnType::kText);
  EXPECT_EQ(view, "view");
  EXPECT_EQ(view.data(), cell.data);  // borrowed from the batch, not copied
  EXPECT_FALSE(FieldTraits<std::string_view>::Accepts(ColumnType::kUuid));
  static_assert(FieldTraits<std::string_view>::kBorrowsBatch);
  static_assert(!FieldTraits<std::string>::kBorrowsBatch);
}

TEST(FieldTraitsTest, Bytes) {
  Cells cells;
  std::vector<std::byte> bytes = *ReadAs<std::vector<std::byte>>(
      cells.Bytes(std::string("\x00\xff\x10", 3)), ColumnType::kBytes);
  ASSERT_EQ(bytes.size(), 3u);
  EXPECT_EQ(bytes[1], std::byte{0xff});
  EXPECT_FALSE(FieldTraits<std::vector<std::byte>>::Accepts(ColumnType::kText));
  Param param = FieldTraits<std::vector<std::byte>>::ToParam(bytes);
  EXPECT_EQ(param.type, ColumnType::kBytes);
  EXPECT_EQ(param.data, std::string("\x00\xff\x10", 3));
}

TEST(FieldTraitsTest, Uuid) {
  Cells cells;
  const std::string raw = "\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef";
  Uuid from_cell = *ReadAs<Uuid>(cells.Bytes(raw), ColumnType::kUuid);
  EXPECT_EQ(from_cell.ToString(), "12345678-9abc-def0-0123-456789abcdef");
  Uuid from_text =
      *ReadAs<Uuid>(cells.Bytes("12345678-9ABC-DEF0-0123-456789ABCDEF"), ColumnType::kText);
  EXPECT_EQ(from_cell, from_text);
  EXPECT_TRUE(Uuid::Parse("{12345678-9abc-def0-0123-456789abcdef}").ok());
  EXPECT_EQ(SqlState(ReadAs<Uuid>(cells.Bytes("not-a-uuid"), ColumnType::kText).status()), "22018");
  EXPECT_EQ(SqlState(Uuid::Parse("12345678x9abc-def0-0123-456789abcdef").status()), "22018");
  Param param = FieldTraits<Uuid>::ToParam(from_cell);
  EXPECT_EQ(param.type, ColumnType::kUuid);
  EXPECT_EQ(param.data, "12345678-9abc-def0-0123-456789abcdef");
}

TEST(FieldTraitsTest, Timestamps) {
  Cells cells;
  // 2024-01-31 12:00:00.5 as the backend records it.
  const int64_t micros = int64_t{1706702400} * 1'000'000 + 500'000;
  Timestamp ts = *ReadAs<Timestamp>(cells.Int(micros), ColumnType::kTimestamp);
  EXPECT_EQ(ts.time_since_epoch().count(), micros);
  auto nanos =
      *ReadAs<std::chrono::system_clock::time_point>(cells.Int(micros), ColumnType::kTimestampTz);
  EXPECT_EQ(std::chrono::duration_cast<microseconds>(nanos.time_since_epoch()).count(), micros);
  // A date is midnight; sys_days refuses a time of day rather than dropping it.
  const int64_t day = 19753;  // 2024-01-31
  EXPECT_EQ(*ReadAs<sys_days>(cells.Int(day), ColumnType::kDate), sys_days(days(day)));
  EXPECT_EQ(ReadAs<Timestamp>(cells.Int(day), ColumnType::kDate)->time_since_epoch(), days(day));
  EXPECT_EQ(SqlState(ReadAs<sys_days>(cells.Int(micros), ColumnType::kTimestamp).status()),
            "22008");
  EXPECT_EQ(*ReadAs<sys_days>(cells.Int(day * 86'400'000'000), ColumnType::kTimestamp),
            sys_days(days(day)));
  // Year 9999 does not fit nanoseconds since 1970.
  EXPECT_EQ(SqlState(ReadAs<std::chrono::system_clock::time_point>(
                         cells.Int(int64_t{253402300799} * 1'000'000), ColumnType::kTimestamp)
                         .status()),
            "22003");
  EXPECT_FALSE(FieldTraits<Timestamp>::Accepts(ColumnType::kText));

  Param param = FieldTraits<Timestamp>::ToParam(ts);
  EXPECT_EQ(param.type, ColumnType::kTimestamp);
  EXPECT_EQ(param.data, "2024-01-31 12:00:00.500000");
  param = FieldTraits<sys_days>::ToParam(sys_days(days(day)));
  EXPECT_EQ(param.type, ColumnType::kDate);
  EXPECT_EQ(param.data, "2024-01-31");
  EXPECT_EQ(FieldTraits<Timestamp>::ToParam(Timestamp(microseconds(-1))).data,
            "1969-12-31 23:59:59.999999");
  EXPECT_EQ(FieldTraits<sys_days>::ToParam(sys_days(std::chrono::year(0) / 1 / 1)).data,
            "0001-01-01 BC");
}

TEST(FieldTraitsTest, Optional) {
  Cells cells;
  std::optional<int> value = *ReadAs<std::optional<int>>(cells.Int(3), ColumnType::kInt32);
  EXPECT_EQ(value, 3);
  static_assert(FieldTraits<std::optional<int>>::kNullable);
  static_assert(!FieldTraits<int>::kNullable);
  Param null = FieldTraits<std::optional<int64_t>>::ToParam(std::nullopt);
  EXPECT_TRUE(null.is_null);
  EXPECT_EQ(null.type, ColumnType::kInt64);
}

TEST(FieldTraitsTest, Params) {
  EXPECT_EQ(ToParam(int32_t{-7}).type, ColumnType::kInt32);
  EXPECT_EQ(ToParam(int32_t{-7}).data, "-7");
  EXPECT_EQ(ToParam(int16_t{1}).type, ColumnType::kInt16);
  EXPECT_EQ(ToParam(uint32_t{1}).type, ColumnType::kInt64);
  EXPECT_EQ(ToParam(uint64_t{18446744073709551615u}).type, ColumnType::kNumeric);
  EXPECT_EQ(ToParam(uint64_t{18446744073709551615u}).data, "18446744073709551615");
  EXPECT_EQ(ToParam(0.1).data, "0.1");
  EXPECT_EQ(ToParam(std::nan("")).data, "NaN");
  EXPECT_EQ(ToParam(true).data, "true");
  EXPECT_EQ(ToParam("text").type, ColumnType::kUnknown);
  EXPECT_EQ(ToParam("text").data, "text");
  EXPECT_EQ(ToParam(std::string("s")).data, "s");
  EXPECT_TRUE(ToParam(std::nullopt).is_null);
  EXPECT_TRUE(ToParam(static_cast<const char*>(nullptr)).is_null);
}

TEST(StatusTest, SqlStateOfStatuses) {
  EXPECT_EQ(SqlState(absl::OkStatus()), "00000");
  EXPECT_EQ(SqlState(absl::InternalError("no payload")), "HY000");
  EXPECT_EQ(SqlState(SqlError("23505", "duplicate")), "23505");
}

TEST(ColumnTypeTest, Names) {
  EXPECT_EQ(ColumnTypeName(ColumnType::kTimestampTz), "timestamptz");
  EXPECT_EQ(ColumnTypeName(ColumnType::kInt32), "int32");
}

}  // namespace
}  // namespace quietfetch::orm
