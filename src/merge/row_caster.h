// Turns the values a payload yields into typed final-table rows, or says why
// a row cannot be merged (merge semantics 2 and 5).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/event_spec.h"
#include "merge/payload_extractor.h"
#include "warehouse/backend.h"

namespace sluice {

enum class RowFate { kMerge, kFiltered, kRejected };

class RowCaster {
 public:
  explicit RowCaster(const EventSpec& event);

  // Casts row `row` of the extracted payload into `values` (width = columns),
  // text appended to `arena`. Rejections append their reasons to `errors`
  // (one per failing column), tagged with `seq` and the element index.
  RowFate Cast(const PayloadExtractor& payload, size_t row, int64_t seq, std::vector<Value>* values,
               std::string* arena, std::vector<MergeError>* errors);
  // Casts only the key columns: kMerge when they all cast and none is NULL.
  // A recompute needs the key of a row that the rest of the row may reject.
  RowFate CastKey(const PayloadExtractor& payload, size_t row, std::vector<Value>* values, std::string* arena);

 private:
  bool CastColumn(const PayloadExtractor& payload, size_t column, size_t row, int64_t seq, Value* out,
                  std::string* arena, std::vector<MergeError>* errors);

  const EventSpec& event_;
  std::vector<int> key_columns_;
  std::vector<int> other_columns_;
  int version_column_;
  bool flattened_;
  std::string error_;  // reused for cast error messages
};

}  // namespace sluice
