#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "models/project.h"
#include "models/project_fixture.h"

namespace sluice::models {
namespace {

using ::testing::ElementsAre;

// A small shop project: config trees with and without '+', nesting, node
// names, properties files at several depths, docs blocks, seeds, singular
// and generic tests, a project {% test %}, sources.
class ShopProject : public ::testing::Test {
 protected:
  void SetUp() override {
    p_.Write("dbt_project.yml", R"(name: shop
version: "1.0"
config-version: 2
profile: shop
clean-targets: [target, dbt_packages]
require-dbt-version: ">=1.5.0"
vars:
  start_date: '2024-01-01'
  currency: EUR
  shop:
    start_date: '2024-02-01'
models:
  +tags: all
  shop:
    +materialized: view
    staging:
      +tags: [staging]
      schema: stg
    marts:
      +materialized: table
      tags: marts
      finance:
        +materialized: incremental
        +unique_key: [order_id, line]
        on_schema_change: append_new_columns
      fct_orders:
        +alias: orders
    legacy:
      +enabled: false
seeds:
  shop:
    +quote_columns: false
    +column_types: {id: bigint}
    countries:
      +delimiter: ";"
tests:
  shop:
    +severity: warn
    marts:
      +store_failures: true
)");
    p_.Write("models/staging/stg_orders.sql", "select * from {{ source('events', 'orders') }}\n");
    p_.Write("models/staging/stg_customers.sql", "select 1 as id\n");
    p_.Write("models/staging/_staging.yml", R"(version: 2
sources:
  - name: events
    schema: main
    description: "{{ doc('events') }}"
    tags: [raw]
    tables:
      - name: orders
        identifier: orders_final
        columns:
          - name: id
            tests: [unique, not_null]
      - name: customers
models:
  - name: stg_orders
    description: Orders, one row each.
    columns:
      - name: order_id
        description: "{{ doc('order_id') }}"
        data_type: bigint
        tags: [key]
        tests:
          - unique
          - not_null
      - name: status
        tests:
          - accepted_values:
              values: [placed, shipped]
      - name: customer_id
        tests:
          - relationships: {to: ref('stg_customers'), field: id}
          - positive
  - name: stg_customers
    config:
      materialized: table
      tags: [pii]
)");
    p_.Write("models/marts/fct_orders.sql", "select * from {{ ref('stg_orders') }}\n");
    p_.Write("models/marts/finance/revenue.sql", "select 1 as order_id, 1 as line\n");
    p_.Write("models/marts/finance/deep/properties.yaml", R"(models:
  - name: revenue
    description: "Revenue: {{ doc('revenue') }}"
    config:
      tags: finance
      on_schema_change: fail
    data_tests:
      - unique:
          column_name: "order_id || '-' || line"
)");
    p_.Write("models/docs.md", R"(# Docs
{% docs order_id %}
The order's id.
{% enddocs %}

{%- docs revenue -%} Money in. {%- enddocs -%}
)");
    p_.Write("models/more/events.md", "{% docs events %}Every event sluice merged.{% enddocs %}\n");
    p_.Write("models/legacy/old.sql", "select 1\n");
    p_.Write("seeds/countries.csv", "id;name\n1;France\n");
    p_.Write("seeds/extra/rates.csv", "id,rate\n1,0.5\n");
    p_.Write("seeds/seeds.yml", R"(seeds:
  - name: rates
    config:
      column_types: {rate: 'numeric(10,4)'}
)");
    p_.Write("tests/assert_positive.sql", "select * from {{ ref('fct_orders') }} where amount < 0\n");
    p_.Write("tests/marts/assert_sold.sql", "select 1 where false\n");
    p_.Write("tests/generic/positive.sql",
             "{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}\n");
    p_.Write("macros/cents.sql", "{% macro cents(c) %}({{ c }} * 100){% endmacro %}\n");
    p_.Write("macros/.hidden/skip.sql", "not read\n");
    project_ = p_.MustRead();
  }

  const Model& ModelNamed(const std::string& name) {
    const Model* m = project_.FindModel(name);
    EXPECT_NE(m, nullptr) << name;
    static const Model kNone;
    return m ? *m : kNone;
  }
  const TestDefinition* TestNamed(const std::string& name) {
    for (const auto& t : project_.tests)
      if (t.name == name) return &t;
    ADD_FAILURE() << "no test " << name;
    return nullptr;
  }

