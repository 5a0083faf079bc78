// `sluice models build` and the selection and vars every command takes, on
// both backends: a model that fails skips what is built on it and the run
// history (sluice_model_runs) has one row per node; --select and --exclude
// choose nodes as dbt does, a bad selector is a usage error; --vars beats
// sluice.yaml's models.vars, which beat dbt_project.yml's vars.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "models_harness.h"

namespace sluice::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// broken's SQL names a column that does not exist: after_broken and
// after_after are built on it, sibling only on good.
const std::vector<std::pair<std::string, std::string>> kBrokenProject = {
    {"models/good.sql",
     "{{ config(materialized='table') }}\nselect eventitemid, cast(amount as integer) as amount "
     "from {{ source('events', 'accounting') }}\n"},
    {"models/broken.sql", "{{ config(materialized='table') }}\nselect no_such_column from {{ ref('good') }}\n"},
    {"models/after_broken.sql", "{{ config(materialized='view') }}\nselect * from {{ ref('broken') }}\n"},
    {"models/after_after.sql", "{{ config(materialized='table') }}\nselect * from {{ ref('after_broken') }}\n"},
    {"models/sibling.sql", "{{ config(materialized='view') }}\nselect eventitemid from {{ ref('good') }}\n"},
    {"models/properties.yml",
     "version: 2\nmodels:\n  - name: good\n    columns:\n      - name: eventitemid\n        data_tests: [not_null]\n"
     "  - name: broken\n    columns:\n      - name: no_such_column\n        data_tests: [not_null]\n"},
};

TEST(ModelsBuild, AFailingModelSkipsItsDescendantsAndEveryNodeIsRecordedOnce) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kBrokenProject);
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I1", "2026-01-01T10:00:00Z", {{"E1", 5}, {"E2", 7}})}));
  const RunResult r = Models(ws, {"build"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.out, ContainsRegex("ERROR +table +broken in [0-9.]+ s\n +.*no_such_column"));
  EXPECT_THAT(r.out, ContainsRegex("SKIP +view +after_broken \\(model.analytics.broken errored\\)"));
  EXPECT_THAT(r.out, ContainsRegex("SKIP +table +after_after \\(model.analytics.broken errored\\)"));
  EXPECT_THAT(r.out, HasSubstr("2 built, 1 error, 3 skipped; tests: 1 passed, 0 warned, 0 failed"));
  EXPECT_FALSE(ws.HasTable("broken"));
  EXPECT_FALSE(ws.HasTable("after_broken"));
  EXPECT_FALSE(ws.HasTable("after_after"));
  EXPECT_EQ(ws.Count("sibling"), 2);

  EXPECT_THAT(LastRun(ws), UnorderedElementsAre("model.analytics.good success", "model.analytics.broken error",
                                                "model.analytics.after_broken skipped",
                                                "model.analytics.after_after skipped", "model.analytics.sibling success",
                                                "test.analytics.not_null_good_eventitemid pass",
                                                "test.analytics.not_null_broken_no_such_column skipped"));
  // What each row says: rows built, the error, and the hash of the SQL that ran.
  const auto runs = ws.Query(
      "SELECT model, status, rows, error, sql_hash, started, finished FROM sluice_model_runs ORDER BY id");
  ASSERT_EQ(runs.size(), 7u);
  const std::regex hash("[0-9a-f]{16}");
  for (const Row& run : runs) {
    const std::string& model = run[0].text;
    const std::string& status = run[1].text;
    EXPECT_FALSE(run[5].is_null()) << model;
    EXPECT_LE(run[5].text, run[6].text) << model;
    if (status == "skipped") {
      EXPECT_TRUE(run[2].is_null()) << model;
      EXPECT_TRUE(run[4].is_null()) << model;  // nothing ran
      EXPECT_EQ(run[3].text, "model.analytics.broken errored") << model;
    } else {
      EXPECT_TRUE(std::regex_match(run[4].text, hash)) << model << ": " << run[4].text;
    }
    if (model == "model.analytics.good") {
      EXPECT_EQ(run[2].integer, 2);
    } else if (model == "model.analytics.broken") {
      EXPECT_THAT(run[3].text, HasSubstr("no_such_column"));
    } else if (model == "test.analytics.not_null_good_eventitemid") {
      EXPECT_EQ(run[2].integer, 0);  // failing rows
    }
  }
  // The hash names the SQL: the same model compiles the same way next time.
  const std::string first = ws.Query("SELECT sql_hash FROM sluice_model_runs WHERE model = 'model.analytics.good'")[0][0].text;
  ASSERT_RUN_OK(Models(ws, {"run", "-s", "good"}));
  EXPECT_THAT(Rows(ws, "SELECT sql_hash FROM sluice_model_runs WHERE model = 'model.analytics.good' ORDER BY id"),
              ElementsAre(first, first));

  // Fixed, the next build builds everything.
  WriteProjectFile(ws, "models/broken.sql",
                   "{{ config(materialized='table') }}\nselect eventitemid as no_such_column from {{ ref('good') }}\n");
  ASSERT_RUN_OK(Models(ws, {"build"}));
  EXPECT_EQ(ws.Count("after_after"), 2);
}

