// Test parts for the alerter's tests, all real: a webhook receiver on
// 127.0.0.1 (plain or TLS, with a certificate of src/testing/) that records
// what it is sent and answers as told, a port nobody listens on, and a
// capture of one component's log lines.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/sink.h>

#include "testing/tls_certificate.h"  // TlsFiles, MakeTestCertificate

namespace sluice::testing {

struct ReceivedRequest {
  std::string method, target, version;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string server_name;  // the TLS SNI, if any
  std::string Header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? "" : it->second;
  }
};

// A 127.0.0.1 port that was just free (bound, then closed): connecting to it is refused.
int ClosedPort();

class WebhookReceiver {
 public:
  static constexpr int kNeverAnswer = 0;

  // Answers the i-th request with statuses[i], the last one repeating;
  // kNeverAnswer reads the request and then keeps the connection open,
  // silent, until the receiver is destroyed. TLS when `tls` is given.
  explicit WebhookReceiver(std::vector<int> statuses, const TlsFiles* tls = nullptr);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  std::vector<ReceivedRequest> Requests();
  // True once `n` requests have been read; false after `timeout`.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout);
  // Connections that ended without a whole request (e.g. a refused TLS handshake).
  int broken_connections();

 private:
  struct Tls;
  void Loop();
  void Serve(int fd);

  std::vector<int> statuses_;
  std::unique_ptr<Tls> tls_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ReceivedRequest> requests_;
  int broken_ = 0;
  std::vector<int> held_;  // kNeverAnswer connections
  bool stop_ = false;
  std::thread thread_;
};

// Collects what one component logs (Log(component)) while it lives. Create
// it before, and destroy it after, anything that logs there.
class LogCapture {
 public:
  explicit LogCapture(const std::string& component);
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::string Text() const;
  bool Contains(const std::string& text) const { return Text().find(text) != std::string::npos; }

 private:
  class Sink;
  std::string component_;
  std::shared_ptr<Sink> sink_;
};

}  // namespace sluice::testing
