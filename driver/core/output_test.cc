#include "driver/core/output.h"

#include <string>

#include "driver/core/status.h"
#include "driver/core/unicode.h"
#include "gtest/gtest.h"

namespace quietfetch::core {
namespace {

TEST(WriteStringTest, AnsiFitsAndTruncates) {
  char buffer[6];
  Diagnostics diag;
  auto n = WriteString("hello", {buffer, sizeof(buffer), false, false}, &diag);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 5);
  EXPECT_STREQ(buffer, "hello");
  EXPECT_FALSE(diag.has_warning());

  n = WriteString("hello world", {buffer, sizeof(buffer), false, false}, &diag);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 11);  // the full length, not what fit
  EXPECT_STREQ(buffer, "hello");
  ASSERT_TRUE(diag.has_warning());
  EXPECT_EQ(diag.records()[0].sqlstate, "01004");
}

TEST(WriteStringTest, AnsiDoesNotSplitUtf8Sequences) {
  char buffer[3];
  Diagnostics diag;
  auto n = WriteString("a\xC3\xA9", {buffer, sizeof(buffer), false, false}, &diag);  // "aé"
  ASSERT_TRUE(n.ok());
  EXPECT_STREQ(buffer, "a");
  EXPECT_TRUE(diag.has_warning());
}

TEST(WriteStringTest, WideCountsCharactersOrBytes) {
  char16_t buffer[8];
  auto n = WriteString("h\xF0\x9F\x98\x80", {buffer, 8, true, false});  // "h😀"
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3);  // UTF-16 units
  EXPECT_EQ(buffer[0], u'h');
  EXPECT_EQ(buffer[1], 0xD83D);
  EXPECT_EQ(buffer[2], 0xDE00);
  EXPECT_EQ(buffer[3], 0);

  n = WriteString("abc", {buffer, sizeof(buffer), true, true});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 6);  // bytes
}

TEST(WriteStringTest, WideDoesNotSplitSurrogatePairs) {
  char16_t buffer[3];
  Diagnostics diag;
  auto n = WriteString("h\xF0\x9F\x98\x80", {buffer, 3, true, false}, &diag);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(buffer[0], u'h');
  EXPECT_EQ(buffer[1], 0);
  EXPECT_TRUE(diag.has_warning());
}

TEST(WriteStringTest, NullBufferReportsLengthOnly) {
  auto n = WriteString("hello", {nullptr, 0, false, false});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 5);
}

TEST(WriteStringTest, NegativeLengthIsHY090) {
  char buffer[4];
  EXPECT_EQ(SqlStateOf(WriteString("x", {buffer, -1, false, false}).status()), "HY090");
}

TEST(ReadStringTest, NtsExplicitAndWide) {
  EXPECT_EQ(*ReadString("abc", SQL_NTS, false), "abc");
  EXPECT_EQ(*ReadString("abcdef", 2, false), "ab");
  std::u16string wide = u"x\U0001F600";
  EXPECT_EQ(*ReadString(wide.c_str(), SQL_NTS, true), "x\xF0\x9F\x98\x80");
  EXPECT_EQ(*ReadString(nullptr, 0, false), "");
  EXPECT_EQ(SqlStateOf(ReadString(nullptr, 5, false).status()), "HY009");
  EXPECT_EQ(SqlStateOf(ReadString("abc", -7, false).status()), "HY090");
}

TEST(UnicodeTest, RoundTripsAndReplacesInvalid) {
  std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // aé€😀
  std::u16string wide = Utf8ToUtf16(text);
  EXPECT_EQ(wide, u"a\u00E9\u20AC\U0001F600");
  EXPECT_EQ(Utf16ToUtf8(wide.data(), wide.size()), text);
  // A lone surrogate and a broken sequence become U+FFFD instead of failing.
  char16_t lone[] = {0xD800, u'x'};
  EXPECT_EQ(Utf16ToUtf8(lone, 2), "\xEF\xBF\xBDx");
  EXPECT_EQ(Utf8ToUtf16("\xC3"), u"\uFFFD");
}

}  // namespace
}  // namespace quietfetch::core
