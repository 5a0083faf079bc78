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
  if (out.find_first_not_of('.') == std::string::npos) out = "_" + out;  // never "." or ".."
  return out;
}

}  // namespace sluice
