#include "corrections/correction_store.h"

#include <algorithm>


#include "base/clock.h"
#include "base/text.h"
#include "catalog/ddl.h"

namespace sluice {
namespace {

// Long enough for any correction; PostgreSQL caps statement_timeout near 24 days.
constexpr int64_t kNoTimeout = int64_t{24} * 3600 * 1000 * 1000;

}  // namespace

const char* CorrectionTable(CorrectionKind kind) {
  return kind == CorrectionKind::kException ? "sluice_exceptions" : "sluice_exclusions";
}

std::string CorrectionStore::Pending(const std::string& id) const {
  return fmt::format("INSERT INTO sluice_corrections_pending (event_type, event_id) VALUES ({}, {})",
                     SqlLiteral(event_.name), SqlLiteral(id));
}

Status CorrectionStore::Apply(const std::vector<std::string>& statements) {
  if (statements.empty()) return Status::Ok();
  return warehouse_->RunScript(Join(statements, ";\n") + ";", kNoTimeout).status();
}

Status CorrectionStore::AddExceptions(const std::vector<CorrectedEvent>& events, const CorrectionNote& note) {
  const std::string at = SqlLiteral(FormatTimestamp(NowMicros()));
  std::vector<std::string> sql;
  for (const auto& e : events) {
    sql.push_back(Pending(e.id));
    sql.push_back(fmt::format("UPDATE sluice_exceptions SET removed_by = {}, removed_at = {}, removed_reason = {} "
                              "WHERE event_type = {} AND event_id = {} AND removed_at IS NULL",
                              SqlLiteral(note.by), at, SqlLiteral("replaced by a newer exception"),
                              SqlLiteral(event_.name), SqlLiteral(e.id)));
    sql.push_back(fmt::format("INSERT INTO sluice_exceptions (event_type, event_id, payload, arrived_after, reason, "
                              "added_by, added_at) VALUES ({}, {}, {}, {}, {}, {}, {})",
                              SqlLiteral(event_.name), SqlLiteral(e.id), SqlLiteral(e.payload),
                              e.arrived_after ? std::to_string(*e.arrived_after) : "NULL", SqlLiteral(note.reason),
                              SqlLiteral(note.by), at));
  }
  return Apply(sql);
}

Result<int64_t> CorrectionStore::AddExclusions(const std::vector<Exclusion>& exclusions, const std::string& by) {
  ASSIGN_OR_RETURN(auto excluded_ids, InForce(CorrectionKind::kExclusion));
  ASSIGN_OR_RETURN(auto excluded_seqs, ExcludedSeqs());
  const std::string at = SqlLiteral(FormatTimestamp(NowMicros()));
  std::vector<std::string> sql;
  int64_t added = 0;
  for (const auto& e : exclusions) {
    const bool is_new = e.seq ? excluded_seqs.insert(*e.seq).second : excluded_ids.insert(e.id).second;
    if (!is_new) continue;  // already excluded (or listed twice)
    ++added;
    sql.push_back(Pending(e.id));
    sql.push_back(fmt::format("INSERT INTO sluice_exclusions (event_type, event_id, seq, delivery, reason, added_by, "
                              "added_at) VALUES ({}, {}, {}, {}, {}, {}, {})",
                              SqlLiteral(event_.name), SqlLiteral(e.id), e.seq ? std::to_string(*e.seq) : "NULL",
                              e.seq ? SqlLiteral(e.delivery) : "NULL", SqlLiteral(e.reason), SqlLiteral(by), at));
  }
  RETURN_IF_ERROR(Apply(sql));
  return added;
}

Status CorrectionStore::Remove(CorrectionKind kind, const std::vector<std::string>& ids, const CorrectionNote& note) {
  ASSIGN_OR_RETURN(auto rows, warehouse_->Execute(fmt::format("SELECT DISTINCT event_id FROM {} WHERE event_type = $1 "
                                                              "AND removed_at IS NULL",
                                                              CorrectionTable(kind)),
                                                  {event_.name}));
  std::unordered_set<std::string> in_force;
  for (auto& row : rows) in_force.insert(std::move(*row[0]));
  std::vector<std::string> missing;
  for (const auto& id : ids)
    if (!in_force.count(id)) missing.push_back(id);
  if (!missing.empty())
    return Status::NotFound(fmt::format("{} has no {} in force for id {}", event_.name,
                                        kind == CorrectionKind::kException ? "exception" : "exclusion",
                                        Join(missing, ", ")));
  const std::string at = SqlLiteral(FormatTimestamp(NowMicros()));
  std::vector<std::string> sql;
  for (const auto& id : ids) {
    sql.push_back(Pending(id));
    sql.push_back(fmt::format("UPDATE {} SET removed_by = {}, removed_at = {}, removed_reason = {} "
                              "WHERE event_type = {} AND event_id = {} AND removed_at IS NULL",
                              CorrectionTable(kind), SqlLiteral(note.by), at, SqlLiteral(note.reason),
                              SqlLiteral(event_.name), SqlLiteral(id)));
  }
  return Apply(sql);
}

Result<std::unordered_set<std::string>> CorrectionStore::InForce(CorrectionKind kind) {
  ASSIGN_OR_RETURN(auto rows, warehouse_->Execute(fmt::format("SELECT event_id FROM {} WHERE event_type = $1 "
                                                              "AND removed_at IS NULL{}",
                                                              CorrectionTable(kind),
                                                              kind == CorrectionKind::kExclusion ? " AND seq IS NULL"
                                                                                                 : ""),
                                                  {event_.name}));
  std::unordered_set<std::string> ids;
  for (auto& row : rows) ids.insert(std::move(*row[0]));
  return ids;
}

Result<std::unordered_set<int64_t>> CorrectionStore::ExcludedSeqs() {
  ASSIGN_OR_RETURN(auto rows, warehouse_->Execute("SELECT seq FROM sluice_exclusions WHERE event_type = $1 "
                                                  "AND removed_at IS NULL AND seq IS NOT NULL",
                                                  {event_.name}));
  std::unordered_set<int64_t> seqs;
  for (const auto& row : rows) seqs.insert(std::stoll(*row[0]));
  return seqs;
}

Result<std::optional<CorrectedEvent>> CorrectionStore::Exception(const std::string& id) {
  ASSIGN_OR_RETURN(auto rows, warehouse_->Execute("SELECT payload, arrived_after FROM sluice_exceptions "
                                                  "WHERE event_type = $1 AND event_id = $2 AND removed_at IS NULL",
                                                  {event_.name, id}));
  if (rows.empty()) return std::optional<CorrectedEvent>();
  CorrectedEvent e{id, *rows[0][0], std::nullopt};
  if (rows[0][1]) e.arrived_after = std::stoll(*rows[0][1]);
  return std::optional<CorrectedEvent>(std::move(e));
}

Result<int64_t> CorrectionStore::ArrivalNow() {
  ASSIGN_OR_RETURN(auto rows,
                   warehouse_->Execute(fmt::format("SELECT (SELECT max(seq) FROM {}), (SELECT position FROM "
                                                   "sluice_streams WHERE staging_table = $1)",
                                                   QuoteIdent(event_.staging_table())),
                                       {event_.staging_table()}));
  int64_t arrival = 0;
  for (const auto& value : rows.at(0))
    if (value) arrival = std::max<int64_t>(arrival, std::stoll(*value));
  return arrival;
}

}  // namespace sluice
