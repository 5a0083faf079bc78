#include "sources/amqp/proto_schema.h"

#include "sources/amqp/proto_json.h"

#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <google/protobuf/compiler/importer.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver.h>
#include <google/protobuf/util/type_resolver_util.h>

namespace sluice {
namespace pb = google::protobuf;
namespace fs = std::filesystem;

namespace {
constexpr const char* kTypeUrlPrefix = "type.googleapis.com";
std::string TypeUrl(const pb::Descriptor* type) { return fmt::format("{}/{}", kTypeUrlPrefix, type->full_name()); }

// Where Debian's libprotobuf-dev puts google/protobuf/*.proto.
constexpr const char* kWellKnownTypes = "/usr/include";

class CollectErrors : public pb::compiler::MultiFileErrorCollector {
 public:
  void AddError(const std::string& file, int line, int column, const std::string& message) override {
    // line and column are 0-based, -1 when the problem is the whole file.
    if (line < 0) {
      errors_ += fmt::format("{}{}: {}", errors_.empty() ? "" : "\n", file, message);
    } else {
      errors_ += fmt::format("{}{}:{}:{}: {}", errors_.empty() ? "" : "\n", file, line + 1, column + 1, message);
    }
  }
  const std::string& errors() const { return errors_; }

 private:
  std::string errors_;
};

void AddMessages(const pb::Descriptor* d, std::map<std::string, std::vector<const pb::Descriptor*>>* by_simple,
                 std::map<std::string, const pb::Descriptor*, std::less<>>* by_full) {
  (*by_full)[d->full_name()] = d;
  (*by_simple)[d->name()].push_back(d);
  for (int i = 0; i < d->nested_type_count(); ++i) AddMessages(d->nested_type(i), by_simple, by_full);
}

// The messages of `file` and of the files it imports (protobuf's own
// well-known types aside), each file once.
void AddFile(const pb::FileDescriptor* file, std::map<std::string, std::vector<const pb::Descriptor*>>* by_simple,
             std::map<std::string, const pb::Descriptor*, std::less<>>* by_full,
             std::set<const pb::FileDescriptor*>* seen) {
  if (!seen->insert(file).second || file->package() == "google.protobuf") return;
  for (int i = 0; i < file->message_type_count(); ++i) AddMessages(file->message_type(i), by_simple, by_full);
  for (int i = 0; i < file->dependency_count(); ++i) AddFile(file->dependency(i), by_simple, by_full, seen);
}

// The numbers of fields `m` (or a message inside it) carries that its type
// does not declare.
void UnknownFields(const pb::Message& m, std::set<int>* numbers) {
  const pb::Reflection* r = m.GetReflection();
  const pb::UnknownFieldSet& unknown = r->GetUnknownFields(m);
  for (int i = 0; i < unknown.field_count(); ++i) numbers->insert(unknown.field(i).number());
  const pb::Descriptor* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int j = 0; j < r->FieldSize(m, f); ++j) UnknownFields(r->GetRepeatedMessage(m, f, j), numbers);
    } else if (r->HasField(m, f)) {
      UnknownFields(r->GetMessage(m, f), numbers);
    }
  }
}

// Whether `d`, or a message it may contain, has a required (proto2) field.
bool HasRequiredFields(const pb::Descriptor* d, std::set<const pb::Descriptor*>* seen) {
  if (!seen->insert(d).second) return false;
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->is_required()) return true;
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE && HasRequiredFields(f->message_type(), seen))
      return true;
  }
  return false;
}
}  // namespace

ProtoSchema::ProtoSchema() = default;
ProtoSchema::~ProtoSchema() = default;

