// The factory example's dbt project (examples/factory/analytics) built as
// the README shows it: the sample messages loaded and merged, then
// `sluice models build`. The sample data oversells one card, so exactly the
// singular test assert_cards_sold_not_above_produced fails and names it;
// every other test passes, and the marts hold the values worked out by hand
// below. Then new orders arrive, and `models run -s fct_orders` adds them
// incrementally. On both warehouses (the /pg variant on PostgreSQL).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_harness.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Example(const std::string& path) { return SourceDir() + "/examples/factory/" + path; }

// A part of the example's sluice.yaml: from the line `from` (included) to
// the line `to` (excluded), or to the end.
std::string Section(const std::string& from, const std::string& to) {
  const std::string yaml = ReadFile(Example("sluice.yaml"));
  const size_t begin = yaml.find("\n" + from + "\n");
  if (begin == std::string::npos) throw std::runtime_error("examples/factory/sluice.yaml has no " + from);
  const size_t end = to.empty() ? std::string::npos : yaml.find("\n" + to + "\n", begin + 1);
  return yaml.substr(begin + 1, end == std::string::npos ? std::string::npos : end - begin);
}

// The example's config without its RabbitMQ source and HTTP side: the
// models: section and the catalog, as they are shipped.
std::string ModelsExampleConfig() { return "data_dir: data\n" + Section("models:", "events:") + Section("events:", ""); }

// A workspace holding the example's config and a copy of its dbt project.
class ModelsExample : public ::testing::Test {
 protected:
  ModelsExample() : ws_(ModelsExampleConfig()) {
    std::filesystem::copy(Example("analytics"), ws_.dir() + "/analytics", std::filesystem::copy_options::recursive);
  }

  // Loads and merges the sample messages, as run-models.sh does.
  void LoadSamples() {
    const std::vector<std::pair<std::string, std::vector<std::string>>> files = {
        {"CardCatalog", {"cards", "more-cards"}},
        {"Order", {"orders", "more-orders"}},
        {"ManufacturingBatch", {"manufacturing", "more-manufacturing"}},
        {"LegacyOrder", {"orders_history"}},
    };
    for (const auto& [type, names] : files) {
      std::vector<std::string> args = {"load", "-t", type};
      for (const std::string& n : names) args.push_back(Example("messages/" + n + ".ndjson"));
      ASSERT_RUN_OK(ws_.Sluice(args));
    }
    ASSERT_RUN_OK(ws_.Merge());
  }

  std::vector<std::string> Rows(const std::string& sql) const {
    std::vector<std::string> out;
    for (const Row& r : ws_.Query(sql)) out.push_back(ToString(r));
    return out;
  }

  Workspace ws_;
};

// "   29 of 35  FAIL   test         assert_… 1 failing row in 0.00 s" → name → FAIL
std::map<std::string, std::string> NodeStatuses(const std::string& out, const std::string& kind) {
  std::map<std::string, std::string> statuses;
  const std::regex line(R"(^\s*\d+ of \d+\s+(OK|PASS|FAIL|WARN|ERROR|SKIP)\s+(\S+)\s+(\S+))");
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_search(l, m, line) && m[2] == kind) statuses[m[3]] = m[1];
  }
  return statuses;
}

