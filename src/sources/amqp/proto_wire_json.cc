#include "sources/amqp/proto_wire_json.h"

#include <google/protobuf/descriptor.h>
#include <simdjson.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <set>

#include "sources/amqp/proto_json_values.h"

namespace sluice {
namespace pb = google::protobuf;

namespace {
using FD = pb::FieldDescriptor;

constexpr int kMaxDepth = 100;  // protobuf's own default recursion limit
constexpr int kMaxTableNumber = 4096;  // field numbers up to this are looked up in a table
constexpr int kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5;

bool IsTimestamp(const pb::Descriptor* d) { return d->full_name() == "google.protobuf.Timestamp"; }

bool Supported(const pb::Descriptor* d, std::set<const pb::Descriptor*>* seen) {
  if (!seen->insert(d).second) return true;  // recursive types: checked once
  if (IsTimestamp(d)) return true;
  if (d->file()->package() == "google.protobuf" || d->real_oneof_decl_count() > 0) return false;
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    if (f->is_map() || f->is_required() || f->type() == FD::TYPE_GROUP) return false;
    if (f->type() == FD::TYPE_MESSAGE && !Supported(f->message_type(), seen)) return false;
  }
  return true;
}

// The wire type a value of `f` is written with when not packed.
int WireTypeOf(const FD* f) {
  switch (f->type()) {
    case FD::TYPE_FIXED64:
    case FD::TYPE_SFIXED64:
    case FD::TYPE_DOUBLE:
      return kFixed64;
    case FD::TYPE_FIXED32:
    case FD::TYPE_SFIXED32:
    case FD::TYPE_FLOAT:
      return kFixed32;
    case FD::TYPE_STRING:
    case FD::TYPE_BYTES:
    case FD::TYPE_MESSAGE:
      return kLengthDelimited;
    default:
      return kVarint;
  }
}

bool ReadVarint(const char** p, const char* end, uint64_t* value) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    const auto byte = static_cast<uint8_t>(*(*p)++);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *value = v;
      return shift < 63 || byte <= 1;  // a tenth byte carries one bit at most
    }
  }
  return false;  // truncated, or longer than ten bytes
}

bool ReadFixed(const char** p, const char* end, size_t size, uint64_t* value) {
  if (static_cast<size_t>(end - *p) < size) return false;
  uint64_t v = 0;
  std::memcpy(&v, *p, size);  // little-endian, as on the wire (x86-64, aarch64)
  *p += size;
  *value = v;
  return true;
}

template <typename T, typename Bits>
T FromBits(uint64_t bits) {
  const auto narrow = static_cast<Bits>(bits);
  T v;
  std::memcpy(&v, &narrow, sizeof v);
  return v;
}

void AppendDefault(const FD* f, std::string* out) {
  switch (f->cpp_type()) {
    case FD::CPPTYPE_INT32: AppendInt(f->default_value_int32(), false, out); break;
    case FD::CPPTYPE_UINT32: AppendInt(f->default_value_uint32(), false, out); break;
    case FD::CPPTYPE_INT64: AppendInt(f->default_value_int64(), true, out); break;
    case FD::CPPTYPE_UINT64: AppendInt(f->default_value_uint64(), true, out); break;
    case FD::CPPTYPE_DOUBLE: AppendFloat(f->default_value_double(), out); break;
    case FD::CPPTYPE_FLOAT: AppendFloat(f->default_value_float(), out); break;
    case FD::CPPTYPE_BOOL: out->append(f->default_value_bool() ? "true" : "false"); break;
    case FD::CPPTYPE_ENUM: AppendEnum(f->enum_type(), f->default_value_enum()->number(), out); break;
    case FD::CPPTYPE_STRING:
      if (f->type() == FD::TYPE_BYTES) AppendBase64(f->default_value_string(), out);
      else AppendString(f->default_value_string(), out);
      break;
    case FD::CPPTYPE_MESSAGE: break;  // not reached: message fields have presence
  }
}
}  // namespace