  ProjectFixture p_;
  Project project_;
};

TEST_F(ShopProject, FindsEveryNodeWithItsPathFoldersAndFqn) {
  EXPECT_EQ(project_.name, "shop");
  std::vector<std::string> models;
  for (const Model& m : project_.models) models.push_back(m.path);
  EXPECT_THAT(models, ElementsAre("models/legacy/old.sql", "models/marts/fct_orders.sql",
                                  "models/marts/finance/revenue.sql", "models/staging/stg_customers.sql",
                                  "models/staging/stg_orders.sql"));
  const Model& revenue = ModelNamed("revenue");
  EXPECT_EQ(revenue.root, "models");
  EXPECT_THAT(revenue.folders, ElementsAre("marts", "finance"));
  EXPECT_THAT(revenue.fqn, ElementsAre("shop", "marts", "finance", "revenue"));
  EXPECT_EQ(ModelNamed("stg_orders").sql, "select * from {{ source('events', 'orders') }}\n");

  ASSERT_EQ(project_.seeds.size(), 2u);
  EXPECT_EQ(project_.seeds[0].path, "seeds/countries.csv");
  EXPECT_EQ(project_.seeds[1].path, "seeds/extra/rates.csv");
  EXPECT_EQ(project_.PathOf("seeds/countries.csv"), p_.dir() + "/seeds/countries.csv");

  // tests/generic/ defines generic tests: macro files, not singular tests.
  std::vector<std::string> singular, macros;
  for (const auto& t : project_.singular_tests) singular.push_back(t.path);
  for (const auto& m : project_.macros) macros.push_back(m.path);
  EXPECT_THAT(singular, ElementsAre("tests/assert_positive.sql", "tests/marts/assert_sold.sql"));
  EXPECT_THAT(macros, ElementsAre("tests/generic/positive.sql", "macros/cents.sql"));
  EXPECT_EQ(project_.macros[1].text, "{% macro cents(c) %}({{ c }} * 100){% endmacro %}\n");
}

TEST_F(ShopProject, ConfigTreesApplyFromTheTopDownWithAndWithoutPlus) {
  const Model& stg = ModelNamed("stg_orders");
  EXPECT_EQ(stg.config.materialized, Materialization::kView);
  EXPECT_THAT(stg.config.tags, ElementsAre("all", "staging"));
  EXPECT_EQ(stg.config.schema, "stg");  // a plain key with a single value is a config

  const Model& fct = ModelNamed("fct_orders");
  EXPECT_EQ(fct.config.materialized, Materialization::kTable);  // marts overrides the package's view
  EXPECT_THAT(fct.config.tags, ElementsAre("all", "marts"));
  EXPECT_EQ(fct.config.alias, "orders");  // a level named after the node

  const Model& revenue = ModelNamed("revenue");
  EXPECT_EQ(revenue.config.materialized, Materialization::kIncremental);  // the deepest folder wins
  EXPECT_THAT(revenue.config.unique_key, ElementsAre("order_id", "line"));
  EXPECT_FALSE(ModelNamed("old").config.enabled);
}

TEST_F(ShopProject, PropertiesConfigOverridesTheTreeAndAddsTags) {
  const Model& customers = ModelNamed("stg_customers");
  EXPECT_EQ(customers.config.materialized, Materialization::kTable);
  EXPECT_THAT(customers.config.tags, ElementsAre("all", "staging", "pii"));
  const Model& revenue = ModelNamed("revenue");  // described four folders down
  EXPECT_EQ(revenue.config.on_schema_change, OnSchemaChange::kFail);
  EXPECT_THAT(revenue.config.tags, ElementsAre("all", "marts", "finance"));
  ASSERT_TRUE(revenue.properties.has_value());
  EXPECT_EQ(revenue.properties->file, "models/marts/finance/deep/properties.yaml");
  EXPECT_EQ(revenue.properties->line, 2);
}

TEST_F(ShopProject, SeedsGetTheirTreeAndPropertiesConfig) {
  const Seed* countries = project_.FindSeed("countries");
  ASSERT_NE(countries, nullptr);
  EXPECT_EQ(countries->config.materialized, Materialization::kSeed);
  EXPECT_EQ(countries->config.delimiter, ';');
  EXPECT_EQ(countries->config.quote_columns, false);
  const Seed* rates = project_.FindSeed("rates");
  ASSERT_NE(rates, nullptr);
  EXPECT_EQ(rates->config.delimiter, ',');
  using Types = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(rates->config.column_types, (Types{{"id", "bigint"}, {"rate", "numeric(10,4)"}}));
}

TEST_F(ShopProject, TestsGetTheTestsTreeByTheirFolder) {
  ASSERT_EQ(project_.singular_tests.size(), 2u);
  EXPECT_EQ(project_.singular_tests[0].config.severity, Severity::kWarn);
  EXPECT_FALSE(project_.singular_tests[0].config.store_failures.has_value());
  EXPECT_EQ(project_.singular_tests[1].config.store_failures, true);  // tests/marts/
  const TestDefinition* unique = TestNamed("unique_revenue_order_id_line");
  ASSERT_NE(unique, nullptr);
  EXPECT_EQ(unique->config.store_failures, true);  // declared under models/marts/
  EXPECT_THAT(unique->file.fqn, ElementsAre("shop", "marts", "finance", "deep", "unique_revenue_order_id_line"));
  EXPECT_EQ(unique->column, "order_id || '-' || line");
}

TEST_F(ShopProject, DescriptionsResolveDocsBlocksFromAnyMarkdownFile) {
  EXPECT_EQ(ModelNamed("stg_orders").description, "Orders, one row each.");
  EXPECT_EQ(ModelNamed("stg_orders").columns[0].description, "The order's id.");
  EXPECT_EQ(ModelNamed("revenue").description, "Revenue: Money in.");
  ASSERT_EQ(project_.docs.size(), 3u);
  EXPECT_EQ(project_.docs[0].name, "order_id");
  EXPECT_EQ(project_.docs[0].position.line, 2);
  EXPECT_EQ(project_.sources[0].description, "Every event sluice merged.");
}

TEST_F(ShopProject, ColumnsKeepTheirProperties) {
  const auto& columns = ModelNamed("stg_orders").columns;
  ASSERT_EQ(columns.size(), 3u);
  EXPECT_EQ(columns[0].name, "order_id");
  EXPECT_EQ(columns[0].data_type, "bigint");
  EXPECT_THAT(columns[0].tags, ElementsAre("key"));
  // Column tags go to the column's tests, after the tree's.
  const TestDefinition* unique = TestNamed("unique_stg_orders_order_id");
  ASSERT_NE(unique, nullptr);
  EXPECT_THAT(unique->config.tags, ElementsAre("key"));
  EXPECT_EQ(unique->config.severity, Severity::kWarn);
}

TEST_F(ShopProject, GenericTestsAreDeclaredOnModelsAndSourcesInOrder) {
  std::vector<std::string> names;
  for (const auto& t : project_.tests) names.push_back(t.name);
  // Files in path order; in a file, models, seeds, then sources.
  EXPECT_THAT(names, ElementsAre("unique_revenue_order_id_line", "unique_stg_orders_order_id",
                                 "not_null_stg_orders_order_id", "accepted_values_stg_orders_status__placed__shipped",
                                 "relationships_stg_orders_customer_id__id__ref_stg_customers_",
                                 "positive_stg_orders_customer_id", "source_unique_events_orders_id",
                                 "source_not_null_events_orders_id"));
  const TestDefinition* rel = TestNamed("relationships_stg_orders_customer_id__id__ref_stg_customers_");
  ASSERT_NE(rel, nullptr);
  ASSERT_TRUE(rel->to.has_value());
  EXPECT_EQ(rel->to->kind, RelationRef::Kind::kRef);
  EXPECT_EQ(rel->to->name, "stg_customers");
  EXPECT_EQ(rel->field, "id");
  const TestDefinition* positive = TestNamed("positive_stg_orders_customer_id");
  ASSERT_NE(positive, nullptr);
  EXPECT_EQ(positive->kind, GenericTestKind::kCustom);
  EXPECT_EQ(positive->test_name, "positive");
  const TestDefinition* source = TestNamed("source_unique_events_orders_id");
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->target_type, ResourceType::kSource);
  EXPECT_EQ(source->target_source, "events");
  EXPECT_EQ(source->target_name, "orders");
}

TEST_F(ShopProject, SourcesHaveTheirSchemaIdentifiersAndTags) {
  ASSERT_EQ(project_.sources.size(), 1u);
  const Source& events = project_.sources[0];
  EXPECT_EQ(events.schema, "main");
  EXPECT_EQ(events.path, "models/staging/_staging.yml");
  ASSERT_EQ(events.tables.size(), 2u);
  EXPECT_EQ(events.tables[0].identifier, "orders_final");
  EXPECT_EQ(events.tables[1].identifier, "customers");
  EXPECT_THAT(events.tables[0].config.tags, ElementsAre("raw"));
  EXPECT_THAT(events.tables[0].fqn, ElementsAre("shop", "staging", "events", "orders"));
  EXPECT_NE(project_.FindSourceTable("events", "customers"), nullptr);
}

TEST_F(ShopProject, VarsOfTheProjectsScopeOverrideTheGlobalOnes) {
  const YAML::Node vars = YAML::Load(project_.vars);
  EXPECT_EQ(vars["start_date"].as<std::string>(), "2024-02-01");
  EXPECT_EQ(vars["currency"].as<std::string>(), "EUR");
}

TEST_F(ShopProject, ConfigPathsThatMatchNothingAreWarnedAbout) {
  EXPECT_TRUE(project_.warnings.empty()) << project_.warnings[0];
  p_.Write("dbt_project.yml", "name: shop\nmodels:\n  shop:\n    stagng:\n      +materialized: table\n");
  const Project project = p_.MustRead();
  EXPECT_THAT(project.warnings, ElementsAre("dbt_project.yml: the config path models.shop.stagng matches no resource"));
}

TEST(ProjectReader, DefaultsWhenDbtProjectSaysLittle) {
  ProjectFixture p;
  p.Write("dbt_project.yml", "name: tiny\n");
  p.Write("models/a.sql", "select 1\n");
  const Project project = p.MustRead();
  EXPECT_THAT(project.model_paths, ElementsAre("models"));
  EXPECT_THAT(project.seed_paths, ElementsAre("seeds"));
  EXPECT_THAT(project.test_paths, ElementsAre("tests"));
  EXPECT_THAT(project.macro_paths, ElementsAre("macros"));
  EXPECT_EQ(project.vars, "{}");
  ASSERT_EQ(project.models.size(), 1u);
  EXPECT_EQ(project.models[0].config.materialized, Materialization::kView);
  EXPECT_TRUE(project.models[0].config.enabled);
}

TEST(ProjectReader, OtherPathsAreReadWhereDbtProjectSays) {
  ProjectFixture p;
  p.Write("dbt_project.yml", "name: other\nmodel-paths: [sql, ./more/]\nseed-paths: [data]\ndocs-paths: [docs]\n");
  p.Write("sql/a.sql", "select 1\n");
  p.Write("more/b.sql", "select 2\n");
  p.Write("models/ignored.sql", "select 3\n");
  p.Write("data/c.csv", "x\n1\n");
  p.Write("docs/d.md", "{% docs d %}D{% enddocs %}");
  p.Write("sql/e.md", "{% docs e %}not under docs-paths{% enddocs %}");
  const Project project = p.MustRead();
  ASSERT_EQ(project.models.size(), 2u);
  EXPECT_EQ(project.models[0].path, "sql/a.sql");
  EXPECT_EQ(project.models[1].path, "more/b.sql");
  EXPECT_EQ(project.models[1].root, "more");
  ASSERT_EQ(project.seeds.size(), 1u);
  ASSERT_EQ(project.docs.size(), 1u);
  EXPECT_EQ(project.docs[0].name, "d");
}

TEST(ProjectReader, AFolderWithoutDbtProjectIsNotFound) {
  ProjectFixture p;
  auto project = p.Read();
  ASSERT_FALSE(project.ok());
  EXPECT_EQ(project.status().code(), StatusCode::kNotFound);
  EXPECT_NE(project.status().message().find("has no dbt_project.yml"), std::string::npos);
}

}  // namespace
}  // namespace sluice::models
