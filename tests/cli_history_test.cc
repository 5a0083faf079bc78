// Event history as a user repairs it, on both backends: append-only event
// types (the first delivery of an id wins; without id every delivery is a
// row), `sluice dedupe` (by id and by columns), `sluice replay` (chosen
// staging rows merged again with the current catalog) and `sluice rebuild`
// of an append-only type. Every assertion is on what a user sees: the final
// tables, sluice_merge_errors, sluice_exclusions and the command's output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_harness.h"

namespace sluice::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// backend_event: append-only with an id, one row per element of `items`;
// click: append-only without id; order: keyed, newest version wins.
const std::string kCatalog = R"(data_dir: data
events:
  backend_event:
    table: backend_events
    id: event_id
    flatten: items
    columns:
      event_id: {path: event_id, type: varchar(64)}
      name: {path: name, type: varchar(32)}
      sku: {path: item.sku, type: varchar(16)}
  click:
    table: clicks
    columns:
      page: {path: page, type: varchar(64)}
  order:
    table: orders
    key: order_id
    version: updated_at
    id: [order_id, updated_at]
    columns:
      order_id: {path: order_id, type: varchar(16)}
      status: {path: status, type: varchar(16)}
      updated_at: {path: updated_at, type: timestamp}
)";

std::string Backend(const std::string& id, const std::string& name, const std::vector<std::string>& skus) {
  std::string items;
  for (const auto& sku : skus) items += (items.empty() ? "" : ",") + fmt::format(R"({{"sku":"{}"}})", sku);
  return fmt::format(R"({{"event_id":"{}","name":"{}","items":[{}]}})", id, name, items);
}
std::string Click(const std::string& page) { return fmt::format(R"({{"page":"{}"}})", page); }
std::string Order(const std::string& id, const std::string& status, const std::string& at,
                  const std::string& at_field = "updated_at") {
  return fmt::format(R"({{"order_id":"{}","status":"{}","{}":"{}"}})", id, status, at_field, at);
}

std::vector<std::string> Rows(const Workspace& ws, const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& r : ws.Query(sql)) out.push_back(ToString(r));
  return out;
}
std::vector<std::string> BackendRows(const Workspace& ws) {
  return Rows(ws, "SELECT event_id, name, sku, sluice_event_id, sluice_item FROM backend_events "
                  "ORDER BY sluice_event_id, sluice_item");
}
std::vector<std::string> OrderRows(const Workspace& ws) {
  return Rows(ws, "SELECT order_id, status, updated_at FROM orders ORDER BY order_id");
}
// The merge errors without their time.
std::vector<std::string> MergeErrors(const Workspace& ws, const std::string& type) {
  return Rows(ws, "SELECT seq, column_name, error FROM sluice_merge_errors WHERE event_type = '" + type +
                      "' ORDER BY seq, item_index");
}

void LoadAs(const Workspace& ws, const std::string& type, const std::string& file,
            const std::vector<std::string>& lines) {
  const RunResult load = ws.Sluice({"load", "--type", type, ws.WriteLines(file, lines)});
  ASSERT_RUN_OK(load);
}
void LoadAndMerge(const Workspace& ws, const std::string& type, const std::string& file,
                  const std::vector<std::string>& lines) {
  LoadAs(ws, type, file, lines);
  const RunResult merge = ws.Sluice({"merge", type});
  ASSERT_RUN_OK(merge);
}
// Makes the staging rows loaded so far look as if they arrived on 2000-01-01
// (on ClickHouse, which has no UPDATE statement, with a mutation, waited for).
void AgeStaging(const Workspace& ws, const std::string& table) {
  const RunResult r = ws.Sluice(
      {"sql", "--write",
       ws.on_clickhouse() ? "ALTER TABLE " + table + "_stg UPDATE loaded_at = '2000-01-01 00:00:00.000000' WHERE 1"
                          : "UPDATE " + table + "_stg SET loaded_at = '2000-01-01 00:00:00.000000'"});
  ASSERT_RUN_OK(r);
  ws.AwaitMutations();
}

// A landed copy made by `sluice load` of in/<stem>.ndjson, and its line.
std::string Delivery(const std::string& type, const std::string& stem, int line) {
  return fmt::format(R"(landing/{}/[0-9]{{4}}/[0-9]{{2}}/[0-9]{{2}}/_load/{}-[0-9a-f]+\.ndjson\.zst:{})", type, stem,
                     line);
}

// ---------------------------------------------------------------- append-only

