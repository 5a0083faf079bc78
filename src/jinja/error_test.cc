// Every error names where (file:line:col) and what: unsupported constructs
// by name, undefined names, unknown filters and tests, type errors. Nothing
// outside the subset passes silently.
#include <gtest/gtest.h>

#include "jinja/jinja_test_support.h"

namespace sluice::jinja {
namespace {

struct Case {
  const char* source;
  const char* error;
};

void ExpectErrors(const Case* begin, const Case* end) {
  for (const Case* c = begin; c != end; ++c) EXPECT_EQ(RenderText(c->source), std::string("ERROR: ") + c->error) << c->source;
}

TEST(JinjaErrors, UnsupportedTagsAreNamedAtTheirPosition) {
  const Case cases[] = {
      {"{% call statement('x') %}{% endcall %}", "t.sql:1:4: unsupported tag 'call'"},
      {"a\n  {% include 'x.sql' %}", "t.sql:2:6: unsupported tag 'include'"},
      {"{% extends 'base' %}", "t.sql:1:4: unsupported tag 'extends'"},
      {"{% block b %}{% endblock %}", "t.sql:1:4: unsupported tag 'block'"},
      {"{% import 'm' as m %}", "t.sql:1:4: unsupported tag 'import'"},
      {"{% from 'm' import x %}", "t.sql:1:4: unsupported tag 'from'"},
      {"{% filter upper %}x{% endfilter %}", "t.sql:1:4: unsupported tag 'filter'"},
      {"{% with a = 1 %}{% endwith %}", "t.sql:1:4: unsupported tag 'with'"},
      {"{% materialization m, default %}{% endmaterialization %}", "t.sql:1:4: unsupported tag 'materialization'"},
      {"{% snapshot s %}{% endsnapshot %}", "t.sql:1:4: unsupported tag 'snapshot'"},
      {"{% autoescape true %}{% endautoescape %}", "t.sql:1:4: unsupported tag 'autoescape'"},
      {"{% frobnicate %}", "t.sql:1:4: unsupported tag 'frobnicate'"},
      {"{% for x in xs recursive %}{% endfor %}", "t.sql:1:16: unsupported 'recursive' loop"},
      {"{% set x | upper %}a{% endset %}", "t.sql:1:10: unsupported filter on a block set"},
      {"{% macro m(*args) %}{% endmacro %}", "t.sql:1:12: unsupported '*args' in a macro's parameters"},
      {"{{ f(*xs) }}", "t.sql:1:6: unsupported '*args' or '**kwargs' in a call"},
  };
  ExpectErrors(std::begin(cases), std::end(cases));
}

TEST(JinjaErrors, SyntaxErrorsSayWhatWasExpectedAndWhatWasFound) {
  const Case cases[] = {
      {"{% if x %}a", "t.sql:1:12: 'if' at 1:1 is not closed (expected 'endif')"},
      {"{% for x in y %}\n{% endif %}", "t.sql:2:4: unexpected 'endif' in 'for' at 1:1, expected 'else', 'endfor'"},
      {"{% endfor %}", "t.sql:1:4: unexpected 'endfor': no block is open"},
      {"{% else %}", "t.sql:1:4: unexpected 'else': no block is open"},
      {"{{ 1 + }}", "t.sql:1:8: expected an expression, found '}}'"},
      {"{{ x", "t.sql:1:1: '{{' is not closed with '}}'"},
      {"{% if x", "t.sql:1:1: '{%' is not closed with '%}'"},
      {"{# never closed", "t.sql:1:1: comment '{#' is not closed with '#}'"},
      {"{% raw %}x", "t.sql:1:1: 'raw' block is not closed with {% endraw %}"},
      {"{{ 'abc }}", "t.sql:1:4: string literal is not closed"},
      {"{{ 1 $ 2 }}", "t.sql:1:6: unexpected character '$'"},
      {"{{ (1 }}", "t.sql:1:7: unexpected '}': '(' at 1:4 is not closed"},
      {"{{ a ) }}", "t.sql:1:6: unexpected ')'"},
      {"{% for x y %}{% endfor %}", "t.sql:1:10: expected 'in', found 'y'"},
      {"{% set %}", "t.sql:1:8: expected a variable name, found '%}'"},
      {"{% if x %}{% endif y %}", "t.sql:1:20: expected '%}' to end 'endif', found 'y'"},
      {"{% break %}", "t.sql:1:4: 'break' outside a for loop"},
      {"{% macro m(a, a) %}{% endmacro %}", "t.sql:1:15: parameter 'a' named twice"},
      {"{% macro m(a=1, b) %}{% endmacro %}", "t.sql:1:17: parameter 'b' without a default follows one with a default"},
      {"{{ f(a=1, 2) }}", "t.sql:1:11: positional argument after a keyword argument"},
      {"{{ f(a=1, a=2) }}", "t.sql:1:11: keyword argument 'a' given twice"},
      {"{{ 99999999999999999999 }}", "t.sql:1:4: integer 99999999999999999999 is too large (64 bits at most)"},
      {"{{ x | }}", "t.sql:1:8: expected a filter name after '|', found '}}'"},
      {"{{ x is }}", "t.sql:1:9: expected a test name after 'is', found '}}'"},
      {"{{ xs[] }}", "t.sql:1:6: empty subscript '[]'"},
  };
  ExpectErrors(std::begin(cases), std::end(cases));
}

TEST(JinjaErrors, UndefinedNamesAreErrorsWhereTheyAreUsed) {
  const Case cases[] = {
      {"select {{ colum }}", "t.sql:1:11: 'colum' is undefined"},
      {"{{ target.nmae }}", "t.sql:1:4: 'target' is undefined"},
      {"{% set d = {'a': 1} %}\n{{ d.b }}", "t.sql:2:6: 'd.b' is undefined"},
      {"{{ [1][5] }}", "t.sql:1:7: '[…][5]' is undefined"},
      {"{{ {'a': 1}['b'] }}", "t.sql:1:12: '{…}['b']' is undefined"},
      {"{{ 'x' ~ y }}", "t.sql:1:10: 'y' is undefined"},
      {"{{ y + 1 }}", "t.sql:1:4: 'y' is undefined"},
      {"{{ y < 1 }}", "t.sql:1:4: 'y' is undefined"},
      {"{{ f() }}", "t.sql:1:4: 'f' is undefined"},
      {"{{ f.g() }}", "t.sql:1:4: 'f' is undefined"},
      {"{% for x in nothing %}{% endfor %}", "t.sql:1:13: 'nothing' is undefined"},
      {"{{ nothing | upper }}", "t.sql:1:4: 'nothing' is undefined"},
      {"{{ nothing.attr }}", "t.sql:1:4: 'nothing' is undefined"},
      {"{{ 1 if false }}{{ [1] | first }}{{ ([] | first) }}", "t.sql:1:43: 'first of an empty sequence' is undefined"},
  };
  ExpectErrors(std::begin(cases), std::end(cases));
  // What Jinja allows on an undefined value stays allowed.
  EXPECT_EQ(RenderText("{{ x is defined }} {{ x | default('d') }} {{ x == none }} {% if x %}y{% else %}n{% endif %} {{ not x }}"),
            "False d False n True");
}

TEST(JinjaErrors, UnknownFiltersTestsAndMethodsAreNamed) {
  const Case cases[] = {
      {"{{ 'a' | slugify }}", "t.sql:1:10: unknown filter 'slugify'"},
      {"{{ 'a' | upper | striptags }}", "t.sql:1:18: unknown filter 'striptags'"},
      {"{{ 1 is prime }}", "t.sql:1:6: unknown test 'prime'"},
      {"{{ 'a'.zfill(3) }}", "t.sql:1:8: 'str' object has no method 'zfill'"},
      {"{{ [1].sort() }}", "t.sql:1:8: 'list' object has no method 'sort'"},
      {"{{ [1, 2] | map('slugify') | list }}", "t.sql:1:13: filter 'map': unknown filter 'slugify'"},
      {"{{ [1, 2] | select('prime') | list }}", "t.sql:1:13: filter 'select': unknown test 'prime'"},
  };
  ExpectErrors(std::begin(cases), std::end(cases));
}

TEST(JinjaErrors, TypeErrorsNameTheOperationAndTheTypes) {
  const Case cases[] = {
      {"{{ 'a' - 1 }}", "t.sql:1:8: unsupported operand types for -: 'str' and 'int'"},
      {"{{ 1 / 0 }}", "t.sql:1:6: division by zero"},
      {"{{ 5 % 0 }}", "t.sql:1:6: modulo by zero"},
      {"{{ 'a' < 1 }}", "t.sql:1:4: '<' not supported between instances of 'str' and 'int'"},
      {"{{ 1 in 5 }}", "t.sql:1:4: argument of type 'int' is not iterable"},
      {"{{ 1 in 'abc' }}", "t.sql:1:4: 'in <string>' requires a string as left operand, not 'int'"},
      {"{{ 9223372036854775807 + 1 }}", "t.sql:1:24: integer overflow in '+' (integers are 64 bits here)"},
      {"{{ -'a' }}", "t.sql:1:4: bad operand type for unary -: 'str'"},
      {"{% for x in 5 %}{% endfor %}", "t.sql:1:13: 'int' object is not iterable"},
      {"{{ 5() }}", "t.sql:1:4: '5' is not callable (it is a int)"},
      {"{{ [3, 'a'] | sort }}", "t.sql:1:15: filter 'sort': '<' not supported between instances of 'str' and 'int'"},
      {"{{ 1 | length }}", "t.sql:1:8: filter 'length': object of type 'int' has no length"},
      {"{{ {1: 'a'} }}", "t.sql:1:5: dict keys must be strings here, not int"},
      {"{% set x = 1 %}{% set x.a = 2 %}", "t.sql:1:16: cannot set attribute 'a' of 'x': only a namespace() has settable attributes"},
      {"{{ 'a'.split(1) }}", "t.sql:1:8: str.split(): 'sep' must be a string, not int"},
      {"{{ [1].index(2) }}", "t.sql:1:8: list.index(): 2 is not in list"},
      {"{{ '{}'.format() }}", "t.sql:1:9: format: no argument for field 0"},
      {"{{ '{:,}'.format(1000) }}", "t.sql:1:11: format: unsupported format spec ',' (',' and '=' are not)"},
      {"{{ [1][1:2:0] }}", "t.sql:1:7: slice step cannot be zero"},
      {"{{ 'a'['x'] }}", "t.sql:1:8: indexes must be integers, not str"},
  };
  ExpectErrors(std::begin(cases), std::end(cases));
}

TEST(JinjaErrors, ContainersOfTheEnvironmentAreReadOnly) {
  Environment env;
  env.SetGlobal("cols", Value::FromList({Value("a")}));
  env.SetGlobal("ns", Value::Namespace(Dict{{"x", Value(1)}}));
  EXPECT_EQ(RenderText(env, "{% do cols.append('b') %}"),
            "ERROR: t.sql:1:12: list.append(): this list is read-only (it belongs to the globals or the render's "
            "locals); copy it first, e.g. with `| list` or `.copy()`");
  EXPECT_EQ(RenderText(env, "{% set mine = cols | list %}{% do mine.append('b') %}{{ mine }} {{ cols }}"), "['a', 'b'] ['a']");
  EXPECT_EQ(RenderText(env, "{% set ns.x = 2 %}"),
            "ERROR: t.sql:1:1: cannot set attribute 'x' of 'ns': the namespace is read-only here (it belongs to the "
            "globals or the render's locals)");
}

TEST(JinjaErrors, AnErrorInsideAMacroNamesTheMacroAndWhereItWasCalled) {
  Environment env;
  ASSERT_TRUE(env.AddMacros("{% macro outer() %}\n  {{ inner() }}\n{% endmacro %}\n"
                            "{% macro inner() %}{{ 1 / 0 }}{% endmacro %}",
                            "macros/m.sql")
                  .ok());
  auto tmpl = env.Parse("select\n  {{ outer() }}", "models/a.sql");
  ASSERT_TRUE(tmpl.ok());
  EXPECT_EQ(env.Render(**tmpl, {}).status().message(),
            "macros/m.sql:4:25: division by zero (in macro 'inner' called at macros/m.sql:2:6)"
            " (in macro 'outer' called at models/a.sql:2:6)");
}

}  // namespace
}  // namespace sluice::jinja
