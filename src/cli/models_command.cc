// sluice models seed|run|test|build|compile|ls
#include <iostream>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/utf8.h"
#include "cli/command.h"
#include "models/dag.h"
#include "models/project_loader.h"
#include "models/run_report.h"
#include "models/runner.h"

namespace sluice {
namespace {

using models::ManifestNode;

struct ModelsOptions {
  std::string action;
  std::string select, exclude, vars;  // select and exclude: the words given, joined by spaces (a union)
  std::vector<std::string> select_words, exclude_words;
  bool full_refresh = false;
  bool store_failures = false;
  std::string format = "text";
};

std::string DotQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The graph for Graphviz: the selected nodes and the edges between them.
void PrintDot(const std::vector<const ManifestNode*>& nodes) {
  std::set<std::string> shown;
  for (const ManifestNode* n : nodes) shown.insert(n->id());
  std::cout << "digraph models {\n  rankdir=LR;\n  node [fontname=\"sans-serif\", fontsize=10];\n";
  for (const ManifestNode* n : nodes) {
    std::string_view shape = "box", color = "#dbe9f6";
    switch (n->graph.type) {
      case models::ResourceType::kSeed: shape = "cylinder"; color = "#e2f0d9"; break;
      case models::ResourceType::kSource: shape = "cylinder"; color = "#fbe5d6"; break;
      case models::ResourceType::kTest: shape = "note"; color = "#f2f2f2"; break;
      case models::ResourceType::kModel: break;
    }
    std::cout << fmt::format("  {} [label={}, shape={}, style=filled, fillcolor={}];\n", DotQuote(n->id()),
                             DotQuote(n->graph.name), shape, DotQuote(color));
  }
  for (const ManifestNode* n : nodes)
    for (const std::string& parent : n->graph.parents)
      if (shown.count(parent)) std::cout << fmt::format("  {} -> {};\n", DotQuote(parent), DotQuote(n->id()));
  std::cout << "}\n";
}

int List(const models::Compiler& compiler, const ModelsOptions& o) {
  auto selection = models::SelectNodes(compiler.manifest().Graph(), o.select, o.exclude);
  if (!selection.ok()) return ReportError(selection.status(), kExitUsage);
  for (const std::string& w : selection->warnings) std::cerr << "warning: " << w << "\n";
  auto order = models::RunOrder(compiler.manifest());
  if (!order.ok()) return ReportError(order.status());
  std::set<std::string> chosen(selection->unique_ids.begin(), selection->unique_ids.end());
  std::vector<const ManifestNode*> nodes;
  for (const ManifestNode* n : *order)
    if (chosen.count(n->id())) nodes.push_back(n);
  if (o.format == "dot") {
    PrintDot(nodes);
    return kExitOk;
  }
  for (const ManifestNode* n : nodes) {
    if (o.format == "text") {
      std::cout << n->id() << "\n";
      continue;
    }
    std::string parents;
    for (const std::string& p : n->graph.parents) parents += (parents.empty() ? "" : ",") + JsonQuote(p);
    std::string tags;
    for (const std::string& t : n->graph.tags) tags += (tags.empty() ? "" : ",") + JsonQuote(t);
    std::cout << fmt::format(
        R"({{"unique_id":{},"resource_type":{},"name":{},"path":{},"materialized":{},"relation":{},"tags":[{}],"depends_on":[{}]}})"
        "\n",
        JsonQuote(n->id()), JsonQuote(models::ResourceTypeName(n->graph.type)), JsonQuote(n->graph.name),
        JsonQuote(n->path()), JsonQuote(n->graph.materialized), JsonQuote(n->relation), tags, parents);
  }
  return kExitOk;
}

int Compile(models::Compiler* compiler, const ModelsOptions& o) {
  auto selection = models::SelectNodes(compiler->manifest().Graph(), o.select, o.exclude);
  if (!selection.ok()) return ReportError(selection.status(), kExitUsage);
  for (const std::string& w : selection->warnings) std::cerr << "warning: " << w << "\n";
  auto order = models::RunOrder(compiler->manifest());
  if (!order.ok()) return ReportError(order.status());
  std::set<std::string> chosen(selection->unique_ids.begin(), selection->unique_ids.end());
  int exit_code = kExitOk;
  for (const ManifestNode* n : *order) {
    if (!chosen.count(n->id())) continue;
    if (n->graph.type != models::ResourceType::kModel && n->graph.type != models::ResourceType::kTest) continue;
    auto sql = compiler->Compile(*n, o.full_refresh);
    if (!sql.ok()) {
      exit_code = ReportError(sql.status());
      continue;
    }
    std::cout << "-- " << n->id() << "\n" << *sql << "\n;\n\n";
  }
  return exit_code;
}

int RunModelsCommand(const GlobalOptions& global, const ModelsOptions& o) {
  int exit_code = kExitOk;
  auto session = OpenSession(global, &exit_code);
  if (!session) return exit_code;
  const std::string invocation = models::NewInvocationId();
  auto loaded = models::LoadProject(Env::Default(), session->config.models, session->config.catalog,
                                    &session->warehouse->models(), o.vars, invocation);
  if (!loaded.ok()) {
    const bool no_section = session->config.models.project_dir.empty();
    return ReportError(loaded.status(), no_section ? kExitUsage : kExitFailure);
  }
  for (const std::string& w : loaded->warnings) std::cerr << "warning: " << w << "\n";
  if (o.action == "ls") return List(*loaded->compiler, o);
  if (o.action == "compile") return Compile(loaded->compiler.get(), o);

  models::RunOptions run;
  run.command = o.action == "seed"   ? models::ModelsCommand::kSeed
                : o.action == "run"  ? models::ModelsCommand::kRun
                : o.action == "test" ? models::ModelsCommand::kTest
                                     : models::ModelsCommand::kBuild;
  run.select = o.select;
  run.exclude = o.exclude;
  run.full_refresh = o.full_refresh;
  run.store_failures = o.store_failures;
  run.invocation_id = invocation;
  models::TextRunReport report(&std::cout, run.command);
  // A selector that cannot be read is a usage error; anything RunModels
  // refuses after that (a cycle in the graph) is the project's.
  if (auto selection = models::SelectNodes(loaded->compiler->manifest().Graph(), run.select, run.exclude);
      !selection.ok())
    return ReportError(selection.status(), kExitUsage);
  auto summary = models::RunModels(loaded->compiler.get(), &session->warehouse->models(), Env::Default(), run, &report);
  if (!summary.ok()) return ReportError(summary.status(), kExitFailure);
  return summary->ok() ? kExitOk : kExitFailure;
}

}  // namespace

void AddModelsCommand(CLI::App& app, const GlobalOptions& global, CommandRunner* runner) {
  auto* cmd = app.add_subcommand("models", "build the dbt project sluice.yaml's models: section names");
  cmd->require_subcommand(1);
  auto o = std::make_shared<ModelsOptions>();
  struct Action {
    const char* name;
    const char* help;
  };
  const Action actions[] = {
      {"seed", "load the project's seeds (CSV files) as tables"},
      {"run", "build the models: views, tables, incremental tables"},
      {"test", "run the data tests: each reports its failing rows"},
      {"build", "seeds, models and their tests in graph order; what depends on a failure is skipped"},
      {"compile", "print the SQL each selected model and test runs"},
      {"ls", "list the selected nodes (--format text, json or dot)"},
  };
  for (const Action& a : actions) {
    auto* sub = cmd->add_subcommand(a.name, a.help);
    const std::string name = a.name;
    // Several words after one --select, as dbt takes them: `-s stg_cards dim_card`.
    sub->add_option("--select,-s", o->select_words,
                    "nodes to include, as dbt selects them: name, +name, name+, tag:x, path:p, source:s.t…")
        ->expected(1, -1);
    sub->add_option("--exclude", o->exclude_words, "nodes to leave out, in the same syntax")->expected(1, -1);
    sub->add_option("--vars", o->vars, "variables for var(), as YAML: '{key: value}'");
    if (name != "ls" && name != "seed" && name != "test")
      sub->add_flag("--full-refresh", o->full_refresh, "rebuild incremental models from scratch");
    if (name == "seed") sub->add_flag("--full-refresh", o->full_refresh, "accepted as dbt's: seeds are always reloaded in full");
    if (name == "test" || name == "build")
      sub->add_flag("--store-failures", o->store_failures, "keep every test's failing rows in a table");
    if (name == "ls")
      sub->add_option("--format,-f", o->format, "text (unique ids), json (one object per line) or dot (Graphviz)")
          ->check(CLI::IsMember({"text", "json", "dot"}));
    sub->callback([=, &global] {
      o->action = name;
      o->select = fmt::format("{}", fmt::join(o->select_words, " "));
      o->exclude = fmt::format("{}", fmt::join(o->exclude_words, " "));
      *runner = [=, &global] { return RunModelsCommand(global, *o); };
    });
  }
}

}  // namespace sluice
