#include "catalog/cast.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include <simdjson.h>

#include "base/clock.h"

namespace sluice {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view KindName(JsonScalar::Kind kind) {
  switch (kind) {
    case JsonScalar::Kind::kString: return "a string";
    case JsonScalar::Kind::kNumber: return "a number";
    case JsonScalar::Kind::kBoolean: return "a boolean";
    case JsonScalar::Kind::kObject: return "an object";
    case JsonScalar::Kind::kArray: return "an array";
  }
  return "a value";
}

// A decimal number as digits and a power of ten: value = sign * digits * 10^exponent.
struct DecimalText {
  bool negative = false;
  std::string digits;  // no leading zeros; empty means zero
  int64_t exponent = 0;
};

constexpr int64_t kExponentLimit = 100'000;  // beyond any precision we store

bool ParseDecimalText(std::string_view text, DecimalText* out) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) out->negative = text[i++] == '-';
  std::string digits;
  size_t int_digits = 0, frac_digits = 0;
  while (i < text.size() && IsDigit(text[i])) { digits.push_back(text[i++]); ++int_digits; }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && IsDigit(text[i])) { digits.push_back(text[i++]); ++frac_digits; }
  }
  if (int_digits + frac_digits == 0) return false;
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool neg_exp = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) neg_exp = text[i++] == '-';
    if (i == text.size()) return false;
    while (i < text.size() && IsDigit(text[i])) {
      if (exponent < kExponentLimit) exponent = exponent * 10 + (text[i] - '0');
      ++i;
    }
    if (neg_exp) exponent = -exponent;
  }
  if (i != text.size()) return false;
  const size_t first_nonzero = digits.find_first_not_of('0');
  out->digits = first_nonzero == std::string::npos ? "" : digits.substr(first_nonzero);
  out->exponent = exponent - static_cast<int64_t>(frac_digits);
  return true;
}

// Adds one to a string of decimal digits.
void IncrementDigits(std::string* digits) {
  for (size_t i = digits->size(); i-- > 0;) {
    if ((*digits)[i] != '9') { ++(*digits)[i]; return; }
    (*digits)[i] = '0';
  }
  digits->insert(digits->begin(), '1');
}

size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Reads exactly `n` digits at *pos.
bool ReadDigits(std::string_view s, size_t* pos, int n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (int k = 0; k < n; ++k) {
    const char c = s[*pos + k];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

bool ParseDate(std::string_view s, size_t* pos, int* y, int* m, int* d, std::string* error) {
  if (!ReadDigits(s, pos, 4, y) || *pos >= s.size() || s[(*pos)++] != '-' ||
      !ReadDigits(s, pos, 2, m) || *pos >= s.size() || s[(*pos)++] != '-' ||
      !ReadDigits(s, pos, 2, d)) {
    *error = "expected a date as YYYY-MM-DD";
    return false;
  }
  if (*m < 1 || *m > 12) { *error = fmt::format("month {} is out of range", *m); return false; }
  if (*y < 1) { *error = "year 0000 is out of range"; return false; }
  if (*d < 1 || *d > DaysInMonth(*y, *m)) {
    *error = fmt::format("day {} is out of range for {:04}-{:02}", *d, *y, *m);
    return false;
  }
  return true;
}

bool CastInt(std::string_view text, Value* out, std::string* error) {
  DecimalText dec;
  if (!ParseDecimalText(text, &dec)) { *error = "not a number"; return false; }
  std::string digits = dec.digits;
  if (!digits.empty() && dec.exponent < 0) {
    const size_t drop = static_cast<size_t>(std::min<int64_t>(-dec.exponent, 1'000'000));
    if (drop > digits.size() || digits.find_first_not_of('0', digits.size() - drop) != std::string::npos) {
      *error = "not an integer";
      return false;
    }
    digits.resize(digits.size() - drop);
  } else if (!digits.empty()) {
    if (dec.exponent > 19) { *error = "out of range for int (64-bit)"; return false; }
    digits.append(static_cast<size_t>(dec.exponent), '0');
  }
  if (digits.empty()) { *out = Value::Int(0); return true; }
  if (dec.negative) digits.insert(digits.begin(), '-');
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    *error = "out of range for int (64-bit)";
    return false;
  }
  *out = Value::Int(v);
  return true;
}

bool CastDouble(std::string_view text, Value* out, std::string* error) {
  DecimalText dec;
  if (!ParseDecimalText(text, &dec)) { *error = "not a number"; return false; }
  std::string_view t = text;
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v)) {
    *error = "out of range for double";
    return false;
  }
  *out = Value::Real(v);
  return true;
}

