#include "corrections/json_set.h"

#include <simdjson.h>

#include "base/utf8.h"

namespace sluice {
namespace {

// A cursor over JSON text that is known to be valid (the loader or the
// caller checked it), so it only has to find where values begin and end.
class JsonText {
 public:
  explicit JsonText(std::string_view text) : text_(text) {}

  size_t SkipSpace(size_t i) const {
    while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\n' || text_[i] == '\r')) ++i;
    return i;
  }
  // The end of the string that starts at text_[i] == '"'.
  size_t StringEnd(size_t i) const {
    for (++i; i < text_.size(); ++i) {
      if (text_[i] == '\\') ++i;
      else if (text_[i] == '"') return i + 1;
    }
    return text_.size();
  }
  // The end of the value that starts at i.
  size_t ValueEnd(size_t i) const {
    if (text_[i] == '"') return StringEnd(i);
    if (text_[i] != '{' && text_[i] != '[') {
      while (i < text_.size() && text_[i] != ',' && text_[i] != '}' && text_[i] != ']' && text_[i] != ' ' &&
             text_[i] != '\t' && text_[i] != '\n' && text_[i] != '\r')
        ++i;
      return i;
    }
    int depth = 0;
    for (; i < text_.size(); ++i) {
      const char c = text_[i];
      if (c == '"') i = StringEnd(i) - 1;
      else if (c == '{' || c == '[') ++depth;
      else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
    }
    return text_.size();
  }
  // The unescaped text of the string token [begin, end).
  std::string Unescape(size_t begin, size_t end) const {
    simdjson::dom::parser parser;
    std::string_view out;
    if (parser.parse(simdjson::padded_string(text_.substr(begin, end - begin))).get(out)) return {};
    return std::string(out);
  }
  char at(size_t i) const { return i < text_.size() ? text_[i] : '\0'; }

 private:
  std::string_view text_;
};

// The JSON for `value` nested under the path's segments from `from` on (all
// of them fields): {"a":{"b":value}}.
Result<std::string> Nested(const Path& path, size_t from, std::string_view value) {
  std::string out(value);
  for (size_t s = path.segments.size(); s-- > from + 1;) {
    if (path.segments[s].is_index)
      return Status::InvalidArgument(fmt::format("path '{}': index [{}] is past the end of a missing array",
                                                 path.text, path.segments[s].index));
    out = "{" + JsonQuote(path.segments[s].field) + ":" + out + "}";
  }
  return out;
}

}  // namespace

Result<std::string> SetJsonPath(std::string_view payload, const Path& path, std::string_view value) {
  if (path.relative_to_item || path.segments.empty())
    return Status::InvalidArgument(fmt::format("path '{}' must name a field of the event", path.text));
  const JsonText json(payload);
  size_t at = json.SkipSpace(0);  // the value the path has reached
  for (size_t s = 0; s < path.segments.size(); ++s) {
    const PathSegment& seg = path.segments[s];
    if (!seg.is_index) {
      if (json.at(at) != '{')
        return Status::InvalidArgument(fmt::format("path '{}': '{}' is not inside an object", path.text, seg.field));
      size_t i = json.SkipSpace(at + 1);
      bool found = false;
      while (json.at(i) == '"') {
        const size_t key_end = json.StringEnd(i);
        const bool match = json.Unescape(i, key_end) == seg.field;
        i = json.SkipSpace(json.SkipSpace(key_end) + 1);  // past the colon
        if (match) {
          found = true;
          break;
        }
        i = json.SkipSpace(json.ValueEnd(i));
        if (json.at(i) == ',') i = json.SkipSpace(i + 1);
      }
      if (!found) {
        // Add the field before the object's closing brace.
        const size_t close = json.ValueEnd(at) - 1;
        ASSIGN_OR_RETURN(std::string nested, Nested(path, s, value));
        const bool empty = json.SkipSpace(at + 1) == close;
        return std::string(payload.substr(0, close)) + (empty ? "" : ",") + JsonQuote(seg.field) + ":" + nested +
               std::string(payload.substr(close));
      }
      at = i;
    } else {
      if (json.at(at) != '[')
        return Status::InvalidArgument(fmt::format("path '{}': [{}] is not inside an array", path.text, seg.index));
      size_t i = json.SkipSpace(at + 1);
      for (int64_t n = 0; n < seg.index && json.at(i) != ']'; ++n) {
        i = json.SkipSpace(json.ValueEnd(i));
        if (json.at(i) == ',') i = json.SkipSpace(i + 1);
      }
      if (json.at(i) == ']' || seg.index < 0)
        return Status::InvalidArgument(fmt::format("path '{}': index [{}] is past the end of the array", path.text,
                                                   seg.index));
      at = i;
    }
  }
  const size_t end = json.ValueEnd(at);
  return std::string(payload.substr(0, at)) + std::string(value) + std::string(payload.substr(end));
}

Result<JsonAssignment> ParseJsonAssignment(std::string_view text) {
  // The first '=' outside a quoted path segment ("a=b".c=1).
  size_t eq = std::string_view::npos;
  bool quoted = false;
  for (size_t i = 0; i < text.size() && eq == std::string_view::npos; ++i) {
    if (quoted && text[i] == '\\') ++i;
    else if (text[i] == '"') quoted = !quoted;
    else if (!quoted && text[i] == '=') eq = i;
  }
  if (eq == std::string_view::npos)
    return Status::InvalidArgument(fmt::format("--set '{}' must be PATH=JSON, as in Status=\"Failed\"", text));
  auto path = ParsePath(text.substr(0, eq));
  if (!path.ok())
    return Status::InvalidArgument(fmt::format("--set '{}': the path does not parse: {}", text, path.status().message()));
  if (path->relative_to_item || path->segments.empty())
    return Status::InvalidArgument(fmt::format("--set '{}': the path must name a field of the event", text));
  const std::string value(text.substr(eq + 1));
  simdjson::dom::parser parser;
  simdjson::dom::element parsed;
  if (auto e = parser.parse(simdjson::padded_string(value)).get(parsed))
    return Status::InvalidArgument(fmt::format("--set '{}': the value is not JSON ({}); quote strings, as in "
                                               "Status='\"Failed\"'",
                                               text, simdjson::error_message(e)));
  return JsonAssignment{std::move(*path), value};
}

}  // namespace sluice
