#include "jinja/lexer.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace sluice::jinja {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c); }

std::string_view LeftStrip(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}
std::string_view RightStrip(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
 public:
  Lexer(std::string_view source, std::string_view file) : src_(source), file_(file) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < src_.size(); ++i) {
      if (src_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  Result<std::vector<Token>> Run() {
    size_t pos = 0;
    bool strip_next_text = false;  // the tag before asked with `-…}`
    while (true) {
      size_t tag = FindTagStart(pos);
      std::string_view text = src_.substr(pos, (tag == std::string_view::npos ? src_.size() : tag) - pos);
      size_t text_start = pos;
      if (strip_next_text) {
        std::string_view stripped = LeftStrip(text);
        text_start += text.size() - stripped.size();
        text = stripped;
      }
      if (tag != std::string_view::npos && tag + 2 < src_.size() && src_[tag + 2] == '-') text = RightStrip(text);
      if (!text.empty()) AddText(text, text_start);
      if (tag == std::string_view::npos) break;

      const char kind = src_[tag + 1];
      if (kind == '#') {
        RETURN_IF_ERROR(SkipComment(tag, &pos, &strip_next_text));
      } else if (kind == '%' && IsRawBegin(tag)) {
        RETURN_IF_ERROR(LexRaw(tag, &pos, &strip_next_text));
      } else {
        RETURN_IF_ERROR(LexTag(tag, kind == '%', &pos, &strip_next_text));
      }
    }
    Token end{Token::Kind::kEnd, PositionOf(src_.size()), {}, {}, 0, 0};
    tokens_.push_back(std::move(end));
    return std::move(tokens_);
  }

 private:
  Position PositionOf(size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const size_t line = static_cast<size_t>(it - line_starts_.begin());
    return Position{static_cast<int>(line), static_cast<int>(offset - line_starts_[line - 1] + 1)};
  }
  Status ErrorAtOffset(size_t offset, std::string_view message) const {
    return ErrorAt(file_, PositionOf(offset), message);
  }

  size_t FindTagStart(size_t from) const {
    while (true) {
      size_t at = src_.find('{', from);
      if (at == std::string_view::npos || at + 1 >= src_.size()) return std::string_view::npos;
      const char next = src_[at + 1];
      if (next == '{' || next == '%' || next == '#') return at;
      from = at + 1;
    }
  }

  void AddText(std::string_view text, size_t offset) {
    tokens_.push_back(Token{Token::Kind::kText, PositionOf(offset), text, {}, 0, 0});
  }
  void Add(Token::Kind kind, size_t offset, std::string_view text) {
    tokens_.push_back(Token{kind, PositionOf(offset), text, {}, 0, 0});
  }

  Status SkipComment(size_t tag, size_t* pos, bool* strip_next_text) {
    size_t end = src_.find("#}", tag + 2);
    if (end == std::string_view::npos) return ErrorAtOffset(tag, "comment '{#' is not closed with '#}'");
    *strip_next_text = end > tag + 2 && src_[end - 1] == '-';
    *pos = end + 2;
    return Status::Ok();
  }

  // `{%-? raw -?%}` at `tag`.
  bool IsRawBegin(size_t tag) const {
    size_t i = tag + 2;
    if (i < src_.size() && src_[i] == '-') ++i;
    while (i < src_.size() && IsSpace(src_[i])) ++i;
    if (src_.compare(i, 3, "raw") != 0) return false;
    i += 3;
    return i < src_.size() && (IsSpace(src_[i]) || src_[i] == '-' || src_[i] == '%');
  }

  Status LexRaw(size_t tag, size_t* pos, bool* strip_next_text) {
    size_t i = src_.find("raw", tag) + 3;
    while (i < src_.size() && IsSpace(src_[i])) ++i;
    bool strip_content_start = false;
    if (src_.compare(i, 3, "-%}") == 0) {
      strip_content_start = true;
      i += 3;
    } else if (src_.compare(i, 2, "%}") == 0) {
      i += 2;
    } else {
      return ErrorAtOffset(i, "expected '%}' after 'raw'");
    }
    // The first {% endraw %} (with any whitespace control) closes it.
    size_t search = i;
    while (true) {
      size_t end_tag = src_.find("{%", search);
      if (end_tag == std::string_view::npos) return ErrorAtOffset(tag, "'raw' block is not closed with {% endraw %}");
      size_t j = end_tag + 2;
      const bool strip_content_end = j < src_.size() && src_[j] == '-';
      if (strip_content_end) ++j;
      while (j < src_.size() && IsSpace(src_[j])) ++j;
      if (src_.compare(j, 6, "endraw") != 0) {
        search = end_tag + 2;
        continue;
      }
      j += 6;
      while (j < src_.size() && IsSpace(src_[j])) ++j;
      if (src_.compare(j, 3, "-%}") == 0) {
        *strip_next_text = true;
        j += 3;
      } else if (src_.compare(j, 2, "%}") == 0) {
        *strip_next_text = false;
        j += 2;
      } else {
        return ErrorAtOffset(j, "expected '%}' after 'endraw'");
      }
      std::string_view content = src_.substr(i, end_tag - i);
      size_t content_start = i;
      if (strip_content_start) {
        std::string_view stripped = LeftStrip(content);
        content_start += content.size() - stripped.size();
        content = stripped;
      }
      if (strip_content_end) content = RightStrip(content);
      if (!content.empty()) AddText(content, content_start);
      *pos = j;
      return Status::Ok();
    }
  }

  // The tokens of one {{ … }} or {% … %} starting at `tag`.
  Status LexTag(size_t tag, bool is_block, size_t* pos, bool* strip_next_text) {
    Add(is_block ? Token::Kind::kBlockBegin : Token::Kind::kOutputBegin, tag, src_.substr(tag, 2));
    size_t i = tag + 2;
    if (i < src_.size() && src_[i] == '-') ++i;
    const char closer = is_block ? '%' : '}';
    std::vector<size_t> brackets;  // offsets of the open ones: a `}}` inside a dict literal does not end the tag
    while (true) {
      while (i < src_.size() && IsSpace(src_[i])) ++i;
      if (i >= src_.size()) {
        return ErrorAtOffset(tag, fmt::format("'{}' is not closed with '{}'", src_.substr(tag, 2),
                                              is_block ? "%}" : "}}"));
      }
      if (brackets.empty()) {
        if (src_[i] == '-' && i + 2 < src_.size() && src_[i + 1] == closer && src_[i + 2] == '}') {
          Add(is_block ? Token::Kind::kBlockEnd : Token::Kind::kOutputEnd, i, src_.substr(i, 3));
          *strip_next_text = true;
          *pos = i + 3;
          return Status::Ok();
        }
        if (src_[i] == closer && i + 1 < src_.size() && src_[i + 1] == '}') {
          Add(is_block ? Token::Kind::kBlockEnd : Token::Kind::kOutputEnd, i, src_.substr(i, 2));
          *strip_next_text = false;
          *pos = i + 2;
          return Status::Ok();
        }
      }
      const char c = src_[i];
      if (IsNameStart(c)) {
        size_t start = i;
        while (i < src_.size() && IsNameChar(src_[i])) ++i;
        Add(Token::Kind::kName, start, src_.substr(start, i - start));
      } else if (IsDigit(c)) {
        RETURN_IF_ERROR(LexNumber(&i));
      } else if (c == '\'' || c == '"') {
        RETURN_IF_ERROR(LexString(&i));
      } else {
        static constexpr const char* kTwoCharOps[] = {"**", "//", "==", "!=", "<=", ">="};
        size_t len = 0;
        for (const char* op : kTwoCharOps) {
          if (src_.compare(i, 2, op) == 0) len = 2;
        }
        if (len == 0 && std::strchr("+-*/%~<>=()[]{},.:|", c) != nullptr) len = 1;
        if (len == 0) return ErrorAtOffset(i, fmt::format("unexpected character '{}'", c));
        if (c == '(' || c == '[' || c == '{') brackets.push_back(i);
        if (c == ')' || c == ']' || c == '}') {
          const char open = c == ')' ? '(' : c == ']' ? '[' : '{';
          if (brackets.empty()) return ErrorAtOffset(i, fmt::format("unexpected '{}'", c));
          if (src_[brackets.back()] != open) {
            const Position at = PositionOf(brackets.back());
            return ErrorAtOffset(i, fmt::format("unexpected '{}': '{}' at {}:{} is not closed", c, src_[brackets.back()],
                                                at.line, at.column));
          }
          brackets.pop_back();
        }
        Add(Token::Kind::kOperator, i, src_.substr(i, len));
        i += len;
      }
    }
  }

  Status LexNumber(size_t* at) {
    size_t i = *at;
    const size_t start = i;
    auto digits = [&] {
      while (i < src_.size() && (IsDigit(src_[i]) || (src_[i] == '_' && i + 1 < src_.size() && IsDigit(src_[i + 1])))) {
        ++i;
      }
    };
    digits();
    bool is_float = false;
    // After a `.` (xs.0.1) a number is an index, never a float.
    const bool after_dot = !tokens_.empty() && tokens_.back().kind == Token::Kind::kOperator &&
                           tokens_.back().text == ".";
    if (!after_dot && i + 1 < src_.size() && src_[i] == '.' && IsDigit(src_[i + 1])) {
      is_float = true;
      ++i;
      digits();
    }
    if (!after_dot && i < src_.size() && (src_[i] == 'e' || src_[i] == 'E')) {
      size_t j = i + 1;
      if (j < src_.size() && (src_[j] == '+' || src_[j] == '-')) ++j;
      if (j < src_.size() && IsDigit(src_[j])) {
        is_float = true;
        i = j;
        digits();
      }
    }
    std::string text;
    for (size_t k = start; k < i; ++k) {
      if (src_[k] != '_') text += src_[k];
    }
    Token token{is_float ? Token::Kind::kFloat : Token::Kind::kInt, PositionOf(start), src_.substr(start, i - start),
                {}, 0, 0};
    if (is_float) {
      errno = 0;
      token.float_value = std::strtod(text.c_str(), nullptr);
      if (errno == ERANGE && std::abs(token.float_value) > 1) {
        return ErrorAtOffset(start, fmt::format("number {} is too large", text));
      }
    } else {
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), token.int_value);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return ErrorAtOffset(start, fmt::format("integer {} is too large (64 bits at most)", text));
      }
    }
    tokens_.push_back(std::move(token));
    *at = i;
    return Status::Ok();
  }

  static int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // A Python string literal: the escapes Python knows are decoded, and any
  // other backslash is kept (so '\d+' stays a regular expression).
  Status LexString(size_t* at) {
    const size_t start = *at;
    const char quote = src_[start];
    std::string value;
    size_t i = start + 1;
    while (true) {
      if (i >= src_.size()) return ErrorAtOffset(start, "string literal is not closed");
      const char c = src_[i];
      if (c == quote) break;
      if (c != '\\') {
        value += c;
        ++i;
        continue;
      }
      if (i + 1 >= src_.size()) return ErrorAtOffset(start, "string literal is not closed");
      const char e = src_[i + 1];
      i += 2;
      switch (e) {
        case '\\': value += '\\'; break;
        case '\'': value += '\''; break;
        case '"': value += '"'; break;
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case 'r': value += '\r'; break;
        case 'a': value += '\a'; break;
        case 'b': value += '\b'; break;
        case 'f': value += '\f'; break;
        case 'v': value += '\v'; break;
        case '0': value += '\0'; break;
        case '\n': break;  // a line continuation
        case 'x':
        case 'u':
        case 'U': {
          const size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          uint32_t cp = 0;
          for (size_t k = 0; k < n; ++k) {
            const int h = i + k < src_.size() ? HexValue(src_[i + k]) : -1;
            if (h < 0) return ErrorAtOffset(i - 2, fmt::format("bad '\\{}' escape in string literal", e));
            cp = cp * 16 + static_cast<uint32_t>(h);
          }
          if (cp > 0x10FFFF) return ErrorAtOffset(i - 2, "escape past U+10FFFF in string literal");
          AppendUtf8(cp, &value);
          i += n;
          break;
        }
        default:
          value += '\\';
          value += e;
      }
    }
    Token token{Token::Kind::kString, PositionOf(start), src_.substr(start, i + 1 - start), std::move(value), 0, 0};
    tokens_.push_back(std::move(token));
    *at = i + 1;
    return Status::Ok();
  }

  std::string_view src_;
  std::string_view file_;
  std::vector<size_t> line_starts_;
  std::vector<Token> tokens_;
};

}  // namespace

Result<std::vector<Token>> Tokenize(std::string_view source, std::string_view file) {
  return Lexer(source, file).Run();
}

}  // namespace sluice::jinja
