// Hostile templates: deep nesting, endless loops and recursion, huge output
// and huge strings end in a clear error, never a crash or a hang.
#include <gtest/gtest.h>

#include "jinja/jinja_test_support.h"

namespace sluice::jinja {
namespace {

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

TEST(JinjaLimits, DeepNestingIsAnErrorNotAStackOverflow) {
  const std::string parens = "{{ " + std::string(100000, '(') + "1" + std::string(100000, ')') + " }}";
  EXPECT_TRUE(StartsWith(RenderText(parens), "ERROR: t.sql:1:"));
  EXPECT_NE(RenderText(parens).find("nested too deeply (more than 200 levels)"), std::string::npos);
  std::string ifs;
  for (int i = 0; i < 5000; ++i) ifs += "{% if true %}";
  EXPECT_NE(RenderText(ifs).find("nested too deeply"), std::string::npos);
  std::string minus = "{{ " + std::string(100000, '-') + "1 }}";
  EXPECT_NE(RenderText(minus).find("nested too deeply"), std::string::npos);
  std::string lists = "{{ " + std::string(100000, '[') + std::string(100000, ']') + " }}";
  EXPECT_NE(RenderText(lists).find("nested too deeply"), std::string::npos);
}

TEST(JinjaLimits, LoopsAndCallsAreBoundedByTheStepLimit) {
  Limits limits;
  limits.max_steps = 100'000;
  Environment env(limits);
  EXPECT_EQ(RenderText(env, "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}"),
            "ERROR: t.sql:1:27: too much work: more than 100000 loop iterations and calls in one render");
  // Exponential recursion stays under the depth limit but not under the step limit.
  const std::string fork = RenderText(env, "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}");
  EXPECT_TRUE(StartsWith(fork, "ERROR: t.sql:1:")) << fork;
  EXPECT_NE(fork.find("too much work"), std::string::npos) << fork;
}

TEST(JinjaLimits, OutputAndStringsAreBounded) {
  Limits limits;
  limits.max_output_bytes = 1000;
  Environment env(limits);
  EXPECT_EQ(RenderText(env, "{% for i in range(200) %}0123456789{% endfor %}"), "ERROR: t.sql:1:26: output larger than 1000 bytes");
  EXPECT_EQ(RenderText(env, "{{ 'x' * 100000000000 }}"), "ERROR: t.sql:1:8: result larger than 1000 bytes or items");
  EXPECT_EQ(RenderText(env, "{% set ns = namespace(s='xx') %}{% for i in range(20) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"),
            "ERROR: t.sql:1:71: string larger than 1000 bytes");
  EXPECT_EQ(RenderText(env, "{{ ('x' * 999) | replace('x', 'yy') }}"), "ERROR: t.sql:1:18: filter 'replace': result larger than 1000 bytes");
  EXPECT_EQ(RenderText(env, "{{ 'x' | indent(100000) }}"), "ERROR: t.sql:1:10: filter 'indent': width out of range");
  EXPECT_EQ(RenderText(env, "{{ '{:>100000}'.format(1) }}"), "ERROR: t.sql:1:17: format: width or precision past 1000");
}

TEST(JinjaLimits, ListsAreBounded) {
  EXPECT_EQ(RenderText("{{ range(10000000000) }}"), "ERROR: t.sql:1:4: range() of 10000000000 items, more than 1000000");
  EXPECT_EQ(RenderText("{{ [1, 2] * 1000000 }}"), "ERROR: t.sql:1:11: result larger than 1000000 bytes or items");
  EXPECT_EQ(RenderText("{{ range(-9223372036854775807, 9223372036854775807) }}").substr(0, 29), "ERROR: t.sql:1:4: range() of ");
}

TEST(JinjaLimits, AContainerCannotBePutInsideItselfSoNoCycleLeaks) {
  EXPECT_EQ(RenderText("{% set xs = [1] %}{% do xs.append(xs) %}"),
            "ERROR: t.sql:1:28: list.append(): cannot put a list inside itself (or nest values past 100 levels)");
  EXPECT_EQ(RenderText("{% set xs = [1] %}{% set d = {'xs': xs} %}{% do xs.extend([d]) %}"),
            "ERROR: t.sql:1:52: list.extend(): cannot put a list inside itself (or nest values past 100 levels)");
  EXPECT_EQ(RenderText("{% set d = {} %}{% do d.update({'d': [d]}) %}"),
            "ERROR: t.sql:1:25: dict.update(): cannot put a dict inside itself (or nest values past 100 levels)");
  EXPECT_EQ(RenderText("{% set ns = namespace() %}{% set ns.me = [ns] %}"),
            "ERROR: t.sql:1:27: cannot set attribute 'me' of 'ns' to a value that holds the namespace itself");
  // The same value twice is no cycle.
  EXPECT_EQ(RenderText("{% set a = [1] %}{% set b = [] %}{% do b.append(a) %}{% do b.append(a) %}{{ b }} {{ b[0] == b[1] }}"),
            "[[1], [1]] True");
}

}  // namespace
}  // namespace sluice::jinja