bool CastBoolean(const JsonScalar& in, Value* out, std::string* error) {
  const std::string_view t = in.text;
  const auto iequals = [&](std::string_view word) {
    return t.size() == word.size() &&
           std::equal(t.begin(), t.end(), word.begin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  };
  if (in.kind == JsonScalar::Kind::kBoolean || in.kind == JsonScalar::Kind::kString) {
    if (iequals("true")) { *out = Value::Int(1); return true; }
    if (iequals("false")) { *out = Value::Int(0); return true; }
  }
  if (in.kind == JsonScalar::Kind::kNumber && (t == "0" || t == "1")) {
    *out = Value::Int(t == "1");
    return true;
  }
  *error = "expected true or false (or \"true\", \"false\", 0, 1)";
  return false;
}

bool CastText(const JsonScalar& in, const ColumnType& type, Value* out, std::string* arena,
              std::string* error) {
  if (in.kind == JsonScalar::Kind::kObject || in.kind == JsonScalar::Kind::kArray) {
    *error = fmt::format("{} cannot be cast to {}; declare the column as json", KindName(in.kind),
                         type.ToString());
    return false;
  }
  if (type.kind == TypeKind::kVarchar) {
    const size_t chars = CountCodePoints(in.text);
    if (chars > static_cast<size_t>(type.length)) {
      *error = fmt::format("{} characters is longer than varchar({})", chars, type.length);
      return false;
    }
  }
  *out = Value::Text(in.text, arena);
  return true;
}

bool CastJsonText(const JsonScalar& in, Value* out, std::string* arena, std::string* error) {
  const size_t start = arena->size();
  arena->resize(start + in.raw.size());
  size_t length = 0;
  if (simdjson::minify(in.raw.data(), in.raw.size(), arena->data() + start, length) != simdjson::SUCCESS) {
    arena->resize(start);
    *error = "not valid JSON";
    return false;
  }
  arena->resize(start + length);
  Value v;
  v.kind = Value::Kind::kText;
  v.text_offset = static_cast<uint32_t>(start);
  v.text_length = static_cast<uint32_t>(length);
  *out = v;
  return true;
}

}  // namespace

bool RoundDecimal(std::string_view text, int precision, int scale, std::string* out,
                  std::string* error) {
  DecimalText dec;
  if (!ParseDecimalText(text, &dec)) {
    *error = "not a number";
    return false;
  }
  // scaled = round(digits * 10^(exponent + scale)), half away from zero.
  std::string scaled;
  const int64_t shift = dec.exponent + scale;
  if (!dec.digits.empty()) {
    const int64_t len = static_cast<int64_t>(dec.digits.size());
    if (shift >= 0) {
      if (len + shift > precision) {
        *error = fmt::format("does not fit number({},{}): more than {} digits before the decimal point",
                             precision, scale, precision - scale);
        return false;
      }
      scaled = dec.digits + std::string(static_cast<size_t>(shift), '0');
    } else {
      const int64_t drop = -shift;
      if (drop <= len) {
        scaled = dec.digits.substr(0, static_cast<size_t>(len - drop));
        if (dec.digits[static_cast<size_t>(len - drop)] >= '5') {
          if (scaled.empty()) scaled = "0";
          IncrementDigits(&scaled);
        }
      }
      const size_t nz = scaled.find_first_not_of('0');
      scaled = nz == std::string::npos ? "" : scaled.substr(nz);
      if (static_cast<int64_t>(scaled.size()) > precision) {
        *error = fmt::format("does not fit number({},{}): more than {} digits before the decimal point",
                             precision, scale, precision - scale);
        return false;
      }
    }
  }
  if (scaled.size() < static_cast<size_t>(scale) + 1)
    scaled.insert(0, static_cast<size_t>(scale) + 1 - scaled.size(), '0');
  const bool is_zero = scaled.find_first_not_of('0') == std::string::npos;
  out->clear();
  if (dec.negative && !is_zero) out->push_back('-');
  out->append(scaled, 0, scaled.size() - static_cast<size_t>(scale));
  if (scale > 0) {
    out->push_back('.');
    out->append(scaled, scaled.size() - static_cast<size_t>(scale), std::string::npos);
  }
  return true;
}

