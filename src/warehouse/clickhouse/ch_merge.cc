// A merge run on ClickHouse (see ch_warehouse.h): sluice decides each
// key's winner against the stored version, and writes only winners.
#include <charconv>
#include <future>
#include <iterator>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>
#include <xxhash.h>

#include "base/clock.h"
#include "base/worker_thread.h"
#include "base/text.h"
#include "warehouse/clickhouse/ch_staging_reader.h"
#include "warehouse/clickhouse/ch_tsv.h"
#include "warehouse/clickhouse/ch_warehouse.h"
#include "warehouse/sql/sql_merge_transaction.h"
#include "warehouse/sql/sql_values.h"

namespace sluice {
namespace {

constexpr char kKeySeparator = '\x1f';
// Queued upserts are written once this many rows or bytes wait.
constexpr size_t kQueuedRows = 50'000;
constexpr size_t kQueuedBytes = 64 << 20;


// Which shard holds a key: the same hash for every version of it.
uint64_t ShardHash(const std::string& key) { return XXH3_64bits(key.data(), key.size()); }

class ChMerge final : public SqlMergeTransaction {
 public:
  ChMerge(const ChContext& context, const EventSpec& event)
      : SqlMergeTransaction(event), context_(context), keys_(event.KeyIndexes()), version_index_(event.VersionIndex()) {}

  Status Start() {
    ASSIGN_OR_RETURN(txn_, context_.bookkeeping->Begin(fmt::format("sluice merge {}.{}", context_.dialect->options().database, event_.name)));
    ASSIGN_OR_RETURN(committed_, ChCommittedSeq(context_.bookkeeping, event_));
    // Newer than anything written before, by this run's dead predecessors too.
    ASSIGN_OR_RETURN(std::string top, Read(fmt::format("SELECT max({}) FROM {}", kChVersionColumn, Rows())));
    write_version_ = static_cast<uint64_t>(std::stoull(top.empty() ? "0" : top.substr(0, top.find('\n')))) + 1;
    // With nothing stored, a key has a stored version only if this run
    // wrote it: the others need no look-up (a first load, a rebuild).
    ASSIGN_OR_RETURN(std::string stored, Read(fmt::format("SELECT count() FROM {}", Rows())));
    nothing_stored_ = stored.substr(0, stored.find('\n')) == "0";
    ASSIGN_OR_RETURN(auto next, Execute("SELECT next_row FROM sluice_clickhouse_rows WHERE event_type = $1", {event_.name}));
    next_row_ = next.empty() ? 0 : SqlInt(next[0][0]);
    std::vector<std::string> columns;
    for (const auto& c : event_.columns) columns.push_back(ChIdent(c.name));
    if (event_.key.empty()) columns.push_back(kChRowColumn);
    for (const char* c : {kChVersionColumn, kChDeletedColumn, kChShardColumn}) columns.push_back(c);
    insert_ = fmt::format("INSERT INTO {} ({}) FORMAT TabSeparated",
                          context_.dialect->TableName(ChDialect::LocalTable(event_)), Join(columns, ", "));
    std::vector<std::string> key_columns;
    for (const auto& k : event_.key) key_columns.push_back(ChIdent(k));
    tombstone_insert_ = fmt::format("INSERT INTO {} ({}, {}, {}, {}) FORMAT TabSeparated",
                                    context_.dialect->TableName(ChDialect::LocalTable(event_)), Join(key_columns, ", "),
                                    kChVersionColumn, kChDeletedColumn, kChShardColumn);
    return Status::Ok();
  }

  Result<int64_t> Position() override {
    ASSIGN_OR_RETURN(auto rows, Execute("SELECT position FROM sluice_streams WHERE staging_table = $1",
                                        {event_.staging_table()}));
    return rows.empty() ? 0 : SqlInt(rows[0][0]);
  }

  Status ReadStaging(int64_t after_seq, size_t limit,
                     const std::function<void(int64_t, std::string_view)>& row) override {
    if (!staging_) {
      ASSIGN_OR_RETURN(staging_, ChStagingReader::Make(context_, Staging(), committed_));
    }
    return staging_->Read(after_seq, limit, row);
  }

