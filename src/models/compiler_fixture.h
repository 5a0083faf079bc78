// A dbt project in a temporary folder compiled against a real embedded
// SQLite warehouse, for the compiler's and the graph's tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/compiler.h"
#include "config/warehouse_config.h"
#include "models/project.h"
#include "testing/files.h"
#include "testing/temp_dir.h"
#include "warehouse/backend.h"

namespace sluice::models {

class CompilerFixture : public ::testing::Test {
 protected:
  CompilerFixture() : dir_("sluice-compiler") {
    warehouse_ = OpenWarehouse(WarehouseConfig(), dir_.path()).value();
    EXPECT_TRUE(warehouse_->Prepare(Catalog{}).ok());
    Write("dbt_project.yml", "name: shop\nmodel-paths: [models]\n");
  }

  // Writes `text` to `file`, relative to the project folder.
  void Write(const std::string& file, std::string_view text) {
    sluice::testing::WriteFile(dir_.path() + "/project/" + file, text);
  }

  Result<std::unique_ptr<Compiler>> Create(CompileOptions options = {}) {
    if (options.event_tables.empty()) options.event_tables = {"orders", "orders_stg"};
    auto project = ReadProject(Env::Default(), dir_.path() + "/project");
    if (!project.ok()) return project.status();
    return Compiler::Create(std::make_shared<const Project>(std::move(project).value()), &warehouse_->models(),
                            options);
  }

  // The compiler, or a failed expectation and null.
  std::unique_ptr<Compiler> MustCreate(CompileOptions options = {}) {
    auto compiler = Create(std::move(options));
    EXPECT_TRUE(compiler.ok()) << compiler.status().message();
    return compiler.ok() ? std::move(compiler).value() : nullptr;
  }

  // Create's error with the project folder taken off file names.
  std::string Error(CompileOptions options = {}) {
    auto compiler = Create(std::move(options));
    EXPECT_FALSE(compiler.ok()) << "the project compiled";
    if (compiler.ok()) return "";
    std::string message = compiler.status().message();
    const std::string prefix = dir_.path() + "/project/";
    for (size_t at; (at = message.find(prefix)) != std::string::npos;) message.erase(at, prefix.size());
    return message;
  }

  // The compiled SQL of node `id` ("model.shop.x"), or the error's text.
  static std::string Sql(Compiler& compiler, const std::string& id, bool full_refresh = false) {
    const ManifestNode* node = compiler.manifest().Find(id);
    if (node == nullptr) return "no node " + id;
    auto sql = compiler.Compile(*node, full_refresh);
    return sql.ok() ? *sql : "ERROR: " + sql.status().message();
  }

  Warehouse& warehouse() { return *warehouse_; }
  std::string project_dir() const { return dir_.path() + "/project"; }

 private:
  sluice::testing::TempDir dir_;
  std::unique_ptr<Warehouse> warehouse_;
};

}  // namespace sluice::models
