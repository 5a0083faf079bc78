#include "warehouse/clickhouse/ch_staging_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace sluice {
namespace {

// A RowBinary (Int64 seq, String payload) row as ClickHouse writes it.
std::string Row(int64_t seq, const std::string& payload) {
  std::string out;
  for (int b = 0; b < 8; ++b) out += static_cast<char>((static_cast<uint64_t>(seq) >> (8 * b)) & 0xff);
  for (uint64_t n = payload.size();; n >>= 7) {
    const auto byte = static_cast<unsigned char>(n & 0x7f);
    if (n < 0x80) {
      out += static_cast<char>(byte);
      break;
    }
    out += static_cast<char>(byte | 0x80);
  }
  return out + payload;
}

std::vector<std::pair<int64_t, std::string>> Parse(const std::string& data, Status* status) {
  std::vector<std::pair<int64_t, std::string>> rows;
  *status = ParseStagingRowBinary(data, [&](int64_t seq, size_t offset, size_t size) {
    rows.emplace_back(seq, data.substr(offset, size));
  });
  return rows;
}

TEST(StagingRowBinary, ReadsSeqsAndPayloadsOfEveryLength) {
  const std::string long_payload(300, 'x');  // a two-byte length
  const std::string data = Row(1, "{}") + Row(int64_t{1} << 40, long_payload) + Row(3, "");
  Status status;
  const auto rows = Parse(data, &status);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], std::make_pair(int64_t{1}, std::string("{}")));
  EXPECT_EQ(rows[1], std::make_pair(int64_t{1} << 40, long_payload));
  EXPECT_EQ(rows[2], std::make_pair(int64_t{3}, std::string()));
}

TEST(StagingRowBinary, AnAnswerCutShortIsCorruptionNotARowLess) {
  const std::string whole = Row(7, std::string(200, 'y'));
  for (size_t cut : {size_t{3}, size_t{8}, size_t{9}, whole.size() - 1}) {
    Status status;
    Parse(whole.substr(0, cut), &status);
    EXPECT_EQ(status.code(), StatusCode::kCorruption) << "cut at " << cut;
  }
  Status status;
  EXPECT_TRUE(Parse("", &status).empty());
  EXPECT_TRUE(status.ok());
}

}  // namespace
}  // namespace sluice
