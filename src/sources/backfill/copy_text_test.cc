// ParseCopyTextLine: one line of PostgreSQL's COPY … TO STDOUT text format
// (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format")
// split at tabs into fields, \N as NULL, backslash escapes decoded.
#include "sources/backfill/copy_text.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace sluice {
namespace {

using Field = std::optional<std::string>;

CopyFields Parse(std::string_view line) {
  CopyFields fields;
  ParseCopyTextLine(line, &fields);
  return fields;
}

TEST(CopyTextLine, SplitsAtTabsIntoOneFieldPerColumn) {
  EXPECT_EQ(Parse("1\tabc\t2026-01-01 10:00:00"), (CopyFields{"1", "abc", "2026-01-01 10:00:00"}));
}

TEST(CopyTextLine, ALineWithoutTabsIsOneField) {
  EXPECT_EQ(Parse("{\"a\": 1}"), (CopyFields{"{\"a\": 1}"}));
}

TEST(CopyTextLine, BackslashCapitalNIsNull) {
  const CopyFields fields = Parse("1\t\\N\tx\t\\N");
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0], Field("1"));
  EXPECT_EQ(fields[1], std::nullopt);
  EXPECT_EQ(fields[2], Field("x"));
  EXPECT_EQ(fields[3], std::nullopt);
}

TEST(CopyTextLine, OnlyAWholeFieldOfBackslashNIsNull) {
  // The text "\N" is written by COPY as "\\N"; "\Nx" is not the NULL marker.
  EXPECT_EQ(Parse("\\\\N\t\\Nx\tN"), (CopyFields{"\\N", "Nx", "N"}));
}

TEST(CopyTextLine, EmptyFieldsAreEmptyStringsNotNull) {
  EXPECT_EQ(Parse("a\t\tb"), (CopyFields{"a", "", "b"}));
  EXPECT_EQ(Parse(""), (CopyFields{""}));  // one text column holding ''
  EXPECT_EQ(Parse("\t"), (CopyFields{"", ""}));
}

TEST(CopyTextLine, ATrailingTabEndsWithAnEmptyField) {
  EXPECT_EQ(Parse("a\tb\t"), (CopyFields{"a", "b", ""}));
}

TEST(CopyTextLine, ALeadingTabStartsWithAnEmptyField) {
  EXPECT_EQ(Parse("\ta"), (CopyFields{"", "a"}));
}

TEST(CopyTextLine, DecodesTheControlCharacterEscapes) {
  EXPECT_EQ(Parse("a\\tb\tline1\\nline2\tcr\\r\tbs\\b\tff\\f\tvt\\v"),
            (CopyFields{"a\tb", "line1\nline2", "cr\r", "bs\b", "ff\f", "vt\v"}));
}

TEST(CopyTextLine, AnEscapedTabDoesNotSplitTheField) {
  const CopyFields fields = Parse("x\\ty\tz");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0], Field("x\ty"));
}

TEST(CopyTextLine, DoubledBackslashIsOneBackslash) {
  EXPECT_EQ(Parse("C:\\\\temp\\\\new\t\\\\"), (CopyFields{"C:\\temp\\new", "\\"}));
  // "\\n" is a backslash followed by n, not a newline.
  EXPECT_EQ(Parse("\\\\n"), (CopyFields{"\\n"}));
}

TEST(CopyTextLine, DecodesOctalEscapesOfOneToThreeDigits) {
  EXPECT_EQ(Parse("\\101\\102"), (CopyFields{"AB"}));
  EXPECT_EQ(Parse("\\7"), (CopyFields{std::string(1, '\7')}));
  EXPECT_EQ(Parse("\\12x"), (CopyFields{"\nx"}));
  EXPECT_EQ(Parse("\\0"), (CopyFields{std::string(1, '\0')}));
  // At most three digits: the fourth is an ordinary character.
  EXPECT_EQ(Parse("\\1011"), (CopyFields{"A1"}));
  // 8 and 9 are not octal digits.
  EXPECT_EQ(Parse("\\18"), (CopyFields{std::string(1, '\1') + "8"}));
  // A byte of a multi-byte UTF-8 character (é = \303\251).
  EXPECT_EQ(Parse("caf\\303\\251"), (CopyFields{"caf\xc3\xa9"}));
}

TEST(CopyTextLine, DecodesHexEscapesOfOneOrTwoDigits) {
  EXPECT_EQ(Parse("\\x41\\x6a"), (CopyFields{"Aj"}));
  EXPECT_EQ(Parse("\\x4A"), (CopyFields{"J"}));
  EXPECT_EQ(Parse("\\x9"), (CopyFields{"\t"}));
  // At most two digits: the third is an ordinary character.
  EXPECT_EQ(Parse("\\x414"), (CopyFields{"A4"}));
  // \x without a hex digit is the letter x.
  EXPECT_EQ(Parse("\\xg"), (CopyFields{"xg"}));
}

TEST(CopyTextLine, AnyOtherEscapedCharacterStandsForItself) {
  EXPECT_EQ(Parse("\\a\\.\\\""), (CopyFields{"a.\""}));
}

TEST(CopyTextLine, ALoneBackslashAtTheEndOfAFieldIsKept) {
  EXPECT_EQ(Parse("abc\\\tdef\\"), (CopyFields{"abc\\", "def\\"}));
}

TEST(CopyTextLine, NonAsciiBytesPassThrough) {
  EXPECT_EQ(Parse("zürich\t東京"), (CopyFields{"zürich", "東京"}));
}

TEST(CopyTextLine, AJsonbPayloadAsCopyWritesIt) {
  // jsonb text with a string holding a newline and a tab ("a\nb", "c\td")
  // and a backslash: JSON escapes are backslashes, which COPY doubles.
  const std::string copy = "7\t{\"s\": \"a\\\\nb\", \"t\": \"c\\\\td\", \"p\": \"x\\\\\\\\y\"}";
  EXPECT_EQ(Parse(copy), (CopyFields{"7", R"({"s": "a\nb", "t": "c\td", "p": "x\\y"})"}));
}

TEST(CopyTextLine, ReusedFieldsAreResizedToTheNewLine) {
  CopyFields fields;
  ParseCopyTextLine("a\tb\tc\td", &fields);
  ASSERT_EQ(fields.size(), 4u);
  ParseCopyTextLine("\\N\te", &fields);
  EXPECT_EQ(fields, (CopyFields{std::nullopt, "e"}));
}

}  // namespace
}  // namespace sluice
