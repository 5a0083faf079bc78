#include "base/clock.h"
#include "base/text.h"
#include "warehouse/sqlite/sqlite_internal.h"
#include "warehouse/sqlite/sqlite_transaction.h"

namespace sluice {
namespace {

class SqliteStagingLoad final : public StagingLoad {
 public:
  SqliteStagingLoad(SqliteDb* db, std::string event_type, std::string source, std::string file)
      : db_(db), txn_(db), event_type_(std::move(event_type)), source_(std::move(source)), file_(std::move(file)),
        loaded_at_(FormatTimestamp(NowMicros())) {}

  Status Start(const EventSpec& event) {
    RETURN_IF_ERROR(txn_.Begin());
    ASSIGN_OR_RETURN(insert_row_, db_->Prepare(fmt::format(
                                      "INSERT INTO {} (payload, source, line, loaded_at) VALUES (?, ?, ?, ?)",
                                      QuoteIdent(event.staging_table()))));
    ASSIGN_OR_RETURN(insert_error_, db_->Prepare("INSERT INTO sluice_load_errors (event_type, file, line, error, raw, at, landed_as) "
                                                 "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    return Status::Ok();
  }

  Status Append(std::string_view payload, int64_t line) override {
    insert_row_.BindTextView(1, payload);
    insert_row_.BindTextView(2, source_);
    insert_row_.BindInt(3, line);
    insert_row_.BindTextView(4, loaded_at_);
    return insert_row_.Run();
  }

  Status AddError(int64_t line, std::string_view error, std::string_view raw) override {
    insert_error_.BindText(1, event_type_);
    insert_error_.BindText(2, file_);
    insert_error_.BindInt(3, line);
    insert_error_.BindText(4, error);
    insert_error_.BindText(5, raw);
    insert_error_.BindText(6, loaded_at_);
    insert_error_.BindText(7, source_);
    return insert_error_.Run();
  }

  Status Commit(const LoadRecord& r) override {
    // The write transaction holds SQLite's write lock, so the content check
    // and the insert are one atomic step against other processes.
    ASSIGN_OR_RETURN(auto history,
                     db_->Prepare("INSERT INTO sluice_load_history "
                                  "(path, checksum, event_type, rows, errors, loaded_at, landed_as) "
                                  "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE ?8 = 0 OR NOT EXISTS "
                                  "(SELECT 1 FROM sluice_load_history WHERE event_type = ?3 AND checksum = ?2)"));
    history.BindText(1, r.path);
    history.BindText(2, r.checksum);
    history.BindText(3, r.event_type);
    history.BindInt(4, r.rows);
    history.BindInt(5, r.errors);
    history.BindText(6, loaded_at_);
    history.BindText(7, r.landed_as);
    history.BindInt(8, r.identity == LoadIdentity::kContent ? 1 : 0);
    Status st = history.Run();
    if (st.ok() && sqlite3_changes(db_->get()) == 0)
      st = Status::AlreadyExists(fmt::format("content {} was already loaded", r.checksum));
    else if (st.code() == StatusCode::kAlreadyExists)
      st = Status::AlreadyExists(fmt::format("{} was already loaded", r.landed_as));
    if (!st.ok()) {
      (void)txn_.Rollback();
      return st;
    }
    return txn_.Commit();
  }

 private:
  SqliteDb* db_;
  SqliteTransaction txn_;
  std::string event_type_;
  std::string source_;
  std::string file_;
  std::string loaded_at_;
  SqliteStatement insert_row_;
  SqliteStatement insert_error_;
};

}  // namespace

Result<std::unique_ptr<StagingLoad>> BeginSqliteStagingLoad(SqliteDb* db, const EventSpec& event,
                                                            std::string source, std::string file) {
  auto load = std::make_unique<SqliteStagingLoad>(db, event.name, std::move(source), std::move(file));
  RETURN_IF_ERROR(load->Start(event));
  return std::unique_ptr<StagingLoad>(std::move(load));
}

}  // namespace sluice
