#include "warehouse/clickhouse/ch_client.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

namespace sluice {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// The largest answer sluice reads: a query's result set is held in memory
// by the caller anyway; this only stops a runaway one.
constexpr uint64_t kMaxAnswer = uint64_t{4} << 30;
// Beast's most at one read.
constexpr size_t kReadBuffer = 64 << 10;

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The first line of a server error, which says what went wrong; the rest is
// a stack trace on some versions.
std::string ServerMessage(const std::string& body) {
  std::string_view text(body);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  const size_t newline = text.find('\n');
  std::string line(text.substr(0, std::min<size_t>(newline, 2000)));
  const size_t stack = line.find(", Stack trace:");
  if (stack != std::string::npos) line.resize(stack);
  return line;
}

// ClickHouse's error codes for "another server could not be reached" (a
// shard of a Distributed table that is down or restarting) or "too busy
// now": worth trying again, like a refused connection.
bool RetryableCode(const std::string& message) {
  switch (ChErrorCode(message)) {
    case 32:   // ATTEMPT_TO_READ_AFTER_EOF: a peer went away mid-answer
    case 202:  // TOO_MANY_SIMULTANEOUS_QUERIES
    case 209:  // SOCKET_TIMEOUT
    case 210:  // NETWORK_ERROR
    case 279:  // ALL_CONNECTION_TRIES_FAILED
      return true;
    default: return false;
  }
}

}  // namespace

struct ClickHouseClient::Connection {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};  // never expires: Await's one timer bounds a whole operation
  beast::flat_buffer buffer;

  // Runs one asynchronous operation to completion, cancelled (timeout) if
  // it is not done by `deadline`. One timer for the whole operation, not
  // one for each read it makes: a large answer is thousands of reads.
  template <typename Initiate>
  beast::error_code Await(std::chrono::steady_clock::time_point deadline, Initiate&& initiate) {
    std::optional<beast::error_code> result;
    bool expired = false;
    net::steady_timer timer(ioc, deadline);
    timer.async_wait([&](beast::error_code ec) {
      if (ec) return;  // cancelled: the operation finished first
      expired = true;
      beast::error_code ignored;
      stream.socket().cancel(ignored);
    });
    initiate([&](beast::error_code ec, auto&&...) {
      result = ec;
      timer.cancel();
    });
    ioc.restart();
    ioc.run();
    if (expired) return beast::error::timeout;
    return result.value_or(net::error::operation_aborted);
  }
};

ClickHouseClient::ClickHouseClient(WebhookUrl url, std::string url_text, std::string database)
    : url_(std::move(url)), url_text_(std::move(url_text)), database_(std::move(database)) {}

ClickHouseClient::~ClickHouseClient() = default;

Result<std::unique_ptr<ClickHouseClient>> ClickHouseClient::Make(std::string_view url, std::string database) {
  ASSIGN_OR_RETURN(WebhookUrl parsed, ParseWebhookUrl(url));
  if (parsed.tls) return Status::InvalidArgument(fmt::format("ClickHouse url '{}': https is not supported; use http "
                                                             "on a trusted network or a TLS-terminating proxy", url));
  if (parsed.target != "/")
    return Status::InvalidArgument(fmt::format("ClickHouse url '{}' has a path; give only http://host:port", url));
  return std::unique_ptr<ClickHouseClient>(new ClickHouseClient(std::move(parsed), std::string(url), std::move(database)));
}

std::string ClickHouseClient::Target(const Settings& parameters) const {
  std::string target = "/?wait_end_of_query=1";
  if (!database_.empty()) target += "&database=" + PercentEncode(database_);
  for (const auto& [name, value] : parameters) target += "&" + PercentEncode(name) + "=" + PercentEncode(value);
  return target;
}

Result<std::string> ClickHouseClient::Run(std::string_view sql, const Settings& settings) {
  return Post(Target(settings), sql, "text/plain; charset=utf-8");
}

Result<std::string> ClickHouseClient::RunWith(std::string_view sql, std::string_view name, std::string_view structure,
                                              std::string_view rows, const Settings& settings) {
  Settings parameters = settings;
  parameters["query"] = std::string(sql);
  parameters[std::string(name) + "_structure"] = std::string(structure);
  parameters[std::string(name) + "_format"] = "TabSeparated";
  // A delimiter starts with CR LF, which TSV rows never hold (a CR in a
  // value is written \r), so the rows cannot end the part early.
  const std::string boundary = "sluice-external-data";
  std::string body;
  body.reserve(rows.size() + 200);
  body += "--" + boundary + "\r\n";
  body += fmt::format("Content-Disposition: form-data; name=\"{0}\"; filename=\"{0}\"\r\n", name);
  body += "Content-Type: text/tab-separated-values\r\n\r\n";
  body += rows;
  body += "\r\n--" + boundary + "--\r\n";
  return Post(Target(parameters), body, "multipart/form-data; boundary=\"" + boundary + "\"");
}