TEST(ModelsBuild, AFailingTestSkipsWhatIsBuiltOnTheModelItTestsButNotItsOtherTests) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"models/base.sql", "{{ config(materialized='table') }}\nselect eventitemid, entryidentifier "
                                        "from {{ source('events', 'accounting') }}\n"},
                    {"models/downstream.sql", "select * from {{ ref('base') }}\n"},
                    {"models/properties.yml",
                     "version: 2\nmodels:\n  - name: base\n    columns:\n      - name: eventitemid\n"
                     "        data_tests: [unique, not_null]\n  - name: downstream\n    columns:\n"
                     "      - name: eventitemid\n        data_tests: [not_null]\n"}});
  // Two entries of one item: eventitemid is not unique in base.
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I1", "2026-01-01T10:00:00Z", {{"E1", 5}, {"E2", 7}})}));
  const RunResult r = Models(ws, {"build"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.out, ContainsRegex("SKIP +view +downstream \\(test.analytics.unique_base_eventitemid failed\\)"));
  EXPECT_THAT(LastRun(ws), ElementsAre("model.analytics.base success", "test.analytics.unique_base_eventitemid fail",
                                       "test.analytics.not_null_base_eventitemid pass",
                                       "model.analytics.downstream skipped",
                                       "test.analytics.not_null_downstream_eventitemid skipped"));
  EXPECT_FALSE(ws.HasTable("downstream"));

  // `test` builds nothing, so a failing test holds nothing back: the tests
  // of models built on the tested one run too.
  ASSERT_RUN_OK(Models(ws, {"run"}));
  const RunResult t = Models(ws, {"test"});
  EXPECT_EQ(t.exit_code, 1) << t.Describe();
  EXPECT_THAT(LastRun(ws), UnorderedElementsAre("test.analytics.unique_base_eventitemid fail",
                                                "test.analytics.not_null_base_eventitemid pass",
                                                "test.analytics.not_null_downstream_eventitemid pass"));
}

// Two staging views, one per source table; marts on them; a report on a mart.
const std::vector<std::pair<std::string, std::string>> kGraph = {
    {"models/staging/stg_a.sql", "select eventitemid from {{ source('events', 'accounting') }}\n"},
    {"models/staging/stg_b.sql", "select seq from {{ source('events', 'accounting_stg') }}\n"},
    {"models/marts/fct.sql", "{{ config(materialized='table', tags=['nightly']) }}\nselect * from {{ ref('stg_a') }}\n"},
    {"models/marts/dim.sql", "{{ config(materialized='table') }}\nselect * from {{ ref('stg_b') }}\n"},
    {"models/report.sql", "select count(*) as n from {{ ref('fct') }}\n"},
};

// dbt would build these in a schema of their own; in sluice every relation
// shares the warehouse's namespace, so a model or seed named like a final,
// staging or bookkeeping table would replace it. Refused before anything runs.
TEST(ModelsBuild, AModelOrSeedNamedLikeSluicesOwnTableIsRefusedAndNothingIsReplaced) {
  Workspace ws(ModelsConfigYaml());
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("ITEM-1", "2026-11-20T10:00:00Z", {{"ENT-1", 5}})}));
  const int64_t rows = ws.Count("accounting");
  const std::vector<std::string> columns = ws.Columns("accounting");
  WriteProject(ws, {{"dbt_project.yml", DbtProjectYml()},
                    {"models/accounting.sql", "{{ config(materialized='table') }}\nselect 1 as x\n"},
                    {"models/renamed.sql", "{{ config(materialized='table', alias='sluice_load_history') }}\nselect 1 as x\n"},
                    {"models/fine.sql", "{{ config(materialized='ephemeral') }}\nselect 1 as x\n"},
                    {"seeds/accounting_stg.csv", "a\n1\n"}});
  const RunResult r = Models(ws, {"build"});
  EXPECT_NE(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("model.analytics.accounting would build 'accounting', which is sluice's own table "
                               "of the events"))
      << r.err;
  EXPECT_THAT(r.err, HasSubstr("would build 'sluice_load_history', which is sluice's own bookkeeping table"));
  EXPECT_THAT(r.err, HasSubstr("would build 'accounting_stg'"));
  EXPECT_THAT(r.err, Not(HasSubstr("fine")));
  EXPECT_EQ(ws.Count("accounting"), rows);
  EXPECT_EQ(ws.Columns("accounting"), columns);
  EXPECT_FALSE(ws.HasTable("renamed"));
}

