// `sluice models` on the ClickHouse warehouse (the /ch variant only). The
// other models suites' projects use CTEs, which ClickHouse 18.16 lacks, so
// this one writes its own project in ClickHouse SQL: no WITH, GROUP BY by
// name, toInt64/toDate/substring, subqueries in FROM and IN. On ClickHouse
// the final table `accounting` is a view, its timestamps are text
// ('YYYY-MM-DD HH:MM:SS.ffffff') and number(9,2) is Decimal(9,2).
//
// What it shows: views, tables and ephemeral models hold the rows the
// loaded events make (worked out below from the events themselves, by a
// small model of the merge); incremental models with and without a
// unique_key, and --full-refresh; a seed's text, integer, decimal, boolean
// and date columns; the built-in generic tests and a singular test passing
// and failing with their failing-row counts; `models build`'s exit codes;
// the run history in sluice_model_runs (the bookkeeping store's, which
// ws.Query reads for sluice_* tables); and that no relation a build makes
// on the side (NAME__sluice_new, __sluice_old, __sluice_arriving) is left
// behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models_harness.h"

namespace sluice::testing {
namespace {

using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

// ---------------------------------------------------------------------------
// The events, and what merging them leaves in `accounting`.

struct Event {
  std::string item;
  std::string version;  // ISO, e.g. 2026-01-01T10:00:00Z
  std::vector<std::pair<std::string, int>> entries;
};

// One row of the final table: key (eventitemid, entryidentifier), the
// newest version's amount.
struct LedgerRow {
  std::string item, entry;
  int64_t amount = 0;
  std::string version;  // as ClickHouse stores it: 2026-01-01 10:00:00.000000
};

// "2026-01-01T10:00:00Z" as sluice stores a timestamp.
std::string Stored(const std::string& iso) {
  std::string out = iso;
  std::replace(out.begin(), out.end(), 'T', ' ');
  if (!out.empty() && out.back() == 'Z') out.pop_back();
  return out + ".000000";
}

// What the catalog's merge does to the Accounting events (key
// eventitemid + entryidentifier, version eventdatetime, newest wins): the
// reference the models' rows are compared with.
class Ledger {
 public:
  // Takes the events in and returns them as NDJSON lines to load.
  std::vector<std::string> Add(const std::vector<Event>& events) {
    std::vector<std::string> lines;
    for (const Event& e : events) {
      lines.push_back(ItemEvent(e.item, e.version, e.entries));
      for (const auto& [entry, amount] : e.entries) {
        LedgerRow& row = rows_[{e.item, entry}];
        if (!row.version.empty() && row.version >= Stored(e.version)) continue;
        row = {e.item, entry, amount, Stored(e.version)};
      }
    }
    return lines;
  }

  std::vector<LedgerRow> rows() const {
    std::vector<LedgerRow> out;
    for (const auto& [key, row] : rows_) out.push_back(row);
    return out;
  }

  struct Item {
    int64_t total = 0;
    int64_t entries = 0;
    std::string latest;
  };
  std::map<std::string, Item> items() const {
    std::map<std::string, Item> out;
    for (const auto& [key, row] : rows_) {
      Item& item = out[row.item];
      item.total += row.amount;
      ++item.entries;
      item.latest = std::max(item.latest, row.version);
    }
    return out;
  }

