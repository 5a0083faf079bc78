#include "warehouse/sql/sql_correction_store.h"

#include <fmt/format.h>

#include "base/clock.h"
#include "base/text.h"
#include "warehouse/sql/sql_batch.h"
#include "warehouse/sql/sql_values.h"

namespace sluice {
namespace {

const char* Table(CorrectionKind kind) {
  return kind == CorrectionKind::kException ? "sluice_exceptions" : "sluice_exclusions";
}

}  // namespace

Status SqlCorrectionStore::QueuePending(const EventSpec& event, const std::vector<std::string>& ids) {
  std::vector<SqlParams> rows;
  for (const auto& id : ids) rows.push_back({event.name, id});
  return InsertRows(session_, "INSERT INTO sluice_corrections_pending (event_type, event_id)", rows);
}

Status SqlCorrectionStore::EndInForce(const EventSpec& event, CorrectionKind kind, const std::vector<std::string>& ids,
                                      const std::string& by, const std::string& at, const std::string& reason) {
  std::vector<SqlParams> tuples;
  for (const auto& id : ids) tuples.push_back({id});
  return ExecuteForTuples(session_,
                          fmt::format("UPDATE {} SET removed_by = $1, removed_at = $2, removed_reason = $3 "
                                      "WHERE event_type = $4 AND removed_at IS NULL AND event_id IN {{tuples}}",
                                      Table(kind)),
                          {by, at, reason, event.name}, tuples);
}

Status SqlCorrectionStore::AddExceptions(const EventSpec& event, const std::vector<CorrectedEvent>& events,
                                         const CorrectionNote& note) {
  if (events.empty()) return Status::Ok();
  // Each event replaces the exception in force for its id, in the given
  // order; an id given twice is replaced twice, so those go one by one.
  std::vector<std::vector<CorrectedEvent>> rounds;
  std::unordered_set<std::string> seen;
  bool unique = true;
  for (const auto& e : events) unique &= seen.insert(e.id).second;
  if (unique) rounds.push_back(events);
  else for (const auto& e : events) rounds.push_back({e});
  const std::string at = FormatTimestamp(NowMicros());
  return session_->InTransaction([&]() -> Status {
    for (const auto& round : rounds) {
      std::vector<std::string> ids;
      std::vector<SqlParams> rows;
      for (const auto& e : round) {
        ids.push_back(e.id);
        rows.push_back({event.name, e.id, e.payload, SqlText(e.arrived_after), note.reason, note.by, at});
      }
      RETURN_IF_ERROR(QueuePending(event, ids));
      RETURN_IF_ERROR(EndInForce(event, CorrectionKind::kException, ids, note.by, at, "replaced by a newer exception"));
      RETURN_IF_ERROR(InsertRows(session_,
                                 "INSERT INTO sluice_exceptions (event_type, event_id, payload, arrived_after, reason, "
                                 "added_by, added_at)",
                                 rows));
    }
    return Status::Ok();
  });
}

Result<int64_t> SqlCorrectionStore::AddExclusions(const EventSpec& event, const std::vector<Exclusion>& exclusions,
                                                  const std::string& by) {
  ASSIGN_OR_RETURN(auto excluded_ids, InForce(event, CorrectionKind::kExclusion));
  ASSIGN_OR_RETURN(auto excluded_seqs, ExcludedSeqs(event));
  const std::string at = FormatTimestamp(NowMicros());
  std::vector<std::string> ids;
  std::vector<SqlParams> rows;
  for (const auto& e : exclusions) {
    const bool is_new = e.seq ? excluded_seqs.insert(*e.seq).second : excluded_ids.insert(e.id).second;
    if (!is_new) continue;  // already excluded (or listed twice)
    ids.push_back(e.id);
    rows.push_back({event.name, e.id, SqlText(e.seq), e.seq ? std::optional<std::string>(e.delivery) : std::nullopt,
                    e.reason, by, at});
  }
  if (rows.empty()) return 0;
  RETURN_IF_ERROR(session_->InTransaction([&]() -> Status {
    RETURN_IF_ERROR(QueuePending(event, ids));
    return InsertRows(session_,
                      "INSERT INTO sluice_exclusions (event_type, event_id, seq, delivery, reason, added_by, added_at)",
                      rows);
  }));
  return static_cast<int64_t>(rows.size());
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
    RETURN_IF_ERROR(QueuePending(event, ids));
    return EndInForce(event, kind, ids, note.by, FormatTimestamp(NowMicros()), note.reason);
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
