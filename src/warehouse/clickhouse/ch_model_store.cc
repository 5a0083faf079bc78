#include "warehouse/clickhouse/ch_model_store.h"

#include <fmt/format.h>

#include "base/text.h"
#include "warehouse/clickhouse/ch_query.h"
#include "warehouse/clickhouse/ch_tsv.h"

namespace sluice {
namespace {

// Where a relation is built before it takes its name, and where the old one
// goes for the moment of the swap.
std::string Building(std::string_view name) { return std::string(name) + "__sluice_new"; }
std::string Leaving(std::string_view name) { return std::string(name) + "__sluice_old"; }

class Collect final : public QuerySink {
 public:
  void Columns(const std::vector<std::string>& names) override { columns = names; }
  void Row(const std::vector<QueryCell>& cells) override {
    auto& row = rows.emplace_back();
    for (const auto& cell : cells) row.push_back(cell.kind == QueryCell::Kind::kNull ? "NULL" : cell.text);
  }
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

std::string SeedType(const SeedRows::Column& column) {
  if (!column.declared_type.empty()) return column.declared_type;
  switch (column.type) {
    case SeedRows::Type::kInteger: return "Nullable(Int64)";
    case SeedRows::Type::kNumeric: return "Nullable(Float64)";
    case SeedRows::Type::kBoolean: return "Nullable(UInt8)";
    default: return "Nullable(String)";  // text, and dates and timestamps as sluice writes them
  }
}

// Drops the side tables a build made unless it finished (Release): a
// CREATE TABLE … AS SELECT whose SELECT fails leaves its empty table behind.
class SideTables {
 public:
  SideTables(ChModelStore* store, std::vector<std::string> names) : store_(store), names_(std::move(names)) {}
  ~SideTables() {
    for (const auto& name : names_) (void)store_->Drop(name);
  }
  void Release() { names_.clear(); }