 private:
  std::map<std::pair<std::string, std::string>, LedgerRow> rows_;
};

::testing::AssertionResult Load(const Workspace& ws, Ledger* ledger, const std::vector<Event>& events) {
  return LoadAndMerge(ws, ledger->Add(events));
}

// A Decimal or Float cell as Rows() renders it ("12", "-0.25").
std::string Real(double value) { return fmt::format("{}", value); }

// ---------------------------------------------------------------------------
// Looks at ClickHouse's catalog.

// The relation's engine ("View", "MergeTree", …), or "" when there is none.
std::string EngineOf(const Workspace& ws, const std::string& name) {
  const auto rows = ws.Query("SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = '" +
                             name + "'");
  return rows.empty() ? "" : rows[0][0].text;
}

// The column types ClickHouse declared, in column order.
std::vector<std::string> TypesOf(const Workspace& ws, const std::string& table) {
  std::vector<std::string> out;
  for (const Row& r : ws.Query("DESCRIBE TABLE " + table)) out.push_back(r.at(1).text);
  return out;
}

// Relations a build makes on the side and renames or drops before it ends.
std::vector<std::string> SideRelations(const Workspace& ws) {
  return Rows(ws, "SELECT name FROM system.tables WHERE database = currentDatabase() "
                  "AND match(name, '__sluice_(new|old|arriving)$') ORDER BY name");
}

// ---------------------------------------------------------------------------
// 1. Views, tables and ephemeral models.

// A view over the source, tables over the source and over the view (with a
// cross-database macro), a view with subqueries in FROM and IN over both.
const std::vector<std::pair<std::string, std::string>> kMaterializations = {
    {"models/entries_v.sql",
     "{{ config(materialized='view') }}\n"
     "select eventitemid, entryidentifier, toInt64(amount) as amount, eventdatetime,\n"
     "  '{{ target.type }}' as target_type\n"
     "from {{ source('events', 'accounting') }}\n"},
    {"models/item_totals.sql",
     "{{ config(materialized='table') }}\n"
     "select eventitemid, sum(amount) as total, count(*) as entries, max(eventdatetime) as latest\n"
     "from {{ source('events', 'accounting') }}\n"
     "group by eventitemid\n"},
    {"models/daily.sql",
     "{{ config(materialized='table') }}\n"
     "select {{ dbt.date_trunc('day', 'eventdatetime') }} as day, count(*) as entries, sum(amount) as total\n"
     "from {{ ref('entries_v') }}\n"
     "group by {{ dbt.date_trunc('day', 'eventdatetime') }}\n"},
    // Items with more than one entry now, among those whose latest version
    // the table item_totals (as last built) dates 2026-01-02 or later.
    {"models/busy_items.sql",
     "{{ config(materialized='view') }}\n"
     "select eventitemid, total\n"
     "from (select eventitemid, sum(amount) as total, count(*) as n from {{ ref('entries_v') }} group by eventitemid)\n"
     "where n > 1\n"
     "  and eventitemid in (select eventitemid from {{ ref('item_totals') }}\n"
     "                      where toDate(substring(latest, 1, 10)) >= toDate('2026-01-02'))\n"},
};

std::vector<std::string> ExpectedEntries(const Ledger& ledger) {
  std::vector<std::string> out;
  for (const LedgerRow& r : ledger.rows())
    out.push_back(fmt::format("{}|{}|{}|{}|clickhouse", r.item, r.entry, r.amount, r.version));
  return out;
}

std::vector<std::string> ExpectedItemTotals(const Ledger& ledger) {
  std::vector<std::string> out;
  for (const auto& [item, f] : ledger.items())
    out.push_back(fmt::format("{}|{}|{}|{}", item, Real(f.total), f.entries, f.latest));
  return out;
}

std::vector<std::string> ExpectedDaily(const Ledger& ledger) {
  std::map<std::string, std::pair<int64_t, int64_t>> days;  // day -> (entries, total)
  for (const LedgerRow& r : ledger.rows()) {
    auto& d = days[r.version.substr(0, 10) + " 00:00:00.000000"];
    ++d.first;
    d.second += r.amount;
  }
  std::vector<std::string> out;
  for (const auto& [day, d] : days) out.push_back(fmt::format("{}|{}|{}", day, d.first, d.second));
  return out;
}

// busy_items from the accounting rows of `now` and item_totals as built from `built`.
std::vector<std::string> ExpectedBusy(const Ledger& now, const Ledger& built) {
  const auto built_items = built.items();
  std::vector<std::string> out;
  for (const auto& [item, f] : now.items()) {
    const auto b = built_items.find(item);
    if (f.entries > 1 && b != built_items.end() && b->second.latest.substr(0, 10) >= "2026-01-02")
      out.push_back(fmt::format("{}|{}", item, f.total));
  }
  return out;
}

TEST(ModelsClickHouse, ViewsAndTablesHoldTheRowsOfTheLoadedEvents) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kMaterializations);
  Ledger ledger;
  ASSERT_TRUE(Load(ws, &ledger,
                   {{"I1", "2026-01-01T10:00:00Z", {{"E1", 5}, {"E2", 7}}},
                    {"I2", "2026-01-01T10:00:00Z", {{"E1", 3}}},
                    {"I3", "2026-01-02T09:30:00Z", {{"E1", -4}, {"E2", 10}, {"E3", 1}}}}));
  ASSERT_EQ(EngineOf(ws, "accounting"), "View");  // the final table, as the models read it

  const RunResult r = Models(ws, {"run"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("sluice models run: 0 seeds, 4 models, 0 tests"));
  EXPECT_THAT(r.out, HasSubstr("Done in"));
  EXPECT_EQ(EngineOf(ws, "entries_v"), "View");
  EXPECT_EQ(EngineOf(ws, "busy_items"), "View");
  EXPECT_THAT(EngineOf(ws, "item_totals"), HasSubstr("MergeTree"));
  EXPECT_THAT(EngineOf(ws, "daily"), HasSubstr("MergeTree"));
  EXPECT_THAT(SideRelations(ws), IsEmpty());

  EXPECT_THAT(Rows(ws, "SELECT eventitemid, entryidentifier, amount, eventdatetime, target_type FROM entries_v"),
              UnorderedElementsAreArray(ExpectedEntries(ledger)));
  // number(9,2) summed stays a Decimal.
  EXPECT_THAT(TypesOf(ws, "item_totals").at(1), HasSubstr("Decimal"));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total, entries, latest FROM item_totals"),
              UnorderedElementsAreArray(ExpectedItemTotals(ledger)));
  EXPECT_THAT(Rows(ws, "SELECT day, entries, total FROM daily"), UnorderedElementsAreArray(ExpectedDaily(ledger)));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total FROM busy_items"),
              UnorderedElementsAreArray(ExpectedBusy(ledger, ledger)));
  ASSERT_FALSE(ExpectedBusy(ledger, ledger).empty());  // the view's filter lets something through

  // New events, one updating an entry of I2 and adding another: the views
  // follow the source at once, the tables keep what they were built with.
  const Ledger before = ledger;
  ASSERT_TRUE(Load(ws, &ledger,
                   {{"I2", "2026-01-02T11:00:00Z", {{"E1", 8}, {"E2", 2}}},
                    {"I4", "2026-01-03T08:00:00Z", {{"E1", 6}}}}));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, entryidentifier, amount, eventdatetime, target_type FROM entries_v"),
              UnorderedElementsAreArray(ExpectedEntries(ledger)));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total, entries, latest FROM item_totals"),
              UnorderedElementsAreArray(ExpectedItemTotals(before)));
  EXPECT_THAT(Rows(ws, "SELECT day, entries, total FROM daily"), UnorderedElementsAreArray(ExpectedDaily(before)));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total FROM busy_items"),
              UnorderedElementsAreArray(ExpectedBusy(ledger, before)));

  // Rebuilt, the table holds the new figures, and the view reading it follows.
  ASSERT_RUN_OK(Models(ws, {"run", "-s", "item_totals"}));
  EXPECT_THAT(LastRunNames(ws), ElementsAre("item_totals"));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total, entries, latest FROM item_totals"),
              UnorderedElementsAreArray(ExpectedItemTotals(ledger)));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total FROM busy_items"),
              UnorderedElementsAreArray(ExpectedBusy(ledger, ledger)));
  EXPECT_NE(ExpectedBusy(ledger, ledger), ExpectedBusy(ledger, before));  // the rebuild made a difference
  EXPECT_THAT(Rows(ws, "SELECT day, entries, total FROM daily"), UnorderedElementsAreArray(ExpectedDaily(before)));
  ASSERT_RUN_OK(Models(ws, {"run"}));
  EXPECT_THAT(Rows(ws, "SELECT day, entries, total FROM daily"), UnorderedElementsAreArray(ExpectedDaily(ledger)));
  EXPECT_THAT(SideRelations(ws), IsEmpty());
}

