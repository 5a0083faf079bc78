#include "config/config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "config/config_test_util.h"

namespace sluice {
namespace {

// The Accounting catalog entry of the issue, verbatim (examples/accounting/sluice.yaml).
constexpr const char* kAccounting = R"(# The Accounting business event of the seed (../../../shared/seeds/000_…):
# one catalog entry replaces its stage, pipe, staging table, stream, final
# table and merge task.
data_dir: data                # landing files and the embedded warehouse (data/warehouse.db)
warehouse:
  backend: sqlite             # the default; or postgres
events:
  Accounting:                 # the business event's name (the seed's rule name)
    table: accounting         # final structured table
    flatten: EntryList        # one row per array element (LATERAL FLATTEN); `item.` paths read the element
    key: [eventitemid, entryidentifier]   # primary key of the final table
    version: eventdatetime    # newest version wins
    tenant: TenantId          # payload path that partitions landed files (used by the collector)
    columns:
      tenantid:              {path: TenantId, type: varchar(32)}
      clientid:              {path: ClientId, type: varchar(64)}
      entryidentifier:       {path: item.EntryIdentifier, type: varchar(64)}
      claimid:               {path: ClaimId, type: varchar(32)}
      disputeid:             {path: DisputeId, type: varchar(32)}
      performedon:           {path: item.PerformedOn, type: timestamp}
      performedbyoperatorid: {path: item.PerformedByOperatorID, type: varchar(128)}
      executedon:            {path: item.ExecutedOn, type: timestamp}
      executedbyoperatorid:  {path: item.ExecutedByOperatorID, type: varchar(128)}
      collectionname:        {path: item.CollectionName, type: varchar(64)}
      debitcredit:           {path: item.DebitCredit, type: varchar(16)}
      amount:                {path: item.Amount, type: number(9,2)}
      reason:                {path: item.Reason, type: varchar(64)}
      executionmethod:       {path: ExecutionMethod, type: varchar(32)}
      stepidentifier:        {path: StepIdentifier, type: varchar(64)}
      eventdatetime:         {path: EventDateTime, type: timestamp}
      eventidentifier:       {path: EventIdentifier, type: varchar(64)}
      eventitemid:           {path: EventItemId, type: varchar(64)}
)";

TEST(Config, AccountingExampleParses) {
  const Config c = MustParse(kAccounting);
  ASSERT_EQ(c.catalog.events.size(), 1u);
  const EventSpec& e = c.catalog.events[0];
  EXPECT_EQ(e.name, "Accounting");
  EXPECT_EQ(e.table, "accounting");
  EXPECT_EQ(e.staging_table(), "accounting_stg");
  EXPECT_EQ(e.columns.size(), 18u);
  EXPECT_EQ(e.key, (std::vector<std::string>{"eventitemid", "entryidentifier"}));
  EXPECT_EQ(e.version, "eventdatetime");
  ASSERT_TRUE(e.flatten.has_value());
  EXPECT_EQ(e.flatten->text, "EntryList");
  ASSERT_EQ(e.flatten->segments.size(), 1u);
  EXPECT_EQ(e.flatten->segments[0].field, "EntryList");
  ASSERT_TRUE(e.tenant.has_value());
  EXPECT_EQ(e.tenant->text, "TenantId");
  EXPECT_EQ(c.warehouse.backend, "sqlite");
  EXPECT_EQ(c.data_dir, "./data");
}

// A document nested past yaml-cpp's depth guard says so, where, in flow and
// block style alike (yaml-cpp's own message is "bad file").
TEST(Config, ADocumentNestedTooDeepSaysSo) {
  const std::string flow = "data_dir: data\nevents: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  std::string block = "data_dir: data\nx:\n";
  for (int i = 0; i < 5000; ++i) block += std::string(static_cast<size_t>(i) + 1, ' ') + "a:\n";
  for (const std::string& yaml : {flow, block}) {
    const auto parsed = ParseConfig(yaml, "sluice.yaml");
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.status().message().find("sluice.yaml:"), std::string::npos) << parsed.status().message();
    EXPECT_NE(parsed.status().message().find("nests too deep"), std::string::npos) << parsed.status().message();
  }
}

