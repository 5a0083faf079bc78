#include "models/selection_criterion.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>

#include <fmt/format.h>

#include "base/text.h"

namespace sluice::models {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMethods[] = {"fqn",     "tag",       "path",      "file",      "source",
                                         "resource_type", "package", "test_type", "test_name", "config.materialized"};

bool Glob(std::string_view pattern, std::string_view text, int flags = 0) {
  return ::fnmatch(std::string(pattern).c_str(), std::string(text).c_str(), flags) == 0;
}

bool HasWildcard(std::string_view s) { return s.find_first_of("*?[]") != std::string_view::npos; }

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    out.emplace_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// dbt's match of a dotted selector against an fqn: the node's name, or the
// fqn's leading parts ("shop.marts" is everything in marts), with a
// wildcard part matching the rest of the fqn as one dotted string.
bool FqnPrefixMatches(const std::vector<std::string>& fqn, const std::string& selector) {
  if (fqn.empty()) return false;
  if (fqn.back() == selector) return true;
  const std::vector<std::string> parts = Split(selector, '.');
  if (fqn.size() < parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (HasWildcard(parts[i])) {
      std::vector<std::string> rest_fqn(fqn.begin() + static_cast<long>(i), fqn.end());
      std::vector<std::string> rest_parts(parts.begin() + static_cast<long>(i), parts.end());
      return Glob(Join(rest_parts, "."), Join(rest_fqn, "."));
    }
    if (fqn[i] != parts[i]) return false;
  }
  return true;
}

bool FqnMatches(const GraphNode& node, const std::string& selector) {
  if (selector.find('.') == std::string::npos && Glob(selector, node.name)) return true;
  if (FqnPrefixMatches(node.fqn, selector)) return true;
  if (node.fqn.size() < 2) return false;
  return FqnPrefixMatches(std::vector<std::string>(node.fqn.begin() + 1, node.fqn.end()), selector);
}

// The path, or a folder above it, matches the selector.
bool PathUnder(const std::string& path, const std::string& selector) {
  if (path.empty()) return false;
  for (fs::path p = path; !p.empty() && p != p.root_path(); p = p.parent_path()) {
    if (Glob(selector, p.string(), FNM_PATHNAME)) return true;
    if (!p.has_parent_path()) break;
  }
  return false;
}

bool PathMatches(const GraphNode& node, std::string selector) {
  while (selector.starts_with("./")) selector = selector.substr(2);
  while (selector.size() > 1 && selector.back() == '/') selector.pop_back();
  if (PathUnder(node.path, selector)) return true;
  // Relative to the model/seed/test path too: path:marts is models/marts.
  if (!node.root.empty() && node.path.starts_with(node.root + "/"))
    return PathUnder(node.path.substr(node.root.size() + 1), selector);
  return false;
}

bool SourceMatches(const GraphNode& node, const std::string& selector) {
  if (node.type != ResourceType::kSource) return false;
  const std::vector<std::string> parts = Split(selector, '.');
  std::string package = "*", source = parts[0], table = "*";
  if (parts.size() == 2) table = parts[1];
  if (parts.size() == 3) std::tie(package, source, table) = std::tie(parts[0], parts[1], parts[2]);
  return Glob(package, node.package) && Glob(source, node.source_name) && Glob(table, node.name);
}

Result<int> Depth(std::string_view digits, std::string_view raw) {
  int n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size())
    return Status::InvalidArgument(fmt::format("the selector '{}' has a depth that is not a number", raw));
  return n;
}

Status Malformed(std::string_view raw, std::string_view why) {
  return Status::InvalidArgument(fmt::format("the selector '{}' is malformed: {}", raw, why));
}

}  // namespace