TEST(ModelsClickHouse, AModelChangingFromTableToViewAndBackReplacesTheRelation) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kMaterializations);
  Ledger ledger;
  ASSERT_TRUE(Load(ws, &ledger, {{"I1", "2026-01-01T10:00:00Z", {{"E1", 5}, {"E2", 2}}}}));
  ASSERT_RUN_OK(Models(ws, {"run", "-s", "item_totals"}));
  ASSERT_THAT(EngineOf(ws, "item_totals"), HasSubstr("MergeTree"));

  WriteProjectFile(ws, "models/item_totals.sql",
                   "{{ config(materialized='view') }}\n"
                   "select eventitemid, toInt64(sum(amount)) as total from {{ source('events', 'accounting') }}\n"
                   "group by eventitemid\n");
  ASSERT_RUN_OK(Models(ws, {"run", "-s", "item_totals"}));
  EXPECT_EQ(EngineOf(ws, "item_totals"), "View");
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total FROM item_totals"), ElementsAre("I1|7"));

  WriteProjectFile(ws, "models/item_totals.sql",
                   "{{ config(materialized='table') }}\n"
                   "select eventitemid, 1 as one from {{ source('events', 'accounting') }}\n");
  ASSERT_RUN_OK(Models(ws, {"run", "-s", "item_totals"}));
  EXPECT_THAT(EngineOf(ws, "item_totals"), HasSubstr("MergeTree"));
  EXPECT_THAT(ws.Columns("item_totals"), ElementsAre("eventitemid", "one"));
  EXPECT_EQ(ws.Count("item_totals"), 2);
  EXPECT_THAT(SideRelations(ws), IsEmpty());
}

// Ephemeral models read by a table, a view and another ephemeral model.
const std::vector<std::pair<std::string, std::string>> kEphemeral = {
    {"models/staging/stg_entries.sql",
     "{{ config(materialized='ephemeral') }}\n"
     "select eventitemid, entryidentifier, toInt64(amount) as amount\n"
     "from {{ source('events', 'accounting') }}\n"},
    {"models/staging/big_entries.sql",
     "{{ config(materialized='ephemeral') }}\n"
     "select eventitemid, entryidentifier, amount from {{ ref('stg_entries') }} where amount >= 5\n"},
    {"models/item_sums.sql",
     "{{ config(materialized='table') }}\n"
     "select eventitemid, sum(amount) as total, count(*) as n from {{ ref('stg_entries') }}\n"
     "group by eventitemid\n"},
    {"models/big_counts.sql",
     "{{ config(materialized='view') }}\n"
     "select eventitemid, count(*) as n from {{ ref('big_entries') }} group by eventitemid\n"},
};

TEST(ModelsClickHouse, EphemeralModelsAreInlinedWithoutARelationOfTheirOwn) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kEphemeral);
  Ledger ledger;
  ASSERT_TRUE(Load(ws, &ledger,
                   {{"I1", "2026-01-01T10:00:00Z", {{"E1", 5}, {"E2", 7}}},
                    {"I2", "2026-01-01T10:00:00Z", {{"E1", 3}}},
                    {"I3", "2026-01-01T11:00:00Z", {{"E1", 9}, {"E2", 1}}}}));
  const RunResult r = Models(ws, {"run"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("sluice models run: 0 seeds, 2 models, 0 tests"));  // ephemeral models do not run
  EXPECT_THAT(EngineOf(ws, "item_sums"), HasSubstr("MergeTree"));
  EXPECT_EQ(EngineOf(ws, "big_counts"), "View");
  EXPECT_EQ(EngineOf(ws, "stg_entries"), "");
  EXPECT_EQ(EngineOf(ws, "big_entries"), "");

  std::vector<std::string> sums, big;
  for (const auto& [item, f] : ledger.items()) sums.push_back(fmt::format("{}|{}|{}", item, f.total, f.entries));
  std::map<std::string, int> big_by_item;
  for (const LedgerRow& row : ledger.rows())
    if (row.amount >= 5) ++big_by_item[row.item];
  for (const auto& [item, n] : big_by_item) big.push_back(fmt::format("{}|{}", item, n));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, total, n FROM item_sums"), UnorderedElementsAreArray(sums));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, n FROM big_counts"), UnorderedElementsAreArray(big));
}

// ---------------------------------------------------------------------------
// 2. Incremental models.

// `built_by` records which kind of run last wrote a row.
const std::vector<std::pair<std::string, std::string>> kIncremental = {
    {"models/item_totals.sql",
     "{{ config(materialized='incremental', unique_key='eventitemid') }}\n"
     "select eventitemid, sum(toInt64(amount)) as total, max(eventdatetime) as latest,\n"
     "  '{{ 'inc' if is_incremental() else 'full' }}' as built_by\n"
     "from {{ source('events', 'accounting') }}\n"
     "{% if is_incremental() %}\n"
     "where eventitemid in (select eventitemid from {{ source('events', 'accounting') }}\n"
     "                      where eventdatetime > (select max(latest) from {{ this }}))\n"
     "{% endif %}\n"
     "group by eventitemid\n"},
    {"models/entry_amounts.sql",
     "{{ config(materialized='incremental', unique_key=['eventitemid', 'entryidentifier']) }}\n"
     "select eventitemid, entryidentifier, toInt64(amount) as amount, eventdatetime\n"
     "from {{ source('events', 'accounting') }}\n"
     "{% if is_incremental() %}where eventdatetime > (select max(eventdatetime) from {{ this }}){% endif %}\n"},
    {"models/entry_log.sql",
     "{{ config(materialized='incremental') }}\n"
     "select eventitemid, entryidentifier, toInt64(amount) as amount, eventdatetime\n"
     "from {{ source('events', 'accounting') }}\n"
     "{% if is_incremental() %}where eventdatetime > (select max(eventdatetime) from {{ this }}){% endif %}\n"},
};

