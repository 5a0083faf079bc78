// Incremental models run by `sluice models run` on both backends: a
// unique_key (one column or a list) replaces the rows the new SELECT returns
// again, no key only appends, is_incremental() is true once the table
// exists so the model's filter decides what is read, --full-refresh builds
// it anew; and on_schema_change says what happens when its columns change.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models_harness.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// `built_by` records which kind of run last wrote a row: rows the
// incremental filter leaves out keep "full" from the first run.
const std::vector<std::pair<std::string, std::string>> kProject = {
    {"models/item_totals.sql",
     "{{ config(materialized='incremental', unique_key='eventitemid') }}\n"
     "select eventitemid, sum(cast(amount as integer)) as total, max(eventdatetime) as latest,\n"
     "  '{{ 'inc' if is_incremental() else 'full' }}' as built_by\n"
     "from {{ source('events', 'accounting') }}\n"
     "{% if is_incremental() %}\n"
     "where eventitemid in (select eventitemid from {{ source('events', 'accounting') }}\n"
     "                      where eventdatetime > (select max(latest) from {{ this }}))\n"
     "{% endif %}\n"
     "group by eventitemid\n"},
    {"models/entry_amounts.sql",
     "{{ config(materialized='incremental', unique_key=['eventitemid', 'entryidentifier']) }}\n"
     "select eventitemid, entryidentifier, cast(amount as integer) as amount, eventdatetime\n"
     "from {{ source('events', 'accounting') }}\n"
     "{% if is_incremental() %}where eventdatetime > (select max(eventdatetime) from {{ this }}){% endif %}\n"},
    {"models/entry_log.sql",
     "{{ config(materialized='incremental') }}\n"
     "select eventitemid, entryidentifier, cast(amount as integer) as amount, eventdatetime\n"
     "from {{ source('events', 'accounting') }}\n"
     "{% if is_incremental() %}where eventdatetime > (select max(eventdatetime) from {{ this }}){% endif %}\n"},
};

TEST(ModelsIncremental, UniqueKeysReplaceRowsAppendOnlyAddsAndFullRefreshRebuilds) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kProject);

  // Run 1: the tables do not exist, so the whole SELECT builds them.
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I1", "2026-01-01T10:00:00Z", {{"E1", 5}, {"E2", 7}}),
                                ItemEvent("I2", "2026-01-01T10:00:00Z", {{"E1", 3}}),
                                ItemEvent("I3", "2026-01-01T10:00:00Z", {{"E1", 1}})}));
  RunResult r = Models(ws, {"run"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("item_totals [incremental (full)] 3 rows"));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total, built_by FROM item_totals ORDER BY 1"),
              ElementsAre("I1|12|full", "I2|3|full", "I3|1|full"));

  // Run 2: I2's entry changes, I4 is new.
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I2", "2026-01-01T11:00:00Z", {{"E1", 10}}),
                                ItemEvent("I4", "2026-01-01T11:00:00Z", {{"E1", 4}})}));
  r = Models(ws, {"run"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("item_totals [incremental] 2 rows"));  // only what the filter let through
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total, built_by FROM item_totals ORDER BY 1"),
              ElementsAre("I1|12|full", "I2|10|inc", "I3|1|full", "I4|4|inc"));

  // Run 3: one of I1's two entries changes, I5 is new.
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I1", "2026-01-01T12:00:00Z", {{"E2", 1}}),
                                ItemEvent("I5", "2026-01-01T12:00:00Z", {{"E1", 9}})}));
  r = Models(ws, {"run"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total, built_by FROM item_totals ORDER BY 1"),
              ElementsAre("I1|6|inc", "I2|10|inc", "I3|1|full", "I4|4|inc", "I5|9|inc"));
  // The composite key replaced I1/E2 and I2/E1 and kept I1/E1, which a key
  // on eventitemid alone would have deleted.
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, entryidentifier, amount FROM entry_amounts ORDER BY 1, 2"),
              ElementsAre("I1|E1|5", "I1|E2|1", "I2|E1|10", "I3|E1|1", "I4|E1|4", "I5|E1|9"));
  // Without a key every version stays: I1/E2 and I2/E1 twice.
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, entryidentifier, amount FROM entry_log ORDER BY 1, 2, 3"),
              ElementsAre("I1|E1|5", "I1|E2|1", "I1|E2|7", "I2|E1|3", "I2|E1|10", "I3|E1|1", "I4|E1|4", "I5|E1|9"));

  // A run with nothing new changes nothing.
  r = Models(ws, {"run"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("item_totals [incremental] 0 rows"));
  EXPECT_EQ(ws.Count("entry_log"), 8);

  // --full-refresh: built from scratch, so a row put in behind sluice's back goes too.
  ws.Exec("INSERT INTO item_totals (eventitemid, total, built_by) VALUES ('ghost', 0, 'x')");
  r = Models(ws, {"run", "--full-refresh"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("item_totals [incremental (full)] 5 rows"));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total, built_by FROM item_totals ORDER BY 1"),
              ElementsAre("I1|6|full", "I2|10|full", "I3|1|full", "I4|4|full", "I5|9|full"));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, entryidentifier, amount FROM entry_log ORDER BY 1, 2"),
              ElementsAre("I1|E1|5", "I1|E2|1", "I2|E1|10", "I3|E1|1", "I4|E1|4", "I5|E1|9"));
}

