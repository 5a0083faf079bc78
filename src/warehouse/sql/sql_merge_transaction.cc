#include "warehouse/sql/sql_merge_transaction.h"

#include <fmt/format.h>

#include "base/text.h"
#include "warehouse/sql/sql_values.h"

namespace sluice {

Result<StoredCorrections> SqlMergeTransaction::ReadCorrections() {
  StoredCorrections c;
  // The pending changes first: a correction committed before this read is
  // then also in the reads below, so applying through it misses nothing
  // (on PostgreSQL each statement sees what committed before it).
  ASSIGN_OR_RETURN(auto through, Execute("SELECT max(change) FROM sluice_corrections_pending WHERE event_type = $1",
                                         {event_.name}));
  if (!through.empty()) c.pending_through = SqlInt(through[0][0]);
  ASSIGN_OR_RETURN(auto excluded, Execute("SELECT event_id, seq, delivery FROM sluice_exclusions "
                                          "WHERE event_type = $1 AND removed_at IS NULL",
                                          {event_.name}));
  for (auto& row : excluded) c.exclusions.push_back({std::move(*row[0]), SqlOptionalInt(row[1]), std::move(row[2])});
  ASSIGN_OR_RETURN(auto replaced, Execute("SELECT event_id, payload, arrived_after FROM sluice_exceptions "
                                          "WHERE event_type = $1 AND removed_at IS NULL ORDER BY id",
                                          {event_.name}));
  for (auto& row : replaced)
    c.exceptions.push_back({std::move(*row[0]), std::move(*row[1]), SqlOptionalInt(row[2])});
  if (c.pending_through == 0) return c;
  const SqlParams pending = {event_.name, std::to_string(c.pending_through)};
  ASSIGN_OR_RETURN(auto ids, Execute("SELECT DISTINCT event_id FROM sluice_corrections_pending "
                                     "WHERE event_type = $1 AND change <= $2",
                                     pending));
  for (auto& row : ids) c.pending_ids.push_back(std::move(*row[0]));
  ASSIGN_OR_RETURN(auto payloads, Execute("SELECT payload FROM sluice_exceptions WHERE event_type = $1 AND event_id IN "
                                          "(SELECT event_id FROM sluice_corrections_pending "
                                          "WHERE event_type = $1 AND change <= $2)",
                                          pending));
  for (auto& row : payloads) c.pending_payloads.push_back(std::move(*row[0]));
  return c;
}

Status SqlMergeTransaction::ForgetPendingCorrections(int64_t through) {
  if (through == 0) return Status::Ok();
  return Execute("DELETE FROM sluice_corrections_pending WHERE event_type = $1 AND change <= $2",
                 {event_.name, std::to_string(through)})
      .status();
}

Result<std::vector<std::string>> SqlMergeTransaction::TrimmedFiles() {
  // One scan of staging for the files it still holds, rather than a lookup
  // per file (staging has no index on source).
  ASSIGN_OR_RETURN(auto in_staging, Execute(fmt::format("SELECT DISTINCT source FROM {}",
                                                        QuoteIdent(event_.staging_table()))));
  std::unordered_set<std::string> staged;
  for (auto& row : in_staging)
    if (row[0]) staged.insert(std::move(*row[0]));
  ASSIGN_OR_RETURN(auto loaded, Execute("SELECT landed_as FROM sluice_load_history WHERE event_type = $1 "
                                        "AND rows > 0 ORDER BY loaded_at, landed_as",
                                        {event_.name}));
  std::vector<std::string> trimmed;
  for (auto& row : loaded)
    if (!staged.count(*row[0])) trimmed.push_back(std::move(*row[0]));
  return trimmed;
}

Result<std::optional<int64_t>> SqlMergeTransaction::QuerySeq(const std::string& sql, const SqlParams& params) {
  ASSIGN_OR_RETURN(auto rows, Execute(sql, params));
  if (rows.empty()) return std::optional<int64_t>();
  return SqlOptionalInt(rows[0][0]);
}

Result<std::optional<int64_t>> SqlMergeTransaction::FirstSeqLoadedSince(const std::string& time) {
  return QuerySeq(fmt::format("SELECT min(seq) FROM {} WHERE loaded_at >= $1", QuoteIdent(event_.staging_table())),
                  {time});
}

Result<std::optional<int64_t>> SqlMergeTransaction::LastSeqLoadedBefore(const std::string& time) {
  return QuerySeq(fmt::format("SELECT max(seq) FROM {} WHERE loaded_at < $1", QuoteIdent(event_.staging_table())),
                  {time});
}

Result<std::optional<int64_t>> SqlMergeTransaction::FirstStagingSeq() {
  return QuerySeq(fmt::format("SELECT min(seq) FROM {}", QuoteIdent(event_.staging_table())), {});
}

Result<std::string> SqlMergeTransaction::DeliveryOf(int64_t seq) {
  ASSIGN_OR_RETURN(auto rows, Execute(fmt::format("SELECT source, line FROM {} WHERE seq = $1",
                                                  QuoteIdent(event_.staging_table())),
                                      {std::to_string(seq)}));
  if (rows.empty()) return std::string();
  return fmt::format("{}:{}", rows[0][0].value_or(""), rows[0][1].value_or(""));
}

Result<std::unordered_set<int64_t>> SqlMergeTransaction::SeqsWithErrors(int64_t through) {
  ASSIGN_OR_RETURN(auto rows, Execute("SELECT DISTINCT seq FROM sluice_merge_errors WHERE event_type = $1 "
                                      "AND seq <= $2",
                                      {event_.name, std::to_string(through)}));
  std::unordered_set<int64_t> seqs;
  for (const auto& row : rows) seqs.insert(SqlInt(row[0]));
  return seqs;
}

Result<std::unordered_set<std::string>> SqlMergeTransaction::DeliveredEventIds(const std::vector<std::string>& ids) {
  std::unordered_set<std::string> delivered;
  if (ids.empty()) return delivered;
  SqlParams params;
  std::vector<std::string> placeholders;
  for (const auto& id : ids) {
    params.emplace_back(id);
    placeholders.push_back(fmt::format("${}", params.size()));
  }
  ASSIGN_OR_RETURN(auto rows, Execute(fmt::format("SELECT DISTINCT {0} FROM {1} WHERE {0} IN ({2})",
                                                  QuoteIdent(kEventIdColumn), QuoteIdent(event_.table),
                                                  Join(placeholders, ", ")),
                                      params));
  for (auto& row : rows) delivered.insert(std::move(*row[0]));
  return delivered;
}

Status SqlMergeTransaction::DeleteKeys(const std::vector<KeyValues>& keys) {
  std::vector<std::string> where;
  for (size_t i = 0; i < event_.key.size(); ++i)
    where.push_back(fmt::format("{} = ${}", QuoteIdent(event_.key[i]), i + 1));
  const std::string sql = fmt::format("DELETE FROM {} WHERE {}", QuoteIdent(event_.table), Join(where, " AND "));
  for (const auto& key : keys) RETURN_IF_ERROR(Execute(sql, SqlParams(key.begin(), key.end())).status());
  return Status::Ok();
}

Status SqlMergeTransaction::DeleteAllRows() {
  return Execute(fmt::format("DELETE FROM {}", QuoteIdent(event_.table))).status();
}

Status SqlMergeTransaction::DeleteErrorsOf(const std::unordered_set<int64_t>& seqs) {
  for (int64_t seq : seqs)
    RETURN_IF_ERROR(Execute("DELETE FROM sluice_merge_errors WHERE event_type = $1 AND seq = $2",
                            {event_.name, std::to_string(seq)})
                        .status());
  return Status::Ok();
}

Result<int64_t> SqlMergeTransaction::DeleteErrorsBetween(int64_t first, int64_t last) {
  ASSIGN_OR_RETURN(auto deleted, Execute("DELETE FROM sluice_merge_errors WHERE event_type = $1 AND seq >= $2 "
                                         "AND seq <= $3 RETURNING 1",
                                         {event_.name, std::to_string(first), std::to_string(last)}));
  return static_cast<int64_t>(deleted.size());
}

}  // namespace sluice
