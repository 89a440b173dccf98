#include "driver/core/convert.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

#include "driver/core/status.h"
#include "driver/core/unicode.h"

namespace quietfetch::core {
namespace {

using backend::LogicalType;
using backend::Param;
using rowstore::Cell;

__extension__ typedef unsigned __int128 Uint128;

static_assert(sizeof(SQLGUID) == 16);
static_assert(sizeof(SQLINTEGER) == 4);
static_assert(sizeof(SQLWCHAR) == 2);

Cell Fixed(int64_t value) {
  Cell cell;
  cell.i64 = value;
  cell.length = Cell::kFixed;
  return cell;
}

Cell Real(double value) {
  Cell cell;
  cell.f64 = value;
  cell.length = Cell::kFixed;
  return cell;
}

// `text` must outlive the cell (string literals do).
Cell Bytes(std::string_view text) {
  Cell cell;
  cell.data = text.data();
  cell.length = static_cast<int32_t>(text.size());
  return cell;
}

Cell Null() {
  Cell cell;
  cell.i64 = 0;
  cell.length = Cell::kNull;
  return cell;
}

constexpr std::string_view kUuidBytes(
    "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16);
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// "ok", "01004", "01S07", "nodata", or the error's SQLSTATE.
std::string Describe(const absl::StatusOr<ConvertOutcome>& outcome) {
  if (!outcome.ok()) return SqlStateOf(outcome.status());
  switch (*outcome) {
    case ConvertOutcome::kOk:
      return "ok";
    case ConvertOutcome::kTruncated:
      return "01004";
    case ConvertOutcome::kFractionalTruncation:
      return "01S07";
    case ConvertOutcome::kNoData:
      return "nodata";
  }
  return "?";
}

std::string Describe(const absl::StatusOr<Param>& param) {
  if (!param.ok()) return SqlStateOf(param.status());
  return "ok";
}

// One call of WriteCell into a character-like buffer, with a canary after
// the buffer to catch overruns.
struct Piece {
  std::string outcome;
  SQLLEN length = -999;
  std::string data;  // bytes before the terminator (char/wchar) or written (binary)
  bool terminated = false;
};

constexpr char kCanary = '\x5a';

Piece CallChar(const Cell& cell, LogicalType type, SQLLEN buffer_length,
               PieceState* pieces = nullptr, SQLSMALLINT c_type = SQL_C_CHAR) {
  std::vector<char> buffer(static_cast<size_t>(buffer_length > 0 ? buffer_length : 0) + 8, kCanary);
  CellTarget target;
  target.c_type = c_type;
  target.buffer = buffer.data();
  target.buffer_length = buffer_length;
  Piece piece;
  target.length = &piece.length;
  target.indicator = &piece.length;
  piece.outcome = Describe(WriteCell(cell, type, target, pieces));
  size_t limit = static_cast<size_t>(buffer_length > 0 ? buffer_length : 0);
  for (size_t i = limit; i < buffer.size(); ++i) EXPECT_EQ(buffer[i], kCanary) << "overrun";
  if (c_type == SQL_C_CHAR) {
    for (size_t i = 0; i < limit; ++i) {
      if (buffer[i] == '\0') {
        piece.terminated = true;
        piece.data.assign(buffer.data(), i);
        break;
      }
    }
  } else if (c_type == SQL_C_WCHAR) {
    for (size_t i = 0; i + 1 < limit; i += 2) {
      if (buffer[i] == '\0' && buffer[i + 1] == '\0') {
        piece.terminated = true;
        piece.data.assign(buffer.data(), i);
        break;
      }
    }
  } else {
    size_t written = 0;
    while (written < limit && buffer[written] != kCanary) ++written;
    piece.data.assign(buffer.data(), written);
  }
  return piece;
}

std::u16string Units(const std::string& bytes) {
  std::u16string units(bytes.size() / 2, u'\0');
  std::memcpy(units.data(), bytes.data(), units.size() * 2);
  return units;
}

std::string WideBytes(std::u16string_view units) {
  return std::string(reinterpret_cast<const char*>(units.data()), units.size() * 2);
}

// ---------------------------------------------------------------------------
// SQL_C_CHAR renderings.

struct RenderCase {
  const char* name;
  LogicalType type;
  Cell cell;
  std::string expected;
};

std::vector<RenderCase> RenderCases() {
  return {
      {"bool_true", LogicalType::kBool, Fixed(1), "1"},
      {"bool_false", LogicalType::kBool, Fixed(0), "0"},
      {"int16_min", LogicalType::kInt16, Fixed(-32768), "-32768"},
      {"int32", LogicalType::kInt32, Fixed(42), "42"},
      {"int32_zero", LogicalType::kInt32, Fixed(0), "0"},
      {"int64_min", LogicalType::kInt64, Fixed(INT64_MIN), "-9223372036854775808"},
      {"int64_max", LogicalType::kInt64, Fixed(INT64_MAX), "9223372036854775807"},
      {"double_tenth", LogicalType::kFloat64, Real(0.1), "0.1"},
      {"double_third", LogicalType::kFloat64, Real(1.0 / 3), "0.3333333333333333"},
      {"double_integral", LogicalType::kFloat64, Real(100), "100"},
      {"double_2_5", LogicalType::kFloat64, Real(-2.5), "-2.5"},
      {"double_1e14", LogicalType::kFloat64, Real(1e14), "100000000000000"},
      {"double_1e15", LogicalType::kFloat64, Real(1e15), "1e+15"},
      {"double_big", LogicalType::kFloat64, Real(123456789012345678.0), "1.2345678901234568e+17"},
      {"double_1e-4", LogicalType::kFloat64, Real(0.0001), "0.0001"},
      {"double_1e-5", LogicalType::kFloat64, Real(0.00001), "1e-05"},
      {"double_small", LogicalType::kFloat64, Real(0.000123), "0.000123"},
      {"double_huge", LogicalType::kFloat64, Real(1.5e300), "1.5e+300"},
      {"double_max", LogicalType::kFloat64, Real(1.7976931348623157e308),
       "1.7976931348623157e+308"},
      {"double_denormal", LogicalType::kFloat64, Real(5e-324), "5e-324"},
      // Shortest digits that sit exactly between two doubles are avoided, as
      // PostgreSQL's Ryu does (C++'s to_chars would print 2.918193195437261e+16).
      {"double_tie", LogicalType::kFloat64, Real(29181931954372608.0), "2.9181931954372608e+16"},
      {"double_power_of_two", LogicalType::kFloat64, Real(9007199254740992.0),
       "9.007199254740992e+15"},
      {"float_tie", LogicalType::kFloat32, Real(295919616.0f), "2.9591962e+08"},
      {"double_zero", LogicalType::kFloat64, Real(0.0), "0"},
      {"double_negative_zero", LogicalType::kFloat64, Real(-0.0), "-0"},
      {"double_nan", LogicalType::kFloat64, Real(kNaN), "NaN"},
      {"double_inf", LogicalType::kFloat64, Real(kInf), "Infinity"},
      {"double_minus_inf", LogicalType::kFloat64, Real(-kInf), "-Infinity"},
      {"float_tenth", LogicalType::kFloat32, Real(0.1f), "0.1"},
      {"float_123456", LogicalType::kFloat32, Real(123456.0f), "123456"},
      {"float_1e6", LogicalType::kFloat32, Real(1e6f), "1e+06"},
      {"float_1234567", LogicalType::kFloat32, Real(1234567.0f), "1.234567e+06"},
      {"float_max", LogicalType::kFloat32, Real(3.4028235e38f), "3.4028235e+38"},
      {"float_1e-5", LogicalType::kFloat32, Real(1e-5f), "1e-05"},
      {"float_nan", LogicalType::kFloat32, Real(kNaN), "NaN"},
      {"numeric", LogicalType::kNumeric, Bytes("-12.340"), "-12.340"},
      {"numeric_nan", LogicalType::kNumeric, Bytes("NaN"), "NaN"},
      {"text", LogicalType::kText, Bytes("h\xc3\xa9llo"), "h\xc3\xa9llo"},
      {"text_empty", LogicalType::kText, Bytes(""), ""},
      {"json", LogicalType::kJson, Bytes("{\"a\": 1}"), "{\"a\": 1}"},
      {"unknown", LogicalType::kUnknown, Bytes("1 day 02:00:00"), "1 day 02:00:00"},
      {"bytes", LogicalType::kBytes, Bytes("\x01\xab\xff"), "01ABFF"},
      {"bytes_nul", LogicalType::kBytes, Bytes(std::string_view("\x00\x10", 2)), "0010"},
      {"bytes_empty", LogicalType::kBytes, Bytes(""), ""},
      {"uuid", LogicalType::kUuid, Bytes(kUuidBytes), "00112233-4455-6677-8899-aabbccddeeff"},
      {"date_epoch", LogicalType::kDate, Fixed(0), "1970-01-01"},
      {"date_before_epoch", LogicalType::kDate, Fixed(-1), "1969-12-31"},
      {"date_leap_2024", LogicalType::kDate, Fixed(19782), "2024-02-29"},
      {"date_leap_2000", LogicalType::kDate, Fixed(11016), "2000-02-29"},
      {"date_1900_not_leap", LogicalType::kDate, Fixed(-25508), "1900-03-01"},
      {"date_year_1", LogicalType::kDate, Fixed(-719162), "0001-01-01"},
      {"date_year_9999", LogicalType::kDate, Fixed(2932896), "9999-12-31"},
      {"date_year_10000", LogicalType::kDate, Fixed(2932897), "10000-01-01"},
      {"date_1_bc", LogicalType::kDate, Fixed(-719163), "0001-12-31 BC"},
      {"date_infinity", LogicalType::kDate, Fixed(2147483647), "infinity"},
      {"date_minus_infinity", LogicalType::kDate, Fixed(-2147483648LL), "-infinity"},
      {"time_midnight", LogicalType::kTime, Fixed(0), "00:00:00"},
      {"time_micros", LogicalType::kTime, Fixed(45296789012), "12:34:56.789012"},
      {"time_half", LogicalType::kTime, Fixed(45296500000), "12:34:56.5"},
      {"time_one_micro", LogicalType::kTime, Fixed(1), "00:00:00.000001"},
      {"time_24", LogicalType::kTime, Fixed(86400000000), "24:00:00"},
      {"timestamp_epoch", LogicalType::kTimestamp, Fixed(0), "1970-01-01 00:00:00"},
      {"timestamp_before_epoch", LogicalType::kTimestamp, Fixed(-1), "1969-12-31 23:59:59.999999"},
      {"timestamp_2024", LogicalType::kTimestamp, Fixed(1704067200123000),
       "2024-01-01 00:00:00.123"},
      {"timestamp_year_1", LogicalType::kTimestamp, Fixed(-62135596800000000),
       "0001-01-01 00:00:00"},
      {"timestamp_bc", LogicalType::kTimestamp, Fixed(-62135596800000001),
       "0001-12-31 23:59:59.999999 BC"},
      {"timestamp_9999", LogicalType::kTimestamp, Fixed(253402300799999999),
       "9999-12-31 23:59:59.999999"},
      {"timestamp_infinity", LogicalType::kTimestamp, Fixed(INT64_MAX), "infinity"},
      {"timestamp_minus_infinity", LogicalType::kTimestamp, Fixed(INT64_MIN), "-infinity"},
      {"timestamptz", LogicalType::kTimestampTz, Fixed(1704067200000000), "2024-01-01 00:00:00"},
  };
}

TEST(WriteCellChar, RendersLikePostgres) {
  for (const RenderCase& c : RenderCases()) {
    SCOPED_TRACE(c.name);
    Piece piece = CallChar(c.cell, c.type, 100);
    EXPECT_EQ(piece.outcome, "ok");
    EXPECT_TRUE(piece.terminated);
    EXPECT_EQ(piece.data, c.expected);
    EXPECT_EQ(piece.length, static_cast<SQLLEN>(c.expected.size()));
  }
}

TEST(WriteCellWChar, RendersLikePostgres) {
  for (const RenderCase& c : RenderCases()) {
    SCOPED_TRACE(c.name);
    Piece piece = CallChar(c.cell, c.type, 200, nullptr, SQL_C_WCHAR);
    EXPECT_EQ(piece.outcome, "ok");
    EXPECT_TRUE(piece.terminated);
    std::u16string expected = Utf8ToUtf16(c.expected);
    EXPECT_EQ(Units(piece.data), expected);
    EXPECT_EQ(piece.length, static_cast<SQLLEN>(expected.size() * 2));
  }
}

// ODBC: the integral or date part of a value must fit, only fractional
// digits may be cut (01004); otherwise 22003 and nothing is written.
struct FitCase {
  const char* name;
  LogicalType type;
  Cell cell;
  SQLLEN buffer_length;
  std::string outcome;
  std::string data;
  SQLLEN length;
};

TEST(WriteCellChar, WholePartMustFit) {
  const FitCase cases[] = {
      {"int_fits", LogicalType::kInt32, Fixed(12345), 6, "ok", "12345", 5},
      {"int_too_small", LogicalType::kInt32, Fixed(12345), 5, "22003", "", -999},
      {"negative_int_too_small", LogicalType::kInt32, Fixed(-1), 2, "22003", "", -999},
      {"bool_too_small", LogicalType::kBool, Fixed(1), 1, "22003", "", -999},
      {"bool_fits", LogicalType::kBool, Fixed(1), 2, "ok", "1", 1},
      {"float_fraction_cut", LogicalType::kFloat64, Real(123.456), 4, "01004", "123", 7},
      {"float_fraction_cut_after_point", LogicalType::kFloat64, Real(123.456), 6, "01004", "123.4",
       7},
      {"float_whole_too_small", LogicalType::kFloat64, Real(123.456), 3, "22003", "", -999},
      {"float_exponent_form_whole", LogicalType::kFloat64, Real(1e20), 5, "22003", "", -999},
      {"numeric_fraction_cut", LogicalType::kNumeric, Bytes("-12.340"), 4, "01004", "-12", 7},
      {"numeric_whole_too_small", LogicalType::kNumeric, Bytes("-12.340"), 3, "22003", "", -999},
      {"date_fits", LogicalType::kDate, Fixed(0), 11, "ok", "1970-01-01", 10},
      {"date_too_small", LogicalType::kDate, Fixed(0), 10, "22003", "", -999},
      {"time_fraction_cut", LogicalType::kTime, Fixed(45296500000), 9, "01004", "12:34:56", 10},
      {"time_too_small", LogicalType::kTime, Fixed(45296500000), 8, "22003", "", -999},
      {"timestamp_fraction_cut", LogicalType::kTimestamp, Fixed(1704067200123000), 20, "01004",
       "2024-01-01 00:00:00", 23},
      {"timestamp_too_small", LogicalType::kTimestamp, Fixed(1704067200123000), 19, "22003", "",
       -999},
      {"uuid_fits", LogicalType::kUuid, Bytes(kUuidBytes), 37, "ok",
       "00112233-4455-6677-8899-aabbccddeeff", 36},
      {"uuid_too_small", LogicalType::kUuid, Bytes(kUuidBytes), 36, "22003", "", -999},
      {"text_cut_anywhere", LogicalType::kText, Bytes("abcdef"), 3, "01004", "ab", 6},
      {"bytes_cut_anywhere", LogicalType::kBytes, Bytes("\x01\xab\xff"), 4, "01004", "01A", 6},
  };
  for (const FitCase& c : cases) {
    SCOPED_TRACE(c.name);
    Piece piece = CallChar(c.cell, c.type, c.buffer_length);
    EXPECT_EQ(piece.outcome, c.outcome);
    EXPECT_EQ(piece.data, c.data);
    EXPECT_EQ(piece.length, c.length);
  }
}

TEST(WriteCellWChar, WholePartMustFitInCharacters) {
  Piece small = CallChar(Fixed(12345), LogicalType::kInt32, 10, nullptr, SQL_C_WCHAR);
  EXPECT_EQ(small.outcome, "22003");
  Piece fits = CallChar(Fixed(12345), LogicalType::kInt32, 12, nullptr, SQL_C_WCHAR);
  EXPECT_EQ(fits.outcome, "ok");
  EXPECT_EQ(Units(fits.data), u"12345");
  EXPECT_EQ(fits.length, 10);
}

// Calls SQLGetData-style until kNoData, collecting the pieces.
std::vector<Piece> AllPieces(const Cell& cell, LogicalType type, SQLLEN buffer_length,
                             SQLSMALLINT c_type = SQL_C_CHAR) {
  PieceState pieces;
  std::vector<Piece> result;
  for (int i = 0; i < 100; ++i) {
    Piece piece = CallChar(cell, type, buffer_length, &pieces, c_type);
    result.push_back(piece);
    if (piece.outcome != "01004") break;
  }
  return result;
}

std::string Joined(const std::vector<Piece>& pieces) {
  std::string joined;
  for (const Piece& piece : pieces) {
    if (piece.outcome == "ok" || piece.outcome == "01004") joined += piece.data;
  }
  return joined;
}

// "a", U+00E9, U+1F600, "z": 1 + 2 + 4 + 1 bytes of UTF-8.
constexpr std::string_view kMixedUtf8 = "a\xc3\xa9\xf0\x9f\x98\x80z";

TEST(WriteCellChar, PiecesOfTwoBytesBufferReturnOneByteEach) {
  std::vector<Piece> pieces = AllPieces(Bytes(kMixedUtf8), LogicalType::kText, 2);
  ASSERT_EQ(pieces.size(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(pieces[i].length, static_cast<SQLLEN>(8 - i)) << i;
    EXPECT_EQ(pieces[i].data.size(), 1u) << i;
    EXPECT_TRUE(pieces[i].terminated);
    EXPECT_EQ(pieces[i].outcome, i < 7 ? "01004" : "ok") << i;
  }
  EXPECT_EQ(Joined(pieces), kMixedUtf8);
}

TEST(WriteCellChar, PiecesOfFiveBytesBuffer) {
  PieceState state;
  Piece first = CallChar(Bytes(kMixedUtf8), LogicalType::kText, 5, &state);
  EXPECT_EQ(first.outcome, "01004");
  EXPECT_EQ(first.length, 8);
  EXPECT_EQ(first.data, kMixedUtf8.substr(0, 4));
  Piece second = CallChar(Bytes(kMixedUtf8), LogicalType::kText, 5, &state);
  EXPECT_EQ(second.outcome, "ok");
  EXPECT_EQ(second.length, 4);
  EXPECT_EQ(second.data, kMixedUtf8.substr(4));
  Piece third = CallChar(Bytes(kMixedUtf8), LogicalType::kText, 5, &state);
  EXPECT_EQ(third.outcome, "nodata");
}

TEST(WriteCellChar, OneByteBufferHoldsOnlyTheTerminator) {
  PieceState state;
  for (int i = 0; i < 3; ++i) {
    Piece piece = CallChar(Bytes(kMixedUtf8), LogicalType::kText, 1, &state);
    EXPECT_EQ(piece.outcome, "01004");
    EXPECT_EQ(piece.length, 8);
    EXPECT_TRUE(piece.terminated);
    EXPECT_EQ(piece.data, "");
  }
  // A larger buffer then continues from the start.
  Piece rest = CallChar(Bytes(kMixedUtf8), LogicalType::kText, 50, &state);
  EXPECT_EQ(rest.outcome, "ok");
  EXPECT_EQ(rest.data, kMixedUtf8);
}

TEST(WriteCellChar, ZeroLengthBufferWritesNothing) {
  Piece piece = CallChar(Bytes("abc"), LogicalType::kText, 0);
  EXPECT_EQ(piece.outcome, "01004");
  EXPECT_EQ(piece.length, 3);
  EXPECT_FALSE(piece.terminated);
  Piece empty = CallChar(Bytes(""), LogicalType::kText, 0);
  EXPECT_EQ(empty.outcome, "ok");
  EXPECT_EQ(empty.length, 0);
}

TEST(WriteCellChar, EmptyValueThenNoData) {
  PieceState state;
  Piece first = CallChar(Bytes(""), LogicalType::kText, 10, &state);
  EXPECT_EQ(first.outcome, "ok");
  EXPECT_EQ(first.length, 0);
  EXPECT_TRUE(first.terminated);
  EXPECT_EQ(CallChar(Bytes(""), LogicalType::kText, 10, &state).outcome, "nodata");
}

TEST(WriteCellChar, FractionContinuesInNextPiece) {
  std::vector<Piece> pieces = AllPieces(Bytes("-12.340"), LogicalType::kNumeric, 4);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0].data, "-12");
  EXPECT_EQ(pieces[1].data, ".34");
  EXPECT_EQ(pieces[1].length, 4);
  EXPECT_EQ(pieces[2].data, "0");
  EXPECT_EQ(pieces[2].outcome, "ok");
  std::vector<Piece> stamp = AllPieces(Fixed(1704067200123000), LogicalType::kTimestamp, 20);
  EXPECT_EQ(Joined(stamp), "2024-01-01 00:00:00.123");
}

TEST(WriteCellChar, HexPieces) {
  std::vector<Piece> pieces = AllPieces(Bytes("\x01\xab\xff"), LogicalType::kBytes, 4);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].data, "01A");
  EXPECT_EQ(pieces[0].length, 6);
  EXPECT_EQ(pieces[1].data, "BFF");
  EXPECT_EQ(pieces[1].length, 3);
}