Result<std::unique_ptr<ProtoSchema>> ProtoSchema::Load(const std::vector<std::string>& files,
                                                       const std::vector<std::string>& import_paths) {
  std::unique_ptr<ProtoSchema> schema(new ProtoSchema());
  schema->tree_ = std::make_unique<pb::compiler::DiskSourceTree>();
  std::vector<std::string> roots = import_paths;
  for (const auto& f : files) roots.push_back(fs::path(f).parent_path().string());
  roots.push_back(kWellKnownTypes);
  for (const auto& root : roots) schema->tree_->MapPath("", root.empty() ? "." : root);
  CollectErrors errors;
  schema->importer_ = std::make_unique<pb::compiler::Importer>(schema->tree_.get(), &errors);
  std::map<std::string, std::vector<const pb::Descriptor*>> by_simple;
  std::set<const pb::FileDescriptor*> seen;
  for (const auto& file : files) {
    if (!fs::exists(file)) return Status::NotFound(fmt::format("proto file '{}' does not exist", file));
    std::string virtual_file, shadowing;
    if (schema->tree_->DiskFileToVirtualFile(file, &virtual_file, &shadowing) !=
        pb::compiler::DiskSourceTree::SUCCESS)
      return Status::InvalidArgument(fmt::format("proto file '{}' is not under any import path", file));
    const pb::FileDescriptor* fd = schema->importer_->Import(virtual_file);
    if (fd == nullptr)
      return Status::InvalidArgument(errors.errors().empty() ? fmt::format("cannot compile '{}'", file)
                                                             : errors.errors());
    AddFile(fd, &by_simple, &schema->by_name_, &seen);
  }
  for (const auto& [simple, all] : by_simple)
    if (all.size() == 1 && !schema->by_name_.contains(simple)) schema->by_name_[simple] = all.front();
  schema->factory_ = std::make_unique<pb::DynamicMessageFactory>(schema->importer_->pool());
  schema->resolver_.reset(pb::util::NewTypeResolverForDescriptorPool(kTypeUrlPrefix, schema->importer_->pool()));
  return schema;
}

Result<const pb::Descriptor*> ProtoSchema::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end())
    return Status::NotFound(fmt::format("no message '{}' in the proto files (or several files declare one of that "
                                        "name: use its full name)",
                                        name));
  return it->second;
}

Status ProtoSchema::ToJson(const pb::Descriptor* type, std::string_view bytes, bool reject_unknown_fields,
                           std::string* json) {
  Decoding& d = decoding_[type];
  if (!d.scratch) {
    d.scratch.reset(factory_->GetPrototype(type)->New());
    std::set<const pb::Descriptor*> seen;
    d.has_required = HasRequiredFields(type, &seen);
    d.json_writable = ProtoJsonSupports(type);
    d.wire_writable = ProtoWireJson::Supports(type);
  }
  // Most messages: JSON straight from the bytes. The rest (and any message
  // it cannot vouch for) are parsed and checked first.
  if (d.wire_writable) {
    json->clear();
    if (wire_json_.Write(type, bytes, json)) return Status::Ok();
  }
  pb::Message* scratch = d.scratch.get();
  scratch->Clear();
  if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
      !scratch->ParsePartialFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return Status::InvalidArgument(fmt::format("not a valid protobuf {} message", type->full_name()));
  if (d.has_required && !scratch->IsInitialized())
    return Status::InvalidArgument(fmt::format("{} is missing required fields: {}", type->full_name(),
                                               scratch->InitializationErrorString()));
  if (reject_unknown_fields) {
    std::set<int> unknown;
    UnknownFields(*scratch, &unknown);
    if (!unknown.empty())
      return Status::InvalidArgument(fmt::format(
          "carries field numbers {} that {} does not declare: another message type, or a newer .proto "
          "(proto.unknown_fields: ignore accepts it)",
          fmt::join(unknown, ", "), type->full_name()));
  }
  json->clear();
  if (d.json_writable) {
    WriteProtoJson(*scratch, json);
    return Status::Ok();
  }
  // Any or FieldMask inside: protobuf's own converter (slower).
  bytes_.assign(bytes.data(), bytes.size());
  pb::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  auto status = pb::util::BinaryToJsonString(resolver_.get(), TypeUrl(type), bytes_, json, options);
  if (!status.ok())
    return Status::InvalidArgument(
        fmt::format("cannot turn {} into JSON: {}", type->full_name(), std::string(status.message())));
  return Status::Ok();
}

Status ProtoSchema::FromJson(const pb::Descriptor* type, std::string_view json, std::string* bytes) {
  bytes->clear();
  auto status = pb::util::JsonToBinaryString(resolver_.get(), TypeUrl(type), std::string(json), bytes);
  if (!status.ok())
    return Status::InvalidArgument(
        fmt::format("not a {} in JSON: {}", type->full_name(), std::string(status.message())));
  return Status::Ok();
}

}  // namespace sluice
