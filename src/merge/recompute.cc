#include "merge/recompute.h"

#include <algorithm>
#include <limits>

#include "merge/chunk_processor.h"
#include "merge/event_id.h"
#include "merge/merge_run.h"
#include "merge/row_key.h"
#include "merge/staging_pass.h"
#include "merge/trimmed_history.h"

namespace sluice {
namespace {

constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

// The request resolved against the history: which staging rows it selects.
class Selection {
 public:
  Selection(const std::optional<RecomputeRequest>& request, const Corrections& corrections)
      : request_(request), pending_(corrections.pending) {}

  Status Resolve(MergeTransaction* txn, int64_t position) {
    if (request_ && request_->from) {
      ASSIGN_OR_RETURN(auto first, txn->FirstSeqLoadedSince(*request_->from));
      after_ = first ? *first - 1 : kNone;
    }
    if (request_ && request_->to) {
      ASSIGN_OR_RETURN(auto last, txn->LastSeqLoadedBefore(*request_->to));
      through_ = last ? *last : 0;
    }
    ASSIGN_OR_RETURN(error_seqs_, txn->SeqsWithErrors(position));
    return Status::Ok();
  }

  bool Selects(int64_t seq, const std::optional<std::string>& id) const {
    if (id && pending_.count(*id)) return true;
    if (!request_) return false;
    if (request_->every_row) return true;
    if ((request_->from && seq <= after_) || seq > through_) return false;  // trimmed rows (seq 0) precede any --from
    if (!request_->ids.empty() && !(id && request_->ids.count(*id))) return false;
    return !request_->rejected || error_seqs_.count(seq);
  }
  bool HasErrors(int64_t seq) const { return error_seqs_.count(seq) > 0; }

 private:
  const std::optional<RecomputeRequest>& request_;
  const std::unordered_set<std::string>& pending_;
  int64_t after_ = 0;
  int64_t through_ = kNone;
  std::unordered_set<int64_t> error_seqs_;  // staging rows with merge errors
};

// The keys the selected rows yield, each with its values as statement
// parameters for the DELETE, and which staging rows were selected.
class KeyCollector {
 public:
  explicit KeyCollector(const EventSpec& event)
      : event_(event), extractor_(WithIdColumns(event)), caster_(event), keys_(event.KeyIndexes()),
        row_(event.columns.size()) {}

  Status Scan(MergeTransaction* txn, const Corrections& corrections, const Selection& selection, int64_t position,
              const std::vector<std::string>& trimmed, const std::string& data_dir, size_t chunk_rows) {
    const auto consider = [&](const StagingChunk& chunk) -> Status {
      for (size_t i = 0; i < chunk.size(); ++i) {
        const int64_t seq = chunk.seq(i);
        const bool parsed = extractor_.Extract(chunk.payload(i), chunk.payload_length(i), chunk.capacity(i)).ok();
        const auto id = parsed ? ReadEventId(extractor_, event_) : std::nullopt;
        if (!selection.Selects(seq, id)) continue;
        if (seq > 0) selected_seqs_.insert(seq);
        if (selection.HasErrors(seq)) error_seqs_.insert(seq);
        if (!parsed) continue;
        AddExtractedKeys();
        if (!id) continue;
        if (const std::string* corrected = corrections.Replacement(*id)) AddKeysOf(*corrected);
      }
      return Status::Ok();
    };
    for (const auto& file : trimmed)
      RETURN_IF_ERROR(ReadTrimmedFile(data_dir, file, chunk_rows, [](int64_t) { return false; }, consider));
    int64_t after = 0;
    while (after < position) {
      StagingChunk chunk;
      RETURN_IF_ERROR(txn->ReadStaging(after, chunk_rows, [&](int64_t seq, std::string_view payload) {
        if (seq <= position) chunk.Add(seq, payload);
      }));
      if (chunk.empty()) break;
      RETURN_IF_ERROR(consider(chunk));
      after = chunk.last_seq();
      if (chunk.size() < chunk_rows) break;
    }
    for (const auto& payload : corrections.pending_payloads) AddKeysOf(payload);
    return Status::Ok();
  }

  const std::unordered_set<std::string>& keys() const { return keys_seen_; }
  const std::vector<KeyValues>& key_values() const { return key_values_; }
  const std::unordered_set<int64_t>& error_seqs() const { return error_seqs_; }
  const std::unordered_set<int64_t>& selected_seqs() const { return selected_seqs_; }