// The same model under each on_schema_change; `extra` adds columns to its SELECT.
std::string Evolving(const std::string& on_schema_change, const std::string& extra) {
  return "{{ config(materialized='incremental', on_schema_change='" + on_schema_change + "') }}\n"
         "select eventitemid, cast(amount as integer) as amount, eventdatetime" + extra + "\n"
         "from {{ source('events', 'accounting') }}\n"
         "{% if is_incremental() %}where eventdatetime > (select max(eventdatetime) from {{ this }}){% endif %}\n";
}

TEST(ModelsIncremental, OnSchemaChangeIgnoresAppendsOrFails) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"models/keeps.sql", Evolving("ignore", "")},
                    {"models/grows.sql", Evolving("append_new_columns", "")},
                    {"models/refuses.sql", Evolving("fail", "")}});
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I1", "2026-01-01T10:00:00Z", {{"E1", 5}})}));
  ASSERT_RUN_OK(Models(ws, {"run"}));

  for (const std::string name : {"keeps", "grows", "refuses"})
    WriteProjectFile(ws, "models/" + name + ".sql",
                     Evolving(name == "keeps" ? "ignore" : name == "grows" ? "append_new_columns" : "fail",
                              ", 'new' as note"));
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I2", "2026-01-01T11:00:00Z", {{"E1", 3}})}));
  const RunResult r = Models(ws, {"run"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();

  // ignore: the new rows arrive without the new column.
  EXPECT_THAT(ws.Columns("keeps"), ElementsAre("eventitemid", "amount", "eventdatetime"));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, amount FROM keeps ORDER BY 1"), ElementsAre("I1|5", "I2|3"));
  // append_new_columns: the column is added; older rows have NULL in it.
  EXPECT_THAT(ws.Columns("grows"), ElementsAre("eventitemid", "amount", "eventdatetime", "note"));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, amount, note FROM grows ORDER BY 1"), ElementsAre("I1|5|NULL", "I2|3|new"));
  // fail: the run fails naming the columns, and the table is left as it was.
  EXPECT_THAT(r.out, HasSubstr("ERROR  incremental  refuses"));
  EXPECT_THAT(r.out, HasSubstr("incremental model refuses: its columns changed (new: note; gone: none) and "
                               "on_schema_change is fail; run it with --full-refresh"));
  EXPECT_THAT(r.out, HasSubstr("2 built, 1 error"));
  EXPECT_THAT(ws.Columns("refuses"), ElementsAre("eventitemid", "amount", "eventdatetime"));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid FROM refuses"), ElementsAre("I1"));
  EXPECT_THAT(Rows(ws, "SELECT status FROM sluice_model_runs WHERE model = 'model.analytics.refuses' ORDER BY id"),
              ElementsAre("success", "error"));

  // --full-refresh is the way out.
  ASSERT_RUN_OK(Models(ws, {"run", "-s", "refuses", "--full-refresh"}));
  EXPECT_THAT(ws.Columns("refuses"), ElementsAre("eventitemid", "amount", "eventdatetime", "note"));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, note FROM refuses ORDER BY 1"), ElementsAre("I1|new", "I2|new"));
  EXPECT_THAT(LastRun(ws), Not(::testing::Contains(HasSubstr("error"))));
}

}  // namespace
}  // namespace sluice::testing
