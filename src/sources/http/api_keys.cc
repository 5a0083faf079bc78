#include "sources/http/api_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>

namespace sluice {
namespace {

std::array<unsigned char, 32> Sha256(std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int length = 0;
  // EVP_Digest with SHA-256 cannot fail short of memory exhaustion; a zero
  // hash then matches no configured key, which fails closed.
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr) != 1) out.fill(0);
  return out;
}

std::string Hex(const unsigned char* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  const auto hash = Sha256(data);
  return Hex(hash.data(), hash.size());
}

Result<std::string> NewApiKey() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Status::Internal("the random generator failed (RAND_bytes)");
  std::string key = Hex(bytes, sizeof bytes);
  OPENSSL_cleanse(bytes, sizeof bytes);
  return key;
}

std::string_view PresentedKey(std::string_view authorization, std::string_view x_api_key) {
  authorization = TrimSpaces(authorization);
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() > kBearer.size() &&
      std::equal(kBearer.begin(), kBearer.end(), authorization.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    return TrimSpaces(authorization.substr(kBearer.size()));
  }
  return TrimSpaces(x_api_key);
}

ApiKeyring::ApiKeyring(const std::vector<ApiKey>& keys) {
  for (const ApiKey& key : keys) {
    Entry e;
    e.name = key.name;
    e.types = key.types;
    e.valid = key.sha256.size() == 64;
    for (size_t i = 0; e.valid && i < 32; ++i) {
      const int hi = HexValue(key.sha256[2 * i]), lo = HexValue(key.sha256[2 * i + 1]);
      if (hi < 0 || lo < 0) e.valid = false;
      else e.hash[i] = static_cast<unsigned char>(hi << 4 | lo);
    }
    keys_.push_back(std::move(e));
  }
}

ApiKeyring::Identity ApiKeyring::Identify(std::string_view presented, int* key_index) const {
  *key_index = -1;
  if (open()) return Identity::kKnown;
  if (presented.empty()) return Identity::kMissing;
  const auto hash = Sha256(presented);
  int match = -1;
  for (size_t i = 0; i < keys_.size(); ++i) {
    // Every entry is compared, match or not; `valid` is config, not secret.
    const bool equal = CRYPTO_memcmp(hash.data(), keys_[i].hash.data(), hash.size()) == 0;
    if (equal && keys_[i].valid) match = static_cast<int>(i);
  }
  if (match < 0) return Identity::kUnknown;
  *key_index = match;
  return Identity::kKnown;
}

bool ApiKeyring::Allows(int key_index, std::string_view event_type) const {
  if (open() || key_index < 0 || static_cast<size_t>(key_index) >= keys_.size()) return open();
  const auto& types = keys_[static_cast<size_t>(key_index)].types;
  return types.empty() || std::find(types.begin(), types.end(), event_type) != types.end();
}

const std::string& ApiKeyring::name(int key_index) const {
  static const std::string kNone;
  if (key_index < 0 || static_cast<size_t>(key_index) >= keys_.size()) return kNone;
  return keys_[static_cast<size_t>(key_index)].name;
}

}  // namespace sluice