TEST_F(ModelsExample, BuildFailsOnlyTheOversoldCardAndTheMartsHoldTheSampleFigures) {
  LoadSamples();
  const RunResult build = ws_.Sluice({"models", "build"});
  ASSERT_EQ(build.exit_code, 1) << build.Describe();
  EXPECT_THAT(build.out, HasSubstr("sluice models build: 1 seed, 6 models, 28 tests")) << build.Describe();
  EXPECT_THAT(build.out, HasSubstr("7 built, 0 errors, 0 skipped; tests: 27 passed, 0 warned, 1 failed"))
      << build.Describe();

  // Exactly one test fails, the singular one; the 27 generic tests pass.
  const auto tests = NodeStatuses(build.out, "test");
  EXPECT_EQ(tests.size(), 28u) << build.out;
  for (const auto& [name, status] : tests) {
    if (name == "assert_cards_sold_not_above_produced") EXPECT_EQ(status, "FAIL") << build.out;
    else EXPECT_EQ(status, "PASS") << name << "\n" << build.out;
  }
  EXPECT_EQ(tests.count("relationships_fct_orders_card_id__card_id__ref_dim_card_"), 1u) << build.out;
  EXPECT_EQ(tests.count("accepted_values_stg_orders_source_system__stream__backfill"), 1u) << build.out;
  EXPECT_EQ(tests.count("unique_rarity_tiers_rarity"), 1u) << build.out;
  // The seed, the staging views, the marts; the ephemeral model is not built.
  const auto models = NodeStatuses(build.out, "view");
  EXPECT_EQ(models.size(), 3u) << build.out;
  EXPECT_EQ(NodeStatuses(build.out, "table").size(), 2u) << build.out;
  EXPECT_EQ(NodeStatuses(build.out, "incremental").count("fct_orders"), 1u) << build.out;
  EXPECT_EQ(NodeStatuses(build.out, "seed").count("rarity_tiers"), 1u) << build.out;
  EXPECT_THAT(build.out, Not(HasSubstr("int_card_supply"))) << build.out;

  // The failing row, as the report prints it: Iron Colossus sold 58, made 57.
  EXPECT_THAT(build.out, ::testing::ContainsRegex(R"(FAIL +test +assert_cards_sold_not_above_produced 1 failing row)"))
      << build.out;
  EXPECT_THAT(build.out, ::testing::ContainsRegex(R"(C-003 +\| Iron Colossus \| 58 +\| 57)")) << build.out;
  // And as a stored failure table.
  const RunResult stored =
      ws_.Sluice({"models", "test", "-s", "assert_cards_sold_not_above_produced", "--store-failures"});
  EXPECT_EQ(stored.exit_code, 1) << stored.Describe();
  EXPECT_THAT(Rows("SELECT card_id, card_name, cards_sold, cards_produced "
                   "FROM dbt_test__audit__assert_cards_sold_not_above_produced"),
              ElementsAre("C-003|Iron Colossus|58|57"));

  // dim_card: the catalog, its tier from the seed, produced (good cards of
  // every batch) and sold (stream and backfill lines). C-002 sold 20 + 40 in
  // the backfill, 10 + 25 in the stream; C-005's batch has only started.
  EXPECT_THAT(Rows("SELECT card_id, card_name, rarity, tier, rarity_sort, cast(round(list_price * 100) as integer), "
                   "batches, cards_produced, cards_defective, cards_sold, cards_in_stock, revenue_cents "
                   "FROM dim_card ORDER BY card_id"),
              ElementsAre("C-001|Ember Drake|RARE|premium|3|1299|2|779|21|6|773|7494",
                          "C-002|Tidal Sprite|COMMON|standard|1|49|1|1950|50|95|1855|4415",
                          "C-003|Iron Colossus|MYTHIC|chase|4|4999|1|57|43|58|-1|289942",
                          "C-004|Gale Wyvern|UNCOMMON|standard|2|399|1|776|24|17|759|6783",
                          "C-005|Stone Golem|COMMON|standard|1|59|1|0|0|0|0|0"));

  // fct_orders: 9 stream lines and 3 backfill lines, one row each.
  EXPECT_THAT(Rows("SELECT source_system, count(*), sum(quantity), sum(line_amount_cents) "
                   "FROM fct_orders GROUP BY source_system ORDER BY source_system"),
              ElementsAre("backfill|3|63|6297", "stream|9|113|302337"));
  EXPECT_THAT(Rows("SELECT order_line_id, order_id, customer_id, card_id, quantity, unit_price_cents, "
                   "line_amount_cents, cast(round(line_amount * 100) as integer) FROM fct_orders "
                   "WHERE order_id IN ('H-0901', 'O-1003') ORDER BY order_line_id"),
              ElementsAre("H-0901/C-001|H-0901|U-3|C-001|3|1199|3597|3597",
                          "H-0901/C-002|H-0901|U-3|C-002|20|45|900|900",
                          "O-1003/C-003|O-1003|U-5|C-003|30|4999|149970|149970",
                          "O-1003/C-004|O-1003|U-5|C-004|5|399|1995|1995"));
  // order_date is dbt.date_trunc('day', ordered_at): four days have orders.
  EXPECT_EQ(ws_.Count("SELECT count(DISTINCT order_date) FROM fct_orders"), 4);
  EXPECT_EQ(ws_.Count("SELECT count(*) FROM fct_orders WHERE order_date < ordered_at"), 12);

  // fct_batch_performance: yield and defect rate (per mille here), the
  // alert from sluice.yaml's defect_rate_alert (0.05), hours to complete.
  EXPECT_THAT(Rows("SELECT batch_id, card_id, status, quantity_planned, quantity_produced, quantity_defective, "
                   "cast(round(yield_rate * 1000) as integer), cast(round(defect_rate * 1000) as integer), "
                   "is_high_defect, hours_to_complete FROM fct_batch_performance ORDER BY batch_id"),
              ElementsAre("B-70|C-002|COMPLETED|2000|1950|50|975|25|0|12",
                          "B-71|C-001|COMPLETED|300|291|9|970|30|0|6",
                          "B-77|C-001|COMPLETED|500|488|12|976|24|0|8",
                          "B-78|C-003|COMPLETED|100|57|43|570|430|1|26",
                          "B-79|C-004|COMPLETED|800|776|24|970|30|0|12",
                          "B-80|C-005|STARTED|1000|0|0|0|NULL|0|NULL"));
}

