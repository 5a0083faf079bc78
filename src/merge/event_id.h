// An event's id: the values at its catalog `id:` paths, as one text that
// corrections, dedupe and replay use to name the event.
//
// With one path the id is the value's text (a string unescaped, a number or
// boolean as written, an object or array as its JSON); with several it is a
// JSON array of those texts, e.g. ["A1","2024-02-03T15:38:21Z"]. An event
// that lacks any of the paths (or has null there) has no id.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "merge/payload_extractor.h"

namespace sluice {

// The id from its parts, in the order of the catalog's `id:` paths.
std::string EventIdText(const std::vector<std::string_view>& parts);

// The ids that `--id` values name: one value per id path, so each group of
// id.size() values is one event. InvalidArgument when the type has no id or
// the count does not divide.
Result<std::vector<std::string>> IdsFromValues(const EventSpec& event, const std::vector<std::string>& values);

// The spec to compile a PayloadExtractor from when ids are wanted: the
// event's columns, then one column per id path. Its first columns are the
// event's, so a RowCaster of the event reads the same extractor.
EventSpec WithIdColumns(const EventSpec& event);

// The id of the payload last extracted by `extractor`; nullopt when the
// event has no id, or the extractor was not compiled from WithIdColumns(event).
std::optional<std::string> ReadEventId(const PayloadExtractor& extractor, const EventSpec& event);

}  // namespace sluice
