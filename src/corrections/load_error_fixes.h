// Lines that failed to load, fixed by hand and fed back through the
// pipeline: `sluice load-errors export|import` and `sluice replay
// --load-errors`.
//
//   export  writes each load error that has no replayed fix as a JSON object
//           {"landed_as", "line", "file", "error", "raw"};
//   import  reads such objects back, after someone fixed `raw` (or put the
//           corrected event under "event"), checks each fixed line is a JSON
//           object and stores it in sluice_load_error_fixes (a newer import
//           of the same line replaces one not yet replayed);
//   replay  writes the unreplayed fixes into a file that is landed and
//           loaded like any (`load-error-fixes-…` in the landing zone,
//           exactly once by content), then marks them replayed. A crash in
//           between leaves them unmarked; the rerun writes the same file,
//           which the load history skips, and marks them.
// The sluice_load_errors rows stay, as the record of what went wrong.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "base/status.h"
#include "config/config.h"
#include "warehouse/backend.h"

namespace sluice {

// Writes the type's unfixed load errors as NDJSON; returns how many.
Result<int64_t> ExportLoadErrors(Warehouse* warehouse, const EventSpec& event, std::ostream* out);

// Stores the fixes in `path` (as written by export, edited); InvalidArgument
// naming path:line for a line that is not an export object or whose fix is
// not a JSON object, and then nothing is stored. Returns how many.
Result<int64_t> ImportLoadErrorFixes(Warehouse* warehouse, const EventSpec& event, const std::string& path,
                                     const std::string& by);

// Loads the type's unreplayed fixes into staging; returns how many.
Result<int64_t> ReplayLoadErrorFixes(const Config& config, Warehouse* warehouse, const EventSpec& event);

}  // namespace sluice
