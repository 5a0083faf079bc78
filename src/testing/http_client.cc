#include "testing/http_client.h"

#include <cctype>
#include <type_traits>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace sluice::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct TestClient::Impl {
  std::chrono::milliseconds timeout;
  net::io_context ioc;
  net::ssl::context tls{net::ssl::context::tls_client};
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& Tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  // Runs one asynchronous operation to completion; the stream's deadline
  // guarantees it completes.
  template <class Start>
  beast::error_code Run(Start start) {
    beast::error_code result = net::error::would_block;
    Tcp().expires_after(timeout);
    if (secure) start(*secure, result);
    else start(*plain, result);
    ioc.restart();
    ioc.run();
    return result;
  }
};

TestClient::TestClient(int port, const std::string& ca_file, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()), port_(port) {
  impl_->timeout = timeout;
  if (!ca_file.empty()) {
    impl_->tls.set_verify_mode(net::ssl::verify_peer);
    impl_->tls.load_verify_file(ca_file);
    impl_->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(impl_->ioc, impl_->tls);
  } else {
    impl_->plain = std::make_unique<beast::tcp_stream>(impl_->ioc);
  }
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  beast::error_code ec = impl_->Run([&](auto& stream, beast::error_code& out) {
    beast::get_lowest_layer(stream).async_connect(endpoint, [&out](beast::error_code e) { out = e; });
  });
  if (ec) return;
  if (impl_->secure) {
    ec = impl_->Run([&](auto& stream, beast::error_code& out) {
      if constexpr (!std::is_same_v<std::decay_t<decltype(stream)>, beast::tcp_stream>)
        stream.async_handshake(net::ssl::stream_base::client, [&out](beast::error_code e) { out = e; });
    });
    if (ec) return;
  }
  connected_ = true;
}

TestClient::~TestClient() = default;

bool TestClient::WriteRaw(std::string_view bytes) {
  const beast::error_code ec = impl_->Run([&](auto& stream, beast::error_code& out) {
    net::async_write(stream, net::buffer(bytes.data(), bytes.size()),
                     [&out](beast::error_code e, std::size_t) { out = e; });
  });
  return !ec;
}

std::optional<ClientResponse> TestClient::ReadResponse(bool skip_interim) {
  while (true) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(256u << 20);
    const beast::error_code ec = impl_->Run([&](auto& stream, beast::error_code& out) {
      http::async_read(stream, impl_->buffer, parser, [&out](beast::error_code e, std::size_t) { out = e; });
    });
    if (ec) return std::nullopt;
    auto res = parser.release();
    if (skip_interim && res.result() == http::status::continue_) continue;
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    out.keep_alive = res.keep_alive();
    for (const auto& field : res) {
      std::string name(field.name_string().data(), field.name_string().size());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value().data(), field.value().size());
    }
    return out;
  }
}

std::optional<ClientResponse> TestClient::Send(const std::string& method, const std::string& target,
                                               const Headers& headers, const std::string& body) {
  if (!connected_) return std::nullopt;
  std::string raw = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n";
  for (const auto& [name, value] : headers) raw += name + ": " + value + "\r\n";
  raw += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  // A write that fails part-way may be the server refusing the rest after
  // its answer (413): the answer is what the test wants.
  WriteRaw(raw);
  return ReadResponse();
}

bool TestClient::WaitClosed() {
  char byte;
  const beast::error_code ec = impl_->Run([&](auto& stream, beast::error_code& out) {
    stream.async_read_some(net::buffer(&byte, 1), [&out](beast::error_code e, std::size_t) { out = e; });
  });
  return ec && ec != beast::error::timeout;
}

ClientResponse RequestOnce(int port, const std::string& method, const std::string& target, const Headers& headers,
                           const std::string& body, std::chrono::milliseconds timeout) {
  TestClient client(port, "", timeout);
  Headers with_close = headers;
  with_close.emplace_back("Connection", "close");
  return client.Send(method, target, with_close, body).value_or(ClientResponse{});
}

}  // namespace sluice::testing
