#include "sources/http/http_source.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "base/log.h"
#include "base/thread_name.h"
#include "sources/http/http_session.h"
#include "sources/http/request_handler.h"

namespace sluice {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Accepts connections until its acceptor is closed, on its own strand.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::acceptor acceptor, const SessionContext* context, net::ssl::context* tls)
      : ioc_(ioc), acceptor_(std::move(acceptor)), retry_(acceptor_.get_executor()), context_(context), tls_(tls) {}

  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](boost::system::error_code ec,
                                                                                tcp::socket socket) {
      if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) return;
      if (ec) {
        // Out of descriptors or similar: back off briefly instead of spinning.
        Log("http")->warn("accept failed: {}", ec.message());
        self->retry_.expires_after(std::chrono::milliseconds(100));
        self->retry_.async_wait([self](boost::system::error_code wait_ec) {
          if (!wait_ec) self->Accept();
        });
        return;
      }
      StartSession(std::move(socket), self->context_, self->tls_);
      self->Accept();
    });
  }

  void Close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
      self->retry_.cancel();
    });
  }

 private:
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  const SessionContext* context_;
  net::ssl::context* tls_;
};

bool IsLoopback(const net::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return address.to_v6().to_v4().is_loopback();  // e.g. ::ffff:127.0.0.1
  return address.is_loopback();
}

}  // namespace

class HttpSource::Impl {
 public:
  Impl(const HttpConfig& http, const Catalog& catalog, EventLander* lander, MetricsRegistry* metrics,
       HttpSourceOptions options)
      : http_(http), options_(options), handler_(http, catalog, lander, metrics) {
    context_.handler = &handler_;
    context_.in_flight = &in_flight_;
    context_.max_body = http.max_body;
    context_.header_limit = options.header_limit;
    context_.read_timeout = options.read_timeout;
    context_.write_timeout = options.write_timeout;
  }

  Status Start();
  int port() const { return port_.load(); }
  void StopAccepting() { handler_.StopAccepting(); }
  void Stop();

 private:
  Status StartListening();
  Result<tcp::endpoint> Endpoint(net::io_context& ioc) const;
  Status LoadTls();

  const HttpConfig& http_;
  const HttpSourceOptions options_;
  // Declared before ioc_: sessions destroyed with the io_context still use them.
  RequestHandler handler_;
  InFlightRequests in_flight_;
  SessionContext context_;
  std::unique_ptr<net::ssl::context> tls_;
  std::unique_ptr<net::io_context> ioc_;
  // A request waiting on the lander has no I/O pending; without this the
  // io threads could run out of work and exit before its response is posted.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  std::atomic<int> port_{0};
};

Result<tcp::endpoint> HttpSource::Impl::Endpoint(net::io_context& ioc) const {
  const std::string& host = http_.host;
  const auto port = static_cast<unsigned short>(http_.port);
  boost::system::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || results.empty())
    return Status::InvalidArgument(fmt::format("http.listen: cannot resolve host '{}': {}", host, ec.message()));
  return results.begin()->endpoint();
}

Status HttpSource::Impl::LoadTls() {
  const HttpConfig& http = http_;
  if (http.tls_cert.empty() && http.tls_key.empty()) return Status::Ok();
  if (http.tls_cert.empty() || http.tls_key.empty())
    return Status::InvalidArgument("http.tls needs both cert and key");
  auto tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  boost::system::error_code ec;
  tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 |
                       net::ssl::context::single_dh_use,
                   ec);
  if (ec) return Status::Internal(fmt::format("http.tls: cannot configure TLS: {}", ec.message()));
  tls->use_certificate_chain_file(http.tls_cert, ec);
  if (ec)
    return Status::InvalidArgument(fmt::format("http.tls.cert: cannot load '{}': {}", http.tls_cert, ec.message()));
  tls->use_private_key_file(http.tls_key, net::ssl::context::pem, ec);
  if (ec)
    return Status::InvalidArgument(fmt::format("http.tls.key: cannot load '{}': {}", http.tls_key, ec.message()));
  if (SSL_CTX_check_private_key(tls->native_handle()) != 1) {
    return Status::InvalidArgument(
        fmt::format("http.tls: the key '{}' does not belong to the certificate '{}'", http.tls_key, http.tls_cert));
  }
  tls_ = std::move(tls);
  return Status::Ok();
}

