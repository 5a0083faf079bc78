#include "warehouse/sql/sql_load_error_store.h"

#include "base/clock.h"
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
  const std::string at = FormatTimestamp(NowMicros());
  return session_->InTransaction([&]() -> Status {
    for (const auto& fix : fixes) {
      const SqlParams where = {event.name, fix.landed_as, std::to_string(fix.line)};
      RETURN_IF_ERROR(session_
                          ->Execute("DELETE FROM sluice_load_error_fixes WHERE event_type = $1 AND landed_as = $2 "
                                    "AND line = $3 AND replayed_at IS NULL",
                                    where)
                          .status());
      RETURN_IF_ERROR(session_
                          ->Execute("INSERT INTO sluice_load_error_fixes (event_type, landed_as, line, payload, "
                                    "imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6)",
                                    {event.name, fix.landed_as, std::to_string(fix.line), fix.payload, by, at})
                          .status());
    }
    return Status::Ok();
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
  const std::string at = FormatTimestamp(NowMicros());
  return session_->InTransaction([&]() -> Status {
    for (const auto& fix : fixes)
      RETURN_IF_ERROR(session_
                          ->Execute("UPDATE sluice_load_error_fixes SET replayed_at = $1 WHERE event_type = $2 AND "
                                    "landed_as = $3 AND line = $4 AND replayed_at IS NULL",
                                    {at, event.name, fix.landed_as, std::to_string(fix.line)})
                          .status());
    return Status::Ok();
  });
}

}  // namespace sluice
