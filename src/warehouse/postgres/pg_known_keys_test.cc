// The merge's set of known keys, and key hashes that agree between the
// merge's Values and the server's binary rows (against the `pg` fixture's
// cluster).
#include <gtest/gtest.h>

#include "warehouse/postgres/pg_parts_test_util.h"
#include "warehouse/postgres/pg_binary_copy.h"
#include "postgres/pg_conn.h"
#include "warehouse/postgres/pg_known_keys.h"

namespace sluice {
namespace {

TEST(PgKnownKeys, TheServersBinaryKeysHashAsTheMergesValues) {
  auto conn = ConnectToTestCluster();
  EventSpec event;
  for (const auto& [name, type] : std::vector<std::pair<std::string, ColumnType>>{
           {"id", ColumnType{TypeKind::kVarchar, 64}}, {"n", ColumnType{TypeKind::kInt}},
           {"amount", ColumnType{TypeKind::kDecimal, 0, 9, 2}}}) {
    ColumnSpec column;
    column.name = name;
    column.type = type;
    event.columns.push_back(column);
  }
  event.key = {"id", "n"};
  const PgKeyHasher hasher(event);
  ASSERT_TRUE(hasher.ReadableFromServer());
  ASSERT_TRUE(conn->BeginCopyOut("COPY (SELECT * FROM (VALUES ('EI-1'::varchar, 7::bigint), ('héllo', -1), ('', 0)) "
                                 "v ORDER BY 1) TO STDOUT (FORMAT binary)")
                  .ok());
  std::vector<uint64_t> server;
  for (bool first = true;; first = false) {
    std::string_view row;
    auto more = conn->NextCopyRow(&row);
    ASSERT_TRUE(more.ok()) << more.status().message();
    if (!*more) break;
    if (first) row.remove_prefix(kBinaryCopyHeaderBytes);
    if (row == kBinaryCopyTrailer) continue;
    uint64_t h = 0;
    ASSERT_TRUE(hasher.FromBinaryRow(row, &h));
    server.push_back(h);
  }
  std::vector<uint64_t> client;
  std::string arena;
  for (const auto& [id, n] : std::vector<std::pair<std::string, int64_t>>{{"", 0}, {"EI-1", 7}, {"héllo", -1}}) {
    const Value row[] = {Value::Text(id, &arena), Value::Int(n), Value::Real(1.5)};
    client.push_back(hasher.FromRow(row, arena));
  }
  EXPECT_EQ(server, client);
  EXPECT_NE(client[0], client[1]);

  event.key = {"id", "amount"};  // a decimal key cannot be read back into the same hash
  EXPECT_FALSE(PgKeyHasher(event).ReadableFromServer());
}

TEST(PgKnownKeys, AKeyIsAddedOnceAndTheSetStopsGrowingAtItsBound) {
  PgKnownKeys keys;
  EXPECT_EQ(keys.Add(42), PgKnownKeys::Outcome::kAdded);
  EXPECT_EQ(keys.Add(42), PgKnownKeys::Outcome::kPresent);
  EXPECT_EQ(keys.Add(0), PgKnownKeys::Outcome::kAdded);  // 0 (the empty slot's mark) still counts
  for (uint64_t h = 100; h < 100 + 5000; ++h) EXPECT_EQ(keys.Add(h * 0x9e3779b97f4a7c15ULL), PgKnownKeys::Outcome::kAdded);
  for (uint64_t h = 100; h < 100 + 5000; ++h) EXPECT_EQ(keys.Add(h * 0x9e3779b97f4a7c15ULL), PgKnownKeys::Outcome::kPresent);
  EXPECT_EQ(keys.size(), 5002u);
}

}  // namespace
}  // namespace sluice
