// A protobuf message's JSON written straight from its wire bytes, without
// parsing it into a DynamicMessage first. The AMQP source decodes every
// message it consumes on the thread that reads from the broker, and
// parsing by reflection then reading every field back by reflection was
// most of that thread's time.
//
// It covers the common shapes: scalars of every kind, strings, bytes,
// enums, nested messages, repeated fields (packed or not), proto3
// `optional`, google.protobuf.Timestamp. For a type with anything else
// (maps, oneofs, groups, required fields, other well-known types) Supports()
// says no. For a message it cannot vouch for (bytes that are not valid
// protobuf, a field the type does not declare, a field with the wrong wire
// type, a repeated singular message, text that is not UTF-8, an enum number
// a proto2 enum does not declare) Write() returns false, and the caller
// takes the reflection path (proto_json.h), which decides what the message
// is. When Write() returns true its text is byte for byte what the
// reflection path writes (the tests compare both).
//
// Not thread-safe: keep one per consuming thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
}  // namespace google::protobuf

namespace sluice {

class ProtoWireJson {
 public:
  // True when Write can handle every message `type` may contain.
  static bool Supports(const google::protobuf::Descriptor* type);

  // Appends the `type` message in `bytes` as JSON to *out. False when the
  // message needs the reflection path; *out is then left as it was.
  bool Write(const google::protobuf::Descriptor* type, std::string_view bytes, std::string* out);

 private:
  struct Value {  // one field value as it came off the wire
    int field;       // index in the type's fields
    uint64_t number;  // varint, or the bits of a fixed32/fixed64
    std::string_view bytes;  // length-delimited
  };
  struct Plan {  // per message type
    std::vector<int> index_by_number;  // field number → index, -1 for none; empty for large numbers
  };

  bool WriteMessage(const google::protobuf::Descriptor* type, std::string_view bytes, int depth, std::string* out);
  bool WriteValue(const google::protobuf::FieldDescriptor* f, const Value& v, int depth, std::string* out);
  // Splits `bytes` into values[depth], in wire order.
  bool Read(const google::protobuf::Descriptor* type, std::string_view bytes, int depth);
  const Plan& PlanFor(const google::protobuf::Descriptor* type);
  // The index of field `number` in `type`, or -1 when it has none.
  static int FieldIndex(const google::protobuf::Descriptor* type, const Plan& plan, uint64_t number);

  std::map<const google::protobuf::Descriptor*, Plan> plans_;
  std::vector<std::vector<Value>> values_;  // per nesting depth, reused
};

}  // namespace sluice
