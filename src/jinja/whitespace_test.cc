// Whitespace control, each expected output taken from Jinja2 3.1 with its
// defaults (trim_blocks and lstrip_blocks off, as dbt has them).
#include <gtest/gtest.h>

#include "jinja/jinja_test_support.h"

namespace sluice::jinja {
namespace {

TEST(JinjaWhitespace, ForWithoutControlKeepsEveryNewline) {
  EXPECT_EQ(RenderText("<ul>\n{% for x in [1, 2] %}\n  <li>{{ x }}</li>\n{% endfor %}\n</ul>\n"),
            "<ul>\n\n  <li>1</li>\n\n  <li>2</li>\n\n</ul>");
}

TEST(JinjaWhitespace, DashInsideBothTagsJoinsItems) {
  EXPECT_EQ(RenderText("{% for item in [1,2,3] -%}\n    {{ item }}\n{%- endfor %}"),
            "123");
}

TEST(JinjaWhitespace, DashBeforeForStripsThePrecedingNewlineAndIndent) {
  EXPECT_EQ(RenderText("select\n    {%- for c in ['a', 'b'] %}\n    {{ c }},\n    {%- endfor %}\nfrom t"),
            "select\n    a,\n    b,\nfrom t");
}

TEST(JinjaWhitespace, DashAfterBlockStripsTheFollowingNewline) {
  EXPECT_EQ(RenderText("{% if true -%}\n\n   yes\n{%- endif %}\n!"),
            "yes\n!");
}

TEST(JinjaWhitespace, OutputDashes) {
  EXPECT_EQ(RenderText("a  {{- 1 -}}  b\n{{ 2 -}}\n\nc"),
            "a1b\n2c");
}

TEST(JinjaWhitespace, CommentsAreDroppedAndCanStripToo) {
  EXPECT_EQ(RenderText("a {# c #} b\n{#- c -#}\n c"),
            "a  bc");
}

TEST(JinjaWhitespace, RawBlockKeepsTagsAsText) {
  EXPECT_EQ(RenderText("{% raw %}{{ not rendered }} {% if %}{% endraw %}"),
            "{{ not rendered }} {% if %}");
}

TEST(JinjaWhitespace, RawBlockWithDashes) {
  EXPECT_EQ(RenderText("a\n{%- raw -%}\n  {{ x }}  \n{%- endraw -%}\n b"),
            "a{{ x }}b");
}

TEST(JinjaWhitespace, ATrailingNewlineIsDroppedAsJinjaDoes) {
  EXPECT_EQ(RenderText("line\n"),
            "line");
}

TEST(JinjaWhitespace, OnlyOneTrailingNewlineIsDropped) {
  EXPECT_EQ(RenderText("line\n\n"),
            "line\n");
}

TEST(JinjaWhitespace, CrlfTextIsKeptByteForByte) {
  // Jinja would turn CRLF into LF; sluice copies text byte for byte.
  EXPECT_EQ(RenderText("a\r\nb\r\n{{ 1 }}\r\nc"),
            "a\r\nb\r\n1\r\nc");
}

TEST(JinjaWhitespace, SetAndMacroLinesLeaveTheirNewlines) {
  EXPECT_EQ(RenderText("{% set x = 1 %}\n{% macro m() %}\nm\n{% endmacro %}\n{{ x }}{{ m() }}"),
            "\n\n1\nm\n");
}

TEST(JinjaWhitespace, SqlStyleLoopWithLoopLast) {
  EXPECT_EQ(RenderText("select\n{% for c in ['id', 'name'] %}\n    {{ c }}{% if not loop.last %},{% endif %}\n{% endfor %}\nfrom t"),
            "select\n\n    id,\n\n    name\n\nfrom t");
}

TEST(JinjaWhitespace, ElseBranchesStripIndependently) {
  EXPECT_EQ(RenderText("{% if false %}\n a\n{%- elif true -%}\n b \n{%- else %} c {% endif %}"),
            "b");
}

TEST(JinjaWhitespace, DashInTagOfDifferentSpacing) {
  EXPECT_EQ(RenderText("x {%-if true-%} y {%-endif-%} z"),
            "xyz");
}

TEST(JinjaWhitespace, KeepTrailingNewlineKeepsIt) {
  Environment env;
  env.set_keep_trailing_newline(true);
  EXPECT_EQ(RenderText(env, "line\n"), "line\n");
}

}  // namespace
}  // namespace sluice::jinja
