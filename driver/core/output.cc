#include "driver/core/output.h"

#include <cstring>

#include "driver/core/status.h"
#include "driver/core/unicode.h"

namespace quietfetch::core {

absl::StatusOr<SQLLEN> WriteString(std::string_view utf8, const OutputTarget& target,
                                   Diagnostics* diag) {
  if (target.buffer_length < 0) {
    return SqlError(sqlstate::kInvalidBufferLength, "buffer length must not be negative");
  }
  bool truncated = false;
  SQLLEN full = 0;
  if (!target.wide) {
    full = static_cast<SQLLEN>(utf8.size());
    if (target.buffer != nullptr && target.buffer_length > 0) {
      size_t room = static_cast<size_t>(target.buffer_length) - 1;
      size_t n = utf8.size() < room ? utf8.size() : room;
      // Do not cut a UTF-8 sequence in half.
      if (n < utf8.size()) {
        while (n > 0 && (static_cast<unsigned char>(utf8[n]) & 0xC0) == 0x80) --n;
      }
      std::memcpy(target.buffer, utf8.data(), n);
      static_cast<char*>(target.buffer)[n] = '\0';
      truncated = n < utf8.size();
    }
  } else {
    std::u16string wide = Utf8ToUtf16(utf8);
    full = static_cast<SQLLEN>(wide.size());
    SQLLEN room_units = target.length_in_bytes ? target.buffer_length / 2 : target.buffer_length;
    if (target.buffer != nullptr && room_units > 0) {
      size_t room = static_cast<size_t>(room_units) - 1;
      size_t n = wide.size() < room ? wide.size() : room;
      if (n < wide.size() && n > 0 && wide[n - 1] >= 0xD800 && wide[n - 1] <= 0xDBFF) --n;
      std::memcpy(target.buffer, wide.data(), n * 2);
      static_cast<char16_t*>(target.buffer)[n] = 0;
      truncated = n < wide.size();
    }
    if (target.length_in_bytes) full *= 2;
  }
  if (target.buffer != nullptr && target.buffer_length == 0 && full > 0) truncated = true;
  if (truncated && diag != nullptr) {
    diag->AddWarning(sqlstate::kStringTruncated, "string data, right truncated");
  }
  return full;
}

absl::StatusOr<std::string> ReadString(const void* text, SQLLEN length, bool wide) {
  if (text == nullptr) {
    if (length == 0 || length == SQL_NTS) return std::string();
    return SqlError(sqlstate::kInvalidNullPointer, "null string pointer with a non-zero length");
  }
  if (length < 0 && length != SQL_NTS) {
    return SqlError(sqlstate::kInvalidBufferLength,
                    "string length must be SQL_NTS or non-negative");
  }
  if (!wide) {
    const char* s = static_cast<const char*>(text);
    return length == SQL_NTS ? std::string(s) : std::string(s, static_cast<size_t>(length));
  }
  const auto* w = static_cast<const char16_t*>(text);
  size_t units = length == SQL_NTS ? Utf16Length(w) : static_cast<size_t>(length);
  return Utf16ToUtf8(w, units);
}

}  // namespace quietfetch::core