TEST(AppendOnlyCli, ARedeliveredEventAppearsOnceAndTheFirstDeliveryWins) {
  Workspace ws(kCatalog);
  // The same id twice in one merge, and again in a later one, each time with other content.
  LoadAndMerge(ws, "backend_event", "a.ndjson",
               {Backend("e1", "order", {"A", "B"}), Backend("e2", "refund", {"C"}),
                Backend("e1", "order-again", {"Z"})});
  LoadAndMerge(ws, "backend_event", "b.ndjson", {Backend("e1", "order-third", {"X", "Y"})});
  EXPECT_THAT(BackendRows(ws), ElementsAre("e1|order|A|e1|0", "e1|order|B|e1|1", "e2|refund|C|e2|0"));
  EXPECT_THAT(MergeErrors(ws, "backend_event"), IsEmpty());
}

// The first delivery wins for the whole event, not element by element: a
// later delivery with more elements adds none of them, in the same merge or
// a later one, and a rebuild agrees.
TEST(AppendOnlyCli, ALaterDeliveryWithMoreElementsAddsNoneOfThem) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "backend_event", "a.ndjson", {Backend("e1", "first", {"A"}), Backend("e1", "second", {"B", "C"})});
  EXPECT_THAT(BackendRows(ws), ElementsAre("e1|first|A|e1|0"));
  LoadAndMerge(ws, "backend_event", "b.ndjson", {Backend("e1", "third", {"X", "Y", "Z"})});
  EXPECT_THAT(BackendRows(ws), ElementsAre("e1|first|A|e1|0"));
  ASSERT_RUN_OK(ws.Sluice({"rebuild", "backend_event"}));
  EXPECT_THAT(BackendRows(ws), ElementsAre("e1|first|A|e1|0"));
}

TEST(AppendOnlyCli, AnIdTypeGetsSluiceEventIdAndSluiceItemAsItsPrimaryKey) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "backend_event", "a.ndjson", {Backend("e1", "order", {"A"})});
  EXPECT_THAT(ws.Columns("backend_events"), ElementsAre("event_id", "name", "sku", "sluice_event_id", "sluice_item"));
  EXPECT_THAT(ws.Columns("clicks"), ElementsAre("page"));

  const RunResult sqlite = ws.Sluice({"ddl", "--dialect", "sqlite"});
  ASSERT_RUN_OK(sqlite);
  EXPECT_THAT(sqlite.out, HasSubstr(R"("sluice_event_id" TEXT,)"));
  EXPECT_THAT(sqlite.out, HasSubstr(R"("sluice_item" BIGINT,)"));
  EXPECT_THAT(sqlite.out, HasSubstr(R"(PRIMARY KEY ("sluice_event_id", "sluice_item"))"));
  const RunResult postgres = ws.Sluice({"ddl", "--dialect", "postgres"});
  ASSERT_RUN_OK(postgres);
  EXPECT_THAT(postgres.out, HasSubstr(R"("sluice_event_id" text,)"));
  EXPECT_THAT(postgres.out, HasSubstr(R"("sluice_item" bigint,)"));
  EXPECT_THAT(postgres.out, HasSubstr(R"(PRIMARY KEY ("sluice_event_id", "sluice_item"))"));
  // A type without id has no primary key at all.
  EXPECT_THAT(postgres.out, ContainsRegex(R"(\."clicks" \(
  "page" varchar\(64\)  -- varchar\(64\) from page
\);)"));
  const RunResult snowflake = ws.Sluice({"ddl", "--dialect", "snowflake"});
  ASSERT_RUN_OK(snowflake);
  EXPECT_THAT(snowflake.out, HasSubstr("SLUICE_EVENT_ID VARCHAR, SLUICE_ITEM NUMBER(38,0), primary key "
                                       "(SLUICE_EVENT_ID, SLUICE_ITEM)"));
  EXPECT_THAT(snowflake.out, HasSubstr("create or replace TABLE SLUICE.PUBLIC.CLICKS ( PAGE VARCHAR(64) );"));
}

TEST(AppendOnlyCli, AnIdTypeWithoutFlattenIsKeyedBySluiceEventIdAloneAndAListIdIsAJsonArray) {
  Workspace ws(R"(data_dir: data
events:
  signup:
    table: signups
    id: [tenant, n]
    columns:
      email: {path: email, type: varchar(64)}
)");
  LoadAndMerge(ws, "signup", "s.ndjson",
               {R"({"tenant":"acme","n":1,"email":"a@x"})", R"({"tenant":"acme","n":2,"email":"b@x"})",
                R"({"tenant":"acme","n":1,"email":"again@x"})"});
  EXPECT_THAT(ws.Columns("signups"), ElementsAre("email", "sluice_event_id"));
  EXPECT_THAT(Rows(ws, "SELECT email, sluice_event_id FROM signups ORDER BY sluice_event_id"),
              ElementsAre(R"(a@x|["acme","1"])", R"(b@x|["acme","2"])"));
}

