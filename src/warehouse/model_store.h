// What building a dbt project (src/models/) needs from the warehouse:
// relations made from the user's compiled SELECTs, seeds, the failing rows
// of data tests, and the run history (sluice_model_runs).
//
// The SELECTs are the user's own SQL; every statement around them (CREATE,
// the swap of a rebuilt table, delete + insert of an incremental run,
// grants) is written inside src/warehouse/. Relations live beside the event
// tables (on PostgreSQL in the warehouse's schema, readable by its
// readonly_role like the final tables).
//
// Every change is one transaction: a concurrent reader sees a relation as it
// was before or as it is after, never half built. Obtained from
// Warehouse::models(); used from one thread at a time, like the warehouse.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "warehouse/dialect.h"

namespace sluice {

enum class RelationKind { kTable, kView };

struct RelationColumn {
  std::string name;
  std::string type;  // as the warehouse declares it (informative: compared by name only)
};

// What an incremental run does when the new rows have columns the table
// lacks, or lack some it has.
enum class SchemaChange {
  kIgnore,            // insert the columns both have
  kAppendNewColumns,  // add the new columns to the table first
  kFail,              // refuse, naming the columns
};

// A seed's table: columns with their types, and rows of text values
// (nullopt is NULL) that the warehouse casts to those types.
struct SeedRows {
  enum class Type { kText, kInteger, kNumeric, kBoolean, kDate, kTimestamp };
  struct Column {
    std::string name;
    Type type = Type::kText;
    std::string declared_type;  // the project's column_types override, written as is; empty: from `type`
  };
  std::vector<Column> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// The rows a data test's SELECT returns: how many, and the first few.
struct FailingRows {
  int64_t count = 0;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> sample;  // "NULL" for NULL
};

// One node's run, as `sluice models` records it when the node finishes.
struct ModelRun {
  std::string invocation;  // one id per `sluice models` command (or scheduled build)
  std::string model;       // the node's id: model.PROJECT.NAME, seed.…, test.…
  std::string status;      // success, error, skipped (models and seeds); pass, warn, fail, error (tests)
  int64_t started_micros = 0;
  int64_t finished_micros = 0;
  std::optional<int64_t> rows;  // rows built, or failing rows of a test
  std::string error;
  std::string sql_hash;    // of the compiled SQL: what ran
};

class ModelStore {
 public:
  virtual ~ModelStore() = default;

  // What a project's templates see of the warehouse: dbt's `target.type`
  // and `adapter.dispatch` prefix ("sqlite", "postgres"), `target.schema`,
  // and the dialect that spells dbt's cross-database macros.
  virtual std::string_view adapter_type() const = 0;
  virtual std::string schema() const = 0;
  virtual const SqlDialect& dialect() const = 0;

  // `name` as the warehouse's SQL writes it: quoted, qualified by the schema
  // where there is one. What a model's `this` and `ref()` render to.
  virtual std::string Relation(std::string_view name) const = 0;
  virtual Result<std::optional<RelationKind>> Find(std::string_view name) = 0;
  // In table order; empty when there is no such relation.
  virtual Result<std::vector<RelationColumn>> Columns(std::string_view name) = 0;

  // The view `name` over `select`, replacing a view or table of that name.
  virtual Status CreateView(std::string_view name, std::string_view select) = 0;
  // The table `name` holding `select`'s rows, built beside the old one and
  // put in its place; returns the rows.
  virtual Result<int64_t> ReplaceTable(std::string_view name, std::string_view select) = 0;
  // An incremental run: deletes the table's rows whose `unique_key` values
  // `select` returns, then inserts `select`'s rows (only inserts without a
  // key); `change` says what to do about differing columns (InvalidArgument
  // naming them for kFail). The table must exist. Returns the rows inserted.
  virtual Result<int64_t> MergeIncremental(std::string_view name, std::string_view select,
                                           const std::vector<std::string>& unique_key, SchemaChange change) = 0;
  // An index on `key` of the table `name`, unless it has one: what keeps an
  // incremental run's delete of matching keys from scanning the whole table.
  // Idempotent; nothing for an empty key.
  virtual Status EnsureKeyIndex(std::string_view name, const std::vector<std::string>& key) = 0;
  // Drops a table or view of that name, if there is one.
  virtual Status Drop(std::string_view name) = 0;
  // The table `name` holding the seed, replacing any relation of that name.
  virtual Result<int64_t> LoadSeed(std::string_view name, const SeedRows& seed) = 0;

  // What a data test's SELECT returns: the count and up to `sample` rows.
  virtual Result<FailingRows> Failures(std::string_view select, size_t sample) = 0;

  virtual Status RecordRun(const ModelRun& run) = 0;

  // Each event type's merge position: it moves whenever a merge (in any
  // process) takes new staging rows into the final table, which is how
  // serve's on_merge sees what changed.
  virtual Result<std::map<std::string, int64_t>> MergePositions() = 0;
};

}  // namespace sluice
