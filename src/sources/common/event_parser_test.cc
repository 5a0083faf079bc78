#include "sources/common/event_parser.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/files.h"
#include "testing/json_corpus.h"

namespace sluice {
namespace {

EventSpec Spec(const std::string& tenant_path = "") {
  EventSpec spec;
  spec.name = "Order";
  spec.table = "orders";
  if (!tenant_path.empty()) spec.tenant = ParsePath(tenant_path).value();
  return spec;
}

struct Parsed {
  RequestOutcome error;
  std::vector<IncomingEvent> events;
};

Parsed Parse(std::string_view body, BodyFormat format, const EventSpec& spec = Spec(), size_t max_event = 1 << 20) {
  EventParser parser;
  Parsed p;
  IncomingEvents events;
  p.error = parser.Parse(body, format, spec, max_event, &events);
  p.events = events.List();
  return p;
}

std::vector<std::string> Lines(const Parsed& p) {
  std::vector<std::string> out;
  for (const auto& e : p.events) out.push_back(e.line);
  return out;
}

TEST(EventParser, SingleObjectIsMinifiedIntoOneLine) {
  const auto p = Parse("  {\n  \"a\": 1,\n  \"b\": [1, 2],\n  \"s\": \"x y\"\n}\n", BodyFormat::kJson);
  ASSERT_FALSE(p.error) << p.error->message;
  ASSERT_EQ(Lines(p), std::vector<std::string>{R"({"a":1,"b":[1,2],"s":"x y"})"});
  EXPECT_EQ(p.events[0].tenant, "_none");
}

TEST(EventParser, ArrayElementsBecomeOneMinifiedLineEach) {
  const auto p = Parse("[ {\"a\": 1},\n {\"b\": \"]}\\\"[{,\"} , {} ]", BodyFormat::kJson);
  ASSERT_FALSE(p.error) << p.error->message;
  EXPECT_EQ(Lines(p), (std::vector<std::string>{R"({"a":1})", R"({"b":"]}\"[{,"})", "{}"}));
}

TEST(EventParser, NdjsonLinesLandExactlyAsReceivedWithoutLineEndings) {
  const auto p = Parse("{\"a\": 1}\r\n\n   \n{ \"b\":2 }\r\n{\"c\":3}", BodyFormat::kNdjson);
  ASSERT_FALSE(p.error) << p.error->message;
  EXPECT_EQ(Lines(p), (std::vector<std::string>{R"({"a": 1})", R"({ "b":2 })", R"({"c":3})"}));
}

TEST(EventParser, MalformedNdjsonLineIsReportedByNumberAndNothingIsReturned) {
  const auto p = Parse("{\"a\":1}\n\n{\"a\":2,}\n{\"a\":3}\n", BodyFormat::kNdjson);
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->status, 400);
  EXPECT_EQ(p.error->line, 3);
  EXPECT_EQ(p.error->index, -1);
  EXPECT_EQ(p.error->message.rfind("line 3: invalid JSON", 0), 0u) << p.error->message;
  EXPECT_TRUE(p.events.empty());
}

TEST(EventParser, MalformedArrayElementIsReportedByIndex) {
  for (const std::string body : {R"([{"a":1}, {"a":tru}])", R"([{"a":1}, {"a":1]])", R"([{}, {]}])"}) {
    const auto p = Parse(body, BodyFormat::kJson);
    ASSERT_TRUE(p.error) << body;
    EXPECT_EQ(p.error->index, 1) << body << ": " << p.error->message;
    EXPECT_EQ(p.error->message.rfind("element 1: ", 0), 0u) << p.error->message;
    EXPECT_TRUE(p.events.empty());
  }
}

TEST(EventParser, BrokenArraysAreRejected) {
  for (const std::string body : {"[{},]", "[,{}]", "[{},,{}]", "[{}", "[{}] x", "[{}]]", "[{\"a\":\"]", "[{} {}]",
                                 "[]", "[ ]"}) {
    const auto p = Parse(body, BodyFormat::kJson);
    ASSERT_TRUE(p.error) << body;
    EXPECT_EQ(p.error->status, 400) << body;
  }
}

TEST(EventParser, EventsMustBeObjects) {
  for (const auto& [body, format] : std::vector<std::pair<std::string, BodyFormat>>{
           {"[1]", BodyFormat::kJson},
           {"[{}, \"s\"]", BodyFormat::kJson},
           {"\"s\"", BodyFormat::kJson},
           {"42", BodyFormat::kJson},
           {"{}\n[]\n", BodyFormat::kNdjson},
           {"null", BodyFormat::kNdjson}}) {
    const auto p = Parse(body, format);
    ASSERT_TRUE(p.error) << body;
    EXPECT_EQ(p.error->status, 400);
  }
  const auto p = Parse("{}\n[]\n", BodyFormat::kNdjson);
  EXPECT_EQ(p.error->line, 2);
  EXPECT_NE(p.error->message.find("must be a JSON object, not an array"), std::string::npos) << p.error->message;
}

TEST(EventParser, InvalidUtf8IsAnError) {
  const auto p = Parse("{\"a\":\"ok\"}\n{\"a\":\"\xff\xfe\"}\n", BodyFormat::kNdjson);
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->line, 2);
  const auto q = Parse("[{\"a\":\"\xc3\x28\"}]", BodyFormat::kJson);
  ASSERT_TRUE(q.error);
  EXPECT_EQ(q.error->index, 0);
}

