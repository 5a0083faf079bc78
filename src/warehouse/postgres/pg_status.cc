// Every event type's status in a few statements, whatever the catalog's
// size: sluice's own tables read once each, grouped by type, and the counts
// of the types' own tables a chunk of types per statement, instead of a
// round trip per type.
#include <unordered_map>

#include "base/text.h"
#include "warehouse/postgres/pg_internal.h"
#include "warehouse/postgres/pg_warehouse.h"

namespace sluice {
namespace {

// Types whose counts one statement (one transaction) reads: each locks its
// two tables until it ends, and the server's lock table is shared by every
// session.
constexpr size_t kTypesPerStatement = 100;
// As the SQLite backend stores its times.
constexpr const char* kTimeFormat = "YYYY-MM-DD HH24:MI:SS.US";

}  // namespace

Result<std::vector<EventStatus>> PgWarehouse::GetStatuses(const Catalog& catalog) {
  RETURN_IF_ERROR(session_->EnsureConnected());
  // Each statement its own transaction, not one snapshot for all: a
  // transaction keeps the lock of every table it read until it ends, and a
  // large catalog's tables would fill the server's lock table ("out of
  // shared memory"). A status is a look, not a reconciliation.

  struct Stream {
    int64_t position = 0;
    std::optional<std::string> merged_at;
  };
  std::unordered_map<std::string, Stream> streams;  // by staging table
  {
    ASSIGN_OR_RETURN(PgResult r, conn()->Query(fmt::format("SELECT staging_table, position, to_char(merged_at, '{}') "
                                                          "FROM {}",
                                                          kTimeFormat, Table("sluice_streams"))));
    for (int i = 0; i < r.rows(); ++i) {
      Stream& s = streams[std::string(r.Get(i, 0))];
      s.position = r.GetInt(i, 1);
      if (!r.IsNull(i, 2)) s.merged_at = std::string(r.Get(i, 2));
    }
  }
  struct PerType {
    int64_t load_errors = 0, merge_errors = 0;
    std::optional<std::string> last_load;
  };
  std::unordered_map<std::string, PerType> per_type;  // by event type
  {
    ASSIGN_OR_RETURN(PgResult r, conn()->Query(fmt::format("SELECT event_type, count(*) FROM {} GROUP BY event_type",
                                                          Table("sluice_load_errors"))));
    for (int i = 0; i < r.rows(); ++i) per_type[std::string(r.Get(i, 0))].load_errors = r.GetInt(i, 1);
  }
  {
    ASSIGN_OR_RETURN(PgResult r, conn()->Query(fmt::format("SELECT event_type, count(*) FROM {} GROUP BY event_type",
                                                          Table("sluice_merge_errors"))));
    for (int i = 0; i < r.rows(); ++i) per_type[std::string(r.Get(i, 0))].merge_errors = r.GetInt(i, 1);
  }
  {
    ASSIGN_OR_RETURN(PgResult r, conn()->Query(fmt::format("SELECT event_type, to_char(max(loaded_at), '{}') FROM {} "
                                                          "GROUP BY event_type",
                                                          kTimeFormat, Table("sluice_load_history"))));
    for (int i = 0; i < r.rows(); ++i)
      if (!r.IsNull(i, 1)) per_type[std::string(r.Get(i, 0))].last_load = std::string(r.Get(i, 1));
  }

  std::vector<EventStatus> out(catalog.events.size());
  std::vector<int64_t> positions(catalog.events.size(), 0);
  for (size_t i = 0; i < catalog.events.size(); ++i) {
    const EventSpec& event = catalog.events[i];
    EventStatus& s = out[i];
    if (const auto it = streams.find(event.staging_table()); it != streams.end()) {
      positions[i] = it->second.position;
      s.last_merge = it->second.merged_at;
    }
    if (const auto it = per_type.find(event.name); it != per_type.end()) {
      s.load_errors = it->second.load_errors;
      s.merge_errors = it->second.merge_errors;
      s.last_load = it->second.last_load;
    }
  }
  for (size_t first = 0; first < catalog.events.size(); first += kTypesPerStatement) {
    const size_t end = std::min(catalog.events.size(), first + kTypesPerStatement);
    std::string sql;
    for (size_t i = first; i < end; ++i) {
      const EventSpec& event = catalog.events[i];
      const std::string stg = Table(event.staging_table());
      sql += fmt::format("{}SELECT {}::int, (SELECT count(*) FROM {}), (SELECT count(*) FROM {} WHERE seq > {}), "
                         "(SELECT count(*) FROM {})",
                         i == first ? "" : " UNION ALL ", i, stg, stg, positions[i], Table(event.table));
    }
    ASSIGN_OR_RETURN(PgResult r, conn()->Query(sql));
    for (int row = 0; row < r.rows(); ++row) {
      EventStatus& s = out[static_cast<size_t>(r.GetInt(row, 0))];
      s.staged_rows = r.GetInt(row, 1);
      s.unmerged_rows = r.GetInt(row, 2);
      s.final_rows = r.GetInt(row, 3);
    }
  }
  return out;
}

}  // namespace sluice
