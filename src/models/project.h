// A dbt project as read from its folder: what the compiler renders, the
// runner builds and `models ls` lists. ReadProject reads dbt_project.yml,
// every node file, every properties (schema.yml) file and every docs block,
// resolves each node's config from the project's config trees and its
// properties, and reports every problem of the project at once.
//
// What is read (the common subset of dbt; anything outside it that would
// change results is an error at file:line:col naming it, never skipped):
//   dbt_project.yml   name, model-paths, seed-paths, test-paths, macro-paths,
//                     docs-paths, snapshot-paths, vars, and the config trees
//                     models:, seeds:, tests: (or data_tests:), sources:.
//                     Accepted and ignored, as they do not change results:
//                     version, config-version, profile, require-dbt-version,
//                     clean-targets, target-path, log-path, packages-install-path,
//                     analysis-paths, asset-paths, query-comment, flags,
//                     exposures, metrics, semantic-models, saved-queries.
//                     Refused unless empty: on-run-start, on-run-end,
//                     dispatch, quoting, snapshots, unit_tests,
//                     restrict-access, source-paths and data-paths (dbt's
//                     old names); any snapshot file; any other key is unknown.
//   <model-paths>     *.sql: a model each (name: the file's stem); *.py: refused
//   <seed-paths>      *.csv: a seed each (the CSV is read later: seed_csv.h)
//   <test-paths>      *.sql: a singular test each, except under generic/,
//                     where they define generic tests ({% test %}) and are
//                     read as macro files
//   <macro-paths>     *.sql: macro files, for the Jinja engine
//   *.yml / *.yaml    under model, seed, test and macro paths: properties
//   *.md              under docs-paths (default: model, seed, test and macro
//                     paths): {% docs name %}…{% enddocs %} blocks
//
// Config precedence, lowest first: the defaults, the config tree of
// dbt_project.yml from its top down the node's fqn (package, folders, then
// the node's own name), the properties' `config:`, and last the model's
// `{{ config() }}` call, which the compiler applies with ApplyConfigKey.
//
// Never throws; reads files only through the Env it is given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/env.h"
#include "base/status.h"
#include "models/node_config.h"

namespace sluice::models {

// Where something is written, for messages: file relative to the project
// folder, line and column from 1.
struct FilePosition {
  std::string file;
  int line = 0;
  int column = 0;
};

// A column as its properties describe it.
struct ColumnProperties {
  std::string name;
  std::string description;               // {{ doc('…') }} resolved
  std::optional<std::string> data_type;
  bool quote = false;                    // `quote: true`: tests quote the column's name
  std::vector<std::string> tags;         // given to the tests on this column
  FilePosition position;
};

// What models, seeds and singular tests share: the file they come from and
// where it sits.
struct NodeFile {
  std::string name;                  // the file's stem: ref('name')
  std::string path;                  // relative to the project: "models/staging/stg_orders.sql"
  std::string root;                  // the model/seed/test path it was found under: "models"
  std::vector<std::string> folders;  // between root and file: {"staging"}
  std::vector<std::string> fqn;      // project name, folders, name: what config trees and selection match
};

struct Model : NodeFile {
  std::string sql;          // the file as written; rendering is the compiler's
  std::string description;  // from the properties, docs resolved
  std::vector<ColumnProperties> columns;
  NodeConfig config;        // before the model's own {{ config() }} call
  std::optional<FilePosition> properties;  // its entry in a properties file, if any
};

struct Seed : NodeFile {
  std::string description;
  std::vector<ColumnProperties> columns;
  NodeConfig config;        // column_types, quote_columns, delimiter as resolved
  std::optional<FilePosition> properties;
};

// A `*.sql` under a test path: a query that returns the failing rows.
struct SingularTest : NodeFile {
  std::string sql;
  std::string description;
  NodeConfig config;        // before its own {{ config() }} call
};

// A `*.sql` of macros (macro paths, and generic test definitions under a
// test path's generic/ folder), for the Jinja engine to load.
struct MacroFile {
  std::string path;  // relative to the project
  std::string text;
};

// A `{% docs name %}…{% enddocs %}` block; its text is trimmed.
struct DocBlock {
  std::string name;
  std::string text;
  FilePosition position;
};

// A `ref('x')` or `source('a', 'b')` written as an argument (relationships' `to`).
struct RelationRef {
  enum class Kind { kRef, kSource };
  Kind kind = Kind::kRef;
  std::string name;         // ref: the model or seed; source: the table
  std::string source_name;  // source: the source
  std::string text;         // as written: "ref('customers')"
};

// A generic test's argument as written.
struct TestArgument {
  std::string name;
  // Its value in YAML (YAML::Load gives it back), any shape: for a
  // project's own {% test %}. Text rather than a YAML::Node, whose
  // assignment writes through to every node that shares it.
  std::string yaml;
  std::vector<std::string> values;  // a value's text, or a list's values (empty for anything deeper)
  bool is_list = false;
};

enum class GenericTestKind { kUnique, kNotNull, kAcceptedValues, kRelationships, kCustom };

// A generic test declared in a properties file, on a model, a seed or a
// source table, and on one of its columns or the whole relation.
struct TestDefinition {
  // dbt's name, from the test, the target and the arguments:
  // not_null_orders_order_id, accepted_values_orders_status__placed__shipped,
  // source_unique_events_accounting_id; or the `name:` given.
  std::string name;
  // The name of its file and of its failures' table: `name` when it is
  // shorter than 64 characters, else its first 30 characters of
  // "<test>_<target>" + "_" + the md5 of `name` in hex, as dbt does.
  std::string alias;
  GenericTestKind kind = GenericTestKind::kCustom;
  std::string test_name;        // the generic test: "not_null", or a project {% test %} for kCustom