 private:
  void AddKeysOf(const std::string& padded) {
    if (extractor_.Extract(padded.data(), UnpaddedSize(padded), padded.size()).ok()) AddExtractedKeys();
  }

  void AddExtractedKeys() {
    for (size_t r = 0; r < extractor_.rows(); ++r) {
      arena_.clear();
      if (caster_.CastKey(extractor_, r, &row_, &arena_) != RowFate::kMerge) continue;
      key_.clear();
      AppendRowKey(row_.data(), keys_, arena_, &key_);
      if (!keys_seen_.insert(key_).second) continue;
      KeyValues values;
      for (int k : keys_) values.push_back(KeyValueText(row_[static_cast<size_t>(k)], arena_));
      key_values_.push_back(std::move(values));
    }
  }

  const EventSpec& event_;
  PayloadExtractor extractor_;
  RowCaster caster_;
  std::vector<int> keys_;
  std::vector<Value> row_;
  std::string arena_, key_;
  std::unordered_set<std::string> keys_seen_;
  std::vector<KeyValues> key_values_;
  std::unordered_set<int64_t> error_seqs_;     // selected staging rows that have merge errors
  std::unordered_set<int64_t> selected_seqs_;  // every selected staging row: its errors are recorded again
};

}  // namespace

Status Recompute(MergeTransaction* txn, const EventSpec& event, const Corrections& corrections, int64_t position,
                 const MergeOptions& options, MergeCounts* counts) {
  counts->recomputed = true;
  const bool every_row = options.recompute && options.recompute->every_row;
  ASSIGN_OR_RETURN(const std::vector<std::string> trimmed, txn->TrimmedFiles());
  if (!trimmed.empty() && options.data_dir.empty())
    return Status::Internal(fmt::format("retention deleted staging rows of {} ({} files), and this merge "
                                                  "was not told where the landing zone is to read them back",
                                                  event.name, trimmed.size()));
  KeyCollector collector(event);
  if (every_row) {
    // Every row is written again, and every merge error of the staging rows
    // (the trimmed rows' errors stay as they were recorded).
    RETURN_IF_ERROR(txn->DeleteAllRows());
    ASSIGN_OR_RETURN(auto first, txn->FirstStagingSeq());
    ASSIGN_OR_RETURN(counts->replaced_errors, txn->DeleteErrorsBetween(first.value_or(position + 1), position));
  } else {
    if (event.key.empty())
      return Status::InvalidArgument(fmt::format("{} is an append-only log without key or id, so its rows cannot be "
                                                 "recomputed by key: rebuild it whole",
                                                 event.name));
    Selection selection(options.recompute, corrections);
    RETURN_IF_ERROR(selection.Resolve(txn, position));
    RETURN_IF_ERROR(
        collector.Scan(txn, corrections, selection, position, trimmed, options.data_dir, options.chunk_rows));
    RETURN_IF_ERROR(txn->DeleteKeys(collector.key_values()));
    RETURN_IF_ERROR(txn->DeleteErrorsOf(collector.error_seqs()));
    counts->recomputed_keys = static_cast<int64_t>(collector.key_values().size());
    counts->replaced_errors = static_cast<int64_t>(collector.error_seqs().size());
    if (collector.keys().empty() && collector.selected_seqs().empty()) return Status::Ok();
  }

  MergeCounts recomputed;
  ChunkScope scope;
  scope.corrections = &corrections;
  scope.only_keys = every_row ? nullptr : &collector.keys();
  scope.keep_errors_of = every_row ? nullptr : &collector.selected_seqs();
  // The trimmed history first, in load order; its errors were recorded when
  // it was first merged.
  ChunkProcessor processor(event);
  for (const auto& file : trimmed) {
    const auto excluded = [&](int64_t line) { return corrections.ExcludesDelivery(file, line); };
    RETURN_IF_ERROR(ReadTrimmedFile(options.data_dir, file, options.chunk_rows, excluded,
                                    [&](const StagingChunk& chunk) {
                                      return ApplyChunk(txn, event, processor.Process(chunk, scope),
                                                        /*record_errors=*/false, &recomputed);
                                    }));
  }
  RETURN_IF_ERROR(MergeHistoryRange(txn, event, StagingRange{0, position}, /*from_start=*/true, scope, options,
                                    /*record_errors=*/true, &recomputed)
                      .status());
  ASSIGN_OR_RETURN(UpsertCounts applied, txn->Flush());  // what the backend applied without counting yet
  counts->recomputed_rows = recomputed.inserted + recomputed.updated + applied.inserted + applied.updated;
  return Status::Ok();
}

}  // namespace sluice