TEST(WriteCellChar, BoundColumnTruncationReportsFullLength) {
  Piece piece = CallChar(Bytes("abcdef"), LogicalType::kText, 4, nullptr);
  EXPECT_EQ(piece.outcome, "01004");
  EXPECT_EQ(piece.data, "abc");
  EXPECT_EQ(piece.length, 6);
}

TEST(WriteCellChar, NullBufferReportsLengthOnly) {
  SQLLEN length = -1;
  CellTarget target;
  target.c_type = SQL_C_CHAR;
  target.buffer_length = 0;
  target.length = &length;
  EXPECT_EQ(Describe(WriteCell(Bytes("abcdef"), LogicalType::kText, target, nullptr)), "01004");
  EXPECT_EQ(length, 6);
  // The whole-part rule needs a buffer to apply to.
  EXPECT_EQ(Describe(WriteCell(Fixed(123456), LogicalType::kInt32, target, nullptr)), "01004");
  EXPECT_EQ(length, 6);
  // With pieces, nothing is consumed.
  PieceState state;
  EXPECT_EQ(Describe(WriteCell(Bytes("abcdef"), LogicalType::kText, target, &state)), "01004");
  Piece rest = CallChar(Bytes("abcdef"), LogicalType::kText, 10, &state);
  EXPECT_EQ(rest.data, "abcdef");
}

TEST(WriteCellChar, NegativeBufferLengthIsHY090) {
  SQLLEN length = 0;
  char buffer[8];
  for (SQLSMALLINT c_type : {SQL_C_CHAR, SQL_C_WCHAR, SQL_C_BINARY}) {
    CellTarget target{c_type, buffer, -1, &length, &length};
    EXPECT_EQ(Describe(WriteCell(Bytes("x"), LogicalType::kText, target, nullptr)), "HY090");
  }
  // Fixed-size targets ignore buffer_length.
  CellTarget fixed{SQL_C_SLONG, buffer, -1, &length, &length};
  EXPECT_EQ(Describe(WriteCell(Fixed(7), LogicalType::kInt32, fixed, nullptr)), "ok");
}

// ---------------------------------------------------------------------------
// SQL_C_WCHAR pieces.

TEST(WriteCellWChar, NonBmpCharacter) {
  Piece piece = CallChar(Bytes(kMixedUtf8), LogicalType::kText, 100, nullptr, SQL_C_WCHAR);
  EXPECT_EQ(piece.outcome, "ok");
  EXPECT_EQ(Units(piece.data), u"a\u00e9\U0001F600z");
  EXPECT_EQ(piece.length, 10);
}

TEST(WriteCellWChar, PiecesFillTheBufferEvenAcrossASurrogatePair) {
  // Applications join pieces assuming each truncated piece filled the buffer,
  // so a piece may end between the halves of U+1F600; joined, they are whole.
  std::vector<Piece> pieces = AllPieces(Bytes(kMixedUtf8), LogicalType::kText, 8, SQL_C_WCHAR);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].outcome, "01004");
  EXPECT_EQ(pieces[0].data.size(), 6u);  // three full code units
  EXPECT_EQ(pieces[0].length, 10);
  EXPECT_EQ(pieces[1].outcome, "ok");
  EXPECT_EQ(pieces[1].length, 4);
  EXPECT_EQ(Units(Joined(pieces)), u"a\u00e9\U0001F600z");
}

TEST(WriteCellWChar, OneUnitBufferStillProgresses) {
  std::vector<Piece> pieces = AllPieces(Bytes(kMixedUtf8), LogicalType::kText, 4, SQL_C_WCHAR);
  ASSERT_EQ(pieces.size(), 5u);
  std::string joined = Joined(pieces);
  EXPECT_EQ(Units(joined), u"a\u00e9\U0001F600z");
  // An odd buffer length rounds down to whole code units.
  std::vector<Piece> odd = AllPieces(Bytes("abc"), LogicalType::kText, 5, SQL_C_WCHAR);
  ASSERT_EQ(odd.size(), 3u);
  EXPECT_EQ(Units(odd[0].data), u"a");
}

TEST(WriteCellWChar, AsciiPiecesAndNoData) {
  PieceState state;
  Piece first = CallChar(Bytes("abcdef"), LogicalType::kText, 8, &state, SQL_C_WCHAR);
  EXPECT_EQ(first.outcome, "01004");
  EXPECT_EQ(Units(first.data), u"abc");
  EXPECT_EQ(first.length, 12);
  Piece second = CallChar(Bytes("abcdef"), LogicalType::kText, 8, &state, SQL_C_WCHAR);
  EXPECT_EQ(second.outcome, "ok");
  EXPECT_EQ(Units(second.data), u"def");
  EXPECT_EQ(second.length, 6);
  EXPECT_EQ(CallChar(Bytes("abcdef"), LogicalType::kText, 8, &state, SQL_C_WCHAR).outcome,
            "nodata");
}

TEST(WriteCellWChar, SingleCallThenNoData) {
  PieceState state;
  Piece first = CallChar(Bytes(kMixedUtf8), LogicalType::kText, 100, &state, SQL_C_WCHAR);
  EXPECT_EQ(first.outcome, "ok");
  EXPECT_EQ(CallChar(Bytes(kMixedUtf8), LogicalType::kText, 100, &state, SQL_C_WCHAR).outcome,
            "nodata");
  PieceState ascii;
  EXPECT_EQ(CallChar(Bytes("abc"), LogicalType::kText, 100, &ascii, SQL_C_WCHAR).outcome, "ok");
  EXPECT_EQ(CallChar(Bytes("abc"), LogicalType::kText, 100, &ascii, SQL_C_WCHAR).outcome, "nodata");
}

