#include "warehouse/sql/sql_correction_store.h"

#include <fmt/format.h>

#include "base/clock.h"
#include "base/text.h"
#include "warehouse/sql/sql_values.h"

namespace sluice {
namespace {

const char* Table(CorrectionKind kind) {
  return kind == CorrectionKind::kException ? "sluice_exceptions" : "sluice_exclusions";
}

}  // namespace

Status SqlCorrectionStore::QueuePending(const EventSpec& event, const std::string& id) {
  return session_
      ->Execute("INSERT INTO sluice_corrections_pending (event_type, event_id) VALUES ($1, $2)", {event.name, id})
      .status();
}

Status SqlCorrectionStore::AddExceptions(const EventSpec& event, const std::vector<CorrectedEvent>& events,
                                         const CorrectionNote& note) {
  if (events.empty()) return Status::Ok();
  const std::string at = FormatTimestamp(NowMicros());
  return session_->InTransaction([&]() -> Status {
    for (const auto& e : events) {
      RETURN_IF_ERROR(QueuePending(event, e.id));
      RETURN_IF_ERROR(session_
                          ->Execute("UPDATE sluice_exceptions SET removed_by = $1, removed_at = $2, "
                                    "removed_reason = 'replaced by a newer exception' "
                                    "WHERE event_type = $3 AND event_id = $4 AND removed_at IS NULL",
                                    {note.by, at, event.name, e.id})
                          .status());
      RETURN_IF_ERROR(session_
                          ->Execute("INSERT INTO sluice_exceptions (event_type, event_id, payload, arrived_after, "
                                    "reason, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                    {event.name, e.id, e.payload, SqlText(e.arrived_after), note.reason, note.by, at})
                          .status());
    }
    return Status::Ok();
  });
}

Result<int64_t> SqlCorrectionStore::AddExclusions(const EventSpec& event, const std::vector<Exclusion>& exclusions,
                                                  const std::string& by) {
  int64_t added = 0;
  Status st = session_->InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(auto excluded_ids, InForce(event, CorrectionKind::kExclusion));
    ASSIGN_OR_RETURN(auto excluded_seqs, ExcludedSeqs(event));
    const std::string at = FormatTimestamp(NowMicros());
    for (const auto& e : exclusions) {
      const bool is_new = e.seq ? excluded_seqs.insert(*e.seq).second : excluded_ids.insert(e.id).second;
      if (!is_new) continue;  // already excluded (or listed twice)
      ++added;
      RETURN_IF_ERROR(QueuePending(event, e.id));
      RETURN_IF_ERROR(session_
                          ->Execute("INSERT INTO sluice_exclusions (event_type, event_id, seq, delivery, reason, "
                                    "added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                    {event.name, e.id, SqlText(e.seq),
                                     e.seq ? std::optional<std::string>(e.delivery) : std::nullopt, e.reason, by, at})
                          .status());
    }
    return Status::Ok();
  });
  RETURN_IF_ERROR(st);
  return added;
}

Status SqlCorrectionStore::Remove(const EventSpec& event, CorrectionKind kind, const std::vector<std::string>& ids,
                                  const CorrectionNote& note) {
  return session_->InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(auto rows, session_->Execute(fmt::format("SELECT DISTINCT event_id FROM {} WHERE event_type = $1 "
                                                              "AND removed_at IS NULL",
                                                              Table(kind)),
                                                  {event.name}));
    std::unordered_set<std::string> in_force;
    for (auto& row : rows) in_force.insert(std::move(*row[0]));
    std::vector<std::string> missing;
    for (const auto& id : ids)
      if (!in_force.count(id)) missing.push_back(id);
    if (!missing.empty())
      return Status::NotFound(fmt::format("{} has no {} in force for id {}", event.name,
                                          kind == CorrectionKind::kException ? "exception" : "exclusion",
                                          Join(missing, ", ")));
    const std::string at = FormatTimestamp(NowMicros());
    for (const auto& id : ids) {
      RETURN_IF_ERROR(QueuePending(event, id));
      RETURN_IF_ERROR(session_
                          ->Execute(fmt::format("UPDATE {} SET removed_by = $1, removed_at = $2, removed_reason = $3 "
                                                "WHERE event_type = $4 AND event_id = $5 AND removed_at IS NULL",
                                                Table(kind)),
                                    {note.by, at, note.reason, event.name, id})
                          .status());
    }
    return Status::Ok();
  });
}

Result<std::unordered_set<std::string>> SqlCorrectionStore::InForce(const EventSpec& event, CorrectionKind kind) {
  ASSIGN_OR_RETURN(auto rows, session_->Execute(fmt::format("SELECT event_id FROM {} WHERE event_type = $1 "
                                                            "AND removed_at IS NULL{}",
                                                            Table(kind),
                                                            kind == CorrectionKind::kExclusion ? " AND seq IS NULL" : ""),
                                                {event.name}));
  std::unordered_set<std::string> ids;
  for (auto& row : rows) ids.insert(std::move(*row[0]));
  return ids;
}

Result<std::unordered_set<int64_t>> SqlCorrectionStore::ExcludedSeqs(const EventSpec& event) {
  ASSIGN_OR_RETURN(auto rows, session_->Execute("SELECT seq FROM sluice_exclusions WHERE event_type = $1 "
                                                "AND removed_at IS NULL AND seq IS NOT NULL",
                                                {event.name}));
  std::unordered_set<int64_t> seqs;
  for (const auto& row : rows) seqs.insert(SqlInt(row[0]));
  return seqs;
}

Result<std::optional<CorrectedEvent>> SqlCorrectionStore::Exception(const EventSpec& event, const std::string& id) {
  ASSIGN_OR_RETURN(auto rows, session_->Execute("SELECT payload, arrived_after FROM sluice_exceptions "
                                                "WHERE event_type = $1 AND event_id = $2 AND removed_at IS NULL",
                                                {event.name, id}));
  if (rows.empty()) return std::optional<CorrectedEvent>();
  return std::optional<CorrectedEvent>(CorrectedEvent{id, *rows[0][0], SqlOptionalInt(rows[0][1])});
}

Status SqlCorrectionStore::List(CorrectionKind kind, const std::string& event_type, bool include_removed,
                                QuerySink* sink) {
  std::vector<std::string> where;
  if (!event_type.empty()) where.push_back("event_type = " + SqlLiteral(event_type));
  if (!include_removed) where.push_back("removed_at IS NULL");
  const auto time = [&](const char* column) {
    return fmt::format("{} AS {}", session_->TimestampText(column), column);
  };
  return session_->Query(
      fmt::format("SELECT id, event_type, event_id, {}reason, added_by, {}{} FROM {}{} ORDER BY id",
                  kind == CorrectionKind::kException ? "payload, " : "seq, delivery, ", time("added_at"),
                  include_removed ? fmt::format(", removed_by, {}, removed_reason", time("removed_at")) : "",
                  Table(kind), where.empty() ? "" : " WHERE " + Join(where, " AND ")),
      sink);
}

}  // namespace sluice
