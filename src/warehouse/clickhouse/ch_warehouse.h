// The ClickHouse warehouse: staging and final tables on a ClickHouse server
// (or, with a cluster, final tables sharded over several), sluice's own
// records in a transactional bookkeeping store beside it
// (warehouse/bookkeeping_store.h).
//
// ClickHouse has no transactions, no unique keys, and casts leniently, so
// the guarantees are sluice's own work here:
//   - a load holds the bookkeeping store's lock for its event type (seqs are
//     handed out in order, one load at a time), inserts its lines into
//     staging with seqs after the last committed one, and commits the load
//     history with the new last seq. Staging rows past the committed last seq
//     belong to a load that died; readers ignore them and the next load of
//     the type deletes them before it inserts. A block inserted twice (a
//     retry after a lost answer) is read once (ch_staging_reader.h).
//   - a merge run holds the type's merge lock in the bookkeeping store,
//     reads the stored versions of each batch's keys, writes only rows that
//     strictly win, and commits the stream position last. A run that dies
//     after an insert is run again from the old position: its rows are
//     written again, identical, and ReplacingMergeTree keeps one. Where the
//     table held nothing when the run began (or a rebuild emptied it), only
//     keys the run itself wrote are looked up. A block is inserted while the
//     run queues the next one, and is in before any look-up and the commit.
// Inserts are synchronous (the server answers once the rows are stored);
// while a server is down they are retried (the landing zone keeps the
// events) for up to ten minutes, then the load or merge fails and is run
// again later.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "warehouse/backend.h"
#include "warehouse/bookkeeping_store.h"
#include "warehouse/clickhouse/ch_client.h"
#include "warehouse/clickhouse/ch_dialect.h"
#include "warehouse/clickhouse/ch_model_store.h"
#include "warehouse/clickhouse/ch_options.h"

namespace sluice {

// What a load or merge run uses, owned by the warehouse that began it.
struct ChContext {
  const ChDialect* dialect = nullptr;
  ClickHouseClient* main = nullptr;               // staging, and the reads of the rows
  std::vector<ClickHouseClient*> shards;          // where rows are written: `main` alone without a cluster
  SqlSession* bookkeeping = nullptr;
  std::chrono::milliseconds patience{std::chrono::minutes(10)};  // of an insert while a server is down
};

class ChWarehouse final : public Warehouse {
 public:
  static Result<std::unique_ptr<Warehouse>> Open(ChOptions options, const std::string& data_dir);

  Status Prepare(const Catalog& catalog) override;
  Result<std::optional<std::string>> LoadedAs(const std::string& event_type, const std::string& checksum) override {
    return bookkeeping_.warehouse->LoadedAs(event_type, checksum);
  }
  Result<bool> LandedFileLoaded(const std::string& event_type, const std::string& landed_as) override {
    return bookkeeping_.warehouse->LandedFileLoaded(event_type, landed_as);
  }
  Result<std::unique_ptr<StagingLoad>> BeginLoad(const EventSpec& event, std::string source,
                                                 std::string file) override;
  Result<std::unique_ptr<MergeTransaction>> BeginMerge(const EventSpec& event) override;
  Result<int64_t> ArrivalNow(const EventSpec& event) override;
  Result<int64_t> DeleteMergedStagingRows(const EventSpec& event, const std::string& loaded_before) override;
  Result<std::vector<std::string>> FilesLoadedBefore(const EventSpec& event,
                                                     const std::string& loaded_before) override {
    return bookkeeping_.warehouse->FilesLoadedBefore(event, loaded_before);
  }
  Result<EventStatus> GetStatus(const EventSpec& event) override;
  Status Query(std::string_view sql, bool allow_writes, QuerySink* sink) override;
  Result<int64_t> RunScript(std::string_view sql, int64_t timeout_micros) override;
  TaskStore& tasks() override { return bookkeeping_.warehouse->tasks(); }
  CorrectionStore& corrections() override { return bookkeeping_.warehouse->corrections(); }
  LoadErrorStore& load_errors() override { return bookkeeping_.warehouse->load_errors(); }
  ModelStore& models() override { return *models_; }

 private:
  ChWarehouse(ChOptions options, std::unique_ptr<ClickHouseClient> main,
              std::vector<std::unique_ptr<ClickHouseClient>> shards, BookkeepingStore bookkeeping);
  ChContext Context();
  // Where the rows are written: every shard, or the one server.
  std::vector<ClickHouseClient*> Writers();
  Result<bool> SchemaIsCurrent(const Catalog& catalog);
  Status PrepareEvent(const EventSpec& event, std::vector<std::string>* refusals);

  ChDialect dialect_;
  std::unique_ptr<ClickHouseClient> main_;
  std::vector<std::unique_ptr<ClickHouseClient>> shards_;  // with a cluster, one per shard
  BookkeepingStore bookkeeping_;
  std::unique_ptr<ChModelStore> models_;
};

// The last seq committed to the type's staging (0 before the first load).
Result<int64_t> ChCommittedSeq(SqlSession* bookkeeping, const EventSpec& event);
// Runs `request` against a server, retrying while it is down (ChContext::patience).
Status ChRetry(const ChContext& context, const std::function<Status()>& request);
// Waits until the mutations (ALTER … DELETE) of `table` have finished.
Status ChAwaitMutations(ClickHouseClient* client, const std::string& database, const std::string& table);

Result<std::unique_ptr<StagingLoad>> BeginChStagingLoad(const ChContext& context, const EventSpec& event,
                                                        std::string source, std::string file);
Result<std::unique_ptr<MergeTransaction>> BeginChMerge(const ChContext& context, const EventSpec& event);

}  // namespace sluice