  // Rows are queued and written in large blocks (ClickHouse's parts are
  // cheapest large, and one look-up of stored versions serves a block):
  // counted when they are applied, at Flush or Commit or once enough wait.
  Result<UpsertCounts> Upsert(const RowBatch& batch) override {
    if (batch.empty()) return UpsertCounts{};
    if (!pending_) pending_ = std::make_unique<RowBatch>(batch.width());
    std::string key;
    std::vector<Value> copy(batch.width());
    for (size_t r = 0; r < batch.rows(); ++r) {
      const Value* row = batch.row(r);
      key.clear();
      for (size_t k = 0; k < keys_.size(); ++k) {
        if (k) key += kKeySeparator;
        const Value& v = row[keys_[k]];
        if (v.kind == Value::Kind::kText) key += v.text(batch.arena());
        else key += KeyValueText(v, batch.arena());
      }
      // Copy the row, its text into the queue's arena.
      for (size_t c = 0; c < copy.size(); ++c)
        copy[c] = row[c].kind == Value::Kind::kText ? Value::Text(row[c].text(batch.arena()), &pending_->arena()) : row[c];
      pending_->AddRow(copy.data());
      auto [it, fresh] = candidates_.try_emplace(key);
      if (fresh) candidate_keys_.push_back(&*it);
      it->second.push_back(pending_->rows() - 1);
    }
    if (pending_->rows() >= kQueuedRows || pending_->arena().size() >= kQueuedBytes) RETURN_IF_ERROR(WriteQueued());
    return TakeApplied();
  }

  Result<UpsertCounts> Flush() override {
    RETURN_IF_ERROR(WriteQueued());
    return TakeApplied();
  }