TEST(ModelsClickHouse, IncrementalModelsReplaceRowsByUniqueKeyAppendWithoutOneAndFullRefreshRebuilds) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kIncremental);
  Ledger ledger;
  std::map<std::string, std::string> built_by;  // item -> the kind of run that last wrote its row
  std::vector<std::string> log;                 // entry_log's rows, as appended
  std::string logged_up_to;                     // the newest version in entry_log
  // What each model should hold once a run took in the events of `batch`
  // (`incremental`: the run was an incremental one).
  const auto ran = [&](const std::vector<Event>& batch, bool incremental) {
    for (const Event& e : batch) built_by[e.item] = incremental ? "inc" : "full";
    std::string newest = logged_up_to;
    for (const LedgerRow& row : ledger.rows()) {
      if (row.version <= logged_up_to) continue;
      log.push_back(fmt::format("{}|{}|{}", row.item, row.entry, row.amount));
      newest = std::max(newest, row.version);
    }
    logged_up_to = newest;
  };
  const auto item_totals = [&] {
    std::vector<std::string> out;
    for (const auto& [item, f] : ledger.items())
      out.push_back(fmt::format("{}|{}|{}|{}", item, f.total, f.latest, built_by.at(item)));
    return out;
  };
  const auto entry_amounts = [&] {
    std::vector<std::string> out;
    for (const LedgerRow& r : ledger.rows()) out.push_back(fmt::format("{}|{}|{}", r.item, r.entry, r.amount));
    return out;
  };
  const std::string kItemTotals = "SELECT eventitemid, total, latest, built_by FROM item_totals";
  const std::string kEntryAmounts = "SELECT eventitemid, entryidentifier, amount FROM entry_amounts";
  const std::string kEntryLog = "SELECT eventitemid, entryidentifier, amount FROM entry_log";

  // Run 1: the tables do not exist, so the whole SELECT builds them.
  const std::vector<Event> first = {{"I1", "2026-01-01T10:00:00Z", {{"E1", 5}, {"E2", 7}}},
                                    {"I2", "2026-01-01T10:00:00Z", {{"E1", 3}}},
                                    {"I3", "2026-01-01T10:00:00Z", {{"E1", 1}}}};
  ASSERT_TRUE(Load(ws, &ledger, first));
  RunResult r = Models(ws, {"run"});
  ASSERT_RUN_OK(r);
  ran(first, false);
  EXPECT_THAT(r.out, HasSubstr("item_totals [incremental (full)] 3 rows"));
  EXPECT_THAT(r.out, HasSubstr("entry_log [incremental (full)] 4 rows"));
  EXPECT_THAT(Rows(ws, kItemTotals), UnorderedElementsAreArray(item_totals()));
  EXPECT_THAT(Rows(ws, kEntryAmounts), UnorderedElementsAreArray(entry_amounts()));
  EXPECT_THAT(Rows(ws, kEntryLog), UnorderedElementsAreArray(log));

  // Run 2: I2's entry changes, I4 is new.
  const std::vector<Event> second = {{"I2", "2026-01-01T11:00:00Z", {{"E1", 10}}},
                                     {"I4", "2026-01-01T11:00:00Z", {{"E1", 4}}}};
  ASSERT_TRUE(Load(ws, &ledger, second));
  r = Models(ws, {"run"});
  ASSERT_RUN_OK(r);
  ran(second, true);
  EXPECT_THAT(r.out, HasSubstr("item_totals [incremental] 2 rows"));  // only what the filter let through
  EXPECT_THAT(Rows(ws, kItemTotals), UnorderedElementsAreArray(item_totals()));
  EXPECT_THAT(Rows(ws, "SELECT total FROM item_totals WHERE eventitemid = 'I2'"), ElementsAre("10"));  // replaced, once
  EXPECT_THAT(Rows(ws, kEntryAmounts), UnorderedElementsAreArray(entry_amounts()));
  EXPECT_THAT(Rows(ws, kEntryLog), UnorderedElementsAreArray(log));

  // Run 3: one of I1's two entries changes, I5 is new. The composite key
  // replaces I1/E2 and keeps I1/E1; without a key both versions of I1/E2
  // and of I2/E1 stay.
  const std::vector<Event> third = {{"I1", "2026-01-01T12:00:00Z", {{"E2", 1}}},
                                    {"I5", "2026-01-01T12:00:00Z", {{"E1", 9}}}};
  ASSERT_TRUE(Load(ws, &ledger, third));
  ASSERT_RUN_OK(Models(ws, {"run"}));
  ran(third, true);
  EXPECT_THAT(Rows(ws, kItemTotals), UnorderedElementsAreArray(item_totals()));
  EXPECT_THAT(Rows(ws, kEntryAmounts), UnorderedElementsAreArray(entry_amounts()));
  EXPECT_THAT(Rows(ws, kEntryLog), UnorderedElementsAreArray(log));
  EXPECT_EQ(ws.Count("entry_log"), static_cast<int64_t>(ledger.rows().size()) + 2);
  EXPECT_THAT(SideRelations(ws), IsEmpty());

  // A run with nothing new changes nothing.
  r = Models(ws, {"run"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("item_totals [incremental] 0 rows"));
  EXPECT_THAT(Rows(ws, kItemTotals), UnorderedElementsAreArray(item_totals()));
  EXPECT_THAT(Rows(ws, kEntryLog), UnorderedElementsAreArray(log));

  // --full-refresh: built from scratch, so a row put in behind sluice's back goes too.
  ws.Exec("INSERT INTO item_totals (eventitemid, total, built_by) VALUES ('ghost', 0, 'x')");
  ASSERT_EQ(ws.Count("item_totals"), static_cast<int64_t>(ledger.items().size()) + 1);
  r = Models(ws, {"run", "--full-refresh"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr(fmt::format("item_totals [incremental (full)] {} rows", ledger.items().size())));
  for (auto& [item, kind] : built_by) kind = "full";
  EXPECT_THAT(Rows(ws, kItemTotals), UnorderedElementsAreArray(item_totals()));
  EXPECT_THAT(Rows(ws, kEntryLog), UnorderedElementsAreArray(entry_amounts()));  // one row per key again
  EXPECT_THAT(Rows(ws, kEntryAmounts), UnorderedElementsAreArray(entry_amounts()));
  EXPECT_THAT(SideRelations(ws), IsEmpty());
}

// ---------------------------------------------------------------------------
// 3. Seeds.

// Text (with a quoted comma, doubled quotes and an empty field), text with
// leading zeros, integers, decimals, booleans spelled three ways, dates;
// qty's type set by column_types.
const std::string kProducts =
    "sku,name,code,qty,price,active,since\n"
    "1,\"Bolt, small\",007,250,0.25,true,2024-01-02\n"
    "2,\"say \"\"hi\"\"\",010,0,12.5,FALSE,2024-02-29\n"
    "3,,123,-3,-1.75,True,2023-12-31\n";

TEST(ModelsClickHouse, ASeedLoadsItsTextIntegerDecimalBooleanAndDateValues) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"dbt_project.yml",
                     DbtProjectYml("seeds:\n  analytics:\n    products:\n      +column_types: {qty: 'Nullable(Int32)'}\n")},
                    {"seeds/products.csv", kProducts},
                    {"models/active_products.sql",
                     "{{ config(materialized='view') }}\n"
                     "select sku, toDate(since) as since_date, toYear(toDate(since)) as year\n"
                     "from {{ ref('products') }} where active = 1 and price > 0\n"}});
  const RunResult r = Models(ws, {"build"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, ContainsRegex("OK +seed +products 3 rows"));

  EXPECT_THAT(Rows(ws, "SELECT sku, name, code, qty, price, active, since FROM products ORDER BY sku"),
              ElementsAre("1|Bolt, small|007|250|0.25|1|2024-01-02", "2|say \"hi\"|010|0|12.5|0|2024-02-29",
                          "3|NULL|123|-3|-1.75|1|2023-12-31"));
  const auto types = TypesOf(ws, "products");
  ASSERT_EQ(types.size(), 7u);
  EXPECT_THAT(types[0], HasSubstr("Int64"));
  EXPECT_THAT(types[1], HasSubstr("String"));
  EXPECT_THAT(types[2], HasSubstr("String"));  // 007 stays text
  EXPECT_EQ(types[3], "Nullable(Int32)");     // as column_types says
  EXPECT_THAT(types[4], AnyOf(HasSubstr("Decimal"), HasSubstr("Float")));
  EXPECT_THAT(types[5], HasSubstr("UInt8"));  // a boolean, as ClickHouse 18.16 has them
  EXPECT_THAT(types[6], AnyOf(HasSubstr("String"), HasSubstr("Date")));

  // Typed values: numbers add up as numbers, the date converts.
  const auto row = ws.Query("SELECT sku, code, price, active FROM products WHERE sku = 1");
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0].type, SQLITE_INTEGER);
  EXPECT_EQ(row[0][1].type, SQLITE_TEXT);
  EXPECT_EQ(row[0][2].type, SQLITE_FLOAT);
  EXPECT_EQ(row[0][2].real, 0.25);
  EXPECT_EQ(row[0][3].integer, 1);
  EXPECT_THAT(Rows(ws, "SELECT sum(qty), sum(price), sum(active) FROM products"),
              ElementsAre("247|" + Real(0.25 + 12.5 - 1.75) + "|2"));
  EXPECT_THAT(Rows(ws, "SELECT sku, since_date, year FROM active_products ORDER BY sku"),
              ElementsAre("1|2024-01-02|2024"));

  // Seeding again replaces the table instead of adding to it.
  ASSERT_RUN_OK(Models(ws, {"seed"}));
  EXPECT_EQ(ws.Count("products"), 3);
  EXPECT_THAT(SideRelations(ws), IsEmpty());
}

