// The warehouse: where staging and final tables live, behind one interface.
//
// SQLite (embedded, the default) and PostgreSQL implement it; others plug in
// as a new folder plus one line in OpenWarehouse. Loader and merge
// speak only to this interface, so their guarantees hold on every backend:
//   - StagingLoad: a file's rows, its load errors and its load-history row
//     commit together or not at all; the history is the arbiter of
//     exactly-once (Commit returns AlreadyExists when the content was loaded).
//   - MergeTransaction: the upserts, the merge errors and the stream position
//     commit together; only one merge per event type runs at a time.
// A Warehouse is used from one thread at a time. Destroying an uncommitted
// transaction rolls it back.
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
#include "warehouse/row_batch.h"

namespace sluice {

struct Config;

// How the load history recognises a file it has loaded before.
enum class LoadIdentity {
  kContent,     // a file from outside the landing zone: its content loads once, under any name
  kLandedFile,  // a file in the landing zone (sealed by the collector): it loads once, whatever its
                // content, so two requests that happen to seal identical files both count
};

struct LoadRecord {
  LoadIdentity identity = LoadIdentity::kContent;
  std::string path;       // the file as given to `sluice load`
  std::string landed_as;  // its permanent copy in the landing zone
  std::string checksum;   // of the uncompressed content
  std::string event_type;
  int64_t rows = 0;
  int64_t errors = 0;
};

struct MergeError {
  int64_t seq = 0;
  std::optional<int64_t> item_index;  // element of the flattened array
  std::string column;
  std::optional<std::string> value;
  std::string error;
};

struct UpsertCounts {
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t stale = 0;  // lost to a stored row with a newer or equal version
};

struct EventStatus {
  int64_t staged_rows = 0;
  int64_t unmerged_rows = 0;
  int64_t final_rows = 0;
  int64_t load_errors = 0;
  int64_t merge_errors = 0;
  std::optional<std::string> last_load;
  std::optional<std::string> last_merge;
};

// One cell of a query result, rendered as text (numbers as written by the
// database) with its kind, so output formats can quote correctly.
struct QueryCell {
  enum class Kind : uint8_t { kNull, kInt, kReal, kText, kBlob };
  Kind kind = Kind::kNull;
  std::string text;
};

using SqlParams = std::vector<std::optional<std::string>>;
using SqlRow = std::vector<std::optional<std::string>>;

class QuerySink {
 public:
  virtual ~QuerySink() = default;
  virtual void Columns(const std::vector<std::string>& names) = 0;
  virtual void Row(const std::vector<QueryCell>& cells) = 0;
};

class StagingLoad {
 public:
  virtual ~StagingLoad() = default;
  // Why this backend cannot store `payload`, a valid JSON object (it then
  // goes to sluice_load_errors instead); nullopt when it can.
  virtual std::optional<std::string> Refuses(std::string_view /*payload*/) const { return std::nullopt; }
  virtual Status Append(std::string_view payload, int64_t line) = 0;
  virtual Status AddError(int64_t line, std::string_view error, std::string_view raw) = 0;
  // Records `record` in sluice_load_history and commits everything.
  // AlreadyExists (and rolled back) if the file was already loaded for the
  // same event type, by this or another process: the same landed file, or
  // for kContent the same content.
  virtual Status Commit(const LoadRecord& record) = 0;
};

class MergeTransaction {
 public:
  virtual ~MergeTransaction() = default;
  // The seq of the last staging row merged (0 before the first merge).
  virtual Result<int64_t> Position() = 0;
  // Calls `row` for staging rows with seq > after_seq in seq order, at most
  // `limit`. The payload is valid only during the call.
  virtual Status ReadStaging(int64_t after_seq, size_t limit,
                             const std::function<void(int64_t seq, std::string_view payload)>& row) = 0;
  // Inserts rows with new keys; replaces stored rows whose version is strictly
  // older. The batch holds at most one row per key; among batches of a run,
  // a later batch's row wins a version tie only if it is newer. A backend
  // may apply the rows later (counting them at Flush or Commit), but always
  // before any later statement of the run (Execute, AddErrors, Commit).
  virtual Result<UpsertCounts> Upsert(const RowBatch& batch) = 0;
  // Applies what Upsert queued; returns the counts Upsert could not report.
  virtual Result<UpsertCounts> Flush() { return UpsertCounts{}; }
  virtual Status AddErrors(const std::vector<MergeError>& errors) = 0;
  // One statement inside the run's transaction, as Warehouse::Execute: for
  // the recompute's deletes and the corrections' bookkeeping. Unqualified
  // table names mean the warehouse's tables.
  virtual Result<std::vector<SqlRow>> Execute(std::string_view sql, const SqlParams& params = {}) = 0;
  // Moves the stream position to `position` and commits the run; returns the
  // counts of rows applied at commit (none for a backend that applies in Upsert).
  virtual Result<UpsertCounts> Commit(int64_t position) = 0;
};

class Warehouse {
 public:
  virtual ~Warehouse() = default;

  // Creates sluice's own tables and each event's staging and final tables,
  // adds columns new in the catalog, and refuses (naming them) changes that
  // would lose data: dropped columns, changed types or keys.
  virtual Status Prepare(const Catalog& catalog) = 0;

  // Where the content with `checksum` was landed when it was loaded for this
  // event type (sluice_load_history.landed_as); nullopt if it was not loaded.
  virtual Result<std::optional<std::string>> LoadedAs(const std::string& event_type, const std::string& checksum) = 0;
  // Whether the landed file `landed_as` (relative to data_dir) was loaded for this event type.
  virtual Result<bool> LandedFileLoaded(const std::string& event_type, const std::string& landed_as) = 0;
  // `source` is the landed file the rows come from (staging's source column);
  // `file` is the file as the user named it (sluice_load_errors' file column).
  virtual Result<std::unique_ptr<StagingLoad>> BeginLoad(const EventSpec& event, std::string source,
                                                         std::string file) = 0;
  virtual Result<std::unique_ptr<MergeTransaction>> BeginMerge(const EventSpec& event) = 0;

  virtual Result<EventStatus> GetStatus(const EventSpec& event) = 0;

  // Runs `sql`; refuses statements that write unless `allow_writes`.
  virtual Status Query(std::string_view sql, bool allow_writes, QuerySink* sink) = 0;

  // One statement with parameters written $1, $2 … on every backend (text
  // values; nullopt is NULL), in its own transaction; its rows as text. For
  // sluice's own bookkeeping in portable SQL (the tasks' tables, retention).
  virtual Result<std::vector<SqlRow>> Execute(std::string_view sql, const SqlParams& params = {}) = 0;
  // A user's SQL task: every statement of `sql`, in one transaction that
  // commits only if all succeed; cancelled (and rolled back) once
  // `timeout_micros` pass. Returns the rows the statements changed.
  virtual Result<int64_t> RunScript(std::string_view sql, int64_t timeout_micros) = 0;
};

// Opens the backend the config names. The one place backends are registered.
Result<std::unique_ptr<Warehouse>> OpenWarehouse(const Config& config);

}  // namespace sluice
