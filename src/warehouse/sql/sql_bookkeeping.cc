#include "warehouse/sql/sql_bookkeeping.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/text.h"
#include "warehouse/sql/sql_values.h"

namespace sluice {

Result<int64_t> SqlBookkeeping::ArrivalNow(const EventSpec& event) {
  ASSIGN_OR_RETURN(auto rows,
                   session_->Execute(fmt::format("SELECT (SELECT max(seq) FROM {}), (SELECT position FROM "
                                                 "sluice_streams WHERE staging_table = $1)",
                                                 QuoteIdent(event.staging_table())),
                                     {event.staging_table()}));
  int64_t arrival = 0;
  for (const auto& value : rows.at(0)) arrival = std::max(arrival, SqlInt(value));
  return arrival;
}

Result<int64_t> SqlBookkeeping::DeleteMergedStagingRows(const EventSpec& event, const std::string& loaded_before) {
  ASSIGN_OR_RETURN(auto rows, session_->Execute(fmt::format("DELETE FROM {} WHERE seq <= (SELECT position FROM "
                                                            "sluice_streams WHERE staging_table = $1) AND "
                                                            "loaded_at < $2 RETURNING seq",
                                                            QuoteIdent(event.staging_table())),
                                                {event.staging_table(), loaded_before}));
  return static_cast<int64_t>(rows.size());
}

Result<std::vector<std::string>> SqlBookkeeping::FilesLoadedBefore(const EventSpec& event,
                                                                   const std::string& loaded_before) {
  ASSIGN_OR_RETURN(auto rows, session_->Execute("SELECT landed_as FROM sluice_load_history WHERE event_type = $1 "
                                                "AND loaded_at < $2",
                                                {event.name, loaded_before}));
  std::vector<std::string> files;
  for (auto& row : rows)
    if (row[0]) files.push_back(std::move(*row[0]));
  return files;
}

}  // namespace sluice
