// SetJsonPath and ParseJsonAssignment: `--set PATH=JSON` edits the event's
// JSON text in place, so everything it does not touch stays byte for byte as
// delivered.
#include "corrections/json_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

namespace sluice {
namespace {

using ::testing::HasSubstr;

Path MustParsePath(std::string_view text) {
  auto p = ParsePath(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status().message();
  return p.ok() ? *p : Path{};
}

// `payload` with `path` set to `value`; fails the test when it is an error.
std::string Set(std::string_view payload, std::string_view path, std::string_view value) {
  auto out = SetJsonPath(payload, MustParsePath(path), value);
  EXPECT_TRUE(out.ok()) << payload << " / " << path << " = " << value << ": " << out.status().message();
  return out.ok() ? *out : std::string("<error>");
}

// The error of setting `path` in `payload`, which must fail with InvalidArgument.
std::string SetError(std::string_view payload, std::string_view path, std::string_view value) {
  auto out = SetJsonPath(payload, MustParsePath(path), value);
  EXPECT_FALSE(out.ok()) << payload << " / " << path << " = " << value << " gave " << (out.ok() ? *out : "");
  if (out.ok()) return "";
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  return out.status().message();
}

bool IsJson(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  return !parser.parse(simdjson::padded_string(text)).get(e);
}

// The error of parsing an assignment, which must fail with InvalidArgument.
std::string AssignmentError(std::string_view text) {
  auto a = ParseJsonAssignment(text);
  EXPECT_FALSE(a.ok()) << "'" << text << "' parsed";
  if (a.ok()) return "";
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  return a.status().message();
}

// --- SetJsonPath: replacing ---------------------------------------------------

TEST(JsonSet, ReplacesATopLevelFieldAndNothingElse) {
  EXPECT_EQ(Set(R"({"Id": "A1", "Status": "Ok", "n": 2})", "Status", R"("Failed")"),
            R"({"Id": "A1", "Status": "Failed", "n": 2})");
}

TEST(JsonSet, ReplacesTheFirstAndLastFieldsOfAnObject) {
  EXPECT_EQ(Set(R"({"a":1,"b":2,"c":3})", "a", "10"), R"({"a":10,"b":2,"c":3})");
  EXPECT_EQ(Set(R"({"a":1,"b":2,"c":3})", "c", "30"), R"({"a":1,"b":2,"c":30})");
}

TEST(JsonSet, ReplacesANestedField) {
  EXPECT_EQ(Set(R"({"a": {"b": 1, "c": {"d": "x"}}, "e": 0})", "a.c.d", R"("y")"),
            R"({"a": {"b": 1, "c": {"d": "y"}}, "e": 0})");
}

TEST(JsonSet, ReplacesAFieldOfAnArrayElement) {
  EXPECT_EQ(Set(R"({"L": [{"x": 1, "y": 1}, {"x": 2, "y": 2}, {"x": 3}]})", "L[1].y", "99.5"),
            R"({"L": [{"x": 1, "y": 1}, {"x": 2, "y": 99.5}, {"x": 3}]})");
}

TEST(JsonSet, ReplacesAWholeArrayElementAndNestedArrays) {
  EXPECT_EQ(Set(R"({"L": [1, 2, 3]})", "L[0]", "null"), R"({"L": [null, 2, 3]})");
  EXPECT_EQ(Set(R"({"L": [1, 2, 3]})", "L[2]", R"({"k": []})"), R"({"L": [1, 2, {"k": []}]})");
  EXPECT_EQ(Set(R"({"g": [[1, 2], [3, 4]]})", "g[1][0]", "9"), R"({"g": [[1, 2], [9, 4]]})");
}

TEST(JsonSet, ReplacesAnObjectOrArrayValueAsAWhole) {
  EXPECT_EQ(Set(R"({"a": {"b": [1, {"c": "}]"}]}, "d": 1})", "a", R"("flat")"), R"({"a": "flat", "d": 1})");
  EXPECT_EQ(Set(R"({"a": [[], {}], "d": 1})", "a", "[]"), R"({"a": [], "d": 1})");
}

TEST(JsonSet, ChangesTheTypeOfTheValue) {
  EXPECT_EQ(Set(R"({"a": "1.50"})", "a", "1.50"), R"({"a": 1.50})");
  EXPECT_EQ(Set(R"({"a": true})", "a", R"({"x":null})"), R"({"a": {"x":null}})");
}

TEST(JsonSet, OnlyTheTopLevelFieldIsReplacedWhenANestedOneHasTheSameName) {
  EXPECT_EQ(Set(R"({"inner": {"Status": "in"}, "list": [{"Status": "el"}], "Status": "top"})", "Status", R"("new")"),
            R"({"inner": {"Status": "in"}, "list": [{"Status": "el"}], "Status": "new"})");
}

TEST(JsonSet, AFieldWhoseNameStartsLikeThePathsIsNotMatched) {
  EXPECT_EQ(Set(R"({"StatusCode": 1, "Status": 2})", "Status", "3"), R"({"StatusCode": 1, "Status": 3})");
}

// --- SetJsonPath: keeping every other byte --------------------------------------

TEST(JsonSet, KeepsKeyOrderSpacingAndNumberSpellingsExactly) {
  const std::string before = "{ \"z\" :1.50,\n  \"a\":  1e3 ,\t\"m\": [1, 2 ,3],\"neg\":-0.0, \"s\" : \"x\" ,\"t\":true }";
  const std::string after = "{ \"z\" :1.50,\n  \"a\":  1e3 ,\t\"m\": [1, 2 ,3],\"neg\":-0.0, \"s\" : \"y\" ,\"t\":true }";
  EXPECT_EQ(Set(before, "s", R"("y")"), after);
}

TEST(JsonSet, KeepsSpacingAroundAReplacedNumber) {
  EXPECT_EQ(Set(R"({"a": 1 , "b": 2})", "a", "3"), R"({"a": 3 , "b": 2})");
  EXPECT_EQ(Set("{\"a\":\n1\n}", "a", "22"), "{\"a\":\n22\n}");
}

TEST(JsonSet, KeepsWhitespaceAroundTheWholeDocument) {
  EXPECT_EQ(Set("  {\"a\": 1}\n", "a", "2"), "  {\"a\": 2}\n");
}

TEST(JsonSet, KeepsEscapesInOtherStringsAsWritten) {
  EXPECT_EQ(Set(R"({"u": "\u00e9\n\/", "a": 1})", "a", "2"), R"({"u": "\u00e9\n\/", "a": 2})");
}

// --- SetJsonPath: strings that look like structure ------------------------------

TEST(JsonSet, StringsWithEscapedQuotesAndBracesAreSkippedWhole) {
  const std::string payload = R"({"note": "he said \"}\" {[", "x": "a\\", "list": ["]", "\"", "{"], "Status": "Ok"})";
  EXPECT_EQ(Set(payload, "Status", R"("Failed")"),
            R"({"note": "he said \"}\" {[", "x": "a\\", "list": ["]", "\"", "{"], "Status": "Failed"})");
  EXPECT_EQ(Set(payload, "list[2]", R"("}")"),
            R"({"note": "he said \"}\" {[", "x": "a\\", "list": ["]", "\"", "}"], "Status": "Ok"})");
}