 private:
  ChModelStore* store_;
  std::vector<std::string> names_;
};

}  // namespace

Result<std::string> ChModelStore::Run(const std::string& sql) { return client_->Run(sql); }

Result<std::optional<RelationKind>> ChModelStore::Find(std::string_view name) {
  ASSIGN_OR_RETURN(std::string out, Run(fmt::format("SELECT engine FROM system.tables WHERE database = {} AND name = {} "
                                                    "FORMAT TabSeparated",
                                                    ChStringLiteral(schema()), ChStringLiteral(name))));
  if (out.empty()) return std::optional<RelationKind>();
  return std::optional<RelationKind>(out == "View\n" ? RelationKind::kView : RelationKind::kTable);
}

Result<std::vector<RelationColumn>> ChModelStore::Columns(std::string_view name) {
  std::vector<RelationColumn> columns;
  ASSIGN_OR_RETURN(auto kind, Find(name));
  if (!kind) return columns;
  ASSIGN_OR_RETURN(std::string out, Run(fmt::format("DESCRIBE TABLE {} FORMAT TabSeparated", Relation(name))));
  if (auto rows = ParseTsv(out))
    for (auto& row : *rows) columns.push_back({row[0].value_or(""), row.size() > 1 ? row[1].value_or("") : ""});
  return columns;
}

Status ChModelStore::SwapIn(std::string_view name, const std::string& built) {
  ASSIGN_OR_RETURN(auto kind, Find(name));
  if (!kind) return Run(fmt::format("RENAME TABLE {} TO {}", Relation(built), Relation(name))).status();
  RETURN_IF_ERROR(Run(fmt::format("DROP TABLE IF EXISTS {}", Relation(Leaving(name)))).status());
  RETURN_IF_ERROR(Run(fmt::format("RENAME TABLE {} TO {}, {} TO {}", Relation(name), Relation(Leaving(name)),
                                  Relation(built), Relation(name)))
                      .status());
  return Run(fmt::format("DROP TABLE {}", Relation(Leaving(name)))).status();
}

Result<int64_t> ChModelStore::Count(const std::string& relation) {
  ASSIGN_OR_RETURN(std::string out, Run(fmt::format("SELECT count() FROM {} FORMAT TabSeparated", relation)));
  return std::stoll(out.empty() ? "0" : out);
}

Status ChModelStore::CreateView(std::string_view name, std::string_view select) {
  const std::string built = Building(name);
  RETURN_IF_ERROR(Run(fmt::format("DROP TABLE IF EXISTS {}", Relation(built))).status());
  SideTables side(this, {built});
  RETURN_IF_ERROR(Run(fmt::format("CREATE VIEW {} AS\n{}", Relation(built), select)).status());
  RETURN_IF_ERROR(SwapIn(name, built));
  side.Release();
  return Status::Ok();
}

Result<int64_t> ChModelStore::ReplaceTable(std::string_view name, std::string_view select) {
  const std::string built = Building(name);
  RETURN_IF_ERROR(Run(fmt::format("DROP TABLE IF EXISTS {}", Relation(built))).status());
  SideTables side(this, {built});
  RETURN_IF_ERROR(
      Run(fmt::format("CREATE TABLE {} ENGINE = MergeTree ORDER BY tuple() AS\n{}", Relation(built), select)).status());
  ASSIGN_OR_RETURN(int64_t rows, Count(Relation(built)));
  RETURN_IF_ERROR(SwapIn(name, built));
  side.Release();
  return rows;
}

Result<int64_t> ChModelStore::MergeIncremental(std::string_view name, std::string_view select,
                                               const std::vector<std::string>& unique_key, SchemaChange change) {
  const std::string built = Building(name);
  const std::string arriving = std::string(name) + "__sluice_arriving";
  for (const std::string& t : {built, arriving})
    RETURN_IF_ERROR(Run(fmt::format("DROP TABLE IF EXISTS {}", Relation(t))).status());
  SideTables side(this, {built, arriving});
  SideTables arrived(this, {arriving});
  RETURN_IF_ERROR(
      Run(fmt::format("CREATE TABLE {} ENGINE = MergeTree ORDER BY tuple() AS\n{}", Relation(arriving), select)).status());
  ASSIGN_OR_RETURN(auto existing, Columns(name));
  ASSIGN_OR_RETURN(auto new_columns, Columns(arriving));
  std::vector<RelationColumn> to_add;
  ASSIGN_OR_RETURN(auto columns, IncrementalColumns(name, existing, new_columns, change, &to_add));
  RETURN_IF_ERROR(Run(fmt::format("CREATE TABLE {} AS {} ENGINE = MergeTree ORDER BY tuple()", Relation(built),
                                  Relation(name)))
                      .status());
  for (const auto& column : to_add) {
    std::string type = column.type;
    if (!type.starts_with("Nullable(")) type = "Nullable(" + type + ")";  // the old rows have none
    RETURN_IF_ERROR(Run(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", Relation(built), ChIdent(column.name), type)).status());
  }
  std::vector<std::string> old_columns, key;
  for (const auto& c : existing) old_columns.push_back(ChIdent(c.name));
  for (const auto& k : unique_key) key.push_back(ChIdent(k));
  std::string keep = fmt::format("INSERT INTO {0} ({1}) SELECT {1} FROM {2}", Relation(built), Join(old_columns, ", "),
                                 Relation(name));
  if (!key.empty()) {
    const std::string tuple = key.size() == 1 ? key[0] : "(" + Join(key, ", ") + ")";
    keep += fmt::format(" WHERE {0} NOT IN (SELECT {0} FROM {1})", tuple, Relation(arriving));
  }
  std::vector<std::string> inserted;
  for (const auto& c : columns) inserted.push_back(ChIdent(c));
  RETURN_IF_ERROR(Run(keep).status());
  RETURN_IF_ERROR(Run(fmt::format("INSERT INTO {0} ({1}) SELECT {1} FROM {2}", Relation(built), Join(inserted, ", "),
                                  Relation(arriving)))
                      .status());
  ASSIGN_OR_RETURN(int64_t rows, Count(Relation(arriving)));
  RETURN_IF_ERROR(SwapIn(name, built));
  side.Release();  // `arrived` still drops the arriving rows' table
  return rows;
}

Status ChModelStore::Drop(std::string_view name) {
  return Run(fmt::format("DROP TABLE IF EXISTS {}", Relation(name))).status();
}

Result<int64_t> ChModelStore::LoadSeed(std::string_view name, const SeedRows& seed) {
  ASSIGN_OR_RETURN(auto rows, SeedParams(seed, /*booleans_as_integers=*/true));
  const std::string built = Building(name);
  std::vector<std::string> columns, names;
  for (const auto& c : seed.columns) {
    columns.push_back(fmt::format("{} {}", ChIdent(c.name), SeedType(c)));
    names.push_back(ChIdent(c.name));
  }
  RETURN_IF_ERROR(Run(fmt::format("DROP TABLE IF EXISTS {}", Relation(built))).status());
  SideTables side(this, {built});
  RETURN_IF_ERROR(Run(fmt::format("CREATE TABLE {} ({}) ENGINE = MergeTree ORDER BY tuple()", Relation(built),
                                  Join(columns, ", ")))
                      .status());
  std::string block;
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) block += '\t';
      if (row[c]) AppendTsvField(*row[c], &block);
      else AppendTsvNull(&block);
    }
    block += '\n';
  }
  if (!block.empty())
    RETURN_IF_ERROR(client_->Insert(fmt::format("INSERT INTO {} ({}) FORMAT TabSeparated", Relation(built),
                                                Join(names, ", ")),
                                    block));
  RETURN_IF_ERROR(SwapIn(name, built));
  side.Release();
  return static_cast<int64_t>(rows.size());
}

Result<FailingRows> ChModelStore::Failures(std::string_view select, size_t sample) {
  FailingRows out;
  Collect count;
  RETURN_IF_ERROR(ChQuery(client_, fmt::format("SELECT count() FROM (\n{}\n)", select), /*allow_writes=*/false, &count));
  if (!count.rows.empty() && !count.rows[0].empty()) out.count = std::stoll(count.rows[0][0]);
  if (out.count == 0 || sample == 0) return out;
  Collect rows;
  RETURN_IF_ERROR(ChQuery(client_, fmt::format("SELECT * FROM (\n{}\n) LIMIT {}", select, sample), false, &rows));
  out.columns = std::move(rows.columns);
  out.sample = std::move(rows.rows);
  return out;
}

}  // namespace sluice
