// Where files live in the landing zone. The layout is part of the interface:
// replay and rebuild walk it, and users browse it.
//
//   {landing}/{type}/{yyyy}/{mm}/{dd}/{tenant}/{name}.ndjson.zst
//
// Events that arrive over a source are appended to an open file
//   {landing}/_open/{type}/{yyyy}/{mm}/{dd}/{tenant}/{type}-{yyyymmddThhmmss}-{seq}.ndjson
// and sealed to the same relative path under {landing} with ".zst" added.
// Files given to `sluice load` use the tenant folder "_load" and are named
// {stem}-{checksum}.ndjson.zst, so landing the same content twice lands one file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"

namespace sluice {

// Where the landing zone is. Landed files are named relative to data_dir
// (in ready markers and the load history), so components get both.
struct LandingFolders {
  std::string data_dir;
  std::string landing_dir;  // {data_dir}/landing
};
inline LandingFolders LandingFoldersOf(const Config& config) { return {config.data_dir, config.landing_dir()}; }

inline constexpr std::string_view kLoadTenant = "_load";

// {landing}/{type}/{yyyy}/{mm}/{dd}/{tenant} for the UTC day of `micros`.
std::string LandingPartitionDir(const std::string& landing_dir, std::string_view event_type, int64_t micros,
                                std::string_view tenant);

inline constexpr std::string_view kOpenFolder = "_open";
inline constexpr std::string_view kReadyFolder = "_ready";

// The open file of a partition, opened at `opened_micros` (also its UTC day).
std::string OpenFilePath(const std::string& landing_dir, std::string_view event_type, std::string_view tenant,
                         int64_t opened_micros, uint64_t seq);
// Where the open file at `open_path` is sealed to; empty if it is not under {landing}/_open/.
std::string SealedPathFor(const std::string& landing_dir, const std::string& open_path);

// "{stem}-{checksum}.ndjson.zst" where stem is the file's base name without
// compression and JSON extensions, reduced to [A-Za-z0-9._-].
std::string LoadedFileName(std::string_view source_path, std::string_view checksum);

}  // namespace sluice
