// Template source → tokens: text between tags (already trimmed where a tag
// asks with `-`), tag delimiters, and the tokens inside tags. Comments are
// dropped and {% raw %} blocks come out as text, so the parser never sees
// either.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "jinja/position.h"

namespace sluice::jinja {

struct Token {
  enum class Kind {
    kText,          // text: a slice of the source
    kOutputBegin,   // {{
    kOutputEnd,     // }}
    kBlockBegin,    // {%
    kBlockEnd,      // %}
    kName,          // text
    kString,        // value: the decoded literal
    kInt,           // int_value
    kFloat,         // float_value
    kOperator,      // text: + - * / // % ** ~ == != < <= > >= = ( ) [ ] { } , . : |
    kEnd,           // end of the source
  };
  Kind kind;
  Position pos;
  std::string_view text;
  std::string value;
  int64_t int_value = 0;
  double float_value = 0;
};

// Errors: InvalidArgument "file:line:col: message" for an unclosed tag,
// comment, string or raw block, a bad number or an unexpected character.
Result<std::vector<Token>> Tokenize(std::string_view source, std::string_view file);

}  // namespace sluice::jinja
