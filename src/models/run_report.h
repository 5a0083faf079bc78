// A run as the terminal shows it: a line per node as it finishes, the
// failing rows of a test that fails, and a summary.
//
//   sluice models build: 3 seeds, 5 models, 9 tests
//     1 of 17  OK     seed         raw_cards ................... 12 rows in 0.01 s
//     6 of 17  FAIL   test         assert_cards_sold_le_produced  1 failing row in 0.00 s
//              card_id | sold | produced
//              C-0003  | 5    | 4
//     7 of 17  SKIP   table        fct_orders (test.analytics.assert_… failed)
//   Done in 0.41 s: 7 built, 0 errors, 1 skipped; tests: 8 passed, 0 warned, 1 failed
//
// Not thread-safe: one run's observer.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "models/runner.h"

namespace sluice::models {

class TextRunReport final : public RunObserver {
 public:
  TextRunReport(std::ostream* out, ModelsCommand command) : out_(out), command_(command) {}
  void Selected(const std::vector<const ManifestNode*>& nodes, const std::vector<std::string>& warnings) override;
  void Finished(size_t index, size_t total, const NodeResult& result) override;
  void Done(const RunSummary& summary) override;

 private:
  std::ostream* out_;
  ModelsCommand command_;
};

// A run as the log shows it (logger "models"), for runs without a terminal:
// serve's on_merge rebuilds and the scheduled build. `what` names the run
// in each line ("on_merge", "task models"). Keeps what failed, for an alert.
class LogRunReport final : public RunObserver {
 public:
  explicit LogRunReport(std::string what) : what_(std::move(what)) {}
  void Selected(const std::vector<const ManifestNode*>& nodes, const std::vector<std::string>& warnings) override;
  void Finished(size_t index, size_t total, const NodeResult& result) override;
  void Done(const RunSummary& summary) override;
  // One line per failed node ("model.p.x: error…", "test.p.t: 3 failing rows"), at most 10, then "… and N more".
  std::string Failures() const;

 private:
  std::string what_;
  std::vector<std::string> failures_;
  size_t more_failures_ = 0;
};

// "0.41 s", "2 min 5 s".
std::string FormatSeconds(int64_t micros);

}  // namespace sluice::models
