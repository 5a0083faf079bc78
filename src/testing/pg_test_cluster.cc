#include "testing/pg_test_cluster.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "base/text.h"
#include "testing/files.h"

namespace sluice::testing {

std::string PgDsn() {
  if (const char* dsn = std::getenv("SLUICE_TEST_PG_DSN"); dsn != nullptr && *dsn != '\0') return dsn;
  const char* dir = std::getenv("SLUICE_TEST_PG_DIR");
  if (dir == nullptr || *dir == '\0')
    throw std::runtime_error(
        "neither $SLUICE_TEST_PG_DSN nor $SLUICE_TEST_PG_DIR is set: run the /pg tests through CTest (fixture pg "
        "starts a cluster), or start one with scripts/pg-cluster.sh start DIR and set SLUICE_TEST_PG_DIR=DIR");
  const std::string path = std::string(dir) + "/dsn";
  if (FileSize(path) < 0)
    throw std::runtime_error(fmt::format("{} does not exist: the PostgreSQL cluster of the CTest fixture `pg` is not "
                                         "running (did pg_cluster_start fail?)",
                                         path));
  return std::string(TrimWhitespace(ReadFile(path)));
}

std::string UniqueSchemaName() {
  static std::atomic<int> counter{0};
  static const uint32_t salt = std::random_device{}() & 0xffff;
  return fmt::format("w_{}_{}_{:04x}", ::getpid(), counter++, salt);
}

}  // namespace sluice::testing