TEST(AppendOnlyCli, AnEventWithoutItsIdIsRejectedIntoMergeErrors) {
  Workspace ws(kCatalog);
  LoadAs(ws, "backend_event", "a.ndjson",
         {Backend("e1", "order", {"A"}), R"({"name":"no-id","items":[{"sku":"Q"}]})",
          R"({"event_id":null,"name":"null-id","items":[{"sku":"R"}]})"});
  const RunResult merge = ws.Merge();
  ASSERT_RUN_OK(merge);
  EXPECT_THAT(merge.out, HasSubstr("backend_event: merged 3 staging rows into backend_events: 1 inserted, 0 updated, "
                                   "0 stale, 0 filtered, 2 rejected"));
  EXPECT_THAT(BackendRows(ws), ElementsAre("e1|order|A|e1|0"));
  const auto errors = ws.Query("SELECT seq, column_name, value, error FROM sluice_merge_errors "
                               "WHERE event_type = 'backend_event' ORDER BY seq");
  ASSERT_EQ(errors.size(), 2u);
  for (const auto& e : errors) {
    EXPECT_EQ(e[1].text, "sluice_event_id");
    EXPECT_TRUE(e[2].is_null());
    EXPECT_THAT(e[3].text, HasSubstr("the event has no id"));
  }
  EXPECT_EQ(errors[0][0].integer, 2);
  EXPECT_EQ(errors[1][0].integer, 3);
}

TEST(AppendOnlyCli, ATypeWithoutIdKeepsEveryDeliveryAsARow) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "click", "a.ndjson", {Click("/a"), Click("/a"), Click("/b")});
  LoadAndMerge(ws, "click", "b.ndjson", {Click("/a")});  // the same event sent again: another row
  EXPECT_THAT(Rows(ws, "SELECT page, count(*) FROM clicks GROUP BY page ORDER BY page"), ElementsAre("/a|3", "/b|1"));
}

TEST(AppendOnlyCli, VersionWithoutKeyIsAConfigError) {
  Workspace ws(R"(data_dir: data
events:
  click:
    table: clicks
    version: at
    columns:
      page: {path: page, type: varchar(64)}
      at: {path: at, type: timestamp}
)");
  const RunResult r = ws.Sluice({"status"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("sluice.yaml:5:14: event 'click' has a version but no key"));
}

TEST(AppendOnlyCli, ColumnAndTableNamesStartingWithSluiceAreReserved) {
  Workspace ws(R"(data_dir: data
events:
  click:
    table: clicks
    id: page
    columns:
      page: {path: page, type: varchar(64)}
      sluice_event_id: {path: other, type: varchar(64)}
  view:
    table: sluice_views
    columns:
      page: {path: page, type: varchar(64)}
)");
  const RunResult r = ws.Sluice({"status"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("sluice.yaml:8:7: column name 'sluice_event_id' of event 'click' is reserved"));
  EXPECT_THAT(r.err, HasSubstr("sluice.yaml:10:12: table name 'sluice_views' is reserved"));
}

// --------------------------------------------------------------------- dedupe

TEST(DedupeCli, ByIdExcludesEachLaterDeliveryOnItsOwnNamingTheKeptOne) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "backend_event", "a.ndjson",
               {Backend("e1", "order", {"A"}), Backend("e2", "refund", {"C"}), Backend("e1", "order", {"A"})});
  LoadAndMerge(ws, "backend_event", "b.ndjson", {Backend("e1", "order", {"A"})});
  const auto before = BackendRows(ws);

  const RunResult r = ws.Sluice({"dedupe", "backend_event", "--by", "id"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, ContainsRegex("kept e1 \\(delivery " + Delivery("backend_event", "a", 1) + ", seq 1\\)\n"));
  EXPECT_THAT(r.out, ContainsRegex("  excluded delivery " + Delivery("backend_event", "a", 3) + ", seq 3\n"));
  EXPECT_THAT(r.out, ContainsRegex("  excluded delivery " + Delivery("backend_event", "b", 1) + ", seq 4\n"));
  EXPECT_THAT(r.out, HasSubstr("backend_event: read 4 events, found 1 sets of duplicates, 2 duplicate deliveries; "
                               "excluded 2 (0 already were)\n"));

  const auto rows = ws.Query("SELECT event_type, event_id, seq, delivery, reason, removed_at FROM sluice_exclusions "
                             "ORDER BY seq");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0].text, "backend_event");
  EXPECT_EQ(rows[0][1].text, "e1");
  EXPECT_EQ(rows[0][2].integer, 3);
  EXPECT_THAT(rows[0][3].text, ContainsRegex("^" + Delivery("backend_event", "a", 3) + "$"));
  EXPECT_THAT(rows[0][4].text, ContainsRegex("^duplicate delivery of e1: kept the first, delivery " +
                                             Delivery("backend_event", "a", 1) + " \\(seq 1\\)$"));
  EXPECT_TRUE(rows[0][5].is_null());
  EXPECT_EQ(rows[1][2].integer, 4);
  EXPECT_THAT(rows[1][3].text, ContainsRegex("^" + Delivery("backend_event", "b", 1) + "$"));
  // The first delivery won already: the table does not change.
  EXPECT_EQ(BackendRows(ws), before);
}

