#include "jinja/string_format.h"

#include <cctype>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace sluice::jinja {
namespace {

Status FormatError(std::string_view message) { return Status::InvalidArgument(fmt::format("format: {}", message)); }

// The width in a spec, to refuse {:>99999999999} before fmt allocates it.
Status CheckWidth(std::string_view spec, size_t max_size) {
  uint64_t number = 0;
  for (char c : spec) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      number = number * 10 + static_cast<uint64_t>(c - '0');
      if (number > max_size) return FormatError(fmt::format("width or precision past {}", max_size));
    } else {
      number = 0;
    }
  }
  return Status::Ok();
}

// One value by a Python format spec, through fmt (whose spec language is
// Python's, less `,`, `%` and `=`).
Result<std::string> FormatOne(const Value& value, std::string_view spec, size_t max_size) {
  if (spec.empty()) return value.ToString();
  RETURN_IF_ERROR(CheckWidth(spec, max_size));
  if (spec.find(',') != std::string_view::npos || spec.find('=') != std::string_view::npos) {
    return FormatError(fmt::format("unsupported format spec '{}' (',' and '=' are not)", spec));
  }
  try {
    const char type = spec.back();
    if (type == '%') {
      if (!value.is_int() && !value.is_float() && !value.is_bool()) {
        return FormatError(fmt::format("'%' needs a number, not '{}'", value.TypeName()));
      }
      std::string inner(spec.substr(0, spec.size() - 1));
      if (inner.find('.') == std::string::npos) inner += ".6";
      return fmt::format(fmt::runtime("{:" + inner + "f}"), value.as_double() * 100) + "%";
    }
    switch (value.kind()) {
      case Value::Kind::kInt:
        if (type == 'f' || type == 'F' || type == 'e' || type == 'E' || type == 'g' || type == 'G') {
          return fmt::format(fmt::runtime("{:" + std::string(spec) + "}"), static_cast<double>(value.as_int()));
        }
        return fmt::format(fmt::runtime("{:" + std::string(spec) + "}"), value.as_int());
      case Value::Kind::kBool:
        return fmt::format(fmt::runtime("{:" + std::string(spec) + "}"), value.as_bool() ? 1 : 0);
      case Value::Kind::kFloat:
        return fmt::format(fmt::runtime("{:" + std::string(spec) + "}"), value.as_float());
      default:
        return fmt::format(fmt::runtime("{:" + std::string(spec) + "}"), value.ToString());
    }
  } catch (const fmt::format_error& e) {
    return FormatError(fmt::format("bad format spec '{}' for a {}: {}", spec, value.TypeName(), e.what()));
  }
}

}  // namespace

Result<Value> BraceFormat(std::string_view format, const CallArgs& args, size_t max_size) {
  std::string out;
  size_t next_auto = 0;
  for (size_t i = 0; i < format.size();) {
    const char c = format[i];
    if (c == '}') {
      if (i + 1 < format.size() && format[i + 1] == '}') {
        out += '}';
        i += 2;
        continue;
      }
      return FormatError("single '}' in format string");
    }
    if (c != '{') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '{') {
      out += '{';
      i += 2;
      continue;
    }
    const size_t close = format.find('}', i);
    if (close == std::string_view::npos) return FormatError("single '{' in format string");
    std::string_view field = format.substr(i + 1, close - i - 1);
    i = close + 1;
    std::string_view spec;
    if (size_t colon = field.find(':'); colon != std::string_view::npos) {
      spec = field.substr(colon + 1);
      field = field.substr(0, colon);
    }
    bool repr = false;
    if (size_t bang = field.find('!'); bang != std::string_view::npos) {
      const std::string_view conversion = field.substr(bang + 1);
      if (conversion != "r" && conversion != "s") return FormatError(fmt::format("unknown conversion '!{}'", conversion));
      repr = conversion == "r";
      field = field.substr(0, bang);
    }
    const Value* value = nullptr;
    if (field.empty()) {
      if (next_auto >= args.positional.size()) return FormatError(fmt::format("no argument for field {}", next_auto));
      value = &args.positional[next_auto++];
    } else if (std::isdigit(static_cast<unsigned char>(field[0]))) {
      size_t index = 0;
      for (char d : field) {
        if (!std::isdigit(static_cast<unsigned char>(d))) return FormatError(fmt::format("bad field '{{{}}}'", field));
        index = index * 10 + static_cast<size_t>(d - '0');
        if (index > args.positional.size()) break;
      }
      if (index >= args.positional.size()) return FormatError(fmt::format("no argument for field {}", field));
      value = &args.positional[index];
    } else {
      value = args.Keyword(field);
      if (value == nullptr) return FormatError(fmt::format("no argument named '{}'", field));
    }
    if (value->is_undefined()) return FormatError(fmt::format("'{}' is undefined", value->undefined_name()));
    ASSIGN_OR_RETURN(std::string text, repr ? Result<std::string>(value->Repr()) : FormatOne(*value, spec, max_size));
    out += text;
    if (out.size() > max_size) return FormatError(fmt::format("result larger than {} bytes", max_size));
  }
  return Value(std::move(out));
}

