// `sluice models seed` on both backends: CSV files as RFC 4180 writes them
// (quoted commas, doubled quotes, line breaks in a field, CRLF and LF mixed,
// empty fields as NULL), column types inferred from the values or set by
// column_types, timestamps stored in UTC like the event tables'; and a
// malformed file fails naming itself and the line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "models_harness.h"

namespace sluice::testing {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// CRLF and LF mixed; a doubled quote, a quoted comma and a quoted line
// break; leading zeros; empty fields (NULL), unquoted and last on a line.
const std::string kCustomers =
    "id,name,code,zip,active,score,signup,seen_at,note\r\n"
    "1,\"Smith, John\",007,12345,true,1.5,2024-01-02,2024-01-02 03:04:05,\r\n"
    "2,\"say \"\"hi\"\"\",010,54321,FALSE,2,2024-02-03,2024-02-03T04:05:06Z,plain\n"
    "3,,,99999,True,-0.25,2024-03-04,2024-03-04T07:06:07.5+02:00,\"multi\nline\"\n";

// The project's column_types make zip text although every value is a number.
const std::string kSeedConfig = "seeds:\n  analytics:\n    customers:\n      +column_types: {zip: text}\n";

// The types the warehouse declared, lower case, in column order.
std::vector<std::string> DeclaredTypes(const Workspace& ws, const std::string& table) {
  return Rows(ws, ws.on_postgres() ? "SELECT data_type FROM information_schema.columns WHERE table_schema = "
                                     "current_schema() AND table_name = '" + table + "' ORDER BY ordinal_position"
                                   : "SELECT lower(type) FROM pragma_table_info('" + table + "') ORDER BY cid");
}

TEST(ModelsSeeds, AnAwkwardCsvLoadsWithItsValuesAndInferredTypes) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"dbt_project.yml", DbtProjectYml(kSeedConfig)},
                    {"seeds/customers.csv", kCustomers},
                    {"models/active_customers.sql",
                     "{{ config(materialized='view') }}\n"
                     "select id, signup from {{ ref('customers') }} where active and score > 0\n"}});
  const RunResult r = Models(ws, {"build"});
  ASSERT_RUN_OK(r);
  EXPECT_THAT(r.out, HasSubstr("OK     seed         customers 3 rows"));

  EXPECT_THAT(Rows(ws, "SELECT * FROM customers ORDER BY id"),
              ElementsAre("1|Smith, John|007|12345|1|1.5|2024-01-02|2024-01-02 03:04:05.000000|NULL",
                          "2|say \"hi\"|010|54321|0|2|2024-02-03|2024-02-03 04:05:06.000000|plain",
                          // the offset is folded into UTC, as sluice stores every timestamp
                          "3|NULL|NULL|99999|1|-0.25|2024-03-04|2024-03-04 05:06:07.500000|multi\nline"));
  if (ws.on_postgres()) {
    EXPECT_THAT(DeclaredTypes(ws, "customers"),
                ElementsAre("bigint", "text", "text", "text", "boolean", "numeric", "date",
                            "timestamp without time zone", "text"));
  } else {
    EXPECT_THAT(DeclaredTypes(ws, "customers"),
                ElementsAre("bigint", "text", "text", "text", "boolean", "real", "date", "timestamp", "text"));
  }
  // Typed values, not text: numbers compare as numbers, "007" stays text.
  const auto row = ws.Query("SELECT id, code, zip, active FROM customers WHERE id = 1");
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0].type, SQLITE_INTEGER);
  EXPECT_EQ(row[0][1].type, SQLITE_TEXT);
  EXPECT_EQ(row[0][1].text, "007");
  EXPECT_EQ(row[0][2].type, SQLITE_TEXT);
  EXPECT_EQ(row[0][3].integer, 1);
  EXPECT_THAT(Rows(ws, "SELECT sum(score), sum(id) FROM customers"), ElementsAre("3.25|6"));
  EXPECT_THAT(Rows(ws, "SELECT id, signup FROM active_customers ORDER BY id"), ElementsAre("1|2024-01-02"));

  // Seeding again replaces the table instead of adding to it.
  ASSERT_RUN_OK(Models(ws, {"seed"}));
  EXPECT_EQ(ws.Count("customers"), 3);
}

TEST(ModelsSeeds, AColumnTypesOverrideNamingNoColumnIsAnError) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"dbt_project.yml", DbtProjectYml("seeds:\n  analytics:\n    +column_types: {nope: text}\n")},
                    {"seeds/customers.csv", kCustomers}});
  const RunResult r = Models(ws, {"seed"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.out + r.err, AllOf(HasSubstr("nope"), HasSubstr("customers.csv")));
  EXPECT_FALSE(ws.HasTable("customers"));
}

TEST(ModelsSeeds, AMalformedCsvFailsNamingTheFileAndLineAndTheOthersLoad) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"seeds/customers.csv", kCustomers},
                    {"seeds/bad_quote.csv", "a,b\n1,2\n3,\"never closed\n4,5\n"},
                    {"seeds/ragged.csv", "a,b\r\n1,2\r\n3,4,5\r\n6,7\r\n8\r\n"}});
  const RunResult r = Models(ws, {"seed"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.out, HasSubstr("seeds/bad_quote.csv:3: a quoted field is never closed"));
  EXPECT_THAT(r.out, HasSubstr("seeds/ragged.csv:3: the row has 3 values, and the header 2 columns"));
  EXPECT_THAT(r.out, HasSubstr("seeds/ragged.csv:5: the row has 1 value"));
  EXPECT_THAT(r.out, HasSubstr("1 built, 2 errors"));
  EXPECT_FALSE(ws.HasTable("bad_quote"));
  EXPECT_FALSE(ws.HasTable("ragged"));
  EXPECT_EQ(ws.Count("customers"), 3);
  EXPECT_THAT(LastRun(ws), ::testing::UnorderedElementsAre("seed.analytics.bad_quote error",
                                                           "seed.analytics.ragged error",
                                                           "seed.analytics.customers success"));
}

}  // namespace
}  // namespace sluice::testing