TEST(WriteCellWChar, NumberPieces) {
  std::vector<Piece> pieces = AllPieces(Real(123.456), LogicalType::kFloat64, 10, SQL_C_WCHAR);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(Units(pieces[0].data), u"123.");
  EXPECT_EQ(pieces[0].length, 14);
  EXPECT_EQ(Units(pieces[1].data), u"456");
}

// ---------------------------------------------------------------------------
// SQL_C_BINARY.

TEST(WriteCellBinary, RawBytesInPieces) {
  std::string_view raw("\x00\x01\x02\x03\x04", 5);
  std::vector<Piece> pieces = AllPieces(Bytes(raw), LogicalType::kBytes, 2, SQL_C_BINARY);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0].length, 5);
  EXPECT_EQ(pieces[0].data, raw.substr(0, 2));
  EXPECT_EQ(pieces[1].length, 3);
  EXPECT_EQ(pieces[1].data, raw.substr(2, 2));
  EXPECT_EQ(pieces[2].length, 1);
  EXPECT_EQ(pieces[2].outcome, "ok");
  EXPECT_EQ(pieces[2].data, raw.substr(4));
}

TEST(WriteCellBinary, ExactFitIsNotTruncated) {
  PieceState state;
  Piece piece = CallChar(Bytes("abcd"), LogicalType::kText, 4, &state, SQL_C_BINARY);
  EXPECT_EQ(piece.outcome, "ok");
  EXPECT_EQ(piece.data, "abcd");
  EXPECT_EQ(piece.length, 4);
  EXPECT_EQ(CallChar(Bytes("abcd"), LogicalType::kText, 4, &state, SQL_C_BINARY).outcome, "nodata");
}

TEST(WriteCellBinary, UuidIsRawAndMustFit) {
  Piece piece = CallChar(Bytes(kUuidBytes), LogicalType::kUuid, 16, nullptr, SQL_C_BINARY);
  EXPECT_EQ(piece.outcome, "ok");
  EXPECT_EQ(piece.data, kUuidBytes);
  EXPECT_EQ(piece.length, 16);
  EXPECT_EQ(CallChar(Bytes(kUuidBytes), LogicalType::kUuid, 15, nullptr, SQL_C_BINARY).outcome,
            "22003");
}

TEST(WriteCellBinary, FixedValuesAreTheirDefaultCType) {
  Piece piece = CallChar(Fixed(0x01020304), LogicalType::kInt32, 8, nullptr, SQL_C_BINARY);
  EXPECT_EQ(piece.outcome, "ok");
  EXPECT_EQ(piece.length, 4);
  SQLINTEGER value = 0;
  ASSERT_EQ(piece.data.size(), 4u);
  std::memcpy(&value, piece.data.data(), 4);
  EXPECT_EQ(value, 0x01020304);
  EXPECT_EQ(CallChar(Fixed(1), LogicalType::kInt32, 3, nullptr, SQL_C_BINARY).outcome, "22003");
  Piece date = CallChar(Fixed(19782), LogicalType::kDate, 16, nullptr, SQL_C_BINARY);
  EXPECT_EQ(date.length, static_cast<SQLLEN>(sizeof(SQL_DATE_STRUCT)));
  SQL_DATE_STRUCT parts;
  std::memcpy(&parts, date.data.data(), sizeof(parts));
  EXPECT_EQ(parts.year, 2024);
  EXPECT_EQ(parts.month, 2);
  EXPECT_EQ(parts.day, 29);
}

// ---------------------------------------------------------------------------
// Integer, bit, floating and numeric targets.

struct FixedResult {
  std::string outcome;
  SQLLEN length = -999;
  unsigned char bytes[32] = {};
};

FixedResult CallFixed(const Cell& cell, LogicalType type, SQLSMALLINT c_type,
                      PieceState* pieces = nullptr, SQLSMALLINT precision = 0,
                      SQLSMALLINT scale = 0) {
  FixedResult result;
  std::memset(result.bytes, 0xEE, sizeof(result.bytes));
  CellTarget target;
  target.c_type = c_type;
  target.buffer = result.bytes;
  target.buffer_length = 0;  // ignored by fixed-size targets
  target.length = &result.length;
  target.indicator = &result.length;
  target.precision = precision;
  target.scale = scale;
  result.outcome = Describe(WriteCell(cell, type, target, pieces));
  return result;
}

template <typename T>
T As(const FixedResult& result) {
  T value;
  std::memcpy(&value, result.bytes, sizeof(T));
  return value;
}

std::string IntegerText(const FixedResult& result, SQLSMALLINT c_type) {
  switch (c_type) {
    case SQL_C_STINYINT:
    case SQL_C_TINYINT:
      return std::to_string(As<SQLSCHAR>(result));
    case SQL_C_UTINYINT:
    case SQL_C_BIT:
      return std::to_string(As<SQLCHAR>(result));
    case SQL_C_SSHORT:
    case SQL_C_SHORT:
      return std::to_string(As<SQLSMALLINT>(result));
    case SQL_C_USHORT:
      return std::to_string(As<SQLUSMALLINT>(result));
    case SQL_C_SLONG:
    case SQL_C_LONG:
      return std::to_string(As<SQLINTEGER>(result));
    case SQL_C_ULONG:
      return std::to_string(As<SQLUINTEGER>(result));
    case SQL_C_SBIGINT:
      return std::to_string(As<SQLBIGINT>(result));
    case SQL_C_UBIGINT:
      return std::to_string(As<SQLUBIGINT>(result));
  }
  return "?";
}

SQLLEN IntegerSize(SQLSMALLINT c_type) {
  switch (c_type) {
    case SQL_C_STINYINT:
    case SQL_C_TINYINT:
    case SQL_C_UTINYINT:
    case SQL_C_BIT:
      return 1;
    case SQL_C_SSHORT:
    case SQL_C_SHORT:
    case SQL_C_USHORT:
      return 2;
    case SQL_C_SLONG:
    case SQL_C_LONG:
    case SQL_C_ULONG:
      return 4;
    default:
      return 8;
  }
}

struct IntegerCase {
  const char* name;
  LogicalType type;
  Cell cell;
  SQLSMALLINT c_type;
  std::string outcome;
  std::string value;  // checked when the outcome is not an error
};

TEST(WriteCellInteger, Table) {
  const IntegerCase cases[] = {
      {"int32_slong", LogicalType::kInt32, Fixed(42), SQL_C_SLONG, "ok", "42"},
      {"int32_long", LogicalType::kInt32, Fixed(-42), SQL_C_LONG, "ok", "-42"},
      {"int64_slong_max", LogicalType::kInt64, Fixed(2147483647), SQL_C_SLONG, "ok", "2147483647"},
      {"int64_slong_over", LogicalType::kInt64, Fixed(2147483648), SQL_C_SLONG, "22003", ""},
      {"int64_slong_min", LogicalType::kInt64, Fixed(-2147483648LL), SQL_C_SLONG, "ok",
       "-2147483648"},
      {"int64_slong_under", LogicalType::kInt64, Fixed(-2147483649LL), SQL_C_SLONG, "22003", ""},
      {"int32_ulong_negative", LogicalType::kInt32, Fixed(-1), SQL_C_ULONG, "22003", ""},
      {"int64_ulong_max", LogicalType::kInt64, Fixed(4294967295), SQL_C_ULONG, "ok", "4294967295"},
      {"int64_ulong_over", LogicalType::kInt64, Fixed(4294967296), SQL_C_ULONG, "22003", ""},
      {"int32_ushort_max", LogicalType::kInt32, Fixed(65535), SQL_C_USHORT, "ok", "65535"},
      {"int32_ushort_over", LogicalType::kInt32, Fixed(65536), SQL_C_USHORT, "22003", ""},
      {"int32_ushort_negative", LogicalType::kInt32, Fixed(-1), SQL_C_USHORT, "22003", ""},
      {"int16_sshort", LogicalType::kInt16, Fixed(-32768), SQL_C_SSHORT, "ok", "-32768"},
      {"int32_short_over", LogicalType::kInt32, Fixed(32768), SQL_C_SHORT, "22003", ""},
      {"int16_stinyint", LogicalType::kInt16, Fixed(-128), SQL_C_STINYINT, "ok", "-128"},
      {"int16_stinyint_over", LogicalType::kInt16, Fixed(128), SQL_C_STINYINT, "22003", ""},
      {"int16_tinyint_is_signed", LogicalType::kInt16, Fixed(-5), SQL_C_TINYINT, "ok", "-5"},
      {"int16_utinyint", LogicalType::kInt16, Fixed(255), SQL_C_UTINYINT, "ok", "255"},
      {"int16_utinyint_over", LogicalType::kInt16, Fixed(256), SQL_C_UTINYINT, "22003", ""},
      {"int16_utinyint_negative", LogicalType::kInt16, Fixed(-1), SQL_C_UTINYINT, "22003", ""},
      {"int64_sbigint_min", LogicalType::kInt64, Fixed(INT64_MIN), SQL_C_SBIGINT, "ok",
       "-9223372036854775808"},
      {"int64_ubigint", LogicalType::kInt64, Fixed(INT64_MAX), SQL_C_UBIGINT, "ok",
       "9223372036854775807"},
      {"int64_ubigint_negative", LogicalType::kInt64, Fixed(-1), SQL_C_UBIGINT, "22003", ""},
      {"bool_sshort", LogicalType::kBool, Fixed(1), SQL_C_SSHORT, "ok", "1"},
      {"numeric_ubigint_max", LogicalType::kNumeric, Bytes("18446744073709551615"), SQL_C_UBIGINT,
       "ok", "18446744073709551615"},
      {"numeric_ubigint_over", LogicalType::kNumeric, Bytes("18446744073709551616"), SQL_C_UBIGINT,
       "22003", ""},
      {"numeric_sbigint_min", LogicalType::kNumeric, Bytes("-9223372036854775808"), SQL_C_SBIGINT,
       "ok", "-9223372036854775808"},
      {"numeric_sbigint_under", LogicalType::kNumeric, Bytes("-9223372036854775809"), SQL_C_SBIGINT,
       "22003", ""},
      {"numeric_fraction", LogicalType::kNumeric, Bytes("12.5"), SQL_C_SLONG, "01S07", "12"},
      {"numeric_negative_fraction", LogicalType::kNumeric, Bytes("-12.5"), SQL_C_SLONG, "01S07",
       "-12"},
      {"numeric_zero_fraction", LogicalType::kNumeric, Bytes("12.000"), SQL_C_SLONG, "ok", "12"},
      {"numeric_leading_zeros", LogicalType::kNumeric, Bytes("007"), SQL_C_SLONG, "ok", "7"},
      {"numeric_nan", LogicalType::kNumeric, Bytes("NaN"), SQL_C_SLONG, "22003", ""},
      {"numeric_infinity", LogicalType::kNumeric, Bytes("Infinity"), SQL_C_SLONG, "22003", ""},
      {"numeric_half_to_unsigned", LogicalType::kNumeric, Bytes("0.5"), SQL_C_UTINYINT, "01S07",
       "0"},
      {"numeric_minus_half_to_unsigned", LogicalType::kNumeric, Bytes("-0.5"), SQL_C_UTINYINT,
       "01S07", "0"},
      {"text_exponent", LogicalType::kText, Bytes("1e3"), SQL_C_SLONG, "ok", "1000"},
      {"text_exponent_fraction", LogicalType::kText, Bytes("1.55e1"), SQL_C_SLONG, "01S07", "15"},
      {"text_negative_exponent", LogicalType::kText, Bytes("1500e-2"), SQL_C_SLONG, "ok", "15"},
      {"text_huge_exponent", LogicalType::kText, Bytes("1e400"), SQL_C_SLONG, "22003", ""},
      {"text_zero_huge_exponent", LogicalType::kText, Bytes("0e999999999"), SQL_C_SLONG, "ok", "0"},
      {"text_tiny", LogicalType::kText, Bytes("1e-400"), SQL_C_SLONG, "01S07", "0"},
      {"text_spaces", LogicalType::kText, Bytes("  42  "), SQL_C_SLONG, "ok", "42"},
      {"text_plus", LogicalType::kText, Bytes("+42"), SQL_C_SLONG, "ok", "42"},
      {"text_point_only", LogicalType::kText, Bytes(".5"), SQL_C_SLONG, "01S07", "0"},
      {"text_junk", LogicalType::kText, Bytes("abc"), SQL_C_SLONG, "22018", ""},
      {"text_empty", LogicalType::kText, Bytes(""), SQL_C_SLONG, "22018", ""},
      {"text_trailing_junk", LogicalType::kText, Bytes("42x"), SQL_C_SLONG, "22018", ""},
      {"text_double_sign", LogicalType::kText, Bytes("--1"), SQL_C_SLONG, "22018", ""},
      {"text_bare_exponent", LogicalType::kText, Bytes("1e"), SQL_C_SLONG, "22018", ""},
      {"unknown_stinyint", LogicalType::kUnknown, Bytes("127"), SQL_C_STINYINT, "ok", "127"},
      {"unknown_stinyint_over", LogicalType::kUnknown, Bytes("128"), SQL_C_STINYINT, "22003", ""},
      {"json_number", LogicalType::kJson, Bytes("17"), SQL_C_SLONG, "ok", "17"},
      {"double_fraction", LogicalType::kFloat64, Real(3.7), SQL_C_SLONG, "01S07", "3"},
      {"double_negative_fraction", LogicalType::kFloat64, Real(-3.7), SQL_C_SLONG, "01S07", "-3"},
      {"double_integral", LogicalType::kFloat64, Real(-3.0), SQL_C_SLONG, "ok", "-3"},
      {"double_too_big", LogicalType::kFloat64, Real(1e10), SQL_C_SLONG, "22003", ""},
      {"double_nan", LogicalType::kFloat64, Real(kNaN), SQL_C_SLONG, "22003", ""},
      {"double_inf", LogicalType::kFloat64, Real(kInf), SQL_C_SBIGINT, "22003", ""},
      {"double_2_63_signed", LogicalType::kFloat64, Real(9223372036854775808.0), SQL_C_SBIGINT,
       "22003", ""},
      {"double_2_63_unsigned", LogicalType::kFloat64, Real(9223372036854775808.0), SQL_C_UBIGINT,
       "ok", "9223372036854775808"},
      {"double_minus_2_63", LogicalType::kFloat64, Real(-9223372036854775808.0), SQL_C_SBIGINT,
       "ok", "-9223372036854775808"},
      {"double_2_64", LogicalType::kFloat64, Real(18446744073709551616.0), SQL_C_UBIGINT, "22003",
       ""},
      {"float_fraction", LogicalType::kFloat32, Real(2.5f), SQL_C_SSHORT, "01S07", "2"},
  };
  for (const IntegerCase& c : cases) {
    SCOPED_TRACE(c.name);
    FixedResult result = CallFixed(c.cell, c.type, c.c_type);
    EXPECT_EQ(result.outcome, c.outcome);
    if (c.outcome == "ok" || c.outcome == "01S07") {
      EXPECT_EQ(IntegerText(result, c.c_type), c.value);
      EXPECT_EQ(result.length, IntegerSize(c.c_type));
      EXPECT_EQ(result.bytes[IntegerSize(c.c_type)], 0xEE) << "wrote past the value";
    } else {
      EXPECT_EQ(result.length, -999);
    }
  }
}

