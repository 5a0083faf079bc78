#include "ch_db.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "base/text.h"

namespace sluice::bench {
namespace {

// No byte from the server for this long fails a request (the largest
// statements here, 10 million rows inserted or read in order, take seconds).
constexpr int kReadTimeoutMs = 600'000;

class Socket {
 public:
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Connect(const std::string& host, int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
      return Status::InvalidArgument(fmt::format("'{}' is not an IPv4 address", host));
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return Status::IOError(fmt::format("socket: {}", std::strerror(errno)));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      return Status::Unavailable(fmt::format("connect to {}:{}: {}", host, port, std::strerror(errno)));
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return Status::Ok();
  }
  Status SendAll(std::string_view data) {
    for (size_t sent = 0; sent < data.size();) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Status::Unavailable(fmt::format("send: {}", std::strerror(errno)));
      sent += static_cast<size_t>(n);
    }
    return Status::Ok();
  }
  // Appends what arrives to *out; false at the end of the stream.
  Result<bool> Receive(std::string* out) {
    char buf[1 << 16];
    while (true) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, kReadTimeoutMs);
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return Status::Unavailable(fmt::format("no answer within {} s", kReadTimeoutMs / 1000));
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::Unavailable(fmt::format("recv: {}", std::strerror(errno)));
      if (n == 0) return false;
      out->append(buf, static_cast<size_t>(n));
      return true;
    }
  }

 private:
  int fd_ = -1;
};

// The body of an answer, chunked or not, handed on as it is decoded.
class BodyDecoder {
 public:
  BodyDecoder(bool chunked, int64_t length, std::function<Status(std::string_view)> on_bytes)
      : chunked_(chunked), left_(length), on_bytes_(std::move(on_bytes)) {}
  // Decodes what it can of *in (consumed bytes are removed).
  Status Take(std::string* in) {
    size_t pos = 0;
    Status st = Status::Ok();
    while (st.ok() && !done_) {
      if (!chunked_) {
        size_t n = in->size() - pos;
        if (left_ >= 0) n = std::min(n, static_cast<size_t>(left_));
        if (n == 0) {
          if (left_ == 0) done_ = true;
          break;
        }
        st = on_bytes_(std::string_view(*in).substr(pos, n));
        pos += n;
        if (left_ >= 0) left_ -= static_cast<int64_t>(n);
      } else if (state_ == kSize) {
        const size_t eol = in->find("\r\n", pos);
        if (eol == std::string::npos) break;
        char* end = nullptr;
        const unsigned long long size = std::strtoull(in->c_str() + pos, &end, 16);
        if (end == in->c_str() + pos) return Status::Internal("a bad chunk size in an HTTP answer");
        pos = eol + 2;
        if (size == 0) {
          done_ = true;  // trailers, if any, are ignored
        } else {
          left_ = static_cast<int64_t>(size);
          state_ = kData;
        }
      } else if (state_ == kData) {
        const size_t n = std::min(in->size() - pos, static_cast<size_t>(left_));
        if (n == 0) break;
        st = on_bytes_(std::string_view(*in).substr(pos, n));
        pos += n;
        left_ -= static_cast<int64_t>(n);
        if (left_ == 0) state_ = kDataEnd;
      } else {  // kDataEnd: the CRLF after a chunk
        if (in->size() - pos < 2) break;
        pos += 2;
        state_ = kSize;
      }
    }
    in->erase(0, pos);
    return st;
  }
  // The stream ended: complete only without a length to reach.
  bool CompleteAtEof() const { return done_ || (!chunked_ && left_ < 0); }
  bool done() const { return done_; }

 private:
  enum State { kSize, kData, kDataEnd };
  const bool chunked_;
  int64_t left_;  // bytes left: of the body (-1: until the end), or of the chunk
  State state_ = kSize;
  bool done_ = false;
  std::function<Status(std::string_view)> on_bytes_;
};