TEST(DedupeCli, ByIdMakesTheFirstDeliveryWinForAKeyedTypeWhenACopyDiffers) {
  Workspace ws(kCatalog);
  // The second copy of O1@11:00 differs and, alone at the newest version of
  // key O1 once the first is excluded by hand, would show; dedupe keeps the first.
  LoadAndMerge(ws, "order", "a.ndjson",
               {Order("O1", "new", "2026-01-01T10:00:00Z"), Order("O1", "paid", "2026-01-01T11:00:00Z"),
                Order("O1", "paid-copy", "2026-01-01T11:00:00Z")});
  EXPECT_THAT(OrderRows(ws), ElementsAre("O1|paid|2026-01-01 11:00:00.000000"));
  const RunResult r = ws.Sluice({"dedupe", "order", "--by", "id"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, ContainsRegex(R"(kept \["O1","2026-01-01T11:00:00Z"\] \(delivery )" + Delivery("order", "a", 2)));
  EXPECT_THAT(r.out, ContainsRegex("  excluded delivery " + Delivery("order", "a", 3) + ", seq 3\n"));
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_exclusions WHERE event_type = 'order' AND seq = 3"), 1);
  EXPECT_THAT(OrderRows(ws), ElementsAre("O1|paid|2026-01-01 11:00:00.000000"));
}

TEST(DedupeCli, ByIdDryRunReportsWhatItWouldExcludeAndChangesNothing) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "backend_event", "a.ndjson", {Backend("e1", "order", {"A"}), Backend("e1", "order", {"A"})});
  const RunResult r = ws.Sluice({"dedupe", "backend_event", "--by", "id", "--dry-run"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, ContainsRegex("  would exclude delivery " + Delivery("backend_event", "a", 2) + ", seq 2\n"));
  EXPECT_THAT(r.out, HasSubstr("found 1 sets of duplicates, 1 duplicate deliveries; dry run: nothing changed\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("merged")));
  EXPECT_EQ(ws.Count("sluice_exclusions"), 0);
}

TEST(DedupeCli, ASecondRunFindsNothingNew) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "backend_event", "a.ndjson",
               {Backend("e1", "order", {"A"}), Backend("e1", "order", {"A"}), Backend("e2", "x", {"B"}),
                Backend("e3", "x", {"C"})});
  ASSERT_RUN_OK(ws.Sluice({"dedupe", "backend_event", "--by", "id"}));
  ASSERT_RUN_OK(ws.Sluice({"dedupe", "backend_event", "--by", "name"}));
  const auto rows_before = BackendRows(ws);
  const int64_t exclusions = ws.Count("sluice_exclusions");
  ASSERT_EQ(exclusions, 2);

  const RunResult by_id = ws.Sluice({"dedupe", "backend_event", "--by", "id"});
  ASSERT_RUN_OK(by_id);
  EXPECT_THAT(by_id.out, HasSubstr("found 0 sets of duplicates, 0 duplicate deliveries; excluded 0 (0 already were)"));
  const RunResult by_name = ws.Sluice({"dedupe", "backend_event", "--by", "name"});
  ASSERT_RUN_OK(by_name);
  EXPECT_THAT(by_name.out, HasSubstr("found 0 sets of duplicates, 0 duplicate events; excluded 0 (0 already were)"));
  EXPECT_EQ(ws.Count("sluice_exclusions"), exclusions);
  EXPECT_EQ(BackendRows(ws), rows_before);
}

TEST(DedupeCli, ByColumnsExcludesAllButTheFirstToArriveByIdAndMerges) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "backend_event", "a.ndjson",
               {Backend("e1", "refund", {"A"}), Backend("e2", "order", {"B"}), Backend("e3", "refund", {"C", "D"})});
  LoadAndMerge(ws, "backend_event", "b.ndjson", {Backend("e4", "refund", {"E"})});
  const RunResult r = ws.Sluice({"dedupe", "backend_event", "--by", "name"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("kept e1\n  excluded e3\n  excluded e4\n"));
  EXPECT_THAT(r.out, HasSubstr("backend_event: read 4 events, found 1 sets of duplicates, 2 duplicate events; "
                               "excluded 2 (0 already were)\n"));
  EXPECT_THAT(r.out, HasSubstr("backend_event: merged"));
  EXPECT_THAT(Rows(ws, "SELECT event_id, seq, delivery, reason FROM sluice_exclusions ORDER BY event_id"),
              ElementsAre("e3|NULL|NULL|duplicate of e1 by name: kept the first to arrive",
                          "e4|NULL|NULL|duplicate of e1 by name: kept the first to arrive"));
  EXPECT_THAT(BackendRows(ws), ElementsAre("e1|refund|A|e1|0", "e2|order|B|e2|0"));
}

