#include "config/yaml_problems.h"

#include <fmt/format.h>

namespace sluice {

// Reports keys of `map` not in `allowed`.
void CheckKeys(const YAML::Node& map, std::initializer_list<const char*> allowed, std::string_view where,
               Problems* problems) {
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    bool known = false;
    std::string list;
    for (const char* a : allowed) {
      known |= key == a;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    if (!known) problems->Add(kv.first.Mark(), fmt::format("unknown key '{}' in {} (expected one of: {})", key, where, list));
  }
}

bool IsScalar(const YAML::Node& n, std::string_view what, Problems* problems) {
  if (n.IsScalar()) return true;
  problems->Add(n.Mark(), fmt::format("{} must be a single value", what));
  return false;
}

}  // namespace sluice
