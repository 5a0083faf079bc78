#include "models/selection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models/project_fixture.h"
#include "models/project_graph.h"

namespace sluice::models {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

GraphNode Node(ResourceType type, std::string name, std::vector<std::string> folders, std::string path,
               std::vector<std::string> parents, std::vector<std::string> tags = {}) {
  GraphNode n;
  n.type = type;
  n.unique_id = NodeId(type, "shop", name);
  n.name = name;
  n.package = "shop";
  n.fqn = {"shop"};
  n.fqn.insert(n.fqn.end(), folders.begin(), folders.end());
  n.fqn.push_back(name);
  n.path = std::move(path);
  n.root = n.path.substr(0, n.path.find('/'));
  n.parents = std::move(parents);
  n.tags = std::move(tags);
  n.materialized = type == ResourceType::kModel ? "view" : type == ResourceType::kSeed ? "seed" : "test";
  return n;
}

GraphNode SourceTableNode(std::string source, std::string table) {
  GraphNode n;
  n.type = ResourceType::kSource;
  n.unique_id = SourceId("shop", source, table);
  n.name = table;
  n.source_name = source;
  n.package = "shop";
  n.fqn = {"shop", "staging", source, table};
  n.path = "models/staging/sources.yml";
  return n;
}

// sources → staging → intermediate → marts, with a seed and four tests:
//
//   events.orders ── stg_orders ──┐
//   events.customers ─ stg_customers ─┼─ int_orders ── fct_orders ── report
//                            │    countries ─┘            │
//                            └──────────── dim_customers ─┘ (relationships test)
class Selection : public ::testing::Test {
 protected:
  void SetUp() override {
    using R = ResourceType;
    graph_ = {
        SourceTableNode("events", "orders"),
        SourceTableNode("events", "customers"),
        Node(R::kSeed, "countries", {}, "seeds/countries.csv", {}),
        Node(R::kModel, "stg_orders", {"staging"}, "models/staging/stg_orders.sql", {"source.shop.events.orders"},
             {"staging", "nightly"}),
        Node(R::kModel, "stg_customers", {"staging"}, "models/staging/stg_customers.sql",
             {"source.shop.events.customers"}, {"staging"}),
        Node(R::kModel, "int_orders", {"intermediate"}, "models/intermediate/int_orders.sql",
             {"model.shop.stg_orders", "model.shop.stg_customers", "seed.shop.countries"}),
        Node(R::kModel, "fct_orders", {"marts"}, "models/marts/fct_orders.sql", {"model.shop.int_orders"}, {"nightly"}),
        Node(R::kModel, "dim_customers", {"marts"}, "models/marts/dim_customers.sql", {"model.shop.stg_customers"}),
        Node(R::kModel, "report", {"marts", "finance"}, "models/marts/finance/report.sql", {"model.shop.fct_orders"}),
        Node(R::kTest, "not_null_stg_orders_id", {"staging"}, "models/staging/schema.yml", {"model.shop.stg_orders"}),
        Node(R::kTest, "relationships_fct_orders_customer_id", {"marts"}, "models/marts/schema.yml",
             {"model.shop.fct_orders", "model.shop.dim_customers"}),
        Node(R::kTest, "assert_sold", {}, "tests/assert_sold.sql", {"model.shop.fct_orders"}),
        Node(R::kTest, "source_unique_events_orders_id", {"staging"}, "models/staging/sources.yml",
             {"source.shop.events.orders"}),
    };
    graph_[6].materialized = "table";
    graph_[9].test_name = "not_null";
    graph_[10].test_name = "relationships";
    graph_[12].test_name = "unique";
  }

  // The names selected (source tables as source.table).
  std::vector<std::string> Names(std::string_view select, std::string_view exclude = "",
                                 IndirectSelection indirect = IndirectSelection::kEager) {
    auto s = SelectNodes(graph_, select, exclude, indirect);
    EXPECT_TRUE(s.ok()) << s.status().message();
    if (!s.ok()) return {};
    EXPECT_THAT(s->warnings, IsEmpty()) << select;
    std::vector<std::string> names;
    for (const std::string& id : s->unique_ids) {
      for (const GraphNode& n : graph_)
        if (n.unique_id == id) names.push_back(n.source_name.empty() ? n.name : n.source_name + "." + n.name);
    }
    return names;
  }