TEST(Config, AccountingColumnsKeepOrderPathsAndTypes) {
  const EventSpec e = MustParse(kAccounting).catalog.events.at(0);
  ASSERT_EQ(e.columns.size(), 18u);
  EXPECT_EQ(e.columns[0].name, "tenantid");
  EXPECT_EQ(e.columns[17].name, "eventitemid");
  const ColumnSpec& entry = e.columns[static_cast<size_t>(e.ColumnIndex("entryidentifier"))];
  EXPECT_TRUE(entry.path.relative_to_item);
  EXPECT_EQ(entry.type.ToString(), "varchar(64)");
  const ColumnSpec& when = e.columns[static_cast<size_t>(e.ColumnIndex("eventdatetime"))];
  EXPECT_FALSE(when.path.relative_to_item);
  EXPECT_EQ(when.type.kind, TypeKind::kTimestamp);
}

TEST(Config, FlowMapTypeSplitAtTheCommaIsJoinedBack) {
  // YAML reads {path: item.Amount, type: number(9,2)} as type "number(9" plus a key "2)".
  const EventSpec e = MustParse(kAccounting).catalog.events.at(0);
  const ColumnSpec& amount = e.columns[static_cast<size_t>(e.ColumnIndex("amount"))];
  EXPECT_EQ(amount.type.kind, TypeKind::kDecimal);
  EXPECT_EQ(amount.type.precision, 9);
  EXPECT_EQ(amount.type.scale, 2);
  EXPECT_TRUE(amount.path.relative_to_item);
  ASSERT_EQ(amount.path.segments.size(), 1u);
  EXPECT_EQ(amount.path.segments[0].field, "Amount");
}

TEST(Config, FlowMapTypeSplitWorksWhateverTheKeyOrder) {
  const Config c = MustParse(std::string(kOrders) + "      amt: {type: number(12, 4), path: Amt}\n");
  const ColumnSpec& amt = c.catalog.events.at(0).columns.at(2);
  EXPECT_EQ(amt.type.ToString(), "number(12,4)");
  EXPECT_EQ(amt.path.text, "Amt");
}

TEST(Config, QuotedAndBlockStyleTypesWork) {
  const Config c = MustParse(std::string(kOrders) +
                             "      a: {path: A, type: \"number(9,2)\"}\n"
                             "      b:\n"
                             "        path: B\n"
                             "        type: decimal(5,1)\n");
  const auto& cols = c.catalog.events.at(0).columns;
  EXPECT_EQ(cols.at(2).type.ToString(), "number(9,2)");
  EXPECT_EQ(cols.at(3).type.ToString(), "number(5,1)");
}

TEST(Config, IndexesNameColumnsOfTheEvent) {
  const std::string events = "events:\n  E:\n    key: id\n    version: at\n    columns:\n"
                             "      id: {path: id, type: string}\n      at: {path: at, type: timestamp}\n";
  const Config c = MustParse(events + "    indexes: [at, [id, at]]\n");
  ASSERT_EQ(c.catalog.events.size(), 1u);
  EXPECT_EQ(c.catalog.events[0].indexes, (std::vector<std::vector<std::string>>{{"at"}, {"id", "at"}}));
  const auto problems = Problems(events + "    indexes: [nope, {a: b}, []]\n");
  EXPECT_TRUE(HasProblem(problems, 8, 15, {"index column 'nope' is not a column of event 'E'"}));
  EXPECT_TRUE(HasProblem(problems, 8, 21, {"an index must be a column or a list of columns"}));
  EXPECT_TRUE(HasProblem(problems, 8, 29, {"an index needs at least one column"}));
  EXPECT_TRUE(HasProblem(Problems(events + "    indexes: at\n"), 8, 14, {"indexes must be a list"}));
}

TEST(Config, DefaultTableIsTheLowercasedEventName) {
  const Config c = MustParse(kOrders);
  EXPECT_EQ(c.catalog.events.at(0).table, "orders");
  EXPECT_EQ(c.catalog.events.at(0).staging_table(), "orders_stg");
}