TEST(EventParser, EmptyBodiesHoldNoEvents) {
  for (const auto format : {BodyFormat::kJson, BodyFormat::kNdjson}) {
    for (const std::string body : {"", "\n\n", "  \r\n"}) {
      const auto p = Parse(body, format);
      ASSERT_TRUE(p.error);
      EXPECT_EQ(p.error->status, 400);
    }
  }
}

TEST(EventParser, EventOverMaxEventIs413NamingIt) {
  const std::string big = R"({"a":")" + std::string(100, 'x') + R"("})";
  const auto p = Parse("{}\n" + big + "\n", BodyFormat::kNdjson, Spec(), 64);
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->status, 413);
  EXPECT_EQ(p.error->reason, reason::kEventTooLarge);
  EXPECT_EQ(p.error->line, 2);
  const auto q = Parse("[{}, " + big + "]", BodyFormat::kJson, Spec(), 64);
  ASSERT_TRUE(q.error);
  EXPECT_EQ(q.error->status, 413);
  EXPECT_EQ(q.error->index, 1);
  const auto r = Parse(big, BodyFormat::kJson, Spec(), 64);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 413);
}

TEST(EventParser, TenantIsReadAtTheSpecPath) {
  const EventSpec spec = Spec("customer.ids[1]");
  auto tenant = [&](const std::string& body) {
    const auto p = Parse(body, BodyFormat::kNdjson, spec);
    EXPECT_FALSE(p.error) << body;
    return p.events.empty() ? "?" : p.events[0].tenant;
  };
  EXPECT_EQ(tenant(R"({"customer":{"ids":["x","T001"]}})"), "T001");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, 42]}})"), "42");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, -7]}})"), "-7");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, 18446744073709551615]}})"), "18446744073709551615");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, 1.5]}})"), "1.5");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, true]}})"), "true");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, null]}})"), "_none");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0]}})"), "_none");
  EXPECT_EQ(tenant(R"({"customer":{"ids":{"1":"x"}}})"), "_none");
  EXPECT_EQ(tenant(R"({"customer":"flat"})"), "_none");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, {"a":1}]}})"), "_none");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, "../etc"]}})"), ".._etc");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, "a\/b"]}})"), "a_b");  // unescaped, then made safe
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0,"first"]},"customer":{"ids":[0,"last"]}})"), "last");
  EXPECT_EQ(tenant(R"({"other":1})"), "_none");
  // Tenants never share sluice's own folders: "_none" (no tenant), "_load" (sluice load).
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, "_none"]}})"), "__none");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, "_load"]}})"), "__load");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, "__load"]}})"), "___load");
  EXPECT_EQ(tenant(R"({"customer":{"ids":[0, "/load"]}})"), "__load");  // made safe, then kept apart
}

TEST(EventParser, DeepNestingIsAnErrorNotACrash) {
  const std::string deep =
      testing::ReadFile(testing::JsonCorpusDir() + "/n_structure_100000_opening_arrays.json");
  for (const auto format : {BodyFormat::kJson, BodyFormat::kNdjson}) {
    const auto p = Parse(deep, format);
    ASSERT_TRUE(p.error);
    EXPECT_EQ(p.error->status, 400);
  }
  const std::string nested = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  const auto p = Parse(nested, BodyFormat::kNdjson);
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->line, 1);
  const auto q = Parse("[" + nested + "]", BodyFormat::kJson, Spec(), 1 << 21);
  ASSERT_TRUE(q.error);
  EXPECT_EQ(q.error->index, 0);
}

// Every file of the conformance corpus, as an application/json body and as
// NDJSON: n_ files are rejected, y_ objects accepted, nothing crashes.
TEST(EventParser, ConformanceCorpusNRejectedYObjectsAcceptedNothingCrashes) {
  const std::vector<std::filesystem::path> files = testing::JsonCorpusFiles();
  ASSERT_GT(files.size(), 300u);
  EventParser parser;  // one parser for all: state must not leak between bodies
  const EventSpec spec = Spec("a.b[0]");
  int y_objects = 0;
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    const std::string content = testing::ReadFile(file.string());
    for (const auto format : {BodyFormat::kJson, BodyFormat::kNdjson}) {
      IncomingEvents events;
      const auto error = parser.Parse(content, format, spec, 1 << 20, &events);
      if (name[0] == 'n') {
        EXPECT_TRUE(error) << name << (format == BodyFormat::kJson ? " json" : " ndjson");
      }
      if (error) {
        EXPECT_TRUE(events.empty()) << name;
        EXPECT_TRUE(error->status == 400 || error->status == 413) << name;
      }
      for (const auto& e : events.List()) EXPECT_EQ(e.line.find('\n'), std::string::npos) << name;
    }
    const size_t first = content.find_first_not_of(" \t\r\n");
    if (name[0] == 'y' && first != std::string::npos && content[first] == '{') {
      ++y_objects;
      IncomingEvents events;
      const auto error = parser.Parse(content, BodyFormat::kJson, spec, 1 << 20, &events);
      EXPECT_FALSE(error) << name << ": " << (error ? error->message : "");
      EXPECT_EQ(events.count(), 1u) << name;
    }
  }
  EXPECT_GT(y_objects, 10);
}

}  // namespace
}  // namespace sluice
