#include "landing/layout.h"

#include <cctype>
#include <filesystem>

#include <fmt/format.h>

#include "base/clock.h"

namespace sluice {

std::string LandingPartitionDir(const std::string& landing_dir, std::string_view event_type, int64_t micros,
                                std::string_view tenant) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(micros / 86'400'000'000LL, &y, &m, &d);
  return fmt::format("{}/{}/{:04}/{:02}/{:02}/{}", landing_dir, event_type, y, m, d, tenant);
}

std::string LoadedFileName(std::string_view source_path, std::string_view checksum) {
  std::string stem = std::filesystem::path(source_path).filename().string();
  for (std::string_view ext : {".zst", ".gz", ".ndjson", ".jsonl", ".json"}) {
    if (stem.size() > ext.size() && stem.compare(stem.size() - ext.size(), ext.size(), ext) == 0)
      stem.resize(stem.size() - ext.size());
  }
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  if (stem.empty() || stem[0] == '.') stem.insert(stem.begin(), 'f');
  return fmt::format("{}-{}.ndjson.zst", stem, checksum);
}

}  // namespace sluice
