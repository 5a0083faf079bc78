#include "warehouse/postgres/pg_binary_copy.h"

#include <bit>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "base/clock.h"

namespace sluice {
namespace {

// PostgreSQL counts dates and timestamps from 2000-01-01, not 1970-01-01.
constexpr int64_t kPgEpochDays = 10957;
constexpr int64_t kMicrosPerDay = 86'400'000'000;

// Network byte order, as every binary COPY integer is.
template <typename T>
void AppendBigEndian(T v, std::string* out) {
  using U = std::make_unsigned_t<T>;
  U u = static_cast<U>(v);
  if constexpr (std::endian::native == std::endian::little) {
    if constexpr (sizeof(U) == 2) u = __builtin_bswap16(u);
    else if constexpr (sizeof(U) == 4) u = __builtin_bswap32(u);
    else u = __builtin_bswap64(u);
  }
  char bytes[sizeof(U)];
  std::memcpy(bytes, &u, sizeof(U));
  out->append(bytes, sizeof(U));
}

void AppendLength(size_t n, std::string* out) { AppendBigEndian(static_cast<int32_t>(n), out); }

void AppendInt8(int64_t v, std::string* out) {
  AppendLength(8, out);
  AppendBigEndian(v, out);
}

void AppendText(std::string_view text, std::string* out) {
  AppendLength(text.size(), out);
  out->append(text);
}

// Reads exactly `n` ASCII digits of `s` at `pos`.
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool DaysSinceUnixEpoch(std::string_view text, int64_t* days) {
  int y = 0, m = 0, d = 0;
  if (text.size() < 10 || text[4] != '-' || text[7] != '-' || !Digits(text, 0, 4, &y) || !Digits(text, 5, 2, &m) ||
      !Digits(text, 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > 31)
    return false;
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// The double of a number(p,s) column as the numeric rounded to s places,
// without formatting its shortest text and parsing it back (a measurable part
// of the merge's encoding). The merge's decimals are RoundDecimal's exact
// text parsed, so v * 10^s lies within a rounding error of an integer n, and
// the shortest text rounded to s places (what the server stored) is n * 10^-s.
// Only where that is certain — |v * 10^s| < 1e13, so the product is off by
// under 0.01, and within 0.1 of n — otherwise false (and the caller takes the
// text's way).
bool AppendScaledDecimal(double v, int scale, std::string* out) {
  static constexpr double kPowers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
  if (scale < 0 || scale > 12) return false;
  const double scaled = v * kPowers[scale];
  if (!(scaled > -1e13 && scaled < 1e13)) return false;
  const int64_t n = std::llround(scaled);
  if (std::fabs(scaled - static_cast<double>(n)) > 0.1) return false;
  uint64_t magnitude = static_cast<uint64_t>(n < 0 ? -n : n);
  // Base-10000 groups of magnitude * 10^-scale, aligned on the decimal point:
  // pad the integer on the right so that its last group ends at a group boundary.
  const int pad = (4 - scale % 4) % 4;
  for (int i = 0; i < pad; ++i) magnitude *= 10;
  int16_t groups[8];
  int count = 0;
  while (magnitude > 0) {
    groups[count++] = static_cast<int16_t>(magnitude % 10000);
    magnitude /= 10000;
  }
  // groups[0] is the last; fraction groups: (scale + pad) / 4.
  const int fraction_groups = (scale + pad) / 4;
  int first = 0;  // drop trailing zero groups (the normal form)
  while (first < count && groups[first] == 0) ++first;
  const int ndigits = count - first;
  const int weight = ndigits == 0 ? 0 : count - 1 - fraction_groups;
  AppendLength(8 + 2 * static_cast<size_t>(ndigits), out);
  AppendBigEndian(static_cast<int16_t>(ndigits), out);
  AppendBigEndian(static_cast<int16_t>(weight), out);
  AppendBigEndian(static_cast<int16_t>(n < 0 && ndigits > 0 ? 0x4000 : 0x0000), out);
  AppendBigEndian(static_cast<int16_t>(scale), out);
  for (int i = count - 1; i >= first; --i) AppendBigEndian(groups[i], out);
  return true;
}

}  // namespace

void AppendBinaryCopyHeader(std::string* out) {
  static constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with its NUL
  out->append(kSignature, sizeof(kSignature));
  AppendBigEndian(int32_t{0}, out);  // flags: no OIDs
  AppendBigEndian(int32_t{0}, out);  // header extension length
}

void AppendBinaryCopyTrailer(std::string* out) { AppendBigEndian(int16_t{-1}, out); }

void AppendBinaryRowStart(int fields, std::string* out) { AppendBigEndian(static_cast<int16_t>(fields), out); }

void AppendBinaryNull(std::string* out) { AppendBigEndian(int32_t{-1}, out); }

namespace {

// pg_type.oid of the element types (stable across versions).
uint32_t ElementOid(TypeKind kind) {
  switch (kind) {
    case TypeKind::kString: return 25;     // text
    case TypeKind::kVarchar: return 1043;  // varchar
    case TypeKind::kInt: return 20;        // int8
    case TypeKind::kDecimal: return 1700;  // numeric
    case TypeKind::kDouble: return 701;    // float8
    case TypeKind::kBoolean: return 16;    // bool
    case TypeKind::kDate: return 1082;     // date
    case TypeKind::kTimestamp: return 1114;  // timestamp
    case TypeKind::kJson: return 3802;     // jsonb
  }
  return 25;
}

constexpr size_t kArrayHeaderBytes = 20;  // ndim, has-null flag, element type, length, lower bound

}  // namespace

void StartBinaryArray(std::string* out) { out->append(kArrayHeaderBytes, '\0'); }

void FinishBinaryArray(const ColumnType& type, int elements, bool has_null, std::string* out) {
  std::string header;
  AppendBigEndian(int32_t{1}, &header);  // one dimension
  AppendBigEndian(int32_t{has_null ? 1 : 0}, &header);
  AppendBigEndian(ElementOid(type.kind), &header);
  AppendBigEndian(int32_t{elements}, &header);
  AppendBigEndian(int32_t{1}, &header);  // lower bound
  out->replace(0, kArrayHeaderBytes, header);
}

std::string BinaryArrayTypeName(const ColumnType& type) {
  switch (type.kind) {
    case TypeKind::kString: return "text[]";
    case TypeKind::kVarchar: return "varchar[]";
    case TypeKind::kInt: return "bigint[]";
    case TypeKind::kDecimal: return "numeric[]";
    case TypeKind::kDouble: return "double precision[]";
    case TypeKind::kBoolean: return "boolean[]";
    case TypeKind::kDate: return "date[]";
    case TypeKind::kTimestamp: return "timestamp[]";
    case TypeKind::kJson: return "jsonb[]";
  }
  return "text[]";
}

bool AppendBinaryNumeric(std::string_view text, std::string* out) {
  // Split into sign, the significant digits and where the decimal point
  // falls among them, as numeric_in does, so the server sees the same exact
  // value (and rounds it to the column's scale itself, in numeric_recv).
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative = text[pos++] == '-';
  char digits[64];
  int ndigits = 0;        // significant digits kept in `digits`
  int64_t point = 0;      // digits before the decimal point, counted in `digits`' terms
  int64_t fraction = 0;   // digits written after the point
  bool seen_digit = false, after_point = false;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '.' && !after_point) { after_point = true; continue; }
    if (c < '0' || c > '9') break;
    seen_digit = true;
    if (after_point) ++fraction;
    if (ndigits == 0 && c == '0') {  // a leading zero: moves the point, holds no digit
      if (!after_point) continue;
      --point;
      continue;
    }
    if (ndigits == static_cast<int>(sizeof(digits))) return false;
    digits[ndigits++] = c;
    if (!after_point) ++point;
  }
  if (!seen_digit) return false;
  int64_t exponent = 0;
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    bool exp_negative = false;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) exp_negative = text[pos++] == '-';
    if (pos == text.size()) return false;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
      exponent = exponent * 10 + (text[pos] - '0');
      if (exponent > 100'000) return false;
    }
    if (exp_negative) exponent = -exponent;
  }
  if (pos != text.size()) return false;
  while (ndigits > 0 && digits[ndigits - 1] == '0') --ndigits;
  point += exponent;
  const int64_t dscale = std::max<int64_t>(0, fraction - exponent);
  if (dscale > 0x3FFF) return false;

  if (point > 100'000 || point < -100'000) return false;
  const size_t length_at = out->size();
  AppendBigEndian(int32_t{0}, out);  // the field's length, written below
  if (ndigits == 0) {
    AppendBigEndian(int16_t{0}, out);  // ndigits
    AppendBigEndian(int16_t{0}, out);  // weight
    AppendBigEndian(int16_t{0}, out);  // sign: a zero is positive
    AppendBigEndian(static_cast<int16_t>(dscale), out);
  } else {
    // Base-10000 groups are aligned on the decimal point: pad the front so
    // that the digits before the point fill whole groups.
    const int64_t lead = ((4 - point % 4) % 4 + 4) % 4;
    const int64_t weight = (point + lead) / 4 - 1;
    const int groups = static_cast<int>((lead + ndigits + 3) / 4);
    AppendBigEndian(static_cast<int16_t>(groups), out);
    AppendBigEndian(static_cast<int16_t>(weight), out);
    AppendBigEndian(static_cast<int16_t>(negative ? 0x4000 : 0x0000), out);
    AppendBigEndian(static_cast<int16_t>(dscale), out);
    for (int g = 0; g < groups; ++g) {
      int v = 0;
      for (int k = 0; k < 4; ++k) {
        const int64_t i = static_cast<int64_t>(g) * 4 + k - lead;  // index into digits
        v = v * 10 + (i >= 0 && i < ndigits ? digits[i] - '0' : 0);
      }
      AppendBigEndian(static_cast<int16_t>(v), out);
    }
  }
  const uint32_t length = static_cast<uint32_t>(out->size() - length_at - 4);
  const uint32_t be = std::endian::native == std::endian::little ? __builtin_bswap32(length) : length;
  std::memcpy(out->data() + length_at, &be, 4);
  return true;
}