TEST(WriteCellBit, Table) {
  const IntegerCase cases[] = {
      {"bool_true", LogicalType::kBool, Fixed(1), SQL_C_BIT, "ok", "1"},
      {"bool_false", LogicalType::kBool, Fixed(0), SQL_C_BIT, "ok", "0"},
      {"int_one", LogicalType::kInt32, Fixed(1), SQL_C_BIT, "ok", "1"},
      {"int_two", LogicalType::kInt32, Fixed(2), SQL_C_BIT, "22003", ""},
      {"int_negative", LogicalType::kInt32, Fixed(-1), SQL_C_BIT, "22003", ""},
      {"double_half", LogicalType::kFloat64, Real(0.5), SQL_C_BIT, "01S07", "0"},
      {"double_one_and_half", LogicalType::kFloat64, Real(1.5), SQL_C_BIT, "01S07", "1"},
      {"double_two", LogicalType::kFloat64, Real(2.0), SQL_C_BIT, "22003", ""},
      {"double_minus_half", LogicalType::kFloat64, Real(-0.5), SQL_C_BIT, "22003", ""},
      {"numeric_one", LogicalType::kNumeric, Bytes("1.0"), SQL_C_BIT, "ok", "1"},
      {"text_true", LogicalType::kText, Bytes("true"), SQL_C_BIT, "ok", "1"},
      {"text_t", LogicalType::kText, Bytes("t"), SQL_C_BIT, "ok", "1"},
      {"text_false_upper", LogicalType::kText, Bytes("FALSE"), SQL_C_BIT, "ok", "0"},
      {"text_f", LogicalType::kText, Bytes("f"), SQL_C_BIT, "ok", "0"},
      {"text_yes", LogicalType::kText, Bytes(" yes "), SQL_C_BIT, "ok", "1"},
      {"text_off", LogicalType::kText, Bytes("off"), SQL_C_BIT, "ok", "0"},
      {"text_zero", LogicalType::kText, Bytes("0"), SQL_C_BIT, "ok", "0"},
      {"text_two", LogicalType::kText, Bytes("2"), SQL_C_BIT, "22003", ""},
      {"text_junk", LogicalType::kText, Bytes("maybe"), SQL_C_BIT, "22018", ""},
  };
  for (const IntegerCase& c : cases) {
    SCOPED_TRACE(c.name);
    FixedResult result = CallFixed(c.cell, c.type, c.c_type);
    EXPECT_EQ(result.outcome, c.outcome);
    if (c.outcome == "ok" || c.outcome == "01S07") {
      EXPECT_EQ(IntegerText(result, c.c_type), c.value);
      EXPECT_EQ(result.length, 1);
    }
  }
}

struct FloatingCase {
  const char* name;
  LogicalType type;
  Cell cell;
  SQLSMALLINT c_type;
  std::string outcome;
  double value;
};

TEST(WriteCellFloating, Table) {
  const FloatingCase cases[] = {
      {"double", LogicalType::kFloat64, Real(0.1), SQL_C_DOUBLE, "ok", 0.1},
      {"float_as_shown", LogicalType::kFloat32, Real(0.1f), SQL_C_DOUBLE, "ok", 0.1},
      {"float_to_float", LogicalType::kFloat32, Real(0.1f), SQL_C_FLOAT, "ok", 0.1f},
      {"double_to_float", LogicalType::kFloat64, Real(0.25), SQL_C_FLOAT, "ok", 0.25},
      {"double_to_float_overflow", LogicalType::kFloat64, Real(1e300), SQL_C_FLOAT, "22003", 0},
      {"double_to_float_underflow", LogicalType::kFloat64, Real(1e-300), SQL_C_FLOAT, "ok", 0},
      {"double_inf_to_float", LogicalType::kFloat64, Real(-kInf), SQL_C_FLOAT, "ok", -kInf},
      {"int_to_double", LogicalType::kInt64, Fixed(-1234567890123), SQL_C_DOUBLE, "ok",
       -1234567890123.0},
      {"bool_to_float", LogicalType::kBool, Fixed(1), SQL_C_FLOAT, "ok", 1},
      {"numeric", LogicalType::kNumeric, Bytes("1.5"), SQL_C_DOUBLE, "ok", 1.5},
      {"numeric_minus_infinity", LogicalType::kNumeric, Bytes("-Infinity"), SQL_C_DOUBLE, "ok",
       -kInf},
      {"numeric_huge", LogicalType::kNumeric, Bytes("1e400"), SQL_C_DOUBLE, "22003", 0},
      {"numeric_tiny", LogicalType::kNumeric, Bytes("1e-400"), SQL_C_DOUBLE, "ok", 0},
      {"numeric_float_huge", LogicalType::kNumeric, Bytes("1e39"), SQL_C_FLOAT, "22003", 0},
      {"text_spaces", LogicalType::kText, Bytes(" 2.5 "), SQL_C_DOUBLE, "ok", 2.5},
      {"text_plus", LogicalType::kText, Bytes("+3"), SQL_C_DOUBLE, "ok", 3},
      {"text_float", LogicalType::kText, Bytes("0.1"), SQL_C_FLOAT, "ok", 0.1f},
      {"text_inf", LogicalType::kText, Bytes("inf"), SQL_C_DOUBLE, "ok", kInf},
      {"text_junk", LogicalType::kText, Bytes("x1"), SQL_C_DOUBLE, "22018", 0},
      {"text_hex_is_junk", LogicalType::kText, Bytes("0x10"), SQL_C_DOUBLE, "22018", 0},
  };
  for (const FloatingCase& c : cases) {
    SCOPED_TRACE(c.name);
    FixedResult result = CallFixed(c.cell, c.type, c.c_type);
    EXPECT_EQ(result.outcome, c.outcome);
    if (c.outcome != "ok") continue;
    if (c.c_type == SQL_C_DOUBLE) {
      EXPECT_EQ(As<SQLDOUBLE>(result), c.value);
      EXPECT_EQ(result.length, 8);
    } else {
      EXPECT_EQ(As<SQLREAL>(result), static_cast<float>(c.value));
      EXPECT_EQ(result.length, 4);
    }
  }
  FixedResult nan = CallFixed(Bytes("NaN"), LogicalType::kNumeric, SQL_C_DOUBLE);
  EXPECT_EQ(nan.outcome, "ok");
  EXPECT_TRUE(std::isnan(As<SQLDOUBLE>(nan)));
  FixedResult negative_zero = CallFixed(Bytes("-1e-400"), LogicalType::kText, SQL_C_DOUBLE);
  EXPECT_TRUE(std::signbit(As<SQLDOUBLE>(negative_zero)));
}

Uint128 FromDecimal(std::string_view digits) {
  Uint128 value = 0;
  for (char c : digits) value = value * 10 + static_cast<unsigned>(c - '0');
  return value;
}

Uint128 NumericValue(const SQL_NUMERIC_STRUCT& numeric) {
  Uint128 value = 0;
  for (int i = SQL_MAX_NUMERIC_LEN - 1; i >= 0; --i) value = value << 8 | numeric.val[i];
  return value;
}

struct NumericCase {
  const char* name;
  LogicalType type;
  Cell cell;
  SQLSMALLINT precision;
  SQLSMALLINT scale;
  std::string outcome;
  int sign;
  std::string_view value;  // decimal digits of val
};

TEST(WriteCellNumeric, Table) {
  const NumericCase cases[] = {
      {"default_scale_truncates", LogicalType::kNumeric, Bytes("123.45"), 0, 0, "01S07", 1, "123"},
      {"scale_2", LogicalType::kNumeric, Bytes("123.45"), 10, 2, "ok", 1, "12345"},
      {"negative", LogicalType::kNumeric, Bytes("-123.45"), 10, 2, "ok", 0, "12345"},
      {"scale_4_pads", LogicalType::kNumeric, Bytes("123.45"), 10, 4, "ok", 1, "1234500"},
      {"exact_precision", LogicalType::kNumeric, Bytes("123.45"), 5, 2, "ok", 1, "12345"},
      {"precision_exceeded", LogicalType::kNumeric, Bytes("1234.5"), 5, 2, "22003", 1, ""},
      {"thirty_eight_nines", LogicalType::kNumeric, Bytes("99999999999999999999999999999999999999"),
       38, 0, "ok", 1, "99999999999999999999999999999999999999"},
      {"thirty_nine_digits", LogicalType::kNumeric,
       Bytes("100000000000000000000000000000000000000"), 0, 0, "22003", 1, ""},
      {"thirty_eight_digits_scaled", LogicalType::kNumeric,
       Bytes("-0.12345678901234567890123456789012345678"), 38, 38, "ok", 0,
       "12345678901234567890123456789012345678"},
      {"small_fraction", LogicalType::kNumeric, Bytes("0.001"), 10, 2, "01S07", 1, "0"},
      {"negative_zero_is_positive", LogicalType::kNumeric, Bytes("-0.001"), 10, 2, "01S07", 1, "0"},
      {"zero", LogicalType::kNumeric, Bytes("0"), 0, 0, "ok", 1, "0"},
      {"negative_scale", LogicalType::kNumeric, Bytes("12300"), 10, -2, "ok", 1, "123"},
      {"negative_scale_loses_whole_digits", LogicalType::kNumeric, Bytes("12345"), 10, -2, "22003",
       1, ""},
      {"exponent", LogicalType::kText, Bytes("1e3"), 0, 0, "ok", 1, "1000"},
      {"int64_min", LogicalType::kInt64, Fixed(INT64_MIN), 0, 0, "ok", 0, "9223372036854775808"},
      {"int_scaled", LogicalType::kInt32, Fixed(42), 5, 2, "ok", 1, "4200"},
      {"double_tenth", LogicalType::kFloat64, Real(0.1), 10, 3, "ok", 1, "100"},
      {"double_exponent_form", LogicalType::kFloat64, Real(1e20), 0, 0, "ok", 1,
       "100000000000000000000"},
      {"float_as_shown", LogicalType::kFloat32, Real(0.1f), 10, 9, "ok", 1, "100000000"},
      {"double_nan", LogicalType::kFloat64, Real(kNaN), 0, 0, "22003", 1, ""},
      {"numeric_nan", LogicalType::kNumeric, Bytes("NaN"), 0, 0, "22003", 1, ""},
      {"text_junk", LogicalType::kText, Bytes("abc"), 0, 0, "22018", 1, ""},
  };
  for (const NumericCase& c : cases) {
    SCOPED_TRACE(c.name);
    FixedResult result = CallFixed(c.cell, c.type, SQL_C_NUMERIC, nullptr, c.precision, c.scale);
    EXPECT_EQ(result.outcome, c.outcome);
    if (c.outcome != "ok" && c.outcome != "01S07") continue;
    auto numeric = As<SQL_NUMERIC_STRUCT>(result);
    EXPECT_EQ(result.length, static_cast<SQLLEN>(sizeof(SQL_NUMERIC_STRUCT)));
    EXPECT_EQ(numeric.precision, c.precision == 0 ? 38 : c.precision);
    EXPECT_EQ(numeric.scale, c.scale);
    EXPECT_EQ(numeric.sign, c.sign);
    EXPECT_TRUE(NumericValue(numeric) == FromDecimal(c.value));
  }
}

