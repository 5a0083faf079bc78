// Loading NDJSON files into an event's staging table, each exactly once.
//
// LoadFile first lands the file: it copies the content, zstd-compressed, into
// the landing zone (the permanent record replay and rebuild read) while
// computing its checksum. Content already loaded for this event type is
// reported as skipped. A file already in the landing zone (a sealed file) is
// loaded where it is, once per file. Otherwise the landed copy is read back line by line:
// each JSON object becomes a staging row, anything else a row of
// sluice_load_errors with its line number; rows, errors and the load-history
// row commit together. A crash at any point leaves either nothing or the
// whole file loaded, and a rerun finishes the job.
//
// Memory is bounded by the longest line, not by the file. Files are read and
// written through the Env; the warehouse keeps the load history.
#pragma once

#include <cstdint>
#include <string>

#include "base/env.h"
#include "catalog/event_spec.h"
#include "landing/layout.h"
#include "warehouse/backend.h"

namespace sluice {

struct LoadOutcome {
  bool skipped = false;  // loaded before: the same content, or the same landed file
  LoadIdentity identity = LoadIdentity::kContent;  // which of the two
  int64_t rows = 0;
  int64_t errors = 0;
  std::string checksum;
  std::string landed_as;  // relative to data_dir
};

class Loader {
 public:
  // `env` and `warehouse` must outlive the loader.
  Loader(Env* env, LandingFolders folders, Warehouse* warehouse)
      : env_(env), folders_(std::move(folders)), warehouse_(warehouse) {}

  Result<LoadOutcome> LoadFile(const EventSpec& event, const std::string& path);

  // Loads a file that is already in the landing zone under `landed_as`
  // (relative to data_dir) and whose content has checksum `checksum`. Such a
  // file is loaded once whatever its content: a sealed file's events were
  // each acknowledged, even when another file holds the same bytes.
  Result<LoadOutcome> LoadLandedFile(const EventSpec& event, const std::string& original_path,
                                     const std::string& landed_as, const std::string& checksum) {
    return Load(event, original_path, landed_as, checksum, LoadIdentity::kLandedFile);
  }

 private:
  Result<LoadOutcome> Load(const EventSpec& event, const std::string& original_path, const std::string& landed_as,
                           const std::string& checksum, LoadIdentity identity);

  Env* const env_;
  const LandingFolders folders_;
  Warehouse* const warehouse_;
};

}  // namespace sluice
