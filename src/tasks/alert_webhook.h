// One webhook POST at a time, over HTTP/1.1, plain or TLS.
//
// TLS verifies the server's certificate against the system's default trust
// store (OpenSSL's default paths, so SSL_CERT_FILE / SSL_CERT_DIR apply) and
// its name or IP address against the URL's host; SNI is sent for names.
// TLS 1.2 at least. Each request is `Connection: close`; redirects are not
// followed.
//
// Post() returns Ok on a 2xx answer, else
//   InvalidArgument  a 4xx other than 408 and 429: asking again will not help;
//   Unavailable      anything else: the host does not resolve, the connection
//                    is refused, a step times out, TLS fails, 3xx/5xx/408/429.
// Messages name the URL's origin (scheme://host:port), never its path.
//
// Not thread-safe: one thread posts (each channel has its own thread).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "base/env.h"
#include "base/status.h"
#include "base/webhook_url.h"

namespace sluice {

class WebhookPoster {
 public:
  // `env` (the clock) must outlive the poster.
  WebhookPoster(WebhookUrl url, Env* env);
  ~WebhookPoster();
  WebhookPoster(const WebhookPoster&) = delete;
  WebhookPoster& operator=(const WebhookPoster&) = delete;

  // When to give up; read again during the try, so a deadline moved
  // earlier (sluice stopping) cuts a step in flight short.
  using Deadline = std::function<MonotonicTime()>;

  // One try. Connect, TLS handshake, write and read each get `step_timeout`,
  // and none runs past `deadline`. Resolving a name is bounded by the system
  // resolver's own timeouts (getaddrinfo cannot be cancelled).
  Status Post(std::string_view json, std::chrono::milliseconds step_timeout, const Deadline& deadline);

  const WebhookUrl& url() const { return url_; }

 private:
  struct Tls;
  WebhookUrl url_;
  Env* const env_;
  std::unique_ptr<Tls> tls_;  // https only
};

}  // namespace sluice