TEST(Config, DataDirIsRelativeToTheConfigFolder) {
  EXPECT_EQ(MustParse("data_dir: data\n", "conf/sluice.yaml").data_dir, "conf/data");
  EXPECT_EQ(MustParse("data_dir: var/lib\n", "/etc/sluice/sluice.yaml").data_dir, "/etc/sluice/var/lib");
  EXPECT_EQ(MustParse("data_dir: data\n", "sluice.yaml").data_dir, "./data");
}

TEST(Config, AbsoluteDataDirIsKept) {
  EXPECT_EQ(MustParse("data_dir: /srv/sluice\n", "conf/sluice.yaml").data_dir, "/srv/sluice");
}

TEST(Config, DataDirDefaultsToDataBesideTheConfig) {
  const Config c = MustParse(kOrders, "conf/sluice.yaml");
  EXPECT_EQ(c.data_dir, "conf/data");
  EXPECT_EQ(c.base_dir, "conf");
}

TEST(Config, AnUnknownBackendIsRefusedNamingTheKnownOnes) {
  const auto p = Problems("warehouse:\n  backend: mysql\n");
  EXPECT_TRUE(HasProblem(p, 2, 12, {"'mysql'", "sqlite, clickhouse or postgres"}));
}

TEST(Config, PostgresTakesADsnASchemaAndAReadOnlyRole) {
  const Config c = MustParse(std::string("warehouse:\n  backend: postgres\n  dsn: host=db dbname=w\n  schema: dev\n"
                                         "  readonly_role: analysts\n") + kOrders,
                             "sluice.yaml");
  EXPECT_EQ(c.warehouse.backend, "postgres");
  EXPECT_EQ(c.warehouse.Option("dsn"), "host=db dbname=w");
  EXPECT_EQ(c.warehouse.Option("schema"), "dev");
  EXPECT_EQ(c.warehouse.Option("readonly_role"), "analysts");
  EXPECT_EQ(MustParse(std::string("warehouse:\n  backend: postgres\n") + kOrders, "s.yaml").warehouse.Option("schema"),
            "public");
}

TEST(Config, PostgresNamesMustBePlainIdentifiersAndPostgresKeysNeedThePostgresBackend) {
  auto p = Problems("warehouse:\n  backend: postgres\n  schema: 1dev\n  readonly_role: a-b\n");
  EXPECT_TRUE(HasProblem(p, 3, 11, {"warehouse.schema '1dev'", "letters, digits or _"}));
  EXPECT_TRUE(HasProblem(p, 4, 18, {"warehouse.readonly_role 'a-b'"}));
  p = Problems("warehouse:\n  schema: dev\n");
  EXPECT_TRUE(HasProblem(p, 2, 11, {"warehouse.schema applies to backend: postgres only"}));
}

TEST(Config, UnknownTopLevelKeyIsNamedWithTheAllowedOnes) {
  const auto p = Problems(std::string("data_dir: data\ndatadir: x\n") + kOrders);
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_TRUE(HasProblem(p, 2, 1, {"'datadir'", "data_dir", "warehouse", "events"}));
}

TEST(Config, UnknownWarehouseKeyIsReported) {
  const auto p = Problems("warehouse:\n  backend: sqlite\n  host: db\n");
  EXPECT_TRUE(HasProblem(p, 3, 3, {"'host'", "backend"}));
}

TEST(Config, UnknownEventKeyIsNamedWithTheAllowedOnes) {
  const auto p = Problems(std::string(kOrders) + "    flaten: Lines\n");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_TRUE(HasProblem(p, 8, 5, {"'flaten'", "table", "flatten", "key", "version", "tenant", "columns"}));
}

TEST(Config, UnknownColumnKeyIsNamedWithTheAllowedOnes) {
  const auto p = Problems(std::string(kOrders) + "      n: {path: N, type: int, nullable: true}\n");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_TRUE(HasProblem(p, 8, 31, {"'nullable'", "path", "type"}));
}

