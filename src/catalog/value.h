// Typed values of final-table rows, as the merge produces them.
//
// A Value is a small POD; text lives in an arena owned by the batch that holds
// the row (Value::text_offset/length index into it), so building a row never
// allocates per field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

struct Value {
  enum class Kind : uint8_t { kNull, kInt, kReal, kText };
  Kind kind = Kind::kNull;
  int64_t int_value = 0;
  double real_value = 0;
  uint32_t text_offset = 0;
  uint32_t text_length = 0;

  static Value Null() { return Value{}; }
  static Value Int(int64_t v) { Value x; x.kind = Kind::kInt; x.int_value = v; return x; }
  static Value Real(double v) { Value x; x.kind = Kind::kReal; x.real_value = v; return x; }
  // Appends `text` to `arena` and returns a value that refers to it.
  static Value Text(std::string_view text, std::string* arena) {
    Value x;
    x.kind = Kind::kText;
    x.text_offset = static_cast<uint32_t>(arena->size());
    x.text_length = static_cast<uint32_t>(text.size());
    arena->append(text);
    return x;
  }

  bool is_null() const { return kind == Kind::kNull; }
  std::string_view text(const std::string& arena) const {
    return std::string_view(arena).substr(text_offset, text_length);
  }
};

// A key value as the text the warehouse's KeyValues carry (merge_transaction.h):
// integers in decimal, reals in their shortest round-trip form, text as is;
// empty for NULL.
std::string KeyValueText(const Value& v, const std::string& arena);

// Orders two non-null values of the same column (so of the same kind):
// negative, zero or positive. Timestamps compare as text because their
// fixed-width form sorts in time order.
int CompareValues(const Value& a, const Value& b, const std::string& arena);

}  // namespace sluice
