#include "warehouse/clickhouse/ch_warehouse.h"

#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "base/poll_until.h"
#include "base/text.h"
#include "warehouse/clickhouse/ch_query.h"
#include "warehouse/clickhouse/ch_tsv.h"
#include "warehouse/schema_diff.h"
#include "warehouse/sql/sql_values.h"

namespace sluice {
namespace {

// The backend's own records in the bookkeeping store, beside sluice's tables:
// each load's seqs (the committed last seq of a type is the largest), and the
// next _sluice_row of a type without a key. Portable between SQLite and PostgreSQL.
constexpr const char* kBookkeepingDdl[] = {
    "CREATE TABLE IF NOT EXISTS sluice_clickhouse_loads (event_type TEXT NOT NULL, first_seq BIGINT NOT NULL, "
    "last_seq BIGINT NOT NULL, landed_as TEXT NOT NULL, PRIMARY KEY (event_type, first_seq))",
    "CREATE TABLE IF NOT EXISTS sluice_clickhouse_rows (event_type TEXT NOT NULL PRIMARY KEY, "
    "next_row BIGINT NOT NULL)",
};

Result<std::string> FirstCell(ClickHouseClient* client, const std::string& sql) {
  ASSIGN_OR_RETURN(std::string out, client->Run(sql + " FORMAT TabSeparated"));
  auto rows = ParseTsv(out);
  if (!rows || rows->empty() || rows->front().empty() || !rows->front()[0]) return std::string();
  return *rows->front()[0];
}

Result<int64_t> FirstInt(ClickHouseClient* client, const std::string& sql) {
  ASSIGN_OR_RETURN(std::string cell, FirstCell(client, sql));
  return cell.empty() ? 0 : std::stoll(cell);
}

}  // namespace

Result<int64_t> ChCommittedSeq(SqlSession* bookkeeping, const EventSpec& event) {
  ASSIGN_OR_RETURN(auto rows, bookkeeping->Execute("SELECT max(last_seq) FROM sluice_clickhouse_loads "
                                                   "WHERE event_type = $1",
                                                   {event.name}));
  return rows.empty() ? 0 : SqlInt(rows[0][0]);
}

Status ChRetry(const ChContext& context, const std::function<Status()>& request) {
  return RetryUnavailable(context.patience, request);
}

Status ChAwaitMutations(ClickHouseClient* client, const std::string& database, const std::string& table) {
  const std::string sql = fmt::format("SELECT count() FROM system.mutations WHERE database = {} AND table = {} AND "
                                      "is_done = 0",
                                      ChStringLiteral(database), ChStringLiteral(table));
  Status failed;
  const bool done = PollUntil(
      [&] {
        auto pending = FirstInt(client, sql);
        if (!pending.ok()) failed = pending.status();
        return !pending.ok() || *pending == 0;
      },
      std::chrono::minutes(10));
  RETURN_IF_ERROR(failed);
  if (!done) return Status::Unavailable(fmt::format("ClickHouse: the deletes in {} did not finish in 10 minutes", table));
  return Status::Ok();
}

ChWarehouse::ChWarehouse(ChOptions options, std::unique_ptr<ClickHouseClient> main,
                         std::vector<std::unique_ptr<ClickHouseClient>> shards, BookkeepingStore bookkeeping)
    : dialect_(std::move(options)), main_(std::move(main)), shards_(std::move(shards)),
      bookkeeping_(std::move(bookkeeping)),
      models_(std::make_unique<ChModelStore>(main_.get(), bookkeeping_.session, &dialect_)) {}

Result<std::unique_ptr<Warehouse>> ChWarehouse::Open(ChOptions options, const std::string& data_dir) {
  if (options.url.empty()) {
    const char* env = std::getenv("SLUICE_CLICKHOUSE_URL");
    options.url = env != nullptr && *env != '\0' ? env : "http://127.0.0.1:8123";
  }
  if (options.distributed() && options.shards.empty())
    return Status::InvalidArgument(fmt::format("warehouse.cluster is '{}' but warehouse.shards lists no shard: give "
                                               "every shard's HTTP url, where sluice creates the local tables",
                                               options.cluster));
  if (!options.distributed() && !options.shards.empty())
    return Status::InvalidArgument("warehouse.shards is set but warehouse.cluster is not: name the remote_servers "
                                   "cluster the Distributed tables use");
  ASSIGN_OR_RETURN(auto main, ClickHouseClient::Make(options.url, options.database));
  std::vector<std::unique_ptr<ClickHouseClient>> shards;
  for (const auto& url : options.shards) {
    ASSIGN_OR_RETURN(auto shard, ClickHouseClient::Make(url, options.database));
    shards.push_back(std::move(shard));
  }
  ASSIGN_OR_RETURN(BookkeepingStore bookkeeping, OpenBookkeepingStore(options.bookkeeping, options.database, data_dir));
  for (const char* ddl : kBookkeepingDdl) RETURN_IF_ERROR(bookkeeping.session->Execute(ddl).status());
  return std::unique_ptr<Warehouse>(
      new ChWarehouse(std::move(options), std::move(main), std::move(shards), std::move(bookkeeping)));
}

std::vector<ClickHouseClient*> ChWarehouse::Writers() {
  std::vector<ClickHouseClient*> writers;
  for (auto& shard : shards_) writers.push_back(shard.get());
  if (writers.empty()) writers.push_back(main_.get());
  return writers;
}

ChContext ChWarehouse::Context() { return ChContext{&dialect_, main_.get(), Writers(), bookkeeping_.session}; }

Result<bool> ChWarehouse::SchemaIsCurrent(const Catalog& catalog) {
  SqlSession* bk = bookkeeping_.session;
  ASSIGN_OR_RETURN(auto columns, bk->Execute("SELECT table_name, column_name, type, coalesce(key_position, 0) FROM "
                                             "sluice_columns"));
  std::map<std::string, std::map<std::string, AppliedColumn>> applied;
  for (auto& row : columns) applied[*row[0]][*row[1]] = {row[2].value_or(""), static_cast<int>(SqlInt(row[3]))};
  ASSIGN_OR_RETURN(auto streams, bk->Execute("SELECT staging_table FROM sluice_streams"));
  ASSIGN_OR_RETURN(auto numbered, bk->Execute("SELECT event_type FROM sluice_clickhouse_rows"));
  std::set<std::string> ready;
  for (auto& row : streams) ready.insert("stream " + *row[0]);
  for (auto& row : numbered) ready.insert("rows " + *row[0]);
  for (const auto& event : catalog.events) {
    const auto wanted = WantedColumns(event);
    const auto it = applied.find(event.table);
    if (it == applied.end() || it->second.size() != wanted.size()) return false;
    for (const auto& [name, column] : wanted) {
      const auto found = it->second.find(name);
      if (found == it->second.end() || found->second.type != column.type ||
          found->second.key_position != column.key_position)
        return false;
    }
    if (!ready.count("stream " + event.staging_table()) || !ready.count("rows " + event.name)) return false;
  }
  // The tables, one look per server.
  const auto tables_on = [&](ClickHouseClient* client) -> Result<std::set<std::string>> {
    ASSIGN_OR_RETURN(std::string out, client->Run(fmt::format("SELECT name FROM system.tables WHERE database = {} "
                                                             "FORMAT TabSeparated",
                                                             ChStringLiteral(dialect_.options().database))));
    std::set<std::string> names;
    if (auto rows = ParseTsv(out))
      for (auto& row : *rows) names.insert(row[0].value_or(""));
    return names;
  };
  ASSIGN_OR_RETURN(auto main_tables, tables_on(main_.get()));
  for (const auto& event : catalog.events) {
    if (!main_tables.count(event.table) || !main_tables.count(event.staging_table())) return false;
    if (!main_tables.count(dialect_.RowsTable(event))) return false;
  }
  for (auto& shard : shards_) {
    auto shard_tables = tables_on(shard.get());
    // A shard that is down keeps the tables the bookkeeping store says were
    // made: commands go on, and writes to it wait until it is back.
    if (shard_tables.status().code() == StatusCode::kUnavailable) continue;
    RETURN_IF_ERROR(shard_tables.status());
    for (const auto& event : catalog.events)
      if (!shard_tables->count(ChDialect::LocalTable(event))) return false;
  }
  return true;
}

Status ChWarehouse::Prepare(const Catalog& catalog) {
  RETURN_IF_ERROR(bookkeeping_.warehouse->Prepare(Catalog{}));
  // Most runs change nothing: a look at each side, without writing, says so
  // (so `sluice sql` and `status` never wait behind a load's lock).
  auto current = SchemaIsCurrent(catalog);
  if (current.ok() && *current) return Status::Ok();
  const std::vector<ClickHouseClient*> shards = Writers();
  // The database first, through a client that names none (the warehouse's
  // clients name it in every request).
  const auto run_anywhere = [&](ClickHouseClient* client, const std::string& sql) -> Status {
    auto bare = ClickHouseClient::Make(client->url(), "");
    if (!bare.ok()) return bare.status();
    return RetryUnavailable(std::chrono::seconds(30), [&] { return (*bare)->Run(sql).status(); });
  };
  RETURN_IF_ERROR(run_anywhere(main_.get(), dialect_.CreateDatabase()));
  for (ClickHouseClient* shard : shards)
    if (shard != main_.get()) RETURN_IF_ERROR(run_anywhere(shard, dialect_.CreateDatabase()));
  std::vector<std::string> refusals;
  for (const auto& event : catalog.events) RETURN_IF_ERROR(PrepareEvent(event, &refusals));
  return RefusalStatus(refusals);
}

Status ChWarehouse::PrepareEvent(const EventSpec& event, std::vector<std::string>* refusals) {
  SqlSession* bk = bookkeeping_.session;
  ASSIGN_OR_RETURN(auto applied_rows, bk->Execute("SELECT column_name, type, coalesce(key_position, 0) FROM "
                                                  "sluice_columns WHERE table_name = $1",
                                                  {event.table}));
  std::map<std::string, AppliedColumn> applied;
  for (auto& row : applied_rows)
    applied[*row[0]] = {row[1].value_or(""), static_cast<int>(SqlInt(row[2]))};
  const auto remember = [&](const ColumnSpec& col) {
    const int key = KeyPosition(event, col.name);
    return bk->Execute("INSERT INTO sluice_columns (table_name, column_name, type, key_position) VALUES ($1, $2, $3, "
                       "$4) ON CONFLICT (table_name, column_name) DO UPDATE SET type = excluded.type, "
                       "key_position = excluded.key_position",
                       {event.table, col.name, col.type.ToString(),
                        key ? std::optional<std::string>(std::to_string(key)) : std::nullopt})
        .status();
  };
  const std::vector<ClickHouseClient*> shards = Writers();
  const auto on = [](ClickHouseClient* client, const std::string& sql) { return client->Run(sql).status(); };

  std::vector<const ColumnSpec*> added;
  if (applied.empty()) {
    ASSIGN_OR_RETURN(std::string found, FirstCell(main_.get(), fmt::format("EXISTS TABLE {}", dialect_.TableName(event.table))));
    if (found == "1") {
      refusals->push_back(ForeignTableRefusal(event));
      return Status::Ok();
    }
  } else {
    added = ColumnsToAdd(event, applied, refusals);
    if (!refusals->empty()) return Status::Ok();
  }
  for (ClickHouseClient* shard : shards) {
    RETURN_IF_ERROR(on(shard, dialect_.CreateLocal(event)));
    for (const ColumnSpec* col : added) {
      // 18.16 has no ADD COLUMN IF NOT EXISTS: a Prepare cut short may have added it.
      ASSIGN_OR_RETURN(int64_t has, FirstInt(shard, fmt::format("SELECT count() FROM system.columns WHERE database = {} "
                                                               "AND table = {} AND name = {}",
                                                               ChStringLiteral(dialect_.options().database),
                                                               ChStringLiteral(ChDialect::LocalTable(event)),
                                                               ChStringLiteral(col->name))));
      if (has == 0) RETURN_IF_ERROR(on(shard, dialect_.AddColumn(ChDialect::LocalTable(event), event, *col)));
    }
  }
  // A Distributed table's and a view's columns are their own: with new
  // columns a new one is made beside the old and renamed into its place, so
  // readers never find the name missing.
  const auto replace = [&](const std::string& name, const std::function<std::string(std::string_view)>& create) -> Status {
    if (added.empty()) return on(main_.get(), create({}));
    const std::string fresh = name + "__sluice_new", old = name + "__sluice_old";
    for (const std::string& t : {fresh, old})
      RETURN_IF_ERROR(on(main_.get(), fmt::format("DROP TABLE IF EXISTS {}", dialect_.TableName(t))));
    RETURN_IF_ERROR(on(main_.get(), create(fresh)));
    ASSIGN_OR_RETURN(std::string exists, FirstCell(main_.get(), fmt::format("EXISTS TABLE {}", dialect_.TableName(name))));
    if (exists != "1")  // a Prepare cut short before it made it
      return on(main_.get(), fmt::format("RENAME TABLE {} TO {}", dialect_.TableName(fresh), dialect_.TableName(name)));
    RETURN_IF_ERROR(on(main_.get(), fmt::format("RENAME TABLE {0} TO {1}, {2} TO {0}", dialect_.TableName(name),
                                                dialect_.TableName(old), dialect_.TableName(fresh))));
    return on(main_.get(), fmt::format("DROP TABLE {}", dialect_.TableName(old)));
  };
  if (dialect_.options().distributed())
    RETURN_IF_ERROR(replace(ChDialect::DistributedTable(event),
                            [&](std::string_view as) { return dialect_.CreateDistributed(event, as); }));
  RETURN_IF_ERROR(replace(event.table, [&](std::string_view as) { return dialect_.CreateView(event, as); }));
  RETURN_IF_ERROR(on(main_.get(), dialect_.CreateStaging(event)));
  if (applied.empty()) {
    for (const auto& col : event.columns) RETURN_IF_ERROR(remember(col));
  } else {
    for (const ColumnSpec* col : added) RETURN_IF_ERROR(remember(*col));
  }
  RETURN_IF_ERROR(bk->Execute("INSERT INTO sluice_streams (staging_table, event_type, position) VALUES ($1, $2, 0) "
                              "ON CONFLICT (staging_table) DO NOTHING",
                              {event.staging_table(), event.name})
                      .status());
  return bk->Execute("INSERT INTO sluice_clickhouse_rows (event_type, next_row) VALUES ($1, 0) "
                     "ON CONFLICT (event_type) DO NOTHING",
                     {event.name})
      .status();
}

Result<std::unique_ptr<StagingLoad>> ChWarehouse::BeginLoad(const EventSpec& event, std::string source,
                                                            std::string file) {
  return BeginChStagingLoad(Context(), event, std::move(source), std::move(file));
}

Result<std::unique_ptr<MergeTransaction>> ChWarehouse::BeginMerge(const EventSpec& event) {
  return BeginChMerge(Context(), event);
}

Result<int64_t> ChWarehouse::ArrivalNow(const EventSpec& event) {
  ASSIGN_OR_RETURN(int64_t committed, ChCommittedSeq(bookkeeping_.session, event));
  ASSIGN_OR_RETURN(auto rows, bookkeeping_.session->Execute("SELECT position FROM sluice_streams WHERE "
                                                            "staging_table = $1",
                                                            {event.staging_table()}));
  return std::max(committed, rows.empty() ? 0 : SqlInt(rows[0][0]));
}

Result<int64_t> ChWarehouse::DeleteMergedStagingRows(const EventSpec& event, const std::string& loaded_before) {
  ASSIGN_OR_RETURN(auto rows, bookkeeping_.session->Execute("SELECT position FROM sluice_streams WHERE "
                                                            "staging_table = $1",
                                                            {event.staging_table()}));
  const int64_t position = rows.empty() ? 0 : SqlInt(rows[0][0]);
  const std::string where = fmt::format("seq <= {} AND loaded_at < {}", position, ChStringLiteral(loaded_before));
  const std::string table = dialect_.TableName(event.staging_table());
  ASSIGN_OR_RETURN(int64_t count, FirstInt(main_.get(), fmt::format("SELECT uniqExact(seq) FROM {} WHERE {}", table, where)));
  if (count == 0) return 0;
  RETURN_IF_ERROR(main_->Run(fmt::format("ALTER TABLE {} DELETE WHERE {}", table, where)).status());
  RETURN_IF_ERROR(ChAwaitMutations(main_.get(), dialect_.options().database, event.staging_table()));
  return count;
}

Result<EventStatus> ChWarehouse::GetStatus(const EventSpec& event) {
  EventStatus s;
  SqlSession* bk = bookkeeping_.session;
  ASSIGN_OR_RETURN(auto stream, bk->Execute(fmt::format("SELECT position, {} FROM sluice_streams WHERE staging_table = $1",
                                                        bk->TimestampText("merged_at")),
                                            {event.staging_table()}));
  int64_t position = 0;
  if (!stream.empty()) {
    position = SqlInt(stream[0][0]);
    s.last_merge = stream[0][1];
  }
  ASSIGN_OR_RETURN(int64_t committed, ChCommittedSeq(bk, event));
  ASSIGN_OR_RETURN(std::string staged,
                   main_->Run(fmt::format("SELECT uniqExact(seq), uniqExactIf(seq, seq > {}) FROM {} WHERE seq <= {} "
                                          "FORMAT TabSeparated",
                                          position, dialect_.TableName(event.staging_table()), committed)));
  const auto staged_rows = ParseTsv(staged);
  if (staged_rows && !staged_rows->empty() && staged_rows->front().size() == 2) {
    s.staged_rows = std::stoll(staged_rows->front()[0].value_or("0"));
    s.unmerged_rows = std::stoll(staged_rows->front()[1].value_or("0"));
  }
  ASSIGN_OR_RETURN(s.final_rows, FirstInt(main_.get(), fmt::format("SELECT count() FROM {}", dialect_.TableName(event.table))));
  ASSIGN_OR_RETURN(auto counts, bk->Execute(fmt::format("SELECT (SELECT count(*) FROM sluice_load_errors WHERE event_type = $1), "
                                                        "(SELECT count(*) FROM sluice_merge_errors WHERE event_type = $1), "
                                                        "(SELECT {} FROM sluice_load_history WHERE event_type = $1 "
                                                        "ORDER BY loaded_at DESC LIMIT 1)",
                                                        bk->TimestampText("loaded_at")),
                                            {event.name}));
  if (!counts.empty()) {
    s.load_errors = SqlInt(counts[0][0]);
    s.merge_errors = SqlInt(counts[0][1]);
    s.last_load = counts[0][2];
  }
  return s;
}

Status ChWarehouse::Query(std::string_view sql, bool allow_writes, QuerySink* sink) {
  // sluice's own tables are in the bookkeeping store; everything else here.
  if (NamesBookkeepingTable(sql)) return bookkeeping_.warehouse->Query(sql, allow_writes, sink);
  return ChQuery(main_.get(), sql, allow_writes, sink);
}

Result<int64_t> ChWarehouse::RunScript(std::string_view sql, int64_t timeout_micros) {
  return ChRunScript(main_.get(), sql, timeout_micros);
}

}  // namespace sluice