TEST(Config, UnknownTypeIsReportedAtTheTypeWithTheValidTypes) {
  const auto p = Problems(std::string(kOrders) + "      n: {path: N, type: integer}\n");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_TRUE(HasProblem(p, 8, 26, {"'n'", "integer", "varchar(n)", "number(p,s)", "timestamp", "json"}));
}

TEST(Config, BadPathIsReportedAtThePathWithItsCharacter) {
  const auto p = Problems(std::string(kOrders) + "      n: {path: a..b, type: int}\n");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_TRUE(HasProblem(p, 8, 17, {"'n'", "a..b", "character 3"}));
}

TEST(Config, KeyNamingAMissingColumnIsReported) {
  const auto p = Problems(R"(events:
  Orders:
    key: [id, nope]
    version: ts
    columns:
      id: {path: Id, type: int}
      ts: {path: Ts, type: timestamp}
)");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_TRUE(HasProblem(p, 3, 15, {"'nope'", "not a column"}));
}

TEST(Config, VersionNamingAMissingColumnIsReported) {
  const auto p = Problems(R"(events:
  Orders:
    key: id
    version: updated
    columns:
      id: {path: Id, type: int}
)");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_TRUE(HasProblem(p, 4, 14, {"'updated'", "not a column"}));
}

TEST(Config, MissingColumnsAreReported) {
  const auto p = Problems("events:\n  Orders:\n    table: orders\n");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_NE(Join(p).find("no columns"), std::string::npos) << Join(p);
}

TEST(Config, AKeyWithoutVersionIsReported) {
  const auto p = Problems("events:\n  Orders:\n    key: id\n    columns:\n      id: {path: Id, type: int}\n");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_NE(Join(p).find("no version"), std::string::npos) << Join(p);
}

TEST(Config, AVersionWithoutKeyIsReported) {
  const auto p = Problems("events:\n  Orders:\n    version: at\n    columns:\n      at: {path: At, type: timestamp}\n");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_TRUE(HasProblem(p, 3, 14, {"version but no key", "append-only"})) << Join(p);
}

TEST(Config, ATypeWithoutKeyIsAnAppendOnlyLogKeyedByItsIdAndElement) {
  const Config c = MustParse(R"(events:
  Clicks:
    id: [Session, Seq]
    flatten: Items
    columns:
      page: {path: Page, type: varchar(64)}
      sku: {path: item.Sku, type: string}
  Views:
    columns:
      page: {path: Page, type: string}
)");
  const EventSpec& clicks = c.catalog.events[0];
  EXPECT_TRUE(clicks.append_only());
  ASSERT_EQ(clicks.id.size(), 2u);
  EXPECT_EQ(clicks.id[1].text, "Seq");
  EXPECT_EQ(clicks.key, (std::vector<std::string>{"sluice_event_id", "sluice_item"}));
  ASSERT_EQ(clicks.columns.size(), 4u);
  EXPECT_EQ(clicks.columns[2].source, ColumnSource::kEventId);
  EXPECT_EQ(clicks.columns[3].source, ColumnSource::kElementIndex);
  const EventSpec& views = c.catalog.events[1];
  EXPECT_TRUE(views.append_only());
  EXPECT_TRUE(views.key.empty());
  EXPECT_EQ(views.columns.size(), 1u);
}

TEST(Config, IdPathsMustReadTheEventNotTheFlattenedArray) {
  const auto p = Problems(R"(events:
  Orders:
    flatten: Lines
    id:
      - item.Id
      - Lines[0].Id
      - Ref
      - Ref
    columns:
      ref: {path: Ref, type: string}
)");
  EXPECT_EQ(p.size(), 3u) << Join(p);
  const std::string all = Join(p);
  EXPECT_NE(all.find("reads the flattened element"), std::string::npos) << all;
  EXPECT_NE(all.find("reads the flattened array 'Lines'"), std::string::npos) << all;
  EXPECT_NE(all.find("listed twice"), std::string::npos) << all;
}

TEST(Config, ColumnNamesStartingWithSluiceAreReserved) {
  const auto p = Problems("events:\n  Orders:\n    columns:\n      sluice_item: {path: X, type: string}\n");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_NE(Join(p).find("reserved"), std::string::npos) << Join(p);
}

