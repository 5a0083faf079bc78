#include "models/node_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::models {
namespace {

using ::testing::ElementsAre;

Status Apply(ResourceType type, std::string_view key, const ConfigValue& value, NodeConfig* config) {
  return ApplyConfigKey(type, key, value, config);
}

TEST(NodeConfig, DefaultsDependOnTheResourceType) {
  EXPECT_EQ(DefaultConfig(ResourceType::kModel).materialized, Materialization::kView);
  EXPECT_EQ(DefaultConfig(ResourceType::kSeed).materialized, Materialization::kSeed);
  EXPECT_EQ(DefaultConfig(ResourceType::kTest).materialized, Materialization::kTest);
  EXPECT_EQ(DefaultConfig(ResourceType::kTest).severity, Severity::kError);
}

TEST(NodeConfig, SupportedKeysChangeTheConfig) {
  NodeConfig c = DefaultConfig(ResourceType::kModel);
  ASSERT_TRUE(Apply(ResourceType::kModel, "materialized", ConfigValue::Scalar("incremental"), &c).ok());
  ASSERT_TRUE(Apply(ResourceType::kModel, "unique_key", ConfigValue::Scalar("id"), &c).ok());
  ASSERT_TRUE(Apply(ResourceType::kModel, "on_schema_change", ConfigValue::Scalar("append_new_columns"), &c).ok());
  ASSERT_TRUE(Apply(ResourceType::kModel, "incremental_strategy", ConfigValue::Scalar("delete+insert"), &c).ok());
  ASSERT_TRUE(Apply(ResourceType::kModel, "full_refresh", ConfigValue::Scalar("False"), &c).ok());
  ASSERT_TRUE(Apply(ResourceType::kModel, "enabled", ConfigValue::Scalar("no"), &c).ok());
  EXPECT_EQ(c.materialized, Materialization::kIncremental);
  EXPECT_THAT(c.unique_key, ElementsAre("id"));
  EXPECT_EQ(c.on_schema_change, OnSchemaChange::kAppendNewColumns);
  EXPECT_EQ(c.incremental_strategy, IncrementalStrategy::kDeleteInsert);
  EXPECT_EQ(c.full_refresh, false);
  EXPECT_FALSE(c.enabled);
  // A later level replaces a value: the compiler's config() call on top.
  ASSERT_TRUE(Apply(ResourceType::kModel, "unique_key", ConfigValue::List({"a", "b"}), &c).ok());
  EXPECT_THAT(c.unique_key, ElementsAre("a", "b"));
}

TEST(NodeConfig, TagsAddUpWithoutRepeats) {
  NodeConfig c;
  ASSERT_TRUE(Apply(ResourceType::kModel, "tags", ConfigValue::Scalar("nightly"), &c).ok());
  ASSERT_TRUE(Apply(ResourceType::kModel, "tags", ConfigValue::List({"finance", "nightly"}), &c).ok());
  EXPECT_THAT(c.tags, ElementsAre("nightly", "finance"));
}

TEST(NodeConfig, ColumnTypesMergeByColumn) {
  NodeConfig c = DefaultConfig(ResourceType::kSeed);
  ConfigValue first;
  first.kind = ConfigValue::Kind::kMap;
  first.map = {{"id", "int"}, {"code", "text"}};
  ConfigValue second = first;
  second.map = {{"id", "bigint"}};
  ASSERT_TRUE(Apply(ResourceType::kSeed, "column_types", first, &c).ok());
  ASSERT_TRUE(Apply(ResourceType::kSeed, "column_types", second, &c).ok());
  using Types = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(c.column_types, (Types{{"id", "bigint"}, {"code", "text"}}));
}

TEST(NodeConfig, TestKeysAndTheirDefaults) {
  NodeConfig c = DefaultConfig(ResourceType::kTest);
  ASSERT_TRUE(Apply(ResourceType::kTest, "severity", ConfigValue::Scalar("WARN"), &c).ok());
  ASSERT_TRUE(Apply(ResourceType::kTest, "where", ConfigValue::Scalar("status != 'void'"), &c).ok());
  ASSERT_TRUE(Apply(ResourceType::kTest, "store_failures_as", ConfigValue::Scalar("table"), &c).ok());
  ASSERT_TRUE(Apply(ResourceType::kTest, "limit", ConfigValue::Scalar("50"), &c).ok());
  ASSERT_TRUE(Apply(ResourceType::kTest, "error_if", ConfigValue::Scalar("!=0"), &c).ok());
  ASSERT_TRUE(Apply(ResourceType::kTest, "fail_calc", ConfigValue::Scalar("COUNT(*)"), &c).ok());
  EXPECT_EQ(c.severity, Severity::kWarn);
  EXPECT_EQ(c.where, "status != 'void'");
  EXPECT_EQ(c.store_failures, true);
  EXPECT_EQ(c.limit, 50);
  EXPECT_EQ(Apply(ResourceType::kTest, "warn_if", ConfigValue::Scalar(">10"), &c).message(),
            "config 'warn_if' is supported only at its default '!= 0' (not '>10')");
  ASSERT_TRUE(Apply(ResourceType::kTest, "where", ConfigValue{}, &c).ok());  // no value: nothing changes
  EXPECT_EQ(c.where, "status != 'void'");
}

TEST(NodeConfig, MergeConfigAppliesACallsArgumentsAndNamesEveryBadOne) {
  NodeConfig c = DefaultConfig(ResourceType::kModel);
  const Status st = MergeConfig(ResourceType::kModel,
                                {{"materialized", ConfigValue::Scalar("table")},
                                 {"post_hook", ConfigValue::Scalar("vacuum")},
                                 {"tags", ConfigValue::List({"a"})},
                                 {"colour", ConfigValue::Scalar("red")}},
                                &c);
  EXPECT_EQ(st.message(),
            "config 'post_hook' is not supported: hooks run SQL of their own around a node, which sluice does not do\n"
            "unknown config 'colour' for a model (sluice supports: enabled, tags, alias, schema, materialized, "
            "full_refresh, unique_key, on_schema_change, incremental_strategy)");
  EXPECT_EQ(c.materialized, Materialization::kTable);
  EXPECT_THAT(c.tags, ElementsAre("a"));
}

TEST(NodeConfig, IgnoredKeysLeaveTheConfigAlone) {
  NodeConfig c;
  ConfigValue nested;
  nested.kind = ConfigValue::Kind::kNested;
  for (const char* key : {"docs", "persist_docs", "meta", "description", "group", "access", "event_time"})
    EXPECT_TRUE(Apply(ResourceType::kModel, key, nested, &c).ok()) << key;
  EXPECT_TRUE(c.tags.empty());
}

TEST(NodeConfig, RefusedKeysSayWhy) {
  NodeConfig c;
  EXPECT_EQ(Apply(ResourceType::kModel, "post-hook", ConfigValue::Scalar("x"), &c).message(),
            "config 'post-hook' is not supported: hooks run SQL of their own around a node, which sluice does not do");
  EXPECT_EQ(Apply(ResourceType::kModel, "grants", ConfigValue::Scalar("x"), &c).message(),
            "config 'grants' is not supported: sluice grants SELECT on what it builds to warehouse.readonly_role, and "
            "makes no other grants");
  ConfigValue enforced;
  enforced.kind = ConfigValue::Kind::kMap;
  enforced.map = {{"enforced", "true"}};
  EXPECT_EQ(Apply(ResourceType::kModel, "contract", enforced, &c).message(),
            "config 'contract' is not supported: model contracts are not enforced");
  // Asking for none of it is not refused.
  enforced.map = {{"enforced", "false"}};
  EXPECT_TRUE(Apply(ResourceType::kModel, "contract", enforced, &c).ok());
  EXPECT_TRUE(Apply(ResourceType::kModel, "post-hook", ConfigValue::List({}), &c).ok());
  EXPECT_TRUE(Apply(ResourceType::kModel, "grants", ConfigValue{}, &c).ok());
  EXPECT_EQ(Apply(ResourceType::kModel, "batch_size", ConfigValue::Scalar("day"), &c).message(),
            "config 'batch_size' is not supported: microbatch incremental models are not supported");
}

TEST(NodeConfig, BadValuesAndWrongTypesAreNamed) {
  NodeConfig c;
  EXPECT_EQ(Apply(ResourceType::kModel, "materialized", ConfigValue::Scalar("materialized_view"), &c).message(),
            "config 'materialized' must be one of view, table, incremental, ephemeral (not 'materialized_view')");
  EXPECT_EQ(Apply(ResourceType::kModel, "on_schema_change", ConfigValue::Scalar("sync_all_columns"), &c).message(),
            "config 'on_schema_change' must be one of ignore, append_new_columns, fail (not 'sync_all_columns')");
  EXPECT_EQ(Apply(ResourceType::kModel, "enabled", ConfigValue::Scalar("maybe"), &c).message(),
            "config 'enabled' must be true or false (not 'maybe')");
  EXPECT_EQ(Apply(ResourceType::kSeed, "materialized", ConfigValue::Scalar("table"), &c).message(),
            "config 'materialized' must be one of seed (not 'table')");
  EXPECT_EQ(Apply(ResourceType::kSeed, "delimiter", ConfigValue::Scalar("||"), &c).message(),
            "config 'delimiter' must be one character other than a quote or a line break (not '||')");
  EXPECT_EQ(Apply(ResourceType::kSource, "alias", ConfigValue::Scalar("x"), &c).message(),
            "config 'alias' applies to models, seeds, tests only, not to a source");
  EXPECT_EQ(Apply(ResourceType::kModel, "tags", ConfigValue{ConfigValue::Kind::kNested, {}, {}, {}}, &c).message(),
            "config 'tags' must be a value or a list of values");
  EXPECT_EQ(Apply(ResourceType::kTest, "limit", ConfigValue::Scalar("-1"), &c).message(),
            "config 'limit' must be a whole number of rows (not '-1')");
}

}  // namespace
}  // namespace sluice::models
