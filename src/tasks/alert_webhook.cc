#include "tasks/alert_webhook.h"

#include <algorithm>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace sluice {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr size_t kMaxAnswerBody = 64 * 1024;  // of an answer we only quote in errors
constexpr size_t kQuotedBody = 200;

// How often a step in flight looks at the deadline.
constexpr auto kDeadlineCheck = std::chrono::milliseconds(50);

// Runs one asynchronous operation on `ioc` until it completes. Its time
// limit comes from the stream's own expiry (tcp_stream::expires_after,
// which ends it with beast::error::timeout); if `deadline` passes first,
// `cancel` ends it with operation_aborted.
template <typename Initiate, typename Cancel>
beast::error_code Await(net::io_context& ioc, Env* env, const WebhookPoster::Deadline& deadline, Cancel&& cancel,
                        Initiate&& initiate) {
  std::optional<beast::error_code> result;
  initiate([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  bool cancelled = false;
  while (!result) {
    if (ioc.run_one_for(kDeadlineCheck) == 0 && ioc.stopped()) break;
    if (!result && !cancelled && env->MonotonicNow() >= deadline()) {
      cancel();
      cancelled = true;
    }
  }
  return result.value_or(net::error::operation_aborted);
}

std::string OneLine(std::string_view text) {
  std::string out(text.substr(0, kQuotedBody));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  if (text.size() > kQuotedBody) out += "…";
  return out;
}

}  // namespace

struct WebhookPoster::Tls {
  net::ssl::context context{net::ssl::context::tls_client};
  Status setup;  // not ok: every https post fails with it
};

WebhookPoster::WebhookPoster(WebhookUrl url, Env* env) : url_(std::move(url)), env_(env) {
  if (!url_.tls) return;
  tls_ = std::make_unique<Tls>();
  SSL_CTX_set_min_proto_version(tls_->context.native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  tls_->context.set_default_verify_paths(ec);
  if (ec)
    tls_->setup = Status::Unavailable(fmt::format("cannot load the system's trusted certificates: {}", ec.message()));
  tls_->context.set_verify_mode(net::ssl::verify_peer);
}

WebhookPoster::~WebhookPoster() = default;

Status WebhookPoster::Post(std::string_view json, std::chrono::milliseconds step_timeout, const Deadline& deadline) {
  const std::string origin = url_.Origin();
  // The time the next step may take; zero once the deadline has passed.
  // `clipped`: the deadline, not step_timeout, limits the step.
  bool clipped = false;
  const auto step = [&] {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline() - env_->MonotonicNow());
    clipped = left < step_timeout;
    return std::max(std::chrono::milliseconds(0), std::min(step_timeout, left));
  };
  const auto reason = [&](const beast::error_code& ec) {
    if (ec == net::error::operation_aborted || (ec == beast::error::timeout && clipped))
      return std::string("cut short: sluice is stopping");
    if (ec == beast::error::timeout) return fmt::format("timed out after {} ms", step_timeout.count());
    return ec.message();
  };
  if (tls_ && !tls_->setup.ok()) return tls_->setup;

  try {
    net::io_context ioc;
    beast::error_code ec;
    if (step().count() == 0) return Status::Unavailable(fmt::format("not posted to {}: sluice is stopping", origin));
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(url_.host, std::to_string(url_.port), ec);
    if (ec) return Status::Unavailable(fmt::format("cannot resolve {}: {}", url_.host, ec.message()));

    http::request<http::string_body> request{http::verb::post, url_.target, 11};
    request.set(http::field::host, url_.HostHeader());
    request.set(http::field::user_agent, "sluice");
    request.set(http::field::content_type, "application/json");
    request.set(http::field::connection, "close");
    request.body() = std::string(json);
    request.prepare_payload();

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxAnswerBody);

    // Write the request and read the answer's head (and what fits of its
    // body) on a connected stream, plain or TLS.
    const auto exchange = [&](auto& stream) -> Status {
      auto& socket = beast::get_lowest_layer(stream);
      socket.expires_after(step());
      const auto cancel = [&socket] { socket.cancel(); };
      ec = Await(ioc, env_, deadline, cancel,
                 [&](auto handler) { http::async_write(stream, request, std::move(handler)); });
      if (ec) return Status::Unavailable(fmt::format("cannot send the alert to {}: {}", origin, reason(ec)));
      socket.expires_after(step());
      ec = Await(ioc, env_, deadline, cancel,
                 [&](auto handler) { http::async_read(stream, buffer, parser, std::move(handler)); });
      if (ec && !parser.is_header_done())
        return Status::Unavailable(fmt::format("no answer from {}: {}", origin, reason(ec)));
      return Status::Ok();
    };

    Status exchanged;
    if (!tls_) {
      beast::tcp_stream stream(ioc);
      stream.expires_after(step());
      ec = Await(ioc, env_, deadline, [&stream] { stream.cancel(); },
                 [&](auto handler) { stream.async_connect(endpoints, std::move(handler)); });
      if (ec) return Status::Unavailable(fmt::format("cannot connect to {}: {}", origin, reason(ec)));
      exchanged = exchange(stream);
    } else {
      beast::ssl_stream<beast::tcp_stream> stream(ioc, tls_->context);
      SSL* ssl = stream.native_handle();
      // OpenSSL's own name and address checks: a mismatch then says so in
      // SSL_get_verify_result, which a custom verify callback would not.
      boost::system::error_code not_ip;
      net::ip::make_address(url_.host, not_ip);
      if (not_ip) {
        SSL_set_tlsext_host_name(ssl, url_.host.c_str());
        SSL_set1_host(ssl, url_.host.c_str());
      } else {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url_.host.c_str());
      }
      auto& socket = beast::get_lowest_layer(stream);
      socket.expires_after(step());
      const auto cancel = [&socket] { socket.cancel(); };
      ec = Await(ioc, env_, deadline, cancel,
                 [&](auto handler) { socket.async_connect(endpoints, std::move(handler)); });
      if (ec) return Status::Unavailable(fmt::format("cannot connect to {}: {}", origin, reason(ec)));
      socket.expires_after(step());
      ec = Await(ioc, env_, deadline, cancel,
                 [&](auto handler) { stream.async_handshake(net::ssl::stream_base::client, std::move(handler)); });
      if (ec) {
        const long verify = SSL_get_verify_result(ssl);
        const std::string why = verify == X509_V_OK ? "" : fmt::format(" ({})", X509_verify_cert_error_string(verify));
        return Status::Unavailable(fmt::format("TLS handshake with {} failed: {}{}", origin, reason(ec), why));
      }
      exchanged = exchange(stream);
      // No TLS close_notify: the request said Connection: close, and the
      // answer is already read.
    }
    if (!exchanged.ok()) return exchanged;

    const auto& answer = parser.get();
    const unsigned status = answer.result_int();
    if (status >= 200 && status < 300) return Status::Ok();
    const auto phrase = answer.reason();
    std::string message =
        fmt::format("{} answered {} {}", origin, status, std::string_view(phrase.data(), phrase.size()));
    if (!answer.body().empty()) message += ": " + OneLine(answer.body());
    if (status >= 300 && status < 400) message += " (redirects are not followed)";
    if (status >= 400 && status < 500 && status != 408 && status != 429) return Status::InvalidArgument(message);
    return Status::Unavailable(message);
  } catch (const std::exception& e) {
    return Status::Internal(fmt::format("posting to {}: {}", origin, e.what()));
  }
}

}  // namespace sluice
