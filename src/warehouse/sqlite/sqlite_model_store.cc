#include "warehouse/sqlite/sqlite_model_store.h"

#include <fmt/format.h>

#include "base/text.h"
#include "warehouse/sql/sql_batch.h"
#include "warehouse/sqlite/sqlite_transaction.h"

namespace sluice {
namespace {

constexpr std::string_view kBuilding = "__sluice_building";
// The rows an incremental run brings, in the temp schema (not sluice_*: its
// table is the model's, built in the model's scope).
constexpr std::string_view kIncoming = "__sluice_incoming";

std::string TypeOf(const SeedRows::Column& column) {
  if (!column.declared_type.empty()) return column.declared_type;
  switch (column.type) {
    case SeedRows::Type::kText: return "TEXT";
    case SeedRows::Type::kInteger: return "BIGINT";
    case SeedRows::Type::kNumeric: return "REAL";
    case SeedRows::Type::kBoolean: return "BOOLEAN";
    case SeedRows::Type::kDate: return "DATE";
    case SeedRows::Type::kTimestamp: return "TIMESTAMP";
  }
  return "TEXT";
}

}  // namespace

std::string SqliteModelStore::Relation(std::string_view name) const { return QuoteIdent(name); }

Result<std::optional<RelationKind>> SqliteModelStore::Find(std::string_view name) {
  ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT type FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')"));
  stmt.BindText(1, name);
  ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::optional<RelationKind>();
  return std::optional<RelationKind>(stmt.ColumnText(0) == "view" ? RelationKind::kView : RelationKind::kTable);
}

Result<std::vector<RelationColumn>> SqliteModelStore::Columns(std::string_view name) {
  ASSIGN_OR_RETURN(auto stmt, db_->Prepare("SELECT name, type FROM pragma_table_info(?) ORDER BY cid"));
  stmt.BindText(1, name);
  std::vector<RelationColumn> columns;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    columns.push_back({std::string(stmt.ColumnText(0)), std::string(stmt.ColumnText(1))});
  }
  return columns;
}

Status SqliteModelStore::DropInTransaction(std::string_view name) {
  ASSIGN_OR_RETURN(auto kind, Find(name));
  if (!kind) return Status::Ok();
  return db_->Exec(fmt::format("DROP {} {}", *kind == RelationKind::kView ? "VIEW" : "TABLE", QuoteIdent(name)));
}

Result<int64_t> SqliteModelStore::Count(std::string_view relation) {
  return db_->QueryInt(fmt::format("SELECT count(*) FROM {}", relation));
}

Status SqliteModelStore::ExecAround(std::string_view sql) {
  std::string_view rest = sql;
  ASSIGN_OR_RETURN(SqliteStatement stmt, db_->PrepareNext(&rest));
  while (!rest.empty()) {
    auto after = db_->PrepareNext(&rest);
    if (!after.ok() || after->get() != nullptr)
      return Status::InvalidArgument("a model's SQL must be one SELECT: it holds another statement after it");
  }
  if (stmt.get() == nullptr) return Status::InvalidArgument("a model's SQL is empty");
  return stmt.Run();
}

Status SqliteModelStore::CreateView(std::string_view name, std::string_view select) {
  SqliteTransaction txn(db_);
  RETURN_IF_ERROR(txn.Begin());
  SqliteSpeakerScope user(db_, SqliteSpeaker::kUserWrites);
  RETURN_IF_ERROR(user.entered());
  RETURN_IF_ERROR(DropInTransaction(name));
  RETURN_IF_ERROR(ExecAround(fmt::format("CREATE VIEW {} AS\n{}", QuoteIdent(name), select)));
  // SQLite compiles a view only when it is read: compiling it now makes what
  // the view may not do (a function outside the allow-list) fail its build,
  // not its readers.
  RETURN_IF_ERROR(db_->Prepare(fmt::format("SELECT * FROM {}", QuoteIdent(name))).status());
  return txn.Commit();
}

Result<int64_t> SqliteModelStore::ReplaceTable(std::string_view name, std::string_view select) {
  const std::string building = QuoteIdent(std::string(name) + std::string(kBuilding));
  SqliteTransaction txn(db_);
  RETURN_IF_ERROR(txn.Begin());
  SqliteSpeakerScope user(db_, SqliteSpeaker::kUserWrites);
  RETURN_IF_ERROR(user.entered());
  RETURN_IF_ERROR(db_->Exec(fmt::format("DROP TABLE IF EXISTS {}", building)));
  RETURN_IF_ERROR(ExecAround(fmt::format("CREATE TABLE {} AS\n{}", building, select)));
  RETURN_IF_ERROR(DropInTransaction(name));
  // The legacy rename leaves views alone: one that reads `name` would be
  // rewritten (or refused) by the modern one while `name` is being replaced.
  // A connection setting: sluice's to change, not the model's.
  const auto legacy_alter_table = [&](bool on) {
    SqliteSpeakerScope sluice(db_, SqliteSpeaker::kSluice);
    return db_->Exec(on ? "PRAGMA legacy_alter_table = ON" : "PRAGMA legacy_alter_table = OFF");
  };
  RETURN_IF_ERROR(legacy_alter_table(true));
  Status renamed = db_->Exec(fmt::format("ALTER TABLE {} RENAME TO {}", building, QuoteIdent(name)));
  RETURN_IF_ERROR(legacy_alter_table(false));
  RETURN_IF_ERROR(renamed);
  ASSIGN_OR_RETURN(int64_t rows, Count(QuoteIdent(name)));
  RETURN_IF_ERROR(txn.Commit());
  return rows;
}

