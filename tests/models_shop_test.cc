// A dbt project written the way most are (tests/testdata/dbt_shop: seeds
// as raw data, staging models of renaming CTEs, a macro dispatched per
// adapter, marts that pivot payments with a Jinja loop over a var, schema
// tests, docs blocks, a singular test) built unmodified with
// `sluice models build`: every node builds, every test passes, and the
// marts hold the figures worked out by hand from the seeds. On both
// warehouses (the /pg variant on PostgreSQL).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_harness.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;

TEST(ModelsShop, ACommonProjectBuildsUnmodifiedWithEveryTestPassing) {
  Workspace ws("data_dir: data\nmodels:\n  project: shop\n");
  std::filesystem::copy(SourceDir() + "/tests/testdata/dbt_shop", ws.dir() + "/shop",
                        std::filesystem::copy_options::recursive);
  const RunResult build = ws.Sluice({"models", "build"});
  ASSERT_RUN_OK(build);
  EXPECT_THAT(build.out, HasSubstr("sluice models build: 3 seeds, 5 models, 18 tests"));
  EXPECT_THAT(build.out, HasSubstr("8 built, 0 errors, 0 skipped; tests: 18 passed, 0 warned, 0 failed"));

  // Customer 1: orders 1, 5 and 10, paid 10.00 + 17.00 + 26.00.
  EXPECT_EQ(ws.Count("SELECT number_of_orders FROM customers WHERE customer_id = 1"), 3);
  EXPECT_EQ(ws.Count("SELECT CAST(round(customer_lifetime_value * 100) AS INTEGER) FROM customers "
                     "WHERE customer_id = 1"),
            5300);
  // Order 3 was paid with a coupon (1.00) and a gift card (3.00), no card.
  EXPECT_EQ(ws.Count("SELECT CAST(round(coupon_amount * 100) AS INTEGER) FROM orders WHERE order_id = 3"), 100);
  EXPECT_EQ(ws.Count("SELECT CAST(round(gift_card_amount * 100) AS INTEGER) FROM orders WHERE order_id = 3"), 300);
  EXPECT_EQ(ws.Count("SELECT CAST(round(credit_card_amount * 100) AS INTEGER) FROM orders WHERE order_id = 3"), 0);
  EXPECT_EQ(ws.Count("SELECT CAST(round(amount * 100) AS INTEGER) FROM orders WHERE order_id = 3"), 400);
  // Staging models are views; the seeds and marts are tables.
  EXPECT_EQ(ws.Count("SELECT count(*) FROM stg_payments"), 12);
  EXPECT_EQ(ws.Count("SELECT count(*) FROM raw_customers"), 7);

  // Built again from scratch, the project gives the same marts.
  ASSERT_RUN_OK(ws.Sluice({"models", "build", "--full-refresh"}));
  EXPECT_EQ(ws.Count("SELECT count(*) FROM orders"), 10);
}

}  // namespace
}  // namespace sluice::testing
