#include "sources/http/request_handler.h"

#include "base/text.h"

#include <algorithm>

#include <fmt/format.h>

#include "sources/common/event_parser.h"
#include "sources/http/body_decoder.h"

namespace sluice {
namespace {

namespace http = boost::beast::http;

constexpr std::string_view kEventsPath = "/v1/events";

// Beast (Boost 1.74) has its own string_view.
std::string_view Header(const HttpRequest& request, http::field field) {
  const auto value = request[field];
  return {value.data(), value.size()};
}
std::string_view Header(const HttpRequest& request, std::string_view name) {
  const auto value = request[boost::beast::string_view(name.data(), name.size())];
  return {value.data(), value.size()};
}

// "%41bc" → "Abc"; a malformed escape stays as written (and then names no type).
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The media type of a Content-Type header, parameters (charset) ignored.
std::optional<BodyFormat> ParseContentType(std::string_view header) {
  const std::string type = AsciiLower(TrimWhitespace(header.substr(0, header.find(';'))));
  if (type == "application/json") return BodyFormat::kJson;
  if (type == "application/x-ndjson" || type == "application/ndjson") return BodyFormat::kNdjson;
  return std::nullopt;
}

RequestError MethodNotAllowed(std::string_view path, const char* allow) {
  RequestError e{405, reason::kMethodNotAllowed, fmt::format("{} takes {} only", path, allow)};
  e.allow = allow;
  return e;
}

}  // namespace

RequestHandler::RequestHandler(const HttpConfig& http, const Catalog& catalog, EventLander* lander,
                               MetricsRegistry* metrics)
    : http_(http), catalog_(catalog), lander_(lander), registry_(metrics), metrics_(metrics), keyring_(http.keys) {}

void RequestHandler::Finish(const Respond& respond, HttpResponse response, const std::string& error_reason,
                            SteadyTime received) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count();
  metrics_.CountResponse(static_cast<int>(response.result_int()), error_reason, seconds);
  respond(std::move(response));
}

void RequestHandler::Fail(const Respond& respond, const RequestError& error, unsigned http_version,
                          SteadyTime received) {
  Finish(respond, ErrorResponse(error, http_version), error.reason, received);
}

HttpResponse RequestHandler::Reject(const RequestError& error, unsigned http_version, SteadyTime received) {
  HttpResponse out;
  Fail([&out](HttpResponse r) { out = std::move(r); }, error, http_version, received);
  return out;
}

void RequestHandler::Handle(HttpRequest request, SteadyTime received, Respond respond) {
  const unsigned version = request.version();
  std::string_view target(request.target().data(), request.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  const http::verb method = request.method();

  if (path == "/healthz" || path == "/readyz" || path == "/metrics") {
    if (method != http::verb::get) return Fail(respond, MethodNotAllowed(path, "GET"), version, received);
    if (path == "/healthz") return Finish(respond, JsonResponse(200, R"({"status":"ok"})", version), "", received);
    if (path == "/metrics") {
      return Finish(respond, TextResponse(200, registry_->RenderPrometheus(), "text/plain; version=0.0.4", version),
                    "", received);
    }
    if (stopping()) return Finish(respond, JsonResponse(503, R"({"status":"stopping"})", version), "", received);
    if (!lander_->Ready())
      return Finish(respond, JsonResponse(503, R"({"status":"not ready"})", version), "", received);
    return Finish(respond, JsonResponse(200, R"({"status":"ready"})", version), "", received);
  }

  std::string type;
  if (path == kEventsPath) {
    if (method != http::verb::post) return Fail(respond, MethodNotAllowed(path, "POST"), version, received);
    type = std::string(TrimWhitespace(Header(request, "X-Event-Type")));
    if (type.empty()) {
      return Fail(respond,
                  {400, reason::kMalformedRequest, "POST /v1/events needs an X-Event-Type header (or use /v1/events/{type})"},
                  version, received);
    }
  } else if (path.size() > kEventsPath.size() + 1 && path.substr(0, kEventsPath.size() + 1) == "/v1/events/" &&
             path.find('/', kEventsPath.size() + 1) == std::string_view::npos) {
    if (method != http::verb::post) return Fail(respond, MethodNotAllowed(path, "POST"), version, received);
    type = PercentDecode(path.substr(kEventsPath.size() + 1));
  } else {
    return Fail(respond, {404, reason::kNotFound, fmt::format("no such path: {}", path)}, version, received);
  }
  HandleEvents(request, type, received, respond);
}

void RequestHandler::HandleEvents(HttpRequest& request, std::string_view type, SteadyTime received,
                                  const Respond& respond) {
  const unsigned version = request.version();
  int key = -1;
  switch (keyring_.Identify(PresentedKey(Header(request, http::field::authorization), Header(request, "X-API-Key")), &key)) {
    case ApiKeyring::Identity::kMissing:
      return Fail(respond,
                  {401, reason::kMissingKey, "an API key is required: send Authorization: Bearer KEY or X-API-Key: KEY"},
                  version, received);
    case ApiKeyring::Identity::kUnknown:
      return Fail(respond, {401, reason::kUnknownKey, "the API key is not known"}, version, received);
    case ApiKeyring::Identity::kKnown:
      break;
  }
  const EventSpec* spec = catalog_.Find(type);
  if (!spec)
    return Fail(respond, {404, reason::kUnknownType, fmt::format("unknown event type '{}'", type)}, version, received);
  if (!keyring_.Allows(key, type)) {
    return Fail(respond,
                {403, reason::kTypeNotAllowed,
                 fmt::format("API key '{}' may not post events of type '{}'", keyring_.name(key), type)},
                version, received);
  }
  if (stopping())
    return Fail(respond, {503, reason::kStopping, "the server is shutting down"}, version, received);
  if (!lander_->Ready()) {
    return Fail(respond, {503, reason::kNotReady, "the landing zone is not accepting events right now"}, version,
                received);
  }

  const auto format = ParseContentType(Header(request, http::field::content_type));
  if (!format) {
    return Fail(respond,
                {415, reason::kUnsupportedContentType,
                 fmt::format("unsupported Content-Type '{}': send application/json or application/x-ndjson",
                             Header(request, http::field::content_type))},
                version, received);
  }
  const auto encoding = ParseContentEncoding(Header(request, http::field::content_encoding));
  if (!encoding) {
    return Fail(respond,
                {415, reason::kUnsupportedEncoding,
                 fmt::format("unsupported Content-Encoding '{}': send gzip, zstd or identity",
                             Header(request, http::field::content_encoding))},
                version, received);
  }
  std::string body = std::move(request.body());
  if (auto error = DecodeBody(*encoding, &body, http_.max_body)) return Fail(respond, *error, version, received);

  thread_local EventParser parser;  // keeps simdjson's buffers per io thread
  IncomingEvents events;
  if (auto error = parser.Parse(body, *format, *spec, http_.max_event, &events))
    return Fail(respond, *error, version, received);
  body = {};  // the events hold a copy; free the body while the lander works

  const size_t bytes = events.event_bytes();
  const size_t count = events.count();
  lander_->Land(*spec, std::move(events),
                [this, respond, version, received, count, bytes, type_name = spec->name](const Status& status) {
                  if (status.ok()) {
                    metrics_.CountAccepted(type_name, count, bytes);
                    return Finish(respond, AcceptedResponse(count, version), "", received);
                  }
                  Fail(respond, {503, reason::kLandingFailed, fmt::format("events not landed: {}", status.message())},
                       version, received);
                });
}

}  // namespace sluice
