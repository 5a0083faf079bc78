// The compiler against a real SQLite warehouse: what each node's SQL
// becomes, the graph that ref() and source() draw, and the errors, each
// at the file, line and column of the construct it names.
#include "models/compiler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "models/compiler_fixture.h"
#include "models/dag.h"

namespace sluice::models {
namespace {

using ::testing::HasSubstr;

class CompilerTest : public CompilerFixture {};

std::vector<std::string> Parents(const Compiler& compiler, const std::string& id) {
  const ManifestNode* node = compiler.manifest().Find(id);
  if (node == nullptr) return {"no node " + id};
  std::vector<std::string> parents = node->graph.parents;
  std::sort(parents.begin(), parents.end());
  return parents;
}

TEST_F(CompilerTest, RefAndSourceNameTheWarehouseRelationsAndDrawTheGraph) {
  Write("models/stg_orders.sql", "select * from {{ source('events', 'orders') }}");
  Write("models/fct.sql", "select count(*) as n from {{ ref('stg_orders') }} join {{ ref('shop', 'stg_orders') }} using (x)");
  auto compiler = MustCreate();
  ASSERT_NE(compiler, nullptr);
  EXPECT_EQ(Sql(*compiler, "model.shop.stg_orders"), "select * from \"orders\"");
  EXPECT_EQ(Sql(*compiler, "model.shop.fct"), "select count(*) as n from \"stg_orders\" join \"stg_orders\" using (x)");
  EXPECT_EQ(Parents(*compiler, "model.shop.stg_orders"), std::vector<std::string>{"source.shop.events.orders"});
  EXPECT_EQ(Parents(*compiler, "model.shop.fct"), std::vector<std::string>{"model.shop.stg_orders"});
}

TEST_F(CompilerTest, ConfigInTheModelOverridesTheProjectTreeAndAnAliasRenamesTheRelation) {
  Write("dbt_project.yml", "name: shop\nmodels:\n  shop:\n    +materialized: table\n    marts:\n      materialized: view\n");
  Write("models/marts/a.sql", "{{ config(materialized='table', alias='a_table', tags=['daily']) }}select 1 as x");
  Write("models/marts/b.sql", "select * from {{ ref('a') }}");
  Write("models/c.sql", "select 1 as x");
  auto compiler = MustCreate();
  ASSERT_NE(compiler, nullptr);
  const Manifest& m = compiler->manifest();
  EXPECT_EQ(m.Find("model.shop.a")->config.materialized, Materialization::kTable);
  EXPECT_EQ(m.Find("model.shop.a")->relation, "a_table");
  EXPECT_EQ(m.Find("model.shop.a")->graph.tags, std::vector<std::string>{"daily"});
  EXPECT_EQ(m.Find("model.shop.b")->config.materialized, Materialization::kView);
  EXPECT_EQ(m.Find("model.shop.c")->config.materialized, Materialization::kTable);
  EXPECT_EQ(Sql(*compiler, "model.shop.b"), "select * from \"a_table\"");
}

TEST_F(CompilerTest, AModelDisabledByItsOwnConfigLeavesWithItsTests) {
  Write("models/gone.sql", "{{ config(enabled=false) }}select 1 as id");
  Write("models/schema.yml", "version: 2\nmodels:\n  - name: gone\n    columns:\n      - name: id\n        tests: [unique]\n");
  auto compiler = MustCreate();
  ASSERT_NE(compiler, nullptr);
  for (const ManifestNode& n : compiler->manifest().nodes()) EXPECT_EQ(n.id().find("gone"), std::string::npos) << n.id();
}

TEST_F(CompilerTest, EphemeralModelsAreInlinedAsCtesInDependencyOrder) {
  Write("models/e1.sql", "{{ config(materialized='ephemeral') }}select 1 as x");
  Write("models/e2.sql", "{{ config(materialized='ephemeral') }}select x from {{ ref('e1') }}");
  Write("models/final.sql", "with mine as (select 2 as y)\nselect * from {{ ref('e2') }}, mine");
  auto compiler = MustCreate();
  ASSERT_NE(compiler, nullptr);
  EXPECT_EQ(Sql(*compiler, "model.shop.final"),
            "with\n__dbt__cte__e1 as (\nselect 1 as x\n),\n__dbt__cte__e2 as (\nselect x from __dbt__cte__e1\n),\n "
            "mine as (select 2 as y)\nselect * from __dbt__cte__e2, mine");
}

TEST_F(CompilerTest, IsIncrementalOnceTheTableExistsAndNotUnderFullRefresh) {
  Write("models/inc.sql",
        "{{ config(materialized='incremental', unique_key='id') }}select 1 as id"
        "{% if is_incremental() %} where id > (select max(id) from {{ this }}){% endif %}");
  auto compiler = MustCreate();
  ASSERT_NE(compiler, nullptr);
  const ManifestNode& node = *compiler->manifest().Find("model.shop.inc");
  EXPECT_FALSE(*compiler->IsIncremental(node, false));
  EXPECT_EQ(Sql(*compiler, "model.shop.inc"), "select 1 as id");
  ASSERT_TRUE(warehouse().models().ReplaceTable("inc", "select 1 as id").ok());
  EXPECT_TRUE(*compiler->IsIncremental(node, false));
  EXPECT_FALSE(*compiler->IsIncremental(node, true));
  EXPECT_EQ(Sql(*compiler, "model.shop.inc"), "select 1 as id where id > (select max(id) from \"inc\")");
  EXPECT_EQ(Sql(*compiler, "model.shop.inc", /*full_refresh=*/true), "select 1 as id");
}

TEST_F(CompilerTest, VarsFromTheCommandLineBeatSluiceYamlWhichBeatsTheProject) {
  Write("dbt_project.yml", "name: shop\nvars:\n  a: project\n  b: project\n  c: project\n");
  Write("models/v.sql", "select '{{ var('a') }} {{ var('b') }} {{ var('c') }} {{ var('d', 'fallback') }}' as v");
  CompileOptions options;
  options.config_vars = "{b: config, c: config}";
  options.cli_vars = "{c: cli}";
  auto compiler = MustCreate(options);
  ASSERT_NE(compiler, nullptr);
  EXPECT_EQ(Sql(*compiler, "model.shop.v"), "select 'project config cli fallback' as v");
}

TEST_F(CompilerTest, CrossDatabaseMacrosAndTargetRenderForTheBackend) {
  Write("models/x.sql",
        "select {{ dbt.hash('id') }}, {{ dbt.safe_cast('v', dbt.type_int()) }}, {{ dbt.concat(['a', \"'-'\", 'b']) }},"
        " '{{ target.type }}', '{{ target.name }}', '{{ target.schema }}'");
  CompileOptions options;
  options.target = "prod";
  auto compiler = MustCreate(options);
  ASSERT_NE(compiler, nullptr);
  EXPECT_EQ(Sql(*compiler, "model.shop.x"),
            "select md5(CAST(id AS TEXT)), CAST(v AS BIGINT), (a || '-' || b), 'sqlite', 'prod', 'main'");
}

TEST_F(CompilerTest, AdapterDispatchPrefersTheBackendsMacroThenTheDefault) {
  Write("macros/m.sql",
        "{% macro pick() %}{{ return(adapter.dispatch('pick')()) }}{% endmacro %}"
        "{% macro default__pick() %}'default'{% endmacro %}"
        "{% macro sqlite__pick() %}'sqlite'{% endmacro %}"
        "{% macro other() %}{{ return(adapter.dispatch('other')()) }}{% endmacro %}"
        "{% macro default__other() %}'default'{% endmacro %}");
  Write("models/x.sql", "select {{ pick() }}, {{ other() }}");
  auto compiler = MustCreate();
  ASSERT_NE(compiler, nullptr);
  EXPECT_EQ(Sql(*compiler, "model.shop.x"), "select 'sqlite', 'default'");
}

TEST_F(CompilerTest, ACustomGenericTestFromTheProjectsMacros) {
  Write("macros/positive.sql",
        "{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}");
  Write("models/m.sql", "select 1 as amount");
  Write("models/schema.yml", "version: 2\nmodels:\n  - name: m\n    columns:\n      - name: amount\n        tests: [positive]\n");
  auto compiler = MustCreate();
  ASSERT_NE(compiler, nullptr);
  const ManifestNode* test = nullptr;
  for (const ManifestNode& n : compiler->manifest().nodes())
    if (n.graph.type == ResourceType::kTest) test = &n;
  ASSERT_NE(test, nullptr);
  EXPECT_EQ(test->id(), "test.shop.positive_m_amount");
  EXPECT_THAT(Sql(*compiler, test->id()), HasSubstr("select * from \"m\" where amount <= 0"));
}

TEST_F(CompilerTest, ACycleIsNamed) {
  Write("models/a.sql", "select * from {{ ref('b') }}");
  Write("models/b.sql", "select * from {{ ref('a') }}");
  auto compiler = MustCreate();
  ASSERT_NE(compiler, nullptr);
  auto order = RunOrder(compiler->manifest());
  ASSERT_FALSE(order.ok());
  EXPECT_THAT(order.status().message(),
              ::testing::AnyOf(HasSubstr("has a cycle: model.shop.a → model.shop.b → model.shop.a"),
                               HasSubstr("has a cycle: model.shop.b → model.shop.a → model.shop.b")));
}

TEST_F(CompilerTest, RunOrderPutsParentsFirstAndTestsBeforeWhatIsBuiltOnTheirModel) {
  Write("models/a.sql", "select 1 as id");
  Write("models/b.sql", "select * from {{ ref('a') }}");
  Write("models/schema.yml", "version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [not_null]\n");
  auto compiler = MustCreate();
  ASSERT_NE(compiler, nullptr);
  auto order = RunOrder(compiler->manifest());
  ASSERT_TRUE(order.ok()) << order.status().message();
  std::vector<std::string> ids;
  for (const ManifestNode* n : *order)
    if (n->graph.type != ResourceType::kSource) ids.push_back(n->id());
  EXPECT_EQ(ids, (std::vector<std::string>{"model.shop.a", "test.shop.not_null_a_id", "model.shop.b"}));
}

// Every error names the file, the line and the column of what it is about.
TEST_F(CompilerTest, ErrorsNameTheFileLineAndConstruct) {
  struct Case {
    std::string model;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"select\n  {{ ref('nope') }}", "models/m.sql:2:6: ref('nope'): no model or seed has that name"},
      {"select * from {{ source('events', 'nope') }}", "models/m.sql:1:18: source('events', 'nope'): no such source table"},
      {"select {{ undefined_thing }}", "models/m.sql:1:11: 'undefined_thing' is undefined"},
      {"select 1 {% for x in [1] %}", "models/m.sql:1:"},
      {"{{ exceptions.raise_compiler_error('stop here') }}", "models/m.sql:1:15: stop here"},
      {"{{ var('missing') }}", "models/m.sql:1:4: required var 'missing' is not set"},
      {"{{ env_var('SLUICE_SURELY_UNSET_VAR') }}", "models/m.sql:1:4: env_var: the environment variable 'SLUICE_SURELY_UNSET_VAR' is not set"},
      {"{% call statement('x') %}select 1{% endcall %}", "models/m.sql:1:"},
      {"{{ 1 | no_such_filter }}", "models/m.sql:1:8: unknown filter 'no_such_filter'"},
  };
  for (const Case& c : cases) {
    Write("models/m.sql", c.model);
    EXPECT_THAT(Error(), HasSubstr(c.error)) << c.model;
  }
}

TEST_F(CompilerTest, EnvVarWithADefaultAndLogRender) {
  Write("models/m.sql", "{% do log('compiling m') %}select '{{ env_var('SLUICE_SURELY_UNSET_VAR', 'dflt') }}' as v");
  auto compiler = MustCreate();
  ASSERT_NE(compiler, nullptr);
  EXPECT_EQ(Sql(*compiler, "model.shop.m"), "select 'dflt' as v");
}

TEST(InjectCtes, MergesIntoALeadingWithClauseAfterCommentsOrOpensOne) {
  EXPECT_EQ(InjectCtes("select 1", {"a as (select 1)"}), "with a as (select 1)\nselect 1");
  EXPECT_EQ(InjectCtes("-- note\nWITH b as (select 2) select * from b", {"a as (select 1)"}),
            "-- note\nWITH\na as (select 1),\n b as (select 2) select * from b");
  EXPECT_EQ(InjectCtes("select 1", {}), "select 1");
}

TEST(InlineSubquery, ReplacesWholeReferencesButNotQualifiersOrLongerNames) {
  EXPECT_EQ(InlineSubquery("select e.x from e join e2 on e.x = e2.x where e.y > 0 and ee = 1", "e", "select 1 as x"),
            "select e.x from (\nselect 1 as x\n) AS e join e2 on e.x = e2.x where e.y > 0 and ee = 1");
  EXPECT_EQ(InlineSubquery("select * from __dbt__cte__a, __dbt__cte__a", "__dbt__cte__a", "b"),
            "select * from (\nb\n) AS __dbt__cte__a, (\nb\n) AS __dbt__cte__a");
  EXPECT_EQ(InlineSubquery("select 1", "e", "x"), "select 1");
}

}  // namespace
}  // namespace sluice::models
