#include "base/webhook_url.h"

#include <cctype>
#include <cstdint>

#include <fmt/format.h>

#include "base/text.h"

namespace sluice {

Result<WebhookUrl> ParseWebhookUrl(std::string_view url) {
  const auto bad = [url](std::string_view what) {
    return Status::InvalidArgument(fmt::format("webhook URL '{}' {}", url, what));
  };
  if (url.empty()) return Status::InvalidArgument("webhook URL is empty");
  for (const char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return bad("contains a space or a control character; percent-encode it");
  }
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad("must be an http:// or https:// URL");
  const std::string scheme = AsciiLower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return bad("must be an http:// or https:// URL");

  WebhookUrl out;
  out.tls = scheme == "https";
  out.port = out.tls ? 443 : 80;
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);

  if (authority.find('@') != std::string_view::npos)
    return bad("has user info (user:password@); sluice does not send credentials from the URL");
  std::string_view host, port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("has an IPv6 address without its closing ']'");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad("has something other than ':PORT' after its IPv6 address");
    if (!after.empty()) {
      has_port = true;
      port_text = after.substr(1);
    }
    if (host.empty()) return bad("has no host");
    for (const char c : host)
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.')
        return bad(fmt::format("has a bad character '{}' in its IPv6 address", c));
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
      if (port_text.find(':') != std::string_view::npos)
        return bad("has more than one ':' in its host; write an IPv6 address in brackets, e.g. http://[::1]:9000/");
    }
    if (host.empty()) return bad("has no host");
    for (const char c : host) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x80) return bad("has a non-ASCII host; write it in its xn-- (punycode) form");
      if (!std::isalnum(u) && c != '-' && c != '.' && c != '_')
        return bad(fmt::format("has a bad character '{}' in its host", c));
    }
  }
  out.host = AsciiLower(host);

  if (has_port) {
    if (port_text.empty()) return bad("has an empty port after ':'");
    uint32_t port = 0;
    for (const char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || port > 65535) {
        port = 0;
        break;
      }
      port = port * 10 + static_cast<uint32_t>(c - '0');
    }
    if (port == 0 || port > 65535) return bad(fmt::format("has a bad port '{}' (1 to 65535)", port_text));
    out.port = static_cast<uint16_t>(port);
  }

  tail = tail.substr(0, tail.find('#'));
  out.target = tail.empty() || tail.front() != '/' ? "/" + std::string(tail) : std::string(tail);
  return out;
}

}  // namespace sluice