// ---------------------------------------------------------------------------
// 4. Data tests, and build's exit codes.

// Order 3 twice (once without a customer and with an unknown status), and
// code Z which codes.csv lacks; a model over accounting with tests of its own.
const std::vector<std::pair<std::string, std::string>> kDataTests = {
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
    {"models/entries.sql",
     "{{ config(materialized='view') }}\n"
     "select eventitemid, entryidentifier, toInt64(amount) as amount from {{ source('events', 'accounting') }}\n"},
    {"models/properties.yml", R"(version: 2
models:
  - name: entries
    columns:
      - name: eventitemid
        data_tests: [unique, not_null]
      - name: entryidentifier
        data_tests:
          - accepted_values:
              values: ['E1', 'E2']
)"},
};

TEST(ModelsClickHouse, GenericAndSingularTestsPassOrFailWithTheirFailingRowCounts) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kDataTests);
  Ledger ledger;
  ASSERT_TRUE(Load(ws, &ledger,
                   {{"I1", "2026-01-01T10:00:00Z", {{"E1", 5}, {"E2", 7}}},
                    {"I2", "2026-01-01T10:00:00Z", {{"E1", 3}}},
                    {"I3", "2026-01-01T10:00:00Z", {{"E1", 1}, {"E3", 2}, {"E4", 4}}}}));
  // What the model's tests should find: items with more than one entry,
  // entry identifiers other than E1 and E2.
  int64_t repeated_items = 0;
  for (const auto& [item, f] : ledger.items()) repeated_items += f.entries > 1;
  std::set<std::string> unexpected_entries;
  for (const LedgerRow& row : ledger.rows())
    if (row.entry != "E1" && row.entry != "E2") unexpected_entries.insert(row.entry);
  ASSERT_EQ(repeated_items, 2);
  ASSERT_EQ(unexpected_entries.size(), 2u);

  ASSERT_RUN_OK(Models(ws, {"seed"}));
  ASSERT_RUN_OK(Models(ws, {"run"}));
  const RunResult r = Models(ws, {"test"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.out, HasSubstr("sluice models test: 0 seeds, 0 models, 12 tests"));
  EXPECT_THAT(r.out, ContainsRegex("FAIL +test +unique_orders_order_id 1 failing row in [0-9.]+ s, kept in "
                                   "dbt_test__audit__unique_orders_order_id\n +unique_field \\| n_records\n +3 +\\| 2\n"));
  EXPECT_THAT(r.out, ContainsRegex("FAIL +test +not_null_orders_customer 1 failing row in"));
  EXPECT_THAT(r.out, ContainsRegex("FAIL +test +accepted_values_orders_status__open__closed 1 failing row in "
                                   "[0-9.]+ s\n +value_field \\| n_records\n +weird +\\| 1\n"));
  EXPECT_THAT(r.out, ContainsRegex("WARN +test +relationships_orders_code__code__ref_codes_ 1 failing row in "
                                   "[0-9.]+ s\n +from_field\n +Z\n"));
  EXPECT_THAT(r.out, ContainsRegex("FAIL +test +assert_order_ids_small 2 failing rows in [0-9.]+ s\n"
                                   " +order_id \\| customer \\| status \\| code\n"));
  EXPECT_THAT(r.out, ContainsRegex(fmt::format("FAIL +test +unique_entries_eventitemid {} failing rows in",
                                               repeated_items)));
  EXPECT_THAT(r.out, ContainsRegex(fmt::format("FAIL +test +accepted_values_entries_entryidentifier__E1__E2 {} "
                                               "failing rows in",
                                               unexpected_entries.size())));
  for (const std::string passing : {"not_null_orders_order_id", "customer_present_unless_weird", "status_known",
                                    "code_known_except_z", "not_null_entries_eventitemid"})
    EXPECT_THAT(r.out, ContainsRegex("PASS +test +" + passing)) << passing;
  EXPECT_THAT(r.out, HasSubstr("tests: 5 passed, 1 warned, 6 failed"));

  EXPECT_THAT(LastRun(ws),
              UnorderedElementsAre("test.analytics.unique_orders_order_id fail",
                                   "test.analytics.not_null_orders_order_id pass",
                                   "test.analytics.not_null_orders_customer fail",
                                   "test.analytics.customer_present_unless_weird pass",
                                   "test.analytics.accepted_values_orders_status__open__closed fail",
                                   "test.analytics.status_known pass",
                                   "test.analytics.relationships_orders_code__code__ref_codes_ warn",
                                   "test.analytics.code_known_except_z pass",
                                   "test.analytics.assert_order_ids_small fail",
                                   "test.analytics.unique_entries_eventitemid fail",
                                   "test.analytics.not_null_entries_eventitemid pass",
                                   "test.analytics.accepted_values_entries_entryidentifier__E1__E2 fail"));
  // The failing-row counts as the run history keeps them.
  const auto failing = [&](const std::string& test) {
    return ws.Count("SELECT rows FROM sluice_model_runs WHERE model = 'test.analytics." + test +
                    "' ORDER BY id DESC LIMIT 1");
  };
  EXPECT_EQ(failing("assert_order_ids_small"), 2);
  EXPECT_EQ(failing("unique_orders_order_id"), 1);
  EXPECT_EQ(failing("not_null_orders_customer"), 1);
  EXPECT_EQ(failing("relationships_orders_code__code__ref_codes_"), 1);
  EXPECT_EQ(failing("unique_entries_eventitemid"), repeated_items);
  EXPECT_EQ(failing("accepted_values_entries_entryidentifier__E1__E2"), static_cast<int64_t>(unexpected_entries.size()));
  EXPECT_EQ(failing("status_known"), 0);

  // Only the test configured so kept its rows, in a ClickHouse table.
  EXPECT_THAT(Rows(ws, "SELECT unique_field, n_records FROM dbt_test__audit__unique_orders_order_id"),
              ElementsAre("3|2"));
  EXPECT_FALSE(ws.HasTable("dbt_test__audit__not_null_orders_customer"));

  // Fixed data: every test on the seeds passes, and the kept rows are replaced.
  WriteProjectFile(ws, "seeds/orders.csv", "order_id,customer,status,code\n1,c1,open,A\n2,c2,closed,B\n");
  ASSERT_RUN_OK(Models(ws, {"seed"}));
  const RunResult fixed = Models(ws, {"test", "-s", "orders"});
  ASSERT_RUN_OK(fixed);
  EXPECT_THAT(fixed.out, HasSubstr("tests: 9 passed, 0 warned, 0 failed"));
  EXPECT_EQ(ws.Count("dbt_test__audit__unique_orders_order_id"), 0);
  EXPECT_THAT(SideRelations(ws), IsEmpty());
}

