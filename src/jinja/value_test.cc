// Values: Python's str(), repr(), truth and equality, the ordered dict,
// freezing, and JSON.
#include "jinja/value.h"

#include <gtest/gtest.h>

#include <cmath>

namespace sluice::jinja {
namespace {

TEST(JinjaValue, ToStringIsPythonsStr) {
  EXPECT_EQ(Value::None().ToString(), "None");
  EXPECT_EQ(Value(true).ToString(), "True");
  EXPECT_EQ(Value(false).ToString(), "False");
  EXPECT_EQ(Value(42).ToString(), "42");
  EXPECT_EQ(Value(int64_t{-7}).ToString(), "-7");
  EXPECT_EQ(Value("it's").ToString(), "it's");
  EXPECT_EQ(Value::FromList({Value("a"), Value(1), Value::None(), Value(1.5)}).ToString(), "['a', 1, None, 1.5]");
  EXPECT_EQ(Value::FromDict(Dict{{"k", Value("v")}, {"n", Value(2)}}).ToString(), "{'k': 'v', 'n': 2}");
  EXPECT_EQ(Value::FromList({}).ToString(), "[]");
  EXPECT_EQ(Value::Undefined("x").ToString(), "");
  EXPECT_EQ(Value::Object("Relation", Dict{{"name", Value("t")}}, "\"s\".\"t\"").ToString(), "\"s\".\"t\"");
}

TEST(JinjaValue, FloatsPrintAsPythonsRepr) {
  const std::pair<double, const char*> cases[] = {
      {1.5, "1.5"},       {1.0, "1.0"},           {0.1, "0.1"},          {-2.0, "-2.0"},
      {1e16, "1e+16"},    {1e15, "1000000000000000.0"}, {1.5e-5, "1.5e-05"}, {0.0001, "0.0001"},
      {123.456, "123.456"}, {1e100, "1e+100"},    {2.5e-300, "2.5e-300"}, {0.0, "0.0"},
      {1.0 / 3, "0.3333333333333333"},
  };
  for (const auto& [d, text] : cases) EXPECT_EQ(FormatFloat(d), text) << d;
  EXPECT_EQ(FormatFloat(std::nan("")), "nan");
  EXPECT_EQ(FormatFloat(-INFINITY), "-inf");
}

TEST(JinjaValue, ReprQuotesStringsAsPythonDoes) {
  EXPECT_EQ(Value("a").Repr(), "'a'");
  EXPECT_EQ(Value("it's").Repr(), "\"it's\"");
  EXPECT_EQ(Value("both ' and \"").Repr(), "'both \\' and \"'");
  EXPECT_EQ(Value("line\nbreak\\").Repr(), "'line\\nbreak\\\\'");
}

TEST(JinjaValue, TruthIsPythons) {
  EXPECT_FALSE(Value::None().Truthy());
  EXPECT_FALSE(Value::Undefined("x").Truthy());
  EXPECT_FALSE(Value(0).Truthy());
  EXPECT_FALSE(Value(0.0).Truthy());
  EXPECT_FALSE(Value("").Truthy());
  EXPECT_FALSE(Value::FromList({}).Truthy());
  EXPECT_FALSE(Value::FromDict({}).Truthy());
  EXPECT_TRUE(Value("0").Truthy());
  EXPECT_TRUE(Value(-1).Truthy());
  EXPECT_TRUE(Value::FromList({Value::None()}).Truthy());
}

TEST(JinjaValue, EqualityIsPythons) {
  EXPECT_EQ(Value(1), Value(1.0));
  EXPECT_EQ(Value(1), Value(true));
  EXPECT_NE(Value(1), Value("1"));
  EXPECT_EQ(Value::FromList({Value(1), Value("a")}), Value::FromList({Value(1.0), Value("a")}));
  EXPECT_EQ(Value::FromDict(Dict{{"a", Value(1)}, {"b", Value(2)}}),
            Value::FromDict(Dict{{"b", Value(2)}, {"a", Value(1)}}));
  EXPECT_NE(Value::None(), Value(false));
  EXPECT_EQ(Value::None(), Value::None());
}

TEST(JinjaValue, DictKeepsInsertionOrderAndFindsKeysPastItsIndexThreshold) {
  Dict dict;
  for (int i = 0; i < 40; ++i) dict.Set("k" + std::to_string(39 - i), Value(i));
  dict.Set("k39", Value("again"));  // keeps its place
  ASSERT_EQ(dict.size(), 40u);
  EXPECT_EQ(dict.begin()->first, "k39");
  EXPECT_EQ(dict.begin()->second, Value("again"));
  for (int i = 0; i < 40; ++i) {
    const Value* v = dict.Find("k" + std::to_string(i));
    ASSERT_NE(v, nullptr) << i;
  }
  EXPECT_EQ(dict.Find("nope"), nullptr);
  EXPECT_TRUE(dict.Erase("k5"));
  EXPECT_EQ(dict.Find("k5"), nullptr);
  EXPECT_NE(dict.Find("k6"), nullptr);
  EXPECT_EQ(dict.size(), 39u);
}

TEST(JinjaValue, FreezeMakesContainersReadOnlyAllTheWayDown) {
  Value inner = Value::FromList({Value(1)});
  Value outer = Value::FromDict(Dict{{"xs", inner}});
  ASSERT_NE(inner.mutable_list(), nullptr);
  outer.Freeze();
  EXPECT_EQ(outer.mutable_dict(), nullptr);
  EXPECT_EQ(inner.mutable_list(), nullptr);
  // A list that holds itself (only C++ can make one) freezes and prints
  // without recursing forever.
  Value self = Value::FromList({});
  self.mutable_list()->push_back(self);
  EXPECT_TRUE(self.Holds(self));
  EXPECT_FALSE(Value(1).Holds(self));
  EXPECT_EQ(self.ToString().substr(0, 3), "[[[");
  self.Freeze();
  EXPECT_TRUE(self.frozen());
  const_cast<List&>(self.as_list()).clear();  // breaks the cycle, or it leaks
}

TEST(JinjaValue, ToJsonSortsKeysAndEscapesForSqlAndHtml) {
  Value v = Value::FromDict(Dict{{"b", Value::FromList({Value(1), Value(2.5), Value::None(), Value(true)})},
                                 {"a", Value("it's <b>&\"é\"")}});
  auto json = ToJson(v);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(*json, R"({"a": "it\u0027s \u003cb\u003e\u0026\"\u00e9\"", "b": [1, 2.5, null, true]})");
  auto pretty = ToJson(Value::FromDict(Dict{{"a", Value::FromList({Value(1)})}}), 2);
  ASSERT_TRUE(pretty.ok());
  EXPECT_EQ(*pretty, "{\n  \"a\": [\n    1\n  ]\n}");
  EXPECT_FALSE(ToJson(Value::Undefined("x")).ok());
  EXPECT_FALSE(ToJson(Value::FromFunction("f", nullptr)).ok());
}

TEST(JinjaValue, CallArgsBindsPositionalThenKeyword) {
  CallArgs args{{Value(1)}, {{"b", Value(2)}}};
  ASSERT_NE(args.Arg(0, "a"), nullptr);
  EXPECT_EQ(*args.Arg(0, "a"), Value(1));
  EXPECT_EQ(*args.Arg(1, "b"), Value(2));
  EXPECT_EQ(args.Arg(2, "c"), nullptr);
  EXPECT_EQ(args.Keyword("a"), nullptr);
}

}  // namespace
}  // namespace sluice::jinja
