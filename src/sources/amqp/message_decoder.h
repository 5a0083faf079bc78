// One AMQP message → the events it carries, or why it is rejected.
//
// The type name comes from where sources.<name>.amqp.type_from says: a
// headers-table entry (header:type also falls back to the message's `type`
// property), the routing key, or a path in a JSON payload. `types` maps it to
// a catalog event type (for json, a name not listed is taken as the event
// type itself). A protobuf body is decoded by the .proto files
// (proto_schema.h) into one line of JSON, at most http.max_event bytes; a
// JSON body goes through the HTTP source's EventParser, so both sources
// accept exactly the same JSON events: an object or an array of objects,
// valid UTF-8, each at most http.max_event bytes. Either way the tenant is
// read from the catalog's tenant path as the HTTP source reads it.
//
// Not thread-safe (the parser and the proto scratch are reused).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "config/config.h"
#include "landing/incoming_events.h"
#include "sources/amqp/proto_schema.h"
#include "sources/common/event_parser.h"

namespace sluice {

// The parts of a delivery the decoder reads.
struct AmqpMessage {
  std::string_view body;
  std::string_view routing_key;
  std::string_view type_property;             // basic.properties type; empty when unset
  std::optional<std::string_view> type_header;  // the type_from header's value, when it is a string
};

// Why a message cannot land. `reason` is a stable token: the dead-letter
// header's value and a metric label.
//   no_type       the type is not where type_from looks (payload:PATH reads
//                 a top-level object, so a JSON array has none there)
//   unknown_type  types does not map it to an event type (json: nor is it one)
//   undecodable   not protobuf of the named message (garbage, a required
//                 field missing, fields it does not declare), or for json
//                 not an object or an array of objects
//   invalid       decoded, but an event is over http.max_event
struct Rejection {
  std::string reason;     // no_type | unknown_type | undecodable | invalid
  std::string message;    // for people: which type, what is wrong
  std::string type_name;  // the type name found; empty when none
};

namespace rejection {
inline constexpr const char* kNoType = "no_type";
inline constexpr const char* kUnknownType = "unknown_type";
inline constexpr const char* kUndecodable = "undecodable";
inline constexpr const char* kInvalid = "invalid";
}  // namespace rejection

class MessageDecoder {
 public:
  // Compiles the source's .proto files (format protobuf) and checks that
  // every type in `types` names a message they declare.
  static Result<std::unique_ptr<MessageDecoder>> Create(const AmqpSourceConfig& source, const Catalog& catalog,
                                                        size_t max_event);

  // On success sets *event and replaces *events with the message's events;
  // on failure returns why and leaves *events empty.
  std::optional<Rejection> Decode(const AmqpMessage& message, const EventSpec** event, IncomingEvents* events);

 private:
  MessageDecoder(const AmqpSourceConfig& source, const Catalog& catalog, size_t max_event);
  // The message's type name, or a rejection when it has none.
  std::optional<Rejection> TypeName(const AmqpMessage& message, std::string* name);
  // The JSON of a protobuf message is written by proto_json, one valid line:
  // it is not parsed again, except for the tenant.
  std::optional<Rejection> DecodeProtobuf(const AmqpMessage& message, const std::string& type,
                                          const EventSpec& event, IncomingEvents* events);

  const AmqpSourceConfig& source_;
  const Catalog& catalog_;
  const size_t max_event_;
  std::optional<Path> type_path_;  // type_from: payload:PATH
  std::unique_ptr<ProtoSchema> schema_;
  std::map<std::string, const google::protobuf::Descriptor*, std::less<>> messages_;  // types' keys, resolved
  EventParser parser_;
  std::string json_;  // a protobuf message's JSON, reused
};

}  // namespace sluice