Result<int64_t> SqliteModelStore::MergeIncremental(std::string_view name, std::string_view select,
                                                   const std::vector<std::string>& unique_key, SchemaChange change) {
  const std::string table = QuoteIdent(name);
  const std::string incoming_name = std::string(name) + std::string(kIncoming);
  const std::string incoming = "temp." + QuoteIdent(incoming_name);
  SqliteTransaction txn(db_);
  RETURN_IF_ERROR(txn.Begin());
  SqliteSpeakerScope user(db_, SqliteSpeaker::kUserWrites);
  RETURN_IF_ERROR(user.entered());
  RETURN_IF_ERROR(db_->Exec(fmt::format("DROP TABLE IF EXISTS {}", incoming)));
  RETURN_IF_ERROR(ExecAround(fmt::format("CREATE TEMP TABLE {} AS\n{}", QuoteIdent(incoming_name), select)));
  ASSIGN_OR_RETURN(auto existing, Columns(name));
  if (existing.empty()) return Status::NotFound(fmt::format("incremental model {}: no such table", name));
  ASSIGN_OR_RETURN(auto arriving, db_->Prepare("SELECT name, type FROM pragma_table_info(?, 'temp') ORDER BY cid"));
  arriving.BindText(1, incoming_name);
  std::vector<RelationColumn> new_columns;
  while (true) {
    ASSIGN_OR_RETURN(bool row, arriving.Step());
    if (!row) break;
    new_columns.push_back({std::string(arriving.ColumnText(0)), std::string(arriving.ColumnText(1))});
  }
  std::vector<RelationColumn> to_add;
  ASSIGN_OR_RETURN(auto shared, IncrementalColumns(name, existing, new_columns, change, &to_add));
  for (const auto& c : to_add)
    RETURN_IF_ERROR(db_->Exec(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", table, QuoteIdent(c.name), c.type)));
  std::vector<std::string> quoted;
  for (const auto& c : shared) quoted.push_back(QuoteIdent(c));
  if (!unique_key.empty()) {
    std::vector<std::string> keys;
    for (const auto& k : unique_key) keys.push_back(QuoteIdent(k));
    RETURN_IF_ERROR(db_->Exec(fmt::format("DELETE FROM {0} WHERE ({1}) IN (SELECT {1} FROM {2})", table,
                                          Join(keys, ", "), incoming)));
  }
  ASSIGN_OR_RETURN(int64_t rows, Count(incoming));
  RETURN_IF_ERROR(db_->Exec(fmt::format("INSERT INTO {} ({}) SELECT {} FROM {}", table, Join(quoted, ", "),
                                        Join(quoted, ", "), incoming)));
  RETURN_IF_ERROR(db_->Exec(fmt::format("DROP TABLE {}", incoming)));
  RETURN_IF_ERROR(txn.Commit());
  return rows;
}

Status SqliteModelStore::Drop(std::string_view name) {
  SqliteTransaction txn(db_);
  RETURN_IF_ERROR(txn.Begin());
  SqliteSpeakerScope user(db_, SqliteSpeaker::kUserWrites);
  RETURN_IF_ERROR(user.entered());
  RETURN_IF_ERROR(DropInTransaction(name));
  return txn.Commit();
}

Result<int64_t> SqliteModelStore::LoadSeed(std::string_view name, const SeedRows& seed) {
  std::vector<std::string> columns, names;
  for (const auto& c : seed.columns) {
    columns.push_back(fmt::format("{} {}", QuoteIdent(c.name), TypeOf(c)));
    names.push_back(QuoteIdent(c.name));
  }
  ASSIGN_OR_RETURN(const std::vector<SqlParams> rows, SeedParams(seed, /*booleans_as_integers=*/true));
  SqliteTransaction txn(db_);
  RETURN_IF_ERROR(txn.Begin());
  SqliteSpeakerScope user(db_, SqliteSpeaker::kUserWrites);
  RETURN_IF_ERROR(user.entered());
  RETURN_IF_ERROR(DropInTransaction(name));
  RETURN_IF_ERROR(db_->Exec(fmt::format("CREATE TABLE {} (\n  {}\n)", QuoteIdent(name), Join(columns, ",\n  "))));
  RETURN_IF_ERROR(InsertRows(session(), fmt::format("INSERT INTO {} ({})", QuoteIdent(name), Join(names, ", ")), rows));
  RETURN_IF_ERROR(txn.Commit());
  return static_cast<int64_t>(rows.size());
}

}  // namespace sluice
