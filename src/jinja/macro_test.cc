// Macros: arguments, dbt's return(), the project's macros as globals,
// calls from C++ and from native functions (adapter.dispatch's way).
#include <gtest/gtest.h>

#include <vector>

#include "jinja/jinja_test_support.h"

namespace sluice::jinja {
namespace {

// dbt's return(), registered as the models' compiler will.
Value ReturnFunction() {
  return Value::FromFunction("return", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
    if (args.positional.size() != 1) return ctx.Error("return() takes one argument");
    ctx.Return(args.positional[0]);
    return Value::None();
  });
}

TEST(JinjaMacro, DefaultsKeywordsAndMissingArguments) {
  EXPECT_EQ(RenderText("{% macro m(a, b=2, c='z') %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ m(1) }} {{ m(1, c=3) }} {{ m(c=0, a=9) }}"),
            "12z 123 920");
  EXPECT_EQ(RenderText("{% macro m(a, b=a * 2) %}{{ b }}{% endmacro %}{{ m(3) }}"), "6");
  EXPECT_EQ(RenderText("{% macro m(a, b) %}{{ a }}|{{ b is defined }}{% endmacro %}{{ m(1) }}"), "1|False");
  EXPECT_EQ(RenderText("{% macro m(a, b) %}{{ b }}{% endmacro %}{{ m(1) }}"),
            "ERROR: t.sql:1:23: 'b' is undefined (in macro 'm' called at t.sql:1:44)");
}

TEST(JinjaMacro, ArgumentErrorsNameTheMacro) {
  EXPECT_EQ(RenderText("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}"),
            "ERROR: t.sql:1:34: macro 'm' takes 1 argument, 2 given");
  EXPECT_EQ(RenderText("{% macro m(a) %}{% endmacro %}{{ m(b=1) }}"), "ERROR: t.sql:1:34: macro 'm' has no parameter 'b'");
  EXPECT_EQ(RenderText("{% macro m(a) %}{% endmacro %}{{ m(1, a=1) }}"),
            "ERROR: t.sql:1:34: macro 'm' got two values for parameter 'a'");
}

TEST(JinjaMacro, OutputIsTheRenderedTextAndItCanBeFilteredOrPassedOn) {
  EXPECT_EQ(RenderText("{% macro m(x) %} <{{ x }}> {% endmacro %}[{{ m(1) }}]{{ m(2) | trim }}{{ 'ab' | replace('b', m(3)) }}"),
            "[ <1> ]<2>a <3> ");
  EXPECT_EQ(RenderText("{% macro m() %}hi{% endmacro %}{% set f = m %}{{ f() }}{{ m is callable }}"), "hiTrue");
}

TEST(JinjaMacro, RecursionWorksAndEndlessRecursionIsAnError) {
  EXPECT_EQ(RenderText("{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n * (fact(n - 1) | int) }}{% endif %}{% endmacro %}"
                       "{{ fact(10) }}"),
            "3628800");
  const std::string error = RenderText("{% macro loop_forever(n) %}{{ loop_forever(n + 1) }}{% endmacro %}{{ loop_forever(0) }}");
  EXPECT_EQ(error.substr(0, error.find(" (in macro")),
            "ERROR: t.sql:1:31: macro 'loop_forever' called too deeply (more than 100 levels): recursion without end?");
}

TEST(JinjaMacro, ReturnEndsTheMacroAndGivesItsValue) {
  Environment env;
  env.SetGlobal("return", ReturnFunction());
  EXPECT_EQ(RenderText(env, "{% macro get() %}ignored {{ return([1, 2, 3]) }} never{% endmacro %}"
                            "{% for i in get() %}{{ i }}{% endfor %} {{ get() | sum }}"),
            "123 6");
  EXPECT_EQ(RenderText(env, "{% macro first_even(xs) %}{% for x in xs %}{% if x is even %}{% do return(x) %}{% endif %}"
                            "{% endfor %}{% do return(none) %}{% endmacro %}{{ first_even([1, 3, 4, 6]) }} {{ first_even([1]) }}"),
            "4 None");
  // The type survives: a dict stays a dict.
  EXPECT_EQ(RenderText(env, "{% macro cfg() %}{{ return({'a': 1}) }}{% endmacro %}{{ cfg().a }}"), "1");
  // An inner macro's return ends only the inner macro.
  EXPECT_EQ(RenderText(env, "{% macro inner() %}{% do return('i') %}{% endmacro %}"
                            "{% macro outer() %}{% set v = inner() %}{% do return(v ~ 'o') %}{% endmacro %}{{ outer() }}"),
            "io");
  EXPECT_EQ(RenderText(env, "a{{ return(1) }}"), "ERROR: t.sql:1:5: 'return' returned outside a macro: return() ends a macro");
}

TEST(JinjaMacro, ProjectMacrosAreGlobalsThatSeeTheRendersLocals) {
  Environment env;
  env.SetGlobal("return", ReturnFunction());
  ASSERT_TRUE(env.AddMacros("{% macro cents_to_dollars(col, scale=2) %}({{ col }} / 100)::numeric(16, {{ scale }}){% endmacro %}\n"
                            "text around macros is ignored\n"
                            "{% macro relation() %}{{ this }}{% endmacro %}\n"
                            "{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}",
                            "macros/util.sql")
                  .ok());
  EXPECT_TRUE(env.HasGlobal("cents_to_dollars"));
  EXPECT_TRUE(env.HasGlobal("test_positive"));
  EXPECT_EQ(RenderText(env, "select {{ cents_to_dollars('amount') }}, {{ relation() }}",
                       Dict{{"this", Value::Object("Relation", {}, "\"s\".\"t\"")}}),
            "select (amount / 100)::numeric(16, 2), \"s\".\"t\"");
  // A project macro does not see the top level of the template that calls it.
  EXPECT_EQ(RenderText(env, "{% set this = 'x' %}{{ relation() }}"), "ERROR: macros/util.sql:3:26: 'this' is undefined (in macro 'relation' called at t.sql:1:24)");

  auto called = env.Call("test_positive", CallArgs{{Value("orders"), Value("amount")}, {}});
  ASSERT_TRUE(called.ok()) << called.status().ToString();
  EXPECT_EQ(*called, Value("select * from orders where amount < 0"));
  auto with_locals = env.Call("relation", CallArgs{}, Dict{{"this", Value("t")}});
  ASSERT_TRUE(with_locals.ok()) << with_locals.status().ToString();
  EXPECT_EQ(*with_locals, Value("t"));
  EXPECT_EQ(env.Call("nope", CallArgs{}).status().code(), StatusCode::kNotFound);
}

TEST(JinjaMacro, EnvironmentCallGivesAReturnedValue) {
  Environment env;
  env.SetGlobal("return", ReturnFunction());
  ASSERT_TRUE(env.AddMacros("{% macro cols(n) %}{% do return(range(n) | list) %}{% endmacro %}", "macros/m.sql").ok());
  auto value = env.Call("cols", CallArgs{{Value(3)}, {}});
  ASSERT_TRUE(value.ok()) << value.status().ToString();
  EXPECT_EQ(value->ToString(), "[0, 1, 2]");
  auto failed = env.Call("cols", CallArgs{{Value("x")}, {}});
  EXPECT_EQ(failed.status().message(), "macros/m.sql:1:33: range() takes integers, not str (in macro 'cols')");
}

TEST(JinjaMacro, AMacroDefinedTwiceIsAnErrorNamingBothPlaces) {
  Environment env;
  ASSERT_TRUE(env.AddMacros("{% macro a() %}{% endmacro %}", "macros/one.sql").ok());
  EXPECT_EQ(env.AddMacros("\n\n  {% macro a() %}{% endmacro %}", "macros/two.sql").message(),
            "macros/two.sql:3:3: macro 'a' is defined twice: here and at macros/one.sql:1:1");
  EXPECT_EQ(env.AddMacros("{% macro b() %}{% endmacro %}\n{% macro b() %}{% endmacro %}", "macros/three.sql").message(),
            "macros/three.sql:2:1: macro 'b' is defined twice: here and at macros/three.sql:1:1");
  EXPECT_FALSE(env.HasGlobal("b"));  // a failed file adds nothing
  EXPECT_EQ(env.AddMacros("{% set x = 1 %}", "macros/four.sql").message(),
            "macros/four.sql:1:1: only {% macro %} and {% test %} blocks may stand at the top level of a macro file");
}

TEST(JinjaMacro, NativeFunctionsGetKeywordsPositionsAndAWayBackIn) {
  Environment env;
  std::vector<std::string> logged;
  env.SetLogSink([&](std::string_view position, std::string_view message, bool info) {
    logged.push_back(std::string(position) + " " + std::string(message) + (info ? " (info)" : ""));
  });
  env.SetGlobal("log", Value::FromFunction("log", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
    const Value* info = args.Arg(1, "info");
    ctx.Log(args.positional.at(0).ToString(), info != nullptr && info->Truthy());
    return Value("");
  }));
  // adapter.dispatch's shape: find the first macro of the candidates, hand it back to be called.
  Dict adapter;
  adapter.Set("dispatch", Value::FromFunction("dispatch", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
    const std::string name = args.positional.at(0).ToString();
    for (const std::string prefix : {"postgres__", "default__"}) {
      if (const Value* macro = ctx.Lookup(prefix + name)) return *macro;
    }
    return ctx.Error("no implementation of macro '" + name + "'");
  }));
  env.SetGlobal("adapter", Value::Object("Adapter", std::move(adapter), "<adapter>"));
  // A callable object with attributes: dbt's config.
  Dict config_attributes;
  config_attributes.Set("get", Value::FromFunction("config.get", [](const CallArgs& args, CallContext&) -> Result<Value> {
    return args.positional.size() > 1 ? args.positional[1] : Value::None();
  }));
  env.SetGlobal("config", Value::Object("Config", std::move(config_attributes), "<config>",
                                        [](const CallArgs& args, CallContext&) -> Result<Value> {
                                          return Value("materialized=" + args.Keyword("materialized")->ToString());
                                        }));
  env.SetGlobal("fails", Value::FromFunction("fails", [](const CallArgs&, CallContext&) -> Result<Value> {
    return Status::NotFound("model 'orders' not found");
  }));
  ASSERT_TRUE(env.AddMacros("{% macro default__hash(x) %}md5({{ x }}){% endmacro %}", "macros/hash.sql").ok());

  EXPECT_EQ(RenderText(env, "{{ log('hello') }}{{ log('shown', info=true) }}{{ adapter.dispatch('hash')('id') }} "
                            "{{ config(materialized='table') }} {{ config.get('unique_key', 'id') }}"),
            "md5(id) materialized=table id");
  EXPECT_EQ(logged, (std::vector<std::string>{"t.sql:1:4 hello", "t.sql:1:22 shown (info)"}));
  EXPECT_EQ(RenderText(env, "{{ adapter.dispatch('nope') }}"), "ERROR: t.sql:1:12: no implementation of macro 'nope'");
  auto tmpl = env.Parse("\n  {{ fails() }}", "models/m.sql");
  ASSERT_TRUE(tmpl.ok());
  const Status st = env.Render(**tmpl, {}).status();
  EXPECT_EQ(st.code(), StatusCode::kNotFound);  // the function's code is kept
  EXPECT_EQ(st.message(), "models/m.sql:2:6: model 'orders' not found");
}

TEST(JinjaMacro, NativeFunctionsCanCallMacrosThroughTheirContext) {
  Environment env;
  env.SetGlobal("return", ReturnFunction());
  env.SetGlobal("call_twice", Value::FromFunction("call_twice", [](const CallArgs& args, CallContext& ctx) -> Result<Value> {
    ASSIGN_OR_RETURN(Value first, ctx.Call(args.positional.at(0), CallArgs{{Value(1)}, {}}));
    ASSIGN_OR_RETURN(Value second, ctx.Call(args.positional.at(0), CallArgs{{Value(2)}, {}}));
    return Value(first.ToString() + second.ToString());
  }));
  EXPECT_EQ(RenderText(env, "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ call_twice(m) }}"), "<1><2>");
  EXPECT_EQ(RenderText(env, "{% macro r(x) %}{% do return(x * 10) %}{% endmacro %}{{ call_twice(r) }}"), "1020");
  EXPECT_EQ(RenderText(env, "{% macro bad(x) %}{{ nope }}{% endmacro %}{{ call_twice(bad) }}"),
            "ERROR: t.sql:1:22: 'nope' is undefined (in macro 'bad' called at t.sql:1:46)");
}

}  // namespace
}  // namespace sluice::jinja
