// JSON text for protobuf's scalar values, shared by the two ways sluice
// turns a message into JSON: by reflection (proto_json.h) and straight from
// the wire bytes (proto_wire_json.h). One set of functions, so both write
// exactly the same text for the same value.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace google::protobuf {
class EnumDescriptor;
}  // namespace google::protobuf

namespace sluice {

// A JSON string; bytes that are not UTF-8 are replaced.
void AppendString(std::string_view s, std::string* out);
// bytes: base64 in a JSON string.
void AppendBase64(std::string_view bytes, std::string* out);
// google.protobuf.Timestamp: "2026-11-02T10:00:00Z" (0, 3, 6 or 9 fraction digits).
void AppendTimestamp(int64_t seconds, int32_t nanos, std::string* out);
// google.protobuf.Duration: "1.500s".
void AppendDuration(int64_t seconds, int32_t nanos, std::string* out);
// An enum value: its name, a number the enum does not declare as a number,
// google.protobuf.NullValue as null.
void AppendEnum(const google::protobuf::EnumDescriptor* type, int number, std::string* out);

// An integer; quoted for the 64-bit kinds (JSON numbers lose precision past 2^53).
template <typename T>
void AppendInt(T v, bool quoted, std::string* out) {
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  if (quoted) out->push_back('"');
  out->append(buffer, end);
  if (quoted) out->push_back('"');
}

// float and double: the shortest text that reads back the same, or "NaN",
// "Infinity", "-Infinity".
template <typename T>
void AppendFloat(T v, std::string* out) {
  if (std::isnan(v)) out->append("\"NaN\"");
  else if (std::isinf(v)) out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  else fmt::format_to(std::back_inserter(*out), "{}", v);
}

}  // namespace sluice
