// `--set PATH=JSON` of `sluice exceptions add`: one field of an event
// replaced (or added) by editing the JSON text in place, so everything else
// — key order, number spellings, whitespace — stays exactly as delivered
// (the seed's json_set(event_data, '$.Status', 'Failed', create_if_missing)).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "catalog/path.h"

namespace sluice {

// Returns `payload` (a JSON object) with the value at `path` replaced by
// `value` (valid JSON text). Missing fields are created, objects included;
// an array index must exist. InvalidArgument names the segment that cannot
// be reached (a field inside a string, an index past the end).
Result<std::string> SetJsonPath(std::string_view payload, const Path& path, std::string_view value);

// Parses `PATH=JSON` (the value is checked to be JSON).
struct JsonAssignment {
  Path path;
  std::string value;
};
Result<JsonAssignment> ParseJsonAssignment(std::string_view text);

}  // namespace sluice
