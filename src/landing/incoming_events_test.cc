#include "landing/incoming_events.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(IncomingEvents, ConsecutiveEventsOfOneTenantShareARun) {
  IncomingEvents events;
  events.Add(R"({"a":1})", "T1");
  events.Add(R"({"a":2})", "T1");
  events.Add(R"({"a":3})", "T2");
  events.Add(R"({"a":4})", "T1");
  EXPECT_EQ(events.count(), 4u);
  EXPECT_EQ(events.text(), "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"a\":4}\n");
  EXPECT_EQ(events.event_bytes(), 28u);
  ASSERT_EQ(events.runs().size(), 3u);
  EXPECT_EQ(events.runs()[0].tenant, "T1");
  EXPECT_EQ(events.text().substr(events.runs()[0].begin, events.runs()[0].end - events.runs()[0].begin),
            "{\"a\":1}\n{\"a\":2}\n");
  EXPECT_EQ(events.runs()[1].tenant, "T2");
  EXPECT_EQ(events.runs()[2].tenant, "T1");
  EXPECT_EQ(events.runs()[2].end, events.text().size());

  const auto list = events.List();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[2].line, R"({"a":3})");
  EXPECT_EQ(list[2].tenant, "T2");
  EXPECT_EQ(list[3].tenant, "T1");

  events.Clear();
  EXPECT_TRUE(events.empty());
  EXPECT_TRUE(events.runs().empty());
  EXPECT_TRUE(events.List().empty());
}

TEST(IncomingEvents, AppendKeepsTenantsAndJoinsAdjacentRuns) {
  IncomingEvents batch;
  batch.Add(R"({"a":1})", "T1");
  IncomingEvents message;
  message.Add(R"({"a":2})", "T1");
  message.Add(R"({"a":3})", "T2");
  batch.Append(message);
  batch.Append(message);
  EXPECT_EQ(batch.count(), 5u);
  ASSERT_EQ(batch.runs().size(), 4u);  // T1 (joined) | T2 | T1 | T2
  EXPECT_EQ(batch.text().substr(batch.runs()[0].begin, batch.runs()[0].end - batch.runs()[0].begin),
            "{\"a\":1}\n{\"a\":2}\n");
  const auto list = batch.List();
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(list[2].tenant, "T2");
  EXPECT_EQ(list[3].line, R"({"a":2})");
  EXPECT_EQ(list[3].tenant, "T1");
  EXPECT_EQ(list[4].line, R"({"a":3})");
  EXPECT_EQ(batch.runs().back().end, batch.text().size());
}

}  // namespace
}  // namespace sluice
