#include "sources/amqp/proto_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <set>

#include "sources/amqp/proto_json_values.h"

namespace sluice {
namespace pb = google::protobuf;

namespace {
using FD = pb::FieldDescriptor;

enum class Known { kNone, kTimestamp, kDuration, kWrapper, kStruct, kValue, kListValue, kEmpty, kUnsupported };

Known KnownType(const pb::Descriptor* d) {
  if (d->file()->package() != "google.protobuf") return Known::kNone;
  const std::string& n = d->name();
  if (n == "Timestamp") return Known::kTimestamp;
  if (n == "Duration") return Known::kDuration;
  if (n == "Struct") return Known::kStruct;
  if (n == "Value") return Known::kValue;
  if (n == "ListValue") return Known::kListValue;
  if (n == "Empty") return Known::kEmpty;
  if (n == "DoubleValue" || n == "FloatValue" || n == "Int64Value" || n == "UInt64Value" || n == "Int32Value" ||
      n == "UInt32Value" || n == "BoolValue" || n == "StringValue" || n == "BytesValue")
    return Known::kWrapper;
  return Known::kUnsupported;  // Any, FieldMask, and whatever else lives there
}

bool Supports(const pb::Descriptor* d, std::set<const pb::Descriptor*>* seen) {
  if (!seen->insert(d).second) return true;  // recursive types: checked once
  const Known k = KnownType(d);
  if (k == Known::kUnsupported) return false;
  if (k != Known::kNone) return true;
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    if (f->cpp_type() == FD::CPPTYPE_MESSAGE && !Supports(f->message_type(), seen)) return false;
  }
  return true;
}

void AppendMessage(const pb::Message& m, std::string* out);

// One value of field `f` (element `index` when repeated).
void AppendValue(const pb::Message& m, const FD* f, int index, std::string* out) {
  const pb::Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FD::CPPTYPE_INT32:
      AppendInt(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f), false, out);
      break;
    case FD::CPPTYPE_UINT32:
      AppendInt(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f), false, out);
      break;
    case FD::CPPTYPE_INT64:
      AppendInt(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f), true, out);
      break;
    case FD::CPPTYPE_UINT64:
      AppendInt(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f), true, out);
      break;
    case FD::CPPTYPE_DOUBLE:
      AppendFloat(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f), out);
      break;
    case FD::CPPTYPE_FLOAT:
      AppendFloat(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f), out);
      break;
    case FD::CPPTYPE_BOOL:
      out->append((rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false");
      break;
    case FD::CPPTYPE_ENUM:
      AppendEnum(f->enum_type(), rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f), out);
      break;
    case FD::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = rep ? r->GetRepeatedStringReference(m, f, index, &scratch)
                                 : r->GetStringReference(m, f, &scratch);
      if (f->type() == FD::TYPE_BYTES) AppendBase64(s, out);
      else AppendString(s, out);
      break;
    }
    case FD::CPPTYPE_MESSAGE:
      AppendMessage(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), out);
      break;
  }
}

// A map field: its entries' keys become JSON object keys.
void AppendMap(const pb::Message& m, const FD* f, std::string* out) {
  const pb::Reflection* r = m.GetReflection();
  const FD* key = f->message_type()->map_key();
  const FD* value = f->message_type()->map_value();
  out->push_back('{');
  const int n = r->FieldSize(m, f);
  for (int i = 0; i < n; ++i) {
    const pb::Message& entry = r->GetRepeatedMessage(m, f, i);
    if (i > 0) out->push_back(',');
    if (key->cpp_type() == FD::CPPTYPE_STRING) {
      AppendValue(entry, key, 0, out);
    } else {
      std::string text;
      AppendValue(entry, key, 0, &text);  // numbers and bools, quoted once (int64 keys already are)
      if (text.front() == '"') out->append(text);
      else out->append("\"").append(text).append("\"");
    }
    out->push_back(':');
    AppendValue(entry, value, 0, out);
  }
  out->push_back('}');
}

void AppendField(const pb::Message& m, const FD* f, std::string* out) {
  const pb::Reflection* r = m.GetReflection();
  if (f->is_map()) {
    AppendMap(m, f, out);
  } else if (f->is_repeated()) {
    out->push_back('[');
    const int n = r->FieldSize(m, f);
    for (int i = 0; i < n; ++i) {
      if (i > 0) out->push_back(',');
      AppendValue(m, f, i, out);
    }
    out->push_back(']');
  } else {
    AppendValue(m, f, 0, out);
  }
}

void AppendMessage(const pb::Message& m, std::string* out) {
  const pb::Descriptor* d = m.GetDescriptor();
  const pb::Reflection* r = m.GetReflection();
  switch (KnownType(d)) {
    case Known::kTimestamp:
      AppendTimestamp(r->GetInt64(m, d->field(0)), r->GetInt32(m, d->field(1)), out);
      return;
    case Known::kDuration:
      AppendDuration(r->GetInt64(m, d->field(0)), r->GetInt32(m, d->field(1)), out);
      return;
    case Known::kWrapper:
      AppendValue(m, d->field(0), 0, out);
      return;
    case Known::kStruct:
      AppendMap(m, d->field(0), out);
      return;
    case Known::kListValue:
      AppendField(m, d->field(0), out);
      return;
    case Known::kValue: {
      std::vector<const FD*> set;
      r->ListFields(m, &set);
      if (set.empty()) out->append("null");
      else AppendValue(m, set.front(), 0, out);
      return;
    }
    case Known::kEmpty:
    case Known::kNone:
    case Known::kUnsupported:  // not reached: ProtoJsonSupports said no
      break;
  }
  out->push_back('{');
  bool first = true;
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    // Presence: print a field that has it only when set; the rest always.
    const bool has_presence = !f->is_repeated() && f->has_presence();
    if (has_presence && !r->HasField(m, f)) continue;
    if (!first) out->push_back(',');
    first = false;
    AppendString(f->name(), out);
    out->push_back(':');
    AppendField(m, f, out);
  }
  out->push_back('}');
}
}  // namespace

bool ProtoJsonSupports(const pb::Descriptor* type) {
  std::set<const pb::Descriptor*> seen;
  return Supports(type, &seen);
}

void WriteProtoJson(const pb::Message& message, std::string* out) { AppendMessage(message, out); }

}  // namespace sluice
