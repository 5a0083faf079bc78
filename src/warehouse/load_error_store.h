// sluice_load_errors beyond what a load records in its own transaction
// (StagingLoad::AddError): the messages a source rejects before they are
// landed, and the fixes of bad lines that `sluice load-errors import` stores
// and `sluice replay --load-errors` feeds back (sluice_load_error_fixes).
//
// Obtained from Warehouse::load_errors(); used from one thread at a time,
// like the warehouse it belongs to. Each change is one transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"

namespace sluice {

// Something a source refused before landing it (no landed file): an AMQP
// message that could not be decoded, with where it came from.
struct RejectedInput {
  std::string event_type;
  std::string origin;  // sluice_load_errors.file, e.g. "amqp:SOURCE/QUEUE"
  int64_t position = 0;  // sluice_load_errors.line, e.g. the delivery tag
  std::string error;
  std::string raw;
};

// A load error as `sluice load-errors export` writes it.
struct LoadErrorRow {
  std::string landed_as;
  int64_t line = 0;
  std::string file;
  std::string error;
  std::string raw;
};

// A bad line, fixed: the payload to load in its place.
struct LoadErrorFix {
  std::string landed_as;
  int64_t line = 0;
  std::string payload;
};

class LoadErrorStore {
 public:
  virtual ~LoadErrorStore() = default;

  virtual Status RecordRejected(const RejectedInput& input) = 0;
  // The type's load errors of landed lines without a replayed fix, by file and line.
  virtual Result<std::vector<LoadErrorRow>> Unfixed(const EventSpec& event) = 0;
  // Stores the fixes; a fix replaces an earlier one of the same line that was not replayed yet.
  virtual Status StoreFixes(const EventSpec& event, const std::vector<LoadErrorFix>& fixes,
                            const std::string& by) = 0;
  // The fixes not replayed yet, by file and line.
  virtual Result<std::vector<LoadErrorFix>> Unreplayed(const EventSpec& event) = 0;
  virtual Status MarkReplayed(const EventSpec& event, const std::vector<LoadErrorFix>& fixes) = 0;
};

}  // namespace sluice
