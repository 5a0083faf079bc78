// A webhook URL taken apart: http(s)://host[:port][/path][?query].
//
// Here, below config/, so that the config checks `alerts.webhook` (its
// errors at file:line:col) with the very parser the alerter uses. No I/O:
// the host is resolved when an alert goes out.
//
// ParseWebhookUrl refuses, each with a message naming the URL and what is
// wrong: a scheme other than http/https, no host, a port outside 1..65535,
// spaces or control characters (they must be percent-encoded), user info
// (user:pass@ — sluice does not send credentials taken from the URL), a
// non-ASCII host (write its xn-- form). A fragment (#…) is never sent, as in
// every HTTP client.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "base/status.h"

namespace sluice {

struct WebhookUrl {
  bool tls = false;    // https
  std::string host;    // a name or an IP address; an IPv6 address without its brackets
  uint16_t port = 0;   // 80 or 443 unless given
  std::string target;  // path and query as sent in the request line; "/" at least

  bool host_is_ipv6() const { return host.find(':') != std::string::npos; }
  // The Host header: the port only when it is not the scheme's default.
  std::string HostHeader() const {
    std::string out = host_is_ipv6() ? "[" + host + "]" : host;
    if (port != (tls ? 443 : 80)) out += ":" + std::to_string(port);
    return out;
  }
  // For logs: webhook paths often carry a secret token (Slack, Teams…), so
  // messages name only where the request goes.
  std::string Origin() const {
    return fmt::format("{}://{}:{}", tls ? "https" : "http", host_is_ipv6() ? "[" + host + "]" : host, port);
  }
};

Result<WebhookUrl> ParseWebhookUrl(std::string_view url);

}  // namespace sluice
