#include "warehouse/postgres/pg_model_store.h"

#include <fmt/format.h>

#include "base/text.h"
#include "warehouse/postgres/pg_internal.h"
#include "warehouse/sql/sql_batch.h"

namespace sluice {
namespace {

std::string TypeOf(const SeedRows::Column& column) {
  if (!column.declared_type.empty()) return column.declared_type;
  switch (column.type) {
    case SeedRows::Type::kText: return "text";
    case SeedRows::Type::kInteger: return "bigint";
    case SeedRows::Type::kNumeric: return "numeric";
    case SeedRows::Type::kBoolean: return "boolean";
    case SeedRows::Type::kDate: return "date";
    case SeedRows::Type::kTimestamp: return "timestamp";
  }
  return "text";
}

constexpr const char* kColumnsOf =
    "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass($1) "
    "AND attnum > 0 AND NOT attisdropped ORDER BY attnum";

}  // namespace

Result<int64_t> PgModelStore::Exec(const std::string& sql) {
  ASSIGN_OR_RETURN(PgResult r, pg_->conn()->Query(sql));
  return r.AffectedRows();
}

Result<std::optional<RelationKind>> PgModelStore::Find(std::string_view name) {
  RETURN_IF_ERROR(pg_->EnsureConnected());
  ASSIGN_OR_RETURN(PgResult r, pg_->conn()->Query("SELECT relkind FROM pg_class WHERE oid = to_regclass($1)",
                                                  {Relation(name)}));
  if (r.rows() == 0) return std::optional<RelationKind>();
  return std::optional<RelationKind>(r.Get(0, 0) == "v" ? RelationKind::kView : RelationKind::kTable);
}

Result<std::vector<RelationColumn>> PgModelStore::Columns(std::string_view name) {
  RETURN_IF_ERROR(pg_->EnsureConnected());
  return ColumnsOf(Relation(name));
}

Result<std::vector<RelationColumn>> PgModelStore::ColumnsOf(const std::string& relation) {
  ASSIGN_OR_RETURN(PgResult r, pg_->conn()->Query(kColumnsOf, {relation}));
  std::vector<RelationColumn> columns;
  for (int i = 0; i < r.rows(); ++i) columns.push_back({std::string(r.Get(i, 0)), std::string(r.Get(i, 1))});
  return columns;
}

Status PgModelStore::DropRelation(std::string_view name, bool cascade) {
  ASSIGN_OR_RETURN(auto kind, Find(name));
  if (!kind) return Status::Ok();
  return Exec(fmt::format("DROP {} {}{}", *kind == RelationKind::kView ? "VIEW" : "TABLE", Relation(name),
                          cascade ? " CASCADE" : ""))
      .status();
}

Status PgModelStore::Grant(std::string_view name) {
  if (readonly_role_.empty()) return Status::Ok();
  return Exec(fmt::format("GRANT SELECT ON {} TO {}", Relation(name), QuoteIdent(readonly_role_))).status();
}

Status PgModelStore::CreateView(std::string_view name, std::string_view select) {
  return pg_->InTransaction([&]() -> Status {
    RETURN_IF_ERROR(LockRelation(name));
    ASSIGN_OR_RETURN(auto kind, Find(name));
    if (kind == RelationKind::kTable) RETURN_IF_ERROR(DropRelation(name, /*cascade=*/true));
    const std::string create = fmt::format("CREATE OR REPLACE VIEW {} AS\n{}", Relation(name), select);
    RETURN_IF_ERROR(Exec("SAVEPOINT sluice_view").status());
    if (!Exec(create).ok()) {
      // Its columns changed (a view cannot lose or retype one): build it anew.
      RETURN_IF_ERROR(Exec("ROLLBACK TO SAVEPOINT sluice_view").status());
      RETURN_IF_ERROR(DropRelation(name, /*cascade=*/true));
      RETURN_IF_ERROR(Exec(fmt::format("CREATE VIEW {} AS\n{}", Relation(name), select)).status());
    }
    return Grant(name);
  });
}

Status PgModelStore::LockRelation(std::string_view name) {
  return pg_->conn()->Query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", {Relation(name)}).status();
}

Result<int64_t> PgModelStore::SwapIn(std::string_view name, std::string_view built) {
  ASSIGN_OR_RETURN(auto kind, Find(name));
  ASSIGN_OR_RETURN(auto columns, ColumnsOf(fmt::format("pg_temp.{}", built)));
  ASSIGN_OR_RETURN(auto existing, ColumnsOf(Relation(name)));
  bool same = kind == RelationKind::kTable && existing.size() == columns.size();
  for (size_t i = 0; same && i < columns.size(); ++i)
    same = existing[i].name == columns[i].name && existing[i].type == columns[i].type;
  if (same) {
    RETURN_IF_ERROR(Exec(fmt::format("DELETE FROM {}", Relation(name))).status());
    return Exec(fmt::format("INSERT INTO {} SELECT * FROM {}", Relation(name), built));
  }
  RETURN_IF_ERROR(DropRelation(name, /*cascade=*/true));
  ASSIGN_OR_RETURN(int64_t rows, Exec(fmt::format("CREATE TABLE {} AS SELECT * FROM {}", Relation(name), built)));
  RETURN_IF_ERROR(Grant(name));
  return rows;
}

Result<int64_t> PgModelStore::ReplaceTable(std::string_view name, std::string_view select) {
  int64_t rows = 0;
  RETURN_IF_ERROR(pg_->InTransaction([&]() -> Status {
    RETURN_IF_ERROR(LockRelation(name));
    RETURN_IF_ERROR(Exec(fmt::format("CREATE TEMP TABLE sluice_building ON COMMIT DROP AS\n{}", select)).status());
    ASSIGN_OR_RETURN(rows, SwapIn(name, "sluice_building"));
    return Status::Ok();
  }));
  return rows;
}

Result<int64_t> PgModelStore::MergeIncremental(std::string_view name, std::string_view select,
                                               const std::vector<std::string>& unique_key, SchemaChange change) {
  int64_t rows = 0;
  RETURN_IF_ERROR(pg_->InTransaction([&]() -> Status {
    // Another run of this model waits here, and then selects what this one
    // did not already insert (each statement sees what committed before it).
    RETURN_IF_ERROR(LockRelation(name));
    RETURN_IF_ERROR(Exec(fmt::format("CREATE TEMP TABLE sluice_incoming ON COMMIT DROP AS\n{}", select)).status());
    ASSIGN_OR_RETURN(auto existing, Columns(name));
    if (existing.empty()) return Status::NotFound(fmt::format("incremental model {}: no such table", name));
    ASSIGN_OR_RETURN(auto arriving, ColumnsOf("pg_temp.sluice_incoming"));
    std::vector<RelationColumn> to_add;
    ASSIGN_OR_RETURN(auto shared, IncrementalColumns(name, existing, arriving, change, &to_add));
    for (const auto& c : to_add) {
      RETURN_IF_ERROR(
          Exec(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", Relation(name), QuoteIdent(c.name), c.type)).status());
    }
    std::vector<std::string> quoted;
    for (const auto& c : shared) quoted.push_back(QuoteIdent(c));
    if (!unique_key.empty()) {
      std::vector<std::string> keys;
      for (const auto& k : unique_key) keys.push_back(QuoteIdent(k));
      RETURN_IF_ERROR(Exec(fmt::format("DELETE FROM {0} WHERE ({1}) IN (SELECT {1} FROM sluice_incoming)",
                                       Relation(name), Join(keys, ", ")))
                          .status());
    }
    ASSIGN_OR_RETURN(rows, Exec(fmt::format("INSERT INTO {} ({}) SELECT {} FROM sluice_incoming", Relation(name),
                                            Join(quoted, ", "), Join(quoted, ", "))));
    return Status::Ok();
  }));
  return rows;
}

Status PgModelStore::Drop(std::string_view name) {
  return pg_->InTransaction([&] { return DropRelation(name, /*cascade=*/true); });
}

Result<int64_t> PgModelStore::LoadSeed(std::string_view name, const SeedRows& seed) {
  std::vector<std::string> columns, names;
  for (const auto& c : seed.columns) {
    columns.push_back(fmt::format("{} {}", QuoteIdent(c.name), TypeOf(c)));
    names.push_back(QuoteIdent(c.name));
  }
  ASSIGN_OR_RETURN(const std::vector<SqlParams> rows, SeedParams(seed, /*booleans_as_integers=*/false));
  // Loaded beside the table and put in its place like a table model: the
  // views on a seed whose columns are unchanged stay.
  RETURN_IF_ERROR(pg_->InTransaction([&]() -> Status {
    RETURN_IF_ERROR(LockRelation(name));
    RETURN_IF_ERROR(Exec(fmt::format("CREATE TEMP TABLE sluice_seed (\n  {}\n) ON COMMIT DROP", Join(columns, ",\n  ")))
                        .status());
    RETURN_IF_ERROR(InsertRows(session(), fmt::format("INSERT INTO sluice_seed ({})", Join(names, ", ")), rows));
    return SwapIn(name, "sluice_seed").status();
  }));
  return static_cast<int64_t>(rows.size());
}

}  // namespace sluice