// Asio and its OpenSSL wrapper throw on resource exhaustion (no memory, no
// threads); Start reports that as a Status like every other failure.
Status HttpSource::Impl::Start() {
  try {
    return StartListening();
  } catch (const std::exception& e) {
    Stop();
    return Status::Internal(fmt::format("starting the HTTP source: {}", e.what()));
  }
}

Status HttpSource::Impl::StartListening() {
  if (ioc_) return Status::Internal("the HTTP source was started twice");
  auto ioc = std::make_unique<net::io_context>();
  ASSIGN_OR_RETURN(const tcp::endpoint endpoint, Endpoint(*ioc));
  if (http_.keys.empty() && !IsLoopback(endpoint.address())) {
    return Status::InvalidArgument(fmt::format(
        "no API keys are configured (auth.keys), so sluice listens only on loopback (127.0.0.0/8 or ::1), "
        "not on '{}': add a key (sluice keys new NAME) or listen on 127.0.0.1",
        http_.host));
  }
  RETURN_IF_ERROR(LoadTls());

  tcp::acceptor acceptor(*ioc);
  boost::system::error_code ec;
  auto fail = [&](const char* what) {
    return Status::IOError(
        fmt::format("cannot listen on {}:{}: {} ({})", http_.host, http_.port, ec.message(), what));
  };
  if (acceptor.open(endpoint.protocol(), ec)) return fail("open");
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec)) return fail("SO_REUSEADDR");
  if (acceptor.bind(endpoint, ec)) return fail("bind");
  if (acceptor.listen(net::socket_base::max_listen_connections, ec)) return fail("listen");
  port_.store(acceptor.local_endpoint(ec).port());

  ioc_ = std::move(ioc);
  work_.emplace(ioc_->get_executor());
  listener_ = std::make_shared<Listener>(*ioc_, std::move(acceptor), &context_, tls_.get());
  listener_->Accept();
  int threads = options_.io_threads;
  if (threads <= 0) threads = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 2, 8);
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      NameThisThread("http");
      // Handlers do not throw by design; should one (out of memory), the
      // thread logs it and keeps serving rather than ending the process.
      while (true) {
        try {
          ioc_->run();
          return;
        } catch (const std::exception& e) {
          Log("http")->error("an io thread caught: {}", e.what());
        }
      }
    });
  }
  Log("http")->info("listening on {}:{}{}", endpoint.address().to_string(), port(), tls_ ? " (TLS)" : "");
  return Status::Ok();
}

void HttpSource::Impl::Stop() {
  if (!ioc_) return;
  handler_.StopAccepting();
  if (listener_) listener_->Close();
  // Requests already read are answered — with 202 once the lander reports,
  // which is why the lander must outlive this wait.
  in_flight_.WaitIdle();
  work_.reset();
  ioc_->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  listener_.reset();
  ioc_.reset();  // destroys the idle connections with their pending handlers
}

HttpSource::HttpSource(const HttpConfig& http, const Catalog& catalog, EventLander* lander, MetricsRegistry* metrics,
                       HttpSourceOptions options)
    : impl_(std::make_unique<Impl>(http, catalog, lander, metrics, options)) {}

HttpSource::~HttpSource() { Stop(); }

Status HttpSource::Start() { return impl_->Start(); }
int HttpSource::port() const { return impl_->port(); }
void HttpSource::StopAccepting() { impl_->StopAccepting(); }
void HttpSource::Stop() { impl_->Stop(); }

}  // namespace sluice
