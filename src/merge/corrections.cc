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
  // The pending changes first: a correction committed before this read is
  // then also in the reads below, so applying through it misses nothing
  // (on PostgreSQL each statement sees what committed before it).
  ASSIGN_OR_RETURN(auto through, txn->Execute("SELECT max(change) FROM sluice_corrections_pending "
                                                    "WHERE event_type = $1",
                                                    {event.name}));
  if (!through.empty() && through[0][0]) c.pending_through = std::stoll(*through[0][0]);
  ASSIGN_OR_RETURN(auto excluded, txn->Execute("SELECT event_id, seq, delivery FROM sluice_exclusions "
                                                     "WHERE event_type = $1 AND removed_at IS NULL",
                                                     {event.name}));
  for (auto& row : excluded) {
    if (!row[1]) {
      c.excluded.insert(std::move(*row[0]));
      continue;
    }
    c.excluded_seqs.insert(std::stoll(*row[1]));
    if (row[2]) c.excluded_deliveries.insert(std::move(*row[2]));
  }
  ASSIGN_OR_RETURN(auto replaced, txn->Execute("SELECT event_id, payload, arrived_after FROM sluice_exceptions "
                                                     "WHERE event_type = $1 AND removed_at IS NULL ORDER BY id",
                                                     {event.name}));
  for (auto& row : replaced) {
    if (row[2]) c.backfills[std::stoll(*row[2])].push_back(*row[0]);
    c.replaced[*row[0]] = Padded(*row[1]);
  }
  if (c.pending_through == 0) return c;
  const SqlParams pending_params = {event.name, std::to_string(c.pending_through)};
  ASSIGN_OR_RETURN(auto pending, txn->Execute("SELECT DISTINCT event_id FROM sluice_corrections_pending "
                                                    "WHERE event_type = $1 AND change <= $2",
                                                    pending_params));
  for (auto& row : pending) c.pending.insert(std::move(*row[0]));
  ASSIGN_OR_RETURN(auto payloads,
                   txn->Execute("SELECT payload FROM sluice_exceptions WHERE event_type = $1 AND event_id IN "
                                      "(SELECT event_id FROM sluice_corrections_pending "
                                      "WHERE event_type = $1 AND change <= $2)",
                                      pending_params));
  for (auto& row : payloads) c.pending_payloads.push_back(Padded(*row[0]));
  return c;
}

Status ForgetPending(MergeTransaction* txn, const EventSpec& event, int64_t through) {
  if (through == 0) return Status::Ok();
  return txn->Execute("DELETE FROM sluice_corrections_pending WHERE event_type = $1 AND change <= $2",
                      {event.name, std::to_string(through)})
      .status();
}

}  // namespace sluice