bool ProtoWireJson::Supports(const pb::Descriptor* type) {
  std::set<const pb::Descriptor*> seen;
  return Supported(type, &seen);
}

bool ProtoWireJson::Write(const pb::Descriptor* type, std::string_view bytes, std::string* out) {
  if (values_.empty()) values_.resize(kMaxDepth + 1);  // never resized again: the levels are referenced
  const size_t mark = out->size();
  if (bytes.size() > static_cast<size_t>(INT_MAX) || !WriteMessage(type, bytes, 0, out)) {
    out->resize(mark);
    return false;
  }
  return true;
}

const ProtoWireJson::Plan& ProtoWireJson::PlanFor(const pb::Descriptor* type) {
  auto [it, added] = plans_.try_emplace(type);
  if (added) {
    int max_number = 0;
    for (int i = 0; i < type->field_count(); ++i) max_number = std::max(max_number, type->field(i)->number());
    // Field numbers go up to 2^29 - 1: a table only for the usual small ones.
    if (max_number <= kMaxTableNumber) {
      it->second.index_by_number.assign(static_cast<size_t>(max_number) + 1, -1);
      for (int i = 0; i < type->field_count(); ++i) it->second.index_by_number[type->field(i)->number()] = i;
    }
  }
  return it->second;
}

int ProtoWireJson::FieldIndex(const pb::Descriptor* type, const Plan& plan, uint64_t number) {
  if (number < plan.index_by_number.size()) return plan.index_by_number[number];
  if (!plan.index_by_number.empty() || number == 0 || number > INT_MAX) return -1;
  const FD* f = type->FindFieldByNumber(static_cast<int>(number));
  return f == nullptr ? -1 : f->index();
}

bool ProtoWireJson::Read(const pb::Descriptor* type, std::string_view bytes, int depth) {
  const Plan& plan = PlanFor(type);
  std::vector<Value>& values = values_[depth];
  values.clear();
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  while (p < end) {
    uint64_t tag;
    if (!ReadVarint(&p, end, &tag)) return false;
    const uint64_t number = tag >> 3;
    const int wire = static_cast<int>(tag & 7);
    const int index = FieldIndex(type, plan, number);
    if (index < 0) return false;
    const FD* f = type->field(index);
    const int expected = WireTypeOf(f);
    Value v{index, 0, {}};
    if (wire == kVarint || wire == kFixed64 || wire == kFixed32) {
      if (wire != expected) return false;
      const bool read = wire == kVarint ? ReadVarint(&p, end, &v.number)
                                        : ReadFixed(&p, end, wire == kFixed64 ? 8 : 4, &v.number);
      if (!read) return false;
      values.push_back(v);
      continue;
    }
    if (wire != kLengthDelimited) return false;  // groups, or not protobuf
    uint64_t length;
    if (!ReadVarint(&p, end, &length) || length > static_cast<uint64_t>(end - p)) return false;
    const std::string_view payload(p, length);
    p += length;
    if (expected == kLengthDelimited) {
      // A singular message sent twice is merged by protobuf: leave that to it.
      if (f->type() == FD::TYPE_MESSAGE && !f->is_repeated())
        for (const Value& seen : values)
          if (seen.field == index) return false;
      v.bytes = payload;
      values.push_back(v);
      continue;
    }
    if (!f->is_repeated()) return false;  // packed, but not a repeated scalar
    const char* q = payload.data();
    const char* q_end = q + payload.size();
    while (q < q_end) {
      const bool read = expected == kVarint ? ReadVarint(&q, q_end, &v.number)
                                            : ReadFixed(&q, q_end, expected == kFixed64 ? 8 : 4, &v.number);
      if (!read) return false;
      values.push_back(v);
    }
  }
  return true;
}

