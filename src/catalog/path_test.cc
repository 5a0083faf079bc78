#include "catalog/path.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

PathSegment Field(std::string name) {
  PathSegment s;
  s.field = std::move(name);
  return s;
}

PathSegment Index(int64_t i) {
  PathSegment s;
  s.is_index = true;
  s.index = i;
  return s;
}

Path MustParse(std::string_view text) {
  auto p = ParsePath(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status().message();
  return p.ok() ? *p : Path{};
}

// The error message for `text`, which must not parse.
std::string ErrorOf(std::string_view text) {
  auto p = ParsePath(text);
  EXPECT_FALSE(p.ok()) << "'" << text << "' parsed";
  if (p.ok()) return "";
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  return p.status().message();
}

TEST(Path, SingleFieldIsOneSegment) {
  const Path p = MustParse("TenantId");
  EXPECT_FALSE(p.relative_to_item);
  EXPECT_EQ(p.segments, std::vector<PathSegment>{Field("TenantId")});
  EXPECT_EQ(p.text, "TenantId");
}

TEST(Path, DottedNamesAreNestedFields) {
  const Path p = MustParse("Customer.Address.Zip");
  EXPECT_FALSE(p.relative_to_item);
  EXPECT_EQ(p.segments, (std::vector<PathSegment>{Field("Customer"), Field("Address"), Field("Zip")}));
}

TEST(Path, BracketIndexesAreIndexSegments) {
  const Path p = MustParse("Lines[0].Sku");
  EXPECT_EQ(p.segments, (std::vector<PathSegment>{Field("Lines"), Index(0), Field("Sku")}));
}

TEST(Path, ConsecutiveIndexesNestArrays) {
  const Path p = MustParse("Grid[2][13]");
  EXPECT_EQ(p.segments, (std::vector<PathSegment>{Field("Grid"), Index(2), Index(13)}));
}

TEST(Path, ItemAloneIsTheElementItself) {
  const Path p = MustParse("item");
  EXPECT_TRUE(p.relative_to_item);
  EXPECT_TRUE(p.segments.empty());
}

TEST(Path, ItemDotFieldIsRelativeToTheElement) {
  const Path p = MustParse("item.Amount");
  EXPECT_TRUE(p.relative_to_item);
  EXPECT_EQ(p.segments, std::vector<PathSegment>{Field("Amount")});
}

TEST(Path, ItemWithIndexIsRelativeToTheElement) {
  const Path p = MustParse("item[1].X");
  EXPECT_TRUE(p.relative_to_item);
  EXPECT_EQ(p.segments, (std::vector<PathSegment>{Index(1), Field("X")}));
}

TEST(Path, QuotedItemIsAFieldNamedItem) {
  const Path p = MustParse("\"item\"");
  EXPECT_FALSE(p.relative_to_item);
  EXPECT_EQ(p.segments, std::vector<PathSegment>{Field("item")});
  const Path q = MustParse("\"item\".Amount");
  EXPECT_FALSE(q.relative_to_item);
  EXPECT_EQ(q.segments, (std::vector<PathSegment>{Field("item"), Field("Amount")}));
}

TEST(Path, ItemAfterTheFirstSegmentIsAField) {
  const Path p = MustParse("Order.item");
  EXPECT_FALSE(p.relative_to_item);
  EXPECT_EQ(p.segments, (std::vector<PathSegment>{Field("Order"), Field("item")}));
}

TEST(Path, NamesThatOnlyStartWithItemAreFields) {
  const Path p = MustParse("items.Sku");
  EXPECT_FALSE(p.relative_to_item);
  EXPECT_EQ(p.segments, (std::vector<PathSegment>{Field("items"), Field("Sku")}));
}

TEST(Path, QuotedSegmentMayContainSpaces) {
  const Path p = MustParse("\"Zip Code\"");
  EXPECT_EQ(p.segments, std::vector<PathSegment>{Field("Zip Code")});
  const Path q = MustParse("Address.\"Zip Code\"");
  EXPECT_EQ(q.segments, (std::vector<PathSegment>{Field("Address"), Field("Zip Code")}));
}

TEST(Path, QuotedSegmentMayContainDotsAndBrackets) {
  const Path p = MustParse("\"a.b\".c");
  EXPECT_EQ(p.segments, (std::vector<PathSegment>{Field("a.b"), Field("c")}));
  const Path q = MustParse("\"x[0]\"[1]");
  EXPECT_EQ(q.segments, (std::vector<PathSegment>{Field("x[0]"), Index(1)}));
}

TEST(Path, QuotedSegmentUnescapesQuoteAndBackslash) {
  const Path p = MustParse(R"("say \"hi\"".x)");
  EXPECT_EQ(p.segments, (std::vector<PathSegment>{Field("say \"hi\""), Field("x")}));
  const Path q = MustParse(R"("back\\slash")");
  EXPECT_EQ(q.segments, std::vector<PathSegment>{Field("back\\slash")});
}

TEST(Path, EmptyQuotedSegmentIsAFieldWithEmptyName) {
  // JSON allows "" as a key; a quoted segment is the only way to reach it.
  const Path p = MustParse("a.\"\"");
  EXPECT_EQ(p.segments, (std::vector<PathSegment>{Field("a"), Field("")}));
}

TEST(Path, TextKeepsThePathAsWritten) {
  EXPECT_EQ(MustParse("item.\"Zip Code\"").text, "item.\"Zip Code\"");
}

TEST(Path, EqualityIgnoresTheSpelling) {
  EXPECT_EQ(MustParse("\"a\".b"), MustParse("a.b"));
  EXPECT_FALSE(MustParse("item.a") == MustParse("a"));
}

TEST(Path, LargeIndexIsKept) {
  EXPECT_EQ(MustParse("a[1234567890123]").segments[1], Index(1234567890123));
}

TEST(Path, EmptyPathIsAnError) {
  const std::string msg = ErrorOf("");
  EXPECT_NE(msg.find("empty"), std::string::npos) << msg;
  EXPECT_NE(msg.find("character 1"), std::string::npos) << msg;
}

TEST(Path, TrailingDotIsAnErrorAtItsPosition) {
  // "a.b." has 4 characters; the problem is after the dot.
  const std::string msg = ErrorOf("a.b.");
  EXPECT_NE(msg.find("'a.b.'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("character 5"), std::string::npos) << msg;
}

TEST(Path, DoubleDotIsAnErrorAtTheEmptySegment) {
  const std::string msg = ErrorOf("a..b");
  EXPECT_NE(msg.find("character 3"), std::string::npos) << msg;
}

TEST(Path, LeadingDotIsAnError) {
  const std::string msg = ErrorOf(".a");
  EXPECT_NE(msg.find("character 1"), std::string::npos) << msg;
}

TEST(Path, UnclosedQuoteIsAnError) {
  const std::string msg = ErrorOf("a.\"Zip Code");
  EXPECT_NE(msg.find("unterminated"), std::string::npos) << msg;
  EXPECT_NE(msg.find("character "), std::string::npos) << msg;
}

TEST(Path, NonNumericIndexIsAnErrorAtItsPosition) {
  const std::string msg = ErrorOf("a[x]");
  EXPECT_NE(msg.find("character 3"), std::string::npos) << msg;
}

TEST(Path, NegativeAndEmptyIndexesAreErrors) {
  ErrorOf("a[-1]");
  ErrorOf("a[]");
}

TEST(Path, UnclosedIndexIsAnError) {
  const std::string msg = ErrorOf("a[12");
  EXPECT_NE(msg.find("']'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("character 5"), std::string::npos) << msg;
}

TEST(Path, IndexTooLargeForInt64IsAnError) { ErrorOf("a[99999999999999999999]"); }

TEST(Path, PathCannotStartWithAnIndex) { ErrorOf("[0].a"); }

TEST(Path, SpaceInAnUnquotedNameIsAnErrorThatSuggestsQuoting) {
  const std::string msg = ErrorOf("Zip Code");
  EXPECT_NE(msg.find("character 4"), std::string::npos) << msg;
  EXPECT_NE(msg.find("quote"), std::string::npos) << msg;
}

TEST(Path, StrayCharactersAfterASegmentAreErrors) {
  ErrorOf("a]");
  ErrorOf("\"a\"b");     // text right after a closing quote
  ErrorOf("a[0]b");      // text right after an index
  ErrorOf("a\"b\"");     // a quote inside an unquoted name
}

TEST(Path, OnlyQuoteAndBackslashMayBeEscaped) {
  const std::string msg = ErrorOf(R"("a\nb")");
  EXPECT_NE(msg.find("\\\""), std::string::npos) << msg;  // names the escapes allowed
  EXPECT_NE(msg.find("character "), std::string::npos) << msg;
}

TEST(Path, EscapeAtTheEndOfTheTextIsAnError) { ErrorOf("\"abc\\"); }

}  // namespace
}  // namespace sluice
