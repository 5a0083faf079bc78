#include "sources/http/http_session.h"

#include <array>
#include <memory>
#include <optional>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace sluice {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// How long a closing connection may take to say goodbye (TLS close_notify,
// or the rest of a body we will not read) before it is cut.
constexpr std::chrono::seconds kLinger{2};
constexpr std::size_t kReadChunk = 64 * 1024;
// The longest chunk extension (";name=value" after a chunk's size) taken:
// senders use a few bytes, if any.
constexpr std::size_t kMaxChunkExtension = 4096;

// Refuses a chunk whose extensions are longer. Stateless; the parser keeps
// a reference to it, hence one object for every parser.
struct ChunkExtensionLimit {
  void operator()(std::uint64_t, beast::string_view extensions, beast::error_code& ec) const {
    if (extensions.size() > kMaxChunkExtension) ec = http::error::bad_chunk_extension;
  }
};
ChunkExtensionLimit chunk_extension_limit;

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  template <class... Args>
  Session(const SessionContext* context, Args&&... stream_args)
      : context_(context), stream_(std::forward<Args>(stream_args)...) {
    // Beast reads at most the buffer's spare capacity per recv(). A fresh
    // flat_buffer has about 512 bytes, which turns a 1 MB body into two
    // thousand system calls; with 64 KiB it takes a few dozen.
    buffer_.reserve(kReadChunk);
  }

  ~Session() {
    if (in_request_) context_->in_flight->End();
  }

  void Start() {
    if constexpr (kTls) {
      Tcp().expires_after(context_->read_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->ReadHeader();
                              });
    } else {
      ReadHeader();
    }
  }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(context_->header_limit));
    parser_->body_limit(context_->max_body);
    // A line the parser must hold whole (the headers, a chunk's size and
    // extensions) fits the read buffer or the request is refused: without a
    // bound a 20 MiB chunk extension was read into memory and accepted.
    buffer_.max_size(context_->header_limit + kReadChunk);
    parser_->on_chunk_header(chunk_extension_limit);
    // One deadline for the whole request: header, 100 Continue and body.
    deadline_ = std::chrono::steady_clock::now() + context_->read_timeout;
    Tcp().expires_at(deadline_);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(beast::error_code ec) {
    received_ = std::chrono::steady_clock::now();
    if (ec) return OnReadError(ec);
    const auto& header = parser_->get();
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      // Clients such as curl wait for this before sending a large body.
      continue_ = std::make_unique<http::response<http::empty_body>>(http::status::continue_, header.version());
      http::async_write(stream_, *continue_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
        self->continue_.reset();
        if (ec) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    Tcp().expires_at(deadline_);
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->OnBody(ec);
    });
  }

  void OnBody(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    Tcp().expires_never();  // the lander may take a while; nothing is read meanwhile
    BeginRequest();
    HttpRequest request = parser_->release();
    keep_alive_ = request.keep_alive();
    context_->handler->Handle(std::move(request), received_, [self = this->shared_from_this()](HttpResponse res) {
      // Possibly on a landing thread: hop back onto the session's strand.
      net::post(self->stream_.get_executor(),
                [self, res = std::move(res)]() mutable { self->Write(std::move(res), /*close=*/false); });
    });
  }

  void OnReadError(beast::error_code ec) {
    const bool partial = parser_ && (parser_->got_some() || buffer_.size() > 0);
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
        ec == net::error::operation_aborted || ec == net::ssl::error::stream_truncated ||
        ec == http::error::partial_message) {
      return Tcp().close();
    }
    if (ec == beast::error::timeout) {
      if (partial) context_->handler->CountDropped(reason::kReadTimeout);
      return;  // tcp_stream closed the socket when the deadline passed
    }
    const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    RequestError error;
    if (ec == http::error::header_limit) {
      error = {431, reason::kHeadersTooLarge,
               fmt::format("the request headers are larger than {} bytes", context_->header_limit)};
    } else if (ec == http::error::body_limit) {
      error = {413, reason::kBodyTooLarge,
               fmt::format("the body is larger than http.max_body ({} bytes)", context_->max_body)};
    } else if (ec == http::error::bad_chunk_extension || ec == http::error::buffer_overflow) {
      error = {400, reason::kMalformedRequest,
               fmt::format("a chunk's size line is malformed or longer than allowed (extensions up to {} bytes)",
                           kMaxChunkExtension)};
    } else if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      error = {400, reason::kMalformedRequest, fmt::format("malformed HTTP request: {}", ec.message())};
    } else {
      return Tcp().close();  // the connection broke; nobody to answer
    }
    BeginRequest();
    Write(context_->handler->Reject(error, version, received_), /*close=*/true);
  }

  void BeginRequest() {
    in_request_ = true;
    context_->in_flight->Begin();
  }

  void Write(HttpResponse response, bool close) {
    close = close || !keep_alive_ || context_->handler->stopping();
    response.keep_alive(!close);
    response_ = std::make_unique<HttpResponse>(std::move(response));
    Tcp().expires_after(context_->write_timeout);
    http::async_write(stream_, *response_, [self = this->shared_from_this(), close](beast::error_code ec, std::size_t) {
      self->OnWritten(ec, close);
    });
  }

  void OnWritten(beast::error_code ec, bool close) {
    response_.reset();
    if (in_request_) {
      in_request_ = false;
      context_->in_flight->End();
    }
    if (ec) return Tcp().close();
    if (close) return Close();
    keep_alive_ = false;  // until the next request says otherwise
    ReadHeader();
  }

  // Closes politely: TLS says close_notify; plain TCP stops sending and
  // reads what the client still sends, so that an unread body does not turn
  // the close into a reset that could destroy the response in flight.
  void Close() {
    Tcp().expires_after(kLinger);
    if constexpr (kTls) {
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->Tcp().close(); });
    } else {
      beast::error_code ignored;
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Drain();
    }
  }

  void Drain() {
    Tcp().async_read_some(net::buffer(drain_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->Tcp().close();
      self->Drain();
    });
  }

  const SessionContext* context_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<http::response<http::empty_body>> continue_;
  std::unique_ptr<HttpResponse> response_;
  std::chrono::steady_clock::time_point deadline_;
  SteadyTime received_ = std::chrono::steady_clock::now();
  bool keep_alive_ = false;
  bool in_request_ = false;
  std::array<char, 4096> drain_{};
};

}  // namespace

void StartSession(tcp::socket socket, const SessionContext* context, net::ssl::context* tls) {
  if (tls) {
    std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(context, std::move(socket), *tls)->Start();
  } else {
    std::make_shared<Session<beast::tcp_stream>>(context, std::move(socket))->Start();
  }
}

}  // namespace sluice
