#include "models/node_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <initializer_list>

#include <fmt/format.h>

#include "base/text.h"

namespace sluice::models {
namespace {

// Keys that cannot change what a relation holds or what it is called.
constexpr std::string_view kIgnoredKeys[] = {
    "docs",  "persist_docs", "meta",       "description",             "group",
    "access", "event_time",  "freshness", "on_configuration_change", "loaded_at_field",
};

struct RefusedKey {
  std::string_view key;
  std::string_view reason;
};

constexpr std::string_view kHooks = "hooks run SQL of their own around a node, which sluice does not do";
constexpr std::string_view kMicrobatch = "microbatch incremental models are not supported";
constexpr std::string_view kSnapshots = "snapshots are not supported";

constexpr RefusedKey kRefusedKeys[] = {
    {"pre-hook", kHooks},
    {"post-hook", kHooks},
    {"pre_hook", kHooks},
    {"post_hook", kHooks},
    {"database", "sluice builds every relation in its own warehouse"},
    {"grants", "sluice grants SELECT on what it builds to warehouse.readonly_role, and makes no other grants"},
    {"contract", "model contracts are not enforced"},
    {"sql_header", "a SQL header would run before the model's statement"},
    {"incremental_predicates", "incremental predicates are not supported"},
    {"quoting", "identifiers are quoted the way the warehouse's dialect quotes them"},
    {"batch_size", kMicrobatch},
    {"lookback", kMicrobatch},
    {"begin", kMicrobatch},
    {"concurrent_batches", kMicrobatch},
    {"strategy", kSnapshots},
    {"updated_at", kSnapshots},
    {"check_cols", kSnapshots},
    {"target_schema", kSnapshots},
    {"target_database", kSnapshots},
    {"invalidate_hard_deletes", kSnapshots},
    {"hard_deletes", kSnapshots},
    {"snapshot_meta_column_names", kSnapshots},
    {"dbt_valid_to_current", kSnapshots},
};

// Which resource types support a key (a bit per ResourceType).
constexpr unsigned Bit(ResourceType t) { return 1u << static_cast<unsigned>(t); }
constexpr unsigned kModel = Bit(ResourceType::kModel), kSeed = Bit(ResourceType::kSeed),
                   kTest = Bit(ResourceType::kTest), kSource = Bit(ResourceType::kSource);

struct SupportedKey {
  std::string_view key;
  unsigned types;
};

constexpr SupportedKey kSupportedKeys[] = {
    {"enabled", kModel | kSeed | kTest | kSource},
    {"tags", kModel | kSeed | kTest | kSource},
    {"alias", kModel | kSeed | kTest},
    {"schema", kModel | kSeed | kTest},
    {"materialized", kModel | kSeed | kTest},
    {"full_refresh", kModel | kSeed},
    {"unique_key", kModel},
    {"on_schema_change", kModel},
    {"incremental_strategy", kModel},
    {"column_types", kSeed},
    {"quote_columns", kSeed},
    {"delimiter", kSeed},
    {"severity", kTest},
    {"where", kTest},
    {"store_failures", kTest},
    {"store_failures_as", kTest},
    {"limit", kTest},
    {"warn_if", kTest},
    {"error_if", kTest},
    {"fail_calc", kTest},
};

std::string TypesOf(unsigned types) {
  std::vector<std::string> names;
  for (ResourceType t : {ResourceType::kModel, ResourceType::kSeed, ResourceType::kTest, ResourceType::kSource})
    if (types & Bit(t)) names.push_back(std::string(ResourceTypeName(t)) + "s");
  return Join(names, ", ");
}

Status Bad(std::string_view key, std::string_view what) {
  return Status::InvalidArgument(fmt::format("config '{}' {}", key, what));
}

Result<std::string> ScalarOf(std::string_view key, const ConfigValue& v) {
  if (v.kind != ConfigValue::Kind::kScalar) return Bad(key, "must be a single value");
  return v.scalar;
}

Result<bool> BoolOf(std::string_view key, const ConfigValue& v) {
  ASSIGN_OR_RETURN(std::string text, ScalarOf(key, v));
  if (auto b = ParseConfigBool(text)) return *b;
  return Bad(key, fmt::format("must be true or false (not '{}')", text));
}

// One of `choices`, or an error listing them.
Result<size_t> ChoiceOf(std::string_view key, const ConfigValue& v, std::initializer_list<std::string_view> choices) {
  ASSIGN_OR_RETURN(std::string text, ScalarOf(key, v));
  size_t i = 0;
  for (std::string_view c : choices) {
    if (text == c) return i;
    ++i;
  }
  std::vector<std::string> names(choices.begin(), choices.end());
  return Bad(key, fmt::format("must be one of {} (not '{}')", Join(names, ", "), text));
}

// A scalar or a list of scalars, as the list.
Result<std::vector<std::string>> ListOf(std::string_view key, const ConfigValue& v) {
  if (v.kind == ConfigValue::Kind::kScalar) return std::vector<std::string>{v.scalar};
  if (v.kind == ConfigValue::Kind::kList) return v.list;
  return Bad(key, "must be a value or a list of values");
}

// Spaces out, lower case: "!= 0" and "!=0" are one condition.
std::string Compact(std::string_view s) {
  std::string out;
  for (char ch : s)
    if (ch != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// Applies a supported key; `key` is known to apply to `type`.
Status ApplySupported(ResourceType type, std::string_view key, const ConfigValue& v, NodeConfig* c) {
  // A key written with no value sets nothing at its level.
  if (v.kind == ConfigValue::Kind::kNull) return Status::Ok();
  if (key == "enabled") {
    ASSIGN_OR_RETURN(c->enabled, BoolOf(key, v));
  } else if (key == "tags") {
    ASSIGN_OR_RETURN(auto tags, ListOf(key, v));
    for (auto& t : tags)
      if (std::find(c->tags.begin(), c->tags.end(), t) == c->tags.end()) c->tags.push_back(std::move(t));
  } else if (key == "alias" || key == "schema" || key == "where") {
    auto& field = key == "alias" ? c->alias : key == "schema" ? c->schema : c->where;
    ASSIGN_OR_RETURN(field, ScalarOf(key, v));
    if (field->empty()) return Bad(key, "must not be empty");
  } else if (key == "full_refresh" || key == "store_failures" || key == "quote_columns") {
    auto& field = key == "full_refresh" ? c->full_refresh : key == "store_failures" ? c->store_failures : c->quote_columns;
    ASSIGN_OR_RETURN(field, BoolOf(key, v));
  } else if (key == "materialized") {
    if (type == ResourceType::kModel) {
      ASSIGN_OR_RETURN(size_t i, ChoiceOf(key, v, {"view", "table", "incremental", "ephemeral"}));
      c->materialized = static_cast<Materialization>(i);
    } else {
      // dbt lets a seed or a test be materialized only as itself.
      RETURN_IF_ERROR(ChoiceOf(key, v, {type == ResourceType::kSeed ? "seed" : "test"}).status());
    }
  } else if (key == "unique_key") {
    ASSIGN_OR_RETURN(c->unique_key, ListOf(key, v));
  } else if (key == "on_schema_change") {
    ASSIGN_OR_RETURN(size_t i, ChoiceOf(key, v, {"ignore", "append_new_columns", "fail"}));
    c->on_schema_change = static_cast<OnSchemaChange>(i);
  } else if (key == "incremental_strategy") {
    ASSIGN_OR_RETURN(size_t i, ChoiceOf(key, v, {"delete+insert", "append"}));
    c->incremental_strategy = i == 0 ? IncrementalStrategy::kDeleteInsert : IncrementalStrategy::kAppend;
  } else if (key == "column_types") {
    if (v.kind != ConfigValue::Kind::kMap) return Bad(key, "must be a map of column name to type");
    for (const auto& [column, column_type] : v.map) {
      auto it = std::find_if(c->column_types.begin(), c->column_types.end(),
                             [&](const auto& e) { return e.first == column; });
      if (it != c->column_types.end()) it->second = column_type;
      else c->column_types.emplace_back(column, column_type);
    }
  } else if (key == "delimiter") {
    ASSIGN_OR_RETURN(std::string d, ScalarOf(key, v));
    if (d.size() != 1 || d == "\"" || d == "\n" || d == "\r")
      return Bad(key, fmt::format("must be one character other than a quote or a line break (not '{}')", d));
    c->delimiter = d[0];
  } else if (key == "severity") {
    ASSIGN_OR_RETURN(std::string s, ScalarOf(key, v));
    const std::string lower = AsciiLower(s);
    if (lower != "warn" && lower != "error") return Bad(key, fmt::format("must be warn or error (not '{}')", s));
    c->severity = lower == "warn" ? Severity::kWarn : Severity::kError;
  } else if (key == "store_failures_as") {
    RETURN_IF_ERROR(ChoiceOf(key, v, {"table"}).status());
    c->store_failures = true;
  } else if (key == "limit") {
    ASSIGN_OR_RETURN(std::string s, ScalarOf(key, v));
    int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size() || n < 0)
      return Bad(key, fmt::format("must be a whole number of rows (not '{}')", s));
    c->limit = n;
  } else if (key == "warn_if" || key == "error_if" || key == "fail_calc") {
    // Only the defaults: a test fails (or warns) when it returns any row.
    const std::string_view expected = key == "fail_calc" ? "count(*)" : "!= 0";
    ASSIGN_OR_RETURN(std::string s, ScalarOf(key, v));
    if (Compact(s) != Compact(expected))
      return Bad(key, fmt::format("is supported only at its default '{}' (not '{}')", expected, s));
  }
  return Status::Ok();
}

}  // namespace

std::string_view ResourceTypeName(ResourceType type) {
  switch (type) {
    case ResourceType::kModel: return "model";
    case ResourceType::kSeed: return "seed";
    case ResourceType::kTest: return "test";
    case ResourceType::kSource: return "source";
  }
  return "node";
}

std::string_view MaterializationName(Materialization m) {
  switch (m) {
    case Materialization::kView: return "view";
    case Materialization::kTable: return "table";
    case Materialization::kIncremental: return "incremental";
    case Materialization::kEphemeral: return "ephemeral";
    case Materialization::kSeed: return "seed";
    case Materialization::kTest: return "test";
  }
  return "view";
}

NodeConfig DefaultConfig(ResourceType type) {
  NodeConfig c;
  if (type == ResourceType::kSeed) c.materialized = Materialization::kSeed;
  if (type == ResourceType::kTest) c.materialized = Materialization::kTest;
  return c;
}

std::optional<bool> ParseConfigBool(std::string_view text) {
  const std::string lower = AsciiLower(text);
  if (lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "no" || lower == "off") return false;
  return std::nullopt;
}

bool IsMapValuedConfigKey(std::string_view key) {
  for (std::string_view k : {"column_types", "meta", "docs", "persist_docs", "grants", "contract", "freshness"})
    if (key == k) return true;
  return false;
}

Status ApplyConfigKey(ResourceType type, std::string_view key, const ConfigValue& value, NodeConfig* config) {
  for (std::string_view k : kIgnoredKeys)
    if (key == k) return Status::Ok();
  for (const RefusedKey& r : kRefusedKeys) {
    if (key != r.key) continue;
    // Asking for none of it is fine: `post-hook: []`, `contract: {enforced: false}`.
    const bool nothing = value.kind == ConfigValue::Kind::kNull ||
                         (value.kind == ConfigValue::Kind::kList && value.list.empty()) ||
                         (value.kind == ConfigValue::Kind::kMap &&
                          std::all_of(value.map.begin(), value.map.end(), [&](const auto& e) {
                            return key == "contract" && e.first == "enforced" && ParseConfigBool(e.second) == false;
                          }));
    if (nothing) return Status::Ok();
    return Status::InvalidArgument(fmt::format("config '{}' is not supported: {}", key, r.reason));
  }
  for (const SupportedKey& s : kSupportedKeys) {
    if (key != s.key) continue;
    if (!(s.types & Bit(type)))
      return Status::InvalidArgument(
          fmt::format("config '{}' applies to {} only, not to a {}", key, TypesOf(s.types), ResourceTypeName(type)));
    return ApplySupported(type, key, value, config);
  }
  std::vector<std::string> known;
  for (const SupportedKey& s : kSupportedKeys)
    if (s.types & Bit(type)) known.emplace_back(s.key);
  return Status::InvalidArgument(fmt::format("unknown config '{}' for a {} (sluice supports: {})", key,
                                             ResourceTypeName(type), Join(known, ", ")));
}

Status MergeConfig(ResourceType type, const std::vector<std::pair<std::string, ConfigValue>>& entries,
                   NodeConfig* config) {
  std::vector<std::string> problems;
  for (const auto& [key, value] : entries) {
    const Status st = ApplyConfigKey(type, key, value, config);
    if (!st.ok()) problems.push_back(st.message());
  }
  if (problems.empty()) return Status::Ok();
  return Status::InvalidArgument(Join(problems, "\n"));
}

}  // namespace sluice::models
