// A dbt project written file by file into a fresh temporary folder, for
// the project reader's tests.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/env.h"
#include "models/project.h"
#include "testing/files.h"
#include "testing/temp_dir.h"

namespace sluice::models {

class ProjectFixture {
 public:
  ProjectFixture() : dir_("sluice-models") {}

  // Writes `text` to `file` (relative to the project), making its folders.
  void Write(const std::string& file, std::string_view text) { testing::WriteFile(dir_.path() + "/" + file, text); }

  Result<Project> Read() const { return ReadProject(Env::Default(), dir_.path()); }

  // The project, or an empty one after a failed expectation.
  Project MustRead() const {
    auto project = Read();
    EXPECT_TRUE(project.ok()) << project.status().message();
    return project.ok() ? std::move(project).value() : Project{};
  }

  // The problems ReadProject reports, one a line, with the project's folder
  // taken off every file name ("models/schema.yml:3:5: …").
  std::vector<std::string> Problems() const {
    auto project = Read();
    EXPECT_FALSE(project.ok()) << "the project was read without problems";
    if (project.ok()) return {};
    EXPECT_EQ(project.status().code(), StatusCode::kInvalidArgument) << project.status().message();
    std::vector<std::string> lines;
    std::istringstream in(project.status().message());
    const std::string prefix = dir_.path() + "/";
    for (std::string line; std::getline(in, line);) {
      for (size_t at; (at = line.find(prefix)) != std::string::npos;) line.erase(at, prefix.size());
      lines.push_back(line);
    }
    return lines;
  }

  const std::string& dir() const { return dir_.path(); }

 private:
  testing::TempDir dir_;
};

}  // namespace sluice::models