TEST(JsonSet, AKeyWithEscapesIsMatchedByItsUnescapedName) {
  EXPECT_EQ(Set(R"({"a\"b": 1, "c": 2})", R"("a\"b")", "5"), R"({"a\"b": 5, "c": 2})");
  // \u0053 is S: the key is Status once unescaped.
  EXPECT_EQ(Set(R"({"\u0053tatus": "Ok"})", "Status", R"("Failed")"), R"({"\u0053tatus": "Failed"})");
}

TEST(JsonSet, AKeyInsideAStringValueIsNotAField) {
  // "Status" appears only inside a string: the field is missing, so it is added.
  EXPECT_EQ(Set(R"({"text": "{\"Status\": 1}"})", "Status", "2"), R"({"text": "{\"Status\": 1}","Status":2})");
}

// --- SetJsonPath: creating missing fields -----------------------------------------

TEST(JsonSet, CreatesAMissingTopLevelField) {
  const std::string out = Set(R"({"a": 1})", "Status", R"("Failed")");
  EXPECT_EQ(out, R"({"a": 1,"Status":"Failed"})");
  EXPECT_TRUE(IsJson(out));
}

TEST(JsonSet, CreatesAMissingFieldInsideAnExistingNestedObject) {
  EXPECT_EQ(Set(R"({"a": {"b": 1}, "c": 2})", "a.x", "true"), R"({"a": {"b": 1,"x":true}, "c": 2})");
}

TEST(JsonSet, CreatesAMissingFieldInsideAnArrayElement) {
  EXPECT_EQ(Set(R"({"L": [{"x": 1}, {"x": 2}]})", "L[1].y", "3"), R"({"L": [{"x": 1}, {"x": 2,"y":3}]})");
}

TEST(JsonSet, CreatesMissingNestedObjects) {
  const std::string out = Set(R"({"a": 1})", "x.y.z", R"("deep")");
  EXPECT_EQ(out, R"({"a": 1,"x":{"y":{"z":"deep"}}})");
  EXPECT_TRUE(IsJson(out));
  EXPECT_EQ(Set(R"({"x": {"a": 1}})", "x.y.z", "0"), R"({"x": {"a": 1,"y":{"z":0}}})");
}

TEST(JsonSet, CreatesAFieldInAnEmptyObject) {
  EXPECT_EQ(Set("{}", "a", "1"), R"({"a":1})");
  const std::string spaced = Set("{ \n }", "a", "1");
  EXPECT_TRUE(IsJson(spaced)) << spaced;
  EXPECT_EQ(spaced, "{ \n \"a\":1}");
  EXPECT_EQ(Set(R"({"o": {}, "p": 1})", "o.k", R"("v")"), R"({"o": {"k":"v"}, "p": 1})");
  EXPECT_EQ(Set("{}", "a.b", "[]"), R"({"a":{"b":[]}})");
}

TEST(JsonSet, ACreatedFieldNameIsEscaped) {
  const std::string out = Set("{}", R"("say \"hi\"")", "1");
  EXPECT_TRUE(IsJson(out)) << out;
  EXPECT_EQ(out, R"({"say \"hi\"":1})");
}

