// Paths into an event's JSON payload, as written in sluice.yaml.
//
//   Customer.Address.Zip    fields, dotted
//   Lines[0].Sku            array elements by index
//   item.Amount             the element of the flattened array (`item` alone is the element)
//   "Zip Code"."a.b"        a quoted segment for names with dots, spaces or brackets;
//                           inside quotes, \" and \\ escape
//
// A path that is missing in a payload, or that runs into a value of the wrong
// shape (indexing a string), reads as missing: NULL.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sluice {

struct PathSegment {
  bool is_index = false;
  std::string field;  // when !is_index
  int64_t index = 0;  // when is_index
  bool operator==(const PathSegment&) const = default;
};

struct Path {
  bool relative_to_item = false;      // began with `item`
  std::vector<PathSegment> segments;  // empty with relative_to_item: the element itself
  std::string text;                   // as written

  bool operator==(const Path& o) const {
    return relative_to_item == o.relative_to_item && segments == o.segments;
  }
};

// Parses a path; errors say what is wrong and at which character (1-based).
Result<Path> ParsePath(std::string_view text);

}  // namespace sluice
