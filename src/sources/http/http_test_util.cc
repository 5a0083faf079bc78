#include "sources/http/http_test_util.h"

#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

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

std::string GzipCompress(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2");
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string ZstdCompress(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  if (ZSTD_isError(n)) throw std::runtime_error("ZSTD_compress");
  out.resize(n);
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string JsonCorpusDir() {
  const char* env = std::getenv("SLUICE_SOURCE_DIR");
  const std::string source = env && *env ? env : SLUICE_TEST_SOURCE_DIR;
  return (std::filesystem::path(source) / "../shared/testdata/json-test-suite/test_parsing").lexically_normal();
}

TempDir::TempDir() {
  const char* env = std::getenv("TMPDIR");
  std::string pattern = std::string(env && *env ? env : "/tmp") + "/sluice-http-XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

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
    : impl_(std::make_unique<Impl>()) {
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
  std::string raw = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  for (const auto& [name, value] : headers) raw += name + ": " + value + "\r\n";
  raw += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  if (!WriteRaw(raw)) return std::nullopt;
  return ReadResponse();
}

bool TestClient::WaitClosed() {
  char byte;
  const beast::error_code ec = impl_->Run([&](auto& stream, beast::error_code& out) {
    stream.async_read_some(net::buffer(&byte, 1), [&out](beast::error_code e, std::size_t) { out = e; });
  });
  return ec && ec != beast::error::timeout;
}

}  // namespace sluice::testing
