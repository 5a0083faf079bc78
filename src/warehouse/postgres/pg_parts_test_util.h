// What the PostgreSQL merge parts' tests share: a connection of their own
// to the `pg` fixture's cluster, and one value of a query.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "postgres/pg_conn.h"
#include "testing/pg_test_cluster.h"

namespace sluice {

inline std::unique_ptr<PgConnection> ConnectToTestCluster() {
  auto conn = PgConnection::Connect(testing::PgDsn());
  if (!conn.ok()) throw std::runtime_error(conn.status().message());
  return std::move(*conn);
}

// The single value `sql` returns, as text; "<null>" for NULL or no single row.
inline std::string QueryOne(PgConnection* conn, const std::string& sql) {
  auto r = conn->Query(sql);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() && r->rows() == 1 && !r->IsNull(0, 0) ? std::string(r->Get(0, 0)) : std::string("<null>");
}

}  // namespace sluice
