#include "models/generic_tests.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models/project_fixture.h"

namespace sluice::models {
namespace {

using ::testing::ElementsAre;

using Args = std::vector<std::pair<std::string, std::vector<std::string>>>;

TEST(GenericTestNames, AreTheTestTheTargetAndTheArgumentValues) {
  EXPECT_EQ(GenericTestNames("not_null", "orders", Args{{"column_name", {"order_id"}}}).second,
            "not_null_orders_order_id");
  EXPECT_EQ(GenericTestNames("accepted_values", "orders",
                             Args{{"column_name", {"status"}}, {"values", {"placed", "shipped"}}})
                .second,
            "accepted_values_orders_status__placed__shipped");
  // Anything but letters, digits and _ becomes one _ per run.
  EXPECT_EQ(GenericTestNames("relationships", "orders",
                             Args{{"column_name", {"customer_id"}}, {"field", {"id"}}, {"to", {"ref('customers')"}}})
                .second,
            "relationships_orders_customer_id__id__ref_customers_");
  EXPECT_EQ(GenericTestNames("source_unique", "events_accounting", Args{{"column_name", {"id"}}}).second,
            "source_unique_events_accounting_id");
}

TEST(GenericTestNames, SixtyFourCharactersOrMoreAreShortenedWithTheMd5OfTheFullName) {
  const auto [short_name, full] = GenericTestNames(
      "accepted_values", "fct_batch_performance",
      Args{{"column_name", {"status"}}, {"values", {"queued", "running", "finished"}}});
  EXPECT_EQ(full, "accepted_values_fct_batch_performance_status__queued__running__finished");
  // The first 30 characters of "<test>_<target>", then md5(full) in hex.
  EXPECT_EQ(short_name, "accepted_values_fct_batch_perf_eab5e66fb500a7a1c9fe1129514c5417");
  const auto [just_short, just_full] = GenericTestNames("not_null", "orders", Args{{"column_name", {"id"}}});
  EXPECT_EQ(just_short, just_full);
}

// Every shape of a test entry, on one project.
class TestShapes : public ::testing::Test {
 protected:
  void SetUp() override {
    p_.Write("dbt_project.yml", "name: shop\n");
    p_.Write("models/orders.sql", "select 1 as id\n");
    p_.Write("models/customers.sql", "select 1 as id\n");
    p_.Write("macros/tests.sql", "{%- test is_even(model, column_name, strict=true) -%}select 1{%- endtest -%}\n");
  }
  std::vector<TestDefinition> Tests(const std::string& yaml) {
    p_.Write("models/schema.yml", yaml);
    return p_.MustRead().tests;
  }
  ProjectFixture p_;
};

TEST_F(TestShapes, PlainNamesMapsOfArgumentsAndTestName) {
  const auto tests = Tests(R"(models:
  - name: orders
    columns:
      - name: status
        data_tests:
          - not_null
          - accepted_values:
              values: ['placed', 'shipped', 2]
              quote: false
          - test_name: unique
            where: "status != 'void'"
      - name: customer_id
        quote: true
        tests:
          - relationships:
              to: ref('customers')
              field: id
              severity: warn
              config:
                store_failures: true
          - relationships:
              arguments:
                to: source('events', 'customers')
                field: id
          - is_even:
              strict: false
sources:
  - name: events
    tables:
      - name: customers
)");
  ASSERT_EQ(tests.size(), 6u);
  EXPECT_EQ(tests[0].name, "not_null_orders_status");
  EXPECT_EQ(tests[0].kind, GenericTestKind::kNotNull);
  EXPECT_EQ(tests[0].column, "status");

  EXPECT_EQ(tests[1].name, "accepted_values_orders_status__False__placed__shipped__2");
  EXPECT_EQ(tests[1].kind, GenericTestKind::kAcceptedValues);
  EXPECT_THAT(tests[1].accepted_values, ElementsAre("placed", "shipped", "2"));
  EXPECT_FALSE(tests[1].quote_values);
  ASSERT_EQ(tests[1].arguments.size(), 2u);
  EXPECT_EQ(tests[1].arguments[0].name, "quote");
  EXPECT_EQ(tests[1].arguments[1].name, "values");
  EXPECT_TRUE(tests[1].arguments[1].is_list);
  EXPECT_THAT(tests[1].arguments[1].values, ElementsAre("placed", "shipped", "2"));

  EXPECT_EQ(tests[2].name, "unique_orders_status");
  EXPECT_EQ(tests[2].config.where, "status != 'void'");
  EXPECT_TRUE(tests[2].arguments.empty());  // where is config, not an argument

  EXPECT_EQ(tests[3].name, "relationships_orders_customer_id__id__ref_customers_");
  EXPECT_EQ(tests[3].config.severity, Severity::kWarn);
  EXPECT_EQ(tests[3].config.store_failures, true);
  EXPECT_TRUE(tests[3].quote_column);
  EXPECT_EQ(tests[3].to->text, "ref('customers')");

  EXPECT_EQ(tests[4].name, "relationships_orders_customer_id__id__source_events_customers_");
  EXPECT_EQ(tests[4].to->kind, RelationRef::Kind::kSource);
  EXPECT_EQ(tests[4].to->source_name, "events");
  EXPECT_EQ(tests[4].to->name, "customers");

  EXPECT_EQ(tests[5].name, "is_even_orders_customer_id__False");
  EXPECT_EQ(tests[5].kind, GenericTestKind::kCustom);
  ASSERT_EQ(tests[5].arguments.size(), 1u);
  EXPECT_EQ(tests[5].arguments[0].yaml, "false");
}

TEST_F(TestShapes, AGivenNameAndAnAliasAreKept) {
  const auto tests = Tests(R"(models:
  - name: orders
    tests:
      - unique:
          name: orders_are_unique
          column_name: id
      - not_null:
          column_name: id
          config:
            alias: nn_orders
            enabled: false
)");
  ASSERT_EQ(tests.size(), 2u);
  EXPECT_EQ(tests[0].name, "orders_are_unique");
  EXPECT_EQ(tests[0].alias, "orders_are_unique");
  EXPECT_EQ(tests[1].name, "not_null_orders_id");
  EXPECT_EQ(tests[1].alias, "nn_orders");
  EXPECT_FALSE(tests[1].config.enabled);
}

TEST_F(TestShapes, ALongNameGetsAHashedAlias) {
  const auto tests = Tests(R"(models:
  - name: orders
    columns:
      - name: status
        tests:
          - accepted_values: {values: [placed, shipped, completed, returned, cancelled]}
)");
  ASSERT_EQ(tests.size(), 1u);
  EXPECT_EQ(tests[0].name, "accepted_values_orders_status__placed__shipped__completed__returned__cancelled");
  // "<test>_<target>" is shorter than 30 characters: all of it, then the md5.
  EXPECT_EQ(tests[0].alias, "accepted_values_orders_73b2251a1386097e68d5d92348d2ddc8");
}

TEST_F(TestShapes, TestsOnADisabledModelAreDisabled) {
  const auto tests = Tests(R"(models:
  - name: orders
    config: {enabled: false}
    columns:
      - name: id
        tests: [unique]
)");
  ASSERT_EQ(tests.size(), 1u);
  EXPECT_FALSE(tests[0].config.enabled);
}

}  // namespace
}  // namespace sluice::models
