#include "sources/amqp/proto_json_values.h"

#include <google/protobuf/descriptor.h>
#include <openssl/evp.h>
#include <simdjson.h>

#include "base/clock.h"
#include "base/utf8.h"

namespace sluice {
namespace {

// `n` as exactly `width` digits.
void AppendDigits(int64_t n, int width, std::string* out) {
  char buffer[20];
  for (int i = width - 1; i >= 0; --i, n /= 10) buffer[i] = static_cast<char>('0' + n % 10);
  out->append(buffer, static_cast<size_t>(width));
}

// 0, 3, 6 or 9 digits of a fraction of a second, as protobuf prints them.
void AppendNanos(int32_t nanos, std::string* out) {
  if (nanos == 0) return;
  out->push_back('.');
  if (nanos % 1'000'000 == 0) AppendDigits(nanos / 1'000'000, 3, out);
  else if (nanos % 1'000 == 0) AppendDigits(nanos / 1'000, 6, out);
  else AppendDigits(nanos, 9, out);
}

}  // namespace

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

void AppendEnum(const google::protobuf::EnumDescriptor* type, int number, std::string* out) {
  if (type->full_name() == "google.protobuf.NullValue") {
    out->append("null");
  } else if (const google::protobuf::EnumValueDescriptor* v = type->FindValueByNumber(number)) {
    AppendString(v->name(), out);
  } else {
    AppendInt(number, false, out);
  }
}

}  // namespace sluice
