#include "config/yaml_problems.h"

#include <map>

#include <fmt/format.h>

namespace sluice {
namespace {

// `n`, moved back to the start of the UTF-8 character it falls inside.
size_t CharBoundary(std::string_view text, size_t n) {
  while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return n;
}

}  // namespace

std::string Abbreviated(std::string_view text) {
  if (text.size() <= 200) return std::string(text);
  return std::string(text.substr(0, CharBoundary(text, 64))) + "…";
}

std::string CappedMessage(std::string message) {
  constexpr size_t kMax = 4000, kHead = 3000, kTail = 500;
  if (message.size() <= kMax) return message;
  const size_t head = CharBoundary(message, kHead);
  size_t tail = message.size() - kTail;
  while (tail < message.size() && (static_cast<unsigned char>(message[tail]) & 0xC0) == 0x80) ++tail;
  return fmt::format("{}… ({} bytes left out) …{}", message.substr(0, head), tail - head, message.substr(tail));
}

void CheckKeys(const YAML::Node& map, std::initializer_list<const char*> allowed, std::string_view where,
               Problems* problems) {
  std::map<std::string, YAML::Mark> seen;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    // yaml-cpp keeps both entries of a repeated key and lookups find the
    // first, so the second would be ignored without a word.
    if (auto [it, fresh] = seen.emplace(key, kv.first.Mark()); !fresh && kv.first.IsScalar())
      problems->Add(kv.first.Mark(), fmt::format("key '{}' appears twice in {} (first at line {}); the second would "
                                                 "be ignored", Abbreviated(key), where, it->second.line + 1));
    bool known = false;
    std::string list;
    for (const char* a : allowed) {
      known |= key == a;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    if (!known)
      problems->Add(kv.first.Mark(),
                    fmt::format("unknown key '{}' in {} (expected one of: {})", Abbreviated(key), where, list));
  }
}

bool IsScalar(const YAML::Node& n, std::string_view what, Problems* problems) {
  if (n.IsScalar()) return true;
  problems->Add(n.Mark(), fmt::format("{} must be a single value", what));
  return false;
}

}  // namespace sluice