  Status AddErrors(const std::vector<MergeError>& errors) override {
    const std::string at = FormatTimestamp(NowMicros());
    for (const auto& e : errors)
      RETURN_IF_ERROR(Execute("INSERT INTO sluice_merge_errors (event_type, seq, item_index, column_name, value, error, "
                              "at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                              {event_.name, std::to_string(e.seq), SqlText(e.item_index), e.column, e.value, e.error, at})
                          .status());
    return Status::Ok();
  }

  Result<UpsertCounts> Commit(int64_t position) override {
    RETURN_IF_ERROR(WriteQueued());
    RETURN_IF_ERROR(AwaitInsert());
    const UpsertCounts applied = TakeApplied();
    RETURN_IF_ERROR(ApplyDeletes());
    RETURN_IF_ERROR(Execute("UPDATE sluice_streams SET position = $1, merged_at = $2 WHERE staging_table = $3",
                            {std::to_string(position), FormatTimestamp(NowMicros()), event_.staging_table()})
                        .status());
    RETURN_IF_ERROR(Execute("UPDATE sluice_clickhouse_rows SET next_row = $1 WHERE event_type = $2",
                            {std::to_string(next_row_), event_.name})
                        .status());
    RETURN_IF_ERROR(txn_->Commit());
    return applied;
  }

  // --- What lives in ClickHouse; the rest is the bookkeeping store's (SqlMergeTransaction).
  Result<std::vector<std::string>> TrimmedFiles() override {
    ASSIGN_OR_RETURN(std::string out, Read(fmt::format("SELECT DISTINCT source FROM {}", Staging())));
    std::unordered_set<std::string> staged;
    if (auto rows = ParseTsv(out))
      for (auto& r : *rows)
        if (r[0]) staged.insert(std::move(*r[0]));
    ASSIGN_OR_RETURN(auto loaded, Execute("SELECT landed_as FROM sluice_load_history WHERE event_type = $1 "
                                          "AND rows > 0 ORDER BY loaded_at, landed_as",
                                          {event_.name}));
    std::vector<std::string> trimmed;
    for (auto& row : loaded)
      if (!staged.count(*row[0])) trimmed.push_back(std::move(*row[0]));
    return trimmed;
  }

  Result<std::optional<int64_t>> FirstSeqLoadedSince(const std::string& time) override {
    return Seq(fmt::format("loaded_at >= {} ORDER BY seq LIMIT 1", ChStringLiteral(time)));
  }
  Result<std::optional<int64_t>> LastSeqLoadedBefore(const std::string& time) override {
    return Seq(fmt::format("loaded_at < {} ORDER BY seq DESC LIMIT 1", ChStringLiteral(time)));
  }
  Result<std::optional<int64_t>> FirstStagingSeq() override { return Seq("1 ORDER BY seq LIMIT 1"); }

  Result<std::string> DeliveryOf(int64_t seq) override {
    ASSIGN_OR_RETURN(std::string out, Read(fmt::format("SELECT source, line FROM {} WHERE seq = {} AND seq <= {} LIMIT 1",
                                                       Staging(), seq, committed_)));
    auto rows = ParseTsv(out);
    if (!rows || rows->empty()) return std::string();
    return fmt::format("{}:{}", (*rows)[0][0].value_or(""), (*rows)[0][1].value_or(""));
  }

  Result<std::unordered_set<std::string>> DeliveredEventIds(const std::vector<std::string>& ids) override {
    RETURN_IF_ERROR(WriteQueued());  // what was queued comes first
    RETURN_IF_ERROR(AwaitInsert());
    std::unordered_set<std::string> delivered;
    if (ids.empty()) return delivered;
    std::string rows;
    for (const auto& id : ids) {
      AppendTsvField(id, &rows);
      rows += '\n';
    }
    // The rows as this run sees them (without what it deleted): each key's
    // newest write, by aggregation as in StoredVersions.
    std::vector<std::string> key_columns;
    for (const auto& k : ChDialect::StorageKey(event_)) key_columns.push_back(ChIdent(k));
    const std::string sql = fmt::format(
        "SELECT argMax({0}, {3}), {1} FROM {2} WHERE {0} IN sluice_ids GROUP BY {1} HAVING argMax({4}, {3}) = 0 "
        "AND max({3}) > {5} FORMAT TabSeparated",
        ChIdent(kEventIdColumn), Join(key_columns, ", "), Rows(), kChVersionColumn, kChDeletedColumn, deleted_through_);
    std::string out;
    RETURN_IF_ERROR(ChRetry(context_, [&]() -> Status {
      ASSIGN_OR_RETURN(out, context_.main->RunWith(sql, "sluice_ids", "id String", rows));
      return Status::Ok();
    }));
    if (auto found = ParseTsv(out)) {
      for (auto& r : *found) {
        if (!r[0]) continue;
        std::string key;
        for (size_t k = 0; k < event_.key.size(); ++k) {
          if (k) key += kKeySeparator;
          key += r[k + 1].value_or("");
        }
        if (!deleted_keys_.count(key)) delivered.insert(std::move(*r[0]));
      }
    }
    return delivered;
  }

  // Deletes are applied at Commit, to the keys the run has not written
  // since: readers see the old rows until then, never a table emptied for
  // a rebuild. The run's own reads already treat them as gone.
  Status DeleteKeys(const std::vector<KeyValues>& keys) override {
    RETURN_IF_ERROR(WriteQueued());  // what was queued comes first
    if (event_.key.empty()) return Status::Ok();
    for (const auto& key : keys) deleted_keys_[Join(key, std::string(1, kKeySeparator))] = key;
    return Status::Ok();
  }

  Status DeleteAllRows() override {
    RETURN_IF_ERROR(WriteQueued());  // what was queued comes first
    // Every row written before now is gone, unless the run writes its key again.
    deleted_through_ = write_version_++;
    deleted_keys_.clear();
    nothing_stored_ = true;  // what is stored from now on, this run writes
    // A type without a key numbers its rows again from the start, so the
    // rebuilt rows replace the old ones in place.
    next_row_ = 0;
    return Status::Ok();
  }

 protected:
  Result<std::vector<SqlRow>> Execute(std::string_view sql, const SqlParams& params) override {
    return context_.bookkeeping->Execute(sql, params);
  }

 private:
  std::string Staging() const { return context_.dialect->TableName(event_.staging_table()); }
  std::string Rows() const { return context_.dialect->TableName(context_.dialect->RowsTable(event_)); }

  // Tombstones (a higher version, _sluice_deleted = 1) for what
  // DeleteAllRows and DeleteKeys removed and the run did not write again.
  Status ApplyDeletes() {
    if (deleted_through_ > 0) {
      std::vector<std::string> key_columns;
      for (const auto& k : ChDialect::StorageKey(event_)) key_columns.push_back(ChIdent(k));
      const std::string local = context_.dialect->TableName(ChDialect::LocalTable(event_));
      const std::string sql = fmt::format(
          "INSERT INTO {0} ({1}, {2}, {3}, {4}) SELECT {1}, {5}, 1, {4} FROM {0} FINAL WHERE {3} = 0 AND {2} <= {6}",
          local, Join(key_columns, ", "), kChVersionColumn, kChDeletedColumn, kChShardColumn, write_version_,
          deleted_through_);
      for (ClickHouseClient* shard : context_.shards)
        RETURN_IF_ERROR(ChRetry(context_, [&] { return shard->Run(sql).status(); }));
    }
    if (!deleted_keys_.empty()) {
      std::vector<std::string> blocks(context_.shards.size());
      for (const auto& [joined, key] : deleted_keys_) {
        const uint64_t shard = ShardHash(joined);
        std::string& out = blocks[shard % blocks.size()];
        for (const auto& value : key) {
          AppendTsvField(value, &out);
          out += '\t';
        }
        out += fmt::format("{}\t1\t{}\n", write_version_, shard);
      }
      RETURN_IF_ERROR(Write(context_.shards, tombstone_insert_, blocks));
    }
    ++write_version_;
    deleted_through_ = 0;
    deleted_keys_.clear();
    return Status::Ok();
  }

  Result<std::string> Read(const std::string& sql) {
    std::string out;
    RETURN_IF_ERROR(ChRetry(context_, [&]() -> Status {
      ASSIGN_OR_RETURN(out, context_.main->Run(sql + " FORMAT TabSeparated"));
      return Status::Ok();
    }));
    return out;
  }

  // The seq of the committed staging row `condition_and_order` finds first.
  Result<std::optional<int64_t>> Seq(const std::string& condition_and_order) {
    ASSIGN_OR_RETURN(std::string out, Read(fmt::format("SELECT seq FROM {} WHERE seq <= {} AND {}", Staging(),
                                                       committed_, condition_and_order)));
    if (out.empty()) return std::optional<int64_t>();
    return std::optional<int64_t>(std::stoll(out));
  }

  // Decides the queued rows against the stored versions, as if each had
  // been upserted in turn, and writes the winners in one block per shard.
  Status WriteQueued() {
    if (!pending_ || pending_->empty()) return Status::Ok();
    const RowBatch& rows = *pending_;
    const std::string& arena = rows.arena();
    std::unordered_map<std::string, std::optional<std::string>> stored;
    if (!event_.key.empty()) {
      std::vector<size_t> firsts;
      for (const auto* candidate : candidate_keys_)
        if (!nothing_stored_ || written_.count(ShardHash(candidate->first))) firsts.push_back(candidate->second.front());
      if (!firsts.empty()) {
        RETURN_IF_ERROR(AwaitInsert());  // the look-up must see the run's own rows
        ASSIGN_OR_RETURN(stored, StoredVersions(rows, firsts));
      }
    }
    std::vector<std::string> blocks(context_.shards.size());
    const auto write = [&](size_t r, const std::string& key) {
      const uint64_t shard = ShardHash(event_.key.empty() ? std::to_string(next_row_) : key);
      if (!event_.key.empty()) written_.insert(shard);
      std::string& out = blocks[shard % blocks.size()];
      const Value* row = rows.row(r);
      for (size_t c = 0; c < rows.width(); ++c) {
        AppendValue(row[c], event_.columns[c].type, arena, &out);
        out += '\t';
      }
      if (event_.key.empty()) fmt::format_to(std::back_inserter(out), "{}\t", next_row_++);
      fmt::format_to(std::back_inserter(out), "{}\t0\t{}\n", write_version_, shard);
    };
    for (const auto* candidate : candidate_keys_) {
      const std::string& key = candidate->first;
      const std::vector<size_t>& tries = candidate->second;
      if (event_.key.empty()) {  // every row is kept
        for (size_t r : tries) write(r, key);
        applied_.inserted += static_cast<int64_t>(tries.size());
        continue;
      }
      const auto found = deleted_keys_.count(key) ? stored.end() : stored.find(key);
      const bool had = found != stored.end();
      std::optional<size_t> winner;  // the queued row that stands, if any
      for (size_t r : tries) {
        const Value& version = rows.row(r)[version_index_ < 0 ? 0 : version_index_];
        if (!had && !winner) {
          ++applied_.inserted;
          winner = r;
        } else if (event_.append_only() || version.is_null()) {
          ++applied_.stale;
        } else if (winner ? (!rows.row(*winner)[version_index_].is_null() &&
                             CompareValues(version, rows.row(*winner)[version_index_], arena) > 0)
                          : (found->second && Newer(version, *found->second, arena))) {
          ++applied_.updated;
          winner = r;
        } else {
          ++applied_.stale;
        }
      }
      if (!winner) continue;
      deleted_keys_.erase(key);
      write(*winner, key);
    }
    ++write_version_;
    pending_.reset();
    candidates_.clear();
    candidate_keys_.clear();
    // Sent while the run goes on queueing the next block; one at a time.
    RETURN_IF_ERROR(AwaitInsert());
    if (inserters_.empty()) {
      for (ClickHouseClient* shard : context_.shards) {
        ASSIGN_OR_RETURN(auto own, ClickHouseClient::Make(shard->url(), shard->database()));
        inserters_.push_back(std::move(own));
      }
    }
    inserting_ = inserter_.Submit([this, blocks = std::move(blocks)] {
      std::vector<ClickHouseClient*> clients;
      for (const auto& client : inserters_) clients.push_back(client.get());
      return Write(clients, insert_, blocks);
    });
    return Status::Ok();
  }

  // The outcome of the block being inserted, once it is in.
  Status AwaitInsert() { return inserting_.valid() ? inserting_.get() : Status::Ok(); }

  UpsertCounts TakeApplied() { return std::exchange(applied_, UpsertCounts{}); }

  // Block s to shard s (`clients`: one per shard).
  Status Write(const std::vector<ClickHouseClient*>& clients, const std::string& insert,
               const std::vector<std::string>& blocks) const {
    for (size_t s = 0; s < blocks.size(); ++s) {
      if (blocks[s].empty()) continue;
      ClickHouseClient* shard = clients[s];
      RETURN_IF_ERROR(ChRetry(context_, [&] { return shard->Insert(insert, blocks[s]); }));
    }
    return Status::Ok();
  }

  // The stored version of the keys of `batch`'s rows `which` that have a
  // live row (nullopt: a NULL version, or a type without versions). The
  // keys go as external data: a long IN list costs seconds to parse.
  Result<std::unordered_map<std::string, std::optional<std::string>>> StoredVersions(const RowBatch& batch,
                                                                                    const std::vector<size_t>& which) {
    std::string keys;
    for (size_t r : which) {
      for (size_t k = 0; k < keys_.size(); ++k) {
        if (k) keys += '\t';
        AppendTsvField(KeyValueText(batch.row(r)[keys_[k]], batch.arena()), &keys);
      }
      keys += '\n';
    }
    std::vector<std::string> key_columns, structure;
    for (int k : keys_) {
      const ColumnSpec& column = event_.columns[static_cast<size_t>(k)];
      key_columns.push_back(ChIdent(column.name));
      structure.push_back(fmt::format("{} {}", ChIdent(column.name), context_.dialect->TypeName(column.type)));
    }
    const std::string key_list = key_columns.size() == 1 ? key_columns[0] : "(" + Join(key_columns, ", ") + ")";
    // The newest write of each key, by aggregation rather than FINAL: 18.16
    // reads the whole table for FINAL, while the key's index narrows this.
    // A NULL version is told by isNull (aggregates skip NULL arguments).
    const std::string version = event_.append_only() ? "''" : fmt::format("toString({})", ChIdent(event_.version));
    const std::string null_version = event_.append_only() ? "1" : fmt::format("isNull({})", ChIdent(event_.version));
    const std::string sql = fmt::format(
        "SELECT {0}, argMax(ifNull({1}, ''), {2}), argMax({3}, {2}) FROM {4} WHERE {5} IN sluice_keys GROUP BY {0} "
        "HAVING argMax({6}, {2}) = 0 AND max({2}) > {7} FORMAT TabSeparated",
        Join(key_columns, ", "), version, kChVersionColumn, null_version, Rows(), key_list, kChDeletedColumn,
        deleted_through_);
    std::string out;
    RETURN_IF_ERROR(ChRetry(context_, [&]() -> Status {
      ASSIGN_OR_RETURN(out, context_.main->RunWith(sql, "sluice_keys", Join(structure, ", "), keys));
      return Status::Ok();
    }));
    auto rows = ParseTsv(out);
    if (!rows) return Status::Corruption(fmt::format("ClickHouse: unreadable stored versions of {}", event_.table));
    std::unordered_map<std::string, std::optional<std::string>> stored;
    for (auto& r : *rows) {
      std::string key;
      for (size_t k = 0; k < keys_.size(); ++k) {
        if (k) key += kKeySeparator;
        key += Normalised(event_.columns[static_cast<size_t>(keys_[k])].type, r[k].value_or(""));
      }
      // nullopt: the stored version is NULL (or the type has none).
      stored[key] = r[keys_.size() + 1] == "1" ? std::nullopt : std::move(r[keys_.size()]);
    }
    return stored;
  }

  // A key value as ClickHouse prints it, written as KeyValueText writes it.
  static std::string Normalised(const ColumnType& type, const std::string& text) {
    if (type.kind != TypeKind::kDouble && type.kind != TypeKind::kDecimal) return text;
    double v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    return fmt::format("{}", v);
  }

  // Whether `value` is a strictly newer version than the stored text.
  static bool Newer(const Value& value, const std::string& stored, const std::string& arena) {
    switch (value.kind) {
      case Value::Kind::kNull: return false;
      case Value::Kind::kInt: {
        int64_t s = 0;
        std::from_chars(stored.data(), stored.data() + stored.size(), s);
        return value.int_value > s;
      }
      case Value::Kind::kReal: {
        double s = 0;
        std::from_chars(stored.data(), stored.data() + stored.size(), s);
        return value.real_value > s;
      }
      case Value::Kind::kText: return value.text(arena) > std::string_view(stored);
    }
    return false;
  }

  static void AppendValue(const Value& v, const ColumnType& type, const std::string& arena, std::string* out) {
    switch (v.kind) {
      case Value::Kind::kNull: AppendTsvNull(out); break;
      case Value::Kind::kInt: fmt::format_to(std::back_inserter(*out), "{}", v.int_value); break;
      case Value::Kind::kReal:
        if (type.kind == TypeKind::kDecimal) fmt::format_to(std::back_inserter(*out), "{:.{}f}", v.real_value, type.scale);
        else fmt::format_to(std::back_inserter(*out), "{}", v.real_value);
        break;
      case Value::Kind::kText: AppendTsvField(v.text(arena), out); break;
    }
  }

  const ChContext context_;
  const std::vector<int> keys_;
  const int version_index_;
  std::unique_ptr<SqlSession::Transaction> txn_;
  int64_t committed_ = 0;
  uint64_t write_version_ = 1;
  int64_t next_row_ = 0;
  std::string insert_, tombstone_insert_;
  // Upserts not yet written: the rows, each key's rows in arrival order,
  // the keys in first-arrival order, and the counts not yet reported.
  std::unique_ptr<RowBatch> pending_;
  using Candidates = std::unordered_map<std::string, std::vector<size_t>>;
  Candidates candidates_;
  std::vector<const Candidates::value_type*> candidate_keys_;  // into candidates_, whose elements stay put
  UpsertCounts applied_;
  uint64_t deleted_through_ = 0;  // DeleteAllRows: rows of this version or older are gone (0: none)
  std::unordered_map<std::string, KeyValues> deleted_keys_;  // DeleteKeys not written since, by joined key
  // Whether the rows table held nothing but what this run wrote (its keys'
  // hashes: a key whose hash is not here has no stored version then).
  bool nothing_stored_ = false;
  std::unordered_set<uint64_t> written_;
  std::unique_ptr<ChStagingReader> staging_;  // made at the first read; uses context_
  // The block being inserted, on the inserter's thread and connections.
  std::vector<std::unique_ptr<ClickHouseClient>> inserters_;  // one per shard, made at the first insert
  std::future<Status> inserting_;
  WorkerThread inserter_{"ch-insert"};  // last: joins before what an insert uses is gone
};

}  // namespace

Result<std::unique_ptr<MergeTransaction>> BeginChMerge(const ChContext& context, const EventSpec& event) {
  auto merge = std::make_unique<ChMerge>(context, event);
  RETURN_IF_ERROR(merge->Start());
  return std::unique_ptr<MergeTransaction>(std::move(merge));
}

}  // namespace sluice
