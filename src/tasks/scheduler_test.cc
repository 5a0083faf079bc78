// The scheduler against a real SQLite warehouse (its task tables) with a
// manual clock (the test Env's): hours of schedule in milliseconds. Attempts are functions
// the tests control.
#include "tasks/scheduler.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "base/clock.h"
#include "tasks/alerter.h"
#include "testing/fault_injection_env.h"
#include "testing/temp_dir.h"
#include "warehouse/backend.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;

// How long a settle may take: several SQLite commits, on a machine perhaps
// busy with other suites' writes. Passing tests settle in milliseconds.
constexpr auto kSettle = 60s;

constexpr int64_t kSecond = 1'000'000, kMinute = 60 * kSecond;

// 2026-11-24 10:00:30 UTC.
int64_t At(int hour, int minute, int second = 0) {
  return ((DaysFromCivil(2026, 11, 24) * 24 + hour) * 60 + minute) * kMinute + second * kSecond;
}

TaskSpec Task(const std::string& name, const std::string& schedule, std::vector<std::string> after = {},
              int retries = 0) {
  TaskSpec t;
  t.name = name;
  if (!schedule.empty()) t.schedule = Schedule::Parse(schedule).value();
  t.after = std::move(after);
  t.retries = retries;
  return t;
}

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.SetNowMicros(At(10, 0, 30));
    warehouse_ = OpenWarehouse(WarehouseConfig(), dir_).value();
    ASSERT_TRUE(warehouse_->Prepare(Catalog{}).ok());
    store_ = &warehouse_->tasks();
  }
  void TearDown() override { scheduler_.reset(); }

  // Outcomes per task, in order; a task without one left succeeds.
  void Script(const std::string& task, std::vector<bool> outcomes) {
    std::lock_guard<std::mutex> lock(mu_);
    script_[task] = std::move(outcomes);
  }

  Scheduler& Make(std::vector<TaskSpec> tasks) {
    scheduler_ = std::make_unique<Scheduler>(
        std::move(tasks), store_,
        [this](const TaskSpec& t, int64_t now) {
          if (gate_.count(t.name)) gate_[t.name].wait();
          std::lock_guard<std::mutex> lock(mu_);
          ran_.push_back(t.name);
          run_times_.push_back(now);
          auto& outcomes = script_[t.name];
          const bool ok = outcomes.empty() ? true : outcomes.front();
          if (!outcomes.empty()) outcomes.erase(outcomes.begin());
          return ok ? TaskOutcome{true, 7, ""} : TaskOutcome{false, 0, "it broke"};
        },
        [this](Alert a) {
          std::lock_guard<std::mutex> lock(mu_);
          alerts_.push_back(std::move(a));
        },
        &env_, &metrics_);
    return *scheduler_;
  }

  // Recorded runs, oldest first, as "task status".
  std::vector<std::string> Recorded() {
    auto runs = store_->History("", 1000);
    EXPECT_TRUE(runs.ok());
    std::vector<std::string> out;
    for (auto it = runs->rbegin(); it != runs->rend(); ++it) out.push_back(it->task + " " + it->status);
    return out;
  }

  const testing::TempDir tmp_{"sluice-scheduler"};
  const std::string dir_ = tmp_.path();
  std::unique_ptr<Warehouse> warehouse_;
  TaskStore* store_ = nullptr;
  FaultInjectionEnv env_;  // for its manual clock
  MetricsRegistry metrics_;
  std::mutex mu_;
  std::map<std::string, std::vector<bool>> script_;
  std::map<std::string, std::shared_future<void>> gate_;
  std::vector<std::string> ran_;
  std::vector<int64_t> run_times_;
  std::vector<Alert> alerts_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_F(SchedulerTest, ACronTaskFiresAtItsTimesAndNotBefore) {
  Scheduler& s = Make({Task("every5", "*/5 * * * *")});
  EXPECT_EQ(s.Tick(), At(10, 5));  // the next thing to do
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_TRUE(ran_.empty());
  env_.SetNowMicros(At(10, 5));
  ASSERT_TRUE(s.Settle(kSettle));
  env_.SetNowMicros(At(10, 9, 59));
  ASSERT_TRUE(s.Settle(kSettle));
  env_.SetNowMicros(At(10, 10));
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_EQ(ran_, (std::vector<std::string>{"every5", "every5"}));
  auto history = store_->History("every5", 10).value();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].scheduled_for, "2026-11-24 10:05:00.000000");
  EXPECT_EQ(history[0].scheduled_for, "2026-11-24 10:10:00.000000");
  EXPECT_EQ(history[0].status, "succeeded");
  EXPECT_EQ(history[0].rows, 7);
  EXPECT_EQ(history[0].attempts, 1);
}

TEST_F(SchedulerTest, MissedFiresAreNotMadeUpAfterALongGap) {
  Scheduler& s = Make({Task("hourly", "@hourly")});
  env_.SetNowMicros(At(15, 30));  // five fires went by
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_EQ(ran_.size(), 1u);
  EXPECT_EQ(s.Tick(), At(16, 0));
}