TEST(JsonSet, ACreatedFieldAfterAStringEndingInABraceIsPlacedAtTheObjectsEnd) {
  const std::string out = Set(R"({"a": "}", "b": {"c": "}"}})", "d", "1");
  EXPECT_EQ(out, R"({"a": "}", "b": {"c": "}"},"d":1})");
  EXPECT_TRUE(IsJson(out));
}

// --- SetJsonPath: errors -------------------------------------------------------------

TEST(JsonSet, AFieldInsideAStringIsAnErrorNamingTheField) {
  const std::string msg = SetError(R"({"a": "text"})", "a.b", "1");
  EXPECT_THAT(msg, HasSubstr("'b'"));
  EXPECT_THAT(msg, HasSubstr("not inside an object"));
  EXPECT_THAT(SetError(R"({"a": 5})", "a.b.c", "1"), HasSubstr("'b'"));
  EXPECT_THAT(SetError(R"({"a": [1]})", "a.b", "1"), HasSubstr("not inside an object"));
}

TEST(JsonSet, AnIndexPastTheEndIsAnError) {
  const std::string msg = SetError(R"({"L": [{"x": 1}]})", "L[1].x", "2");
  EXPECT_THAT(msg, HasSubstr("[1]"));
  EXPECT_THAT(msg, HasSubstr("past the end"));
  EXPECT_THAT(SetError(R"({"L": []})", "L[0]", "2"), HasSubstr("past the end"));
}

TEST(JsonSet, AnIndexIntoAMissingArrayIsAnError) {
  EXPECT_THAT(SetError(R"({"a": 1})", "L[0].x", "2"), HasSubstr("[0]"));
  EXPECT_THAT(SetError("{}", "a.L[3]", "2"), HasSubstr("[3]"));
}

