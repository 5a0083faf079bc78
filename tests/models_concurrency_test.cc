// Two builds at once, as serve's on_merge rebuild and a hand-run
// `sluice models run` can be: an incremental model never gets a row twice.
// And what a rebuild keeps: the views on a reloaded seed, the case of a
// seed's column names, the exit code of a project whose graph has a cycle.
#include <gtest/gtest.h>

#include <thread>

#include "models_harness.h"

namespace sluice::testing {
namespace {

TEST(ModelsConcurrency, TwoRunsOfAnIncrementalModelAtOnceNeverInsertARowTwice) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"models/items.sql",
                     "{{ config(materialized='incremental', unique_key='eventitemid') }}\n"
                     "select eventitemid, max(eventdatetime) as last_at from {{ source('events', 'accounting') }}\n"
                     "{% if is_incremental() %}where eventdatetime > "
                     "(select coalesce(max(last_at), '1900-01-01') from {{ this }}){% endif %}\n"
                     "group by eventitemid"}});
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I0", "2026-11-01T00:00:00Z", {{"E", 1}})}));
  ASSERT_RUN_OK(Models(ws, {"run"}));
  for (int round = 1; round <= 5; ++round) {
    std::vector<std::string> events;
    for (int i = 0; i < 20; ++i)
      events.push_back(ItemEvent(fmt::format("I{}-{}", round, i), fmt::format("2026-11-{:02}T00:00:00Z", round + 1),
                                 {{"E", i}}));
    ASSERT_TRUE(LoadAndMerge(ws, events));
    RunResult first, second;
    std::thread other([&] { second = Models(ws, {"run"}); });
    first = Models(ws, {"run"});
    other.join();
    EXPECT_RUN_OK(first);
    EXPECT_RUN_OK(second);
  }
  EXPECT_EQ(ws.Count("SELECT count(*) FROM items"), 1 + 5 * 20);
  EXPECT_EQ(ws.Count("SELECT count(DISTINCT eventitemid) FROM items"), 1 + 5 * 20);
}

TEST(ModelsConcurrency, ReloadingASeedKeepsTheViewsOnIt) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"seeds/codes.csv", "code,label\n1,one\n2,two\n"},
                    {"models/code_view.sql", "{{ config(materialized='view') }}select * from {{ ref('codes') }}"}});
  ASSERT_RUN_OK(Models(ws, {"build"}));
  WriteProjectFile(ws, "seeds/codes.csv", "code,label\n1,one\n2,two\n3,three\n");
  ASSERT_RUN_OK(Models(ws, {"seed"}));
  EXPECT_EQ(RelationKindOf(ws, "code_view"), "view");
  EXPECT_EQ(ws.Count("SELECT count(*) FROM code_view"), 3);
}

TEST(ModelsConcurrency, QuoteColumnsFalseFoldsSeedColumnNamesToLowerCase) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"dbt_project.yml", DbtProjectYml("seeds:\n  analytics:\n    +quote_columns: false\n")},
                    {"seeds/people.csv", "Id,FirstName\n1,Ada\n"}});
  ASSERT_RUN_OK(Models(ws, {"seed"}));
  EXPECT_EQ(ws.Columns("people"), (std::vector<std::string>{"id", "firstname"}));
}

TEST(ModelsConcurrency, AGraphWithACycleExitsOneNamingIt) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"models/a.sql", "select * from {{ ref('b') }}"}, {"models/b.sql", "select * from {{ ref('a') }}"}});
  const RunResult r = Models(ws, {"run"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_NE(r.err.find("has a cycle"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sluice::testing
