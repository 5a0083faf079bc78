// The throwaway PostgreSQL cluster of the CTest fixture `pg`
// (scripts/pg-cluster.sh, started before the first test that needs it),
// for every test that talks to PostgreSQL: the unit tests of the postgres
// backend's parts as much as the end-to-end suites.
//
// CTest sets $SLUICE_TEST_PG_DIR, the cluster's folder, whose `dsn` file
// names the server, for the tests registered with BACKENDS postgres or
// NEEDS_PG (top-level CMakeLists.txt). $SLUICE_TEST_PG_DSN, when set, names
// a server directly.
#pragma once

#include <string>

namespace sluice::testing {

// $SLUICE_TEST_PG_DSN, else the first line of $SLUICE_TEST_PG_DIR/dsn;
// throws std::runtime_error naming what is missing (run the tests through
// CTest so that the fixture starts the cluster).
std::string PgDsn();
// A schema name no other test of this run uses, so tests running in
// parallel on the one cluster never meet: w_<pid>_<n>_<random>.
// Thread-safe.
std::string UniqueSchemaName();

}  // namespace sluice::testing
