#include "warehouse/sql/sql_model_store.h"

#include <set>

#include <fmt/format.h>

#include "base/clock.h"
#include "base/digest.h"
#include "base/text.h"
#include "catalog/cast.h"
#include "warehouse/query_sink.h"
#include "warehouse/sql/sql_values.h"

namespace sluice {
namespace {

// Keeps a query's columns and rows as text.
class Collect final : public QuerySink {
 public:
  void Columns(const std::vector<std::string>& names) override { columns = names; }
  void Row(const std::vector<QueryCell>& cells) override {
    auto& row = rows.emplace_back();
    for (const auto& c : cells) row.push_back(c.kind == QueryCell::Kind::kNull ? "NULL" : c.text);
  }
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

std::optional<std::string> Time(int64_t micros) {
  if (micros == 0) return std::nullopt;
  return FormatTimestamp(micros);
}

}  // namespace

Result<FailingRows> SqlModelStore::Failures(std::string_view select, size_t sample) {
  FailingRows out;
  Collect count;
  RETURN_IF_ERROR(session_->Query(fmt::format("SELECT count(*) FROM (\n{}\n) AS sluice_test", select), &count));
  if (!count.rows.empty() && !count.rows[0].empty()) out.count = SqlInt(count.rows[0][0]);
  if (out.count == 0 || sample == 0) return out;
  Collect rows;
  RETURN_IF_ERROR(
      session_->Query(fmt::format("SELECT * FROM (\n{}\n) AS sluice_test LIMIT {}", select, sample), &rows));
  out.columns = std::move(rows.columns);
  out.sample = std::move(rows.rows);
  return out;
}

namespace {

Result<std::optional<std::string>> SeedValue(const SeedRows::Column& column, const std::optional<std::string>& value,
                                             bool booleans_as_integers) {
  if (!value || !column.declared_type.empty()) return value;
  if (column.type == SeedRows::Type::kBoolean && booleans_as_integers)
    return std::optional<std::string>(AsciiLower(*value) == "true" ? "1" : "0");
  if (column.type != SeedRows::Type::kTimestamp) return value;
  int64_t micros = 0;
  std::string error;
  if (!ParseTimestamp(*value, &micros, &error))
    return Status::InvalidArgument(fmt::format("column {}: '{}' is not a timestamp: {}", column.name, *value, error));
  return std::optional<std::string>(FormatTimestamp(micros));
}

}  // namespace

Result<std::vector<SqlParams>> SqlModelStore::SeedParams(const SeedRows& seed, bool booleans_as_integers) {
  std::vector<SqlParams> rows;
  rows.reserve(seed.rows.size());
  for (const auto& row : seed.rows) {
    SqlParams& out = rows.emplace_back();
    for (size_t i = 0; i < seed.columns.size(); ++i) {
      ASSIGN_OR_RETURN(auto value, SeedValue(seed.columns[i], i < row.size() ? row[i] : std::nullopt,
                                             booleans_as_integers));
      out.push_back(std::move(value));
    }
  }
  return rows;
}

Result<std::vector<std::string>> SqlModelStore::IncrementalColumns(std::string_view name,
                                                                  const std::vector<RelationColumn>& existing,
                                                                  const std::vector<RelationColumn>& arriving,
                                                                  SchemaChange change,
                                                                  std::vector<RelationColumn>* to_add) {
  std::set<std::string> have, arriving_names;
  for (const auto& c : existing) have.insert(c.name);
  std::vector<std::string> shared, added, missing;
  for (const auto& c : arriving) {
    arriving_names.insert(c.name);
    if (have.count(c.name)) {
      shared.push_back(c.name);
    } else {
      added.push_back(c.name);
      if (change == SchemaChange::kAppendNewColumns) {
        to_add->push_back(c);
        shared.push_back(c.name);
      }
    }
  }
  for (const auto& c : existing)
    if (!arriving_names.count(c.name)) missing.push_back(c.name);
  if (change == SchemaChange::kFail && (!added.empty() || !missing.empty()))
    return Status::InvalidArgument(fmt::format("incremental model {}: its columns changed (new: {}; gone: {}) and "
                                               "on_schema_change is fail; run it with --full-refresh",
                                               name, added.empty() ? "none" : Join(added, ", "),
                                               missing.empty() ? "none" : Join(missing, ", ")));
  return shared;
}

Status SqlModelStore::EnsureKeyIndex(std::string_view name, const std::vector<std::string>& key) {
  if (key.empty()) return Status::Ok();
  // Index names share the schema's namespace and PostgreSQL's 63 bytes.
  std::string index = std::string(name) + "__sluice_key";
  if (index.size() > 63) index = fmt::format("{}_{}_key", name.substr(0, 40), Xxh3Hex(name));
  std::vector<std::string> columns;
  for (const std::string& k : key) columns.push_back(QuoteIdent(k));
  return session_
      ->Execute(fmt::format("CREATE INDEX IF NOT EXISTS {} ON {} ({})", QuoteIdent(index), Relation(name),
                            Join(columns, ", ")))
      .status();
}

Status SqlModelStore::RecordRun(const ModelRun& run) {
  return session_
      ->Execute("INSERT INTO sluice_model_runs (invocation, model, status, started, finished, rows, error, sql_hash) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                {run.invocation, run.model, run.status, Time(run.started_micros), Time(run.finished_micros),
                 SqlText(run.rows), run.error.empty() ? std::nullopt : std::optional<std::string>(run.error),
                 run.sql_hash.empty() ? std::nullopt : std::optional<std::string>(run.sql_hash)})
      .status();
}

Result<std::map<std::string, int64_t>> SqlModelStore::MergePositions() {
  Collect rows;
  RETURN_IF_ERROR(session_->Query("SELECT event_type, position FROM sluice_streams", &rows));
  std::map<std::string, int64_t> out;
  for (const auto& row : rows.rows) out[row[0]] = SqlInt(row[1]);
  return out;
}

}  // namespace sluice
