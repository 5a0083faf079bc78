// Statements and scoping: what each scope sees and what leaks out of it, as
// in Jinja2 (expected outputs taken from Jinja2 3.1).
#include <gtest/gtest.h>

#include "jinja/jinja_test_support.h"

namespace sluice::jinja {
namespace {

TEST(JinjaScoping, SetInsideAForLoopDoesNotLeakOutOrIntoTheNextIteration) {
  EXPECT_EQ(RenderText("{% set x = 1 %}{% for i in [1,2] %}{% set x = i * 10 %}{{ x }}{% endfor %}|{{ x }}"), "1020|1");
  EXPECT_EQ(RenderText("{% for x in [1,2] %}{% set y = x %}{% endfor %}{{ y is defined }}"), "False");
  EXPECT_EQ(RenderText("{% for i in [1,2] %}{% if i == 1 %}{% set seen = 1 %}{% endif %}{{ seen is defined }}{% endfor %}"),
            "TrueFalse");
  EXPECT_EQ(RenderText("{% for i in [1] %}{% set b %}x{% endset %}{% endfor %}{{ b is defined }}"), "False");
}

TEST(JinjaScoping, SetInsideAnIfIsVisibleAfterIt) {
  EXPECT_EQ(RenderText("{% if true %}{% set x = 1 %}{% endif %}{{ x }}"), "1");
}

TEST(JinjaScoping, ANamespaceCarriesValuesOutOfALoop) {
  EXPECT_EQ(RenderText("{% set ns = namespace(found=false, n=0) %}{% for x in [1, 2, 3] %}"
                       "{% if x == 2 %}{% set ns.found = true %}{% endif %}{% set ns.n = ns.n + x %}{% endfor %}"
                       "{{ ns.found }} {{ ns.n }}"),
            "True 6");
}

TEST(JinjaScoping, AMacroSeesItsTemplatesTopLevelButNotItsCallersLoop) {
  EXPECT_EQ(RenderText("{% set g = 5 %}{% macro m() %}{{ g }}{% endmacro %}{{ m() }}"), "5");
  EXPECT_EQ(RenderText("{% macro m() %}{{ g }}{% endmacro %}{% set g = 7 %}{{ m() }}"), "7");
  EXPECT_EQ(RenderText("{% macro m() %}{{ i is defined }}{% endmacro %}{% for i in [1] %}{{ m() }}{% endfor %}"),
            "False");
  EXPECT_EQ(RenderText("{% set x = 1 %}{% macro m(x) %}{{ x }}{% endmacro %}{{ m(2) }}{{ x }}"), "21");
  EXPECT_EQ(RenderText("{% macro m() %}{% set y = 1 %}{% endmacro %}{{ m() }}{{ y is defined }}"), "False");
}

TEST(JinjaScoping, LocalsAreSeenEverywhereAndASetShadowsThem) {
  Dict locals{{"schema", Value("analytics")}, {"cols", Value::FromList({Value("a"), Value("b")})}};
  EXPECT_EQ(RenderText("{{ schema }}.{% for c in cols %}{{ c }}{% endfor %}", locals), "analytics.ab");
  EXPECT_EQ(RenderText("{% set schema = 'x' %}{{ schema }}", locals), "x");
  EXPECT_EQ(RenderText("{% macro m() %}{{ schema }}{% endmacro %}{{ m() }}", locals), "analytics");
}

TEST(JinjaScoping, LocalsShadowGlobals) {
  Environment env;
  env.SetGlobal("target", Value::FromDict(Dict{{"name", Value("prod")}}));
  EXPECT_EQ(RenderText(env, "{{ target.name }}"), "prod");
  EXPECT_EQ(RenderText(env, "{{ target.name }}", Dict{{"target", Value::FromDict(Dict{{"name", Value("dev")}})}}), "dev");
}

TEST(JinjaLoops, LoopVariablesOfNestedLoops) {
  EXPECT_EQ(RenderText("{% for o in [1,2] %}{% set outer = loop %}{% for i in [1,2] %}{{ outer.index }}{{ loop.index }} "
                       "{% endfor %}{% endfor %}"),
            "11 12 21 22 ");
}

TEST(JinjaLoops, IteratesDictKeysStringCharactersAndUnpacksPairs) {
  EXPECT_EQ(RenderText("{% for k in {'b': 1, 'a': 2} %}{{ k }}{% endfor %}"), "ba");
  EXPECT_EQ(RenderText("{% for ch in 'héj' %}[{{ ch }}]{% endfor %}"), "[h][é][j]");
  EXPECT_EQ(RenderText("{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }} {% endfor %}"), "3 7 ");
  EXPECT_EQ(RenderText("{% for (a, b) in [[1, 2]] %}{{ a }}{{ b }}{% endfor %}"), "12");
}

TEST(JinjaLoops, ChangingTheListInsideTheLoopDoesNotChangeTheIterations) {
  EXPECT_EQ(RenderText("{% set xs = [1, 2] %}{% for x in xs %}{% do xs.append(x) %}{{ x }}{% endfor %}{{ xs | length }}"),
            "124");
}

TEST(JinjaStatements, DoEvaluatesForItsEffectAndPrintsNothing) {
  EXPECT_EQ(RenderText("{% set d = {} %}{% do d.update({'k': 1}) %}[{% do 1 + 1 %}]{{ d }}"), "[]{'k': 1}");
}

TEST(JinjaStatements, BlockSetCapturesRenderedText) {
  EXPECT_EQ(RenderText("{% set sql %}select {{ 1 + 1 }}{% endset %}{{ sql | upper }}"), "SELECT 2");
}

TEST(JinjaStatements, SetUnpacksAListIntoSeveralNames) {
  EXPECT_EQ(RenderText("{% set a, b = 'x', 'y' %}{{ a }}{{ b }}"), "xy");
  EXPECT_EQ(RenderText("{% set a, b = [1, 2, 3] %}"), "ERROR: t.sql:1:1: cannot unpack 3 values into 2 names");
}

TEST(JinjaStatements, ListsAndDictsAreSharedAsInPython) {
  EXPECT_EQ(RenderText("{% set a = [1] %}{% set b = a %}{% do b.append(2) %}{{ a }}"), "[1, 2]");
  EXPECT_EQ(RenderText("{% set a = {'x': [1]} %}{% do a.x.append(2) %}{{ a }}"), "{'x': [1, 2]}");
}

TEST(JinjaStatements, IdentifiersAndOperatorsTolerateNewlinesInsideTags) {
  EXPECT_EQ(RenderText("{{\n  [\n    1,\n    2,\n  ]\n  | join('-')\n}}"), "1-2");
  EXPECT_EQ(RenderText("{{ {'a': {'b': 1}} }}"), "{'a': {'b': 1}}");
}

TEST(JinjaDbtFilters, AsBoolAsNumberAsNativeAndAsTextReadPythonLiterals) {
  EXPECT_EQ(RenderText("{{ 'True' | as_bool }} {{ 'false' | as_bool }} {{ true | as_bool }}"), "True False True");
  EXPECT_EQ(RenderText("{{ '42' | as_number + 1 }} {{ '4.5' | as_number }} {{ 7 | as_number }}"), "43 4.5 7");
  EXPECT_EQ(RenderText("{{ ('[1, 2]' | as_native)[1] }} {{ ('{\"a\": 1}' | as_native).a }} {{ 'x y' | as_native }}"),
            "2 1 x y");
  EXPECT_EQ(RenderText("{{ 42 | as_text }}"), "42");
  EXPECT_EQ(RenderText("{{ 'yes' | as_bool }}"), "ERROR: t.sql:1:12: filter 'as_bool': cannot convert 'yes' into a bool");
  EXPECT_EQ(RenderText("{{ 'x' | as_number }}"), "ERROR: t.sql:1:10: filter 'as_number': cannot convert 'x' into a number");
}

}  // namespace
}  // namespace sluice::jinja