bool ProtoWireJson::WriteMessage(const pb::Descriptor* type, std::string_view bytes, int depth, std::string* out) {
  if (depth >= kMaxDepth || !Read(type, bytes, depth)) return false;
  const std::vector<Value>& values = values_[depth];
  if (IsTimestamp(type)) {  // fields 1 and 2: seconds and nanos; the last of each wins
    uint64_t seconds = 0, nanos = 0;
    for (const Value& v : values) (v.field == 0 ? seconds : nanos) = v.number;
    AppendTimestamp(static_cast<int64_t>(seconds), static_cast<int32_t>(nanos), out);
    return true;
  }
  out->push_back('{');
  bool first = true;
  for (int i = 0; i < type->field_count(); ++i) {
    const FD* f = type->field(i);
    const Value* last = nullptr;
    if (!f->is_repeated()) {
      for (const Value& v : values)
        if (v.field == i) last = &v;
      // Presence: print a field that has it only when set; the rest always.
      if (last == nullptr && f->has_presence()) continue;
    }
    if (!first) out->push_back(',');
    first = false;
    AppendString(f->name(), out);
    out->push_back(':');
    if (f->is_repeated()) {
      out->push_back('[');
      bool first_element = true;
      for (const Value& v : values) {
        if (v.field != i) continue;
        if (!first_element) out->push_back(',');
        first_element = false;
        if (!WriteValue(f, v, depth, out)) return false;
      }
      out->push_back(']');
    } else if (last != nullptr) {
      if (!WriteValue(f, *last, depth, out)) return false;
    } else {
      AppendDefault(f, out);
    }
  }
  out->push_back('}');
  return true;
}

bool ProtoWireJson::WriteValue(const FD* f, const Value& v, int depth, std::string* out) {
  switch (f->type()) {
    case FD::TYPE_INT32: AppendInt(static_cast<int32_t>(v.number), false, out); return true;
    case FD::TYPE_SFIXED32: AppendInt(static_cast<int32_t>(static_cast<uint32_t>(v.number)), false, out); return true;
    case FD::TYPE_SINT32: {
      const auto n = static_cast<uint32_t>(v.number);
      AppendInt(static_cast<int32_t>((n >> 1) ^ (~(n & 1) + 1)), false, out);
      return true;
    }
    case FD::TYPE_UINT32:
    case FD::TYPE_FIXED32: AppendInt(static_cast<uint32_t>(v.number), false, out); return true;
    case FD::TYPE_INT64:
    case FD::TYPE_SFIXED64: AppendInt(static_cast<int64_t>(v.number), true, out); return true;
    case FD::TYPE_SINT64: AppendInt(static_cast<int64_t>((v.number >> 1) ^ (~(v.number & 1) + 1)), true, out); return true;
    case FD::TYPE_UINT64:
    case FD::TYPE_FIXED64: AppendInt(v.number, true, out); return true;
    case FD::TYPE_BOOL: out->append(v.number != 0 ? "true" : "false"); return true;
    case FD::TYPE_FLOAT: AppendFloat(FromBits<float, uint32_t>(v.number), out); return true;
    case FD::TYPE_DOUBLE: AppendFloat(FromBits<double, uint64_t>(v.number), out); return true;
    case FD::TYPE_ENUM: {
      const auto number = static_cast<int32_t>(v.number);
      // A proto2 (closed) enum keeps numbers it does not declare among the
      // unknown fields: the reflection path decides about those.
      if (f->enum_type()->FindValueByNumber(number) == nullptr &&
          f->enum_type()->file()->syntax() == pb::FileDescriptor::SYNTAX_PROTO2)
        return false;
      AppendEnum(f->enum_type(), number, out);
      return true;
    }
    case FD::TYPE_STRING:
      // Text that is not UTF-8 fails a proto3 parse; let the reflection path say so.
      if (!simdjson::validate_utf8(v.bytes.data(), v.bytes.size())) return false;
      AppendString(v.bytes, out);
      return true;
    case FD::TYPE_BYTES: AppendBase64(v.bytes, out); return true;
    case FD::TYPE_MESSAGE: return WriteMessage(f->message_type(), v.bytes, depth + 1, out);
    case FD::TYPE_GROUP: return false;  // not reached: Supports says no
  }
  return false;
}

}  // namespace sluice