Result<SelectionCriterion> ParseCriterion(std::string_view raw) {
  SelectionCriterion c;
  c.raw = std::string(raw);
  std::string_view s = raw;
  if (s.starts_with("@")) {
    c.childrens_parents = true;
    s.remove_prefix(1);
  }
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  if (digits < s.size() && s[digits] == '+') {
    if (c.childrens_parents) return Malformed(raw, "'@' and a '+' before the name cannot be combined");
    c.parents = true;
    if (digits > 0) {
      ASSIGN_OR_RETURN(c.parents_depth, Depth(s.substr(0, digits), raw));
    }
    s.remove_prefix(digits + 1);
  }
  if (const size_t plus = s.rfind('+'); plus != std::string_view::npos) {
    const std::string_view after = s.substr(plus + 1);
    if (std::all_of(after.begin(), after.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
      c.children = true;
      if (!after.empty()) {
        ASSIGN_OR_RETURN(c.children_depth, Depth(after, raw));
      }
      s = s.substr(0, plus);
    }
  }
  if (const size_t colon = s.find(':'); colon != std::string_view::npos) {
    const std::string_view method = s.substr(0, colon);
    const bool word = !method.empty() && std::all_of(method.begin(), method.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.';
    });
    if (word) {
      if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
        std::vector<std::string> known(std::begin(kMethods), std::end(kMethods));
        return Status::InvalidArgument(fmt::format("unknown selection method '{}' in '{}' (sluice knows: {})", method,
                                                   raw, Join(known, ", ")));
      }
      c.method = std::string(method);
      s.remove_prefix(colon + 1);
    }
  }
  c.value = std::string(s);
  if (c.value.empty()) return Malformed(raw, "it names nothing to select");
  if (c.method.empty()) {
    const bool path = c.value.find('/') != std::string::npos || c.value.ends_with(".sql") ||
                      c.value.ends_with(".csv") || c.value.ends_with(".py");
    c.method = path ? "path" : "fqn";
  }
  if (c.method == "resource_type") {
    static const char* kTypes[] = {"model", "seed", "test", "source", "snapshot", "analysis", "exposure", "metric",
                                   "semantic_model", "saved_query", "unit_test", "operation", "function"};
    if (std::none_of(std::begin(kTypes), std::end(kTypes), [&](const char* t) { return c.value == t; }))
      return Status::InvalidArgument(fmt::format("'{}': there is no resource type '{}' (model, seed, test, source)",
                                                 raw, c.value));
  }
  if (c.method == "test_type" && c.value != "generic" && c.value != "singular" && c.value != "data" &&
      c.value != "unit")
    return Status::InvalidArgument(fmt::format("'{}': test_type is generic, singular or data", raw));
  if (c.method == "source" && Split(c.value, '.').size() > 3)
    return Malformed(raw, "a source is source, source.table or package.source.table");
  return c;
}

bool MatchesMethod(const SelectionCriterion& c, const GraphNode& node) {
  const std::string& v = c.value;
  if (c.method == "fqn") return FqnMatches(node, v);
  if (c.method == "tag")
    return std::any_of(node.tags.begin(), node.tags.end(), [&](const std::string& t) { return Glob(v, t); });
  if (c.method == "path") return PathMatches(node, v);
  if (c.method == "file") {
    const fs::path file = fs::path(node.path).filename();
    return node.type != ResourceType::kSource && (Glob(v, file.string()) || Glob(v, file.stem().string()));
  }
  if (c.method == "source") return SourceMatches(node, v);
  if (c.method == "resource_type") return ResourceTypeName(node.type) == v;
  if (c.method == "package") return Glob(v, node.package);
  if (c.method == "test_type") {
    if (node.type != ResourceType::kTest) return false;
    if (v == "data") return true;
    if (v == "generic") return !node.test_name.empty();
    if (v == "singular") return node.test_name.empty();
    return false;  // unit tests: sluice has none
  }
  if (c.method == "test_name") return node.type == ResourceType::kTest && Glob(v, node.test_name);
  if (c.method == "config.materialized") return !node.materialized.empty() && Glob(v, node.materialized);
  return false;
}

}  // namespace sluice::models
