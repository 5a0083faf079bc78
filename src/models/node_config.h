// The configuration of a dbt node (model, seed, test, source table), and the
// one function every way of setting it goes through: the config trees of
// dbt_project.yml (`+materialized: table`), a properties file's `config:`,
// a generic test's own keys, and — applied later by the compiler — a
// model's `{{ config(...) }}` call. One function means one list of keys:
// a key is either supported, accepted and ignored because it cannot change
// what the warehouse holds, or refused with the reason. Nothing is passed
// through unseen.
//
// Supported (per resource type):
//   models:  materialized (view|table|incremental|ephemeral), unique_key,
//            on_schema_change (ignore|append_new_columns|fail),
//            incremental_strategy (delete+insert|append), full_refresh
//   seeds:   column_types, quote_columns, delimiter, full_refresh
//   tests:   severity (warn|error), where, store_failures,
//            store_failures_as (table), limit, and warn_if / error_if /
//            fail_calc at their defaults (!= 0, != 0, count(*))
//   models, seeds and tests: alias, schema
//   all, sources too: enabled, tags (additive: each level adds its tags to
//            those above it)
// Accepted and ignored (documentation and metadata: none changes a
// relation's rows or its name): docs, persist_docs, meta, description,
// group, access, event_time, on_configuration_change, loaded_at_field,
// freshness (source freshness is not checked).
// Refused, each with its reason, unless the value asks for nothing (none,
// [], contract: {enforced: false}) — they would change results, and sluice
// does not implement them: pre-hook, post-hook (and pre_hook, post_hook),
// database, grants, contract, sql_header, incremental_predicates,
// batch_size, lookback, begin, concurrent_batches, quoting,
// snapshot configs (strategy, updated_at, check_cols, target_schema,
// target_database, hard_deletes…), and any value of a supported key
// outside what is listed above (materialized: materialized_view,
// incremental_strategy: merge, on_schema_change: sync_all_columns…).
// Any other key is unknown, and refused too.
//
// Thread-safe (no shared state); never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace sluice::models {

// What a node is. Sources are tables the project reads but does not build.
enum class ResourceType { kModel, kSeed, kTest, kSource };
std::string_view ResourceTypeName(ResourceType type);  // "model", "seed", "test", "source"

// A config value as written, before it is checked: what YAML and the
// compiler's `config()` arguments both reduce to. Booleans and numbers are
// scalars in their text ("true", "3").
struct ConfigValue {
  enum class Kind { kNull, kScalar, kList, kMap, kNested };  // kNested: anything deeper (only ignored keys may be)
  Kind kind = Kind::kNull;
  std::string scalar;                                     // kScalar
  std::vector<std::string> list;                          // kList: a list of scalars
  std::vector<std::pair<std::string, std::string>> map;   // kMap: scalar values, in the order written

  static ConfigValue Scalar(std::string text) { ConfigValue v; v.kind = Kind::kScalar; v.scalar = std::move(text); return v; }
  static ConfigValue List(std::vector<std::string> items) { ConfigValue v; v.kind = Kind::kList; v.list = std::move(items); return v; }
};

enum class Materialization { kView, kTable, kIncremental, kEphemeral, kSeed, kTest };
std::string_view MaterializationName(Materialization m);

enum class OnSchemaChange { kIgnore, kAppendNewColumns, kFail };
enum class IncrementalStrategy {
  kDefault,      // not set: delete+insert with a unique_key, append without one
  kDeleteInsert,
  kAppend,
};
enum class Severity { kError, kWarn };

struct NodeConfig {
  Materialization materialized = Materialization::kView;  // seeds: kSeed, tests: kTest
  bool enabled = true;
  // Every tag of every level, in the order first met, without repeats.
  std::vector<std::string> tags;
  std::optional<std::string> alias;   // the relation's name instead of the node's
  std::optional<std::string> schema;  // a custom schema, recorded as written
  std::optional<bool> full_refresh;   // true/false override --full-refresh for this node

  // Incremental models.
  std::vector<std::string> unique_key;  // one or several columns (or expressions) as written; empty: none
  OnSchemaChange on_schema_change = OnSchemaChange::kIgnore;
  IncrementalStrategy incremental_strategy = IncrementalStrategy::kDefault;

  // Seeds.
  // Column name → type as written (for the dialect to map); a later level
  // replaces an earlier one's entry for the same column and keeps the rest.
  std::vector<std::pair<std::string, std::string>> column_types;
  std::optional<bool> quote_columns;
  char delimiter = ',';

  // Tests.
  Severity severity = Severity::kError;
  std::optional<std::string> where;   // SQL condition on the tested relation
  std::optional<bool> store_failures;
  std::optional<int64_t> limit;       // at most this many failing rows are counted
};

// The defaults of a node of `type` (materialized view, seed or test).
NodeConfig DefaultConfig(ResourceType type);

// Applies `key` = `value` to *config for a node of `type`. `key` has no
// leading '+'. A supported key changes *config (tags and column_types add to
// what is there, the rest replace), unless its value is null: a key written
// with no value sets nothing; an ignored key leaves *config alone and
// returns ok. InvalidArgument, with a message that names the key (and the
// value when the value is the problem) and no position, for a refused or
// unknown key, a key that applies to another resource type, or a bad value.
Status ApplyConfigKey(ResourceType type, std::string_view key, const ConfigValue& value, NodeConfig* config);

// Applies every entry in order (a `{{ config(...) }}` call's arguments, with
// Jinja values reduced to ConfigValue: booleans "true"/"false", numbers as
// text, lists of scalars, dicts of scalars). InvalidArgument with one line
// per bad entry, each as ApplyConfigKey says it; the good ones are applied.
Status MergeConfig(ResourceType type, const std::vector<std::pair<std::string, ConfigValue>>& entries,
                   NodeConfig* config);

// True for the keys whose value is a map (column_types, meta, docs,
// persist_docs, grants, contract, freshness). In dbt_project.yml a plain key
// (no '+') with a map value names a folder, as in dbt, unless it is one of
// these: `column_types: {id: int}` is the config, not a folder.
bool IsMapValuedConfigKey(std::string_view key);

// "true"/"false" (also yes/no/on/off, any case) as YAML and Jinja write them.
std::optional<bool> ParseConfigBool(std::string_view text);

}  // namespace sluice::models