TEST(Config, DuplicateTableAcrossEventsIsReported) {
  const auto p = Problems(std::string(kOrders) + R"(  Purchases:
    table: orders
    key: id
    version: ts
    columns:
      id: {path: Id, type: int}
      ts: {path: Ts, type: timestamp}
)");
  ASSERT_FALSE(p.empty());
  EXPECT_TRUE(HasProblem(p, 8, 3, {"'orders'", "Purchases", "Orders"}));
}

TEST(Config, TableEqualToAnotherEventsStagingTableIsReported) {
  const auto p = Problems(std::string(kOrders) + R"(  Extra:
    table: orders_stg
    key: id
    version: ts
    columns:
      id: {path: Id, type: int}
      ts: {path: Ts, type: timestamp}
)");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_TRUE(HasProblem(p, 8, 3, {"'orders_stg'", "Extra", "Orders"}));
}

TEST(Config, SluicePrefixedTableNamesAreReserved) {
  const auto p = Problems(R"(events:
  Orders:
    table: sluice_orders
    key: id
    version: ts
    columns:
      id: {path: Id, type: int}
      ts: {path: Ts, type: timestamp}
)");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_TRUE(HasProblem(p, 3, 12, {"sluice_orders", "reserved"}));
}

TEST(Config, SluicePrefixedDefaultTableNameIsReserved) {
  // No `table:`, so the table is the lowercased event name: sluice_runs.
  const auto p = Problems(R"(events:
  Sluice_Runs:
    key: id
    version: id
    columns:
      id: {path: Id, type: int}
)");
  ASSERT_FALSE(p.empty());
  EXPECT_NE(Join(p).find("reserved"), std::string::npos) << Join(p);
}

TEST(Config, InvalidTableNameIsReported) {
  const auto p = Problems("events:\n  Orders:\n    table: Bad-Name\n    key: id\n    version: id\n"
                          "    columns:\n      id: {path: Id, type: int}\n");
  EXPECT_TRUE(HasProblem(p, 3, 12, {"Bad-Name"}));
}

TEST(Config, ItemPathWithoutFlattenIsReported) {
  const auto p = Problems(std::string(kOrders) + "      amt: {path: item.Amount, type: double}\n");
  ASSERT_EQ(p.size(), 1u) << Join(p);
  EXPECT_TRUE(HasProblem(p, 8, 19, {"item.Amount", "'amt'", "flatten"}));
}

TEST(Config, TopLevelPathIntoTheFlattenedArrayIsRefused) {
  const auto p = Problems(R"(events:
  Orders:
    flatten: EntryList
    key: id
    version: ts
    columns:
      id: {path: item.Id, type: int}
      ts: {path: Ts, type: timestamp}
      first:
        path: EntryList[0].X
        type: string
      whole: {path: EntryList, type: json}
)");
  ASSERT_EQ(p.size(), 2u) << Join(p);
  EXPECT_TRUE(HasProblem(p, 10, 9, {"EntryList[0].X", "'first'", "item."}));
  EXPECT_TRUE(HasProblem(p, 12, 14, {"'whole'"}));
}

TEST(Config, SiblingOfTheFlattenedArrayMayBeReadFromTheTop) {
  const Config c = MustParse(R"(events:
  Orders:
    flatten: Data.Lines
    key: [id, sku]
    version: ts
    columns:
      id: {path: Data.Id, type: int}
      ts: {path: Ts, type: timestamp}
      sku: {path: item.Sku, type: string}
      count: {path: Data.LinesCount, type: int}
      whole: {path: item, type: json}
)");
  EXPECT_EQ(c.catalog.events.at(0).columns.size(), 5u);
}

TEST(Config, FlattenAndTenantCannotBeRelativeToItem) {
  const auto p = Problems(R"(events:
  Orders:
    flatten: item.Lines
    tenant: item.T
    key: id
    version: id
    columns:
      id: {path: Id, type: int}
)");
  EXPECT_TRUE(HasProblem(p, 3, 14, {"flatten"}));
  EXPECT_TRUE(HasProblem(p, 4, 13, {"tenant"}));
}