TEST(DedupeCli, ByColumnsKeepLastKeepsTheLastToArrive) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "backend_event", "a.ndjson",
               {Backend("e1", "refund", {"A"}), Backend("e2", "order", {"B"}), Backend("e3", "refund", {"C"})});
  LoadAndMerge(ws, "backend_event", "b.ndjson", {Backend("e0", "refund", {"E"})});  // arrives last, sorts first
  const RunResult r = ws.Sluice({"dedupe", "backend_event", "--by", "name", "--keep", "last"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("kept e0\n"));
  EXPECT_THAT(Rows(ws, "SELECT event_id, reason FROM sluice_exclusions ORDER BY event_id"),
              ElementsAre("e1|duplicate of e0 by name: kept the last to arrive",
                          "e3|duplicate of e0 by name: kept the last to arrive"));
  EXPECT_THAT(BackendRows(ws), ElementsAre("e0|refund|E|e0|0", "e2|order|B|e2|0"));
}

TEST(DedupeCli, ByColumnsComparesEveryNamedColumn) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "order", "a.ndjson",
               {Order("O1", "paid", "2026-01-01T10:00:00Z"), Order("O2", "paid", "2026-01-01T10:00:00Z"),
                Order("O3", "paid", "2026-01-01T11:00:00Z"), Order("O4", "new", "2026-01-01T11:00:00Z")});
  const RunResult r = ws.Sluice({"dedupe", "order", "--by", "status", "updated_at"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("found 1 sets of duplicates, 1 duplicate events; excluded 1"));
  EXPECT_THAT(OrderRows(ws), ElementsAre("O1|paid|2026-01-01 10:00:00.000000", "O3|paid|2026-01-01 11:00:00.000000",
                                         "O4|new|2026-01-01 11:00:00.000000"));
}

TEST(DedupeCli, NoMergeLeavesTheFinalTableToTheNextMerge) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "backend_event", "a.ndjson", {Backend("e1", "refund", {"A"}), Backend("e2", "refund", {"B"})});
  const RunResult r = ws.Sluice({"dedupe", "backend_event", "--by", "name", "--no-merge"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("excluded 1 (0 already were)"));
  EXPECT_THAT(r.out, Not(HasSubstr("merged")));
  EXPECT_EQ(BackendRows(ws).size(), 2u);
  ASSERT_RUN_OK(ws.Merge());
  EXPECT_THAT(BackendRows(ws), ElementsAre("e1|refund|A|e1|0"));
}

TEST(DedupeCli, LookbackOnlyComparesEventsThatArrivedInTheWindow) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "backend_event", "old.ndjson", {Backend("e1", "refund", {"A"}), Backend("e1", "refund", {"A"})});
  AgeStaging(ws, "backend_events");
  LoadAndMerge(ws, "backend_event", "new.ndjson", {Backend("e2", "order", {"B"}), Backend("e2", "order", {"B"})});
  const RunResult r = ws.Sluice({"dedupe", "backend_event", "--by", "id", "--lookback", "14d"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("kept e2 "));
  EXPECT_THAT(r.out, Not(HasSubstr("kept e1")));
  EXPECT_THAT(Rows(ws, "SELECT event_id, seq FROM sluice_exclusions"), ElementsAre("e2|4"));
  const RunResult bad = ws.Sluice({"dedupe", "backend_event", "--by", "id", "--lookback", "soon"});
  EXPECT_EQ(bad.exit_code, 2) << bad.Describe();
  EXPECT_THAT(bad.err, HasSubstr("--lookback"));
}

TEST(DedupeCli, AColumnOfTheFlattenedElementIsAUsageError) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "backend_event", "a.ndjson", {Backend("e1", "refund", {"A"}), Backend("e2", "refund", {"A"})});
  const RunResult r = ws.Sluice({"dedupe", "backend_event", "--by", "name", "sku"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("--by sku: the column reads the flattened element"));
  EXPECT_EQ(ws.Count("sluice_exclusions"), 0);
}

