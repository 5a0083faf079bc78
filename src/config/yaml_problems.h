// What every part of the config parser shares: problems collected with
// their file:line:col, and the checks every map and value gets.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "base/status.h"

namespace sluice {

// Collects every problem in the file, each tagged with its position.
class Problems {
 public:
  explicit Problems(std::string path) : path_(std::move(path)) {}
  void Add(const YAML::Mark& mark, std::string message) {
    list_.push_back(fmt::format("{}:{}:{}: {}", path_, mark.line + 1, mark.column + 1, message));
  }
  bool empty() const { return list_.empty(); }
  Status ToStatus() const {
    std::string all;
    for (const auto& p : list_) all += (all.empty() ? "" : "\n") + p;
    return Status::InvalidArgument(all);
  }

 private:
  std::string path_;
  std::vector<std::string> list_;
};

// Reports keys of `map` not in `allowed`.
void CheckKeys(const YAML::Node& map, std::initializer_list<const char*> allowed, std::string_view where,
               Problems* problems);
// True if `n` is a scalar; otherwise reports "<what> must be a single value".
bool IsScalar(const YAML::Node& n, std::string_view what, Problems* problems);

}  // namespace sluice
