// The merge's writer thread against the `pg` fixture's server: chunks apply
// in the order they were submitted (an update in a later chunk sees the row
// an earlier chunk COPYed), the ON CONFLICT rows' counts come back from
// Drain, and the first error stops the writer and comes back from Drain and
// Submit.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "testing/pg_test_cluster.h"
#include "warehouse/postgres/pg_binary_copy.h"
#include "postgres/pg_conn.h"
#include "warehouse/postgres/pg_merge_writer.h"

namespace sluice {
namespace {

class PgMergeWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto conn = PgConnection::Connect(testing::PgDsn());
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    conn_ = std::move(*conn);
    schema_ = testing::UniqueSchemaName();
    ASSERT_TRUE(conn_->Exec(fmt::format("CREATE SCHEMA {0}; CREATE TABLE {0}.t (k text PRIMARY KEY, v bigint)",
                                        schema_))
                    .ok());
    sql_.copy_fresh = fmt::format("COPY {}.t (k, v) FROM STDIN (FORMAT binary)", schema_);
    sql_.apply = fmt::format(
        "WITH applied AS (INSERT INTO {}.t AS t (k, v) SELECT * FROM unnest($1::text[], $2::bigint[]) "
        "ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE t.v < excluded.v RETURNING (xmax = 0) AS inserted) "
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM applied",
        schema_);
  }
  void TearDown() override {
    (void)conn_->Exec("ROLLBACK");
    (void)conn_->Exec(fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", schema_));
  }

  // A chunk of (key, version) rows: `fresh` ones COPYed, the others upserted.
  static PgMergeWriter::Chunk Chunk(const std::vector<std::pair<std::string, int64_t>>& fresh,
                                    const std::vector<std::pair<std::string, int64_t>>& others) {
    const ColumnType text{TypeKind::kString}, number{TypeKind::kInt};
    PgMergeWriter::Chunk chunk;
    std::string arena;
    AppendBinaryCopyHeader(&chunk.fresh);
    for (const auto& [k, v] : fresh) {
      AppendBinaryRowStart(2, &chunk.fresh);
      const Value key = Value::Text(k, &arena);  // before `arena` is passed on: it grows here
      EXPECT_TRUE(AppendBinaryField(key, text, arena, &chunk.fresh));
      EXPECT_TRUE(AppendBinaryField(Value::Int(v), number, arena, &chunk.fresh));
    }
    AppendBinaryCopyTrailer(&chunk.fresh);
    chunk.others.resize(2);
    StartBinaryArray(&chunk.others[0]);
    StartBinaryArray(&chunk.others[1]);
    for (const auto& [k, v] : others) {
      const Value key = Value::Text(k, &arena);
      EXPECT_TRUE(AppendBinaryField(key, text, arena, &chunk.others[0]));
      EXPECT_TRUE(AppendBinaryField(Value::Int(v), number, arena, &chunk.others[1]));
    }
    FinishBinaryArray(text, static_cast<int>(others.size()), false, &chunk.others[0]);
    FinishBinaryArray(number, static_cast<int>(others.size()), false, &chunk.others[1]);
    chunk.fresh_rows = static_cast<int64_t>(fresh.size());
    chunk.other_rows = static_cast<int64_t>(others.size());
    return chunk;
  }

  std::string Rows() {
    auto r = conn_->Query(fmt::format("SELECT string_agg(k || '=' || v, ',' ORDER BY k) FROM {}.t", schema_));
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() && !r->IsNull(0, 0) ? std::string(r->Get(0, 0)) : "";
  }

  std::unique_ptr<PgConnection> conn_;
  std::string schema_;
  PgMergeWriter::Statements sql_;
};

TEST_F(PgMergeWriterTest, ChunksApplyInOrderAndTheUpsertCountsComeBackFromDrain) {
  ASSERT_TRUE(conn_->Exec("BEGIN").ok());
  UpsertCounts counts;
  {
    PgMergeWriter writer(conn_.get(), sql_);
    for (int i = 0; i < 20; ++i) {  // more chunks than the queue holds
      const std::string key = fmt::format("k{:02}", i);
      // Each chunk updates the previous chunk's key (newer), sends a stale
      // row for the one before, and COPYs a new key.
      std::vector<std::pair<std::string, int64_t>> others;
      if (i >= 1) others.push_back({fmt::format("k{:02}", i - 1), 2});
      if (i >= 2) others.push_back({fmt::format("k{:02}", i - 2), 1});
      ASSERT_TRUE(writer.Submit(Chunk({{key, 1}}, others)).ok());
    }
    auto drained = writer.Drain();
    ASSERT_TRUE(drained.ok()) << drained.status().message();
    counts = *drained;
  }
  EXPECT_EQ(counts.inserted, 0);
  EXPECT_EQ(counts.updated, 19);
  EXPECT_EQ(counts.stale, 18);
  std::string expected;
  for (int i = 0; i < 20; ++i) expected += fmt::format("{}k{:02}={}", i ? "," : "", i, i < 19 ? 2 : 1);
  EXPECT_EQ(Rows(), expected);
  ASSERT_TRUE(conn_->Exec("COMMIT").ok());
}

TEST_F(PgMergeWriterTest, TheFirstErrorStopsTheWriterAndComesBackFromDrainAndSubmit) {
  ASSERT_TRUE(conn_->Exec("BEGIN").ok());
  PgMergeWriter writer(conn_.get(), sql_);
  ASSERT_TRUE(writer.Submit(Chunk({{"a", 1}}, {})).ok());
  ASSERT_TRUE(writer.Submit(Chunk({{"a", 2}}, {})).ok());  // a key COPYed twice: a unique violation
  auto drained = writer.Drain();
  ASSERT_FALSE(drained.ok());
  EXPECT_NE(drained.status().message().find("duplicate key"), std::string::npos) << drained.status().message();
  EXPECT_FALSE(writer.Submit(Chunk({{"b", 1}}, {})).ok());
}

}  // namespace
}  // namespace sluice
