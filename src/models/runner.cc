#include "models/runner.h"

#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "base/digest.h"
#include "base/text.h"
#include "models/dag.h"
#include "models/seed_csv.h"

namespace sluice::models {
namespace {

bool Runs(ModelsCommand command, const ManifestNode& node) {
  switch (node.graph.type) {
    case ResourceType::kSeed: return command == ModelsCommand::kSeed || command == ModelsCommand::kBuild;
    case ResourceType::kModel:
      return !node.is_ephemeral() && (command == ModelsCommand::kRun || command == ModelsCommand::kBuild);
    case ResourceType::kTest: return command == ModelsCommand::kTest || command == ModelsCommand::kBuild;
    case ResourceType::kSource: return false;
  }
  return false;
}

SeedRows::Type WarehouseType(SeedType type) {
  switch (type) {
    case SeedType::kBoolean: return SeedRows::Type::kBoolean;
    case SeedType::kInteger: return SeedRows::Type::kInteger;
    case SeedType::kNumeric: return SeedRows::Type::kNumeric;
    case SeedType::kDate: return SeedRows::Type::kDate;
    case SeedType::kTimestamp: return SeedRows::Type::kTimestamp;
    case SeedType::kText: break;
  }
  return SeedRows::Type::kText;
}

// The CSV as the warehouse loads it. With quote_columns false, names are
// folded to lower case, as an unquoted identifier is (dbt's quoting is the
// default: names as written).
SeedRows ForWarehouse(models::SeedTable csv, const NodeConfig& config) {
  const bool fold = config.quote_columns == false;
  SeedRows out;
  for (const SeedColumn& c : csv.columns)
    out.columns.push_back({fold ? AsciiLower(c.name) : c.name, WarehouseType(c.inferred),
                           c.override_type.value_or("")});
  out.rows = std::move(csv.rows);
  return out;
}

// The columns an incremental run replaces rows by: none when appending.
std::vector<std::string> MergeKey(const ManifestNode& node) {
  if (node.config.incremental_strategy == IncrementalStrategy::kAppend) return {};
  return node.config.unique_key;
}

// Runs one node; fills the result's status, rows, error and failures.
class NodeRun {
 public:
  NodeRun(Compiler* compiler, ModelStore* store, Env* env, const RunOptions& options)
      : compiler_(compiler), store_(store), env_(env), options_(options) {}

  // The compiled SQL is left in *sql (empty for a seed), for the run's record.
  void Run(const ManifestNode& node, NodeResult* result, std::string* sql) {
    Status st = Dispatch(node, result, sql);
    if (!st.ok()) {
      result->status = NodeStatus::kError;
      result->error = std::string(st.message());
    }
  }

 private:
  Status Dispatch(const ManifestNode& node, NodeResult* r, std::string* sql) {
    switch (node.graph.type) {
      case ResourceType::kSeed: return Seed(node, r);
      case ResourceType::kModel: return Model(node, r, sql);
      case ResourceType::kTest: return Test(node, r, sql);
      case ResourceType::kSource: break;
    }
    return Status::Internal("a source does not run");
  }

  Status Seed(const ManifestNode& node, NodeResult* r) {
    r->how = "seed";
    ASSIGN_OR_RETURN(models::SeedTable csv, ReadSeed(env_, compiler_->manifest().project(), *node.seed));
    ASSIGN_OR_RETURN(int64_t rows, store_->LoadSeed(node.relation, ForWarehouse(std::move(csv), node.config)));
    r->rows = rows;
    r->status = NodeStatus::kSuccess;
    return Status::Ok();
  }

