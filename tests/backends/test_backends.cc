// The backends the suites run against: one line each.
#include <cstdlib>
#include <stdexcept>

#include "backends/clickhouse_test_warehouse.h"
#include "backends/postgres_test_warehouse.h"
#include "backends/sqlite_test_warehouse.h"
#include "test_warehouse.h"

namespace sluice::testing {

const std::vector<TestBackend>& TestBackends() {
  static const std::vector<TestBackend> kBackends = {
      {"sqlite", MakeSqliteTestWarehouse},
      {"postgres", MakePostgresTestWarehouse},
      {"clickhouse", MakeClickHouseTestWarehouse},
      {"clickhouse_cluster", MakeClickHouseClusterTestWarehouse},
  };
  return kBackends;
}

const TestBackend& CurrentTestBackend() {
  const char* chosen = std::getenv("SLUICE_TEST_BACKEND");
  if (chosen == nullptr || *chosen == '\0') return TestBackends().front();
  for (const TestBackend& backend : TestBackends())
    if (backend.name == chosen) return backend;
  throw std::runtime_error(fmt::format("$SLUICE_TEST_BACKEND is '{}', which no TestBackend in "
                                       "tests/backends/test_backends.cc is",
                                       chosen));
}

}  // namespace sluice::testing
