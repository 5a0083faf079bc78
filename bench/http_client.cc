#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "base/text.h"

namespace sluice::bench {
namespace {

constexpr int kTimeoutMs = 30000;

}  // namespace

void HttpConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  pending_.clear();
}

Status HttpConnection::Connect() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Status::IOError(fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int e = errno;
    Close();
    return Status::Unavailable(fmt::format("connect to 127.0.0.1:{}: {}", port_, std::strerror(e)));
  }
  // Small requests go out at once, not after the peer's delayed ACK.
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return Status::Ok();
}

Result<HttpResponse> HttpConnection::Request(std::string_view method, std::string_view path,
                                             std::string_view content_type, std::string_view body) {
  if (fd_ < 0) RETURN_IF_ERROR(Connect());
  std::string request = fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n", method, path, port_);
  if (!content_type.empty())
    request += fmt::format("Content-Type: {}\r\nContent-Length: {}\r\n", content_type, body.size());
  request += "\r\n";
  request.append(body);
  auto answer = Exchange(request);
  if (!answer.ok()) Close();
  return answer;
}

Result<HttpResponse> HttpConnection::Exchange(std::string_view request) {
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Unavailable(fmt::format("send: {}", std::strerror(errno)));
    sent += static_cast<size_t>(n);
  }
  std::string& in = pending_;
  size_t head_end = std::string::npos, need = std::string::npos;
  HttpResponse r;
  char buf[65536];
  while (true) {
    if (head_end == std::string::npos && (head_end = in.find("\r\n\r\n")) != std::string::npos) {
      const std::string head = AsciiLower(std::string_view(in).substr(0, head_end));
      if (head.compare(0, 5, "http/") != 0) return Status::Unavailable("not an HTTP answer: " + in.substr(0, 40));
      r.status = std::atoi(head.c_str() + head.find(' ') + 1);
      const size_t cl = head.find("\r\ncontent-length:");
      if (cl == std::string::npos) return Status::Unavailable("an answer without Content-Length");
      need = head_end + 4 + std::strtoull(head.c_str() + cl + 17, nullptr, 10);
    }
    if (need != std::string::npos && in.size() >= need) break;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, kTimeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return Status::Unavailable("no answer within 30 s");
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Unavailable("the server closed the connection");
    in.append(buf, static_cast<size_t>(n));
  }
  r.body = in.substr(head_end + 4, need - head_end - 4);
  in.erase(0, need);
  return r;
}

}  // namespace sluice::bench