TEST(DedupeCli, ATypeWithoutIdOrAnUnknownColumnIsAUsageError) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "click", "a.ndjson", {Click("/a"), Click("/a")});
  const RunResult no_id = ws.Sluice({"dedupe", "click", "--by", "id"});
  EXPECT_EQ(no_id.exit_code, 2) << no_id.Describe();
  EXPECT_THAT(no_id.err, HasSubstr("click has no id: in the catalog"));
  const RunResult unknown = ws.Sluice({"dedupe", "backend_event", "--by", "colour"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.Describe();
  EXPECT_THAT(unknown.err, HasSubstr("colour"));
  EXPECT_EQ(ws.Count("clicks"), 2);
}

// --------------------------------------------------------------------- replay

// The catalog with order's version read from `path`.
std::string WithVersionPath(const std::string& path) {
  std::string yaml = kCatalog;
  const std::string from = "updated_at: {path: updated_at, type: timestamp}";
  yaml.replace(yaml.find(from), from.size(), "updated_at: {path: " + path + ", type: timestamp}");
  return yaml;
}

TEST(ReplayCli, RejectedRowsMergeAfterTheCatalogIsFixed) {
  // The catalog read the version from a misspelt path: every event was rejected.
  Workspace ws(WithVersionPath("updatedAt"));
  LoadAndMerge(ws, "order", "a.ndjson",
               {Order("O1", "new", "2026-01-01T10:00:00Z"), Order("O2", "new", "2026-01-01T10:00:00Z"),
                Order("O1", "paid", "2026-01-01T11:00:00Z")});
  EXPECT_THAT(OrderRows(ws), IsEmpty());
  ASSERT_EQ(MergeErrors(ws, "order").size(), 3u);

  ws.SetConfig(kCatalog);  // the path fixed: a path change keeps the table as it is
  const RunResult replay = ws.Sluice({"replay", "order", "--rejected"});
  ASSERT_RUN_OK(replay);
  EXPECT_THAT(replay.out, HasSubstr("order: recomputed 2 keys of orders from its history and corrections: 2 rows "
                                    "written, 3 rows' merge errors replaced"));
  EXPECT_THAT(OrderRows(ws), ElementsAre("O1|paid|2026-01-01 11:00:00.000000", "O2|new|2026-01-01 10:00:00.000000"));
  EXPECT_THAT(MergeErrors(ws, "order"), IsEmpty());

  // Nothing is rejected now: a second replay has nothing to do.
  const RunResult again = ws.Sluice({"replay", "order", "--rejected"});
  ASSERT_RUN_OK(again);
  EXPECT_THAT(again.out, HasSubstr("recomputed 0 keys"));
  EXPECT_THAT(OrderRows(ws), ElementsAre("O1|paid|2026-01-01 11:00:00.000000", "O2|new|2026-01-01 10:00:00.000000"));
}

TEST(ReplayCli, RejectedRowsThatStillFailAreRecordedOnceAndTheTableIsUnchanged) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "order", "a.ndjson",
               {Order("O1", "new", "2026-01-01T10:00:00Z"), Order("O2", "new", "2026-01-01T10:00:00Z", "updatedAt"),
                Order("O3", "too-long-a-status-value", "2026-01-01T10:00:00Z")});
  const auto errors = MergeErrors(ws, "order");
  ASSERT_EQ(errors.size(), 2u);
  const auto rows = OrderRows(ws);
  ASSERT_THAT(rows, ElementsAre("O1|new|2026-01-01 10:00:00.000000"));

  for (int i = 0; i < 2; ++i) {
    const RunResult replay = ws.Sluice({"replay", "order", "--rejected"});
    ASSERT_RUN_OK(replay);
    EXPECT_THAT(replay.out, HasSubstr("2 rows' merge errors replaced"));
    EXPECT_EQ(MergeErrors(ws, "order"), errors);
    EXPECT_EQ(OrderRows(ws), rows);
  }
}

TEST(ReplayCli, ReplayingMergedRowsLeavesTheFinalTableIdentical) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "order", "a.ndjson",
               {Order("O1", "new", "2026-01-01T10:00:00Z"), Order("O2", "new", "2026-01-01T10:00:00Z"),
                Order("O1", "paid", "2026-01-01T11:00:00Z"), Order("O1", "stale", "2026-01-01T09:00:00Z"),
                Order("O3", "bad", "not-a-time")});
  LoadAndMerge(ws, "backend_event", "b.ndjson",
               {Backend("e1", "order", {"A", "B"}), Backend("e1", "order-again", {"Z"})});
  const auto orders = OrderRows(ws);
  const auto order_errors = MergeErrors(ws, "order");
  const auto backend = BackendRows(ws);
  ASSERT_EQ(order_errors.size(), 1u);

  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"replay", "order", "--from", "1d"},
           {"replay", "order", "--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01"},
           {"replay", "order", "--id", "O1", "2026-01-01T09:00:00Z", "O2", "2026-01-01T10:00:00Z"},
           {"replay", "order", "--rejected"},
           {"replay", "order"},
           {"replay", "backend_event", "--id", "e1"},
           {"replay", "backend_event", "--from", "1h"}}) {
    const RunResult r = ws.Sluice(args);
    ASSERT_RUN_OK(r);
    EXPECT_THAT(r.out, HasSubstr("merged 0 staging rows")) << fmt::format("{}", fmt::join(args, " "));
    EXPECT_EQ(OrderRows(ws), orders) << fmt::format("{}", fmt::join(args, " "));
    EXPECT_EQ(MergeErrors(ws, "order"), order_errors) << fmt::format("{}", fmt::join(args, " "));
    EXPECT_EQ(BackendRows(ws), backend) << fmt::format("{}", fmt::join(args, " "));
  }
}

