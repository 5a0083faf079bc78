// Reads the values an event's columns need out of one JSON payload, in a
// single forward pass (simdjson On-Demand) that skips everything no column
// asks for.
//
// The paths of an EventSpec are compiled once into two tries: one rooted at
// the payload, one rooted at each element of the flattened array. Values are
// captured as JsonScalar views (numbers keep the text as written, for exact
// decimal casts). Views point into the payload and the parser and are valid
// until the next Extract() or until the payload's buffer changes.
//
// Not thread-safe: one extractor per thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "base/status.h"
#include "catalog/cast.h"
#include "catalog/event_spec.h"

namespace sluice {

class PayloadExtractor {
 public:
  explicit PayloadExtractor(const EventSpec& event);
  ~PayloadExtractor();

  // Extracts from `payload`, which must be followed in memory by at least
  // SIMDJSON_PADDING readable bytes (`capacity` counts them). A payload that
  // is not a JSON object is a Corruption error: the loader admits only objects.
  Status Extract(const char* payload, size_t length, size_t capacity);

  // Rows this payload makes: the number of elements of the flattened array
  // (0 when it is missing, null, empty or not an array), or 1 without flatten.
  size_t rows() const { return flatten_ ? element_count_ : 1; }

  // The value column `column` reads for row `row`; nullptr for missing or null.
  const JsonScalar* Get(size_t column, size_t row) const;
  // How many columns it was compiled for.
  size_t columns() const { return column_slots_.size(); }

 private:
  struct Node;
  struct Slots;
  Status Walk(simdjson::ondemand::value value, const Node& node, int depth);
  Status Descend(simdjson::ondemand::value value, simdjson::ondemand::json_type type, const Node& node, int depth);
  Status Reparse(std::string_view raw, const Node& node, int depth);
  void Capture(const Node& node, const JsonScalar& scalar, int depth);
  void Forget(const Node& node);  // drops what an earlier duplicate key captured

  bool flatten_;
  std::unique_ptr<Node> root_;
  std::unique_ptr<Node> item_root_;
  // Per column: whether it reads the element, and its capture slot.
  std::vector<std::pair<bool, int>> column_slots_;
  size_t top_slot_count_ = 0;
  size_t item_slot_count_ = 0;

  const char* payload_ = nullptr;
  size_t payload_capacity_ = 0;
  simdjson::ondemand::parser parser_;
  std::vector<std::unique_ptr<simdjson::ondemand::parser>> nested_parsers_;
  std::vector<std::optional<JsonScalar>> top_;       // top_slot_count_
  std::vector<std::optional<JsonScalar>> elements_;  // element_count_ * item_slot_count_
  size_t element_count_ = 0;
  bool in_element_ = false;
  std::vector<std::unique_ptr<std::string>> owned_;  // text copied out of nested parsers
  size_t owned_used_ = 0;
};

}  // namespace sluice
