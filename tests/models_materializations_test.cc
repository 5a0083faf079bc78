// `sluice models run` building views, tables and ephemeral models from the
// catalog's tables, on both backends: each holds the rows its SELECT says,
// a view follows its sources while a table keeps what it was built with, and
// an ephemeral model is inlined as a CTE without a relation of its own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models_harness.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const std::vector<std::pair<std::string, std::string>> kProject = {
    {"models/staging/stg_entries.sql",
     "{{ config(materialized='ephemeral') }}\n"
     "select eventitemid, entryidentifier, cast(amount as integer) as amount\n"
     "from {{ source('events', 'accounting') }}\n"},
    {"models/entries_v.sql",
     "{{ config(materialized='view') }}\n"
     "select eventitemid, entryidentifier, amount from {{ ref('stg_entries') }}\n"},
    {"models/totals.sql",
     "{{ config(materialized='table') }}\n"
     "select eventitemid, sum(amount) as total, count(*) as entries\n"
     "from {{ ref('stg_entries') }}\ngroup by eventitemid\n"},
    // An ephemeral model read by another ephemeral one: both become CTEs, in order.
    {"models/staging/big_entries.sql",
     "{{ config(materialized='ephemeral') }}\n"
     "select * from {{ ref('stg_entries') }} where amount >= 5\n"},
    {"models/big_counts.sql",
     "{{ config(materialized='table') }}\n"
     "with counted as (select eventitemid, count(*) as n from {{ ref('big_entries') }} group by eventitemid)\n"
     "select eventitemid, n from counted\n"},
};

TEST(ModelsMaterializations, ViewTableAndEphemeralModelsHoldTheirRows) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kProject);
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I1", "2026-01-01T10:00:00Z", {{"E1", 5}, {"E2", 7}}),
                                ItemEvent("I2", "2026-01-01T10:00:00Z", {{"E1", 3}})}));

  const RunResult r = Models(ws, {"run"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("sluice models run: 0 seeds, 3 models, 0 tests"));  // ephemeral models do not run
  EXPECT_THAT(r.out, HasSubstr("Done in"));

  EXPECT_EQ(RelationKindOf(ws, "entries_v"), "view");
  EXPECT_EQ(RelationKindOf(ws, "totals"), "table");
  EXPECT_EQ(RelationKindOf(ws, "big_counts"), "table");
  EXPECT_EQ(RelationKindOf(ws, "stg_entries"), "");  // inlined: no relation
  EXPECT_EQ(RelationKindOf(ws, "big_entries"), "");

  EXPECT_THAT(Rows(ws, "SELECT eventitemid, entryidentifier, amount FROM entries_v ORDER BY 1, 2"),
              ElementsAre("I1|E1|5", "I1|E2|7", "I2|E1|3"));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total, entries FROM totals ORDER BY 1"), ElementsAre("I1|12|2", "I2|3|1"));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, n FROM big_counts ORDER BY 1"), ElementsAre("I1|2"));

  // New events: the view shows them at once, the table only once rebuilt.
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I3", "2026-01-01T11:00:00Z", {{"E1", 9}})}));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, amount FROM entries_v WHERE eventitemid = 'I3'"), ElementsAre("I3|9"));
  EXPECT_EQ(ws.Count("totals"), 2);
  ASSERT_RUN_OK(Models(ws, {"run", "-s", "totals"}));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total, entries FROM totals ORDER BY 1"),
              ElementsAre("I1|12|2", "I2|3|1", "I3|9|1"));
  EXPECT_EQ(RelationKindOf(ws, "stg_entries"), "");
}

TEST(ModelsMaterializations, CompileInlinesEphemeralModelsAsCtes) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kProject);
  const RunResult r = Models(ws, {"compile", "-s", "big_counts"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("-- model.analytics.big_counts"));
  // The model's own WITH gets the CTEs in front, the one read by the other first.
  const size_t stg = r.out.find("__dbt__cte__stg_entries as (");
  const size_t big = r.out.find("__dbt__cte__big_entries as (");
  const size_t counted = r.out.find("counted as (");
  ASSERT_NE(stg, std::string::npos) << r.out;
  ASSERT_NE(big, std::string::npos) << r.out;
  ASSERT_NE(counted, std::string::npos) << r.out;
  EXPECT_LT(stg, big) << r.out;
  EXPECT_LT(big, counted) << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("\"stg_entries\"")));  // never read as a relation
}

TEST(ModelsMaterializations, AModelChangingFromTableToViewAndBackReplacesTheRelation) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kProject);
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I1", "2026-01-01T10:00:00Z", {{"E1", 5}})}));
  ASSERT_RUN_OK(Models(ws, {"run", "-s", "totals"}));
  ASSERT_EQ(RelationKindOf(ws, "totals"), "table");
  WriteProjectFile(ws, "models/totals.sql",
                   "{{ config(materialized='view') }}\nselect eventitemid, sum(amount) as total\n"
                   "from {{ ref('stg_entries') }} group by eventitemid\n");
  ASSERT_RUN_OK(Models(ws, {"run", "-s", "totals"}));
  EXPECT_EQ(RelationKindOf(ws, "totals"), "view");
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total FROM totals"), ElementsAre("I1|5"));
  WriteProjectFile(ws, "models/totals.sql",
                   "{{ config(materialized='table') }}\nselect eventitemid, 1 as one from {{ ref('stg_entries') }}\n");
  ASSERT_RUN_OK(Models(ws, {"run", "-s", "totals"}));
  EXPECT_EQ(RelationKindOf(ws, "totals"), "table");
  EXPECT_THAT(ws.Columns("totals"), ElementsAre("eventitemid", "one"));
}

}  // namespace
}  // namespace sluice::testing