// A table over the source, a view over it, and a singular test over the view.
const std::vector<std::pair<std::string, std::string>> kBuild = {
    {"models/entries.sql",
     "{{ config(materialized='table') }}\n"
     "select eventitemid, entryidentifier, toInt64(amount) as amount from {{ source('events', 'accounting') }}\n"},
    {"models/by_item.sql",
     "{{ config(materialized='view') }}\n"
     "select eventitemid, sum(amount) as total, count(*) as n from {{ ref('entries') }} group by eventitemid\n"},
    {"tests/totals_positive.sql", "select eventitemid, total from {{ ref('by_item') }} where total <= 0\n"},
};

// The properties of kBuild: a unique test on entries.eventitemid at `severity` (empty: none).
std::string BuildProperties(const std::string& severity) {
  std::string yaml =
      "version: 2\nmodels:\n  - name: entries\n    columns:\n      - name: entryidentifier\n"
      "        data_tests: [not_null]\n";
  if (!severity.empty())
    yaml += "      - name: eventitemid\n        data_tests:\n          - unique:\n              config:\n"
            "                severity: " + severity + "\n";
  return yaml + "  - name: by_item\n    columns:\n      - name: eventitemid\n        data_tests: [unique]\n";
}

TEST(ModelsClickHouse, BuildExitsZeroWhenTestsPassOrWarnAndOneWhenOneFails) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kBuild);
  WriteProjectFile(ws, "models/properties.yml", BuildProperties(""));
  Ledger ledger;
  ASSERT_TRUE(Load(ws, &ledger,
                   {{"I1", "2026-01-01T10:00:00Z", {{"E1", 5}, {"E2", 7}}},
                    {"I2", "2026-01-01T10:00:00Z", {{"E1", 3}}}}));

  // Everything passes: 0.
  RunResult r = Models(ws, {"build"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.out, HasSubstr("tests: 3 passed, 0 warned, 0 failed"));
  EXPECT_THAT(LastRun(ws), UnorderedElementsAre("model.analytics.entries success", "model.analytics.by_item success",
                                                "test.analytics.not_null_entries_entryidentifier pass",
                                                "test.analytics.unique_by_item_eventitemid pass",
                                                "test.analytics.totals_positive pass"));
  EXPECT_EQ(ws.Count("entries"), static_cast<int64_t>(ledger.rows().size()));

  // A test failing at severity warn (I1 has two entries): still 0, and
  // what is built on the model is built.
  WriteProjectFile(ws, "models/properties.yml", BuildProperties("warn"));
  r = Models(ws, {"build"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.out, ContainsRegex("WARN +test +unique_entries_eventitemid 1 failing row"));
  EXPECT_THAT(r.out, HasSubstr("tests: 3 passed, 1 warned, 0 failed"));
  EXPECT_THAT(LastRun(ws), Contains("model.analytics.by_item success"));

  // The same test at severity error: 1, and by_item and its tests are skipped.
  WriteProjectFile(ws, "models/properties.yml", BuildProperties("error"));
  r = Models(ws, {"build"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.out, ContainsRegex("FAIL +test +unique_entries_eventitemid 1 failing row"));
  EXPECT_THAT(r.out, ContainsRegex("SKIP +view +by_item \\(test.analytics.unique_entries_eventitemid failed\\)"));
  EXPECT_THAT(LastRun(ws), UnorderedElementsAre("model.analytics.entries success",
                                                "test.analytics.not_null_entries_entryidentifier pass",
                                                "test.analytics.unique_entries_eventitemid fail",
                                                "model.analytics.by_item skipped",
                                                "test.analytics.unique_by_item_eventitemid skipped",
                                                "test.analytics.totals_positive skipped"));

  // A failing singular test: 1 too.
  WriteProjectFile(ws, "models/properties.yml", BuildProperties(""));
  ASSERT_TRUE(Load(ws, &ledger, {{"I3", "2026-01-01T11:00:00Z", {{"E1", -2}}}}));
  r = Models(ws, {"build"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.out, ContainsRegex("FAIL +test +totals_positive 1 failing row in [0-9.]+ s\n +eventitemid \\| total\n"
                                   " +I3 +\\| -2\n"));
  EXPECT_THAT(r.out, HasSubstr("tests: 2 passed, 0 warned, 1 failed"));

  // A bad selector is a usage error: 2, and nothing runs.
  const int64_t runs = ws.Count("SELECT count(*) FROM sluice_model_runs");
  r = Models(ws, {"build", "-s", "bogus:x"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("unknown selection method 'bogus'"));
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_model_runs"), runs);
  EXPECT_THAT(SideRelations(ws), IsEmpty());
}

// ---------------------------------------------------------------------------
// 5. Failing models and the run history.

// broken names a column that does not exist (ClickHouse refuses the
// statement); after_broken and after_after are built on it, sibling only on good.
const std::vector<std::pair<std::string, std::string>> kBroken = {
    {"models/good.sql",
     "{{ config(materialized='table') }}\n"
     "select eventitemid, toInt64(amount) as amount from {{ source('events', 'accounting') }}\n"},
    {"models/broken.sql", "{{ config(materialized='table') }}\nselect no_such_column from {{ ref('good') }}\n"},
    {"models/after_broken.sql", "{{ config(materialized='view') }}\nselect * from {{ ref('broken') }}\n"},
    {"models/after_after.sql", "{{ config(materialized='table') }}\nselect * from {{ ref('after_broken') }}\n"},
    {"models/sibling.sql", "{{ config(materialized='view') }}\nselect eventitemid from {{ ref('good') }}\n"},
    {"models/properties.yml",
     "version: 2\nmodels:\n  - name: good\n    columns:\n      - name: eventitemid\n        data_tests: [not_null]\n"
     "  - name: broken\n    columns:\n      - name: no_such_column\n        data_tests: [not_null]\n"},
};

TEST(ModelsClickHouse, AFailingModelSkipsItsDescendantsAndTheRunHistoryRecordsEveryNode) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, kBroken);
  Ledger ledger;
  ASSERT_TRUE(Load(ws, &ledger,
                   {{"I1", "2026-01-01T10:00:00Z", {{"E1", 5}, {"E2", 7}}},
                    {"I2", "2026-01-01T10:00:00Z", {{"E1", 3}}}}));
  const int64_t rows = static_cast<int64_t>(ledger.rows().size());

  const RunResult r = Models(ws, {"build"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.out, ContainsRegex("ERROR +table +broken in [0-9.]+ s\n +.*no_such_column"));
  EXPECT_THAT(r.out, ContainsRegex("SKIP +view +after_broken \\(model.analytics.broken errored\\)"));
  EXPECT_THAT(r.out, ContainsRegex("SKIP +table +after_after \\(model.analytics.broken errored\\)"));
  EXPECT_THAT(r.out, HasSubstr("2 built, 1 error, 3 skipped; tests: 1 passed, 0 warned, 0 failed"));
  EXPECT_FALSE(ws.HasTable("broken"));
  EXPECT_FALSE(ws.HasTable("after_broken"));
  EXPECT_FALSE(ws.HasTable("after_after"));
  EXPECT_EQ(ws.Count("sibling"), rows);
  EXPECT_THAT(SideRelations(ws), IsEmpty());

  // The run history: one row per node of the invocation, in the bookkeeping store.
  EXPECT_THAT(LastRun(ws), UnorderedElementsAre("model.analytics.good success", "model.analytics.broken error",
                                                "model.analytics.after_broken skipped",
                                                "model.analytics.after_after skipped", "model.analytics.sibling success",
                                                "test.analytics.not_null_good_eventitemid pass",
                                                "test.analytics.not_null_broken_no_such_column skipped"));
  const auto runs = ws.Query(
      "SELECT model, status, rows, error, sql_hash, started, finished, invocation FROM sluice_model_runs ORDER BY id");
  ASSERT_EQ(runs.size(), 7u);
  const std::regex hash("[0-9a-f]{16}");
  for (const Row& run : runs) {
    const std::string& model = run[0].text;
    const std::string& status = run[1].text;
    EXPECT_EQ(run[7].text, runs[0][7].text) << model;  // one invocation
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
      EXPECT_EQ(run[2].integer, rows);
      EXPECT_TRUE(run[3].is_null()) << run[3].text;
    } else if (model == "model.analytics.broken") {
      EXPECT_THAT(run[3].text, HasSubstr("no_such_column"));  // the server's own message
    } else if (model == "test.analytics.not_null_good_eventitemid") {
      EXPECT_EQ(run[2].integer, 0);  // failing rows
    }
  }

  // A second command is a second invocation; the same SQL hashes the same.
  const std::string first_hash =
      ws.Query("SELECT sql_hash FROM sluice_model_runs WHERE model = 'model.analytics.good'").at(0)[0].text;
  ASSERT_RUN_OK(Models(ws, {"run", "-s", "good"}));
  EXPECT_THAT(LastRun(ws), ElementsAre("model.analytics.good success"));
  EXPECT_THAT(Rows(ws, "SELECT sql_hash FROM sluice_model_runs WHERE model = 'model.analytics.good' ORDER BY id"),
              ElementsAre(first_hash, first_hash));
  EXPECT_EQ(ws.Count("SELECT count(DISTINCT invocation) FROM sluice_model_runs"), 2);

  // Fixed, the next build builds everything.
  WriteProjectFile(ws, "models/broken.sql",
                   "{{ config(materialized='table') }}\nselect eventitemid as no_such_column from {{ ref('good') }}\n");
  ASSERT_RUN_OK(Models(ws, {"build"}));
  EXPECT_EQ(ws.Count("after_after"), rows);
  EXPECT_THAT(LastRun(ws), Not(Contains(AnyOf(HasSubstr(" error"), HasSubstr(" skipped")))));
  EXPECT_THAT(SideRelations(ws), IsEmpty());
}

// Rebuilds the server stops half-way (throwIf fails on a row, after
// ClickHouse created the table the SELECT fills): a table and an
// incremental model keep their rows, nothing of the failed builds stays in
// the database, and the next good run builds them.
TEST(ModelsClickHouse, ARebuildFailingMidwayLeavesTheRelationAsItWas) {
  const auto model = [](const std::string& materialization, const std::string& extra) {
    return "{{ config(materialized='" + materialization + "') }}\n"
           "select eventitemid, entryidentifier, toInt64(amount) as amount" + extra + "\n"
           "from {{ source('events', 'accounting') }}\n";
  };
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"models/good.sql", model("table", "")}, {"models/grows.sql", model("incremental", "")}});
  Ledger ledger;
  ASSERT_TRUE(Load(ws, &ledger, {{"I1", "2026-01-01T10:00:00Z", {{"E1", 5}, {"E2", 7}}}}));
  ASSERT_RUN_OK(Models(ws, {"run"}));
  ASSERT_EQ(ws.Count("good"), 2);
  ASSERT_EQ(ws.Count("grows"), 2);

  const std::string boom = ", throwIf(amount > 6) as boom";
  WriteProjectFile(ws, "models/good.sql", model("table", boom));
  WriteProjectFile(ws, "models/grows.sql", model("incremental", boom));
  const RunResult r = Models(ws, {"run"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.out, ContainsRegex("ERROR +table +good in [0-9.]+ s\n +.*throwIf"));
  EXPECT_THAT(r.out, ContainsRegex("ERROR +incremental +grows in [0-9.]+ s\n +.*throwIf"));
  EXPECT_THAT(LastRun(ws), UnorderedElementsAre("model.analytics.good error", "model.analytics.grows error"));
  for (const std::string table : {"good", "grows"}) {
    EXPECT_THAT(ws.Columns(table), ElementsAre("eventitemid", "entryidentifier", "amount")) << table;
    EXPECT_THAT(Rows(ws, "SELECT eventitemid, entryidentifier, amount FROM " + table),
                UnorderedElementsAre("I1|E1|5", "I1|E2|7"))
        << table;
  }
  EXPECT_THAT(SideRelations(ws), IsEmpty());

  // Fixed, both build again.
  WriteProjectFile(ws, "models/good.sql", model("table", ", amount > 6 as big"));
  WriteProjectFile(ws, "models/grows.sql", model("incremental", ""));
  ASSERT_TRUE(Load(ws, &ledger, {{"I2", "2026-01-01T11:00:00Z", {{"E1", 9}}}}));
  ASSERT_RUN_OK(Models(ws, {"run"}));
  EXPECT_THAT(Rows(ws, "SELECT eventitemid, entryidentifier, amount, big FROM good"),
              UnorderedElementsAre("I1|E1|5|0", "I1|E2|7|1", "I2|E1|9|1"));
  EXPECT_EQ(ws.Count("grows"), 5);  // no unique_key, no filter: everything appended again
  EXPECT_THAT(SideRelations(ws), IsEmpty());
}

}  // namespace
}  // namespace sluice::testing
