// Every problem in a project is reported at once, each at its file:line:col.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "models/project_fixture.h"

namespace sluice::models {
namespace {

using ::testing::ElementsAre;

class ProjectErrors : public ::testing::Test {
 protected:
  void SetUp() override { p_.Write("dbt_project.yml", "name: shop\n"); }
  ProjectFixture p_;
};

TEST_F(ProjectErrors, UnknownAndRefusedConfigKeysInTheTreesAreNamedAtTheirPosition) {
  p_.Write("dbt_project.yml", R"(name: shop
models:
  shop:
    +materialised: table
    +pre-hook: "grant select on {{ this }} to reporting"
    marts:
      +column_types: {id: int}
      +incremental_strategy: merge
seeds:
  +severity: warn
)");
  EXPECT_THAT(p_.Problems(),
              ElementsAre("dbt_project.yml:4:5: models: unknown config 'materialised' for a model (sluice supports: "
                          "enabled, tags, alias, schema, materialized, full_refresh, unique_key, on_schema_change, "
                          "incremental_strategy)",
                          "dbt_project.yml:5:5: models: config 'pre-hook' is not supported: hooks run SQL of their own "
                          "around a node, which sluice does not do",
                          "dbt_project.yml:7:7: models: config 'column_types' applies to seeds only, not to a model",
                          "dbt_project.yml:8:7: models: config 'incremental_strategy' must be one of delete+insert, "
                          "append (not 'merge')",
                          "dbt_project.yml:10:3: seeds: config 'severity' applies to tests only, not to a seed"));
}

TEST_F(ProjectErrors, DbtProjectKeysOutsideTheSubsetAreRefusedAndHarmlessOnesIgnored) {
  p_.Write("dbt_project.yml", R"(name: shop
profile: shop
target-path: target
on-run-start: ["create schema if not exists x"]
on-run-end: []
dispatch:
  - macro_namespace: dbt_utils
model_paths: [models]
)");
  EXPECT_THAT(p_.Problems(),
              ElementsAre("dbt_project.yml:4:1: 'on-run-start' is not supported: hooks run SQL of their own, which "
                          "sluice does not do",
                          "dbt_project.yml:6:1: 'dispatch' is not supported: packages are not supported, so there is "
                          "nothing to dispatch to",
                          "dbt_project.yml:8:1: unknown key 'model_paths' (expected one of: name, model-paths, "
                          "seed-paths, test-paths, macro-paths, docs-paths, snapshot-paths, vars, models, seeds, tests, "
                          "data_tests, sources)"));
}

TEST_F(ProjectErrors, ABadNameOrUnreadableDbtProjectStopsThere) {
  p_.Write("dbt_project.yml", "name: [shop]\n");
  EXPECT_THAT(p_.Problems(), ElementsAre("dbt_project.yml:1:7: name must be the project's name: letters, digits and _"));
  p_.Write("dbt_project.yml", "name: shop\nmodels: {\n");
  const auto problems = p_.Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(problems[0].starts_with("dbt_project.yml:3:1: ")) << problems[0];
}

TEST_F(ProjectErrors, APropertiesEntryForAModelWithoutSqlIsNamedAtItsEntry) {
  p_.Write("models/orders.sql", "select 1 as id\n");
  p_.Write("models/schema.yml", R"(version: 2
models:
  - name: orders
  - name: ghost
seeds:
  - name: ghost_seed
data_tests:
  - name: ghost_test
)");
  EXPECT_THAT(p_.Problems(), ElementsAre("models/schema.yml:4:5: model 'ghost' has no .sql file under models",
                                         "models/schema.yml:6:5: seed 'ghost_seed' has no .csv file under seeds",
                                         "models/schema.yml:8:5: test 'ghost_test' has no .sql file under tests"));
}

TEST_F(ProjectErrors, TwoNodesOfOneNameAreNamedWithBothFiles) {
  p_.Write("models/a/orders.sql", "select 1\n");
  p_.Write("models/b/orders.sql", "select 2\n");
  p_.Write("seeds/customers.csv", "id\n1\n");
  p_.Write("models/customers.sql", "select 3\n");
  EXPECT_THAT(p_.Problems(),
              ElementsAre("models/b/orders.sql: model 'orders' is defined twice: in models/a/orders.sql and in "
                          "models/b/orders.sql",
                          "seeds/customers.csv: model or seed 'customers' is defined twice: in models/customers.sql "
                          "and in seeds/customers.csv"));
}

TEST_F(ProjectErrors, ANodeDescribedTwiceIsNamedWithBothPlaces) {
  p_.Write("models/orders.sql", "select 1\n");
  p_.Write("models/a.yml", "models:\n  - name: orders\n");
  p_.Write("models/b.yml", "models:\n  - name: orders\n    description: again\n");
  EXPECT_THAT(p_.Problems(),
              ElementsAre("models/b.yml:2:5: model 'orders' is described twice: here and at models/a.yml:2:5"));
}

TEST_F(ProjectErrors, BadTestsAreNamedAtTheirEntry) {
  p_.Write("models/orders.sql", "select 1 as id\n");
  p_.Write("models/schema.yml", R"(models:
  - name: orders
    tests:
      - unique
      - dbt_utils.expression_is_true:
          expression: "id > 0"
    columns:
      - name: id
        tests:
          - not_null:
              config:
                severity: fatal
          - accepted_values:
              quote: false
          - relationships:
              to: ref('customers')
              field: id
          - relationships:
              to: "{{ ref('customers') }}"
              field: id
          - unique_combination_of_columns
          - not_null:
              colour: red
          - unique:
              severity: warning
)");
  EXPECT_THAT(
      p_.Problems(),
      ElementsAre(
          "models/schema.yml:4:9: test 'unique' needs a column: declare it under a column, or give column_name",
          "models/schema.yml:5:9: test 'dbt_utils.expression_is_true' comes from a package, and packages are not "
          "supported",
          "models/schema.yml:12:17: config 'severity' must be warn or error (not 'fatal')",
          "models/schema.yml:13:13: test 'accepted_values' needs the argument 'values'",
          "models/schema.yml:19:19: relationships: to must be ref('model') or source('source', 'table') (not "
          "'{{ ref('customers') }}')",
          "models/schema.yml:21:13: unknown test 'unique_combination_of_columns' (there are unique, not_null, "
          "accepted_values, relationships, and the project's own {% test %} definitions)",
          "models/schema.yml:23:15: test 'not_null' has no argument 'colour'",
          "models/schema.yml:25:15: config 'severity' must be warn or error (not 'warning')",
          "models/schema.yml:15:13: test 'relationships_orders_id__id__ref_customers_' refers to ref('customers'), "
          "which the project does not define"));
}

TEST_F(ProjectErrors, KeysOutsideTheSubsetInPropertiesAreRefusedWithTheirReason) {
  p_.Write("models/orders.sql", "select 1 as id\n");
  p_.Write("models/schema.yml", R"(version: 2
models:
  - name: orders
    tags: [x]
    latest_version: 2
    meta: {owner: finance}
    columns:
      - name: id
        constraints:
          - type: not_null
unit_tests:
  - name: t
sources:
  - name: events
    database: raw
    tables:
      - name: orders
        external: {location: "s3://x"}
)");
  EXPECT_THAT(
      p_.Problems(),
      ElementsAre("models/schema.yml:11:1: a properties file: 'unit_tests' is not supported: unit tests are not supported",
                  "models/schema.yml:4:5: unknown key 'tags' in model 'orders' (expected one of: name, description, "
                  "config, columns, tests, data_tests)",
                  "models/schema.yml:5:5: model 'orders': 'latest_version' is not supported: model versions are not "
                  "supported",
                  "models/schema.yml:9:9: column 'id' of model 'orders': 'constraints' is not supported: constraints "
                  "belong to model contracts, which sluice does not enforce",
                  "models/schema.yml:15:5: source 'events': 'database' is not supported: sluice reads and builds every "
                  "relation in its own warehouse",
                  "models/schema.yml:18:9: table 'orders' of source 'events': 'external' is not supported: external "
                  "tables are not supported"));
}

TEST_F(ProjectErrors, DocsThatDoNotExistAndDocsBlocksLeftOpenAreNamed) {
  p_.Write("models/orders.sql", "select 1 as id\n");
  p_.Write("models/schema.yml", R"(models:
  - name: orders
    description: "{{ doc('nope') }} and {{ doc('fine') }}"
)");
  p_.Write("models/docs.md", "{% docs fine %}Fine.{% enddocs %}\n\n  {% docs open %}never closed\n");
  EXPECT_THAT(p_.Problems(),
              ElementsAre("models/docs.md:3:3: docs block 'open' has no {% enddocs %}",
                          "models/schema.yml:3:18: the description uses doc('nope'), and no docs block is named 'nope'"));
}

TEST_F(ProjectErrors, EveryFileIsCheckedEvenAfterOneThatIsNotYaml) {
  p_.Write("models/orders.sql", "select 1 as id\n");
  p_.Write("models/a.yml", "models:\n  - name: orders\n    description: [unclosed\n");
  p_.Write("models/b.yml", "models:\n  - name: missing\n");
  p_.Write("models/model.py", "def model(dbt, session): pass\n");
  p_.Write("snapshots/orders_snapshot.sql", "{% snapshot orders_snapshot %}select 1{% endsnapshot %}\n");
  const auto problems = p_.Problems();
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0], "models/model.py: Python models are not supported: a model is a .sql file");
  EXPECT_EQ(problems[1], "snapshots/orders_snapshot.sql: snapshots are not supported");
  EXPECT_TRUE(problems[2].starts_with("models/a.yml:4:1: ")) << problems[2];
  EXPECT_EQ(problems[3], "models/b.yml:2:5: model 'missing' has no .sql file under models");
}

TEST_F(ProjectErrors, TwoTestsOfOneNameAreNamedAtTheSecond) {
  p_.Write("models/orders.sql", "select 1 as id\n");
  p_.Write("models/schema.yml", R"(models:
  - name: orders
    columns:
      - name: id
        tests: [not_null, not_null]
)");
  EXPECT_THAT(p_.Problems(), ElementsAre("models/schema.yml:5:27: a test named 'not_null_orders_id' is defined twice: "
                                         "here and in models/schema.yml:5:17"));
}

TEST_F(ProjectErrors, YamlAliasesThatMultiplyNodesAreRefusedNotWalked) {
  // Each level names the one below ten times: 10^9 nodes in nine lines.
  std::string yaml = "name: shop\nvars:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 8; ++i)
    yaml += fmt::format("  l{0}: &l{0} [*l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}, *l{1}]\n", i, i - 1);
  p_.Write("dbt_project.yml", yaml);
  EXPECT_THAT(p_.Problems(), ElementsAre(::testing::HasSubstr("dbt_project.yml: more than 1000000 values")));
}

}  // namespace
}  // namespace sluice::models
