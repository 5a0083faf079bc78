// API keys: who may post which event types.
//
// sluice stores only SHA-256 hashes of keys (auth.keys in sluice.yaml). A
// presented key — `Authorization: Bearer KEY` or `X-API-Key: KEY` — is
// hashed and compared with every configured hash in constant time, without
// stopping at a match, so timing reveals neither which key matched nor how
// much of a hash did.
//
// Keys made by `sluice keys new` are 64 lowercase hex digits (32 random
// bytes); any string works as a key, though: its hash is what counts.
//
// Thread-safe after construction (read-only).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config.h"

namespace sluice {

// Lowercase hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);

// A fresh key: 32 bytes from OpenSSL's RAND_bytes, as 64 lowercase hex digits.
// Internal if the random generator fails.
Result<std::string> NewApiKey();

// The key a request presents: the Bearer token of `authorization` if that is
// a Bearer credential, else `x_api_key`; surrounding spaces dropped. Empty
// when there is none.
std::string_view PresentedKey(std::string_view authorization, std::string_view x_api_key);

class ApiKeyring {
 public:
  explicit ApiKeyring(const std::vector<ApiKey>& keys);

  // No keys configured: every request is allowed (loopback only; see HttpSource).
  bool open() const { return keys_.empty(); }

  enum class Identity { kMissing, kUnknown, kKnown };
  // Which configured key `presented` is; *key_index is set when kKnown.
  // kKnown with *key_index -1 when the ring is open.
  Identity Identify(std::string_view presented, int* key_index) const;

  // Whether the identified key may post `event_type` (open rings allow all).
  bool Allows(int key_index, std::string_view event_type) const;
  // The configured name of a key, for logs; "" for -1.
  const std::string& name(int key_index) const;

 private:
  struct Entry {
    std::string name;
    std::array<unsigned char, 32> hash{};
    bool valid = false;  // the configured hash was 64 hex digits
    std::vector<std::string> types;
  };
  std::vector<Entry> keys_;
};

}  // namespace sluice
