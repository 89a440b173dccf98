#include "driver/backend/postgres/copy_decoder.h"

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace quietfetch::pg {
namespace {

constexpr char kSignature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};
constexpr size_t kHeaderSize = sizeof kSignature + 4 + 4;
// Flag bit 16 says every tuple carries an OID (never asked for); bits 0-15
// are reserved for changes a reader must not ignore.
constexpr uint32_t kOidsFlag = uint32_t{1} << 16;
constexpr uint32_t kCriticalFlags = 0xFFFF;

int16_t Load16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return static_cast<int16_t>(__builtin_bswap16(v));
}

int32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return static_cast<int32_t>(__builtin_bswap32(v));
}

}  // namespace

CopyBinaryDecoder::CopyBinaryDecoder(std::span<const ValueKind> kinds, const DecodeContext* context)
    : kinds_(kinds), context_(context) {
  fields_.reserve(kinds.size());
}

void CopyBinaryDecoder::Feed(const char* data, size_t size) {
  pos_ = 0;
  if (carry_.empty()) {
    input_ = data;
    input_size_ = size;
    return;
  }
  carry_.append(data, size);
  input_ = carry_.data();
  input_size_ = carry_.size();
}

CopyBinaryDecoder::Step CopyBinaryDecoder::Fail(std::string message) {
  state_ = State::kFailed;
  failure_ = Step::kMalformed;
  error_ = std::move(message);
  return failure_;
}

CopyBinaryDecoder::Step CopyBinaryDecoder::BadValue(rowstore::RowBatch& batch, int column,
                                                    DecodeResult result) {
  batch.AbandonRow();
  state_ = State::kFailed;
  failure_ = Step::kBadValue;
  bad_column_ = column;
  bad_result_ = result;
  error_ = absl::StrCat("field ", column + 1, " of tuple ", rows_ + 1, " did not decode");
  return failure_;
}

CopyBinaryDecoder::Step CopyBinaryDecoder::KeepRest() {
  if (pos_ >= input_size_) {
    carry_.clear();
  } else if (input_ == carry_.data()) {
    carry_.erase(0, pos_);
  } else {
    carry_.assign(input_ + pos_, input_size_ - pos_);
  }
  input_ = nullptr;
  input_size_ = 0;
  pos_ = 0;
  return Step::kNeedData;
}

CopyBinaryDecoder::Step CopyBinaryDecoder::ReadHeader() {
  const size_t remaining = input_size_ - pos_;
  if (remaining < kHeaderSize) return KeepRest();
  const char* header = input_ + pos_;
  if (std::memcmp(header, kSignature, sizeof kSignature) != 0) {
    return Fail("the data does not start with the binary COPY signature");
  }
  const auto flags = static_cast<uint32_t>(Load32(header + sizeof kSignature));
  if ((flags & kCriticalFlags) != 0) {
    return Fail(absl::StrCat("the header has unknown critical flags 0x", absl::Hex(flags)));
  }
  if ((flags & kOidsFlag) != 0) return Fail("the tuples carry OIDs, which were not requested");
  const int32_t extension = Load32(header + sizeof kSignature + 4);
  if (extension < 0) return Fail("the header extension has a negative length");
  if (static_cast<size_t>(extension) > remaining - kHeaderSize) return KeepRest();
  pos_ += kHeaderSize + static_cast<size_t>(extension);
  state_ = State::kTuples;
  return Step::kRow;
}

CopyBinaryDecoder::Step CopyBinaryDecoder::Next(rowstore::RowBatch& batch) {
  if (state_ == State::kFailed) return failure_;
  if (state_ == State::kHeader) {
    if (pos_ >= input_size_) return KeepRest();
    const Step header = ReadHeader();
    if (header != Step::kRow) return header;
  }
  const size_t remaining = input_size_ - pos_;
  if (state_ == State::kEnded) {
    if (remaining > 0) return Fail("data follows the trailer");
    return Step::kEnd;
  }
  if (remaining < 2) return KeepRest();

  const char* const data = input_;
  const int count = Load16(data + pos_);
  if (count == -1) {
    pos_ += 2;
    state_ = State::kEnded;
    if (pos_ < input_size_) return Fail("data follows the trailer");
    return Step::kEnd;
  }
  const int num_columns = static_cast<int>(kinds_.size());
  if (count != num_columns) {
    return Fail(absl::StrCat("tuple ", rows_ + 1, " has ", count, " fields where ", num_columns,
                             " columns were described"));
  }
  // Every field must be present before any is decoded: a tuple cut short is
  // completed by the next chunk.
  size_t at = pos_ + 2;
  fields_.clear();
  for (int column = 0; column < num_columns; ++column) {
    if (input_size_ - at < 4) return KeepRest();
    const int32_t length = Load32(data + at);
    at += 4;
    if (length < -1) {
      return Fail(
          absl::StrCat("field ", column + 1, " of tuple ", rows_ + 1, " has a negative length"));
    }
    if (length > 0 && static_cast<size_t>(length) > input_size_ - at) return KeepRest();
    fields_.emplace_back(at, length);
    if (length > 0) at += static_cast<size_t>(length);
  }
  const ValueKind* const kinds = kinds_.data();
  for (int column = 0; column < num_columns; ++column) {
    const auto [offset, length] = fields_[static_cast<size_t>(column)];
    if (length < 0) {
      batch.AppendNull();
      continue;
    }
    const DecodeResult result =
        DecodeBinary(kinds[column], data + offset, static_cast<size_t>(length), *context_, batch);
    if (result != DecodeResult::kOk) return BadValue(batch, column, result);
  }
  batch.FinishRow();
  pos_ = at;
  ++rows_;
  return Step::kRow;
}

}  // namespace quietfetch::pg
