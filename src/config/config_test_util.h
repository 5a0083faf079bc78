// What the config tests share: a small event to extend, and parsing that
// expects success or returns the problems, one per line.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace sluice {

// A small valid event, to be extended by each test.
constexpr const char* kOrders = R"(events:
  Orders:
    key: id
    version: ts
    columns:
      id: {path: Id, type: int}
      ts: {path: Ts, type: timestamp}
)";

inline Config MustParse(std::string_view yaml, const std::string& path = "sluice.yaml") {
  auto c = ParseConfig(yaml, path);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(c).value() : Config{};
}

// The problems ParseConfig reports for `yaml`, one per line.
inline std::vector<std::string> Problems(std::string_view yaml) {
  auto c = ParseConfig(yaml, "sluice.yaml");
  EXPECT_FALSE(c.ok()) << "the config parsed";
  if (c.ok()) return {};
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  std::vector<std::string> lines;
  std::istringstream in(c.status().message());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// True when one problem is at LINE:COLUMN and contains every fragment.
inline ::testing::AssertionResult HasProblem(const std::vector<std::string>& problems, int line, int column,
                                      std::initializer_list<std::string_view> fragments) {
  const std::string prefix = "sluice.yaml:" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  for (const auto& p : problems) {
    if (p.rfind(prefix, 0) != 0) continue;
    bool all = true;
    for (auto f : fragments) all &= p.find(f) != std::string::npos;
    if (all) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no problem at " << prefix << " with the expected text in:\n"
                                       << Join(problems);
}

}  // namespace sluice