  Status Model(const ManifestNode& node, NodeResult* r, std::string* sql) {
    ASSIGN_OR_RETURN(bool incremental, compiler_->IsIncremental(node, options_.full_refresh));
    ASSIGN_OR_RETURN(*sql, compiler_->Compile(node, options_.full_refresh));
    switch (node.config.materialized) {
      case Materialization::kView:
        r->how = "view";
        RETURN_IF_ERROR(store_->CreateView(node.relation, *sql));
        break;
      case Materialization::kTable: {
        r->how = "table";
        ASSIGN_OR_RETURN(int64_t rows, store_->ReplaceTable(node.relation, *sql));
        r->rows = rows;
        break;
      }
      case Materialization::kIncremental: {
        if (!incremental) {
          r->how = "incremental (full)";
          ASSIGN_OR_RETURN(int64_t rows, store_->ReplaceTable(node.relation, *sql));
          r->rows = rows;
          RETURN_IF_ERROR(store_->EnsureKeyIndex(node.relation, MergeKey(node)));
          break;
        }
        r->how = "incremental";
        SchemaChange change = node.config.on_schema_change == OnSchemaChange::kFail ? SchemaChange::kFail
                              : node.config.on_schema_change == OnSchemaChange::kAppendNewColumns
                                  ? SchemaChange::kAppendNewColumns
                                  : SchemaChange::kIgnore;
        const std::vector<std::string> key = MergeKey(node);
        if (node.config.incremental_strategy == IncrementalStrategy::kDeleteInsert && key.empty())
          return Status::InvalidArgument("incremental_strategy delete+insert needs a unique_key");
        RETURN_IF_ERROR(store_->EnsureKeyIndex(node.relation, key));  // a table built before sluice indexed keys
        ASSIGN_OR_RETURN(int64_t rows, store_->MergeIncremental(node.relation, *sql, key, change));
        r->rows = rows;
        break;
      }
      default:
        return Status::Internal(fmt::format("{} does not build a relation", MaterializationName(node.config.materialized)));
    }
    r->status = NodeStatus::kSuccess;
    return Status::Ok();
  }

  Status Test(const ManifestNode& node, NodeResult* r, std::string* sql) {
    r->how = "test";
    ASSIGN_OR_RETURN(*sql, compiler_->Compile(node, options_.full_refresh));
    ASSIGN_OR_RETURN(r->failures, store_->Failures(*sql, options_.sample_rows));
    r->rows = r->failures.count;
    if (options_.store_failures || node.config.store_failures.value_or(false)) {
      r->failures_table = FailuresTableName(node.test, node.graph.name);
      RETURN_IF_ERROR(store_->ReplaceTable(r->failures_table, *sql).status());
    }
    if (r->failures.count == 0) r->status = NodeStatus::kPass;
    else r->status = node.config.severity == Severity::kWarn ? NodeStatus::kWarn : NodeStatus::kFail;
    return Status::Ok();
  }

