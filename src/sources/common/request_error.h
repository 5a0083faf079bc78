// An expected failure of one HTTP request, as the client will see it.
//
// The pieces of the ingestion path (decoding, parsing, auth) report their
// failures as this value rather than a Status because the client needs more
// than a code: the HTTP status, a stable reason (also the label of
// sluice_http_errors_total) and, for a bad body, where in it the problem is.
// It sits with the event parser, which reports in it to both sources: the
// AMQP source reads the reason to decide what becomes of a message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace sluice {

struct RequestError {
  RequestError() = default;
  RequestError(int status, std::string reason, std::string message)
      : status(status), reason(std::move(reason)), message(std::move(message)) {}

  int status = 400;     // HTTP status
  std::string reason;   // stable token, e.g. "malformed_body"; never user data
  std::string message;  // for humans; may quote user data (responses escape it)
  int64_t line = 0;     // NDJSON line, 1-based; 0 when not about a line
  int64_t index = -1;   // element of a JSON array body, 0-based; -1 when not about an element
  std::string allow;    // 405 only: the methods the path takes (the Allow header)
};

// Success, or why the request fails. [[nodiscard]] like Status.
using RequestOutcome = std::optional<RequestError>;

// The reasons, one per kind of failure: metrics labels must stay stable.
namespace reason {
inline constexpr const char* kMissingKey = "missing_key";
inline constexpr const char* kUnknownKey = "unknown_key";
inline constexpr const char* kTypeNotAllowed = "type_not_allowed";
inline constexpr const char* kUnknownType = "unknown_type";
inline constexpr const char* kNotFound = "not_found";
inline constexpr const char* kMethodNotAllowed = "method_not_allowed";
inline constexpr const char* kMalformedBody = "malformed_body";
inline constexpr const char* kMalformedRequest = "malformed_request";
inline constexpr const char* kBodyTooLarge = "body_too_large";
inline constexpr const char* kEventTooLarge = "event_too_large";
inline constexpr const char* kHeadersTooLarge = "headers_too_large";
inline constexpr const char* kUnsupportedContentType = "unsupported_content_type";
inline constexpr const char* kUnsupportedEncoding = "unsupported_encoding";
inline constexpr const char* kNotReady = "not_ready";
inline constexpr const char* kStopping = "stopping";
inline constexpr const char* kLandingFailed = "landing_failed";
inline constexpr const char* kReadTimeout = "read_timeout";
}  // namespace reason

}  // namespace sluice
