// Every problem found while reading a project, each at its file:line:col,
// reported together (like sluice.yaml's Problems, across many files).
// Internal to the project reader.
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "base/status.h"
#include "models/project.h"

namespace sluice::models {

class ProjectProblems {
 public:
  // Files are named as `dir`/<file relative to the project>.
  explicit ProjectProblems(std::string dir) : dir_(std::move(dir)) {}

  void Add(const std::string& file, const YAML::Mark& mark, std::string message) {
    Add(FilePosition{file, mark.line + 1, mark.column + 1}, std::move(message));
  }
  void Add(const FilePosition& at, std::string message) {
    list_.push_back(at.line > 0 ? fmt::format("{}:{}:{}: {}", Display(at.file), at.line, at.column, message)
                                : fmt::format("{}: {}", Display(at.file), message));
  }
  // A problem with the whole file (no line).
  void AddFile(const std::string& file, std::string message) { Add(FilePosition{file, 0, 0}, std::move(message)); }

  bool empty() const { return list_.empty(); }
  Status ToStatus() const {
    std::string all;
    for (const auto& p : list_) all += (all.empty() ? "" : "\n") + p;
    return Status::InvalidArgument(all);
  }
  std::string Display(const std::string& file) const { return dir_.empty() ? file : dir_ + "/" + file; }

 private:
  std::string dir_;
  std::vector<std::string> list_;
};

inline FilePosition PositionOf(const std::string& file, const YAML::Mark& mark) {
  return FilePosition{file, mark.line + 1, mark.column + 1};
}

}  // namespace sluice::models