  std::string Error(std::string_view select) {
    auto s = SelectNodes(graph_, select, "");
    EXPECT_FALSE(s.ok()) << select;
    return s.ok() ? "" : s.status().message();
  }

  std::vector<GraphNode> graph_;
};

TEST_F(Selection, ANameSelectsTheNodeAndItsTests) {
  EXPECT_THAT(Names("fct_orders"), ElementsAre("fct_orders", "relationships_fct_orders_customer_id", "assert_sold"));
  EXPECT_THAT(Names("countries"), ElementsAre("countries"));
}

TEST_F(Selection, NothingSelectsEverything) {
  EXPECT_EQ(Names("").size(), graph_.size());
  EXPECT_EQ(Names("  ").size(), graph_.size());
}

TEST_F(Selection, PlusSelectsAncestorsOrDescendants) {
  EXPECT_THAT(Names("+int_orders"),
              ElementsAre("events.orders", "events.customers", "countries", "stg_orders", "stg_customers", "int_orders",
                          "not_null_stg_orders_id", "source_unique_events_orders_id"));
  EXPECT_THAT(Names("int_orders+"), ElementsAre("int_orders", "fct_orders", "report",
                                                "relationships_fct_orders_customer_id", "assert_sold"));
  EXPECT_THAT(Names("+report+"), ElementsAre("events.orders", "events.customers", "countries", "stg_orders",
                                             "stg_customers", "int_orders", "fct_orders", "report",
                                             "not_null_stg_orders_id", "relationships_fct_orders_customer_id",
                                             "assert_sold", "source_unique_events_orders_id"));
}

TEST_F(Selection, DepthsLimitTheGenerations) {
  EXPECT_THAT(Names("1+int_orders"), ElementsAre("countries", "stg_orders", "stg_customers", "int_orders",
                                                 "not_null_stg_orders_id"));
  EXPECT_THAT(Names("2+report"), ElementsAre("int_orders", "fct_orders", "report",
                                             "relationships_fct_orders_customer_id", "assert_sold"));
  EXPECT_THAT(Names("stg_orders+1"), ElementsAre("stg_orders", "int_orders", "not_null_stg_orders_id"));
  EXPECT_THAT(Names("1+fct_orders+1"), ElementsAre("int_orders", "fct_orders", "report",
                                                   "relationships_fct_orders_customer_id", "assert_sold"));
}

TEST_F(Selection, AtSelectsDescendantsAndTheirAncestors) {
  EXPECT_THAT(Names("@dim_customers"),
              ElementsAre("events.customers", "stg_customers", "dim_customers", "relationships_fct_orders_customer_id"));
  // Everything is a descendant of stg_customers or an ancestor of one.
  EXPECT_EQ(Names("@stg_customers").size(), graph_.size());
}

TEST_F(Selection, TagsPathsFilesAndFolders) {
  EXPECT_THAT(Names("tag:nightly"), ElementsAre("stg_orders", "fct_orders", "not_null_stg_orders_id",
                                                "relationships_fct_orders_customer_id", "assert_sold"));
  // resource_type:model takes the models' tests with it, as in dbt.
  EXPECT_THAT(Names("tag:night*,resource_type:model"), ElementsAre("stg_orders", "fct_orders", "not_null_stg_orders_id",
                                                                   "relationships_fct_orders_customer_id", "assert_sold"));
  const auto marts = ElementsAre("fct_orders", "dim_customers", "report", "relationships_fct_orders_customer_id",
                                 "assert_sold");
  EXPECT_THAT(Names("path:marts/"), marts);             // relative to the model path
  EXPECT_THAT(Names("path:models/marts"), marts);       // relative to the project
  EXPECT_THAT(Names("path:./models/marts/"), marts);
  EXPECT_THAT(Names("marts"), marts);                   // a folder of the fqn
  EXPECT_THAT(Names("path:models/marts/finance"), ElementsAre("report"));
  EXPECT_THAT(Names("path:models/*/finance"), ElementsAre("report"));
  EXPECT_THAT(Names("models/staging/stg_orders.sql"), ElementsAre("stg_orders", "not_null_stg_orders_id"));
  EXPECT_THAT(Names("shop.marts.finance"), ElementsAre("report"));
  EXPECT_THAT(Names("file:report.sql"), ElementsAre("report"));
  EXPECT_THAT(Names("file:report"), ElementsAre("report"));
}

TEST_F(Selection, WildcardsMatchNames) {
  EXPECT_THAT(Names("stg_*"), ElementsAre("stg_orders", "stg_customers", "not_null_stg_orders_id"));
  EXPECT_THAT(Names("shop.marts.*"), ElementsAre("fct_orders", "dim_customers", "report",
                                                 "relationships_fct_orders_customer_id", "assert_sold"));
}

TEST_F(Selection, SourcesAndWhatTheyFeed) {
  EXPECT_THAT(Names("source:events"),
              ElementsAre("events.orders", "events.customers", "source_unique_events_orders_id"));
  EXPECT_THAT(Names("source:events.orders+"),
              ElementsAre("events.orders", "stg_orders", "int_orders", "fct_orders", "report",
                          "not_null_stg_orders_id", "relationships_fct_orders_customer_id", "assert_sold",
                          "source_unique_events_orders_id"));
  EXPECT_THAT(Names("source:shop.events.cust*"), ElementsAre("events.customers"));
}

TEST_F(Selection, SpacesUniteAndCommasIntersect) {
  EXPECT_THAT(Names("stg_orders dim_customers"),
              ElementsAre("stg_orders", "dim_customers", "not_null_stg_orders_id", "relationships_fct_orders_customer_id"));
  EXPECT_THAT(Names("tag:nightly,marts"),
              ElementsAre("fct_orders", "relationships_fct_orders_customer_id", "assert_sold"));
  EXPECT_THAT(Names("resource_type:test,+fct_orders"),
              ElementsAre("not_null_stg_orders_id", "relationships_fct_orders_customer_id", "assert_sold",
                          "source_unique_events_orders_id"));
}

TEST_F(Selection, ExcludeRemovesNodesAndTheirTests) {
  EXPECT_THAT(Names("+int_orders", "stg_customers source:*"),
              ElementsAre("countries", "stg_orders", "int_orders", "not_null_stg_orders_id"));
  // Excluding dim_customers takes the relationships test with it, as dbt does.
  EXPECT_THAT(Names("fct_orders dim_customers", "dim_customers"), ElementsAre("fct_orders", "assert_sold"));
  EXPECT_THAT(Names("", "resource_type:test marts").size(), 6u);
}

TEST_F(Selection, CautiousTakesOnlyTestsWhoseParentsAreAllSelected) {
  EXPECT_THAT(Names("fct_orders", "", IndirectSelection::kCautious), ElementsAre("fct_orders", "assert_sold"));
  EXPECT_THAT(Names("fct_orders dim_customers", "", IndirectSelection::kCautious),
              ElementsAre("fct_orders", "dim_customers", "assert_sold"));  // per criterion, like dbt
  EXPECT_THAT(Names("+fct_orders+ dim_customers", "", IndirectSelection::kCautious).size(), 12u);
  EXPECT_THAT(Names("fct_orders dim_customers", "", IndirectSelection::kEager),
              ElementsAre("fct_orders", "dim_customers", "relationships_fct_orders_customer_id", "assert_sold"));
}

TEST_F(Selection, OtherMethods) {
  EXPECT_THAT(Names("resource_type:seed"), ElementsAre("countries"));
  EXPECT_THAT(Names("test_type:singular"), ElementsAre("assert_sold"));
  EXPECT_THAT(Names("test_type:generic").size(), 3u);
  EXPECT_THAT(Names("test_name:not_null"), ElementsAre("not_null_stg_orders_id"));
  EXPECT_THAT(Names("config.materialized:table"),
              ElementsAre("fct_orders", "relationships_fct_orders_customer_id", "assert_sold"));
  EXPECT_EQ(Names("package:shop").size(), graph_.size());
  EXPECT_THAT(Names("fqn:report"), ElementsAre("report"));
}

TEST_F(Selection, ACriterionThatMatchesNothingIsAWarningNotAnError) {
  auto s = SelectNodes(graph_, "nope fct_orders", "tag:none");
  ASSERT_TRUE(s.ok());
  EXPECT_THAT(s->warnings, ElementsAre("the selection criterion 'nope' matches no node",
                                       "the selection criterion 'tag:none' matches no node"));
  EXPECT_EQ(s->unique_ids.size(), 3u);
  // A type dbt has and sluice does not matches nothing.
  s = SelectNodes(graph_, "resource_type:snapshot", "");
  ASSERT_TRUE(s.ok());
  EXPECT_THAT(s->unique_ids, IsEmpty());
}

TEST_F(Selection, MalformedSelectorsAndUnknownMethodsAreErrorsNamingThem) {
  EXPECT_EQ(Error("tags:nightly"), "unknown selection method 'tags' in 'tags:nightly' (sluice knows: fqn, tag, path, "
                                   "file, source, resource_type, package, test_type, test_name, config.materialized)");
  EXPECT_EQ(Error("fct_orders,"), "the selector 'fct_orders,' is malformed: an empty part around a comma");
  EXPECT_EQ(Error("a,,b"), "the selector 'a,,b' is malformed: an empty part around a comma");
  EXPECT_EQ(Error("@+fct_orders"), "the selector '@+fct_orders' is malformed: '@' and a '+' before the name cannot be combined");
  EXPECT_EQ(Error("+"), "the selector '+' is malformed: it names nothing to select");
  EXPECT_EQ(Error("tag:"), "the selector 'tag:' is malformed: it names nothing to select");
  EXPECT_EQ(Error("resource_type:table"), "'resource_type:table': there is no resource type 'table' (model, seed, test, source)");
  EXPECT_EQ(Error("99999999999+x"), "the selector '99999999999+x' has a depth that is not a number");
  EXPECT_EQ(Error("source:a.b.c.d"), "the selector 'source:a.b.c.d' is malformed: a source is source, source.table or package.source.table");
}

TEST(ProjectGraph, NodesOfAProjectWithTheEdgesTheReaderKnows) {
  ProjectFixture p;
  p.Write("dbt_project.yml", "name: shop\nmodels:\n  shop:\n    old:\n      +enabled: false\n");
  p.Write("models/orders.sql", "select 1\n");
  p.Write("models/old/gone.sql", "select 1\n");
  p.Write("seeds/customers.csv", "id\n1\n");
  p.Write("tests/assert_x.sql", "select 1 where false\n");
  p.Write("models/schema.yml", R"(models:
  - name: orders
    columns:
      - name: customer_id
        tests:
          - relationships: {to: ref('customers'), field: id}
sources:
  - name: events
    tables:
      - name: accounting
        columns:
          - name: id
            tests: [not_null]
)");
  const std::vector<GraphNode> graph = GraphNodesOf(p.MustRead());
  std::vector<std::string> ids;
  for (const auto& n : graph) ids.push_back(n.unique_id);
  EXPECT_THAT(ids, ElementsAre("model.shop.orders", "seed.shop.customers", "test.shop.assert_x",
                               "test.shop.relationships_orders_customer_id__id__ref_customers_",
                               "test.shop.source_not_null_events_accounting_id", "source.shop.events.accounting"));
  EXPECT_THAT(graph[3].parents, ElementsAre("model.shop.orders", "seed.shop.customers"));
  EXPECT_THAT(graph[4].parents, ElementsAre("source.shop.events.accounting"));
  EXPECT_EQ(graph[3].path, "models/schema.yml");
  EXPECT_EQ(graph[5].source_name, "events");
  auto s = SelectNodes(graph, "source:events.accounting+", "");
  ASSERT_TRUE(s.ok());
  EXPECT_THAT(s->unique_ids, UnorderedElementsAre("test.shop.source_not_null_events_accounting_id",
                                                  "source.shop.events.accounting"));
}

}  // namespace
}  // namespace sluice::models