TEST(Config, VersionColumnMustHaveAnOrder) {
  const auto p = Problems("events:\n  Orders:\n    key: id\n    version: doc\n    columns:\n"
                          "      id: {path: Id, type: int}\n      doc: {path: Doc, type: json}\n");
  EXPECT_TRUE(HasProblem(p, 4, 14, {"'doc'", "json"}));
}

TEST(Config, KeyColumnListedTwiceIsReported) {
  const auto p = Problems("events:\n  Orders:\n    key: [id, id]\n    version: id\n    columns:\n"
                          "      id: {path: Id, type: int}\n");
  EXPECT_TRUE(HasProblem(p, 3, 15, {"'id'", "twice"}));
}

TEST(Config, InvalidColumnNameIsReported) {
  const auto p = Problems(std::string(kOrders) + "      Amount: {path: A, type: int}\n");
  EXPECT_TRUE(HasProblem(p, 8, 7, {"Amount"}));
}

TEST(Config, EveryProblemIsReportedAtOnce) {
  const auto p = Problems(R"(bogus: 1
warehouse:
  backend: oracle
events:
  Orders:
    table: sluice_x
    key: [id, missing]
    version: nope
    columns:
      id: {path: Id, type: integr}
      ts: {path: "a..b", type: timestamp}
      amt: {path: item.A, type: int}
)");
  EXPECT_TRUE(HasProblem(p, 1, 1, {"'bogus'"}));
  EXPECT_TRUE(HasProblem(p, 3, 12, {"oracle"}));
  EXPECT_TRUE(HasProblem(p, 6, 12, {"reserved"}));
  EXPECT_TRUE(HasProblem(p, 7, 15, {"'missing'"}));
  EXPECT_TRUE(HasProblem(p, 8, 14, {"'nope'"}));
  EXPECT_TRUE(HasProblem(p, 10, 28, {"integr"}));
  EXPECT_TRUE(HasProblem(p, 11, 18, {"a..b", "character 3"}));
  EXPECT_TRUE(HasProblem(p, 12, 19, {"flatten"}));
  EXPECT_EQ(p.size(), 8u) << Join(p);
}

TEST(Config, YamlSyntaxErrorNamesItsPosition) {
  auto c = ParseConfig("events:\n  Orders: [unclosed\n", "sluice.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message().rfind("sluice.yaml:", 0), 0u) << c.status().message();
}

TEST(Config, EmptyOrNonMapFileIsAnError) {
  EXPECT_FALSE(ParseConfig("", "sluice.yaml").ok());
  EXPECT_FALSE(ParseConfig("- a\n- b\n", "sluice.yaml").ok());
}

TEST(Config, ErrorsNameTheFileAsGiven) {
  auto c = ParseConfig("nope: 1\n", "conf/prod.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message().rfind("conf/prod.yaml:1:1: ", 0), 0u) << c.status().message();
}

TEST(ConfigKeys, ListsTheKeysTheParserAccepts) {
  const auto& keys = ConfigKeys();
  for (const char* k : {"data_dir", "warehouse.backend", "events.<name>.table", "events.<name>.flatten",
                        "events.<name>.key", "events.<name>.version", "events.<name>.tenant",
                        "events.<name>.columns.<name>.path", "events.<name>.columns.<name>.type"})
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
}

TEST(ConfigKeys, EveryKeyIsDescribedInTheConfigurationDoc) {
  const char* source_dir = std::getenv("SLUICE_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr) << "SLUICE_SOURCE_DIR is not set (CTest sets it)";
  const std::string doc_path = std::string(source_dir) + "/docs/configuration.md";
  std::ifstream in(doc_path);
  ASSERT_TRUE(in) << "cannot read " << doc_path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string doc = buffer.str();
  for (const std::string& key : ConfigKeys())
    EXPECT_NE(doc.find("`" + key + "`"), std::string::npos) << doc_path << " does not describe `" << key << "`";
}

}  // namespace
}  // namespace sluice
