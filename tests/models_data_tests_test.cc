// `sluice models test` on both backends: dbt's built-in generic tests
// (unique, not_null, accepted_values, relationships) with their config
// (severity, where, store_failures, a name of their own) and a singular
// test, passing and failing. A failing test says how many rows fail and
// shows some; the exit code is 1 when a test fails at severity error and 0
// when tests only warn; failing rows can be kept in a table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models_harness.h"

namespace sluice::testing {
namespace {

using ::testing::Contains;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// Order 3 twice (once without a customer and with an unknown status), and
// code Z which codes.csv lacks.
const std::vector<std::pair<std::string, std::string>> kProject = {
    {"seeds/orders.csv", "order_id,customer,status,code\n1,c1,open,A\n2,c2,closed,B\n3,c3,open,Z\n3,,weird,A\n"},
    {"seeds/codes.csv", "code,label\nA,alpha\nB,beta\n"},
    {"seeds/properties.yml", R"(version: 2
seeds:
  - name: orders
    columns:
      - name: order_id
        data_tests:
          - unique:
              config:
                store_failures: true
          - not_null
      - name: customer
        data_tests:
          - not_null
          - not_null:
              name: customer_present_unless_weird
              config:
                where: "status <> 'weird'"
      - name: status
        data_tests:
          - accepted_values:
              values: ['open', 'closed']
          - accepted_values:
              name: status_known
              values: ['open', 'closed', 'weird']
      - name: code
        data_tests:
          - relationships:
              to: ref('codes')
              field: code
              config:
                severity: warn
          - relationships:
              name: code_known_except_z
              to: ref('codes')
              field: code
              where: "code <> 'Z'"
)"},
    {"tests/assert_order_ids_small.sql", "select * from {{ ref('orders') }} where order_id > 2\n"},
};

TEST(ModelsDataTests, FailingTestsCountAndShowTheirRowsAndExitOne) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kProject);
  ASSERT_RUN_OK(Models(ws, {"seed"}));
  const RunResult r = Models(ws, {"test"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.out, HasSubstr("sluice models test: 0 seeds, 0 models, 9 tests"));
  EXPECT_THAT(r.out, ContainsRegex("FAIL +test +unique_orders_order_id 1 failing row in [0-9.]+ s, kept in "
                                   "dbt_test__audit__unique_orders_order_id\n +unique_field \\| n_records\n +3 +\\| 2\n"));
  EXPECT_THAT(r.out, ContainsRegex("FAIL +test +not_null_orders_customer 1 failing row in"));
  EXPECT_THAT(r.out, ContainsRegex("FAIL +test +accepted_values_orders_status__open__closed 1 failing row in "
                                   "[0-9.]+ s\n +value_field \\| n_records\n +weird +\\| 1\n"));
  EXPECT_THAT(r.out, ContainsRegex("WARN +test +relationships_orders_code__code__ref_codes_ 1 failing row in "
                                   "[0-9.]+ s\n +from_field\n +Z\n"));
  EXPECT_THAT(r.out, ContainsRegex("FAIL +test +assert_order_ids_small 2 failing rows in [0-9.]+ s\n"
                                   " +order_id \\| customer \\| status \\| code\n"));
  EXPECT_THAT(r.out, ContainsRegex("PASS +test +customer_present_unless_weird"));
  EXPECT_THAT(r.out, ContainsRegex("PASS +test +code_known_except_z"));
  EXPECT_THAT(r.out, HasSubstr("tests: 4 passed, 1 warned, 4 failed"));

  // Every test ran, whatever the others did: a failing test skips only
  // what is built on what it tests, and `test` builds nothing.
  EXPECT_THAT(LastRun(ws), UnorderedElementsAre("test.analytics.unique_orders_order_id fail",
                                                "test.analytics.not_null_orders_order_id pass",
                                                "test.analytics.not_null_orders_customer fail",
                                                "test.analytics.customer_present_unless_weird pass",
                                                "test.analytics.accepted_values_orders_status__open__closed fail",
                                                "test.analytics.status_known pass",
                                                "test.analytics.relationships_orders_code__code__ref_codes_ warn",
                                                "test.analytics.code_known_except_z pass",
                                                "test.analytics.assert_order_ids_small fail"));
  EXPECT_EQ(ws.Count("SELECT rows FROM sluice_model_runs WHERE model = 'test.analytics.assert_order_ids_small'"), 2);

  // Only the test configured so kept its rows.
  EXPECT_EQ(ws.Count("dbt_test__audit__unique_orders_order_id"), 1);
  EXPECT_FALSE(ws.HasTable("dbt_test__audit__not_null_orders_customer"));
}

TEST(ModelsDataTests, OnlyWarningsExitZero) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kProject);
  ASSERT_RUN_OK(Models(ws, {"seed"}));
  const RunResult r = Models(ws, {"test", "-s", "test_name:relationships"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("tests: 1 passed, 1 warned, 0 failed"));
  EXPECT_THAT(r.out, ContainsRegex("WARN +test +relationships_orders_code__code__ref_codes_ 1 failing row"));
}

TEST(ModelsDataTests, StoreFailuresKeepsEveryTestsFailingRowsInATable) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kProject);
  ASSERT_RUN_OK(Models(ws, {"seed"}));
  const RunResult r = Models(ws, {"test", "--store-failures"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.out, HasSubstr("kept in dbt_test__audit__not_null_orders_customer"));
  EXPECT_EQ(ws.Count("dbt_test__audit__unique_orders_order_id"), 1);
  EXPECT_EQ(ws.Count("dbt_test__audit__not_null_orders_customer"), 1);
  EXPECT_EQ(ws.Count("dbt_test__audit__accepted_values_orders_status__open__closed"), 1);
  EXPECT_EQ(ws.Count("dbt_test__audit__relationships_orders_code__code__ref_codes_"), 1);
  EXPECT_EQ(ws.Count("SELECT count(*) FROM dbt_test__audit__assert_order_ids_small WHERE order_id = 3"), 2);
  EXPECT_EQ(ws.Count("dbt_test__audit__status_known"), 0);  // a passing test's table is empty
  EXPECT_THAT(Rows(ws, "SELECT value_field, n_records FROM dbt_test__audit__accepted_values_orders_status__open__closed"),
              ::testing::ElementsAre("weird|1"));

  // Fixed data: the next run replaces the kept rows.
  WriteProjectFile(ws, "seeds/orders.csv", "order_id,customer,status,code\n1,c1,open,A\n2,c2,closed,B\n");
  ASSERT_RUN_OK(Models(ws, {"build", "--store-failures"}));
  EXPECT_EQ(ws.Count("dbt_test__audit__unique_orders_order_id"), 0);
  EXPECT_EQ(ws.Count("dbt_test__audit__assert_order_ids_small"), 0);
  EXPECT_THAT(LastRun(ws), Not(Contains(HasSubstr(" fail"))));
}

}  // namespace
}  // namespace sluice::testing