TEST(WriteCellNumeric, LittleEndianBytes) {
  FixedResult result = CallFixed(Bytes("258"), LogicalType::kNumeric, SQL_C_NUMERIC);
  auto numeric = As<SQL_NUMERIC_STRUCT>(result);
  EXPECT_EQ(numeric.val[0], 2);
  EXPECT_EQ(numeric.val[1], 1);
  for (int i = 2; i < SQL_MAX_NUMERIC_LEN; ++i) EXPECT_EQ(numeric.val[i], 0);
}

// ---------------------------------------------------------------------------
// Dates, times, timestamps, GUIDs.

struct DateCase {
  const char* name;
  LogicalType type;
  Cell cell;
  std::string outcome;
  int year, month, day;
};

TEST(WriteCellDate, Table) {
  const DateCase cases[] = {
      {"epoch", LogicalType::kDate, Fixed(0), "ok", 1970, 1, 1},
      {"before_epoch", LogicalType::kDate, Fixed(-1), "ok", 1969, 12, 31},
      {"leap_day", LogicalType::kDate, Fixed(19782), "ok", 2024, 2, 29},
      {"year_1", LogicalType::kDate, Fixed(-719162), "ok", 1, 1, 1},
      {"year_9999", LogicalType::kDate, Fixed(2932896), "ok", 9999, 12, 31},
      {"bc", LogicalType::kDate, Fixed(-719163), "22008", 0, 0, 0},
      {"infinity", LogicalType::kDate, Fixed(2147483647), "22008", 0, 0, 0},
      {"timestamp_midnight", LogicalType::kTimestamp, Fixed(1704067200000000), "ok", 2024, 1, 1},
      {"timestamp_with_time", LogicalType::kTimestamp, Fixed(1704067200000001), "01S07", 2024, 1,
       1},
      {"timestamp_before_epoch", LogicalType::kTimestamp, Fixed(-1), "01S07", 1969, 12, 31},
      {"timestamptz", LogicalType::kTimestampTz, Fixed(0), "ok", 1970, 1, 1},
      {"timestamp_infinity", LogicalType::kTimestamp, Fixed(INT64_MIN), "22008", 0, 0, 0},
      {"text", LogicalType::kText, Bytes("2024-02-29"), "ok", 2024, 2, 29},
      {"text_spaces", LogicalType::kText, Bytes(" 2024-01-02 "), "ok", 2024, 1, 2},
      {"text_short_fields", LogicalType::kText, Bytes("2024-1-2"), "ok", 2024, 1, 2},
      {"text_midnight", LogicalType::kText, Bytes("2024-02-29 00:00:00"), "ok", 2024, 2, 29},
      {"text_with_time", LogicalType::kText, Bytes("2024-02-29 10:00:00"), "01S07", 2024, 2, 29},
      {"text_not_leap", LogicalType::kText, Bytes("2023-02-29"), "22007", 0, 0, 0},
      {"text_1900_not_leap", LogicalType::kText, Bytes("1900-02-29"), "22007", 0, 0, 0},
      {"text_2000_leap", LogicalType::kUnknown, Bytes("2000-02-29"), "ok", 2000, 2, 29},
      {"text_month_13", LogicalType::kText, Bytes("2024-13-01"), "22007", 0, 0, 0},
      {"text_year_0", LogicalType::kText, Bytes("0000-01-01"), "22007", 0, 0, 0},
      {"text_bc", LogicalType::kText, Bytes("0044-03-15 BC"), "22008", 0, 0, 0},
      {"text_ad", LogicalType::kText, Bytes("0044-03-15 AD"), "ok", 44, 3, 15},
      {"text_time_only", LogicalType::kText, Bytes("12:00:00"), "22018", 0, 0, 0},
      {"text_junk", LogicalType::kText, Bytes("hello"), "22018", 0, 0, 0},
      {"text_slashes", LogicalType::kText, Bytes("2024/01/01"), "22018", 0, 0, 0},
      {"text_trailing", LogicalType::kText, Bytes("2024-01-01x"), "22018", 0, 0, 0},
  };
  for (SQLSMALLINT c_type : {SQL_C_TYPE_DATE, SQL_C_DATE}) {
    for (const DateCase& c : cases) {
      SCOPED_TRACE(c.name);
      FixedResult result = CallFixed(c.cell, c.type, c_type);
      EXPECT_EQ(result.outcome, c.outcome);
      if (c.outcome != "ok" && c.outcome != "01S07") continue;
      auto date = As<SQL_DATE_STRUCT>(result);
      EXPECT_EQ(date.year, c.year);
      EXPECT_EQ(date.month, c.month);
      EXPECT_EQ(date.day, c.day);
      EXPECT_EQ(result.length, 6);
    }
  }
}

struct TimeCase {
  const char* name;
  LogicalType type;
  Cell cell;
  std::string outcome;
  int hour, minute, second;
};

TEST(WriteCellTime, Table) {
  const TimeCase cases[] = {
      {"time", LogicalType::kTime, Fixed(45296000000), "ok", 12, 34, 56},
      {"time_micros", LogicalType::kTime, Fixed(45296789012), "01S07", 12, 34, 56},
      {"time_24", LogicalType::kTime, Fixed(86400000000), "ok", 24, 0, 0},
      {"timestamp", LogicalType::kTimestamp, Fixed(1704067200000000 + 45296000000), "ok", 12, 34,
       56},
      {"timestamp_before_epoch", LogicalType::kTimestamp, Fixed(-1000000), "ok", 23, 59, 59},
      {"timestamp_fraction", LogicalType::kTimestampTz, Fixed(1), "01S07", 0, 0, 0},
      {"text", LogicalType::kText, Bytes("12:34:56"), "ok", 12, 34, 56},
      {"text_no_seconds", LogicalType::kText, Bytes("12:34"), "ok", 12, 34, 0},
      {"text_one_digit_hour", LogicalType::kText, Bytes("1:02:03"), "ok", 1, 2, 3},
      {"text_fraction", LogicalType::kText, Bytes("12:34:56.5"), "01S07", 12, 34, 56},
      {"text_zero_fraction", LogicalType::kText, Bytes("12:34:56.000"), "ok", 12, 34, 56},
      {"text_timestamp", LogicalType::kText, Bytes("2024-01-01 12:34:56"), "ok", 12, 34, 56},
      {"text_timestamp_t", LogicalType::kText, Bytes("2024-01-01T12:34:56Z"), "ok", 12, 34, 56},
      {"text_zone", LogicalType::kText, Bytes("12:34:56+02"), "ok", 12, 34, 56},
      {"text_hour_25", LogicalType::kText, Bytes("25:00:00"), "22007", 0, 0, 0},
      {"text_minute_60", LogicalType::kText, Bytes("12:60:00"), "22007", 0, 0, 0},
      {"text_date_only", LogicalType::kText, Bytes("2024-01-01"), "22018", 0, 0, 0},
      {"text_junk", LogicalType::kText, Bytes("noon"), "22018", 0, 0, 0},
  };
  for (SQLSMALLINT c_type : {SQL_C_TYPE_TIME, SQL_C_TIME}) {
    for (const TimeCase& c : cases) {
      SCOPED_TRACE(c.name);
      FixedResult result = CallFixed(c.cell, c.type, c_type);
      EXPECT_EQ(result.outcome, c.outcome);
      if (c.outcome != "ok" && c.outcome != "01S07") continue;
      auto time = As<SQL_TIME_STRUCT>(result);
      EXPECT_EQ(time.hour, c.hour);
      EXPECT_EQ(time.minute, c.minute);
      EXPECT_EQ(time.second, c.second);
      EXPECT_EQ(result.length, 6);
    }
  }
}

struct TimestampCase {
  const char* name;
  LogicalType type;
  Cell cell;
  std::string outcome;
  int year, month, day, hour, minute, second;
  SQLUINTEGER fraction;
};

TEST(WriteCellTimestamp, Table) {
  const TimestampCase cases[] = {
      {"epoch", LogicalType::kTimestamp, Fixed(0), "ok", 1970, 1, 1, 0, 0, 0, 0},
      {"micros", LogicalType::kTimestamp, Fixed(1704067200123456), "ok", 2024, 1, 1, 0, 0, 0,
       123456000},
      {"before_epoch", LogicalType::kTimestamp, Fixed(-1), "ok", 1969, 12, 31, 23, 59, 59,
       999999000},
      {"year_1", LogicalType::kTimestamp, Fixed(-62135596800000000), "ok", 1, 1, 1, 0, 0, 0, 0},
      {"year_9999", LogicalType::kTimestamp, Fixed(253402300799999999), "ok", 9999, 12, 31, 23, 59,
       59, 999999000},
      {"bc", LogicalType::kTimestamp, Fixed(-62135596800000001), "22008", 0, 0, 0, 0, 0, 0, 0},
      {"infinity", LogicalType::kTimestampTz, Fixed(INT64_MAX), "22008", 0, 0, 0, 0, 0, 0, 0},
      {"date", LogicalType::kDate, Fixed(19782), "ok", 2024, 2, 29, 0, 0, 0, 0},
      {"text", LogicalType::kText, Bytes("2024-01-31 12:00:00.5"), "ok", 2024, 1, 31, 12, 0, 0,
       500000000},
      {"text_nanos", LogicalType::kText, Bytes("2024-01-31 12:00:00.123456789123"), "ok", 2024, 1,
       31, 12, 0, 0, 123456789},
      {"text_t_zone", LogicalType::kText, Bytes("2024-01-31T12:00:00Z"), "ok", 2024, 1, 31, 12, 0,
       0, 0},
      {"text_offset", LogicalType::kText, Bytes("2024-01-31 12:00:00+05:30"), "ok", 2024, 1, 31, 12,
       0, 0, 0},
      {"text_date", LogicalType::kText, Bytes("2024-01-31"), "ok", 2024, 1, 31, 0, 0, 0, 0},
      {"text_bc", LogicalType::kText, Bytes("0044-03-15 12:00:00 BC"), "22008", 0, 0, 0, 0, 0, 0,
       0},
      {"text_feb_30", LogicalType::kText, Bytes("2024-02-30 00:00:00"), "22007", 0, 0, 0, 0, 0, 0,
       0},
      {"text_junk", LogicalType::kText, Bytes("yesterday"), "22018", 0, 0, 0, 0, 0, 0, 0},
      {"text_dangling_point", LogicalType::kText, Bytes("2024-01-31 12:00:00."), "22018", 0, 0, 0,
       0, 0, 0, 0},
  };
  for (SQLSMALLINT c_type : {SQL_C_TYPE_TIMESTAMP, SQL_C_TIMESTAMP}) {
    for (const TimestampCase& c : cases) {
      SCOPED_TRACE(c.name);
      FixedResult result = CallFixed(c.cell, c.type, c_type);
      EXPECT_EQ(result.outcome, c.outcome);
      if (c.outcome != "ok") continue;
      auto ts = As<SQL_TIMESTAMP_STRUCT>(result);
      EXPECT_EQ(ts.year, c.year);
      EXPECT_EQ(ts.month, c.month);
      EXPECT_EQ(ts.day, c.day);
      EXPECT_EQ(ts.hour, c.hour);
      EXPECT_EQ(ts.minute, c.minute);
      EXPECT_EQ(ts.second, c.second);
      EXPECT_EQ(ts.fraction, c.fraction);
      EXPECT_EQ(result.length, 16);
    }
  }
}

bool IsToday(const SQL_TIMESTAMP_STRUCT& ts) {
  std::time_t now = std::time(nullptr);
  for (std::time_t t : {now - 5, now + 5}) {
    std::tm local{};
    localtime_r(&t, &local);
    if (ts.year == local.tm_year + 1900 && ts.month == local.tm_mon + 1 &&
        ts.day == local.tm_mday) {
      return true;
    }
  }
  return false;
}

TEST(WriteCellTimestamp, TimeTakesTodaysDate) {
  FixedResult result = CallFixed(Fixed(45296789012), LogicalType::kTime, SQL_C_TYPE_TIMESTAMP);
  EXPECT_EQ(result.outcome, "ok");
  auto ts = As<SQL_TIMESTAMP_STRUCT>(result);
  EXPECT_TRUE(IsToday(ts));
  EXPECT_EQ(ts.hour, 12);
  EXPECT_EQ(ts.minute, 34);
  EXPECT_EQ(ts.second, 56);
  EXPECT_EQ(ts.fraction, 789012000u);
  FixedResult text = CallFixed(Bytes("08:00:00"), LogicalType::kText, SQL_C_TYPE_TIMESTAMP);
  EXPECT_TRUE(IsToday(As<SQL_TIMESTAMP_STRUCT>(text)));
}

