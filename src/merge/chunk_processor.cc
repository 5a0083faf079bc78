#include "merge/chunk_processor.h"

namespace sluice {

void StagingChunk::Add(int64_t seq, std::string_view payload) {
  seqs_.push_back(seq);
  offsets_.push_back(bytes_.size());
  lengths_.push_back(payload.size());
  bytes_.append(payload);
  bytes_.append(simdjson::SIMDJSON_PADDING, ' ');
}

ProcessedChunk ChunkProcessor::Process(const StagingChunk& chunk) {
  ProcessedChunk out;
  deduper_.Clear();
  for (size_t i = 0; i < chunk.size(); ++i) {
    const int64_t seq = chunk.seq(i);
    if (Status st = extractor_.Extract(chunk.payload(i), chunk.payload_length(i), chunk.capacity(i)); !st.ok()) {
      MergeError e;
      e.seq = seq;
      e.column = "(payload)";
      e.error = st.message();
      out.errors.push_back(std::move(e));
      ++out.rejected;
      continue;
    }
    for (size_t r = 0; r < extractor_.rows(); ++r) {
      switch (caster_.Cast(extractor_, r, seq, &row_, &deduper_.batch().arena(), &out.errors)) {
        case RowFate::kMerge: out.stale += deduper_.Offer(row_); break;
        case RowFate::kFiltered: ++out.filtered; break;
        case RowFate::kRejected: ++out.rejected; break;
      }
    }
  }
  out.rows = &deduper_.batch();
  return out;
}

}  // namespace sluice
