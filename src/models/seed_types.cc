#include "models/seed_types.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>

#include "base/text.h"
#include "catalog/cast.h"

namespace sluice::models {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

size_t Digits(std::string_view s, size_t i) {
  size_t n = 0;
  while (i + n < s.size() && IsDigit(s[i + n])) ++n;
  return n;
}

// YYYY-MM-DD at the start of `s`.
bool HasDateShape(std::string_view s) {
  return s.size() >= 10 && Digits(s, 0) == 4 && s[4] == '-' && Digits(s, 5) == 2 && s[7] == '-' && Digits(s, 8) == 2;
}

// [ T]HH:MM:SS[.ffffff][Z|±HH:MM] after a date.
bool HasTimeShape(std::string_view s) {
  if (s.size() < 9 || (s[0] != ' ' && s[0] != 'T') || Digits(s, 1) != 2 || s[3] != ':' || Digits(s, 4) != 2 ||
      s[6] != ':' || Digits(s, 7) != 2)
    return false;
  size_t i = 9;
  if (i < s.size() && s[i] == '.') {
    const size_t n = Digits(s, i + 1);
    if (n == 0 || n > 6) return false;
    i += 1 + n;
  }
  if (i < s.size() && s[i] == 'Z') ++i;
  else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s.size() - i != 6 || Digits(s, i + 1) != 2 || s[i + 3] != ':' || Digits(s, i + 4) != 2) return false;
    i += 6;
  }
  return i == s.size();
}

bool IsValidTimestamp(std::string_view s) {
  int64_t micros = 0;
  std::string error;
  return ParseTimestamp(s, &micros, &error);
}

}  // namespace

SeedType TypeOfValue(std::string_view v, int* int_digits, int* scale) {
  if (v.empty()) return SeedType::kText;
  const std::string lower = AsciiLower(v);
  if (lower == "true" || lower == "false") return SeedType::kBoolean;

  size_t i = (!v.empty() && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  const size_t whole = Digits(v, i);
  const bool leading_zero = whole > 1 && v[i] == '0';
  if (whole > 0 && i + whole == v.size() && !leading_zero) {
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(v.data() + (v[0] == '+'), v.data() + v.size(), n);
    *int_digits = static_cast<int>(whole);
    *scale = 0;
    if (ec == std::errc() && end == v.data() + v.size()) return SeedType::kInteger;
    return SeedType::kNumeric;  // past int64
  }
  if (!leading_zero && i + whole < v.size() && v[i + whole] == '.') {
    const size_t fraction = Digits(v, i + whole + 1);
    if (whole + fraction > 0 && i + whole + 1 + fraction == v.size()) {
      *int_digits = whole == 1 && v[i] == '0' ? 0 : static_cast<int>(whole);
      *scale = static_cast<int>(fraction);
      return SeedType::kNumeric;
    }
  }
  if (HasDateShape(v)) {
    if (v.size() == 10) return IsValidTimestamp(v) ? SeedType::kDate : SeedType::kText;
    if (HasTimeShape(v.substr(10)) && IsValidTimestamp(v)) return SeedType::kTimestamp;
  }
  return SeedType::kText;
}

void ColumnTypeGuess::Add(std::string_view value) {
  int int_digits = 0, scale = 0;
  const SeedType type = TypeOfValue(value, &int_digits, &scale);
  int_digits_ = std::max(int_digits_, int_digits);
  scale_ = std::max(scale_, scale);
  if (!any_) {
    any_ = true;
    type_ = type;
    return;
  }
  if (type_ == type || type_ == SeedType::kText) return;
  auto is = [&](SeedType a, SeedType b) { return (type_ == a && type == b) || (type_ == b && type == a); };
  if (is(SeedType::kInteger, SeedType::kNumeric)) type_ = SeedType::kNumeric;
  else if (is(SeedType::kDate, SeedType::kTimestamp)) type_ = SeedType::kTimestamp;
  else type_ = SeedType::kText;
}

void ColumnTypeGuess::Fill(SeedColumn* column) const {
  column->inferred = any_ ? type_ : SeedType::kText;
  const bool number = column->inferred == SeedType::kInteger || column->inferred == SeedType::kNumeric;
  column->precision = number ? std::max(1, int_digits_ + scale_) : 0;
  column->scale = column->inferred == SeedType::kNumeric ? scale_ : 0;
}

}  // namespace sluice::models
