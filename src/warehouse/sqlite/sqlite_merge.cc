#include <algorithm>

#include "base/clock.h"
#include "base/text.h"
#include "warehouse/sql/sql_merge_transaction.h"
#include "warehouse/sqlite/sqlite_internal.h"
#include "warehouse/sqlite/sqlite_session.h"
#include "warehouse/sqlite/sqlite_transaction.h"

namespace sluice {
namespace {

void BindValue(SqliteStatement* stmt, int index, const Value& v, const std::string& arena) {
  switch (v.kind) {
    case Value::Kind::kNull: stmt->BindNull(index); break;
    case Value::Kind::kInt: stmt->BindInt(index, v.int_value); break;
    case Value::Kind::kReal: stmt->BindReal(index, v.real_value); break;
    case Value::Kind::kText: stmt->BindTextView(index, v.text(arena)); break;
  }
}

// Upserts as two statements: an insert that does nothing on a key conflict,
// then, only on conflict, an update guarded by "stored version is older".
// Unlike one INSERT … ON CONFLICT DO UPDATE, this tells inserted, updated and
// stale rows apart without counting the table.
class SqliteMerge final : public SqlMergeTransaction {
 public:
  SqliteMerge(SqliteDb* db, const EventSpec& event) : SqlMergeTransaction(event), db_(db), session_(db), txn_(db) {}

  Status Start() {
    RETURN_IF_ERROR(txn_.Begin());
    const std::string table = QuoteIdent(event_.table);
    std::vector<std::string> cols, params, sets, where;
    for (const auto& c : event_.columns) {
      cols.push_back(QuoteIdent(c.name));
      params.push_back("?");
    }
    // Update parameters: non-key columns first, then keys, then the version.
    for (size_t i = 0; i < event_.columns.size(); ++i) {
      if (std::find(event_.key.begin(), event_.key.end(), event_.columns[i].name) != event_.key.end()) continue;
      update_order_.push_back(static_cast<int>(i));
      sets.push_back(QuoteIdent(event_.columns[i].name) + " = ?");
    }
    for (int k : event_.KeyIndexes()) {
      update_order_.push_back(k);
      where.push_back(QuoteIdent(event_.columns[k].name) + " = ?");
    }
    if (event_.append_only()) {
      sets.clear();  // the first delivery stays: never update
    } else {
      update_order_.push_back(event_.VersionIndex());
      where.push_back(QuoteIdent(event_.version) + " < ?");
    }

    const auto join = [](const std::vector<std::string>& v, std::string_view sep) {
      std::string out;
      for (size_t i = 0; i < v.size(); ++i) out += (i ? std::string(sep) : "") + v[i];
      return out;
    };
    ASSIGN_OR_RETURN(insert_, db_->Prepare(fmt::format("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT DO NOTHING",
                                                       table, join(cols, ", "), join(params, ", "))));
    if (!sets.empty()) {
      ASSIGN_OR_RETURN(update_, db_->Prepare(fmt::format("UPDATE {} SET {} WHERE {}", table, join(sets, ", "),
                                                         join(where, " AND "))));
    }
    ASSIGN_OR_RETURN(read_, db_->Prepare(fmt::format("SELECT seq, payload FROM {} WHERE seq > ? ORDER BY seq LIMIT ?",
                                                     QuoteIdent(event_.staging_table()))));
    return Status::Ok();
  }

  Result<int64_t> Position() override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT position FROM sluice_streams WHERE staging_table = ?"));
    stmt.BindText(1, event_.staging_table());
    ASSIGN_OR_RETURN(bool found, stmt.Step());
    return found ? stmt.ColumnInt(0) : 0;
  }

  Status ReadStaging(int64_t after_seq, size_t limit,
                     const std::function<void(int64_t, std::string_view)>& row) override {
    read_.BindInt(1, after_seq);
    read_.BindInt(2, static_cast<int64_t>(limit));
    while (true) {
      auto more = read_.Step();
      if (!more.ok()) return more.status();
      if (!*more) break;
      row(read_.ColumnInt(0), read_.ColumnText(1));
    }
    read_.Reset();
    return Status::Ok();
  }

  Result<UpsertCounts> Upsert(const RowBatch& batch) override {
    UpsertCounts counts;
    const std::string& arena = batch.arena();
    for (size_t r = 0; r < batch.rows(); ++r) {
      const Value* row = batch.row(r);
      for (size_t c = 0; c < batch.width(); ++c) BindValue(&insert_, static_cast<int>(c) + 1, row[c], arena);
      RETURN_IF_ERROR(insert_.Run());
      if (sqlite3_changes(db_->get()) == 1) {
        ++counts.inserted;
        continue;
      }
      if (update_.get() == nullptr) {  // every column is part of the key
        ++counts.stale;
        continue;
      }
      for (size_t i = 0; i < update_order_.size(); ++i)
        BindValue(&update_, static_cast<int>(i) + 1, row[update_order_[i]], arena);
      RETURN_IF_ERROR(update_.Run());
      if (sqlite3_changes(db_->get()) == 1) ++counts.updated;
      else ++counts.stale;
    }
    return counts;
  }

  Status AddErrors(const std::vector<MergeError>& errors) override {
    if (errors.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("INSERT INTO sluice_merge_errors "
                                             "(event_type, seq, item_index, column_name, value, error, at) "
                                             "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    const std::string at = FormatTimestamp(NowMicros());
    for (const auto& e : errors) {
      stmt.BindText(1, event_.name);
      stmt.BindInt(2, e.seq);
      if (e.item_index) stmt.BindInt(3, *e.item_index);
      else stmt.BindNull(3);
      stmt.BindText(4, e.column);
      if (e.value) stmt.BindText(5, *e.value);
      else stmt.BindNull(5);
      stmt.BindText(6, e.error);
      stmt.BindText(7, at);
      RETURN_IF_ERROR(stmt.Run());
    }
    return Status::Ok();
  }

  Result<UpsertCounts> Commit(int64_t position) override {
    ASSIGN_OR_RETURN(auto stmt, db_->Prepare("UPDATE sluice_streams SET position = ?, merged_at = ? "
                                             "WHERE staging_table = ?"));
    const std::string at = FormatTimestamp(NowMicros());
    stmt.BindInt(1, position);
    stmt.BindText(2, at);
    stmt.BindText(3, event_.staging_table());
    RETURN_IF_ERROR(stmt.Run());
    RETURN_IF_ERROR(txn_.Commit());
    return UpsertCounts{};  // applied in Upsert
  }

 protected:
  // Upserts apply as they come, so a statement sees them all.
  Result<std::vector<SqlRow>> Execute(std::string_view sql, const SqlParams& params) override {
    return session_.Execute(sql, params);
  }

 private:
  SqliteDb* db_;
  SqliteSession session_;
  SqliteTransaction txn_;
  std::vector<int> update_order_;  // column index of each update parameter
  SqliteStatement insert_;
  SqliteStatement update_;
  SqliteStatement read_;
};

}  // namespace

Result<std::unique_ptr<MergeTransaction>> BeginSqliteMerge(SqliteDb* db, const EventSpec& event) {
  auto merge = std::make_unique<SqliteMerge>(db, event);
  RETURN_IF_ERROR(merge->Start());
  return std::unique_ptr<MergeTransaction>(std::move(merge));
}

}  // namespace sluice
