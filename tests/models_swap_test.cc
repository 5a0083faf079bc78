// A table model rebuilt while others read it, on both backends: the new
// table is built beside the old one (or refilled in one transaction) and
// put in its place atomically, so a reader never finds the table missing
// and never counts anything but the old or the new full row count.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "models_harness.h"

namespace sluice::testing {
namespace {

// `rows` rows 1..rows; `extra` adds a column, so that a rebuild changes the
// table's shape too (PostgreSQL refills a table of the same shape in place
// and swaps one of a new shape).
const std::string kNumbers =
    "{{ config(materialized='table') }}\n"
    "with recursive n(i) as (select 1 union all select i + 1 from n where i < {{ var('rows') }})\n"
    "select i{{ ', 0 as extra' if var('extra') else '' }} from n\n";

std::string Vars(int rows, bool extra) { return fmt::format("{{rows: {}, extra: {}}}", rows, extra ? "true" : "false"); }

TEST(ModelsSwap, AReaderSeesTheOldOrTheNewTableWhileItIsRebuilt) {
  Workspace ws(ModelsConfigYaml());
  WriteProject(ws, {{"models/numbers.sql", kNumbers}});
  ASSERT_RUN_OK(Models(ws, {"run", "--vars", Vars(300, false)}));

  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::mutex mu;
  std::vector<std::string> problems;  // at most a few, for the failure message
  std::thread reader([&] {
    do {
      std::string problem;
      try {
        const auto rows = ws.Query("SELECT count(*), sum(i) FROM numbers");
        const int64_t count = rows.at(0).at(0).integer, sum = rows.at(0).at(1).integer;
        if (!((count == 300 && sum == 300 * 301 / 2) || (count == 700 && sum == 700 * 701 / 2)))
          problem = fmt::format("read {} rows summing to {}", count, sum);
      } catch (const std::exception& e) {
        problem = e.what();
      }
      if (!problem.empty()) {
        std::lock_guard<std::mutex> lock(mu);
        if (problems.size() < 5) problems.push_back(problem);
      }
      ++reads;
    } while (!done.load());
  });
  // The rebuilds start once the reader is reading.
  EXPECT_TRUE(PollUntil([&] { return reads.load() > 0; }));
  for (int k = 1; k <= 12; ++k) {
    const RunResult r = Models(ws, {"run", "--vars", Vars(k % 2 ? 700 : 300, (k / 2) % 2 == 1)});
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
  }
  done = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_THAT(problems, ::testing::IsEmpty());
  EXPECT_EQ(ws.Count("numbers"), 300);  // the last rebuild's
  EXPECT_THAT(ws.Columns("numbers"), ::testing::ElementsAre("i"));
  // Nothing is left of the tables built beside.
  EXPECT_EQ(ws.Count(ws.on_postgres() ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                                        "current_schema() AND table_name LIKE 'numbers%'"
                                      : "SELECT count(*) FROM sqlite_master WHERE name LIKE 'numbers%'"),
            1);
}

}  // namespace
}  // namespace sluice::testing
