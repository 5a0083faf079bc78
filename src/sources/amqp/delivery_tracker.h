// Which deliveries on a channel may be acknowledged, so that one
// basic.ack(multiple) covers many: a tag may be acked only when it and every
// tag before it are settled (landed and fsync'd, or dead-lettered), since
// `multiple` acknowledges everything up to it. A delivery handed back to the
// broker (basic.nack with requeue) is released: no longer waited for, and
// never named by an ack.
//
// Delivery tags on a channel rise by one from 1; a new channel starts again
// (Reset). Not thread-safe: the consuming thread owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace sluice {

class DeliveryTracker {
 public:
  void Delivered(uint64_t tag);
  void Settled(uint64_t tag);
  void Released(uint64_t tag);
  // The highest settled tag that may now be acked with multiple, or 0 when
  // none; the tags up to it (released ones too) are forgotten. *count: how
  // many deliveries that ack covers.
  uint64_t TakeAckable(size_t* count);
  // Delivered and not yet taken for an ack.
  size_t outstanding() const { return states_.size(); }
  void Reset();

 private:
  enum class State : uint8_t { kPending, kSettled, kReleased };
  void Set(uint64_t tag, State state);

  uint64_t first_ = 0;        // the tag of states_.front()
  std::deque<State> states_;  // one per tag from first_
};

}  // namespace sluice
