#include "sources/http/body_decoder.h"

#include <gtest/gtest.h>

#include "testing/compression.h"

namespace sluice {
namespace {

using testing::Gzip;
using testing::Zstd;

std::string Sample() {
  std::string s;
  for (int i = 0; i < 5000; ++i) s += "{\"id\":" + std::to_string(i) + ",\"name\":\"event\"}\n";
  return s;
}

TEST(BodyDecoder, ContentEncodingHeaderValues) {
  EXPECT_EQ(ParseContentEncoding(""), ContentEncoding::kIdentity);
  EXPECT_EQ(ParseContentEncoding("identity"), ContentEncoding::kIdentity);
  EXPECT_EQ(ParseContentEncoding(" GZIP "), ContentEncoding::kGzip);
  EXPECT_EQ(ParseContentEncoding("x-gzip"), ContentEncoding::kGzip);
  EXPECT_EQ(ParseContentEncoding("zstd"), ContentEncoding::kZstd);
  EXPECT_EQ(ParseContentEncoding("br"), std::nullopt);
  EXPECT_EQ(ParseContentEncoding("deflate"), std::nullopt);
  EXPECT_EQ(ParseContentEncoding("gzip, zstd"), std::nullopt);
}

TEST(BodyDecoder, IdentityPassesThroughUnderTheCap) {
  std::string body = Sample();
  ASSERT_FALSE(DecodeBody(ContentEncoding::kIdentity, &body, body.size()));
  EXPECT_EQ(body, Sample());
  auto error = DecodeBody(ContentEncoding::kIdentity, &body, body.size() - 1);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->status, 413);
}

TEST(BodyDecoder, GzipRoundTripsIncludingConcatenatedMembers) {
  std::string body = Gzip(Sample());
  ASSERT_FALSE(DecodeBody(ContentEncoding::kGzip, &body, 16 << 20));
  EXPECT_EQ(body, Sample());
  body = Gzip("{\"a\":1}\n") + Gzip("{\"b\":2}\n");
  ASSERT_FALSE(DecodeBody(ContentEncoding::kGzip, &body, 16 << 20));
  EXPECT_EQ(body, "{\"a\":1}\n{\"b\":2}\n");
}

TEST(BodyDecoder, ZstdRoundTripsIncludingSeveralFrames) {
  std::string body = Zstd(Sample());
  ASSERT_FALSE(DecodeBody(ContentEncoding::kZstd, &body, 16 << 20));
  EXPECT_EQ(body, Sample());
  body = Zstd("{\"a\":1}\n") + Zstd("{\"b\":2}\n");
  ASSERT_FALSE(DecodeBody(ContentEncoding::kZstd, &body, 16 << 20));
  EXPECT_EQ(body, "{\"a\":1}\n{\"b\":2}\n");
}

TEST(BodyDecoder, ExactlyTheCapIsAllowedOneByteMoreIsNot) {
  const std::string plain(100000, 'a');
  for (auto [encoding, compress] : {std::pair{ContentEncoding::kGzip, &Gzip},
                                    std::pair{ContentEncoding::kZstd, &Zstd}}) {
    std::string body = compress(plain);
    ASSERT_FALSE(DecodeBody(encoding, &body, plain.size()));
    EXPECT_EQ(body.size(), plain.size());
    body = compress(plain);
    auto error = DecodeBody(encoding, &body, plain.size() - 1);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->status, 413);
    EXPECT_EQ(error->reason, reason::kBodyTooLarge);
  }
}

TEST(BodyDecoder, BombsStopAtTheCapWith413) {
  const std::string zeros(64u << 20, '\0');  // 64 MiB that compress to under 100 KiB
  for (auto [encoding, compress] : {std::pair{ContentEncoding::kGzip, &Gzip},
                                    std::pair{ContentEncoding::kZstd, &Zstd}}) {
    std::string body = compress(zeros);
    ASSERT_LT(body.size(), 1u << 20);
    auto error = DecodeBody(encoding, &body, 16u << 20);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->status, 413);
  }
}

TEST(BodyDecoder, CorruptOrTruncatedDataIs400) {
  const std::string gz = Gzip(Sample()), zs = Zstd(Sample());
  for (auto [encoding, body] : std::vector<std::pair<ContentEncoding, std::string>>{
           {ContentEncoding::kGzip, gz.substr(0, gz.size() / 2)},
           {ContentEncoding::kGzip, "not gzip at all"},
           {ContentEncoding::kGzip, gz + "trailing garbage"},
           {ContentEncoding::kGzip, ""},
           {ContentEncoding::kZstd, zs.substr(0, zs.size() / 2)},
           {ContentEncoding::kZstd, "not zstd at all"},
           {ContentEncoding::kZstd, ""}}) {
    auto error = DecodeBody(encoding, &body, 16 << 20);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->status, 400);
    EXPECT_EQ(error->reason, reason::kMalformedBody);
  }
}

}  // namespace
}  // namespace sluice
