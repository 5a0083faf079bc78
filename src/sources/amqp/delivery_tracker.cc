#include "sources/amqp/delivery_tracker.h"

namespace sluice {

void DeliveryTracker::Delivered(uint64_t tag) {
  if (settled_.empty()) first_ = tag;
  // Tags are consecutive on a channel; were one ever skipped (not ours), it is
  // treated as settled, as acking past it with `multiple` would anyway.
  while (first_ + settled_.size() < tag) settled_.push_back(true);
  if (tag >= first_ + settled_.size()) settled_.push_back(false);
}

void DeliveryTracker::Settled(uint64_t tag) {
  if (tag < first_ || tag >= first_ + settled_.size()) return;  // already acked, or from an old channel
  settled_[tag - first_] = true;
}

uint64_t DeliveryTracker::TakeAckable(size_t* count) {
  uint64_t last = 0;
  *count = 0;
  while (!settled_.empty() && settled_.front()) {
    last = first_++;
    settled_.pop_front();
    ++*count;
  }
  return last;
}

void DeliveryTracker::Reset() {
  settled_.clear();
  first_ = 0;
}

}  // namespace sluice
