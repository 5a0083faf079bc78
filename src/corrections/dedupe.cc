#include "corrections/dedupe.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "base/text.h"
#include "merge/chunk_processor.h"
#include "merge/event_id.h"
#include "merge/row_caster.h"
#include "merge/row_key.h"

namespace sluice {
namespace {

constexpr size_t kChunk = 5000;

struct Arrival {
  int64_t seq = 0;
  std::string id;
};

Result<std::vector<int>> ColumnIndexes(const EventSpec& event, const std::vector<std::string>& names) {
  std::vector<int> indexes;
  for (const auto& name : names) {
    const int i = event.ColumnIndex(name);
    if (i < 0) return Status::InvalidArgument(fmt::format("--by {}: {} has no column '{}'", name, event.name, name));
    if (event.columns[static_cast<size_t>(i)].path.relative_to_item)
      return Status::InvalidArgument(fmt::format("--by {}: the column reads the flattened element; compare events by "
                                                 "their event-level columns",
                                                 name));
    indexes.push_back(i);
  }
  return indexes;
}

// The staging rows that arrived at or after `since`: the seq to read after.
Result<int64_t> ReadAfter(MergeTransaction* txn, const std::optional<std::string>& since) {
  if (!since) return 0;
  ASSIGN_OR_RETURN(auto first, txn->FirstSeqLoadedSince(*since));
  if (!first) return std::numeric_limits<int64_t>::max();
  return *first - 1;
}

}  // namespace

Result<DedupeReport> Dedupe(Warehouse* warehouse, const EventSpec& event, const DedupeRequest& request) {
  if (event.id.empty())
    return Status::InvalidArgument(fmt::format("{} has no id: in the catalog; dedupe names the events it excludes by "
                                               "id",
                                               event.name));
  const bool by_id = request.columns.empty();
  std::vector<int> columns;
  if (!by_id) {
    ASSIGN_OR_RETURN(columns, ColumnIndexes(event, request.columns));
  }

  CorrectionStore& store = warehouse->corrections();
  ASSIGN_OR_RETURN(auto excluded_ids, store.InForce(event, CorrectionKind::kExclusion));
  ASSIGN_OR_RETURN(auto excluded_seqs, store.ExcludedSeqs(event));

  DedupeReport report;
  std::vector<Exclusion> exclusions;
  {
    ASSIGN_OR_RETURN(auto txn, warehouse->BeginMerge(event));  // a consistent read; rolled back
    ASSIGN_OR_RETURN(int64_t after, ReadAfter(txn.get(), request.since));
    PayloadExtractor extractor(WithIdColumns(event));
    RowCaster caster(event);
    std::vector<Value> row(event.columns.size());
    std::string arena, signature;
    std::vector<MergeError> errors;
    std::unordered_map<std::string, Arrival> first_by_id;
    std::unordered_map<std::string, std::vector<Arrival>> by_signature;
    std::vector<std::string> signatures;  // in order of first arrival, for a stable report
    std::vector<Arrival> repeats;         // by id: the later deliveries
    while (after < std::numeric_limits<int64_t>::max()) {
      StagingChunk chunk;
      RETURN_IF_ERROR(txn->ReadStaging(after, kChunk, [&](int64_t seq, std::string_view p) { chunk.Add(seq, p); }));
      for (size_t i = 0; i < chunk.size(); ++i) {
        const int64_t seq = chunk.seq(i);
        if (excluded_seqs.count(seq)) continue;
        if (!extractor.Extract(chunk.payload(i), chunk.payload_length(i), chunk.capacity(i)).ok()) continue;
        auto id = ReadEventId(extractor, event);
        if (!id || excluded_ids.count(*id)) continue;
        ++report.events_read;
        if (by_id) {
          auto [it, first] = first_by_id.try_emplace(*id, Arrival{seq, *id});
          if (!first) repeats.push_back({seq, *id});
          continue;
        }
        if (extractor.rows() == 0) continue;
        arena.clear();
        errors.clear();
        caster.Cast(extractor, 0, seq, &row, &arena, &errors);
        signature.clear();
        bool complete = true;
        for (int c : columns) complete &= !row[static_cast<size_t>(c)].is_null();
        if (!complete) continue;
        AppendRowKey(row.data(), columns, arena, &signature);
        auto [it, fresh] = by_signature.try_emplace(signature);
        if (fresh) signatures.push_back(signature);
        auto& group = it->second;
        if (std::none_of(group.begin(), group.end(), [&](const Arrival& a) { return a.id == *id; }))
          group.push_back({seq, std::move(*id)});
      }
      if (chunk.size() < kChunk) break;
      after = chunk.last_seq();
    }

    if (by_id) {
      std::unordered_map<std::string, size_t> set_of;  // id → its DuplicateSet
      for (const Arrival& a : repeats) {
        const Arrival& kept = first_by_id.at(a.id);
        ASSIGN_OR_RETURN(std::string kept_delivery, txn->DeliveryOf(kept.seq));
        ASSIGN_OR_RETURN(std::string delivery, txn->DeliveryOf(a.seq));
        auto [it, fresh] = set_of.try_emplace(a.id, report.sets.size());
        if (fresh) report.sets.push_back({fmt::format("{} (delivery {}, seq {})", a.id, kept_delivery, kept.seq), {}});
        report.sets[it->second].dropped.push_back(fmt::format("delivery {}, seq {}", delivery, a.seq));
        exclusions.push_back({a.id, a.seq, delivery,
                              fmt::format("duplicate delivery of {}: kept the first, delivery {} (seq {})", a.id,
                                          kept_delivery, kept.seq)});
      }
    } else {
      for (const auto& sig : signatures) {
        const auto& group = by_signature.at(sig);
        if (group.size() < 2) continue;
        const size_t keep = request.keep_last ? group.size() - 1 : 0;
        DuplicateSet set{group[keep].id, {}};
        for (size_t i = 0; i < group.size(); ++i) {
          if (i == keep) continue;
          set.dropped.push_back(group[i].id);
          exclusions.push_back({group[i].id, std::nullopt, "",
                                fmt::format("duplicate of {} by {}: kept the {} to arrive", group[keep].id,
                                            Join(request.columns, ", "), request.keep_last ? "last" : "first")});
        }
        report.sets.push_back(std::move(set));
      }
    }
  }
  report.duplicates = static_cast<int64_t>(exclusions.size());
  if (request.dry_run || exclusions.empty()) return report;
  ASSIGN_OR_RETURN(report.excluded, store.AddExclusions(event, exclusions, request.by));
  return report;
}

}  // namespace sluice