std::string FirstLine(std::string_view text) {
  const size_t eol = text.find('\n');
  std::string line(text.substr(0, eol));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace

Result<ChDb> ChDb::Make(const std::string& url, std::string database) {
  constexpr std::string_view kScheme = "http://";
  if (url.compare(0, kScheme.size(), kScheme) != 0)
    return Status::InvalidArgument(fmt::format("'{}' is not http://HOST:PORT", url));
  const std::string rest = url.substr(kScheme.size());
  const size_t colon = rest.rfind(':');
  const int port = colon == std::string::npos ? 0 : std::atoi(rest.c_str() + colon + 1);
  if (port <= 0 || port > 65535) return Status::InvalidArgument(fmt::format("'{}' has no port", url));
  return ChDb(url, port, std::move(database));
}

Status ChDb::Stream(std::string_view sql, const std::function<Status(std::string_view)>& on_bytes) {
  const std::string host = url_.substr(7, url_.rfind(':') - 7);
  Socket socket;
  RETURN_IF_ERROR(socket.Connect(host, port_));
  std::string target = "/?wait_end_of_query=1";
  if (!database_.empty()) target += "&database=" + database_;
  RETURN_IF_ERROR(socket.SendAll(fmt::format("POST {} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: text/plain\r\n"
                                             "Content-Length: {}\r\nConnection: close\r\n\r\n",
                                             target, host, port_, sql.size())));
  RETURN_IF_ERROR(socket.SendAll(sql));

  std::string in;
  size_t head_end;
  while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
    ASSIGN_OR_RETURN(bool more, socket.Receive(&in));
    if (!more) return Status::Unavailable(fmt::format("ClickHouse at {} closed the connection unanswered", url_));
  }
  const std::string head = AsciiLower(std::string_view(in).substr(0, head_end));
  in.erase(0, head_end + 4);
  if (head.compare(0, 5, "http/") != 0) return Status::Unavailable("not an HTTP answer from " + url_);
  const int status = std::atoi(head.c_str() + head.find(' ') + 1);
  const bool chunked = head.find("\r\ntransfer-encoding: chunked") != std::string::npos;
  int64_t length = -1;
  if (const size_t cl = head.find("\r\ncontent-length:"); cl != std::string::npos && !chunked)
    length = std::strtoll(head.c_str() + cl + 17, nullptr, 10);

  std::string error_text;  // the body of an error answer
  const std::function<Status(std::string_view)> keep_error = [&](std::string_view b) {
    error_text.append(b);
    return Status::Ok();
  };
  BodyDecoder body(chunked, length, status == 200 ? on_bytes : keep_error);
  while (true) {
    RETURN_IF_ERROR(body.Take(&in));
    if (body.done()) break;
    ASSIGN_OR_RETURN(bool more, socket.Receive(&in));
    if (!more) {
      RETURN_IF_ERROR(body.Take(&in));
      if (!body.CompleteAtEof()) return Status::Unavailable(fmt::format("ClickHouse at {} cut an answer short", url_));
      break;
    }
  }
  if (status != 200)
    return Status::Internal(fmt::format("clickhouse: HTTP {}: {} (in: {:.300})", status, FirstLine(error_text), sql));
  return Status::Ok();
}

Status ChDb::Exec(std::string_view sql) {
  return Stream(sql, [](std::string_view) { return Status::Ok(); });
}

Result<std::string> ChDb::Query(std::string_view sql) {
  std::string out;
  RETURN_IF_ERROR(Stream(sql, [&](std::string_view b) {
    out.append(b);
    return Status::Ok();
  }));
  return out;
}

Result<int64_t> ChDb::QueryInt(std::string_view sql) {
  ASSIGN_OR_RETURN(std::string text, Query(sql));
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str()) return Status::Internal(fmt::format("not an integer from ClickHouse: '{:.80}' (in: {:.200})",
                                                               text, sql));
  return static_cast<int64_t>(v);
}

Result<bool> WaitNoMerges(ChDb& db, double timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (true) {
    ASSIGN_OR_RETURN(int64_t merges, db.QueryInt("SELECT count() FROM system.merges"));
    if (merges == 0) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Status TsvRows::Feed(std::string_view bytes) {
  size_t start = 0;
  while (true) {
    const size_t eol = bytes.find('\n', start);
    if (eol == std::string_view::npos) break;
    if (pending_.empty()) {
      RETURN_IF_ERROR(Line(bytes.substr(start, eol - start)));
    } else {
      pending_.append(bytes.substr(start, eol - start));
      RETURN_IF_ERROR(Line(pending_));
      pending_.clear();
    }
    start = eol + 1;
  }
  pending_.append(bytes.substr(start));
  return Status::Ok();
}

Status TsvRows::Finish() {
  if (!pending_.empty()) return Status::Internal(fmt::format("TabSeparated output ends mid-row: '{:.200}'", pending_));
  return Status::Ok();
}

Status TsvRows::Line(std::string_view line) {
  size_t used = 0;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) tab = line.size();
    const std::string_view field = line.substr(start, tab - start);
    if (used == row_.size()) row_.emplace_back();
    std::optional<std::string>& cell = row_[used++];
    if (field == "\\N") {
      cell.reset();
    } else {
      cell.emplace();
      cell->reserve(field.size());
      for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] != '\\' || i + 1 == field.size()) {
          cell->push_back(field[i]);
          continue;
        }
        const char c = field[++i];
        switch (c) {
          case 'n': cell->push_back('\n'); break;
          case 't': cell->push_back('\t'); break;
          case 'r': cell->push_back('\r'); break;
          case '0': cell->push_back('\0'); break;
          case 'b': cell->push_back('\b'); break;
          case 'f': cell->push_back('\f'); break;
          default: cell->push_back(c);  // \\, \', and anything else as itself
        }
      }
    }
    if (tab == line.size()) break;
    start = tab + 1;
  }
  row_.resize(used);
  return on_row_(row_);
}

}  // namespace sluice::bench
