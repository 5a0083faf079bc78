// On PostgreSQL, what `sluice models build` makes is readable by the
// warehouse's readonly_role like the final tables, however it was made:
// seeds, views, tables (refilled in place or swapped for a new shape),
// incremental tables, kept test failures; and the role still writes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models_harness.h"
#include "pg_harness.h"

namespace sluice::testing {
namespace {

TEST(ModelsGrants, TheReadOnlyRoleCanSelectEveryRelationModelsBuild) {
  Workspace probe;
  if (!probe.on_postgres()) GTEST_SKIP() << "readonly_role is PostgreSQL's";
  const std::string role = UniqueSchemaName() + "_reader";
  std::string yaml = ModelsConfigYaml();
  const size_t at = yaml.find("\nwarehouse:\n");
  ASSERT_NE(at, std::string::npos) << yaml;
  yaml.insert(at + 12, "  readonly_role: " + role + "\n");
  Workspace ws(yaml);  // the harness points the section at PostgreSQL, keeping readonly_role
  WriteProject(ws, {{"seeds/codes.csv", "code,label\nA,alpha\n"},
                    {"models/entries_v.sql", "select eventitemid, amount from {{ source('events', 'accounting') }}\n"},
                    {"models/totals.sql", "{{ config(materialized='table') }}\n"
                                          "select eventitemid, sum(amount) as total from {{ ref('entries_v') }} group by 1\n"},
                    {"models/entries_inc.sql",
                     "{{ config(materialized='incremental', unique_key='eventitemid') }}\n"
                     "select eventitemid, amount from {{ source('events', 'accounting') }}\n"},
                    {"models/properties.yml",
                     "version: 2\nmodels:\n  - name: totals\n    columns:\n      - name: total\n"
                     "        data_tests:\n          - accepted_values: {values: [1], quote: false}\n"}});
  ASSERT_TRUE(LoadAndMerge(ws, {ItemEvent("I1", "2026-01-01T10:00:00Z", {{"E1", 5}})}));
  // Twice: the second run refills totals in place and merges into entries_inc.
  for (int run = 0; run < 2; ++run) {
    const RunResult r = Models(ws, {"build", "--store-failures"});
    EXPECT_EQ(r.exit_code, 1) << r.Describe();  // the accepted_values test fails on purpose
  }
  // A new shape: totals is dropped and created again.
  WriteProjectFile(ws, "models/totals.sql",
                   "{{ config(materialized='table') }}\nselect eventitemid, sum(amount) as total, 1 as one "
                   "from {{ ref('entries_v') }} group by 1\n");
  EXPECT_EQ(Models(ws, {"build", "--store-failures"}).exit_code, 1);

  PgConnection reader(ws.pg_dsn(), ws.pg_schema(), /*read_only=*/false);
  reader.Exec("SET ROLE " + QuotePgIdent(role));
  for (const std::string relation : {"codes", "entries_v", "totals", "entries_inc",
                                      "dbt_test__audit__accepted_values_totals_total__False__1"}) {
    try {
      EXPECT_EQ(reader.Query("SELECT count(*) FROM " + QuotePgIdent(relation))[0][0].integer, 1) << relation;
    } catch (const std::exception& e) {
      ADD_FAILURE() << relation << ": " << e.what();
    }
  }
  EXPECT_THROW(reader.Exec("DELETE FROM totals"), std::runtime_error);
  EXPECT_THROW(reader.Exec("INSERT INTO codes VALUES ('B', 'beta')"), std::runtime_error);
  reader.Exec("RESET ROLE");
  EXPECT_EQ(reader.Query("SELECT count(*) FROM totals")[0][0].integer, 1);
}

}  // namespace
}  // namespace sluice::testing