TEST(WriteCellGuid, Table) {
  struct Case {
    const char* name;
    LogicalType type;
    Cell cell;
    std::string outcome;
  };
  const Case cases[] = {
      {"uuid", LogicalType::kUuid, Bytes(kUuidBytes), "ok"},
      {"text", LogicalType::kText, Bytes("00112233-4455-6677-8899-aabbccddeeff"), "ok"},
      {"text_upper_braced", LogicalType::kText, Bytes("{00112233-4455-6677-8899-AABBCCDDEEFF}"),
       "ok"},
      {"text_no_hyphens", LogicalType::kUnknown, Bytes("00112233445566778899aabbccddeeff"), "ok"},
      {"text_junk", LogicalType::kText, Bytes("not-a-uuid"), "22018"},
      {"text_bad_digit", LogicalType::kText, Bytes("g0112233-4455-6677-8899-aabbccddeeff"),
       "22018"},
      {"text_misplaced_hyphen", LogicalType::kText, Bytes("0011223-34455-6677-8899-aabbccddeeff"),
       "22018"},
      {"int", LogicalType::kInt32, Fixed(1), "07006"},
      {"bytes", LogicalType::kBytes, Bytes(kUuidBytes), "07006"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FixedResult result = CallFixed(c.cell, c.type, SQL_C_GUID);
    EXPECT_EQ(result.outcome, c.outcome);
    if (c.outcome != "ok") continue;
    auto guid = As<SQLGUID>(result);
    EXPECT_EQ(guid.Data1, 0x00112233u);
    EXPECT_EQ(guid.Data2, 0x4455);
    EXPECT_EQ(guid.Data3, 0x6677);
    EXPECT_EQ(std::memcmp(guid.Data4, "\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 8), 0);
    EXPECT_EQ(result.length, 16);
  }
}

// ---------------------------------------------------------------------------
// NULL, piece state of fixed targets, type errors.

TEST(WriteCellNull, WritesNullDataToIndicator) {
  for (SQLSMALLINT c_type : {SQL_C_CHAR, SQL_C_WCHAR, SQL_C_BINARY, SQL_C_SLONG, SQL_C_DOUBLE,
                             SQL_C_TYPE_TIMESTAMP, SQL_C_NUMERIC}) {
    SCOPED_TRACE(c_type);
    FixedResult result = CallFixed(Null(), LogicalType::kText, c_type);
    EXPECT_EQ(result.outcome, "ok");
    EXPECT_EQ(result.length, SQL_NULL_DATA);
    EXPECT_EQ(result.bytes[0], 0xEE);
  }
}

TEST(WriteCellNull, NoIndicatorIs22002) {
  SQLLEN length = 5;
  char buffer[8];
  CellTarget target{SQL_C_CHAR, buffer, sizeof(buffer), &length, nullptr};
  EXPECT_EQ(Describe(WriteCell(Null(), LogicalType::kText, target, nullptr)), "22002");
  EXPECT_EQ(length, 5);
}

TEST(WriteCellNull, SecondGetDataIsNoData) {
  PieceState state;
  EXPECT_EQ(CallFixed(Null(), LogicalType::kText, SQL_C_CHAR, &state).outcome, "ok");
  EXPECT_EQ(CallFixed(Null(), LogicalType::kText, SQL_C_CHAR, &state).outcome, "nodata");
}

TEST(WriteCellIndicator, SeparateIndicatorGetsZero) {
  SQLLEN length = -1;
  SQLLEN indicator = -1;
  SQLINTEGER value = 0;
  CellTarget target{SQL_C_SLONG, &value, 0, &length, &indicator};
  EXPECT_EQ(Describe(WriteCell(Fixed(9), LogicalType::kInt32, target, nullptr)), "ok");
  EXPECT_EQ(value, 9);
  EXPECT_EQ(length, 4);
  EXPECT_EQ(indicator, 0);
  // Only an indicator: no length is written anywhere else.
  CellTarget only_indicator{SQL_C_SLONG, &value, 0, nullptr, &indicator};
  indicator = -1;
  EXPECT_EQ(Describe(WriteCell(Fixed(10), LogicalType::kInt32, only_indicator, nullptr)), "ok");
  EXPECT_EQ(indicator, 0);
  // Neither: fine for values that are not NULL.
  CellTarget neither{SQL_C_SLONG, &value, 0, nullptr, nullptr};
  EXPECT_EQ(Describe(WriteCell(Fixed(11), LogicalType::kInt32, neither, nullptr)), "ok");
  EXPECT_EQ(value, 11);
}

TEST(WriteCellFixed, SecondGetDataIsNoData) {
  PieceState state;
  FixedResult first = CallFixed(Fixed(5), LogicalType::kInt32, SQL_C_SLONG, &state);
  EXPECT_EQ(first.outcome, "ok");
  EXPECT_EQ(As<SQLINTEGER>(first), 5);
  FixedResult second = CallFixed(Fixed(5), LogicalType::kInt32, SQL_C_SLONG, &state);
  EXPECT_EQ(second.outcome, "nodata");
  EXPECT_EQ(second.length, -999);
  state.Reset();
  EXPECT_EQ(CallFixed(Fixed(5), LogicalType::kInt32, SQL_C_SLONG, &state).outcome, "ok");
  // An error does not consume the value.
  PieceState failed;
  EXPECT_EQ(CallFixed(Fixed(70000), LogicalType::kInt32, SQL_C_SSHORT, &failed).outcome, "22003");
  EXPECT_EQ(CallFixed(Fixed(70000), LogicalType::kInt32, SQL_C_SLONG, &failed).outcome, "ok");
}

TEST(WriteCellFixed, NullBufferReportsSize) {
  SQLLEN length = 0;
  CellTarget target{SQL_C_TYPE_TIMESTAMP, nullptr, 0, &length, &length};
  EXPECT_EQ(Describe(WriteCell(Fixed(0), LogicalType::kTimestamp, target, nullptr)), "ok");
  EXPECT_EQ(length, 16);
}

TEST(WriteCellTypes, DefaultCType) {
  FixedResult result = CallFixed(Fixed(77), LogicalType::kInt32, SQL_C_DEFAULT);
  EXPECT_EQ(result.outcome, "ok");
  EXPECT_EQ(As<SQLINTEGER>(result), 77);
  EXPECT_EQ(result.length, 4);
  EXPECT_EQ(DefaultCType(LogicalType::kBool), SQL_C_BIT);
  EXPECT_EQ(DefaultCType(LogicalType::kInt16), SQL_C_SSHORT);
  EXPECT_EQ(DefaultCType(LogicalType::kInt32), SQL_C_SLONG);
  EXPECT_EQ(DefaultCType(LogicalType::kInt64), SQL_C_SBIGINT);
  EXPECT_EQ(DefaultCType(LogicalType::kFloat32), SQL_C_FLOAT);
  EXPECT_EQ(DefaultCType(LogicalType::kFloat64), SQL_C_DOUBLE);
  EXPECT_EQ(DefaultCType(LogicalType::kNumeric), SQL_C_CHAR);
  EXPECT_EQ(DefaultCType(LogicalType::kText), SQL_C_CHAR);
  EXPECT_EQ(DefaultCType(LogicalType::kBytes), SQL_C_BINARY);
  EXPECT_EQ(DefaultCType(LogicalType::kDate), SQL_C_TYPE_DATE);
  EXPECT_EQ(DefaultCType(LogicalType::kTime), SQL_C_TYPE_TIME);
  EXPECT_EQ(DefaultCType(LogicalType::kTimestamp), SQL_C_TYPE_TIMESTAMP);
  EXPECT_EQ(DefaultCType(LogicalType::kTimestampTz), SQL_C_TYPE_TIMESTAMP);
  EXPECT_EQ(DefaultCType(LogicalType::kUuid), SQL_C_GUID);
  EXPECT_EQ(DefaultCType(LogicalType::kJson), SQL_C_CHAR);
  EXPECT_EQ(DefaultCType(LogicalType::kUnknown), SQL_C_CHAR);
}

TEST(WriteCellTypes, UnknownCTypeIsHY003) {
  EXPECT_EQ(CallFixed(Fixed(1), LogicalType::kInt32, 12345).outcome, "HY003");
  EXPECT_EQ(CallFixed(Null(), LogicalType::kInt32, 12345).outcome, "HY003");
}

TEST(WriteCellTypes, UnsupportedPairsAre07006) {
  struct Case {
    LogicalType type;
    Cell cell;
    SQLSMALLINT c_type;
  };
  const Case cases[] = {
      {LogicalType::kBytes, Bytes("ab"), SQL_C_SLONG},
      {LogicalType::kDate, Fixed(0), SQL_C_SLONG},
      {LogicalType::kUuid, Bytes(kUuidBytes), SQL_C_DOUBLE},
      {LogicalType::kInt32, Fixed(0), SQL_C_TYPE_DATE},
      {LogicalType::kTime, Fixed(0), SQL_C_TYPE_DATE},
      {LogicalType::kDate, Fixed(0), SQL_C_TYPE_TIME},
      {LogicalType::kNumeric, Bytes("1"), SQL_C_TYPE_TIMESTAMP},
      {LogicalType::kTimestamp, Fixed(0), SQL_C_BIT},
      {LogicalType::kText, Bytes("1 day"), SQL_C_INTERVAL_DAY},
      {LogicalType::kInt32, Null(), SQL_C_TYPE_DATE},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.c_type);
    EXPECT_EQ(CallFixed(c.cell, c.type, c.c_type).outcome, "07006");
  }
}

// ---------------------------------------------------------------------------
// ReadParam / ReadParamBytes.

template <typename T>
std::string Raw(const T& value) {
  return std::string(reinterpret_cast<const char*>(&value), sizeof(T));
}

struct ParamCase {
  const char* name;
  SQLSMALLINT c_type;
  SQLSMALLINT sql_type;
  std::string data;
  std::string outcome;
  LogicalType type;
  std::string expected;
};

SQL_NUMERIC_STRUCT Numeric(std::string_view digits, int scale, bool negative) {
  SQL_NUMERIC_STRUCT numeric;
  std::memset(&numeric, 0, sizeof(numeric));
  numeric.precision = 38;
  numeric.scale = static_cast<SQLSCHAR>(scale);
  numeric.sign = negative ? 0 : 1;
  Uint128 value = FromDecimal(digits);
  for (int i = 0; i < SQL_MAX_NUMERIC_LEN; ++i) {
    numeric.val[i] = static_cast<SQLCHAR>(value & 0xFF);
    value >>= 8;
  }
  return numeric;
}

SQL_DATE_STRUCT Date(int year, int month, int day) {
  SQL_DATE_STRUCT date;
  date.year = static_cast<SQLSMALLINT>(year);
  date.month = static_cast<SQLUSMALLINT>(month);
  date.day = static_cast<SQLUSMALLINT>(day);
  return date;
}

SQL_TIME_STRUCT Time(int hour, int minute, int second) {
  SQL_TIME_STRUCT time;
  time.hour = static_cast<SQLUSMALLINT>(hour);
  time.minute = static_cast<SQLUSMALLINT>(minute);
  time.second = static_cast<SQLUSMALLINT>(second);
  return time;
}

SQL_TIMESTAMP_STRUCT Timestamp(int year, int month, int day, int hour, int minute, int second,
                               SQLUINTEGER fraction) {
  SQL_TIMESTAMP_STRUCT ts;
  ts.year = static_cast<SQLSMALLINT>(year);
  ts.month = static_cast<SQLUSMALLINT>(month);
  ts.day = static_cast<SQLUSMALLINT>(day);
  ts.hour = static_cast<SQLUSMALLINT>(hour);
  ts.minute = static_cast<SQLUSMALLINT>(minute);
  ts.second = static_cast<SQLUSMALLINT>(second);
  ts.fraction = fraction;
  return ts;
}

SQLGUID Guid() {
  SQLGUID guid;
  guid.Data1 = 0x00112233;
  guid.Data2 = 0x4455;
  guid.Data3 = 0x6677;
  std::memcpy(guid.Data4, "\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 8);
  return guid;
}

std::vector<ParamCase> ParamCases() {
  using LT = LogicalType;
  const std::string uuid_text = "00112233-4455-6677-8899-aabbccddeeff";
  return {
      // Integers.
      {"slong_integer", SQL_C_SLONG, SQL_INTEGER, Raw(SQLINTEGER{42}), "ok", LT::kInt32, "42"},
      {"slong_smallint_over", SQL_C_SLONG, SQL_SMALLINT, Raw(SQLINTEGER{70000}), "22003",
       LT::kInt16, ""},
      {"slong_smallint_min", SQL_C_SLONG, SQL_SMALLINT, Raw(SQLINTEGER{-32768}), "ok", LT::kInt16,
       "-32768"},
      {"slong_smallint_under", SQL_C_SLONG, SQL_SMALLINT, Raw(SQLINTEGER{-32769}), "22003",
       LT::kInt16, ""},
      {"slong_tinyint_255", SQL_C_SLONG, SQL_TINYINT, Raw(SQLINTEGER{255}), "ok", LT::kInt16,
       "255"},
      {"slong_tinyint_over", SQL_C_SLONG, SQL_TINYINT, Raw(SQLINTEGER{300}), "22003", LT::kInt16,
       ""},
      {"stinyint_tinyint", SQL_C_STINYINT, SQL_TINYINT, Raw(SQLSCHAR{-128}), "ok", LT::kInt16,
       "-128"},
      {"utinyint_integer", SQL_C_UTINYINT, SQL_INTEGER, Raw(SQLCHAR{200}), "ok", LT::kInt32, "200"},
      {"sshort_bigint", SQL_C_SSHORT, SQL_BIGINT, Raw(SQLSMALLINT{-7}), "ok", LT::kInt64, "-7"},
      {"ushort_integer", SQL_C_USHORT, SQL_INTEGER, Raw(SQLUSMALLINT{65535}), "ok", LT::kInt32,
       "65535"},
      {"ulong_integer_over", SQL_C_ULONG, SQL_INTEGER, Raw(SQLUINTEGER{2147483648u}), "22003",
       LT::kInt32, ""},
      {"sbigint_min", SQL_C_SBIGINT, SQL_BIGINT, Raw(SQLBIGINT{INT64_MIN}), "ok", LT::kInt64,
       "-9223372036854775808"},
      {"ubigint_bigint_over", SQL_C_UBIGINT, SQL_BIGINT, Raw(SQLUBIGINT{UINT64_MAX}), "22003",
       LT::kInt64, ""},
      {"ubigint_numeric", SQL_C_UBIGINT, SQL_NUMERIC, Raw(SQLUBIGINT{UINT64_MAX}), "ok",
       LT::kNumeric, "18446744073709551615"},
      {"ubigint_varchar", SQL_C_UBIGINT, SQL_VARCHAR, Raw(SQLUBIGINT{UINT64_MAX}), "ok",
       LT::kUnknown, "18446744073709551615"},
      {"slong_double", SQL_C_SLONG, SQL_DOUBLE, Raw(SQLINTEGER{-5}), "ok", LT::kFloat64, "-5"},
      {"slong_real", SQL_C_SLONG, SQL_REAL, Raw(SQLINTEGER{5}), "ok", LT::kFloat32, "5"},
      {"slong_date", SQL_C_SLONG, SQL_TYPE_DATE, Raw(SQLINTEGER{5}), "07006", LT::kDate, ""},
      {"slong_binary", SQL_C_SLONG, SQL_VARBINARY, Raw(SQLINTEGER{5}), "07006", LT::kBytes, ""},
      {"slong_wvarchar", SQL_C_SLONG, SQL_WVARCHAR, Raw(SQLINTEGER{-12}), "ok", LT::kUnknown,
       "-12"},
      // Floating point.
      {"double_double", SQL_C_DOUBLE, SQL_DOUBLE, Raw(SQLDOUBLE{0.1}), "ok", LT::kFloat64, "0.1"},
      {"double_float", SQL_C_DOUBLE, SQL_FLOAT, Raw(SQLDOUBLE{1e20}), "ok", LT::kFloat64, "1e+20"},
      {"double_real", SQL_C_DOUBLE, SQL_REAL, Raw(SQLDOUBLE{0.1}), "ok", LT::kFloat32, "0.1"},
      {"double_real_over", SQL_C_DOUBLE, SQL_REAL, Raw(SQLDOUBLE{1e300}), "22003", LT::kFloat32,
       ""},
      {"double_nan", SQL_C_DOUBLE, SQL_DOUBLE, Raw(SQLDOUBLE{kNaN}), "ok", LT::kFloat64, "NaN"},
      {"double_inf", SQL_C_DOUBLE, SQL_DOUBLE, Raw(SQLDOUBLE{-kInf}), "ok", LT::kFloat64,
       "-Infinity"},
      {"double_integer_truncates", SQL_C_DOUBLE, SQL_INTEGER, Raw(SQLDOUBLE{3.9}), "ok", LT::kInt32,
       "3"},
      {"double_integer_negative", SQL_C_DOUBLE, SQL_INTEGER, Raw(SQLDOUBLE{-3.9}), "ok", LT::kInt32,
       "-3"},
      {"double_integer_small_negative", SQL_C_DOUBLE, SQL_INTEGER, Raw(SQLDOUBLE{-0.5}), "ok",
       LT::kInt32, "0"},
      {"double_integer_nan", SQL_C_DOUBLE, SQL_INTEGER, Raw(SQLDOUBLE{kNaN}), "22003", LT::kInt32,
       ""},
      {"double_integer_over", SQL_C_DOUBLE, SQL_INTEGER, Raw(SQLDOUBLE{3e9}), "22003", LT::kInt32,
       ""},
      {"double_numeric", SQL_C_DOUBLE, SQL_NUMERIC, Raw(SQLDOUBLE{1.25}), "ok", LT::kNumeric,
       "1.25"},
      {"double_decimal_exponent", SQL_C_DOUBLE, SQL_DECIMAL, Raw(SQLDOUBLE{1e20}), "ok",
       LT::kNumeric, "1e+20"},
      {"double_varchar", SQL_C_DOUBLE, SQL_VARCHAR, Raw(SQLDOUBLE{-0.0}), "ok", LT::kUnknown, "-0"},
      {"float_double", SQL_C_FLOAT, SQL_DOUBLE, Raw(SQLREAL{0.1f}), "ok", LT::kFloat64, "0.1"},
      {"float_real", SQL_C_FLOAT, SQL_REAL, Raw(SQLREAL{1234567.0f}), "ok", LT::kFloat32,
       "1.234567e+06"},
      // Bit.
      {"bit_one", SQL_C_BIT, SQL_BIT, Raw(SQLCHAR{1}), "ok", LT::kBool, "t"},
      {"bit_zero", SQL_C_BIT, SQL_BIT, Raw(SQLCHAR{0}), "ok", LT::kBool, "f"},
      {"bit_two", SQL_C_BIT, SQL_BIT, Raw(SQLCHAR{2}), "22003", LT::kBool, ""},
      {"bit_integer", SQL_C_BIT, SQL_INTEGER, Raw(SQLCHAR{1}), "ok", LT::kInt32, "1"},
      {"bit_char", SQL_C_BIT, SQL_CHAR, Raw(SQLCHAR{1}), "ok", LT::kUnknown, "1"},
      {"slong_bit", SQL_C_SLONG, SQL_BIT, Raw(SQLINTEGER{1}), "ok", LT::kBool, "t"},
      {"slong_bit_negative", SQL_C_SLONG, SQL_BIT, Raw(SQLINTEGER{-1}), "22003", LT::kBool, ""},
      {"double_bit_half", SQL_C_DOUBLE, SQL_BIT, Raw(SQLDOUBLE{0.5}), "22001", LT::kBool, ""},
      {"char_bit_one", SQL_C_CHAR, SQL_BIT, "1", "ok", LT::kBool, "t"},
      {"char_bit_false", SQL_C_CHAR, SQL_BIT, "false", "ok", LT::kBool, "f"},
      {"char_bit_yes", SQL_C_CHAR, SQL_BIT, "Yes", "ok", LT::kBool, "t"},
      {"char_bit_two", SQL_C_CHAR, SQL_BIT, "2", "22003", LT::kBool, ""},
      {"char_bit_half", SQL_C_CHAR, SQL_BIT, "0.5", "22001", LT::kBool, ""},
      {"char_bit_junk", SQL_C_CHAR, SQL_BIT, "maybe", "22018", LT::kBool, ""},
      {"wchar_bit", SQL_C_WCHAR, SQL_BIT, WideBytes(u"true"), "ok", LT::kBool, "t"},
      // Character data passes through with the SQL type.
      {"char_varchar", SQL_C_CHAR, SQL_VARCHAR, "hello", "ok", LT::kUnknown, "hello"},
      {"char_integer", SQL_C_CHAR, SQL_INTEGER, "42", "ok", LT::kInt32, "42"},
      {"char_integer_junk", SQL_C_CHAR, SQL_INTEGER, "abc", "ok", LT::kInt32, "abc"},
      {"char_numeric", SQL_C_CHAR, SQL_NUMERIC, "1.50", "ok", LT::kNumeric, "1.50"},
      {"char_date", SQL_C_CHAR, SQL_TYPE_DATE, "2024-01-31", "ok", LT::kDate, "2024-01-31"},
      {"char_timestamp", SQL_C_CHAR, SQL_TYPE_TIMESTAMP, "2024-01-31 12:00", "ok", LT::kTimestamp,
       "2024-01-31 12:00"},
      {"char_guid", SQL_C_CHAR, SQL_GUID, uuid_text, "ok", LT::kUuid, uuid_text},
      {"char_interval", SQL_C_CHAR, SQL_INTERVAL_DAY, "3 days", "ok", LT::kUnknown, "3 days"},
      {"char_binary_raw", SQL_C_CHAR, SQL_VARBINARY, "ab\x01", "ok", LT::kBytes, "ab\x01"},
      {"char_empty", SQL_C_CHAR, SQL_VARCHAR, "", "ok", LT::kUnknown, ""},
      {"wchar_non_bmp", SQL_C_WCHAR, SQL_WVARCHAR, WideBytes(u"h\u00e9\U0001F600"), "ok",
       LT::kUnknown, "h\xc3\xa9\xf0\x9f\x98\x80"},
      {"wchar_lone_surrogate", SQL_C_WCHAR, SQL_VARCHAR, WideBytes(u"a\xd800"), "ok", LT::kUnknown,
       "a\xef\xbf\xbd"},
      {"wchar_odd_length", SQL_C_WCHAR, SQL_VARCHAR, "abc", "HY090", LT::kUnknown, ""},
      {"wchar_binary", SQL_C_WCHAR, SQL_VARBINARY, WideBytes(u"\u00e9"), "ok", LT::kBytes,
       "\xc3\xa9"},
      // Binary.
      {"binary_varbinary", SQL_C_BINARY, SQL_VARBINARY, std::string("\x00\xff", 2), "ok",
       LT::kBytes, std::string("\x00\xff", 2)},
      {"binary_longvarchar", SQL_C_BINARY, SQL_LONGVARCHAR, "raw", "ok", LT::kUnknown, "raw"},
      {"binary_integer", SQL_C_BINARY, SQL_INTEGER, "1234", "07006", LT::kInt32, ""},
      {"binary_guid", SQL_C_BINARY, SQL_GUID, std::string(kUuidBytes), "ok", LT::kUuid, uuid_text},
      {"binary_guid_short", SQL_C_BINARY, SQL_GUID, "short", "22018", LT::kUuid, ""},
      // SQL_NUMERIC_STRUCT.
      {"numeric_scale_3", SQL_C_NUMERIC, SQL_NUMERIC, Raw(Numeric("12340", 3, false)), "ok",
       LT::kNumeric, "12.340"},
      {"numeric_negative", SQL_C_NUMERIC, SQL_DECIMAL, Raw(Numeric("12340", 3, true)), "ok",
       LT::kNumeric, "-12.340"},
      {"numeric_scale_0", SQL_C_NUMERIC, SQL_NUMERIC, Raw(Numeric("12340", 0, false)), "ok",
       LT::kNumeric, "12340"},
      {"numeric_leading_zeros", SQL_C_NUMERIC, SQL_NUMERIC, Raw(Numeric("123", 5, true)), "ok",
       LT::kNumeric, "-0.00123"},
      {"numeric_negative_scale", SQL_C_NUMERIC, SQL_NUMERIC, Raw(Numeric("123", -2, false)), "ok",
       LT::kNumeric, "12300"},
      {"numeric_negative_zero", SQL_C_NUMERIC, SQL_NUMERIC, Raw(Numeric("0", 2, true)), "ok",
       LT::kNumeric, "0.00"},
      {"numeric_38_digits", SQL_C_NUMERIC, SQL_NUMERIC,
       Raw(Numeric("99999999999999999999999999999999999999", 0, false)), "ok", LT::kNumeric,
       "99999999999999999999999999999999999999"},
      {"numeric_max_val", SQL_C_NUMERIC, SQL_NUMERIC,
       Raw(Numeric("340282366920938463463374607431768211455", 0, false)), "ok", LT::kNumeric,
       "340282366920938463463374607431768211455"},
      {"numeric_integer", SQL_C_NUMERIC, SQL_INTEGER, Raw(Numeric("12340", 3, true)), "ok",
       LT::kInt32, "-12"},
      {"numeric_smallint_over", SQL_C_NUMERIC, SQL_SMALLINT, Raw(Numeric("40000", 0, false)),
       "22003", LT::kInt16, ""},
      {"numeric_varchar", SQL_C_NUMERIC, SQL_VARCHAR, Raw(Numeric("5", 1, false)), "ok",
       LT::kUnknown, "0.5"},
      {"numeric_double", SQL_C_NUMERIC, SQL_DOUBLE, Raw(Numeric("5", 1, false)), "ok", LT::kFloat64,
       "0.5"},
      // Dates and times.
      {"date", SQL_C_TYPE_DATE, SQL_TYPE_DATE, Raw(Date(2024, 2, 29)), "ok", LT::kDate,
       "2024-02-29"},
      {"date_legacy", SQL_C_DATE, SQL_DATE, Raw(Date(1, 1, 1)), "ok", LT::kDate, "0001-01-01"},
      {"date_not_leap", SQL_C_TYPE_DATE, SQL_TYPE_DATE, Raw(Date(2023, 2, 29)), "22008", LT::kDate,
       ""},
      {"date_1900", SQL_C_TYPE_DATE, SQL_TYPE_DATE, Raw(Date(1900, 2, 29)), "22008", LT::kDate, ""},
      {"date_month_13", SQL_C_TYPE_DATE, SQL_TYPE_DATE, Raw(Date(2024, 13, 1)), "22008", LT::kDate,
       ""},
      {"date_year_0", SQL_C_TYPE_DATE, SQL_TYPE_DATE, Raw(Date(0, 1, 1)), "22008", LT::kDate, ""},
      {"date_timestamp", SQL_C_TYPE_DATE, SQL_TYPE_TIMESTAMP, Raw(Date(2024, 2, 29)), "ok",
       LT::kTimestamp, "2024-02-29 00:00:00"},
      {"date_varchar", SQL_C_TYPE_DATE, SQL_VARCHAR, Raw(Date(9999, 12, 31)), "ok", LT::kUnknown,
       "9999-12-31"},
      {"date_time", SQL_C_TYPE_DATE, SQL_TYPE_TIME, Raw(Date(2024, 1, 1)), "07006", LT::kTime, ""},
      {"date_integer", SQL_C_TYPE_DATE, SQL_INTEGER, Raw(Date(2024, 1, 1)), "07006", LT::kInt32,
       ""},
      {"time", SQL_C_TYPE_TIME, SQL_TYPE_TIME, Raw(Time(12, 34, 56)), "ok", LT::kTime, "12:34:56"},
      {"time_legacy", SQL_C_TIME, SQL_TIME, Raw(Time(0, 0, 0)), "ok", LT::kTime, "00:00:00"},
      {"time_hour_24", SQL_C_TYPE_TIME, SQL_TYPE_TIME, Raw(Time(24, 0, 0)), "22008", LT::kTime, ""},
      {"time_second_60", SQL_C_TYPE_TIME, SQL_TYPE_TIME, Raw(Time(1, 0, 60)), "22008", LT::kTime,
       ""},
      {"time_date", SQL_C_TYPE_TIME, SQL_TYPE_DATE, Raw(Time(1, 0, 0)), "07006", LT::kDate, ""},
      {"timestamp_half", SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP,
       Raw(Timestamp(2024, 1, 31, 12, 0, 0, 500000000)), "ok", LT::kTimestamp,
       "2024-01-31 12:00:00.5"},
      {"timestamp_nanos", SQL_C_TIMESTAMP, SQL_TIMESTAMP,
       Raw(Timestamp(2024, 1, 31, 12, 0, 0, 123456789)), "ok", LT::kTimestamp,
       "2024-01-31 12:00:00.123456789"},
      {"timestamp_micros", SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP,
       Raw(Timestamp(9999, 12, 31, 23, 59, 59, 999999000)), "ok", LT::kTimestamp,
       "9999-12-31 23:59:59.999999"},
      {"timestamp_year_1", SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP,
       Raw(Timestamp(1, 1, 1, 0, 0, 0, 0)), "ok", LT::kTimestamp, "0001-01-01 00:00:00"},
      {"timestamp_epoch_edge", SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP,
       Raw(Timestamp(1969, 12, 31, 23, 59, 59, 999999999)), "ok", LT::kTimestamp,
       "1969-12-31 23:59:59.999999999"},
      {"timestamp_fraction_over", SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP,
       Raw(Timestamp(2024, 1, 31, 12, 0, 0, 1000000000)), "22007", LT::kTimestamp, ""},
      {"timestamp_feb_30", SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP,
       Raw(Timestamp(2024, 2, 30, 0, 0, 0, 0)), "22007", LT::kTimestamp, ""},
      {"timestamp_hour_24", SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP,
       Raw(Timestamp(2024, 2, 1, 24, 0, 0, 0)), "22007", LT::kTimestamp, ""},
      {"timestamp_date_midnight", SQL_C_TYPE_TIMESTAMP, SQL_TYPE_DATE,
       Raw(Timestamp(2024, 2, 29, 0, 0, 0, 0)), "ok", LT::kDate, "2024-02-29"},
      {"timestamp_date_with_time", SQL_C_TYPE_TIMESTAMP, SQL_TYPE_DATE,
       Raw(Timestamp(2024, 2, 29, 0, 0, 0, 1)), "22008", LT::kDate, ""},
      {"timestamp_time", SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIME,
       Raw(Timestamp(2024, 2, 29, 1, 2, 3, 4000)), "ok", LT::kTime, "01:02:03.000004"},
      {"timestamp_varchar", SQL_C_TYPE_TIMESTAMP, SQL_VARCHAR,
       Raw(Timestamp(2024, 2, 29, 1, 2, 3, 0)), "ok", LT::kUnknown, "2024-02-29 01:02:03"},
      // GUID.
      {"guid_guid", SQL_C_GUID, SQL_GUID, Raw(Guid()), "ok", LT::kUuid, uuid_text},
      {"guid_varchar", SQL_C_GUID, SQL_VARCHAR, Raw(Guid()), "ok", LT::kUnknown, uuid_text},
      {"guid_binary", SQL_C_GUID, SQL_BINARY, Raw(Guid()), "ok", LT::kBytes,
       std::string(kUuidBytes)},
      {"guid_integer", SQL_C_GUID, SQL_INTEGER, Raw(Guid()), "07006", LT::kInt32, ""},
      // Type errors.
      {"bad_c_type", 12345, SQL_INTEGER, "", "HY003", LT::kInt32, ""},
      {"bad_sql_type", SQL_C_CHAR, 12345, "x", "HY004", LT::kUnknown, ""},
      {"interval_c_type", SQL_C_INTERVAL_DAY, SQL_INTEGER, "", "07006", LT::kInt32, ""},
      {"date_interval", SQL_C_TYPE_DATE, SQL_INTERVAL_DAY, Raw(Date(2024, 1, 1)), "07006",
       LT::kUnknown, ""},
      {"short_fixed_data", SQL_C_SLONG, SQL_INTEGER, "ab", "HY090", LT::kInt32, ""},
      {"default_c_type", SQL_C_DEFAULT, SQL_INTEGER, Raw(SQLINTEGER{8}), "ok", LT::kInt32, "8"},
  };
}

TEST(ReadParamBytes, Table) {
  for (const ParamCase& c : ParamCases()) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<Param> param = ReadParamBytes(c.c_type, c.sql_type, c.data, false);
    EXPECT_EQ(Describe(param), c.outcome) << param.status();
    if (!param.ok()) continue;
    EXPECT_EQ(param->type, c.type);
    EXPECT_FALSE(param->is_null);
    EXPECT_EQ(param->data, c.expected);
  }
}

// The same table through ReadParam with explicit octet lengths.
TEST(ReadParam, TableWithExplicitLengths) {
  for (const ParamCase& c : ParamCases()) {
    if (c.outcome == "HY090") continue;  // fixed-size data is read at its own size
    SCOPED_TRACE(c.name);
    std::string copy = c.data;
    copy.resize(copy.size() + 32, '\0');  // room to read a whole struct
    SQLLEN length = static_cast<SQLLEN>(c.data.size());
    ParamSource source;
    source.c_type = c.c_type;
    source.sql_type = c.sql_type;
    source.buffer = copy.data();
    source.buffer_length = length;
    source.octet_length = &length;
    source.indicator = &length;
    absl::StatusOr<Param> param = ReadParam(source);
    EXPECT_EQ(Describe(param), c.outcome) << param.status();
    if (!param.ok()) continue;
    EXPECT_EQ(param->type, c.type);
    EXPECT_EQ(param->data, c.expected);
  }
}

TEST(ReadParam, TimeIntoTimestampTakesToday) {
  auto param = ReadParamBytes(SQL_C_TYPE_TIME, SQL_TYPE_TIMESTAMP, Raw(Time(8, 30, 0)), false);
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(param->type, LogicalType::kTimestamp);
  ASSERT_EQ(param->data.size(), 19u);
  EXPECT_EQ(param->data.substr(10), " 08:30:00");
  SQL_TIMESTAMP_STRUCT today{};
  today.year = static_cast<SQLSMALLINT>(std::stoi(param->data.substr(0, 4)));
  today.month = static_cast<SQLUSMALLINT>(std::stoi(param->data.substr(5, 2)));
  today.day = static_cast<SQLUSMALLINT>(std::stoi(param->data.substr(8, 2)));
  EXPECT_TRUE(IsToday(today));
}

TEST(ReadParam, NullFromIndicatorOrLength) {
  SQLLEN null_data = SQL_NULL_DATA;
  SQLINTEGER value = 5;
  ParamSource source;
  source.c_type = SQL_C_SLONG;
  source.sql_type = SQL_BIGINT;
  source.buffer = &value;
  source.indicator = &null_data;
  auto param = ReadParam(source);
  ASSERT_TRUE(param.ok());
  EXPECT_TRUE(param->is_null);
  EXPECT_EQ(param->type, LogicalType::kInt64);
  source.indicator = nullptr;
  source.octet_length = &null_data;
  source.c_type = SQL_C_CHAR;
  source.sql_type = SQL_VARCHAR;
  param = ReadParam(source);
  ASSERT_TRUE(param.ok());
  EXPECT_TRUE(param->is_null);
  EXPECT_EQ(param->type, LogicalType::kUnknown);
  auto bytes = ReadParamBytes(SQL_C_BINARY, SQL_LONGVARBINARY, "", true);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(bytes->is_null);
  EXPECT_EQ(bytes->type, LogicalType::kBytes);
  // Type errors still come first.
  EXPECT_EQ(Describe(ReadParamBytes(SQL_C_CHAR, 999, "", true)), "HY004");
}

TEST(ReadParam, CharacterLengths) {
  char text[] = "hello";
  ParamSource source;
  source.c_type = SQL_C_CHAR;
  source.sql_type = SQL_VARCHAR;
  source.buffer = text;
  source.buffer_length = sizeof(text);
  // No length pointer: NUL-terminated.
  auto param = ReadParam(source);
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(param->data, "hello");
  SQLLEN length = SQL_NTS;
  source.octet_length = &length;
  param = ReadParam(source);
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(param->data, "hello");
  length = 3;
  param = ReadParam(source);
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(param->data, "hel");
  length = 0;
  param = ReadParam(source);
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(param->data, "");
  length = -7;
  EXPECT_EQ(Describe(ReadParam(source)), "HY090");
  length = SQL_DATA_AT_EXEC;
  EXPECT_EQ(Describe(ReadParam(source)), "HY090");
  // A null buffer with data to read.
  source.buffer = nullptr;
  length = 3;
  EXPECT_EQ(Describe(ReadParam(source)), "HY009");
  length = 0;
  EXPECT_TRUE(ReadParam(source).ok());
}

TEST(ReadParam, WideLengths) {
  std::u16string text = u"h\U0001F600!";
  ParamSource source;
  source.c_type = SQL_C_WCHAR;
  source.sql_type = SQL_WVARCHAR;
  source.buffer = text.c_str();
  auto param = ReadParam(source);
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(param->data, "h\xf0\x9f\x98\x80!");
  SQLLEN length = SQL_NTS;
  source.octet_length = &length;
  param = ReadParam(source);
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(param->data, "h\xf0\x9f\x98\x80!");
  length = 6;  // bytes: "h" and the surrogate pair
  param = ReadParam(source);
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(param->data, "h\xf0\x9f\x98\x80");
}

TEST(ReadParam, BinaryLengths) {
  const char data[] = {'\x00', '\x01', '\x02', '\x03'};
  ParamSource source;
  source.c_type = SQL_C_BINARY;
  source.sql_type = SQL_VARBINARY;
  source.buffer = data;
  source.buffer_length = 3;
  // No length pointer: the buffer length.
  auto param = ReadParam(source);
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(param->type, LogicalType::kBytes);
  EXPECT_EQ(param->data, std::string("\x00\x01\x02", 3));
  SQLLEN length = 4;
  source.octet_length = &length;
  param = ReadParam(source);
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(param->data, std::string(data, 4));
  length = SQL_NTS;
  EXPECT_EQ(Describe(ReadParam(source)), "HY090");
}

TEST(ReadParam, FixedTypesIgnoreLengths) {
  SQLBIGINT value = -77;
  SQLLEN length = 1;  // nonsense: ignored for fixed-size C types
  ParamSource source;
  source.c_type = SQL_C_SBIGINT;
  source.sql_type = SQL_BIGINT;
  source.buffer = &value;
  source.octet_length = &length;
  auto param = ReadParam(source);
  ASSERT_TRUE(param.ok());
  EXPECT_EQ(param->data, "-77");
  source.buffer = nullptr;
  EXPECT_EQ(Describe(ReadParam(source)), "HY009");
}

// A value read back through WriteCell after going out through ReadParam
// keeps its text.
TEST(RoundTrip, TimestampAndNumbers) {
  auto ts = ReadParamBytes(SQL_C_TYPE_TIMESTAMP, SQL_TYPE_TIMESTAMP,
                           Raw(Timestamp(2024, 2, 29, 23, 59, 59, 250000000)), false);
  ASSERT_TRUE(ts.ok());
  FixedResult back = CallFixed(Bytes(ts->data), LogicalType::kText, SQL_C_TYPE_TIMESTAMP);
  EXPECT_EQ(back.outcome, "ok");
  auto parts = As<SQL_TIMESTAMP_STRUCT>(back);
  EXPECT_EQ(parts.day, 29);
  EXPECT_EQ(parts.fraction, 250000000u);
  for (double value : {0.1, 1.0 / 3, 1e300, 5e-324, -2.5e-7, 123456789.125}) {
    auto param = ReadParamBytes(SQL_C_DOUBLE, SQL_DOUBLE, Raw(SQLDOUBLE{value}), false);
    ASSERT_TRUE(param.ok());
    FixedResult result = CallFixed(Bytes(param->data), LogicalType::kText, SQL_C_DOUBLE);
    EXPECT_EQ(As<SQLDOUBLE>(result), value) << param->data;
  }
}

}  // namespace
}  // namespace quietfetch::core
