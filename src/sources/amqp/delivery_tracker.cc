#include "sources/amqp/delivery_tracker.h"

namespace sluice {

void DeliveryTracker::Delivered(uint64_t tag) {
  if (states_.empty()) first_ = tag;
  // Tags are consecutive on a channel; were one ever skipped (not ours), it is
  // not waited for, and acking past it with `multiple` is harmless.
  while (first_ + states_.size() < tag) states_.push_back(State::kReleased);
  if (tag >= first_ + states_.size()) states_.push_back(State::kPending);
}

void DeliveryTracker::Set(uint64_t tag, State state) {
  if (tag < first_ || tag >= first_ + states_.size()) return;  // already acked, or from an old channel
  states_[tag - first_] = state;
}

void DeliveryTracker::Settled(uint64_t tag) { Set(tag, State::kSettled); }
void DeliveryTracker::Released(uint64_t tag) { Set(tag, State::kReleased); }

uint64_t DeliveryTracker::TakeAckable(size_t* count) {
  uint64_t last = 0;
  *count = 0;
  while (!states_.empty() && states_.front() != State::kPending) {
    if (states_.front() == State::kSettled) {
      last = first_;
      ++*count;
    }
    ++first_;
    states_.pop_front();
  }
  return last;
}

void DeliveryTracker::Reset() {
  states_.clear();
  first_ = 0;
}

}  // namespace sluice
