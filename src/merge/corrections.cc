#include "merge/corrections.h"

#include <simdjson.h>

namespace sluice {

std::string Padded(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + simdjson::SIMDJSON_PADDING);
  out.append(payload).append(simdjson::SIMDJSON_PADDING, ' ');
  return out;
}

size_t UnpaddedSize(const std::string& padded) { return padded.size() - simdjson::SIMDJSON_PADDING; }

const std::string* Corrections::Replacement(const std::string& id) const {
  const auto it = replaced.find(id);
  return it == replaced.end() ? nullptr : &it->second;
}

bool Corrections::ExcludesDelivery(const std::string& landed_as, int64_t line) const {
  return !excluded_deliveries.empty() && excluded_deliveries.count(fmt::format("{}:{}", landed_as, line)) > 0;
}

Result<Corrections> LoadCorrections(MergeTransaction* txn, const EventSpec& event) {
  Corrections c;
  if (event.id.empty()) return c;
  ASSIGN_OR_RETURN(StoredCorrections stored, txn->ReadCorrections());
  for (auto& e : stored.exclusions) {
    if (!e.seq) {
      c.excluded.insert(std::move(e.id));
      continue;
    }
    c.excluded_seqs.insert(*e.seq);
    if (e.delivery) c.excluded_deliveries.insert(std::move(*e.delivery));
  }
  for (auto& e : stored.exceptions) {
    if (e.arrived_after) c.backfills[*e.arrived_after].push_back(e.id);
    c.replaced[e.id] = Padded(e.payload);
  }
  c.pending_through = stored.pending_through;
  for (auto& id : stored.pending_ids) c.pending.insert(std::move(id));
  for (const auto& payload : stored.pending_payloads) c.pending_payloads.push_back(Padded(payload));
  return c;
}

}  // namespace sluice
