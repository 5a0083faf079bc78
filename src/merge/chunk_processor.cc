#include "merge/chunk_processor.h"

#include "merge/row_key.h"

namespace sluice {

void StagingChunk::Add(int64_t seq, std::string_view payload) {
  seqs_.push_back(seq);
  offsets_.push_back(bytes_.size());
  lengths_.push_back(payload.size());
  bytes_.append(payload);
  bytes_.append(simdjson::SIMDJSON_PADDING, ' ');
}

ProcessedChunk ChunkProcessor::Process(const StagingChunk& chunk, const ChunkScope& scope) {
  ProcessedChunk out;
  deduper_.Clear();
  first_delivery_.clear();
  for (size_t i = 0; i < chunk.size(); ++i)
    ProcessPayload(chunk.payload(i), chunk.payload_length(i), chunk.capacity(i), chunk.seq(i), scope, &out);
  out.rows = &deduper_.batch();
  if (scope.keep_errors_of != nullptr)
    std::erase_if(out.errors, [&](const MergeError& e) { return !scope.keep_errors_of->count(e.seq); });
  return out;
}

void ChunkProcessor::ProcessOne(const std::string& padded, int64_t seq, const ChunkScope& scope,
                                ProcessedChunk* out) {
  ProcessPayload(padded.data(), UnpaddedSize(padded), padded.size(), seq, scope, out);
  out->rows = &deduper_.batch();
  if (scope.keep_errors_of != nullptr)
    std::erase_if(out->errors, [&](const MergeError& e) { return !scope.keep_errors_of->count(e.seq); });
}

void ChunkProcessor::ProcessPayload(const char* payload, size_t length, size_t capacity, int64_t seq,
                                    const ChunkScope& scope, ProcessedChunk* out) {
  Status st = extractor_.Extract(payload, length, capacity);
  if (st.ok() && scope.corrections != nullptr && scope.corrections->Applies()) {
    if (scope.corrections->excluded_seqs.count(seq)) {
      ++out->excluded;
      return;
    }
    if (const auto id = ReadEventId(extractor_, event_)) {
      if (scope.corrections->excluded.count(*id)) {
        ++out->excluded;
        return;
      }
      if (const std::string* corrected = scope.corrections->Replacement(*id)) {
        ++out->corrected;
        st = extractor_.Extract(corrected->data(), UnpaddedSize(*corrected), corrected->size());
      }
    }
  }
  if (!st.ok()) {
    MergeError e;
    e.seq = seq;
    e.column = "(payload)";
    e.error = st.message();
    out->errors.push_back(std::move(e));
    ++out->rejected;
    return;
  }
  if (first_delivery_only_) {
    if (const auto id = ReadEventId(extractor_, event_)) {
      const auto [first, fresh] = first_delivery_.try_emplace(*id, seq);
      if (!fresh && first->second != seq) {  // a redelivery: the first delivery stays, whole
        out->stale += static_cast<int64_t>(extractor_.rows());
        return;
      }
    }
  }
  CastRows(seq, scope, out);
}

void ChunkProcessor::CastRows(int64_t seq, const ChunkScope& scope, ProcessedChunk* out) {
  for (size_t r = 0; r < extractor_.rows(); ++r) {
    switch (caster_.Cast(extractor_, r, seq, &row_, &deduper_.batch().arena(), &out->errors)) {
      case RowFate::kMerge:
        if (scope.only_keys != nullptr) {
          key_.clear();
          AppendRowKey(row_.data(), keys_, deduper_.batch().arena(), &key_);
          if (!scope.only_keys->count(key_)) break;
        }
        out->stale += deduper_.Offer(row_);
        break;
      case RowFate::kFiltered: ++out->filtered; break;
      case RowFate::kRejected: ++out->rejected; break;
    }
  }
}

}  // namespace sluice
