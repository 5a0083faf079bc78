#include "catalog/path.h"

#include <cctype>

namespace sluice {
namespace {

class PathParser {
 public:
  explicit PathParser(std::string_view text) : text_(text) {}

  Result<Path> Parse() {
    Path path;
    path.text = std::string(text_);
    if (text_.empty()) return Error("the path is empty");
    bool first = true;
    while (true) {
      if (pos_ < text_.size() && text_[pos_] == '[') {
        if (first) return Error("a path cannot start with an index");
        RETURN_IF_ERROR(ParseIndex(&path));
      } else {
        PathSegment seg;
        const bool quoted = pos_ < text_.size() && text_[pos_] == '"';
        RETURN_IF_ERROR(quoted ? ParseQuoted(&seg.field) : ParseName(&seg.field));
        if (first && !quoted && seg.field == "item") {
          path.relative_to_item = true;
        } else {
          path.segments.push_back(std::move(seg));
        }
      }
      first = false;
      while (pos_ < text_.size() && text_[pos_] == '[') RETURN_IF_ERROR(ParseIndex(&path));
      if (pos_ == text_.size()) break;
      if (text_[pos_] != '.') return Error(fmt::format("unexpected '{}'", text_[pos_]));
      ++pos_;
      if (pos_ == text_.size()) return Error("the path ends with '.'");
    }
    return path;
  }

 private:
  Status Error(std::string_view why) const {
    return Status::InvalidArgument(
        fmt::format("invalid path '{}': {} at character {}", text_, why, pos_ + 1));
  }

  Status ParseName(std::string* out) {
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '.' && text_[pos_] != '[') {
      const char c = text_[pos_];
      if (c == '"' || c == ']' || std::isspace(static_cast<unsigned char>(c)))
        return Error(fmt::format("'{}' is not allowed in a name; quote the segment, as in \"my field\"",
                                 c == '"' ? std::string("\\\"") : std::string(1, c)));
      ++pos_;
    }
    if (pos_ == start) return Error("empty segment");
    *out = std::string(text_.substr(start, pos_ - start));
    return Status::Ok();
  }

  Status ParseQuoted(std::string* out) {
    ++pos_;  // opening quote
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') {
        ++pos_;
        if (pos_ == text_.size() || (text_[pos_] != '"' && text_[pos_] != '\\'))
          return Error("only \\\" and \\\\ may be escaped in a quoted segment");
      }
      out->push_back(text_[pos_++]);
    }
    if (pos_ == text_.size()) return Error("unterminated quoted segment");
    ++pos_;  // closing quote
    return Status::Ok();
  }

  Status ParseIndex(Path* path) {
    ++pos_;  // '['
    const size_t start = pos_;
    int64_t value = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      if (value > (INT64_MAX - 9) / 10) return Error("index too large");
      value = value * 10 + (text_[pos_] - '0');
      ++pos_;
    }
    if (pos_ == start) return Error("an index must be a non-negative integer, as in [0]");
    if (pos_ == text_.size() || text_[pos_] != ']') return Error("missing ']'");
    ++pos_;
    PathSegment seg;
    seg.is_index = true;
    seg.index = value;
    path->segments.push_back(std::move(seg));
    return Status::Ok();
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<Path> ParsePath(std::string_view text) { return PathParser(text).Parse(); }

}  // namespace sluice
