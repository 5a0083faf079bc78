#include "sources/http/api_keys.h"

#include <gtest/gtest.h>

#include <set>

namespace sluice {
namespace {

TEST(ApiKeys, Sha256HexMatchesTheStandardVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ApiKeys, NewKeysAre64HexDigitsAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto key = NewApiKey();
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key->size(), 64u);
    EXPECT_EQ(key->find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(*key);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(ApiKeys, PresentedKeyFromBearerOrXApiKey) {
  EXPECT_EQ(PresentedKey("Bearer abc", ""), "abc");
  EXPECT_EQ(PresentedKey("  bearer   abc  ", ""), "abc");
  EXPECT_EQ(PresentedKey("BEARER abc", "other"), "abc");
  EXPECT_EQ(PresentedKey("", " xyz "), "xyz");
  EXPECT_EQ(PresentedKey("Basic dXNlcjpwYXNz", "xyz"), "xyz");  // not a bearer credential
  EXPECT_EQ(PresentedKey("Bearer", ""), "");
  EXPECT_EQ(PresentedKey("", ""), "");
}

std::vector<ApiKey> Keys() {
  return {{"all", Sha256Hex("key-all"), {}}, {"orders", Sha256Hex("key-orders"), {"Order", "Refund"}}};
}

TEST(ApiKeys, KnownKeysAreIdentifiedUnknownAndMissingAreNot) {
  ApiKeyring ring(Keys());
  EXPECT_FALSE(ring.open());
  int index = 7;
  EXPECT_EQ(ring.Identify("key-all", &index), ApiKeyring::Identity::kKnown);
  EXPECT_EQ(index, 0);
  EXPECT_EQ(ring.name(index), "all");
  EXPECT_EQ(ring.Identify("key-orders", &index), ApiKeyring::Identity::kKnown);
  EXPECT_EQ(index, 1);
  EXPECT_EQ(ring.Identify("key-other", &index), ApiKeyring::Identity::kUnknown);
  EXPECT_EQ(index, -1);
  EXPECT_EQ(ring.Identify("", &index), ApiKeyring::Identity::kMissing);
  // The hash itself is not the key.
  EXPECT_EQ(ring.Identify(Sha256Hex("key-all"), &index), ApiKeyring::Identity::kUnknown);
}

TEST(ApiKeys, TypesLimitWhatAKeyMayPost) {
  ApiKeyring ring(Keys());
  EXPECT_TRUE(ring.Allows(0, "Anything"));
  EXPECT_TRUE(ring.Allows(1, "Order"));
  EXPECT_TRUE(ring.Allows(1, "Refund"));
  EXPECT_FALSE(ring.Allows(1, "Payment"));
  EXPECT_FALSE(ring.Allows(1, "order"));  // type names are case-sensitive
  EXPECT_FALSE(ring.Allows(-1, "Order"));
}

TEST(ApiKeys, UppercaseConfiguredHashesMatchToo) {
  std::string upper = Sha256Hex("k");
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ApiKeyring ring({{"k", upper, {}}});
  int index = -1;
  EXPECT_EQ(ring.Identify("k", &index), ApiKeyring::Identity::kKnown);
}

TEST(ApiKeys, AMalformedConfiguredHashMatchesNothing) {
  ApiKeyring ring({{"bad", "zz", {}}, {"short", std::string(64, 'g'), {}}});
  int index = -1;
  EXPECT_EQ(ring.Identify("zz", &index), ApiKeyring::Identity::kUnknown);
  EXPECT_EQ(ring.Identify("", &index), ApiKeyring::Identity::kMissing);
}

TEST(ApiKeys, WithNoKeysEveryRequestIsAllowed) {
  ApiKeyring ring({});
  EXPECT_TRUE(ring.open());
  int index = 0;
  EXPECT_EQ(ring.Identify("", &index), ApiKeyring::Identity::kKnown);
  EXPECT_EQ(ring.Identify("whatever", &index), ApiKeyring::Identity::kKnown);
  EXPECT_TRUE(ring.Allows(index, "Order"));
}

}  // namespace
}  // namespace sluice
