// `sluice backfill postgres` as a user runs it: a real PostgreSQL source (a
// schema of its own per test on the `pg` fixture's cluster) streamed into
// either warehouse (SQLite, or PostgreSQL in the /pg variants). Checked where
// it matters: the final tables, the load history, the landing zone and the
// saved cursor; an interrupted run (SIGKILL) rerun loads every row once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "cli_harness.h"
#include "pg_harness.h"

namespace sluice::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The source database: a schema of its own on the fixture's cluster, dropped
// with the object.
class Source {
 public:
  Source() : schema_("src_" + UniqueSchemaName()), conn_(PgDsn(), "", /*read_only=*/false) {
    conn_.Exec("CREATE SCHEMA " + QuotePgIdent(schema_));
  }
  ~Source() {
    try {
      conn_.Exec("DROP SCHEMA " + QuotePgIdent(schema_) + " CASCADE");
    } catch (const std::exception&) {
    }
  }
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;

  std::string dsn() const { return PgDsn(); }
  // `name` in the source schema, as --table takes it.
  std::string Table(const std::string& name) const { return QuotePgIdent(schema_) + "." + QuotePgIdent(name); }
  void Exec(const std::string& sql) { conn_.Exec(sql); }

 private:
  std::string schema_;
  PgConnection conn_;
};

// The seed's three upstream event types (orders, cards, manufacturing): a
// keyed type (newest version wins), an append-only type with an id and
// flattened lines, and an append-only type without id.
const std::string kCatalog = R"(data_dir: data
events:
  CardCatalogCreated:
    table: cards
    key: card_id
    version: updated_at
    id: [card_id, updated_at]
    columns:
      card_id: {path: card_id, type: varchar(16)}
      name: {path: name, type: varchar(64)}
      price: {path: price, type: number(9,2)}
      updated_at: {path: updated_at, type: timestamp}
  OrderCreated:
    table: order_lines
    id: order_id
    flatten: lines
    columns:
      order_id: {path: order_id, type: varchar(16)}
      card_id: {path: item.card_id, type: varchar(16)}
      qty: {path: item.qty, type: int}
  ManufacturingBatch:
    table: batches
    columns:
      batch_id: {path: batch_id, type: int}
      card_id: {path: card_id, type: varchar(16)}
      produced: {path: produced, type: int}
      passed: {path: passed, type: boolean}
)";

// The seed's backfill table: source, type, payload jsonb.
void CreateSeedTable(Source& src) {
  src.Exec("CREATE TABLE " + src.Table("events_backfill") +
           " (id bigserial PRIMARY KEY, source text NOT NULL, type text NOT NULL, payload jsonb)");
}
void AddSeedRow(Source& src, const std::string& source, const std::string& type, const std::string& payload) {
  src.Exec(fmt::format("INSERT INTO {} (source, type, payload) VALUES ({}, {}, {})", src.Table("events_backfill"),
                       QuotePgLiteral(source), QuotePgLiteral(type),
                       payload == "NULL" ? "NULL" : QuotePgLiteral(payload) + "::jsonb"));
}

RunOptions Timeout(std::chrono::seconds seconds) {
  RunOptions options;
  options.timeout = seconds;
  return options;
}

std::vector<std::string> Rows(const Workspace& ws, const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& r : ws.Query(sql)) out.push_back(ToString(r));
  return out;
}

RunResult Backfill(const Workspace& ws, const Source& src, std::vector<std::string> args) {
  std::vector<std::string> argv = {"backfill", "postgres", "--dsn", src.dsn()};
  argv.insert(argv.end(), args.begin(), args.end());
  return ws.Sluice(argv);
}

// Load history entries that share a content (a file loaded twice).
std::vector<std::string> FilesLoadedTwice(const Workspace& ws) {
  return Rows(ws, "SELECT event_type, checksum, count(*) FROM sluice_load_history "
                  "GROUP BY event_type, checksum HAVING count(*) > 1");
}

