// The AMQP benchmark's messages: a deterministic mix of the factory
// example's three message types (examples/factory/proto), encoded once as
// protobuf with the example's own .proto files (compiled at run time by
// ProtoSchema, filled through DynamicMessage reflection) and kept as bytes
// in one buffer, so publishing costs only the publishing.
//
// The mix, per message (by a seeded PRNG):
//   80 % OrderCreated: a new order (distinct order_id) with 1–3 lines, each
//        for a different card of a 5 000-card catalog (2 lines on average);
//   12 % ManufacturingBatch: either a new batch (STARTED), or the next
//        version of an open one: a progress update (still STARTED, half
//        produced), then the last version (COMPLETED, or SCRAPPED 1 in 10).
//        Each version has a later updated_at, so the newest wins the merge;
//    8 % CardCatalogCreated: a new card (distinct card_id).
// Timestamps start at 2026-11-01T00:00:00Z and advance 10 ms per message.
//
// What the final tables must hold afterwards is computed here too
// (`Expected`): one row per card, one per order line, one per batch with
// its newest version's values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice::bench {

enum class FactoryType : uint8_t { kCard = 0, kOrder = 1, kBatch = 2 };

// The AMQP type property each message is published with (the source's
// `types` keys in examples/factory/sluice.yaml).
const char* FactoryTypeName(FactoryType t);

struct FactoryExpected {
  int64_t cards = 0;             // rows of `cards`
  int64_t orders = 0;            // OrderCreated messages
  int64_t order_lines = 0;       // rows of `orders`
  int64_t order_quantity = 0;    // sum(quantity) of `orders`
  int64_t batch_messages = 0;    // ManufacturingBatch messages (all versions)
  int64_t batches = 0;           // rows of `manufacturing_batches`
  int64_t batches_completed = 0; // of those, status COMPLETED in the newest version
  int64_t batches_produced = 0;  // sum(quantity_produced) of the newest versions
  int64_t list_price = 0;        // sum(list_price) of `cards`
};

class FactoryMessages {
 public:
  // Generates and encodes `n` messages with `proto_files` (the example's).
  static Result<FactoryMessages> Make(int64_t n, uint64_t seed, const std::vector<std::string>& proto_files);

  size_t size() const { return types_.size(); }
  std::string_view body(size_t i) const {
    const uint64_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(bytes_).substr(begin, ends_[i] - begin);
  }
  FactoryType type(size_t i) const { return static_cast<FactoryType>(types_[i]); }
  uint64_t bytes() const { return bytes_.size(); }
  const FactoryExpected& expected() const { return expected_; }

 private:
  std::string bytes_;             // every body, back to back
  std::vector<uint64_t> ends_;    // end offset of each body in bytes_
  std::vector<uint8_t> types_;    // FactoryType of each
  FactoryExpected expected_;
};

}  // namespace sluice::bench