bool ParseTimestamp(std::string_view s, int64_t* micros, std::string* error) {
  size_t pos = 0;
  int y, mo, d;
  if (!ParseDate(s, &pos, &y, &mo, &d, error)) {
    if (pos < 10) *error = "expected an ISO-8601 timestamp (YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM])";
    return false;
  }
  int h = 0, mi = 0, sec = 0;
  int64_t nanos = 0;
  const bool has_time = pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ');
  if (has_time) {
    ++pos;
    if (!ReadDigits(s, &pos, 2, &h) || pos >= s.size() || s[pos++] != ':' || !ReadDigits(s, &pos, 2, &mi)) {
      *error = "expected a time as HH:MM[:SS[.fraction]] after the date";
      return false;
    }
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!ReadDigits(s, &pos, 2, &sec)) { *error = "expected two digits of seconds"; return false; }
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        int digits = 0;
        while (pos < s.size() && IsDigit(s[pos])) {
          if (++digits > 9) { *error = "more than 9 fraction digits"; return false; }
          nanos = nanos * 10 + (s[pos++] - '0');
        }
        if (digits == 0) { *error = "expected fraction digits after the decimal point"; return false; }
        for (int k = digits; k < 9; ++k) nanos *= 10;
      }
    }
    if (h > 23) { *error = fmt::format("hour {} is out of range", h); return false; }
    if (mi > 59) { *error = fmt::format("minute {} is out of range", mi); return false; }
    if (sec > 59) { *error = fmt::format("second {} is out of range", sec); return false; }
  }
  int64_t offset_minutes = 0;
  if (has_time && pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (has_time && pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const bool negative = s[pos++] == '-';
    int oh = 0, om = 0;
    if (!ReadDigits(s, &pos, 2, &oh)) { *error = "expected an offset as ±HH:MM or ±HHMM"; return false; }
    const bool colon = pos < s.size() && s[pos] == ':';
    if (colon) ++pos;
    if ((colon || pos < s.size()) && !ReadDigits(s, &pos, 2, &om)) {
      *error = "expected an offset as ±HH:MM or ±HHMM";
      return false;
    }
    if (oh > 23 || om > 59) { *error = "offset out of range"; return false; }
    offset_minutes = (negative ? -1 : 1) * (oh * 60 + om);
  }
  if (pos != s.size()) {
    *error = fmt::format("unexpected '{}' at character {}", s.substr(pos, 1), pos + 1);
    return false;
  }
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t t = ((days * 24 + h) * 60 + mi - offset_minutes) * 60 + sec;
  t = t * 1'000'000 + (nanos + 500) / 1000;  // round half up to microseconds
  constexpr int64_t kMin = -62135596800LL * 1'000'000;        // 0001-01-01 00:00:00
  constexpr int64_t kMax = 253402300800LL * 1'000'000 - 1;    // 9999-12-31 23:59:59.999999
  if (t < kMin || t > kMax) {
    *error = "outside the years 0001-9999 once converted to UTC";
    return false;
  }
  *micros = t;
  return true;
}

bool CastValue(const JsonScalar& in, const ColumnType& type, Value* out, std::string* arena,
               std::string* error) {
  const bool numeric_text = in.kind == JsonScalar::Kind::kNumber || in.kind == JsonScalar::Kind::kString;
  switch (type.kind) {
    case TypeKind::kString:
    case TypeKind::kVarchar:
      return CastText(in, type, out, arena, error);
    case TypeKind::kJson:
      return CastJsonText(in, out, arena, error);
    case TypeKind::kBoolean:
      return CastBoolean(in, out, error);
    case TypeKind::kInt:
    case TypeKind::kDouble:
    case TypeKind::kDecimal: {
      if (!numeric_text) {
        *error = fmt::format("{} cannot be cast to {}", KindName(in.kind), type.ToString());
        return false;
      }
      if (type.kind == TypeKind::kInt) return CastInt(in.text, out, error);
      if (type.kind == TypeKind::kDouble) return CastDouble(in.text, out, error);
      std::string rounded;
      if (!RoundDecimal(in.text, type.precision, type.scale, &rounded, error)) return false;
      double v = 0;
      std::from_chars(rounded.data(), rounded.data() + rounded.size(), v);
      *out = Value::Real(v == 0 ? 0.0 : v);  // no negative zero
      return true;
    }
    case TypeKind::kDate:
    case TypeKind::kTimestamp: {
      if (in.kind != JsonScalar::Kind::kString) {
        *error = fmt::format("{} cannot be cast to {}; expected a string", KindName(in.kind), type.ToString());
        return false;
      }
      if (type.kind == TypeKind::kDate) {
        size_t pos = 0;
        int y, m, d;
        if (!ParseDate(in.text, &pos, &y, &m, &d, error)) return false;
        if (pos != in.text.size()) {
          *error = "expected a date as YYYY-MM-DD; use type timestamp for date and time";
          return false;
        }
        *out = Value::Text(in.text, arena);
        return true;
      }
      int64_t micros = 0;
      if (!ParseTimestamp(in.text, &micros, error)) return false;
      char text[kTimestampLength];
      FormatTimestampTo(micros, text);
      *out = Value::Text(std::string_view(text, kTimestampLength), arena);
      return true;
    }
  }
  *error = "unknown type";
  return false;
}

std::string KeyValueText(const Value& v, const std::string& arena) {
  switch (v.kind) {
    case Value::Kind::kInt: return std::to_string(v.int_value);
    case Value::Kind::kReal: return fmt::format("{}", v.real_value);
    case Value::Kind::kText: return std::string(v.text(arena));
    case Value::Kind::kNull: break;
  }
  return {};
}

int CompareValues(const Value& a, const Value& b, const std::string& arena) {
  switch (a.kind) {
    case Value::Kind::kInt: return a.int_value < b.int_value ? -1 : a.int_value > b.int_value;
    case Value::Kind::kReal: return a.real_value < b.real_value ? -1 : a.real_value > b.real_value;
    case Value::Kind::kText: return a.text(arena).compare(b.text(arena));
    case Value::Kind::kNull: return 0;
  }
  return 0;
}

}  // namespace sluice
