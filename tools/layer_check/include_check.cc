#include "include_check.h"

#include <cctype>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>

namespace sluice::layer_check {
namespace {

constexpr std::string_view kSrc = "src/";

void SkipSpaces(std::string_view& s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
}

bool Consume(std::string_view& s, std::string_view word) {
  if (!s.starts_with(word)) return false;
  s.remove_prefix(word.size());
  return true;
}

std::string Normal(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().generic_string();
}

// The tree's path of the file an include names; nullopt outside the tree.
std::optional<std::string> Resolve(const SourceTree& tree, const std::string& from, const Include& include) {
  std::vector<std::string> candidates;
  if (!include.angled) candidates.push_back(std::filesystem::path(from).parent_path().generic_string() + "/");
  candidates.push_back(std::string(kSrc));
  candidates.push_back("tests/");
  for (const std::string& dir : candidates) {
    const std::string path = Normal(dir + include.spelled);
    if (tree.contains(path)) return path;
  }
  return std::nullopt;
}

// A tree path as src/LAYERS writes it: from src/.
std::string FromSrc(const std::string& path) {
  return path.starts_with(kSrc) ? path.substr(kSrc.size()) : "../" + path;
}

std::string Spelled(const Include& include) {
  return include.angled ? "<" + include.spelled + ">" : "\"" + include.spelled + "\"";
}

// What is wrong with `from` (from src/, a file of `unit`) including `target`
// (from the tree's root); nullopt when nothing is.
std::optional<std::string> Problem(const Layers& layers, const std::string& from, const Unit& unit,
                                   const std::string& target) {
  if (!target.starts_with(kSrc)) return "is " + target + ": src/ never includes tests/";
  const std::optional<Unit> to = layers.UnitOf(FromSrc(target));
  if (!to || to->folder == unit.folder) return std::nullopt;  // a file on no level is reported as itself
  if (to->is_private) return "reaches into " + to->folder + ", which only its own files may include";
  if (to->tests_only) {
    if (layers.IsTestFile(from)) return std::nullopt;
    return "is test support (" + to->folder + "), which only test files may include";
  }
  // A private sub-folder stands on its parent's level and may use the parent's files.
  if ((unit.is_private && to->folder == unit.parent) || to->level < unit.level) return std::nullopt;
  if (to->level == unit.level)
    return "points sideways: " + unit.folder + " and " + to->folder + " are both on level " +
           std::to_string(to->level);
  return "points up: " + unit.folder + " is on level " + std::to_string(unit.level) + ", " + to->folder +
         " on level " + std::to_string(to->level);
}

}  // namespace

std::vector<Include> ScanIncludes(std::string_view text) {
  std::vector<Include> out;
  std::istringstream in{std::string(text)};
  int number = 0;
  for (std::string raw; std::getline(in, raw);) {
    ++number;
    std::string_view line = raw;
    SkipSpaces(line);
    if (!Consume(line, "#")) continue;
    SkipSpaces(line);
    if (!Consume(line, "include")) continue;
    SkipSpaces(line);
    if (line.empty() || (line.front() != '"' && line.front() != '<')) continue;
    const bool angled = line.front() == '<';
    const auto end = line.find(angled ? '>' : '"', 1);
    if (end == std::string_view::npos) continue;
    out.push_back({number, std::string(line.substr(1, end - 1)), angled});
  }
  return out;
}

CheckResult CheckIncludes(const Layers& layers, std::string_view layers_name, const SourceTree& tree) {
  CheckResult result;
  std::set<int> allows_used;  // by line in the layer file
  for (const auto& [path, text] : tree) {
    if (!path.starts_with(kSrc)) continue;
    ++result.files;
    const std::string from = FromSrc(path);
    const std::optional<Unit> unit = layers.UnitOf(from);
    if (!unit) {
      const auto slash = from.rfind('/');
      const std::string folder = slash == std::string::npos ? "src/ itself" : from.substr(0, slash);
      result.problems.push_back(path + ": its folder (" + folder + ") is on no level of " + std::string(layers_name));
      continue;
    }
    for (const Include& include : ScanIncludes(text)) {
      const std::optional<std::string> target = Resolve(tree, path, include);
      if (!target) continue;
      ++result.includes;
      const std::optional<std::string> problem = Problem(layers, from, *unit, *target);
      if (!problem) continue;
      bool allowed = false;
      for (const Allow& allow : layers.allows()) {
        if (!PathMatches(allow.from, from) || !PathMatches(allow.to, FromSrc(*target))) continue;
        allows_used.insert(allow.line);
        allowed = true;
      }
      if (!allowed)
        result.problems.push_back(path + ":" + std::to_string(include.line) + ": #include " + Spelled(include) + " " +
                                  *problem);
    }
  }
  // An exception that excuses nothing any more would hide the next include
  // like the one it was for.
  for (const Allow& allow : layers.allows()) {
    if (allows_used.contains(allow.line)) continue;
    result.problems.push_back(std::string(layers_name) + ":" + std::to_string(allow.line) + ": allow: " + allow.from +
                              " -> " + allow.to + " excuses no include any more; delete it");
  }
  return result;
}

}  // namespace sluice::layer_check
