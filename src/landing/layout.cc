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

std::string OpenFilePath(const std::string& landing_dir, std::string_view event_type, std::string_view tenant,
                         int64_t opened_micros, uint64_t seq) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(opened_micros / 86'400'000'000LL, &y, &m, &d);
  const int64_t secs = (opened_micros / 1'000'000) % 86'400;
  const std::string dir =
      LandingPartitionDir(landing_dir + "/" + std::string(kOpenFolder), event_type, opened_micros, tenant);
  return fmt::format("{}/{}-{:04}{:02}{:02}T{:02}{:02}{:02}-{}.ndjson", dir, event_type, y, m, d, secs / 3600,
                     (secs / 60) % 60, secs % 60, seq);
}

std::string SealedPathFor(const std::string& landing_dir, const std::string& open_path) {
  const std::string prefix = landing_dir + "/" + std::string(kOpenFolder) + "/";
  if (open_path.compare(0, prefix.size(), prefix) != 0) return "";
  return landing_dir + "/" + open_path.substr(prefix.size()) + ".zst";
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
