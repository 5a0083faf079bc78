#include "landing/event_lander.h"

#include <algorithm>
#include <cctype>

namespace sluice {

std::string TenantFolder(std::string_view value, bool present) {
  if (!present || value.empty()) return "_none";
  std::string out;
  out.reserve(std::min<size_t>(value.size(), 64));
  for (char c : value.substr(0, 64)) {
    const bool safe = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    out.push_back(safe ? c : '_');
  }
  // sluice's own folders are "_" and letters ("_none", "_load" of `sluice
  // load`): a value that starts with "_" gets one more, so it never
  // lands beside them.
  if (out.front() == '_') out = "_" + out;
  if (out.find_first_not_of('.') == std::string::npos) out = "_" + out;  // never "." or ".."
  return out;
}

}  // namespace sluice
