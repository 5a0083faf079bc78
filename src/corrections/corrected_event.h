// Checks an event before it is stored as an exception: a correction that
// the merge would reject would only move the problem, so it is refused at
// the door with the reasons the merge would give.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "catalog/event_spec.h"

namespace sluice {

// The id of `payload` (a JSON object whose every row casts); InvalidArgument
// says what is wrong: not JSON, not an object, no id, a value that does not
// cast (column, value and why).
Result<std::string> CheckCorrectedEvent(const EventSpec& event, std::string_view payload);

}  // namespace sluice
