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

// `text` as a message quotes it: whole up to 200 bytes, else its first 64
// bytes (never cutting a UTF-8 character) and "…". A value can be megabytes
// long (a 10 MB event name); the message must still fit on a screen.
std::string Abbreviated(std::string_view text);

// `message` with its middle left out past 4000 bytes, saying how much: the
// last resort for messages that quote a value without Abbreviated.
std::string CappedMessage(std::string message);

// Collects every problem in the file, each tagged with its position.
class Problems {
 public:
  explicit Problems(std::string path) : path_(std::move(path)) {}
  void Add(const YAML::Mark& mark, std::string message) {
    list_.push_back(
        fmt::format("{}:{}:{}: {}", path_, mark.line + 1, mark.column + 1, CappedMessage(std::move(message))));
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

// Reports keys of `map` not in `allowed`, and keys that appear twice.
void CheckKeys(const YAML::Node& map, std::initializer_list<const char*> allowed, std::string_view where,
               Problems* problems);
// True if `n` is a scalar; otherwise reports "<what> must be a single value".
bool IsScalar(const YAML::Node& n, std::string_view what, Problems* problems);

}  // namespace sluice
