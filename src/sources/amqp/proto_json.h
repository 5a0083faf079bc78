// A decoded protobuf message → one line of JSON, by the protobuf JSON
// mapping (https://protobuf.dev/programming-guides/proto3/#json) with the
// fields' original names and every field without presence printed even at
// its default (repeated as [], maps as {}); fields with presence (messages,
// oneof members, `optional`) only when set.
//
//   int64, uint64 (and fixed/sint kinds)  "123"  (JSON numbers lose precision past 2^53)
//   float, double                         1.5, or "NaN", "Infinity", "-Infinity"
//   enum                                  its value's name; a number it does not declare as a number
//   bytes                                 base64
//   map<K, V>                             {"key": value}, keys as strings
//   google.protobuf.Timestamp             "2026-11-02T10:00:00Z" (0, 3, 6 or 9 fraction digits)
//   google.protobuf.Duration              "1.500s"
//   wrappers (Int64Value, StringValue …)  the wrapped value
//   Struct, Value, ListValue, Empty       the JSON they stand for
//
// It walks the message by reflection: about 10× faster than protobuf's own
// converter, which rebuilds type descriptions and allocates per message —
// and the AMQP source decodes every message it consumes. Messages using
// Any or FieldMask (which need a type registry or name conversion) are left
// to protobuf's converter: Supports() tells. Most messages do not come here
// at all: proto_wire_json.h writes the same text from the wire bytes, and
// leaves to this path the shapes and the messages it cannot vouch for.
#pragma once

#include <string>

namespace google::protobuf {
class Descriptor;
class Message;
}  // namespace google::protobuf

namespace sluice {

// True when WriteProtoJson can print every message `type` may contain.
bool ProtoJsonSupports(const google::protobuf::Descriptor* type);

// Appends `message` as JSON to *out.
void WriteProtoJson(const google::protobuf::Message& message, std::string* out);

}  // namespace sluice
