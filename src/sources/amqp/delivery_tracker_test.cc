#include "sources/amqp/delivery_tracker.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(DeliveryTracker, AcksOnlyUpToTheFirstUnsettledDelivery) {
  DeliveryTracker t;
  for (uint64_t tag = 1; tag <= 5; ++tag) t.Delivered(tag);
  size_t count = 0;
  EXPECT_EQ(t.TakeAckable(&count), 0u);
  t.Settled(2);
  t.Settled(3);
  EXPECT_EQ(t.TakeAckable(&count), 0u) << "1 has not landed: acking 3 with multiple would ack it too";
  t.Settled(1);
  EXPECT_EQ(t.TakeAckable(&count), 3u);
  EXPECT_EQ(count, 3u);
  EXPECT_EQ(t.outstanding(), 2u);
  EXPECT_EQ(t.TakeAckable(&count), 0u) << "nothing new";
  t.Settled(5);
  EXPECT_EQ(t.TakeAckable(&count), 0u);
  t.Settled(4);
  EXPECT_EQ(t.TakeAckable(&count), 5u);
  EXPECT_EQ(count, 2u);
  EXPECT_EQ(t.outstanding(), 0u);
}

TEST(DeliveryTracker, SettlingUnknownOrAckedTagsChangesNothing) {
  DeliveryTracker t;
  t.Delivered(1);
  t.Delivered(2);
  t.Settled(1);
  size_t count = 0;
  EXPECT_EQ(t.TakeAckable(&count), 1u);
  t.Settled(1);   // already acked
  t.Settled(99);  // never delivered (an old channel's tag)
  EXPECT_EQ(t.TakeAckable(&count), 0u);
  EXPECT_EQ(t.outstanding(), 1u);
}

TEST(DeliveryTracker, AResetStartsANewChannelsTagsFromOne) {
  DeliveryTracker t;
  t.Delivered(1);
  t.Delivered(2);
  t.Settled(2);
  t.Reset();
  EXPECT_EQ(t.outstanding(), 0u);
  t.Delivered(1);
  t.Settled(1);
  size_t count = 0;
  EXPECT_EQ(t.TakeAckable(&count), 1u);
  EXPECT_EQ(count, 1u);
}

TEST(DeliveryTracker, ReleasedDeliveriesAreNotWaitedForAndNeverAcked) {
  DeliveryTracker t;
  for (uint64_t tag = 1; tag <= 4; ++tag) t.Delivered(tag);
  t.Settled(1);
  t.Released(2);
  t.Released(3);
  size_t count = 0;
  EXPECT_EQ(t.TakeAckable(&count), 1u) << "an ack naming 3 (nacked) would be a channel error";
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(t.outstanding(), 1u);
  t.Settled(4);
  EXPECT_EQ(t.TakeAckable(&count), 4u);
  EXPECT_EQ(count, 1u);
  t.Delivered(5);
  t.Released(5);
  EXPECT_EQ(t.TakeAckable(&count), 0u);
  EXPECT_EQ(t.outstanding(), 0u) << "released ones are forgotten even with nothing to ack";
}

TEST(DeliveryTracker, ASkippedTagIsNotWaitedFor) {
  DeliveryTracker t;
  t.Delivered(1);
  t.Delivered(3);
  t.Settled(1);
  size_t count = 0;
  EXPECT_EQ(t.TakeAckable(&count), 1u) << "2 never came on this channel; 3 is still landing";
  t.Settled(3);
  EXPECT_EQ(t.TakeAckable(&count), 3u);
}

}  // namespace
}  // namespace sluice
