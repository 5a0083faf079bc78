#include "tasks/alert_test_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <spdlog/sinks/base_sink.h>

#include "base/log.h"
#include "base/text.h"

namespace sluice::testing {
namespace {

int ListenOnLoopback(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 16) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

}  // namespace

int ClosedPort() {
  int port = 0;
  const int fd = ListenOnLoopback(&port);
  if (fd >= 0) close(fd);
  return port;
}

struct WebhookReceiver::Tls {
  SSL_CTX* context = nullptr;
  std::vector<SSL*> held;
  ~Tls() {
    for (SSL* ssl : held) SSL_free(ssl);
    SSL_CTX_free(context);
  }
};

WebhookReceiver::WebhookReceiver(std::vector<int> statuses, const TlsFiles* tls) : statuses_(std::move(statuses)) {
  if (statuses_.empty()) statuses_.push_back(204);
  if (tls) {
    tls_ = std::make_unique<Tls>();
    tls_->context = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(tls_->context, tls->cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(tls_->context, tls->key.c_str(), SSL_FILETYPE_PEM) != 1)
      return;  // port() stays 0: the test fails on it
  }
  listen_fd_ = ListenOnLoopback(&port_);
  if (listen_fd_ >= 0) thread_ = std::thread([this] { Loop(); });
}

WebhookReceiver::~WebhookReceiver() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
  for (const int fd : held_) close(fd);
  if (listen_fd_ >= 0) close(listen_fd_);
}

std::vector<ReceivedRequest> WebhookReceiver::Requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

bool WebhookReceiver::WaitForRequests(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

int WebhookReceiver::broken_connections() {
  std::lock_guard<std::mutex> lock(mu_);
  return broken_;
}

void WebhookReceiver::Loop() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
    }
    pollfd listening{listen_fd_, POLLIN, 0};
    if (poll(&listening, 1, 20) <= 0) continue;  // 20 ms: how soon the destructor is noticed
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) Serve(fd);
  }
}

void WebhookReceiver::Serve(int fd) {
  const timeval timeout{2, 0};  // a client that stalls cannot stall the receiver for long
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  SSL* ssl = nullptr;
  const auto drop = [&] {
    if (ssl) SSL_free(ssl);
    close(fd);
    std::lock_guard<std::mutex> lock(mu_);
    ++broken_;
  };
  ReceivedRequest request;
  if (tls_) {
    ssl = SSL_new(tls_->context);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1) return drop();
    if (const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) request.server_name = name;
  }
  const auto receive = [&](std::string* data) {
    char buf[4096];
    const ssize_t n = ssl ? SSL_read(ssl, buf, sizeof buf) : recv(fd, buf, sizeof buf, 0);
    if (n > 0) data->append(buf, static_cast<size_t>(n));
    return n > 0;
  };

  std::string data;
  size_t head_end;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos)
    if (!receive(&data)) return drop();
  std::string_view head(data.data(), head_end);
  const size_t line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const size_t sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
  request.method = request_line.substr(0, sp1);
  request.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  request.version = request_line.substr(sp2 + 1);
  for (size_t pos = line_end; pos != std::string_view::npos && pos < head.size();) {
    const size_t next = head.find("\r\n", pos + 2);
    const std::string_view line = head.substr(pos + 2, next == std::string_view::npos ? head.npos : next - pos - 2);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos)
      request.headers[AsciiLower(line.substr(0, colon))] = std::string(TrimWhitespace(line.substr(colon + 1)));
    pos = next;
  }
  const size_t length = static_cast<size_t>(std::atol(request.Header("content-length").c_str()));
  while (data.size() < head_end + 4 + length)
    if (!receive(&data)) return drop();
  request.body = data.substr(head_end + 4, length);

  int status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(std::move(request));
    status = statuses_[std::min(requests_.size(), statuses_.size()) - 1];
    if (status == kNeverAnswer) {
      held_.push_back(fd);
      if (ssl) tls_->held.push_back(ssl);
    }
  }
  cv_.notify_all();
  if (status == kNeverAnswer) return;

  const std::string body = status >= 300 ? "the receiver says no" : "";
  const std::string answer = fmt::format("HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", status,
                                         ReasonPhrase(status), body.size(), body);
  if (ssl) {
    SSL_write(ssl, answer.data(), static_cast<int>(answer.size()));
    SSL_free(ssl);
  } else {
    send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
  }
  close(fd);
}

class LogCapture::Sink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::string Text() {
    std::lock_guard<std::mutex> lock(mutex_);
    return text_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto level = spdlog::level::to_string_view(msg.level);
    text_.append(level.data(), level.size());
    text_ += ": ";
    text_.append(msg.payload.data(), msg.payload.size());
    text_ += '\n';
  }
  void flush_() override {}

 private:
  std::string text_;
};

LogCapture::LogCapture(const std::string& component) : component_(component), sink_(std::make_shared<Sink>()) {
  Log(component_)->sinks().push_back(sink_);
}

LogCapture::~LogCapture() {
  auto& sinks = Log(component_)->sinks();
  sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
}

std::string LogCapture::Text() const { return sink_->Text(); }

}  // namespace sluice::testing