Result<Value> PercentFormat(std::string_view format, const Value& args, size_t max_size) {
  std::string out;
  size_t next = 0;
  auto next_value = [&]() -> const Value* {
    if (args.is_list()) return next < args.as_list().size() ? &args.as_list()[next++] : nullptr;
    return next++ == 0 ? &args : nullptr;
  };
  for (size_t i = 0; i < format.size();) {
    if (format[i] != '%') {
      out += format[i++];
      continue;
    }
    ++i;
    if (i < format.size() && format[i] == '%') {
      out += '%';
      ++i;
      continue;
    }
    const Value* value = nullptr;
    if (i < format.size() && format[i] == '(') {
      const size_t close = format.find(')', i);
      if (close == std::string_view::npos || !args.is_dict()) return FormatError("'%(name)' needs a dict argument");
      value = args.as_dict().Find(format.substr(i + 1, close - i - 1));
      if (value == nullptr) return FormatError(fmt::format("no key '{}'", format.substr(i + 1, close - i - 1)));
      i = close + 1;
    }
    // flags, width, precision → a Python spec for FormatOne
    std::string align;
    std::string sign;
    std::string zero;
    while (i < format.size() && std::strchr("-+ 0#", format[i]) != nullptr) {
      if (format[i] == '-') align = "<";
      if (format[i] == '+' || format[i] == ' ') sign = std::string(1, format[i]);
      if (format[i] == '0') zero = "0";
      ++i;
    }
    std::string width_precision;
    while (i < format.size() && (std::isdigit(static_cast<unsigned char>(format[i])) || format[i] == '.')) {
      width_precision += format[i++];
    }
    if (i >= format.size()) return FormatError("incomplete format");
    const char type = format[i++];
    if (value == nullptr) value = next_value();
    if (value == nullptr) return FormatError("not enough arguments for format string");
    std::string text;
    switch (type) {
      case 's': {
        const std::string spec = (align.empty() && !width_precision.empty() ? ">" : align) + width_precision;
        ASSIGN_OR_RETURN(text, FormatOne(Value(value->ToString()), spec, max_size));
        break;
      }
      case 'r': text = value->Repr(); break;
      case 'd':
      case 'i':
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
      case 'o': {
        if (!value->is_int() && !value->is_float() && !value->is_bool()) {
          return FormatError(fmt::format("%{} format: a number is required, not {}", type, value->TypeName()));
        }
        Value number = *value;
        const bool integral = type == 'd' || type == 'i' || type == 'x' || type == 'X' || type == 'o';
        if (integral && value->is_float()) number = Value(static_cast<int64_t>(std::trunc(value->as_float())));
        const std::string spec = align + sign + (align.empty() ? zero : "") + width_precision +
                                 std::string(1, type == 'i' ? 'd' : type);
        ASSIGN_OR_RETURN(text, FormatOne(number, spec, max_size));
        break;
      }
      default:
        return FormatError(fmt::format("unsupported format character '{}'", type));
    }
    out += text;
    if (out.size() > max_size) return FormatError(fmt::format("result larger than {} bytes", max_size));
  }
  if (args.is_list() && next < args.as_list().size()) {
    return FormatError("not all arguments converted during string formatting");
  }
  return Value(std::move(out));
}

}  // namespace sluice::jinja
