// Test helpers for the HTTP source's tests: compressing bodies, temporary
// folders, the JSON conformance corpus, and a small HTTP/1.1 client (plain
// or TLS) whose every operation has a deadline, so a server that hangs
// fails a test instead of stalling it.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::testing {

std::string GzipCompress(std::string_view data);
std::string ZstdCompress(std::string_view data);
std::string ReadFile(const std::string& path);
// ../shared/testdata/json-test-suite/test_parsing next to the repository.
std::string JsonCorpusDir();

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct ClientResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lowercased
  bool keep_alive = false;
  std::string Header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? "" : it->second;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class TestClient {
 public:
  // Connects (and for TLS handshakes, trusting `ca_file`); see connected().
  explicit TestClient(int port, const std::string& ca_file = "",
                      std::chrono::milliseconds timeout = std::chrono::seconds(20));
  ~TestClient();
  bool connected() const { return connected_; }

  // One request and its response; nullopt if the connection failed.
  std::optional<ClientResponse> Send(const std::string& method, const std::string& target, const Headers& headers,
                                     const std::string& body = "");
  bool WriteRaw(std::string_view bytes);
  // The next response; interim ones (100 Continue) are skipped unless asked for.
  std::optional<ClientResponse> ReadResponse(bool skip_interim = true);
  // True once the server has closed the connection (within the timeout).
  bool WaitClosed();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool connected_ = false;
};

}  // namespace sluice::testing