TEST(BackfillPostgres, TheSeedsBackfillTableFillsThreeEventTypesWithTheRightValues) {
  Source src;
  CreateSeedTable(src);
  AddSeedRow(src, "cards", "CardCatalogCreated",
             R"({"card_id":"C1","name":"Dragon","price":"12.50","updated_at":"2026-01-01T10:00:00Z"})");
  AddSeedRow(src, "cards", "CardCatalogCreated",
             R"({"card_id":"C2","name":"Wizard","price":3,"updated_at":"2026-01-01T10:00:00Z"})");
  AddSeedRow(src, "cards", "CardCatalogCreated",  // a newer version of C1
             R"({"card_id":"C1","name":"Dragon II","price":14.25,"updated_at":"2026-01-02T10:00:00Z"})");
  AddSeedRow(src, "cards", "CardCatalogCreated",  // an older one, after it
             R"({"card_id":"C1","name":"Dragon 0","price":1,"updated_at":"2025-12-01T10:00:00Z"})");
  AddSeedRow(src, "orders", "OrderCreated",
             R"({"order_id":"O1","lines":[{"card_id":"C1","qty":2},{"card_id":"C2","qty":1}]})");
  AddSeedRow(src, "orders", "OrderCreated", R"({"order_id":"O2","lines":[{"card_id":"C2","qty":5}]})");
  AddSeedRow(src, "orders", "OrderCreated",  // the same order again: its first delivery stays
             R"({"order_id":"O1","lines":[{"card_id":"C1","qty":99},{"card_id":"C2","qty":99}]})");
  AddSeedRow(src, "manufacturing", "ManufacturingBatch",
             R"({"batch_id":1,"card_id":"C1","produced":100,"passed":true})");
  AddSeedRow(src, "manufacturing", "ManufacturingBatch",
             R"({"batch_id":2,"card_id":"C2","produced":50,"passed":false})");

  Workspace ws(kCatalog);
  const RunResult r = Backfill(ws, src, {"--table", src.Table("events_backfill"), "--type-column", "type",
                                         "--payload-column", "payload", "--name", "seed"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, ContainsRegex(R"(backfill seed: 9 rows in [0-9.]+ s \([0-9]+ rows/s\); 3 files loaded, 0 loaded before
)"));
  EXPECT_THAT(r.out, HasSubstr("  CardCatalogCreated: 4 rows\n  ManufacturingBatch: 2 rows\n  OrderCreated: 3 rows\n"));
  EXPECT_THAT(r.out, HasSubstr("CardCatalogCreated: merged 4 staging rows into cards"));
  EXPECT_THAT(r.out, HasSubstr("OrderCreated: merged 3 staging rows into order_lines"));
  EXPECT_THAT(r.out, HasSubstr("ManufacturingBatch: merged 2 staging rows into batches"));
  EXPECT_THAT(r.err, IsEmpty());

  EXPECT_THAT(Rows(ws, "SELECT card_id, name, price, updated_at FROM cards ORDER BY card_id"),
              ElementsAre("C1|Dragon II|14.25|2026-01-02 10:00:00.000000", "C2|Wizard|3|2026-01-01 10:00:00.000000"));
  EXPECT_THAT(Rows(ws, "SELECT order_id, card_id, qty, sluice_event_id, sluice_item FROM order_lines "
                       "ORDER BY order_id, sluice_item"),
              ElementsAre("O1|C1|2|O1|0", "O1|C2|1|O1|1", "O2|C2|5|O2|0"));
  EXPECT_THAT(Rows(ws, "SELECT batch_id, card_id, produced, passed FROM batches ORDER BY batch_id"),
              ElementsAre("1|C1|100|1", "2|C2|50|0"));
  EXPECT_EQ(ws.Count("sluice_merge_errors"), 0);
  EXPECT_EQ(ws.Count("sluice_load_errors"), 0);

  // The files stay in the landing zone as the permanent record, one per type.
  std::vector<std::string> landed;
  for (const auto& f : ListFiles(ws.landing_dir()))
    if (f.find("/backfill-") != std::string::npos) landed.push_back(f);
  ASSERT_EQ(landed.size(), 3u) << fmt::format("{}", fmt::join(ListFiles(ws.landing_dir()), "\n"));
  const std::regex name(R"((CardCatalogCreated|OrderCreated|ManufacturingBatch)/[0-9]{4}/[0-9]{2}/[0-9]{2}/_load/)"
                        R"(backfill-seed-000000-[0-9a-f]+\.ndjson\.zst)");
  for (const auto& f : landed) EXPECT_TRUE(std::regex_match(f, name)) << f;
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_load_history WHERE landed_as LIKE '%/backfill-seed-%'"), 3);

  // Without a cursor a rerun reads everything again; the load history skips
  // the same files and nothing changes.
  const auto cards = Rows(ws, "SELECT * FROM cards ORDER BY card_id");
  const RunResult again = Backfill(ws, src, {"--table", src.Table("events_backfill"), "--type-column", "type",
                                             "--payload-column", "payload", "--name", "seed"});
  ASSERT_RUN_OK(again);
  EXPECT_THAT(again.out, HasSubstr("; 0 files loaded, 3 loaded before"));
  EXPECT_EQ(Rows(ws, "SELECT * FROM cards ORDER BY card_id"), cards);
  EXPECT_EQ(ws.Count("batches"), 2);
  EXPECT_EQ(ws.Count("order_lines"), 3);
}

TEST(BackfillPostgres, RowsBecomeObjectsOfTheirColumnsWithTypedValues) {
  Source src;
  src.Exec("CREATE TABLE " + src.Table("sales") +
           " (id bigint, sku text, qty int, small smallint, price numeric(9,2), ratio float8, paid boolean,"
           "  sold_at timestamptz, meta jsonb, note text, day date)");
  src.Exec("INSERT INTO " + src.Table("sales") +
           " VALUES (1, 'SKU-1', 3, 7, 12.50, 0.25, true, '2026-01-01 10:00:00+00', '{\"color\": \"red\", \"tags\": [1, 2]}',"
           "         E'tab\\there \"quoted\" back\\\\slash\\nnew line é', '2026-01-01'),"
           "        (2, NULL, NULL, NULL, NULL, NULL, false, NULL, NULL, '', NULL)");
  Workspace ws(R"(data_dir: data
events:
  sale:
    table: sales
    id: id
    columns:
      id: {path: id, type: int}
      sku: {path: sku, type: varchar(16)}
      qty: {path: qty, type: int}
      price: {path: price, type: number(9,2)}
      paid: {path: paid, type: boolean}
      sold_at: {path: sold_at, type: timestamp}
      color: {path: meta.color, type: varchar(8)}
      note: {path: note, type: string}
      day: {path: day, type: date}
      qty_json: {path: qty, type: json}
      small_json: {path: small, type: json}
      price_json: {path: price, type: json}
      ratio_json: {path: ratio, type: json}
      paid_json: {path: paid, type: json}
      meta_json: {path: meta, type: json}
      day_json: {path: day, type: json}
)");
  const RunResult r = Backfill(ws, src, {"--table", src.Table("sales"), "--type", "sale"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("sale: merged 2 staging rows into sales: 2 inserted"));
  EXPECT_EQ(ws.Count("sluice_merge_errors"), 0);
  EXPECT_THAT(Rows(ws, "SELECT id, sku, qty, price, paid, sold_at, color, note, day FROM sales ORDER BY id"),
              ElementsAre("1|SKU-1|3|12.5|1|2026-01-01 10:00:00.000000|red|tab\there \"quoted\" back\\slash\nnew line é|"
                          "2026-01-01",
                          "2|NULL|NULL|NULL|0|NULL|NULL||NULL"));
  // Numbers and booleans bare, json embedded (in jsonb's key order), the rest
  // strings, NULL as null.
  EXPECT_THAT(Rows(ws, "SELECT qty_json, small_json, price_json, ratio_json, paid_json, meta_json, day_json "
                       "FROM sales ORDER BY id"),
              ElementsAre(R"(3|7|12.50|0.25|true|{"tags":[1,2],"color":"red"}|"2026-01-01")",
                          "NULL|NULL|NULL|NULL|false|NULL|NULL"));
}

TEST(BackfillPostgres, AQueryCanBeTheSource) {
  Source src;
  CreateSeedTable(src);
  AddSeedRow(src, "manufacturing", "ManufacturingBatch", R"({"batch_id":1,"card_id":"C1","produced":10,"passed":true})");
  AddSeedRow(src, "manufacturing", "ManufacturingBatch", R"({"batch_id":2,"card_id":"C2","produced":20,"passed":true})");
  Workspace ws(kCatalog);
  const RunResult r = Backfill(ws, src, {"--query", "SELECT payload FROM " + src.Table("events_backfill") +
                                                        " WHERE payload->>'card_id' = 'C2'",
                                         "--type", "ManufacturingBatch", "--payload-column", "payload"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(Rows(ws, "SELECT batch_id, card_id FROM batches"), ElementsAre("2|C2"));
}

TEST(BackfillPostgres, RowsOfAnUnknownTypeOrWithANullPayloadAreSkippedAndReported) {
  Source src;
  CreateSeedTable(src);
  AddSeedRow(src, "manufacturing", "ManufacturingBatch", R"({"batch_id":1,"card_id":"C1","produced":10,"passed":true})");
  AddSeedRow(src, "cards", "CardDeleted", R"({"card_id":"C1"})");
  AddSeedRow(src, "cards", "CardDeleted", R"({"card_id":"C2"})");
  AddSeedRow(src, "manufacturing", "ManufacturingBatch", "NULL");
  AddSeedRow(src, "manufacturing", "ManufacturingBatch", R"([1, 2])");  // not an object: a load error
  Workspace ws(kCatalog);
  const RunResult r = Backfill(ws, src, {"--table", src.Table("events_backfill"), "--type-column", "type",
                                         "--payload-column", "payload"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("error: 2 rows skipped: their type 'CardDeleted' is not an event of the catalog"));
  EXPECT_THAT(r.err, HasSubstr("error: 1 rows skipped: their payload column is NULL"));
  EXPECT_THAT(r.out, HasSubstr("1 rows were not JSON objects: see sluice_load_errors"));
  // The good rows are loaded and merged all the same.
  EXPECT_THAT(Rows(ws, "SELECT batch_id, card_id FROM batches"), ElementsAre("1|C1"));
  EXPECT_EQ(ws.Count("SELECT count(*) FROM sluice_load_errors WHERE event_type = 'ManufacturingBatch'"), 1);
}

TEST(BackfillPostgres, ACursorRunSavesItsPositionAndALaterRunReadsOnlyNewRows) {
  Source src;
  CreateSeedTable(src);
  for (int i = 1; i <= 5; ++i)
    AddSeedRow(src, "manufacturing", "ManufacturingBatch",
               fmt::format(R"({{"batch_id":{},"card_id":"C1","produced":{},"passed":true}})", i, i * 10));
  Workspace ws(kCatalog);
  const std::vector<std::string> args = {"--table", src.Table("events_backfill"), "--type-column", "type",
                                         "--payload-column", "payload", "--cursor", "id", "--name", "mfg",
                                         "--rows-per-file", "2"};
  const RunResult first = Backfill(ws, src, args);
  ASSERT_RUN_OK(first);
  EXPECT_THAT(first.out, HasSubstr("backfill mfg: 5 rows"));
  EXPECT_THAT(first.out, HasSubstr("3 files loaded, 0 loaded before; cursor now 5\n"));
  EXPECT_THAT(first.out, Not(HasSubstr("resumed")));
  EXPECT_THAT(ReadFile(ws.data_dir() + "/backfill/mfg.cursor"), HasSubstr(R"("cursor": "5")"));
  EXPECT_EQ(ws.Count("batches"), 5);

  for (int i = 6; i <= 7; ++i)
    AddSeedRow(src, "manufacturing", "ManufacturingBatch",
               fmt::format(R"({{"batch_id":{},"card_id":"C2","produced":{},"passed":false}})", i, i * 10));
  const RunResult second = Backfill(ws, src, args);
  ASSERT_RUN_OK(second);
  EXPECT_THAT(second.out, HasSubstr("backfill mfg: resumed after cursor 5\n"));
  EXPECT_THAT(second.out, HasSubstr("backfill mfg: 2 rows"));
  EXPECT_THAT(second.out, HasSubstr("cursor now 7"));
  // The append-only type without id would show a re-read row twice.
  EXPECT_EQ(ws.Count("batches"), 7);
  EXPECT_EQ(ws.Count("SELECT count(DISTINCT batch_id) FROM batches"), 7);

  const RunResult nothing = Backfill(ws, src, args);
  ASSERT_RUN_OK(nothing);
  EXPECT_THAT(nothing.out, HasSubstr("backfill mfg: 0 rows"));
  EXPECT_EQ(ws.Count("batches"), 7);

  // --restart reads from the start (and saves the cursor again); the first
  // batches have the same content as before and are skipped.
  std::vector<std::string> restart = args;
  restart.push_back("--restart");
  const RunResult again = Backfill(ws, src, restart);
  ASSERT_RUN_OK(again);
  EXPECT_THAT(again.out, Not(HasSubstr("resumed")));
  EXPECT_THAT(again.out, HasSubstr("backfill mfg: 7 rows"));
  EXPECT_THAT(again.out, HasSubstr("2 loaded before; cursor now 7"));
  EXPECT_THAT(FilesLoadedTwice(ws), IsEmpty());
}

TEST(BackfillPostgres, WithoutANameTheSavedCursorIsFoundAgainByTheSameOptions) {
  Source src;
  CreateSeedTable(src);
  AddSeedRow(src, "manufacturing", "ManufacturingBatch", R"({"batch_id":1,"card_id":"C1","produced":1,"passed":true})");
  Workspace ws(kCatalog);
  const std::vector<std::string> args = {"--table", src.Table("events_backfill"), "--type-column", "type",
                                         "--payload-column", "payload", "--cursor", "id"};
  const RunResult first = Backfill(ws, src, args);
  ASSERT_RUN_OK(first);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(first.out, m, std::regex(R"(backfill (pg-[0-9a-f]{16}): 1 rows)"))) << first.out;
  const std::string name = m[1];
  EXPECT_GT(FileSize(ws.data_dir() + "/backfill/" + name + ".cursor"), 0);
  AddSeedRow(src, "manufacturing", "ManufacturingBatch", R"({"batch_id":2,"card_id":"C1","produced":1,"passed":true})");
  const RunResult second = Backfill(ws, src, args);
  ASSERT_RUN_OK(second);
  EXPECT_THAT(second.out, HasSubstr(fmt::format("backfill {}: resumed after cursor 1\nbackfill {}: 1 rows", name, name)));
  EXPECT_EQ(ws.Count("batches"), 2);
}

TEST(BackfillPostgres, NoMergeLoadsAndLeavesTheMergeForLater) {
  Source src;
  CreateSeedTable(src);
  AddSeedRow(src, "manufacturing", "ManufacturingBatch", R"({"batch_id":1,"card_id":"C1","produced":1,"passed":true})");
  Workspace ws(kCatalog);
  const RunResult r = Backfill(ws, src, {"--table", src.Table("events_backfill"), "--type-column", "type",
                                         "--payload-column", "payload", "--no-merge"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, Not(HasSubstr("merged")));
  EXPECT_EQ(ws.Count("batches_stg"), 1);
  EXPECT_EQ(ws.Count("batches"), 0);
  ASSERT_RUN_OK(ws.Merge());
  EXPECT_THAT(Rows(ws, "SELECT batch_id FROM batches"), ElementsAre("1"));
}

TEST(BackfillPostgres, RowsSharingACursorValueAreNeverSplitAcrossFiles) {
  Source src;
  src.Exec("CREATE TABLE " + src.Table("ties") + " (batch_id int, day int, type text)");
  src.Exec("INSERT INTO " + src.Table("ties") +
           " SELECT g, (ARRAY[1, 1, 1, 2, 2, 3, 3, 3, 3, 4])[g], 'ManufacturingBatch' FROM generate_series(1, 10) AS g");
  Workspace ws(kCatalog);
  const RunResult r = Backfill(ws, src, {"--table", src.Table("ties"), "--type-column", "type", "--cursor", "day",
                                         "--rows-per-file", "2", "--name", "ties"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("4 files loaded, 0 loaded before; cursor now 4"));
  // Each file ends where the day changes: 3, 2, 4 and 1 rows.
  EXPECT_THAT(Rows(ws, "SELECT rows FROM sluice_load_history ORDER BY landed_as"), ElementsAre("3", "2", "4", "1"));
  EXPECT_EQ(ws.Count("batches"), 10);
  EXPECT_EQ(ws.Count("SELECT count(DISTINCT batch_id) FROM batches"), 10);
}

// A NULL in the cursor column sorts last; the run that reads it must still
// leave a cursor the next run can resume after (or refuse the column up
// front). Today it saves "" as the cursor and every later run fails with
// `invalid input syntax for type integer: ""`.
TEST(BackfillPostgres, ANullCursorValueDoesNotStopTheNextRunFromResuming) {
  Source src;
  src.Exec("CREATE TABLE " + src.Table("nulls") + " (batch_id int, day int, type text)");
  src.Exec("INSERT INTO " + src.Table("nulls") +
           " VALUES (1, 1, 'ManufacturingBatch'), (2, 2, 'ManufacturingBatch'), (3, NULL, 'ManufacturingBatch')");
  Workspace ws(kCatalog);
  const std::vector<std::string> args = {"--table", src.Table("nulls"), "--type-column", "type", "--cursor", "day",
                                         "--name", "nulls"};
  const RunResult first = Backfill(ws, src, args);
  if (first.exit_code == 2) {  // refusing a cursor column with NULLs, naming the problem, is fine too
    EXPECT_THAT(first.err, HasSubstr("NULL"));
    return;
  }
  ASSERT_RUN_OK(first);
  src.Exec("INSERT INTO " + src.Table("nulls") + " VALUES (4, 4, 'ManufacturingBatch')");
  const RunResult second = Backfill(ws, src, args);
  EXPECT_RUN_OK(second);
  EXPECT_THAT(Rows(ws, "SELECT batch_id FROM batches ORDER BY batch_id"), ElementsAre("1", "2", "3", "4"));
}

TEST(BackfillPostgres, AKilledRunRerunLoadsEveryRowExactlyOnce) {
  constexpr int kRows = 200000;
  Source src;
  src.Exec("CREATE TABLE " + src.Table("readings") + " (id bigint PRIMARY KEY, type text, payload jsonb)");
  src.Exec(fmt::format("INSERT INTO {} SELECT g, 'ManufacturingBatch', jsonb_build_object('batch_id', g, "
                       "'card_id', 'C' || (g % 97), 'produced', g % 1000, 'passed', g % 3 = 0) "
                       "FROM generate_series(1, {}) AS g",
                       src.Table("readings"), kRows));
  Workspace ws(kCatalog);
  const std::vector<std::string> args = {"backfill",  "postgres", "--dsn",          src.dsn(),
                                         "--table",   src.Table("readings"), "--type-column", "type",
                                         "--payload-column", "payload", "--cursor", "id",
                                         "--name",    "big", "--rows-per-file", "2000"};
  std::vector<std::string> argv = {SluiceBin(), "-c", ws.config_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string cursor_file = ws.data_dir() + "/backfill/big.cursor";
  {
    ChildProcess child(argv, RunOptions{});
    ASSERT_TRUE(PollUntil([&] { return FileSize(cursor_file) > 0 || !child.Running(); }, std::chrono::seconds(120)))
        << "no cursor saved within the deadline";
    ASSERT_TRUE(child.Running()) << "the backfill ended before it could be interrupted:\n" << child.Stdout()
                                 << child.Stderr();
    child.Kill(SIGKILL);
    const RunResult killed = child.Wait(std::chrono::seconds(30));
    ASSERT_EQ(killed.signal, SIGKILL) << killed.Describe();
  }
  const RunResult rerun = ws.Sluice(args, Timeout(std::chrono::seconds(600)));
  ASSERT_RUN_OK(rerun);
  std::smatch m;
  if (std::regex_search(rerun.out, m, std::regex(R"(resumed after cursor ([0-9]+)\n)"))) {
    EXPECT_GT(std::stoll(m[1]), 0);
    EXPECT_LT(std::stoll(m[1]), kRows);
  } else {
    ADD_FAILURE() << "the rerun did not resume after the saved cursor:\n" << rerun.out;
  }
  EXPECT_THAT(rerun.out, HasSubstr(fmt::format("cursor now {}", kRows)));

  // Every source row once in the final table (the type has no id: a row
  // loaded twice would show twice), once in staging, from files loaded once.
  EXPECT_EQ(ws.Count("batches"), kRows);
  EXPECT_EQ(ws.Count("SELECT count(DISTINCT batch_id) FROM batches"), kRows);
  EXPECT_EQ(ws.Count("SELECT min(batch_id) FROM batches"), 1);
  EXPECT_EQ(ws.Count("SELECT max(batch_id) FROM batches"), kRows);
  EXPECT_EQ(ws.Count("batches_stg"), kRows);
  EXPECT_THAT(FilesLoadedTwice(ws), IsEmpty());
  EXPECT_EQ(ws.Count("SELECT sum(rows) FROM sluice_load_history WHERE event_type = 'ManufacturingBatch'"), kRows);
  EXPECT_EQ(ws.Count("SELECT count(*) FROM batches WHERE passed"), kRows / 3);
}

// The interrupted run loaded the cards (the first batch) but never merged;
// the rerun resumes after them and reads only manufacturing batches. The
// command still promises the final tables: the cards must be merged too.
TEST(BackfillPostgres, AKilledRunRerunAlsoMergesTheTypesOnlyTheKilledRunLoaded) {
  constexpr int kCards = 2000, kRows = 150000;
  Source src;
  src.Exec("CREATE TABLE " + src.Table("history") + " (id bigint PRIMARY KEY, type text, payload jsonb)");
  src.Exec(fmt::format("INSERT INTO {} SELECT g, 'CardCatalogCreated', jsonb_build_object('card_id', 'C' || g, "
                       "'name', 'card ' || g, 'price', 1, 'updated_at', '2026-01-01T00:00:00Z') "
                       "FROM generate_series(1, {}) AS g",
                       src.Table("history"), kCards));
  src.Exec(fmt::format("INSERT INTO {} SELECT g, 'ManufacturingBatch', jsonb_build_object('batch_id', g, "
                       "'card_id', 'C1', 'produced', 1, 'passed', true) FROM generate_series({}, {}) AS g",
                       src.Table("history"), kCards + 1, kRows));
  Workspace ws(kCatalog);
  const std::vector<std::string> args = {"backfill", "postgres", "--dsn", src.dsn(), "--table", src.Table("history"),
                                         "--type-column", "type", "--payload-column", "payload", "--cursor", "id",
                                         "--name", "hist", "--rows-per-file", std::to_string(kCards)};
  std::vector<std::string> argv = {SluiceBin(), "-c", ws.config_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  {
    ChildProcess child(argv, RunOptions{});
    ASSERT_TRUE(PollUntil([&] { return FileSize(ws.data_dir() + "/backfill/hist.cursor") > 0 || !child.Running(); },
                          std::chrono::seconds(120)));
    ASSERT_TRUE(child.Running()) << "the backfill ended before it could be interrupted";
    child.Kill(SIGKILL);
    child.Wait(std::chrono::seconds(30));
  }
  ASSERT_EQ(ws.Count("cards_stg"), kCards);  // loaded by the killed run, before its cursor was saved
  const RunResult rerun = ws.Sluice(args, Timeout(std::chrono::seconds(600)));
  ASSERT_RUN_OK(rerun);
  EXPECT_THAT(rerun.out, HasSubstr("resumed after cursor"));
  EXPECT_EQ(ws.Count("batches"), kRows - kCards);
  EXPECT_EQ(ws.Count("cards"), kCards) << rerun.out;
}

TEST(BackfillPostgres, OverlapWithLiveEventsIsDecidedByTheMergeAndNothingIsDoubled) {
  Workspace ws(kCatalog);
  // Live events, already loaded and merged: C1 newer than the backfill's, C2 older; order O1.
  ASSERT_RUN_OK(ws.Sluice(
      {"load", "--type", "CardCatalogCreated",
       ws.WriteLines("cards.ndjson",
                     {R"({"card_id":"C1","name":"live","price":2,"updated_at":"2026-03-01T00:00:00Z"})",
                      R"({"card_id":"C2","name":"live","price":2,"updated_at":"2026-01-01T00:00:00Z"})"})}));
  ASSERT_RUN_OK(ws.Sluice({"load", "--type", "OrderCreated",
                           ws.WriteLines("orders.ndjson", {R"({"order_id":"O1","lines":[{"card_id":"C1","qty":1}]})"})}));
  ASSERT_RUN_OK(ws.Merge());

  Source src;
  CreateSeedTable(src);
  for (const char* card : {"C1", "C2", "C3"})
    AddSeedRow(src, "cards", "CardCatalogCreated",
               fmt::format(R"({{"card_id":"{}","name":"history","price":1,"updated_at":"2026-02-01T00:00:00Z"}})", card));
  AddSeedRow(src, "orders", "OrderCreated", R"({"order_id":"O1","lines":[{"card_id":"C9","qty":9}]})");
  AddSeedRow(src, "orders", "OrderCreated", R"({"order_id":"O0","lines":[{"card_id":"C2","qty":3}]})");
  const RunResult r = Backfill(ws, src, {"--table", src.Table("events_backfill"), "--type-column", "type",
                                         "--payload-column", "payload", "--cursor", "id"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(Rows(ws, "SELECT card_id, name, updated_at FROM cards ORDER BY card_id"),
              ElementsAre("C1|live|2026-03-01 00:00:00.000000", "C2|history|2026-02-01 00:00:00.000000",
                          "C3|history|2026-02-01 00:00:00.000000"));
  // The live delivery of O1 came first and stays.
  EXPECT_THAT(Rows(ws, "SELECT order_id, card_id, qty FROM order_lines ORDER BY order_id"),
              ElementsAre("O0|C2|3", "O1|C1|1"));

  // Live events after the backfill: the merge still decides by version.
  ASSERT_RUN_OK(ws.Sluice({"load", "--type", "CardCatalogCreated",
                           ws.WriteLines("later.ndjson",
                                         {R"({"card_id":"C3","name":"older","price":5,"updated_at":"2026-01-15T00:00:00Z"})",
                                          R"({"card_id":"C2","name":"newest","price":5,"updated_at":"2026-04-01T00:00:00Z"})"})}));
  ASSERT_RUN_OK(ws.Merge());
  EXPECT_THAT(Rows(ws, "SELECT card_id, name FROM cards ORDER BY card_id"),
              ElementsAre("C1|live", "C2|newest", "C3|history"));
  EXPECT_EQ(ws.Count("sluice_merge_errors"), 0);
}

TEST(BackfillPostgres, AnUnknownTypeColumnIsAUsageErrorNamingTheSourcesColumns) {
  Source src;
  CreateSeedTable(src);
  Workspace ws(kCatalog);
  const RunResult r = Backfill(ws, src, {"--table", src.Table("events_backfill"), "--type-column", "kind",
                                         "--payload-column", "payload"});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("--type-column 'kind' is not a column of the source (it has: id, source, type, payload)"));
  const RunResult cursor = Backfill(ws, src, {"--table", src.Table("events_backfill"), "--type-column", "type",
                                              "--payload-column", "payload", "--cursor", "seq"});
  EXPECT_EQ(cursor.exit_code, 2) << cursor.Describe();
  EXPECT_THAT(cursor.err, HasSubstr("--cursor 'seq' is not a column of the source (it has: id, source, type, payload)"));
}

TEST(BackfillPostgres, TableAndQueryTogetherOrNeitherIsAUsageError) {
  Source src;
  CreateSeedTable(src);
  Workspace ws(kCatalog);
  const RunResult both = Backfill(ws, src, {"--table", src.Table("events_backfill"), "--query", "SELECT 1",
                                            "--type", "ManufacturingBatch"});
  EXPECT_EQ(both.exit_code, 2) << both.Describe();
  EXPECT_THAT(both.err, HasSubstr("give the source with either --table or --query"));
  const RunResult neither = Backfill(ws, src, {"--type", "ManufacturingBatch"});
  EXPECT_EQ(neither.exit_code, 2) << neither.Describe();
  EXPECT_THAT(neither.err, HasSubstr("give the source with either --table or --query"));
  const RunResult type = Backfill(ws, src, {"--table", src.Table("events_backfill"), "--type", "Nope"});
  EXPECT_EQ(type.exit_code, 2) << type.Describe();
  EXPECT_THAT(type.err, HasSubstr("unknown event type 'Nope'"));
  const RunResult two_types = Backfill(ws, src, {"--table", src.Table("events_backfill"), "--type",
                                                 "ManufacturingBatch", "--type-column", "type"});
  EXPECT_EQ(two_types.exit_code, 2) << two_types.Describe();
  EXPECT_THAT(two_types.err, HasSubstr("give the event type with either --type or --type-column"));
}

TEST(BackfillPostgres, AnUnreachableSourceExitsOneWithAClearMessage) {
  Workspace ws(kCatalog);
  // Port 1 on the loopback: nothing listens there, the connection is refused at once.
  const RunResult r = ws.Sluice({"backfill", "postgres", "--dsn", "postgresql://postgres@127.0.0.1:1/postgres",
                                 "--table", "events_backfill", "--type", "ManufacturingBatch"},
                                Timeout(std::chrono::seconds(60)));
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("error: backfill: postgres: cannot connect"));
  EXPECT_THAT(r.err, HasSubstr("127.0.0.1"));
  EXPECT_THAT(r.err, HasSubstr("port 1"));
}

TEST(BackfillPostgres, AMissingSourceTableIsReportedWithTheServersMessage) {
  Source src;
  Workspace ws(kCatalog);
  const RunResult r = Backfill(ws, src, {"--table", src.Table("no_such_table"), "--type", "ManufacturingBatch"});
  EXPECT_NE(r.exit_code, 0) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("no_such_table"));
  EXPECT_THAT(r.err, HasSubstr("does not exist"));
}

}  // namespace
}  // namespace sluice::testing
