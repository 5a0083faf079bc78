// The HTTP/1.1 client of the tests: plain or TLS, to 127.0.0.1, blocking,
// and with a deadline on every operation (connect, handshake, each write,
// each read), so that a server that hangs fails a test instead of stalling
// it. TestClient keeps its connection for several requests (keep-alive) and
// can write raw bytes, for tests of slow or hostile clients; RequestOnce is
// one request on a connection of its own, for tests that only want the
// answer. Nothing throws except a TLS CA file that does not load.
//
// Not thread-safe: one TestClient per thread.
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

struct ClientResponse {
  int status = 0;  // RequestOnce: 0 when no response came (refused, reset or timed out)
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
  // Connects to 127.0.0.1:port (and for TLS handshakes, trusting the PEM
  // `ca_file`); see connected(). `timeout` bounds each operation.
  explicit TestClient(int port, const std::string& ca_file = "",
                      std::chrono::milliseconds timeout = std::chrono::seconds(20));
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;
  bool connected() const { return connected_; }

  // One request (Host and Content-Length added) and its response; nullopt
  // if no response came. When the server answers before it has read the
  // whole body (413) and the rest cannot be written, its answer is still read.
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
  int port_;
  bool connected_ = false;
};

// One request with Connection: close on a connection of its own; status 0
// when no response came within `timeout` per operation.
ClientResponse RequestOnce(int port, const std::string& method, const std::string& target,
                           const Headers& headers = {}, const std::string& body = "",
                           std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace sluice::testing
