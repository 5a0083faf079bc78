// A decoded request body → the events to land, each validated in full.
// Both the HTTP and the AMQP source parse with it, so both accept exactly the
// same events.
//
// Formats: application/json is one JSON object or a JSON array of objects;
// application/x-ndjson is one object per line (blank lines skipped, CRLF
// accepted). Each event is DOM-parsed by simdjson, so invalid UTF-8, bad
// syntax and nesting deeper than simdjson's limit (1024) are all errors, as
// is an event that is not an object.
//
// A body is all or nothing: the first bad event fails the whole body, and
// the error names it (NDJSON line, 1-based; array element index, 0-based)
// and says why. 413 (event_too_large) for an event over `max_event` bytes,
// 400 (malformed_body) for everything else.
//
// What lands: NDJSON lines byte for byte (without their line ending); a
// single object or array elements minified, so each is one line. The tenant
// is the value at the EventSpec's `tenant` path: a string as is, a number or
// boolean by its JSON text (integers exactly; other numbers in their
// shortest round-trip form), anything else (missing, null, an object or
// array) as absent; for duplicate keys the last one wins, as in the merge.
//
// Not thread-safe: keep one per thread. It keeps simdjson's buffers, sized
// by the largest event seen (at most max_event), between calls.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/event_spec.h"
#include "landing/event_lander.h"
#include "sources/common/request_error.h"

namespace simdjson::dom {
class parser;
}

namespace sluice {

enum class BodyFormat { kJson, kNdjson };

class EventParser {
 public:
  EventParser();
  ~EventParser();
  EventParser(const EventParser&) = delete;
  EventParser& operator=(const EventParser&) = delete;

  // Appends the body's events to *events; on error *events is left empty.
  // *events must be empty on entry.
  [[nodiscard]] RequestOutcome Parse(std::string_view body, BodyFormat format, const EventSpec& spec,
                                     size_t max_event, IncomingEvents* events);

  // The value at `path` in the JSON text `json`, read as the tenant is (see
  // above); nullopt when it is absent, an error when `json` is not JSON.
  // For the AMQP source's type_from: payload:PATH.
  Result<std::optional<std::string>> ScalarAt(std::string_view json, const Path& path);

 private:
  struct Where {
    int64_t line = 0;    // NDJSON line, 1-based
    int64_t index = -1;  // array element, 0-based
  };
  RequestOutcome ParseNdjson(std::string_view body, const EventSpec& spec, size_t max_event,
                             IncomingEvents* events);
  RequestOutcome ParseArray(std::string_view body, const EventSpec& spec, size_t max_event,
                            IncomingEvents* events);
  // Validates one event's text and appends it (its line and tenant).
  RequestOutcome ParseEvent(std::string_view text, bool minify, const EventSpec& spec, size_t max_event,
                            Where where, IncomingEvents* events);

  std::unique_ptr<simdjson::dom::parser> parser_;
  std::string minified_;  // scratch for minify, reused
};

}  // namespace sluice