  Compiler* compiler_;
  ModelStore* store_;
  Env* env_;
  const RunOptions& options_;
};

}  // namespace

std::string_view ModelsCommandName(ModelsCommand command) {
  switch (command) {
    case ModelsCommand::kSeed: return "seed";
    case ModelsCommand::kRun: return "run";
    case ModelsCommand::kTest: return "test";
    case ModelsCommand::kBuild: return "build";
  }
  return "build";
}

std::string_view NodeStatusName(NodeStatus status) {
  switch (status) {
    case NodeStatus::kSuccess: return "success";
    case NodeStatus::kError: return "error";
    case NodeStatus::kSkipped: return "skipped";
    case NodeStatus::kPass: return "pass";
    case NodeStatus::kWarn: return "warn";
    case NodeStatus::kFail: return "fail";
  }
  return "error";
}

std::string FailuresTableName(const TestDefinition* generic, const std::string& test_name) {
  std::string name = "dbt_test__audit__" + (generic != nullptr ? generic->alias : test_name);
  if (name.size() <= 63) return name;
  return name.substr(0, 30) + "_" + Md5Hex(name);
}

Result<std::vector<const ManifestNode*>> SelectForRun(const Manifest& manifest, const RunOptions& options,
                                                      std::vector<std::string>* warnings) {
  ASSIGN_OR_RETURN(Selection selection, SelectNodes(manifest.Graph(), options.select, options.exclude));
  for (std::string& w : selection.warnings) warnings->push_back(std::move(w));
  std::unordered_set<std::string> chosen(selection.unique_ids.begin(), selection.unique_ids.end());
  ASSIGN_OR_RETURN(auto order, RunOrder(manifest));
  std::vector<const ManifestNode*> out;
  for (const ManifestNode* n : order)
    if (chosen.count(n->id()) && Runs(options.command, *n)) out.push_back(n);
  return out;
}

Result<RunSummary> RunModels(Compiler* compiler, ModelStore* store, Env* env, const RunOptions& options,
                             RunObserver* observer) {
  std::vector<std::string> warnings;
  ASSIGN_OR_RETURN(auto nodes, SelectForRun(compiler->manifest(), options, &warnings));
  observer->Selected(nodes, warnings);
  const Manifest& manifest = compiler->manifest();
  RunSummary summary;
  const int64_t start = env->NowMicros();
  // Models and seeds (selected or not) whose relation a failure leaves
  // missing or stale, with that failure: the nodes that do not run.
  std::unordered_map<std::string, std::string> held_back;
  auto hold_back_descendants_of = [&](const std::string& id, const std::string& because) {
    for (const std::string& d : Descendants(manifest, id)) {
      const ManifestNode* n = manifest.Find(d);
      if (n != nullptr && n->graph.type != ResourceType::kTest) held_back.emplace(d, because);
    }
  };
  // Why `node` is skipped, if it is. A test tests its parents, not the
  // failure: it runs unless one of them is held back or failed to build.
  auto skipped_because = [&](const ManifestNode& node) -> const std::string* {
    if (node.graph.type != ResourceType::kTest) {
      auto it = held_back.find(node.id());
      return it == held_back.end() ? nullptr : &it->second;
    }
    for (const std::string& parent : node.graph.parents)
      if (auto it = held_back.find(parent); it != held_back.end()) return &it->second;
    return nullptr;
  };
  NodeRun runner(compiler, store, env, options);
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (options.cancel != nullptr && options.cancel->load()) {
      summary.cancelled = true;
      break;
    }
    const ManifestNode& node = *nodes[i];
    NodeResult result;
    result.node = &node;
    std::string sql;
    const int64_t started = env->NowMicros();
    if (const std::string* because = skipped_because(node)) {
      result.status = NodeStatus::kSkipped;
      result.error = *because;
    } else {
      runner.Run(node, &result, &sql);
    }
    const int64_t finished = env->NowMicros();
    result.micros = finished - started;

    switch (result.status) {
      case NodeStatus::kSuccess: ++summary.built; break;
      case NodeStatus::kPass: ++summary.passed; break;
      case NodeStatus::kWarn: ++summary.warned; break;
      case NodeStatus::kSkipped: ++summary.skipped; break;
      case NodeStatus::kError: ++summary.errors; break;
      case NodeStatus::kFail: ++summary.failed; break;
    }
    if (result.status == NodeStatus::kError || result.status == NodeStatus::kFail) {
      const std::string because = fmt::format("{} {}", node.id(), result.status == NodeStatus::kFail ? "failed" : "errored");
      if (node.graph.type != ResourceType::kTest) {
        held_back.emplace(node.id(), because);
        hold_back_descendants_of(node.id(), because);
      } else if (options.command == ModelsCommand::kBuild) {
        // As dbt build: a failed test holds back what is built on the nodes
        // it tests (and their tests), not the other tests of those nodes.
        // `test` builds nothing, so there it holds nothing back.
        for (const std::string& parent : node.graph.parents) hold_back_descendants_of(parent, because);
      }
    }

    ModelRun run;
    run.invocation = options.invocation_id;
    run.model = node.id();
    run.status = std::string(NodeStatusName(result.status));
    run.started_micros = started;
    run.finished_micros = finished;
    run.rows = result.rows;
    run.error = result.error;
    if (!sql.empty()) run.sql_hash = Xxh3Hex(sql);
    observer->Finished(i + 1, nodes.size(), result);
    RETURN_IF_ERROR(store->RecordRun(run).WithContext(fmt::format("recording the run of {}", node.id())));
  }
  summary.micros = env->NowMicros() - start;
  observer->Done(summary);
  return summary;
}

}  // namespace sluice::models