TEST(ReplayCli, AnArrivalWindowReplaysOnlyTheRowsThatArrivedInIt) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "order", "old.ndjson",
               {R"({"order_id":"O1","status":"new","updated_at":"2026-01-01T10:00:00Z","channel":"web"})"});
  AgeStaging(ws, "orders");
  LoadAndMerge(ws, "order", "new.ndjson",
               {R"({"order_id":"O2","status":"new","updated_at":"2026-01-01T10:00:00Z","channel":"shop"})"});
  // A column added: rows merged before have NULL in it until they are merged again.
  std::string yaml = kCatalog + "      channel: {path: channel, type: varchar(8)}\n";
  ws.SetConfig(yaml);
  ASSERT_RUN_OK(ws.Merge());
  EXPECT_THAT(Rows(ws, "SELECT order_id, channel FROM orders ORDER BY order_id"), ElementsAre("O1|NULL", "O2|NULL"));

  const RunResult old = ws.Sluice({"replay", "order", "--from", "1999-12-31T00:00:00Z", "--to", "2000-01-02"});
  ASSERT_RUN_OK(old);
  EXPECT_THAT(old.out, HasSubstr("recomputed 1 keys"));
  EXPECT_THAT(Rows(ws, "SELECT order_id, channel FROM orders ORDER BY order_id"), ElementsAre("O1|web", "O2|NULL"));
  const RunResult recent = ws.Sluice({"replay", "order", "--from", "1h"});
  ASSERT_RUN_OK(recent);
  EXPECT_THAT(recent.out, HasSubstr("recomputed 1 keys"));
  EXPECT_THAT(Rows(ws, "SELECT order_id, channel FROM orders ORDER BY order_id"), ElementsAre("O1|web", "O2|shop"));
}

TEST(ReplayCli, AnIdReplaysOnlyThatEvent) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "backend_event", "a.ndjson",
               {R"({"event_id":"e1","name":"a","items":[{"sku":"A"}],"v":"1"})",
                R"({"event_id":"e2","name":"b","items":[{"sku":"B"}],"v":"2"})"});
  const std::string v_column = "      v: {path: v, type: varchar(4)}\n";
  std::string yaml = kCatalog;
  yaml.insert(yaml.find("  click:"), v_column);
  ws.SetConfig(yaml);
  const RunResult r = ws.Sluice({"replay", "backend_event", "--id", "e2"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("recomputed 1 keys"));
  EXPECT_THAT(Rows(ws, "SELECT event_id, v FROM backend_events ORDER BY event_id"), ElementsAre("e1|NULL", "e2|2"));
}

TEST(ReplayCli, RowsNotYetMergedAreLeftToTheMergeAndMergedToo) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "order", "a.ndjson", {Order("O1", "new", "2026-01-01T10:00:00Z")});
  LoadAs(ws, "order", "b.ndjson", {Order("O1", "paid", "2026-01-01T11:00:00Z")});
  const RunResult r = ws.Sluice({"replay", "order", "--from", "1d"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("order: merged 1 staging rows into orders: 0 inserted, 1 updated"));
  EXPECT_THAT(OrderRows(ws), ElementsAre("O1|paid|2026-01-01 11:00:00.000000"));
}