TEST(JsonSet, AnIndexIntoANonArrayIsAnError) {
  EXPECT_THAT(SetError(R"({"L": {"0": 1}})", "L[0]", "2"), HasSubstr("not inside an array"));
  EXPECT_THAT(SetError(R"({"L": "abc"})", "L[0]", "2"), HasSubstr("not inside an array"));
}

TEST(JsonSet, APathRelativeToTheFlattenedItemIsAnError) {
  EXPECT_THAT(SetError(R"({"Amount": 1})", "item.Amount", "2"), HasSubstr("must name a field of the event"));
  EXPECT_THAT(SetError(R"({"Amount": 1})", "item", "2"), HasSubstr("must name a field of the event"));
}

TEST(JsonSet, AFieldOfANonObjectDocumentIsAnError) {
  EXPECT_THAT(SetError("[1, 2]", "a", "1"), HasSubstr("not inside an object"));
  EXPECT_THAT(SetError(R"("text")", "a", "1"), HasSubstr("not inside an object"));
}

// --- ParseJsonAssignment ----------------------------------------------------------------

TEST(JsonAssignment, SplitsPathAndJsonValue) {
  auto a = ParseJsonAssignment(R"(Status="Failed")");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->path, MustParsePath("Status"));
  EXPECT_EQ(a->path.text, "Status");
  EXPECT_EQ(a->value, R"("Failed")");

  auto b = ParseJsonAssignment("EntryList[0].Amount=99.5");
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_EQ(b->path, MustParsePath("EntryList[0].Amount"));
  EXPECT_EQ(b->value, "99.5");
}

TEST(JsonAssignment, AcceptsEveryKindOfJsonValue) {
  for (const char* value : {"null", "true", "false", "0", "-1.5e3", R"("")", R"({"a":[1,{"b":null}]})", "[]"}) {
    auto a = ParseJsonAssignment(std::string("x=") + value);
    ASSERT_TRUE(a.ok()) << value << ": " << a.status().message();
    EXPECT_EQ(a->value, value);
  }
}

TEST(JsonAssignment, AnEqualsSignInsideTheValueBelongsToTheValue) {
  auto a = ParseJsonAssignment(R"(Note="a=b")");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->path.text, "Note");
  EXPECT_EQ(a->value, R"("a=b")");
}

TEST(JsonAssignment, AQuotedPathSegmentMayContainAnEqualsSign) {
  // Quoted segments take any name (path.h); the PATH ends at the first `=` outside quotes.
  auto a = ParseJsonAssignment(R"("a=b".c=1)");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->path, MustParsePath(R"("a=b".c)"));
  EXPECT_EQ(a->value, "1");
}

TEST(JsonAssignment, AValueThatIsNotJsonIsAnErrorWithAHint) {
  const std::string msg = AssignmentError("Status=Failed");
  EXPECT_THAT(msg, HasSubstr("Status=Failed"));
  EXPECT_THAT(msg, HasSubstr("not JSON"));
  EXPECT_THAT(msg, HasSubstr(R"(Status='"Failed"')"));
  EXPECT_THAT(AssignmentError("Status="), HasSubstr("not JSON"));
  EXPECT_THAT(AssignmentError(R"(a={"x":)"), HasSubstr("not JSON"));
  EXPECT_THAT(AssignmentError("a=1 2"), HasSubstr("not JSON"));
}

TEST(JsonAssignment, TextWithoutAnEqualsSignIsAnError) {
  EXPECT_THAT(AssignmentError("Status"), HasSubstr("must be PATH=JSON"));
}

TEST(JsonAssignment, APathThatDoesNotParseIsAnError) {
  EXPECT_THAT(AssignmentError(R"(a..b="x")"), HasSubstr("does not parse"));
  EXPECT_THAT(AssignmentError(R"(=1)"), HasSubstr("does not parse"));
  EXPECT_THAT(AssignmentError(R"(L[x]=1)"), HasSubstr("does not parse"));
}

TEST(JsonAssignment, APathRelativeToTheItemIsAnError) {
  EXPECT_THAT(AssignmentError("item.Amount=1"), HasSubstr("must name a field of the event"));
}

}  // namespace
}  // namespace sluice
