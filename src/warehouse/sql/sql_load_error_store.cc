#include "warehouse/sql/sql_load_error_store.h"

#include <map>
#include <utility>

#include "base/clock.h"
#include "warehouse/sql/sql_batch.h"
#include "warehouse/sql/sql_values.h"

namespace sluice {

Status SqlLoadErrorStore::RecordRejected(const RejectedInput& input) {
  return session_
      ->Execute("INSERT INTO sluice_load_errors (event_type, file, line, landed_as, error, raw, at) "
                "VALUES ($1, $2, $3, NULL, $4, $5, $6)",
                {input.event_type, input.origin, std::to_string(input.position), input.error, input.raw,
                 FormatTimestamp(NowMicros())})
      .status();
}

Result<std::vector<LoadErrorRow>> SqlLoadErrorStore::Unfixed(const EventSpec& event) {
  ASSIGN_OR_RETURN(auto rows, session_->Execute("SELECT e.landed_as, e.line, e.file, e.error, e.raw "
                                                "FROM sluice_load_errors e WHERE e.event_type = $1 AND "
                                                "e.landed_as IS NOT NULL AND NOT EXISTS "
                                                "(SELECT 1 FROM sluice_load_error_fixes f WHERE f.event_type = "
                                                "e.event_type AND f.landed_as = e.landed_as AND f.line = e.line "
                                                "AND f.replayed_at IS NOT NULL) ORDER BY e.landed_as, e.line",
                                                {event.name}));
  std::vector<LoadErrorRow> out;
  for (auto& r : rows)
    out.push_back({r[0].value_or(""), SqlInt(r[1]), r[2].value_or(""), r[3].value_or(""), r[4].value_or("")});
  return out;
}

Status SqlLoadErrorStore::StoreFixes(const EventSpec& event, const std::vector<LoadErrorFix>& fixes,
                                     const std::string& by) {
  // A later fix of the same line replaces an earlier one.
  std::map<std::pair<std::string, int64_t>, const LoadErrorFix*> latest;
  for (const auto& fix : fixes) latest[{fix.landed_as, fix.line}] = &fix;
  std::vector<SqlParams> lines, rows;
  const std::string at = FormatTimestamp(NowMicros());
  for (const auto& fix : fixes) {
    if (latest.at({fix.landed_as, fix.line}) != &fix) continue;
    lines.push_back({fix.landed_as, std::to_string(fix.line)});
    rows.push_back({event.name, fix.landed_as, std::to_string(fix.line), fix.payload, by, at});
  }
  return session_->InTransaction([&]() -> Status {
    RETURN_IF_ERROR(ExecuteForTuples(session_,
                                     "DELETE FROM sluice_load_error_fixes WHERE event_type = $1 AND replayed_at IS NULL "
                                     "AND (landed_as, line) IN {tuples}",
                                     {event.name}, lines));
    return InsertRows(session_,
                      "INSERT INTO sluice_load_error_fixes (event_type, landed_as, line, payload, imported_by, "
                      "imported_at)",
                      rows);
  });
}

Result<std::vector<LoadErrorFix>> SqlLoadErrorStore::Unreplayed(const EventSpec& event) {
  ASSIGN_OR_RETURN(auto rows, session_->Execute("SELECT landed_as, line, payload FROM sluice_load_error_fixes "
                                                "WHERE event_type = $1 AND replayed_at IS NULL "
                                                "ORDER BY landed_as, line",
                                                {event.name}));
  std::vector<LoadErrorFix> out;
  for (auto& r : rows) out.push_back({r[0].value_or(""), SqlInt(r[1]), r[2].value_or("")});
  return out;
}

Status SqlLoadErrorStore::MarkReplayed(const EventSpec& event, const std::vector<LoadErrorFix>& fixes) {
  std::vector<SqlParams> lines;
  for (const auto& fix : fixes) lines.push_back({fix.landed_as, std::to_string(fix.line)});
  return session_->InTransaction([&]() -> Status {
    return ExecuteForTuples(session_,
                            "UPDATE sluice_load_error_fixes SET replayed_at = $1 WHERE event_type = $2 AND "
                            "replayed_at IS NULL AND (landed_as, line) IN {tuples}",
                            {FormatTimestamp(NowMicros()), event.name}, lines);
  });
}

}  // namespace sluice
