// The streams were recorded once from PostgreSQL 15 with
// \copy (SELECT ...) TO 'file' (FORMAT binary); the queries are quoted above
// each one.
#include "driver/backend/postgres/copy_decoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace quietfetch::pg {
namespace {

using Step = CopyBinaryDecoder::Step;

// Hex digits to bytes; spaces only separate fields for the reader.
std::string Unhex(std::string_view spaced) {
  std::string hex;
  for (char c : spaced) {
    if (c != ' ') hex += c;
  }
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

constexpr std::string_view kSignatureHex = "5047434f50590aff0d0a00";
constexpr std::string_view kHeaderHex = "5047434f50590aff0d0a00 00000000 00000000";

// SELECT 1::int4 AS a, 'ab'::text AS b, NULL::int8 AS c
// UNION ALL SELECT -2, '', 9000000000
const std::string kTwoRows = Unhex(
    "5047434f50590aff0d0a00 00000000 00000000 "
    "0003 00000004 00000001  00000002 6162  ffffffff "
    "0003 00000004 fffffffe  00000000  00000008 0000000218711a00 "
    "ffff");
const std::vector<ValueKind> kTwoRowsKinds = {ValueKind::kInt4, ValueKind::kText, ValueKind::kInt8};

// SELECT 1::int4 WHERE false
const std::string kNoRows = Unhex("5047434f50590aff0d0a00 00000000 00000000 ffff");

// SELECT '2024-01-31 12:00:00.5'::timestamp,
//        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, 12.340::numeric
const std::string kMixed = Unhex(
    "5047434f50590aff0d0a00 00000000 00000000 "
    "0003 00000008 0002b33b6319d120  00000010 a0eebc999c0b4ef8bb6d6bb9bd380a11 "
    "0000000c 0002 0000 0000 0003 000c 0d48 "
    "ffff");

// A cell as text for comparisons: NULL, an integer, or the bytes.
std::string CellText(const rowstore::Cell& cell) {
  if (cell.is_null()) return "NULL";
  if (cell.is_fixed()) return std::to_string(cell.i64);
  return "'" + std::string(cell.bytes()) + "'";
}

struct Decoded {
  std::vector<std::vector<std::string>> rows;
  Step last = Step::kNeedData;  // kEnd, kMalformed or kBadValue; kNeedData when the input ran out
  bool finished = false;
  std::string error;
};

// Decodes `chunks` in order, as a cursor does.
Decoded Decode(const std::vector<ValueKind>& kinds, const std::vector<std::string>& chunks) {
  DecodeContext context;
  CopyBinaryDecoder decoder(kinds, &context);
  rowstore::RowBatch batch;
  batch.Clear(kinds.size());
  Decoded result;
  for (const std::string& chunk : chunks) {
    decoder.Feed(chunk.data(), chunk.size());
    Step step;
    while ((step = decoder.Next(batch)) == Step::kRow) {
    }
    result.last = step;
    if (step == Step::kMalformed || step == Step::kBadValue) break;
  }
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    std::vector<std::string> cells;
    for (size_t column = 0; column < batch.num_columns(); ++column) {
      cells.push_back(CellText(batch.at(row, column)));
    }
    result.rows.push_back(std::move(cells));
  }
  result.finished = decoder.finished();
  result.error = decoder.error();
  return result;
}

const std::vector<std::vector<std::string>> kTwoRowsExpected = {{"1", "'ab'", "NULL"},
                                                                {"-2", "''", "9000000000"}};

TEST(CopyDecoderTest, DecodesRecordedRows) {
  const Decoded decoded = Decode(kTwoRowsKinds, {kTwoRows});
  EXPECT_EQ(decoded.rows, kTwoRowsExpected);
  EXPECT_EQ(decoded.last, Step::kEnd);
  EXPECT_TRUE(decoded.finished);
}

TEST(CopyDecoderTest, DecodesWithTheBinaryValueDecoders) {
  const Decoded decoded =
      Decode({ValueKind::kTimestamp, ValueKind::kUuid, ValueKind::kNumeric}, {kMixed});
  ASSERT_EQ(decoded.rows.size(), 1u);
  EXPECT_EQ(decoded.rows[0][0], "1706702400500000");
  EXPECT_EQ(decoded.rows[0][1], "'" + Unhex("a0eebc999c0b4ef8bb6d6bb9bd380a11") + "'");
  EXPECT_EQ(decoded.rows[0][2], "'12.340'");
  EXPECT_TRUE(decoded.finished);
}

TEST(CopyDecoderTest, EmptyResultIsHeaderAndTrailer) {
  const Decoded decoded = Decode({ValueKind::kInt4}, {kNoRows});
  EXPECT_TRUE(decoded.rows.empty());
  EXPECT_EQ(decoded.last, Step::kEnd);
  EXPECT_TRUE(decoded.finished);
}

TEST(CopyDecoderTest, OneMessagePerTupleAsTheServerSendsIt) {
  // Header with the first tuple, the second tuple, the trailer.
  const std::vector<std::string> messages = {kTwoRows.substr(0, 19 + 20), kTwoRows.substr(39, 26),
                                             kTwoRows.substr(65)};
  ASSERT_EQ(messages[2], Unhex("ffff"));
  const Decoded decoded = Decode(kTwoRowsKinds, messages);
  EXPECT_EQ(decoded.rows, kTwoRowsExpected);
  EXPECT_TRUE(decoded.finished);
}

TEST(CopyDecoderTest, ChunksMayEndAnywhere) {
  for (size_t cut = 0; cut <= kTwoRows.size(); ++cut) {
    const Decoded decoded = Decode(kTwoRowsKinds, {kTwoRows.substr(0, cut), kTwoRows.substr(cut)});
    EXPECT_EQ(decoded.rows, kTwoRowsExpected) << "cut at " << cut;
    EXPECT_TRUE(decoded.finished) << "cut at " << cut;
  }
  std::vector<std::string> bytes;
  for (char c : kTwoRows) bytes.emplace_back(1, c);
  const Decoded decoded = Decode(kTwoRowsKinds, bytes);
  EXPECT_EQ(decoded.rows, kTwoRowsExpected);
  EXPECT_TRUE(decoded.finished);
}

TEST(CopyDecoderTest, TruncatedStreamsNeverFinish) {
  for (size_t size = 0; size < kTwoRows.size(); ++size) {
    const Decoded decoded = Decode(kTwoRowsKinds, {kTwoRows.substr(0, size)});
    EXPECT_FALSE(decoded.finished) << size << " bytes";
    EXPECT_EQ(decoded.last, Step::kNeedData) << size << " bytes";
    // Only whole rows come out.
    EXPECT_EQ(decoded.rows.size(), size >= 65 ? 2u : size >= 39 ? 1u : 0u) << size << " bytes";
  }
}

TEST(CopyDecoderTest, HeaderExtensionIsSkipped) {
  const std::string stream =
      Unhex(std::string(kSignatureHex) + " 00000000 00000003 aabbcc 0001 00000004 0000002a ffff");
  const Decoded decoded = Decode({ValueKind::kInt4}, {stream});
  EXPECT_EQ(decoded.rows, (std::vector<std::vector<std::string>>{{"42"}}));
  EXPECT_TRUE(decoded.finished);
}

TEST(CopyDecoderTest, NonCriticalFlagsAreIgnored) {
  const std::string stream = Unhex(std::string(kSignatureHex) + " 00020000 00000000 ffff");
  EXPECT_TRUE(Decode({ValueKind::kInt4}, {stream}).finished);
}

TEST(CopyDecoderTest, MalformedStreamsAreReported) {
  const std::string header(kHeaderHex);
  const std::string signature(kSignatureHex);
  const std::string tuple = " 0001 00000004 0000002a ";
  struct Case {
    std::string name;
    std::string hex;
  };
  const std::vector<Case> cases = {
      {"bad signature", "5047434f50590aff0d0a01 00000000 00000000 ffff"},
      // "1\tab\t\N\n-2\t\t9000000000\n", the text format
      {"text COPY", "31096162095c4e0a2d3209093930303030303030300a"},
      {"critical flag", signature + " 00000001 00000000 ffff"},
      {"OIDs", signature + " 00010000 00000000 ffff"},
      {"negative extension", signature + " 00000000 ffffffff ffff"},
      {"too many fields", header + " 0002 00000004 0000002a 00000004 00000001"},
      {"too few fields", header + " 0000 ffff"},
      {"negative field count", header + " fffe"},
      {"negative length", header + " 0001 fffffffe 0000002a ffff"},
      {"data after the trailer", header + tuple + "ffff 00"},
      {"tuple after the trailer", header + " ffff" + tuple},
  };
  for (const Case& c : cases) {
    const Decoded decoded = Decode({ValueKind::kInt4}, {Unhex(c.hex)});
    EXPECT_EQ(decoded.last, Step::kMalformed) << c.name;
    EXPECT_FALSE(decoded.error.empty()) << c.name;
    EXPECT_FALSE(decoded.finished) << c.name;
  }
  // Data after the trailer in a later chunk is caught too.
  const Decoded later = Decode({ValueKind::kInt4}, {Unhex(header + " ffff"), Unhex(tuple)});
  EXPECT_EQ(later.last, Step::kMalformed);
}

TEST(CopyDecoderTest, UndecodableValueAbandonsItsRow) {
  // The second tuple's int4 has three bytes.
  const std::string stream =
      Unhex(std::string(kHeaderHex) + " 0001 00000004 0000002a  0001 00000003 000000  ffff");
  DecodeContext context;
  const std::vector<ValueKind> kinds = {ValueKind::kInt4};
  CopyBinaryDecoder decoder(kinds, &context);
  rowstore::RowBatch batch;
  batch.Clear(1);
  decoder.Feed(stream.data(), stream.size());
  EXPECT_EQ(decoder.Next(batch), Step::kRow);
  EXPECT_EQ(decoder.Next(batch), Step::kBadValue);
  EXPECT_EQ(decoder.bad_column(), 0);
  EXPECT_EQ(decoder.bad_result(), DecodeResult::kMalformed);
  EXPECT_EQ(batch.num_rows(), 1u);
  EXPECT_EQ(batch.at(0, 0).i64, 42);
  // The decoder stays failed.
  EXPECT_EQ(decoder.Next(batch), Step::kBadValue);
  EXPECT_FALSE(decoder.finished());
}

TEST(CopyDecoderTest, HugeLengthWaitsForDataInsteadOfReadingPastIt) {
  const std::string stream = Unhex(std::string(kHeaderHex) + " 0001 7fffffff 0000");
  const Decoded decoded = Decode({ValueKind::kText}, {stream});
  EXPECT_EQ(decoded.last, Step::kNeedData);
  EXPECT_TRUE(decoded.rows.empty());
  EXPECT_FALSE(decoded.finished);
}

// Every single-byte corruption of a valid stream decodes or fails cleanly;
// run under the sanitizers, this also shows no read leaves the input.
TEST(CopyDecoderTest, CorruptedBytesNeverReadOutOfBounds) {
  const std::vector<ValueKind> kinds = {ValueKind::kTimestamp, ValueKind::kUuid,
                                        ValueKind::kNumeric};
  for (size_t at = 0; at < kMixed.size(); ++at) {
    for (int value : {0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff}) {
      std::string corrupted = kMixed;
      corrupted[at] = static_cast<char>(value);
      // Exactly sized heap copies, so that an overread is an ASan error.
      for (size_t cut : {corrupted.size(), at + 1}) {
        const std::string chunk = corrupted.substr(0, cut);
        auto exact = std::make_unique<char[]>(chunk.size());
        std::memcpy(exact.get(), chunk.data(), chunk.size());
        DecodeContext context;
        CopyBinaryDecoder decoder(kinds, &context);
        rowstore::RowBatch batch;
        batch.Clear(kinds.size());
        decoder.Feed(exact.get(), chunk.size());
        Step step;
        int guard = 0;
        while ((step = decoder.Next(batch)) == Step::kRow && ++guard < 10) {
        }
        EXPECT_LT(guard, 10);
        EXPECT_LE(batch.num_rows(), 1u);
      }
    }
  }
}

}  // namespace
}  // namespace quietfetch::pg