TEST_F(SchedulerTest, AFireDuringARunningRunIsSkippedAndRecorded) {
  std::promise<void> release;
  gate_["slow"] = release.get_future().share();
  Scheduler& s = Make({Task("slow", "1m")});
  env_.SetNowMicros(At(10, 1));
  s.Tick();  // starts, blocks in the gate
  env_.SetNowMicros(At(10, 2));
  s.Tick();  // fires again while running: skipped
  release.set_value();
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"slow skipped", "slow succeeded"}));
  auto skipped = store_->History("slow", 10).value()[1];
  EXPECT_EQ(skipped.scheduled_for, "2026-11-24 10:02:00.000000");
  EXPECT_NE(skipped.error.find("still running"), std::string::npos) << skipped.error;
  EXPECT_EQ(ran_.size(), 1u);
}

TEST_F(SchedulerTest, FailedAttemptsAreRetriedWithBackoffAndOnlyTheOutcomeIsRecorded) {
  Script("flaky", {false, false, true});
  Scheduler& s = Make({Task("flaky", "@hourly", {}, /*retries=*/3)});
  env_.SetNowMicros(At(11, 0));
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_EQ(s.Tick(), At(11, 0, 1));  // first retry after 1 s
  env_.SetNowMicros(At(11, 0, 1));
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_EQ(s.Tick(), At(11, 0, 3));  // then 2 s
  env_.SetNowMicros(At(11, 0, 3));
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_EQ(ran_.size(), 3u);
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"flaky succeeded"}));
  EXPECT_EQ(store_->History("flaky", 1).value()[0].attempts, 3);
  EXPECT_TRUE(alerts_.empty());  // it never failed as a run
}

TEST_F(SchedulerTest, AFailureAlertsAndTheFirstSuccessAfterItAlertsARecovery) {
  Script("job", {false, true, true});
  Scheduler& s = Make({Task("job", "@hourly")});
  for (int hour : {11, 12, 13}) {
    env_.SetNowMicros(At(hour, 0));
    ASSERT_TRUE(s.Settle(kSettle));
  }
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"job failed", "job succeeded", "job succeeded"}));
  ASSERT_EQ(alerts_.size(), 2u);
  EXPECT_EQ(alerts_[0].kind, Alert::Kind::kFailure);
  EXPECT_EQ(alerts_[0].error, "it broke");
  EXPECT_EQ(alerts_[0].run_id, store_->History("job", 3).value()[2].id);
  EXPECT_EQ(alerts_[1].kind, Alert::Kind::kRecovery);
  EXPECT_EQ(store_->Failures().value()["job"], 1);
}

TEST_F(SchedulerTest, DependantsRunInOrderAfterTheirPredecessorsSucceed) {
  Scheduler& s = Make({Task("c", "", {"b"}), Task("a", "@daily"), Task("b", "", {"a"}), Task("d", "", {"a", "c"})});
  env_.SetNowMicros(At(24, 0));
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_EQ(ran_, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"a succeeded", "b succeeded", "c succeeded", "d succeeded"}));
}

TEST_F(SchedulerTest, AFailureStopsItsDependantsAndRecordsWhy) {
  Script("a", {false});
  Scheduler& s = Make({Task("a", "@daily"), Task("b", "", {"a"}), Task("c", "", {"b"})});
  env_.SetNowMicros(At(24, 0));
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_EQ(ran_, (std::vector<std::string>{"a"}));
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"a failed", "b skipped"}));
  EXPECT_NE(store_->History("b", 1).value()[0].error.find("predecessor a failed"), std::string::npos);
}

TEST_F(SchedulerTest, ADependantWaitsForEveryPredecessor) {
  Scheduler& s = Make({Task("a", "0 1 * * *"), Task("b", "0 2 * * *"), Task("both", "", {"a", "b"})});
  env_.SetNowMicros(At(25, 0));  // 01:00 next day: a only
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_EQ(ran_, (std::vector<std::string>{"a"}));
  env_.SetNowMicros(At(26, 0));
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_EQ(ran_, (std::vector<std::string>{"a", "b", "both"}));
}

TEST_F(SchedulerTest, ASuspendedTaskDoesNotFireUntilResumed) {
  ASSERT_TRUE(store_->SetSuspended("paused", true).ok());
  Scheduler& s = Make({Task("paused", "@hourly")});
  env_.SetNowMicros(At(11, 0));
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_TRUE(ran_.empty());
  ASSERT_TRUE(store_->SetSuspended("paused", false).ok());  // as `sluice tasks resume` from another process
  env_.SetNowMicros(At(12, 0));
  ASSERT_TRUE(s.Settle(kSettle));
  EXPECT_EQ(ran_, (std::vector<std::string>{"paused"}));
  EXPECT_EQ(store_->Suspended().value().size(), 0u);
}

TEST_F(SchedulerTest, IntervalsWithAnOffsetFireAtTheirOwnMinute) {
  TaskSpec t = Task("cleanup", "1h");
  t.offset_micros = 17 * kMinute;
  Scheduler& s = Make({t});
  EXPECT_EQ(s.Tick(), At(10, 17));
}

}  // namespace
}  // namespace sluice
