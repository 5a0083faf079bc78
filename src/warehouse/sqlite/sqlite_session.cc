#include "warehouse/sqlite/sqlite_session.h"

#include <fmt/format.h>

#include "warehouse/query_sink.h"
#include "warehouse/sqlite/sqlite_transaction.h"

namespace sluice {
namespace {

// Binds $1, $2 … (SQLite numbers named parameters by first appearance, so
// look each one up by its name).
void BindParams(sqlite3_stmt* stmt, const SqlParams& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = sqlite3_bind_parameter_index(stmt, fmt::format("${}", i + 1).c_str());
    if (index == 0) continue;  // the statement does not use it
    if (params[i]) sqlite3_bind_text(stmt, index, params[i]->data(), static_cast<int>(params[i]->size()), SQLITE_TRANSIENT);
    else sqlite3_bind_null(stmt, index);
  }
}

QueryCell::Kind CellKind(int type) {
  switch (type) {
    case SQLITE_NULL: return QueryCell::Kind::kNull;
    case SQLITE_INTEGER: return QueryCell::Kind::kInt;
    case SQLITE_FLOAT: return QueryCell::Kind::kReal;
    case SQLITE_BLOB: return QueryCell::Kind::kBlob;
    default: return QueryCell::Kind::kText;
  }
}

}  // namespace

Result<std::vector<SqlRow>> SqliteSession::Execute(std::string_view sql, const SqlParams& params) {
  ASSIGN_OR_RETURN(auto stmt, db_->Prepare(sql));
  BindParams(stmt.get(), params);
  std::vector<SqlRow> rows;
  const int columns = sqlite3_column_count(stmt.get());
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    SqlRow& out = rows.emplace_back();
    for (int c = 0; c < columns; ++c) {
      if (stmt.ColumnIsNull(c)) out.emplace_back();
      else out.emplace_back(std::string(stmt.ColumnText(c)));
    }
  }
  return rows;
}

Status SqliteSession::InTransaction(const std::function<Status()>& body) {
  SqliteTransaction txn(db_);
  RETURN_IF_ERROR(txn.Begin());
  RETURN_IF_ERROR(body());  // the transaction rolls back as it goes out of scope
  return txn.Commit();
}

Result<std::unique_ptr<SqlSession::Transaction>> SqliteSession::Begin(std::string_view /*lock*/) {
  // The write lock of BEGIN IMMEDIATE serialises every writer of the file,
  // so a named lock would add nothing.
  class Open final : public Transaction {
   public:
    explicit Open(SqliteDb* db) : txn_(db) {}
    Status Start() { return txn_.Begin(); }
    Status Commit() override { return txn_.Commit(); }

   private:
    SqliteTransaction txn_;
  };
  auto txn = std::make_unique<Open>(db_);
  RETURN_IF_ERROR(txn->Start());
  return std::unique_ptr<Transaction>(std::move(txn));
}

Status SqliteSession::Query(std::string_view sql, QuerySink* sink) {
  return SqliteQuery(db_, sql, /*allow_writes=*/false, sink);
}

Status SqliteQuery(SqliteDb* db, std::string_view sql, bool allow_writes, QuerySink* sink) {
  // Reading, SQLite itself refuses what writes (query_only); the authorizer
  // what the user's SQL may not do (SqliteAuthorize).
  if (!allow_writes) RETURN_IF_ERROR(db->Exec("PRAGMA query_only = 1"));
  struct Restore {
    SqliteDb* db;
    bool reading;
    ~Restore() {
      if (reading) (void)db->Exec("PRAGMA query_only = 0");
    }
  } restore{db, !allow_writes};
  SqliteSpeakerScope user(db, allow_writes ? SqliteSpeaker::kOperatorWrites : SqliteSpeaker::kUserReads);
  RETURN_IF_ERROR(user.entered());
  // A refusal `sluice sql --write` would not make says so.
  const auto refused = [&](Status status) {
    if (db->authority().refusal.needs_write)
      return Status::InvalidArgument(fmt::format("this statement would change the warehouse; pass --write to "
                                                 "allow it: {}",
                                                 db->authority().refusal.what));
    return status;
  };
  std::string_view rest = sql;
  bool any = false;
  while (!rest.empty()) {
    auto prepared = db->PrepareNext(&rest);
    if (!prepared.ok()) return refused(prepared.status());
    SqliteStatement stmt = std::move(prepared).value();
    sqlite3_stmt* raw = stmt.get();
    if (raw == nullptr) continue;  // only whitespace or a comment
    if (!allow_writes && !sqlite3_stmt_readonly(raw))
      return Status::InvalidArgument(fmt::format(
          "this statement would change the warehouse; pass --write to allow it: {}", sqlite3_sql(raw)));
    const int n = sqlite3_column_count(raw);
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) names.push_back(sqlite3_column_name(raw, i));
    if (n > 0) sink->Columns(names);
    any = true;
    std::vector<QueryCell> cells(static_cast<size_t>(n));
    while (true) {
      auto has_row = stmt.Step();
      if (!has_row.ok()) return refused(has_row.status());
      if (!*has_row) break;
      for (int i = 0; i < n; ++i) {
        QueryCell& cell = cells[static_cast<size_t>(i)];
        cell.kind = CellKind(sqlite3_column_type(raw, i));
        if (cell.kind == QueryCell::Kind::kReal) {
          // Shortest text that reads back as the same double, and always
          // recognisably real: 5.0, not 5.
          cell.text = fmt::format("{}", sqlite3_column_double(raw, i));
          if (cell.text.find_first_of(".eEn") == std::string::npos) cell.text += ".0";
        } else {
          cell.text.assign(stmt.ColumnText(i));
        }
      }
      sink->Row(cells);
    }
  }
  if (!any) return Status::InvalidArgument("the query is empty");
  return Status::Ok();
}

}  // namespace sluice
