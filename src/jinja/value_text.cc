// Values as text: Python's float repr and JSON (Jinja's `tojson`).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "jinja/value.h"

namespace sluice::jinja {

std::string FormatFloat(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  // The shortest digits that read back the same, then laid out as Python's
  // repr does: positional for exponents -4..15, else 1.5e+16.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(end - buf));
  const size_t e_at = sci.find('e');
  std::string_view mantissa = sci.substr(0, e_at);
  int exponent = 0;
  std::from_chars(sci.data() + e_at + 1 + (sci[e_at + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exponent);
  std::string out;
  if (mantissa.front() == '-') {
    out += '-';
    mantissa.remove_prefix(1);
  }
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  if (exponent >= 16 || exponent < -4) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += exponent < 0 ? "e-" : "e+";
    const int magnitude = std::abs(exponent);
    if (magnitude < 10) out += '0';
    out += std::to_string(magnitude);
    return out;
  }
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out += digits;
    return out;
  }
  const size_t int_digits = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= int_digits) {
    out += digits;
    out.append(int_digits - digits.size(), '0');
    out += ".0";
  } else {
    out += digits.substr(0, int_digits);
    out += '.';
    out += digits.substr(int_digits);
  }
  return out;
}

namespace {

void AppendJsonString(std::string_view s, std::string* out) {
  *out += '"';
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"': *out += "\\\""; break;
        case '\\': *out += "\\\\"; break;
        case '\n': *out += "\\n"; break;
        case '\r': *out += "\\r"; break;
        case '\t': *out += "\\t"; break;
        case '\b': *out += "\\b"; break;
        case '\f': *out += "\\f"; break;
        // Jinja's htmlsafe_json_dumps: safe inside <script>, SQL and HTML attributes.
        case '<': *out += "\\u003c"; break;
        case '>': *out += "\\u003e"; break;
        case '&': *out += "\\u0026"; break;
        case '\'': *out += "\\u0027"; break;
        default:
          if (c < 0x20 || c == 0x7f) {
            *out += fmt::format("\\u{:04x}", c);
          } else {
            *out += static_cast<char>(c);
          }
      }
      continue;
    }
    // ensure_ascii: code points as \uXXXX, past the BMP as a surrogate pair;
    // invalid UTF-8 as U+FFFD.
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
    }
    if (len > 1 && i + len <= s.size()) {
      uint32_t v = c & (0xFF >> (len + 1));
      bool ok = true;
      for (size_t k = 1; k < len; ++k) {
        const auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80) ok = false;
        v = (v << 6) | (cc & 0x3F);
      }
      if (ok) cp = v;
    } else {
      len = 1;
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      *out += fmt::format("\\u{:04x}\\u{:04x}", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
    } else {
      *out += fmt::format("\\u{:04x}", cp);
    }
  }
  *out += '"';
}

Status AppendJson(const Value& value, int indent, int level, std::string* out) {
  if (level > 100) return Status::InvalidArgument("tojson: value nested too deeply (or holds itself)");
  auto newline = [&](int at) {
    if (indent <= 0) return;
    *out += '\n';
    out->append(static_cast<size_t>(indent * at), ' ');
  };
  const char* item_separator = indent > 0 ? "," : ", ";
  switch (value.kind()) {
    case Value::Kind::kNone: *out += "null"; return Status::Ok();
    case Value::Kind::kBool: *out += value.as_bool() ? "true" : "false"; return Status::Ok();
    case Value::Kind::kInt: *out += std::to_string(value.as_int()); return Status::Ok();
    case Value::Kind::kFloat: {
      const double d = value.as_float();
      if (std::isnan(d)) {
        *out += "NaN";
      } else if (std::isinf(d)) {
        *out += d < 0 ? "-Infinity" : "Infinity";
      } else {
        *out += FormatFloat(d);
      }
      return Status::Ok();
    }
    case Value::Kind::kString: AppendJsonString(value.as_string(), out); return Status::Ok();
    case Value::Kind::kList: {
      const List& items = value.as_list();
      if (items.empty()) {
        *out += "[]";
        return Status::Ok();
      }
      *out += '[';
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) *out += item_separator;
        newline(level + 1);
        RETURN_IF_ERROR(AppendJson(items[i], indent, level + 1, out));
      }
      newline(level);
      *out += ']';
      return Status::Ok();
    }
    case Value::Kind::kDict: {
      const Dict& dict = value.as_dict();
      if (dict.empty()) {
        *out += "{}";
        return Status::Ok();
      }
      std::vector<const Dict::Entry*> entries;
      for (const Dict::Entry& entry : dict) entries.push_back(&entry);
      std::sort(entries.begin(), entries.end(), [](const Dict::Entry* a, const Dict::Entry* b) { return a->first < b->first; });
      *out += '{';
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) *out += item_separator;
        newline(level + 1);
        AppendJsonString(entries[i]->first, out);
        *out += ": ";
        RETURN_IF_ERROR(AppendJson(entries[i]->second, indent, level + 1, out));
      }
      newline(level);
      *out += '}';
      return Status::Ok();
    }
    case Value::Kind::kUndefined:
      return Status::InvalidArgument(fmt::format("tojson: '{}' is undefined", value.undefined_name()));
    default:
      return Status::InvalidArgument(fmt::format("tojson: a {} is not JSON serializable", value.TypeName()));
  }
}

}  // namespace

Result<std::string> ToJson(const Value& value, int indent) {
  std::string out;
  RETURN_IF_ERROR(AppendJson(value, indent, 0, &out));
  return out;
}

}  // namespace sluice::jinja
