// Reading the text values of SqlRow cells: what the shared SQL stores do
// with the rows an SqlSession returns.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

namespace sluice {

// The integer in `text`; 0 for NULL or text that is not one.
inline int64_t SqlInt(const std::optional<std::string>& text) {
  int64_t v = 0;
  if (text) std::from_chars(text->data(), text->data() + text->size(), v);
  return v;
}

inline std::optional<int64_t> SqlOptionalInt(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return SqlInt(text);
}

inline std::optional<std::string> SqlText(const std::optional<int64_t>& value) {
  if (!value) return std::nullopt;
  return std::to_string(*value);
}

}  // namespace sluice
