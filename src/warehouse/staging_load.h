// One file's load into an event type's staging table: its rows, its load
// errors and its load-history row commit together or not at all; the history
// is the arbiter of exactly-once (Commit returns AlreadyExists when the file
// or its content was loaded). Destroying an uncommitted load rolls it back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace sluice {

// How the load history recognises a file it has loaded before.
enum class LoadIdentity {
  kContent,     // a file from outside the landing zone: its content loads once, under any name
  kLandedFile,  // a file in the landing zone (sealed by the collector): it loads once, whatever its
                // content, so two requests that happen to seal identical files both count
};

struct LoadRecord {
  LoadIdentity identity = LoadIdentity::kContent;
  std::string path;       // the file as given to `sluice load`
  std::string landed_as;  // its permanent copy in the landing zone
  std::string checksum;   // of the uncompressed content
  std::string event_type;
  int64_t rows = 0;
  int64_t errors = 0;
};

class StagingLoad {
 public:
  virtual ~StagingLoad() = default;
  // Why this backend cannot store `payload`, a valid JSON object (it then
  // goes to sluice_load_errors instead); nullopt when it can.
  virtual std::optional<std::string> Refuses(std::string_view /*payload*/) const { return std::nullopt; }
  virtual Status Append(std::string_view payload, int64_t line) = 0;
  virtual Status AddError(int64_t line, std::string_view error, std::string_view raw) = 0;
  // Records `record` in sluice_load_history and commits everything.
  // AlreadyExists (and rolled back) if the file was already loaded for the
  // same event type, by this or another process: the same landed file, or
  // for kContent the same content.
  virtual Status Commit(const LoadRecord& record) = 0;
};

}  // namespace sluice
