#include "catalog/column_type.h"

#include "base/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace sluice {
namespace {

constexpr int kMaxPrecision = 38;

// Splits "name(a,b)" into name and its integer arguments.
bool SplitArgs(std::string_view text, std::string* name, std::vector<int>* args) {
  const size_t open = text.find('(');
  if (open == std::string_view::npos) {
    *name = AsciiLower(TrimWhitespace(text));
    return true;
  }
  if (text.back() != ')') return false;
  *name = AsciiLower(TrimWhitespace(text.substr(0, open)));
  std::string_view inner = text.substr(open + 1, text.size() - open - 2);
  while (true) {
    const size_t comma = inner.find(',');
    std::string_view part = TrimWhitespace(inner.substr(0, comma));
    int value = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc() || ptr != part.data() + part.size() || part.empty()) return false;
    args->push_back(value);
    if (comma == std::string_view::npos) break;
    inner.remove_prefix(comma + 1);
  }
  return true;
}

}  // namespace

std::string ColumnType::ToString() const {
  switch (kind) {
    case TypeKind::kString: return "string";
    case TypeKind::kVarchar: return fmt::format("varchar({})", length);
    case TypeKind::kInt: return "int";
    case TypeKind::kDecimal: return fmt::format("number({},{})", precision, scale);
    case TypeKind::kDouble: return "double";
    case TypeKind::kBoolean: return "boolean";
    case TypeKind::kDate: return "date";
    case TypeKind::kTimestamp: return "timestamp";
    case TypeKind::kJson: return "json";
  }
  return "?";
}

Result<ColumnType> ParseColumnType(std::string_view raw) {
  const std::string_view text = TrimWhitespace(raw);
  std::string name;
  std::vector<int> args;
  const auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("invalid type '{}': {}", text, why));
  };
  if (!SplitArgs(text, &name, &args)) return bad("arguments must be integers, as in varchar(32) or number(9,2)");

  ColumnType type;
  const auto no_args = [&](TypeKind kind) -> Result<ColumnType> {
    if (!args.empty()) return bad(fmt::format("{} takes no arguments", name));
    type.kind = kind;
    return type;
  };
  if (name == "string") return no_args(TypeKind::kString);
  if (name == "int") return no_args(TypeKind::kInt);
  if (name == "double") return no_args(TypeKind::kDouble);
  if (name == "boolean") return no_args(TypeKind::kBoolean);
  if (name == "date") return no_args(TypeKind::kDate);
  if (name == "timestamp") return no_args(TypeKind::kTimestamp);
  if (name == "json") return no_args(TypeKind::kJson);
  if (name == "varchar") {
    if (args.size() != 1 || args[0] < 1) return bad("varchar needs a positive length, as in varchar(32)");
    type.kind = TypeKind::kVarchar;
    type.length = args[0];
    return type;
  }
  if (name == "number" || name == "decimal") {
    type.kind = TypeKind::kDecimal;
    type.precision = args.empty() ? kMaxPrecision : args[0];
    type.scale = args.size() > 1 ? args[1] : 0;
    if (args.size() > 2) return bad("number takes at most two arguments: number(precision,scale)");
    if (type.precision < 1 || type.precision > kMaxPrecision)
      return bad(fmt::format("precision must be between 1 and {}", kMaxPrecision));
    if (type.scale < 0 || type.scale > type.precision) return bad("scale must be between 0 and the precision");
    return type;
  }
  return Status::InvalidArgument(fmt::format(
      "unknown type '{}' (expected string, varchar(n), int, number(p,s), decimal(p,s), double, "
      "boolean, date, timestamp or json)",
      text));
}

}  // namespace sluice
