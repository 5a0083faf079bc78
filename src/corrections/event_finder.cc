#include "corrections/event_finder.h"

#include "merge/chunk_processor.h"
#include "merge/event_id.h"
#include "merge/trimmed_history.h"

namespace sluice {

Result<FoundEvents> FindEvents(Warehouse* warehouse, const std::string& data_dir, const EventSpec& event,
                               const std::unordered_set<std::string>& ids) {
  FoundEvents found;
  ASSIGN_OR_RETURN(auto txn, warehouse->BeginMerge(event));  // rolled back when it goes out of scope
  PayloadExtractor extractor(WithIdColumns(event));
  const auto look = [&](const StagingChunk& chunk) -> Status {
    for (size_t i = 0; i < chunk.size(); ++i) {
      if (!extractor.Extract(chunk.payload(i), chunk.payload_length(i), chunk.capacity(i)).ok()) continue;
      const auto id = ReadEventId(extractor, event);
      if (!id || !ids.count(*id)) continue;
      Deliveries& d = found.by_id[*id];
      if (d.count++ == 0) d.first_payload.assign(chunk.payload(i), chunk.payload_length(i));
    }
    found.staging_rows += static_cast<int64_t>(chunk.size());
    return Status::Ok();
  };
  constexpr size_t kChunk = 5000;
  ASSIGN_OR_RETURN(auto trimmed, txn->TrimmedFiles());
  for (const auto& file : trimmed)
    RETURN_IF_ERROR(ReadTrimmedFile(data_dir, file, kChunk, [](int64_t) { return false; }, look));
  int64_t after = 0;
  while (true) {
    StagingChunk chunk;
    RETURN_IF_ERROR(txn->ReadStaging(after, kChunk, [&](int64_t seq, std::string_view p) { chunk.Add(seq, p); }));
    RETURN_IF_ERROR(look(chunk));
    if (chunk.size() < kChunk) break;
    after = chunk.last_seq();
  }
  return found;
}

}  // namespace sluice
