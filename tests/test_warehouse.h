// The warehouse a workspace uses, as the suites see it.
//
// A test process runs against one backend: $SLUICE_TEST_BACKEND (a
// registered backend's name), which CTest sets for every backend a suite is
// registered with (`sluice_test(... BACKENDS ALL)`, each backend's variant of
// a test named with the suffix its folder registers, e.g. `/pg`), or the
// embedded default when it is unset. Each backend the suites run against has
// a TestWarehouse in tests/backends/ and one line in test_backends.cc; the
// harness asks it where sluice.yaml points and how to read the warehouse
// back, so that one assertion holds on every backend.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli_harness.h"

namespace sluice::testing {

class TestWarehouse {
 public:
  virtual ~TestWarehouse() = default;

  // The backend's name, as sluice.yaml spells it.
  virtual std::string backend() const = 0;
  // `yaml` pointing at this warehouse: its warehouse section rewritten or
  // appended, every other line where it was (config errors name lines).
  virtual std::string Configure(const std::string& yaml) const = 0;
  // One read-only statement; its rows as Cells, read the way the SQLite
  // backend's would be (pg_harness.h says how PostgreSQL's map). Throws
  // std::runtime_error, also when the table does not exist yet. Thread-safe.
  virtual std::vector<Row> Query(const std::string& sql) const = 0;
  // Statements that change the warehouse behind sluice's back (to set up
  // what an earlier version left, say). Throws std::runtime_error.
  virtual void Exec(const std::string& sql) const = 0;
  // The table's columns in table order; empty if there is no such table.
  virtual std::vector<std::string> Columns(const std::string& table) const = 0;
  virtual bool HasTable(const std::string& name) const = 0;
  // A measure of what writers have put into the warehouse, committed or not,
  // that grows while a long load runs (-1 before there is anything).
  virtual int64_t WriteBytes() const = 0;
};

struct TestBackend {
  std::string name;
  // The warehouse of the workspace whose data folder is `data_dir`.
  std::function<std::unique_ptr<TestWarehouse>(const std::string& data_dir, const WorkspaceOptions& options)> make;
};

// Every backend the suites can run against; the embedded default first.
const std::vector<TestBackend>& TestBackends();
// The one this test process runs against ($SLUICE_TEST_BACKEND); throws for
// a name no TestBackend has.
const TestBackend& CurrentTestBackend();

}  // namespace sluice::testing
