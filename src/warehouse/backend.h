// The warehouse: where staging and final tables live, behind one interface
// of named operations.
//
// Every statement sluice itself runs is written inside src/warehouse/; the
// only SQL that crosses this interface is the user's own (Query, RunScript).
// Each backend is a folder under src/warehouse/ that registers itself
// (registry.h). Loader and merge speak only to this interface, so their
// guarantees hold on every backend:
//   - StagingLoad (staging_load.h): a file's rows, load errors and history
//     row commit together; exactly once per file;
//   - MergeTransaction (merge_transaction.h): upserts, merge errors,
//     corrections' bookkeeping and the stream position commit together; one
//     run per event type at a time.
// What backends may differ in, they say here: SQLite serialises every writer
// on its one file (readers go on beside it); PostgreSQL lets loads and
// merges of different types run at once and serialises those of one type.
//
// A Warehouse is used from one thread at a time (its stores too: they share
// its connection). Destroying an uncommitted load or run rolls it back. The
// times it records (loaded_at, merged_at, added_at …) are the wall clock's
// (base/clock.h), as the database's own would be: the warehouse lies outside
// the Env seam, and retention compares them with times the caller passes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "catalog/event_spec.h"
#include "warehouse/correction_store.h"
#include "warehouse/load_error_store.h"
#include "warehouse/merge_transaction.h"
#include "warehouse/model_store.h"
#include "warehouse/query_sink.h"
#include "warehouse/staging_load.h"
#include "warehouse/task_store.h"

namespace sluice {

struct WarehouseConfig;

struct EventStatus {
  int64_t staged_rows = 0;
  int64_t unmerged_rows = 0;
  int64_t final_rows = 0;
  int64_t load_errors = 0;
  int64_t merge_errors = 0;
  std::optional<std::string> last_load;
  std::optional<std::string> last_merge;
};

class Warehouse {
 public:
  virtual ~Warehouse() = default;

  // Creates sluice's own tables and each event's staging and final tables,
  // adds columns new in the catalog, and refuses (naming them) changes that
  // would lose data: dropped columns, changed types or keys.
  virtual Status Prepare(const Catalog& catalog) = 0;

  // --- Loads.
  // Where the content with `checksum` was landed when it was loaded for this
  // event type (sluice_load_history.landed_as); nullopt if it was not loaded.
  virtual Result<std::optional<std::string>> LoadedAs(const std::string& event_type, const std::string& checksum) = 0;
  // Whether the landed file `landed_as` (relative to data_dir) was loaded for this event type.
  virtual Result<bool> LandedFileLoaded(const std::string& event_type, const std::string& landed_as) = 0;
  // `source` is the landed file the rows come from (staging's source column);
  // `file` is the file as the user named it (sluice_load_errors' file column).
  virtual Result<std::unique_ptr<StagingLoad>> BeginLoad(const EventSpec& event, std::string source,
                                                         std::string file) = 0;

  // --- Merges.
  virtual Result<std::unique_ptr<MergeTransaction>> BeginMerge(const EventSpec& event) = 0;
  // Where an event arriving now stands in the type's arrival order: the
  // newest staging seq, or the stream position when staging is empty.
  virtual Result<int64_t> ArrivalNow(const EventSpec& event) = 0;

  // --- Retention (never drops what the merge has not consumed).
  // Deletes the staging rows that are merged (seq at or below the stream
  // position) and were loaded before `loaded_before`; returns how many.
  virtual Result<int64_t> DeleteMergedStagingRows(const EventSpec& event, const std::string& loaded_before) = 0;
  // The landed files (relative to data_dir) whose load was recorded before `loaded_before`.
  virtual Result<std::vector<std::string>> FilesLoadedBefore(const EventSpec& event,
                                                             const std::string& loaded_before) = 0;

  // --- Reading.
  virtual Result<EventStatus> GetStatus(const EventSpec& event) = 0;
  // Every type's status, in catalog order. A backend reads its bookkeeping
  // once here, so that `sluice status` takes time linear in the catalog's
  // size; this default asks GetStatus for each type.
  virtual Result<std::vector<EventStatus>> GetStatuses(const Catalog& catalog) {
    std::vector<EventStatus> out;
    out.reserve(catalog.events.size());
    for (const auto& event : catalog.events) {
      auto s = GetStatus(event);
      if (!s.ok()) return s.status().WithContext(event.name);
      out.push_back(std::move(s).value());
    }
    return out;
  }
  // Runs the user's `sql`; refuses statements that write unless `allow_writes`.
  virtual Status Query(std::string_view sql, bool allow_writes, QuerySink* sink) = 0;
  // A user's SQL task: every statement of `sql`, in one transaction that
  // commits only if all succeed; cancelled (and rolled back) once
  // `timeout_micros` pass. Returns the rows the statements changed.
  virtual Result<int64_t> RunScript(std::string_view sql, int64_t timeout_micros) = 0;

  // --- sluice's own records, on this warehouse's connection.
  virtual TaskStore& tasks() = 0;
  virtual CorrectionStore& corrections() = 0;
  virtual LoadErrorStore& load_errors() = 0;
  // The relations a dbt project builds, and their run history (models/).
  virtual ModelStore& models() = 0;
};

// Opens the backend that `warehouse.backend` names (registry.h); relative
// paths in its options (the SQLite file) are under `data_dir`.
Result<std::unique_ptr<Warehouse>> OpenWarehouse(const WarehouseConfig& warehouse, const std::string& data_dir);

// Opens another connection to the same warehouse: what a component that
// writes from a thread of its own is given (a Warehouse is single-threaded).
using WarehouseOpener = std::function<Result<std::unique_ptr<Warehouse>>()>;

}  // namespace sluice
