#include <gtest/gtest.h>

#include "warehouse/postgres/pg_internal.h"

namespace sluice {
namespace {

TEST(PgCopy, FieldsEscapeBackslashTabNewlineAndCarriageReturn) {
  std::string line;
  AppendCopyField("a\\b\tc\nd\re", &line);
  EXPECT_EQ(line, "a\\\\b\\tc\\nd\\re");
  line.clear();
  AppendCopyField(R"({"s":"x\"y"})", &line);
  EXPECT_EQ(line, R"({"s":"x\\"y"})");
  line.clear();
  AppendCopyNull(&line);
  EXPECT_EQ(line, "\\N");
}

TEST(PgSafeText, ValidUtf8IsKeptAndInvalidBytesAndNulBecomeTheReplacementCharacter) {
  EXPECT_EQ(PgSafeText("plain é ✓"), "plain é ✓");
  EXPECT_EQ(PgSafeText(std::string("a\0b", 3)), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(PgSafeText("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(PgSafeText("\xC3"), "\xEF\xBF\xBD");          // truncated sequence
  EXPECT_EQ(PgSafeText("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate is not UTF-8
}

TEST(JsonbRefusal, OnlyAnActualNulEscapeIsRefused) {
  EXPECT_TRUE(JsonbRefusal(R"({"a":"x\u0000y"})"));
  EXPECT_TRUE(JsonbRefusal(R"({"a":"\\\u0000"})"));   // an escaped backslash, then the escape
  EXPECT_FALSE(JsonbRefusal(R"({"a":"\\u0000"})"));   // a backslash and the text u0000
  EXPECT_FALSE(JsonbRefusal(R"({"a":"\u0001"})"));
  EXPECT_FALSE(JsonbRefusal(R"({"a":1})"));
}

}  // namespace
}  // namespace sluice
