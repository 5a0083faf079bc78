#include "merge/merge_run.h"

#include <unordered_map>
#include <vector>

#include "merge/payload_extractor.h"
#include "merge/row_caster.h"

namespace sluice {
namespace {

// Keeps one row per key within a chunk: the newest version, and among equal
// versions the one that arrived first (rows are offered in arrival order).
class ChunkDeduper {
 public:
  explicit ChunkDeduper(const EventSpec& event)
      : width_(event.columns.size()), keys_(event.KeyIndexes()), version_(event.VersionIndex()), batch_(width_) {}

  // Offers a cast row; returns the number of rows it made stale (0 or 1).
  int64_t Offer(const std::vector<Value>& row) {
    EncodeKey(row);
    auto [it, fresh] = index_.try_emplace(key_, batch_.rows());
    if (fresh) {
      batch_.AddRow(row.data());
      return 0;
    }
    Value* kept = batch_.mutable_row(it->second);
    if (CompareValues(row[version_], kept[version_], batch_.arena()) > 0)
      std::copy(row.begin(), row.end(), kept);
    return 1;
  }

  RowBatch& batch() { return batch_; }
  void Clear() {
    batch_.Clear();
    index_.clear();
  }

 private:
  void EncodeKey(const std::vector<Value>& row) {
    key_.clear();
    for (int k : keys_) {
      const Value& v = row[static_cast<size_t>(k)];
      key_.push_back(static_cast<char>(v.kind));
      if (v.kind == Value::Kind::kText) {
        const std::string_view t = v.text(batch_.arena());
        const uint32_t n = static_cast<uint32_t>(t.size());
        key_.append(reinterpret_cast<const char*>(&n), sizeof n).append(t);
      } else if (v.kind == Value::Kind::kInt) {
        key_.append(reinterpret_cast<const char*>(&v.int_value), sizeof v.int_value);
      } else {
        key_.append(reinterpret_cast<const char*>(&v.real_value), sizeof v.real_value);
      }
    }
  }

  size_t width_;
  std::vector<int> keys_;
  size_t version_;
  RowBatch batch_;
  std::unordered_map<std::string, size_t> index_;
  std::string key_;
};

}  // namespace

Result<MergeCounts> RunMerge(Warehouse* warehouse, const EventSpec& event, const MergeOptions& options) {
  ASSIGN_OR_RETURN(auto txn, warehouse->BeginMerge(event));
  ASSIGN_OR_RETURN(int64_t position, txn->Position());

  MergeCounts counts;
  PayloadExtractor extractor(event);
  RowCaster caster(event);
  ChunkDeduper deduper(event);
  std::vector<Value> row(event.columns.size());
  std::vector<MergeError> errors;
  std::string padded;  // the payload copied with simdjson's padding after it

  while (true) {
    size_t read = 0;
    RETURN_IF_ERROR(txn->ReadStaging(position, options.chunk_rows, [&](int64_t seq, std::string_view payload) {
      ++read;
      position = seq;
      padded.assign(payload);
      padded.append(simdjson::SIMDJSON_PADDING, ' ');
      if (Status st = extractor.Extract(padded.data(), payload.size(), padded.size()); !st.ok()) {
        MergeError e;
        e.seq = seq;
        e.column = "(payload)";
        e.error = st.message();
        errors.push_back(std::move(e));
        ++counts.rejected;
        return;
      }
      for (size_t r = 0; r < extractor.rows(); ++r) {
        switch (caster.Cast(extractor, r, seq, &row, &deduper.batch().arena(), &errors)) {
          case RowFate::kMerge: counts.stale += deduper.Offer(row); break;
          case RowFate::kFiltered: ++counts.filtered; break;
          case RowFate::kRejected: ++counts.rejected; break;
        }
      }
    }));
    counts.staging_rows += static_cast<int64_t>(read);
    if (!deduper.batch().empty()) {
      ASSIGN_OR_RETURN(UpsertCounts upserted, txn->Upsert(deduper.batch()));
      counts.inserted += upserted.inserted;
      counts.updated += upserted.updated;
      counts.stale += upserted.stale;
    }
    RETURN_IF_ERROR(txn->AddErrors(errors));
    errors.clear();
    deduper.Clear();
    if (read < options.chunk_rows) break;
  }
  RETURN_IF_ERROR(txn->Commit(position));
  counts.position = position;
  return counts;
}

}  // namespace sluice
