#include "merge/event_id.h"

#include <gtest/gtest.h>

#include "merge/corrections.h"

namespace sluice {
namespace {

EventSpec WithId(std::vector<std::string> id_paths) {
  EventSpec e;
  e.name = "Test";
  e.table = "test";
  ColumnSpec c;
  c.name = "a";
  c.path = *ParsePath("A");
  e.columns.push_back(c);
  for (const auto& p : id_paths) e.id.push_back(*ParsePath(p));
  return e;
}

std::optional<std::string> IdOf(const EventSpec& event, const std::string& json) {
  PayloadExtractor extractor(WithIdColumns(event));
  const std::string padded = Padded(json);
  EXPECT_TRUE(extractor.Extract(padded.data(), json.size(), padded.size()).ok()) << json;
  return ReadEventId(extractor, event);
}

TEST(EventId, OnePathIsTheValuesText) {
  const EventSpec e = WithId({"event_id"});
  EXPECT_EQ(IdOf(e, R"({"event_id": "77655190-b2eb", "A": 1})"), "77655190-b2eb");
  EXPECT_EQ(IdOf(e, R"({"event_id": 42})"), "42");               // a number as written
  EXPECT_EQ(IdOf(e, R"({"event_id": "a\"b"})"), "a\"b");          // a string unescaped
}

TEST(EventId, SeveralPathsAreAJsonArrayOfTheirTexts) {
  const EventSpec e = WithId({"EventItemId", "Meta.At"});
  EXPECT_EQ(IdOf(e, R"({"Meta": {"At": "2026-11-20T10:01:00Z"}, "EventItemId": "ITEM-1"})"),
            R"(["ITEM-1","2026-11-20T10:01:00Z"])");
  EXPECT_EQ(EventIdText({"ITEM-1", "2026-11-20T10:01:00Z"}), R"(["ITEM-1","2026-11-20T10:01:00Z"])");
  EXPECT_EQ(EventIdText({"a\"b", "c"}), R"(["a\"b","c"])");
}

TEST(EventId, AMissingOrNullPartMeansNoId) {
  const EventSpec e = WithId({"x", "y"});
  EXPECT_EQ(IdOf(e, R"({"x": "1"})"), std::nullopt);
  EXPECT_EQ(IdOf(e, R"({"x": "1", "y": null})"), std::nullopt);
  EXPECT_EQ(IdOf(WithId({}), R"({"x": "1"})"), std::nullopt);  // a type without id:
}

TEST(EventId, TheEventsOwnColumnsStillReadTheSameExtractor) {
  const EventSpec e = WithId({"A"});  // the id path is also a column
  PayloadExtractor extractor(WithIdColumns(e));
  const std::string json = R"({"A": "v"})";
  const std::string padded = Padded(json);
  ASSERT_TRUE(extractor.Extract(padded.data(), json.size(), padded.size()).ok());
  ASSERT_NE(extractor.Get(0, 0), nullptr);
  EXPECT_EQ(extractor.Get(0, 0)->text, "v");
  EXPECT_EQ(ReadEventId(extractor, e), "v");
}

}  // namespace
}  // namespace sluice
