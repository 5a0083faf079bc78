// One Environment, rendered from several threads at once: its globals,
// filters and macros are shared and read-only while it renders. (The
// speed of parsing and rendering is measured by `make bench`.)
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "jinja/jinja_test_support.h"

namespace sluice::jinja {
namespace {

// A model as dbt projects write them: config, refs, a loop over columns, a macro.
std::string ModelSource(int i) {
  return "{{ config(materialized='table') }}\n"
         "{%- set columns = ['id', 'name', 'amount', 'created_at'] %}\n"
         "with source as (\n"
         "    select * from {{ ref('stg_orders_" + std::to_string(i) + "') }}\n"
         "),\n"
         "renamed as (\n"
         "    select\n"
         "    {%- for col in columns %}\n"
         "        {{ col }}{% if col == 'amount' %} / 100.0 as amount_dollars{% endif %}\n"
         "        {%- if not loop.last %},{% endif %}\n"
         "    {%- endfor %}\n"
         "    from source\n"
         "    {% if is_incremental() %}where created_at > (select max(created_at) from {{ this }}){% endif %}\n"
         ")\n"
         "select *, {{ cents_to_dollars('amount') }} as dollars from renamed\n";
}

void SetUpProject(Environment* env) {
  env->SetGlobal("config", Value::FromFunction("config", [](const CallArgs&, CallContext&) -> Result<Value> {
    return Value("");
  }));
  env->SetGlobal("ref", Value::FromFunction("ref", [](const CallArgs& args, CallContext&) -> Result<Value> {
    return Value("\"analytics\".\"" + args.positional.at(0).as_string() + "\"");
  }));
  env->SetGlobal("is_incremental", Value::FromFunction("is_incremental", [](const CallArgs&, CallContext&) -> Result<Value> {
    return Value(true);
  }));
  ASSERT_TRUE(env->AddMacros("{% macro cents_to_dollars(col) %}({{ col }} / 100)::numeric(16, 2){% endmacro %}", "macros/m.sql").ok());
}

TEST(JinjaConcurrency, SeveralThreadsRenderWithOneEnvironmentAtOnce) {
  Environment env;
  SetUpProject(&env);
  std::vector<std::shared_ptr<const Template>> templates;
  for (int i = 0; i < 8; ++i) {
    auto t = env.Parse(ModelSource(i), "models/m" + std::to_string(i) + ".sql");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    templates.push_back(*t);
  }
  std::vector<std::string> expected;
  for (int i = 0; i < 8; ++i) {
    auto out = env.Render(*templates[i], Dict{{"this", Value("\"analytics\".\"m" + std::to_string(i) + "\"")}});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    expected.push_back(*out);
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        const int i = (t + round) % 8;  // the same templates from several threads too
        auto out = env.Render(*templates[i], Dict{{"this", Value("\"analytics\".\"m" + std::to_string(i) + "\"")}});
        if (!out.ok() || *out != expected[i]) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_NE(expected[3].find("select * from \"analytics\".\"stg_orders_3\""), std::string::npos) << expected[3];
  EXPECT_NE(expected[3].find("        name,\n        amount / 100.0 as amount_dollars,"), std::string::npos) << expected[3];
}

}  // namespace
}  // namespace sluice::jinja
