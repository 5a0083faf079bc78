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

}  // namespace
}  // namespace sluice
