#include "sources/common/event_parser.h"

#include <simdjson.h>

#include <fmt/format.h>

namespace sluice {
namespace {

namespace dom = simdjson::dom;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view TrimJsonSpace(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

const char* TypeName(dom::element_type type) {
  switch (type) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: return "a number";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "a boolean";
    case dom::element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

// The value at `path` as text, read as a tenant is, or nullopt when absent (see the header).
std::optional<std::string> ValueText(dom::element root, const Path& path) {
  dom::element cur = root;
  for (const PathSegment& seg : path.segments) {
    if (seg.is_index) {
      dom::array arr;
      if (cur.get_array().get(arr) != simdjson::SUCCESS) return std::nullopt;
      if (arr.at(static_cast<size_t>(seg.index)).get(cur) != simdjson::SUCCESS) return std::nullopt;
      continue;
    }
    dom::object obj;
    if (cur.get_object().get(obj) != simdjson::SUCCESS) return std::nullopt;
    bool found = false;
    for (dom::key_value_pair field : obj) {  // no early exit: the last duplicate wins
      if (field.key == seg.field) {
        cur = field.value;
        found = true;
      }
    }
    if (!found) return std::nullopt;
  }
  switch (cur.type()) {
    case dom::element_type::STRING: return std::string(cur.get_string().value_unsafe());
    case dom::element_type::INT64: return fmt::format("{}", cur.get_int64().value_unsafe());
    case dom::element_type::UINT64: return fmt::format("{}", cur.get_uint64().value_unsafe());
    case dom::element_type::DOUBLE: return fmt::format("{}", cur.get_double().value_unsafe());
    case dom::element_type::BOOL: return std::string(cur.get_bool().value_unsafe() ? "true" : "false");
    default: return std::nullopt;
  }
}

}  // namespace

EventParser::EventParser() : parser_(std::make_unique<dom::parser>()) {}
EventParser::~EventParser() = default;

RequestOutcome EventParser::Parse(std::string_view body, BodyFormat format, const EventSpec& spec,
                                  size_t max_event, IncomingEvents* events) {
  RequestOutcome outcome;
  events->Reserve(body.size() + 1);  // what lands is never longer than the body, plus a last '\n'
  if (format == BodyFormat::kNdjson) {
    outcome = ParseNdjson(body, spec, max_event, events);
  } else {
    const std::string_view trimmed = TrimJsonSpace(body);
    if (!trimmed.empty() && trimmed.front() == '[') {
      outcome = ParseArray(trimmed, spec, max_event, events);
    } else if (!trimmed.empty() && trimmed.front() == '{') {
      outcome = ParseEvent(trimmed, /*minify=*/true, spec, max_event, Where{}, events);
    } else {
      outcome = RequestError{400, reason::kMalformedBody,
                             trimmed.empty() ? "the body is empty"
                                             : "an application/json body must be a JSON object or an array "
                                               "of objects"};
    }
  }
  if (!outcome && events->empty())
    outcome = RequestError{400, reason::kMalformedBody, "the body holds no events"};
  if (outcome) events->Clear();
  return outcome;
}

Result<std::optional<std::string>> EventParser::ScalarAt(std::string_view json, const Path& path) {
  dom::element root;
  if (auto code = parser_->parse(json.data(), json.size(), /*realloc_if_needed=*/true).get(root))
    return Status::InvalidArgument(fmt::format("invalid JSON: {}", simdjson::error_message(code)));
  return ValueText(root, path);
}

RequestOutcome EventParser::ParseNdjson(std::string_view body, const EventSpec& spec, size_t max_event,
                                        IncomingEvents* events) {
  int64_t line_number = 0;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimJsonSpace(line).empty()) continue;  // blank lines carry no event
    if (auto error = ParseEvent(line, /*minify=*/false, spec, max_event, Where{line_number, -1}, events))
      return error;
  }
  return std::nullopt;
}

// Splits the array into its elements' texts by tracking strings and bracket
// depth (no recursion, so any nesting is safe), then validates each element
// on its own: that is what lets an error name the element.
RequestOutcome EventParser::ParseArray(std::string_view text, const EventSpec& spec, size_t max_event,
                                       IncomingEvents* events) {
  auto error = [](int64_t index, std::string message) {
    RequestError e{400, reason::kMalformedBody, std::move(message)};
    e.index = index;
    return e;
  };
  size_t pos = 1;  // past '['
  while (pos < text.size() && IsJsonSpace(text[pos])) ++pos;
  int64_t index = 0;
  if (pos < text.size() && text[pos] == ']') {
    ++pos;
  } else {
    while (true) {
      const size_t start = pos;
      size_t depth = 0;
      bool in_string = false;
      for (; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (in_string) {
          if (c == '\\') ++pos;
          else if (c == '"') in_string = false;
        } else if (c == '"') {
          in_string = true;
        } else if (c == '[' || c == '{') {
          ++depth;
        } else if (c == ']' || c == '}') {
          if (depth == 0) break;
          --depth;
        } else if (c == ',' && depth == 0) {
          break;
        }
      }
      if (pos >= text.size())
        return error(index, fmt::format("element {}: the array is not closed", index));
      const std::string_view element = TrimJsonSpace(text.substr(start, pos - start));
      if (element.empty()) return error(index, fmt::format("element {}: a value is missing", index));
      if (text[pos] == '}') return error(index, fmt::format("element {}: unexpected '}}'", index));
      if (auto e = ParseEvent(element, /*minify=*/true, spec, max_event, Where{0, index}, events))
        return e;
      ++index;
      if (text[pos++] == ']') break;
    }
  }
  if (pos != text.size()) return error(index, "unexpected text after the closing ']' of the array");
  return std::nullopt;
}

RequestOutcome EventParser::ParseEvent(std::string_view text, bool minify, const EventSpec& spec,
                                       size_t max_event, Where where, IncomingEvents* events) {
  auto error = [&](int status, const char* why_reason, std::string why) {
    RequestError e{status, why_reason, {}};
    e.line = where.line;
    e.index = where.index;
    if (where.line > 0) e.message = fmt::format("line {}: {}", where.line, why);
    else if (where.index >= 0) e.message = fmt::format("element {}: {}", where.index, why);
    else e.message = std::move(why);
    return e;
  };
  if (text.size() > max_event)
    return error(413, reason::kEventTooLarge,
                 fmt::format("the event is {} bytes, over http.max_event ({} bytes)", text.size(), max_event));
  dom::element root;
  // realloc_if_needed: simdjson reads past the end, so it copies into its own padded buffer.
  if (auto code = parser_->parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(root))
    return error(400, reason::kMalformedBody, fmt::format("invalid JSON: {}", simdjson::error_message(code)));
  if (root.type() != dom::element_type::OBJECT)
    return error(400, reason::kMalformedBody, fmt::format("an event must be a JSON object, not {}", TypeName(root.type())));

  std::optional<std::string> tenant;
  if (spec.tenant) tenant = ValueText(root, *spec.tenant);
  const std::string folder = TenantFolder(tenant ? *tenant : std::string_view(), tenant.has_value());
  if (!minify) {
    events->Add(text, folder);
    return std::nullopt;
  }
  minified_.resize(text.size());
  size_t length = 0;
  if (auto code = simdjson::minify(text.data(), text.size(), minified_.data(), length))
    return error(400, reason::kMalformedBody, fmt::format("cannot minify: {}", simdjson::error_message(code)));
  events->Add(std::string_view(minified_.data(), length), folder);
  return std::nullopt;
}

}  // namespace sluice