TEST(ReplayCli, BadArgumentsAreUsageErrors) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "order", "a.ndjson", {Order("O1", "new", "2026-01-01T10:00:00Z")});
  const RunResult time = ws.Sluice({"replay", "order", "--from", "yesterday"});
  EXPECT_EQ(time.exit_code, 2) << time.Describe();
  EXPECT_THAT(time.err, HasSubstr("--from 'yesterday' is neither a time"));
  const RunResult arity = ws.Sluice({"replay", "order", "--id", "O1"});
  EXPECT_EQ(arity.exit_code, 2) << arity.Describe();
  EXPECT_THAT(arity.err, HasSubstr("order has an id of 2 values (order_id, updated_at); --id got 1 value"));
  const RunResult no_id = ws.Sluice({"replay", "click", "--id", "x"});
  EXPECT_EQ(no_id.exit_code, 2) << no_id.Describe();
  EXPECT_THAT(no_id.err, HasSubstr("click has no id: in the catalog"));
  const RunResult unknown = ws.Sluice({"replay", "nope"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.Describe();
}

// docs/corrections.md, `sluice replay`: "The chosen rows' keys are
// recomputed. Their old merge errors are deleted, and the errors they give
// now are recorded." A merged row that the current catalog rejects (here:
// the version path moved to the field new producers send) must lose its
// final row and gain its merge error, as `sluice rebuild` gives; replaying
// every row of the history and rebuilding must agree (DESIGN.md guarantee 4).
TEST(ReplayCli, AMergedRowThatTheCurrentCatalogRejectsGetsItsErrorAsARebuildWould) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "order", "a.ndjson",
               {Order("O1", "new", "2026-01-01T10:00:00Z"), Order("O2", "new", "2026-01-01T10:00:00Z", "updatedAt")});
  ASSERT_THAT(OrderRows(ws), ElementsAre("O1|new|2026-01-01 10:00:00.000000"));
  ws.SetConfig(WithVersionPath("updatedAt"));

  const RunResult replay = ws.Sluice({"replay", "order", "--from", "1d"});  // every row of the history
  ASSERT_RUN_OK(replay);
  const auto replayed_rows = OrderRows(ws);
  const auto replayed_errors = MergeErrors(ws, "order");
  ASSERT_RUN_OK(ws.Sluice({"rebuild", "order"}));
  EXPECT_THAT(OrderRows(ws), ElementsAre("O2|new|2026-01-01 10:00:00.000000"));
  EXPECT_THAT(MergeErrors(ws, "order"),
              ElementsAre("1|updated_at|the version column is NULL, so the row cannot be ordered against other versions"));
  EXPECT_EQ(replayed_rows, OrderRows(ws)) << replay.out;
  EXPECT_EQ(replayed_errors, MergeErrors(ws, "order")) << replay.out;
}

// -------------------------------------------------------------------- rebuild

TEST(RebuildCli, AnAppendOnlyTypeWithoutIdIsRebuiltWholeWithoutDoublingRows) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "click", "a.ndjson",
               {R"({"page":"/a","ms":10})", R"({"page":"/a","ms":10})", R"({"page":"/b","ms":30})"});
  std::string yaml = kCatalog;
  yaml.insert(yaml.find("  order:"), "      ms: {path: ms, type: int}\n");
  ws.SetConfig(yaml);
  const RunResult r = ws.Sluice({"rebuild", "click"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("click: recomputed every key of clicks from its history and corrections: 3 rows written"));
  EXPECT_THAT(Rows(ws, "SELECT page, ms FROM clicks ORDER BY page, ms"), ElementsAre("/a|10", "/a|10", "/b|30"));
  ASSERT_RUN_OK(ws.Sluice({"rebuild", "click"}));
  EXPECT_EQ(ws.Count("clicks"), 3);
}

TEST(RebuildCli, SinceOnAnAppendOnlyTypeWithoutIdIsRefusedAndChangesNothing) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "click", "a.ndjson", {Click("/a"), Click("/b")});
  const RunResult r = ws.Sluice({"rebuild", "click", "--since", "1d"});
  EXPECT_NE(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("click is an append-only log without key or id, so its rows cannot be recomputed by "
                               "key: rebuild it whole"));
  EXPECT_EQ(ws.Count("clicks"), 2);
  const RunResult replay = ws.Sluice({"replay", "click", "--from", "1d"});
  EXPECT_NE(replay.exit_code, 0) << replay.Describe();
  EXPECT_THAT(replay.err, HasSubstr("rebuild it whole"));
  EXPECT_EQ(ws.Count("clicks"), 2);
}

TEST(RebuildCli, AnAppendOnlyTypeWithIdKeepsTheFirstDeliveryAcrossARebuild) {
  Workspace ws(kCatalog);
  LoadAndMerge(ws, "backend_event", "a.ndjson", {Backend("e1", "first", {"A", "B"})});
  LoadAndMerge(ws, "backend_event", "b.ndjson", {Backend("e1", "second", {"Z"}), Backend("e2", "x", {"C"})});
  const auto rows = BackendRows(ws);
  ASSERT_THAT(rows, ElementsAre("e1|first|A|e1|0", "e1|first|B|e1|1", "e2|x|C|e2|0"));
  ASSERT_RUN_OK(ws.Sluice({"rebuild", "backend_event"}));
  EXPECT_EQ(BackendRows(ws), rows);
  ASSERT_RUN_OK(ws.Sluice({"rebuild", "backend_event", "--since", "1d"}));
  EXPECT_EQ(BackendRows(ws), rows);
}

}  // namespace
}  // namespace sluice::testing
