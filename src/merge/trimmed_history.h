// The part of an event type's history that retention deleted from staging,
// read back from the landing zone (the permanent record), so that rebuilds
// and corrections see every event, not only the retained ones.
//
// Retention deletes whole files' rows: a file's rows share loaded_at, and a
// merge's position is always at the end of a file (loads commit whole
// files). So each landed file is either wholly in staging or wholly
// trimmed, and the trimmed files come before every staging row in arrival
// order. MergeTransaction::TrimmedFiles lists those files.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "merge/chunk_processor.h"

namespace sluice {

// Reads the lines of landed file `landed_as` as chunks of at most
// `chunk_rows` rows with seq 0 (they have no staging row), skipping the lines
// `skip` names (excluded deliveries); `chunk` is called for each.
Status ReadTrimmedFile(const std::string& data_dir, const std::string& landed_as, size_t chunk_rows,
                       const std::function<bool(int64_t line)>& skip,
                       const std::function<Status(const StagingChunk&)>& chunk);

}  // namespace sluice