bool AppendBinaryDate(std::string_view text, std::string* out) {
  int64_t days = 0;
  if (text.size() != 10 || !DaysSinceUnixEpoch(text, &days)) return false;
  AppendLength(4, out);
  AppendBigEndian(static_cast<int32_t>(days - kPgEpochDays), out);
  return true;
}

bool AppendBinaryTimestamp(std::string_view text, std::string* out) {
  // "YYYY-MM-DD HH:MM:SS.ffffff"
  int64_t days = 0;
  int h = 0, mi = 0, s = 0, f = 0;
  if (text.size() != kTimestampLength || !DaysSinceUnixEpoch(text, &days) || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':' || text[19] != '.' || !Digits(text, 11, 2, &h) || !Digits(text, 14, 2, &mi) ||
      !Digits(text, 17, 2, &s) || !Digits(text, 20, 6, &f))
    return false;
  const int64_t micros = (days - kPgEpochDays) * kMicrosPerDay + ((h * 60LL + mi) * 60 + s) * 1'000'000 + f;
  AppendInt8(micros, out);
  return true;
}

bool AppendBinaryField(const Value& value, const ColumnType& type, std::string_view arena, std::string* out) {
  if (value.is_null()) {
    AppendBinaryNull(out);
    return true;
  }
  const auto text = [&] { return arena.substr(value.text_offset, value.text_length); };
  switch (type.kind) {
    case TypeKind::kString:
    case TypeKind::kVarchar:
      if (value.kind != Value::Kind::kText) return false;
      AppendText(text(), out);
      return true;
    case TypeKind::kInt:
      if (value.kind != Value::Kind::kInt) return false;
      AppendInt8(value.int_value, out);
      return true;
    case TypeKind::kBoolean:
      if (value.kind != Value::Kind::kInt) return false;
      AppendLength(1, out);
      out->push_back(value.int_value != 0 ? 1 : 0);
      return true;
    case TypeKind::kDouble: {
      double v = 0;
      if (value.kind == Value::Kind::kReal) v = value.real_value;
      else if (value.kind == Value::Kind::kInt) v = static_cast<double>(value.int_value);
      else return false;
      AppendLength(8, out);
      AppendBigEndian(std::bit_cast<int64_t>(v), out);
      return true;
    }
    case TypeKind::kDecimal: {
      if (value.kind == Value::Kind::kReal && type.precision > 0 &&
          AppendScaledDecimal(value.real_value, type.scale, out))
        return true;
      // The same decimal text the text format sent: the double's shortest
      // round-trip form, or the integer.
      char buffer[64];
      char* end = buffer;
      if (value.kind == Value::Kind::kReal) end = fmt::format_to_n(buffer, sizeof(buffer), "{}", value.real_value).out;
      else if (value.kind == Value::Kind::kInt) end = fmt::format_to_n(buffer, sizeof(buffer), "{}", value.int_value).out;
      else return false;
      return AppendBinaryNumeric(std::string_view(buffer, static_cast<size_t>(end - buffer)), out);
    }
    case TypeKind::kDate:
      return value.kind == Value::Kind::kText && AppendBinaryDate(text(), out);
    case TypeKind::kTimestamp:
      return value.kind == Value::Kind::kText && AppendBinaryTimestamp(text(), out);
    case TypeKind::kJson:
      if (value.kind != Value::Kind::kText) return false;
      AppendLength(1 + value.text_length, out);
      out->push_back(1);  // jsonb's binary format version
      out->append(text());
      return true;
  }
  return false;
}

}  // namespace sluice
