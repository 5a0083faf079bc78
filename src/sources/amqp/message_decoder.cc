#include "sources/amqp/message_decoder.h"

#include <fmt/format.h>
#include <google/protobuf/descriptor.h>

namespace sluice {

MessageDecoder::MessageDecoder(const AmqpSourceConfig& source, const Catalog& catalog, size_t max_event)
    : source_(source), catalog_(catalog), max_event_(max_event) {}

Result<std::unique_ptr<MessageDecoder>> MessageDecoder::Create(const AmqpSourceConfig& source,
                                                               const Catalog& catalog, size_t max_event) {
  std::unique_ptr<MessageDecoder> decoder(new MessageDecoder(source, catalog, max_event));
  if (source.type_from.kind == TypeFrom::Kind::kPayload) {
    ASSIGN_OR_RETURN(Path path, ParsePath(source.type_from.path));
    decoder->type_path_ = std::move(path);
  }
  if (source.format == "protobuf") {
    auto schema = ProtoSchema::Load(source.proto_files, source.import_paths);
    if (!schema.ok()) return schema.status().WithContext(fmt::format("source '{}': compiling proto.files", source.name));
    decoder->schema_ = std::move(*schema);
    for (const auto& [message, event] : source.types) {
      auto descriptor = decoder->schema_->Find(message);
      if (!descriptor.ok()) return descriptor.status().WithContext(fmt::format("source '{}': types", source.name));
      decoder->messages_[message] = *descriptor;
    }
  }
  return decoder;
}

std::optional<Rejection> MessageDecoder::TypeName(const AmqpMessage& message, std::string* name) {
  switch (source_.type_from.kind) {
    case TypeFrom::Kind::kHeader:
      if (message.type_header) {
        *name = *message.type_header;
      } else if (source_.type_from.header == "type") {
        *name = message.type_property;
      }
      break;
    case TypeFrom::Kind::kRoutingKey:
      *name = message.routing_key;
      break;
    case TypeFrom::Kind::kPayload: {
      auto value = parser_.ScalarAt(message.body, *type_path_);
      if (!value.ok()) return Rejection{rejection::kUndecodable, value.status().message(), ""};
      *name = value->value_or("");
      break;
    }
  }
  if (!name->empty()) return std::nullopt;
  std::string where;
  switch (source_.type_from.kind) {
    case TypeFrom::Kind::kHeader:
      where = source_.type_from.header == "type" ? "no 'type' header and no type property"
                                                 : fmt::format("no '{}' header", source_.type_from.header);
      break;
    case TypeFrom::Kind::kRoutingKey: where = "an empty routing key"; break;
    case TypeFrom::Kind::kPayload: where = fmt::format("nothing at {} in the payload", source_.type_from.path); break;
  }
  return Rejection{rejection::kNoType, fmt::format("the message has no type: {}", where), ""};
}

std::optional<Rejection> MessageDecoder::Decode(const AmqpMessage& message, const EventSpec** event,
                                                IncomingEvents* events) {
  events->Clear();
  std::string type;
  if (auto rejected = TypeName(message, &type)) return rejected;
  const auto mapped = source_.types.find(type);
  const std::string& event_name = mapped != source_.types.end() ? mapped->second : type;
  // A protobuf source decodes only the message types it lists.
  *event = source_.format == "protobuf" && mapped == source_.types.end() ? nullptr : catalog_.Find(event_name);
  if (*event == nullptr)
    return Rejection{rejection::kUnknownType,
                     fmt::format("unknown message type '{}': sources.{}.amqp.types does not list it{}", type,
                                 source_.name, source_.format == "json" ? " and no event type has that name" : ""),
                     type};
  if (schema_) return DecodeProtobuf(message, type, **event, events);
  if (auto error = parser_.Parse(message.body, BodyFormat::kJson, **event, max_event_, events)) {
    std::string why = error->message;
    if (error->reason == reason::kEventTooLarge) why += " (the limit is http.max_event for every source)";
    const bool undecodable = error->reason == reason::kMalformedBody;  // not JSON, or not objects
    return Rejection{undecodable ? rejection::kUndecodable : rejection::kInvalid,
                     fmt::format("{} message: {}", type, why), type};
  }
  return std::nullopt;
}

std::optional<Rejection> MessageDecoder::DecodeProtobuf(const AmqpMessage& message, const std::string& type,
                                                        const EventSpec& event, IncomingEvents* events) {
  if (Status st = schema_->ToJson(messages_.at(type), message.body, source_.reject_unknown_fields, &json_); !st.ok())
    return Rejection{rejection::kUndecodable, std::string(st.message()), type};
  if (json_.size() > max_event_)
    return Rejection{rejection::kInvalid,
                     fmt::format("{} message: the event is {} bytes as JSON, over http.max_event ({} bytes; the "
                                 "limit is http.max_event for every source)",
                                 type, json_.size(), max_event_),
                     type};
  // The JSON is ours: one valid line, an object. Only the tenant needs reading.
  std::optional<std::string> tenant;
  if (event.tenant) {
    auto value = parser_.ScalarAt(json_, *event.tenant);
    if (value.ok()) tenant = std::move(*value);
  }
  events->Add(json_, TenantFolder(tenant ? *tenant : std::string_view(), tenant.has_value()));
  return std::nullopt;
}

}  // namespace sluice
