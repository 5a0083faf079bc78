#include "sources/amqp/proto_json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <openssl/evp.h>
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "base/clock.h"
#include "base/utf8.h"

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

void AppendString(std::string_view s, std::string* out) {
  if (!simdjson::validate_utf8(s.data(), s.size())) {
    out->append(JsonQuote(s));  // replaces the bad bytes
    return;
  }
  out->push_back('"');
  size_t clean = 0;  // s[clean, i) needs no escaping
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + clean, i - clean);
    clean = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default: fmt::format_to(std::back_inserter(*out), "\\u{:04x}", c);
    }
  }
  out->append(s.data() + clean, s.size() - clean);
  out->push_back('"');
}

void AppendBase64(std::string_view bytes, std::string* out) {
  const size_t start = out->size();
  out->push_back('"');
  out->resize(start + 1 + 4 * ((bytes.size() + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out->data() + start + 1),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out->resize(start + 1 + static_cast<size_t>(n));
  out->push_back('"');
}

template <typename T>
void AppendInt(T v, bool quoted, std::string* out) {
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  if (quoted) out->push_back('"');
  out->append(buffer, end);
  if (quoted) out->push_back('"');
}

// `n` as exactly `width` digits.
void AppendDigits(int64_t n, int width, std::string* out) {
  char buffer[20];
  for (int i = width - 1; i >= 0; --i, n /= 10) buffer[i] = static_cast<char>('0' + n % 10);
  out->append(buffer, static_cast<size_t>(width));
}

template <typename T>
void AppendFloat(T v, std::string* out) {
  if (std::isnan(v)) out->append("\"NaN\"");
  else if (std::isinf(v)) out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  else fmt::format_to(std::back_inserter(*out), "{}", v);
}

// 0, 3, 6 or 9 digits of a fraction of a second, as protobuf prints them.
void AppendNanos(int32_t nanos, std::string* out) {
  if (nanos == 0) return;
  out->push_back('.');
  if (nanos % 1'000'000 == 0) AppendDigits(nanos / 1'000'000, 3, out);
  else if (nanos % 1'000 == 0) AppendDigits(nanos / 1'000, 6, out);
  else AppendDigits(nanos, 9, out);
}

void AppendTimestamp(int64_t seconds, int32_t nanos, std::string* out) {
  int64_t days = seconds / 86400, rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  out->push_back('"');
  if (y < 0 || y > 9999) {  // outside what RFC 3339 can say; protobuf refuses these, sluice keeps them
    AppendInt(y, false, out);
  } else {
    AppendDigits(y, 4, out);
  }
  const std::pair<int64_t, char> parts[] = {{m, '-'}, {d, 'T'}, {rest / 3600, ':'}, {rest / 60 % 60, ':'}, {rest % 60, 0}};
  out->push_back('-');
  for (const auto& [value, after] : parts) {
    AppendDigits(value, 2, out);
    if (after != 0) out->push_back(after);
  }
  AppendNanos(nanos, out);
  out->append("Z\"");
}

void AppendDuration(int64_t seconds, int32_t nanos, std::string* out) {
  out->push_back('"');
  if (seconds < 0 || nanos < 0) {
    out->push_back('-');
    seconds = -seconds;
    nanos = -nanos;
  }
  AppendInt(seconds, false, out);
  AppendNanos(nanos, out);
  out->append("s\"");
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
    case FD::CPPTYPE_ENUM: {
      const int number = rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
      if (f->enum_type()->full_name() == "google.protobuf.NullValue") {
        out->append("null");
      } else if (const pb::EnumValueDescriptor* v = f->enum_type()->FindValueByNumber(number)) {
        AppendString(v->name(), out);
      } else {
        AppendInt(number, false, out);
      }
      break;
    }
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
