// Loading NDJSON files into an event's staging table, each exactly once.
//
// LoadFile first lands the file: it copies the content, zstd-compressed, into
// the landing zone (the permanent record replay and rebuild read) while
// computing its checksum. Content already loaded for this event type is
// reported as skipped. Otherwise the landed copy is read back line by line:
// each JSON object becomes a staging row, anything else a row of
// sluice_load_errors with its line number; rows, errors and the load-history
// row commit together. A crash at any point leaves either nothing or the
// whole file loaded, and a rerun finishes the job.
//
// Memory is bounded by the longest line, not by the file.
#pragma once

#include <cstdint>
#include <string>

#include "catalog/event_spec.h"
#include "config/config.h"
#include "warehouse/backend.h"

namespace sluice {

struct LoadOutcome {
  bool skipped = false;  // the same content was loaded before
  int64_t rows = 0;
  int64_t errors = 0;
  std::string checksum;
  std::string landed_as;  // relative to data_dir
};

class Loader {
 public:
  Loader(const Config& config, Warehouse* warehouse) : config_(config), warehouse_(warehouse) {}

  Result<LoadOutcome> LoadFile(const EventSpec& event, const std::string& path);

  // Loads a file that is already in the landing zone under `landed_as`
  // (relative to data_dir) and whose content has checksum `checksum`.
  Result<LoadOutcome> LoadLandedFile(const EventSpec& event, const std::string& original_path,
                                     const std::string& landed_as, const std::string& checksum);

 private:
  const Config& config_;
  Warehouse* warehouse_;
};

}  // namespace sluice
