#include "base/utf8.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(Utf8, ValidTextIsKeptAndEachBadByteBecomesOneReplacementCharacter) {
  EXPECT_EQ(ValidUtf8("plain é ✓ 𝄞"), "plain é ✓ 𝄞");
  EXPECT_EQ(ValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(ValidUtf8("\xC3"), "\xEF\xBF\xBD");                          // truncated
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");          // overlong '/'
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(ValidUtf8("\xF4\x90\x80\x80").size(), 12u);                  // past U+10FFFF
}

TEST(Utf8, JsonQuoteEscapesWhatJsonRequiresAndIsAlwaysValid) {
  EXPECT_EQ(JsonQuote("say \"hi\"\\\n\r\t"), R"("say \"hi\"\\\n\r\t")");
  EXPECT_EQ(JsonQuote(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(JsonQuote("é\xFF"), "\"é\xEF\xBF\xBD\"");
  EXPECT_EQ(JsonQuote(""), "\"\"");
}

}  // namespace
}  // namespace sluice