  ResourceType target_type = ResourceType::kModel;  // kModel, kSeed or kSource
  std::string target_name;      // the model or seed; for a source, its table
  std::string target_source;    // for a source table: the source's name
  std::optional<std::string> column;  // as written; none for a test on the relation
  bool quote_column = false;    // the column's `quote: true`

  // Every argument but the column and the config keys, sorted by name.
  std::vector<TestArgument> arguments;
  // The built-in tests' arguments, parsed.
  std::vector<std::string> accepted_values;  // accepted_values: values
  bool quote_values = true;                  // accepted_values: quote
  std::optional<RelationRef> to;             // relationships: to
  std::string field;                         // relationships: field

  NodeConfig config;            // tests tree, then the test's own config
  NodeFile file;                // the properties file; fqn: project, its folders, `name`
  FilePosition position;        // the test's entry
};

struct SourceTable {
  std::string name;
  std::string identifier;       // the relation's name: `identifier:`, or the name
  std::string description;
  std::vector<ColumnProperties> columns;
  NodeConfig config;            // enabled and tags (the source's, then the table's)
  std::vector<std::string> fqn; // project, the file's folders, source, table
  FilePosition position;
};

struct Source {
  std::string name;
  std::string schema;           // `schema:`, or the source's name
  std::string description;
  std::vector<SourceTable> tables;
  std::string path;             // the properties file, relative to the project
  FilePosition position;
};

struct Project {
  std::string name;
  std::string dir;              // the folder, as given to ReadProject
  std::vector<std::string> model_paths, seed_paths, test_paths, macro_paths;  // relative to dir
  // `vars:` with the project's own scope (`vars: {<name>: {…}}`) merged over
  // the global ones, for var(): a YAML map as text ("{}" when there are
  // none; YAML::Load gives it back).
  std::string vars = "{}";

  std::vector<Model> models;               // sorted by path
  std::vector<Seed> seeds;
  std::vector<SingularTest> singular_tests;
  std::vector<TestDefinition> tests;       // generic tests, in the order declared
  std::vector<Source> sources;
  std::vector<MacroFile> macros;
  std::vector<DocBlock> docs;
  // What dbt warns about: config paths in dbt_project.yml that match no node.
  std::vector<std::string> warnings;

  const Model* FindModel(std::string_view name) const;
  const Seed* FindSeed(std::string_view name) const;
  const SourceTable* FindSourceTable(std::string_view source, std::string_view table) const;
  // The path to open for a file of the project ("models/x.sql").
  std::string PathOf(const std::string& relative) const;
};

// Reads the project in `dir`. NotFound when `dir` has no dbt_project.yml;
// InvalidArgument with every problem, one per line as
// "<dir>/<file>:<line>:<col>: <message>"; an I/O error as the Env reports it.
Result<Project> ReadProject(Env* env, const std::string& dir);

}  // namespace sluice::models
