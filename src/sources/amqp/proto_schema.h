// The .proto files an AMQP source decodes with, compiled when it starts: no
// code generation step for users. Messages are turned into JSON by the
// protobuf JSON mapping (proto_json.h), with the fields' original names
// (order_id, not orderId) so the catalog's paths read like the .proto, and
// every field without presence printed even at its default (a quantity of 0
// lands as 0, not as missing).
//
// Not thread-safe: decoding reuses one scratch message per type. Keep one
// per consuming thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sources/amqp/proto_wire_json.h"

namespace google::protobuf {
class Descriptor;
class DynamicMessageFactory;
class Message;
namespace compiler {
class DiskSourceTree;
class Importer;
}  // namespace compiler
namespace util {
class TypeResolver;
}  // namespace util
}  // namespace google::protobuf

namespace sluice {

class ProtoSchema {
 public:
  // Compiles `files` (imports are looked up in `import_paths`, then in the
  // folders of `files`, then among protobuf's well-known types). Errors name
  // the file, line and column.
  static Result<std::unique_ptr<ProtoSchema>> Load(const std::vector<std::string>& files,
                                                   const std::vector<std::string>& import_paths);
  ~ProtoSchema();

  // The message called `name`, declared in the files or in one they import:
  // its full name (factory.OrderCreated) or, when no other message has that
  // name, its simple name.
  Result<const google::protobuf::Descriptor*> Find(std::string_view name) const;

  // Decodes `bytes` as a `type` message into one line of JSON. Fails when the
  // bytes are not that message: not protobuf at all, a required field
  // missing, or (with reject_unknown_fields) fields the .proto does not
  // declare — the mark of another message type sent by mistake.
  Status ToJson(const google::protobuf::Descriptor* type, std::string_view bytes, bool reject_unknown_fields,
                std::string* json);
  // The other way, for `sluice publish amqp`: JSON (either field name form)
  // → the message's bytes. Unknown fields are an error.
  Status FromJson(const google::protobuf::Descriptor* type, std::string_view json, std::string* bytes);

 private:
  ProtoSchema();

  std::unique_ptr<google::protobuf::compiler::DiskSourceTree> tree_;
  std::unique_ptr<google::protobuf::compiler::Importer> importer_;
  std::unique_ptr<google::protobuf::DynamicMessageFactory> factory_;
  std::unique_ptr<google::protobuf::util::TypeResolver> resolver_;
  std::map<std::string, const google::protobuf::Descriptor*, std::less<>> by_name_;  // full and unique simple names
  struct Decoding {  // per message type, made on its first message
    std::unique_ptr<google::protobuf::Message> scratch;  // reused: parsing allocates less
    bool has_required = false;                          // else IsInitialized is skipped
    bool json_writable = false;                         // ProtoJsonSupports
    bool wire_writable = false;                         // ProtoWireJson::Supports: no parse needed
  };
  std::map<const google::protobuf::Descriptor*, Decoding> decoding_;
  std::string bytes_;  // the message bytes, copied for the JSON converter
  ProtoWireJson wire_json_;
};

}  // namespace sluice