TEST_F(ModelsExample, NewOrdersReachFctOrdersIncrementallyAndAResentLineReplacesItsRow) {
  LoadSamples();
  ASSERT_EQ(ws_.Sluice({"models", "build"}).exit_code, 1);
  ASSERT_EQ(ws_.Count("fct_orders"), 12);
  // A mark on a row the incremental run must not rebuild.
  ws_.Exec("UPDATE fct_orders SET customer_id = 'untouched' WHERE order_line_id = 'H-0902/C-002'");

  // A new order, and O-1005 sent again later with 20 instead of 25 of C-002.
  const std::string late = ws_.WriteLines(
      "late-orders.ndjson",
      {R"({"order_id": "O-1006", "customer_id": "U-7", "currency": "EUR", "created_at": "2026-11-04T08:00:00Z", )"
       R"("lines": [{"card_id": "C-004", "quantity": 3, "unit_price_cents": 399}]})",
       R"({"order_id": "O-1005", "customer_id": "U-12", "currency": "EUR", "created_at": "2026-11-04T09:00:00Z", )"
       R"("lines": [{"card_id": "C-004", "quantity": 12, "unit_price_cents": 399}, )"
       R"({"card_id": "C-002", "quantity": 20, "unit_price_cents": 49}]})"});
  ASSERT_RUN_OK(ws_.Sluice({"load", "-t", "Order", late}));
  ASSERT_RUN_OK(ws_.Merge());

  const RunResult run = ws_.Sluice({"models", "run", "-s", "fct_orders"});
  ASSERT_RUN_OK(run);
  EXPECT_THAT(run.out, HasSubstr("sluice models run: 0 seeds, 1 model, 0 tests")) << run.Describe();
  EXPECT_THAT(run.out, ::testing::ContainsRegex(R"(OK +incremental +fct_orders \[incremental\] 3 rows)"))
      << run.Describe();

  // 12 + O-1006's line; O-1005's two lines replaced in place (unique_key).
  EXPECT_EQ(ws_.Count("fct_orders"), 13);
  EXPECT_THAT(Rows("SELECT order_line_id, customer_id, quantity, line_amount_cents FROM fct_orders "
                   "WHERE order_id IN ('O-1005', 'O-1006') ORDER BY order_line_id"),
              ElementsAre("O-1005/C-002|U-12|20|980", "O-1005/C-004|U-12|12|4788", "O-1006/C-004|U-7|3|1197"));
  EXPECT_THAT(Rows("SELECT customer_id FROM fct_orders WHERE order_line_id = 'H-0902/C-002'"),
              ElementsAre("untouched"));
  EXPECT_THAT(Rows("SELECT sum(quantity) FROM fct_orders"), ElementsAre("174"));  // 176 - 5 + 3

  // --full-refresh rebuilds it from the sources: the mark is gone.
  const RunResult full = ws_.Sluice({"models", "run", "-s", "fct_orders", "--full-refresh"});
  ASSERT_RUN_OK(full);
  EXPECT_THAT(full.out, HasSubstr("[incremental (full)] 13 rows")) << full.Describe();
  EXPECT_THAT(Rows("SELECT customer_id FROM fct_orders WHERE order_line_id = 'H-0902/C-002'"), ElementsAre("U-7"));
  EXPECT_THAT(Rows("SELECT sum(quantity) FROM fct_orders"), ElementsAre("174"));
}

}  // namespace
}  // namespace sluice::testing
