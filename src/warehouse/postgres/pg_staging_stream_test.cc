// Staging streamed from a second connection (against the `pg` fixture's
// cluster): in seq order, in pieces of the reader's limit, stopped cleanly
// part-way, and a failing statement reported.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "base/poll_until.h"
#include "warehouse/postgres/pg_parts_test_util.h"
#include "postgres/pg_conn.h"
#include "warehouse/postgres/pg_staging_stream.h"

namespace sluice {
namespace {

class PgStagingStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = ConnectToTestCluster();
    schema_ = testing::UniqueSchemaName();
    ASSERT_TRUE(conn_->Exec(fmt::format("CREATE SCHEMA {0}; CREATE TABLE {0}.stg (seq bigint PRIMARY KEY, payload jsonb); "
                                        "INSERT INTO {0}.stg SELECT g, jsonb_build_object('n', g, 's', 'x' || chr(9) || 'y') "
                                        "FROM generate_series(1, 2500) g",
                                        schema_))
                    .ok());
  }
  void TearDown() override { (void)conn_->Exec(fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", schema_)); }
  std::string Select(int64_t after) const {
    return fmt::format("SELECT seq, payload FROM {}.stg WHERE seq > {} ORDER BY seq", schema_, after);
  }
  std::unique_ptr<PgConnection> conn_;
  std::string schema_;
};

TEST_F(PgStagingStreamTest, RowsComeInSeqOrderInPiecesOfTheLimitThenFewerAtTheEnd) {
  auto stream = PgStagingStream::Open(testing::PgDsn(), Select(100));
  ASSERT_TRUE(stream.ok()) << stream.status().message();
  int64_t expected = 101;
  std::vector<size_t> pieces;
  for (;;) {
    size_t n = 0;
    Status st = (*stream)->Read(700, [&](int64_t seq, std::string_view payload) {
      EXPECT_EQ(seq, expected);
      EXPECT_EQ(payload, fmt::format(R"({{"n": {}, "s": "x\ty"}})", expected));
      ++expected;
      ++n;
    });
    ASSERT_TRUE(st.ok()) << st.message();
    pieces.push_back(n);
    if (n < 700) break;
  }
  EXPECT_EQ(expected, 2501);
  EXPECT_EQ(pieces, (std::vector<size_t>{700, 700, 700, 300}));
}

TEST_F(PgStagingStreamTest, StoppingPartWayEndsTheServersStatement) {
  ASSERT_TRUE(conn_->Exec(fmt::format("INSERT INTO {0}.stg SELECT g, jsonb_build_object('pad', repeat('x', 2000)) "
                                      "FROM generate_series(2501, 40000) g",
                                      schema_))
                  .ok());
  {
    auto stream = PgStagingStream::Open(testing::PgDsn(), Select(0));
    ASSERT_TRUE(stream.ok()) << stream.status().message();
    size_t n = 0;
    ASSERT_TRUE((*stream)->Read(10, [&](int64_t, std::string_view) { ++n; }).ok());
    EXPECT_EQ(n, 10u);
  }  // destroyed with most rows unread: no hang
  const std::string active = fmt::format(
      "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY (SELECT seq, payload FROM {}.stg%' AND "
      "state = 'active'",
      schema_);
  EXPECT_TRUE(PollUntil([&] { return QueryOne(conn_.get(), active) == "0"; }));
}

TEST_F(PgStagingStreamTest, AFailingStatementIsAnErrorFromOpenOrRead) {
  auto stream = PgStagingStream::Open(testing::PgDsn(), "SELECT 1/0, '{}'::jsonb");
  Status st = stream.ok() ? (*stream)->Read(10, [](int64_t, std::string_view) {}) : stream.status();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("division by zero"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace sluice