TEST(ModelsSelection, SelectorsChooseWhatRuns) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kGraph);
  const auto ran = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "run");
    const RunResult r = Models(ws, args);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return LastRunNames(ws);
  };
  ASSERT_RUN_OK(Models(ws, {"run"}));  // every relation exists, whatever a selection leaves out
  EXPECT_THAT(ran({"-s", "stg_a+"}), ElementsAre("stg_a", "fct", "report"));
  EXPECT_THAT(ran({"--select", "+fct"}), ElementsAre("stg_a", "fct"));
  EXPECT_THAT(ran({"-s", "tag:nightly"}), ElementsAre("fct"));
  EXPECT_THAT(ran({"-s", "path:marts/"}), UnorderedElementsAre("fct", "dim"));
  EXPECT_THAT(ran({"-s", "source:events.accounting+"}), ElementsAre("stg_a", "fct", "report"));
  EXPECT_THAT(ran({"-s", "source:events.accounting_stg+"}), ElementsAre("stg_b", "dim"));
  EXPECT_THAT(ran({"-s", "stg_a+", "--exclude", "report"}), ElementsAre("stg_a", "fct"));
  EXPECT_THAT(ran({"-s", "stg_a+ dim"}), UnorderedElementsAre("stg_a", "fct", "report", "dim"));  // a union
  EXPECT_THAT(ran({"--exclude", "path:staging"}), UnorderedElementsAre("fct", "dim", "report"));
  EXPECT_THAT(ran({"-s", "1+report"}), ElementsAre("fct", "report"));
}

TEST(ModelsSelection, ABadSelectorIsAUsageErrorAndBuildsNothing) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kGraph);
  RunResult r = Models(ws, {"run", "-s", "bogus:x"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("unknown selection method 'bogus' in 'bogus:x'"));
  r = Models(ws, {"build", "--exclude", "resource_type:widget"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("there is no resource type 'widget'"));
  r = Models(ws, {"ls", "-s", "x+,"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("malformed"));
  EXPECT_FALSE(ws.HasTable("fct"));
  // A selector that matches nothing is not an error, but says so.
  r = Models(ws, {"run", "-s", "no_such_model"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.out + r.err, HasSubstr("no_such_model"));
  EXPECT_THAT(r.out, HasSubstr("0 seeds, 0 models, 0 tests"));
}

TEST(ModelsVars, CommandLineVarsBeatSluiceYamlWhichBeatsTheProject) {
  Workspace ws(ModelsConfigYaml("  vars: {from_config: config, everywhere: config}\n"));
  WriteProject(ws, {{"dbt_project.yml", DbtProjectYml("vars:\n  from_project: project\n  from_config: project\n"
                                                      "  everywhere: project\n")},
                    {"models/seen.sql",
                     "{{ config(materialized='table') }}\n"
                     "select '{{ var('from_project') }}' as p, '{{ var('from_config') }}' as c,\n"
                     "  '{{ var('everywhere') }}' as e, '{{ var('unset', 'fallback') }}' as d\n"}});
  ASSERT_RUN_OK(Models(ws, {"run"}));
  EXPECT_THAT(Rows(ws, "SELECT p, c, e, d FROM seen"), ElementsAre("project|config|config|fallback"));
  ASSERT_RUN_OK(Models(ws, {"run", "--vars", "{everywhere: cli, unset: given}"}));
  EXPECT_THAT(Rows(ws, "SELECT p, c, e, d FROM seen"), ElementsAre("project|config|cli|given"));
  // --vars is checked: YAML that is not a map is refused.
  const RunResult r = Models(ws, {"run", "--vars", "[1, 2]"});
  EXPECT_NE(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("--vars"));
}

}  // namespace
}  // namespace sluice::testing
