// UTF-8 <-> UTF-16 (SQLWCHAR on unixODBC is 16-bit UTF-16) for the W entry
// points and for SQL_C_WCHAR data. Invalid input is replaced with U+FFFD rather
// than rejected: text from the server is already valid UTF-8, and a lone
// surrogate from an application should not abort a whole statement.
#ifndef QUIETFETCH_DRIVER_CORE_UNICODE_H_
#define QUIETFETCH_DRIVER_CORE_UNICODE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace quietfetch::core {

// `units` UTF-16 code units (not bytes) -> UTF-8.
std::string Utf16ToUtf8(const char16_t* data, size_t units);
// UTF-8 -> UTF-16, appended to `out`.
void AppendUtf8AsUtf16(std::string_view utf8, std::u16string& out);
std::u16string Utf8ToUtf16(std::string_view utf8);

// Length in code units of a NUL-terminated UTF-16 string.
size_t Utf16Length(const char16_t* data);

}  // namespace quietfetch::core

#endif  // QUIETFETCH_DRIVER_CORE_UNICODE_H_