Status ClickHouseClient::Insert(std::string_view insert, std::string_view rows, const Settings& settings) {
  Settings parameters = settings;
  parameters["query"] = std::string(insert);
  return Post(Target(parameters), rows, "text/tab-separated-values").status();
}

Result<std::string> ClickHouseClient::Post(const std::string& target, std::string_view body,
                                           std::string_view content_type) {
  // The body is sent from the caller's memory, not a copy.
  http::request<http::span_body<const char>> request{http::verb::post, target, 11};
  request.set(http::field::host, url_.HostHeader());
  request.set(http::field::user_agent, "sluice");
  request.set(http::field::content_type, boost::beast::string_view(content_type.data(), content_type.size()));
  request.body() = boost::beast::span<const char>(body.data(), body.size());
  request.prepare_payload();

  // A kept-alive connection the server has since closed fails on first use:
  // a request on a reused connection is tried once more on a new one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = connection_ != nullptr;
    if (!connection_) {
      auto fresh = std::make_unique<Connection>();
      // Beast reads no more than the buffer's free space (at least 512
      // bytes) at a time: a large answer read 512 bytes a call is a
      // syscall and a wait for each.
      fresh->buffer.reserve(kReadBuffer);
      tcp::resolver resolver(fresh->ioc);
      beast::error_code ec;
      const auto endpoints = resolver.resolve(url_.host, std::to_string(url_.port), ec);
      if (ec) return Status::Unavailable(fmt::format("ClickHouse at {}: cannot resolve {}: {}", url_text_, url_.host,
                                                     ec.message()));
      ec = fresh->Await(std::chrono::steady_clock::now() + std::chrono::seconds(10),
                        [&](auto handler) { fresh->stream.async_connect(endpoints, std::move(handler)); });
      if (ec) return Status::Unavailable(fmt::format("ClickHouse at {}: cannot connect: {}", url_text_, ec.message()));
      connection_ = std::move(fresh);
    }
    Connection& c = *connection_;
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    beast::error_code ec =
        c.Await(deadline, [&](auto handler) { http::async_write(c.stream, request, std::move(handler)); });
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxAnswer);
    if (!ec) ec = c.Await(deadline, [&](auto handler) { http::async_read(c.stream, c.buffer, parser, std::move(handler)); });
    if (ec) {
      connection_.reset();
      if (reused && attempt == 0 && ec != beast::error::timeout) continue;
      return Status::Unavailable(fmt::format("ClickHouse at {}: {}", url_text_, ec.message()));
    }
    auto response = parser.release();
    if (!response.keep_alive()) connection_.reset();
    const unsigned status = response.result_int();
    if (status == 200) return std::move(response.body());
    const std::string message = ServerMessage(response.body());
    // 5xx that is not the server's answer to the statement (a proxy, a
    // server starting up or shutting down) is worth retrying.
    if (status == 502 || status == 503 || status == 504 || RetryableCode(message))
      return Status::Unavailable(fmt::format("ClickHouse at {}: HTTP {}: {}", url_text_, status, message));
    return Status::InvalidArgument(fmt::format("ClickHouse: {}", message));
  }
  return Status::Unavailable(fmt::format("ClickHouse at {}: the connection closed", url_text_));
}

int ChErrorCode(std::string_view message) {
  const size_t at = message.find("Code: ");
  if (at == std::string_view::npos) return 0;
  int code = 0;
  for (size_t i = at + 6; i < message.size() && std::isdigit(static_cast<unsigned char>(message[i])); ++i)
    code = code * 10 + (message[i] - '0');
  return code;
}

Status RetryUnavailable(std::chrono::milliseconds patience, const std::function<Status()>& request) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  auto wait = std::chrono::milliseconds(100);
  while (true) {
    Status status = request();
    if (status.code() != StatusCode::kUnavailable || std::chrono::steady_clock::now() + wait > deadline) return status;
    std::this_thread::sleep_for(wait);  // backing off from a server that is down, not synchronising
    wait = std::min<std::chrono::milliseconds>(wait * 2, std::chrono::seconds(5));
  }
}

}  // namespace sluice
